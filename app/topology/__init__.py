"""The topology room: both racks, the links, the routers and the clients, live.

``view.py`` is the widget (build once per scenario, recolour per frame, selection,
highlight, the fault menu); ``items.py`` the graphics items it is made of; ``looks.py``
how each item looks, as pure functions of the state document; ``cards.py`` the tooltips
and the details card; ``legend.py`` the strip of swatches under it.

The widgets are imported on first use, so that ``app.topology.looks`` and ``cards`` load
no Qt (they are tested without one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.topology.legend import Legend
    from app.topology.view import TopologyView

__all__ = ["Legend", "TopologyView"]


def __getattr__(name: str) -> Any:
    if name == "TopologyView":
        from app.topology.view import TopologyView

        return TopologyView
    if name == "Legend":
        from app.topology.legend import Legend

        return Legend
    raise AttributeError(f"module 'app.topology' has no attribute {name!r}")
