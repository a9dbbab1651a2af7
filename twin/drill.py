"""Test failover: a DR drill that does not touch production (issue 11).

An extension beyond the article's PureApplication System V1.1 console, as every modern DR
product offers one (VMware SRM's test recovery and cleanup, Zerto's failover test, Azure
Site Recovery's test failover, AWS DRS drills); marked so in the GUI and docs/drills.md.

``test-failover {rack}`` on the enabled backup takes a FlashCopy of its replicated volumes
— the backup's consistent image at that instant is the *recovery point* — and starts the
workloads from it in an isolated test network: clients never reach them, the backup keeps
its role, replication and production carry on untouched. The test's own RTO is measured:
from the test's start to every test instance running (compute nodes for the test, then
each workload's restart in ``needs`` order, restart times drawn from the drill's own
seeded stream so that production's draws are not disturbed). ``cleanup-test {rack}``
removes the instances and the FlashCopy, and lists what was left behind (instances still
starting, a test never completed).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin.actions import CleanupTest, TestFailover
from twin.config import SystemConfig
from twin.context import Clock, Log
from twin.events import Result, accepted, refused
from twin.kernel import Handle
from twin.states import Role


@dataclass
class Drill:
    """One test failover: when, from which recovery point, and how it went."""

    rack: str
    started_at_s: float
    recovery_point_s: float  # the instant the backup's image holds (its RPO at the test)
    instances: dict[str, str] = field(default_factory=dict)  # name: starting | running
    all_running_at_s: float | None = None
    cleaned_at_s: float | None = None
    left_behind: list[str] = field(default_factory=list)
    handles: list[Handle] = field(default_factory=list)

    @property
    def rto_s(self) -> float | None:
        return None if self.all_running_at_s is None else self.all_running_at_s - self.started_at_s

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 6)

        return {"rack": self.rack, "tested_at_s": r(self.started_at_s),
                "recovery_point_s": r(self.recovery_point_s),
                "rpo_s": r(self.started_at_s - self.recovery_point_s),
                "instances": dict(self.instances), "rto_s": r(self.rto_s),
                "all_running_at_s": r(self.all_running_at_s),
                "cleaned_at_s": r(self.cleaned_at_s), "left_behind": list(self.left_behind)}


class Drills:
    """Test failovers of the backup rack; owns the test instances and logs their changes."""

    def __init__(self, system: SystemConfig, clock: Clock, log: Log, rng: np.random.Generator,
                 role: Callable[[str], Role | None],
                 image: Callable[[], tuple[bool, float]]) -> None:
        """``image()``: (does the backup hold a consistent copy, the age of its image)."""
        self.system = system
        self.clock = clock
        self.log = log
        self.rng = rng
        self.role = role
        self.image = image
        self.active: Drill | None = None
        self.done: list[Drill] = []

    def test_failover(self, a: TestFailover) -> Result:
        if self.active is not None:
            return refused(f"A test failover is already running on {self.active.rack}.",
                           f"clean it up first (cleanup-test {self.active.rack})")
        if self.role(a.rack) != Role.BACKUP:
            return refused(f"{a.rack} is not the enabled backup: a test failover starts on "
                           "the backup, from its replicated volumes.",
                           "enable disaster recovery, then test on the backup")
        consistent, age = self.image()
        if not consistent or not math.isfinite(age):
            return refused(f"The backup's volumes on {a.rack} hold no consistent copy to "
                           "test from (an initial copy or a resync is under way, R19).",
                           "wait until replication is consistent_synchronized")
        now = self.clock.now
        drill = Drill(a.rack, now, now - age)
        self.active = drill
        rec = self.system.recovery
        nodes_ready = now + rec.node_add_s  # one node for the test's isolated cloud group
        by = {w.name: w for w in self.system.workloads}
        finish: dict[str, float] = {}

        def done_at(name: str) -> float:
            if name not in finish:
                w = by[name]
                start = max([nodes_ready, *(done_at(n) for n in w.needs if n in by)])
                spread = math.exp(rec.restart_spread * float(self.rng.standard_normal()))
                finish[name] = start + w.restart_s * spread
            return finish[name]

        for name in by:  # in the configured order: the draws are the same every run
            done_at(name)
            drill.instances[name] = "starting"
        for name, t in sorted(finish.items(), key=lambda x: (x[1], x[0])):
            drill.handles.append(self.clock.schedule_at(
                t, functools.partial(self._running, drill, name), label="test instance"))
        return accepted(f"Test failover on {a.rack} (an extension beyond the V1.1 console): "
                        f"a FlashCopy of its volumes holds the recovery point of "
                        f"{age * 1000:.0f} ms ago; the workloads start in an isolated test "
                        "network, production and replication carry on.")

    def _running(self, drill: Drill, name: str) -> None:
        if drill.cleaned_at_s is not None:
            return
        drill.instances[name] = "running"
        self.log.log("state", drill.rack, f"Test instance of {name} running on {drill.rack} "
                     "(isolated test network)", item=f"workload:{name}")
        if all(s == "running" for s in drill.instances.values()):
            drill.all_running_at_s = self.clock.now
            self.log.log("state", drill.rack, f"Test failover on {drill.rack}: every test "
                         f"instance runs, {(self.clock.now - drill.started_at_s) / 60:.0f} "
                         "min after the start (the test's RTO)")

    def cleanup_test(self, a: CleanupTest) -> Result:
        drill = self.active
        if drill is None or drill.rack != a.rack:
            return refused(f"No test failover runs on {a.rack}.", "start one with "
                           f"test-failover {a.rack}")
        for h in drill.handles:
            h.cancel()
        drill.left_behind = sorted(n for n, s in drill.instances.items() if s != "running")
        drill.cleaned_at_s = self.clock.now
        self.active = None
        self.done.append(drill)
        left = (f" Left behind, never started: {', '.join(drill.left_behind)}."
                if drill.left_behind else " Nothing was left behind.")
        rto = ("" if drill.rto_s is None else
               f" The test recovered in {drill.rto_s / 60:.0f} min.")
        return accepted(f"Test failover on {a.rack} cleaned up: the test instances and the "
                        f"FlashCopy are removed.{rto}{left}")

    def rack_lost(self, rack: str) -> None:
        """The drill's rack is gone: so are its test instances."""
        drill = self.active
        if drill is None or drill.rack != rack:
            return
        for h in drill.handles:
            h.cancel()
        for n in drill.instances:
            drill.instances[n] = "lost"

    def state_doc(self) -> dict[str, Any]:
        return {"active": None if self.active is None else self.active.to_dict(),
                "done": [d.to_dict() for d in self.done]}
