"""The comparison view and the what-if sweep (app/compare, issue 12): they show what
twin/strategies.py compare() and twin/sweep.py sweep() computed, run them off the GUI
thread, can be cancelled, and say what is wrong with bad input instead of raising."""

from __future__ import annotations

import math
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMenu

from app.compare import model
from app.compare.sweep_dialog import SweepDialog
from app.compare.view import CompareWindow
from app.controller import Controller
from app.format import format_bytes, format_duration
from app.main_window import MainWindow
from twin.scenario import load_scenario, load_scenario_text
from twin.strategies import compare
from twin.sweep import parse_vary, sweep

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
DEFAULT = ROOT / "scenarios" / "default.yaml"
NFS_INSIDE = """
name: NFS in the primary rack
start: paired
strategies: {shared-fs: {file_system: primary-rack}}
objectives: {cost: {outage_per_hour: 100000, data_loss_per_hour: 500000}}
steps:
  - {at: 2h, do: lose-rack, rack: raleigh}
  - {after: 10m, do: start-failover, rack: dallas, type: unplanned}
  - {do: add-compute-nodes, rack: dallas}
  - {do: configure-tor-switches, rack: dallas}
  - {do: start-workloads, rack: dallas}
  - {do: advertise-routes, rack: dallas}
  - {do: wait, until: {service.available: true}, timeout: 6h}
"""


def compare_window(qtbot: Any, scenario: Any) -> CompareWindow:
    w = CompareWindow(Controller(scenario))
    qtbot.addWidget(w)
    w.show()
    return w


def finished(qtbot: Any, w: Any, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: w.job is not None and w.job.isFinished(), timeout=timeout)
    QApplication.processEvents()  # the queued result


# -- the comparison ---------------------------------------------------------------------------


def test_comparison_shows_one_row_and_one_marker_per_strategy(qtbot: Any) -> None:
    scenario = load_scenario(SITE_LOSS)
    expected = compare(scenario)["strategies"]
    w = compare_window(qtbot, scenario)
    w.start()
    assert w.busy.isVisible() and not w.again.isEnabled()  # off the GUI thread, busy
    finished(qtbot, w)
    assert not w.busy.isVisible() and w.again.isEnabled()
    assert w.table.rowCount() == len(expected) == 6
    for i, r in enumerate(expected):
        assert w.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == r["strategy"]
        cells = [w.table.item(i, j).text() for j in range(w.table.columnCount())]
        if r["applicable"]:
            rpo = r["rpo_achieved_s"]
            assert cells[1] == ("0" if rpo == 0 else format_duration(rpo))
            assert cells[2] == format_bytes(r["data_loss_bytes"])
            assert cells[3] == format_duration(r["rto_s"])
        else:
            assert cells[1] == "not applicable" and r["why"] in cells[6]
        assert all(n in cells[4] for n in r["needs"])
    applicable = {r["strategy"]: r for r in expected if r["applicable"]}
    # metro-mirror at 1,200 km does not apply: no marker, the reason on the scale instead
    assert "metro-mirror" not in applicable
    assert set(w.markers) == set(applicable)
    for name, (x, _) in w.markers.items():
        rpo = applicable[name]["rpo_achieved_s"]
        assert x == pytest.approx(model.ZERO_X if rpo == 0 else math.log10(rpo))
    texts = [i.toPlainText() for i in w.scale.getPlotItem().items
             if isinstance(i, pg.TextItem)]
    assert any("Metro Mirror is synchronous" in t for t in texts)
    for name, r in applicable.items():
        assert any(t.startswith(model.label(name)) and model.rpo_text(r) in t for t in texts)
    # the RTO bars: each applicable strategy's phases add up to its RTO
    widths: dict[float, float] = {}
    for item in w.rto.getPlotItem().items:
        if isinstance(item, pg.BarGraphItem):
            for y, width in zip(item.opts["y"], item.opts["width"], strict=True):
                widths[y] = widths.get(y, 0.0) + width
    unit, _ = model.time_unit(max(r["rto_s"] for r in applicable.values()))
    for i, r in enumerate(expected):
        if r["applicable"]:
            assert widths[float(len(expected) - 1 - i)] * unit == pytest.approx(r["rto_s"])


def test_the_rpo_scale_orders_the_strategies_as_the_article_for_a_site_loss(qtbot: Any) -> None:
    w = compare_window(qtbot, load_scenario(SITE_LOSS))
    w.start()
    finished(qtbot, w)
    x = {name: xy[0] for name, xy in w.markers.items()}
    assert x["backup-restore"] > x["host-based"] > x["disk-replication"] > x["shared-fs"]
    assert x["shared-fs"] == model.ZERO_X  # zero RPO at the left edge...
    ticks = dict(model.log_ticks())
    assert ticks[model.ZERO_X] == "0"  # ...labelled "0"
    left, _ = w.scale.getPlotItem().getViewBox().viewRange()[0]
    assert left < model.ZERO_X < min(v for k, v in x.items() if k != "shared-fs")
    # the top row of the scale is the largest RPO
    rows = {name: xy[1] for name, xy in w.markers.items()}
    assert rows["backup-restore"] > rows["host-based"] > rows["disk-replication"] \
        > rows["shared-fs"]


def test_the_nfs_server_inside_the_lost_rack_is_drawn_unbounded(qtbot: Any) -> None:
    w = compare_window(qtbot, load_scenario_text(NFS_INSIDE))
    w.start()
    finished(qtbot, w)
    assert w.markers["shared-fs"][0] == model.INF_X  # the right edge: no usable copy
    row = next(i for i in range(w.table.rowCount())
               if w.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == "shared-fs")
    assert w.table.item(row, 1).text() == "unbounded"
    assert w.table.item(row, 3).text() == "not restored"
    assert "single point of failure" in w.table.item(row, 6).text()
    # the scenario gives penalty rates: the others have a cost
    disk = next(i for i in range(w.table.rowCount())
                if w.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == "disk-replication")
    assert w.table.item(disk, 5).text() != "—"


def test_a_scenario_without_a_disaster_is_a_clear_message(qtbot: Any) -> None:
    w = compare_window(qtbot, load_scenario(DEFAULT))
    w.start()
    finished(qtbot, w)
    assert w.result is None and w.message.isVisible()
    text = w.message.text()
    assert "no disaster" in text and "lose-rack" in text and "Traceback" not in text
    assert w.table.rowCount() == 0 and w.again.isEnabled()


def test_the_strategies_menu_opens_both_views(qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(load_scenario(SITE_LOSS)), settings=settings)
    qtbot.addWidget(window)
    menu = window.findChild(QMenu, "strategiesMenu")
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["&Compare strategies…", "&What-if sweep…"]
    window.compare_action.trigger()
    cw = window.show_compare()  # the same window again, not a second one
    assert isinstance(cw, CompareWindow) and cw.isVisible()
    finished(qtbot, cw)
    assert cw.table.rowCount() == 6
    window.sweep_action.trigger()
    assert isinstance(window.show_sweep(), SweepDialog)
    cw.close()


# -- the sweep --------------------------------------------------------------------------------


def sweep_dialog(qtbot: Any, vary: str, strategies: tuple[str, ...], workers: int = 1,
                 monte_carlo: int = 0) -> SweepDialog:
    d = SweepDialog(Controller(load_scenario(SITE_LOSS)))
    qtbot.addWidget(d)
    d.show()
    d.vary_edit.setPlainText(vary)
    for i in range(d.strategy_list.count()):
        item = d.strategy_list.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                           in strategies else Qt.CheckState.Unchecked)
    d.workers_spin.setValue(workers)
    d.mc_spin.setValue(monte_carlo)
    return d


def test_a_small_grid_shows_its_rows_summary_and_plots(qtbot: Any, tmp_path: Path) -> None:
    vary = "system.distance_km=100,1200,8000"
    d = sweep_dialog(qtbot, vary, ("metro-mirror", "host-based"))
    d.start()
    assert not d.run_button.isEnabled() and d.cancel_button.isEnabled()
    finished(qtbot, d)
    scenario = load_scenario(SITE_LOSS)
    expected = sweep(scenario.source_text, str(SITE_LOSS), [parse_vary(vary)], None,
                     ["host-based", "metro-mirror"], workers=1)  # the list's order
    assert d.result is not None and d.result["rows"] == expected["rows"]
    t = d.rows_table
    assert t.rowCount() == 6
    headers = [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())]
    assert headers[0] == "system.distance_km" and headers[-1] == "Why impossible"
    cells = [[t.item(i, j).text() for j in range(t.columnCount())] for i in range(6)]
    metro = [c for c in cells if c[headers.index("Strategy")] == "Metro Mirror"]
    assert [c[0] for c in metro] == ["100", "1200", "8000"]
    assert metro[0][-1] == "" and metro[0][headers.index("RPO")] == "0"
    assert all("up to 300 km" in c[-1] and c[headers.index("RPO")] == "impossible"
               for c in metro[1:])
    assert d.summary_table.rowCount() == 2
    # RPO and RTO against the distance: a curve per strategy, impossible runs left out
    curves = {len(c.getData()[0]): c for c in d.rpo_plot.getPlotItem().listDataItems()}
    assert sorted(curves) == [1, 3]
    xs = list(curves[3].getData()[0])
    assert xs == [100.0, 1200.0, 8000.0]
    assert d.rto_plot.getPlotItem().listDataItems()
    assert len(d.rpo_hist.getPlotItem().listDataItems()) == 2
    assert d.export_button.isEnabled() and "3 runs" in d.status.text()
    out = tmp_path / "sweep.csv"
    assert d.export_csv(out)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("system.distance_km,run,seed") and len(lines) == 7
    assert not d.export_csv(tmp_path / "no" / "such" / "folder.csv")
    assert "Cannot write" in d.status.text()


@pytest.mark.parametrize("text, says", [
    ("system.distance_km", "PATH=V1,V2"),
    ("system.distance_km=100..8000:x", "how many values"),
    ("system.distance_km=100..8000:1", "at least 2 values"),
    ("system.distance_km=,", "at least one value"),
    ("system.distance_km=near..far:3", "not a number or a duration"),
    ("system.distnce_km=100,200", "unknown field 'distnce_km'"),
    ("system.workloads.nope.write_mb_s=1,2", "no item 'nope'"),
])
def test_bad_vary_text_is_a_clear_message(qtbot: Any, text: str, says: str) -> None:
    d = sweep_dialog(qtbot, f"strategies.host-based.lag=1s,2s\n{text}", ("host-based",))
    d.start()
    assert d.job is None  # nothing ran
    assert d.status.text().startswith("Vary, line 2:") and says in d.status.text()
    assert d.run_button.isEnabled()


def test_nothing_to_sweep_or_no_strategy_is_said(qtbot: Any) -> None:
    d = sweep_dialog(qtbot, "", ("host-based",))
    d.start()
    assert d.job is None and "Nothing to sweep" in d.status.text()
    d = sweep_dialog(qtbot, "system.distance_km=100", ())
    d.start()
    assert d.job is None and "at least one strategy" in d.status.text()


def test_the_picker_writes_a_vary_line(qtbot: Any) -> None:
    d = sweep_dialog(qtbot, "", ("host-based",))
    i = next(i for i in range(d.path_pick.count())
             if d.path_pick.itemData(i)[0] == "strategies.backup-restore.interval")
    d.path_pick.setCurrentIndex(i)
    assert d.values_edit.text() == "6h,12h,24h"
    d.add_picked()
    d.values_edit.setText("4h,8h")
    d.add_picked()  # the same path again: replaced, not doubled
    assert d.vary_lines() == ["strategies.backup-restore.interval=4h,8h"]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_the_sweep_promptly_and_the_dialog_stays_usable(qtbot: Any,
                                                                     workers: int) -> None:
    d = sweep_dialog(qtbot, "", ("disk-replication",), workers=workers, monte_carlo=2000)
    d.start()
    qtbot.waitUntil(lambda: d.progress.value() > 0, timeout=60_000)  # under way
    pressed = time.monotonic()
    d.cancel_button.click()
    finished(qtbot, d, timeout=10_000)
    assert time.monotonic() - pressed < 5.0
    assert d.result is not None and d.result.get("cancelled")
    assert 0 < len(d.result["rows"]) < 2000
    assert "Cancelled after" in d.status.text() and d.run_button.isEnabled()
    assert d.rows_table.rowCount() == len(d.result["rows"])
    # the batches not started were dropped: the processes finish the one they are in, exit
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=20_000)
    # usable: a small sweep runs to the end afterwards
    d.mc_spin.setValue(0)
    d.vary_edit.setPlainText("system.distance_km=100,200")
    d.start()
    finished(qtbot, d)
    assert not d.result.get("cancelled") and len(d.result["rows"]) == 2


def test_monte_carlo_plots_against_the_disasters_time(qtbot: Any) -> None:
    d = sweep_dialog(qtbot, "", ("host-based", "shared-fs"), workers=1, monte_carlo=8)
    d.start()
    finished(qtbot, d)
    assert [d.x_pick.itemText(i) for i in range(d.x_pick.count())] == \
        ["the disaster's time (h)"]
    xs = sorted({x for c in d.rpo_plot.getPlotItem().listDataItems()
                 for x in c.getData()[0]})
    assert len(xs) == 8 and all(0 <= x <= 48 for x in xs)


# -- the pure parts ---------------------------------------------------------------------------


def test_the_log_scale_places_zero_left_and_unbounded_right() -> None:
    assert model.rpo_x(0.0) == model.ZERO_X < model.rpo_x(1e-6) == model.LOG_MIN
    assert model.rpo_x(3600) == pytest.approx(math.log10(3600))
    assert model.rpo_x(None) == model.INF_X > model.rpo_x(1e9) == model.LOG_MAX
    xs = [x for x, _ in model.log_ticks()]
    assert xs == sorted(xs)


def test_histogram_shares_bins_and_keeps_one_narrow_bin_for_one_value() -> None:
    edges, counts = model.histogram([1.0, 2.0, 2.0, 3.0], 0.0, 4.0, bins=4)
    assert edges == [0.0, 1.0, 2.0, 3.0, 4.0] and counts == [0, 1, 2, 1]
    edges, counts = model.histogram([5.0] * 3, 5.0, 5.0)
    assert counts == [3] and edges[0] < 5.0 < edges[1] and edges[1] - edges[0] < 1


def test_categorical_values_are_plotted_by_index() -> None:
    rows = [{"run": i, "strategy": "s", "x": v, "rpo_achieved_s": 1.0, "rto_s": 2.0,
             "error": None, "disaster_at_s": 0.0} for i, v in enumerate(["a", "b"])]
    series, cats = model.against({"rows": rows, "varied": ["x"]}, "x")
    assert cats == ["a", "b"] and series[0].x == (0.0, 1.0)
    rows[1]["error"] = "impossible"
    series, _ = model.against({"rows": rows, "varied": ["x"]}, "x")
    assert series[0].x == (0.0,)
    assert model.as_number("12h") == 43_200 and model.as_number("x") is None

