"""The live plots (app/plots.py): they follow the twin's time series as the controller
advances time, show the objectives, and draw the recovery stages of an outage."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.controller import Controller
from app.format import format_duration
from app.plots import STAGES, PlotsPanel, nice_top, stepped_range, time_unit
from twin import actions as A
from twin.scenario import load_scenario_text

OBJECTIVES = "objectives: {rpo: 1s, rto: 6h}\n"


def make(start: str = "paired", extra: str = "") -> Controller:
    return Controller(load_scenario_text(f"name: plots test\nstart: {start}\n{extra}"))


def panel(qtbot: QtBot, c: Controller) -> PlotsPanel:
    w = PlotsPanel(c)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


def xdata(curve: pg.PlotDataItem) -> np.ndarray:
    x, _ = curve.getOriginalDataset()
    return np.asarray([] if x is None else x)


def ydata(curve: pg.PlotDataItem) -> np.ndarray:
    _, y = curve.getOriginalDataset()
    return np.asarray([] if y is None else y)


def test_curves_grow_as_time_advances(qtbot: QtBot) -> None:
    c = make()
    w = panel(qtbot, c)
    curves = (w.lag_curve, w.rpo_curve, w.throughput_curve, w.bandwidth_curve,
              w.progress_curve, w.available_curve)
    before = [len(xdata(k)) for k in curves]
    c.advance(600)
    after = [len(xdata(k)) for k in curves]
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    t, lag = c.twin.series.get("lag_bytes")
    assert len(xdata(w.lag_curve)) == len(t)
    np.testing.assert_allclose(ydata(w.lag_curve), lag)
    np.testing.assert_allclose(xdata(w.lag_curve), t / 60.0)  # minutes while short
    np.testing.assert_allclose(ydata(w.progress_curve), 100.0)
    bw = ydata(w.bandwidth_curve)
    assert bw[-1] == pytest.approx(8000e6)  # 8000 Mb/s default FC link, in bit/s


def test_curves_are_created_once_and_updated_only_when_the_series_moved(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    c = make()
    w = panel(qtbot, c)
    items = list(w.lag_plot.listDataItems())
    calls: list[int] = []
    original = w.lag_curve.setData
    monkeypatch.setattr(w.lag_curve, "setData", lambda *a, **k: (calls.append(1), original(*a, **k)))
    c.advance(100)
    n = len(calls)
    assert n >= 1
    c.apply(A.Note("no sample taken"))  # a frame without a new sample
    w.refresh()
    assert len(calls) == n
    assert list(w.lag_plot.listDataItems()) == items
    for curve in (w.lag_curve, w.rpo_curve, w.progress_curve):
        assert curve.opts["clipToView"] is True
        assert curve.opts["autoDownsample"] is True
        assert curve.opts["downsampleMethod"] == "peak"
        assert curve.opts["autoDownsampleFactor"] <= 1.0  # about a min/max pair per pixel
    assert w.lag_curve.curve.opts["skipFiniteCheck"] is True


def test_objective_lines_are_shown_when_the_scenario_sets_them(qtbot: QtBot) -> None:
    c = make(extra=OBJECTIVES)
    w = panel(qtbot, c)
    assert w.rpo_line.isVisible() and w.rpo_line.value() == pytest.approx(1.0)
    assert w.rpo_line.label.toPlainText() == f"RPO objective {format_duration(1.0)}"
    assert w.rpo_line in w.lag_plot.vb.addedItems  # on the RPO's own axis
    assert w.rto_objective_s == pytest.approx(6 * 3600)

    bare = panel(qtbot, make())
    assert not bare.rpo_line.isVisible()
    assert bare.rto_objective_s is None


def test_time_axis_switches_from_minutes_to_hours(qtbot: QtBot) -> None:
    assert time_unit(30 * 60) == (60.0, "min")
    assert time_unit(5 * 3600) == (3600.0, "h")
    c = make()
    w = panel(qtbot, c)
    c.advance(600)
    assert "(min)" in w.lag_plot.getAxis("bottom").labelText
    c.advance(3 * 3600)
    assert "(h)" in w.lag_plot.getAxis("bottom").labelText
    assert xdata(w.lag_curve)[-1] == pytest.approx(c.twin.now / 3600, abs=0.01)


def test_an_initial_copy_shows_progress_and_gaps_for_an_infinite_rpo(qtbot: QtBot) -> None:
    c = make("unpaired")
    w = panel(qtbot, c)
    for rack, peer in (("raleigh", "dallas"), ("dallas", "raleigh")):
        assert c.apply(A.CreateProfile(rack, peer)).ok
        assert c.apply(A.Validate(rack)).ok
    assert c.apply(A.Enable("dallas", "backup")).ok
    assert c.apply(A.Enable("raleigh", "primary")).ok
    c.advance(300)
    progress = ydata(w.progress_curve)
    assert 0 < progress[-1] < 100
    assert np.isnan(ydata(w.rpo_curve)).any()  # no consistent copy yet: a gap, not a spike
    assert w.rpo_curve.curve.opts["skipFiniteCheck"] is False
    throughput = ydata(w.throughput_curve)
    assert throughput[-1] > 0
    c.advance(4 * 3600)
    assert ydata(w.progress_curve)[-1] == pytest.approx(100.0)


def test_the_recovery_timeline_during_an_unplanned_failover(qtbot: QtBot) -> None:
    c = make(extra=OBJECTIVES)
    w = panel(qtbot, c)
    c.advance(600)
    assert len(w.stage_bars.opts["x0"]) == 0 and w.rto_hint.isVisible()
    assert not w.rto_line.isVisible()
    c.apply(A.LoseRack("raleigh"))
    c.advance(900)
    down = c.state()["outcome"]["service_down_at_s"]
    assert down == pytest.approx(600, abs=1)
    assert not w.rto_hint.isVisible()
    unit = w._rto_unit[0]
    assert unit == 3600.0  # the recovery plot spans the 6 h objective: hours
    assert "(h)" in w.rto_plot.getAxis("bottom").labelText
    assert "(min)" in w.lag_plot.getAxis("bottom").labelText
    assert w.rto_line.isVisible()
    assert w.rto_line.value() == pytest.approx((down + 6 * 3600) / unit)
    assert w.rto_line.label.toPlainText() == f"RTO objective {format_duration(6 * 3600)}"
    assert w.stage_bars.opts["width"][0] == pytest.approx(900 / unit, rel=0.05)  # deciding
    assert "Service down for 15m 00s" in w.rto_cell.title.text
    for a in (A.StartFailover("dallas", "unplanned"), A.AddComputeNodes("dallas"),
              A.ConfigureTorSwitches("dallas"), A.StartWorkloads("dallas"),
              A.AdvertiseRoutes("dallas")):
        assert c.apply(a).ok, a
    c.advance(4 * 3600)
    out = c.state()["outcome"]
    assert out["rto_s"] is not None
    bd = out["rto_breakdown_s"]
    widths = np.asarray(w.stage_bars.opts["width"]) * w._rto_unit[0]
    np.testing.assert_allclose(widths, [bd[k] for k, _, _ in STAGES], atol=1.0)
    assert sum(widths) == pytest.approx(out["rto_s"], abs=1.0)
    assert "RTO" in w.rto_cell.title.text and "met" in w.rto_cell.title.text
    assert f"objective {format_duration(6 * 3600)}" in w.rto_cell.title.text
    avail = ydata(w.available_curve)
    assert avail.min() < avail.max()  # the outage is a dip in the availability curve


def test_a_new_scenario_resets_the_plots(qtbot: QtBot) -> None:
    c = make(extra=OBJECTIVES)
    w = panel(qtbot, c)
    c.advance(3600)
    c.load(load_scenario_text("name: other\nstart: paired\n"))
    assert len(xdata(w.lag_curve)) <= 1
    assert not w.rpo_line.isVisible()


def test_a_grid_when_there_is_room_tabs_when_the_panel_is_short(qtbot: QtBot) -> None:
    c = make(extra=OBJECTIVES)
    w = panel(qtbot, c)
    qtbot.waitUntil(lambda: w.mode == "grid")
    assert all(cell.widget.isVisible() for cell in w.cells)
    w.resize(900, 300)
    qtbot.waitUntil(lambda: w.mode == "tabs")
    assert w.tabs.count() == 4
    assert [w.tabs.tabText(i) for i in range(4)] == [
        "RPO and lag", "Throughput", "Copy progress", "Recovery (RTO)"]
    w.tabs.setCurrentIndex(3)
    curve = w.available_curve
    c.advance(600)
    assert len(xdata(curve)) > 1  # the same curves, still updated
    w.resize(1200, 800)
    qtbot.waitUntil(lambda: w.mode == "grid")
    assert w.available_curve is curve and all(cell.widget.isVisible() for cell in w.cells)


def test_only_the_plots_on_screen_are_updated_a_hidden_one_catches_up(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    c = make()
    w = panel(qtbot, c)
    w.resize(900, 300)
    qtbot.waitUntil(lambda: w.mode == "tabs")
    w.tabs.setCurrentIndex(0)
    assert [cell.widget.isVisible() for cell in w.cells] == [True, False, False, False]
    calls: list[int] = []
    original = w.throughput_curve.setData
    monkeypatch.setattr(w.throughput_curve, "setData",
                        lambda *a, **k: (calls.append(1), original(*a, **k)))
    c.advance(600)
    t, _ = c.twin.series.get("lag_bytes")
    assert len(xdata(w.lag_curve)) == len(t)  # on screen: up to date
    assert not calls  # a hidden tab is not updated...
    w.tabs.setCurrentIndex(1)
    assert calls and len(xdata(w.throughput_curve)) == len(t)  # ...until it is shown
    w.hide()  # the whole panel (a hidden or tabbed dock)
    c.advance(600)
    assert len(xdata(w.throughput_curve)) < len(c.twin.series.get("lag_bytes")[0])
    w.show()
    assert len(xdata(w.throughput_curve)) == len(c.twin.series.get("lag_bytes")[0])


def test_round_ranges() -> None:
    assert stepped_range(0.0, 24.0) == pytest.approx((0.0, 25.0))  # steps of 1 h
    # a sliding 24 h window keeps its range within a step, and both ends move together
    assert stepped_range(5.3, 29.3) == pytest.approx((5.0, 30.0))
    assert stepped_range(5.9, 29.9) == pytest.approx((5.0, 30.0))
    assert stepped_range(6.0, 30.0) == pytest.approx((6.0, 31.0))
    assert stepped_range(0.0, 0.0) == (0.0, 1.0)
    assert nice_top(870e3) == pytest.approx(920e3)
    assert nice_top(16e9) == pytest.approx(18e9)
    assert nice_top(0.0) == nice_top(float("nan")) == 1.0
    for v in (0.3, 7.0, 99.0, 123456.0):
        assert v < nice_top(v) <= 1.3 * v


def test_the_views_follow_the_data_and_move_only_in_steps(qtbot: QtBot) -> None:
    c = make()
    w = panel(qtbot, c)
    c.advance(3 * 3600 - 300)
    ranges = []
    for _ in range(10):  # ten frames of a minute
        c.advance(60)
        ranges.append(w.lag_plot.vb.viewRange())
        for p, curves in ((w.lag_plot, [w.rpo_curve]),
                          (w.throughput_plot, [w.throughput_curve, w.bandwidth_curve]),
                          (w.progress_plot, [w.progress_curve])):
            (x0, x1), (y0, y1) = p.vb.viewRange()
            for k in curves:
                x, y = xdata(k), ydata(k)
                assert x0 < x[0] and x[-1] < x1, p  # all the data is in view
                assert y0 < 0 <= y.min() and y.max() <= y1, p  # from zero, with room
        (x0, x1), _ = w.lag_view.viewRange()
        assert (x0, x1) == pytest.approx(w.lag_plot.vb.viewRange()[0])
        assert w.lag_view.viewRange()[1][0] / w.lag_view.viewRange()[1][1] == pytest.approx(
            w.lag_plot.vb.viewRange()[1][0] / w.lag_plot.vb.viewRange()[1][1])  # one zero
    assert len({str(r) for r in ranges}) <= 3  # 6-minute steps: not on every frame


def test_a_zoomed_plot_stays_put_until_double_clicked(qtbot: QtBot) -> None:
    c = make()
    w = panel(qtbot, c)
    c.advance(3600)
    vb = w.lag_plot.vb
    view = w.lag_cell.widget
    centre = view.mapFromScene(vb.sceneBoundingRect().center())
    wheel = QWheelEvent(QPointF(centre), QPointF(view.viewport().mapToGlobal(centre)),
                        QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)  # zoom in, as the user does
    zoomed = vb.viewRange()
    assert not w.lag_cell.follow
    c.advance(1800)
    assert vb.viewRange() == zoomed  # not snatched back on the next frame
    # a double-click as a mouse sends it: click, then press-as-double-click and release
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert w.lag_cell.follow
    (x0, x1), _ = vb.viewRange()
    assert x0 < xdata(w.lag_curve)[0] and xdata(w.lag_curve)[-1] < x1


def test_the_grid_is_opaque_and_drawn_under_the_curves(qtbot: QtBot) -> None:
    c = make()
    w = panel(qtbot, c)
    c.advance(3600)
    image = QImage(800, 400, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        for p in (w.lag_plot, w.throughput_plot, w.progress_plot, w.rto_plot):
            for name in ("left", "bottom"):
                axis = p.getAxis(name)
                if axis.grid is False:
                    continue
                specs = axis.generateDrawSpecs(painter)
                assert specs is not None and specs[1], (p, name)
                assert all(pen.color().alpha() == 255 for pen, _, _ in specs[1])
                assert axis.zValue() < p.vb.zValue()
            assert p.getAxis("right").grid is False  # one grid per plot
    finally:
        painter.end()


def test_while_time_plays_the_plots_take_turns_and_a_pause_catches_up(qtbot: QtBot) -> None:
    c = make()
    w = panel(qtbot, c)
    qtbot.waitUntil(lambda: w.mode == "grid")
    c.advance(600)
    assert all(cell.drawn == c.twin.series.version for cell in w.cells)
    c.play()  # no event loop runs here: the frames below are the only ones
    try:
        drawn = []
        for _ in range(4):
            c.advance(60)
            fresh = [cell for cell in w.cells if cell.drawn == c.twin.series.version]
            assert len(fresh) == 1  # one plot redrawn per frame...
            drawn.append(fresh[0])
        assert set(drawn) == set(w.cells)  # ...each in its turn
    finally:
        c.pause()
    assert all(cell.drawn == c.twin.series.version for cell in w.cells)  # paused: all
    t, _ = c.twin.series.get("lag_bytes")
    assert len(xdata(w.throughput_curve)) == len(t)
