"""The end of a trainee session: the score, passed or not, the RPO/RTO against the
objectives and every deviation (its rule, what happened, what it cost), with the report
and the session one click away."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.format import format_bytes, format_duration
from app.theme import ERROR_TEXT, MUTED_TEXT, OK_TEXT, C


def verdict(report: Mapping[str, Any]) -> str:
    a = report["assessment"]
    return (f"{a['score']:g}/100 · {'PASSED' if a['passed'] else 'NOT PASSED'} "
            f"(pass mark {a.get('pass_mark', 70):g})")


def outcome_lines(report: Mapping[str, Any]) -> list[str]:
    """What the run achieved, against the objectives, in words."""
    o, g = report["outcome"], report.get("objectives") or {}
    lines = []
    loss = o.get("data_loss_bytes")
    lines.append(f"Data lost: {format_bytes(loss)}" if loss else "No data lost")
    for key, label in (("rpo_s", "RPO"), ("rto_s", "RTO")):
        obj = g.get(key)
        got = o.get("rpo_achieved_s" if key == "rpo_s" else "rto_s")
        if got is not None:
            shown = format_duration(got)
        elif key == "rpo_s":
            shown = "unbounded" if o.get("disaster_at_s") is not None else "—"
        else:
            shown = "service not restored" if o.get("service_down_at_s") is not None else "—"
        text = f"{label}: {shown}"
        if obj:
            state = {True: "met", False: "MISSED", None: "not measured"}[obj["met"]]
            text += f" (objective {format_duration(obj['objective'])}: {state})"
        lines.append(text)
    return lines


def details_html(report: Mapping[str, Any]) -> str:
    """The score's reasons and the deviations (rule, what, consequence) as HTML."""
    a = report["assessment"]
    parts = ["<h3 style='margin:2px 0'>Score</h3><ul style='margin-top:0'>"]
    parts += [f"<li>{_esc(str(r))}</li>" for r in a.get("reasons") or []] or [
        "<li>Full marks: every item met, no deviation.</li>"]
    parts.append("</ul><h3 style='margin:2px 0'>Deviations</h3>")
    devs = a.get("deviations") or []
    if not devs:
        parts.append(f"<p style='color:{MUTED_TEXT}'>No deviation from the procedure.</p>")
    else:
        parts.append("<table cellspacing=0 cellpadding=4 width='100%' style='border-collapse:"
                     f"collapse'><tr style='background:{C.LAYER}'><th align=left>At</th>"
                     "<th align=left>Rule</th><th align=left>What</th>"
                     "<th align=left>Consequence</th></tr>")
        for i, d in enumerate(devs):
            at = format_duration(d["at_s"]) if d.get("at_s") is not None else "—"
            bg = C.ROW_ALT if i % 2 else C.PAPER
            parts.append(f"<tr style='background:{bg}'><td style='white-space:nowrap'>{at}"
                         f"</td><td><b>{_esc(str(d.get('rule') or ''))}</b></td>"
                         f"<td>{_esc(str(d.get('what') or ''))}</td>"
                         f"<td>{_esc(str(d.get('consequence') or ''))}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


class ResultDialog(QDialog):
    """Score, verdict, outcome and deviations; Open report, Export report…, Save session…"""

    openReport = Signal()
    exportReport = Signal()
    saveSession = Signal()

    def __init__(self, report: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultDialog")
        self.setWindowTitle(f"Result · {report.get('scenario', '')}")
        self.resize(720, 520)
        a = report["assessment"]
        box = QVBoxLayout(self)
        who = report.get("trainee") or "the trainee"
        head = QLabel(f"<div style='font-size:13pt'>Session of <b>{_esc(who)}</b> on "
                      f"{_esc(str(report.get('scenario', '')))}</div>")
        head.setWordWrap(True)
        box.addWidget(head)
        self.score = QLabel(verdict(report))
        self.score.setObjectName("resultScore")
        colour = OK_TEXT if a["passed"] else ERROR_TEXT
        self.score.setStyleSheet(
            f"QLabel {{ font-size: 18pt; font-weight: 700; color: {colour}; background: "
            f"{C.GREEN_SOFT if a['passed'] else C.RED_SOFT}; border: 1px solid {colour}; "
            "border-radius: 6px; padding: 8px; }")
        box.addWidget(self.score)
        self.outcome = QLabel(" · ".join(outcome_lines(report)))
        self.outcome.setObjectName("resultOutcome")
        self.outcome.setWordWrap(True)
        box.addWidget(self.outcome)
        self.deviation_count = len(a.get("deviations") or [])
        self.details = QTextBrowser()
        self.details.setObjectName("resultDetails")
        self.details.setHtml(details_html(report))
        box.addWidget(self.details, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton("Open report")
        self.open_button.setObjectName("openReport")
        self.open_button.setDefault(True)
        self.export_button = QPushButton("Export report…")
        self.export_button.setObjectName("exportReport")
        self.save_button = QPushButton("Save session…")
        self.save_button.setObjectName("saveSession")
        self.save_button.setToolTip("The trainee's actions, to replay with "
                                    "drtwin run FILE --trainee SESSION.yaml")
        close = QPushButton("Close")
        self.open_button.clicked.connect(self.openReport)
        self.export_button.clicked.connect(self.exportReport)
        self.save_button.clicked.connect(self.saveSession)
        close.clicked.connect(self.accept)
        for b in (self.open_button, self.export_button, self.save_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        box.addLayout(row)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
