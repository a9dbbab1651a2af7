"""The time bar: play/pause, step to the next event, speed from 1× to 10,000× (the
controller's SPEEDS), the simulated clock, the scenario's name and its current step or
note caption (for demos). Both directions: the buttons drive the controller, and the
controller's signals (``playingChanged``, ``speedChanged``, ``frame``) drive the bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar, QToolButton, QWidget

from app.controller import SPEEDS
from app.format import format_clock
from app.resources import icon

if TYPE_CHECKING:
    from app.controller import Controller

QWIDGETSIZE_MAX = (1 << 24) - 1


def speed_text(speed: float) -> str:
    return f"{speed:,.0f}×"


class ElidedLabel(QLabel):
    """A one-line label that elides its text with … instead of growing the bar."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(60, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(200, super().sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        rect = self.contentsRect()
        text = QFontMetrics(self.font()).elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                                    rect.width())
        self.style().drawItemText(p, rect, int(self.alignment()), self.palette(),
                                  self.isEnabled(), text, self.foregroundRole())


class ClockLabel(QLabel):
    """The simulated clock, new on every frame. A label whose size may change makes Qt lay
    out the time bar and the main window again on each new text (0.4 ms a frame); this
    one keeps a fixed size, its text's, which changes only with the text's length (the
    font is monospace) or with its font or style."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt)
        resize = len(text) != len(self.text())
        super().setText(text)
        if resize:
            self._fit()

    def _fit(self) -> None:
        self.setMinimumSize(0, 0)
        self.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
        self.ensurePolished()  # the style sheet's font, padding and border
        self.setFixedSize(self.sizeHint())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


class TimeBar(QToolBar):
    """The toolbar that controls simulated time."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__("Time", parent)
        self.setObjectName("timeBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setIconSize(QSize(22, 22))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.controller = controller
        self._icons = {n: icon(n) for n in ("play", "pause", "step", "slower", "faster")}
        self.caption_text = ""  # the last note of the scenario, shown until the next one

        self.play_action = QAction(self._icons["play"], "Play", self)
        self.play_action.setObjectName("playAction")
        self.play_action.setCheckable(True)
        self.play_action.setShortcuts([QKeySequence(Qt.Key.Key_Space)])
        self.play_action.setToolTip("Play / pause simulated time (Space)")
        self.play_action.triggered.connect(self._on_play)
        self.step_action = QAction(self._icons["step"], "Next event", self)
        self.step_action.setObjectName("stepAction")
        self.step_action.setShortcuts([QKeySequence(Qt.Key.Key_N),
                                       QKeySequence(Qt.Key.Key_Right)])
        self.step_action.setToolTip("Run to the next event or scenario step (N or →)")
        self.step_action.triggered.connect(controller.step_event)
        self.slower_action = QAction(self._icons["slower"], "Slower", self)
        self.slower_action.setObjectName("slowerAction")
        self.slower_action.setShortcuts([QKeySequence(Qt.Key.Key_Minus),
                                         QKeySequence(Qt.Key.Key_Underscore)])
        self.slower_action.setToolTip("Slower (-)")
        self.slower_action.triggered.connect(controller.slower)
        self.faster_action = QAction(self._icons["faster"], "Faster", self)
        self.faster_action.setObjectName("fasterAction")
        self.faster_action.setShortcuts([QKeySequence(Qt.Key.Key_Plus),
                                         QKeySequence(Qt.Key.Key_Equal)])
        self.faster_action.setToolTip("Faster (+)")
        self.faster_action.triggered.connect(controller.faster)

        self.speed_box = QComboBox()
        self.speed_box.setObjectName("speedBox")
        self.speed_box.setToolTip("Simulated seconds per real second")
        self.speed_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for s in SPEEDS:
            self.speed_box.addItem(speed_text(s), float(s))
        self.speed_box.activated.connect(
            lambda i: controller.set_speed(float(self.speed_box.itemData(i))))

        self.clock = ClockLabel()
        self.clock.setObjectName("clock")
        self.clock.setToolTip("Simulated time since the scenario started (d hh:mm:ss)")
        self.scenario_label = ElidedLabel()  # elided: the narration needs the room
        self.scenario_label.setObjectName("scenarioName")
        self.scenario_label.setMaximumWidth(340)
        self.caption = ElidedLabel()
        self.caption.setObjectName("caption")

        self.addAction(self.play_action)
        self.addAction(self.step_action)
        self.addSeparator()
        self.addAction(self.slower_action)
        self.addWidget(self.speed_box)
        self.addAction(self.faster_action)
        self.addSeparator()
        self.addWidget(self.clock)
        self.addSeparator()
        self.addWidget(self.scenario_label)
        self.addWidget(self.caption)
        for act in (self.slower_action, self.faster_action):
            btn = self.widgetForAction(act)
            if isinstance(btn, QToolButton):
                btn.setProperty("iconOnly", True)
                btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

        controller.playingChanged.connect(self._on_playing)
        controller.speedChanged.connect(self._on_speed)
        controller.frame.connect(self.refresh)
        controller.stepFinished.connect(self._on_step)
        controller.scenarioLoaded.connect(self._on_loaded)
        self._on_loaded()
        self._on_speed(controller.speed)
        self._on_playing(controller.playing)

    @property
    def actions_for_window(self) -> list[QAction]:
        """The actions whose shortcuts must work anywhere in the main window."""
        return [self.play_action, self.step_action, self.slower_action, self.faster_action]

    def _on_play(self) -> None:
        self.controller.toggle()
        self._on_playing(self.controller.playing)

    def _on_playing(self, playing: bool) -> None:
        self.play_action.setChecked(playing)
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(self._icons["pause" if playing else "play"])

    def _on_speed(self, speed: float) -> None:
        i = self.speed_box.findData(float(speed))
        if i < 0:
            i = max((k for k, s in enumerate(SPEEDS) if s <= speed), default=0)
        self.speed_box.setCurrentIndex(i)
        self.slower_action.setEnabled(speed > SPEEDS[0])
        self.faster_action.setEnabled(speed < SPEEDS[-1])

    def _on_loaded(self) -> None:
        sc = self.controller.scenario
        self.scenario_label.setText(sc.name)
        self.scenario_label.setToolTip(sc.description or sc.name)
        self.caption_text = ""
        self.refresh()

    def _on_step(self, step: Any) -> None:
        if getattr(step, "do", "") == "note":
            self.caption_text = str(step.message)
        self.refresh()

    def step_caption(self) -> str:
        """What the scenario is doing: the last note, or the step under way / next."""
        progress = self.controller.step_progress()
        steps = self.controller.scenario.steps
        if not steps or getattr(self.controller, "conceals_timeline", False):
            return self.caption_text  # the trainee's window: nothing of what is coming
        if progress.done:
            where = f"all {len(steps)} steps done"
        else:
            step = steps[progress.next_index]
            verb = "waiting" if progress.waiting else "next"
            where = f"step {progress.next_index + 1}/{len(steps)} {verb}: {step.action.do}"
            rack = getattr(step.action, "rack", None)
            if rack:
                where += f" {rack}"
        # the cue first: it survives eliding on a narrow window; the note follows
        return f"{where}  ·  “{self.caption_text}”" if self.caption_text else where

    def refresh(self) -> None:
        text = format_clock(self.controller.now)
        if text != self.clock.text():
            self.clock.setText(text)
        cap = self.step_caption()
        if cap != self.caption.text():
            self.caption.setText(cap)
            self.caption.setToolTip(cap)
