"""The banner of the trainee's window: "Paused by the instructor" while the exercise is
frozen, and the instructor's last hint (until dismissed or replaced). It shows only what
has happened, never what is coming."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.format import format_clock
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Controller

_PAUSED = (f"background: {C.AMBER}; color: {C.INK}; border-bottom: 2px solid {C.AMBER_DARK};"
           "font-size: 15pt; font-weight: 600; padding: 8px 14px;")
_HINT = (f"background: {C.BLUE_PALE}; color: {C.BLUE_DARK}; border-bottom: 1px solid "
         f"{C.BLUE_SOFT}; font-size: 12pt; padding: 6px 14px;")


class InstructorBanner(QWidget):
    """Two strips over the topology: the pause (while frozen) and the last hint."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instructorBanner")
        self.controller = controller
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.paused = QLabel("PAUSED BY THE INSTRUCTOR — the exercise clock is stopped")
        self.paused.setObjectName("pausedBanner")
        self.paused.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.paused.setStyleSheet(_PAUSED)
        box.addWidget(self.paused)
        self.hint_row = QFrame()
        self.hint_row.setObjectName("hintBanner")
        self.hint_row.setStyleSheet(f"QFrame#hintBanner {{ {_HINT} }}")
        row = QHBoxLayout(self.hint_row)
        row.setContentsMargins(0, 0, 6, 0)
        self.hint = QLabel()
        self.hint.setObjectName("hintText")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.setStyleSheet(f"color: {C.BLUE_DARK}; font-size: 12pt; background: none;"
                                "border: none;")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss the hint")
        close.setAutoRaise(True)
        close.clicked.connect(self.hint_row.hide)
        row.addWidget(self.hint, 1)
        row.addWidget(close)
        box.addWidget(self.hint_row)
        self.paused.setVisible(controller.frozen)
        self.hint_row.hide()
        controller.frozenChanged.connect(self.set_paused)
        controller.hintSent.connect(self.show_hint)
        controller.scenarioLoaded.connect(self._on_loaded)

    def set_paused(self, frozen: bool) -> None:
        self.paused.setVisible(frozen)

    def show_hint(self, text: str) -> None:
        self.hint.setText(f"<b>Hint from the instructor</b> ({format_clock(self.controller.now)}): "
                          f"{html.escape(text)}")
        self.hint_row.show()

    def _on_loaded(self) -> None:
        self.paused.setVisible(self.controller.frozen)
        self.hint_row.hide()
