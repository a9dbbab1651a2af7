"""The objectives panel, docked while a trainee plays: who plays, the time left, each
assessed item (pending / in progress / met / failed), the RPO and RTO objectives, a Hint
button (it costs points) and Finish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.format import format_duration
from app.theme import BUSY_TEXT, ERROR_TEXT, MUTED_TEXT, OK_TEXT, C
from app.trainee.items import (
    EXPIRED,
    FAILED,
    MET,
    PENDING,
    WAITING,
    Clock,
    Item,
    objective_items,
    step_items,
)

if TYPE_CHECKING:
    from app.controller import Controller

MARKS = {PENDING: ("○", MUTED_TEXT, "pending"), WAITING: ("◔", BUSY_TEXT, "in progress"),
         MET: ("✓", OK_TEXT, "met"), FAILED: ("✗", ERROR_TEXT, "failed"),
         EXPIRED: ("✗", ERROR_TEXT, "expired")}


class ObjectivesPanel(QWidget):
    """Live objectives of a trainee session (refreshed on ``controller.frame``)."""

    hintRequested = Signal()
    finishRequested = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("objectivesPanel")
        self.controller = controller
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 8)
        self.who = QLabel()
        self.who.setObjectName("traineeWho")
        self.who.setWordWrap(True)
        box.addWidget(self.who)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        top = QHBoxLayout()
        top.addWidget(self.countdown, 1)
        box.addLayout(top)
        self.list = QWidget()
        self.list.setObjectName("objectivesList")
        self.rows = QVBoxLayout(self.list)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(4)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.list)
        box.addWidget(area, 1)
        self.labels: dict[str, QLabel] = {}
        self.hint_text = QLabel()
        self.hint_text.setObjectName("hintText")
        self.hint_text.setWordWrap(True)
        self.hint_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_text.hide()
        box.addWidget(self.hint_text)
        row = top  # the buttons beside the countdown: the list keeps the height
        self.hint_button = QPushButton("Hint")
        self.hint_button.setObjectName("hintButton")
        self.hint_button.setToolTip("Show the next expected action. Each hint costs points.")
        self.hint_button.clicked.connect(self.hintRequested)
        self.finish_button = QPushButton("Finish")
        self.finish_button.setObjectName("finishButton")
        self.finish_button.setToolTip("End the session: the run is assessed and scored")
        self.finish_button.clicked.connect(self.finishRequested)
        row.addWidget(self.hint_button)
        row.addWidget(self.finish_button)
        self._shown: tuple[Item, ...] = ()
        controller.frame.connect(self.refresh)
        self.refresh()

    def items(self) -> list[Item]:
        c = self.controller
        progress = c.step_progress()
        clock = Clock(c.now, c.time_limit_s, c.session_over)
        down_at = c.state()["outcome"].get("service_down_at_s")
        return (step_items(c.scenario.steps, c.step_results(), progress.next_index,
                           progress.waiting, progress.wait_deadline_s, clock)
                + objective_items(c.objectives_now(), down_at, clock))

    def show_hint(self, text: str) -> None:
        self.hint_text.setText(f"<b>Hint:</b> {_esc(text)}  (hint {self.controller.hints_used()}: it costs "
                               "points)")
        self.hint_text.setStyleSheet(f"QLabel {{ background: {C.AMBER_SOFT}; color: "
                                     f"{C.INK}; border: 1px solid {C.AMBER}; "
                                     "border-radius: 4px; padding: 6px; }")
        self.hint_text.show()

    def refresh(self) -> None:
        if not self.isVisible() and self._shown:
            return
        c = self.controller
        name = c.trainee_name or "(no name)"
        self.who.setText(f"<b>Trainee:</b> {_esc(name)} · hints used: {c.hints_used()}")
        left = c.time_left_s()
        if c.session_over:
            self.countdown.setText("Session finished: see the result")
        elif left is None:
            self.countdown.setText(f"Elapsed {format_duration(c.now)} · no time limit")
        else:
            self.countdown.setText(f"Time left {format_duration(left)}")
        self.countdown.setStyleSheet(
            f"color: {ERROR_TEXT if left is not None and left < 600 else C.INK};"
            " font-weight: 600;")
        over = c.session_over
        self.hint_button.setEnabled(not over)
        self.finish_button.setEnabled(not over)
        items = tuple(self.items())
        if items == self._shown:
            return
        if [it.key for it in items] == [it.key for it in self._shown] and self.labels:
            # the same lines (a countdown moved, a status changed): new texts, no new labels
            self._shown = items
            for it in items:
                self._dress(self.labels[it.key], it)
            return
        self._shown = items
        while self.rows.count():
            taken = self.rows.takeAt(0)
            old = taken.widget() if taken is not None else None
            if old is not None:
                old.deleteLater()
        self.labels = {}
        for it in items:
            label = QLabel()
            label.setObjectName(f"objective-{it.key}")
            label.setWordWrap(True)
            self._dress(label, it)
            self.rows.addWidget(label)
            self.labels[it.key] = label
        if not items:
            self.rows.addWidget(QLabel("No assessed items: the score comes from the "
                                       "procedure."))
        self.rows.addStretch(1)

    @staticmethod
    def _dress(label: QLabel, it: Item) -> None:
        mark, colour, word = MARKS[it.status]
        text = (f"<span style='color:{colour}; font-weight:600'>{mark} {word}"
                f"</span><span style='color:{MUTED_TEXT}'>"
                f"{' · ' + _esc(it.detail) if it.detail else ''}</span><br>"
                f"{_esc(it.what)}")
        if label.text() != text:
            label.setText(text)
        sheet = (f"QLabel {{ border-left: 3px solid {colour}; padding: 2px 6px;"
                 f" background: {C.PAPER}; }}")
        if label.styleSheet() != sheet:
            label.setStyleSheet(sheet)

    def detail_of(self, key: str) -> str | None:
        """The detail an item shows now (``about 24m left``), None: no such item."""
        return next((it.detail for it in self._shown if it.key == key), None)

    def status_of(self, key: str) -> str | None:
        return next((it.status for it in self._shown if it.key == key), None)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
