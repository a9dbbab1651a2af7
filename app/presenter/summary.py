"""The end summary as one page (issue 11): the verdict badge, RPO and RTO achieved against
the objectives, the data lost and, where the scenario gives penalty rates, what the
disaster cost. Drawn from ``controller.summary()`` (twin/summary.py, the same figures as
the after-action report's summary section); exported as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.format import format_bytes, format_clock, format_duration, format_money
from app.theme import DEFAULT, C, Theme

PAGE_SIZE = (960, 600)
VERDICT = {"met": ("✓  OBJECTIVES MET", C.GREEN_DARK, C.GREEN_SOFT),
           "missed": ("✗  OBJECTIVES MISSED", C.RED_DARK, C.RED_SOFT),
           "not measured": ("NOT MEASURED", C.INK_SOFT, C.LAYER),
           "no objectives": ("NO OBJECTIVES SET", C.INK_SOFT, C.LAYER)}


def achieved_text(row: dict[str, Any]) -> str:
    if row["achieved_s"] is not None:
        return format_duration(row["achieved_s"])
    if row["unbounded"]:
        return "unbounded"
    return "not restored" if row["still_down"] else "—"


def met_text(met: bool | None) -> tuple[str, str]:
    return {True: ("✓ met", C.GREEN_DARK), False: ("✗ missed", C.RED)}.get(
        met, ("not measured", C.INK_SOFT))  # type: ignore[arg-type]


class SummaryPage(QFrame):
    """One page: the figures of ``summary`` (twin/summary.py end_summary)."""

    def __init__(self, summary: dict[str, Any], theme: Theme = DEFAULT,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryPage")
        self.summary = summary
        pt = theme.font_pt * 1.25
        self.setStyleSheet(
            f"QFrame#summaryPage {{ background: {C.PAPER}; border: 2px solid {C.FRAME};"
            f" border-radius: 12px; }} QLabel {{ color: {C.INK}; font-size: {pt:.1f}pt; }}"
            f" QLabel[role=head] {{ color: {C.INK}; font-size: {pt * 0.8:.1f}pt;"
            f" font-weight: bold; }}"
            f" QLabel[role=big] {{ font-size: {pt * 1.6:.1f}pt; font-weight: bold; }}")
        box = QVBoxLayout(self)
        box.setContentsMargins(36, 28, 36, 28)
        box.setSpacing(14)
        title = QLabel(str(summary.get("scenario") or "Summary"))
        title.setObjectName("summaryTitle")
        title.setStyleSheet(f"font-size: {pt * 1.3:.1f}pt; font-weight: bold;")
        title.setWordWrap(True)
        sub = QLabel(f"How it ended, at T+{format_clock(summary['end_s'])} of simulated time")
        sub.setStyleSheet(f"color: {C.INK_SOFT};")
        word, ink, bg = VERDICT[summary["verdict"]]
        self.badge = QLabel(word)
        self.badge.setObjectName("summaryVerdict")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setStyleSheet(
            f"color: {ink}; background: {bg}; border: 3px solid {ink}; border-radius: 10px;"
            f" padding: 8px 22px; font-size: {pt * 1.4:.1f}pt; font-weight: bold;")
        head = QGridLayout()
        head.addWidget(title, 0, 0)
        head.addWidget(sub, 1, 0)
        head.addWidget(self.badge, 0, 1, 2, 1, Qt.AlignmentFlag.AlignRight)
        head.setColumnStretch(0, 1)
        box.addLayout(head)

        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(10)
        for col, text in enumerate(("", "objective", "achieved", "")):
            grid.addWidget(self._label(text, "head"), 0, col)
        self.values: dict[str, QLabel] = {}
        row = 1
        for r in summary["objectives"]:
            verdict, colour = met_text(r["met"])
            grid.addWidget(self._label(r["name"], "big"), row, 0)
            grid.addWidget(self._label(format_duration(r["objective_s"])), row, 1)
            self.values[r["name"]] = self._label(achieved_text(r), "big")
            grid.addWidget(self.values[r["name"]], row, 2)
            mark = self._label(verdict)
            mark.setStyleSheet(f"color: {colour}; font-weight: bold;")
            grid.addWidget(mark, row, 3)
            row += 1
        if not summary["objectives"]:
            grid.addWidget(self._label("The scenario sets no RPO or RTO objective."), row, 0,
                           1, 4)
            row += 1
        loss = summary["data_loss_bytes"]
        grid.addWidget(self._label("Data lost", "big"), row, 0)
        self.values["data lost"] = self._label(format_bytes(loss) if loss else "none", "big")
        grid.addWidget(self.values["data lost"], row, 2)
        grid.addWidget(self._label("written, never on the backup"), row, 3)
        grid.setColumnStretch(3, 1)
        box.addLayout(grid)

        cost = summary.get("cost")
        if cost is not None:
            box.addWidget(self._rule())
            cur = cost["currency"]
            if cost["total"] is None:
                text = f"What the disaster cost: —   ({cost['why']})"
                self.values["cost"] = self._label(text)
                self.values["cost"].setWordWrap(True)
                box.addWidget(self.values["cost"])
            else:
                so_far = " so far" if cost["so_far"] else ""
                line = QGridLayout()
                line.addWidget(self._label(f"What the disaster cost{so_far}", "big"), 0, 0)
                self.values["cost"] = self._label(format_money(cost["total"], cur), "big")
                self.values["cost"].setStyleSheet(f"color: {C.RED_DARK};")
                line.addWidget(self.values["cost"], 0, 1, Qt.AlignmentFlag.AlignRight)
                detail = (f"Outage {format_duration(cost['outage_hours'] * 3600)} × "
                          f"{format_money(cost['outage_per_hour'], cur)} an hour = "
                          f"{format_money(cost['outage'], cur)}\n"
                          f"Data lost: {format_duration(cost['data_loss_hours'] * 3600)} of "
                          f"writes (the RPO) × {format_money(cost['data_loss_per_hour'], cur)}"
                          f" an hour = {format_money(cost['data_loss'], cur)}")
                d = self._label(detail)
                d.setStyleSheet(f"color: {C.INK_SOFT};")
                d.setWordWrap(True)
                line.addWidget(d, 1, 0, 1, 2)
                box.addLayout(line)
        if summary.get("score") is not None:
            foot = self._label(f"Procedure score {summary['score']:g}/100 — "
                               + ("passed" if summary.get("passed") else "not passed"))
            foot.setStyleSheet(f"color: {C.INK_SOFT};")
            box.addWidget(foot)
        box.addStretch(1)

    def _label(self, text: str, role: str = "") -> QLabel:
        lab = QLabel(text)
        if role:
            lab.setProperty("role", role)
        return lab

    def _rule(self) -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet(f"color: {C.LINE};")
        return line

    def export_png(self, path: str | Path) -> bool:
        """Write the page as a PNG of ``PAGE_SIZE`` (or larger if its text needs it)."""
        self.ensurePolished()
        hint = self.sizeHint()
        self.resize(max(PAGE_SIZE[0], hint.width()), max(PAGE_SIZE[1], hint.height()))
        return bool(self.grab().save(str(path), "PNG"))
