"""The topology's graphics items: one class per kind of thing drawn (a box for a node, the
rack frame, a cloud group, the volume grid of a V7000, an inter-site link, a cable, the
clients' cloud, a caption). Items only paint what they are told: ``set_look`` and
``set_state`` take values computed by ``app/topology/looks.py`` from the state document,
and an item repaints only when its look actually changed. Sizes are in scene units
(about pixels at 100 %)."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.theme import ROLE, C
from app.topology.looks import Look

# layout, in scene units
RACK_W = 350.0
RACK_W_BIG = 470.0  # many compute nodes or workloads: wider, so fewer rows
GAP = 230.0
PAD = 12.0
HEADER_H = 64.0
RACK_TOP = 124.0

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
        """``role`` is the badge's text (``PRIMARY``, ``BACKUP``; empty for none)."""
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
            colour = ROLE.get(self.role.lower(), ROLE["none"]).colour
            p.setFont(font(14, True))
            w = p.fontMetrics().horizontalAdvance(self.role) + 24
            badge = QRectF(right - w, r.top() + 8, w, 26)
            p.setBrush(QColor(colour))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(badge, 13, 13)
            p.setPen(QColor(C.PAPER))
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
            p.setPen(QColor(C.PAPER))
            p.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
            info_right = badge.left() - 8
        p.setPen(QColor(C.PAPER))
        p.setFont(font(24, True))
        p.drawText(QRectF(r.left() + 14, r.top() + 4, r.width() - 140, 32),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        p.setFont(font(13))
        p.setPen(QColor(C.LINE))
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
        p.setPen(QPen(QColor(C.PAPER), 3))
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

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 (Qt)
        """A click on a cell is the view's (it selects that volume): taken here, so the
        V7000 box under the grid does not take the selection (and its card) back."""
        if event.button() == Qt.MouseButton.LeftButton \
                and self.cell_at(event.scenePos()) is not None:
            event.accept()
        else:
            event.ignore()

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
            p.setPen(QPen(QColor(C.PAPER), 2))
            p.drawPolygon(tri)
        if self.style == "cut":
            box = QRectF(mid.x() - 34, mid.y() - 15, 68, 30)
            p.setBrush(QColor(C.RED))
            p.setPen(QPen(QColor(C.PAPER), 2))
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
            p.setPen(QColor(C.PAPER))
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

