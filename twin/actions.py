"""Typed actions: one frozen dataclass for each ``do:`` of scenario-format.md.

Every GUI button, scenario step and injected fault becomes one of these and goes
through ``Twin.apply``; so a GUI session can be recorded as a scenario and replayed.
``Action.do`` is the scenario name; ``to_dict`` gives the step back (without secrets).

Every action checks its fields when it is made (``__post_init__``): the type of each, and
every number within its range of ``twin/limits.py`` (no NaN, no infinity, no negative
rate, no write rate no rack could sustain). A field that does not fit raises
:class:`ActionError` (a ``ValueError``) naming the action and the field, with the same
words the scenario loader uses; so no action that exists can make ``Twin.apply`` fail.
Lists become tuples and mappings pairs, so an action is hashable and immutable.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from twin import limits as L

REGISTRY: dict[str, type[Action]] = {}


@dataclass(frozen=True)
class Action:
    """One step of a scenario or one console action, checked when it is made."""
    do: ClassVar[str] = ""
    kind: ClassVar[str] = "console"  # console | fault | flow

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.do:
            REGISTRY[cls.do] = cls

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            rule = _RULES.get(f.name)
            if rule is None:  # pragma: no cover - every field has a rule (a test checks)
                continue
            value = getattr(self, f.name)
            optional = f.default is None
            if value is None and optional:
                continue
            try:
                fixed = rule(value)
            except _Bad as e:
                name = "for" if f.name == "for_" else f.name
                shown = "the password" if f.name == "password" else None
                why = e.reason(shown)
                raise ActionError(f"{self.do}: {name} {why}", field=name, problem=why) from None
            if fixed is not value:
                object.__setattr__(self, f.name, fixed)

    def to_dict(self) -> dict[str, Any]:
        """The scenario step for this action; a password is never written out."""
        out: dict[str, Any] = {"do": self.do}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "password" or v is None or v == () or v == {}:
                continue
            out[f.name.rstrip("_")] = list(v) if isinstance(v, tuple) else v
        return out

    def describe(self) -> str:
        d = self.to_dict()
        d.pop("do")
        args = ", ".join(f"{k}={v}" for k, v in d.items())
        return f"{self.do}({args})" if args else self.do


# --- console actions (R4-R13) -------------------------------------------------------


@dataclass(frozen=True)
class CreateProfile(Action):
    """Console (R4): create the DR profile on ``rack``, trusting its ``peer``."""
    do: ClassVar[str] = "create-profile"
    rack: str
    peer: str  # the peer rack's name or management address (IP or DNS name)
    user: str | None = None  # the peer user for the trust relationship (R4)
    password: str | None = field(default=None, repr=False)
    operator: str | None = None  # the local user creating the profile (needs DR admin)


@dataclass(frozen=True)
class Validate(Action):
    """Console (R6): validate the pairing of ``rack``'s DR profile with its peer."""
    do: ClassVar[str] = "validate"
    rack: str


@dataclass(frozen=True)
class Enable(Action):
    """Console (R8, R10): enable ``rack``'s DR profile as ``primary`` or ``backup``."""
    do: ClassVar[str] = "enable"
    rack: str
    role: str  # primary | backup


@dataclass(frozen=True)
class QuiesceComputeNodes(Action):
    """Console (R11): quiesce ``rack``'s compute nodes: no new deployments start."""
    do: ClassVar[str] = "quiesce-compute-nodes"
    rack: str


@dataclass(frozen=True)
class StopWorkloads(Action):
    """Console (R11): stop ``workloads`` on ``rack`` (none named: all of them)."""
    do: ClassVar[str] = "stop-workloads"
    rack: str
    workloads: tuple[str, ...] = ()  # empty: all on that rack


@dataclass(frozen=True)
class WithdrawRoutes(Action):
    """Console (R11): ``rack`` stops advertising the workloads' addresses."""
    do: ClassVar[str] = "withdraw-routes"
    rack: str


@dataclass(frozen=True)
class StartFailover(Action):
    """Console (R11, R12): start a failover on ``rack``, ``planned`` or ``unplanned``."""
    do: ClassVar[str] = "start-failover"
    rack: str
    type: str | None = None  # planned | unplanned; chosen on the backup


@dataclass(frozen=True)
class AddComputeNodes(Action):
    """Console (R11): add ``count`` compute nodes (none: all healthy) to the cloud
    groups."""
    do: ClassVar[str] = "add-compute-nodes"
    rack: str
    count: int | None = None  # None: all healthy nodes


@dataclass(frozen=True)
class ConfigureTorSwitches(Action):
    """Console (R11): configure ``rack``'s top-of-rack switches for the takeover."""
    do: ClassVar[str] = "configure-tor-switches"
    rack: str


@dataclass(frozen=True)
class StartWorkloads(Action):
    """Console (R11): start ``workloads`` on ``rack`` (none named: all of them)."""
    do: ClassVar[str] = "start-workloads"
    rack: str
    workloads: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdvertiseRoutes(Action):
    """Console (R3, R11): ``rack`` advertises the workloads' addresses."""
    do: ClassVar[str] = "advertise-routes"
    rack: str


@dataclass(frozen=True)
class ResumeReplication(Action):
    """Console (R19): restart the stopped consistency group from ``rack``."""
    do: ClassVar[str] = "resume-replication"
    rack: str


@dataclass(frozen=True)
class Deploy(Action):
    """Console (R1, R14): deploy a new workload ``name`` on ``rack``."""
    do: ClassVar[str] = "deploy"
    rack: str
    name: str
    middleware: str = "was"
    restart: float = 600.0  # its disks join no consistency group: see docs/design.md


@dataclass(frozen=True)
class TestFailover(Action):
    """A drill that does not touch production (an extension beyond the article's V1.1
    console, as modern DR products offer): a FlashCopy of the backup's replicated volumes,
    the workloads started from it in an isolated test network."""

    __test__ = False  # not a pytest test class
    do: ClassVar[str] = "test-failover"
    rack: str


@dataclass(frozen=True)
class CleanupTest(Action):
    """Remove a test failover's instances and its FlashCopy; says what was left behind."""

    do: ClassVar[str] = "cleanup-test"
    rack: str


# --- faults ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CutLink(Action):
    """Fault: cut the ``fc`` or ``ip`` link between the sites."""
    do: ClassVar[str] = "cut-link"
    kind: ClassVar[str] = "fault"
    link: str  # fc | ip


@dataclass(frozen=True)
class RestoreLink(Action):
    """Fault: restore the ``fc`` or ``ip`` link."""
    do: ClassVar[str] = "restore-link"
    kind: ClassVar[str] = "fault"
    link: str


@dataclass(frozen=True)
class DegradeLink(Action):
    """Fault: add latency, lower the bandwidth or lose frames on a link."""
    do: ClassVar[str] = "degrade-link"
    kind: ClassVar[str] = "fault"
    link: str
    latency_ms: float | None = None  # added one-way latency
    bandwidth_mbps: float | None = None
    loss_pct: float | None = None


@dataclass(frozen=True)
class LoseRack(Action):
    """Fault: a site disaster: ``rack`` is lost."""
    do: ClassVar[str] = "lose-rack"
    kind: ClassVar[str] = "fault"
    rack: str


@dataclass(frozen=True)
class RestoreRack(Action):
    """Fault: ``rack`` is back, with its data as it was."""
    do: ClassVar[str] = "restore-rack"
    kind: ClassVar[str] = "fault"
    rack: str


@dataclass(frozen=True)
class FailComputeNode(Action):
    """Fault: a compute node of ``rack`` fails (``node``; none: its last healthy one)."""
    do: ClassVar[str] = "fail-compute-node"
    kind: ClassVar[str] = "fault"
    rack: str
    node: int | None = None


@dataclass(frozen=True)
class FailManagementNode(Action):
    """Fault: a management node of ``rack`` fails."""
    do: ClassVar[str] = "fail-management-node"
    kind: ClassVar[str] = "fault"
    rack: str


@dataclass(frozen=True)
class FailStorage(Action):
    """Fault: ``rack``'s V7000 storage fails."""
    do: ClassVar[str] = "fail-storage"
    kind: ClassVar[str] = "fault"
    rack: str


@dataclass(frozen=True)
class SurgeWrites(Action):
    """Fault: ``workload`` writes ``write_mb_s`` for ``for_`` seconds."""
    do: ClassVar[str] = "surge-writes"
    kind: ClassVar[str] = "fault"
    workload: str
    write_mb_s: float
    for_: float = 600.0  # seconds


# --- flow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait(Action):
    """Flow: wait until every state path of ``until`` holds its value (or ``timeout``)."""
    do: ClassVar[str] = "wait"
    kind: ClassVar[str] = "flow"
    until: tuple[tuple[str, Any], ...] = ()
    timeout: float | None = None


@dataclass(frozen=True)
class Check(Action):
    """Flow: check that every state path of ``that`` holds its value."""
    do: ClassVar[str] = "check"
    kind: ClassVar[str] = "flow"
    that: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Note(Action):
    """Flow: a caption for demos and training (a presenter's pause with ``pause``)."""
    do: ClassVar[str] = "note"
    kind: ClassVar[str] = "flow"
    text: str = ""
    pause: bool = False  # presenter mode: wait for a click or a key after the caption


class ActionError(ValueError):
    """A step whose ``do`` or fields do not make an action; ``field`` names the field at
    fault (as a scenario spells it: ``for``), if one is."""

    def __init__(self, message: str, field: str | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem or message  # the message without "<do>: <field> "


# --- field checks: one rule per field name, the same in every action --------------------------


class _Bad(Exception):
    def __init__(self, problem: str, value: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.value = value

    def reason(self, shown: str | None) -> str:
        return self.problem if shown is None else self.problem.split("; got ")[0]


def _text(value: Any, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be text, not {_kind(value)}")
    if not empty and not value:
        raise _Bad("must not be empty")
    return value


def _ranged(r: L.Range) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        problem = r.problem(value)
        if problem:
            raise _Bad(problem)
        return value

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_kind(value)}")
    return value


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _Bad(f"must be a list of workload names, not {_kind(value)}")
    for x in value:
        if not isinstance(x, str) or not x:
            raise _Bad(f"must list workload names (text), not {_kind(x)}")
    return value if isinstance(value, tuple) else tuple(value)


def _pairs(value: Any) -> tuple[tuple[str, Any], ...]:
    """``until``/``that``: (state path, expected value) pairs, or a mapping of them."""
    if isinstance(value, dict):
        value = tuple((k, _freeze(x)) for k, x in value.items())
    if not isinstance(value, (list, tuple)):
        raise _Bad(f"must be pairs of a state path and a value, not {_kind(value)}")
    out = []
    for pair in value:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], str)):
            raise _Bad("must be pairs of a state path (text) and a value")
        try:
            hash(_freeze(pair[1]))
        except TypeError:
            raise _Bad(f"values must be plain (text, numbers, true/false, lists, mappings), "
                       f"not {_kind(pair[1])}") from None  # fmt: skip
        frozen = _freeze(pair[1])
        out.append(pair if isinstance(pair, tuple) and frozen is pair[1] else (pair[0], frozen))
    return value if isinstance(value, tuple) and all(
        a is b for a, b in zip(out, value, strict=True)) else tuple(out)  # fmt: skip


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return {str: "text", int: "a whole number", float: "a number", list: "a list",
            tuple: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)  # fmt: skip


_RULES: dict[str, Callable[[Any], Any]] = {
    "rack": _text, "peer": _text, "user": _text, "operator": _text, "name": _text,
    "middleware": _text, "workload": _text, "link": _text, "role": _text, "type": _text,
    "password": lambda v: _text(v, empty=True), "text": lambda v: _text(v, empty=True),
    "workloads": _names,
    "count": _ranged(L.COMPUTE_NODE_COUNT),
    "node": _ranged(L.COMPUTE_NODE_INDEX),
    "restart": _ranged(L.DURATION),
    "latency_ms": _ranged(L.ADDED_LATENCY_MS),
    "bandwidth_mbps": _ranged(L.LINK_BANDWIDTH_MBPS),
    "loss_pct": _ranged(L.PERCENT),
    "write_mb_s": _ranged(L.WRITE_MB_S),
    "for_": _ranged(L.DURATION),  # a zero-length surge is the console's to refuse
    "timeout": _ranged(L.DURATION),
    "until": _pairs, "that": _pairs,
    "pause": _bool,
}  # fmt: skip


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple((k, _freeze(x)) for k, x in v.items())
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v


def action_from_dict(do: str, params: dict[str, Any]) -> Action:
    """Build the typed action for a step's ``do`` and its fields (durations already in
    seconds). ``for`` is spelled ``for_`` in Python."""
    cls = REGISTRY.get(do)
    if cls is None:
        raise ActionError(f"unknown action {do!r}; known: {', '.join(sorted(REGISTRY))}")
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for k, v in params.items():
        key = "for_" if k == "for" else k
        if key not in names:
            raise ActionError(f"{do} has no field {k!r}; fields: {', '.join(sorted(names))}")
        if key in ("until", "that") and isinstance(v, dict):
            kwargs[key] = tuple((p, _freeze(x)) for p, x in v.items())
        else:
            kwargs[key] = _freeze(v)
    try:
        return cls(**kwargs)
    except TypeError as e:  # a missing field
        raise ActionError(f"{do}: {e}") from None


def thaw(v: Any) -> Any:
    """Inverse of the freezing done for check/wait values: pairs back to dicts."""
    if isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2 and
                                          isinstance(x[0], str) for x in v):
        return {k: thaw(x) for k, x in v}
    if isinstance(v, tuple):
        return [thaw(x) for x in v]
    return v
