"""Layout at a small window size (1280x800, a trainer's laptop): the split-brain banner
leaves the routers and clients it is about visible; a short plots dock gives the title row
to the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_the_split_brain_banner_does_not_cover_the_routers_or_clients(
        qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SPLIT, size=(1280, 800)))
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
