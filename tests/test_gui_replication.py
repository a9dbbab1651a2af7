"""Issue 9 in the GUI: the SVC replication physics is visible in the plots, the consoles,
the topology and the status bar, not only in the state document."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.console import DrConsole
from app.console import failover as failover_module
from app.console.replication import ERROR_1920, replication_rows
from app.controller import Controller
from app.plots import LAG_HEADROOM, PlotsPanel
from app.status import pills
from app.topology import looks
from twin.config import ReplicationConfig
from twin.scenario import load_scenario_text

# the FC link at 1 Gb/s (125 MB/s) and a database surging to 200 MB/s: the hosts are
# throttled to the link's rate (R20a) before gmlinktolerance stops the group with 1920
SURGE = """name: throttled surge
start: paired
seed: 4
system:
  fc_link: {bandwidth_mbps: 1000, background_copy_pct: 50}
objectives: {rpo: 1s}
steps:
  - {at: 30m, do: surge-writes, workload: orders-db, write_mb_s: 200, for: 20m}
"""


def make(text: str) -> Controller:
    return Controller(load_scenario_text(text))


def mode_scenario(mode: str, extra: str = "") -> str:
    return (f"name: {mode}\nstart: paired\nseed: 2\nsystem:\n  distance_km: 100\n"
            f"  replication: {{mode: {mode}{extra}}}\n")


def ydata(curve: pg.PlotDataItem) -> np.ndarray:
    _, y = curve.getOriginalDataset()
    return np.asarray([] if y is None else y)


def panel(qtbot: QtBot, c: Controller) -> PlotsPanel:
    w = PlotsPanel(c)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitUntil(lambda: w.mode == "grid")
    return w


def console(qtbot: QtBot, c: Controller, rack: str) -> DrConsole:
    w = DrConsole(c, rack)
    qtbot.addWidget(w)
    w.show()
    return w


# -- plots -----------------------------------------------------------------------------------

def test_a_throttled_host_shows_as_achieved_under_demand(qtbot: QtBot) -> None:
    c = make(SURGE)
    w = panel(qtbot, c)
    c.advance(25 * 60)
    writes, demand = ydata(w.writes_curve), ydata(w.demand_curve)
    assert writes[-1] == pytest.approx(demand[-1])  # before the surge: all it asks
    c.advance(8 * 60)  # 3 minutes into the surge, the buffer full, before 1920
    assert c.state()["replication"]["throttled"]
    writes, demand = ydata(w.writes_curve), ydata(w.demand_curve)
    bandwidth, replicated = ydata(w.bandwidth_curve), ydata(w.throughput_curve)
    assert writes[-1] < 0.8 * demand[-1]
    assert writes[-1] == pytest.approx(bandwidth[-1], rel=0.01)  # held to the link's rate
    assert replicated[-1] == pytest.approx(bandwidth[-1], rel=0.01)
    # the link's capacity is dashed and named with its value in the legend
    assert w.bandwidth_curve.opts["pen"].style() == Qt.PenStyle.DashLine
    label = w.throughput_cell.legend.getLabel(w.bandwidth_curve)
    assert label.text == "FC link 1 Gb/s"
    names = [lab.text for _, lab in w.throughput_cell.legend.items]
    assert names == ["Host writes achieved", "Write demand", "Replication", "FC link 1 Gb/s"]


def test_the_link_capacity_in_the_legend_follows_a_degrade(qtbot: QtBot) -> None:
    c = make(SURGE.replace("  - {at: 30m, do: surge-writes, workload: orders-db, "
                           "write_mb_s: 200, for: 20m}",
                           "  - {at: 10m, do: degrade-link, link: fc, bandwidth_mbps: 400}"))
    w = panel(qtbot, c)
    c.advance(20 * 60)
    assert w.throughput_cell.legend.getLabel(w.bandwidth_curve).text == "FC link 400 Mb/s"


def test_the_rpo_is_not_hidden_under_the_lag(qtbot: QtBot) -> None:
    """The RPO on the left axis, with its objective; the lag on the right, its axis up to
    twice its peak, so the two curves no longer lie one over the other."""
    c = make(SURGE)
    w = panel(qtbot, c)
    c.advance(33 * 60)
    rpo, lag = ydata(w.rpo_curve), ydata(w.lag_curve)
    assert w.rpo_curve in w.lag_plot.vb.addedItems and w.rpo_line in w.lag_plot.vb.addedItems
    assert w.lag_curve in w.lag_view.addedItems
    (_, rpo_top) = w.lag_plot.vb.viewRange()[1]
    (_, lag_top) = w.lag_view.viewRange()[1]
    assert np.nanmax(rpo) / rpo_top > 0.75  # the RPO's peak near the top of its axis
    assert np.nanmax(lag) / lag_top <= 1 / LAG_HEADROOM + 1e-9  # the lag's in the lower half
    assert "RPO" in w.lag_plot.getAxis("left").labelText
    assert "Lag" in w.lag_plot.getAxis("right").labelText
    names = [lab.text for _, lab in w.lag_cell.legend.items]
    assert names == ["RPO exposure (left axis)", "Lag (right axis)"]


# -- consoles ----------------------------------------------------------------------------------

def rows(c: Controller, rack: str) -> dict[str, str]:
    return {r.key: r.text for r in replication_rows(c.state(), rack, c.system.replication,
                                                    c.now)}


def test_the_console_shows_the_copy_type_and_its_steady_rpo(qtbot: QtBot) -> None:
    gm = make(mode_scenario("global-mirror"))
    con = console(qtbot, gm, "raleigh")
    gm.advance(600)
    text = con.replication_panel.text()
    assert "Copy type: Global Mirror (asynchronous)" in text
    delay = gm.state()["replication"]["mirror_delay_s"]
    assert 0.05 < delay < 1.0 and "Steady RPO: " in text and "mirror delay" in text
    assert "consistent synchronized (the master side)" in text
    assert not con.replication_panel.resume_button.isVisible()

    mm = make(mode_scenario("metro-mirror"))
    con = console(qtbot, mm, "dallas")
    mm.advance(600)
    text = con.replication_panel.text()
    assert "Metro Mirror (synchronous)" in text and "the round trip" in text
    assert "Steady RPO: zero" in text
    assert "(the auxiliary side)" in text


def test_change_volumes_show_the_cycle_period_and_the_last_cycle(qtbot: QtBot) -> None:
    c = make(mode_scenario("global-mirror-change-volumes", ", cycle_period: 2m"))
    con = console(qtbot, c, "raleigh")
    c.advance(1000)
    image = c.state()["replication"]["freeze_time_s"]
    assert image is not None and 0 < c.now - image <= 240
    r = rows(c, "raleigh")
    assert r["copy"].startswith("Global Mirror with change volumes, cycle period 2m")
    assert "last cycle 0d 00:" in r["copy"] and "ago" in r["copy"]
    assert r["steady_rpo"].startswith("up to 4m")
    assert "cycle period 2m" in con.replication_panel.text()
    assert "freeze" not in r  # cycling, not stopped: no frozen recovery point
    pill = {p.name: p for p in pills(c.state(), {}, c.now)}["replicationPill"]
    assert pill.text.startswith("Replication (GM-CV")
    if c.state()["replication"]["state"] == "consistent_copying":  # a cycle: all is well
        assert pill.text.startswith("Replication (GM-CV cycling)") and pill.level == "ok"


def test_1920_freeze_time_and_resume_in_the_console(qtbot: QtBot) -> None:
    c = make(SURGE)
    con = console(qtbot, c, "raleigh")
    panel_ = con.replication_panel
    c.advance(30 * 60 + 400)  # the surge, then gmlinktolerance (300 s) expires
    st = c.state()["replication"]
    assert st["errors"] == ["1920"] and st["state"] == "consistent_stopped"
    text = panel_.text()
    assert "Error: 1920: Global and Metro Mirror persistent error" in text  # on the panel
    assert ERROR_1920 in panel_.values["error"].toolTip()  # the whole text behind it
    assert "Steady RPO: — not mirroring" in text
    assert "Global Mirror stopped to protect the hosts" in text  # the engine's reason
    freeze = st["freeze_time_s"]
    assert freeze is not None
    assert "Recovery point: frozen at 0d 00:3" in text
    button = panel_.resume_button
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert c.state()["replication"]["state"] == "inconsistent_copying"  # resyncing
    assert "Consistency group restarted" in con.message.text()
    c.advance(10)
    assert not button.isVisible()


def test_the_backup_console_warns_r19c_before_a_failover(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failover while the backup's copy is inconsistent (a resync under way) gets no
    usable volumes: the backup's console says so, and so does the confirmation."""
    c = make(SURGE)
    backup = console(qtbot, c, "dallas")
    primary = console(qtbot, c, "raleigh")
    assert not backup.r19c_label.isVisible()
    c.advance(30 * 60 + 400)
    qtbot.mouseClick(primary.replication_panel.resume_button, Qt.MouseButton.LeftButton)
    c.advance(10)
    assert c.state()["replication"]["state"] == "inconsistent_copying"
    assert backup.r19c_label.isVisible()
    assert "R19c" in backup.r19c_label.text() and "no consistent copy" in backup.r19c_label.text()
    assert not primary.r19c_label.isVisible()  # the primary's volumes are the source
    dlg = backup.open_failover_dialog()
    qtbot.addWidget(dlg)
    dlg.unplanned_radio.setChecked(True)
    asked: list[str] = []
    monkeypatch.setattr(failover_module, "confirm",
                        lambda parent, title, text: asked.append(text) or False)
    dlg.start_failover()
    assert asked and asked[0].startswith("Warning: R19c")
    assert dlg.r19c_label.isVisible()


# -- topology and status bar ----------------------------------------------------------------

def test_a_throttled_workload_and_the_copy_type_on_the_topology_and_status_bar() -> None:
    c = make(SURGE)
    c.advance(33 * 60)
    st = c.state()
    db = st["workloads"]["orders-db"]
    assert db["throttled"] and db["write_mb_s"] < db["demand_mb_s"]
    look = looks.workload_look(db)
    assert look.subtitle.startswith("throttled ") and look.subtitle.endswith("%")
    assert look.border_w > 2
    idle = looks.workload_look({**db, "throttled": False})
    assert "throttled" not in idle.subtitle
    rtt = 2 * 1200 * 5e-6
    fc = looks.link_state("fc", st, "raleigh", rtt)
    assert "GM · HOSTS THROTTLED" in fc.detail
    pill = {p.name: p for p in pills(st, {}, c.now)}["replicationPill"]
    assert pill.text.startswith("Replication (GM): ") and "hosts throttled" in pill.text
    assert pill.level == "warn"
    mm = make(mode_scenario("metro-mirror"))
    assert "MM · consistent synchronized" in looks.link_state(
        "fc", mm.state(), "raleigh", rtt).detail


def test_the_workload_card_says_achieved_against_demand() -> None:
    from app.topology.cards import describe

    c = make(SURGE)
    c.advance(33 * 60)
    text = describe("workload:orders-db", c.state(), c.graph(), c.system,
                    {"fc": 0.0, "ip": 0.0}, {})
    assert "THROTTLED by the FC link" in text and " asked" in text
    row = [r for r in replication_rows(c.state(), "raleigh", ReplicationConfig(), c.now)
           if r.key == "throttled"]
    assert row and "MB/s of" in row[0].text
