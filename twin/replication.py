"""SAN disk replication: one SVC remote copy consistency group over the FC link.

Implements R2 (program state on replicated V7000 volumes), R8 (initial copy, then changes
as they happen), R13 (failback: :meth:`SanReplication.reverse`), R14 (failing over before
the copy completes leaves an inconsistent backup), R15/R15a (RPO: the age of the oldest
write not applied on the backup), R18/R19/R19a–c (states, per-side views, reconnection,
paced background copy, resync of changed grains, no consistent copy during a resync),
R20/R20a (host write delay, throttling, ``gmmaxhostdelay``, ``gmlinktolerance``,
``maxreplicationdelay``, error 1920) and R21 (Global Mirror, Global Mirror with change
volumes, Metro Mirror). The group holds N volumes (every workload's volumes); all
per-volume quantities are numpy arrays.

Sources (cited as [V5K] and so on below and in docs/replication.md):
[V5K] IBM Redbook "Implementing the IBM Storwize V5000 Gen2 with IBM Spectrum Virtualize
V8.1", chapter 10 (remote copy): 10.7.11 Global Mirror features (write sequence, sets of
concurrent I/Os applied in order), 10.7.12 change volumes, 10.7.14 background copy
performance (25 MBps per volume by default), the relationship states and their
transitions (ConsistentDisconnected, FreezeTime, reconnection), 10.9 gmlinktolerance.
[GMLT] IBM Docs, "The gmlinktolerance feature": 1920 after the tolerance; 0 disables it;
it applies to Global Mirror in noncycling mode only.
[MAXRD] IBM Docs, "Setting the maximum replication delay": chsystem -maxreplicationdelay,
0–360 s, default 0 (off).
[STOP] IBM Docs, ``stoprcconsistgrp``: -access is rejected from inconsistent states;
inconsistent_disconnected rejects a stop with or without -access.
[GMCV] Global Mirror with change volumes: cycle period 300 s by default, up to a day
(``-cycleperiodseconds`` 60–86400); RPO up to twice the cycle period; a cycle that overruns
its period starts the next at once.
The article (shared/seed): disk replication's RPO is "measured in hundreds of
milliseconds" at up to 8000 km, "about a second or just under a second".

Time is explicit and monotonic: every control takes ``t`` (simulated seconds). Write rates
and link parameters are constant between calls, so everything moves in closed form over
any interval; :meth:`SanReplication.advance` splits an interval only at the exact instants
of discrete transitions (copy complete, a volume's copy done, backlog drained, hosts
throttled, host delay above / below the limit, error 1920, a change-volume cycle), so
fast-forwarding a day costs O(transitions), not O(seconds).

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
* **Global Mirror** (mode ``global-mirror``) in ``consistent_synchronized``: host writes
  complete at once and join one FIFO for the whole group (write order is kept across
  volumes: that is what makes the group consistent), served at ``B``. [V5K] The primary
  tags the writes that are active concurrently with a sequence number (a *batch*); the
  secondary applies a batch once all of it has arrived, in sequence order. So a write is
  applied ``D`` after it leaves the queue, the *mirror delay*, in closed form at the
  current load ``ρ = W / B``::

      D = I + s + ρ·s / (2(1 - ρ)) + d + p·2d
          I  batch interval (``batch_interval``, 100 ms): the oldest write of a batch
             waits for the batch to close
          s  = ρ·I, the time to send a batch of W·I bytes at B
          ρ·s / (2(1-ρ))  the mean wait of a batch in the link's queue (M/D/1), ρ capped
             at 0.99: beyond, the fluid backlog below takes over
          d  the one-way propagation
          p·2d  colliding writes: a write that overlaps one still in flight is held until
             that one is acknowledged, one round trip; p = 1 - (1 - f)^n is the chance that
             a batch of n = W·I / io_size writes holds one (f = ``colliding_writes_pct``)

  With ``W < B`` the RPO is exactly ``D``: 151 ms at 8,000 km and 108 ms at 1,200 km for
  the default workloads (8.5 MB/s on 8 Gb/s), 0.72 s at 90 % of the link, 1.2 s at 95 %
  — the article's "hundreds of milliseconds", "about a second". ``I``, ``f`` and the
  write size are the model's own figures (IBM does not publish them), chosen so; they
  are exposed in ``system.replication``.
* Beyond ``W > B`` the FIFO's backlog ``Q`` grows at ``W - B``. The host write delay
  (R20) is the queueing delay a new write sees, ``Q / B``. The backlog is bounded by the
  primary's buffer (``max_backlog_mb``, 256 MB, the model's figure): once full, hosts
  are **throttled** (R20a): write completions slow to the link's rate, so the workloads
  write ``B`` in all instead of their demand (``throttled``, ``throttle_factor``). When the
  delay stays above ``gmmaxhostdelay`` (5 ms) for ``gmlinktolerance`` (300 s, continuous)
  error ``1920`` is logged and the group stops (``consistent_stopped``). A tolerance of 0
  disables 1920 [GMLT]. ``maxreplicationdelay`` (0 = off) stops the group with 1920 as
  soon as a write has waited that long [MAXRD].
* The oldest unapplied write was written at ``tau`` with ``Written(tau) = Applied(t)``
  (the inverse of the piecewise-linear cumulative-written curve, kept for the few
  segments since ``tau``); ``rpo_s = t - tau``. Applied bytes never go back: when ``D``
  grows with the load, application pauses until it catches up.
* **Metro Mirror** (``metro-mirror``, R21): synchronous. A host write completes when the
  secondary has it, a round trip later: the host delay is ``2d``, the RPO and the lag are
  zero, and writes are throttled to ``B`` at once when the link cannot keep up. No 1920.
  Validation refuses it beyond 300 km (twin/profiles.py).
* **Global Mirror with change volumes** (``global-mirror-change-volumes``) [GMCV]: after
  the initial copy the group *cycles*. A cycle starts with a snapshot of the primary;
  what changed since the previous snapshot (per volume, capped by its size) is copied
  as background copy (below); when it is all there the secondary's consistent image
  is the snapshot. The next cycle starts a cycle period after the last one started, or at
  once if the cycle overran. The state is ``consistent_copying`` during a cycle's copy and
  ``consistent_synchronized`` between; the RPO is the age of the image, up to twice the
  cycle period. A restart after a stop is a cycle too: the secondary stays consistent
  (its change volume keeps the image). gmlinktolerance does not apply.
* Stopping (a stop, a disconnect, 1920, a lost rack) freezes the target at its last
  applied write: what was queued or in flight is not applied. The freeze time is kept
  (``freeze_time_s``). From then each side's writes mark grains changed: ``changed =
  min(size, bytes written since)`` per volume (every write is assumed to hit a new grain,
  capped by the volume size: pessimistic for workloads that rewrite hot spots).
* **Background copy** (initial copy, resync of the changed grains of both sides, a
  change-volume cycle) [V5K 10.7.14]: the partnership's share ``C`` =
  ``background_copy_pct`` % of ``B`` is divided evenly among the volumes still copying,
  each paced at most at the relationship bandwidth limit (``relationshipbandwidthlimit``,
  25 MB/s by default). Every write made while copying is sent by the copy process too (it
  re-dirties a grain), so a volume needing ``N`` bytes with own writes ``w`` under a pace
  ``r > w`` takes ``N / (r - w)``; with ``r <= w`` it makes no headway. A volume done
  leaves its share to the others. The initial copy of a rack with few large volumes is
  therefore paced by 25 MB/s per volume, not by the link. During the copy the target is
  inconsistent (R19). A copy that cannot progress for ``gmlinktolerance`` is stopped with
  1920 (a restart before the cause was fixed).
* Reconnection [V5K]: an ``inconsistent_disconnected`` group that was copying resumes by
  itself (``inconsistent_copying``); one that was synchronized returns to
  ``consistent_synchronized`` if nothing was written (or left in flight) while
  disconnected, else it is ``consistent_stopped`` and needs a start (a resync). A group
  stopped before it disconnected stays stopped; two idling halves become ``idling``.
* Each side's view (R19b): the group state is the auxiliary's (target's) view, the one
  that says whether the backup holds a usable copy. During a disconnection the master
  (source) side shows ``idling_disconnected``; a lost side has no view.
* Stop with access (failover) is refused from inconsistent states [STOP] (R19c): the
  backup then keeps an inconsistent group and no workload starts from its volumes.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin.config import MB, LinkConfig, ReplicationConfig
from twin.events import Transition
from twin.states import ReplicationMode
from twin.states import ReplicationState as RS

PRIMARY = 0  # the side that is the source at construction (racks[0])
BACKUP = 1
GM_MAX_HOST_DELAY_S = 0.005  # gmmaxhostdelay (SVC default 5 ms)
GM_LINK_TOLERANCE_S = 300.0  # gmlinktolerance (SVC default 300 s)
RHO_CAP = 0.99  # the batch queue's utilisation in D; beyond, the fluid backlog

STATES = tuple(RS)

_HALT, _COPY, _SYNC, _CYCLE = 0, 1, 2, 3
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


class _Runs:
    """The work of a copy under way between two changes of the source's write rates, in
    runs of consecutive volumes that are alike (the same work left, write rate and noise
    floor): each step of the copy (a volume done, its pace to the others) is the same
    arithmetic, element by element, as on every volume, so a run's volumes stay alike
    and one element stands for them all (a workload's volumes are consecutive and alike:
    2,000 volumes are 100 runs). Only the capped writes of the volumes done are kept per
    volume, for their sum, which is the sum over every volume as before.

    ``ca`` is the work left of the runs still copying, ``alive`` (rows: their write
    rates, their noise floors, their indices as floats) says which; both are replaced,
    never changed in place, so ``(alive, ca)`` is a snapshot of the copy (:meth:`expand`)."""

    __slots__ = ("rates", "counts", "counts_l", "starts_l", "base", "alive", "ca", "slope",
                 "n_active", "n_moving", "capped", "done", "done_use")

    def __init__(self, copy: np.ndarray, rates: np.ndarray, eps: np.ndarray,
                 capped: np.ndarray) -> None:
        n = copy.size
        cut = (copy[1:] != copy[:-1]) | (rates[1:] != rates[:-1]) | (eps[1:] != eps[:-1])
        starts = np.concatenate((np.zeros(1, dtype=np.intp), np.flatnonzero(cut) + 1))
        self.rates = rates
        self.counts = np.diff(np.append(starts, n))
        self.counts_l: list[int] = self.counts.tolist()
        self.starts_l: list[int] = starts.tolist()
        first = copy[starts]
        live = first > 0.0
        # a run's work once it is done is 0.0; a run with none from the start keeps its own
        self.base = np.where(live, 0.0, first)
        ids = np.flatnonzero(live)
        self.alive = np.vstack((rates[starts][ids], eps[starts][ids], ids.astype(float)))
        self.ca = first[ids]
        self.slope = np.zeros(ids.size)
        self.n_active = int(self.counts[ids].sum())  # volumes still copying
        self.n_moving = 0
        self.capped = capped
        self.done = np.where(copy > 0.0, 0.0, capped)  # the capped writes of those done
        self.done_use = float(self.done.sum())

    def expand(self, snapshot: tuple[np.ndarray, np.ndarray], slope: bool = False
               ) -> np.ndarray:
        """The per-volume array of a snapshot ``(alive, values)`` of the work left (or of
        its slopes): each run's value over its volumes (a run done: 0.0)."""
        alive, values = snapshot
        g = np.zeros(self.base.size) if slope else self.base.copy()
        g[alive[2].astype(np.intp)] = values
        return np.repeat(g, self.counts)

    def drop_done(self) -> None:
        """The runs whose work is done leave (their volumes' capped writes count as done)."""
        keep = self.ca > 0.0
        if np.count_nonzero(keep) == keep.size:
            return
        done, capped, starts, counts = self.done, self.capped, self.starts_l, self.counts_l
        for g in self.alive[2][~keep].tolist():
            lo = starts[int(g)]
            hi = lo + counts[int(g)]
            done[lo:hi] = capped[lo:hi]  # (a private array: changed in place)
            self.n_active -= counts[int(g)]
        self.done_use = float(done.sum())
        self.alive = self.alive[:, keep]
        self.ca = self.ca[keep]


# a segment of the written curve as the samples need it: (t0, g0, rate, q0, qs)
_Curve = list[tuple[float, float, float, float, float]]


def _curve(hist: list[_Seg]) -> _Curve:
    """The scalars of ``hist`` (not its per-volume arrays: kept for later, they are small)."""
    return [(h.t0, h.g0, h.rate, h.q0, h.qs) for h in hist]


def _oldest_write_time(hist: _Curve, applied: np.ndarray, tau_k: np.ndarray) -> np.ndarray:
    """The write time of the oldest unapplied byte at each of ``tau_k`` (the inverse
    of the written curve of segments ``hist``), ``applied`` bytes applied by then."""
    t0s = np.array([h[0] for h in hist])
    g0s = np.array([h[1] for h in hist])
    rates = np.array([h[2] for h in hist])
    j = np.clip(np.searchsorted(g0s, applied, side="right") - 1, 0, None)
    ends = np.where(j + 1 < len(hist), np.append(t0s, np.inf)[j + 1], tau_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = t0s[j] + (applied - g0s[j]) / rates[j]
    tau = np.where(rates[j] > 0.0, np.minimum(np.maximum(inv, t0s[j]), ends), ends)
    return np.minimum(tau, tau_k)


def _applied_and_oldest(hist: _Curve, floor_g: float, delay: float,
                        tau_k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At each of ``tau_k`` (synchronized, segments ``hist``): the group's bytes
    applied, and the write time of the oldest unapplied byte (sample's general path)."""
    t0s, g0s, rates, q0s, qss = (np.array(c) for c in zip(*hist, strict=True))
    u = tau_k - delay
    k = np.clip(np.searchsorted(t0s, u, side="right") - 1, 0, None)
    du = u - t0s[k]
    sent = g0s[k] + rates[k] * du - np.maximum(0.0, q0s[k] + qss[k] * du)
    applied = np.where(u < t0s[0], floor_g, np.maximum(floor_g, sent))
    return applied, _oldest_write_time(hist, applied, tau_k)


class SanReplication:
    """One remote copy consistency group of N volumes from the source to the target."""

    def __init__(
        self,
        sizes_bytes: np.ndarray,
        distance_km: float,
        link: LinkConfig,
        cfg: ReplicationConfig | None = None,
        *,
        gm_max_host_delay_s: float | None = None,
        gm_link_tolerance_s: float | None = None,
    ) -> None:
        size = np.array(sizes_bytes, dtype=float).reshape(-1)
        if size.size == 0 or not np.all(np.isfinite(size)) or np.any(size <= 0):
            raise ValueError("volume sizes must be a non-empty array of positive bytes")
        if not math.isfinite(distance_km) or distance_km < 0:
            raise ValueError(f"distance_km must be zero or more, not {distance_km!r}")
        cfg = cfg or ReplicationConfig()
        n = size.size
        self.n = n
        self.size = size
        self.size.flags.writeable = False
        # below this a volume's copy is float noise, not work (see _rebase)
        self._copy_eps = np.maximum(1.0, 1e-12 * size)
        self.distance_km = float(distance_km)
        self.link = link
        self.cfg = cfg
        self.mode = ReplicationMode(cfg.mode)
        self._metro = self.mode == ReplicationMode.METRO_MIRROR
        # the figures of the mirror delay that the configuration fixes (it is frozen)
        self._propagation_s = link.one_way_delay_s(self.distance_km)
        self._batch_figures = (max(0.0, cfg.batch_interval_s),
                               min(max(cfg.colliding_writes_pct, 0.0), 100.0) / 100.0,
                               max(cfg.io_size_kb * 1e3, 1.0))
        self.gm_max_host_delay_s = float(cfg.gm_max_host_delay_s if gm_max_host_delay_s is None
                                         else gm_max_host_delay_s)
        self.gm_link_tolerance_s = float(cfg.gm_link_tolerance_s if gm_link_tolerance_s is None
                                         else gm_link_tolerance_s)
        self.max_replication_delay_s = float(cfg.max_replication_delay_s)
        rel = float(cfg.relationship_bandwidth_mb_s)
        self._rel_cap = rel * MB if rel > 0 else _INF  # bytes/s per relationship
        self._max_backlog = max(0.0, float(cfg.max_backlog_mb)) * MB
        self.t = 0.0
        self.errors: list[str] = []

        # link
        self._up = True
        self._bw_mbps = float(link.bandwidth_mbps)
        self._loss_pct = float(link.loss_pct)
        self._copy_pct = float(link.background_copy_pct)
        self._extra_s = 0.0
        self._lost = [False, False]
        self._link_figures: tuple[float, float] | None = None  # (_link_bytes, kept)

        # group state
        self._src = PRIMARY
        self._running = False
        self._copying = False
        self._access = False
        self._target_consistent = False
        self._initial_complete = False
        self._ever_consistent = False  # a copy completed once: later copies are resyncs
        self._reconnect: str | None = None  # on reconnection: "copy", "sync" or nothing
        self._freeze_t: float | None = None

        # per-side ([side 0, side 1]) per-volume arrays, valid at the segment start _t0;
        # arrays are replaced, never changed in place (the mirror history shares them)
        self._t0 = 0.0
        z = np.zeros(n)
        # cumulative bytes written on each side; the initial content counts as written
        self._w = [size.copy(), z]
        self._demand = [z, z]  # what the hosts ask to write
        self._demand_sums = [(z, 0.0), (z, 0.0)]  # (demand, its sum) of each side
        self._rates = [z, z]  # what they write (less than the demand when throttled)
        self._rate_sum = [0.0, 0.0]
        self._applied = [z, z]  # of each side's writes, bytes the other side holds
        self._oldest = [np.full(n, -_INF), np.full(n, _INF)]  # oldest such write not held
        self._dirty = [z, z]  # changed grains not yet in the copy work (capped by size)
        # copy work still to do (pending, or under way): an array, or while a copy is under
        # way a snapshot of its runs (_Runs) that _copy expands when asked
        self._copy_v: np.ndarray | tuple[np.ndarray, np.ndarray] = size.copy()
        self._runs: _Runs | None = None
        self._copy_total = size.copy()  # the work of the copy, for progress
        # derived at each re-slope
        self._dirty_on = [True, True]
        self._oldest_eff = list(self._oldest)
        # (oldest_eff, the rates it was derived with) of each side, to skip a re-derivation
        # that cannot change it; and reductions of arrays kept with the array they reduce
        self._oldest_memo: list[tuple[np.ndarray, np.ndarray] | None] = [None, None]
        self._reduced: dict[str, tuple[np.ndarray, float]] = {}
        self._capped_writes: tuple[np.ndarray, float, np.ndarray] | None = None
        self._slope_v: np.ndarray | tuple[np.ndarray, np.ndarray] = np.zeros(n)
        self._g_rate = 0.0
        # sums taken at a re-slope, each a number or the array it is the sum of (taken when
        # read: arrays are replaced, never changed in place, so it is the sum then)
        self._g_w_v: float | np.ndarray = float(size.sum())
        self._g_applied = 0.0
        self._g_oldest = -_INF
        self._copy_sum_v: float | tuple[np.ndarray, np.ndarray] = float(size.sum())
        self._copy_rate_sum_v: float | tuple[np.ndarray, np.ndarray] = 0.0
        self._copy_moving = False  # _copy_rate_sum != 0.0 (some volume makes headway)
        self._copy_total_sum = float(size.sum())
        self._copy_link_use = 0.0  # bytes/s of the link the copy uses
        self._copy_share = 0.0  # of it, for the volumes still copying
        self._stall_since = math.nan  # a copy that cannot progress, since

        # Global Mirror / Metro Mirror (valid while synchronized)
        self._hist: list[_Seg] = []
        self._hist_t: list[float] = []
        self._hist_g: list[float] = []
        self._floor_g = 0.0  # at least this much of the group's writes is applied
        self._q = 0.0
        self._qs = 0.0
        self._delay = 0.0  # the mirror delay D of the current segment
        self._delay_high = False
        self._high_since = math.nan
        self._throttled = False

        # change volumes (valid while cycling)
        self._cyc_active = False  # a cycle's copy is under way
        self._cyc_t = 0.0  # the snapshot time of that cycle
        self._cyc_w = z  # per-volume cumulative written at the snapshot
        self._cyc_work = z  # per-volume bytes of the cycle's copy
        self._cyc_oldest = np.full(n, _INF)  # first write after the snapshot
        self._cyc_left = 0.0
        self._cyc_total = 0.0
        self._cyc_rate = 0.0
        self._cyc_next = _INF  # when the next cycle starts
        self._cyc_overrun = False
        self._img_t: float | None = None  # the time of the secondary's consistent image

        self._next: tuple[float, str] | None = None
        self._carry: list[Transition] = []
        self._cache: dict[str, object] = {}
        self._cache_t = math.nan
        self._reslope()

    # -- the copy's arrays and sums, as they were at the last re-slope ---------------------

    @property
    def _copy(self) -> np.ndarray:
        v = self._copy_v
        if isinstance(v, tuple):
            assert self._runs is not None
            v = self._copy_v = self._runs.expand(v)
        return v

    @_copy.setter
    def _copy(self, value: np.ndarray) -> None:
        self._copy_v = value
        self._runs = None

    @property
    def _copy_slope(self) -> np.ndarray:
        v = self._slope_v
        if isinstance(v, tuple):
            assert self._runs is not None
            v = self._slope_v = self._runs.expand(v, slope=True)
        return v

    @property
    def _copy_sum(self) -> float:
        v = self._copy_sum_v
        if not isinstance(v, float):
            assert self._runs is not None
            v = self._copy_sum_v = float(self._runs.expand(v).sum())
        return v

    @property
    def _copy_rate_sum(self) -> float:
        v = self._copy_rate_sum_v
        if not isinstance(v, float):
            assert self._runs is not None
            v = self._copy_rate_sum_v = float(self._runs.expand(v, slope=True).sum())
        return v

    @property
    def _g_w(self) -> float:
        v = self._g_w_v
        if not isinstance(v, float):
            v = self._g_w_v = float(v.sum())
        return v

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
        got = self._link_figures
        if got is None:
            got = self._link_figures = self._link_bytes()
        return got[0]

    def _copy_bytes(self) -> float:
        """The partnership's background copy share of the link, bytes/s."""
        got = self._link_figures
        if got is None:
            got = self._link_figures = self._link_bytes()
        return got[1]

    def _link_bytes(self) -> tuple[float, float]:
        """(:meth:`_bw_bytes`, :meth:`_copy_bytes`) from the link's figures, which change
        only in set_link, rack_lost and rack_restored (they drop the pair kept)."""
        if not self.connected:
            bw = 0.0
        else:
            loss = min(max(self._loss_pct, 0.0), 100.0)
            bw = max(self._bw_mbps, 0.0) * 1e6 / 8.0 * (1.0 - loss / 100.0)
        return bw, bw * min(max(self._copy_pct, 0.0), 100.0) / 100.0

    def _pace(self, volumes: int) -> float:
        """Background copy pace of each of ``volumes`` volumes copying, bytes/s [V5K]."""
        return min(self._rel_cap, self._copy_bytes() / volumes) if volumes else 0.0

    def mirror_delay_s(self, write_rate: float | None = None) -> float:
        """The delay from a write's completion at the primary to its application at the
        secondary at write rate ``write_rate`` (default: now), without a backlog: the
        steady RPO (see the module docstring)."""
        if self._metro:
            return 0.0
        d = self._propagation_s + self._extra_s  # (one_way_delay_s)
        w = self._g_rate if write_rate is None else float(write_rate)
        b = self._bw_bytes()
        i, f, io = self._batch_figures
        rho = min(w / b, RHO_CAP) if b > 0.0 else RHO_CAP
        s = rho * i
        wait = rho * s / (2.0 * (1.0 - rho))
        writes = w * i / io
        p = 1.0 - (1.0 - f) ** writes if w > 0.0 and f > 0.0 else 0.0
        return i + s + wait + d + p * 2.0 * d

    @property
    def _mode(self) -> int:
        if not self._running:
            return _HALT
        if self._copying:
            return _COPY
        return _CYCLE if self.mode == ReplicationMode.CHANGE_VOLUMES else _SYNC

    # -- state ----------------------------------------------------------------------------

    @property
    def state(self) -> RS:
        """The consistency group's SVC state as the auxiliary (target) side sees it (R18)."""
        if not self.connected:
            if self._access:
                return RS.IDLING_DISCONNECTED
            return RS.CONSISTENT_DISCONNECTED if self._target_consistent else (
                RS.INCONSISTENT_DISCONNECTED)
        if self._access:
            return RS.IDLING
        if self._running:
            if self._copying:
                return RS.INCONSISTENT_COPYING
            if self._mode == _CYCLE and self._cyc_active:
                return RS.CONSISTENT_COPYING
            return RS.CONSISTENT_SYNCHRONIZED
        return RS.CONSISTENT_STOPPED if self._target_consistent else RS.INCONSISTENT_STOPPED

    def side_state(self, side: int) -> RS | None:
        """The state that ``side``'s own system shows (R19b): during a disconnection the
        master (source) shows ``idling_disconnected``; a lost side shows nothing."""
        if self._lost[side]:
            return None
        if not self.connected and side == self._src:
            return RS.IDLING_DISCONNECTED
        return self.state

    @property
    def freeze_time_s(self) -> float | None:
        """When the secondary's consistent image was frozen (the stop, the last good
        heartbeat before a disconnection, 1920), while it is not synchronized; with change
        volumes, the time of its image. None while mirroring or without a consistent copy."""
        if not self._target_consistent:
            return None
        if self._mode == _CYCLE:
            return self._img_t
        if self._running:
            return None
        return self._freeze_t

    @property
    def consistent(self) -> bool:
        """Does the target hold a consistent (possibly stale) copy? False during the initial
        copy and during any resync (R19), and after a failover made before either ended."""
        return self._target_consistent

    @property
    def ever_consistent(self) -> bool:
        """A copy has completed once in this pair: a later copy is a resync."""
        return self._ever_consistent

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

    @property
    def throttled(self) -> bool:
        """Host writes are slowed to the link's rate (R20a)."""
        return self._throttled and self._mode == _SYNC

    @property
    def throttle_factor(self) -> float:
        """What the source's hosts write, as a share of what they ask (1: not throttled)."""
        d = self._rate_sum_demand(self._src)
        return self._rate_sum[self._src] / d if d > 0.0 else 1.0

    def _rate_sum_demand(self, side: int) -> float:
        """The sum of ``side``'s demand, kept with the array it sums (arrays are replaced,
        never changed in place): the GUI and the journal read it once per workload."""
        d = self._demand[side]
        got = self._demand_sums[side]
        if got[0] is not d:
            got = self._demand_sums[side] = (d, float(d.sum()))
        return got[1]

    def demand_sum(self, side: int | None = None) -> float:
        """The sum of :meth:`write_rates` (bytes/s; 0: no host asks to write there)."""
        return self._rate_sum_demand(self._src if side is None else side)

    def write_rates(self, side: int | None = None) -> np.ndarray:
        """Per-volume write rates (bytes/s) the hosts ask for on ``side`` (default: the
        source); what they write is :meth:`written_rates`."""
        return self._demand[self._src if side is None else side].copy()

    def written_rates(self, side: int | None = None) -> np.ndarray:
        """Per-volume write rates (bytes/s) the hosts achieve on ``side`` (throttled)."""
        return self._rates[self._src if side is None else side].copy()

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
            if guard > 10 * self.n + 10_000:  # pragma: no cover - a bug, not an outcome
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
                self._q = min(max(0.0, self._q + self._qs * dt), max(self._q,
                                                                      self._max_backlog))
        for s in (0, 1):
            if self._rate_sum[s] > 0.0:
                inc = self._rates[s] * dt
                self._oldest[s] = self._oldest_eff[s]
                self._w[s] = self._w[s] + inc
                if self._dirty_on[s]:
                    self._dirty[s] = np.minimum(self.size, self._dirty[s] + inc)
        if mode == _COPY and self._copy_moving:
            runs = self._runs
            if runs is not None:
                c = runs.ca + runs.slope * dt
                runs.ca = np.where(c <= runs.alive[1], 0.0, c)
                self._copy_v = (runs.alive, runs.ca)
            else:
                c = self._copy + self._copy_slope * dt
                # a volume whose copy ends now ends exactly (float noise is not work)
                self._copy = np.where(c <= self._copy_eps, 0.0, c)
        if mode == _CYCLE and self._cyc_active:
            self._cyc_left = max(0.0, self._cyc_left - self._cyc_rate * dt)
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
                r = self._rates[s]
                memo = self._oldest_memo[s]
                # derived from these rates already: every writing volume has its oldest
                # write, so the derivation would give ``o`` again
                if memo is None or memo[0] is not o or memo[1] is not r:
                    o = np.where((o == _INF) & (r > 0.0), t0, o)
                    self._oldest_memo[s] = (o, r)
            self._oldest_eff[s] = o
        self._g_rate = self._rate_sum[src]
        if mode != _SYNC:
            self._g_w_v = self._w[src]  # (its sum, when read)
            self._g_applied = self._reduce("applied", self._applied[src], np.sum)
            self._g_oldest = self._reduce("oldest", self._oldest_eff[src], np.min)
        if mode in (_SYNC, _CYCLE):
            self._copy_sum_v = 0.0
        else:
            v = self._copy_v
            self._copy_sum_v = float(v.sum()) if isinstance(v, np.ndarray) else v
        self._copy_total_sum = 0.0 if mode in (_SYNC, _CYCLE) else self._reduce(
            "copy_total", self._copy_total, np.sum)
        self._copy_rate_sum_v = 0.0
        self._copy_moving = False
        self._copy_link_use = 0.0
        self._next = None
        if mode == _COPY:
            self._reslope_copy()
        elif mode == _SYNC:
            self._reslope_sync()
        elif mode == _CYCLE:
            self._reslope_cycle()
        if mode != _COPY:
            self._stall_since = math.nan

    def _reduce(self, key: str, a: np.ndarray, how: Any) -> float:
        """``float(how(a))``, kept with ``a`` (arrays are replaced, never changed in place):
        a copy's transitions re-slope often with the same applied bytes and totals."""
        got = self._reduced.get(key)
        if got is None or got[0] is not a:
            got = self._reduced[key] = (a, float(how(a)))
        return got[1]

    def _reslope_volume_copied(self) -> None:
        """:meth:`_reslope` after a volume's copy is done (rebased, copying, the rates and
        the link as they were): of what it derives only the written bytes' sum, the copy's
        sums and the copy's own slopes can change; the rest (the oldest writes, the applied
        bytes, the copy's total) is the same, so it is not derived again."""
        self._cache_t = math.nan
        self._g_w_v = self._w[self._src]  # (its sum, when read)
        v = self._copy_v
        self._copy_sum_v = float(v.sum()) if isinstance(v, np.ndarray) else v
        self._copy_rate_sum_v = 0.0
        self._copy_moving = False
        self._copy_link_use = 0.0
        self._next = None
        self._reslope_copy()

    def _reslope_copy(self) -> None:
        """Background copy, paced per volume within the partnership's share [V5K 10.7.14].
        A volume whose copy is done still sends its new writes (at most its pace); what
        is left of the share is divided evenly among the volumes still copying. (The
        volumes in runs of alike ones, :class:`_Runs`, between changes of the rates.)"""
        t0 = self._t0
        w = self._rates[self._src]
        # min(0, cap) is 0: the capped writes of the volumes done, each at most its pace
        capped = self._capped_writes
        if capped is None or capped[0] is not w or capped[1] != self._rel_cap:
            capped = self._capped_writes = (w, self._rel_cap, np.minimum(w, self._rel_cap))
        runs = self._runs
        if runs is None or runs.rates is not w or runs.capped is not capped[2]:
            runs = self._runs = _Runs(self._copy, w, self._copy_eps, capped[2])
        else:
            runs.drop_done()
        self._copy_v = (runs.alive, runs.ca)
        n_active = runs.n_active
        if n_active == 0:
            runs.slope = runs.ca * 0.0  # (no run left: empty)
            self._slope_v = (runs.alive, runs.slope)
            self._next = (t0, "copy_complete")
            return
        done_use = runs.done_use
        link_share = self._copy_bytes()
        share = max(0.0, link_share - done_use)
        self._copy_share = share
        pace = min(self._rel_cap, share / n_active)
        self._copy_link_use = min(link_share, done_use + pace * n_active)
        head = pace - runs.alive[0]
        moving = head > 0.0
        cands: list[tuple[float, str]] = []
        if np.count_nonzero(moving) == moving.size:
            n_moving = n_active
            runs.slope = -head
            times = runs.ca / head
        else:
            counts = runs.counts_l
            n_moving = sum(counts[int(g)] for g in runs.alive[2][moving].tolist())
            runs.slope = np.where(moving, -head, 0.0)
            times = runs.ca[moving] / head[moving]
        runs.n_moving = n_moving
        self._slope_v = (runs.alive, runs.slope)
        if n_moving:
            self._copy_rate_sum_v = self._slope_v  # (its sum, when read: not 0.0)
            self._copy_moving = True
            dt = float(times.min())
            last = n_moving == n_active and float(times.max()) <= dt * (1 + 1e-12)
            cands.append((t0 + dt, "copy_complete" if last else "volume_copied"))
        stuck = n_moving != n_active
        if stuck and self.connected and self._tolerance_applies():
            if math.isnan(self._stall_since):
                self._stall_since = t0
            cands.append((self._stall_since + self.gm_link_tolerance_s, "error_1920"))
        elif not stuck:
            self._stall_since = math.nan
        self._next = min(cands, key=lambda c: c[0]) if cands else None

    def _tolerance_applies(self) -> bool:
        """gmlinktolerance protects hosts of Global Mirror in noncycling mode [GMLT]."""
        return self.mode == ReplicationMode.GLOBAL_MIRROR and self.gm_link_tolerance_s > 0.0

    def _reslope_sync(self) -> None:
        src, t0 = self._src, self._t0
        b = self._bw_bytes()
        w = self._g_rate
        q = self._q
        metro = self.mode == ReplicationMode.METRO_MIRROR
        qmax = 0.0 if metro else self._max_backlog
        if self._throttled:
            self._qs = 0.0
        else:
            self._qs = (w - b) if (q > 0.0 or w > b) else 0.0
        qs = self._qs
        self._delay = self.mirror_delay_s(min(w, b) if b > 0.0 else w)
        if self._hist:
            last = self._hist[-1]
            g0 = last.g0 + last.rate * (t0 - last.t0)
        else:
            g0 = float(self._w[src].sum())
        seg = _Seg(t0, g0, w, self._w[src], self._rates[src], q, qs)
        if self._hist and self._hist[-1].t0 == t0:
            self._hist[-1] = seg
            self._hist_g[-1] = g0
        else:
            self._hist.append(seg)
            self._hist_t.append(t0)
            self._hist_g.append(g0)
        cands: list[tuple[float, str]] = []
        if qs < 0.0 and q > 0.0:
            cands.append((t0 + q / -qs, "backlog_drained"))
        if qs > 0.0 and not self._throttled:
            cands.append((t0 + max(0.0, (qmax - q) / qs), "throttle"))
        if not metro:
            h = self.gm_max_host_delay_s * b
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
                if self._tolerance_applies():
                    cands.append((self._high_since + self.gm_link_tolerance_s, "error_1920"))
            mrd = self.max_replication_delay_s
            if mrd > 0.0:
                lim = mrd * b
                if q >= lim and (q > 0.0 or b == 0.0):
                    cands.append((t0, "max_replication_delay"))
                elif qs > 0.0:
                    cands.append((t0 + (lim - q) / qs, "max_replication_delay"))
        self._next = min(cands, key=lambda c: c[0]) if cands else None

    def _reslope_cycle(self) -> None:
        """Change volumes: the next cycle starts, or the one under way completes [GMCV]."""
        t0 = self._t0
        # the first write after the snapshot of the cycle under way, per volume
        r = self._rates[self._src]
        if self._cyc_active and self._rate_sum[self._src] > 0.0:
            self._cyc_oldest = np.where((self._cyc_oldest == _INF) & (r > 0.0), t0,
                                        self._cyc_oldest)
        if not self._cyc_active:
            self._next = (max(self._cyc_next, t0), "cycle_start") if self.connected else None
            return
        volumes = int(np.count_nonzero(self._cyc_work))
        self._cyc_rate = self._pace(volumes) * volumes
        self._copy_link_use = self._cyc_rate if self._cyc_left > 0.0 else 0.0
        if self._cyc_left <= 0.0:
            self._next = (t0, "cycle_complete")
        elif self._cyc_rate > 0.0:
            self._next = (t0 + self._cyc_left / self._cyc_rate, "cycle_complete")

    # -- Global Mirror curve ---------------------------------------------------------------

    def _applied_value(self, t: float) -> float:
        """Group cumulative bytes applied on the target at ``t`` (synchronized)."""
        u = t - self._delay
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
        lo = min(tau, t - self._delay)
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

    def _sync_applied(self, t: float) -> np.ndarray:
        """Per-volume applied bytes (the first half of :meth:`_sync_volumes`)."""
        tau = self._g_inverse(self._applied_value(t), t)
        s = self._hist[bisect.bisect_right(self._hist_t, tau) - 1]
        return s.w0 + s.r * (tau - s.t0)

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
        if code == "volume_copied" and self._mode == _COPY:
            self._reslope_volume_copied()  # its pace goes to the volumes still copying
            return  # (the state is the same)
        before = self.state
        if code == "copy_complete":
            copied = float(self._copy_total.sum())
            kind = "Resync" if self._ever_consistent else "Initial copy"
            self._enter_sync()
            out.append(Transition(t, "copy_complete",
                                  f"{kind} complete: {copied / 1e9:.3g} GB copied; the "
                                  "backup volumes are consistent"))
        elif code == "volume_copied":  # (not copying: cannot be, but derive it all)
            self._reslope()
        elif code == "backlog_drained":
            self._q = 0.0
            self._reslope()
            out.append(Transition(t, "backlog_drained",
                                  "Global Mirror backlog drained: the link keeps up again"))
        elif code == "throttle":
            self._q = max(self._q, self._max_backlog if self.mode != ReplicationMode.METRO_MIRROR
                          else 0.0)
            self._throttled = True
            self._apply_throttle()
            self._reslope()
            what = ("Metro Mirror writes wait for the secondary" if self.mode ==
                    ReplicationMode.METRO_MIRROR else
                    f"the Global Mirror buffer ({self._max_backlog / MB:g} MB) is full")
            out.append(Transition(
                t, "throttled",
                f"Host writes throttled to the FC link's rate ({self._bw_bytes() / MB:.3g} "
                f"MB/s): {what}; the workloads write "
                f"{self.throttle_factor * 100:.0f} % of what they ask (R20a)"))
        elif code == "host_delay_high":
            self._q = max(self._q, self.gm_max_host_delay_s * self._bw_bytes())
            self._delay_high = True
            self._high_since = t
            self._reslope()
            out.append(Transition(
                t, "host_delay_high",
                f"Host write delay above gmmaxhostdelay ({self.gm_max_host_delay_s * 1000:g} "
                f"ms): the FC link cannot keep up; error 1920 in "
                f"{self.gm_link_tolerance_s:g} s if it lasts"
                if self._tolerance_applies() else
                f"Host write delay above gmmaxhostdelay ({self.gm_max_host_delay_s * 1000:g} "
                "ms): the FC link cannot keep up (gmlinktolerance is 0: no 1920)"))
        elif code == "host_delay_ok":
            self._q = min(self._q, self.gm_max_host_delay_s * self._bw_bytes())
            self._delay_high = False
            self._high_since = math.nan
            self._reslope()
            out.append(Transition(t, "host_delay_ok",
                                  "Host write delay back under gmmaxhostdelay"))
        elif code in ("error_1920", "max_replication_delay"):
            copying = self._mode == _COPY
            self._leave_running()
            self.errors.append("1920")
            self._reslope()
            if code == "max_replication_delay":
                why = (f"a host write waited {self.max_replication_delay_s:g} s "
                       "(maxreplicationdelay)")
            elif copying:
                why = (f"the resync made no headway for {self.gm_link_tolerance_s:g} s "
                       "(gmlinktolerance): its cause is not fixed")
            else:
                why = (f"the write delay stayed above {self.gm_max_host_delay_s * 1000:g} ms "
                       f"for {self.gm_link_tolerance_s:g} s (gmlinktolerance)")
            out.append(Transition(
                t, "error_1920", f"1920: Global Mirror stopped to protect the hosts: {why}"))
        elif code == "cycle_start":
            self._start_cycle(t)
            self._reslope()
            return  # routine: no state transition logged
        elif code == "cycle_complete":
            self._complete_cycle(t, out)
            self._reslope()
            return
        else:  # pragma: no cover
            raise AssertionError(code)
        self._emit_state(t, before, out)

    def _emit_state(self, t: float, before: RS, out: list[Transition]) -> None:
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
        self._ever_consistent = True
        self._freeze_t = None
        self._hist, self._hist_t, self._hist_g = [], [], []
        self._floor_g = float(self._w[self._src].sum())
        self._q = 0.0
        self._delay_high = False
        self._high_since = math.nan
        self._throttled = False
        self._apply_throttle()
        self._img_t = self._t0
        self._cyc_active = False
        self._cyc_next = self._t0 + self.cfg.cycle_period_s
        self._reslope()

    def _leave_running(self) -> None:
        """Stop copying or mirroring at ``self._t0`` (already rebased); the target keeps
        what it had applied; what is queued or in flight is not applied."""
        src = self._src
        mode = self._mode
        if mode == _SYNC:
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
            self._freeze_t = self._t0
        elif mode == _CYCLE:
            # the image is the last completed cycle's; what changed since is dirty
            self._dirty[src] = np.minimum(self.size, self._w[src] - self._applied[src])
            self._cyc_active = False
            self._freeze_t = self._img_t
        self._running = False
        self._throttled = False
        self._apply_throttle()

    def _apply_throttle(self) -> None:
        """The source's achieved write rates: the demand, or the link's rate when
        throttled (R20a)."""
        src = self._src
        demand = self._demand[src]
        total = self._rate_sum_demand(src)
        b = self._bw_bytes()
        if self._throttled and total > b:
            rates = demand * (b / total) if total > 0.0 else demand
        else:
            self._throttled = False
            rates = demand
        self._rates[src] = rates
        self._rate_sum[src] = total if rates is demand else float(rates.sum())
        other = 1 - src
        self._rates[other] = self._demand[other]
        self._rate_sum[other] = self._rate_sum_demand(other)

    # -- change volume cycles --------------------------------------------------------------

    def _start_cycle(self, t: float) -> None:
        """A cycle's snapshot of the source; what changed since the image (and any changed
        grains of either side) is the cycle's copy [GMCV]."""
        src, tgt = self._src, 1 - self._src
        self._cyc_t = t
        self._cyc_w = self._w[src].copy()
        self._cyc_oldest = np.where(self._rates[src] > 0.0, t, _INF)
        work = np.minimum(self.size, self._cyc_w - self._applied[src] + self._dirty[src]
                          + self._dirty[tgt])
        self._cyc_work = work
        self._cyc_total = self._cyc_left = float(work.sum())
        self._cyc_active = True

    def _complete_cycle(self, t: float, out: list[Transition]) -> None:
        src = self._src
        self._applied[src] = self._cyc_w
        self._oldest[src] = self._cyc_oldest
        z = np.zeros(self.n)
        self._dirty = [z, z]
        self._img_t = self._cyc_t
        self._cyc_active = False
        due = self._cyc_t + self.cfg.cycle_period_s
        overrun = t > due
        self._cyc_next = t if overrun else due
        if overrun != self._cyc_overrun:
            self._cyc_overrun = overrun
            out.append(Transition(
                t, "cycle_overrun" if overrun else "cycle_on_time",
                f"Change volume cycle took {t - self._cyc_t:.0f} s, longer than the cycle "
                f"period ({self.cfg.cycle_period_s:g} s): the next starts at once and the RPO "
                "grows beyond twice the period" if overrun else
                "Change volume cycles complete within the cycle period again"))

    # -- controls --------------------------------------------------------------------------

    def _begin(self, t: float) -> tuple[list[Transition], RS]:
        out = self.advance(t)
        self._rebase(t)
        return out, self.state

    def _end(self, t: float, before: RS, out: list[Transition]) -> list[Transition]:
        self._apply_throttle()
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
        self._demand[side] = np.zeros(self.n)
        self._rates[side] = np.zeros(self.n)
        self._rate_sum[side] = 0.0

    def set_write_rates(
        self, t: float, rates_bytes_per_s: np.ndarray, side: int | None = None
    ) -> list[Transition]:
        """Per-volume host write rates (bytes/s) asked on ``side`` (default: the source)
        from ``t`` on. The target accepts writes only when stopped with access (idling)."""
        r = np.asarray(rates_bytes_per_s, dtype=float).reshape(-1)
        lowest = float(r.min()) if r.shape == (self.n,) else -1.0
        r = np.where(r < 1e-6, 0.0, r)  # below a byte in ~12 days: nothing (no float noise)
        total = float(r.sum())
        # (a NaN or an infinity, or a sum beyond floats, makes the sum not finite: the sum
        # of the rates as given is so exactly when this one is, the tiny ones are so small)
        if not (lowest >= 0.0 and math.isfinite(total)):
            raise ValueError(f"write rates must be {self.n} finite bytes/s values >= 0")
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
        was = self._throttled
        self._demand[s] = r
        self._demand_sums[s] = (r, total)  # (its sum: the same array, the same float)
        out_end = self._end(t, before, out)
        if was and not self._throttled:
            out_end.append(Transition(t, "unthrottled",
                                      "Host writes no longer throttled: the link keeps up"))
        return out_end

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
        the group; when it comes back the group reconnects (R19b)."""
        out, before = self._begin(t)
        was_connected, was_throttled = self.connected, self._throttled
        if bandwidth_mbps is not None:
            self._bw_mbps = max(0.0, float(bandwidth_mbps))
        if extra_latency_ms is not None:
            self._extra_s = max(0.0, float(extra_latency_ms)) / 1000.0
        if loss_pct is not None:
            self._loss_pct = min(max(0.0, float(loss_pct)), 100.0)
        if background_copy_pct is not None:
            self._copy_pct = min(max(0.0, float(background_copy_pct)), 100.0)
        if up is not None:
            self._up = bool(up)
        self._link_figures = None
        self._connectivity_changed(was_connected)
        res = self._end(t, before, out)
        if was_throttled and not self._throttled and self.connected and self._running:
            res.append(Transition(t, "unthrottled",
                                  "Host writes no longer throttled: the link keeps up"))
        return res

    def _connectivity_changed(self, was_connected: bool) -> None:
        """Disconnect (freezing the target) or reconnect by the SVC's rules [V5K]."""
        if was_connected and not self.connected:
            if self._running:
                self._reconnect = "copy" if self._copying else "sync"
                self._leave_running()
            else:
                self._reconnect = None
        elif not was_connected and self.connected:
            how, self._reconnect = self._reconnect, None
            if self._access or how is None:
                return  # idling, or stopped before it disconnected: stays as it was
            if how == "copy":
                self._start_copy()
            elif not (self._dirty[0].any() or self._dirty[1].any()):
                self._running = True  # nothing changed: synchronized again
                self._enter_sync()

    def rack_lost(self, t: float, side: int) -> list[Transition]:
        """A site disaster on ``side``: its writes stop and nothing more is sent or
        applied; the group disconnects."""
        out, before = self._begin(t)
        was = self.connected
        self._lost[side] = True
        self._link_figures = None
        self._set_zero_rates(side)
        self._connectivity_changed(was)
        return self._end(t, before, out)

    def rack_restored(self, t: float, side: int) -> list[Transition]:
        """``side`` is back, with its data as it was; the group reconnects."""
        out, before = self._begin(t)
        was = self.connected
        self._lost[side] = False
        self._link_figures = None
        self._connectivity_changed(was)
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
        grains changed on either side since the stop afterwards (R19); with change volumes
        after a stop, a cycle that keeps the secondary consistent. The target becomes
        read-only again: writes to it are rejected."""
        out, before = self._begin(t)
        why = self.can_start()
        if why:
            raise self._refuse(out, why)
        if self._running:
            return self._end(t, before, out)
        tgt = 1 - self._src
        if self._rate_sum[tgt] > 0.0 or self._demand[tgt].any():
            self._set_zero_rates(tgt)
            out.append(Transition(t, "target_writes_rejected",
                                  "Writes to the secondary volumes are rejected: the "
                                  "consistency group makes them read-only"))
        self._reconnect = None
        if self.mode == ReplicationMode.CHANGE_VOLUMES and self._target_consistent:
            self._running = True  # a cycle now: the change volume keeps the image
            self._copying = False
            self._access = False
            self._cyc_active = False
            self._cyc_next = t
        else:
            self._start_copy()
        return self._end(t, before, out)

    def _start_copy(self) -> None:
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
        self._stall_since = math.nan
        if float(work.sum()) > 0.0:
            self._target_consistent = False

    def stop(self, t: float, access: bool = False) -> list[Transition]:
        """Stop the group (R19): ``consistent_stopped`` if synchronized,
        ``inconsistent_stopped`` if copying; with ``access`` (failover) both sides become
        writable: ``idling`` (``idling_disconnected`` when the peer is unreachable). As
        ``stoprcconsistgrp`` [STOP]: access is refused while the secondary is
        inconsistent, and a disconnected group stops only with access."""
        out, before = self._begin(t)
        if access and not self._target_consistent and not self._access:
            raise self._refuse(
                out, f"stop with access is refused: the consistency group is {self.state}, "
                "the secondary volumes hold no consistent copy (R19c)")
        if not self.connected and not access and not self._access:
            raise self._refuse(
                out, f"the consistency group is {self.state}: while disconnected it stops "
                "only with access (failover)")
        if self._running:
            self._leave_running()
        if access:
            self._access = True
            self._reconnect = None
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
        self._freeze_t = t
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

    # -- the time series: many instants of one segment at once -----------------------------

    def sample(self, times: np.ndarray) -> dict[str, np.ndarray]:
        """The group figures at each of ``times`` (increasing, from ``self.t`` to before
        the next transition: nothing discrete happens between them), in one pass of numpy:
        ``lag_bytes``, ``rpo_s``, ``throughput_bps``, ``bandwidth_bps``, ``progress``,
        ``host_delay_s``, ``writes_bps``, ``demand_bps``. The same values as the scalar
        accessors read at those instants (tests/test_replication.py checks it)."""
        tau_k = np.asarray(times, dtype=float)
        dt = tau_k - self._t0
        mode = self._mode
        b = self._bw_bytes()
        ones = np.ones_like(tau_k)
        if mode == _SYNC:
            hist = self._hist
            last = hist[-1]
            g = last.g0 + last.rate * (tau_k - last.t0)
            u = tau_k - self._delay
            # Mostly every instant lies in the last segment of the written curve, both for
            # what is applied and for the oldest unapplied write: then that segment's
            # figures serve as scalars (the same arithmetic as the general case below,
            # which gathers each instant's segment).
            if float(u[0]) >= last.t0:
                du = u - last.t0
                sent = last.g0 + last.rate * du - np.maximum(0.0, last.q0 + last.qs * du)
                applied = np.maximum(self._floor_g, sent)
            else:
                t0s = np.array(self._hist_t)
                g0s = np.array(self._hist_g)
                rates = np.array([h.rate for h in hist])
                q0s = np.array([h.q0 for h in hist])
                qss = np.array([h.qs for h in hist])
                k = np.clip(np.searchsorted(t0s, u, side="right") - 1, 0, None)
                du = u - t0s[k]
                sent = g0s[k] + rates[k] * du - np.maximum(0.0, q0s[k] + qss[k] * du)
                applied = np.where(u < t0s[0], self._floor_g, np.maximum(self._floor_g, sent))
            lag = np.maximum(0.0, g - applied)
            # the write time of the oldest unapplied byte: the inverse of the written curve
            if float(applied.min()) >= last.g0:  # in the last segment, which ends now
                if last.rate > 0.0:
                    inv = last.t0 + (applied - last.g0) / last.rate
                    tau = np.minimum(np.maximum(inv, last.t0), tau_k)
                else:
                    tau = tau_k
            else:
                tau = _oldest_write_time(_curve(hist), applied, tau_k)
            rpo = tau_k - tau
            backlog = np.maximum(0.0, self._q + self._qs * dt)
            through = np.where(backlog > 0.0, b, min(self._g_rate, b))
            if self.mode == ReplicationMode.METRO_MIRROR:
                host = ones * self.rtt_s
            elif b > 0.0:  # (no division by zero: no warning to silence)
                host = np.where(backlog > 0.0, backlog / b, 0.0)
            else:
                host = np.where(backlog > 0.0, np.inf, 0.0)
            progress = ones * self.progress
        else:
            lag = np.maximum(0.0, self._g_w + self._g_rate * dt - self._g_applied)
            o = self._g_oldest
            rpo = np.where(o < tau_k, tau_k - o, 0.0)
            host = np.zeros_like(tau_k)
            if mode == _COPY:
                left = np.maximum(0.0, self._copy_sum + self._copy_rate_sum * dt)
                total = self._copy_total_sum
                progress = (np.clip(1.0 - left / total, 0.0, 1.0) if total > 0.0
                            else ones * self.progress)
                through = np.where(left > 0.0, self._copy_link_use, 0.0)
            elif mode == _CYCLE:
                if self._cyc_active and self._cyc_total > 0.0:
                    left = np.maximum(0.0, self._cyc_left - self._cyc_rate * dt)
                    progress = np.clip(1.0 - left / self._cyc_total, 0.0, 1.0)
                    through = np.where(left > 0.0, self._cyc_rate, 0.0)
                else:
                    progress, through = ones, np.zeros_like(tau_k)
            else:
                progress, through = ones * self.progress, np.zeros_like(tau_k)
        return {"lag_bytes": lag, "rpo_s": rpo, "throughput_bps": through * 8.0,
                "bandwidth_bps": ones * b * 8.0, "progress": progress, "host_delay_s": host,
                "writes_bps": ones * self._g_rate * 8.0,
                "demand_bps": ones * self._rate_sum_demand(self._src) * 8.0}

    def sample_context(self) -> tuple[tuple[float, ...], _Curve] | None:
        """What :meth:`sample` needs for instants from now to before the next transition,
        kept so that :meth:`sample_bulk` gives the same figures later, for many events'
        instants at once: synchronized Global Mirror over a working link (the common
        case). None: call :meth:`sample` now."""
        if self._mode != _SYNC or self.mode == ReplicationMode.METRO_MIRROR:
            return None
        b = self._bw_bytes()
        if b <= 0.0:
            return None
        hist = self._hist
        last = hist[-1]
        prev = hist[-2] if len(hist) > 1 else last
        return ((len(hist), hist[0].t0,
                 last.t0, last.g0, last.rate, last.q0, last.qs,
                 prev.t0, prev.g0, prev.rate, prev.q0, prev.qs,
                 self._delay, self._floor_g, self._t0, self._q, self._qs, b, self._g_rate,
                 self.progress, self._rate_sum_demand(self._src)), _curve(hist))

    @staticmethod
    def sample_bulk(times: np.ndarray, counts: list[int],
                    contexts: list[tuple[tuple[float, ...], _Curve]]
                    ) -> dict[str, np.ndarray]:
        """:meth:`sample`'s figures at ``times``: the instants of several events in turn,
        ``counts[i]`` of them under ``contexts[i]`` (:meth:`sample_context`). The same
        arithmetic as ``sample``'s, element by element, on each instant's own figures:
        an instant reads the last segment of its event's written curve or the one before
        (an instant within the mirror delay of the last one's start); an event with an
        instant that needs an older one takes ``sample``'s general path."""
        tau_k = np.asarray(times, dtype=float)
        params = np.array([c[0] for c in contexts], dtype=float)
        which = np.repeat(np.arange(len(contexts)), counts)
        (m, first_t0, t0, g0, rate, q0, qs, p_t0, p_g0, p_rate, p_q0, p_qs,
         delay, floor_g, seg0, q, qsb, b, g_rate, progress, demand) = params[which].T
        dt = tau_k - seg0
        g = g0 + rate * (tau_k - t0)
        u = tau_k - delay
        # the segment each instant's applied bytes come from (sample's k)
        k_last = (u >= t0) | (m == 1)
        kt0, kg0 = np.where(k_last, t0, p_t0), np.where(k_last, g0, p_g0)
        krate, kq0, kqs = (np.where(k_last, rate, p_rate), np.where(k_last, q0, p_q0),
                           np.where(k_last, qs, p_qs))
        du = u - kt0
        sent = kg0 + krate * du - np.maximum(0.0, kq0 + kqs * du)
        applied = np.where(u < first_t0, floor_g, np.maximum(floor_g, sent))
        lag = np.maximum(0.0, g - applied)
        # the segment of the oldest unapplied write (sample's j), and where it ends
        j_last = (applied >= g0) | (m == 1)
        jt0, jg0 = np.where(j_last, t0, p_t0), np.where(j_last, g0, p_g0)
        jrate = np.where(j_last, rate, p_rate)
        ends = np.where(j_last, tau_k, t0)
        writing = jrate > 0.0
        inv = jt0 + (applied - jg0) / np.where(writing, jrate, 1.0)
        tau = np.where(writing, np.minimum(np.maximum(inv, jt0), ends), ends)
        tau = np.minimum(tau, tau_k)
        older = (m >= 3) & (((u >= first_t0) & (u < p_t0)) | (applied < p_g0))
        if older.any():
            bounds = np.cumsum([0, *counts])
            for i in np.unique(which[older]).tolist():
                lo, hi = int(bounds[i]), int(bounds[i + 1])
                c = contexts[i][0]
                applied[lo:hi], tau[lo:hi] = _applied_and_oldest(
                    contexts[i][1], c[13], c[12], tau_k[lo:hi])
                lag[lo:hi] = np.maximum(0.0, g[lo:hi] - applied[lo:hi])
        rpo = tau_k - tau
        backlog = np.maximum(0.0, q + qsb * dt)
        through = np.where(backlog > 0.0, b, np.minimum(g_rate, b))
        host = np.where(backlog > 0.0, backlog / b, 0.0)
        return {"lag_bytes": lag, "rpo_s": rpo, "throughput_bps": through * 8.0,
                "bandwidth_bps": b * 8.0, "progress": progress, "host_delay_s": host,
                "writes_bps": g_rate * 8.0, "demand_bps": demand * 8.0}

    def oldest_unapplied_age_at(self, times: np.ndarray, side: int) -> np.ndarray:
        """:meth:`oldest_unapplied_age_s` of a side that is not the source, at ``times``."""
        tau_k = np.asarray(times, dtype=float)
        started = np.where(self._rates[side] > 0, self._t0, _INF)
        first = float(np.minimum(self._oldest[side], started).min())
        return np.where(first < tau_k, tau_k - first, 0.0)

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
        if self._mode == _COPY and self._copy_moving:
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
        if self._mode == _SYNC:
            s = self._hist[-1]
            tau = self._tau()
            if tau >= s.t0:  # (the common case: the written bytes are not needed)
                lag = s.r * (t - tau)
            else:
                applied = self._sync_applied(t)
                w = self._w[src] + self._rates[src] * (t - self._t0)
                lag = np.maximum(w - applied, 0.0)
        else:
            w = self._w[src] + self._rates[src] * (t - self._t0)
            lag = np.maximum(w - self._applied[src], 0.0)
        return self._store("lag", lag)

    def lag_later(self, t: float) -> tuple[Any, ...]:
        """What :meth:`lag_bytes_per_volume` would give at ``t`` (from now to before the
        next transition), kept to evaluate later (:meth:`lag_of`): the arrays it reads
        (never changed in place) and its scalars. The time series keeps the per-volume lag
        every twelfth sample, which nothing may read in a headless run."""
        src = self._src
        if self._mode == _SYNC:
            s = self._hist[-1]
            tau = self._g_inverse(self._applied_value(t), t)  # (as _tau at t)
            if tau >= s.t0:
                return (s.r, t - tau)
            # (as _sync_applied: the segment of the oldest unapplied write)
            a = self._hist[bisect.bisect_right(self._hist_t, tau) - 1]
            return (self._w[src], self._rates[src], t - self._t0, a.w0, a.r, tau - a.t0)
        return (self._w[src], self._rates[src], t - self._t0, self._applied[src])

    @staticmethod
    def lag_of(later: tuple[Any, ...]) -> np.ndarray:
        """The per-volume lag :meth:`lag_later` kept: the same arithmetic, so the same
        values, bit for bit."""
        if len(later) == 2:
            return later[0] * later[1]
        if len(later) == 6:  # max(w0 + rates dt - (a0 + r da), 0), in two arrays
            w0, rates, dt, a0, r, da = later
            applied = r * da
            applied += a0  # (a + b is b + a, exactly)
            if dt == 0.0:  # (a sample at a rate change: w0 + rates 0.0 is w0, rates >= 0)
                return np.maximum(np.subtract(w0, applied, out=applied), 0.0, out=applied)
            w = rates * dt
            w += w0
            w -= applied
            return np.maximum(w, 0.0, out=w)
        w0, rates, dt, applied = later
        return np.maximum(w0 + rates * dt - applied, 0.0)

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
        if self._mode == _CYCLE:
            p = np.full(self.n, self.progress)
            return self._store("progress", p)
        total = self._copy_total
        left = self._copy_now()
        done = 1.0 if self._initial_complete or self._target_consistent else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(total > 0.0, 1.0 - left / np.where(total > 0.0, total, 1.0), done)
        return self._store("progress", np.clip(p, 0.0, 1.0))

    @property
    def copy_remaining_bytes(self) -> float:
        """The copy (initial, resync or change-volume cycle) work still to do."""
        if self._mode == _COPY:
            return max(0.0, self._copy_sum + self._copy_rate_sum * (self.t - self._t0))
        if self._mode == _CYCLE:
            if not self._cyc_active:
                return 0.0
            return max(0.0, self._cyc_left - self._cyc_rate * (self.t - self._t0))
        return self._copy_sum

    @property
    def progress(self) -> float:
        """0..1 of the copy under way (initial, resync, or a change-volume cycle) or
        pending; 1 when none."""
        if self._mode == _CYCLE:
            if not self._cyc_active or self._cyc_total <= 0.0:
                return 1.0
            return min(1.0, max(0.0, 1.0 - self.copy_remaining_bytes / self._cyc_total))
        total = self._copy_total_sum
        if total <= 0.0:
            return 1.0 if (self._initial_complete or self._target_consistent) else 0.0
        return min(1.0, max(0.0, 1.0 - self.copy_remaining_bytes / total))

    @property
    def eta_s(self) -> float | None:
        """Seconds until the copy under way completes at current rates (None: no copy
        under way, or it cannot finish at these rates). With several volumes at different
        paces it is the time until the last one is done, if each kept its pace."""
        if self._mode == _CYCLE:
            if not self._cyc_active or self._cyc_rate <= 0.0:
                return None
            return self.copy_remaining_bytes / self._cyc_rate
        if self._mode != _COPY:
            return None
        left = self._copy_now()
        busy = left > 0.0
        if not busy.any():
            return 0.0
        if bool(np.any(self._copy_slope[busy] >= 0.0)):
            return None  # a volume makes no headway: the copy cannot finish
        # the larger of two bounds: the share's (all the work at the share left by the
        # writes) and the pace's (each volume at most at the relationship limit)
        w = self._rates[self._src][busy]
        share = self._copy_share - float(w.sum())
        if share <= 0.0:
            return None
        eta = float(left.sum()) / share
        if math.isfinite(self._rel_cap):
            eta = max(eta, float(np.max(left[busy] / np.maximum(self._rel_cap - w, 1e-9))))
        return eta

    @property
    def backlog_bytes(self) -> float:
        """Global Mirror queue at the source (synchronized only)."""
        if self._mode != _SYNC:
            return 0.0
        return max(0.0, self._q + self._qs * (self.t - self._t0))

    @property
    def host_delay_s(self) -> float:
        """Extra delay of a host write now (R20): the backlog ahead of it at the link
        bandwidth (Global Mirror), a round trip (Metro Mirror); 0 while the link keeps up
        and whenever the group is not mirroring."""
        if self._mode == _SYNC and self.mode == ReplicationMode.METRO_MIRROR:
            return self.rtt_s
        q = self.backlog_bytes
        if q <= 0.0:
            return 0.0
        b = self._bw_bytes()
        return q / b if b > 0.0 else _INF

    @property
    def write_rate_bytes_s(self) -> float:
        """Group write rate on the source (achieved)."""
        return self._g_rate

    @property
    def write_rate_bps(self) -> float:
        """Group write rate on the source (achieved), bits/s."""
        return self._g_rate * 8.0

    @property
    def demand_rate_bps(self) -> float:
        """Group write rate the source's hosts ask for, bits/s."""
        return self._rate_sum_demand(self._src) * 8.0

    @property
    def throughput_bytes_s(self) -> float:
        """Current use of the FC link by replication, bytes/s."""
        mode = self._mode
        if mode == _COPY:
            return self._copy_link_use if self.copy_remaining_bytes > 0.0 else 0.0
        if mode == _CYCLE:
            return self._cyc_rate if self.copy_remaining_bytes > 0.0 else 0.0
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
