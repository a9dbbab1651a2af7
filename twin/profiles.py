"""DR profiles: the console's lifecycle, rules R4–R13 of domain.md.

Each rack may have one profile: defined ("/") → validated (check) → enabled in a role
(primary | backup). Monitor and Failover are unavailable until enabled (R5). Validation
names every failed check (R6); the backup must be enabled before the primary (R7); both
enabled starts the initial copies (R8); start-failover runs the planned (R11) or
unplanned (R12) sequence and leaves the profile validated with role none; failback (R13)
is DR re-established the other way round. Refusals carry the console's message and a
hint of what to do first. No password is ever stored, logged or reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from twin import effects as E
from twin.actions import CreateProfile, Enable, StartFailover, Validate
from twin.config import (
    DR_ADMIN,
    FIBRE_DELAY_S_PER_KM,
    METRO_MIRROR_MAX_KM,
    SECURITY_ADMIN,
    RackConfig,
    SystemConfig,
    User,
)
from twin.context import DataView, SiteView
from twin.events import Result, accepted, refused
from twin.states import FailoverType, Link, ProfileState, ReplicationMode, Role

GM_MAX_RTT_S = 0.080  # Global Mirror round-trip limit, about 8000 km (R6, R21)
MIN_FIRMWARE = (1, 1)

CHECK_NAMES = (
    "peer_reachable", "same_model", "same_compute_nodes", "firmware", "same_fixpack",
    "v7000_replication", "fc_connectivity", "same_vlans", "same_ip_pools", "latency",
)
MANUAL_ACTIONS_PRIMARY = (
    ("quiesce-compute-nodes", "Quiesce (inhibit) the compute nodes so that no new deployments start"),
    ("verify-initial-copies", "Verify that replication shows the initial copies complete"),
    ("stop-workloads", "Stop the workloads"),
    ("withdraw-routes", "Update the external routers to stop advertising this rack's IP addresses"),
)
MANUAL_ACTIONS_BACKUP = (
    ("add-compute-nodes", "Add compute nodes to the cloud groups (this activates the cloud groups)"),
    ("configure-tor-switches", "Configure the top-of-rack switches"),
)
MANUAL_ACTIONS_AFTER = (
    ("start-workloads", "Start the workloads from the workload console"),
    ("advertise-routes", "Update the routers to advertise this rack's IP addresses"),
)


@dataclass
class Profile:
    """A rack's DR profile: its state, role, peer and validation."""
    rack: str
    peer: str  # the peer rack's name
    peer_address: str
    peer_user: str
    state: ProfileState = ProfileState.DEFINED
    role: Role = Role.NONE
    validation: dict[str, dict[str, Any]] = field(default_factory=dict)
    failover_type: FailoverType | None = None

    @property
    def icon(self) -> str:
        return "/" if self.state == ProfileState.DEFINED else "✓"

    def sections(self) -> dict[str, bool]:
        enabled = self.state == ProfileState.ENABLED
        return {"enable": self.state == ProfileState.VALIDATED, "monitor": enabled,
                "failover": enabled}

    def is_enabled(self, role: Role) -> bool:
        return self.state == ProfileState.ENABLED and self.role == role

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state, "role": self.role, "icon": self.icon, "peer": self.peer,
            "peer_address": self.peer_address, "peer_user": self.peer_user,
            "sections": self.sections(), "validation": self.validation,
            "failover_type": self.failover_type,
        }


def _firmware_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.split("."):
        try:
            parts.append(int(p))
        except ValueError:
            break
    return tuple(parts)


def pairing_checks(system: SystemConfig, rack_name: str, *, reachable: bool = True,
                   fc_up: bool = True, extra_latency_s: float = 0.0
                   ) -> dict[str, dict[str, Any]]:
    """Every check of R6 for ``rack_name`` and its peer, with its result and a detail line.
    Pure: the live state (peer reachable, FC link up, added latency) is passed in, so the
    loader can check a scenario that starts paired."""
    me = system.rack(rack_name)
    peer = system.rack(system.peer_of(rack_name))
    res: dict[str, dict[str, Any]] = {}

    def put(name: str, ok: bool, detail: str) -> None:
        res[name] = {"ok": bool(ok), "detail": detail}

    put("peer_reachable", reachable,
        f"{peer.management_address} reachable and trusted" if reachable
        else f"{peer.management_address} does not answer over the IP link")
    put("same_model", me.model == peer.model,
        f"{me.name} is {me.model}, {peer.name} is {peer.model}")
    put("same_compute_nodes", me.compute_nodes == peer.compute_nodes,
        f"{me.name} has {me.compute_nodes} compute nodes, {peer.name} has "
        f"{peer.compute_nodes}")
    fw_ok = (_firmware_tuple(me.firmware)[:2] >= MIN_FIRMWARE
             and _firmware_tuple(peer.firmware)[:2] >= MIN_FIRMWARE
             and me.firmware == peer.firmware)
    put("firmware", fw_ok, f"{me.name} at {me.firmware}, {peer.name} at {peer.firmware} "
        "(both must be the same and at least 1.1)")
    put("same_fixpack", me.fixpack == peer.fixpack,
        f"{me.name} at fixpack {me.fixpack}, {peer.name} at {peer.fixpack}")
    put("v7000_replication", me.v7000_replication and peer.v7000_replication,
        "V7000 remote copy configured on both racks"
        if me.v7000_replication and peer.v7000_replication
        else "V7000 remote copy is not configured on "
        + ", ".join(r.name for r in (me, peer) if not r.v7000_replication))
    fc_ok = fc_up and me.fc_connected and peer.fc_connected
    put("fc_connectivity", fc_ok, "FC partnership between the V7000s is up" if fc_ok
        else "no Fibre Channel connectivity between the V7000s")
    put("same_vlans", sorted(me.vlans) == sorted(peer.vlans),
        f"{me.name} VLANs {sorted(me.vlans)}, {peer.name} VLANs {sorted(peer.vlans)}")
    put("same_ip_pools", me.ip_pool == peer.ip_pool,
        f"{me.name} pool {me.ip_pool}, {peer.name} pool {peer.ip_pool}")
    # the round trip as validation estimates it: light in fibre both ways (10 µs per km),
    # plus any latency a degraded link adds; the 80 ms limit is the article's 8000 km. The
    # devices on the path (25 µs each) add to the replication's delay, not to this check:
    # the article sizes the distance by the fibre alone (docs/replication.md)
    rtt = 2 * system.distance_km * FIBRE_DELAY_S_PER_KM + 2 * extra_latency_s
    if system.replication.mode == ReplicationMode.METRO_MIRROR:
        put("latency", system.distance_km <= METRO_MIRROR_MAX_KM + 1e-9,
            f"{system.distance_km:,.0f} km, round trip {rtt * 1000:.1f} ms: Metro Mirror is "
            f"synchronous, up to {METRO_MIRROR_MAX_KM:.0f} km (R21)")
    else:
        put("latency", rtt <= GM_MAX_RTT_S + 1e-12,
            f"round trip {rtt * 1000:.1f} ms (Global Mirror limit {GM_MAX_RTT_S * 1000:.0f} "
            f"ms, {system.distance_km:,.0f} km)")
    return res


class Profiles:
    """The DR profiles of both racks and the console actions on them. Reads the site (is
    the peer reachable?), which rack is the replication source, and which workloads are
    active on a rack; what follows from an accepted action elsewhere (copies starting, a
    takeover) is returned as domain events."""

    def __init__(self, system: SystemConfig, site: SiteView, data: DataView,
                 active_workloads: Callable[[str], list[str]]) -> None:
        self.system = system
        self.site = site
        self.data = data
        self.active_workloads = active_workloads
        self.by_rack: dict[str, Profile | None] = {r: None for r in system.rack_names}

    def assume_paired(self, primary: str, backup: str) -> None:
        """A scenario that starts paired: both profiles validated and enabled (R5)."""
        for rack, role in ((primary, Role.PRIMARY), (backup, Role.BACKUP)):
            peer = self.system.rack(self.system.peer_of(rack))
            p = Profile(rack, peer.name, peer.management_address,
                        self._default_security_user(peer), state=ProfileState.ENABLED,
                        role=role)
            p.validation = self.validation_checks(rack)
            self.by_rack[rack] = p

    # -- helpers -------------------------------------------------------------------------

    def get(self, rack: str) -> Profile | None:
        return self.by_rack.get(rack)

    def role(self, rack: str) -> Role | None:
        """The role of the rack's enabled profile, or None (no profile, or not enabled)."""
        p = self.by_rack.get(rack)
        return p.role if p and p.state == ProfileState.ENABLED else None

    def paired(self) -> bool:
        """Both profiles enabled, one primary and one backup."""
        return {self.role(r) for r in self.system.rack_names} == {Role.PRIMARY, Role.BACKUP}

    def state_doc(self) -> dict[str, Any]:
        return {r: (p.to_dict() if p else None) for r, p in self.by_rack.items()}

    # -- R4 create -------------------------------------------------------------------------

    def create(self, a: CreateProfile) -> Result:
        rack = self.system.rack(a.rack)
        if self.by_rack[a.rack] is not None:
            return refused(f"A disaster recovery profile already exists on {a.rack}.",
                           "use the existing profile")
        if _firmware_tuple(rack.firmware)[:2] < MIN_FIRMWARE:  # no DR console before V1.1
            return refused(f"{a.rack} runs PureApplication System {rack.firmware}: disaster "
                           "recovery profiles need V1.1 or later.",
                           f"upgrade {a.rack} to V1.1 (both racks at the same level) first")
        operator = self._operator(rack, a.operator)
        if operator is None:
            return refused(f"User {a.operator!r} is not defined on {a.rack}.",
                           f"log in as one of: {', '.join(u.id for u in rack.users) or '(none)'}")
        if DR_ADMIN not in operator.permissions:
            return refused(
                f"User {operator.id!r} does not have full Disaster recovery administration "
                f"permission on {a.rack}.",
                "ask a security administrator to grant Disaster recovery administration")
        peer_name = self._resolve_peer(a.rack, a.peer)
        if peer_name is None:
            other = self.system.rack(self.system.peer_of(a.rack))
            return refused(
                f"{a.peer!r} is not the management address of a PureApplication System.",
                f"the peer's management address is {other.management_address} ({other.name})")
        if not self.site.link_up(Link.IP) or not self.site.rack_up(peer_name):
            return refused(f"Cannot reach the peer {peer_name} to establish trust.",
                           "restore the IP link between the sites and the peer rack first")
        peer = self.system.rack(peer_name)
        user_id = a.user if a.user is not None else self._default_security_user(peer)
        user = next((u for u in peer.users if u.id == user_id), None)
        password = a.password if a.password is not None else (user.password if user else None)
        if user is None or password != user.password:
            return refused(
                f"Authentication to {peer_name} failed for user {user_id!r}: "
                "wrong user ID or password.",
                "enter the peer user's ID and password again")
        if SECURITY_ADMIN not in user.permissions:
            return refused(
                f"Peer user {user.id!r} does not have full Security administration permission "
                f"on {peer_name}.",
                "use a peer user with full Security administration permission")
        self.by_rack[a.rack] = Profile(a.rack, peer_name, peer.management_address, user.id)
        return accepted(f"Disaster recovery profile created on {a.rack} (state defined, "
                        f"peer {peer.management_address}). Trust relationship established.")

    def _operator(self, rack: RackConfig, operator: str | None) -> User | None:
        if operator is None:
            return next((u for u in rack.users if DR_ADMIN in u.permissions),
                        rack.users[0] if rack.users else None)
        return next((u for u in rack.users if u.id == operator), None)

    @staticmethod
    def _default_security_user(peer: RackConfig) -> str:
        for u in peer.users:
            if SECURITY_ADMIN in u.permissions:
                return u.id
        return peer.users[0].id if peer.users else "admin"

    def _resolve_peer(self, rack: str, peer: str) -> str | None:
        other = self.system.rack(self.system.peer_of(rack))

        def host(name: str) -> str:  # DNS names ignore case and a final root dot (RFC 4343)
            return name.strip().rstrip(".").casefold()

        return other.name if host(peer) in (host(other.name),
                                            host(other.management_address)) else None

    # -- R6 validate -----------------------------------------------------------------------

    def validation_checks(self, rack_name: str) -> dict[str, dict[str, Any]]:
        """Every check of R6 with its result and a detail line, on the live system."""
        peer = self.system.peer_of(rack_name)
        return pairing_checks(self.system, rack_name,
                              reachable=self.site.link_up(Link.IP) and self.site.rack_up(peer),
                              # (a lost peer's V7000 answers on no link)
                              fc_up=self.site.link_up(Link.FC) and self.site.rack_up(peer),
                              extra_latency_s=self.site.link_extra_latency_s(Link.FC))

    def validate(self, a: Validate) -> Result:
        p = self.by_rack[a.rack]
        if p is None:
            return refused(f"There is no disaster recovery profile on {a.rack}.",
                           "create the profile first")
        if p.state == ProfileState.ENABLED:
            return refused(f"The profile on {a.rack} is enabled in the {p.role} role.",
                           "validation is for profiles that are not enabled")
        checks = self.validation_checks(a.rack)
        p.validation = checks
        failed = [n for n, c in checks.items() if not c["ok"]]
        if failed:
            p.state = ProfileState.DEFINED
            detail = "; ".join(f"{n}: {checks[n]['detail']}" for n in failed)
            return refused(f"Validation failed on {a.rack}: {detail}.",
                           "correct the configuration, then validate again")
        p.state = ProfileState.VALIDATED
        return accepted(f"Validation succeeded on {a.rack}.")

    # -- R7/R8 enable ----------------------------------------------------------------------

    def enable(self, a: Enable) -> Result:
        p = self.by_rack[a.rack]
        if a.role not in (Role.PRIMARY, Role.BACKUP):
            return refused(f"Unknown role {a.role!r}.", "choose Primary or Backup")
        if p is None:
            return refused(f"There is no disaster recovery profile on {a.rack}.",
                           "create and validate the profile first")
        if p.state == ProfileState.DEFINED:
            return refused(f"The profile on {a.rack} is not validated.", "validate it first")
        if p.state == ProfileState.ENABLED:
            hint = ""
            if a.role != p.role:
                hint = (f"to change its role (failback, R13), start the failover on {a.rack} "
                        "first: its profile returns to validated with role (none)")
            return refused(f"Disaster recovery is already enabled on {a.rack} in the "
                           f"{p.role} role.", hint)
        peer = self.by_rack[p.peer]
        if a.role == Role.BACKUP:
            if peer is not None and peer.is_enabled(Role.BACKUP):
                return refused(
                    f"Cannot enable {a.rack} as backup: {p.peer} is already enabled in the "
                    "backup role, and a pair has one primary and one backup (R5, R7).",
                    f"enable {a.rack} in the primary role")
            running = self.active_workloads(a.rack)
            if running:
                return refused(
                    f"Cannot enable {a.rack} as backup: workloads are running on it "
                    f"({', '.join(running)}). A backup rack runs no workloads (R10).",
                    f"stop the workloads on {a.rack} first")
            p.state, p.role, p.failover_type = ProfileState.ENABLED, Role.BACKUP, None
            effects: list[E.Effect] = [E.BackupEnabled(a.rack)]
            if peer is not None and peer.is_enabled(Role.PRIMARY):
                effects.append(E.PairEnabled(primary=peer.rack, backup=a.rack))
            return accepted(f"Disaster recovery is enabled on {a.rack} in the backup role.",
                            *effects)
        if peer is None or not peer.is_enabled(Role.BACKUP):
            hint = (f"enable the backup rack ({p.peer}) first (R7)" if self.site.rack_up(p.peer)
                    else f"{p.peer} is lost: restore it, then enable it in the backup role "
                    "before this rack (R7, R13)")
            return refused(
                f"Enabling the primary role on {a.rack} failed: the peer {p.peer} is not "
                "enabled in the backup role.", hint)
        if not (self.site.link_up(Link.IP) and self.site.rack_up(p.peer)):
            return refused(f"Enabling the primary role on {a.rack} failed: the peer "
                           f"{p.peer} cannot be reached.", "restore the IP link first")
        p.state, p.role, p.failover_type = ProfileState.ENABLED, Role.PRIMARY, None
        pair = E.PairEnabled(primary=a.rack, backup=p.peer)
        if a.rack != self.data.source:
            return accepted(
                f"Disaster recovery is enabled on {a.rack} in the primary role. The data "
                f"changed since the failover resynchronises from {a.rack} to {p.peer}, and "
                "the management data is copied again (R13).", pair)
        return accepted(f"Disaster recovery is enabled on {a.rack} in the primary role. "
                        "Initial copies of the disks and the management data start.", pair)

    # -- R11/R12 failover --------------------------------------------------------------------

    def start_failover(self, a: StartFailover) -> Result:
        p = self.by_rack[a.rack]
        if p is not None and p.state == ProfileState.VALIDATED and p.failover_type is not None:
            return refused(f"The failover on {a.rack} is already done: role (none), state "
                           "validated.", "start the workloads, or enable disaster recovery "
                           "again to re-establish it")
        if p is None or p.state != ProfileState.ENABLED:
            return refused(f"Failover is unavailable on {a.rack}: its disaster recovery "
                           "profile is not enabled.", "enable disaster recovery first (R5)")
        if p.role == Role.PRIMARY:
            if a.type == FailoverType.UNPLANNED:
                return refused("Unplanned failover is started on the backup rack.",
                               f"start the failover on {p.peer}, choosing Unplanned")
            p.state, p.role, p.failover_type = (ProfileState.VALIDATED, Role.NONE,
                                                FailoverType.PLANNED)
            peer = self.by_rack[p.peer]
            if peer is not None and peer.is_enabled(Role.BACKUP):
                nxt = f"Now fail over on the backup {p.peer}."
            else:
                nxt = (f"{p.peer} has already taken over: enable {a.rack} as the backup to "
                       "re-establish disaster recovery the other way round (R13).")
            return accepted(f"Failover started on the primary {a.rack}: role (none), state "
                            f"validated. {nxt}", E.PrimaryFailedOver(a.rack))
        # the backup
        if a.type not in (FailoverType.PLANNED, FailoverType.UNPLANNED):
            return refused("Choose the failover type, Planned or Unplanned, in View details.",
                           "set type: planned or type: unplanned")
        kind = FailoverType(a.type)
        peer = self.by_rack[p.peer]
        if kind == FailoverType.PLANNED and peer is not None and peer.is_enabled(Role.PRIMARY):
            return refused(
                f"Planned failover: the primary {p.peer} has not started its failover.",
                f"start the failover on {p.peer} first (R11 step 2), or choose Unplanned if "
                f"{p.peer} is gone")
        if kind == FailoverType.PLANNED and not self.site.rack_up(p.peer):
            return refused(f"Planned failover needs the primary {p.peer}, which is lost.",
                           "choose Unplanned")
        p.state, p.role, p.failover_type = ProfileState.VALIDATED, Role.NONE, kind
        return accepted(f"{kind.capitalize()} failover completed on {a.rack}: role (none), "
                        "state validated. Start the workloads and advertise the routes.",
                        E.BackupFailedOver(a.rack, kind))
