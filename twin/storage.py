"""The two V7000s and the data on them, as the twin runs them: rules R2, R8, R13–R15,
R18–R20 seen from the system rather than from the SVC's own physics.

:mod:`twin.replication` is the Global Mirror consistency group in closed form and
:mod:`twin.writes` the workloads' write rates; this subsystem owns both and everything
the rest of the twin needs from them:

* the direction of replication (which rack is the *source*) and each rack's side;
* the write routing: the rates of the workloads running on a rack with working storage
  go to that side's volumes, and the next rate change is scheduled;
* whether each rack's volumes hold a consistent copy of the data (a workload cannot
  start from inconsistent volumes, R14), and why not;
* the exposure of a rack (R15): what it wrote that the other rack does not hold, and the
  age of the oldest such write; frozen at the loss of production;
* the console's ``resume-replication`` and the instructor's ``surge-writes``.

It logs every change it makes (replication transitions, refusals of the SVC, alerts).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from twin import actions as A
from twin.config import SystemConfig, volume_layout
from twin.context import Clock, Log, SiteView
from twin.events import Result, Transition, accepted, refused
from twin.kernel import Handle
from twin.replication import ReplicationError, SanReplication
from twin.states import ReplicationState
from twin.writes import WriteModel

RS = ReplicationState


def finite(x: float | None) -> float | None:
    """JSON has no infinity: an RPO with no consistent copy yet is null (unbounded)."""
    return None if x is None or not math.isfinite(x) else float(x)


class Storage:
    """Both racks' V7000 volumes, the consistency group between them and the writes."""

    def __init__(self, system: SystemConfig, clock: Clock, log: Log, site: SiteView,
                 writing_on: Callable[[str], list[str]], paired: Callable[[], bool],
                 rng: np.random.Generator, write_variation: bool = True) -> None:
        self.system = system
        self.clock = clock
        self.log = log
        self.site = site
        self.writing_on = writing_on
        self.paired = paired
        layout = volume_layout(system)
        self.volume_names = [f"{wl}/{i}" for wl, i, _ in layout]
        self.workload_names = [w.name for w in system.workloads]
        self._wl_index = {name: i for i, name in enumerate(self.workload_names)}
        self._vol_wl = np.array([self._wl_index[wl] for wl, _, _ in layout], dtype=np.intp)
        self._masks: dict[str, tuple[list[str], tuple[np.ndarray, bool, bool]]] = {}
        per_wl = np.array([max(1, w.volumes) for w in system.workloads], dtype=float)
        # each workload's share of its rate per volume, repeated over its consecutive
        # volumes (the layout's order): one product per workload, the same floats as the
        # product per volume, without gathering
        self._wl_share = 1.0 / per_wl
        self._wl_counts = per_wl.astype(np.intp)
        assert np.array_equal(np.repeat(np.arange(per_wl.size), self._wl_counts), self._vol_wl)
        sizes = np.array([s for _, _, s in layout], dtype=float)
        self.replication = SanReplication(sizes, system.distance_km, system.fc_link,
                                          system.replication)
        self.writes = WriteModel(np.array([w.write_mb_s for w in system.workloads]), rng,
                                 variation=write_variation)
        primary, backup = system.rack_names
        self.source = primary  # the rack whose volumes replicate to the other
        self.side = {primary: 0, backup: 1}
        self._started = False  # DR was enabled once: the target has been replicated to
        self._frozen_exposure: float | None = None  # set while production is lost
        self._frozen_lost = 0.0  # the bytes lost with it
        self._frozen_volume_rpo: np.ndarray | None = None
        self._write_handle: Handle | None = None
        self._rates_wl = np.zeros(len(self.workload_names))
        self._rates_mb_s: tuple[np.ndarray | None, list[float]] = (None, [])

    @property
    def target(self) -> str:
        return self.system.peer_of(self.source)

    # -- DataView ----------------------------------------------------------------------

    def data_consistent(self, rack: str) -> bool:
        """The source holds its own data; the other rack holds a usable copy exactly when
        the consistency group says its secondary is consistent (a takeover freezes that:
        stop with access keeps the secondary's consistency, R19)."""
        if self.site.storage_failed(rack):
            return False
        return rack == self.source or self.replication.consistent

    def data_reason(self, rack: str) -> str:
        if self.site.storage_failed(rack):
            return "its V7000 storage has failed"
        if self.data_consistent(rack):
            return ""
        r = self.replication
        if not self._started:
            return "never replicated: disaster recovery was not enabled"
        if not r.ever_consistent:
            return "the initial copy was not complete"
        return "a resync was under way"

    # -- the consistency group --------------------------------------------------------

    def _run(self, control: Callable[..., list[Transition]], *args: Any,
             **kw: Any) -> str | None:
        """Run a replication control and log its transitions; the SVC's refusal, if any."""
        try:
            self._log_transitions(control(*args, **kw))
        except ReplicationError as e:
            return str(e)
        return None

    def _log_transitions(self, transitions: list[Transition]) -> None:
        item = f"v7000:{self.source}"
        for tr in transitions:
            if tr.code == "error_1920":
                self.log.alert("1920", tr.message, t=tr.t)
            else:
                msg = f"Consistency group {tr.message}" if tr.code == "state" else tr.message
                self.log.log("replication", None, msg, item=item, t=tr.t)

    def advance(self, t: float) -> None:
        self._log_transitions(self.replication.advance(t))

    def next_transition_time(self) -> float | None:
        return self.replication.next_transition_time()

    def assume_synchronized(self) -> None:
        """A scenario that starts paired: the initial copy is complete (R8)."""
        self._run(self.replication.assume_synchronized, self.clock.now)
        self._started = True

    def set_fc_link(self, up: bool, bandwidth_mbps: float, extra_latency_s: float,
                    loss_pct: float) -> str:
        """The FC link changed; returns what the operator should know (a resume needed)."""
        r = self.replication
        was = r.connected
        self._run(r.set_link, self.clock.now, up=up, bandwidth_mbps=bandwidth_mbps,
                  extra_latency_ms=extra_latency_s * 1000, loss_pct=loss_pct)
        return self._reconnected_note(was)

    def _reconnected_note(self, was_connected: bool) -> str:
        """After a reconnection, what the group did by the SVC's rules (R19b)."""
        r = self.replication
        if was_connected or not r.connected:
            return ""
        if r.state in (RS.CONSISTENT_STOPPED, RS.INCONSISTENT_STOPPED):
            if self.paired() or r.ever_consistent:
                return (f"The consistency group is {r.state}: writes were made while it was "
                        "disconnected (or it was stopped before). Resume replication to "
                        "resynchronise.")
        if r.state == RS.INCONSISTENT_COPYING:
            return "The copy under way resumes by itself (R19b)."
        return ""

    def pair_enabled(self, primary: str, backup: str) -> bool:
        """Both profiles enabled (R8): the copy starts, reversed first when ``primary`` was
        the target (failback, R13). True if the direction changed."""
        now = self.clock.now
        self._frozen_exposure = self._frozen_volume_rpo = None
        reversed_ = primary != self.source
        if reversed_:
            self._run(self.replication.stop, now)
            why = self._run(self.replication.reverse, now)
            if why:
                self.log.alert("replication", f"Replication cannot reverse: {why}")
            self.source = primary
            self.route_writes()
        self._started = True
        why = self._run(self.replication.start, now)
        if why:
            self.log.alert("replication", f"Replication did not start: {why}. Resume "
                           "replication once the cause is fixed.")
        return reversed_

    def stop(self) -> None:
        """R11 step 2: replication stops; the backup keeps a consistent, stale copy."""
        self._run(self.replication.stop, self.clock.now)

    def take_over(self, rack: str) -> str:
        """R11 step 4 / R12: the backup takes over its volumes (stop with access); they are
        as consistent as the copy was at that instant. The SVC refuses stop with access
        from an inconsistent state (R19c): the group stays as it is, and says so (an alert,
        and the note returned for the console's answer; "" when the take-over worked)."""
        r = self.replication
        state = r.state
        why = self._run(r.stop, self.clock.now, access=True)
        if not why:
            return ""
        self.log.alert("R19c", f"The SVC refused to stop the consistency group with "
                       f"access on {rack}: it is {state}, so {rack}'s volumes hold no "
                       "consistent copy and no workload can start from them (R14, R19c). "
                       f"({why})")
        return (f"But the SVC refused to give {rack} access to its volumes: the consistency "
                f"group is {state}, so they hold no consistent copy and no workload can "
                "start from them (R19c).")

    def rack_lost(self, rack: str) -> None:
        """The rack or its V7000 is gone: its side writes nothing, the group disconnects."""
        self._run(self.replication.rack_lost, self.clock.now, self.side[rack])

    def rack_restored(self, rack: str) -> str:
        """The rack (or its V7000) is back; returns what the operator should know."""
        was = self.replication.connected
        self._run(self.replication.rack_restored, self.clock.now, self.side[rack])
        return self._reconnected_note(was)

    # -- console and instructor actions ------------------------------------------------

    def resume_replication(self, a: A.ResumeReplication) -> Result:
        r = self.replication
        if r.state.is_disconnected:
            return refused(f"Replication cannot resume: "
                           f"{r.can_start() or 'the partner cannot be reached'}.",
                           "restore the FC link (or the lost rack), then resume")
        if r.state not in (RS.CONSISTENT_STOPPED, RS.INCONSISTENT_STOPPED):
            return refused(f"Replication is {r.state}: there is no stopped consistency group "
                           "to resume.", "resume after a link outage or error 1920")
        if not self.paired():
            return refused("Replication cannot resume: disaster recovery is not enabled on "
                           "both racks.", "enable the backup, then the primary")
        why = r.can_start() or self._run(r.start, self.clock.now)
        if why:
            return refused(f"Replication cannot resume: {why}.")
        if r.consistent:  # change volumes keep the image during the resync cycle
            return accepted("Consistency group restarted: a change-volume cycle copies the "
                            "changed data; the backup keeps its consistent image meanwhile.")
        return accepted("Consistency group restarted: resynchronising the changed data "
                        "(the backup has no consistent copy until it completes, R19).")

    def surge_writes(self, a: A.SurgeWrites, status: str) -> Result:
        if a.workload not in self._wl_index:
            return refused(f"{a.workload} is a deployment without replicated volumes.")
        if a.for_ <= 0:
            return refused("A surge needs a duration.", "give for: a duration above zero")
        self.writes.surge(self.clock.now, self._wl_index[a.workload], a.write_mb_s, a.for_)
        self.route_writes()
        note = "" if status == "running" else (
            f" It is {status} now: the surge applies while it runs.")
        return accepted(f"{a.workload} writes {a.write_mb_s:g} MB/s for {a.for_:g} s.{note}")

    # -- write routing -----------------------------------------------------------------

    def route_writes(self) -> None:
        """Send the write rates of the workloads running on each rack (with working
        storage) to that rack's side of the group; schedule the next rate change."""
        now = self.clock.now
        wl_rates = self.writes.rates_at(now)
        self._rates_wl = wl_rates
        per_volume = np.repeat(wl_rates * self._wl_share, self._wl_counts)
        for rack, side in self.side.items():
            live = self.site.rack_up(rack) and not self.site.storage_failed(rack)
            mask, some, every = self._writing_mask(rack) if live else (None, False, False)
            if rack != self.source and not some and self.replication.demand_sum(side) <= 0.0:
                continue  # nothing written there, before or now
            if mask is None:
                rates = np.zeros(len(self._vol_wl))
            elif every:  # every workload writes here: x 1.0 is x
                rates = per_volume
            else:
                rates = mask * per_volume
            if rack != self.source and not rates.any() and \
                    self.replication.demand_sum(side) <= 0.0:
                continue  # nothing written there, before or now
            why = self._run(self.replication.set_write_rates, now, rates, side=side)
            if why:
                self.log.alert("writes-rejected", f"Writes on {rack} rejected: {why}")
        if self._write_handle is not None:
            self._write_handle.cancel()
        nxt = self.writes.next_change_after(now)
        self._write_handle = None
        if nxt is not None and np.isfinite(nxt):
            self._write_handle = self.clock.schedule_at(max(nxt, now), self._rates_due,
                                                        label="writes", priority=-2)

    def _writing_mask(self, rack: str) -> tuple[np.ndarray, bool, bool]:
        """1.0 for each volume of a workload writing on ``rack``, and whether any and every
        volume is (the workloads keep the list they return until one of them changes, so
        the mask is rebuilt only then)."""
        names = self.writing_on(rack)
        got = self._masks.get(rack)
        # the same list, or the same names (a rack with none gets a new empty list)
        if got is not None and (got[0] is names or got[0] == names):
            return got[1]
        mask = np.zeros(len(self.workload_names))
        idx = [self._wl_index[n] for n in names if n in self._wl_index]
        mask[idx] = 1.0
        per_volume = mask[self._vol_wl]
        flags = (per_volume, bool(per_volume.any()), bool(per_volume.all()))
        self._masks[rack] = (names, flags)
        return flags

    def _rates_due(self) -> None:
        self._write_handle = None
        self.route_writes()

    def write_mb_s(self, workload: str, rack: str | None) -> tuple[float, float]:
        """(achieved, demand) write rate of a workload now, MB/s: what it asks, and what
        it writes when the source's hosts are throttled (R20a); 0 for a deployment."""
        i = self._wl_index.get(workload)
        if i is None:
            return 0.0, 0.0
        demand = self._mb_s()[i]
        if rack == self.source:
            return demand * self.replication.throttle_factor, demand
        return demand, demand

    def _mb_s(self) -> list[float]:
        """Each workload's rate now, MB/s, kept with the rates it comes from."""
        rates, mb_s = self._rates_mb_s
        if rates is not self._rates_wl:
            rates = self._rates_wl
            mb_s = [x / 1e6 for x in rates.tolist()]
            self._rates_mb_s = (rates, mb_s)
        return mb_s

    def write_mb_s_now(self) -> Callable[[str, str | None], tuple[float, float]]:
        """:meth:`write_mb_s`, for every workload at one instant (a state document): the
        rates and the throttle factor read once."""
        index, mb_s = self._wl_index, self._mb_s()
        source, factor = self.source, self.replication.throttle_factor

        def write_mb_s(workload: str, rack: str | None) -> tuple[float, float]:
            i = index.get(workload)
            if i is None:
                return 0.0, 0.0
            demand = mb_s[i]
            if rack == source:
                return demand * factor, demand
            return demand, demand

        return write_mb_s

    # -- exposure and loss (R14, R15) -------------------------------------------------

    def exposure(self, rack: str) -> tuple[float, float]:
        """(bytes, age of the oldest in s) of what ``rack`` wrote that the other rack does
        not hold in a usable form: what is lost if ``rack`` vanishes now (R15). Without a
        consistent copy on the other side (no DR yet, the initial copy, a resync: R19)
        everything written there is exposed and the age is unbounded."""
        r = self.replication
        side = self.side[rack]
        if side == r.source:
            if not r.consistent:
                return float(r.written.sum()), math.inf
            return r.unapplied_bytes(), r.rpo_s
        return r.unapplied_bytes(side), r.oldest_unapplied_age_s(side)

    def rpo_exposure_s(self, production: str | None) -> float:
        """The RPO if disaster struck now: the exposure of the production rack. Once that
        rack is lost its unreplicated writes are gone, not ageing: the exposure stays what
        it was at the loss (the RPO achieved) until production runs again."""
        return self.exposure_now(production)[1]

    def exposure_now(self, production: str | None) -> tuple[float, float]:
        """(the lag in bytes, the RPO exposure) of the production rack, one pair: the
        bytes written there and not yet on the other rack, and the age of the oldest of
        them (the state document's ``lag_bytes`` and ``rpo_s``). While the replication
        source runs production the lag is the group's own (during a copy: what is left
        to copy); after a takeover it is what the new production wrote that the other
        rack does not hold; once production is lost, what was lost, frozen."""
        if production is None and self._frozen_exposure is not None:
            return self._frozen_lost, self._frozen_exposure
        rack = production if production is not None else self.source
        if self.side[rack] == self.replication.source:
            return self.replication.lag_bytes, self.exposure(rack)[1]
        return self.exposure(rack)

    def sample(self, times: np.ndarray, production: str | None) -> dict[str, np.ndarray]:
        """The replication's series at ``times`` (between events), with the RPO exposure
        of ``production`` as :meth:`rpo_exposure_s` gives it, instant by instant."""
        r = self.replication
        out = r.sample(times)
        rack = production if production is not None else (
            None if self._frozen_exposure is not None else self.source)
        if rack is None:
            out["rpo_s"] = np.full(len(out["rpo_s"]), float(self._frozen_exposure or 0.0))
        elif self.side[rack] != r.source:
            out["rpo_s"] = r.oldest_unapplied_age_at(times, self.side[rack])
        elif not r.consistent:
            out["rpo_s"] = np.full(len(out["rpo_s"]), math.inf)
        return out

    def sample_context(self, times: np.ndarray, production: str | None) -> Any:
        """What :meth:`sample` needs at ``times``, to evaluate later in bulk with other
        events' instants (:meth:`SanReplication.sample_bulk`), when the exposure of
        ``production`` is the group's own RPO; None: sample now."""
        r = self.replication
        rack = production if production is not None else (
            None if self._frozen_exposure is not None else self.source)
        if rack is None or self.side[rack] != r.source or not r.consistent:
            return None
        return r.sample_context()

    def production_lost(self, rack: str) -> tuple[float, float]:
        """``rack`` (or its storage) goes with workloads on it: a disaster (R12, R15).
        Freezes the exposure; returns what is lost (bytes, RPO achieved)."""
        lost, age = self.exposure(rack)
        self._frozen_exposure, self._frozen_lost = age, lost
        if self.side[rack] == self.replication.source:
            self._frozen_volume_rpo = self.replication.rpo_s_per_volume().copy()
        return lost, age

    # -- the read model ----------------------------------------------------------------

    def per_volume(self) -> dict[str, list[Any]]:
        """Per-volume monitoring (R9 storage details), as columns in volume order."""
        r = self.replication
        # after the source is lost its unreplicated writes are gone, not ageing (R15)
        frozen = self._frozen_volume_rpo
        rpo = frozen if frozen is not None else r.rpo_s_per_volume()
        return {
            "name": list(self.volume_names),
            "state": [str(s) for s in r.states_per_volume()],
            "progress": r.progress_per_volume().tolist(),
            "lag_bytes": r.lag_bytes_per_volume().tolist(),
            "rpo_s": [None if not math.isfinite(x) else x for x in rpo.tolist()],
        }

    def state_doc(self, production: str | None, per_volume: bool = True) -> dict[str, Any]:
        r = self.replication
        lag_bytes, rpo_exposure_s = self.exposure_now(production)
        sides = {}
        for rack, side in self.side.items():
            st = r.side_state(side)
            sides[rack] = {"state": None if st is None else str(st),
                           "role": "master" if side == r.source else "auxiliary"}
        return {
            "mode": r.mode, "sides": sides, "freeze_time_s": r.freeze_time_s,
            "throttled": r.throttled, "mirror_delay_s": r.mirror_delay_s(),
            "demand_bps": r.demand_rate_bps,
            "state": r.state, "consistent": r.consistent,
            "initial_copy_complete": r.initial_copy_complete,
            "progress": r.progress, "eta_s": finite(r.eta_s), "lag_bytes": lag_bytes,
            "rpo_s": finite(rpo_exposure_s), "errors": list(r.errors),
            "host_delay_s": finite(r.host_delay_s),
            "throughput_bps": r.throughput_bps, "bandwidth_bps": r.bandwidth_bps,
            "write_rate_bps": r.write_rate_bps,
            "direction": [self.source, self.target],
            "volumes": len(self.volume_names),
            **({"per_volume": self.per_volume()} if per_volume else {}),
        }

