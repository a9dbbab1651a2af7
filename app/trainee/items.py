"""What the objectives panel lists, as pure functions (no Qt): each ``wait`` and ``check``
of the scenario (assessment items, pending until the timeline reaches them), and the
RPO/RTO objectives against the run so far. Values read as the rest of the application
writes them (app/format.py), never as raw floats.

An item in progress against a deadline (a ``wait`` until its timeout, the RTO objective
while the service is down, either no later than the session's time limit) says how long
is left, to the minute (``about 24m left``); once the deadline has passed, or the
session ended first, it says that it expired."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from app.format import format_bytes, format_duration, format_left, state_text
from twin.scenario import DEFAULT_WAIT_TIMEOUT_S

PENDING, MET, FAILED, WAITING, EXPIRED = "pending", "met", "failed", "waiting", "expired"


class Item(NamedTuple):
    """One line of the panel: what, its status (pending, waiting, met, failed), a detail."""

    key: str
    what: str
    status: str
    detail: str = ""


def value_text(path: str, value: Any) -> str:
    """A value of the state document as a person reads it (``outcome.rto_s`` 21600 →
    6h 00m 00s; a range {max: 1} → ≤ 1.0s)."""
    if isinstance(value, tuple) and value and all(
            isinstance(x, tuple) and len(x) == 2 for x in value):
        value = dict(value)  # a range as the loader freezes it: (("max", 1.0),)
    if isinstance(value, Mapping) and set(value) <= {"min", "max"} and value:
        lo, hi = value.get("min"), value.get("max")
        if lo is not None and hi is not None:
            return f"{value_text(path, lo)} – {value_text(path, hi)}"
        return f"≤ {value_text(path, hi)}" if hi is not None else f"≥ {value_text(path, lo)}"
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "—"}[value]
    if isinstance(value, (int, float)):
        if path.endswith("_s"):
            return format_duration(float(value))
        if path.endswith("_bytes"):
            return format_bytes(float(value))
        if path.endswith("progress"):
            return f"{float(value) * 100:.0f}%"
        return f"{value:g}"
    if isinstance(value, str) and "_" in value:
        return state_text(value)
    return str(value)


# state paths as a trainee reads them (the rest: the path's words)
_LABELS = {
    "service.available": "service available", "service.split_brain": "split brain",
    "replication.state": "replication", "replication.lag_bytes": "replication lag",
    "replication.rpo_s": "RPO exposure", "replication.errors": "replication errors",
    "replication.initial_copy_complete": "initial copy of the disks complete",
    "management.initial_copy_complete": "initial copy of the management data complete",
    "management.state": "management cloning", "outcome.rto_s": "RTO",
    "outcome.rpo_achieved_s": "RPO achieved", "outcome.data_loss_bytes": "data lost",
}
_PER = {"rack": "runs on", "status": "is", "reachable": "reachable", "role": "role",
        "state": "profile", "advertising": "routers advertising",
        "tor_configured": "ToR switches configured", "console_answers": "console answers"}


def path_label(path: str) -> str:
    """``workloads.orders-app.rack`` → ``orders-app runs on``; ``outcome.rto_s`` → ``RTO``."""
    if path in _LABELS:
        return _LABELS[path]
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("workloads", "racks", "profiles") and \
            parts[2] in _PER:
        return f"{parts[1]} {_PER[parts[2]]}"
    words = [p.removesuffix("_s").removesuffix("_bytes").replace("_", " ") for p in parts]
    return " ".join(words)


def condition_text(mapping: Mapping[str, Any]) -> str:
    return "; ".join(f"{path_label(path)}: {value_text(path, v)}"
                     for path, v in mapping.items())


class Clock(NamedTuple):
    """Where the session is in time, for the items' deadlines: now, the session's time
    limit (None: none), and whether the session is over (Finish, the limit, the end)."""

    now: float
    limit_s: float | None = None
    over: bool = False


def left_text(deadline_s: float, clock: Clock) -> str:
    """``about 24m left`` until ``deadline_s`` (or the time limit, if it comes first)."""
    limit = clock.limit_s
    bound = limit is not None and limit < deadline_s
    left = (limit if bound and limit is not None else deadline_s) - clock.now
    return format_left(left) + (" before the time limit" if bound else "")


def _expired(deadline_s: float, clock: Clock) -> bool:
    """The deadline (or the time limit) has passed, or the session is over."""
    limit = clock.limit_s
    return clock.over or clock.now >= deadline_s or (limit is not None
                                                      and clock.now >= limit)


def _ended_text(clock: Clock) -> str:
    at_limit = clock.limit_s is not None and clock.now >= clock.limit_s
    return (f"the time limit ({format_duration(clock.limit_s)}) was reached" if at_limit
            else f"the session ended at {format_duration(clock.now)}")


def step_items(steps: Iterable[Any], results: Sequence[Any], next_index: int,
               waiting: bool, wait_deadline_s: float | None = None,
               clock: Clock | None = None) -> list[Item]:
    """The scenario's waits and checks (``steps``: twin.scenario.Step), each pending, in
    progress, met, failed or expired (``results``: the finished steps' ``index`` and
    ``ok``); with ``clock``, the wait in progress says how long is left until
    ``wait_deadline_s``."""
    done = {r.index: r for r in results}
    out = []
    for step in steps:
        a = step.action
        if a.do not in ("wait", "check") or step.role != "instructor":
            continue
        mapping = dict(getattr(a, "until", None) or getattr(a, "that", None) or {})
        what = ("Achieve: " if a.do == "wait" else "Check: ") + condition_text(mapping)
        key = f"step-{step.index}"
        r = done.get(step.index)
        timeout = getattr(a, "timeout", None)
        if r is not None and a.do == "wait" and not r.ok:
            # a wait fails only at its timeout (its result is dated when it began)
            within = timeout if timeout is not None else DEFAULT_WAIT_TIMEOUT_S
            out.append(Item(key, what, FAILED, f"expired at {format_duration(r.at_s + within)}"
                            f": not achieved within {format_duration(within)}"))
        elif r is not None:
            out.append(Item(key, what, MET if r.ok else FAILED,
                            f"at {format_duration(r.at_s)}"))
        elif waiting and step.index == next_index:
            deadline = wait_deadline_s
            if clock is None or deadline is None:
                out.append(Item(key, what, WAITING, f"within {format_duration(timeout)}"
                                if timeout else "in progress"))
            elif _expired(deadline, clock):
                out.append(Item(key, what, EXPIRED, f"not achieved: {_ended_text(clock)}"))
            else:
                out.append(Item(key, what, WAITING, left_text(deadline, clock)))
        elif clock is not None and clock.over:
            out.append(Item(key, what, PENDING, "not reached: the session is over"))
        else:
            out.append(Item(key, what, PENDING, ""))
    return out


def objective_items(graded: Mapping[str, Any], down_at_s: float | None = None,
                    clock: Clock | None = None) -> list[Item]:
    """The RPO and RTO objectives (twin.runner.grade's answer) as panel lines; with
    ``clock`` and the outage's start ``down_at_s``, the RTO while the service is down
    says how long is left within the objective."""
    out = []
    for key, label in (("rpo_s", "RPO"), ("rto_s", "RTO")):
        g = graded.get(key)
        if not g:
            continue
        what = f"{label} within {format_duration(g['objective'])}"
        achieved = g.get("achieved")
        still_down = key == "rto_s" and g.get("still_down")
        if g["met"] is None and still_down and clock is not None and down_at_s is not None:
            deadline = down_at_s + g["objective"]
            if _expired(deadline, clock):
                status, detail = EXPIRED, f"service still down: {_ended_text(clock)}"
            else:
                status, detail = WAITING, f"service down, {left_text(deadline, clock)}"
        elif g["met"] is None:
            status, detail = PENDING, ("service down, clock running" if still_down
                                       else "not measured yet")
        elif achieved is None:
            status = FAILED if not g["met"] else MET
            detail = ("unbounded: no consistent copy" if key == "rpo_s" else
                      f"expired: service down longer than {format_duration(g['objective'])}"
                      if still_down else "service not restored")
        else:
            status = MET if g["met"] else FAILED
            detail = f"achieved {format_duration(achieved)}"
        out.append(Item(key, what, status, detail))
    return out
