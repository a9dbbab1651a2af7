"""The live topology: both racks side by side as rack elevations, drawn from the twin's
networkx graph (twin/topology.py), with the inter-site links, the routers and the clients.

The scene is built once per scenario (``controller.scenarioLoaded``); every frame only
changes colours, texts and visibility of existing items (``controller.frame``), with the
looks computed from the state document by ``looks.py``; an item repaints only when its
look actually changed. Items are keyed by topology node id (``rack:raleigh``,
``compute:raleigh:3``, ...); the inter-site links by ``link:fc`` and ``link:ip``. Volumes
are cells of one grid item per V7000 (2,000 volumes are 2,000 cells of one image, not
2,000 items). Nothing keeps a reference to an item across a rebuild: what outlives a
scene (the selection, the flash of a highlight) is kept as a node id.

Hover shows the node's attributes and live state (``cards.py``); a click selects it
(``itemSelected``) and shows a details card; a right-click offers the faults that apply to
it (``app/faults.py``), each a ``twin.actions`` action handed to ``controller.apply``
(refusals show as a toast).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsView,
    QLabel,
    QMenu,
    QToolTip,
    QWidget,
)

from app import faults
from app.theme import C
from app.topology import cards, looks
from app.topology.items import (
    GAP,
    HEADER_H,
    PAD,
    RACK_TOP,
    RACK_W,
    RACK_W_BIG,
    BoxItem,
    CloudItem,
    GroupItem,
    LinkItem,
    LostOverlay,
    RackItem,
    TextItem,
    VolumeGridItem,
    WireItem,
)
from twin.events import Result
from twin.statedoc import StateDoc

if TYPE_CHECKING:
    from app.controller import Controller

FLASH_MS = 1200  # how long a highlighted item flashes


# -- the scene ------------------------------------------------------------------------------

class TopologyScene(QGraphicsScene):
    """Shows a live tooltip (from ``describe``) for whatever is under the mouse."""

    def __init__(self, describe: Callable[[QGraphicsItem, QPointF], str]) -> None:
        super().__init__()
        self._describe = weakref.WeakMethod(describe)  # the view owns the scene

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 (Qt)
        view = self.views()[0] if self.views() else None
        transform = view.transform() if view else None
        text = ""
        if transform is not None:
            # the topmost item that stands for a node (overlays and captions don't)
            for item in self.items(event.scenePos(), Qt.ItemSelectionMode.IntersectsItemShape,
                                   Qt.SortOrder.DescendingOrder, transform):
                if getattr(item, "node_id", None):
                    describe = self._describe()
                    text = describe(item, event.scenePos()) if describe else ""
                    break
        if text:
            QToolTip.showText(event.screenPos(), text, view)
        else:
            QToolTip.hideText()
        event.accept()


@dataclass
class RackLayout:
    rack: str
    x: float
    rect: QRectF


class TopologyView(QGraphicsView):
    """The live topology of both racks (see the module docstring)."""

    itemSelected = Signal(str)  # node id of the clicked item  # noqa: N815 (Qt)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("topology")
        self._scene = TopologyScene(self._describe_at)
        self._scene.setParent(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setBackgroundBrush(QColor(C.CANVAS))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.auto_fit = True
        self.rack_w = RACK_W
        self.node_items: dict[str, QGraphicsItem] = {}
        self.grids: dict[str, VolumeGridItem] = {}
        self.lost: dict[str, LostOverlay] = {}
        self.wires: dict[str, WireItem] = {}
        self._layouts: dict[str, RackLayout] = {}
        self._wl_slots: dict[str, list[QRectF]] = {}
        self._wl_place: dict[str, str | None] = {}
        self._wl_px = 13
        self._wl_empty: dict[str, QGraphicsItem] = {}
        self._selected: str | None = None
        self._volume_index: dict[str, int] = {}
        self._volume_ids: dict[str, list[str]] = {}
        # dialogs are attributes so tests (and scripts) can answer them without a modal loop
        # None: the modal dialogs (a bound method here would make the view a reference
        # cycle, freed by the cycle collector at a random moment instead of at once)
        self.ask_degrade: Callable[[str], faults.DegradeValues | None] | None = None
        self.ask_surge: Callable[[str], faults.SurgeValues | None] | None = None
        self.exec_menu: Callable[[QMenu, QPoint], Any] = lambda menu, pos: menu.exec(pos)

        self.banner = QLabel("SPLIT BRAIN — both racks advertise the service IP addresses",
                             self.viewport())
        self.banner.setObjectName("splitBrainBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)  # a narrow view wraps it rather than cutting it off
        self.banner.hide()
        self.toast = QLabel(self.viewport())
        self.toast.setObjectName("toast")
        self.toast.setWordWrap(True)
        self.toast.hide()
        self._toast_timer = QTimer(self)
        self._toast_timer.setSingleShot(True)
        self._toast_timer.timeout.connect(self.toast.hide)
        self.details = QLabel(self.viewport())
        self.details.setObjectName("detailsCard")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.hide()
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        self._flashing: str | None = None  # the node id flashing, never the item

        self._scene.selectionChanged.connect(self._on_selection)
        controller.scenarioLoaded.connect(self.rebuild)
        controller.frame.connect(self.refresh)
        controller.actionResult.connect(self._on_result)
        self.rebuild()

    # -- building (once per scenario) ---------------------------------------------------------

    def rebuild(self) -> None:
        """Build the scene from the topology graph (``controller.graph()``)."""
        self._end_flash()  # before the items go: a flash never outlives its scene
        self._scene.selectionChanged.disconnect(self._on_selection)
        self._scene.clear()
        self._scene.selectionChanged.connect(self._on_selection)
        self.node_items.clear()
        self.grids.clear()
        self.lost.clear()
        self.wires.clear()
        self._layouts.clear()
        self._wl_slots.clear()
        self._wl_place.clear()
        self._wl_empty.clear()
        self._selected = None
        self.details.hide()
        system = self.controller.system
        g = self.controller.graph()
        racks = list(system.rack_names)
        n_wl = sum(1 for _, d in g.nodes(data=True) if d["type"] == "workload")
        big = max(r.compute_nodes for r in system.racks) > 24 or n_wl > 9
        self.rack_w = RACK_W_BIG if big else RACK_W
        for i, rack in enumerate(racks):
            x = i * (self.rack_w + GAP)
            self._build_rack(rack, x, n_wl)
        bottom = max(lay.rect.bottom() for lay in self._layouts.values())
        for lay in self._layouts.values():  # same height for both racks
            if lay.rect.bottom() < bottom:
                lay.rect.setBottom(bottom)
        self._build_top(racks)
        self._build_links(racks)
        rect = self._scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        self._scene.setSceneRect(rect.adjusted(-rect.width() * 0.5, -rect.height() * 0.5,
                                               rect.width() * 0.5, rect.height() * 0.5))
        self._volume_index = {n: int(d["index"]) for n, d in g.nodes(data=True)
                              if d["type"] == "volume"}
        self._volume_ids = {r: [""] * len(self.controller.volume_names()) for r in racks}
        for n, i in self._volume_index.items():
            self._volume_ids[g.nodes[n]["rack"]][i] = n
        self.refresh()
        self.fit()

    def _add(self, item: QGraphicsItem, node_id: str | None = None) -> QGraphicsItem:
        self._scene.addItem(item)
        if node_id:
            self.node_items[node_id] = item
        return item

    def _build_rack(self, rack: str, x: float, n_wl: int) -> None:
        g = self.controller.graph()
        d = g.nodes[f"rack:{rack}"]
        cfg = self.controller.system.rack(rack)
        inner_l, inner_w = x + PAD, self.rack_w - 2 * PAD
        y = RACK_TOP + HEADER_H + 10
        # ToR switches and management nodes: 1U units, side by side
        unit_w = (inner_w - 3 * 6) / 4
        units = [(f"tor:{rack}:{t}", f"ToR {t + 1}") for t in range(2)] + \
            [(f"mgmt:{rack}:{m}", f"Mgmt {m + 1}") for m in range(2)]
        for k, (nid, title) in enumerate(units):
            self._add(BoxItem(nid, QRectF(inner_l + k * (unit_w + 6), y, unit_w, 42), title,
                              title_px=13), nid)
        y += 52
        # the cloud group: compute nodes, the workloads on them, VLANs and IP pool
        cg_id = f"cloudgroup:{rack}:production"
        cg_top = y
        y += 30
        n_cn = cfg.compute_nodes
        cols = 6 if n_cn <= 24 else 10
        gap = 5.0
        cg_inner_l, cg_inner_w = inner_l + 8, inner_w - 16
        cw = (cg_inner_w - gap * (cols - 1)) / cols
        ch = 34.0 if n_cn <= 24 else 26.0
        for c in range(n_cn):
            row, col = divmod(c, cols)
            nid = f"compute:{rack}:{c}"
            rect = QRectF(cg_inner_l + col * (cw + gap), y + row * (ch + gap), cw, ch)
            label = g.nodes[nid]["label"] if cols == 6 else f"{c + 1:02d}"
            self._add(BoxItem(nid, rect, label, title_px=12), nid)
        y += math.ceil(n_cn / cols) * (ch + gap) + 4
        self._add(TextItem(QRectF(cg_inner_l, y, cg_inner_w, 20), "WORKLOADS", 12, True,
                           C.INK_SOFT, Qt.AlignmentFlag.AlignLeft))
        y += 22
        wl_cols = 3 if n_wl <= 9 else 4
        wl_w = (cg_inner_w - gap * (wl_cols - 1)) / wl_cols
        wl_h = 38.0 if n_wl <= 9 else 34.0
        slots = []
        for k in range(max(n_wl, 1)):
            row, col = divmod(k, wl_cols)
            slots.append(QRectF(cg_inner_l + col * (wl_w + gap), y + row * (wl_h + gap),
                                wl_w, wl_h))
        self._wl_slots[rack] = slots
        empty = TextItem(QRectF(cg_inner_l, y, cg_inner_w, wl_h), "no workloads run here", 13,
                         False, C.GREY, Qt.AlignmentFlag.AlignLeft)
        self._add(empty)
        self._wl_empty[rack] = empty
        self._wl_px = 12
        y += math.ceil(max(n_wl, 1) / wl_cols) * (wl_h + gap) + 2
        # VLANs and the IP pool, as pills on the cloud group's footer
        px = cg_inner_l
        for nid in [n for n, dd in g.nodes(data=True)
                    if dd["type"] == "vlan" and dd.get("rack") == rack] + [f"ippool:{rack}"]:
            label = g.nodes[nid]["label"]
            w = 22 + 7.6 * len(label)
            self._add(BoxItem(nid, QRectF(px, y, w, 24), label, radius=12, title_px=12), nid)
            px += w + 6
        y += 32
        self._add(GroupItem(cg_id, QRectF(inner_l, cg_top, inner_w, y - cg_top),
                            "Cloud group"), cg_id)
        y += 10
        # the V7000 and its volumes
        v7_top = y
        count = int(g.nodes[f"v7000:{rack}"].get("volumes", 0))
        grid_w = inner_w - 16
        if count <= 48:
            vcols = min(max(count, 1), 12)
            cell = min(grid_w / vcols, 36.0)
            grid_h = math.ceil(max(count, 1) / vcols) * 24.0
            grid_w = cell * vcols
        else:
            vcols = min(60, max(12, math.ceil(math.sqrt(count * 3))))
            rows = math.ceil(count / vcols)
            grid_h = min(180.0, max(50.0, rows * grid_w / vcols * 0.8))
        v7 = BoxItem(f"v7000:{rack}", QRectF(inner_l, v7_top, inner_w, 36 + grid_h + 10),
                     "", align_left=True)
        self._add(v7, f"v7000:{rack}")
        caption = TextItem(QRectF(inner_l + 8, v7_top + 4, inner_w - 16, 28),
                           f"V7000 storage · {count:,} volumes", 15, True, C.INK,
                           Qt.AlignmentFlag.AlignLeft)
        caption.setZValue(3)
        self._add(caption)
        grid = VolumeGridItem(rack, QRectF(inner_l + 8, v7_top + 34, grid_w, grid_h), count,
                              vcols)
        self._add(grid)
        self.grids[rack] = grid
        y = v7_top + 36 + grid_h + 10 + PAD
        rect = QRectF(x, RACK_TOP, self.rack_w, y - RACK_TOP)
        info = f"{d.get('model', '')} · {n_cn} compute nodes · {cfg.cores} cores"
        self._add(RackItem(f"rack:{rack}", rect, rack, info), f"rack:{rack}")
        overlay = LostOverlay(rect)
        self._add(overlay)
        self.lost[rack] = overlay
        self._layouts[rack] = RackLayout(rack, x, rect)

    def _build_top(self, racks: list[str]) -> None:
        """Clients at the top centre, each rack's external router beside them, above its
        rack: router → clients carries the service addresses when it advertises."""
        g = self.controller.graph()
        total_w = 2 * self.rack_w + GAP
        cloud = CloudItem("clients", QRectF(total_w / 2 - 105, 0, 210, 96), "Clients")
        self._add(cloud, "clients")
        for rack in racks:
            lay = self._layouts[rack]
            cx = lay.x + self.rack_w / 2
            side = -1 if lay.x < total_w / 2 else 1
            rid = f"router:{rack}"
            r_rect = QRectF(cx - 115, 18, 230, 60)
            self._add(BoxItem(rid, r_rect, "External router", radius=8, title_px=15), rid)
            up = WireItem([QPointF(cx, r_rect.bottom()), QPointF(cx, RACK_TOP)])
            up.setZValue(-1)
            self._add(up)
            self.wires[f"uplink:{rack}"] = up
            edge = r_rect.right() if side < 0 else r_rect.left()
            serve = WireItem([QPointF(edge, r_rect.center().y()),
                              QPointF(total_w / 2 + side * 92, r_rect.center().y())])
            serve.setZValue(-1)
            self._add(serve)
            self.wires[f"serves:{rack}"] = serve
            site = g.nodes[f"rack:{rack}"].get("site", "")
            label = {"site-a": "SITE A", "site-b": "SITE B"}.get(site, site.upper())
            self._add(TextItem(QRectF(lay.x + 4, RACK_TOP - 32, self.rack_w / 2 - 20, 26), label, 15,
                               True, C.INK_SOFT, Qt.AlignmentFlag.AlignLeft))

    def _build_links(self, racks: list[str]) -> None:
        g = self.controller.graph()
        a, b = racks
        la, lb = self._layouts[a], self._layouts[b]
        v7a = self.node_items[f"v7000:{a}"].boundingRect()
        mga = self.node_items[f"mgmt:{a}:0"].boundingRect()
        y_fc = v7a.top() + 24
        y_ip = mga.center().y()
        xa, xb = la.rect.right(), lb.rect.left()
        fc_edge = g.edges[f"v7000:{a}", f"v7000:{b}"]
        ip_edge = g.edges[f"mgmt:{a}:0", f"mgmt:{b}:0"]
        self._link_rtt: dict[str, float] = {"fc": 2 * fc_edge.get("one_way_delay_s", 0.0),
                          "ip": 2 * ip_edge.get("one_way_delay_s", 0.0)}
        fc = LinkItem("fc", QPointF(xa, y_fc), QPointF(xb, y_fc), "FC · SAN replication")
        ip = LinkItem("ip", QPointF(xa, y_ip), QPointF(xb, y_ip), "IP · management cloning")
        self._add(fc, "link:fc")
        self._add(ip, "link:ip")
        mid_y = (y_ip + y_fc) / 2
        dist = float(self.controller.system.distance_km)
        self._add(TextItem(QRectF(xa, mid_y - 34, xb - xa, 40), f"{dist:,.0f} km", 32, True,
                           C.INK))
        self._add(TextItem(QRectF(xa, mid_y + 6, xb - xa, 22), "between the sites", 14,
                           False, C.INK_SOFT))

    # -- per-frame update --------------------------------------------------------------------------

    # -- per-frame update --------------------------------------------------------------------

    def refresh(self) -> None:
        """Recolour the existing items from the state document (no scene rebuild)."""
        if not self._layouts:
            return
        st = self.controller.state()
        racks = list(self.controller.system.rack_names)
        split = bool(st["service"]["split_brain"])
        for rack in racks:
            self._refresh_rack(rack, st, split)
        for link in ("fc", "ip"):
            item = self.node_items[f"link:{link}"]
            assert isinstance(item, LinkItem)
            item.set_state(*looks.link_state(link, st, racks[0], self._link_rtt[link]))
            item.animate(2.5)
        self._refresh_workloads(st)
        self._refresh_volumes(st, racks)
        if split != self.banner.isVisible():
            self.banner.setVisible(split)
            self._place_overlays()
            if self.auto_fit:
                self.fit()
        self._box("clients").set_look(looks.clients_look(st["service"]))
        if self.details.isVisible() and self._selected:
            self._show_details(self._selected)

    def _box(self, node_id: str) -> BoxItem:
        item = self.node_items[node_id]
        assert isinstance(item, BoxItem)
        return item

    def _refresh_rack(self, rack: str, st: StateDoc, split: bool) -> None:
        rs = st["racks"][rack]
        cn = rs["compute_nodes"]
        rack_item = self.node_items[f"rack:{rack}"]
        assert isinstance(rack_item, RackItem)
        rack_item.set_rack_state(*looks.rack_badge(rs))
        self.lost[rack].setVisible(rs["status"] == "lost")
        failed = self.controller.failed_compute_nodes(rack)
        for c, look in enumerate(looks.compute_node_looks(cn, failed)):
            item = self.node_items.get(f"compute:{rack}:{c}")
            if isinstance(item, BoxItem):
                item.set_look(look)
        self._box(f"cloudgroup:{rack}:production").set_look(looks.cloud_group_look(cn))
        for m, look in enumerate(looks.management_node_looks(rs)):
            self._box(f"mgmt:{rack}:{m}").set_look(look)
        tor = looks.tor_look(rs)
        for t in range(2):
            self._box(f"tor:{rack}:{t}").set_look(tor)
        pill = looks.network_pill_look(cn)
        for nid, item in self.node_items.items():
            if (nid.startswith(f"vlan:{rack}:") or nid == f"ippool:{rack}") \
                    and isinstance(item, BoxItem):
                item.set_look(pill)
        self._box(f"v7000:{rack}").set_look(looks.v7000_look(rs))
        pool = self.controller.system.rack(rack).ip_pool
        self._box(f"router:{rack}").set_look(looks.router_look(rs, pool))
        self.wires[f"serves:{rack}"].set_state(*looks.serve_wire(rs, split))
        self.wires[f"uplink:{rack}"].set_state(*looks.uplink_wire(rs))

    def _refresh_workloads(self, st: StateDoc) -> None:
        wls = st["workloads"]
        place = {name: w.get("rack") for name, w in wls.items()}
        if place != self._wl_place:
            self._layout_workloads(place)
        for name, w in wls.items():
            item = self.node_items.get(f"workload:{name}")
            if isinstance(item, BoxItem):
                item.set_look(looks.workload_look(w))

    def _layout_workloads(self, place: dict[str, str | None]) -> None:
        """Put each workload on the rack where it runs (only when a placement changes)."""
        self._wl_place = dict(place)
        used = {r: 0 for r in self._wl_slots}
        for name, rack in place.items():
            nid = f"workload:{name}"
            item = self.node_items.get(nid)
            if rack is None or rack not in self._wl_slots:
                if item is not None:
                    item.setVisible(False)
                continue
            slot = self._wl_slots[rack][used[rack] % len(self._wl_slots[rack])]
            used[rack] += 1
            if item is None:
                item = BoxItem(nid, QRectF(0, 0, slot.width(), slot.height()), name, radius=8,
                               title_px=self._wl_px)
                self._add(item, nid)
            item.setPos(slot.topLeft())
            item.setVisible(True)
        for rack, empty in self._wl_empty.items():
            empty.setVisible(used.get(rack, 0) == 0)

    def _refresh_volumes(self, st: StateDoc, racks: list[str]) -> None:
        if not self.grids:
            return
        vols = self.controller.volume_arrays()
        if not vols.names:
            return
        target = looks.volume_colours(vols.states, vols.rpo_s)
        for rack in racks:
            grid = self.grids.get(rack)
            if grid is not None:
                grid.set_colours(looks.grid_colours(st["racks"][rack],
                                                    str(st["replication"]["state"]), target))

    # -- descriptions (tooltips and the details card) -----------------------------------------

    def describe(self, node_id: str) -> str:
        """Rich text: the node's attributes and live state (a volume's too)."""
        if node_id in self._volume_index:
            return self._describe_volume(node_id)
        racks = self.controller.system.rack_names
        return cards.describe(node_id, self.controller.state(), self.controller.graph(),
                              self.controller.system, self._link_rtt,
                              {r: self.controller.failed_compute_nodes(r) for r in racks})

    def _describe_volume(self, node_id: str) -> str:
        d = self.controller.graph().nodes.get(node_id, {})
        rack = node_id.split(":")[1]
        st = self.controller.state()
        return cards.describe_volume(self._volume_index[node_id], rack,
                                     self.controller.volume_arrays(), d.get("size_bytes"),
                                     st["racks"].get(rack), str(st["replication"]["state"]))

    def _describe_at(self, item: QGraphicsItem, pos: QPointF) -> str:
        if isinstance(item, VolumeGridItem):
            i = item.cell_at(pos)
            if i is None:
                return self.describe(item.node_id)
            return self._describe_volume(self._volume_ids[item.rack][i])
        nid = getattr(item, "node_id", None)
        return self.describe(nid) if nid else ""

    # -- selection, highlight and details -------------------------------------------------------

    def _on_selection(self) -> None:
        try:
            sel = self._scene.selectedItems()
        except RuntimeError:  # the scene is going away with the view
            return
        nid = getattr(sel[0], "node_id", None) if sel else None
        if nid is None:
            self._selected = None
            self.details.hide()
            return
        if nid != self._selected:
            self._unmark_volumes()
            self._selected = nid
            self._show_details(nid)
            self.itemSelected.emit(nid)

    def _show_details(self, node_id: str) -> None:
        text = self.describe(node_id)
        if not text:
            self.details.hide()
            return
        if text != self.details.text():
            self.details.setText(text)
            self.details.adjustSize()
        if not self.details.isVisible():
            self.details.show()
        self._place_overlays()

    def item_for(self, node_id: str) -> QGraphicsItem | None:
        """The scene item that shows ``node_id`` (a volume shows on its V7000's grid)."""
        item = self.node_items.get(node_id)
        if item is not None:
            return item
        if node_id.startswith("volume:"):
            return self.grids.get(node_id.split(":")[1])
        return None

    def highlight(self, node_id: str | None) -> bool:
        """Select and centre the item for ``node_id``; False if it is not drawn."""
        if not node_id:
            return False
        item = self.item_for(node_id)
        if item is None:
            return False
        self._unmark_volumes()
        self._scene.clearSelection()
        if isinstance(item, VolumeGridItem):
            i = self._volume_index.get(node_id)
            item.marked = i
            item.update()
            self._selected = node_id
            self._show_details(node_id)
            self.itemSelected.emit(node_id)
            target = item.cell_rect(i).center() if i is not None else item.rect.center()
        else:
            item.setSelected(True)
            target = item.sceneBoundingRect().center()
        if not self.auto_fit or not self.viewport().rect().contains(
                self.mapFromScene(target)):
            self.centerOn(target)
        self._start_flash(node_id)
        return True

    def _unmark_volumes(self) -> None:
        for grid in self.grids.values():
            if grid.marked is not None:
                grid.marked = None
                grid.update()

    def _start_flash(self, node_id: str) -> None:
        self._end_flash()
        item = self.item_for(node_id)
        if not isinstance(item, BoxItem | LinkItem):  # a volume's grid does not flash
            return
        item.flash = True
        item.update()
        self._flashing = node_id
        self._flash_timer.start(FLASH_MS)

    def _end_flash(self) -> None:
        """Stop the flash, on the item that shows the flashing node in this scene."""
        self._flash_timer.stop()
        node_id, self._flashing = self._flashing, None
        item = self.item_for(node_id) if node_id else None
        if isinstance(item, BoxItem | LinkItem):
            item.flash = False
            item.update()

    # -- faults from the context menu -----------------------------------------------------------

    def node_at(self, pos: QPointF) -> str | None:
        """The node id under a viewport position (links and volumes included)."""
        for item in self.items_at_view(pos):
            if isinstance(item, VolumeGridItem):
                i = item.cell_at(self.mapToScene(pos.toPoint()))
                if i is not None:
                    return self._volume_ids[item.rack][i]
            nid = getattr(item, "node_id", None)
            if nid:
                return str(nid)
        return None

    def items_at_view(self, pos: QPointF) -> list[QGraphicsItem]:
        return list(self.items(pos.toPoint()))

    def fault_menu(self, node_id: str, parent: QWidget | None = None) -> QMenu:
        """The context menu of faults that apply to ``node_id`` (every entry calls
        ``controller.apply``). Entries that cannot apply now are shown disabled."""
        rack = node_id.split(":")[1] if ":" in node_id else None
        failed = (self.controller.failed_compute_nodes(rack)
                  if node_id.startswith("compute:") and rack is not None else frozenset())
        return faults.build_menu(faults.entries(node_id, self.controller.state(), failed),
                                 self.controller.apply, self.ask_degrade or self._ask_degrade,
                                 self.ask_surge or self._ask_surge,
                                 parent or self)

    def _ask_degrade(self, link: str) -> faults.DegradeValues | None:
        bw = float(self.controller.state()["links"][link]["bandwidth_mbps"])
        return faults.ask_degrade(link, bw, self)

    def _ask_surge(self, workload: str) -> faults.SurgeValues | None:
        return faults.ask_surge(workload, self)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt)
        nid = self.node_at(QPointF(event.pos()))
        if nid is None:
            return
        if not nid.startswith("volume:"):
            self.highlight(nid)
        if self.controller.mode == "trainee":
            return  # a trainee injects no faults: the instructor's come on the timeline
        menu = self.fault_menu(nid)
        if menu.actions():
            self.exec_menu(menu, event.globalPos())
        menu.deleteLater()

    def _on_result(self, res: Result) -> None:
        if not res.ok:
            self.show_toast(f"Refused: {res.text}")

    def show_toast(self, text: str, ms: int = 7000, level: str = "bad") -> None:
        """A non-modal message at the bottom of the view: a refusal (``level`` "bad", a
        red mark), or a run's verdict ("ok" green, "warn" amber, "bad" red)."""
        if self.toast.property("level") != level:
            self.toast.setProperty("level", level)
            self.toast.style().unpolish(self.toast)
            self.toast.style().polish(self.toast)
        self.toast.setText(text)
        self.toast.setMaximumWidth(max(300, int(self.viewport().width() * 0.7)))
        self.toast.adjustSize()
        self.toast.show()
        self.toast.raise_()
        self._place_overlays()
        self._toast_timer.start(ms)

    # -- zoom, pan, fit ---------------------------------------------------------------------------

    def fit(self) -> None:
        """Fit both racks, the links and the clients in the window."""
        self.auto_fit = True
        rect = self._scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        if not rect.isValid():
            return
        vh = self.viewport().height()
        if self.banner.isVisible() and vh > 0:
            # keep the banner off the routers and clients it is about: reserve its height
            # (as placed: one line, or two when the view is narrow)
            self._place_overlays()
            reserve = min(self.banner.height() + 20, vh // 3)
            rect.setTop(rect.top() - reserve * rect.height() / max(1, vh - reserve))
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = min(max(factor, 0.1 / current), 8.0 / current)
        self.scale(factor, factor)
        self.auto_fit = False

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt)
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.15 ** steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            nid = self.node_at(QPointF(event.position()))
            if nid is not None and nid.startswith("volume:"):
                self.highlight(nid)
            elif nid is None and self._selected and self._selected.startswith("volume:"):
                # the background: a volume's selection ends as a box's does
                self._unmark_volumes()
                self._selected = None
                self.details.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        if event.key() == Qt.Key.Key_Escape:
            self._scene.clearSelection()
            self._unmark_volumes()
            self._selected = None
            self.details.hide()
            return
        super().keyPressEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt)
        """Scrolling (a pan, a fit) moves the viewport's child widgets with the scene: put
        the banner, the toast and the card back where they belong."""
        super().scrollContentsBy(dx, dy)
        self._place_overlays()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()
        self._place_overlays()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self.auto_fit:
            self.fit()

    def _place_overlays(self) -> None:
        vw = self.viewport().width()
        vh = self.viewport().height()
        if self.banner.isVisible():
            b = self.banner
            m = b.contentsMargins()
            one_line = (b.fontMetrics().horizontalAdvance(b.text()) + m.left() + m.right()
                        + 2 * b.margin() + 8)
            w = max(100, min(vw - 24, max(one_line, int(vw * 0.6))))
            b.setFixedWidth(w)
            b.setFixedHeight(b.heightForWidth(w))  # one line, or two when it must wrap
            b.move((vw - w) // 2, 12)
            self.banner.raise_()
        if self.toast.isVisible():
            self.toast.move((vw - self.toast.width()) // 2, vh - self.toast.height() - 16)
        if self.details.isVisible():
            self.details.setMaximumWidth(max(260, min(420, vw // 2)))
            self.details.adjustSize()
            top = 12 + (self.banner.height() + 8 if self.banner.isVisible() else 0)
            self.details.move(12, top)
