"""What the objectives panel lists, as pure functions (no Qt): each ``wait`` and ``check``
of the scenario (assessment items, pending until the timeline reaches them), and the
RPO/RTO objectives against the run so far. Values read as the rest of the application
writes them (app/format.py), never as raw floats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from app.format import format_bytes, format_duration, state_text

PENDING, MET, FAILED, WAITING = "pending", "met", "failed", "waiting"


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


def step_items(steps: Iterable[Any], results: Sequence[Any], next_index: int,
               waiting: bool) -> list[Item]:
    """The scenario's waits and checks (``steps``: twin.scenario.Step), each pending, in
    progress, met or failed (``results``: the finished steps' ``index`` and ``ok``)."""
    done = {r.index: r for r in results}
    out = []
    for step in steps:
        a = step.action
        if a.do not in ("wait", "check") or step.role != "instructor":
            continue
        mapping = dict(getattr(a, "until", None) or getattr(a, "that", None) or {})
        what = ("Achieve: " if a.do == "wait" else "Check: ") + condition_text(mapping)
        r = done.get(step.index)
        if r is not None:
            out.append(Item(f"step-{step.index}", what, MET if r.ok else FAILED,
                            f"at {format_duration(r.at_s)}"))
        elif waiting and step.index == next_index:
            timeout = getattr(a, "timeout", None)
            out.append(Item(f"step-{step.index}", what, WAITING,
                            f"within {format_duration(timeout)}" if timeout else "in progress"))
        else:
            out.append(Item(f"step-{step.index}", what, PENDING, ""))
    return out


def objective_items(graded: Mapping[str, Any]) -> list[Item]:
    """The RPO and RTO objectives (twin.runner.grade's answer) as panel lines."""
    out = []
    for key, label in (("rpo_s", "RPO"), ("rto_s", "RTO")):
        g = graded.get(key)
        if not g:
            continue
        what = f"{label} within {format_duration(g['objective'])}"
        achieved = g.get("achieved")
        if g["met"] is None:
            status, detail = PENDING, ("service down, clock running" if g.get("still_down")
                                       else "not measured yet")
        elif achieved is None:
            status = FAILED if not g["met"] else MET
            detail = "unbounded: no consistent copy" if key == "rpo_s" else "service not restored"
        else:
            status = MET if g["met"] else FAILED
            detail = f"achieved {format_duration(achieved)}"
        out.append(Item(key, what, status, detail))
    return out
