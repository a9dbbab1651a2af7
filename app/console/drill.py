"""Test failover on the backup's console: a DR drill that does not touch production
(twin/drill.py, docs/drills.md). It is an extension beyond the article's PureApplication
System V1.1 console, and the section says so in its title and first line.

The section shows on an enabled backup: Start test (a FlashCopy of the backup's
volumes, the workloads started from it in an isolated test network), then the test's
recovery point, its instances and its RTO as they come, and Clean up test (which lists
anything left behind). The text is a pure function of the state document
(:func:`drill_text`), testable without a window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.format import format_clock, format_duration
from twin import actions as A
from twin.events import Result

TITLE = "Test failover (extension)"
EXTENSION = ("An extension beyond the article's PureApplication System V1.1 console: "
             "a DR drill that does not touch production.")


def drill_text(state: Mapping[str, Any], rack: str) -> tuple[str, bool, bool]:
    """(the section's text, may a test start, may it be cleaned up) for ``rack``."""
    drills = state.get("drills") or {}
    active = drills.get("active")
    if active is not None and active.get("rack") == rack:
        inst = active.get("instances") or {}
        running = sum(1 for s in inst.values() if s == "running")
        lines = [f"Test running since {format_clock(active['tested_at_s'])}, from the "
                 f"recovery point of {format_clock(active['recovery_point_s'])} "
                 f"(RPO {format_duration(active['rpo_s'])}).",
                 f"Test instances: {running}/{len(inst)} running in the isolated test "
                 "network; clients never reach them."]
        if active.get("rto_s") is not None:
            lines.append(f"The test recovered in {format_duration(active['rto_s'])} "
                         "(its RTO). Clean up when done.")
        return "\n".join(lines), False, True
    done = [d for d in drills.get("done") or [] if d.get("rack") == rack]
    intro = ("A FlashCopy of this rack's replicated volumes, the workloads started from it "
             "in an isolated network: production and replication carry on.")
    if done:
        last = done[-1]
        rto = (format_duration(last["rto_s"]) if last.get("rto_s") is not None
               else "not reached")
        left = last.get("left_behind") or []
        intro += (f"\nLast test: at {format_clock(last['tested_at_s'])}, RPO "
                  f"{format_duration(last['rpo_s'])}, RTO {rto}"
                  + (f"; left behind: {', '.join(left)}" if left else "") + ".")
    return intro, True, False


class DrillBox(QGroupBox):
    """The console's Test failover section; ``apply`` is the console's command path."""

    def __init__(self, rack: str, apply: Callable[[A.Action], Result]) -> None:
        super().__init__(TITLE)
        self.setObjectName("drillBox")
        self.rack = rack
        self._apply = apply
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        # (a group box's title does not wrap: the long mark goes in a wrapped line, so
        # the section never widens the console beyond its dock)
        mark = QLabel(f"<i>{EXTENSION}</i>")
        mark.setObjectName("drillExtension")
        mark.setWordWrap(True)
        lay.addWidget(mark)
        self.text = QLabel()
        self.text.setObjectName("drillText")
        self.text.setWordWrap(True)
        lay.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.start_button = QPushButton("Start test")
        self.start_button.setObjectName("startTestButton")
        self.start_button.clicked.connect(lambda: self._apply(A.TestFailover(self.rack)))
        self.cleanup_button = QPushButton("Clean up test")
        self.cleanup_button.setObjectName("cleanupTestButton")
        self.cleanup_button.clicked.connect(lambda: self._apply(A.CleanupTest(self.rack)))
        row.addWidget(self.start_button)
        row.addWidget(self.cleanup_button)
        lay.addLayout(row)

    def refresh(self, state: Mapping[str, Any], shown: bool) -> None:
        """``shown``: this rack is the enabled backup and its console answers."""
        self.setVisible(shown)
        if not shown:
            return
        text, can_start, can_clean = drill_text(state, self.rack)
        if text != self.text.text():
            self.text.setText(text)
        self.start_button.setEnabled(can_start)
        self.cleanup_button.setEnabled(can_clean)
