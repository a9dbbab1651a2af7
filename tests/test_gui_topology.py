"""The topology view (app/topology/): drawn from the twin's graph, recoloured from
its state every frame without a rebuild, fault injection from the context menu (the view
changes the twin), and twin changes shown in the view (the twin changes the view)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.controller import Controller
from app.theme import REPLICATION, C
from app.topology import TopologyView
from app.topology.items import BoxItem, LinkItem, RackItem, VolumeGridItem
from twin import actions as A
from twin.scenario import load_scenario_text

ROOT = Path(__file__).resolve().parent.parent
PAIRED = "name: topology test\nstart: paired\n"
UNPAIRED = "name: topology test\nstart: unpaired\n"
MANY = """
name: many volumes
start: paired
system:
  racks:
    - {name: east, model: W1500-608}
    - {name: west, model: W1500-608}
  workloads:
    - {name: big-db, middleware: db2, volume_gb: 5000, volumes: 700, write_mb_s: 30, cores: 64}
    - {name: big-mq, middleware: mq, volume_gb: 900, volumes: 300, write_mb_s: 8}
"""


def make_view(qtbot: Any, text: str = PAIRED, show: bool = True) -> TopologyView:
    view = TopologyView(Controller(load_scenario_text(text)))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    if show:
        view.show()
        qtbot.waitExposed(view)
    return view


def menu_action(view: TopologyView, node_id: str, text: str) -> QAction:
    menu = view.fault_menu(node_id)
    for act in menu.actions():
        if act.text().startswith(text):
            return act
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def box(view: TopologyView, node_id: str) -> BoxItem:
    item = view.node_items[node_id]
    assert isinstance(item, BoxItem)
    return item


def render(view: TopologyView) -> QImage:
    """The scene drawn into an image (exercises every item's paint)."""
    rect = view.scene().itemsBoundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    view.scene().render(p, source=rect)
    p.end()
    return image


# -- drawn from the graph --------------------------------------------------------------------

def test_every_node_of_the_graph_is_drawn(qtbot: Any) -> None:
    view = make_view(qtbot)
    g = view.controller.graph()
    missing = [n for n in g.nodes if view.item_for(n) is None]
    assert missing == []
    vol = next(n for n, d in g.nodes(data=True) if d["type"] == "volume")
    assert isinstance(view.item_for(vol), VolumeGridItem)
    assert isinstance(view.node_items["link:fc"], LinkItem)
    assert isinstance(view.node_items["link:ip"], LinkItem)
    # racks side by side, primary (racks[0]) on the left
    a, b = view.controller.twin.system.rack_names
    ra, rb = view.node_items[f"rack:{a}"], view.node_items[f"rack:{b}"]
    assert ra.sceneBoundingRect().right() < rb.sceneBoundingRect().left()
    assert abs(ra.sceneBoundingRect().top() - rb.sceneBoundingRect().top()) < 1
    # routers above their racks, the clients above everything
    for r, rack_item in ((a, ra), (b, rb)):
        router = view.node_items[f"router:{r}"].sceneBoundingRect()
        assert router.bottom() < rack_item.sceneBoundingRect().top()
        assert rack_item.sceneBoundingRect().left() < router.center().x() \
            < rack_item.sceneBoundingRect().right()
    assert view.node_items["clients"].sceneBoundingRect().top() <= \
        min(view.node_items[f"router:{r}"].sceneBoundingRect().top() for r in (a, b))
    assert not render(view).isNull()


def test_frames_recolour_without_rebuilding(qtbot: Any) -> None:
    view = make_view(qtbot)
    c = view.controller
    items = dict(view.node_items)
    count = len(view.scene().items())
    for _ in range(20):
        c.advance(60)
    assert view.node_items == items and len(view.scene().items()) == count
    c.restart()  # a new twin: the scene is rebuilt once
    assert view.node_items["rack:raleigh"] is not items["rack:raleigh"]


def test_many_volumes_are_one_grid_per_v7000(qtbot: Any) -> None:
    view = make_view(qtbot, MANY)
    grid = view.grids["east"]
    assert grid.count == 1000 and grid.gap == 0  # the image path
    assert len(view.scene().items()) < 300
    view.controller.advance(3600)
    img = render(view)
    assert not img.isNull()
    cell = grid.cell_rect(999)
    assert grid.cell_at(cell.center()) == 999
    assert view.highlight("volume:west:big-mq:299")
    assert view.grids["west"].marked == 999
    assert "big-mq/299" in view.details.text()
    # 38 compute nodes per rack (W1500-608), each drawn
    assert sum(1 for n in view.node_items if n.startswith("compute:east:")) == 38


def test_volume_colours_follow_replication_state(qtbot: Any) -> None:
    view = make_view(qtbot, UNPAIRED)
    red = QColor(REPLICATION["inconsistent_stopped"].colour).rgba()
    live = QColor(REPLICATION["consistent_synchronized"].colour).rgba()
    # the states describe the target: dallas holds no consistent copy, raleigh the live one
    target = view.grids["dallas"]
    assert set(target._argb[: target.count].tolist()) == {red}
    source = view.grids["raleigh"]
    assert set(source._argb[: source.count].tolist()) == {live}
    view2 = make_view(qtbot, PAIRED)
    green = QColor(C.GREEN).rgba()
    assert set(view2.grids["dallas"]._argb[: view2.grids["dallas"].count].tolist()) == {green}
    view2.controller.apply(A.LoseRack(rack="dallas"))
    grey = QColor(C.GREY).rgba()
    assert set(view2.grids["dallas"]._argb[: view2.grids["dallas"].count].tolist()) == {grey}


# -- the view changes the twin: faults from the context menu ---------------------------------

def test_cut_and_restore_the_fc_link_from_the_menu(qtbot: Any) -> None:
    view = make_view(qtbot)
    c = view.controller
    link = view.node_items["link:fc"]
    assert isinstance(link, LinkItem)
    assert link.style == "flow" and link.direction == 1  # raleigh → dallas
    assert not menu_action(view, "link:fc", "Restore").isEnabled()
    menu_action(view, "link:fc", "Cut the FC link").trigger()
    assert c.twin.state()["links"]["fc"]["up"] is False
    assert link.style == "cut" and link.colour == C.RED
    assert not menu_action(view, "link:fc", "Cut").isEnabled()
    menu_action(view, "link:fc", "Restore the FC link").trigger()
    assert c.twin.state()["links"]["fc"]["up"] is True
    assert link.style != "cut"


def test_degrade_a_link_from_the_menu(qtbot: Any) -> None:
    view = make_view(qtbot)
    asked: list[str] = []

    def answer(link: str) -> tuple[float, float, float]:
        asked.append(link)
        return 25.0, 100.0, 1.5

    view.ask_degrade = answer
    menu_action(view, "link:ip", "Degrade the IP link").trigger()
    ls = view.controller.twin.state()["links"]["ip"]
    assert asked == ["ip"]
    assert ls["degraded"] and ls["bandwidth_mbps"] == 100 and ls["loss_pct"] == 1.5
    assert ls["extra_latency_ms"] == pytest.approx(25.0)
    item = view.node_items["link:ip"]
    assert isinstance(item, LinkItem) and item.colour == C.ORANGE
    assert "DEGRADED" in item.detail and "1.5% loss" in item.detail
    view.ask_degrade = lambda link: None  # cancelled: nothing happens
    n = len(view.controller.twin.events)
    menu_action(view, "link:fc", "Degrade").trigger()
    assert len(view.controller.twin.events) == n


def test_fail_a_compute_node_from_the_menu(qtbot: Any) -> None:
    view = make_view(qtbot)
    menu_action(view, "compute:raleigh:1", "Fail compute node 02").trigger()
    assert 1 in view.controller.state()["racks"]["raleigh"]["compute_nodes"]["failed_nodes"]
    assert box(view, "compute:raleigh:1").look.fill == C.RED
    assert box(view, "compute:raleigh:0").look.fill == C.NODE
    assert not menu_action(view, "compute:raleigh:1", "Fail compute node").isEnabled()


def test_rack_faults_from_the_menu(qtbot: Any) -> None:
    view = make_view(qtbot)
    c = view.controller
    menu_action(view, "mgmt:dallas:0", "Fail a management node").trigger()
    assert c.twin.state()["racks"]["dallas"]["management_nodes_failed"] == 1
    assert box(view, "mgmt:dallas:0").look.fill == C.RED
    menu_action(view, "v7000:dallas", "Fail the V7000").trigger()
    assert c.twin.state()["racks"]["dallas"]["storage_failed"] is True
    assert box(view, "v7000:dallas").look.border == C.RED
    menu_action(view, "rack:raleigh", "Lose rack raleigh").trigger()
    assert c.twin.state()["racks"]["raleigh"]["status"] == "lost"
    assert view.lost["raleigh"].isVisible()
    assert not menu_action(view, "tor:raleigh:0", "Lose rack").isEnabled()
    menu_action(view, "rack:raleigh", "Restore rack raleigh").trigger()
    assert c.twin.state()["racks"]["raleigh"]["status"] == "up"
    assert not view.lost["raleigh"].isVisible()


def test_surge_a_workloads_writes_from_the_menu(qtbot: Any) -> None:
    view = make_view(qtbot)
    view.ask_surge = lambda workload: (120.0, 600.0)
    menu_action(view, "workload:orders-mq", "Surge the writes of orders-mq").trigger()
    last = view.controller.twin.events[-1]
    assert last.kind == "fault" and "surge-writes" in last.message
    assert "120" in last.message
    assert view.controller.state()["replication"]["write_rate_bps"] > 100e6


def test_a_refusal_shows_a_toast_not_a_traceback(qtbot: Any) -> None:
    view = make_view(qtbot)
    res = view.controller.apply(A.RestoreLink(link="fc"))
    assert not res.ok
    assert view.toast.isVisible() and "Refused" in view.toast.text()


def test_context_menu_event_opens_the_items_menu(qtbot: Any) -> None:
    from PySide6.QtGui import QContextMenuEvent

    view = make_view(qtbot)
    seen: list[list[str]] = []
    view.exec_menu = lambda menu, pos: seen.append([x.text() for x in menu.actions()])
    item = view.node_items["compute:dallas:2"]
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                            view.viewport().mapToGlobal(pos)))
    assert seen and any(t.startswith("Fail compute node 03") for t in seen[0])
    assert any(t.startswith("Lose rack dallas") for t in seen[0])


# -- the twin changes the view ------------------------------------------------------------------

def test_lose_rack_via_the_controller_shows_the_rack_lost(qtbot: Any) -> None:
    view = make_view(qtbot)
    rack = view.node_items["rack:raleigh"]
    assert isinstance(rack, RackItem)
    assert rack.role == "PRIMARY" and rack.advertising and not rack.lost
    view.controller.apply(A.LoseRack(rack="raleigh"))
    assert rack.lost and view.lost["raleigh"].isVisible()
    assert not rack.advertising
    assert box(view, "router:raleigh").look.subtitle == "unreachable"
    assert box(view, "workload:orders-db").look.fill == C.RED
    assert box(view, "clients").look.subtitle == "service DOWN"
    fc = view.node_items["link:fc"]
    assert isinstance(fc, LinkItem) and fc.style != "flow"


def test_split_brain_banner(qtbot: Any) -> None:
    view = make_view(qtbot)
    assert not view.banner.isVisible()
    view.controller.apply(A.AdvertiseRoutes(rack="dallas"))
    view.controller.advance(300)
    assert view.banner.isVisible() and "SPLIT BRAIN" in view.banner.text()
    assert box(view, "clients").look.subtitle == "SPLIT BRAIN"
    assert view.wires["serves:dallas"].colour == C.RED
    view.controller.apply(A.WithdrawRoutes(rack="dallas"))
    view.controller.advance(300)
    assert not view.banner.isVisible()


def test_quiesced_nodes_are_hatched_and_groups_show_membership(qtbot: Any) -> None:
    view = make_view(qtbot)
    c = view.controller
    assert not box(view, "compute:raleigh:0").look.hatch
    c.apply(A.QuiesceComputeNodes(rack="raleigh"))
    assert box(view, "compute:raleigh:0").look.hatch
    # the backup's nodes are not in its cloud groups: drawn differently (outline only)
    assert box(view, "compute:dallas:0").look.fill == C.NODE_IDLE
    assert box(view, "compute:dallas:0").look.dashed
    assert box(view, "compute:raleigh:0").look.fill == C.NODE


def test_workloads_are_drawn_on_the_rack_where_they_run(qtbot: Any) -> None:
    view = make_view(qtbot, UNPAIRED)
    c = view.controller
    east = view.node_items["rack:raleigh"].sceneBoundingRect()
    west = view.node_items["rack:dallas"].sceneBoundingRect()
    wl = view.node_items["workload:orders-db"]
    assert east.contains(wl.sceneBoundingRect().center())
    assert box(view, "workload:orders-db").look.fill == C.GREEN
    c.apply(A.StopWorkloads(rack="raleigh"))
    assert box(view, "workload:orders-db").look.fill == C.GREY
    c.apply(A.StartWorkloads(rack="dallas"))  # no replicated data there: they fail
    assert west.contains(wl.sceneBoundingRect().center())
    assert box(view, "workload:orders-db").look.fill == C.RED


# -- selection, hover, zoom ------------------------------------------------------------------------

def test_click_selects_and_shows_details(qtbot: Any) -> None:
    view = make_view(qtbot)
    item = view.node_items["compute:raleigh:3"]
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    with qtbot.waitSignal(view.itemSelected, timeout=1000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == ["compute:raleigh:3"]
    assert item.isSelected()
    assert view.details.isVisible() and "CN 04" in view.details.text()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.details.isVisible()


def test_tooltips_describe_live_state(qtbot: Any) -> None:
    view = make_view(qtbot)
    assert "in sync (consistent synchronized)" in view.describe("link:fc")
    assert "raleigh → dallas" in view.describe("link:fc")
    text = view.describe("rack:raleigh")
    assert "UP" in text and "W1500-96" in text and "✓ Enabled, role Primary" in text
    view.controller.apply(A.LoseRack(rack="raleigh"))
    assert "LOST" in view.describe("rack:raleigh")
    assert "orders-db" in view.describe("workload:orders-db")
    assert view.describe("no-such-node") == ""
    grid = view.grids["dallas"]
    assert "orders-db/0" in view._describe_at(grid, grid.cell_rect(0).center())


def test_wheel_zooms_and_fit_restores(qtbot: Any) -> None:
    from PySide6.QtGui import QWheelEvent

    view = make_view(qtbot)
    fitted = view.transform().m11()
    centre = QPointF(view.viewport().rect().center())
    ev = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0),
                     QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), ev)
    assert view.transform().m11() == pytest.approx(fitted * 1.15 ** 2)
    assert not view.auto_fit
    view.resize(900, 600)  # no refit while the user has zoomed
    QApplication.processEvents()
    assert view.transform().m11() == pytest.approx(fitted * 1.15 ** 2)
    view.fit()
    assert view.auto_fit
    rect = view.mapFromScene(view.scene().itemsBoundingRect()).boundingRect()
    assert view.viewport().rect().adjusted(-2, -2, 2, 2).contains(rect)


def test_highlight_selects_and_flashes(qtbot: Any) -> None:
    view = make_view(qtbot)
    assert view.highlight("router:dallas")
    item = view.node_items["router:dallas"]
    assert item.isSelected() and item.flash is True
    qtbot.waitUntil(lambda: not item.flash, timeout=3000)
    assert not view.highlight("nothing:here")
    assert not view.highlight(None)


def test_volume_colours_function_matches_state_per_volume(qtbot: Any) -> None:
    from app.topology.looks import volume_colours

    view = make_view(qtbot, show=False)
    vols = view.controller.volume_arrays()
    n = len(view.controller.volume_names())
    assert vols.names == view.controller.state()["replication"]["per_volume"]["name"]
    out = volume_colours(vols.states, vols.rpo_s)
    assert out.dtype == np.uint32 and out.shape == (n,)


def test_hover_shows_a_live_tooltip(qtbot: Any) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    view = make_view(qtbot)

    def tooltip_at(node_id: str) -> str:
        pos = view.mapFromScene(view.node_items[node_id].sceneBoundingRect().center())
        ev = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
        QApplication.sendEvent(view.viewport(), ev)
        return QToolTip.text() if QToolTip.isVisible() else ""

    assert "Workload orders-db" in tooltip_at("workload:orders-db")
    assert "running" in tooltip_at("workload:orders-db")
    view.controller.apply(A.LoseRack(rack="raleigh"))
    assert "failed" in tooltip_at("workload:orders-db")
    assert "Fibre Channel link" in tooltip_at("link:fc")


# -- a rebuild never leaves a reference to a deleted item (issue 8, item 7) -----------------

@pytest.mark.slow
def test_restarting_during_a_highlight_flash_keeps_highlights_and_menus_working(
        qtbot: Any) -> None:
    """Restart (or open another scenario) within the 1.2 s flash of a highlight: the scene's
    items are deleted. Later highlights, the flash's end and right-click menus must still
    work (they raised "Internal C++ object (RackItem) already deleted")."""
    from PySide6.QtGui import QContextMenuEvent

    from app.topology.view import FLASH_MS

    view = make_view(qtbot)
    c = view.controller
    menus: list[list[str]] = []
    view.exec_menu = lambda menu, pos: menus.append([x.text() for x in menu.actions()])

    def right_click(node_id: str) -> None:
        item = view.node_items[node_id]
        pos = view.mapFromScene(item.sceneBoundingRect().center())
        view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                view.viewport().mapToGlobal(pos)))

    assert view.highlight("rack:raleigh")
    c.restart()  # the scene is rebuilt while the old rack item flashes
    assert view.highlight("rack:raleigh")
    new = view.node_items["rack:raleigh"]
    assert isinstance(new, RackItem) and new.flash
    right_click("compute:raleigh:1")
    assert menus and any(t.startswith("Fail compute node 02") for t in menus[-1])
    c.open(ROOT / "scenarios" / "unplanned-site-loss.yaml")  # another scenario, mid-flash
    qtbot.wait(FLASH_MS + 300)  # the flash's timer fires after the rebuild: no error
    assert view.highlight("router:dallas")
    router = view.node_items["router:dallas"]
    assert isinstance(router, BoxItem) and router.flash
    qtbot.waitUntil(lambda: not router.flash, timeout=3000)
    right_click("rack:dallas")
    assert any(t.startswith("Lose rack dallas") for t in menus[-1])
    # one flash at a time (the item under the click), on an item of the current scene
    assert len([i for i in view.node_items.values() if getattr(i, "flash", False)]) == 1


def test_a_view_is_freed_at_once_not_by_the_cycle_collector(qtbot: Any) -> None:
    """No reference cycle through the view (its scene's tooltip callback, the fault
    dialogs): a closed view and its scene go when the last reference does, not later in
    the middle of another view's paint event, where the cycle collector destroyed them
    and crashed the interpreter."""
    import gc
    import weakref

    view = TopologyView(Controller(load_scenario_text(PAIRED)))
    view.show()
    qtbot.waitExposed(view)
    view.highlight("rack:raleigh")
    view.close()
    ref = weakref.ref(view)
    gc.disable()
    try:
        del view
        assert ref() is None
    finally:
        gc.enable()


# -- the selection card follows the state, in the application's words (the user trial) ------

def _click(qtbot: Any, view: TopologyView, scene_pos: QPointF) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(scene_pos))


def test_the_selection_card_follows_the_selected_items_state(qtbot: Any) -> None:
    view = make_view(qtbot)
    c = view.controller
    _click(qtbot, view, view.node_items["workload:orders-db"].sceneBoundingRect().center())
    assert view.details.isVisible() and "Workload orders-db" in view.details.text()
    assert "running" in view.details.text() and "raleigh" in view.details.text()
    c.apply(A.StopWorkloads(rack="raleigh"))  # no click: the card says it at once
    assert "stopped" in view.details.text() and "running" not in view.details.text()
    c.advance(60)
    assert view.details.isVisible() and "Workload orders-db" in view.details.text()


def test_a_clicked_volume_keeps_its_own_card_and_it_follows_the_state(qtbot: Any) -> None:
    """A click on a cell used to give the card to the V7000 box under the grid on the
    release: the volume's card was gone before it could follow anything."""
    view = make_view(qtbot)
    c = view.controller
    grid = view.grids["dallas"]
    _click(qtbot, view, grid.cell_rect(0).center())
    nid = next(n for n, i in view._volume_index.items() if i == 0 and ":dallas:" in n)
    assert view._selected == nid and grid.marked == 0
    assert not view.node_items["v7000:dallas"].isSelected()
    text = view.details.text()
    assert text.startswith("<div") and "Volume orders-db/0" in text
    assert "in sync (consistent synchronized)" in text
    c.apply(A.CutLink("fc"))
    c.advance(120)
    text = view.details.text()
    assert "Volume orders-db/0" in text and "stale (consistent disconnected)" in text
    # the background ends the volume's selection as it ends a box's
    _click(qtbot, view, view.sceneRect().topLeft() + QPointF(5, 5))
    assert not view.details.isVisible() and grid.marked is None
    # another thing after a volume: its card, and the cell is no longer marked
    _click(qtbot, view, grid.cell_rect(1).center())
    assert grid.marked == 1
    _click(qtbot, view, view.node_items["workload:orders-db"].sceneBoundingRect().center())
    assert grid.marked is None and "Workload orders-db" in view.details.text()


def test_the_cards_say_states_as_the_legend_consoles_and_boxes_do(qtbot: Any) -> None:
    from app.theme import MANAGEMENT, PROFILE, ROLE, WORKLOAD
    from app.topology import looks

    view = make_view(qtbot, UNPAIRED)
    c = view.controller
    st = c.state()
    raw = ("consistent_synchronized", "not_started", "idling_disconnected", "initial_copy")
    for nid in list(view.node_items) + ["link:fc", "link:ip"]:
        text = view.describe(nid)
        assert not any(r in text for r in raw), (nid, text)  # never the raw state names
    ip = view.describe("link:ip")
    assert MANAGEMENT["not_started"].label in ip  # "not started", as the legend's map
    tor = view.describe("tor:dallas:0")
    assert looks.tor_look(st["racks"]["dallas"]).subtitle in tor  # "not set up", as drawn
    mgmt = view.describe("mgmt:raleigh:1")
    assert looks.management_node_looks(st["racks"]["raleigh"])[1].subtitle in mgmt
    assert "DR profile" in view.describe("rack:raleigh")
    for rack in ("raleigh", "dallas"):
        c.apply(A.CreateProfile(rack, "dallas" if rack == "raleigh" else "raleigh",
                                password="passw0rd"))
        c.apply(A.Validate(rack))
    rack = view.describe("rack:raleigh")
    assert f"✓ {PROFILE['validated'].label}, role {ROLE['none'].label}" in rack  # console's
    c.apply(A.Enable("dallas", role="backup"))
    c.apply(A.Enable("raleigh", role="primary"))
    c.advance(30)
    assert "copying (inconsistent copying)" in view.describe("v7000:raleigh")
    assert f"cloning {MANAGEMENT['initial_copy'].label}" in \
        looks.link_state("ip", c.state(), "raleigh", 0.01).detail
    wl = view.describe("workload:orders-db")
    assert WORKLOAD["running"].label in wl
