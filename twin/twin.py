"""The Twin: two PureApplication System racks, their links and their DR profiles.

One way in, one way out (architecture.md): every console action, scenario step and
injected fault is a typed :class:`~twin.actions.Action` handed to :meth:`Twin.apply`,
which accepts or refuses it with the console's message; :meth:`Twin.run_until` advances
simulated time; :meth:`Twin.state` is the read model (the state document of
scenario-format.md); :attr:`Twin.events` is the log; :attr:`Twin.series` the time series.

The subsystems own their state: :mod:`twin.profiles` (R4–R13), :mod:`twin.replication`
(R18–R21), :mod:`twin.management` (R1, R8), :mod:`twin.workloads` (R10, R14, R17),
:mod:`twin.network` (R3, R14) and :mod:`twin.outcome` (R15, R16). This module wires them
together and carries the faults an instructor injects.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin import actions as A
from twin.config import SystemConfig
from twin.events import Event, Result, accepted, refused
from twin.kernel import Handle, Kernel
from twin.management import ManagementClone
from twin.network import Network
from twin.outcome import Outcome
from twin.profiles import Profile, Profiles
from twin.replication import ReplicationError, SanReplication, Transition
from twin.timeseries import TimeSeries
from twin.topology import build_topology, volume_layout
from twin.workloads import Workloads
from twin.writes import WriteModel

MAX_EVENTS = 200_000  # the log keeps the newest; a day of a busy drill is a few thousand


def _finite(x: float | None) -> float | None:
    """JSON has no infinity: an RPO with no consistent copy yet is null (unbounded)."""
    return None if x is None or not math.isfinite(x) else float(x)


def _json_safe(v: Any) -> Any:
    """The state document is strict JSON: every non-finite number becomes null (an RPO
    with no consistent copy, a host delay over a link that carries nothing)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_safe(x) for x in v]
    return v


@dataclass
class LinkState:
    up: bool = True
    extra_latency_s: float = 0.0
    bandwidth_mbps: float | None = None  # None: as configured
    loss_pct: float = 0.0

    @property
    def degraded(self) -> bool:
        return self.extra_latency_s > 0 or self.bandwidth_mbps is not None or self.loss_pct > 0


class Twin:
    """The headless, deterministic twin. Same system, start and seed: same run."""

    def __init__(self, system: SystemConfig, seed: int = 0, start: str = "unpaired",
                 sample_every_s: float = 10.0, write_variation: bool = True) -> None:
        if start not in ("unpaired", "paired"):
            raise ValueError(f"start must be 'unpaired' or 'paired', not {start!r}")
        self.system = system
        self.seed = seed
        self.start = start
        seeds = np.random.SeedSequence(seed).spawn(2)
        self.kernel = Kernel(seed, advance=self._advance_to)
        self.kernel.rng = np.random.default_rng(seeds[0])
        self.rng = self.kernel.rng
        self.graph = build_topology(system)
        self.events: list[Event] = []
        self.alerts: list[dict[str, str]] = []
        self.rack_status = {r: "up" for r in system.rack_names}
        self.links = {"fc": LinkState(), "ip": LinkState()}
        self.failed_storage: set[str] = set()
        self.failed_mgmt = {r: 0 for r in system.rack_names}

        layout = volume_layout(system)
        self.volume_names = [f"{wl}/{i}" for wl, i, _ in layout]
        names = [w.name for w in system.workloads]
        self._vol_wl = np.array([names.index(wl) for wl, _, _ in layout], dtype=np.intp)
        per_wl = np.array([max(1, w.volumes) for w in system.workloads], dtype=float)
        self._vol_share = 1.0 / per_wl[self._vol_wl]
        sizes = np.array([s for _, _, s in layout], dtype=float)
        self.replication = SanReplication(sizes, system.distance_km, system.fc_link)
        self.writes = WriteModel(np.array([w.write_mb_s for w in system.workloads]),
                                 np.random.default_rng(seeds[1]), variation=write_variation)
        self.management = ManagementClone(system.management.size_gb, system.ip_link,
                                          system.management.clone_lag_s)
        self.profiles = Profiles(self)
        self.workloads = Workloads(self)
        self.network = Network(self)
        self.outcome = Outcome()
        self.series = TimeSeries(every_s=sample_every_s, volumes=len(layout))

        primary, backup = system.rack_names
        self.source = primary  # the rack whose volumes replicate to the other
        self._side = {primary: 0, backup: 1}  # replication side of each rack
        self._data_ok: dict[str, tuple[bool, str]] = {
            primary: (True, ""),
            backup: (False, "never replicated: disaster recovery was not enabled"),
        }
        self._wake: Handle | None = None
        self._frozen_exposure: float | None = None  # set while production is lost
        self._frozen_volume_rpo: np.ndarray | None = None
        self._down_since: float | None = None  # the current outage's start
        self._all_running = True
        self._write_handle: Handle | None = None
        self._available = False
        self._handlers = self._build_handlers()

        self.workloads.place_running(primary)
        self.network.place_active(primary)
        if start == "paired":
            self._start_paired(primary, backup)
        self._available = self.service_available()
        self.log("state", None, f"Scenario starts {start}: workloads run on {primary}")
        self.writes_changed()
        self.kernel.schedule(0.0, self._sample, priority=10, label="sample")
        self._after_change()

    def _start_paired(self, primary: str, backup: str) -> None:
        for rack, role in ((primary, "primary"), (backup, "backup")):
            peer = self.system.peer_of(rack)
            p = Profile(rack, peer, self.system.rack(peer).management_address,
                        self.system.rack(peer).users[0].id if self.system.rack(peer).users
                        else "admin", state="enabled", role=role)
            p.validation = self.profiles.validation_checks(rack)
            self.profiles.by_rack[rack] = p
        self._repl(self.replication.assume_synchronized, 0.0)
        self._log_transitions(self.management.assume_synchronized(0.0), management=True)
        self._data_ok[backup] = (True, "")

    # -- time ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.kernel.now

    def schedule(self, delay: float, callback: Callable[[], None], label: str = "",
                 priority: int = 0) -> Handle:
        """Schedule an engine callback; state derived from it is refreshed after it runs."""

        def run() -> None:
            callback()
            self._after_change()

        return self.kernel.schedule(delay, run, priority=priority, label=label)

    def run_until(self, t: float) -> None:
        self.kernel.run_until(t)

    def run_for(self, dt: float) -> None:
        self.kernel.run_until(self.now + dt)

    def step(self) -> bool:
        """Run to the next event that is not a time-series sample. False if none."""
        while True:
            nxt = self.kernel.peek()
            if nxt is None:
                return False
            label = self.kernel._heap[0].label
            self.kernel.step()
            if label != "sample":
                return True

    def next_event_time(self) -> float | None:
        return self.kernel.peek()

    def _advance_to(self, t: float) -> None:
        self._log_transitions(self.replication.advance(t))
        self._log_transitions(self.management.advance(t), management=True)

    def _repl(self, control: Callable[..., list[Transition]], *args: Any,
              **kw: Any) -> str | None:
        """Run a replication control, log its transitions; the SVC's refusal, if any."""
        try:
            self._log_transitions(control(*args, **kw))
        except ReplicationError as e:
            return str(e)
        return None

    def _log_transitions(self, transitions: list[Any], management: bool = False) -> None:
        for tr in transitions:
            if management:
                self.log("management", None, f"Management data: {tr.message}",
                         item=f"mgmt:{self.source}:0", t=tr.t)
            else:
                self._on_replication_transition(tr)

    def _on_replication_transition(self, tr: Any) -> None:
        item = f"v7000:{self.source}"
        if tr.code == "error_1920":
            self.alert("1920", tr.message, t=tr.t)
        else:
            msg = f"Consistency group {tr.message}" if tr.code == "state" else tr.message
            self.log("replication", None, msg, item=item, t=tr.t)
        if self.replication.consistent and self.replication.state == "consistent_synchronized":
            target = self.system.peer_of(self.source)
            self._data_ok[target] = (True, "")

    def _reschedule_wake(self) -> None:
        times = [x for x in (self.replication.next_transition_time(),
                             self.management.next_transition_time()) if x is not None]
        nxt = max(min(times), self.now) if times else None
        if self._wake is not None and self._wake.active:
            if nxt is not None and self._wake.time == nxt:
                return
            self._wake.cancel()
        self._wake = None
        if nxt is not None:
            self._wake = self.kernel.schedule_at(nxt, self._on_wake, priority=-1, label="wake")

    def _on_wake(self) -> None:
        self._wake = None
        self._after_change()

    def _on_write_change(self) -> None:
        self._write_handle = None
        self.writes_changed()
        self._after_change()

    def writes_changed(self) -> None:
        """Recompute the per-volume write rates from the workloads running on the
        replication source and the write model; schedule the next rate change."""
        wl_rates = self.writes.rates_at(self.now)
        per_volume = wl_rates[self._vol_wl] * self._vol_share
        for rack, side in self._side.items():
            on = np.array([
                1.0 if (w.status == "running" and w.rack == rack and self.rack_up(rack)
                        and rack not in self.failed_storage) else 0.0
                for w in (self.workloads.by_name[c.name] for c in self.system.workloads)])
            rates = on[self._vol_wl] * per_volume
            if rack != self.source and not rates.any() and not self.replication.write_rates(
                    side).any():
                continue
            why = self._repl(self.replication.set_write_rates, self.now, rates, side=side)
            if why:
                self.alert("writes-rejected", f"Writes on {rack} rejected: {why}")
        if self._write_handle is not None:
            self._write_handle.cancel()
        nxt = self.writes.next_change_after(self.now)
        self._write_handle = None
        if nxt is not None and np.isfinite(nxt):
            self._write_handle = self.kernel.schedule_at(max(nxt, self.now),
                                                         self._on_write_change, priority=-2,
                                                         label="writes")

    def _sample(self) -> None:
        r = self.replication
        rpo = self.rpo_exposure_s()
        self.series.push(self.now, {
            "lag_bytes": r.lag_bytes, "rpo_s": rpo if math.isfinite(rpo) else np.nan,
            "throughput_bps": r.throughput_bps,
            "bandwidth_bps": r.bandwidth_bps, "progress": r.progress,
            "available": 1.0 if self._available else 0.0,
            "mgmt_lag_s": self.management.lag_s, "host_delay_s": r.host_delay_s,
        }, volume_lag=None if self.series.volume_every <= 0 else r.lag_bytes_per_volume())
        self.kernel.schedule(self.series.every_s, self._sample, priority=10, label="sample")

    def _after_change(self) -> None:
        o = self.outcome
        running = all(w.status == "running" for w in self.workloads.in_service())
        if running and not self._all_running:  # before availability: same instant
            o.workloads_all_running(self.now)
        self._all_running = running
        avail = self.service_available()
        if avail != self._available:
            self._available = avail
            self._down_since = None if avail else self.now
            o.service_changed(self.now, avail)
            self.log("network", None, "Service available: clients reach every workload"
                     if avail else "Service unavailable: clients cannot reach every workload")
        if o.takeover_at_s is not None and not o.loss_frozen:
            # the old primary's workloads may still write after the takeover: lost too,
            # until they stop there
            o.data_loss_bytes = self.exposure(self.source)[0]
            if not self.workloads.running_on(self.source):
                o.loss_frozen = True
        self._reschedule_wake()

    # -- queries used by the subsystems -------------------------------------------------------

    def rack_up(self, rack: str) -> bool:
        return self.rack_status.get(rack) == "up"

    def links_up(self, link: str) -> bool:
        return self.links[link].up

    def link_extra_latency_s(self, link: str) -> float:
        return self.links[link].extra_latency_s

    def storage_failed(self, rack: str) -> bool:
        return rack in self.failed_storage

    def data_consistent(self, rack: str) -> bool:
        return self._data_ok[rack][0] and rack not in self.failed_storage

    def data_reason(self, rack: str) -> str:
        if rack in self.failed_storage:
            return "its V7000 storage has failed"
        return self._data_ok[rack][1] or "no consistent copy"

    def service_available(self) -> bool:
        """Clients reach every workload in service (a deployment joins once it has run)."""
        ws = self.workloads.in_service()
        return bool(ws) and all(self.network.reachable(w) for w in ws)

    # -- the event log ------------------------------------------------------------------------

    def log(self, kind: str, rack: str | None, message: str, item: str | None = None,
            t: float | None = None) -> None:
        self.events.append(Event(self.now if t is None else t, kind, rack, message, item))
        if len(self.events) > MAX_EVENTS:
            del self.events[: len(self.events) - MAX_EVENTS]

    def alert(self, code: str, message: str, t: float | None = None) -> None:
        if not any(a["code"] == code and a["message"] == message for a in self.alerts):
            self.alerts.append({"code": code, "message": message})
        self.log("alert", None, f"[{code}] {message}", t=t)

    # -- one command path ----------------------------------------------------------------------

    def _build_handlers(self) -> dict[type[A.Action], Callable[[Any], Result]]:
        p, w, n = self.profiles, self.workloads, self.network
        return {
            A.CreateProfile: p.create, A.Validate: p.validate, A.Enable: p.enable,
            A.StartFailover: p.start_failover, A.QuiesceComputeNodes: w.quiesce,
            A.StopWorkloads: w.stop, A.StartWorkloads: w.start,
            A.AddComputeNodes: w.add_compute_nodes, A.Deploy: w.deploy,
            A.ConfigureTorSwitches: n.configure_tor, A.AdvertiseRoutes: n.advertise,
            A.WithdrawRoutes: n.withdraw, A.ResumeReplication: self._resume_replication,
            A.CutLink: self._cut_link, A.RestoreLink: self._restore_link,
            A.DegradeLink: self._degrade_link, A.LoseRack: self._lose_rack,
            A.RestoreRack: self._restore_rack, A.FailComputeNode: self._fail_compute_node,
            A.FailManagementNode: self._fail_management_node,
            A.FailStorage: self._fail_storage, A.SurgeWrites: self._surge_writes,
            A.Note: self._note,
        }

    def apply(self, action: A.Action) -> Result:
        """Accept or refuse one action, as the console (or the instructor) would. Every
        action, accepted or refused, goes into the event log."""
        res = self._check_target(action)
        if res is None:
            handler = self._handlers.get(type(action))
            if handler is None:
                res = refused(f"{action.do} is a scenario step, not an action on the system.",
                              "use it in a scenario's steps")
            else:
                res = handler(action)
        rack = getattr(action, "rack", None)
        if isinstance(action, A.Note):
            pass
        elif res.ok:
            self.log("action" if action.kind == "console" else "fault", rack,
                     f"{action.describe()}: {res.message}", item=self._item_of(action))
            if action.kind == "console":
                self.outcome.operator_acted(self.now)
        else:
            self.log("refused", rack, f"{action.describe()} refused: {res.text}",
                     item=self._item_of(action))
        self._after_change()
        return res

    def _item_of(self, action: A.Action) -> str | None:
        if isinstance(action, (A.CutLink, A.RestoreLink, A.DegradeLink)):
            a, b = self.system.rack_names
            return f"v7000:{a}" if action.link == "fc" else f"mgmt:{a}:0"
        if isinstance(action, A.SurgeWrites):
            return f"workload:{action.workload}"
        if isinstance(action, A.FailComputeNode) and action.node is not None:
            return f"compute:{action.rack}:{action.node}"
        rack = getattr(action, "rack", None)
        return f"rack:{rack}" if rack else None

    def _check_target(self, action: A.Action) -> Result | None:
        rack = getattr(action, "rack", None)
        if rack is not None:
            if rack not in self.rack_status:
                return refused(f"Unknown rack {rack!r}.",
                               f"racks are {', '.join(self.system.rack_names)}")
            if action.kind == "console" and not self.rack_up(rack):
                return refused(f"{rack} is lost: its console does not answer.",
                               "act on the surviving rack, or restore the rack first")
            if action.kind == "console" and self.failed_mgmt[rack] >= 2:
                return refused(f"Both management nodes of {rack} have failed: its console "
                               "does not answer.", "restore the rack first")
        link = getattr(action, "link", None)
        if link is not None and link not in self.links:
            return refused(f"Unknown link {link!r}.", "links are 'fc' and 'ip'")
        wl = getattr(action, "workload", None)
        if isinstance(action, A.SurgeWrites) and wl not in self.workloads.by_name:
            return refused(f"Unknown workload {wl!r}.",
                           f"workloads are {', '.join(self.workloads.by_name)}")
        return None

    # -- lifecycle hooks called by the profiles -------------------------------------------------

    def on_pair_enabled(self, primary: str, backup: str) -> None:
        """Both profiles enabled: initial copies start (R8), or DR re-established the other
        way round for a failback (R13): the changed data copies back."""
        self._frozen_exposure = self._frozen_volume_rpo = None
        if primary != self.source:
            self._repl(self.replication.stop, self.now)
            why = self._repl(self.replication.reverse, self.now)
            if why:
                self.alert("replication", f"Replication cannot reverse: {why}")
            self._log_transitions(self.management.reverse(self.now), management=True)
            self.source = primary
            self.outcome.loss_frozen = True
            self.writes_changed()
        self._data_ok[backup] = (False, "the initial copy (or resync) is not complete")
        why = self._repl(self.replication.start, self.now)
        if why:
            self.alert("replication", f"Replication did not start: {why}. Resume "
                       "replication once the cause is fixed.")
        self._log_transitions(self.management.start(self.now), management=True)
        self.workloads.known[backup] = set(self.workloads.known[primary])

    def on_backup_enabled(self, rack: str) -> None:
        """A backup's cloud groups are inactive (no compute nodes) and its ToR switches are
        not set up for the takeover: the failover's manual actions do that (R10, R11)."""
        nodes = self.workloads.nodes[rack]
        nodes.in_cloud_groups, nodes.quiesced = 0, False
        self.network.racks[rack].tor_configured = False

    def on_primary_failover(self, rack: str) -> None:
        """R11 step 2: replication stops; the backup keeps a consistent, stale copy."""
        self._repl(self.replication.stop, self.now)
        self._log_transitions(self.management.stop(self.now), management=True)

    def on_backup_failover(self, rack: str, kind: str) -> None:
        """R11 step 4 / R12: the backup takes over its volumes (stop with access)."""
        r = self.replication
        if r.consistent:
            self._data_ok[rack] = (True, "")
        else:
            why = ("the initial copy was not complete" if not r.initial_copy_complete
                   else "a resync was under way")
            self._data_ok[rack] = (False, why)
        missing = set(self.management.missing_on_backup())
        self.workloads.known[rack] = set(self.workloads.known[self.source]) - missing
        o = self.outcome
        if o.takeover_at_s is None:  # the outcome is that of the first takeover
            o.takeover_at_s = self.now
            if o.disaster_at_s is None:  # else fixed at the instant of the disaster
                o.data_loss_bytes, o.rpo_achieved_s = self.exposure(self.source)
        self._repl(r.stop, self.now, access=True)
        self._log_transitions(self.management.stop(self.now), management=True)
        p = self.profiles.get(self.source)
        if kind == "unplanned" and self.rack_up(self.source) and p is not None \
                and p.state == "enabled" and p.role == "primary":
            self.alert("primary-alive", f"Unplanned failover while {self.source} is still up "
                       "and enabled as primary: stop its workloads and withdraw its routes, or "
                       "risk a split brain (R14).")

    # -- fault and replication handlers -----------------------------------------------------------

    def _resume_replication(self, a: A.ResumeReplication) -> Result:
        r = self.replication
        if r.state.endswith("_disconnected"):
            return refused(f"Replication cannot resume: "
                           f"{r.can_start() or 'the partner cannot be reached'}.",
                           "restore the FC link (or the lost rack), then resume")
        if r.state not in ("consistent_stopped", "inconsistent_stopped"):
            return refused(f"Replication is {r.state}: there is no stopped consistency group "
                           "to resume.", "resume after a link outage or error 1920")
        roles = {self.profiles.role(x) for x in self.system.rack_names}
        if roles != {"primary", "backup"}:
            return refused("Replication cannot resume: disaster recovery is not enabled on "
                           "both racks.", "enable the backup, then the primary")
        why = r.can_start() or self._repl(r.start, self.now)
        if why:
            return refused(f"Replication cannot resume: {why}.")
        target = self.system.peer_of(self.source)
        self._data_ok[target] = (False, "a resync was under way")
        return accepted("Consistency group restarted: resynchronising the changed data "
                        "(the backup has no consistent copy until it completes, R19).")

    def _set_link(self, link: str) -> None:
        s = self.links[link]
        if link == "fc":
            self._repl(self.replication.set_link, self.now, up=s.up,
                       bandwidth_mbps=s.bandwidth_mbps or self.system.fc_link.bandwidth_mbps,
                       extra_latency_ms=s.extra_latency_s * 1000, loss_pct=s.loss_pct)
        else:
            self._log_transitions(self.management.set_link(
                self.now, up=s.up and all(self.rack_up(r) for r in self.system.rack_names),
                bandwidth_mbps=s.bandwidth_mbps or self.system.ip_link.bandwidth_mbps),
                management=True)

    def _cut_link(self, a: A.CutLink) -> Result:
        if not self.links[a.link].up:
            return refused(f"The {a.link.upper()} link is already down.")
        self.links[a.link].up = False
        self._set_link(a.link)
        return accepted(f"{a.link.upper()} link between the sites cut.")

    def _restore_link(self, a: A.RestoreLink) -> Result:
        s = self.links[a.link]
        if s.up and not s.degraded:
            return refused(f"The {a.link.upper()} link is up and not degraded.")
        self.links[a.link] = LinkState()
        self._set_link(a.link)
        extra = (" Resume replication to resynchronise." if a.link == "fc" and
                 self.replication.state in ("consistent_stopped", "inconsistent_stopped")
                 else "")
        return accepted(f"{a.link.upper()} link restored.{extra}")

    def _degrade_link(self, a: A.DegradeLink) -> Result:
        s = self.links[a.link]
        if a.latency_ms is None and a.bandwidth_mbps is None and a.loss_pct is None:
            return refused("degrade-link needs latency_ms, bandwidth_mbps or loss_pct.")
        if a.latency_ms is not None:
            s.extra_latency_s = max(0.0, a.latency_ms) / 1000
        if a.bandwidth_mbps is not None:
            s.bandwidth_mbps = max(0.001, a.bandwidth_mbps)
        if a.loss_pct is not None:
            s.loss_pct = min(max(0.0, a.loss_pct), 100.0)
        self._set_link(a.link)
        parts = [f"+{s.extra_latency_s * 1000:g} ms" if s.extra_latency_s else "",
                 f"{s.bandwidth_mbps:g} Mb/s" if s.bandwidth_mbps is not None else "",
                 f"{s.loss_pct:g}% loss" if s.loss_pct else ""]
        return accepted(f"{a.link.upper()} link degraded: {', '.join(p for p in parts if p)}.")

    def _lose_rack(self, a: A.LoseRack) -> Result:
        if not self.rack_up(a.rack):
            return refused(f"{a.rack} is already lost.")
        if self.workloads.running_on(a.rack):
            self._production_lost(a.rack)
        self.rack_status[a.rack] = "lost"
        self.workloads.rack_lost(a.rack, f"site {a.rack} lost")
        self.network.rack_lost(a.rack)
        self._repl(self.replication.rack_lost, self.now, self._side[a.rack])
        self._set_link("ip")
        self.writes_changed()
        return accepted(f"Site {a.rack} lost: the rack, its routers and its storage are gone.")

    def _restore_rack(self, a: A.RestoreRack) -> Result:
        if self.rack_up(a.rack):
            if a.rack in self.failed_storage or self.failed_mgmt[a.rack]:
                return self._repair_rack(a.rack)
            return refused(f"{a.rack} is not lost and nothing on it has failed.")
        self.rack_status[a.rack] = "up"
        self.failed_mgmt[a.rack] = 0
        self.failed_storage.discard(a.rack)
        self.workloads.nodes[a.rack].failed.clear()
        for w in self.workloads.by_name.values():
            if w.rack == a.rack and w.status == "failed":
                w.status, w.reason = "stopped", f"{a.rack} restored; the workload is stopped"
        self._repl(self.replication.rack_restored, self.now, self._side[a.rack])
        self._set_link("ip")
        if self.network.advertising(a.rack) and self.network.split_brain():
            self.alert("split-brain", f"{a.rack} came back with its routers still advertising: "
                       "both racks advertise the same IP addresses (R14). Withdraw the routes "
                       f"on {a.rack}.")
        return accepted(f"Site {a.rack} restored with its data as it was; its workloads are "
                        "stopped.")

    def _repair_rack(self, rack: str) -> Result:
        """Repair a rack that is up: its V7000 and management nodes (data as it was)."""
        repaired = []
        if rack in self.failed_storage:
            self.failed_storage.discard(rack)
            self._repl(self.replication.rack_restored, self.now, self._side[rack])
            for w in self.workloads.by_name.values():
                if w.rack == rack and w.status == "failed":
                    w.status, w.reason = "stopped", f"the V7000 of {rack} was repaired"
            repaired.append("its V7000 storage")
        if self.failed_mgmt[rack]:
            self.failed_mgmt[rack] = 0
            if {self.profiles.role(r) for r in self.system.rack_names} == {"primary", "backup"}:
                self._log_transitions(self.management.start(self.now), management=True)
            repaired.append("its management nodes")
        return accepted(f"{rack} repaired: {' and '.join(repaired)}.")

    def _fail_compute_node(self, a: A.FailComputeNode) -> Result:
        nodes = self.workloads.nodes[a.rack]
        healthy = [i for i in range(nodes.total) if i not in nodes.failed]
        if not healthy:
            return refused(f"Every compute node of {a.rack} has already failed.")
        node = a.node if a.node is not None else healthy[-1]
        if node not in healthy:
            return refused(f"Compute node {node} of {a.rack} does not exist or has failed.",
                           f"healthy nodes are {healthy}")
        self.workloads.fail_node(a.rack, node)
        return accepted(f"Compute node {node + 1} of {a.rack} failed.")

    def _fail_management_node(self, a: A.FailManagementNode) -> Result:
        if self.failed_mgmt[a.rack] >= 2:
            return refused(f"Both management nodes of {a.rack} have already failed.")
        self.failed_mgmt[a.rack] += 1
        if self.failed_mgmt[a.rack] == 1:
            return accepted(f"A management node of {a.rack} failed; its peer node takes over.")
        self._log_transitions(self.management.stop(self.now), management=True)
        return accepted(f"Both management nodes of {a.rack} failed: the console does not "
                        "answer and management cloning stops.")

    def _fail_storage(self, a: A.FailStorage) -> Result:
        if a.rack in self.failed_storage:
            return refused(f"The V7000 of {a.rack} has already failed.")
        if self.workloads.running_on(a.rack):
            self._production_lost(a.rack)
        self.failed_storage.add(a.rack)
        self.workloads.rack_lost(a.rack, f"the V7000 storage of {a.rack} failed")
        self._repl(self.replication.rack_lost, self.now, self._side[a.rack])
        self.writes_changed()
        return accepted(f"The V7000 storage of {a.rack} failed.")

    def _surge_writes(self, a: A.SurgeWrites) -> Result:
        names = [w.name for w in self.system.workloads]
        if a.workload not in names:
            return refused(f"{a.workload} is a deployment without replicated volumes.")
        if a.for_ <= 0:
            return refused("A surge needs a duration.", "give for: a duration above zero")
        self.writes.surge(self.now, names.index(a.workload), a.write_mb_s, a.for_)
        self.writes_changed()
        w = self.workloads.by_name[a.workload]
        note = "" if w.status == "running" else (
            f" It is {w.status} now: the surge applies while it runs.")
        return accepted(f"{a.workload} writes {a.write_mb_s:g} MB/s for {a.for_:g} s.{note}")

    def _note(self, a: A.Note) -> Result:
        self.log("note", None, a.text)
        return accepted(a.text)

    def management_change(self, kind: str, name: str, rack: str) -> None:
        """A deploy, image import or cloud group change on ``rack`` (R1)."""
        if rack == self.source:
            self._log_transitions(self.management.record_change(self.now, kind, name),
                                  management=True)

    # -- the read model --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The state document of scenario-format.md."""
        r = self.replication
        m = self.management
        racks = {}
        for name in self.system.rack_names:
            racks[name] = {
                "status": self.rack_status[name],
                "compute_nodes": self.workloads.nodes[name].to_dict(),
                **self.network.rack_doc(name),
                "storage_failed": name in self.failed_storage,
                "management_nodes_failed": self.failed_mgmt[name],
                "role": self.profiles.role(name) or "none",
                "replication_source": name == self.source,
                "data_consistent": self.data_consistent(name),
            }
        return _json_safe({
            "time_s": self.now,
            "racks": racks,
            "profiles": self.profiles.state_doc(),
            "links": {k: {"up": s.up, "degraded": s.degraded,
                          "extra_latency_ms": s.extra_latency_s * 1000,
                          "bandwidth_mbps": s.bandwidth_mbps or
                          (self.system.fc_link if k == "fc" else self.system.ip_link)
                          .bandwidth_mbps,
                          "loss_pct": s.loss_pct} for k, s in self.links.items()},
            "replication": {
                "state": r.state, "consistent": r.consistent,
                "initial_copy_complete": r.initial_copy_complete,
                "progress": r.progress, "eta_s": _finite(r.eta_s), "lag_bytes": r.lag_bytes,
                "rpo_s": _finite(self.rpo_exposure_s()), "errors": list(r.errors),
                "host_delay_s": r.host_delay_s,
                "throughput_bps": r.throughput_bps, "bandwidth_bps": r.bandwidth_bps,
                "direction": [self.source, self.system.peer_of(self.source)],
                "volumes": len(self.volume_names),
            },
            "management": {"state": m.state, "initial_copy_complete": m.initial_copy_complete,
                           "progress": m.progress, "lag_s": m.lag_s,
                           "missing_on_backup": list(m.missing_on_backup())},
            "workloads": self.workloads.state_doc(),
            "service": {"available": self.service_available(),
                        "split_brain": self.network.split_brain(),
                        "down_since_s": self._down_since},
            "outcome": self.outcome.to_dict(self.now),
            "alerts": list(self.alerts),
        })

    # -- exposure and loss (R14, R15) -------------------------------------------------------

    def production_rack(self) -> str | None:
        """The live rack whose workloads run (or start), if any."""
        for w in self.workloads.by_name.values():
            if w.active and w.rack is not None and self.rack_up(w.rack) \
                    and w.rack not in self.failed_storage:
                return w.rack
        return None

    def exposure(self, rack: str) -> tuple[float, float]:
        """(bytes, age of the oldest in s) of what ``rack`` wrote that the other rack does
        not hold in a usable form: what is lost if ``rack`` vanishes now (R15). Without a
        consistent copy on the other side (no DR yet, the initial copy, a resync: R19)
        everything written there is exposed and the age is unbounded."""
        r = self.replication
        side = self._side[rack]
        if side == r.source:
            if not r.consistent:
                return float(r.written.sum()), math.inf
            return r.unapplied_bytes(), r.rpo_s
        return r.unapplied_bytes(side), r.oldest_unapplied_age_s(side)

    def rpo_exposure_s(self) -> float:
        """The RPO if disaster struck now: the exposure of the production rack. Once that
        rack is lost its unreplicated writes are gone, not ageing: the exposure stays what
        it was at the loss (the RPO achieved) until production runs again."""
        prod = self.production_rack()
        if prod is not None:
            return self.exposure(prod)[1]
        if self._frozen_exposure is not None:
            return self._frozen_exposure
        return self.exposure(self.source)[1]

    def _production_lost(self, rack: str) -> None:
        """``rack`` (or its storage) goes with workloads on it: a disaster (R12, R15)."""
        lost, age = self.exposure(rack)
        self._frozen_exposure = age
        if self._side[rack] == self.replication.source:
            self._frozen_volume_rpo = self.replication.rpo_s_per_volume().copy()
        o = self.outcome
        if o.disaster_at_s is None:
            o.disaster_at_s = self.now
            o.data_loss_bytes, o.rpo_achieved_s = lost, age
            o.loss_frozen = True

    def volume_details(self) -> list[dict[str, Any]]:
        """Per-volume monitoring (R9 storage details)."""
        lag = self.replication.lag_bytes_per_volume()
        # after the source is lost its unreplicated writes are gone, not ageing (R15)
        frozen = self._frozen_volume_rpo
        rpo = frozen if frozen is not None else self.replication.rpo_s_per_volume()
        prog = self.replication.progress_per_volume()
        states = self.replication.states_per_volume()
        return [{"volume": n, "state": states[i], "progress": float(prog[i]),
                 "lag_bytes": float(lag[i]), "rpo_s": float(rpo[i])}
                for i, n in enumerate(self.volume_names)]

    def write_rate_bps(self) -> float:
        return float(self.replication.write_rate_bps)
