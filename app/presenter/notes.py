"""The presenter's own window (a second top-level window, for the laptop's screen while
the main window is on the projector): the current and the next caption, the simulated
time, whether the show waits for the presenter, and the chapter list to jump from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.format import format_clock
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Chapter


class PresenterNotes(QWidget):
    """Current and next caption, the clock, and the chapters (double-click to jump)."""

    jumpRequested = Signal(int)  # a chapter's position in the list
    continueRequested = Signal()
    loopToggled = Signal(bool)

    def __init__(self, owner: QWidget | None = None) -> None:
        # a window of its own (for the presenter's screen), closed with its owner
        super().__init__(owner, Qt.WindowType.Window)
        self.setObjectName("presenterNotes")
        self.setWindowTitle("Presenter notes")
        self.resize(560, 640)
        box = QVBoxLayout(self)
        box.setSpacing(8)
        self.clock = QLabel()
        self.clock.setObjectName("notesClock")
        self.clock.setStyleSheet(f"font-size: 22pt; font-weight: bold; color: {C.INK};")
        self.state = QLabel()
        self.state.setObjectName("notesState")
        self.state.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.clock)
        top.addStretch(1)
        top.addWidget(self.state)
        box.addLayout(top)
        box.addWidget(self._head("Now on screen"))
        self.current = QLabel("—")
        self.current.setObjectName("notesCurrent")
        self.current.setWordWrap(True)
        self.current.setStyleSheet(f"font-size: 14pt; color: {C.INK};"
                                   f" background: {C.BLUE_PALE}; padding: 8px;")
        box.addWidget(self.current)
        box.addWidget(self._head("Next"))
        self.next = QLabel("—")
        self.next.setObjectName("notesNext")
        self.next.setWordWrap(True)
        self.next.setStyleSheet(f"font-size: 12pt; color: {C.INK_SOFT}; padding: 0 8px;")
        box.addWidget(self.next)
        box.addWidget(self._head("Chapters (double-click to jump)"))
        self.chapters = QListWidget()
        self.chapters.setObjectName("notesChapters")
        self.chapters.setWordWrap(True)
        self.chapters.itemActivated.connect(
            lambda item: self.jumpRequested.emit(self.chapters.row(item)))
        box.addWidget(self.chapters, 1)
        row = QHBoxLayout()
        self.continue_button = QPushButton("Continue ▶")
        self.continue_button.setObjectName("notesContinue")
        self.continue_button.clicked.connect(self.continueRequested)
        self.loop_box = QCheckBox("Loop at the end")
        self.loop_box.setObjectName("notesLoop")
        self.loop_box.toggled.connect(self.loopToggled)
        row.addWidget(self.continue_button)
        row.addStretch(1)
        row.addWidget(self.loop_box)
        box.addLayout(row)

    def _head(self, text: str) -> QLabel:
        lab = QLabel(text.upper())
        lab.setStyleSheet(f"color: {C.INK_SOFT}; font-weight: bold; letter-spacing: 1px;")
        return lab

    def set_chapters(self, chapters: list[Chapter]) -> None:
        self.chapters.clear()
        for ch in chapters:
            mark = "  ⏸" if ch.pause else ""
            item = QListWidgetItem(f"T+{format_clock(ch.at_s)}{mark}\n{ch.text}")
            item.setToolTip(ch.text)
            self.chapters.addItem(item)

    def show_position(self, now: float, current: int | None, nxt: str, waiting: bool,
                      speed: float, playing: bool) -> None:
        self.clock.setText(f"T+{format_clock(now)}")
        if waiting:
            self.state.setText("Waiting for you: Space, → or click")
            self.state.setStyleSheet(f"color: {C.AMBER_DARK}; font-weight: bold;")
        else:
            self.state.setText(f"{'Playing' if playing else 'Paused'} at {speed:,.0f}×")
            self.state.setStyleSheet(f"color: {C.INK_SOFT};")
        self.continue_button.setEnabled(waiting or not playing)
        if current is not None and 0 <= current < self.chapters.count():
            item = self.chapters.item(current)
            self.current.setText(item.toolTip())
            if self.chapters.currentRow() != current:
                self.chapters.setCurrentRow(current)
        self.next.setText(nxt or "— (the summary)")
