"""Management data cloning over the IP link (R1, R8, R14).

The management nodes' data (cloud groups, VLAN and IP ranges, patterns, images, script
packages, the record of what is deployed where) is cloned to the peer rack: first an
initial copy of ``size_gb`` over the IP link, then each management change (a deploy, an
image import, a cloud group change) as it happens.

Modelling assumptions:

* The initial copy takes ``size_gb * 8000 / bandwidth_mbps`` seconds of link-up time; an
  IP link fault pauses it (``stalled``) and it resumes where it was.
* Changes recorded before the initial copy completes are cloned with it (those made
  before :meth:`ManagementClone.start` are part of the copied data; those made during it
  follow at once when it completes). After that a change reaches the backup
  ``clone_lag_s`` after it is made, plus ``size_bytes * 8 / bandwidth`` when it carries
  data (an image import), one transfer at a time in the order made.
* The link must stay up from the moment a change starts cloning until it arrives; a link
  fault or a stop puts every change not yet arrived back in the queue, and they start
  afresh when cloning flows again (``lag_s`` keeps growing meanwhile).
* After :meth:`ManagementClone.stop` nothing more is cloned: a deployment made then is
  missing on the backup after a failover (R14). :meth:`reverse` makes the clone run the
  other way for a failback (R13): a new full initial copy.

Time is explicit: every control takes ``t``; :meth:`advance` moves in closed form and
returns the transitions with their exact times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin.config import GB, LinkConfig, SystemConfig
from twin.context import Clock, Log
from twin.durations import format_duration
from twin.events import Transition
from twin.states import ManagementState as MS

MGMT_STATES = tuple(MS)


@dataclass
class Change:
    """A management change waiting to reach the backup."""

    t: float
    kind: str
    name: str
    size_bytes: float = 0.0
    with_copy: bool = False  # made before the initial copy started: part of it
    cloning: str = ""  # the clone's state when the change was made (the reason it is late)
    start: float | None = None  # when its cloning started (None: waiting)
    due: float | None = None  # when it reaches the backup


class ManagementClone:
    """The management data clone from the source rack to its peer."""

    def __init__(self, size_gb: float, link: LinkConfig, clone_lag_s: float = 5.0) -> None:
        if not math.isfinite(size_gb) or size_gb < 0:
            raise ValueError(f"size_gb must be zero or more, not {size_gb!r}")
        self.size_bytes = float(size_gb) * GB
        self.link = link
        self.clone_lag_s = max(0.0, float(clone_lag_s))
        self.t = 0.0
        self._t0 = 0.0
        self._up = True
        self._bw_mbps = float(link.bandwidth_mbps)
        self._started = False
        self._running = False
        self._copied = 0.0  # initial copy bytes at _t0
        self._complete = False
        self._pending: list[Change] = []
        self._server_free = 0.0
        self.cloned: list[Change] = []
        self._next: tuple[float, str] | None = None

    # -- figures -------------------------------------------------------------------------

    def _bw_bytes(self) -> float:
        return max(0.0, self._bw_mbps) * 1e6 / 8.0

    @property
    def _flowing(self) -> bool:
        return self._running and self._up and self._bw_bytes() > 0.0

    @property
    def state(self) -> MS:
        if not self._started:
            return MS.NOT_STARTED
        if not self._running:
            return MS.STOPPED
        if not self._up:
            return MS.STALLED
        return MS.SYNCHRONIZED if self._complete else MS.INITIAL_COPY

    @property
    def initial_copy_complete(self) -> bool:
        return self._complete

    def _copied_now(self) -> float:
        if self._complete:
            return self.size_bytes
        if self._flowing:
            return min(self.size_bytes, self._copied + self._bw_bytes() * (self.t - self._t0))
        return self._copied

    @property
    def progress(self) -> float:
        """0..1 of the initial copy."""
        if self._complete:
            return 1.0
        if self.size_bytes <= 0.0:
            return 0.0
        return self._copied_now() / self.size_bytes

    @property
    def eta_s(self) -> float | None:
        """Seconds until the initial copy completes (None: not copying)."""
        if self._complete or not self._flowing:
            return None
        return (self.size_bytes - self._copied_now()) / self._bw_bytes()

    @property
    def lag_s(self) -> float:
        """Age of the oldest change not yet cloned; 0 when none (or cloning never
        started)."""
        if not self._started or not self._pending:
            return 0.0
        return max(0.0, self.t - self._pending[0].t)

    def lag_at(self, times: np.ndarray) -> np.ndarray:
        """:attr:`lag_s` at ``times`` (before the next transition)."""
        tau = np.asarray(times, dtype=float)
        if not self._started or not self._pending:
            return np.zeros_like(tau)
        return np.maximum(0.0, tau - self._pending[0].t)

    def lag_origin(self) -> float | None:
        """When the oldest change not yet cloned was made (None: no lag): :meth:`lag_at`
        is ``max(0, t - lag_origin())`` until the next transition."""
        if not self._started or not self._pending:
            return None
        return self._pending[0].t

    def missing_on_backup(self) -> list[str]:
        """Names of the changes not yet cloned, in the order made (R14)."""
        return [c.name for c in self._pending]

    def missing_reasons(self, t: float, rack: str) -> dict[str, str]:
        """Why each deployment is not in ``rack``'s management data at a takeover at ``t``
        (R8, R14): the initial copy had not completed (every deployment is missing then),
        or its change was made after cloning stopped, while the IP link was down, or too
        recently to have been cloned (the clone lag)."""
        if not self._complete:
            why = (f"the management data's initial copy to {rack} was not complete "
                   f"({self.progress:.0%} copied) when it took over (R8, R14)")
            return {"*": why}
        out: dict[str, str] = {}
        for c in self._pending:
            if c.cloning == MS.STOPPED:
                out[c.name] = "it was deployed after cloning stopped (R14)"
            elif c.cloning == MS.STALLED:
                out[c.name] = ("it was deployed while the IP link was down: its management "
                               "change never reached the peer (R14)")
            else:
                out[c.name] = (f"it was deployed {format_duration(max(0.0, t - c.t))} before "
                               "the takeover and its management change had not been cloned "
                               "yet (R14)")
        return out

    def pending(self) -> list[Change]:
        return list(self._pending)

    def next_transition_time(self) -> float | None:
        return None if self._next is None else max(self._next[0], self.t)

    # -- time ---------------------------------------------------------------------------

    def advance(self, t: float) -> list[Transition]:
        if not math.isfinite(t) or t < self.t:
            raise ValueError(f"time must move forward: t={t!r}s, the clone is at {self.t}s")
        out: list[Transition] = []
        while self._next is not None and self._next[0] <= t:
            tn, code = self._next
            tn = max(tn, self.t)
            self.t = tn
            self._rebase(tn)
            before = self.state
            if code == "copy_complete":
                self._complete = True
                self._copied = self.size_bytes
                out.append(Transition(tn, "copy_complete",
                                      f"Management data initial copy complete "
                                      f"({self.size_bytes / GB:.3g} GB)"))
                for c in [c for c in self._pending if c.with_copy]:
                    self._pending.remove(c)
                    self.cloned.append(c)
                    out.append(Transition(tn, "change_cloned",
                                          f"Management change cloned with the initial copy: "
                                          f"{c.kind} {c.name}"))
                self._server_free = tn
                self._schedule(tn)
            else:
                c = self._pending.pop(0)
                self.cloned.append(c)
                out.append(Transition(tn, "change_cloned",
                                      f"Management change cloned to the backup: {c.kind} "
                                      f"{c.name}"))
            self._emit(tn, before, out)
            self._find_next()
        self.t = t
        return out

    def _rebase(self, t: float) -> None:
        self._copied = self._copied_now()
        self._t0 = t

    def _emit(self, t: float, before: MS, out: list[Transition]) -> None:
        if self.state != before:
            out.append(Transition(t, "state", self.state))

    def _schedule(self, t: float) -> None:
        """Give every waiting change its start and arrival, in order (cloning flows)."""
        if not (self._flowing and self._complete):
            return
        b = self._bw_bytes()
        free = max(self._server_free, t)
        for c in self._pending:
            if c.due is not None:
                continue
            start = max(c.t, free, t)
            finish = start + c.size_bytes / b
            c.start, c.due = start, finish + self.clone_lag_s
            free = finish
        self._server_free = free

    def _interrupt(self) -> None:
        for c in self._pending:
            c.start = c.due = None
        self._server_free = self.t

    def _find_next(self) -> None:
        self._next = None
        if not self._flowing:
            return
        if not self._complete:
            left = self.size_bytes - self._copied
            self._next = (self._t0 + max(0.0, left) / self._bw_bytes(), "copy_complete")
            return
        if self._pending and self._pending[0].due is not None:
            self._next = (self._pending[0].due, "change_cloned")

    def _control(self, t: float) -> tuple[list[Transition], MS]:
        out = self.advance(t)
        self._rebase(t)
        return out, self.state

    def _done(self, t: float, before: MS, out: list[Transition]) -> list[Transition]:
        self._emit(t, before, out)
        self._find_next()
        out.extend(self.advance(t))
        return out

    # -- controls -----------------------------------------------------------------------

    def start(self, t: float) -> list[Transition]:
        """Start cloning (both DR profiles enabled, R8), or resume after a stop."""
        out, before = self._control(t)
        if not self._running:
            self._started = True
            self._running = True
            self._schedule(t)
        return self._done(t, before, out)

    def stop(self, t: float) -> list[Transition]:
        """Stop cloning (failover): changes from now on stay on this rack only (R14)."""
        out, before = self._control(t)
        if self._running:
            self._running = False
            self._interrupt()
        return self._done(t, before, out)

    def set_link(
        self, t: float, up: bool | None = None, bandwidth_mbps: float | None = None
    ) -> list[Transition]:
        out, before = self._control(t)
        was = self._flowing
        if bandwidth_mbps is not None and float(bandwidth_mbps) != self._bw_mbps:
            self._bw_mbps = max(0.0, float(bandwidth_mbps))
            if was:  # transfers not yet started are re-planned at the new bandwidth
                for c in self._pending:
                    if c.start is not None and c.start > t:
                        c.start = c.due = None
                started = [c.due - self.clone_lag_s for c in self._pending
                           if c.due is not None]
                self._server_free = max(started, default=t)
        if up is not None:
            self._up = bool(up)
        if was and not self._flowing:
            self._interrupt()
        self._schedule(t)
        return self._done(t, before, out)

    def record_change(
        self, t: float, kind: str, name: str, size_bytes: float = 0.0
    ) -> list[Transition]:
        """A management change on the source (deploy, image import, cloud group change)."""
        out, before = self._control(t)
        self._pending.append(Change(t, kind, name, max(0.0, float(size_bytes)),
                                    with_copy=not self._started, cloning=self.state))
        self._schedule(t)
        return self._done(t, before, out)

    def assume_synchronized(self, t: float) -> list[Transition]:
        """As if the initial copy had completed by ``t`` (a scenario that starts paired)."""
        out, before = self._control(t)
        self._started = True
        self._running = True
        self._complete = True
        self._copied = self.size_bytes
        self.cloned.extend(self._pending)
        self._pending = []
        self._server_free = t
        return self._done(t, before, out)

    def reverse(self, t: float) -> list[Transition]:
        """Clone the other way (failback, R13): a new full initial copy at the next
        :meth:`start`; changes not cloned from the old source are dropped."""
        out, before = self._control(t)
        self._running = False
        self._started = False
        self._complete = False
        self._copied = 0.0
        self._pending = []
        self._server_free = t
        return self._done(t, before, out)


class Cloning:
    """The management clone as the twin runs it: the clone of the current source rack,
    with every transition it makes logged (R1, R8, R14)."""

    def __init__(self, system: SystemConfig, clock: Clock, log: Log,
                 source: Callable[[], str]) -> None:
        self.clock = clock
        self.log = log
        self.source = source
        self.clone = ManagementClone(system.management.size_gb, system.ip_link,
                                     system.management.clone_lag_s)

    def _log(self, transitions: list[Transition]) -> None:
        for tr in transitions:
            self.log.log("management", None, f"Management data: {tr.message}",
                         item=f"mgmt:{self.source()}:0", t=tr.t)

    @property
    def state(self) -> MS:
        return self.clone.state

    def advance(self, t: float) -> None:
        self._log(self.clone.advance(t))

    def next_transition_time(self) -> float | None:
        return self.clone.next_transition_time()

    def start(self) -> None:
        self._log(self.clone.start(self.clock.now))

    def stop(self) -> None:
        self._log(self.clone.stop(self.clock.now))

    def reverse(self) -> None:
        self._log(self.clone.reverse(self.clock.now))

    def assume_synchronized(self) -> None:
        self._log(self.clone.assume_synchronized(self.clock.now))

    def set_link(self, up: bool, bandwidth_mbps: float) -> None:
        self._log(self.clone.set_link(self.clock.now, up=up, bandwidth_mbps=bandwidth_mbps))

    def record_change(self, kind: str, name: str) -> None:
        """A deploy, image import or cloud group change on the source rack (R1)."""
        self._log(self.clone.record_change(self.clock.now, kind, name))

    def missing_on_backup(self) -> list[str]:
        return self.clone.missing_on_backup()

    def missing_reasons(self, rack: str) -> dict[str, str]:
        """:meth:`ManagementClone.missing_reasons` now ("*": every deployment)."""
        return self.clone.missing_reasons(self.clock.now, rack)

    def state_doc(self) -> dict[str, Any]:
        m = self.clone
        return {"state": m.state, "initial_copy_complete": m.initial_copy_complete,
                "progress": m.progress, "lag_s": m.lag_s, "eta_s": m.eta_s,
                "missing_on_backup": list(m.missing_on_backup())}
