"""The DR console of one rack (domain.md R4–R13), as the real profile page shows it.

Work in progress: the public constructor is stable, the content lands next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from app.controller import Controller


class DrConsole(QWidget):
    """The disaster recovery profile page of ``rack``: header, Enable, Monitor, Failover."""

    def __init__(self, controller: Controller, rack: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rack = rack
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Disaster recovery — {rack}"))
