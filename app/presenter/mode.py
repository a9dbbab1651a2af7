"""Presenter mode (issue 11): the scenario plays by itself at a chosen speed for people who
have never seen a failover. Each ``note`` step is a large caption over the main window; a
note with ``pause: true`` stops the clock at its time until the presenter clicks the
caption or presses Space or →. Every note is a chapter (View > Chapters, and the presenter
notes window): jumping to one replays the scenario to that note's time. The projector
theme (app/theme.py PROJECTOR) dresses the whole application while presenting. At the end
the one-page summary covers the window; with loop on, the show starts again.

The presenter holds no engine: it reads the chapters, the summary and the runner's
position through the controller, and sets ``controller.hold_at`` to the next pause note's
time so that the clock stops exactly there whatever the speed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import resources, theme
from app.format import format_clock
from app.presenter.notes import PresenterNotes
from app.presenter.summary import SummaryPage
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Chapter, Controller

CONTINUE_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Return, Qt.Key.Key_Enter)
LOOP_DELAY_MS = 8000  # the summary stays this long before a loop starts again


def menu_titled(window: QMainWindow, title: str) -> QMenu | None:
    """The menu bar's menu whose title, without its & mnemonic, is ``title``."""
    for act in window.menuBar().actions():
        menu = act.menu()
        if isinstance(menu, QMenu) and act.text().replace("&", "") == title:
            return menu
    return None


class Caption(QFrame):
    """The note as a large caption at the bottom of the window's centre; a click on it
    continues a paused show."""

    def __init__(self, parent: QWidget, on_click: Any) -> None:
        super().__init__(parent)
        self.setObjectName("presenterCaption")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._on_click = on_click
        self.text_only = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 10, 24, 10)
        box.setSpacing(2)
        self.label = QLabel()
        self.label.setObjectName("captionText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = QLabel("▶  Space, → or click to continue")
        self.hint.setObjectName("captionHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.label)
        box.addWidget(self.hint)
        self.hide()

    def dress(self, th: theme.Theme) -> None:
        self.setStyleSheet(
            f"QFrame#presenterCaption {{ background: {C.INK}; border: 3px solid {C.ACCENT};"
            f" border-radius: 14px; }}"
            f" QLabel#captionText {{ color: {C.PAPER}; font-size: {th.caption_pt:.0f}pt;"
            f" font-weight: 600; background: transparent; }}"
            f" QLabel#captionHint {{ color: {C.AMBER}; font-size: {th.caption_pt * 0.55:.0f}pt;"
            f" background: transparent; }}")

    def text(self) -> str:
        return self.label.text()

    def show_text(self, text: str, waiting: bool) -> None:
        self.text_only = text
        self.label.setText(text)
        self.hint.setVisible(waiting)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        w = max(200, int(parent.width() * 0.84))
        self.setFixedWidth(w)
        lay = self.layout()
        h = lay.heightForWidth(w) if lay is not None and lay.hasHeightForWidth() else -1
        h = h if h > 0 else self.sizeHint().height()
        self.setFixedHeight(min(h, max(80, parent.height() - 16)))
        self.move((parent.width() - self.width()) // 2,
                  max(0, parent.height() - self.height() - 12))

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        self._on_click()
        event.accept()


class Presenter(QObject):
    """Presenter mode over one main window and its controller."""

    def __init__(self, window: QMainWindow, controller: Controller) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.active = False
        self.waiting = False  # a pause note holds the clock
        self.ended = False  # the summary is up
        self.loop = False
        self.loop_delay_ms = LOOP_DELAY_MS
        self.current: int | None = None  # the chapter on screen (position in chapters())
        self.notes = PresenterNotes(window)
        self.notes.jumpRequested.connect(self.jump)
        self.notes.continueRequested.connect(self.continue_)
        self.notes.loopToggled.connect(self._set_loop)
        host = window.centralWidget() or window
        self.caption = Caption(host, self.continue_)
        self.summary_page: SummaryPage | None = None
        self.theme = theme.DEFAULT
        self._hidden: list[QDockWidget] = []
        self.caption.dress(self.theme)
        self._loop_timer = QTimer(self)
        self._loop_timer.setSingleShot(True)
        self._loop_timer.timeout.connect(self._loop_again)
        self._host = host
        host.installEventFilter(self)
        window.installEventFilter(self)
        controller.stepFinished.connect(self._on_step)
        controller.frame.connect(self._on_frame)
        controller.scenarioLoaded.connect(self._on_loaded)
        controller.playingChanged.connect(self._on_playing)
        self._build_actions()

    # -- menus ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        w = self.window
        self.mode_action = QAction("&Presenter mode", w)
        self.mode_action.setObjectName("presenterAction")
        self.mode_action.setCheckable(True)
        self.mode_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.mode_action.setToolTip("Autoplay with the notes as captions, pauses and "
                                    "chapters, in the projector theme (Ctrl+Shift+P)")
        self.mode_action.toggled.connect(lambda on: self.start() if on else self.stop())
        self.notes_action = QAction("Presenter &notes window", w)
        self.notes_action.setObjectName("presenterNotesAction")
        self.notes_action.triggered.connect(self._show_notes)
        self.chapters_menu = QMenu("&Chapters", w)
        self.chapters_menu.setObjectName("chaptersMenu")
        self.chapters_menu.aboutToShow.connect(self._fill_chapters)
        self.summary_action = QAction("Show &summary", w)
        self.summary_action.setObjectName("showSummaryAction")
        self.summary_action.triggered.connect(self.show_summary)
        self.export_action = QAction("Export s&ummary…", w)
        self.export_action.setObjectName("exportSummaryAction")
        self.export_action.triggered.connect(self.export_summary_dialog)
        view = menu_titled(w, "View")
        if view is not None:
            view.addSeparator()
            view.addAction(self.mode_action)
            view.addAction(self.notes_action)
            view.addMenu(self.chapters_menu)
        sim = menu_titled(w, "Simulation")
        if sim is not None:
            sim.addSeparator()
            sim.addAction(self.summary_action)
        file = menu_titled(w, "File")
        if file is not None:
            quit_ = next((a for a in file.actions() if a.objectName() == "quitAction"), None)
            if quit_ is not None:
                file.insertAction(quit_, self.export_action)
                file.insertSeparator(quit_)
            else:
                file.addAction(self.export_action)
        w.addAction(self.mode_action)

    def _fill_chapters(self) -> None:
        self.chapters_menu.clear()
        for i, ch in enumerate(self.controller.chapters()):
            text = ch.text if len(ch.text) <= 70 else ch.text[:69] + "…"
            act = self.chapters_menu.addAction(f"T+{format_clock(ch.at_s)}  {text}")
            act.setCheckable(True)
            act.setChecked(i == self.current)
            act.triggered.connect(lambda _=False, i=i: self.jump(i))
        if not self.chapters_menu.actions():
            self.chapters_menu.addAction("(this scenario has no notes)").setEnabled(False)

    # -- the show ---------------------------------------------------------------------------

    def start(self, speed: float | None = None, loop: bool | None = None,
              restart: bool = True, play: bool = True) -> None:
        """Presenter mode on: the projector theme, the notes window, and the scenario from
        its start at ``speed`` (default: the current speed)."""
        if loop is not None:
            self.loop = loop
            self.notes.loop_box.setChecked(loop)
        if speed is not None:
            self.controller.set_speed(speed)
        if not self.active:
            self.active = True
            self.mode_action.blockSignals(True)
            self.mode_action.setChecked(True)
            self.mode_action.blockSignals(False)
            self._dress(theme.PROJECTOR)
            self._hide_consoles()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
        self.notes.set_chapters(self.controller.chapters())
        self._show_notes()
        if restart:
            self._jump_to_time(0.0)
        self._refresh_notes()
        if play:
            self.controller.play()

    def stop(self) -> None:
        """Presenter mode off: the desk theme back, captions and summary gone, the clock
        free of holds (the run itself goes on)."""
        if not self.active:
            return
        self.active = False
        self.mode_action.blockSignals(True)
        self.mode_action.setChecked(False)
        self.mode_action.blockSignals(False)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._loop_timer.stop()
        self.waiting = self.ended = False
        self.controller.hold_at = None
        self.caption.hide()
        self._close_summary()
        self.notes.hide()
        self._dress(theme.DEFAULT)
        for dock in self._hidden:
            dock.show()
        self._hidden = []

    def _hide_consoles(self) -> None:
        """The audience watches the topology, the plots and the captions: the consoles'
        docks step aside while presenting (View shows them again)."""
        self._hidden = [d for d in self.window.findChildren(QDockWidget)
                        if d.isVisible() and "console" in d.objectName().lower()]
        for dock in self._hidden:
            dock.hide()

    def _dress(self, th: theme.Theme) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        font = QFont(app.font())
        font.setPointSizeF(th.font_pt)
        app.setFont(font)
        app.setStyleSheet(theme.style_sheet(resources.style_template(), th))
        self.caption.dress(th)
        self.theme = th

    def continue_(self) -> None:
        """Go on after a pause note (click, Space, →, or the notes window's button)."""
        if not self.active:
            return
        if self.ended:
            self._loop_again() if self.loop else self._close_summary()
            return
        self.waiting = False
        if self.current is not None:
            self.caption.show_text(self.caption.text_only, False)
        self._hold_next()
        self.controller.play()
        self._refresh_notes()

    def jump(self, index: int) -> None:
        """Chapter ``index``: the scenario replayed from its start to that note's time."""
        chapters = self.controller.chapters()
        if not 0 <= index < len(chapters):
            return
        self._jump_to_time(chapters[index].at_s)
        if not self.waiting and self.active:
            self.controller.play()

    def _jump_to_time(self, t: float) -> None:
        self._loop_timer.stop()
        self._close_summary()
        self.waiting = self.ended = False
        self.current = None
        self.caption.hide()
        was = self.controller.playing
        self.controller.pause()
        if not self.controller.jump_to(t):  # a trainee's unsaved session was kept
            self._refresh_notes()
            return
        self._hold_next()
        self.controller.advance(0.0)  # the steps due at this very instant (a note at 0)
        if was and not self.waiting and not self.active:
            self.controller.play()
        self._refresh_notes()

    def run_to(self, t: float) -> None:
        """Play to ``t`` at once, continuing through every pause (for --screenshot)."""
        while self.controller.now < t:
            before = self.controller.now
            if self.waiting:
                self.continue_()
                self.controller.pause()
            self.controller.advance_to(t)
            if self.controller.now <= before and not self.waiting:
                break

    def _hold_next(self) -> None:
        now = self.controller.now
        pauses = [c.at_s for c in self.controller.chapters() if c.pause and c.at_s > now]
        self.controller.hold_at = min(pauses) if pauses and self.active else None

    # -- what the controller says -----------------------------------------------------------

    def _on_step(self, step: Any) -> None:
        if not self.active or step.do != "note":
            return
        chapters = self.controller.chapters()
        self.current = next((i for i, c in enumerate(chapters) if c.step == step.index),
                            self.current)
        pause = bool(getattr(step.action, "pause", False))
        if pause:
            self.controller.pause()
            self.waiting = True
        self.caption.show_text(str(getattr(step.action, "text", step.message)), pause)
        self._hold_next()
        self._refresh_notes()

    def _on_playing(self, playing: bool) -> None:
        # Space on the time bar while a pause note holds the clock: the presenter goes on
        if playing and self.active and self.waiting:
            self.continue_()

    def _on_frame(self) -> None:
        if not self.active:
            return
        progress = self.controller.step_progress()
        if progress.done and not self.waiting and not self.ended:
            self.ended = True
            self.controller.pause()
            self.caption.hide()
            self.show_summary()
            if self.loop:
                self._loop_timer.start(self.loop_delay_ms)
        if self.notes.isVisible():
            self._refresh_notes()

    def _on_loaded(self) -> None:
        if self.active:
            self.notes.set_chapters(self.controller.chapters())

    def _refresh_notes(self) -> None:
        chapters = self.controller.chapters()
        nxt = (self.current + 1) if self.current is not None else 0
        upcoming = chapters[nxt].text if nxt < len(chapters) else ""
        self.notes.show_position(self.controller.now, self.current, upcoming, self.waiting,
                                 self.controller.speed, self.controller.playing)

    def _set_loop(self, on: bool) -> None:
        self.loop = on

    def _loop_again(self) -> None:
        if not self.active:
            return
        self._jump_to_time(0.0)
        if not self.waiting:
            self.controller.play()

    def _show_notes(self) -> None:
        self.notes.set_chapters(self.controller.chapters())
        self._refresh_notes()
        self.notes.show()
        self.notes.raise_()

    # -- the summary ------------------------------------------------------------------------

    def show_summary(self) -> SummaryPage:
        """The one-page summary over the window's centre (click it to close it)."""
        self._close_summary()
        host = self.window  # the whole window: the centre alone is short on a projector
        th = self.theme if self.active else theme.DEFAULT
        page = SummaryPage(self.controller.summary(), th, host)
        page.setCursor(Qt.CursorShape.PointingHandCursor)
        page.setToolTip("Click to close")
        page.mousePressEvent = lambda e: self._close_summary()  # type: ignore[method-assign]
        self.summary_page = page
        self._place_summary()
        page.show()
        page.raise_()
        return page

    def _place_summary(self) -> None:
        page = self.summary_page
        host = page.parentWidget() if page is not None else None
        if page is None or host is None:
            return
        hint = page.sizeHint()
        w = min(max(hint.width(), 760), max(300, host.width() - 40))
        h = min(max(page.minimumSizeHint().height(), 420), max(200, host.height() - 40))
        page.setGeometry((host.width() - w) // 2, (host.height() - h) // 2, w, h)

    def _close_summary(self) -> None:
        if self.summary_page is not None:
            self.summary_page.hide()
            self.summary_page.deleteLater()
            self.summary_page = None

    def export_summary(self, path: str | Path) -> bool:
        """The summary of the run so far as a PNG."""
        page = SummaryPage(self.controller.summary(), theme.DEFAULT)
        ok = page.export_png(path)
        page.deleteLater()
        return ok

    def export_summary_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export summary", "summary.png",
                                              "PNG images (*.png)")
        if not path:
            return
        ok = self.export_summary(path)
        self.window.statusBar().showMessage(
            f"Summary exported to {path}" if ok else
            f"Could not write {path}: check the folder exists and is writable", 8000)

    # -- keys, clicks, resizes ---------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        try:
            return self._filter(obj, event)
        except RuntimeError:  # the window is being destroyed: its children went first
            return False

    def _filter(self, obj: QObject, event: QEvent) -> bool:
        et = event.type()
        if obj is self._host and et == QEvent.Type.Resize:
            if self.caption.isVisible():
                self.caption.place()
            self._place_summary()
        elif obj is self.window and et == QEvent.Type.Resize:
            self._place_summary()
        elif obj is self.window and et == QEvent.Type.Close:
            self.stop()
            self.notes.close()
        elif (self.active and (self.waiting or self.ended)
              and et in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
              and isinstance(event, QKeyEvent) and event.key() in CONTINUE_KEYS
              and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
              and isinstance(obj, QWidget) and obj.window() in (self.window, self.notes)
              and not isinstance(obj, QToolButton)):
            event.accept()
            if et == QEvent.Type.KeyPress:
                self.continue_()
            return True
        return False

    def chapters(self) -> list[Chapter]:
        return self.controller.chapters()
