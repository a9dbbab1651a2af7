"""The Twin: two PureApplication System racks, their links and their DR profiles.

One way in, one way out (architecture.md): every console action, scenario step and
injected fault is a typed :class:`~twin.actions.Action` handed to :meth:`Twin.apply`,
which accepts or refuses it with the console's message; :meth:`Twin.run_until` advances
simulated time; :meth:`Twin.state` is the read model (the state document of
scenario-format.md, typed in :mod:`twin.statedoc`); :attr:`Twin.events` is the log;
:attr:`Twin.series` the time series.

This module wires the subsystems, each of which owns its state and logs its changes:
:mod:`twin.site` and :mod:`twin.faults` (racks, links, failed parts), :mod:`twin.profiles`
(R4–R13), :mod:`twin.storage` over :mod:`twin.replication` and :mod:`twin.writes`
(R2, R8, R13–R15, R18–R21), :mod:`twin.management` (R1, R8), :mod:`twin.workloads`
(R10, R14, R17), :mod:`twin.network` (R3, R14) and :mod:`twin.outcome` (R15, R16).
A subsystem reads only the narrow views it is given (:mod:`twin.context`) and returns
the domain events (:mod:`twin.effects`) that others must hear; :meth:`Twin._dispatch`
hands each to the subsystems it concerns.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Iterable
from enum import StrEnum
from typing import Any, cast

import numpy as np

from twin import actions as A
from twin import effects as E
from twin.config import SystemConfig
from twin.context import Callback
from twin.drill import Drills
from twin.events import Event, EventLog, Result, refused
from twin.faults import Faults
from twin.kernel import Handle, Kernel
from twin.management import Cloning
from twin.network import Network
from twin.outcome import Outcome
from twin.profiles import Profiles
from twin.replication import SanReplication
from twin.site import Site
from twin.statedoc import StateDoc
from twin.states import FailoverType, Link, Role
from twin.storage import Storage
from twin.timeseries import TimeSeries
from twin.workloads import Workloads

_PLAIN = frozenset({str, bool, int, type(None)})


def _json_safe(v: Any) -> Any:
    """The state document is strict, plain JSON: every non-finite number becomes null (an
    RPO with no consistent copy, a host delay over a link that carries nothing)."""
    t = type(v)  # the exact types first: the journal builds this before every action
    if t in _PLAIN:
        return v
    if t is float:
        return v if math.isfinite(v) else None
    if t is dict:
        return {k: x if type(x) in _PLAIN else _json_safe(x) for k, x in v.items()}
    if t is list:
        return [x if type(x) in _PLAIN else _json_safe(x) for x in v]
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, StrEnum):  # plain JSON: a state is its name, its value
        return str.__str__(v)  # (the same characters; .value is slow on Python 3.11)
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_safe(x) for x in v]
    return v


class _Clock:
    """The subsystems' :class:`twin.context.Clock`: the kernel's time, and scheduling
    whose callbacks have their effects dispatched and the derived state refreshed."""

    def __init__(self, kernel: Kernel, after: Callable[[Iterable[E.Effect] | None], None]):
        self._kernel = kernel
        self._after = after

    @property
    def now(self) -> float:
        return self._kernel.now

    def _wrap(self, callback: Callback) -> Callable[[], None]:
        return lambda: self._after(callback())

    def schedule(self, delay: float, callback: Callback, label: str = "",
                 priority: int = 0) -> Handle:
        return self._kernel.schedule(delay, self._wrap(callback), priority, label)

    def schedule_at(self, time: float, callback: Callback, label: str = "",
                    priority: int = 0) -> Handle:
        return self._kernel.schedule_at(time, self._wrap(callback), priority, label)


# what the journal keeps of the system before each action: enough to grade the procedure
JOURNAL_CONTEXT = frozenset({"racks", "profiles", "workloads", "service", "management",
                             "replication"})


@dataclasses.dataclass(frozen=True)
class JournalEntry:
    """One action applied: when, what, the system's answer, and the state just before
    (the sections of ``JOURNAL_CONTEXT`` and the replication's state)."""

    t_s: float
    action: A.Action
    result: Result
    before: StateDoc


class Twin:
    """The headless, deterministic twin. Same system, start and seed: same run."""

    def __init__(self, system: SystemConfig, seed: int = 0, start: str = "unpaired",
                 sample_every_s: float = 10.0, write_variation: bool = True) -> None:
        if start not in ("unpaired", "paired"):
            raise ValueError(f"start must be 'unpaired' or 'paired', not {start!r}")
        self.system = system
        self.seed = seed
        self.start = start
        # one SeedSequence: restart draws and the write model each get their own stream
        # (the first two children are those of spawn(2): a drill draws from its own third)
        restart_seed, writes_seed, drill_seed = np.random.SeedSequence(seed).spawn(3)
        self.kernel = Kernel(advance=self._advance_to)
        self.clock = _Clock(self.kernel, self._after_effects)
        self.log = EventLog(lambda: self.kernel.now)
        self.site = Site(system)
        self.outcome = Outcome()
        self.series = TimeSeries(every_s=sample_every_s,
                                 volumes=sum(max(1, w.volumes) for w in system.workloads))
        self.series.evaluate = self._evaluate_samples
        self.series.evaluate_volumes = SanReplication.lag_of

        # the subsystems ask each other questions through these queries, never directly
        self.storage = Storage(system, self.clock, self.log, self.site,
                               writing_on=lambda r: self.workloads.writing_on(r),
                               paired=lambda: self.profiles.paired(),
                               rng=np.random.default_rng(writes_seed),
                               write_variation=write_variation)
        self.profiles = Profiles(system, self.site, self.storage,
                                 active_workloads=lambda r: self.workloads.running_on(r))
        self.workloads = Workloads(system, self.clock, self.log,
                                   np.random.default_rng(restart_seed), self.site,
                                   self.storage, role=self.profiles.role)
        self.management = Cloning(system, self.clock, self.log, lambda: self.storage.source)
        self.network = Network(system, self.clock, self.log, self.site)
        self.faults = Faults(self.site)
        self.drills = Drills(system, self.clock, self.log, np.random.default_rng(drill_seed),
                             role=self.profiles.role, image=self._backup_image)
        self._handlers = self._build_handlers()
        # every action applied, accepted or refused, with what the system looked like just
        # before: what the assessment grades the procedure on (twin/assessment.py)
        self.journal: list[JournalEntry] = []

        self._wake: Handle | None = None
        self._derived_key = (-1, -1)
        self._down_since: float | None = None  # the current outage's start
        self._all_running = True
        self._available = False

        primary, backup = system.rack_names
        self.workloads.place_running(primary)
        self.network.place_active(primary)
        if start == "paired":
            self.profiles.assume_paired(primary, backup)
            self.storage.assume_synchronized()
            self.management.assume_synchronized()
        self._available = self.service_available()
        self.log.log("state", None, f"Scenario starts {start}: workloads run on {primary}")
        self.storage.route_writes()
        self._sample_k = 0  # the next sample is at _sample_k x every_s
        self._after_change()

    # -- the log -------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        return self.log.events

    @property
    def alerts(self) -> list[dict[str, str]]:
        return self.log.alerts

    # -- time ----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.kernel.now

    def run_until(self, t: float) -> None:
        self.kernel.run_until(t)

    def run_for(self, dt: float) -> None:
        self.kernel.run_until(self.now + dt)

    def step(self) -> bool:
        """Run to the next event. False if there is none."""
        return self.kernel.step() is not None

    run_next_event = step

    def next_event_time(self) -> float | None:
        return self.kernel.peek()

    def _advance_to(self, t: float) -> None:
        """Move the continuous subsystems to ``t`` (no event lies between now and ``t``),
        filling the time series' grid on the way in bulk: everything is closed form
        between events, so the samples of the interval are one numpy pass, not events
        (the sample at ``t`` itself is taken once every event at ``t`` has run)."""
        every = self.series.every_s
        if self._sample_k * every < t:
            k0 = self._sample_k
            k1 = max(k0 + 1, math.ceil(t / every))  # the samples k0 .. k1-1 lie before t
            while k1 * every < t:  # (t / every rounds either way)
                k1 += 1
            while k1 - 1 > k0 and (k1 - 1) * every >= t:
                k1 -= 1
            times = np.arange(k0, k1, dtype=float) * every
            self._sample_k = k1
            self._sample_many(times)
        self.storage.advance(t)
        self.management.advance(t)

    def _sample_many(self, times: np.ndarray) -> None:
        series = self.series
        self.storage.advance(float(times[0]))
        self.management.advance(float(times[0]))
        production = self.production_rack()
        available = 1.0 if self._available else 0.0
        # mostly (mirroring, the exposure the group's RPO) the samples are evaluated later,
        # with other events' samples in one numpy pass (_evaluate_samples): same values
        later = self.storage.sample_context(times, production)
        columns = None
        if later is None:
            columns = self.storage.sample(times, production)
            columns["rpo_s"] = np.where(np.isfinite(columns["rpo_s"]), columns["rpo_s"],
                                        np.nan)
            columns["mgmt_lag_s"] = self.management.clone.lag_at(times)
            columns["available"] = np.full(len(times), available)
        else:
            later = (later, self.management.clone.lag_origin(), available)
        if series.volume_every > 0:  # the per-volume lag at every volume_every-th sample
            first = (-series.count) % series.volume_every
            lag_later = self.storage.replication.lag_later
            for s in times[first::series.volume_every].tolist():  # (evaluated when read)
                series.push_volumes_later(s, lag_later(s))
        if columns is None:
            series.push_later(times, later)
        else:
            series.push_many(times, columns)

    @staticmethod
    def _evaluate_samples(later: list[tuple[np.ndarray, Any]]
                          ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The samples :meth:`_sample_many` left for later, as ``TimeSeries`` rows: the
        same values, element by element, as its immediate path."""
        times = np.concatenate([t for t, _ in later])
        counts = [len(t) for t, _ in later]
        columns = SanReplication.sample_bulk(times, counts, [c[0] for _, c in later])
        columns["rpo_s"] = np.where(np.isfinite(columns["rpo_s"]), columns["rpo_s"], np.nan)
        origin = np.repeat([math.nan if c[1] is None else c[1] for _, c in later], counts)
        columns["mgmt_lag_s"] = np.where(np.isnan(origin), 0.0,
                                         np.maximum(0.0, times - origin))
        columns["available"] = np.repeat([c[2] for _, c in later], counts).astype(float)
        return times, columns

    def _reschedule_wake(self) -> None:
        times = [x for x in (self.storage.next_transition_time(),
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
        """A replication or cloning transition: it changes neither the workloads nor the
        network, so availability is as it was; only the loss and the next wake follow."""
        self._wake = None
        self._update_loss()
        self._reschedule_wake()

    def _after_effects(self, effects: Iterable[E.Effect] | None) -> None:
        for note in self._dispatch(effects or ()):
            self.log.log("replication", None, note)
        self._after_change(force=False)

    def _after_change(self, force: bool = True) -> None:
        """Derived state after any change: the outcome's milestones and availability.
        A scheduled change that moved no workload and no route (a write-rate step, a copy
        ending) leaves availability as it was: it is recomputed only when those moved."""
        key = (self.workloads.version, self.network.version)
        if force or key != self._derived_key:
            self._derived_key = key
            self._availability()
        self._update_loss()
        self._reschedule_wake()

    def _availability(self) -> None:
        o = self.outcome
        running = self.workloads.all_running()
        if running and not self._all_running:  # before availability: same instant
            o.workloads_all_running(self.now)
        self._all_running = running
        avail = self.service_available()
        if avail != self._available:
            self._available = avail
            self._down_since = None if avail else self.now
            o.service_changed(self.now, avail)
            self.log.log("network", None, "Service available: clients reach every workload"
                         if avail else "Service unavailable: clients cannot reach every "
                         "workload")

    def _update_loss(self) -> None:
        o = self.outcome
        if o.takeover_at_s is not None and not o.loss_frozen:
            # the old primary's workloads may still write after the takeover: lost too,
            # until they stop there
            o.data_loss_bytes = self.storage.exposure(self.storage.source)[0]
            if not self.workloads.running_on(self.storage.source):
                o.loss_frozen = True

    # -- queries -------------------------------------------------------------------------

    def service_available(self) -> bool:
        """Clients reach every workload in service (a deployment joins once it has run)."""
        ws = self.workloads.in_service()
        if not ws:
            return False
        reachable = self.network.reachable_now()
        for w in ws:
            if not reachable(w):
                return False
        return True

    def production_rack(self) -> str | None:
        """The live rack whose workloads run (or start), if any."""
        for w in self.workloads.by_name.values():
            if w.active and w.rack is not None and self.site.rack_up(w.rack) \
                    and not self.site.storage_failed(w.rack):
                return w.rack
        return None

    def rpo_exposure_s(self) -> float:
        """The RPO if disaster struck now (see :meth:`Storage.rpo_exposure_s`)."""
        return self.storage.rpo_exposure_s(self.production_rack())

    # -- one command path ----------------------------------------------------------------

    def _build_handlers(self) -> dict[type[A.Action], Callable[[Any], Result]]:
        p, w, n, f, s = self.profiles, self.workloads, self.network, self.faults, self.storage
        return {
            A.CreateProfile: p.create, A.Validate: p.validate, A.Enable: p.enable,
            A.StartFailover: p.start_failover, A.QuiesceComputeNodes: w.quiesce,
            A.StopWorkloads: w.stop, A.StartWorkloads: w.start,
            A.AddComputeNodes: w.add_compute_nodes, A.Deploy: w.deploy,
            A.ConfigureTorSwitches: n.configure_tor, A.AdvertiseRoutes: n.advertise,
            A.WithdrawRoutes: n.withdraw, A.ResumeReplication: s.resume_replication,
            A.CutLink: f.cut_link, A.RestoreLink: f.restore_link,
            A.DegradeLink: f.degrade_link, A.LoseRack: f.lose_rack,
            A.RestoreRack: f.restore_rack, A.FailComputeNode: w.fail_compute_node,
            A.FailManagementNode: f.fail_management_node, A.FailStorage: f.fail_storage,
            A.SurgeWrites: self._surge_writes, A.Note: self._note,
            A.TestFailover: self.drills.test_failover, A.CleanupTest: self.drills.cleanup_test,
        }

    def apply(self, action: A.Action) -> Result:
        """Accept or refuse one action, as the console (or the instructor) would. Every
        action, accepted or refused, goes into the event log and the journal."""
        before = None if action.kind == "flow" else self.state(only=JOURNAL_CONTEXT,
                                                                per_volume=False)
        res = self._check_target(action)
        if res is None:
            handler = self._handlers.get(type(action))
            if handler is None:
                res = refused(f"{action.do} is a scenario step, not an action on the system.",
                              "use it in a scenario's steps")
            else:
                res = handler(action)
        rack = getattr(action, "rack", None)
        at = len(self.log.events)
        notes = self._dispatch(res.effects)
        if notes:  # what the consequences tell the operator, with the console's answer
            res = dataclasses.replace(res, message=" ".join([res.message, *notes]))
        # the action is logged before the changes it caused
        if isinstance(action, A.Note):
            pass
        elif res.ok:
            self.log.insert(at, "action" if action.kind == "console" else "fault", rack,
                            f"{action.describe()}: {res.message}", item=self._item_of(action))
            if action.kind == "console":
                self.outcome.operator_acted(self.now)
        else:
            self.log.insert(at, "refused", rack, f"{action.describe()} refused: {res.text}",
                            item=self._item_of(action))
        if before is not None:
            self.journal.append(JournalEntry(self.now, action, res, before))
        self._after_change()
        return res

    def _item_of(self, action: A.Action) -> str | None:
        if isinstance(action, (A.CutLink, A.RestoreLink, A.DegradeLink)):
            a, _ = self.system.rack_names
            return f"v7000:{a}" if action.link == Link.FC else f"mgmt:{a}:0"
        if isinstance(action, A.SurgeWrites):
            return f"workload:{action.workload}"
        if isinstance(action, A.FailComputeNode) and action.node is not None:
            return f"compute:{action.rack}:{action.node}"
        rack = getattr(action, "rack", None)
        return f"rack:{rack}" if rack else None

    def _check_target(self, action: A.Action) -> Result | None:
        rack = getattr(action, "rack", None)
        if rack is not None:
            if rack not in self.site.racks:
                return refused(f"Unknown rack {rack!r}.",
                               f"racks are {', '.join(self.system.rack_names)}")
            if action.kind == "console" and not self.site.rack_up(rack):
                return refused(f"{rack} is lost: its console does not answer.",
                               "act on the surviving rack, or restore the rack first")
            if action.kind == "console" and not self.site.console_answers(rack):
                return refused(f"Both management nodes of {rack} have failed: its console "
                               "does not answer.", "restore the rack first")
        link = getattr(action, "link", None)
        if link is not None and link not in tuple(Link):
            return refused(f"Unknown link {link!r}.", "links are 'fc' and 'ip'")
        wl = getattr(action, "workload", None)
        if isinstance(action, A.SurgeWrites) and wl not in self.workloads.by_name:
            return refused(f"Unknown workload {wl!r}.",
                           f"workloads are {', '.join(self.workloads.by_name)}")
        return None

    def _backup_image(self) -> tuple[bool, float]:
        """Does the backup hold a consistent copy, and how old is it (the RPO now)."""
        r = self.storage.replication
        return r.consistent, self.storage.exposure(self.storage.source)[1]

    def _surge_writes(self, a: A.SurgeWrites) -> Result:
        return self.storage.surge_writes(a, self.workloads.by_name[a.workload].status)

    def _note(self, a: A.Note) -> Result:
        self.log.log("note", None, a.text)
        return Result(True, a.text)

    # -- dispatch of domain events -------------------------------------------------------

    def _dispatch(self, effects: Iterable[E.Effect]) -> list[str]:
        """Hand each domain event to the subsystems it concerns; returns what they have to
        tell the operator about it (e.g. a resume needed after a reconnection)."""
        notes: list[str] = []
        for e in effects:
            match e:
                case E.WritesChanged():
                    self.storage.route_writes()
                case E.ManagementChanged(kind=kind, name=name, rack=rack):
                    if rack == self.storage.source:
                        self.management.record_change(kind, name)
                case E.BackupEnabled(rack=rack):
                    self.workloads.deactivate_cloud_groups(rack)
                    self.network.reset_takeover(rack)
                case E.PairEnabled(primary=primary, backup=backup):
                    self._pair_enabled(primary, backup)
                case E.PrimaryFailedOver():
                    self.storage.stop()
                    self.management.stop()
                case E.BackupFailedOver(rack=rack, type=kind):
                    notes.append(self._backup_failed_over(rack, kind))
                case E.LinkChanged(link=link):
                    notes.append(self._link_changed(link))
                case E.RackLost(rack=rack):
                    self.drills.rack_lost(rack)
                    self._lose(rack, f"site {rack} lost")
                    self.network.rack_lost(rack)
                    self._link_changed(Link.IP)
                case E.StorageFailed(rack=rack):
                    self._lose(rack, f"the V7000 storage of {rack} failed")
                case E.RackRestored(rack=rack):
                    self.workloads.rack_restored(rack, f"{rack} restored; the workload is "
                                                 "stopped", nodes_repaired=True)
                    notes.append(self.storage.rack_restored(rack))
                    self.network.rack_restored(rack)
                case E.StorageRepaired(rack=rack):
                    notes.append(self.storage.rack_restored(rack))
                    self.workloads.rack_restored(rack, f"the V7000 of {rack} was repaired",
                                                 nodes_repaired=False)
                case E.ManagementNodesFailed():
                    self.management.stop()
                case E.ManagementNodesRepaired():
                    if self.profiles.paired():
                        self.management.start()
        return [n for n in notes if n]

    def _lose(self, rack: str, why: str) -> None:
        """``rack`` or its storage is gone; with production on it, that is the disaster."""
        if self.workloads.running_on(rack):
            lost, age = self.storage.production_lost(rack)
            o = self.outcome
            if o.disaster_at_s is None:
                o.disaster_at_s = self.now
                o.data_loss_bytes, o.rpo_achieved_s = lost, age
                o.loss_frozen = True
        self._dispatch(self.workloads.rack_lost(rack, why))
        self.storage.rack_lost(rack)

    def _link_changed(self, link: Link) -> str:
        s = self.site.links[link]
        if link == Link.FC:
            return self.storage.set_fc_link(s.up, self.site.link_bandwidth_mbps(link),
                                            s.extra_latency_s, s.loss_pct)
        self.management.set_link(self.site.ip_path_up(), self.site.link_bandwidth_mbps(link))
        return ""

    def _pair_enabled(self, primary: str, backup: str) -> None:
        """Both profiles enabled: initial copies start (R8), or DR re-established the other
        way round for a failback (R13): the changed data copies back."""
        if self.storage.pair_enabled(primary, backup):
            self.management.reverse()
            self.outcome.loss_frozen = True
        self.management.start()
        self.workloads.management_cloned(backup, primary)

    def _backup_failed_over(self, rack: str, kind: FailoverType) -> str:
        """R11 step 4 / R12: the backup takes over its volumes (stop with access)."""
        source = self.storage.source
        self.workloads.takeover(rack, source, self.management.missing_reasons(rack))
        o = self.outcome
        if o.takeover_at_s is None:  # the outcome is that of the first takeover
            o.takeover_at_s = self.now
            if o.disaster_at_s is None:  # else fixed at the instant of the disaster
                o.data_loss_bytes, o.rpo_achieved_s = self.storage.exposure(source)
        note = self.storage.take_over(rack)
        self.management.stop()
        p = self.profiles.get(source)
        if kind == FailoverType.UNPLANNED and self.site.rack_up(source) and p is not None \
                and p.is_enabled(Role.PRIMARY):
            self.log.alert("primary-alive", f"Unplanned failover while {source} is still up "
                           "and enabled as primary: stop its workloads and withdraw its "
                           "routes, or risk a split brain (R14).")
        return note

    # -- the read model ------------------------------------------------------------------

    def state(self, only: Collection[str] | None = None, per_volume: bool = True) -> StateDoc:
        """The state document of scenario-format.md (strict JSON). ``only`` names the top
        keys to build (e.g. ``{"service"}`` for a wait on ``service.available``); the
        others are then absent, as is ``replication.per_volume`` without ``per_volume``."""
        parts: dict[str, Callable[[], Any]] = {
            "time_s": lambda: self.now,
            "racks": self._racks_doc,
            "profiles": self.profiles.state_doc,
            "links": self._links_doc,
            "replication": lambda: self.storage.state_doc(self.production_rack(), per_volume),
            "management": self.management.state_doc,
            "workloads": lambda: self.workloads.state_doc(self.network.reachable_now(),
                                                          self.storage.write_mb_s_now()),
            "service": lambda: {"available": self.service_available(),
                                "split_brain": self.network.split_brain(),
                                "down_since_s": self._down_since},
            "outcome": lambda: self.outcome.to_dict(self.now),
            "alerts": lambda: list(self.alerts),
            "drills": self.drills.state_doc,
        }
        doc: dict[str, Any] = {}
        for key, build in parts.items():
            if only is None or key in only:
                value = build()
                if key == "replication":  # per_volume is built JSON-safe, and it is big
                    volumes = value.pop("per_volume", None)
                    value = _json_safe(value)
                    if volumes is not None:
                        value["per_volume"] = volumes
                elif key == "workloads":
                    pass  # built plain JSON (Workloads.state_doc)
                else:
                    value = _json_safe(value)
                doc[key] = value
        return cast(StateDoc, doc)

    def _racks_doc(self) -> dict[str, Any]:
        out = {}
        for name in self.system.rack_names:
            site = self.site.racks[name]
            out[name] = {
                "status": site.status,
                "compute_nodes": self.workloads.nodes_doc(name),
                **self.network.rack_doc(name),
                "storage_failed": site.storage_failed,
                "management_nodes_failed": site.management_nodes_failed,
                "console_answers": self.site.console_answers(name),
                "role": self.profiles.role(name) or Role.NONE,
                "replication_source": name == self.storage.source,
                "data_consistent": self.storage.data_consistent(name),
            }
        return out

    def _links_doc(self) -> dict[str, Any]:
        return {str(k): {"up": s.up, "degraded": s.degraded,
                         "extra_latency_ms": s.extra_latency_s * 1000,
                         "bandwidth_mbps": self.site.link_bandwidth_mbps(k),
                         "loss_pct": s.loss_pct} for k, s in self.site.links.items()}
