"""Workloads and compute capacity: R10, R14, R16, R17.

A workload runs on one rack at a time. Starting it on a rack waits for its ``needs`` to
run there, for free compute capacity in the rack's cloud groups, then takes a restart
time drawn from a seeded log-normal around its configured ``restart`` (R17: hot-cold,
the RTO is bounded by restart times). It fails, and says why, if the rack's volumes hold
no consistent copy of its data, if its deployment is missing from the rack's management
data, or if the rack has no compute nodes in its cloud groups (R14). A rack in the backup
role runs no workloads and accepts no deployments (R10).

The subsystem owns the workloads, the compute nodes of each rack and which deployments
each rack's management data knows; every change to them is made and logged here. It
reads the site, the data's consistency and the profiles' roles through narrow views, and
returns ``WritesChanged`` / ``ManagementChanged`` when the rest of the twin must follow.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin import effects as E
from twin.actions import (
    AddComputeNodes,
    Deploy,
    FailComputeNode,
    QuiesceComputeNodes,
    StartWorkloads,
    StopWorkloads,
)
from twin.config import CORES_PER_COMPUTE_NODE, SystemConfig, WorkloadConfig
from twin.context import Clock, DataView, Log, SiteView
from twin.events import Result, accepted, refused
from twin.kernel import Handle
from twin.states import Role, WorkloadStatus

WS = WorkloadStatus


def node_label(i: int) -> str:
    """A compute node as the field counts it (``node: 0``) and as the topology labels it
    (CN 01): "0 (CN 01)"."""
    return f"{i} (CN {i + 1:02d})"


@dataclass
class Workload:
    """A workload as it runs: its rack, status and restart."""
    cfg: WorkloadConfig
    rack: str | None
    status: WorkloadStatus = WS.STOPPED
    reason: str = ""
    waiting: bool = False  # starting, but waiting for its dependencies or capacity
    handle: Handle | None = None
    started_at_s: float | None = None
    deployed: bool = False  # created by a deploy action during the run (R14)

    @property
    def name(self) -> str:
        return self.cfg.name

    @property
    def active(self) -> bool:
        return self.status in (WS.RUNNING, WS.STARTING)

    @property
    def restarting(self) -> bool:
        """Starting and holding its cores (the restart is under way)."""
        return self.status == WS.STARTING and not self.waiting

    @property
    def in_service(self) -> bool:
        """Part of the service clients use: the system's workloads, and a deployment once
        it has run (a deployment under way is not an outage)."""
        return not self.deployed or self.started_at_s is not None


@dataclass
class ComputeNodes:
    """A rack's compute nodes: in cloud groups, failed, quiesced, being added."""
    total: int
    in_cloud_groups: int = 0
    failed: set[int] = field(default_factory=set)
    quiesced: bool = False
    adding: int = 0
    add_handle: Handle | None = None

    @property
    def usable(self) -> int:
        return max(0, min(self.in_cloud_groups, self.total - len(self.failed)))

    def to_dict(self, now: float, per_node_s: float) -> dict[str, Any]:
        h = self.add_handle
        left = (None if not self.adding or h is None or not h.active
                else max(0.0, h.time - now) + (self.adding - 1) * per_node_s)
        return {"total": self.total, "in_cloud_groups": self.in_cloud_groups,
                "quiesced": self.total if self.quiesced else 0, "failed": len(self.failed),
                "adding": self.adding, "adding_left_s": left,
                "failed_nodes": sorted(self.failed)}


class Workloads:
    def __init__(self, system: SystemConfig, clock: Clock, log: Log, rng: np.random.Generator,
                 site: SiteView, data: DataView, role: Callable[[str], Role | None]) -> None:
        self.system = system
        self.clock = clock
        self.log = log
        self.rng = rng
        self.site = site
        self.data = data
        self.role = role
        self.by_name: dict[str, Workload] = {
            w.name: Workload(w, None) for w in system.workloads}
        self.nodes: dict[str, ComputeNodes] = {
            r.name: ComputeNodes(r.compute_nodes) for r in system.racks}
        # which deployments each rack's management data knows (R1, R14)
        self.known: dict[str, set[str]] = {r: set(self.by_name) for r in system.rack_names}
        self.missing_why: dict[str, dict[str, str]] = {r: {} for r in system.rack_names}
        self.version = 0  # moves on every change of a workload's status or rack
        self._writing: tuple[int, dict[str, list[str]]] = (-1, {})

    # -- queries ----------------------------------------------------------------------

    def in_service(self) -> list[Workload]:
        return [w for w in self.by_name.values() if w.in_service]

    def running_on(self, rack: str) -> list[str]:
        """Names of the workloads active (running or starting) on ``rack``."""
        return [w.name for w in self.by_name.values() if w.rack == rack and w.active]

    def writing_on(self, rack: str) -> list[str]:
        """Names of the workloads running on ``rack``: those whose writes reach its disks
        (asked at every write-rate change: the same list object is returned until a
        workload changes, so a caller may key a cache on it)."""
        version, by_rack = self._writing
        if version != self.version:
            by_rack = {}
            for w in self.by_name.values():
                if w.status == WS.RUNNING and w.rack is not None:
                    by_rack.setdefault(w.rack, []).append(w.name)
            self._writing = (self.version, by_rack)
        return by_rack.get(rack, [])

    def all_running(self) -> bool:
        return all(w.status == WS.RUNNING for w in self.in_service())

    def cores_used(self, rack: str) -> int:
        return sum(w.cfg.cores for w in self.by_name.values()
                   if w.rack == rack and (w.status == WS.RUNNING or w.restarting))

    def cores_free(self, rack: str) -> int:
        return self.nodes[rack].usable * CORES_PER_COMPUTE_NODE - self.cores_used(rack)

    def nodes_doc(self, rack: str) -> dict[str, Any]:
        return self.nodes[rack].to_dict(self.clock.now, self.system.recovery.node_add_s)

    def state_doc(self, reachable: Callable[[Workload], bool],
                  write_mb_s: Callable[[str, str | None], tuple[float, float]]
                  ) -> dict[str, Any]:
        """The workloads' section of the state document, already plain JSON (a state is
        its name; a rate that is not finite, null): the journal builds it before every
        action, for every workload, so it is built so at once (``Twin.state`` does not
        convert it again)."""
        out = {}
        running = WS.RUNNING
        isfinite = math.isfinite
        now = self.clock.now
        for w in self.by_name.values():
            status = w.status
            writes: float | None = 0
            demand: float | None = 0
            throttled = False
            if status == running:
                a, d = write_mb_s(w.name, w.rack)
                throttled = a < d * (1 - 1e-9)
                writes = a if isfinite(a) else None
                demand = d if isfinite(d) else None
            cfg = w.cfg
            out[cfg.name] = {
                "rack": w.rack, "reachable": reachable(w), "status": str.__str__(status),
                "reason": w.reason,
                "starting_left_s": (max(0.0, w.handle.time - now)
                                    if status == WS.STARTING and w.handle is not None
                                    and w.handle.active else None),
                "middleware": cfg.middleware,
                "needs": list(cfg.needs), "deployed": w.deployed,
                "write_mb_s": writes, "demand_mb_s": demand, "throttled": throttled,
            }
        return out

    # -- initial placement ----------------------------------------------------------------

    def place_running(self, rack: str) -> None:
        """Scenario start: every workload runs on ``rack``, all nodes in cloud groups."""
        self.nodes[rack].in_cloud_groups = self.nodes[rack].total
        for w in self.by_name.values():
            w.rack, w.status, w.started_at_s = rack, WS.RUNNING, 0.0
        self.version += 1

    # -- console actions --------------------------------------------------------------------

    def quiesce(self, a: QuiesceComputeNodes) -> Result:
        n = self.nodes[a.rack]
        if n.quiesced:
            return refused(f"The compute nodes of {a.rack} are already quiesced.")
        n.quiesced = True
        return accepted(f"Compute nodes of {a.rack} quiesced: no new deployments start.")

    def add_compute_nodes(self, a: AddComputeNodes) -> Result:
        n = self.nodes[a.rack]
        free = n.total - len(n.failed) - n.in_cloud_groups - n.adding
        if free <= 0:
            return refused(f"Every healthy compute node of {a.rack} is already in a cloud "
                           "group.")
        count = free if a.count is None else a.count
        if count <= 0 or count > free:
            return refused(f"Cannot add {count} compute nodes on {a.rack}: {free} can be added.",
                           f"use a count from 1 to {free}")
        n.adding += count
        per = self.system.recovery.node_add_s
        if n.add_handle is None:
            n.add_handle = self.clock.schedule(per, lambda: self._node_added(a.rack),
                                               label="node add")
        return accepted(f"Adding {count} compute nodes to the cloud groups of {a.rack} "
                        f"(about {per * count / 60:.0f} min); this activates the cloud groups.")

    def _node_added(self, rack: str) -> list[E.Effect]:
        n = self.nodes[rack]
        n.add_handle = None
        if not self.site.rack_up(rack) or n.adding <= 0:
            n.adding = 0
            return []
        n.adding -= 1
        n.in_cloud_groups += 1
        self.log.log("state", rack, f"Compute node added to the cloud groups of {rack} "
                     f"({n.in_cloud_groups}/{n.total})",
                     item=f"compute:{rack}:{n.in_cloud_groups - 1}")
        if n.adding > 0:
            n.add_handle = self.clock.schedule(self.system.recovery.node_add_s,
                                               lambda: self._node_added(rack), label="node add")
        self.dispatch(rack)
        return []

    def stop(self, a: StopWorkloads) -> Result:
        names = list(a.workloads) or self.running_on(a.rack)
        bad = [n for n in names if n not in self.by_name]
        if bad:
            return refused(f"Unknown workload {bad[0]!r}.",
                           f"workloads are {', '.join(self.by_name)}")
        stopping = [n for n in names if self.by_name[n].rack == a.rack
                    and self.by_name[n].active]
        if not stopping:
            return refused(f"No workload to stop on {a.rack}.")
        for n in stopping:
            self._set(self.by_name[n], WS.STOPPED, "stopped by the operator")
        return accepted(f"Stopped on {a.rack}: {', '.join(stopping)}.", E.WritesChanged())

    def start(self, a: StartWorkloads) -> Result:
        if self.role(a.rack) == Role.BACKUP:
            return refused(
                f"{a.rack} is in the backup role: it runs no workloads (R10).",
                f"complete the failover on {a.rack} first")
        if self.site.storage_failed(a.rack):
            return refused(f"The V7000 storage of {a.rack} has failed.",
                           "workloads cannot start without their disks")
        names = list(a.workloads) or [w.name for w in self.by_name.values()
                                      if not (w.rack == a.rack and w.active)]
        bad = [n for n in names if n not in self.by_name]
        if bad:
            return refused(f"Unknown workload {bad[0]!r}.",
                           f"workloads are {', '.join(self.by_name)}")
        elsewhere = [n for n in names if self.by_name[n].active
                     and self.by_name[n].rack not in (a.rack, None)
                     and self.site.rack_up(self.by_name[n].rack or "")]
        if elsewhere:
            w = self.by_name[elsewhere[0]]
            return refused(f"{w.name} is {w.status} on {w.rack}.",
                           f"stop it on {w.rack} first")
        names = [n for n in names if not (self.by_name[n].rack == a.rack
                                          and self.by_name[n].active)]
        if not names:
            return refused(f"Every workload is already running on {a.rack}.")
        for n in names:
            w = self.by_name[n]
            if w.handle is not None:
                w.handle.cancel()
                w.handle = None
            w.rack = a.rack
            self.version += 1
            self._wait(w, "waiting for its dependencies and compute capacity")
        self.dispatch(a.rack)
        failed = [n for n in names if self.by_name[n].status == WS.FAILED]
        text = f"Starting on {a.rack}: {', '.join(names)}."
        if failed:  # said at once, not only in the event log (R14)
            text += "".join(f" {n} cannot start: {self.by_name[n].reason}." for n in failed)
        return accepted(text)

    def deploy(self, a: Deploy) -> Result:
        if self.role(a.rack) == Role.BACKUP:
            return refused(f"{a.rack} is in the backup role: it accepts no deployments (R10).",
                           f"deploy on the primary, {self.system.peer_of(a.rack)}")
        if self.nodes[a.rack].quiesced:
            return refused(f"The compute nodes of {a.rack} are quiesced: no new deployments.",
                           "deploy on the active rack, or wait until the failover is over")
        if a.name in self.by_name:
            return refused(f"A deployment named {a.name!r} already exists.",
                           "choose another name")
        cfg = WorkloadConfig(name=a.name, middleware=a.middleware, volume_gb=0.0,
                             write_mb_s=0.0, restart_s=a.restart)
        w = Workload(cfg, a.rack, deployed=True)
        self.by_name[a.name] = w
        self.version += 1
        self.known[a.rack].add(a.name)
        self._wait(w, "deploying")
        self.dispatch(a.rack)
        return accepted(f"Deploying {a.name} on {a.rack}.",
                        E.ManagementChanged("deploy", a.name, a.rack))

    # -- the restart engine -------------------------------------------------------------------

    def dispatch(self, rack: str) -> None:
        """Move waiting workloads on ``rack`` forward: fail what cannot start (R14), start
        what has its dependencies running and the capacity it needs (R17)."""
        changed = True
        while changed:
            changed = False
            for w in self.by_name.values():
                if w.rack != rack or not w.waiting or w.status != WS.STARTING:
                    continue
                why = self._cannot_start(w, rack)
                if why:
                    self._set(w, WS.FAILED, why)
                    changed = True
                    continue
                deps = [self.by_name[d] for d in w.cfg.needs if d in self.by_name]
                failed = [d.name for d in deps if d.rack == rack and d.status == WS.FAILED]
                if failed:
                    self._set(w, WS.FAILED, f"its dependency {failed[0]} failed on {rack}")
                    changed = True
                    continue
                absent = [d.name for d in deps if d.rack != rack or not d.active]
                if absent:  # it may be started next: wait for it, and say so
                    why = f"waiting for {', '.join(absent)} to start on {rack}"
                    if w.reason != why:
                        self._wait(w, why)
                    continue
                if any(d.status != WS.RUNNING for d in deps):
                    continue
                if self.cores_free(rack) < w.cfg.cores:
                    n = self.nodes[rack]
                    if n.adding == 0:
                        self._set(w, WS.FAILED, f"not enough compute capacity on {rack}: "
                                  f"needs {w.cfg.cores} cores, {max(0, self.cores_free(rack))} "
                                  "free in the cloud groups")
                        changed = True
                    continue
                spread = self.system.recovery.restart_spread
                duration = w.cfg.restart_s * math.exp(spread * float(self.rng.standard_normal()))
                self._set(w, WS.STARTING, f"restarting, about {duration / 60:.0f} min")
                w.handle = self.clock.schedule(duration, functools.partial(self._started, w),
                                               label="restart")
                changed = True

    def _cannot_start(self, w: Workload, rack: str) -> str:
        """Why ``w`` cannot start on ``rack`` ("" when it can): its data first, then its
        management record, each that applies (a failover before the initial copies has
        both)."""
        whys = []
        if not w.deployed and not self.data.data_consistent(rack):
            whys.append(f"volumes on {rack} are inconsistent: {self.data.data_reason(rack)} "
                        "(R14)")
        if w.name not in self.known[rack]:
            why = self.missing_why[rack].get(w.name, "it was deployed after cloning stopped "
                                             "(R14)")
            whys.append(f"{w.name} is not in the management data of {rack}: {why}")
        if whys:
            return "; and ".join(whys)
        n = self.nodes[rack]
        if n.usable == 0 and n.adding == 0:
            return f"no compute nodes in the cloud groups of {rack}: add compute nodes (R14)"
        return ""

    def _started(self, w: Workload) -> list[E.Effect]:
        w.handle = None
        if not w.restarting or w.rack is None:
            return []
        w.started_at_s = self.clock.now
        self._set(w, WS.RUNNING, "")
        self.dispatch(w.rack)
        return [E.WritesChanged()]

    def _wait(self, w: Workload, reason: str) -> None:
        self._set(w, WS.STARTING, reason, waiting=True)

    def _set(self, w: Workload, status: WorkloadStatus, reason: str,
             waiting: bool = False) -> None:
        if w.status == status and w.reason == reason and w.waiting == waiting:
            return
        w.status, w.reason, w.waiting = status, reason, waiting
        self.version += 1
        if (status != WS.STARTING or waiting) and w.handle is not None:
            w.handle.cancel()
            w.handle = None
        word = "waiting" if waiting else str(status)
        msg = f"{w.name} {word} on {w.rack}" + (f": {reason}" if reason else "")
        self.log.log("workload", w.rack, msg, item=f"workload:{w.name}")

    # -- what other subsystems' changes mean here ----------------------------------------------

    def deactivate_cloud_groups(self, rack: str) -> None:
        """A backup's cloud groups are inactive: no compute nodes in them (R10); the
        failover's manual actions add them again (R11 step 3)."""
        n = self.nodes[rack]
        n.in_cloud_groups, n.quiesced = 0, False

    def management_cloned(self, backup: str, source: str) -> None:
        """DR is enabled: the backup's management data is (being) cloned from the source."""
        self.known[backup] = set(self.known[source])

    def takeover(self, rack: str, source: str, missing: Mapping[str, str]) -> None:
        """At a takeover the rack knows the source's deployments except those whose
        management change had not been cloned (R14): ``missing`` maps each to the reason
        ("*": none arrived, the initial copy was not complete, R8)."""
        every = missing.get("*")
        lost = set(self.known[source]) if every is not None else set(missing)
        self.known[rack] = set(self.known[source]) - lost
        self.missing_why[rack] = {n: every or missing[n] for n in lost}

    def rack_lost(self, rack: str, why: str) -> list[E.Effect]:
        """The rack, or its storage, is gone: what runs there fails."""
        for w in self.by_name.values():
            if w.rack == rack and w.active:
                self._set(w, WS.FAILED, why)
        n = self.nodes[rack]
        n.adding = 0
        if n.add_handle is not None:
            n.add_handle.cancel()
            n.add_handle = None
        return [E.WritesChanged()]

    def rack_restored(self, rack: str, why: str, nodes_repaired: bool) -> None:
        """The rack (or its storage) is back: what failed there is stopped, ready to start."""
        if nodes_repaired:
            self.nodes[rack].failed.clear()
        for w in self.by_name.values():
            if w.rack == rack and w.status == WS.FAILED:
                self._set(w, WS.STOPPED, why)

    # -- faults on compute nodes --------------------------------------------------------------

    def fail_compute_node(self, a: FailComputeNode) -> Result:
        nodes = self.nodes[a.rack]
        healthy = [i for i in range(nodes.total) if i not in nodes.failed]
        if not healthy:
            return refused(f"Every compute node of {a.rack} has already failed.")
        node = a.node if a.node is not None else healthy[-1]
        if node not in healthy:
            return refused(f"Compute node {node} of {a.rack} does not exist or has failed.",
                           "healthy nodes are " + ", ".join(node_label(i) for i in healthy))
        nodes.failed.add(node)
        # the newest workloads go first when capacity falls short
        while self.cores_free(a.rack) < 0:
            victims = [w for w in self.by_name.values()
                       if w.rack == a.rack and (w.status == WS.RUNNING or w.restarting)]
            victim = max(victims, key=lambda w: (w.started_at_s or 0.0, w.name))
            self._set(victim, WS.FAILED, f"compute node {node_label(node)} failed: not enough "
                      "capacity")
        return accepted(f"Compute node {node_label(node)} of {a.rack} failed.",
                        E.WritesChanged())
