"""Live plots of the twin's time series (pyqtgraph), for a room to read off a projector:

1. RPO exposure with the RPO objective (R15), and the replication lag on a second axis;
2. host writes achieved against their demand (throttled hosts, R20a), the replication
   rate and the FC link's capacity (R20);
3. initial-copy and resync progress (R8, R19);
4. recovery (R16): the outage's stages (decision, data sync, restart, network) as bars,
   service availability, and the RTO objective.

Curves are created once and updated with ``setData`` only when ``series.version`` moved
(architecture.md); clip to view, peak downsampling, no finite check on clean data.

What a frame costs (bench/bench_gui.py, 24 h of history = 8,640 samples per curve):

- only the plots on screen are updated; a hidden tab (or a hidden dock) catches up when
  it is shown; while time plays, the plots on screen take turns (one redrawn per frame),
  and a pause brings them all up to date;
- peak downsampling to about one min/max pair per pixel column (``DS_PER_PIXEL``), so a
  curve paints O(pixels), not O(samples); pyqtgraph's default keeps five samples per
  pixel, which at these sizes meant no downsampling at all;
- grid lines are opaque, pre-blended over the white background and drawn under the data
  (``_Axis``): Qt's raster engine draws translucent aliased lines some 30x slower than
  opaque ones, and the grid was two thirds of a plot's paint;
- the views' ranges are set from the data in round steps (``stepped_range``,
  ``nice_top``), not by pyqtgraph's auto-range on every frame: the axes and the grid are
  redrawn only when a step is crossed (once a simulated hour for a 24 h window), and the
  new range is applied before painting, so a plot paints once per frame, not twice;
- a filled curve is filled with one path, not pyqtgraph's chunks of 50 points.

A plot follows the data until the user drags or wheels in it; a double-click follows
again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QStackedLayout, QTabWidget, QWidget

from app.format import format_bandwidth, format_duration
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Controller

FG = C.INK
GRID_ALPHA = 0.25
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = C.ACCENT, C.ORANGE, C.GREEN, C.RED, C.PURPLE, C.GREY
ORANGE_TEXT = C.ORANGE_DARK  # the RPO's axis: orange text on white is hard to read
LAG_HEADROOM = 2.0  # the lag's axis reaches twice its peak: the lag keeps under the RPO
STAGES = (("decision", "Decision", PURPLE), ("data_sync", "Data sync", BLUE),
          ("restart", "Restart", ORANGE), ("network", "Network", GREEN))
TITLE_SIZE = "13pt"
TICK_PT = 10
LABEL_STYLE = {"color": FG, "font-size": "11pt"}
MINUTES_UP_TO_S = 2 * 3600  # time axis in minutes up to two hours, then in hours
BACKGROUND = (255, 255, 255)  # the plots' background ("w"); the grid is blended over it
CLEARANCE_PX = 10  # room at the ends of an axis for its first label, which pyqtgraph hides
# when it would stick out of the plot
DS_PER_PIXEL = 1.0  # auto downsampling keeps ~one peak (min/max) bin per pixel column


def time_unit(span_s: float) -> tuple[float, str]:
    """Seconds per axis unit, and its name: minutes when short, else hours."""
    return (60.0, "min") if span_s <= MINUTES_UP_TO_S else (3600.0, "h")


def stepped_range(lo: float, hi: float) -> tuple[float, float]:
    """A time range over ``[lo, hi]`` that moves by round steps (a tenth of the span's
    decade: 1 % to 10 % of the span), so that a live time axis, its ticks and its grid are
    redrawn now and then, not on every frame. Its start is ``lo`` rounded down and its
    length the span rounded up plus one step, so a window that slides (a full ring of
    samples) steps once per step, its two ends together; the right end keeps one or two
    steps of room."""
    span = hi - lo
    if not span > 0:
        return lo, lo + 1.0
    step = 10.0 ** math.floor(math.log10(span)) / 10
    start = math.floor(lo / step) * step
    return start, start + (math.ceil(span / step) + 1) * step


def nice_top(value: float) -> float:
    """A round upper bound a little above ``value`` (1 for nothing to show): the value axis
    from zero moves only when the data crosses a step of a fifth of its decade."""
    if not (value > 0 and math.isfinite(value)):
        return 1.0
    value *= 1.05
    step = 10.0 ** math.floor(math.log10(value)) / 5
    return math.ceil(value / step) * step


def margin(length_px: float) -> float:
    """The fraction of an axis to leave beyond the data's ends (zero, the first and the last
    sample), so that their labels show (``CLEARANCE_PX``)."""
    return min(0.2, max(0.01, CLEARANCE_PX / max(float(length_px), 1.0)))


def _peak(y: np.ndarray) -> float:
    finite = y[np.isfinite(y)]
    return float(finite.max()) if finite.size else 0.0


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


_OPAQUE_PENS: dict[tuple[int, float], Any] = {}


def _opaque(pen: Any) -> Any:
    """The pen with its translucent colour blended over the background, made opaque: the
    same look on the white plots, at a fraction of the cost (cached per colour)."""
    color = pen.color()
    if color.alpha() == 255:
        return pen
    key = (color.rgba(), pen.widthF())
    out = _OPAQUE_PENS.get(key)
    if out is None:
        a = color.alphaF()
        rgb = [round(c * a + b * (1 - a)) for c, b in
               zip((color.red(), color.green(), color.blue()), BACKGROUND, strict=True)]
        out = pg.QtGui.QPen(pen)
        out.setColor(pg.QtGui.QColor(*rgb))
        _OPAQUE_PENS[key] = out
    return out


class _Axis(pg.AxisItem):
    """An axis whose grid lines are opaque (see the module's docstring), drawn under the
    data (pyqtgraph draws its translucent grid over it), so they never hide a curve. Only
    the left and bottom axes draw one: the RPO axis on the right would add a second set of
    horizontal lines that do not line up with the first."""

    def setGrid(self, grid: Any) -> None:  # noqa: N802 (pyqtgraph)
        super().setGrid(grid if self.orientation in ("left", "bottom") else False)

    def generateDrawSpecs(self, p: Any) -> Any:  # noqa: N802 (pyqtgraph)
        specs = super().generateDrawSpecs(p)
        if specs is None or self.grid is False:
            return specs
        axis, ticks, texts = specs
        return axis, [(_opaque(pen), p1, p2) for pen, p1, p2 in ticks], texts


def _colour_axis(axis: pg.AxisItem, colour: str) -> None:
    """An axis in the colour of the curve it measures (line, ticks and values)."""
    axis.setPen(pg.mkPen(colour))
    axis.setTextPen(pg.mkPen(colour))


def _axes() -> dict[str, _Axis]:
    return {name: _Axis(name) for name in ("left", "bottom", "right", "top")}


def _one_fill_path(item: pg.PlotDataItem) -> pg.PlotDataItem:
    """Fill under the curve with one path. pyqtgraph splits the fill into paths of 50
    points, one translucent ``fillPath`` each: a win for 100,000 points, a loss for the
    ~1,000 left after downsampling (about 1 ms a frame on the progress plot)."""
    item.curve._shouldUseFillPathList = lambda: False
    return item


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


def live_breakdown(outcome: Mapping[str, Any], now: float
                   ) -> tuple[dict[str, float], str | None] | None:
    """The RTO stages of the outage so far, and the stage under way (None once restored),
    from the state document's ``outcome``.

    Once the service is back this is the engine's breakdown (``rto_breakdown_s``). While
    it is down, the time since the last milestone reached belongs to the stage under way,
    not to the last stage (the engine's breakdown clamps missing milestones to the end)."""
    down = outcome.get("service_down_at_s")
    if down is None:
        return None
    if outcome.get("service_restored_at_s") is not None:
        return dict(outcome["rto_breakdown_s"]), None
    ms = outcome.get("milestones_s") or {}
    milestones = (ms.get("first_action"), ms.get("takeover"), ms.get("all_running"))
    out = {k: 0.0 for k, _, _ in STAGES}
    last = float(down)
    for (key, _, _), m in zip(STAGES, milestones, strict=False):
        if m is None:
            out[key] = max(0.0, now - last)
            return out, key
        m = min(max(m, last), now)
        out[key] = m - last
        last = m
    out["network"] = max(0.0, now - last)
    return out, "network"


def _translucent(colour: str, alpha: int) -> Any:
    """A brush of a palette colour with ``alpha`` (0–255)."""
    c = pg.QtGui.QColor(colour)
    c.setAlpha(alpha)
    return pg.mkBrush(c)


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
        self.plot = box.addPlot(row=2, col=0, axisItems=_axes())
        self.plot.hideAxis("top")  # pyqtgraph shows every axis it is given
        self.plot.hideAxis("right")
        for axis in self.plot.axes.values():
            axis["item"].setZValue(-200)  # pyqtgraph puts them over the view box (-100)
        _style_plot(self.plot)
        self.drawn = -1  # the series version on screen; -1: out of date
        self.unit: tuple[float, str] = (0.0, "")  # of the time axis
        self.follow = True  # the view follows the data until the user zooms or pans
        self.view: Any = None  # the ranges last set while following
        self.widget.setToolTip("Drag to pan, wheel to zoom; double-click to follow the "
                               "live data again")

    def set_title(self, text: str) -> None:
        if text != self.title.text:  # a new text lays the cell out again
            self.title.setText(text, size=TITLE_SIZE, color=FG, bold=True)

    def set_compact(self, compact: bool, keep_title: bool = False) -> None:
        """In a short dock the tab already names the plot: give the title's row to the
        data (a cell whose title carries a verdict keeps it)."""
        hide = compact and not keep_title
        if hide == (not self.title.isVisible()):
            return
        self.title.setVisible(not hide)
        self.title.setMaximumHeight(0 if hide else 16777215)


class PlotsPanel(QWidget):
    """Replication lag / RPO, throughput vs bandwidth, copy progress and the RTO timeline,
    updated from ``controller.series()`` on ``controller.frame``. A 2×2 grid when the
    panel has room for it, else one tab per plot (a short dock at the bottom of the main
    window): a cramped grid is unreadable on a projector."""

    GRID_MIN_W = 2 * 440
    GRID_MIN_H = 2 * 260
    COMPACT_BELOW_H = 300  # tabs this short drop the titles the tab names repeat

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._rto_unit: tuple[float, str] = (0.0, "")
        self._lag_range: Any = None  # the range of the lag's axis
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
            cell.plot.vb.sigRangeChangedManually.connect(
                lambda *_, c=cell: setattr(c, "follow", False))
            cell.plot.vb.sigResized.connect(lambda *_, c=cell: self._resized(c))
            cell.widget.scene().sigMouseClicked.connect(
                lambda ev, c=cell: self._follow_again(c) if ev.double() else None)
        self.lag_view.sigRangeChangedManually.connect(
            lambda *_: setattr(self.lag_cell, "follow", False))
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
        self._turn = 0  # while time plays, the plot whose turn it is to be redrawn
        controller.frame.connect(self.refresh)
        controller.scenarioLoaded.connect(self._scenario_loaded)
        controller.playingChanged.connect(lambda playing: None if playing else self.refresh())
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
        compact = self.mode == "tabs" and size.height() < self.COMPACT_BELOW_H
        for cell in (self.lag_cell, self.throughput_cell, self.progress_cell, self.rto_cell):
            cell.set_compact(compact, keep_title=cell is self.rto_cell)
        super().resizeEvent(event)

    # -- construction ----------------------------------------------------------------------

    def _build_lag(self) -> None:
        """RPO exposure on the left axis, with its objective and the grid: the figure a
        room judges. The lag in bytes on the right axis, as a pale area whose axis reaches
        twice its peak: each axis scaled to its own peak drew the two curves one over the
        other (the lag is the RPO times the write rate), and the RPO vanished under it.
        Each axis is in its curve's colour and the legend says which axis is whose."""
        self.lag_cell = _Cell("RPO exposure and replication lag", "RPO and lag")
        p = self.lag_plot = self.lag_cell.plot
        p.setLabel("left", "RPO exposure", units="s", **{**LABEL_STYLE, "color": ORANGE_TEXT})
        _colour_axis(p.getAxis("left"), ORANGE_TEXT)
        self.rpo_curve = p.plot(pen=pg.mkPen(ORANGE, width=2.5),
                                autoDownsampleFactor=DS_PER_PIXEL)
        self.rpo_line = pg.InfiniteLine(  # on the RPO's own (left) axis
            angle=0, movable=False, pen=pg.mkPen(RED, width=2, style=Qt.PenStyle.DashLine),
            label="RPO objective", labelOpts={"position": 0.02, "color": RED,
                                               "anchors": [(0, 1), (0, 1)]})
        p.addItem(self.rpo_line)
        # the lag in a second view, on the right: over the grid (the axes, -200) and under
        # the RPO (the main view box, -100)
        self.lag_view = pg.ViewBox()
        p.showAxis("right")
        self.lag_view.setParentItem(p)
        self.lag_view.setZValue(-150)
        right = p.getAxis("right")
        right.linkToView(self.lag_view)
        right.setLabel("Lag", units="B", **{**LABEL_STYLE, "color": BLUE})
        _colour_axis(right, BLUE)
        self.lag_view.setXLink(p)
        self.lag_curve = _one_fill_path(pg.PlotDataItem(
            pen=pg.mkPen(BLUE, width=1.5), fillLevel=0, brush=_translucent(BLUE, 40),
            autoDownsampleFactor=DS_PER_PIXEL))
        self.lag_curve.setClipToView(True)
        self.lag_curve.setDownsampling(auto=True, method="peak")
        self.lag_view.addItem(self.lag_curve)
        self.lag_cell.legend.addItem(self.rpo_curve, "RPO exposure (left axis)")
        self.lag_cell.legend.addItem(self.lag_curve, "Lag (right axis)")
        self.lag_view.setMouseEnabled(x=True, y=False)

        def sync() -> None:
            self.lag_view.setGeometry(p.vb.geometry())
            self.lag_view.linkedViewChanged(p.vb, self.lag_view.XAxis)

        p.vb.sigResized.connect(sync)

    def _build_throughput(self) -> None:
        """What the hosts ask to write, what they achieve, what the link carries and what
        it can carry (R20, R20a): a throttled host shows as achieved under demand."""
        self.throughput_cell = _Cell("Host writes, replication and the FC link",
                                     "Throughput")
        p = self.throughput_plot = self.throughput_cell.plot
        p.setLabel("left", "Rate", units="b/s", **LABEL_STYLE)
        self.bandwidth_curve = p.plot(pen=pg.mkPen(GREY, width=2, style=Qt.PenStyle.DashLine),
                                      autoDownsampleFactor=DS_PER_PIXEL)
        self.demand_curve = p.plot(pen=pg.mkPen(RED, width=2, style=Qt.PenStyle.DotLine),
                                   autoDownsampleFactor=DS_PER_PIXEL)
        self.writes_curve = p.plot(pen=pg.mkPen(GREEN, width=2.5),
                                   autoDownsampleFactor=DS_PER_PIXEL)
        self.throughput_curve = p.plot(pen=pg.mkPen(BLUE, width=1.5),
                                       autoDownsampleFactor=DS_PER_PIXEL)
        legend = self.throughput_cell.legend
        legend.addItem(self.writes_curve, "Host writes achieved")
        legend.addItem(self.demand_curve, "Write demand")
        legend.addItem(self.throughput_curve, "Replication")
        legend.addItem(self.bandwidth_curve, "FC link")
        self._bandwidth_label: str = ""

    def _label_bandwidth(self, bps: float) -> None:
        """The link's capacity now, in the legend (a change of text lays the legend out:
        only when it changes)."""
        text = f"FC link {format_bandwidth(bps / 1e6)}" if math.isfinite(bps) else "FC link"
        if text != self._bandwidth_label:
            self._bandwidth_label = text
            label = self.throughput_cell.legend.getLabel(self.bandwidth_curve)
            if label is not None:
                label.setText(text)

    def _build_progress(self) -> None:
        self.progress_cell = _Cell("Initial copy and resync progress", "Copy progress")
        p = self.progress_plot = self.progress_cell.plot
        p.setLabel("left", "Progress", units="%", **LABEL_STYLE)
        p.getAxis("left").enableAutoSIPrefix(False)
        p.setYRange(0, 100, padding=0.05)
        p.enableAutoRange(axis="y", enable=False)
        self.progress_curve = _one_fill_path(p.plot(
            pen=pg.mkPen(GREEN, width=2), fillLevel=0, brush=_translucent(GREEN, 30),
            autoDownsampleFactor=DS_PER_PIXEL))
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
        self.available_curve = _one_fill_path(p.plot(
            pen=pg.mkPen(GREEN, width=2), fillLevel=len(STAGES) + 0.15,
            brush=_translucent(GREEN, 70), stepMode="left",
            autoDownsampleFactor=DS_PER_PIXEL))
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
        self.rto_hint = pg.TextItem("No outage yet: the recovery stages\nappear when the "
                                    "service goes down.", color=GREY, anchor=(0.5, 0.5))
        p.addItem(self.rto_hint)

    # -- refresh -----------------------------------------------------------------------------

    def _scenario_loaded(self) -> None:
        self._rto_key = None
        self._rto_unit = (0.0, "")
        self._lag_range = None
        self._bandwidth_label = ""
        for cell in self.cells:
            cell.drawn, cell.unit, cell.follow, cell.view = -1, (0.0, ""), True, None
        obj = getattr(self.controller.scenario, "objectives", {}) or {}
        rpo, rto = obj.get("rpo_s"), obj.get("rto_s")
        self.rpo_line.setVisible(rpo is not None)
        if rpo is not None:
            # on the right (RPO) axis: say so, or the lag curve seems to cross it
            self.rpo_line.label.format = f"RPO objective {format_duration(rpo)}"
            _show_line(self.rpo_line, rpo)
        self.rto_line.setVisible(False)
        self.rto_objective_s = rto
        if rto is not None:
            self.rto_line.label.format = f"RTO objective {format_duration(rto)}"
        self.refresh()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        """A cell that comes on screen (its tab or the dock is shown) catches up."""
        if event.type() == QEvent.Type.Show:
            self.refresh()
        return False

    def refresh(self) -> None:
        """Bring the plots on screen up to the series; hidden ones wait until shown."""
        series = self.controller.series()
        version = series.version
        stale = [c for c in self.cells if c.drawn != version and c.widget.isVisible()]
        if not stale:
            return
        if len(stale) > 1 and self.controller.playing:
            # while time plays the plots on screen take turns, one redrawn per frame (each
            # at 15 per second at 60 frames per second): four plots repainted in every
            # frame cost the grid its 10 ms frame budget. Paused, all catch up at once.
            order = self.cells[self._turn:] + self.cells[:self._turn]
            cell = next(c for c in order if c in stale)
            self._turn = (self.cells.index(cell) + 1) % len(self.cells)
            stale = [cell]
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
            top: float | None = None  # the progress axis is fixed: 0 to 100 %
            if cell is self.lag_cell:
                lag = series.get("lag_bytes")[1]
                _set(self.lag_curve, x, lag)
                self._fit_lag_view(lag)
                rpo = series.get("rpo_s")[1]
                _set(self.rpo_curve, x, rpo)
                top = _peak(rpo)
                if self.rpo_line.isVisible():  # the objective stays in view
                    top = max(top, float(self.rpo_line.value()) * 1.25)
            elif cell is self.throughput_cell:
                rate, bandwidth, writes, demand = (series.get(k)[1] for k in (
                    "throughput_bps", "bandwidth_bps", "writes_bps", "demand_bps"))
                _set(self.throughput_curve, x, rate)
                _set(self.bandwidth_curve, x, bandwidth)
                _set(self.writes_curve, x, writes)
                _set(self.demand_curve, x, demand)
                self._label_bandwidth(float(bandwidth[-1]) if len(bandwidth) else math.nan)
                top = max(_peak(rate), _peak(bandwidth), _peak(demand))
            else:
                _set(self.progress_curve, x, series.get("progress")[1] * 100.0)
            self._follow(cell, x, top)

    def _follow(self, cell: _Cell, x: np.ndarray, top: float | None) -> None:
        """The view of a cell that follows the data: the time it covers and, from zero, its
        values, both rounded (``stepped_range``, ``nice_top``) so that the view, its ticks
        and its grid move only now and then. Set here from the known data, not by
        pyqtgraph's auto-range, which scans every curve and moves the view every frame."""
        if not cell.follow or not len(x):
            return
        vb = cell.plot.vb
        view = (stepped_range(float(x[0]), float(x[-1])), margin(vb.width()),
                None if top is None else (nice_top(top), margin(vb.height())))
        if view == cell.view:
            return
        cell.view = view
        (x0, x1), pad, y = view
        x_range = (x0 - pad * (x1 - x0), x1 + pad * (x1 - x0))
        if y is None:
            vb.setXRange(*x_range, padding=0)
        else:
            y1, below = y
            vb.setRange(xRange=x_range, yRange=(-below * y1, y1), padding=0)
        self._settle(vb)

    def _settle(self, vb: pg.ViewBox) -> None:
        """Apply a new range now: pyqtgraph moves the view when it paints, which dirties the
        scene again and paints the plot a second time."""
        vb.prepareForPaint()
        if vb is self.lag_plot.vb:
            self.lag_view.prepareForPaint()  # linked to its time axis

    def _resized(self, cell: _Cell) -> None:
        """The room for the first labels depends on the plot's size (``margin``)."""
        cell.view, cell.drawn = None, -1
        if cell is self.lag_cell:
            self._lag_range = None
        self.refresh()

    def _follow_again(self, cell: _Cell) -> None:
        cell.follow, cell.view, cell.drawn = True, None, -1
        self._rto_key = None
        self.refresh()

    def _fit_lag_view(self, lag: np.ndarray) -> None:
        """The lag's axis from zero to twice its peak (rounded up, so it moves only now and
        then), with the same zero as the RPO's axis."""
        view = (nice_top(LAG_HEADROOM * _peak(lag)), margin(self.lag_plot.vb.height()))
        if view != self._lag_range:
            self._lag_range = view
            self.lag_view.setYRange(-view[1] * view[0], view[0], padding=0)
            self.lag_view.prepareForPaint()

    def _refresh_rto(self, t: np.ndarray, available: np.ndarray) -> None:
        """The recovery plot has its own time range (the outage and the objective), so its
        own unit."""
        now = self.controller.now
        outcome = self.controller.state()["outcome"]
        live = live_breakdown(outcome, now)
        down: float | None = outcome.get("service_down_at_s")
        restored: float | None = outcome.get("service_restored_at_s")
        if live is None or down is None:
            span = float(t[-1]) if len(t) else 0.0
        else:
            end = restored if restored is not None else now
            span = max(end, down + (self.rto_objective_s or 0.0)) - down
        unit = time_unit(span)
        if unit != self._rto_unit:
            self._rto_unit = unit
            self.rto_plot.setLabel("bottom", f"Simulated time ({unit[1]})", **LABEL_STYLE)
        scale = unit[0]
        x = t / scale
        base = len(STAGES) + 0.15
        _set(self.available_curve, x, base + 0.7 * np.nan_to_num(available))
        if live is None or down is None:
            if self._rto_key != "no outage":  # once, not on every frame
                self._rto_key = "no outage"
                self.rto_cell.set_title("Recovery (RTO): no outage")
                self.stage_bars.setOpts(x0=[], width=[], y0=[], height=[], brushes=[])
                for text in self.stage_labels.values():
                    text.setText("")
                self.down_line.hide()
                self.rto_line.hide()
                self.rto_hint.show()
            self.rto_hint.setPos((x[-1] / 2) if len(x) else 0.5, len(STAGES) / 2)
            self._follow(self.rto_cell, x, None)
            return
        bd, current = live
        rto_s: float | None = outcome.get("rto_s")
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
            text.setText(f" {label} {format_duration(d)}{busy}" if d > 0 or busy else "")
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
        self.rto_cell.view = None  # the outage's own range, not the data's
        if self.rto_cell.follow:
            self.rto_plot.setXRange((down - pad) / scale, (right + pad) / scale, padding=0)
        if rto_s is not None:
            verdict = ""
            if obj is not None:
                verdict = " — met" if rto_s <= obj else " — missed"
            title = f"RTO {format_duration(rto_s)}{verdict}"
        else:
            title = f"Service down for {format_duration(now - down)}"
        if obj is not None:
            title += f" · objective {format_duration(obj)}"
        self.rto_cell.set_title(title)
