"""The four ways to business continuity of the article's survey, side by side on the same
system, workloads and disaster (domain.md R22–R25; `drtwin compare`, scenario-format.md).

* **disk-replication** (R23) is the twin itself: the scenario played as written, in its
  replication mode; with ``gm-change-volumes`` and ``metro-mirror`` it is played again in
  those modes (Metro Mirror only where the distance allows it, R21).
* **backup-restore** (R22), **host-based** (R24) and **shared-fs** (R25) are closed-form
  models fed with what the twin measured: the same write rates (the write model with the
  same seed and the scenario's surges), the same disaster instant, and the same human and
  system phases where they apply (the decision, the workloads' restart chain, the network
  redirection).

Each strategy states what it needs and its parameters (``strategies:`` in the scenario
file; the defaults below, documented in docs/strategies.md):

backup-restore   ``interval`` 12h (two backups a day), ``first_at`` 2h after midnight of
                 day 0, ``backup_mb_s`` 200 (agent to server), ``offsite_delay`` 1h (the
                 server's storage copied off-site), ``restore_mb_s`` 200.
                 RPO = disaster − the start of the last backup that finished *and* reached
                 off-site storage; lost = what was written since; RTO = decision + restore
                 (size ÷ restore rate) + restart + network.
host-based       ``lag`` 2s (Double-Take style continuous replication), ``bandwidth_share_pct``
                 50 of the IP link, ``activate_pct`` 30 (starting the stopped middleware on
                 the warm target images, as a share of its restart time).
                 RPO = lag + the backlog's wait when the IP share cannot keep up; RTO =
                 decision + activation + network.
shared-fs        ``file_system`` external (a highly available NFS v4 / GPFS outside both racks)
                 or ``primary-rack`` (an NFS server inside the primary rack), ``takeover`` 60s
                 (a standby instance takes over), ``reconnect`` 10s (clients reconnect).
                 RPO 0, RTO = takeover + reconnect (hot-hot, no decision) — unless the file
                 system was in the lost rack: then the standby is down too (the single point
                 of failure the article warns about).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin.config import GB, MB, METRO_MIRROR_MAX_KM
from twin.durations import format_duration, parse_duration
from twin.outcome import disaster_cost
from twin.runner import Runner
from twin.scenario import Scenario
from twin.states import ReplicationMode
from twin.writes import WriteModel

STRATEGIES = ("backup-restore", "host-based", "disk-replication", "gm-change-volumes",
              "metro-mirror", "shared-fs")
DISASTERS = ("lose-rack", "fail-storage")

DEFAULTS: dict[str, dict[str, Any]] = {
    "backup-restore": {"interval": "12h", "first_at": "2h", "backup_mb_s": 200.0,
                       "offsite_delay": "1h", "restore_mb_s": 200.0},
    "host-based": {"lag": "2s", "bandwidth_share_pct": 50.0, "activate_pct": 30.0},
    "shared-fs": {"file_system": "external", "takeover": "60s", "reconnect": "10s"},
    "gm-change-volumes": {"cycle_period": "5m"},
}
NEEDS = {
    "backup-restore": ["a backup server (e.g. Tivoli Storage Manager) outside both racks, "
                       "its storage copied off-site", "a backup agent in every image",
                       "a rack to restore onto (deploy the patterns there first)"],
    "host-based": ["replication software in every image (Double-Take Availability; rsync "
                   "or DRBD as open equivalents)", "middleware-specific configuration of "
                   "what to replicate", "the target images deployed and running on the "
                   "second rack, their middleware stopped (hot-warm)", "IP bandwidth"],
    "disk-replication": ["two identical racks (PureApplication System V1.1: same model, "
                         "compute nodes, fixpack)", "the second rack idle (hot-cold)",
                         "an FC link for SVC Global Mirror (up to 80 ms round trip)"],
    "gm-change-volumes": ["as disk replication, with change volumes (FlashCopy) on both "
                          "V7000s", "less bandwidth than Global Mirror: the changes of a "
                          "cycle, not every write"],
    "metro-mirror": ["as disk replication, synchronous: up to 300 km", "a link that "
                     "carries the peak write rate (host writes wait a round trip)"],
    "shared-fs": ["a highly available shared file system (NFS v4 or GPFS) outside both "
                  "racks", "middleware that runs active/standby on shared storage (e.g. "
                  "MQ multi-instance queue managers)", "standby instances running on the "
                  "second rack (hot-hot)"],
}


class CompareError(ValueError):
    """The scenario cannot be compared (e.g. it has no disaster); says what to add."""


@dataclass
class StrategyRow:
    strategy: str
    applicable: bool = True
    why: str = ""  # why it does not apply, or a note on its result
    rpo_achieved_s: float | None = None  # None: unbounded (no usable copy)
    data_loss_bytes: float | None = None
    rto_s: float | None = None  # None: not restored
    rto_breakdown_s: dict[str, float] | None = None
    needs: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else round(float(x), 6)

        out: dict[str, Any] = {
            "strategy": self.strategy, "applicable": self.applicable, "why": self.why,
            "rpo_achieved_s": r(self.rpo_achieved_s),
            "data_loss_bytes": None if self.data_loss_bytes is None
            else int(round(self.data_loss_bytes)),
            "rto_s": r(self.rto_s),
            "rto_breakdown_s": None if self.rto_breakdown_s is None
            else {k: round(v, 6) for k, v in self.rto_breakdown_s.items()},
            "needs": list(self.needs), "parameters": dict(self.parameters),
        }
        if self.cost is not None:
            out["cost"] = {k: round(v, 2) for k, v in self.cost.items()}
        return out


# -- the writes the workloads made (the same as in the twin) ----------------------------------


class WriteCurve:
    """The group's cumulative bytes written, from the write model with the twin's seed and
    the surges the run applied: piecewise linear between the model's rate changes."""

    def __init__(self, scenario: Scenario, surges: Sequence[Mapping[str, Any]], until: float):
        names = [w.name for w in scenario.system.workloads]
        _, writes_seed = np.random.SeedSequence(scenario.seed).spawn(2)
        model = WriteModel(np.array([w.write_mb_s for w in scenario.system.workloads]),
                           np.random.default_rng(writes_seed))
        self.mean_rate = float(model.mean_rates().sum())
        pending = sorted(surges, key=lambda s: s["at_s"])
        t, total = 0.0, 0.0
        self.t: list[float] = [0.0]
        self.g: list[float] = [0.0]
        self.rate: list[float] = []
        while t < until:
            while pending and pending[0]["at_s"] <= t:
                s = pending.pop(0)
                if s.get("workload") in names:
                    model.surge(s["at_s"], names.index(s["workload"]), float(s["write_mb_s"]),
                                float(s["for"]))
            nxt = min(model.next_change_after(t), until,
                      pending[0]["at_s"] if pending else math.inf)
            rate = float(model.rates_at(t).sum())
            total += rate * (nxt - t)
            self.rate.append(rate)
            t = nxt
            self.t.append(t)
            self.g.append(total)

    def written(self, t: float) -> float:
        k = min(max(bisect.bisect_right(self.t, t) - 1, 0), len(self.rate) - 1)
        return self.g[k] + self.rate[k] * (t - self.t[k])

    def rate_at(self, t: float) -> float:
        k = min(max(bisect.bisect_right(self.t, t) - 1, 0), len(self.rate) - 1)
        return self.rate[k]

    def segments(self) -> list[tuple[float, float, float]]:
        """(start, end, rate) of each piece."""
        return [(self.t[i], self.t[i + 1], self.rate[i]) for i in range(len(self.rate))]


# -- the comparison ---------------------------------------------------------------------------


_NOT_RESTORED = ("no RTO: the scenario's own run never brought the service back, so the "
                 "restart and network times this strategy's recovery is built from are unknown")


def _params(scenario: Scenario, name: str) -> dict[str, Any]:
    return {**DEFAULTS.get(name, {}), **scenario.strategies.get(name, {})}


def _disaster(report: Mapping[str, Any]) -> float:
    at = report["outcome"].get("disaster_at_s")
    if at is None:
        raise CompareError(
            "the scenario has no disaster to compare the strategies on: the production "
            "rack (or its storage) is never lost; add a step such as "
            "`{at: 2h, do: lose-rack, rack: raleigh}`")
    return float(at)


def _cost(scenario: Scenario, row: StrategyRow) -> dict[str, float] | None:
    """What the disaster cost at the scenario's penalty rates (objectives.cost): hours of
    outage and hours of data lost (the RPO achieved). None where either is unbounded: the
    row's ``why`` says why (twin/outcome.py disaster_cost)."""
    if not row.applicable:
        return None
    return disaster_cost(scenario.cost, row.rto_s, row.rpo_achieved_s)


def compare(scenario: Scenario, strategies: Sequence[str] | None = None) -> dict[str, Any]:
    """Replay the scenario's disaster under each strategy (default: all that exist)."""
    wanted = list(strategies or STRATEGIES)
    unknown = [s for s in wanted if s not in STRATEGIES]
    if unknown:
        raise CompareError(f"unknown strategy {unknown[0]!r}; strategies are "
                           f"{', '.join(STRATEGIES)}")
    base = Runner(scenario).run()
    disaster = _disaster(base)
    phases = base["outcome"].get("rto_breakdown_s") or {}
    restored = base["outcome"].get("rto_s") is not None
    surges = [s for s in base["steps"] if s["do"] == "surge-writes" and s.get("accepted")]
    curve = WriteCurve(scenario, surges, disaster)
    rows: list[StrategyRow] = []
    for name in wanted:
        if name == "disk-replication":
            row = _from_report("disk-replication", base, scenario.system.replication.mode)
        elif name in ("gm-change-volumes", "metro-mirror"):
            row = _replication_mode(scenario, name)
        elif name == "backup-restore":
            row = _backup_restore(scenario, curve, disaster, phases)
        elif name == "host-based":
            row = _host_based(scenario, curve, disaster, phases)
        else:
            row = _shared_fs(scenario, base, disaster)
        if name in ("backup-restore", "host-based") and not restored and row.rto_s is not None:
            # their RTO is built from the twin's measured decision/restart/network phases:
            # in a run that never brought the service back those are incomplete
            row.rto_s = None
            row.why = "; ".join(x for x in (row.why, _NOT_RESTORED) if x)
        row.needs = list(NEEDS[name])
        row.cost = _cost(scenario, row)
        rows.append(row)
    return {"scenario": scenario.name, "file": scenario.path, "seed": scenario.seed,
            "disaster_at_s": round(disaster, 6), "currency": scenario.currency,
            "strategies": [r.to_dict() for r in rows]}


def _from_report(name: str, report: Mapping[str, Any], mode: str) -> StrategyRow:
    o = report["outcome"]
    return StrategyRow(name, rpo_achieved_s=o.get("rpo_achieved_s"),
                       data_loss_bytes=o.get("data_loss_bytes"), rto_s=o.get("rto_s"),
                       rto_breakdown_s=o.get("rto_breakdown_s"),
                       parameters={"mode": str(mode)},
                       why="" if o.get("rto_s") is not None else "the service was not "
                       "restored in the scenario's timeline")


def _replication_mode(scenario: Scenario, name: str) -> StrategyRow:
    system = scenario.system
    if name == "metro-mirror":
        if system.distance_km > METRO_MIRROR_MAX_KM:
            return StrategyRow(name, applicable=False,
                               why=f"Metro Mirror is synchronous, up to "
                               f"{METRO_MIRROR_MAX_KM:.0f} km: the sites are "
                               f"{system.distance_km:,.0f} km apart (R21)",
                               parameters={"mode": ReplicationMode.METRO_MIRROR.value})
        rep = dataclasses.replace(system.replication, mode=ReplicationMode.METRO_MIRROR.value)
    else:
        period = parse_duration(_params(scenario, name)["cycle_period"])
        rep = dataclasses.replace(system.replication,
                                  mode=ReplicationMode.CHANGE_VOLUMES.value,
                                  cycle_period_s=period)
    variant = dataclasses.replace(scenario, system=dataclasses.replace(system, replication=rep))
    report = Runner(variant).run()
    row = _from_report(name, report, rep.mode)
    if name == "gm-change-volumes":
        row.parameters["cycle_period_s"] = rep.cycle_period_s
    return row


def _restart_network(phases: Mapping[str, float]) -> tuple[float, float, float]:
    """The decision, restart and network phases the twin measured for this disaster."""
    return (float(phases.get("decision", 0.0)), float(phases.get("restart", 0.0)),
            float(phases.get("network", 0.0)))


def _backup_restore(scenario: Scenario, curve: WriteCurve, disaster: float,
                    phases: Mapping[str, float]) -> StrategyRow:
    p = _params(scenario, "backup-restore")
    interval = parse_duration(p["interval"])
    first = parse_duration(p["first_at"])
    offsite = parse_duration(p["offsite_delay"])
    size = sum(w.volume_gb for w in scenario.system.workloads) * GB
    backup_s = size / (float(p["backup_mb_s"]) * MB)
    restore_s = size / (float(p["restore_mb_s"]) * MB)
    params = {"interval_s": interval, "backup_s": round(backup_s, 3),
              "offsite_delay_s": offsite, "restore_s": round(restore_s, 3)}
    decision, restart, network = _restart_network(phases)
    breakdown = {"decision": decision, "data_sync": restore_s, "restart": restart,
                 "network": network}
    if interval <= 0 or backup_s + offsite >= interval:
        return StrategyRow("backup-restore", rpo_achieved_s=None,
                           data_loss_bytes=curve.written(disaster) + size,
                           rto_s=None, rto_breakdown_s=breakdown, parameters=params,
                           why="a backup and its off-site copy take longer than the interval: "
                           "no backup ever completes")
    # the last backup whose copy reached off-site storage before the disaster; the
    # schedule ran before the scenario's start too (a system in production)
    k = math.floor((disaster - backup_s - offsite - first) / interval)
    start = first + k * interval
    before = max(0.0, -start) * curve.mean_rate  # written before t = 0, at the mean rate
    return StrategyRow("backup-restore", rpo_achieved_s=disaster - start,
                       data_loss_bytes=curve.written(disaster) - curve.written(max(start, 0.0))
                       + before,
                       rto_s=sum(breakdown.values()), rto_breakdown_s=breakdown,
                       parameters=params,
                       why=f"the last backup to reach off-site storage before the disaster "
                       f"started {format_duration(disaster - start)} before it"
                       + (" (on the schedule, before the scenario's start)" if start < 0
                          else "")
                       + f" and took {format_duration(backup_s + offsite)} to get there")


def _host_based(scenario: Scenario, curve: WriteCurve, disaster: float,
                phases: Mapping[str, float]) -> StrategyRow:
    p = _params(scenario, "host-based")
    lag = parse_duration(p["lag"])
    b = scenario.system.ip_link.bandwidth_mbps * 1e6 / 8 * float(p["bandwidth_share_pct"]) / 100
    # the fluid backlog of the replication over the IP link's share, up to the disaster
    q = 0.0
    for t0, t1, rate in curve.segments():
        if t0 >= disaster:
            break
        dt = min(t1, disaster) - t0
        q = max(0.0, q + (rate - b) * dt)
    wait = q / b if b > 0 else math.inf
    rpo = lag + wait
    lost = curve.rate_at(disaster) * lag + q
    decision, _, network = _restart_network(phases)
    activate = float(p["activate_pct"]) / 100 * _restart_chain(scenario)
    breakdown = {"decision": decision, "data_sync": 0.0, "restart": activate,
                 "network": network}
    return StrategyRow("host-based", rpo_achieved_s=rpo, data_loss_bytes=lost,
                       rto_s=sum(breakdown.values()), rto_breakdown_s=breakdown,
                       parameters={"lag_s": lag, "bandwidth_bps": b * 8,
                                   "activate_s": round(activate, 3)},
                       why="" if q == 0 else "the IP link's share could not keep up: the "
                       f"backlog was {q / MB:.0f} MB at the disaster")


def _restart_chain(scenario: Scenario) -> float:
    """The longest chain of restart times along ``needs`` (R17): the restart phase of a
    recovery that needs no compute nodes added."""
    by = {w.name: w for w in scenario.system.workloads}
    memo: dict[str, float] = {}

    def finish(name: str) -> float:
        if name not in memo:
            w = by[name]
            memo[name] = w.restart_s + max((finish(n) for n in w.needs if n in by), default=0)
        return memo[name]

    return max((finish(n) for n in by), default=0.0)


def _shared_fs(scenario: Scenario, base: Mapping[str, Any], disaster: float) -> StrategyRow:
    p = _params(scenario, "shared-fs")
    takeover = parse_duration(p["takeover"])
    reconnect = parse_duration(p["reconnect"])
    where = str(p["file_system"])
    lost_rack = next((s.get("rack") for s in base["steps"]
                      if s["do"] in DISASTERS and s.get("accepted")), None)
    primary = scenario.system.rack_names[0]
    params = {"file_system": where, "takeover_s": takeover, "reconnect_s": reconnect}
    if where == "primary-rack" and lost_rack == primary:
        size = sum(w.volume_gb for w in scenario.system.workloads) * GB
        return StrategyRow("shared-fs", rpo_achieved_s=None, rto_s=None, parameters=params,
                           data_loss_bytes=size + float(base["outcome"].get("data_loss_bytes")
                                                        or 0.0),
                           why=f"the NFS server ran inside {primary}: losing the rack took the "
                           "shared file system, and so the standby instances, with it — the "
                           "single point of failure the article warns about (R25)")
    breakdown = {"decision": 0.0, "data_sync": 0.0, "restart": takeover,
                 "network": reconnect}
    return StrategyRow("shared-fs", rpo_achieved_s=0.0, data_loss_bytes=0.0,
                       rto_s=takeover + reconnect, rto_breakdown_s=breakdown,
                       parameters=params,
                       why="the standby instances read the same file system: nothing is lost")
