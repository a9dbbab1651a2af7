"""View > History…: the runs kept in the run history (when, scenario, mode, trainee,
score, passed, RPO, RTO), newest first; any of them reopens its after-action report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.format import format_duration

COLUMNS = ("When", "Scenario", "Mode", "Trainee", "Score", "Passed", "RPO", "RTO")


def row_texts(run: dict[str, Any]) -> list[str]:
    try:
        when = datetime.fromisoformat(str(run["started_at"])).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = str(run["started_at"])

    def dur(x: float | None) -> str:
        return "—" if x is None else format_duration(x)

    passed = {True: "yes", False: "no", None: "—"}[run.get("passed")]
    score = "—" if run.get("score") is None else f"{run['score']:g}"
    return [when, str(run["scenario"]), str(run["mode"]), run.get("trainee") or "—", score,
            passed, dur(run.get("rpo_achieved_s")), dur(run.get("rto_s"))]


class HistoryDialog(QDialog):
    """The run history as a table; ``openRun(run_id)`` asks for a run's report."""

    openRun = Signal(int)

    def __init__(self, runs: Sequence[dict[str, Any]], where: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("Run history")
        self.resize(900, 440)
        box = QVBoxLayout(self)
        info = QLabel(f"{len(runs)} run{'s' if len(runs) != 1 else ''} kept in {where}"
                      if runs else f"No run kept yet in {where}.")
        info.setWordWrap(True)
        box.addWidget(info)
        self.table = QTreeWidget()
        self.table.setObjectName("historyTable")
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        for run in runs:
            item = QTreeWidgetItem(row_texts(run))
            item.setData(0, Qt.ItemDataRole.UserRole, int(run["id"]))
            self.table.addTopLevelItem(item)
        for i, w in enumerate((130, 260, 80, 110, 60, 60, 80, 90)):
            self.table.setColumnWidth(i, w)
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        self.table.itemDoubleClicked.connect(lambda *_: self._open())
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton("Open report")
        self.open_button.setObjectName("historyOpen")
        self.open_button.setEnabled(bool(runs))
        self.open_button.clicked.connect(self._open)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(close)
        box.addLayout(row)

    def selected_id(self) -> int | None:
        item = self.table.currentItem()
        return None if item is None else int(item.data(0, Qt.ItemDataRole.UserRole))

    def _open(self) -> None:
        run_id = self.selected_id()
        if run_id is not None:
            self.openRun.emit(run_id)
