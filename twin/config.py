"""The simulated system as a scenario's ``system`` block describes it, with a sensible
default for every key (scenario-format.md). Sizes are decimal: 1 GB = 10**9 bytes,
1 Mb/s = 10**6 bits/s, so N GB at B Mb/s takes N*8000/B seconds.

Figures without a source in the article come from IBM's SVC documentation (domain.md §5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from twin.durations import parse_duration

GB = 10**9
MB = 10**6

DEFAULT_RACK_NAMES = ("raleigh", "dallas")
DEFAULT_MODEL = "W1500-96"
CORES_PER_COMPUTE_NODE = 16  # domain.md §1
DR_ADMIN = "disaster_recovery_administration"
SECURITY_ADMIN = "security_administration"
PERMISSIONS = (DR_ADMIN, SECURITY_ADMIN, "workload_administration", "cloud_administration")


@dataclass(frozen=True)
class User:
    id: str
    password: str
    permissions: tuple[str, ...]

    def __repr__(self) -> str:  # never show a password, not even in a debugger or a log
        return f"User(id={self.id!r}, permissions={self.permissions!r})"


@dataclass(frozen=True)
class RackConfig:
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
    name: str
    middleware: str = "was"
    volume_gb: float = 100.0
    volumes: int = 1
    write_mb_s: float = 1.0
    restart_s: float = 600.0
    needs: tuple[str, ...] = ()
    cores: int = 16  # capacity the workload needs on the rack that runs it (R17)


@dataclass(frozen=True)
class LinkConfig:
    bandwidth_mbps: float
    background_copy_pct: float = 50.0  # share of the FC link for initial copy / resync
    devices: int = 4  # switches and routers on the path, each ~25 µs (SVC)
    device_delay_us: float = 25.0
    loss_pct: float = 0.0


@dataclass(frozen=True)
class ManagementConfig:
    size_gb: float = 20.0  # patterns, images, script packages, deployment records (R1)
    clone_lag_s: float = 5.0  # a management change reaches the backup this long after


@dataclass(frozen=True)
class RecoveryConfig:
    node_add_s: float = 240.0  # adding one compute node to a cloud group (R11 step 3)
    tor_configure_s: float = 300.0  # configuring the ToR switches for the takeover
    route_convergence_s: float = 90.0  # routers converge after advertise / withdraw
    restart_spread: float = 0.15  # relative spread of a workload's restart time (seeded)


@dataclass(frozen=True)
class SystemConfig:
    distance_km: float
    fc_link: LinkConfig
    ip_link: LinkConfig
    racks: tuple[RackConfig, RackConfig]
    workloads: tuple[WorkloadConfig, ...]
    management: ManagementConfig = field(default_factory=ManagementConfig)
    recovery: RecoveryConfig = field(default_factory=RecoveryConfig)

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


def _rack(d: dict[str, Any], index: int) -> RackConfig:
    name = str(d.get("name", DEFAULT_RACK_NAMES[index]))
    model = str(d.get("model", DEFAULT_MODEL))
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
        firmware=str(d.get("firmware", "1.1.0.0")),
        fixpack=str(d.get("fixpack", "1.1.0.1")),
        compute_nodes=int(d.get("compute_nodes", model_cores(model) // CORES_PER_COMPUTE_NODE)),
        management_address=str(d.get("management_address", f"{name}-mgmt.example.com")),
        vlans=tuple(int(v) for v in d.get("vlans", (100, 101))),
        ip_pool=str(d.get("ip_pool", "10.1.0.0/22")),
        v7000_replication=bool(d.get("v7000_replication", True)),
        fc_connected=bool(d.get("fc_connected", True)),
        users=users,
    )


def _workload(d: dict[str, Any]) -> WorkloadConfig:
    return WorkloadConfig(
        name=str(d["name"]),
        middleware=str(d.get("middleware", "was")),
        volume_gb=float(d.get("volume_gb", 100.0)),
        volumes=int(d.get("volumes", 1)),
        write_mb_s=float(d.get("write_mb_s", 1.0)),
        restart_s=parse_duration(d.get("restart", 600)),
        needs=tuple(str(n) for n in d.get("needs", ())),
        cores=int(d.get("cores", 16)),
    )


def _link(d: dict[str, Any] | None, default_bw: float) -> LinkConfig:
    d = d or {}
    return LinkConfig(
        bandwidth_mbps=float(d.get("bandwidth_mbps", default_bw)),
        background_copy_pct=float(d.get("background_copy_pct", 50.0)),
        devices=int(d.get("devices", 4)),
        device_delay_us=float(d.get("device_delay_us", 25.0)),
        loss_pct=float(d.get("loss_pct", 0.0)),
    )


def system_from_dict(d: dict[str, Any] | None) -> SystemConfig:
    """Build the system from a scenario's (already schema-validated) ``system`` block."""
    d = d or {}
    racks_raw = d.get("racks") or [{}, {}]
    racks = (_rack(racks_raw[0], 0), _rack(racks_raw[1], 1))
    workloads = tuple(_workload(w) for w in d.get("workloads", DEFAULT_WORKLOADS))
    m = d.get("management") or {}
    r = d.get("recovery") or {}
    rec_defaults = RecoveryConfig()
    return SystemConfig(
        distance_km=float(d.get("distance_km", 1200.0)),
        fc_link=_link(d.get("fc_link"), 8000.0),
        ip_link=_link(d.get("ip_link"), 1000.0),
        racks=racks,
        workloads=workloads,
        management=ManagementConfig(
            size_gb=float(m.get("size_gb", 20.0)),
            clone_lag_s=parse_duration(m.get("clone_lag", 5.0)),
        ),
        recovery=RecoveryConfig(
            node_add_s=parse_duration(r.get("node_add", rec_defaults.node_add_s)),
            tor_configure_s=parse_duration(r.get("tor_configure", rec_defaults.tor_configure_s)),
            route_convergence_s=parse_duration(
                r.get("route_convergence", rec_defaults.route_convergence_s)
            ),
            restart_spread=float(r.get("restart_spread", rec_defaults.restart_spread)),
        ),
    )
