"""The legend under the topology: what the colours mean, a strip of swatches that wraps
to the width it is given."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.theme import REPLICATION, WORKLOAD, C, legend_swatches


def legend() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(heading, ((label, colour or "hatch"), ...)) in reading order: the workloads' and
    the volumes' swatches are the theme's state maps, so a new state shows here too."""
    return (
        ("Workloads", legend_swatches(WORKLOAD)),
        ("Nodes", (("in cloud group", C.NODE), ("no group", C.NODE_IDLE),
                   ("failed", C.RED), ("quiesced", "hatch"))),
        ("Volumes", legend_swatches(REPLICATION)),
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
        for heading, swatches in legend():
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

