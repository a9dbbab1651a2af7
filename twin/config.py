"""The simulated system as a scenario's ``system`` block describes it, with a sensible
default for every key (scenario-format.md). Sizes are decimal: 1 GB = 10**9 bytes,
1 Mb/s = 10**6 bits/s, so N GB at B Mb/s takes N*8000/B seconds.

Figures without a source in the article come from IBM's SVC documentation (domain.md §5).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from twin.durations import parse_duration

GB = 10**9
MB = 10**6

DEFAULT_RACK_NAMES = ("raleigh", "dallas")
DEFAULT_DISTANCE_KM = 1200.0
DEFAULT_MODEL = "W1500-96"
CORES_PER_COMPUTE_NODE = 16  # domain.md §1
FIBRE_DELAY_S_PER_KM = 5e-6  # one way, light in fibre (domain.md §1, SVC)
DR_ADMIN = "disaster_recovery_administration"
SECURITY_ADMIN = "security_administration"
PERMISSIONS = (DR_ADMIN, SECURITY_ADMIN, "workload_administration", "cloud_administration")


@dataclass(frozen=True)
class User:
    """A rack's console user: id, password and permissions."""
    id: str
    password: str
    permissions: tuple[str, ...]

    def __repr__(self) -> str:  # never show a password, not even in a debugger or a log
        return f"User(id={self.id!r}, permissions={self.permissions!r})"


@dataclass(frozen=True)
class RackConfig:
    """One rack: its model, firmware, compute nodes, network and users."""
    name: str
    model: str = DEFAULT_MODEL
    firmware: str = "1.1.0.0"
    fixpack: str = "1.1.0.1"
    compute_nodes: int = 6
    management_address: str = ""
    vlans: tuple[int, ...] = (100, 101)
    ip_pool: str = "10.1.0.0/22"
    v7000_replication: bool = True  # V7000 configured for SVC remote copy (R6)
    fc_connected: bool = True  # the rack's FC ports are cabled to the inter-site link (R6)
    users: tuple[User, ...] = ()

    @property
    def cores(self) -> int:
        return model_cores(self.model)


@dataclass(frozen=True)
class WorkloadConfig:
    """One workload: its middleware, volumes, write rate, restart and needs."""
    name: str
    middleware: str = "was"
    volume_gb: float = 100.0
    volumes: int = 1
    write_mb_s: float = 1.0
    restart_s: float = 600.0
    needs: tuple[str, ...] = ()
    cores: int = CORES_PER_COMPUTE_NODE  # capacity it needs on the rack that runs it (R17)


@dataclass(frozen=True)
class LinkConfig:
    """An inter-site link: bandwidth, background copy share, devices and loss."""
    bandwidth_mbps: float
    background_copy_pct: float = 50.0  # share of the FC link for initial copy / resync
    devices: int = 4  # switches and routers on the path, each ~25 µs (SVC)
    device_delay_us: float = 25.0
    loss_pct: float = 0.0

    def one_way_delay_s(self, distance_km: float) -> float:
        """Propagation (5 µs/km of fibre) plus the devices on the path, one way (SVC)."""
        return distance_km * FIBRE_DELAY_S_PER_KM + self.devices * self.device_delay_us * 1e-6


@dataclass(frozen=True)
class ReplicationConfig:
    """``system.replication``: the copy type of the consistency group and the SVC system
    settings that shape it. SVC defaults from IBM's documentation (chsystem, chpartnership,
    chrcconsistgrp); the model's own figures are marked and explained in
    twin/replication.py and docs/replication.md."""

    mode: str = "global-mirror"  # global-mirror | global-mirror-change-volumes | metro-mirror
    cycle_period_s: float = 300.0  # change volumes: -cycleperiodseconds, 60 s to 1 day
    gm_link_tolerance_s: float = 300.0  # gmlinktolerance; 0 disables error 1920
    gm_max_host_delay_s: float = 0.005  # gmmaxhostdelay
    max_replication_delay_s: float = 0.0  # maxreplicationdelay, 0 to 360 s; 0 is off
    relationship_bandwidth_mb_s: float = 25.0  # relationshipbandwidthlimit, per volume
    # the model's own (not SVC settings): see twin/replication.py
    batch_interval_s: float = 0.1  # sequence-numbered batches formed at the primary
    colliding_writes_pct: float = 1.0  # writes that overlap one still in flight
    io_size_kb: float = 64.0  # the size of a host write, to count writes per batch
    max_backlog_mb: float = 256.0  # the primary's buffer for writes not yet sent


METRO_MIRROR_MAX_KM = 300.0  # R21


@dataclass(frozen=True)
class ManagementConfig:
    """The management data cloned between the racks."""
    size_gb: float = 20.0  # patterns, images, script packages, deployment records (R1)
    clone_lag_s: float = 5.0  # a management change reaches the backup this long after


@dataclass(frozen=True)
class RecoveryConfig:
    """How long the recovery steps take (restarts, nodes, switches, routes)."""
    node_add_s: float = 240.0  # adding one compute node to a cloud group (R11 step 3)
    tor_configure_s: float = 300.0  # configuring the ToR switches for the takeover
    route_convergence_s: float = 90.0  # routers converge after advertise / withdraw
    restart_spread: float = 0.15  # relative spread of a workload's restart time (seeded)


@dataclass(frozen=True)
class SystemConfig:
    """The whole system: both racks, the links, the workloads and the figures."""
    distance_km: float
    fc_link: LinkConfig
    ip_link: LinkConfig
    racks: tuple[RackConfig, RackConfig]
    workloads: tuple[WorkloadConfig, ...]
    management: ManagementConfig = field(default_factory=ManagementConfig)
    recovery: RecoveryConfig = field(default_factory=RecoveryConfig)
    replication: ReplicationConfig = field(default_factory=ReplicationConfig)

    def rack(self, name: str) -> RackConfig:
        for r in self.racks:
            if r.name == name:
                return r
        raise KeyError(name)

    def workload(self, name: str) -> WorkloadConfig:
        for w in self.workloads:
            if w.name == name:
                return w
        raise KeyError(name)

    @property
    def rack_names(self) -> tuple[str, str]:
        return (self.racks[0].name, self.racks[1].name)

    def peer_of(self, rack: str) -> str:
        a, b = self.rack_names
        return b if rack == a else a


def volume_layout(system: SystemConfig) -> list[tuple[str, int, float]]:
    """(workload, index, size_bytes) for every volume, in a fixed order: the order of the
    replication arrays, so volume i of the engine is ``volume:<rack>:<wl>:<idx>``."""
    out: list[tuple[str, int, float]] = []
    for w in system.workloads:
        n = max(1, w.volumes)
        for i in range(n):
            out.append((w.name, i, w.volume_gb * GB / n))
    return out


_MODEL = re.compile(r"^[A-Za-z]+\d*-(\d+)")


def model_cores(model: str) -> int:
    """Cores from a PureApplication model number: W1500-96 has 96, W1500-608 has 608."""
    m = _MODEL.match(model)
    return int(m.group(1)) if m else 96


DEFAULT_WORKLOADS: tuple[dict[str, Any], ...] = (
    {"name": "orders-db", "middleware": "db2", "volume_gb": 400, "write_mb_s": 6,
     "restart": "20m", "volumes": 4, "cores": 32},
    {"name": "orders-mq", "middleware": "mq", "volume_gb": 50, "write_mb_s": 2,
     "restart": "8m", "cores": 16},
    {"name": "orders-app", "middleware": "was", "volume_gb": 80, "write_mb_s": 0.5,
     "restart": "25m", "needs": ["orders-db", "orders-mq"], "cores": 32},
)


def _default_users() -> tuple[User, ...]:
    return (User("dradmin", "passw0rd", (DR_ADMIN, SECURITY_ADMIN)),)


def _default(cls: type, name: str) -> Any:
    """The dataclass default of ``cls.name``: defaults are written once, on the class."""
    return _defaults(cls)[name]


@functools.cache
def _defaults(cls: type) -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(cls)}


def _rack(d: dict[str, Any], index: int) -> RackConfig:
    name = str(d.get("name", DEFAULT_RACK_NAMES[index]))
    model = str(d.get("model", _default(RackConfig, "model")))
    users_raw = d.get("users")
    users = (
        tuple(
            User(str(u["id"]), str(u.get("password", "")), tuple(u.get("permissions", ())))
            for u in users_raw
        )
        if users_raw is not None
        else _default_users()
    )
    return RackConfig(
        name=name,
        model=model,
        firmware=str(d.get("firmware", _default(RackConfig, "firmware"))),
        fixpack=str(d.get("fixpack", _default(RackConfig, "fixpack"))),
        compute_nodes=int(d.get("compute_nodes", model_cores(model) // CORES_PER_COMPUTE_NODE)),
        management_address=str(d.get("management_address", f"{name}-mgmt.example.com")),
        vlans=tuple(int(v) for v in d.get("vlans", _default(RackConfig, "vlans"))),
        ip_pool=str(d.get("ip_pool", _default(RackConfig, "ip_pool"))),
        v7000_replication=bool(d.get("v7000_replication",
                                     _default(RackConfig, "v7000_replication"))),
        fc_connected=bool(d.get("fc_connected", _default(RackConfig, "fc_connected"))),
        users=users,
    )


def _workload(d: dict[str, Any]) -> WorkloadConfig:
    def get(key: str, field_name: str | None = None) -> Any:
        return d.get(key, _default(WorkloadConfig, field_name or key))

    return WorkloadConfig(
        name=str(d["name"]),
        middleware=str(get("middleware")),
        volume_gb=float(get("volume_gb")),
        volumes=int(get("volumes")),
        write_mb_s=float(get("write_mb_s")),
        restart_s=parse_duration(get("restart", "restart_s")),
        needs=tuple(str(n) for n in get("needs")),
        cores=int(get("cores")),
    )


DEFAULT_FC_MBPS = 8000.0  # an 8 Gb/s Fibre Channel link
DEFAULT_IP_MBPS = 1000.0  # a 1 Gb/s IP link


def _link(d: dict[str, Any] | None, default_bw: float) -> LinkConfig:
    d = d or {}
    return LinkConfig(
        bandwidth_mbps=float(d.get("bandwidth_mbps", default_bw)),
        **{k: type(_default(LinkConfig, k))(d.get(k, _default(LinkConfig, k)))
           for k in ("background_copy_pct", "devices", "device_delay_us", "loss_pct")},
    )


def system_from_dict(d: dict[str, Any] | None) -> SystemConfig:
    """Build the system from a scenario's (already schema-validated) ``system`` block."""
    d = d or {}
    racks_raw = d.get("racks") or [{}, {}]
    racks = (_rack(racks_raw[0], 0), _rack(racks_raw[1], 1))
    workloads = tuple(_workload(w) for w in d.get("workloads", DEFAULT_WORKLOADS))
    m = d.get("management") or {}
    r = d.get("recovery") or {}
    rep = d.get("replication") or {}

    def rep_get(key: str, field_name: str, duration: bool = False) -> Any:
        v = rep.get(key, _default(ReplicationConfig, field_name))
        return parse_duration(v) if duration else (str(v) if field_name == "mode" else float(v))

    def rec(key: str) -> float:
        return parse_duration(r.get(key, _default(RecoveryConfig, f"{key}_s")))

    return SystemConfig(
        distance_km=float(d.get("distance_km", DEFAULT_DISTANCE_KM)),
        fc_link=_link(d.get("fc_link"), DEFAULT_FC_MBPS),
        ip_link=_link(d.get("ip_link"), DEFAULT_IP_MBPS),
        racks=racks,
        workloads=workloads,
        management=ManagementConfig(
            size_gb=float(m.get("size_gb", _default(ManagementConfig, "size_gb"))),
            clone_lag_s=parse_duration(m.get("clone_lag",
                                             _default(ManagementConfig, "clone_lag_s"))),
        ),
        recovery=RecoveryConfig(
            node_add_s=rec("node_add"),
            tor_configure_s=rec("tor_configure"),
            route_convergence_s=rec("route_convergence"),
            restart_spread=float(r.get("restart_spread",
                                       _default(RecoveryConfig, "restart_spread"))),
        ),
        replication=ReplicationConfig(
            mode=rep_get("mode", "mode"),
            cycle_period_s=rep_get("cycle_period", "cycle_period_s", duration=True),
            gm_link_tolerance_s=rep_get("gmlinktolerance", "gm_link_tolerance_s", True),
            gm_max_host_delay_s=rep_get("gmmaxhostdelay", "gm_max_host_delay_s", True),
            max_replication_delay_s=rep_get("maxreplicationdelay", "max_replication_delay_s",
                                            True),
            relationship_bandwidth_mb_s=rep_get("relationshipbandwidthlimit",
                                                "relationship_bandwidth_mb_s"),
            batch_interval_s=rep_get("batch_interval", "batch_interval_s", True),
            colliding_writes_pct=rep_get("colliding_writes_pct", "colliding_writes_pct"),
            io_size_kb=rep_get("io_size_kb", "io_size_kb"),
            max_backlog_mb=rep_get("max_backlog_mb", "max_backlog_mb"),
        ),
    )
