"""The state document (scenario-format.md), typed: what ``Twin.state()`` returns, what
``wait``/``check`` read by dotted path, what the report embeds and what the app draws.

The document is plain JSON (strict: no NaN or infinity, an unbounded RPO is null); these
``TypedDict`` classes are its schema for the type checker, and ``STATE_KEYS`` — the map
the loader uses to tell a typo in a ``wait``/``check`` path from a real path before
anything runs — is derived from them, so it cannot drift from what the engine builds
(``tests/test_statedoc.py`` checks the derived map against a real document).

In ``STATE_KEYS``, ``*`` stands for a rack, a workload or a link name, and ``None`` means
that the value below is free-form (a list, a number).
"""

# (no ``from __future__ import annotations`` here: the TypedDicts' annotations are then
# types at once, where as strings each would be compiled into a ForwardRef when its class
# is made, ~1 ms of every launch; every name is defined before it is used)
import functools
import types
import typing
from typing import Any, TypedDict

from twin.states import (
    FailoverType,
    ManagementState,
    ProfileState,
    RackStatus,
    ReplicationMode,
    ReplicationState,
    Role,
    RtoPhase,
    WorkloadStatus,
)


class ComputeNodesDoc(TypedDict):
    total: int
    in_cloud_groups: int
    quiesced: int
    failed: int
    adding: int
    adding_left_s: float | None  # until the last node being added is in its cloud group
    failed_nodes: list[int]  # indices from 0, as in compute:<rack>:<i>


class RackDoc(TypedDict):
    status: RackStatus
    compute_nodes: ComputeNodesDoc
    tor_configured: bool
    advertising: bool
    routes_converging: bool
    routes_left_s: float | None  # until the routers have converged
    tor_configuring: bool
    tor_left_s: float | None  # until the ToR switches are configured
    storage_failed: bool
    management_nodes_failed: int
    console_answers: bool  # up, with a working management node
    role: Role
    replication_source: bool
    data_consistent: bool


class SectionsDoc(TypedDict):
    enable: bool
    monitor: bool
    failover: bool


class CheckDoc(TypedDict):
    ok: bool
    detail: str


class ProfileDoc(TypedDict):
    state: ProfileState
    role: Role
    icon: str
    peer: str
    peer_address: str
    peer_user: str
    sections: SectionsDoc
    validation: dict[str, CheckDoc]
    failover_type: FailoverType | None


class LinkDoc(TypedDict):
    up: bool
    degraded: bool
    extra_latency_ms: float
    bandwidth_mbps: float
    loss_pct: float


class VolumesDoc(TypedDict):
    """Per-volume columns, in the engine's volume order (volume i of each list)."""

    name: list[str]
    state: list[str]
    progress: list[float]
    lag_bytes: list[float]
    rpo_s: list[float | None]


class SideDoc(TypedDict):
    state: str | None  # the state this rack's own SVC shows; None: the rack is lost
    role: str  # master (the source) | auxiliary


class ReplicationDoc(TypedDict):
    mode: ReplicationMode
    state: ReplicationState  # as the auxiliary (backup) side sees it
    sides: dict[str, SideDoc]
    freeze_time_s: float | None  # when the secondary's consistent image was frozen
    consistent: bool
    initial_copy_complete: bool
    progress: float
    eta_s: float | None
    lag_bytes: float
    rpo_s: float | None
    errors: list[str]
    host_delay_s: float | None
    mirror_delay_s: float  # write to applied at the secondary at today's load (R15a)
    throttled: bool  # host writes slowed to the link's rate (R20a)
    throughput_bps: float
    bandwidth_bps: float
    write_rate_bps: float  # what the source's hosts write
    demand_bps: float  # what they ask to write
    direction: list[str]
    volumes: int
    per_volume: VolumesDoc


class ManagementDoc(TypedDict):
    state: ManagementState
    initial_copy_complete: bool
    progress: float
    lag_s: float
    eta_s: float | None
    missing_on_backup: list[str]


class WorkloadDoc(TypedDict):
    rack: str | None
    reachable: bool
    status: WorkloadStatus
    reason: str
    starting_left_s: float | None  # until a starting workload runs (the twin's own draw)
    middleware: str
    needs: list[str]
    deployed: bool  # made by a deploy during the run (its disks replicate nowhere)
    write_mb_s: float  # what it writes now (less than its demand when throttled)
    demand_mb_s: float  # what it asks to write
    throttled: bool


class ServiceDoc(TypedDict):
    available: bool
    split_brain: bool
    down_since_s: float | None


class BreakdownDoc(TypedDict):
    decision: float
    data_sync: float
    restart: float
    network: float


class MilestonesDoc(TypedDict):
    first_action: float | None
    takeover: float | None
    all_running: float | None


class OutcomeDoc(TypedDict):
    disaster_at_s: float | None
    data_loss_bytes: int | None
    rpo_achieved_s: float | None
    service_down_at_s: float | None
    service_restored_at_s: float | None
    rto_s: float | None
    rto_breakdown_s: BreakdownDoc | None  # live while the outage lasts
    milestones_s: MilestonesDoc
    phase: RtoPhase | None  # the part of the breakdown still growing


class AlertDoc(TypedDict):
    code: str
    message: str


class DrillDoc(TypedDict):
    rack: str
    tested_at_s: float
    recovery_point_s: float  # the instant the FlashCopy's image holds
    rpo_s: float  # its age at the test
    instances: dict[str, str]  # starting | running | lost
    rto_s: float | None  # the test's: to every test instance running
    all_running_at_s: float | None
    cleaned_at_s: float | None
    left_behind: list[str]


class DrillsDoc(TypedDict):
    """Test failovers (an extension beyond the article's console, twin/drill.py)."""

    active: DrillDoc | None
    done: list[DrillDoc]


class StateDoc(TypedDict):
    time_s: float
    racks: dict[str, RackDoc]
    profiles: dict[str, ProfileDoc | None]
    links: dict[str, LinkDoc]
    replication: ReplicationDoc
    management: ManagementDoc
    workloads: dict[str, WorkloadDoc]
    service: ServiceDoc
    outcome: OutcomeDoc
    alerts: list[AlertDoc]
    drills: DrillsDoc


def _keys(tp: Any) -> Any:
    """The key map of a type of the document: a dict of keys for a TypedDict, ``{"*":
    ...}`` for a mapping keyed by name, None for a value."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _keys(inner[0]) if len(inner) == 1 else None
    if origin is dict:
        return {"*": _keys(typing.get_args(tp)[1])}
    if typing.is_typeddict(tp):
        return {k: _keys(v) for k, v in typing.get_type_hints(tp).items()}
    return None


STATE_ROOTS: tuple[str, ...] = tuple(StateDoc.__annotations__)


@functools.cache
def _root_keys(root: str) -> Any:
    """The key map below one root: the types are read when a path asks (reading them all
    costs every launch some 2 ms; a scenario's paths name a few roots)."""
    return _keys(_root_types()[root])


@functools.cache
def _root_types() -> dict[str, Any]:
    return typing.get_type_hints(StateDoc)


def __getattr__(name: str) -> Any:
    """``STATE_KEYS``: the whole key map, built when asked (tests, tools)."""
    if name == "STATE_KEYS":
        return {root: _root_keys(root) for root in STATE_ROOTS}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot name a value of the state document, or None. Names standing for
    racks and workloads are checked by the loader, which knows the scenario's names."""
    root, *rest = path.split(".")
    if root not in STATE_ROOTS:
        return f"the state document has no {root!r}; it has {', '.join(sorted(STATE_ROOTS))}"
    node: Any = _root_keys(root)
    done: list[str] = [root]
    for seg in rest:
        if node is None:
            return None  # free-form below (a list index)
        if "*" in node and len(node) == 1:
            node = node["*"]
        elif seg in node:
            node = node[seg]
        else:
            where = ".".join(done) or "the state document"
            keys = ", ".join(sorted(node))
            return f"{where} has no {seg!r}; it has {keys}"
        done.append(seg)
    return None


def leaf_paths(doc: dict[str, Any], prefix: str = "") -> set[str]:
    """Every key path of a state document, for the consistency test."""
    out = set()
    for k, v in doc.items():
        p = f"{prefix}{k}"
        out.add(p)
        if isinstance(v, dict):
            out |= leaf_paths(v, p + ".")
    return out
