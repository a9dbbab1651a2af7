"""Monitoring (domain.md R9): the console's one-line summaries of the storage and the
management data, and View details (article figure 7): per-volume storage monitoring and
the management data not yet on the backup."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.console.message import State
from app.format import format_bytes, format_duration, format_pct

if TYPE_CHECKING:
    from app.controller import Controller


class VolumeModel(QAbstractTableModel):
    """Per-volume storage monitoring: volume, state, progress, lag, RPO."""

    HEADERS = ("Volume", "State", "Progress", "Lag", "RPO")
    KEYS = ("volume", "state", "progress", "lag_bytes", "rpo_s")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        if len(rows) != len(self.rows) or any(
                a["volume"] != b["volume"] for a, b in zip(rows[:1], self.rows[:1], strict=False)):
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        self.rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.KEYS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.KEYS[index.column()]
        value = row[key]
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "progress":
                return format_pct(value)
            if key == "lag_bytes":
                return format_bytes(value)
            if key == "rpo_s":
                return format_duration(value)
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def storage_summary(s: State) -> str:
    r = s.get("replication", {})
    state = str(r.get("state", "?"))
    parts = [state]
    if state == "inconsistent_copying":
        # a percentage only while copying: "100 %" beside a backlog reads as "in sync"
        parts.append(f"{format_pct(r.get('progress'))} copied")
        if r.get("eta_s"):
            parts.append(f"ETA {format_duration(r.get('eta_s'))}")
    elif not r.get("initial_copy_complete"):
        parts.append("initial copy not done")
    parts.append(f"lag {format_bytes(r.get('lag_bytes'))}")
    # the state document has null for an unbounded RPO: no consistent copy on the backup
    rpo = r.get("rpo_s")
    if rpo is None:
        parts.append("RPO unbounded (no consistent copy)")
    elif state.startswith("idling"):  # failed over: production writes go nowhere
        parts.append(f"production unprotected for {format_duration(rpo)}")
    else:
        parts.append(f"RPO exposure {format_duration(rpo)}")
    if r.get("errors"):
        parts.append("error " + ", ".join(r["errors"]))
    return " · ".join(parts)


def management_summary(s: State) -> str:
    m = s.get("management", {})
    parts = [str(m.get("state", "?")), format_pct(m.get("progress")),
             f"lag {format_duration(m.get('lag_s'))}"]
    missing = m.get("missing_on_backup") or []
    if missing:
        parts.append(f"{len(missing)} not yet on the backup")
    return " · ".join(parts)


class MonitorDetailsDialog(QDialog):
    """View details of replication monitoring (article figure 7): storage (per volume) and
    management data. Reloads the volume table at most every ``min_interval_s`` of wall time,
    and only when the twin's time series moved on."""

    def __init__(self, controller: Controller, rack: str, parent: QWidget | None = None,
                 min_interval_s: float = 0.5) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rack = rack
        self.min_interval_s = min_interval_s
        self._version = -1
        self._last_load = 0.0
        self.setWindowTitle(f"Replication monitoring — {rack}")
        self.tabs = QTabWidget()
        storage = QWidget()
        self.storage_summary = QLabel()
        self.storage_summary.setWordWrap(True)
        self.model = VolumeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        # re-sorting 2,000 rows on every refresh costs a frame: sort when a header is clicked
        self.proxy.setDynamicSortFilter(False)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        sl = QVBoxLayout(storage)
        sl.addWidget(self.storage_summary)
        sl.addWidget(self.table)
        mgmt = QWidget()
        self.management_summary = QLabel()
        self.management_summary.setWordWrap(True)
        self.missing_label = QLabel("Deployments not yet in the backup's management data:")
        self.missing_list = QListWidget()
        ml = QVBoxLayout(mgmt)
        ml.addWidget(self.management_summary)
        ml.addWidget(self.missing_label)
        ml.addWidget(self.missing_list)
        self.tabs.addTab(storage, "Storage")
        self.tabs.addTab(mgmt, "Management data")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(close)
        self.resize(640, 480)

    def show_tab(self, which: str) -> None:
        self.tabs.setCurrentIndex(0 if which == "storage" else 1)

    def refresh(self, state: State, force: bool = False) -> None:
        self.storage_summary.setText(f"<b>Storage</b> (SVC Global Mirror consistency group, "
                                     f"{state.get('replication', {}).get('volumes', 0)} "
                                     f"volumes): {storage_summary(state)}")
        self.management_summary.setText(f"<b>Management data</b>: {management_summary(state)}")
        missing = (state.get("management") or {}).get("missing_on_backup") or []
        current = [self.missing_list.item(i).text() for i in range(self.missing_list.count())]
        shown = [str(x) for x in missing] or ["(none: the backup has every deployment)"]
        if current != shown:
            self.missing_list.clear()
            self.missing_list.addItems(shown)
        version = self.controller.series().version
        now = time.monotonic()
        if force or (version != self._version and now - self._last_load >= self.min_interval_s):
            self._version, self._last_load = version, now
            self.model.set_rows(self.controller.volume_details())

