"""Live plots of the twin's time series (pyqtgraph).

Work in progress: the public constructor is stable, the content lands next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from app.controller import Controller


class PlotsPanel(QWidget):
    """Replication lag / RPO, throughput vs bandwidth, copy progress and RTO timeline."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Plots"))
