"""The DR monitor's replication panel (issue 9): the SVC consistency group as this rack's
own console shows it, under the Monitor section's storage summary.

- the group state from this rack's side (R19b: during a disconnection the master shows
  ``idling_disconnected`` while the auxiliary shows ``consistent_disconnected``), and the
  backup's view beside it when the two differ;
- the copy type (R21): Global Mirror, Global Mirror with change volumes (its cycle period
  and the time of the last completed cycle, the image the backup holds), Metro Mirror;
- the steady RPO of that copy type (R15a: the mirror delay at today's load; twice the cycle
  period; zero);
- the freeze time, the recovery point the backup holds, while the group is stopped or
  disconnected;
- throttled hosts (R20a): what they achieve against what they ask;
- error 1920 with IBM's text (the error code's documentation: "Global and Metro Mirror
  persistent error") and the engine's reason, and a **Resume replication** button while
  the group is stopped (the console's resume action);
- :func:`r19c_warning`: the warning a failover on the backup shows while the backup's copy
  is inconsistent (R19c: stop with access is refused, ``stoprcconsistgrp``).

The rows are a pure function of the state document (:func:`replication_rows`), tested
without a window; :class:`ReplicationPanel` renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.format import copy_type, format_clock, format_duration, format_rate, state_text
from app.theme import BUSY_TEXT, ERROR_TEXT, MUTED_TEXT, OK_TEXT
from twin import actions as A
from twin.config import ReplicationConfig
from twin.events import Result

State = Mapping[str, Any]

# IBM's title of the error code, and what it means, in the console's words: the short text
# on the panel, the whole one in its tooltip with the engine's reason
ERROR_1920_SHORT = ("1920: Global and Metro Mirror persistent error. The SVC stopped the "
                    "group to protect the hosts: fix the cause, then resume.")
ERROR_1920 = ("1920: Global and Metro Mirror persistent error. The copy did not progress "
              "enough for gmlinktolerance, so the SVC stopped the consistency group to keep "
              "the hosts' writes fast. Fix the cause (the FC link, the write load) before "
              "resuming: restarted too early, it stops again when the tolerance next expires.")

STOPPED = frozenset({"consistent_stopped", "inconsistent_stopped"})
NOT_MIRRORING = STOPPED | {"consistent_disconnected", "inconsistent_disconnected",
                           "idling_disconnected", "idling"}
LEVEL_TEXT = {"ok": OK_TEXT, "warn": BUSY_TEXT, "bad": ERROR_TEXT, "off": MUTED_TEXT}


class Row(NamedTuple):
    """One line of the panel: its key, its caption, its text and its level."""

    key: str
    caption: str
    text: str
    level: str


def _level(state: str) -> str:
    if state == "consistent_synchronized":
        return "ok"
    if state.startswith("inconsistent"):
        return "bad"
    return "warn"


def replication_rows(st: State, rack: str, cfg: ReplicationConfig, now: float) -> list[Row]:
    """The panel's rows for ``rack``'s console at ``now``, from the state document."""
    rep = st["replication"]
    mode = str(rep.get("mode", "global-mirror"))
    aux = str(rep["state"])
    side = (rep.get("sides") or {}).get(rack) or {}
    own = side.get("state")
    role = side.get("role", "")
    rows: list[Row] = []
    if own is None:
        rows.append(Row("group", "Consistency group", "no view: this rack's SVC is lost",
                        "off"))
    else:
        text = f"{state_text(own)} (the {role} side)" if role else state_text(own)
        if own != aux:
            text += f"; the backup side shows {state_text(aux)}"
        rows.append(Row("group", "Consistency group", text, _level(str(own))))

    errors = list(rep.get("errors") or [])
    if "1920" in errors:  # first, beside the group's state: it says why it stopped
        n = errors.count("1920")
        rows.append(Row("error", "Error", ERROR_1920_SHORT + (f" (×{n})" if n > 1 else ""),
                        "bad"))

    freeze = rep.get("freeze_time_s")
    if aux in NOT_MIRRORING and freeze is not None:
        rows.append(Row("freeze", "Recovery point",
                        f"frozen at {format_clock(freeze)} "
                        f"({format_duration(max(0.0, now - freeze))} ago): the backup's "
                        "image is from then", "warn"))
    if mode == "global-mirror-change-volumes":
        cycle = f"cycle period {format_duration(cfg.cycle_period_s)}"
        if aux == "consistent_copying":
            cycle += " · cycling now"
        if freeze is not None:
            cycle += (f" · last cycle {format_clock(freeze)} "
                      f"({format_duration(max(0.0, now - freeze))} ago)")
        elif rep.get("initial_copy_complete"):
            cycle += " · no cycle completed"
        else:
            cycle += " · cycles start after the initial copy"
        rows.append(Row("copy", "Copy type", f"{copy_type(mode)}, {cycle}", "off"))
        rows.append(Row("steady_rpo", "Steady RPO",
                        f"up to {format_duration(2 * cfg.cycle_period_s)} (twice the cycle "
                        "period, while cycles complete in time)", "off"))
    elif mode == "metro-mirror":
        rtt = rep.get("host_delay_s")
        wait = f"; each host write waits {format_duration(rtt)} (the round trip)" \
            if rtt is not None else ""
        rows.append(Row("copy", "Copy type", f"{copy_type(mode)} (synchronous){wait}", "off"))
        rows.append(Row("steady_rpo", "Steady RPO",
                        "zero: a write completes only once the backup has it", "off"))
    else:
        rows.append(Row("copy", "Copy type", f"{copy_type(mode)} (asynchronous)", "off"))
        if aux in NOT_MIRRORING:
            steady = "— not mirroring: the RPO grows until replication resumes"
        elif rep.get("throttled"):
            steady = "none while the FC link is saturated: the RPO grows"
        else:
            steady = (f"{format_duration(rep.get('mirror_delay_s'))} (the mirror delay at "
                      "today's write load)")
        rows.append(Row("steady_rpo", "Steady RPO", steady, "off"))

    if rep.get("throttled"):
        rows.append(Row("throttled", "Hosts throttled",
                        f"writing {format_rate(rep.get('write_rate_bps', 0.0) / 8)} of "
                        f"{format_rate(rep.get('demand_bps', 0.0) / 8)} asked: the FC "
                        "link cannot carry more", "bad"))
    elif mode == "global-mirror" and (rep.get("host_delay_s") or 0.0) > cfg.gm_max_host_delay_s:
        rows.append(Row("host_delay", "Host delay",
                        f"{format_duration(rep['host_delay_s'])}, above gmmaxhostdelay "
                        f"({format_duration(cfg.gm_max_host_delay_s)})", "warn"))
    return rows


def error_1920_text(st: State) -> str:
    """The whole story of error 1920: IBM's text and the engine's last reason."""
    reason = next((a["message"] for a in reversed(st.get("alerts") or [])
                   if a.get("code") == "1920"), "")
    return ERROR_1920 + (f"\n\nLast: {reason}" if reason else "")


def r19c_warning(st: State, rack: str) -> str:
    """The warning before a failover on ``rack`` while its copy is inconsistent, or ""
    (R19c: the SVC refuses to stop the group with access)."""
    rep = st["replication"]
    state = str(rep["state"])
    racks = st.get("racks") or {}
    if (not state.startswith("inconsistent") or rep.get("consistent")
            or (racks.get(rack) or {}).get("replication_source", False)):
        return ""
    return (f"R19c: the consistency group is {state_text(state)}: {rack}'s volumes hold no "
            "consistent copy. The SVC will refuse to stop it with access, and no workload "
            "can start from these volumes.")


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ReplicationPanel(QWidget):
    """The rows of :func:`replication_rows` as a two-column grid, and Resume replication."""

    def __init__(self, rack: str, config: Callable[[], ReplicationConfig],
                 apply: Callable[[A.Action], Result], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rack = rack
        self._config = config
        self._apply = apply
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 0)
        outer.setSpacing(4)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        self.captions: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        self._shown: list[tuple[str, str, str, str]] = []
        self.resume_button = QPushButton("Resume replication")
        self.resume_button.setObjectName("resume-replication")
        self.resume_button.setToolTip("Restart the stopped consistency group "
                                      "(startrcconsistgrp): a resync of the changed data")
        self.resume_button.clicked.connect(self.resume)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.resume_button)
        outer.addLayout(self.grid)
        outer.addLayout(buttons)
        self.resume_button.hide()

    def resume(self) -> Result:
        return self._apply(A.ResumeReplication(self.rack))

    def text(self) -> str:
        """Every row shown, and the tooltips behind them, as plain text (for tests and
        screen readers)."""
        rows = [f"{c}: {t}" for _, c, t, _ in self._shown]
        tips = [v.toolTip() for v in self.values.values() if v.toolTip()]
        return "\n".join(rows + tips)

    def refresh(self, st: State, now: float) -> None:
        rows = replication_rows(st, self.rack, self._config(), now)
        shown = [tuple(r) for r in rows]
        if shown != self._shown:
            self._layout(rows)
            self._shown = shown  # type: ignore[assignment]
        stopped = str(st["replication"]["state"]) in STOPPED
        self.resume_button.setVisible(stopped)
        error = self.values.get("error")
        if error is not None:
            tip = error_1920_text(st)
            if error.toolTip() != tip:
                error.setToolTip(tip)

    def _layout(self, rows: list[Row]) -> None:
        keys = [r.key for r in rows]
        for key in list(self.values):
            if key not in keys:
                self.captions.pop(key).deleteLater()
                self.values.pop(key).deleteLater()
        while self.grid.count():
            self.grid.takeAt(0)
        for i, row in enumerate(rows):
            cap = self.captions.get(row.key)
            if cap is None:
                cap = self.captions[row.key] = QLabel(row.caption)
                cap.setStyleSheet(f"color: {MUTED_TEXT};")
                self.values[row.key] = _value_label()
            value = self.values[row.key]
            cap.setText(row.caption)
            value.setText(row.text)
            colour = LEVEL_TEXT.get(row.level, MUTED_TEXT) if row.level != "off" else ""
            sheet = f"color: {colour};" if colour else ""
            if value.styleSheet() != sheet:
                value.setStyleSheet(sheet)
            self.grid.addWidget(cap, i, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(value, i, 1)
