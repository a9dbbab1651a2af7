"""What the console and its dialogs share: the console's answer to an action (a line that
stays until the next action), and the types of the ``apply`` callable every dialog acts
through (the console's, which calls ``controller.apply``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.theme import ERROR_TEXT, OK_TEXT, C
from twin import actions as A
from twin.events import Result

ApplyFn = Callable[[A.Action], Result]
State = Mapping[str, Any]


class MessageLine(QLabel):
    """The console's message: green when accepted, red with the hint when refused. It stays
    until the next action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result: Result | None = None
        self.hide()

    def show_result(self, res: Result | None) -> None:
        self.result = res
        if res is None:
            self.clear()
            self.hide()
            return
        color = OK_TEXT if res.ok else ERROR_TEXT
        mark = "✓" if res.ok else "✗"
        self.setText(f"{mark} {res.text}")
        self.setStyleSheet(
            f"QLabel {{ color: {color}; background: {C.GREEN_SOFT if res.ok else C.RED_SOFT};"
            f" border: 1px solid {color}; border-radius: 4px; padding: 6px; }}")
        self.show()

