"""Host write rates of the workloads: what the SAN replication has to carry (R2, R15, R20).

Each workload writes at its configured mean (MB/s) times a seeded variation:

* a daily cycle, a sinusoid with its trough at 04:00 and its peak at 16:00, amplitude
  ``amplitude`` (each workload's own amplitude is drawn once, +-30 %), held constant over
  each clock hour at its exact hourly mean, so a whole day averages exactly 1;
* random bursts: Poisson arrivals (``bursts_per_day`` per workload), each lasting 2 to 8
  minutes (uniform), writing ``burst_factor`` times the cycle's rate. The base rate is
  scaled down by the bursts' expected extra so that the long-run mean is the configured
  mean. Burst edges fall on whole ``edge_step_s`` (default a minute): however many
  workloads there are, the rates change at most 1,440 + 24 times a day, which keeps the
  replication's cost per simulated day bounded;
* ``surge`` (an instructor's fault, scenario ``surge-writes``): the workload writes
  exactly ``write_mb_s`` for a while, whatever the cycle and bursts say.

Rates are **piecewise constant** (steps on the hour and at burst and surge edges), so the
replication moves in closed form between :meth:`WriteModel.next_change_after` times. The
model draws one seed from the generator it is given and then uses its own generator,
generating bursts day by day in order: the same seed gives the same rates, however the
model is queried. It keeps the bursts of the day of the latest query, the day before (a
burst may run past midnight) and the day after, and forgets older ones, so a long run
holds a constant amount; a query into a forgotten day replays the generator from its
start (the same draws, so the same bursts). Time ``t`` is simulated seconds;
``clock_offset_s`` is the time of day at ``t = 0`` (default midnight).
"""

from __future__ import annotations

import bisect
import copy
import math

import numpy as np

from twin.config import MB

DAY_S = 86_400.0
HOUR_S = 3_600.0
TROUGH_HOUR = 4.0  # the daily cycle's low point; the peak is 12 hours later
BURST_MIN_S = 120.0
BURST_MAX_S = 480.0
# the mean of cos over one hour around its centre, relative to the centre value
_HOUR_MEAN = math.sin(math.pi / 24) / (math.pi / 24)


class WriteModel:
    """Per-workload write rates (bytes/s) with a daily cycle, bursts and surges."""

    def __init__(
        self,
        mean_mb_s: np.ndarray,
        rng: np.random.Generator,
        variation: bool = True,
        *,
        amplitude: float = 0.5,
        bursts_per_day: float = 4.0,
        burst_factor: float = 3.0,
        clock_offset_s: float = 0.0,
        edge_step_s: float = 60.0,
    ) -> None:
        mean = np.array(mean_mb_s, dtype=float).reshape(-1)
        if not np.all(np.isfinite(mean)) or np.any(mean < 0):
            raise ValueError("mean write rates must be finite MB/s values >= 0")
        if not 0.0 <= amplitude < 1.0:
            raise ValueError(f"amplitude must be in [0, 1), not {amplitude!r}")
        self.n = mean.size
        self.mean_mb_s = mean
        self.variation = bool(variation)
        self.bursts_per_day = max(0.0, float(bursts_per_day))
        self.burst_factor = max(1.0, float(burst_factor))
        self.clock_offset_s = float(clock_offset_s)
        self.edge_step_s = max(0.0, float(edge_step_s))
        self._rng = np.random.default_rng(int(rng.integers(0, 2**63 - 1)))
        amp = amplitude * self._rng.uniform(0.7, 1.3, self.n) if self.n else np.zeros(0)
        amp = np.minimum(amp, 0.95)
        extra = self.bursts_per_day * (BURST_MIN_S + BURST_MAX_S) / 2 / DAY_S
        base = mean * MB / (1.0 + extra * (self.burst_factor - 1.0))
        hours = np.arange(24) + 0.5  # the centre of each clock hour
        cyc = np.cos(2 * math.pi * (hours - TROUGH_HOUR - 12.0) / 24.0) * _HOUR_MEAN
        self._hourly = base[:, None] * (1.0 + amp[:, None] * cyc[None, :])  # (n, 24)
        self._by_hour = np.ascontiguousarray(self._hourly.T)  # (24, n): an hour's rates
        self._flat = mean * MB
        # bursts, generated a day at a time (in order: deterministic); days before
        # _first_day are forgotten, days from _first_day to _days are in _chunks
        self._rng_at_day0 = copy.deepcopy(self._rng.bit_generator.state)
        self._first_day = 0
        self._days = 0
        self._chunks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self._b_start = np.zeros(0)
        self._b_end = np.zeros(0)
        self._b_wl = np.zeros(0, dtype=np.intp)
        self._edges: list[float] = []
        # surges: (start, end, workload, bytes/s), in the order they were made
        self._surges: list[tuple[float, float, int, float]] = []

    # -- bursts ---------------------------------------------------------------------------

    def _ensure(self, t: float) -> None:
        """Have the bursts of the clock day of ``t``, the day before and the day after;
        forget the days before those."""
        if not self.variation or self.bursts_per_day <= 0.0 or self.n == 0:
            return
        day = int(math.floor((t + self.clock_offset_s) / DAY_S))
        first, need = max(0, day - 1), day + 2
        if first < self._first_day:  # a forgotten day: replay the generator from day 0
            self._rng.bit_generator.state = copy.deepcopy(self._rng_at_day0)
            self._first_day, self._days, self._chunks = 0, 0, []
        changed = False
        while self._days < need:
            d = self._days
            counts = self._rng.poisson(self.bursts_per_day, self.n)
            k = int(counts.sum())
            wl = np.repeat(np.arange(self.n, dtype=np.intp), counts)
            s = (d * DAY_S - self.clock_offset_s) + self._rng.uniform(0.0, DAY_S, k)
            dur = self._rng.uniform(BURST_MIN_S, BURST_MAX_S, k)
            q = self.edge_step_s
            if q > 0.0:
                s = np.floor(s / q) * q
                dur = np.maximum(np.round(dur / q), 1.0) * q
            if d >= first:
                self._chunks.append((d, s, s + dur, wl))
            self._days = d + 1
            changed = True
        if self._chunks and self._chunks[0][0] < first:
            self._chunks = [c for c in self._chunks if c[0] >= first]
            changed = True
        self._first_day = max(self._first_day, first)
        if not changed:
            return
        s_all = np.concatenate([c[1] for c in self._chunks]) if self._chunks else np.zeros(0)
        e_all = np.concatenate([c[2] for c in self._chunks]) if self._chunks else np.zeros(0)
        w_all = (np.concatenate([c[3] for c in self._chunks]) if self._chunks
                 else np.zeros(0, dtype=np.intp))  # fmt: skip
        order = np.argsort(s_all, kind="stable")
        self._b_start = s_all[order]
        self._b_end = e_all[order]
        self._b_wl = w_all[order]
        # np.unique's own steps (sort, drop repeats): np.unique imports numpy.ma (~7 ms)
        edges = np.sort(np.concatenate([self._b_start, self._b_end]))
        if edges.size:
            edges = edges[np.concatenate(([True], edges[1:] != edges[:-1]))]
        self._edges = edges.tolist()

    # -- queries --------------------------------------------------------------------------

    def rates_at(self, t: float) -> np.ndarray:
        """Write rate of every workload (bytes/s) from ``t`` until the next change."""
        if self.variation:
            hour = int(math.floor((t + self.clock_offset_s) / HOUR_S)) % 24
            rates = self._by_hour[hour].copy()
            self._ensure(t)
            if self._b_start.size:
                lo = int(self._b_start.searchsorted(t - BURST_MAX_S, side="right"))
                hi = int(self._b_start.searchsorted(t, side="right"))
                if hi > lo:
                    active = self._b_end[lo:hi] > t
                    if active.any():  # (a workload in two bursts at once: multiplied once)
                        rates[self._b_wl[lo:hi][active]] *= self.burst_factor
        else:
            rates = self._flat.copy()
        for start, end, i, rate in self._surges:
            if start <= t < end:
                rates[i] = rate
        return rates

    def mean_rates(self) -> np.ndarray:
        """The configured means, bytes/s."""
        return self._flat.copy()

    def next_change_after(self, t: float) -> float:
        """The first time after ``t`` at which some rate may change (inf: never)."""
        best = math.inf
        if self.variation:
            x = t + self.clock_offset_s
            best = (math.floor(x / HOUR_S) + 1) * HOUR_S - self.clock_offset_s
            if best <= t:  # float rounding at a boundary
                best += HOUR_S
            self._ensure(t)
            i = bisect.bisect_right(self._edges, t)
            if i < len(self._edges):
                best = min(best, self._edges[i])
        for start, end, _, _ in self._surges:
            if start > t:
                best = min(best, start)
            if end > t:
                best = min(best, end)
        return best

    def surge(self, t: float, workload_index: int, write_mb_s: float, duration_s: float) -> None:
        """From ``t`` for ``duration_s`` the workload writes exactly ``write_mb_s``."""
        if not 0 <= workload_index < self.n:
            raise IndexError(f"workload index {workload_index} out of range 0..{self.n - 1}")
        if not math.isfinite(write_mb_s) or write_mb_s < 0:
            raise ValueError(f"write_mb_s must be a finite value >= 0, not {write_mb_s!r}")
        if not math.isfinite(duration_s) or duration_s <= 0:
            raise ValueError(f"duration_s must be more than 0, not {duration_s!r}")
        self._surges.append((float(t), float(t) + duration_s, workload_index, write_mb_s * MB))
        self._surges = [s for s in self._surges if s[1] > t]
