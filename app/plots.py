"""Live plots of the twin's time series (pyqtgraph), for a room to read off a projector:

1. replication lag and RPO exposure, with the RPO objective (R15);
2. replication throughput against the FC link bandwidth (R20);
3. initial-copy and resync progress (R8, R19);
4. recovery (R16): the outage's stages (decision, data sync, restart, network) as bars,
   service availability, and the RTO objective.

Curves are created once and updated with ``setData`` only when ``series.version`` moved
(architecture.md); clip to view, peak downsampling, no finite check on clean data. Only
the plots on screen are updated; a hidden tab (or a hidden dock) catches up when it is
shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QStackedLayout, QTabWidget, QWidget

from app.dialogs import fmt_duration

if TYPE_CHECKING:
    from app.controller import Controller

FG = "#202124"
GRID_ALPHA = 0.25
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = (
    "#1f77b4", "#e8710a", "#188038", "#d93025", "#7b1fa2", "#80868b")
STAGES = (("decision", "Decision", PURPLE), ("data_sync", "Data sync", BLUE),
          ("restart", "Restart", ORANGE), ("network", "Network", GREEN))
TITLE_SIZE = "13pt"
TICK_PT = 10
LABEL_STYLE = {"color": FG, "font-size": "11pt"}
MINUTES_UP_TO_S = 2 * 3600  # time axis in minutes up to two hours, then in hours


def time_unit(span_s: float) -> tuple[float, str]:
    """Seconds per axis unit, and its name: minutes when short, else hours."""
    return (60.0, "min") if span_s <= MINUTES_UP_TO_S else (3600.0, "h")


def _clean(y: np.ndarray) -> tuple[np.ndarray, bool]:
    """Non-finite values (an infinite RPO before the first copy completes) become gaps;
    says whether the data is all finite so the curve can skip pyqtgraph's check."""
    finite = np.isfinite(y)
    if finite.all():
        return y, True
    return np.where(finite, y, np.nan), False


def _set(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
    y, all_finite = _clean(y)
    if all_finite:
        curve.setData(x, y, connect="all", skipFiniteCheck=True)
    else:
        curve.setData(x, y, connect="finite", skipFiniteCheck=False)


def _style_plot(p: pg.PlotItem) -> None:
    p.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    p.setClipToView(True)
    p.setDownsampling(auto=True, mode="peak")
    p.setMenuEnabled(False)
    p.hideButtons()
    font = pg.QtGui.QFont()
    font.setPointSize(TICK_PT)
    for name in ("left", "bottom", "right"):
        ax = p.getAxis(name)
        ax.setPen(pg.mkPen(FG))
        ax.setTextPen(pg.mkPen(FG))
        ax.setTickFont(font)
        ax.setStyle(maxTickLevel=1)


def _fix_axes(p: pg.PlotItem, width: int = 76) -> None:
    """Same axis widths on the two time plots one above the other, so their time axes
    line up on screen (each auto-ranges on the same time samples)."""
    p.getAxis("left").setWidth(width)
    if not p.getAxis("right").isVisible():
        p.showAxis("right")
        p.getAxis("right").setStyle(showValues=False, tickLength=0)
        p.getAxis("right").setPen(pg.mkPen(None))
    p.getAxis("right").setWidth(width)


def live_breakdown(outcome: Any, now: float) -> tuple[dict[str, float], str | None] | None:
    """The RTO stages of the outage so far, and the stage under way (None once restored).

    Once the service is back this is the engine's breakdown. While it is down, the time
    since the last milestone reached belongs to the stage under way, not to the last
    stage (the engine's breakdown clamps missing milestones to the end)."""
    down = getattr(outcome, "service_down_at_s", None)
    if down is None:
        return None
    restored = getattr(outcome, "service_restored_at_s", None)
    if restored is not None:
        return outcome.breakdown(now), None
    milestones = (getattr(outcome, "first_action_at_s", None),
                  getattr(outcome, "takeover_at_s", None),
                  getattr(outcome, "all_running_at_s", None))
    out = {k: 0.0 for k, _, _ in STAGES}
    last = down
    for (key, _, _), m in zip(STAGES, milestones, strict=False):
        if m is None:
            out[key] = max(0.0, now - last)
            return out, key
        m = min(max(m, last), now)
        out[key] = m - last
        last = m
    out["network"] = max(0.0, now - last)
    return out, "network"


def _show_line(line: pg.InfiniteLine, value: float) -> None:
    """Place and show a line; its label only formats itself while visible."""
    line.setValue(value)
    line.show()
    line.label.valueChanged()


class _Cell:
    """One plot with its title and a legend in one row under the title (never over the
    data), in a graphics view of its own so the panel can show it in a grid or a tab."""

    def __init__(self, title: str, tab: str) -> None:
        self.tab = tab
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setBackground("w")
        self.widget.setMinimumSize(240, 150)
        box = self.widget.ci
        box.setContentsMargins(4, 4, 4, 4)
        box.setSpacing(0)
        self.title = box.addLabel(title, row=0, col=0, size=TITLE_SIZE, color=FG, bold=True)
        self.legend = pg.LegendItem(offset=None, colCount=2, labelTextColor=FG,
                                    labelTextSize="10pt", horSpacing=16)
        box.addItem(self.legend, row=1, col=0)
        self.plot = box.addPlot(row=2, col=0)
        _style_plot(self.plot)
        self.drawn = -1  # the series version on screen; -1: out of date
        self.unit: tuple[float, str] = (0.0, "")  # of the time axis

    def set_title(self, text: str) -> None:
        if text != self.title.text:  # a new text lays the cell out again
            self.title.setText(text, size=TITLE_SIZE, color=FG, bold=True)


class PlotsPanel(QWidget):
    """Replication lag / RPO, throughput vs bandwidth, copy progress and the RTO timeline,
    updated from ``controller.twin.series`` on ``controller.frame``. A 2×2 grid when the
    panel has room for it, else one tab per plot (a short dock at the bottom of the main
    window): a cramped grid is unreadable on a projector."""

    GRID_MIN_W = 2 * 440
    GRID_MIN_H = 2 * 260

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._rto_unit: tuple[float, str] = (0.0, "")
        self._rto_key: Any = None
        self.rto_objective_s: float | None = None
        self._build_lag()
        self._build_throughput()
        self._build_progress()
        self._build_rto()
        self.cells = (self.lag_cell, self.throughput_cell, self.progress_cell, self.rto_cell)
        for p in (self.lag_plot, self.progress_plot):  # one above the other in the grid
            _fix_axes(p)
        for cell in self.cells:
            cell.widget.installEventFilter(self)
        self.grid = QWidget()
        self.grid_layout = QGridLayout(self.grid)
        self.grid_layout.setContentsMargins(0, 0, 0, 0)
        self.grid_layout.setSpacing(2)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)  # the tab bar never widens a narrow dock
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.tabs)
        self.mode = ""
        self.set_mode("tabs")  # the smaller minimum size until a resize shows there is room
        controller.frame.connect(self.refresh)
        controller.scenarioLoaded.connect(self._scenario_loaded)
        self._scenario_loaded()

    def set_mode(self, mode: str) -> None:
        """``grid`` (2×2) or ``tabs`` (one plot per tab); the plots move, never rebuilt."""
        if mode == self.mode:
            return
        current = self.tabs.currentIndex()
        while self.tabs.count():
            self.tabs.removeTab(0)
        for i, cell in enumerate(self.cells):
            if mode == "grid":
                self.grid_layout.addWidget(cell.widget, i // 2, i % 2)
                cell.widget.show()  # the tabs hid all but the current one
            else:  # the tab widget shows only the current tab (showing all would paint all)
                self.grid_layout.removeWidget(cell.widget)
                self.tabs.addTab(cell.widget, cell.tab)
        if mode == "tabs":
            self.tabs.setCurrentIndex(max(0, current))
        self.stack.setCurrentWidget(self.grid if mode == "grid" else self.tabs)
        self.mode = mode

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        roomy = size.width() >= self.GRID_MIN_W and size.height() >= self.GRID_MIN_H
        self.set_mode("grid" if roomy else "tabs")
        super().resizeEvent(event)

    # -- construction ----------------------------------------------------------------------

    def _build_lag(self) -> None:
        self.lag_cell = _Cell("Replication lag and RPO exposure", "Lag and RPO")
        p = self.lag_plot = self.lag_cell.plot
        p.setLabel("left", "Lag", units="B", **LABEL_STYLE)
        self.lag_curve = p.plot(pen=pg.mkPen(BLUE, width=2))
        self.lag_cell.legend.addItem(self.lag_curve, "Lag (left)")
        # RPO on a second y axis, on the right
        self.rpo_view = pg.ViewBox()
        p.showAxis("right")
        p.scene().addItem(self.rpo_view)
        right = p.getAxis("right")
        right.linkToView(self.rpo_view)
        right.setLabel("RPO exposure", units="s", **LABEL_STYLE)
        right.enableAutoSIPrefix(False)
        self.rpo_view.setXLink(p)
        self.rpo_curve = pg.PlotDataItem(pen=pg.mkPen(ORANGE, width=2))
        self.rpo_curve.setClipToView(True)
        self.rpo_curve.setDownsampling(auto=True, method="peak")
        self.rpo_view.addItem(self.rpo_curve)
        self.lag_cell.legend.addItem(self.rpo_curve, "RPO exposure (right)")
        self.rpo_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(RED, width=2, style=Qt.PenStyle.DashLine),
            label="RPO objective", labelOpts={"position": 0.02, "color": RED,
                                               "anchors": [(0, 1), (0, 1)]})
        self.rpo_view.addItem(self.rpo_line)
        self.rpo_view.setMouseEnabled(x=True, y=False)

        def sync() -> None:
            self.rpo_view.setGeometry(p.vb.sceneBoundingRect())
            self.rpo_view.linkedViewChanged(p.vb, self.rpo_view.XAxis)

        p.vb.sigResized.connect(sync)

    def _build_throughput(self) -> None:
        self.throughput_cell = _Cell("Replication throughput and link bandwidth",
                                     "Throughput")
        p = self.throughput_plot = self.throughput_cell.plot
        p.setLabel("left", "Rate", units="b/s", **LABEL_STYLE)
        self.bandwidth_curve = p.plot(pen=pg.mkPen(GREY, width=2, style=Qt.PenStyle.DashLine))
        self.throughput_curve = p.plot(pen=pg.mkPen(BLUE, width=2))
        self.throughput_cell.legend.addItem(self.throughput_curve, "Throughput")
        self.throughput_cell.legend.addItem(self.bandwidth_curve, "FC link bandwidth")

    def _build_progress(self) -> None:
        self.progress_cell = _Cell("Initial copy and resync progress", "Copy progress")
        p = self.progress_plot = self.progress_cell.plot
        p.setLabel("left", "Progress", units="%", **LABEL_STYLE)
        p.getAxis("left").enableAutoSIPrefix(False)
        p.setYRange(0, 100, padding=0.05)
        p.enableAutoRange(axis="y", enable=False)
        self.progress_curve = p.plot(pen=pg.mkPen(GREEN, width=2), fillLevel=0,
                                     brush=pg.mkBrush(24, 128, 56, 30))
        self.progress_cell.legend.hide()

    def _build_rto(self) -> None:
        self.rto_cell = _Cell("Recovery (RTO)", "Recovery (RTO)")
        p = self.rto_plot = self.rto_cell.plot
        p.showGrid(x=True, y=False, alpha=GRID_ALPHA)
        rows = [(0.5 + i, label) for i, (_, label, _) in enumerate(reversed(STAGES))]
        rows.append((len(STAGES) + 0.5, "Service up"))
        left = p.getAxis("left")
        left.setTicks([rows, []])
        left.setWidth(84)
        p.setYRange(0, len(STAGES) + 1, padding=0.02)
        p.enableAutoRange(axis="y", enable=False)
        self.stage_bars = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brushes=[])
        p.addItem(self.stage_bars)
        self.stage_labels: dict[str, pg.TextItem] = {}
        for key, _label, color in STAGES:
            t = pg.TextItem(color=color, anchor=(0, 0.5))
            f = pg.QtGui.QFont()
            f.setPointSize(TICK_PT)
            f.setBold(True)
            t.setFont(f)
            p.addItem(t)
            self.stage_labels[key] = t
        self.available_curve = p.plot(
            pen=pg.mkPen(GREEN, width=2), fillLevel=len(STAGES) + 0.15,
            brush=pg.mkBrush(24, 128, 56, 70), stepMode="left")
        self.rto_cell.legend.hide()
        self.down_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(FG, width=1, style=Qt.PenStyle.DotLine),
            label="service down", labelOpts={"position": 0.97, "color": FG,
                                              "anchors": [(0, 0), (0, 0)]})
        self.rto_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(RED, width=2, style=Qt.PenStyle.DashLine),
            label="RTO objective", labelOpts={"position": 0.97, "color": RED,
                                               "anchors": [(1, 0), (1, 0)]})
        p.addItem(self.down_line)
        p.addItem(self.rto_line)
        self.rto_hint = pg.TextItem("No outage yet: the recovery stages appear when the "
                                    "service goes down.", color=GREY, anchor=(0.5, 0.5))
        p.addItem(self.rto_hint)

    # -- refresh -----------------------------------------------------------------------------

    def _scenario_loaded(self) -> None:
        self._rto_key = None
        self._rto_unit = (0.0, "")
        for cell in self.cells:
            cell.drawn, cell.unit = -1, (0.0, "")
        obj = getattr(self.controller.scenario, "objectives", {}) or {}
        rpo, rto = obj.get("rpo_s"), obj.get("rto_s")
        self.rpo_line.setVisible(rpo is not None)
        if rpo is not None:
            self.rpo_line.label.format = f"RPO objective {fmt_duration(rpo)}"
            _show_line(self.rpo_line, rpo)
        self.rto_line.setVisible(False)
        self.rto_objective_s = rto
        if rto is not None:
            self.rto_line.label.format = f"RTO objective {fmt_duration(rto)}"
        self.refresh()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        """A cell that comes on screen (its tab or the dock is shown) catches up."""
        if event.type() == QEvent.Type.Show:
            self.refresh()
        return False

    def refresh(self) -> None:
        """Bring the plots on screen up to the series; hidden ones wait until shown."""
        series = self.controller.twin.series
        version = series.version
        stale = [c for c in self.cells if c.drawn != version and c.widget.isVisible()]
        if not stale:
            return
        t = series.get("lag_bytes")[0]
        span = float(t[-1] - t[0]) if len(t) else 0.0
        unit = time_unit(max(span, float(t[-1]) if len(t) else 0.0))
        x = t / unit[0]
        for cell in stale:
            cell.drawn = version
            if cell is self.rto_cell:
                self._refresh_rto(t, series.get("available")[1])
                continue
            if cell.unit != unit:
                cell.unit = unit
                cell.plot.setLabel("bottom", f"Simulated time ({unit[1]})", **LABEL_STYLE)
            if cell is self.lag_cell:
                _set(self.lag_curve, x, series.get("lag_bytes")[1])
                rpo = series.get("rpo_s")[1]
                _set(self.rpo_curve, x, rpo)
                self._fit_rpo_view(rpo)
            elif cell is self.throughput_cell:
                _set(self.throughput_curve, x, series.get("throughput_bps")[1])
                _set(self.bandwidth_curve, x, series.get("bandwidth_bps")[1])
            else:
                _set(self.progress_curve, x, series.get("progress")[1] * 100.0)

    def _fit_rpo_view(self, rpo: np.ndarray) -> None:
        """The RPO axis shows the data and the objective line, from zero."""
        finite = rpo[np.isfinite(rpo)]
        top = float(finite.max()) if finite.size else 0.0
        if self.rpo_line.isVisible():
            top = max(top, float(self.rpo_line.value()) * 1.25)
        self.rpo_view.setYRange(0, top or 1.0, padding=0.05)

    def _refresh_rto(self, t: np.ndarray, available: np.ndarray) -> None:
        """The recovery plot has its own time range (the outage and the objective), so its
        own unit."""
        now = self.controller.twin.now
        live = live_breakdown(self.controller.twin.outcome, now)
        outcome = self.controller.twin.outcome
        if live is None:
            span = float(t[-1]) if len(t) else 0.0
        else:
            end = outcome.service_restored_at_s or now
            span = max(end, outcome.service_down_at_s + (self.rto_objective_s or 0.0)) \
                - outcome.service_down_at_s
        unit = time_unit(span)
        if unit != self._rto_unit:
            self._rto_unit = unit
            self.rto_plot.setLabel("bottom", f"Simulated time ({unit[1]})", **LABEL_STYLE)
        scale = unit[0]
        x = t / scale
        base = len(STAGES) + 0.15
        _set(self.available_curve, x, base + 0.7 * np.nan_to_num(available))
        if live is None:
            if self._rto_key != "no outage":  # once, not on every frame
                self._rto_key = "no outage"
                self.rto_cell.set_title("Recovery (RTO): no outage")
                self.stage_bars.setOpts(x0=[], width=[], y0=[], height=[], brushes=[])
                for text in self.stage_labels.values():
                    text.setText("")
                self.down_line.hide()
                self.rto_line.hide()
                self.rto_hint.show()
                self.rto_plot.enableAutoRange(axis="x", enable=True)
            self.rto_hint.setPos((x[-1] / 2) if len(x) else 0.5, len(STAGES) / 2)
            return
        bd, current = live
        down = outcome.service_down_at_s
        restored = outcome.service_restored_at_s
        rto_s = outcome.rto_s
        key = (down, tuple(sorted(bd.items())), current, scale)
        self.rto_hint.hide()
        if key == self._rto_key:
            return
        self._rto_key = key
        x0s, widths, y0s, brushes = [], [], [], []
        start = down
        for i, (k, label, color) in enumerate(STAGES):
            d = float(bd.get(k, 0.0))
            row = len(STAGES) - 1 - i
            x0s.append(start / scale)
            widths.append(d / scale)
            y0s.append(row + 0.2)
            brushes.append(pg.mkBrush(color))
            text = self.stage_labels[k]
            busy = " so far" if k == current else ""
            text.setText(f" {label} {fmt_duration(d)}{busy}" if d > 0 or busy else "")
            text.setPos((start + d) / scale, row + 0.5)
            start += d
        self.stage_bars.setOpts(x0=x0s, width=widths, y0=y0s, height=[0.6] * len(STAGES),
                                brushes=brushes, pens=[pg.mkPen(None)] * len(STAGES))
        _show_line(self.down_line, down / scale)
        obj = self.rto_objective_s
        if obj is not None:
            _show_line(self.rto_line, (down + obj) / scale)
        end = restored if restored is not None else now
        right = max(end, down + (obj or 0.0))
        pad = max((right - down) * 0.08, 60.0)
        self.rto_plot.setXRange((down - pad) / scale, (right + pad) / scale, padding=0)
        if rto_s is not None:
            verdict = ""
            if obj is not None:
                verdict = " — met" if rto_s <= obj else " — missed"
            title = f"RTO {fmt_duration(rto_s)}{verdict}"
        else:
            title = f"Service down for {fmt_duration(now - down)}"
        if obj is not None:
            title += f" · objective {fmt_duration(obj)}"
        self.rto_cell.set_title(title)
