"""Layout at a small window size (1280x800, a trainer's laptop): the split-brain banner
leaves the routers and clients it is about visible; a short plots dock gives the title row
to the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from tests.test_gui_main import make_window, shown
from twin import actions as A

SPLIT = """
name: split brain at a small size
start: paired
steps: []
"""


def _viewport_rect(view: Any, node: str) -> QRect:
    item = view.node_items[node]
    return view.mapFromScene(item.sceneBoundingRect()).boundingRect()


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_split_brain_banner_does_not_cover_the_routers_or_clients(
        qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    from app.main import apply_style

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)  # the banner's 18 pt type comes from the style sheet
    try:
        _banner_case(qtbot, tmp_path, size)
    finally:
        app.setStyleSheet("")


def _banner_case(qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SPLIT, size=size))
    c = w.controller
    c.apply(A.StartFailover(rack="raleigh"))
    c.apply(A.StartFailover(rack="dallas", type="planned"))
    c.apply(A.AdvertiseRoutes(rack="dallas"))
    c.advance(300)
    QApplication.processEvents()
    view = w.topology
    assert c.state()["service"]["split_brain"] and view.banner.isVisible()
    banner = view.banner.geometry()
    for node in ("clients", "router:raleigh", "router:dallas"):
        assert not banner.intersects(_viewport_rect(view, node)), node
    # its whole text shows (found looking at the window: cut off at both ends when the
    # view was narrower than the one line): on one line, or wrapped to the lines it needs
    b = view.banner
    m = b.contentsMargins()
    room = b.width() - m.left() - m.right()
    one_line = b.fontMetrics().horizontalAdvance(b.text()) <= room
    assert one_line or (b.wordWrap() and b.height() >= b.heightForWidth(b.width()) > 0)
    assert view.viewport().rect().contains(banner)


def test_a_short_plots_dock_drops_repeated_titles_but_keeps_the_rto_verdict(
        qtbot: Any) -> None:
    from app.controller import Controller
    from app.plots import PlotsPanel
    from twin.scenario import load_scenario_text

    p = PlotsPanel(Controller(load_scenario_text(SPLIT)))
    qtbot.addWidget(p)
    p.resize(800, 220)
    p.show()
    qtbot.waitExposed(p)
    QApplication.processEvents()
    assert p.mode == "tabs"
    assert not p.lag_cell.title.isVisible() and p.rto_cell.title.isVisible()
    p.resize(800, 600)
    QApplication.processEvents()
    assert p.height() == 600 and p.lag_cell.title.isVisible()


FAILBACK = """
name: failback pills
start: paired
objectives: {rpo: 1s, rto: 6h}
steps: []
"""


def test_per_volume_rpo_freezes_when_the_source_is_lost() -> None:
    from tests.helpers import do, make_twin

    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "lose-rack", rack="raleigh")
    first = t.state()["replication"]["per_volume"]["rpo_s"]
    t.run_for(3600)
    assert t.state()["replication"]["per_volume"]["rpo_s"] == first
    assert max(first) < 1.0
    assert t.state()["service"]["down_since_s"] == 600.0


def test_losing_a_rack_brings_the_surviving_console_forward(
        qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, FAILBACK, size=(1280, 800)))
    assert not w.consoles_split
    left, right = w.console_docks["raleigh"], w.console_docks["dallas"]
    assert not left.visibleRegion().isEmpty() and right.visibleRegion().isEmpty()
    w.controller.apply(A.LoseRack(rack="raleigh"))
    QApplication.processEvents()
    assert not right.visibleRegion().isEmpty() and left.visibleRegion().isEmpty()


def test_a_lost_racks_console_shows_no_live_data(qtbot: Any) -> None:
    from app.console import DrConsole
    from app.controller import Controller
    from twin.scenario import load_scenario_text

    c = Controller(load_scenario_text(FAILBACK))
    console = DrConsole(c, "raleigh")
    qtbot.addWidget(console)
    c.advance(60)
    assert "consistent_synchronized" in console.storage_summary.text()
    c.apply(A.LoseRack(rack="raleigh"))
    c.advance(3600)
    assert console.storage_summary.text() == "no answer"
    assert console.mgmt_summary.text() == "no answer"
    assert "surviving rack" in console.failover_text.text()


def test_save_session_writes_a_scenario_that_loads(qtbot: Any, tmp_path: Path) -> None:
    from twin.scenario import load_scenario

    w = shown(qtbot, make_window(qtbot, tmp_path, FAILBACK, size=(1600, 1000)))
    w.controller.advance(600)
    w.controller.apply(A.CutLink(link="fc"))
    out = tmp_path / "session.yaml"
    assert w.save_session(out)
    s = load_scenario(str(out))
    assert [st.action.do for st in s.steps] == ["cut-link"] and s.steps[0].at_s == 600
    assert not w.save_session(tmp_path / "no-such-dir" / "x.yaml")  # an error, no traceback
    assert "Could not save" in w.statusBar().currentMessage()


def test_status_pills_never_overlap_in_a_narrow_window(qtbot: Any, tmp_path: Path) -> None:
    """During an outage every pill has a long text; in a narrow window (or at projector
    type) the widest are elided, with the whole text in their tooltip."""
    w = shown(qtbot, make_window(qtbot, tmp_path, size=(700, 600)))
    c = w.controller
    c.advance_to(1800)
    c.apply(A.LoseRack(rack="raleigh"))
    c.advance_to(2400)
    QApplication.processEvents()
    pills = [p for p in w.pills.values() if p.isVisible()]
    rects = [QRect(p.mapTo(w, p.rect().topLeft()), p.size()) for p in pills]
    for i, a in enumerate(rects):
        assert a.right() <= w.width(), pills[i].objectName()
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)
    elided = [p for p in pills if p.text().endswith("…")]
    assert sum(p.natural_width for p in pills) > w.statusBar().width()  # a narrow window
    assert elided and all(p.text()[:-1] in p.toolTip() for p in elided)


def _console_overflow(w: Any) -> list[str]:
    """The consoles whose content is wider than their dock (a horizontal scroll bar); a
    console in a tab is brought forward first (a hidden tab keeps a stale geometry)."""
    from PySide6.QtWidgets import QScrollArea

    wide = []
    for rack, dock in w.console_docks.items():
        dock.raise_()
        QApplication.processEvents()
        assert not dock.visibleRegion().isEmpty(), rack
        area = dock.widget()
        assert isinstance(area, QScrollArea)
        inner = area.widget()
        need, have = inner.minimumSizeHint().width(), area.viewport().width()
        if need > have:
            wide.append(f"{rack}: needs {need} px, has {have}")
    return wide


def test_the_consoles_fit_their_docks_through_a_drill_and_a_failover(
        qtbot: Any, tmp_path: Path) -> None:
    """Found looking at the window: the backup's test-failover section (its title does not
    wrap) made the backup's console wider than its dock, cutting Enable and Start Failover
    off at the right. Every section fits at the window's default size and at a laptop's,
    in each phase: copying (the R19c warning), in sync with the drill box, a test
    running, after a site loss."""
    for size in ((1600, 1000), (1280, 800)):
        # (one settings file: the laptop's window restores the layout saved by the wider one)
        w = shown(qtbot, make_window(qtbot, tmp_path, PROFILES, size=size))
        c = w.controller
        phases = [("copying", 1800), ("in sync", 4 * 3600)]
        c.advance(phases[0][1])
        QApplication.processEvents()
        assert _console_overflow(w) == [], (size, phases[0][0])
        c.advance(phases[1][1])
        QApplication.processEvents()
        assert c.state()["replication"]["state"] == "consistent_synchronized"
        assert w.console_docks["dallas"].widget().widget().drill_box.isVisible()
        assert _console_overflow(w) == [], (size, "in sync")
        assert c.apply(A.TestFailover("dallas")).ok
        c.advance(3 * 3600)
        QApplication.processEvents()
        assert _console_overflow(w) == [], (size, "test running")
        c.apply(A.LoseRack(rack="raleigh"))
        c.advance(600)
        QApplication.processEvents()
        assert _console_overflow(w) == [], (size, "site lost")
        w.close()


PROFILES = """
name: consoles fit
steps:
  - {at: 0s, do: create-profile, rack: raleigh, peer: dallas-mgmt.example.com, user: dradmin, password: passw0rd}
  - {at: 0s, do: create-profile, rack: dallas, peer: raleigh-mgmt.example.com, user: dradmin, password: passw0rd}
  - {at: 1m, do: validate, rack: raleigh}
  - {at: 1m, do: validate, rack: dallas}
  - {at: 2m, do: enable, rack: dallas, role: backup}
  - {at: 3m, do: enable, rack: raleigh, role: primary}
"""
