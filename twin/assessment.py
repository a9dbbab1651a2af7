"""The assessment of a run (scripted or trainee): a score, what held, and each deviation
from the procedure with its rule and consequence (scenario-format.md, "Additions").

It grades the journal of actions (``Twin.journal``: every console action with the state
just before it) against the procedure itself — R11 planned failover, R12 unplanned, R13
failback — and against the scenario's answer key (its operator steps), and it reads the
outcome for the consequences (R14: writes lost, split brain, workloads that cannot start
or cannot be reached; R15/R16: RPO and RTO against the objectives). A pure function of the
run: the same run always gets the same score.

Weights (points off 100, never below 0), documented in docs/assessment.md:

==========================  ======  ==============================================
what                        points  why
==========================  ======  ==============================================
a check that did not hold       10  the scenario's own assessment item
a wait that timed out           10  the trainee did not achieve it in time
an objective missed             15  RPO or RTO beyond the scenario's objective
a manual action omitted         15  R11/R12/R13 step skipped, with its R14 cost
a manual action out of order     5  done, but after the step it should precede
the wrong failover type         15  Unplanned while the primary was alive (R12)
a refused attempt                3  each (at most 15): the console said no
a hint taken                     5  each
the time limit passed           20  the service was not restored within it
==========================  ======  ==============================================

``passed``: the score is at least the pass mark (70 unless the scenario says otherwise)
and every check, wait and objective held.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from twin import actions as A
from twin.durations import format_bytes, format_duration

WEIGHTS = {
    "check": 10, "wait": 10, "objective": 15, "omission": 15, "order": 5,
    "wrong_type": 15, "refused": 3, "hint": 5, "time_limit": 20,
}
REFUSED_CAP = 15
PASS_MARK = 70.0

# the rule a refusal of each console action breaks (domain.md)
REFUSAL_RULE = {
    "create-profile": "R4", "validate": "R6", "enable": "R7", "start-failover": "R11",
    "start-workloads": "R10", "deploy": "R10", "resume-replication": "R19",
    "quiesce-compute-nodes": "R11", "stop-workloads": "R11", "withdraw-routes": "R11",
    "add-compute-nodes": "R11", "configure-tor-switches": "R11",
    "advertise-routes": "R11",
}


@dataclass
class Deviation:
    """A departure from the procedure: the rule, the action, what went wrong, the consequence."""
    rule: str
    action: str
    what: str
    consequence: str
    at_s: float | None
    kind: str  # omission | order | wrong_type | refused (points: WEIGHTS[kind])
    rack: str | None = None  # the rack it is about (one deviation per action and rack)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "action": self.action, "what": self.what,
                "consequence": self.consequence, "at_s": _r(self.at_s), "kind": self.kind,
                "points": WEIGHTS[self.kind]}


@dataclass
class Item:
    """One graded item of the assessment (a check, a wait, an objective)."""
    what: str
    ok: bool
    at_s: float | None
    kind: str  # check | wait | objective | answer-key | time-limit

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "ok": self.ok, "at_s": _r(self.at_s), "kind": self.kind}


@dataclass
class RunFacts:
    """What the assessment reads of a run (built by the runner)."""

    mode: str  # autoplay | trainee
    journal: Sequence[Any]  # twin.twin.JournalEntry
    steps: Sequence[Mapping[str, Any]]  # the report's step records
    checks: Sequence[Mapping[str, Any]]
    objectives: Mapping[str, Mapping[str, Any]]  # runner.grade()
    outcome: Mapping[str, Any]
    final_state: Mapping[str, Any]
    events: Sequence[Any]  # twin.events.Event
    answer_key: Sequence[Mapping[str, Any]] = ()
    hints: Sequence[float] = ()
    time_limit_s: float | None = None
    pass_mark: float = PASS_MARK
    racks: tuple[str, str] = ("raleigh", "dallas")
    extra: dict[str, Any] = field(default_factory=dict)


def _r(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def _running_on(before: Mapping[str, Any], rack: str) -> list[str]:
    return sorted(n for n, w in before.get("workloads", {}).items()
                  if w["rack"] == rack and w["status"] in ("running", "starting"))


def _rack_of(entry: Any) -> str | None:
    return getattr(entry.action, "rack", None)


def assess(f: RunFacts) -> dict[str, Any]:
    items = _items(f)
    deviations = _deviations(f)
    points: list[tuple[int, str]] = []
    for it in items:
        if not it.ok:
            kind = {"answer-key": "omission", "time-limit": "time_limit"}.get(it.kind, it.kind)
            if it.kind == "answer-key":
                continue  # graded as a deviation (the procedure's omission) instead
            points.append((WEIGHTS[kind], f"not met: {it.what}"))
    refused = 0
    for d in deviations:
        w = WEIGHTS[d.kind]
        if d.kind == "refused":
            w = min(w, max(0, REFUSED_CAP - refused))
            refused += WEIGHTS["refused"]
            if w == 0:
                continue
        points.append((w, f"{d.rule}: {d.what}" + (f" — {d.consequence}" if d.consequence
                                                     else "")))
    for t in f.hints:
        points.append((WEIGHTS["hint"], f"a hint was taken at {format_duration(t)}"))
    score = max(0.0, 100.0 - sum(p for p, _ in points))
    reasons = [f"−{p} {why}" for p, why in points]
    reasons += _timings(f)
    held = all(it.ok for it in items if it.kind != "answer-key")
    passed = score >= f.pass_mark and held
    if not points:
        reasons.insert(0, "By the book: no deviation from the procedure, every item held.")
    return {
        "score": round(score, 1),
        "passed": passed,
        "pass_mark": f.pass_mark,
        "reasons": reasons,
        "items": [it.to_dict() for it in items],
        "deviations": [d.to_dict() for d in deviations],
        "weights": dict(WEIGHTS),
    }


# -- items: what the scenario asked to hold -----------------------------------------------


def _items(f: RunFacts) -> list[Item]:
    out: list[Item] = []
    for c in f.checks:
        exp = c["expected"]
        out.append(Item(f"{c['path']} is {_shown(exp)}"
                        + ("" if c["ok"] else f" (it was {_shown(c['actual'])})"),
                        bool(c["ok"]), c["at_s"], "check"))
    for s in f.steps:
        if s["do"] == "wait" and not s.get("skipped") and s.get("instructor") != "skipped":
            until = ", ".join(f"{p} = {_shown(v)}" for p, v in (s.get("until") or {}).items())
            out.append(Item(f"wait until {until}: {s['message']}", bool(s["ok"]), s["at_s"],
                            "wait"))
    for key, g in f.objectives.items():
        if g.get("met") is None:
            continue
        label = "RPO" if key == "rpo_s" else "RTO"
        got = g.get("achieved")
        shown = (format_duration(got) if got is not None else
                 "unbounded" if key == "rpo_s" else "not restored")
        out.append(Item(f"{label} within {format_duration(g['objective'])} (achieved "
                        f"{shown})", bool(g["met"]), f.outcome.get("service_restored_at_s")
                        if key == "rto_s" else f.outcome.get("disaster_at_s"), "objective"))
    if f.time_limit_s is not None:
        restored = f.outcome.get("service_restored_at_s")
        down = f.outcome.get("service_down_at_s")
        ok = down is None or (restored is not None and restored <= f.time_limit_s)
        out.append(Item(f"service restored within the time limit "
                        f"({format_duration(f.time_limit_s)})", ok, restored, "time-limit"))
    if f.mode == "trainee":
        done = [e for e in f.journal if e.result.ok and e.action.kind == "console"]
        for k in f.answer_key:
            match = next((e for e in done if _same(e.action, k)), None)
            out.append(Item(f"expected {k['describe']}"
                            + (f" (around {format_duration(k['expected_at_s'])})"
                               if k.get("expected_at_s") is not None else ""),
                            match is not None, match.t_s if match else None, "answer-key"))
    return out


def _same(action: A.Action, key: Mapping[str, Any]) -> bool:
    if action.do != key["do"]:
        return False
    for field_name in ("rack", "type", "role", "link", "workload"):
        want = key.get(field_name)
        if want is not None and getattr(action, field_name, None) != want:
            return False
    return True


def _shown(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, dict) and set(v) <= {"min", "max"}:
        return " and ".join(f"{'≥' if k == 'min' else '≤'} {_shown(x)}" for k, x in v.items())
    return str(v)


# -- deviations: the procedure (R11, R12, R13) ----------------------------------------------


def _deviations(f: RunFacts) -> list[Deviation]:
    out: list[Deviation] = []
    seen: set[tuple[str, str, str | None]] = set()

    def add(d: Deviation, key_rack: str | None = None) -> None:
        k = (d.rule, d.action, key_rack)
        if k not in seen:
            seen.add(k)
            d.rack = key_rack
            out.append(d)

    journal = [e for e in f.journal if e.action.kind == "console"]
    split_brain = any(e.kind == "alert" and "split-brain" in e.message for e in f.events)
    lost = f.outcome.get("data_loss_bytes") or 0
    for i, e in enumerate(journal):
        a, res, before = e.action, e.result, e.before
        if not res.ok:
            rule = REFUSAL_RULE.get(a.do, "R5")
            if a.do == "start-failover" and getattr(a, "type", None) == "unplanned":
                rule = "R12"
            add(Deviation(rule, a.do, f"{a.describe()} was refused: {res.message}",
                          f"what should have come first: {res.hint}" if res.hint else "",
                          e.t_s, "refused"), f"{i}")
            continue
        if not isinstance(a, A.StartFailover):
            continue
        rack = a.rack
        profile = (before.get("profiles") or {}).get(rack) or {}
        later = journal[i + 1:]
        earlier = journal[:i]
        peer = next(r for r in f.racks if r != rack)
        peer_profile = (before.get("profiles") or {}).get(peer) or {}
        taken_over = not (peer_profile.get("state") == "enabled"
                          and peer_profile.get("role") == "backup")
        if profile.get("role") == "primary" and not taken_over:
            # a planned failover (R11 step 1); a stale primary whose peer already took
            # over is only reset (R13), with nothing left to stop on it
            _primary_side(f, e, rack, before, later, lost, split_brain, add)
        elif profile.get("role") == "backup":
            _backup_side(f, e, rack, a, before, later, earlier, add)
    _omitted_after(f, journal, add)
    covered = {(d.action, d.rack) for d in out}
    if f.mode == "trainee":  # the answer key's actions the trainee never did
        done = [e for e in journal if e.result.ok]
        unplanned = any(k["do"] == "start-failover" and k.get("type") == "unplanned"
                        for k in f.answer_key)
        for k in f.answer_key:
            if any(_same(e.action, k) for e in done):
                continue
            if (k["do"], k.get("rack")) in covered:
                continue
            rule = "R12" if unplanned and k["do"] in _BACKUP_SIDE else "R11"
            add(Deviation(rule, k["do"], f"{k['describe']} was never done",
                          _OMITTED.get(k["do"], "a step of the procedure is missing"),
                          k.get("expected_at_s"), "omission"), k.get("rack"))
    return out


# the backup's steps of a failover (R11 steps 3-5; all of R12)
_BACKUP_SIDE = {"start-failover", "add-compute-nodes", "configure-tor-switches",
                "start-workloads", "advertise-routes"}
_OMITTED = {
    "start-failover": "no takeover: the backup never became the production rack",
    "start-workloads": "the service was not restored",
    "advertise-routes": "clients could not reach the workloads",
    "add-compute-nodes": "no compute nodes in the cloud groups: the workloads cannot start",
    "configure-tor-switches": "started workloads stay unreachable",
    "stop-workloads": "writes after replication stopped are lost",
    "withdraw-routes": "both racks may advertise the same addresses: split brain",
    "enable": "disaster recovery is not enabled: nothing replicates",
}



def _done_later(later: Iterable[Any], do: str, rack: str) -> Any | None:
    return next((x for x in later if x.result.ok and x.action.do == do
                 and getattr(x.action, "rack", None) == rack), None)


def _primary_side(f: RunFacts, e: Any, rack: str, before: Mapping[str, Any],
                  later: Sequence[Any], lost: float, split_brain: bool, add: Any) -> None:
    """R11 step 1: the primary's manual actions come before its Start Failover."""
    r = before["racks"][rack]
    rep = before.get("replication") or {}
    if not r["compute_nodes"]["quiesced"]:
        add(Deviation("R11", "quiesce-compute-nodes",
                      f"Start Failover on {rack} before its compute nodes were quiesced",
                      "new deployments could still start and would be missing on the "
                      "backup (R14)", e.t_s, "omission"), rack)
    if not rep.get("initial_copy_complete", True):
        add(Deviation("R11", "verify-initial-copies",
                      f"Start Failover on {rack} before the initial copies were complete",
                      "the backup's volumes hold no consistent copy: its workloads cannot "
                      "start from them (R14)", e.t_s, "omission"), rack)
    running = _running_on(before, rack)
    if running:
        cost = (f"{format_bytes(lost)} written after replication stopped were lost (R14)"
                if lost else "writes after replication stopped would be lost (R14)")
        add(Deviation("R11", "stop-workloads",
                      f"Start Failover on {rack} while {', '.join(running)} still ran there",
                      cost, e.t_s, "omission"), rack)
    if r.get("advertising"):
        done = _done_later(later, "withdraw-routes", rack)
        cost = ("both racks advertised the same addresses: split brain (R14)" if split_brain
                else f"clients were still sent to {rack}")
        add(Deviation("R11", "withdraw-routes",
                      f"Start Failover on {rack} while its routers still advertised its "
                      "addresses" + (" (withdrawn later)" if done else ""), cost, e.t_s,
                      "order" if done and not split_brain else "omission"), rack)


def _backup_side(f: RunFacts, e: Any, rack: str, a: A.StartFailover,
                 before: Mapping[str, Any], later: Sequence[Any], earlier: Sequence[Any],
                 add: Any) -> None:
    """R11 steps 3–4 / R12: the backup's manual actions, then its Start Failover; the
    right failover type."""
    rule = "R12" if a.type == "unplanned" else "R11"
    peer = next(r for r in f.racks if r != rack)
    peer_before = before["racks"].get(peer, {})
    peer_profile = (before.get("profiles") or {}).get(peer) or {}
    if a.type == "unplanned" and peer_before.get("status") == "up" \
            and peer_profile.get("state") == "enabled" and peer_profile.get("role") == "primary":
        add(Deviation("R12", "start-failover",
                      f"Unplanned failover on {rack} while {peer} was up and still the "
                      "primary", f"both sides became writable: {peer}'s later writes are "
                      "lost and both may advertise (split brain); fail over Planned, from "
                      f"{peer} first (R11)", e.t_s, "wrong_type"), rack)
    r = before["racks"][rack]
    nodes = r["compute_nodes"]
    if nodes["in_cloud_groups"] + nodes["adding"] == 0:
        done = _done_later(later, "add-compute-nodes", rack)
        add(Deviation(rule, "add-compute-nodes",
                      f"Start Failover on {rack} before adding compute nodes to its cloud "
                      "groups" + (" (added later)" if done else ""),
                      "the cloud groups stayed inactive longer: the restarts waited"
                      if done else "no compute nodes in the cloud groups: the workloads "
                      "could not start (R14)", e.t_s, "order" if done else "omission"), rack)
    if not r["tor_configured"] and not r["tor_configuring"]:
        done = _done_later(later, "configure-tor-switches", rack)
        add(Deviation(rule, "configure-tor-switches",
                      f"Start Failover on {rack} before configuring its ToR switches"
                      + (" (configured later)" if done else ""),
                      "the workloads were unreachable until then" if done else
                      "started workloads stay unreachable (R14)", e.t_s,
                      "order" if done else "omission"), rack)


def _omitted_after(f: RunFacts, journal: Sequence[Any], add: Any) -> None:
    """R11 step 5 / R12: after the backup's failover, start the workloads and advertise;
    R13: a restored primary's routes withdrawn."""
    takeovers = [e for e in journal if e.result.ok and isinstance(e.action, A.StartFailover)
                 and ((e.before.get("profiles") or {}).get(e.action.rack) or {}).get("role")
                 == "backup"]
    for e in takeovers[:1]:
        rack = e.action.rack
        later = [x for x in journal if x.t_s >= e.t_s and x is not e]
        rule = "R12" if e.action.type == "unplanned" else "R11"
        if not _done_later(later, "start-workloads", rack) and not _started_before(journal, e):
            add(Deviation(rule, "start-workloads",
                          f"the workloads were never started on {rack} after its failover",
                          "the service was not restored", e.t_s, "omission"), rack)
        if not _done_later(later, "advertise-routes", rack) and not _advertised(journal, e):
            add(Deviation(rule, "advertise-routes",
                          f"the routers never advertised {rack}'s addresses after its "
                          "failover", "clients could not reach the workloads", e.t_s,
                          "omission"), rack)
    if any(ev.kind == "alert" and "came back with its routers still advertising" in ev.message
           for ev in f.events):
        restored = [ev for ev in f.events if ev.kind == "alert"
                    and "came back with its routers still advertising" in ev.message]
        final = f.final_state.get("service", {})
        if final.get("split_brain"):
            add(Deviation("R13", "withdraw-routes",
                          "a restored rack kept advertising the addresses the backup took "
                          "over", "split brain until the end of the run (R14)",
                          restored[0].t_s, "omission"), "restored")


def _started_before(journal: Sequence[Any], e: Any) -> bool:
    return any(x.result.ok and x.action.do == "start-workloads"
               and getattr(x.action, "rack", None) == e.action.rack and x.t_s <= e.t_s
               for x in journal)


def _advertised(journal: Sequence[Any], e: Any) -> bool:
    return any(x.result.ok and x.action.do == "advertise-routes"
               and getattr(x.action, "rack", None) == e.action.rack for x in journal)


def _timings(f: RunFacts) -> list[str]:
    o = f.outcome
    out = []
    down, restored = o.get("service_down_at_s"), o.get("service_restored_at_s")
    first = (o.get("milestones_s") or {}).get("first_action")
    if o.get("disaster_at_s") is not None and down is not None and first is not None:
        out.append(f"Time to decide: {format_duration(first - down)} from the outage to the "
                   "first recovery action.")
    if first is not None and restored is not None:
        out.append(f"Time to act: {format_duration(restored - first)} from the first "
                   "action to the service restored.")
    if o.get("data_loss_bytes"):
        out.append(f"Data lost: {format_bytes(o['data_loss_bytes'])}.")
    return out
