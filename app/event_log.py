"""The event log dock: every event of ``controller.events()`` in a table, appended
incrementally each frame (the model never rebuilds while a scenario runs), filterable by
kind, by rack and by text. Selecting an event emits ``eventSelected(item)`` so the main
window can highlight the event's topology item. Refusals and alerts stand out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.format import format_clock
from app.theme import EVENT_ROWS
from twin.events import KINDS, Event

if TYPE_CHECKING:
    from app.controller import Controller

COLUMNS = ("Time", "Kind", "Rack", "Message")
ALL = "__all__"
SYSTEM = "__system__"  # events that belong to no rack

_ROW_STYLE = {kind: (None if bg is None else QColor(bg), QColor(fg))
              for kind, (bg, fg) in EVENT_ROWS.items()}

Index = QModelIndex | QPersistentModelIndex


class EventModel(QAbstractTableModel):
    """Rows are the twin's events, in time order; :meth:`sync` appends the new ones."""

    def __init__(self, controller: Controller, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rows: list[Event] = []
        self._source: list[Event] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ev = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return format_clock(ev.t_s)
            if col == 1:
                return ev.kind
            if col == 2:
                return ev.rack or "—"
            return ev.message
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return ev.message
        style = _ROW_STYLE.get(ev.kind)
        if style is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole and style[0] is not None:
            return QBrush(style[0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(style[1])
        if role == Qt.ItemDataRole.FontRole and ev.kind in ("refused", "alert"):
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return ev
        return None

    def event_at(self, row: int) -> Event:
        return self.rows[row]

    def reset(self) -> None:
        """A new twin (scenario loaded): start over from its events."""
        self.beginResetModel()
        self.rows = []
        self._source = None
        self.endResetModel()
        self.sync()

    def sync(self) -> int:
        """Append the events logged since the last call; returns how many were added.
        If the twin dropped old events (its log is bounded) or is a new twin, reset."""
        events = self.controller.events()
        n = len(self.rows)
        if self._source is not events or len(events) < n or (
                n and events[n - 1] is not self.rows[-1]):
            if self._source is not None or self.rows:
                self.beginResetModel()
                self.rows = list(events)
                self._source = events
                self.endResetModel()
                return len(self.rows)
            self._source = events
        new = len(events) - n
        if new <= 0:
            return 0
        self.beginInsertRows(QModelIndex(), n, n + new - 1)
        self.rows.extend(events[n:])
        self.endInsertRows()
        return new


class EventFilter(QSortFilterProxyModel):
    """Keeps the events of one kind (or all), one rack (or all) and containing a text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = ALL
        self.rack = ALL
        self.text = ""

    def set_filter(self, kind: str | None = None, rack: str | None = None,
                   text: str | None = None) -> None:
        self.beginFilterChange()
        if kind is not None:
            self.kind = kind
        if rack is not None:
            self.rack = rack
        if text is not None:
            self.text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 (Qt)
        model = self.sourceModel()
        assert isinstance(model, EventModel)
        ev = model.rows[row]
        if self.kind != ALL and ev.kind != self.kind:
            return False
        if self.rack != ALL:
            if self.rack == SYSTEM:
                if ev.rack is not None:
                    return False
            elif ev.rack != self.rack:
                return False
        return not self.text or self.text in ev.message.lower() or self.text in ev.kind


class EventLog(QWidget):
    """The table with its filters. ``eventSelected`` carries the event's topology item id
    (or None)."""

    eventSelected = Signal(object)  # noqa: N815 (Qt)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventLog")
        self.controller = controller
        self.model = EventModel(controller, self)
        self.proxy = EventFilter(self)
        self.proxy.setSourceModel(self.model)

        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kindFilter")
        self.kind_box.addItem("All kinds", ALL)
        for k in KINDS:
            self.kind_box.addItem(k, k)
        self.rack_box = QComboBox()
        self.rack_box.setObjectName("rackFilter")
        self.text_box = QLineEdit()
        self.text_box.setObjectName("textFilter")
        self.text_box.setPlaceholderText("Filter messages…")
        self.text_box.setClearButtonEnabled(True)
        self.text_box.setMinimumWidth(120)
        for box in (self.kind_box, self.rack_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.count = QLabel()
        self.count.setObjectName("eventCount")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(8)
        bar.addWidget(self.kind_box)
        bar.addWidget(self.rack_box)
        bar.addWidget(self.text_box, 1)
        bar.addWidget(self.count)

        self.table = QTableView()
        self.table.setObjectName("eventTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        head.setHighlightSections(False)
        self.table.setColumnWidth(0, 100)
        self.table.setColumnWidth(1, 92)
        self.table.setColumnWidth(2, 72)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.kind_box.currentIndexChanged.connect(
            lambda: self.proxy.set_filter(kind=self.kind_box.currentData()))
        self.rack_box.currentIndexChanged.connect(
            lambda: self.proxy.set_filter(rack=self.rack_box.currentData()))
        self.text_box.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        controller.scenarioLoaded.connect(self.reload)
        controller.frame.connect(self.sync)
        self.reload()

    def reload(self) -> None:
        """A new scenario: fresh rack filter and rows."""
        current = self.rack_box.currentData()
        self.rack_box.blockSignals(True)
        self.rack_box.clear()
        self.rack_box.addItem("All racks", ALL)
        for r in self.controller.system.rack_names:
            self.rack_box.addItem(r, r)
        self.rack_box.addItem("No rack (system)", SYSTEM)
        i = self.rack_box.findData(current)
        self.rack_box.setCurrentIndex(max(0, i))
        self.rack_box.blockSignals(False)
        self.proxy.set_filter(rack=self.rack_box.currentData())
        self.model.reset()
        self.table.scrollToBottom()
        self._update_count()

    def sync(self) -> None:
        """Append new events; keep following the end if the user was at the end."""
        bar = self.table.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        if self.model.sync() and at_end:
            self.table.scrollToBottom()

    def set_filters(self, kind: str = ALL, rack: str = ALL, text: str = "") -> None:
        """Set the three filters from code (tests, scripts)."""
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.rack_box.setCurrentIndex(max(0, self.rack_box.findData(rack)))
        self.text_box.setText(text)

    def visible_events(self) -> list[Event]:
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                for r in range(self.proxy.rowCount())]

    def select_row(self, row: int) -> None:
        """Select a row of the filtered table (as a click would)."""
        self.table.selectRow(row)

    def _on_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        src = self.proxy.mapToSource(rows[0])
        ev = self.model.rows[src.row()]
        self.eventSelected.emit(ev.item)

    def _update_count(self, *_: Any) -> None:
        shown, total = self.proxy.rowCount(), len(self.model.rows)
        self.count.setText(f"{total:,} events" if shown == total
                           else f"{shown:,} of {total:,} events")
