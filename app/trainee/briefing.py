"""The briefing a trainee reads before the session starts: their name, the scenario's
briefing text, its objectives and its time limit. Never the injects or the answer key."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.format import format_duration
from app.theme import MUTED_TEXT
from twin.scenario import Scenario


def objectives_text(scenario: Scenario) -> str:
    parts = []
    rpo, rto = scenario.objectives.get("rpo_s"), scenario.objectives.get("rto_s")
    if rpo is not None:
        parts.append(f"RPO within {format_duration(rpo)}")
    if rto is not None:
        parts.append(f"RTO within {format_duration(rto)}")
    checks = sum(1 for s in scenario.steps
                 if s.action.do in ("wait", "check") and s.role == "instructor")
    if checks:
        parts.append(f"{checks} assessed item{'s' if checks != 1 else ''}")
    parts.append(f"pass mark {scenario.pass_mark:g}/100")
    return " · ".join(parts)


def reflow(text: str) -> str:
    """A YAML block's paragraphs as paragraphs: the line breaks inside one are the file's,
    not the author's (a list item, ``- …``, keeps its own line)."""
    paras = re.split(r"\n\s*\n", text.strip())
    out = []
    for para in paras:
        lines = [ln.strip() for ln in para.splitlines()]
        joined: list[str] = []
        for ln in lines:
            if joined and not re.match(r"[-*•]\s|\d+[.)]\s", ln):
                joined[-1] += " " + ln
            else:
                joined.append(ln)
        out.append("\n".join(joined))
    return "\n\n".join(out)


class BriefingDialog(QDialog):
    """Who plays, and what they are told. ``name()`` after ``exec()``."""

    def __init__(self, scenario: Scenario, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("briefingDialog")
        self.setWindowTitle(f"Briefing · {scenario.name}")
        self.resize(620, 520)
        box = QVBoxLayout(self)
        title = QLabel(f"<h2 style='margin:0'>{_html(scenario.name)}</h2>")
        title.setWordWrap(True)
        box.addWidget(title)
        self.text = QTextBrowser()
        self.text.setObjectName("briefingText")
        self.text.setOpenExternalLinks(False)
        self.text.setPlainText(reflow(scenario.briefing or scenario.description
                                      or "No briefing: the scenario gives none."))
        box.addWidget(self.text, 1)
        form = QFormLayout()
        self.objectives = QLabel(objectives_text(scenario))
        self.objectives.setObjectName("briefingObjectives")
        self.objectives.setWordWrap(True)
        form.addRow("Objectives:", self.objectives)
        limit = scenario.time_limit_s
        self.limit = QLabel(format_duration(limit) + " of simulated time" if limit
                            else "none")
        self.limit.setObjectName("briefingTimeLimit")
        form.addRow("Time limit:", self.limit)
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("traineeName")
        self.name_edit.setPlaceholderText("your name (for the report and the history)")
        form.addRow("Trainee:", self.name_edit)
        box.addLayout(form)
        note = QLabel("The instructor's events run on the scenario's timeline; you work the "
                      "DR consoles. A hint shows the next expected action and costs points. "
                      "Finish when you are done.")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED_TEXT};")
        box.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton("Start session",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("startSession")
        self.start_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.name_edit.setFocus()

    def name(self) -> str | None:
        return self.name_edit.text().strip() or None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
