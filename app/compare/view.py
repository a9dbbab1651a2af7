"""Strategies > Compare strategies…: the scenario's disaster under each way to business
continuity (twin/strategies.py compare(), run off the GUI thread).

Four parts, top to bottom: the article's RPO scale (its Figure 2) drawn from the simulated
results on a log time axis; the RTO of each strategy as a bar of its phases stacked,
beside the timeline of the same disaster per strategy (from the oldest write lost, the
disaster, to the service restored); and the table (strategy, RPO, data lost, RTO, needs,
cost)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.compare import model
from app.compare.jobs import Job
from app.format import format_duration
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Controller

LEFT_AXIS_PX = 210  # room for a strategy's name left of the RTO bars and the timeline
TICK_PT = 10


def _font(pt: int = TICK_PT, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


def plot_widget(title: str) -> pg.PlotWidget:
    """A white plot, in the application's ink, that the mouse does not pan or zoom."""
    w = pg.PlotWidget(background=C.PAPER)
    p = w.getPlotItem()
    p.setTitle(title, color=C.INK, size="12pt")
    p.setMenuEnabled(False)
    p.hideButtons()
    p.getViewBox().setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom"):
        ax = p.getAxis(name)
        ax.setPen(pg.mkPen(C.INK_SOFT))
        ax.setTextPen(pg.mkPen(C.INK))
        ax.setStyle(tickFont=_font())
    return w


def legend(entries: list[tuple[str, str]]) -> QLabel:
    """A legend under a plot, as coloured squares and words (never over the data)."""
    html = "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{c}; font-size:14pt">&#9632;</span>&nbsp;{name}'
        for name, c in entries)
    lab = QLabel(html)
    lab.setTextFormat(Qt.TextFormat.RichText)
    lab.setStyleSheet(f"color: {C.INK}; background: {C.PAPER}; padding: 0 0 4px 12px;")
    return lab


def boxed(*widgets: QWidget) -> QWidget:
    w = QWidget()
    box = QVBoxLayout(w)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(0)
    for x in widgets:
        box.addWidget(x, 1 if isinstance(x, pg.PlotWidget) else 0)
    return w


def rows_axis(p: pg.PlotItem, names: list[str]) -> None:
    """The left axis as one row per strategy, top to bottom."""
    ax = p.getAxis("left")
    ax.setTicks([[(float(len(names) - 1 - i), model.label(n)) for i, n in enumerate(names)],
                 []])
    ax.setWidth(LEFT_AXIS_PX)
    p.setYRange(-0.6, len(names) - 0.4, padding=0)


class CompareWindow(QWidget):
    """The comparison of the strategies on the controller's scenario (as loaded)."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setWindowTitle("Compare strategies")
        self.controller = controller
        self.result: dict[str, Any] | None = None
        self.error_text = ""
        self.job: Job | None = None
        self.markers: dict[str, tuple[float, float]] = {}  # strategy -> (x, row) on the scale
        self._stale = False

        self.title = QLabel()
        self.title.setObjectName("compareTitle")
        self.title.setFont(_font(14, bold=True))
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet(f"color: {C.INK_SOFT};")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy: no steps
        self.busy.setFixedWidth(160)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.again = QPushButton("Compare again")
        self.again.clicked.connect(self.start)
        self.message = QLabel()
        self.message.setObjectName("compareMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet(f"background: {C.RED_SOFT}; color: {C.RED_DARK}; "
                                   f"border: 1px solid {C.RED_PALE}; padding: 8px;")
        self.message.hide()

        self.scale = plot_widget("RPO achieved on the article's scale (log time axis)")
        self.rto = plot_widget("RTO and its phases")
        self.timeline = plot_widget("The same disaster, per strategy")
        self.table = QTableWidget(0, len(model.TABLE_HEADERS))
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(list(model.TABLE_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        h = self.table.horizontalHeader()
        for i, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,) * 4
                                 + (QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch)):
            h.setSectionResizeMode(i, mode)

        top = QHBoxLayout()
        head = QVBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.subtitle)
        top.addLayout(head, 1)
        top.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.again, 0, Qt.AlignmentFlag.AlignTop)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(boxed(self.rto, legend([(n, c) for _, n, c in model.STAGES])))
        middle.addWidget(boxed(self.timeline, legend([
            ("writes lost (not protected)", C.ORANGE), ("service down", C.RED_PALE),
            ("service restored", C.GREEN), ("the disaster", C.RED)])))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.scale)
        split.addWidget(middle)
        split.addWidget(self.table)
        split.setSizes([260, 280, 300])
        self.views = split  # hidden while there is nothing to show (an error)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.message)
        box.addWidget(split, 1)
        self.filler = QWidget()  # takes the room of the views while they are hidden
        self.filler.hide()
        box.addWidget(self.filler, 1)
        self.resize(1400, 940)
        controller.scenarioLoaded.connect(self._scenario_loaded)

    # -- running ----------------------------------------------------------------------------

    def start(self) -> None:
        """Compare off the GUI thread; the busy bar runs meanwhile."""
        if self.job is not None and self.job.isRunning():
            return
        self._stale = False
        sc = self.controller.scenario
        self.title.setText(sc.name)
        self.subtitle.setText("Replaying the scenario's disaster under each strategy…")
        self.message.hide()
        self.busy.show()
        self.again.setEnabled(False)
        controller = self.controller
        self.job = Job(lambda progress, cancelled: controller.compare_strategies(), self)
        self.job.finishedWith.connect(self._done)
        self.job.failedWith.connect(self._failed)
        self.job.start()

    def _idle(self) -> None:
        self.busy.hide()
        self.again.setEnabled(True)

    def _failed(self, text: str) -> None:
        self._idle()
        self.result = None
        self.error_text = text
        self.subtitle.setText("")
        self.message.setText(f"Cannot compare the strategies on "
                             f"{self.controller.scenario.path or 'this scenario'}: {text}")
        self.message.show()
        self.views.hide()
        self.filler.show()
        for w in (self.scale, self.rto, self.timeline):
            w.getPlotItem().clear()
        self.markers = {}
        self.table.setRowCount(0)

    def _done(self, result: dict[str, Any]) -> None:
        self._idle()
        self.error_text = ""
        self.show_result(result)

    def _scenario_loaded(self) -> None:
        self._stale = True
        if self.isVisible():
            self.start()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if self.job is not None:
            self.job.stop()
        super().closeEvent(event)

    # -- drawing ----------------------------------------------------------------------------

    def show_result(self, result: dict[str, Any]) -> None:
        self.result = result
        self.message.hide()
        self.filler.hide()
        self.views.show()
        self.title.setText(result.get("scenario") or self.controller.scenario.name)
        n = len(result["strategies"])
        self.subtitle.setText(
            f"The disaster at {format_duration(result['disaster_at_s'])} (simulated), replayed "
            f"under {n} strategies on the same system and workloads; seed {result['seed']}.")
        self._draw_scale(result)
        self._draw_rto(result)
        self._draw_timeline(result)
        self._fill_table(result)

    def _draw_scale(self, result: dict[str, Any]) -> None:
        p = self.scale.getPlotItem()
        p.clear()
        markers = model.scale_markers(result)
        missing = model.not_applicable(result)
        rows = len(markers) + (1 if missing else 0)
        ticks = model.log_ticks()
        bottom = p.getAxis("bottom")
        bottom.setTicks([ticks, []])
        p.hideAxis("left")
        p.setXRange(model.ZERO_X - 0.3, model.INF_X + 0.3, padding=0)
        p.setYRange(-0.8, max(rows, 1) - 0.2, padding=0)
        for x, _ in ticks:  # the decades, faint, under the markers
            p.addItem(pg.InfiniteLine(x, angle=90, pen=pg.mkPen(C.GREY_SOFT, width=1)))
        for x in (model.ZERO_X, model.INF_X):  # the edges: zero and unbounded
            p.addItem(pg.InfiniteLine(x, angle=90, pen=pg.mkPen(C.INK_SOFT, width=1,
                                                                 style=Qt.PenStyle.DashLine)))
        self.markers = {}
        for i, m in enumerate(markers):
            y = float(rows - 1 - i)
            c = model.colour(m.strategy) if m.value is not None else C.RED
            p.addItem(pg.PlotDataItem([model.ZERO_X, m.x], [y, y],
                                      pen=pg.mkPen(QColor(c).lighter(160), width=3)))
            spot = pg.ScatterPlotItem([m.x], [y], size=14, brush=pg.mkBrush(c),
                                      pen=pg.mkPen(C.PAPER, width=1.5),
                                      symbol="o" if m.value is not None else "t1")
            p.addItem(spot)
            right = m.x > model.LOG_MAX - 1.8  # no room on the right: above, ending there
            t = pg.TextItem(m.text, color=c, anchor=(1, 1) if right else (0, 0.5))
            t.setFont(_font(TICK_PT + 1, bold=True))
            t.setPos(m.x + (0.0 if right else 0.12), y + (0.08 if right else 0.0))
            p.addItem(t)
            self.markers[m.strategy] = (m.x, y)
        if missing:
            text = "Not applicable here: " + "; ".join(f"{model.label(s)} ({why})"
                                                        for s, why in missing)
            t = pg.TextItem(text, color=C.INK_SOFT, anchor=(0, 0.5))
            t.setFont(_font(TICK_PT))
            t.setPos(model.ZERO_X, -0.45)
            p.addItem(t)

    def _draw_rto(self, result: dict[str, Any]) -> None:
        p = self.rto.getPlotItem()
        p.clear()
        bars = model.rto_bars(result)
        names = [b.strategy for b in bars]
        rows_axis(p, names)
        longest = max((b.total for b in bars if b.total is not None), default=60.0)
        unit, uname = model.time_unit(longest)
        p.setLabel("bottom", f"time from the disaster ({uname})", color=C.INK)
        p.setXRange(0, longest / unit * 1.5, padding=0)
        for key, _name, colour in model.STAGES:
            x0: list[float] = []
            w: list[float] = []
            ys: list[float] = []
            for i, b in enumerate(bars):
                phases = dict(b.phases)
                if b.total is None or phases.get(key, 0.0) <= 0:
                    continue
                before = sum(v for k, v in b.phases[:[k for k, _ in b.phases].index(key)])
                x0.append(before / unit)
                w.append(phases[key] / unit)
                ys.append(float(len(bars) - 1 - i))
            p.addItem(pg.BarGraphItem(x0=x0, width=w, y=ys, height=0.56,
                                      brush=pg.mkBrush(colour), pen=pg.mkPen(None)))
        for i, b in enumerate(bars):
            y = float(len(bars) - 1 - i)
            x = 0.0 if b.total is None else b.total / unit
            t = pg.TextItem(b.text, color=C.INK if b.total is not None else C.INK_SOFT,
                            anchor=(0, 0.5))
            t.setFont(_font(TICK_PT, bold=b.total is not None))
            t.setPos(x + longest / unit * 0.01, y)
            p.addItem(t)

    def _draw_timeline(self, result: dict[str, Any]) -> None:
        p = self.timeline.getPlotItem()
        p.clear()
        lanes = model.lanes(result)
        rows_axis(p, [ln.strategy for ln in lanes])
        p.setYRange(-0.6, len(lanes) + 0.1, padding=0)  # room on top for the disaster's label
        d = float(result["disaster_at_s"])
        starts = [ln.unprotected_from for ln in lanes if ln.applicable
                  and ln.unprotected_from is not None]
        ends = [ln.restored for ln in lanes if ln.applicable and ln.restored is not None]
        lo, hi = min([d, *starts]), max([d, *ends])
        unit, uname = model.time_unit(max(hi - lo, 600.0))
        pad = max(hi - lo, 600.0) * 0.06
        # a lane not restored runs to the right edge, with room there to say so
        unrestored = any(ln.applicable and ln.restored is None for ln in lanes)
        lo_x = (lo - pad) / unit
        hi_x = (hi + pad + (max(hi - lo, 600.0) * 0.3 if unrestored else 0.0)) / unit
        p.setXRange(lo_x, hi_x, padding=0)
        p.setLabel("bottom", f"simulated time ({uname} since the scenario's start)",
                   color=C.INK)
        lost: dict[str, list[float]] = {"x0": [], "width": [], "y": []}
        down: dict[str, list[float]] = {"x0": [], "width": [], "y": []}
        restored_x, restored_y = [], []
        min_w = (hi_x - lo_x) * 0.004  # a span of seconds still shows
        for i, ln in enumerate(lanes):
            y = float(len(lanes) - 1 - i)
            if not ln.applicable:
                t = pg.TextItem("not applicable", color=C.INK_SOFT, anchor=(0.5, 0.5))
                t.setPos(d / unit, y)
                p.addItem(t)
                continue
            a = lo_x if ln.unprotected_from is None else ln.unprotected_from / unit
            lost["x0"].append(a)
            lost["width"].append(max(d / unit - a, min_w if ln.unprotected_from != d else 0))
            lost["y"].append(y)
            b = hi_x if ln.restored is None else ln.restored / unit
            down["x0"].append(d / unit)
            down["width"].append(max(b - d / unit, min_w))
            down["y"].append(y)
            if ln.restored is not None:
                restored_x.append(b)
                restored_y.append(y)
            else:
                t = pg.TextItem("not restored", color=C.RED_DARK, anchor=(1, 0.5))
                t.setPos(hi_x - (hi_x - lo_x) * 0.01, y)
                t.setZValue(10)  # over the span
                p.addItem(t)
        p.addItem(pg.BarGraphItem(**lost, height=0.5, brush=pg.mkBrush(C.ORANGE),
                                  pen=pg.mkPen(None)))
        p.addItem(pg.BarGraphItem(**down, height=0.5, brush=pg.mkBrush(C.RED_PALE),
                                  pen=pg.mkPen(C.RED, width=1)))
        if restored_x:
            ok = pg.ScatterPlotItem(restored_x, restored_y, size=11, symbol="d",
                                    brush=pg.mkBrush(C.GREEN), pen=pg.mkPen(C.GREEN_DARK))
            p.addItem(ok)
        p.addItem(pg.InfiniteLine(
            d / unit, angle=90, pen=pg.mkPen(C.RED, width=2),
            label=f"disaster {format_duration(d)}",
            labelOpts={"position": 0.97, "color": C.RED_DARK, "anchors": [(1, 0.5), (1, 0.5)]}))

    def _fill_table(self, result: dict[str, Any]) -> None:
        rows = model.table_rows(result)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = (r.label, r.rpo, r.lost, r.rto, r.needs, r.cost, r.note)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.strategy)
                if j in (1, 2, 3, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if not r.applicable:
                    item.setForeground(QBrush(QColor(C.INK_SOFT)))
                if j == 0:
                    item.setForeground(QBrush(QColor(model.colour(r.strategy))))
                    item.setFont(_font(TICK_PT, bold=True))
                self.table.setItem(i, j, item)
        self.table.resizeRowsToContents()
