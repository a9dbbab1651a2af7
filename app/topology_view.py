"""The live topology: both racks side by side as rack elevations, drawn from the twin's
networkx graph (twin/topology.py), with the inter-site links, the routers and the clients.

The scene is built once per scenario (``controller.scenarioLoaded``); every frame only
changes colours, texts and visibility of existing items (``controller.frame``), and an
item repaints only when its look actually changed. Items are keyed by topology node id
(``rack:raleigh``, ``compute:raleigh:3``, ...); the inter-site links by ``link:fc`` and
``link:ip``. Volumes are cells of one grid item per V7000 (2,000 volumes are 2,000 cells
of one image, not 2,000 items).

Hover shows the node's attributes and live state; a click selects it (``itemSelected``)
and shows a details card; a right-click offers the faults that apply to it, each a
``twin.actions`` action handed to ``controller.apply`` (refusals show as a toast).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsView,
    QLabel,
    QMenu,
    QSizePolicy,
    QStyleOptionGraphicsItem,
    QToolTip,
    QWidget,
)

from twin import actions as A
from twin.durations import format_bytes, format_duration

if TYPE_CHECKING:
    from app.controller import Controller


# -- palette (IBM Carbon-like, high contrast for projectors) ---------------------------------

class C:
    """Colours used by the topology, the event log and the status bar."""

    INK = "#161616"
    INK_SOFT = "#525252"
    PAPER = "#ffffff"
    CANVAS = "#f2f4f8"
    FRAME = "#393939"
    RACK_BG = "#e8ebf0"
    ACCENT = "#0f62fe"
    GREEN = "#24a148"
    GREEN_SOFT = "#defbe6"
    AMBER = "#f1c21b"
    ORANGE = "#ff832b"
    RED = "#da1e28"
    RED_SOFT = "#fff1f1"
    GREY = "#8d8d8d"
    GREY_SOFT = "#e0e0e0"
    BLUE_SOFT = "#d0e2ff"
    PURPLE = "#8a3ffc"
    NODE = "#4589ff"  # a compute node in a cloud group
    NODE_IDLE = "#ffffff"  # not in a cloud group
    TEAL = "#007d79"


WORKLOAD_COLOURS = {"running": C.GREEN, "starting": C.AMBER, "waiting": C.AMBER,
                    "failed": C.RED, "stopped": C.GREY}

# per-volume state → colour (the volume grid and its legend)
VOLUME_STATE_COLOURS = {
    "consistent_synchronized": C.GREEN,
    "inconsistent_copying": C.ACCENT,
    "consistent_copying": C.ACCENT,
    "consistent_stopped": C.AMBER,
    "consistent_disconnected": C.AMBER,
    "idling": C.PURPLE,
    "idling_disconnected": C.PURPLE,
    "inconsistent_stopped": C.RED,
    "inconsistent_disconnected": C.RED,
}
FLOWING_STATES = ("consistent_synchronized", "inconsistent_copying", "consistent_copying")

# layout, in scene units (about pixels at 100 %)
RACK_W = 350.0
RACK_W_BIG = 470.0  # many compute nodes or workloads: wider, so fewer rows
GAP = 230.0
PAD = 12.0
HEADER_H = 64.0
RACK_TOP = 124.0


class Look(NamedTuple):
    """Everything that decides how a box is painted; a box repaints only when it changes."""

    fill: str
    border: str = C.FRAME
    text: str = C.INK
    subtitle: str = ""
    hatch: bool = False
    dashed: bool = False
    border_w: float = 1.2
    bold: bool = False


_FONTS: dict[tuple[int, bool], QFont] = {}


def font(px: int, bold: bool = False) -> QFont:
    """A cached font of ``px`` scene units (fonts scale with the zoom, like the drawing)."""
    key = (px, bold)
    f = _FONTS.get(key)
    if f is None:
        f = QFont()
        f.setPixelSize(px)
        f.setBold(bold)
        _FONTS[key] = f
    return f


def format_clock(t: float) -> str:
    """Simulated time as ``d hh:mm:ss`` (``0d 02:00:00``)."""
    if not math.isfinite(t):
        return "—"
    total = int(t)
    d, rem = divmod(total, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    return f"{d}d {h:02d}:{m:02d}:{s:02d}"


def format_rate(bps: float | None) -> str:
    """Bytes per second as MB/s (decimal, as twin/config.py)."""
    if bps is None or not math.isfinite(bps):
        return "—"
    return f"{bps / 1e6:,.1f} MB/s"


# -- items ----------------------------------------------------------------------------------

class BoxItem(QGraphicsItem):
    """A rounded box for one topology node: title, optional subtitle, a state look."""

    def __init__(self, node_id: str, rect: QRectF, title: str, radius: float = 5.0,
                 title_px: int = 12, align_left: bool = False) -> None:
        super().__init__()
        self.node_id = node_id
        self.rect = rect
        self.title = title
        self.radius = radius
        self.title_px = title_px
        self.align_left = align_left
        self.look = Look(C.PAPER)
        self.flash = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        # repainted only when the look changes: a cached pixmap makes overlapping repaints
        # (the animated links, the volume grid) a blit
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return self.rect.adjusted(-5, -5, 5, 5)

    def set_look(self, look: Look) -> bool:
        if look == self.look:
            return False
        self.look = look
        self.update()
        return True

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lk = self.look
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(QColor(lk.fill))
        pen = QPen(QColor(lk.border), lk.border_w)
        if lk.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRoundedRect(self.rect, self.radius, self.radius)
        if lk.hatch:
            p.setBrush(QBrush(QColor(0, 0, 0, 110), Qt.BrushStyle.BDiagPattern))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(self.rect, self.radius, self.radius)
        p.setPen(QColor(lk.text))
        pad = 8 if self.rect.width() > 90 else 2
        r = self.rect.adjusted(pad, 2, -pad, -2)
        flags = (Qt.AlignmentFlag.AlignLeft if self.align_left
                 else Qt.AlignmentFlag.AlignHCenter) | Qt.AlignmentFlag.AlignVCenter
        if lk.subtitle and r.height() >= self.title_px * 2.2:
            top = QRectF(r.left(), r.top(), r.width(), r.height() * 0.55)
            bottom = QRectF(r.left(), r.top() + r.height() * 0.5, r.width(), r.height() * 0.5)
            p.setFont(font(self.title_px, True))
            p.drawText(top, int(flags), self.title)
            p.setFont(font(max(9, self.title_px - 2)))
            p.drawText(bottom, int(flags), lk.subtitle)
        elif lk.subtitle:
            p.setFont(font(self.title_px, True))
            p.drawText(r, int(flags), f"{self.title}  ·  {lk.subtitle}")
        else:
            p.setFont(font(self.title_px, True))
            p.drawText(r, int(flags), self.title)
        if self.isSelected() or self.flash:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(C.ACCENT), 3.5))
            p.drawRoundedRect(self.rect.adjusted(-3, -3, 3, 3), self.radius + 2, self.radius + 2)


class RackItem(BoxItem):
    """The rack frame: header with name, role and model; greyed with a red X when lost."""

    def __init__(self, node_id: str, rect: QRectF, title: str, info: str) -> None:
        super().__init__(node_id, rect, title, radius=10)
        self.info = info
        self.role = ""
        self.lost = False
        self.advertising = False
        self.setZValue(0)

    def set_rack_state(self, role: str, lost: bool, advertising: bool) -> None:
        if (role, lost, advertising) != (self.role, self.lost, self.advertising):
            self.role, self.lost, self.advertising = role, lost, advertising
            self.update()

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = self.rect
        p.setBrush(QColor(C.RACK_BG))
        p.setPen(QPen(QColor(C.FRAME), 3))
        p.drawRoundedRect(r, self.radius, self.radius)
        head = QRectF(r.left(), r.top(), r.width(), HEADER_H)
        path = QPainterPath()
        path.addRoundedRect(head, self.radius, self.radius)
        path.addRect(QRectF(head.left(), head.bottom() - self.radius, head.width(), self.radius))
        p.fillPath(path.simplified(), QColor(C.FRAME))
        right = r.right() - 12
        if self.role:
            colour = {"PRIMARY": C.ACCENT, "BACKUP": C.TEAL}.get(self.role, C.GREY)
            p.setFont(font(14, True))
            w = p.fontMetrics().horizontalAdvance(self.role) + 24
            badge = QRectF(right - w, r.top() + 8, w, 26)
            p.setBrush(QColor(colour))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(badge, 13, 13)
            p.setPen(QColor("#ffffff"))
            p.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), self.role)
        info_right = right
        if self.advertising:
            text = "◉ SERVICE IP"
            p.setFont(font(12, True))
            w = p.fontMetrics().horizontalAdvance(text) + 20
            badge = QRectF(right - w, r.top() + 37, w, 22)
            p.setBrush(QColor(C.GREEN))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(badge, 11, 11)
            p.setPen(QColor("#ffffff"))
            p.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
            info_right = badge.left() - 8
        p.setPen(QColor("#ffffff"))
        p.setFont(font(24, True))
        p.drawText(QRectF(r.left() + 14, r.top() + 4, r.width() - 140, 32),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        p.setFont(font(13))
        p.setPen(QColor("#c6c6c6"))
        info_rect = QRectF(r.left() + 14, r.top() + 36, info_right - r.left() - 14, 24)
        info = p.fontMetrics().elidedText(self.info, Qt.TextElideMode.ElideRight,
                                          int(info_rect.width()))
        p.drawText(info_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   info)
        if self.isSelected() or self.flash:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(C.ACCENT), 4))
            p.drawRoundedRect(r.adjusted(-4, -4, 4, 4), self.radius + 3, self.radius + 3)


class LostOverlay(QGraphicsItem):
    """A lost rack: greyed, with a red X and SITE LOST."""

    def __init__(self, rect: QRectF) -> None:
        super().__init__()
        self.rect = rect
        self.setZValue(20)
        self.setVisible(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return self.rect.adjusted(-4, -4, 4, 4)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = self.rect
        p.setBrush(QColor(110, 110, 110, 150))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(r, 10, 10)
        p.setPen(QPen(QColor(C.RED), 14, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        m = 40.0
        p.drawLine(QPointF(r.left() + m, r.top() + m), QPointF(r.right() - m, r.bottom() - m))
        p.drawLine(QPointF(r.right() - m, r.top() + m), QPointF(r.left() + m, r.bottom() - m))
        label = QRectF(r.center().x() - 120, r.center().y() - 30, 240, 60)
        p.setBrush(QColor(C.RED))
        p.setPen(QPen(QColor("#ffffff"), 3))
        p.drawRoundedRect(label, 10, 10)
        p.setFont(font(26, True))
        p.drawText(label, int(Qt.AlignmentFlag.AlignCenter), "SITE LOST")


class GroupItem(BoxItem):
    """A cloud group: a labelled outline around the compute nodes that are its members."""

    def __init__(self, node_id: str, rect: QRectF, title: str) -> None:
        super().__init__(node_id, rect, title, radius=8, title_px=13, align_left=True)
        self.setZValue(1)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        lk = self.look
        pen = QPen(QColor(lk.border), 2)
        if lk.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(QColor(lk.fill))
        p.drawRoundedRect(self.rect, self.radius, self.radius)
        p.setPen(QColor(lk.text))
        p.setFont(font(13, True))
        head = QRectF(self.rect.left() + 10, self.rect.top() + 4, self.rect.width() - 20, 20)
        p.drawText(head, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   self.title)
        if lk.subtitle:
            p.setFont(font(11))
            p.setPen(QColor(C.INK_SOFT))
            p.drawText(head, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       lk.subtitle)
        if self.isSelected() or self.flash:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(C.ACCENT), 3.5))
            p.drawRoundedRect(self.rect.adjusted(-3, -3, 3, 3), 10, 10)


class VolumeGridItem(QGraphicsItem):
    """Every volume of one V7000 as a cell coloured by its replication state and lag.

    One item whatever the count: the cells are one small ARGB image drawn scaled, so
    2,000 volumes cost one image upload per frame, not 2,000 item repaints."""

    def __init__(self, rack: str, rect: QRectF, count: int, cols: int) -> None:
        super().__init__()
        self.node_id = f"v7000:{rack}"
        self.rack = rack
        self.rect = rect
        self.count = count
        self.cols = max(1, cols)
        self.rows = max(1, math.ceil(count / self.cols))
        self.gap = 2.0 if count <= 400 else 0.0
        self._argb = np.full(self.rows * self.cols, 0x00000000, dtype=np.uint32)
        self._image: QImage | None = None
        self.marked: int | None = None
        self.setZValue(3)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return self.rect.adjusted(-4, -4, 4, 4)

    def set_colours(self, argb: np.ndarray) -> None:
        if argb.shape[0] != self.count:
            return
        if np.array_equal(self._argb[: self.count], argb):
            return
        self._argb[: self.count] = argb
        self._image = None
        self.update()

    def cell_at(self, pos: QPointF) -> int | None:
        """The volume index under a scene position, or None."""
        if not self.rect.contains(pos):
            return None
        cw = self.rect.width() / self.cols
        ch = self.rect.height() / self.rows
        col = int((pos.x() - self.rect.left()) / cw)
        row = int((pos.y() - self.rect.top()) / ch)
        i = row * self.cols + col
        return i if 0 <= i < self.count else None

    def cell_rect(self, i: int) -> QRectF:
        cw = self.rect.width() / self.cols
        ch = self.rect.height() / self.rows
        row, col = divmod(i, self.cols)
        return QRectF(self.rect.left() + col * cw, self.rect.top() + row * ch, cw, ch)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if self.gap > 0:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.setPen(Qt.PenStyle.NoPen)
            for i in range(self.count):
                p.setBrush(QColor.fromRgba(int(self._argb[i])))
                p.drawRect(self.cell_rect(i).adjusted(0, 0, -self.gap, -self.gap))
        else:
            if self._image is None:
                buf = self._argb.reshape(self.rows, self.cols).copy()
                self._image = QImage(buf.data, self.cols, self.rows, self.cols * 4,
                                     QImage.Format.Format_ARGB32).copy()
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(self.rect, self._image)
        if self.marked is not None and 0 <= self.marked < self.count:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(C.INK), 2.5))
            p.drawRect(self.cell_rect(self.marked).adjusted(-2, -2, 2, 2))


class LinkItem(QGraphicsItem):
    """An inter-site link: a line whose dashes move in the direction of the flow; red
    dashed when cut, amber when degraded, grey when nothing flows."""

    def __init__(self, link: str, a: QPointF, b: QPointF, title: str) -> None:
        super().__init__()
        self.node_id = f"link:{link}"
        self.link = link
        self.a, self.b = a, b
        self.title = title
        self.detail = ""
        self.colour = C.GREY
        self.style = "solid"  # solid | flow | cut
        self.direction = 1  # +1: a → b, -1: b → a, 0: none
        self.phase = 0.0
        self.width = 6.0
        self.flash = False
        self.setZValue(6)
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return QRectF(self.a, self.b).normalized().adjusted(0, -40, 0, 56)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(self.a, self.b).normalized().adjusted(0, -14, 0, 14))
        return path

    def set_state(self, colour: str, style: str, direction: int, detail: str) -> None:
        if (colour, style, direction, detail) != (self.colour, self.style, self.direction,
                                                  self.detail):
            self.colour, self.style, self.direction, self.detail = (colour, style, direction,
                                                                    detail)
            self.update()

    def animate(self, step: float) -> None:
        if self.style == "flow" and self.direction:
            self.phase = (self.phase - step * self.direction) % 24.0
            self.update()

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        colour = QColor(self.colour)
        if self.isSelected() or self.flash:
            p.setPen(QPen(QColor(C.ACCENT), self.width + 8, Qt.PenStyle.SolidLine,
                          Qt.PenCapStyle.RoundCap))
            p.drawLine(self.a, self.b)
        # a pale base line, then the moving dashes on top
        base = QColor(colour)
        base.setAlpha(70 if self.style != "cut" else 0)
        p.setPen(QPen(base, self.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        p.drawLine(self.a, self.b)
        pen = QPen(colour, self.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        if self.style == "flow":
            pen.setDashPattern([2.5, 1.5])
            pen.setDashOffset(self.phase / self.width)
        elif self.style == "cut":
            pen.setDashPattern([1.2, 1.2])
        p.setPen(pen)
        p.drawLine(self.a, self.b)
        mid = (self.a + self.b) / 2
        if self.direction and self.style != "cut":
            s = 13.0 * self.direction
            tri = QPolygonF([QPointF(mid.x() + s, mid.y()), QPointF(mid.x() - s, mid.y() - 11),
                             QPointF(mid.x() - s, mid.y() + 11)])
            p.setBrush(colour)
            p.setPen(QPen(QColor("#ffffff"), 2))
            p.drawPolygon(tri)
        if self.style == "cut":
            box = QRectF(mid.x() - 34, mid.y() - 15, 68, 30)
            p.setBrush(QColor(C.RED))
            p.setPen(QPen(QColor("#ffffff"), 2))
            p.drawRoundedRect(box, 6, 6)
            p.setFont(font(14, True))
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "CUT")
        p.setPen(QColor(C.INK))
        p.setFont(font(14, True))
        top = QRectF(min(self.a.x(), self.b.x()), mid.y() - 38, abs(self.b.x() - self.a.x()), 20)
        p.drawText(top, int(Qt.AlignmentFlag.AlignCenter), self.title)
        p.setFont(font(12))
        p.setPen(QColor(C.INK_SOFT if self.style != "cut" else C.RED))
        for k, line in enumerate(self.detail.split("\n")[:2]):
            bottom = QRectF(top.left(), mid.y() + 16 + 17 * k, top.width(), 18)
            p.drawText(bottom, int(Qt.AlignmentFlag.AlignCenter), line)


class WireItem(QGraphicsItem):
    """A plain cable (ToR → router, router → clients); thick green when it carries the
    service addresses."""

    def __init__(self, points: list[QPointF]) -> None:
        super().__init__()
        self.points = points
        self.colour = C.GREY
        self.width = 2.0
        self.dashed = False
        self.label = ""
        self.setZValue(1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return QPolygonF(self.points).boundingRect().adjusted(-90, -12, 90, 12)

    def set_state(self, colour: str, width: float, dashed: bool, label: str = "") -> None:
        if (colour, width, dashed, label) != (self.colour, self.width, self.dashed, self.label):
            self.colour, self.width, self.dashed, self.label = colour, width, dashed, label
            self.update()

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(QColor(self.colour), self.width, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QPolygonF(self.points))
        if self.label:
            mid = (self.points[0] + self.points[1]) / 2
            p.setFont(font(12, True))
            w = p.fontMetrics().horizontalAdvance(self.label) + 16
            box = QRectF(mid.x() - w / 2, mid.y() - 11, w, 22)
            p.setBrush(QColor(self.colour))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(box, 11, 11)
            p.setPen(QColor("#ffffff"))
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self.label)


class CloudItem(BoxItem):
    """The clients, drawn as a cloud."""

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = self.rect
        path = QPainterPath()
        w, h = r.width(), r.height()
        for cx, cy, rw, rh in ((0.28, 0.6, 0.24, 0.36), (0.5, 0.42, 0.28, 0.42),
                               (0.72, 0.58, 0.24, 0.36), (0.5, 0.68, 0.38, 0.3)):
            blob = QPainterPath()
            blob.addEllipse(QPointF(r.left() + cx * w, r.top() + cy * h), rw * w, rh * h)
            path = path.united(blob)
        p.setBrush(QColor(self.look.fill))
        p.setPen(QPen(QColor(self.look.border), 2.5))
        p.drawPath(path)
        p.setPen(QColor(self.look.text))
        p.setFont(font(18, True))
        p.drawText(r.adjusted(0, 4, 0, -h * 0.3), int(Qt.AlignmentFlag.AlignCenter), self.title)
        p.setFont(font(14, True))
        p.drawText(r.adjusted(0, h * 0.45, 0, -6), int(Qt.AlignmentFlag.AlignCenter),
                   self.look.subtitle)
        if self.isSelected() or self.flash:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(C.ACCENT), 3.5))
            p.drawPath(path)


class TextItem(QGraphicsItem):
    """A static caption in the scene (site names, the distance, the legend)."""

    def __init__(self, rect: QRectF, text: str, px: int = 12, bold: bool = False,
                 colour: str = C.INK_SOFT,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> None:
        super().__init__()
        self.rect, self.text, self.px, self.bold, self.colour = rect, text, px, bold, colour
        self.align = align
        self.setZValue(3)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        return self.rect

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        p.setPen(QColor(self.colour))
        p.setFont(font(self.px, self.bold))
        p.drawText(self.rect, int(self.align | Qt.AlignmentFlag.AlignVCenter), self.text)


LEGEND = (
    ("Workloads", (("running", C.GREEN), ("starting", C.AMBER), ("failed", C.RED),
                   ("stopped", C.GREY))),
    ("Nodes", (("in cloud group", C.NODE), ("no group", C.NODE_IDLE),
               ("failed", C.RED), ("quiesced", "hatch"))),
    ("Volumes", (("in sync", C.GREEN), ("copying", C.ACCENT), ("stale", C.AMBER),
                 ("inconsistent", C.RED), ("failed over", C.PURPLE))),
    ("Links", (("replicating", C.ACCENT), ("degraded", C.ORANGE), ("cut", C.RED),
               ("idle", C.GREY))),
)


class Legend(QWidget):
    """What the colours mean: a strip of swatches under the topology that wraps to the
    width it is given."""

    SW = 14  # swatch size, pixels
    MARGIN = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._height = 30

    def _tokens(self) -> list[tuple[str, str, int]]:
        """(kind, text or colour, width) in reading order; kind is head or swatch."""
        fm = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        fmb = QFontMetrics(bold)
        out: list[tuple[str, str, int]] = []
        for heading, swatches in LEGEND:
            out.append(("head", heading, fmb.horizontalAdvance(heading) + 10))
            for name, colour in swatches:
                out.append(("swatch", f"{colour}|{name}",
                            self.SW + 5 + fm.horizontalAdvance(name) + 11))
        return out

    def _place(self, width: int) -> list[tuple[str, str, int, int]]:
        x, y = self.MARGIN, 0
        line_h = max(QFontMetrics(self.font()).height(), self.SW) + 6
        placed = []
        tokens = self._tokens()
        for i, (kind, text, w) in enumerate(tokens):
            need = w + (tokens[i + 1][2] if kind == "head" and i + 1 < len(tokens) else 0)
            if kind == "head" and x > self.MARGIN:
                need += 10
                x += 10
            if x + need > width - self.MARGIN and x > self.MARGIN:
                x, y = self.MARGIN, y + line_h
            placed.append((kind, text, x, y))
            x += w
        self._height = y + line_h + 8
        return placed

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt)
        self._place(width)
        return self._height

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(900, self.heightForWidth(max(self.width(), 300)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        h = self.heightForWidth(self.width())
        if h != self.height():
            self.setFixedHeight(h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(C.PAPER))
        p.setPen(QColor(C.GREY_SOFT))
        p.drawLine(0, 0, self.width(), 0)
        fm = QFontMetrics(self.font())
        line_h = max(fm.height(), self.SW) + 6
        bold = QFont(self.font())
        bold.setBold(True)
        for kind, text, x, y in self._place(self.width()):
            top = y + 5
            if kind == "head":
                p.setFont(bold)
                p.setPen(QColor(C.INK))
                p.drawText(QRectF(x, top, 400, line_h), int(Qt.AlignmentFlag.AlignVCenter),
                           text)
                continue
            colour, name = text.split("|", 1)
            sw = QRectF(x, top + (line_h - self.SW) / 2, self.SW, self.SW)
            p.setPen(QPen(QColor(C.FRAME), 1))
            p.setBrush(QColor(C.NODE if colour == "hatch" else colour))
            p.drawRect(sw)
            if colour == "hatch":
                p.setBrush(QBrush(QColor(0, 0, 0, 150), Qt.BrushStyle.BDiagPattern))
                p.drawRect(sw)
            p.setFont(self.font())
            p.setPen(QColor(C.INK_SOFT))
            p.drawText(QRectF(x + self.SW + 5, top, 400, line_h),
                       int(Qt.AlignmentFlag.AlignVCenter), name)


# -- the scene ------------------------------------------------------------------------------

class TopologyScene(QGraphicsScene):
    """Shows a live tooltip (from ``describe``) for whatever is under the mouse."""

    def __init__(self, describe: Callable[[QGraphicsItem, QPointF], str]) -> None:
        super().__init__()
        self._describe = describe

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 (Qt)
        view = self.views()[0] if self.views() else None
        transform = view.transform() if view else None
        text = ""
        if transform is not None:
            # the topmost item that stands for a node (overlays and captions don't)
            for item in self.items(event.scenePos(), Qt.ItemSelectionMode.IntersectsItemShape,
                                   Qt.SortOrder.DescendingOrder, transform):
                if getattr(item, "node_id", None):
                    text = self._describe(item, event.scenePos())
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


class DegradeDialog(QDialog):
    """Latency, bandwidth and loss for a degraded link."""

    def __init__(self, link: str, bandwidth_mbps: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Degrade the {link.upper()} link")
        form = QFormLayout(self)
        form.addRow(QLabel(f"The {link.upper()} link runs at {bandwidth_mbps:,.0f} Mb/s. "
                           "Injected as an instructor's fault."))
        self.latency = QDoubleSpinBox(suffix=" ms", maximum=1000, decimals=1, value=20)
        self.bandwidth = QDoubleSpinBox(suffix=" Mb/s", minimum=0.1, maximum=1e6,
                                        decimals=1, value=max(0.1, bandwidth_mbps / 4))
        self.loss = QDoubleSpinBox(suffix=" %", maximum=100, decimals=1, value=0)
        form.addRow("Added latency (one way)", self.latency)
        form.addRow("Bandwidth", self.bandwidth)
        form.addRow("Packet loss", self.loss)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[float, float, float]:
        return self.latency.value(), self.bandwidth.value(), self.loss.value()


class SurgeDialog(QDialog):
    """Write rate and duration of a write surge."""

    def __init__(self, workload: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Surge the writes of {workload}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"{workload} writes at this rate, then returns to normal."))
        self.rate = QDoubleSpinBox(suffix=" MB/s", minimum=0.1, maximum=100_000, decimals=1,
                                   value=200)
        self.minutes = QDoubleSpinBox(suffix=" min", minimum=0.1, maximum=24 * 60, decimals=1,
                                      value=10)
        form.addRow("Write rate", self.rate)
        form.addRow("Duration", self.minutes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[float, float]:
        return self.rate.value(), self.minutes.value() * 60.0


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
        self.ask_degrade: Callable[[str], tuple[float, float, float] | None] = \
            self._ask_degrade
        self.ask_surge: Callable[[str], tuple[float, float] | None] = self._ask_surge
        self.exec_menu: Callable[[QMenu, QPoint], Any] = lambda menu, pos: menu.exec(pos)

        self.banner = QLabel("SPLIT BRAIN — both racks advertise the service IP addresses",
                             self.viewport())
        self.banner.setObjectName("splitBrainBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
        self._flashing: QGraphicsItem | None = None

        self._scene.selectionChanged.connect(self._on_selection)
        controller.scenarioLoaded.connect(self.rebuild)
        controller.frame.connect(self.refresh)
        controller.actionResult.connect(self._on_result)
        self.rebuild()

    # -- building (once per scenario) ---------------------------------------------------------

    def rebuild(self) -> None:
        """Build the scene from ``controller.twin.graph``."""
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
        twin = self.controller.twin
        g = twin.graph
        racks = list(twin.system.rack_names)
        n_wl = sum(1 for _, d in g.nodes(data=True) if d["type"] == "workload")
        big = max(r.compute_nodes for r in twin.system.racks) > 24 or n_wl > 9
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
        self._volume_ids = {r: [""] * len(twin.volume_names) for r in racks}
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
        twin = self.controller.twin
        g = twin.graph
        d = g.nodes[f"rack:{rack}"]
        cfg = twin.system.rack(rack)
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
        twin = self.controller.twin
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
            site = twin.graph.nodes[f"rack:{rack}"].get("site", "")
            label = {"site-a": "SITE A", "site-b": "SITE B"}.get(site, site.upper())
            self._add(TextItem(QRectF(lay.x + 4, RACK_TOP - 32, self.rack_w / 2 - 20, 26), label, 15,
                               True, C.INK_SOFT, Qt.AlignmentFlag.AlignLeft))

    def _build_links(self, racks: list[str]) -> None:
        twin = self.controller.twin
        a, b = racks
        la, lb = self._layouts[a], self._layouts[b]
        v7a = self.node_items[f"v7000:{a}"].boundingRect()
        mga = self.node_items[f"mgmt:{a}:0"].boundingRect()
        y_fc = v7a.top() + 24
        y_ip = mga.center().y()
        xa, xb = la.rect.right(), lb.rect.left()
        fc_edge = twin.graph.edges[f"v7000:{a}", f"v7000:{b}"]
        ip_edge = twin.graph.edges[f"mgmt:{a}:0", f"mgmt:{b}:0"]
        self._link_rtt = {"fc": 2 * fc_edge.get("one_way_delay_s", 0.0),
                          "ip": 2 * ip_edge.get("one_way_delay_s", 0.0)}
        fc = LinkItem("fc", QPointF(xa, y_fc), QPointF(xb, y_fc), "FC · SAN replication")
        ip = LinkItem("ip", QPointF(xa, y_ip), QPointF(xb, y_ip), "IP · management cloning")
        self._add(fc, "link:fc")
        self._add(ip, "link:ip")
        mid_y = (y_ip + y_fc) / 2
        dist = float(twin.system.distance_km)
        self._add(TextItem(QRectF(xa, mid_y - 34, xb - xa, 40), f"{dist:,.0f} km", 32, True,
                           C.INK))
        self._add(TextItem(QRectF(xa, mid_y + 6, xb - xa, 22), "between the sites", 14,
                           False, C.INK_SOFT))

    # -- per-frame update --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recolour the existing items from the twin's state (no scene rebuild)."""
        if not self._layouts:
            return
        twin = self.controller.twin
        st = self.controller.state()
        racks = list(twin.system.rack_names)
        for rack in racks:
            self._refresh_rack(rack, st)
        self._refresh_links(st, racks)
        self._refresh_workloads(st)
        self._refresh_volumes(st, racks)
        split = bool(st["service"]["split_brain"])
        if split != self.banner.isVisible():
            self.banner.setVisible(split)
            self._place_overlays()
            if self.auto_fit:
                self.fit()
        avail = bool(st["service"]["available"])
        clients = self.node_items["clients"]
        assert isinstance(clients, CloudItem)
        clients.set_look(Look(C.GREEN_SOFT if avail and not split else C.RED_SOFT,
                              C.GREEN if avail and not split else C.RED, C.INK,
                              "SPLIT BRAIN" if split else
                              ("service available" if avail else "service DOWN")))
        if self.details.isVisible() and self._selected:
            self._show_details(self._selected)

    def _refresh_rack(self, rack: str, st: dict[str, Any]) -> None:
        twin = self.controller.twin
        rs = st["racks"][rack]
        lost = rs["status"] == "lost"
        role = rs.get("role") or "none"
        rack_item = self.node_items[f"rack:{rack}"]
        assert isinstance(rack_item, RackItem)
        rack_item.set_rack_state("" if role == "none" else role.upper(), lost,
                                 bool(rs["advertising"]))
        self.lost[rack].setVisible(lost)
        nodes = twin.workloads.nodes[rack]
        in_cg = nodes.in_cloud_groups
        adding = nodes.adding
        for c in range(nodes.total):
            item = self.node_items.get(f"compute:{rack}:{c}")
            if not isinstance(item, BoxItem):
                continue
            if c in nodes.failed:
                look = Look(C.RED, C.RED, "#ffffff", bold=True)
            elif c < in_cg:
                look = Look(C.NODE, "#0043ce", "#ffffff", hatch=nodes.quiesced)
            elif c < in_cg + adding:
                look = Look(C.BLUE_SOFT, C.NODE, C.INK, dashed=True, hatch=nodes.quiesced)
            else:
                look = Look(C.NODE_IDLE, C.GREY, C.INK_SOFT, dashed=True, hatch=nodes.quiesced)
            item.set_look(look)
        cg = self.node_items[f"cloudgroup:{rack}:production"]
        assert isinstance(cg, BoxItem)
        active = in_cg > 0
        sub = f"{in_cg}/{nodes.total} nodes" + (" · QUIESCED" if nodes.quiesced else "")
        cg.set_look(Look("#f7faff" if active else C.PAPER, C.ACCENT if active else C.GREY,
                         C.INK if active else C.INK_SOFT, sub, dashed=not active))
        failed_mgmt = int(rs.get("management_nodes_failed", 0))
        for m in range(2):
            item = self.node_items[f"mgmt:{rack}:{m}"]
            assert isinstance(item, BoxItem)
            if m < failed_mgmt:
                item.set_look(Look(C.RED, C.RED, "#ffffff", "failed"))
            else:
                item.set_look(Look(C.PAPER, C.FRAME, C.INK, "active" if m == failed_mgmt
                                   else "standby"))
        tor_ok = bool(rs["tor_configured"])
        tor_busy = bool(rs.get("tor_configuring"))
        for t in range(2):
            item = self.node_items[f"tor:{rack}:{t}"]
            assert isinstance(item, BoxItem)
            if tor_ok:
                item.set_look(Look(C.PAPER, C.FRAME, C.INK, "ready"))
            elif tor_busy:
                item.set_look(Look("#fcf4d6", C.AMBER, C.INK, "configuring", dashed=True))
            else:
                item.set_look(Look(C.PAPER, C.GREY, C.INK_SOFT, "not set up", dashed=True))
        for nid, item in self.node_items.items():
            if (nid.startswith(f"vlan:{rack}:") or nid == f"ippool:{rack}") \
                    and isinstance(item, BoxItem):
                item.set_look(Look(C.BLUE_SOFT if active else C.GREY_SOFT,
                                   C.ACCENT if active else C.GREY, C.INK))
        v7 = self.node_items[f"v7000:{rack}"]
        assert isinstance(v7, BoxItem)
        if rs.get("storage_failed"):
            v7.set_look(Look(C.RED_SOFT, C.RED, C.INK, border_w=3))
        else:
            src = rs.get("replication_source")
            v7.set_look(Look(C.PAPER, C.ACCENT if src else C.FRAME, C.INK,
                             border_w=2.5 if src else 1.2))
        router = self.node_items[f"router:{rack}"]
        assert isinstance(router, BoxItem)
        adv = bool(rs["advertising"])
        converging = bool(rs.get("routes_converging"))
        pool = twin.system.rack(rack).ip_pool
        if lost:
            router.set_look(Look(C.GREY_SOFT, C.GREY, C.INK_SOFT, "unreachable"))
        elif adv:
            router.set_look(Look(C.GREEN_SOFT, C.GREEN, C.INK, f"advertises {pool}",
                                 border_w=3))
        else:
            router.set_look(Look(C.PAPER, C.GREY, C.INK_SOFT,
                                 "converging…" if converging else "not advertising"))
        split = bool(st["service"]["split_brain"])
        serve = self.wires[f"serves:{rack}"]
        if adv:
            serve.set_state(C.RED if split else C.GREEN, 8, False)
        else:
            serve.set_state(C.GREY, 2, True)
        self.wires[f"uplink:{rack}"].set_state(C.FRAME if tor_ok else C.GREY,
                                               3 if tor_ok else 2, not tor_ok)

    def _refresh_links(self, st: dict[str, Any], racks: list[str]) -> None:
        rep = st["replication"]
        src, _dst = rep["direction"]
        direction = 1 if src == racks[0] else -1
        for link in ("fc", "ip"):
            item = self.node_items[f"link:{link}"]
            assert isinstance(item, LinkItem)
            ls = st["links"][link]
            rtt_ms = (self._link_rtt[link] * 1000 + 2 * ls.get("extra_latency_ms", 0.0))
            bw = ls.get("bandwidth_mbps") or 0
            bw_text = f"{bw / 1000:g} Gb/s" if bw >= 1000 else f"{bw:g} Mb/s"
            if link == "fc":
                state = rep["state"]
                flowing = state in FLOWING_STATES
                extra = state.replace("_", " ")
                if state == "inconsistent_copying":
                    extra += f" {rep.get('progress', 0) * 100:.0f}%"
            else:
                mstate = st["management"]["state"]
                flowing = mstate not in ("stopped", "disconnected", "idle", "none", None) \
                    and ls["up"]
                extra = f"cloning {mstate}"
            detail = f"{bw_text} · RTT {rtt_ms:.1f} ms\n{extra}"
            if not ls["up"]:
                item.set_state(C.RED, "cut", 0, f"link down\n{extra}")
            elif ls["degraded"]:
                loss = ls.get("loss_pct", 0)
                detail = f"DEGRADED · {bw_text}\nRTT {rtt_ms:.1f} ms" + (
                    f" · {loss:g}% loss" if loss else "")
                item.set_state(C.ORANGE, "flow" if flowing else "solid",
                               direction if flowing else 0, detail)
            elif flowing:
                item.set_state(C.ACCENT if link == "fc" else C.TEAL, "flow", direction, detail)
            else:
                item.set_state(C.GREY, "solid", 0, detail)
            item.animate(2.5)

    def _refresh_workloads(self, st: dict[str, Any]) -> None:
        wls = st["workloads"]
        place = {name: w.get("rack") for name, w in wls.items()}
        if place != self._wl_place:
            self._layout_workloads(place)
        for name, w in wls.items():
            item = self.node_items.get(f"workload:{name}")
            if not isinstance(item, BoxItem):
                continue
            status = w["status"]
            colour = WORKLOAD_COLOURS.get(status, C.GREY)
            text = "#ffffff" if status in ("running", "failed", "stopped") else C.INK
            reach = "" if w.get("reachable") or status != "running" else " · unreachable"
            item.set_look(Look(colour, colour, text, f"{status}{reach}", dashed=bool(reach)))

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

    def _refresh_volumes(self, st: dict[str, Any], racks: list[str]) -> None:
        rep = self.controller.twin.replication
        n = len(self.controller.twin.volume_names)
        if n == 0:
            return
        colours = volume_colours(rep, n)
        failed_over = str(st["replication"]["state"]).startswith("idling")
        for rack in racks:
            grid = self.grids.get(rack)
            if grid is None:
                continue
            rs = st["racks"][rack]
            if rs["status"] == "lost" or rs.get("storage_failed"):
                grid.set_colours(np.full(n, _argb(C.GREY), dtype=np.uint32))
            elif rs.get("replication_source") and not failed_over:
                # the source holds the live copy: replication states describe the target
                grid.set_colours(np.full(n, _STATE_ARGB["consistent_synchronized"],
                                         dtype=np.uint32))
            else:
                grid.set_colours(colours)

    # -- descriptions (tooltips and the details card) -----------------------------------------

    def describe(self, node_id: str) -> str:
        """Rich text: the node's attributes and live state."""
        twin = self.controller.twin
        st = self.controller.state()
        g = twin.graph
        rows: list[tuple[str, Any]] = []
        if node_id.startswith("link:"):
            link = node_id.split(":", 1)[1]
            ls = st["links"][link]
            title = "Fibre Channel link (SAN replication)" if link == "fc" else \
                "IP link (management cloning, trust, monitoring)"
            rows += [("Status", "DOWN (cut)" if not ls["up"] else
                      "degraded" if ls["degraded"] else "up"),
                     ("Distance", f"{twin.system.distance_km:,.0f} km"),
                     ("Bandwidth", f"{ls['bandwidth_mbps']:,.0f} Mb/s"),
                     ("Round trip", f"{self._link_rtt[link] * 1000 + 2 * ls['extra_latency_ms']:.2f} ms"),
                     ("Loss", f"{ls['loss_pct']:g} %")]
            rep = st["replication"]
            if link == "fc":
                rows += [("Replication", rep["state"]),
                         ("Direction", " → ".join(rep["direction"])),
                         ("Throughput", format_rate(rep["throughput_bps"])),
                         ("Lag", format_bytes(rep["lag_bytes"])),
                         ("RPO now", format_duration(rep["rpo_s"]))]
            else:
                m = st["management"]
                rows += [("Management clone", m["state"]), ("Clone lag", format_duration(m["lag_s"]))]
            rows.append(("Right-click", "cut, degrade or restore"))
            return _card(title, rows)
        if node_id not in g and node_id not in self._volume_index:
            return ""
        if node_id.startswith("volume:"):
            return self._describe_volume(node_id)
        d = g.nodes[node_id]
        kind = d["type"]
        rack = d.get("rack")
        rs = st["racks"].get(rack) if rack else None
        title = {"rack": f"Rack {rack}", "compute": f"Compute node {d['label']} · {rack}",
                 "mgmt": f"{d['label']} · {rack}", "v7000": f"V7000 storage · {rack}",
                 "tor": f"{d['label']} switch · {rack}",
                 "cloudgroup": f"Cloud group {d['label']} · {rack}",
                 "vlan": f"{d['label']} · {rack}", "ippool": f"IP pool {d['label']} · {rack}",
                 "router": f"External router · {rack}", "clients": "Clients",
                 "workload": f"Workload {d['label']}"}.get(kind, d.get("label", node_id))
        if kind == "rack" and rs is not None:
            prof = st["profiles"].get(rack)
            cn = rs["compute_nodes"]
            rows += [("Status", rs["status"].upper()), ("Site", d.get("site", "")),
                     ("Model", d.get("model", "")),
                     ("Firmware / fixpack", f"{d.get('firmware')} / {d.get('fixpack')}"),
                     ("Management address", d.get("management_address", "")),
                     ("DR profile", "none" if prof is None else
                      f"{prof['icon']} {prof['state']}, role {prof['role']}"),
                     ("Compute nodes", f"{cn['total']} · {cn['in_cloud_groups']} in cloud groups"
                      f" · {cn['failed']} failed" + (" · quiesced" if cn["quiesced"] else "")),
                     ("Advertises service IP", "yes" if rs["advertising"] else "no"),
                     ("ToR switches", "configured" if rs["tor_configured"] else "not configured"),
                     ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                     ("Data consistent", "yes" if rs["data_consistent"] else "no"),
                     ("Right-click", "lose / restore rack, fail storage or a management node")]
        elif kind == "compute" and rs is not None:
            nodes = twin.workloads.nodes[rack]
            i = int(d.get("index", 0))
            rows += [("Cores", d.get("cores", 16)),
                     ("State", "FAILED" if i in nodes.failed else "healthy"),
                     ("In the cloud group", "yes" if i < nodes.in_cloud_groups else "no"),
                     ("Quiesced", "yes" if nodes.quiesced else "no"),
                     ("Right-click", "fail this node")]
        elif kind == "mgmt" and rs is not None:
            m = st["management"]
            i = int(d.get("index", 0))
            failed = i < int(rs.get("management_nodes_failed", 0))
            rows += [("State", "FAILED" if failed else "healthy"),
                     ("Management data clone", m["state"]),
                     ("Initial copy complete", "yes" if m["initial_copy_complete"] else "no"),
                     ("Clone lag", format_duration(m["lag_s"]))]
        elif kind == "v7000" and rs is not None:
            rep = st["replication"]
            rows += [("Volumes", f"{d.get('volumes', 0):,}"),
                     ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                     ("Role", "replication source" if rs["replication_source"] else "replica"),
                     ("Consistency group", rep["state"]),
                     ("Initial copy complete", "yes" if rep["initial_copy_complete"] else "no"),
                     ("Progress", f"{rep['progress'] * 100:.1f} %"),
                     ("Lag", format_bytes(rep["lag_bytes"])),
                     ("RPO now", format_duration(rep["rpo_s"])),
                     ("Errors", ", ".join(rep["errors"]) or "none")]
        elif kind == "tor" and rs is not None:
            rows += [("Configured for takeover", "yes" if rs["tor_configured"] else
                      ("configuring…" if rs.get("tor_configuring") else "no"))]
        elif kind in ("cloudgroup", "vlan", "ippool") and rs is not None:
            cn = rs["compute_nodes"]
            cfg = twin.system.rack(rack)
            rows += [("Compute nodes in the group", f"{cn['in_cloud_groups']}/{cn['total']}"),
                     ("VLANs", ", ".join(str(v) for v in cfg.vlans)),
                     ("IP pool", cfg.ip_pool)]
        elif kind == "router" and rs is not None:
            rows += [("Advertises the service IPs", "YES" if rs["advertising"] else "no"),
                     ("IP pool", twin.system.rack(rack).ip_pool),
                     ("Routes converging", "yes" if rs.get("routes_converging") else "no")]
        elif kind == "clients":
            rows += [("Service available", "YES" if st["service"]["available"] else "NO"),
                     ("Split brain", "YES" if st["service"]["split_brain"] else "no"),
                     ("Served by", ", ".join(r for r, x in st["racks"].items()
                                             if x["advertising"]) or "nobody")]
        elif kind == "workload":
            name = d["label"]
            w = st["workloads"].get(name, {})
            cfg = next((x for x in twin.system.workloads if x.name == name), None)
            rows += [("Middleware", d.get("middleware", "")), ("Runs on", w.get("rack") or "—"),
                     ("Status", w.get("status", "")),
                     ("Clients reach it", "yes" if w.get("reachable") else "no")]
            if w.get("reason"):
                rows.append(("Why", w["reason"]))
            if d.get("needs"):
                rows.append(("Needs", ", ".join(d["needs"])))
            if cfg is not None:
                rows += [("Volumes", f"{max(1, cfg.volumes)} · {cfg.volume_gb:,.0f} GB"),
                         ("Writes", f"{cfg.write_mb_s:g} MB/s"),
                         ("Restart time", format_duration(cfg.restart_s))]
            rows.append(("Right-click", "surge its writes"))
        return _card(title, rows)

    def _describe_volume(self, node_id: str) -> str:
        twin = self.controller.twin
        i = self._volume_index[node_id]
        rep = twin.replication
        rack = node_id.split(":")[1]
        rows: list[tuple[str, Any]] = [("Rack", rack)]
        try:
            rows += [("State", rep.states_per_volume()[i]),
                     ("Lag", format_bytes(float(rep.lag_bytes_per_volume()[i]))),
                     ("RPO", format_duration(float(rep.rpo_s_per_volume()[i]))),
                     ("Progress", f"{float(rep.progress_per_volume()[i]) * 100:.1f} %")]
        except (AttributeError, IndexError):
            pass
        d = twin.graph.nodes.get(node_id, {})
        if d.get("size_bytes"):
            rows.append(("Size", format_bytes(d["size_bytes"])))
        return _card(f"Volume {twin.volume_names[i]}", rows)

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
        for grid in self.grids.values():
            if grid.marked is not None:
                grid.marked = None
                grid.update()
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
        self._start_flash(item)
        return True

    def _start_flash(self, item: QGraphicsItem) -> None:
        self._end_flash()
        if hasattr(item, "flash"):
            item.flash = True  # type: ignore[attr-defined]
            item.update()
            self._flashing = item
            self._flash_timer.start(1200)

    def _end_flash(self) -> None:
        if self._flashing is not None:
            self._flashing.flash = False  # type: ignore[attr-defined]
            self._flashing.update()
            self._flashing = None

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
        twin = self.controller.twin
        st = self.controller.state()
        menu = QMenu(parent or self)
        menu.setObjectName("faultMenu")
        kind = node_id.split(":", 1)[0]
        if kind == "link":
            link = node_id.split(":", 1)[1]
            ls = st["links"][link]
            name = link.upper()
            self._heading(menu, f"{name} link")
            self._entry(menu, f"Cut the {name} link", A.CutLink(link=link), ls["up"])
            act = menu.addAction(f"Degrade the {name} link…")
            act.triggered.connect(lambda: self._degrade(link))
            self._entry(menu, f"Restore the {name} link", A.RestoreLink(link=link),
                        not ls["up"] or ls["degraded"])
            return menu
        rack = node_id.split(":")[1] if ":" in node_id else None
        if kind == "workload":
            name = node_id.split(":", 1)[1]
            self._heading(menu, f"Workload {name}")
            act = menu.addAction(f"Surge the writes of {name}…")
            act.triggered.connect(lambda: self._surge(name))
            return menu
        if kind == "compute" and rack is not None:
            i = int(node_id.split(":")[2])
            failed = i in twin.workloads.nodes[rack].failed
            self._heading(menu, f"Compute node {i + 1:02d} · {rack}")
            self._entry(menu, f"Fail compute node {i + 1:02d}",
                        A.FailComputeNode(rack=rack, node=i), not failed)
        if kind == "volume" and rack is not None:
            rack = node_id.split(":")[1]
        if rack is not None and rack in st["racks"]:
            rs = st["racks"][rack]
            up = rs["status"] == "up"
            self._heading(menu, f"Rack {rack}")
            self._entry(menu, f"Lose rack {rack} (site disaster)", A.LoseRack(rack=rack), up)
            self._entry(menu, f"Restore rack {rack}", A.RestoreRack(rack=rack), not up)
            self._entry(menu, f"Fail the V7000 storage of {rack}", A.FailStorage(rack=rack),
                        up and not rs["storage_failed"])
            self._entry(menu, f"Fail a management node of {rack}",
                        A.FailManagementNode(rack=rack),
                        up and rs.get("management_nodes_failed", 0) < 2)
        return menu

    @staticmethod
    def _heading(menu: QMenu, text: str) -> None:
        """A bold, inert heading (QMenu sections lose their text under a style sheet)."""
        if menu.actions():
            menu.addSeparator()
        act = menu.addAction(text)
        f = act.font()
        f.setBold(True)
        act.setFont(f)
        act.setEnabled(False)
        act.setProperty("heading", True)

    def _entry(self, menu: QMenu, text: str, action: A.Action, enabled: bool) -> None:
        act = menu.addAction(text)
        act.setEnabled(enabled)
        act.setData(action.do)
        act.triggered.connect(lambda: self.controller.apply(action))

    def _degrade(self, link: str) -> None:
        values = self.ask_degrade(link)
        if values is None:
            return
        latency, bandwidth, loss = values
        self.controller.apply(A.DegradeLink(link=link, latency_ms=latency,
                                            bandwidth_mbps=bandwidth, loss_pct=loss))

    def _surge(self, workload: str) -> None:
        values = self.ask_surge(workload)
        if values is None:
            return
        rate, seconds = values
        self.controller.apply(A.SurgeWrites(workload=workload, write_mb_s=rate, for_=seconds))

    def _ask_degrade(self, link: str) -> tuple[float, float, float] | None:
        bw = float(self.controller.state()["links"][link]["bandwidth_mbps"])
        dlg = DegradeDialog(link, bw, self)
        return dlg.values() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def _ask_surge(self, workload: str) -> tuple[float, float] | None:
        dlg = SurgeDialog(workload, self)
        return dlg.values() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt)
        nid = self.node_at(QPointF(event.pos()))
        if nid is None:
            return
        if not nid.startswith("volume:"):
            self.highlight(nid)
        menu = self.fault_menu(nid)
        if menu.actions():
            self.exec_menu(menu, event.globalPos())
        menu.deleteLater()

    def _on_result(self, res: Any) -> None:
        if not getattr(res, "ok", True):
            self.show_toast(f"Refused: {res.text}")

    def show_toast(self, text: str, ms: int = 7000) -> None:
        """A non-modal message at the bottom of the view (refusals)."""
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
            reserve = min(self.banner.sizeHint().height() + 20, vh // 3)
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

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        if event.key() == Qt.Key.Key_Escape:
            self._scene.clearSelection()
            self.details.hide()
            return
        super().keyPressEvent(event)

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
            self.banner.adjustSize()
            w = min(vw - 24, max(self.banner.sizeHint().width(), int(vw * 0.6)))
            self.banner.setFixedWidth(max(100, w))
            self.banner.move((vw - self.banner.width()) // 2, 12)
            self.banner.raise_()
        if self.toast.isVisible():
            self.toast.move((vw - self.toast.width()) // 2, vh - self.toast.height() - 16)
        if self.details.isVisible():
            self.details.setMaximumWidth(max(260, min(420, vw // 2)))
            self.details.adjustSize()
            top = 12 + (self.banner.height() + 8 if self.banner.isVisible() else 0)
            self.details.move(12, top)


# -- helpers ------------------------------------------------------------------------------------

def _argb(hex_colour: str) -> int:
    return int(QColor(hex_colour).rgba())


_STATE_ARGB: dict[str, int] = {}


def volume_colours(rep: Any, n: int) -> np.ndarray:
    """ARGB per volume of the replication target: the state's colour; a synchronised
    volume turns amber (the legend's "stale") when its RPO exposure passes 1 s."""
    if not _STATE_ARGB:
        _STATE_ARGB.update({k: _argb(v) for k, v in VOLUME_STATE_COLOURS.items()})
        _STATE_ARGB[""] = _argb(C.GREY)
    try:
        states = rep.states_per_volume()
    except AttributeError:
        states = [rep.state] * n
    first = states[0] if len(states) else ""
    if all(s == first for s in states):
        out = np.full(n, _STATE_ARGB.get(first, _STATE_ARGB[""]), dtype=np.uint32)
        uniform_sync = first == "consistent_synchronized"
    else:
        out = np.fromiter((_STATE_ARGB.get(s, _STATE_ARGB[""]) for s in states),
                          dtype=np.uint32, count=n)
        uniform_sync = False
    try:
        rpo = np.asarray(rep.rpo_s_per_volume(), dtype=float)
    except AttributeError:
        return out
    if rpo.shape[0] != n:
        return out
    sync = np.ones(n, dtype=bool) if uniform_sync else np.fromiter(
        (s == "consistent_synchronized" for s in states), dtype=bool, count=n)
    out[sync & (rpo > 1.0)] = _argb(C.AMBER)  # the legend's "stale": behind by over 1 s
    return out


def _card(title: str, rows: list[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><td style='color:{C.INK_SOFT}; padding-right:12px'>{html.escape(str(k))}</td>"
        f"<td><b>{html.escape(str(v))}</b></td></tr>" for k, v in rows)
    return (f"<div style='font-size:11pt'><b style='font-size:12pt'>{html.escape(title)}</b>"
            f"<table style='margin-top:4px'>{body}</table></div>")
