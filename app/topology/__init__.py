"""The topology room: both racks, the links, the routers and the clients, live.

``view.py`` is the widget (build once per scenario, recolour per frame, selection,
highlight, the fault menu); ``items.py`` the graphics items it is made of; ``looks.py``
how each item looks, as pure functions of the state document; ``cards.py`` the tooltips
and the details card; ``legend.py`` the strip of swatches under it."""

from app.topology.legend import Legend
from app.topology.view import TopologyView

__all__ = ["Legend", "TopologyView"]
