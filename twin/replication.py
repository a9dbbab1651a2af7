"""SAN disk replication: one SVC Global Mirror consistency group over the FC link.

Implements R2 (program state on replicated V7000 volumes), R8 (initial copy, then
changes as they happen), R13 (failback: :meth:`SanReplication.reverse`), R14 (failing over
before the copy completes leaves an inconsistent backup: :attr:`SanReplication.consistent`),
R15 (RPO: the age of the oldest write not applied on the backup), R18 and R19 (states,
resync of changed grains, no consistent copy during a resync) and R20 (host write delay,
``gmmaxhostdelay``, ``gmlinktolerance``, error 1920). The group holds N volumes (every
workload's volumes); all per-volume quantities are numpy arrays.

Time is explicit and monotonic: every control takes ``t`` (simulated seconds). Write rates
and link parameters are constant between calls, so everything moves in closed form over
any interval; :meth:`SanReplication.advance` splits an interval only at the exact instants
of discrete transitions (copy complete, backlog drained, host delay above / below the
limit, error 1920), so fast-forwarding a day costs O(transitions), not O(seconds).

Modelling assumptions (state them when you quote a figure):

* Units: 1 GB = 10**9 bytes, 1 Mb/s = 10**6 bit/s. ``*_bps`` accessors are **bits** per
  second; every other rate is bytes per second.
* Link: one-way delay ``d`` = 5 µs/km x distance + devices x device delay + extra latency
  (``set_link(extra_latency_ms=...)`` is added one way). Effective bandwidth
  ``B = bandwidth x (1 - loss)``: lost frames are resent, nothing more subtle.
* Volumes are sides 0 and 1: side 0 is the source at construction (the primary rack),
  side 1 the target. :meth:`reverse` swaps source and target (R13). A volume's existing
  content counts as written on side 0 before t = 0, so before the initial copy completes
  ``lag_bytes`` includes the whole volume and ``rpo_s`` is infinite.
* Global Mirror in ``consistent_synchronized``: writes join one FIFO for the whole group
  (write order is kept across volumes: that is what makes the group consistent), served
  at ``B``; a write is applied on the target ``d`` after it leaves the queue. With ``W``
  the group write rate, the backlog ``Q`` grows at ``W - B`` while positive. The byte
  applied at ``t`` left at ``t - d``; the oldest unapplied write was written at ``tau``
  with ``Written(tau) = Applied(t)`` (inverse of the piecewise-linear cumulative-written
  curve, kept for the few segments since ``tau``). ``rpo_s = t - tau``; with ``W < B``
  that is ``d`` (40.1 ms at 8,000 km with 4 devices).
* Host write delay (R20) is the queueing delay a new write sees, ``Q / B``: zero while the
  link keeps up. Hosts are not slowed down in the model (their write rates are demand);
  the delay is the signal. When it stays above ``gmmaxhostdelay`` (5 ms) for
  ``gmlinktolerance`` (300 s, continuous, not in 10 s samples) error ``1920`` is logged
  and the group stops (``consistent_stopped``). A tolerance of 0 disables 1920 (as SVC).
* Stopping (a stop, a disconnect, 1920, a lost rack) freezes the target at its last
  applied write: what was queued or in flight is not applied. From then each side's
  writes mark grains changed: ``changed = min(size, bytes written since)`` per volume
  (every write is assumed to hit a new grain, capped by the volume size: pessimistic for
  workloads that rewrite hot spots).
* Background copy (initial copy, or resync of the changed grains of both sides after a
  stop) runs at ``background_copy_pct`` % of ``B``, written ``C``. Every write made while
  copying is sent by the copy process too (it re-dirties a grain: pessimistic for writes
  to grains not yet copied), so ``N`` bytes to copy under writes ``W < C`` take
  ``N / (C - W)``. The copy bandwidth is shared among volumes in proportion to what they
  still need (plus their own writes), so every volume finishes at the same instant: one
  transition per copy, whatever the number of volumes. With ``W >= C`` the copy makes no
  headway: the remaining work is held constant and no completion is scheduled. During
  any copy the target is inconsistent (R19); the link's remaining share is unused.
* After a disconnect the group stays stopped when the link returns (``*_stopped`` or
  ``idling``): it takes :meth:`start` (the console's resume) to resync.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from twin.config import LinkConfig
from twin.events import Transition
from twin.states import ReplicationState as RS

PRIMARY = 0  # the side that is the source at construction (racks[0])
BACKUP = 1
GM_MAX_HOST_DELAY_S = 0.005  # gmmaxhostdelay (SVC default 5 ms)
GM_LINK_TOLERANCE_S = 300.0  # gmlinktolerance (SVC default 300 s)

STATES = tuple(RS)

_HALT, _COPY, _SYNC = 0, 1, 2
_INF = math.inf


class ReplicationError(ValueError):
    """A control the SVC would refuse; the message says what to do first."""


@dataclass(slots=True)
class _Seg:
    """One piece of the source's cumulative-written curve while synchronized."""

    t0: float
    g0: float  # group cumulative bytes written at t0
    rate: float  # group write rate in the segment
    w0: np.ndarray  # per-volume cumulative bytes written at t0
    r: np.ndarray  # per-volume write rates in the segment
    q0: float  # backlog at t0
    qs: float  # backlog slope in the segment


class SanReplication:
    """One Global Mirror consistency group of N volumes from the source to the target."""

    def __init__(
        self,
        sizes_bytes: np.ndarray,
        distance_km: float,
        link: LinkConfig,
        *,
        gm_max_host_delay_s: float = GM_MAX_HOST_DELAY_S,
        gm_link_tolerance_s: float = GM_LINK_TOLERANCE_S,
    ) -> None:
        size = np.array(sizes_bytes, dtype=float).reshape(-1)
        if size.size == 0 or not np.all(np.isfinite(size)) or np.any(size <= 0):
            raise ValueError("volume sizes must be a non-empty array of positive bytes")
        if not math.isfinite(distance_km) or distance_km < 0:
            raise ValueError(f"distance_km must be zero or more, not {distance_km!r}")
        n = size.size
        self.n = n
        self.size = size
        self.size.flags.writeable = False
        self.distance_km = float(distance_km)
        self.link = link
        self.gm_max_host_delay_s = float(gm_max_host_delay_s)
        self.gm_link_tolerance_s = float(gm_link_tolerance_s)
        self.t = 0.0
        self.errors: list[str] = []

        # link
        self._up = True
        self._bw_mbps = float(link.bandwidth_mbps)
        self._loss_pct = float(link.loss_pct)
        self._copy_pct = float(link.background_copy_pct)
        self._extra_s = 0.0
        self._lost = [False, False]

        # group state
        self._src = PRIMARY
        self._running = False
        self._copying = False
        self._access = False
        self._target_consistent = False
        self._initial_complete = False

        # per-side ([side 0, side 1]) per-volume arrays, valid at the segment start _t0;
        # arrays are replaced, never changed in place (the mirror history shares them)
        self._t0 = 0.0
        z = np.zeros(n)
        # cumulative bytes written on each side; the initial content counts as written
        self._w = [size.copy(), z]
        self._rates = [z, z]
        self._rate_sum = [0.0, 0.0]
        self._applied = [z, z]  # of each side's writes, bytes the other side holds
        self._oldest = [np.full(n, -_INF), np.full(n, _INF)]  # oldest such write not held
        self._dirty = [z, z]  # changed grains not yet in the copy work (capped by size)
        self._copy = size.copy()  # copy work still to do (pending, or under way)
        self._copy_total = size.copy()  # the work of the copy, for progress
        # derived at each re-slope
        self._dirty_on = [True, True]
        self._oldest_eff = list(self._oldest)
        self._copy_slope = np.zeros(n)
        self._g_rate = 0.0
        self._g_w = float(size.sum())
        self._g_applied = 0.0
        self._g_oldest = -_INF
        self._copy_sum = float(size.sum())
        self._copy_rate_sum = 0.0

        # Global Mirror (valid while synchronized)
        self._hist: list[_Seg] = []
        self._hist_t: list[float] = []
        self._hist_g: list[float] = []
        self._floor_g = 0.0  # at least this much of the group's writes is applied
        self._q = 0.0
        self._qs = 0.0
        self._delay_high = False
        self._high_since = math.nan

        self._next: tuple[float, str] | None = None
        self._carry: list[Transition] = []
        self._cache: dict[str, object] = {}
        self._cache_t = math.nan
        self._reslope()

    # -- link figures -------------------------------------------------------------------

    @property
    def one_way_delay_s(self) -> float:
        """Propagation: 5 µs/km plus the devices on the path, plus any extra latency."""
        return self.link.one_way_delay_s(self.distance_km) + self._extra_s

    @property
    def rtt_s(self) -> float:
        return 2.0 * self.one_way_delay_s

    @property
    def connected(self) -> bool:
        return self._up and not self._lost[0] and not self._lost[1]

    @property
    def link_up(self) -> bool:
        return self._up

    def _bw_bytes(self) -> float:
        """Effective link bandwidth in bytes/s (0 when disconnected)."""
        if not self.connected:
            return 0.0
        loss = min(max(self._loss_pct, 0.0), 100.0)
        return max(self._bw_mbps, 0.0) * 1e6 / 8.0 * (1.0 - loss / 100.0)

    def _copy_bytes(self) -> float:
        return self._bw_bytes() * min(max(self._copy_pct, 0.0), 100.0) / 100.0

    @property
    def _mode(self) -> int:
        if not self._running:
            return _HALT
        return _COPY if self._copying else _SYNC

    # -- state ----------------------------------------------------------------------------

    @property
    def state(self) -> RS:
        """The consistency group's SVC state (R18)."""
        if not self.connected:
            if self._access:
                return RS.IDLING_DISCONNECTED
            return RS.CONSISTENT_DISCONNECTED if self._target_consistent else (
                RS.INCONSISTENT_DISCONNECTED)
        if self._access:
            return RS.IDLING
        if self._running:
            return RS.INCONSISTENT_COPYING if self._copying else RS.CONSISTENT_SYNCHRONIZED
        return RS.CONSISTENT_STOPPED if self._target_consistent else RS.INCONSISTENT_STOPPED

    @property
    def consistent(self) -> bool:
        """Does the target hold a consistent (possibly stale) copy? False during the initial
        copy and during any resync (R19), and after a failover made before either ended."""
        return self._target_consistent

    @property
    def initial_copy_complete(self) -> bool:
        """A copy has completed in the current direction (reset by :meth:`reverse`)."""
        return self._initial_complete

    @property
    def source(self) -> int:
        """The side whose writes replicate: 0 (primary at construction) or 1."""
        return self._src

    @property
    def target(self) -> int:
        return 1 - self._src

    def write_rates(self, side: int | None = None) -> np.ndarray:
        """Per-volume write rates (bytes/s) on ``side`` (default: the source)."""
        out = self._rates[self._src if side is None else side].copy()
        return out

    def states_per_volume(self) -> list[RS]:
        """The group state for every volume, except that while copying a volume with nothing
        left to copy shows ``consistent_synchronized``."""
        st = self.state
        if st != RS.INCONSISTENT_COPYING:
            return [st] * self.n
        done = self._copy_now() <= 0.0
        return [RS.CONSISTENT_SYNCHRONIZED if d else st for d in done.tolist()]

    # -- time -----------------------------------------------------------------------------

    def _check_time(self, t: float) -> None:
        if not math.isfinite(t) or t < self.t:
            raise ValueError(f"time must move forward: t={t!r}s, replication is at {self.t}s")

    def next_transition_time(self) -> float | None:
        """When the next discrete transition happens at current rates (None: never)."""
        return None if self._next is None else max(self._next[0], self.t)

    def advance(self, t: float) -> list[Transition]:
        """Move to ``t`` in closed form, splitting only at discrete transitions."""
        self._check_time(t)
        out = self._carry
        self._carry = []
        guard = 0
        while self._next is not None and self._next[0] <= t:
            tn, code = self._next
            tn = max(tn, self._t0, self.t)
            self.t = tn
            self._rebase(tn)
            self._fire(code, tn, out)
            guard += 1
            if guard > 10_000:  # pragma: no cover - a bug, not a simulation outcome
                raise RuntimeError(f"replication transitions do not converge at t={tn}")
        self.t = t
        return out

    def _rebase(self, t: float) -> None:
        """Move the segment start (and every per-volume array) to ``t``."""
        dt = t - self._t0
        self._cache_t = math.nan
        if dt <= 0.0:
            return
        mode = self._mode
        if mode == _SYNC:
            # commit what is applied now, then drop the history nobody needs any more
            a = self._applied_value(t)
            self._floor_g = a
            self._prune(t, self._g_inverse(a, t))
            if self._q > 0.0 or self._qs != 0.0:
                self._q = max(0.0, self._q + self._qs * dt)
        for s in (0, 1):
            if self._rate_sum[s] > 0.0:
                inc = self._rates[s] * dt
                self._oldest[s] = self._oldest_eff[s]
                self._w[s] = self._w[s] + inc
                if self._dirty_on[s]:
                    self._dirty[s] = np.minimum(self.size, self._dirty[s] + inc)
        if mode == _COPY and self._copy_rate_sum != 0.0:
            self._copy = np.maximum(self._copy + self._copy_slope * dt, 0.0)
        self._t0 = t

    def _reslope(self) -> None:
        """Recompute the slopes of the segment starting at ``self._t0`` and the next
        transition. Called after every change of rates, link or state."""
        src, t0 = self._src, self._t0
        mode = self._mode
        self._cache_t = math.nan
        for s in (0, 1):
            self._dirty_on[s] = mode == _HALT or s != src
            o = self._oldest[s]
            # while synchronized the mirror tracks the source's oldest unapplied write
            if self._rate_sum[s] > 0.0 and not (mode == _SYNC and s == src):
                o = np.where((o == _INF) & (self._rates[s] > 0.0), t0, o)
            self._oldest_eff[s] = o
        self._g_rate = self._rate_sum[src]
        if mode != _SYNC:
            self._g_w = float(self._w[src].sum())
            self._g_applied = float(self._applied[src].sum())
            self._g_oldest = float(self._oldest_eff[src].min())
        self._copy_sum = 0.0 if mode == _SYNC else float(self._copy.sum())
        self._copy_total_sum = 0.0 if mode == _SYNC else float(self._copy_total.sum())
        self._copy_rate_sum = 0.0
        self._next = None
        if mode == _COPY:
            c, w = self._copy_bytes(), self._g_rate
            if self._copy_sum <= 0.0:
                self._next = (t0, "copy_complete")
            elif c > w:
                self._copy_slope = -(c - w) * self._copy / self._copy_sum
                self._copy_rate_sum = -(c - w)
                self._next = (t0 + self._copy_sum / (c - w), "copy_complete")
            else:
                self._copy_slope = np.zeros(self.n)
        elif mode == _SYNC:
            self._reslope_sync()

    def _reslope_sync(self) -> None:
        src, t0 = self._src, self._t0
        b = self._bw_bytes()
        w = self._g_rate
        q = self._q
        self._qs = (w - b) if (q > 0.0 or w > b) else 0.0
        qs = self._qs
        if self._hist:
            last = self._hist[-1]
            g0 = last.g0 + last.rate * (t0 - last.t0)
        else:
            g0 = float(self._w[src].sum())
        seg = _Seg(t0, g0, w, self._w[src], r=self._rates[src], q0=q, qs=qs)
        if self._hist and self._hist[-1].t0 == t0:
            self._hist[-1] = seg
            self._hist_g[-1] = g0
        else:
            self._hist.append(seg)
            self._hist_t.append(t0)
            self._hist_g.append(g0)
        h = self.gm_max_host_delay_s * b
        cands: list[tuple[float, str]] = []
        if qs < 0.0 and q > 0.0:
            cands.append((t0 + q / -qs, "backlog_drained"))
        if not self._delay_high:
            if qs > 0.0:
                cands.append((t0 + max(0.0, (h - q) / qs), "host_delay_high"))
            elif q > h:
                cands.append((t0, "host_delay_high"))
        else:
            if qs < 0.0:
                cands.append((t0 + max(0.0, (q - h) / -qs), "host_delay_ok"))
            elif q < h or (q == h and qs == 0.0):
                cands.append((t0, "host_delay_ok"))
            if self.gm_link_tolerance_s > 0.0:
                cands.append((self._high_since + self.gm_link_tolerance_s, "error_1920"))
        self._next = min(cands, key=lambda c: c[0]) if cands else None

    # -- Global Mirror curve ---------------------------------------------------------------

    def _applied_value(self, t: float) -> float:
        """Group cumulative bytes applied on the target at ``t`` (synchronized)."""
        u = t - self.one_way_delay_s
        hist = self._hist
        if u < hist[0].t0:
            return self._floor_g
        k = bisect.bisect_right(self._hist_t, u) - 1
        s = hist[k]
        du = u - s.t0
        sent = s.g0 + s.rate * du - max(0.0, s.q0 + s.qs * du)
        return max(self._floor_g, sent)

    def _g_inverse(self, a: float, t: float) -> float:
        """The latest time <= t at which the group had written at most ``a`` bytes: the
        write time of the oldest write not yet applied (t when every write is applied)."""
        hist = self._hist
        j = max(0, bisect.bisect_right(self._hist_g, a) - 1)
        s = hist[j]
        end = hist[j + 1].t0 if j + 1 < len(hist) else t
        if s.rate <= 0.0:
            return end
        return min(max(s.t0 + (a - s.g0) / s.rate, s.t0), end)

    def _prune(self, t: float, tau: float) -> None:
        lo = min(tau, t - self.one_way_delay_s)
        m = bisect.bisect_right(self._hist_t, lo) - 1
        if m > 0:
            del self._hist[:m]
            del self._hist_t[:m]
            del self._hist_g[:m]

    def _tau(self) -> float:
        """Write time of the oldest unapplied write, at ``self.t`` (synchronized)."""
        got = self._cached("tau")
        if got is not None:
            return got  # type: ignore[return-value]
        t = self.t
        tau = self._g_inverse(self._applied_value(t), t)
        self._cache["tau"] = tau
        return tau

    def _sync_volumes(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Per-volume (applied bytes, time of the oldest unapplied write or inf)."""
        tau = self._g_inverse(self._applied_value(t), t)
        hist = self._hist
        k = bisect.bisect_right(self._hist_t, tau) - 1
        s = hist[k]
        applied = s.w0 + s.r * (tau - s.t0)
        if tau >= t:
            return applied, np.full(self.n, _INF)
        if k == len(hist) - 1:
            return applied, np.where(s.r > 0.0, tau, _INF)
        oldest = np.full(self.n, _INF)
        for seg in hist[k:]:
            start = max(tau, seg.t0)
            if start >= t:
                break
            oldest = np.where((oldest == _INF) & (seg.r > 0.0), start, oldest)
        return applied, oldest

    # -- transitions -----------------------------------------------------------------------

    def _fire(self, code: str, t: float, out: list[Transition]) -> None:
        before = self.state
        if code == "copy_complete":
            copied = float(self._copy_total.sum())
            kind = "Initial copy" if not self._initial_complete else "Resync"
            self._enter_sync()
            out.append(Transition(t, "copy_complete",
                                  f"{kind} complete: {copied / 1e9:.3g} GB copied; the "
                                  "backup volumes are consistent"))
        elif code == "backlog_drained":
            self._q = 0.0
            self._reslope()
            out.append(Transition(t, "backlog_drained",
                                  "Global Mirror backlog drained: the link keeps up again"))
        elif code == "host_delay_high":
            self._q = max(self._q, self.gm_max_host_delay_s * self._bw_bytes())
            self._delay_high = True
            self._high_since = t
            self._reslope()
            out.append(Transition(
                t, "host_delay_high",
                f"Host write delay above gmmaxhostdelay ({self.gm_max_host_delay_s * 1000:g} "
                f"ms): the FC link cannot keep up; error 1920 in "
                f"{self.gm_link_tolerance_s:g} s if it lasts"))
        elif code == "host_delay_ok":
            self._q = min(self._q, self.gm_max_host_delay_s * self._bw_bytes())
            self._delay_high = False
            self._high_since = math.nan
            self._reslope()
            out.append(Transition(t, "host_delay_ok",
                                  "Host write delay back under gmmaxhostdelay"))
        elif code == "error_1920":
            self._leave_running()
            self.errors.append("1920")
            self._reslope()
            out.append(Transition(
                t, "error_1920",
                f"1920: Global Mirror stopped to protect the hosts: the write delay stayed "
                f"above {self.gm_max_host_delay_s * 1000:g} ms for "
                f"{self.gm_link_tolerance_s:g} s (gmlinktolerance)"))
        else:  # pragma: no cover
            raise AssertionError(code)
        self._emit_state(t, before, out)

    def _emit_state(self, t: float, before: str, out: list[Transition]) -> None:
        after = self.state
        if after != before:
            out.append(Transition(t, "state", after))

    def _enter_sync(self) -> None:
        """The copy is complete: both sides hold the same data."""
        self._copy = np.zeros(self.n)
        self._copy_total = np.zeros(self.n)
        z = np.zeros(self.n)
        self._dirty = [z, z]
        self._applied = [self._w[0].copy(), self._w[1].copy()]
        inf = np.full(self.n, _INF)
        self._oldest = [inf, inf]
        self._copying = False
        self._target_consistent = True
        self._initial_complete = True
        self._hist, self._hist_t, self._hist_g = [], [], []
        self._floor_g = float(self._w[self._src].sum())
        self._q = 0.0
        self._delay_high = False
        self._high_since = math.nan
        self._reslope()

    def _leave_running(self) -> None:
        """Stop copying or mirroring at ``self._t0`` (already rebased); the target keeps
        what it had applied; what is queued or in flight is not applied."""
        if self._mode == _SYNC:
            src = self._src
            applied, oldest = self._sync_volumes(self._t0)
            applied = np.minimum(applied, self._w[src])
            self._applied[src] = applied
            self._oldest[src] = oldest
            self._dirty[src] = np.minimum(self.size, self._w[src] - applied)
            self._hist, self._hist_t, self._hist_g = [], [], []
            self._q = 0.0
            self._qs = 0.0
            self._delay_high = False
            self._high_since = math.nan
        self._running = False

    # -- controls --------------------------------------------------------------------------

    def _begin(self, t: float) -> tuple[list[Transition], str]:
        out = self.advance(t)
        self._rebase(t)
        return out, self.state

    def _end(self, t: float, before: str, out: list[Transition]) -> list[Transition]:
        self._reslope()
        self._emit_state(t, before, out)
        # transitions due now (e.g. a copy with nothing to copy) fire at once
        out.extend(self.advance(t))
        return out

    def _refuse(self, out: list[Transition], message: str) -> ReplicationError:
        self._reslope()  # _begin rebased: refresh the segment's derived figures
        self._carry = out + self._carry  # the caller gets them with the next call
        return ReplicationError(message)

    def _set_zero_rates(self, side: int) -> None:
        self._rates[side] = np.zeros(self.n)
        self._rate_sum[side] = 0.0

    def set_write_rates(
        self, t: float, rates_bytes_per_s: np.ndarray, side: int | None = None
    ) -> list[Transition]:
        """Per-volume host write rates (bytes/s) on ``side`` (default: the source) from
        ``t`` on. The target accepts writes only when stopped with access (idling)."""
        r = np.asarray(rates_bytes_per_s, dtype=float).reshape(-1)
        if r.shape != (self.n,) or not math.isfinite(float(r.sum())) or float(r.min()) < 0:
            raise ValueError(f"write rates must be {self.n} finite bytes/s values >= 0")
        r = np.where(r < 1e-6, 0.0, r)  # below a byte in ~12 days: nothing (no float noise)
        total = float(r.sum())
        s = self._src if side is None else int(side)
        if s not in (0, 1):
            raise ValueError(f"side must be 0 or 1, not {side!r}")
        out, before = self._begin(t)
        if total > 0.0:
            if self._lost[s]:
                raise self._refuse(out, f"side {s} is lost: it writes nothing")
            if s != self._src and not self._access:
                raise self._refuse(
                    out, "the secondary volumes are read-only: stop the consistency group "
                    "with access (failover) before writing to them")
        self._rates[s] = r
        self._rate_sum[s] = total
        return self._end(t, before, out)

    def set_link(
        self,
        t: float,
        up: bool | None = None,
        bandwidth_mbps: float | None = None,
        extra_latency_ms: float | None = None,
        loss_pct: float | None = None,
        background_copy_pct: float | None = None,
    ) -> list[Transition]:
        """Change the FC link; ``None`` keeps a value. A link that goes down disconnects
        the group; when it comes back the group is stopped (resume with :meth:`start`)."""
        out, before = self._begin(t)
        if bandwidth_mbps is not None:
            self._bw_mbps = max(0.0, float(bandwidth_mbps))
        if extra_latency_ms is not None:
            self._extra_s = max(0.0, float(extra_latency_ms)) / 1000.0
        if loss_pct is not None:
            self._loss_pct = min(max(0.0, float(loss_pct)), 100.0)
        if background_copy_pct is not None:
            self._copy_pct = min(max(0.0, float(background_copy_pct)), 100.0)
        if up is not None and bool(up) != self._up:
            self._up = bool(up)
            if not self.connected and self._running:
                self._leave_running()
        return self._end(t, before, out)

    def rack_lost(self, t: float, side: int) -> list[Transition]:
        """A site disaster on ``side``: its writes stop and nothing more is sent or
        applied; the group disconnects."""
        out, before = self._begin(t)
        self._lost[side] = True
        self._set_zero_rates(side)
        if self._running:
            self._leave_running()
        return self._end(t, before, out)

    def rack_restored(self, t: float, side: int) -> list[Transition]:
        """``side`` is back, with its data as it was; the group stays stopped."""
        out, before = self._begin(t)
        self._lost[side] = False
        return self._end(t, before, out)

    def primary_lost(self, t: float) -> list[Transition]:
        """The source side is lost (R12): see :meth:`rack_lost`."""
        return self.rack_lost(t, self._src)

    def can_start(self) -> str | None:
        """Why :meth:`start` would be refused now, or None."""
        if self._lost[self._src] or self._lost[1 - self._src]:
            return "a rack of the pair is lost: restore it before starting replication"
        if not self._up:
            return "the FC link is down: restore it before starting replication"
        return None

    def start(self, t: float) -> list[Transition]:
        """Start (or resume) the group: copy the whole volumes the first time, only the
        grains changed on either side since the stop afterwards (R19). The target becomes
        read-only again: writes to it are rejected."""
        out, before = self._begin(t)
        why = self.can_start()
        if why:
            raise self._refuse(out, why)
        if self._running:
            return self._end(t, before, out)
        tgt = 1 - self._src
        if self._rate_sum[tgt] > 0.0:
            self._set_zero_rates(tgt)
            out.append(Transition(t, "target_writes_rejected",
                                  "Writes to the secondary volumes are rejected: the "
                                  "consistency group makes them read-only"))
        work = np.minimum(self.size, self._copy + self._dirty[0] + self._dirty[1])
        if float(self._copy.sum()) > 0.0:  # resuming an interrupted copy: progress goes on
            self._copy_total = self._copy_total + (work - self._copy)
        else:
            self._copy_total = work.copy()
        self._copy = work
        z = np.zeros(self.n)
        self._dirty = [z, z]
        self._running = True
        self._copying = True
        self._access = False
        if float(work.sum()) > 0.0:
            self._target_consistent = False
        return self._end(t, before, out)

    def stop(self, t: float, access: bool = False) -> list[Transition]:
        """Stop the group (R19): ``consistent_stopped`` if synchronized,
        ``inconsistent_stopped`` if copying; with ``access`` (failover) both sides become
        writable: ``idling`` (``idling_disconnected`` when the peer is unreachable)."""
        out, before = self._begin(t)
        if self._running:
            self._leave_running()
        if access:
            self._access = True
        return self._end(t, before, out)

    def can_reverse(self) -> str | None:
        if self._running:
            return "the consistency group is running: stop it (with access) before reversing"
        if self._lost[1 - self._src]:
            return "the new source is lost"
        return None

    def reverse(self, t: float) -> list[Transition]:
        """Failback (R13): the target becomes the source. What either side changed since
        the stop is resynchronised from the new source at the next :meth:`start`; the old
        source's unreplicated writes (``unapplied_bytes()`` before this call) are lost
        then."""
        out, before = self._begin(t)
        why = self.can_reverse()
        if why:
            raise self._refuse(out, why)
        self._src = 1 - self._src
        if not self._access:  # the new target is read-only
            self._set_zero_rates(1 - self._src)
        self._target_consistent = True  # the old source's own data, crash consistent
        self._initial_complete = False
        return self._end(t, before, out)

    def assume_synchronized(self, t: float) -> list[Transition]:
        """Start as if the initial copy had completed by ``t`` (a scenario that starts
        ``paired``): ``consistent_synchronized``, nothing to copy."""
        out, before = self._begin(t)
        if not self.connected:
            raise self._refuse(out, "cannot be synchronized while disconnected")
        self._running = True
        self._access = False
        self._set_zero_rates(1 - self._src)
        self._enter_sync()
        self._emit_state(t, before, out)
        return out

    def clear_errors(self) -> None:
        self.errors.clear()

    # -- accessors (cheap: the GUI reads them every frame) ---------------------------------

    def _cached(self, key: str) -> object | None:
        if self._cache_t != self.t:
            self._cache.clear()
            self._cache_t = self.t
        return self._cache.get(key)

    def _store(self, key: str, value: np.ndarray) -> np.ndarray:
        value.flags.writeable = False
        self._cache[key] = value
        return value

    def _copy_now(self) -> np.ndarray:
        got = self._cached("copy")
        if got is not None:
            return got  # type: ignore[return-value]
        if self._mode == _COPY and self._copy_rate_sum != 0.0:
            c = np.maximum(self._copy + self._copy_slope * (self.t - self._t0), 0.0)
        else:
            c = self._copy
        return self._store("copy", c)

    @property
    def written(self) -> np.ndarray:
        """Cumulative bytes written on the source, per volume (the initial content counts
        as written before t = 0)."""
        return self._w[self._src] + self._rates[self._src] * (self.t - self._t0)

    @property
    def applied(self) -> np.ndarray:
        """Of :attr:`written`, the bytes applied on the target in write order."""
        return self.written - self.lag_bytes_per_volume()

    @property
    def lag_bytes(self) -> float:
        """Bytes written on the source and not applied on the target (R15)."""
        dt = self.t - self._t0
        if self._mode == _SYNC:
            s = self._hist[-1]
            g_now = s.g0 + s.rate * dt
            a = self._applied_value(self.t)
            return max(0.0, g_now - a)
        return max(0.0, self._g_w + self._g_rate * dt - self._g_applied)

    @property
    def rpo_s(self) -> float:
        """Age of the oldest write not applied on the target (inf before the initial copy
        completes: the target has no usable copy)."""
        if self._mode == _SYNC:
            return self.t - self._tau()
        o = self._g_oldest
        return 0.0 if o >= self.t else self.t - o

    def unapplied_bytes(self, side: int | None = None) -> float:
        """Data that would be lost if ``side`` (default: the source) vanished now."""
        if side is None or side == self._src:
            return self.lag_bytes
        dt = self.t - self._t0
        return float(np.maximum(0.0, self._w[side] + self._rates[side] * dt
                                - self._applied[side]).sum())

    def oldest_unapplied_age_s(self, side: int | None = None) -> float:
        """Age of the oldest write on ``side`` (default: the source) that the other side
        does not hold: the RPO if ``side`` vanished now (inf: never replicated)."""
        if side is None or side == self._src:
            return self.rpo_s
        started = np.where(self._rates[side] > 0, self._t0, _INF)
        first = float(np.minimum(self._oldest[side], started).min())
        return 0.0 if first >= self.t else self.t - first

    def lag_bytes_per_volume(self) -> np.ndarray:
        got = self._cached("lag")
        if got is not None:
            return got  # type: ignore[return-value]
        src, t = self._src, self.t
        w = self._w[src] + self._rates[src] * (t - self._t0)
        if self._mode == _SYNC:
            s = self._hist[-1]
            tau = self._tau()
            if tau >= s.t0:
                lag = s.r * (t - tau)
            else:
                applied, _ = self._sync_volumes(t)
                lag = np.maximum(w - applied, 0.0)
        else:
            lag = np.maximum(w - self._applied[src], 0.0)
        return self._store("lag", lag)

    def rpo_s_per_volume(self) -> np.ndarray:
        got = self._cached("rpo")
        if got is not None:
            return got  # type: ignore[return-value]
        src, t = self._src, self.t
        if self._mode == _SYNC:
            s = self._hist[-1]
            tau = self._tau()
            if tau >= s.t0:
                rpo = np.where(s.r > 0.0, t - tau, 0.0)
            else:
                _, oldest = self._sync_volumes(t)
                rpo = np.where(oldest < t, t - oldest, 0.0)
        else:
            oldest = self._oldest_eff[src]
            rpo = np.where(oldest < t, t - oldest, 0.0)
        return self._store("rpo", rpo)

    def progress_per_volume(self) -> np.ndarray:
        got = self._cached("progress")
        if got is not None:
            return got  # type: ignore[return-value]
        total = self._copy_total
        left = self._copy_now()
        done = 1.0 if self._initial_complete or self._target_consistent else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(total > 0.0, 1.0 - left / np.where(total > 0.0, total, 1.0), done)
        return self._store("progress", np.clip(p, 0.0, 1.0))

    @property
    def copy_remaining_bytes(self) -> float:
        """The copy (initial or resync) work still to do, pending or under way."""
        if self._mode == _COPY:
            return max(0.0, self._copy_sum + self._copy_rate_sum * (self.t - self._t0))
        return self._copy_sum

    @property
    def progress(self) -> float:
        """0..1 of the initial copy or the resync under way (or pending); 1 when none."""
        total = self._copy_total_sum
        if total <= 0.0:
            return 1.0 if (self._initial_complete or self._target_consistent) else 0.0
        return min(1.0, max(0.0, 1.0 - self.copy_remaining_bytes / total))

    @property
    def eta_s(self) -> float | None:
        """Seconds until the copy under way completes at current rates (None: no copy
        under way, or it cannot finish at these rates)."""
        if self._mode != _COPY:
            return None
        if self._copy_sum <= 0.0:
            return 0.0
        if self._copy_rate_sum == 0.0:
            return None
        return self.copy_remaining_bytes / -self._copy_rate_sum

    @property
    def backlog_bytes(self) -> float:
        """Global Mirror queue at the source (synchronized only)."""
        if self._mode != _SYNC:
            return 0.0
        return max(0.0, self._q + self._qs * (self.t - self._t0))

    @property
    def host_delay_s(self) -> float:
        """Extra delay of a host write now (R20): the backlog ahead of it at the link
        bandwidth; 0 while the link keeps up and whenever the group is not mirroring."""
        q = self.backlog_bytes
        if q <= 0.0:
            return 0.0
        b = self._bw_bytes()
        return q / b if b > 0.0 else _INF

    @property
    def write_rate_bytes_s(self) -> float:
        """Group write rate on the source."""
        return self._g_rate

    @property
    def write_rate_bps(self) -> float:
        """Group write rate on the source, bits/s."""
        return self._g_rate * 8.0

    @property
    def throughput_bytes_s(self) -> float:
        """Current use of the FC link by replication, bytes/s."""
        mode = self._mode
        if mode == _COPY:
            return self._copy_bytes() if self.copy_remaining_bytes > 0.0 else 0.0
        if mode == _SYNC:
            b = self._bw_bytes()
            return b if self.backlog_bytes > 0.0 else min(self._g_rate, b)
        return 0.0

    @property
    def throughput_bps(self) -> float:
        """Current use of the FC link by replication, bits/s."""
        return self.throughput_bytes_s * 8.0

    @property
    def bandwidth_bps(self) -> float:
        """Effective FC bandwidth (after loss), bits/s; 0 when disconnected."""
        return self._bw_bytes() * 8.0
