"""A peer of the twin's replication core written the usual way: a SimPy process that
advances every simulated second (issue 9). It shares nothing with twin/replication.py but
the documented equations (docs/replication.md) and the inputs: the write model
(twin/writes.py, same seed) and the scenario's figures. bench/bench_simpy.py runs both on
the same day, checks that they give the same lag and RPO series and prints how much faster
the closed-form engine is; tests/test_simpy_peer.py does the same on a shorter day.

Modelled, as in the twin with the default settings: Global Mirror with the mirror delay
D(W) of sequence-numbered batches, a FIFO backlog at the link's rate, FC cuts that freeze
the secondary, a resync of the changed grains paced per volume (25 MB/s) within the
partnership's share after a resume. Time advances in whole seconds; the curves are
piecewise linear between them, so a delayed or inverted value is interpolated exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from twin.config import MB, SystemConfig, volume_layout
from twin.writes import WriteModel


@dataclass
class Plan:
    """The instructor's timeline for the peer: (time, what) with what in cut, restore,
    resume."""

    events: list[tuple[float, str]] = field(default_factory=list)


class GlobalMirrorPeer:
    """Global Mirror over one FC link, advanced second by second."""

    def __init__(self, system: SystemConfig, seed: int, plan: Plan, sample_every_s: float = 10.0):
        cfg = system.replication
        layout = volume_layout(system)
        names = [w.name for w in system.workloads]
        self.vol_wl = np.array([names.index(wl) for wl, _, _ in layout], dtype=np.intp)
        per_wl = np.array([max(1, w.volumes) for w in system.workloads], dtype=float)
        self.share = 1.0 / per_wl[self.vol_wl]
        self.size = np.array([s for _, _, s in layout], dtype=float)
        self.n = len(self.size)
        _, writes_seed = np.random.SeedSequence(seed).spawn(2)
        self.writes = WriteModel(np.array([w.write_mb_s for w in system.workloads]),
                                 np.random.default_rng(writes_seed))
        link = system.fc_link
        self.bw = link.bandwidth_mbps * 1e6 / 8 * (1 - link.loss_pct / 100)
        self.copy_bw = self.bw * link.background_copy_pct / 100
        self.cap = cfg.relationship_bandwidth_mb_s * MB if cfg.relationship_bandwidth_mb_s else math.inf
        self.d = link.one_way_delay_s(system.distance_km)
        self.cfg = cfg
        self.plan = sorted(plan.events)
        self.every = sample_every_s
        # state
        self.mode = "sync"
        self.w = np.zeros(self.n)  # cumulative written per volume (from t = 0)
        self.applied = np.zeros(self.n)
        self.q = 0.0
        self.floor = 0.0  # applied bytes committed (monotone)
        self.hist_t: list[float] = [0.0]  # times of the cumulative curves (seconds)
        self.hist_g: list[float] = [0.0]  # group written at those times
        self.hist_sent: list[float] = [0.0]  # group sent at those times
        self.tau_freeze = 0.0  # write time of the oldest unapplied write at the freeze
        self.copy = np.zeros(self.n)
        self.samples: list[tuple[float, float, float, float]] = []  # (t, lag, rpo, copying)

    # -- the documented equations ----------------------------------------------------

    def mirror_delay(self, w: float) -> float:
        c = self.cfg
        i = c.batch_interval_s
        rho = min(w / self.bw, 0.99)
        s = rho * i
        wait = rho * s / (2 * (1 - rho))
        f = c.colliding_writes_pct / 100
        p = 1 - (1 - f) ** (w * i / (c.io_size_kb * 1e3)) if w > 0 and f > 0 else 0.0
        return i + s + wait + self.d + p * 2 * self.d

    def _interp(self, xs: list[float], ys: list[float], x: float) -> float:
        """Piecewise-linear value at x (clamped to the recorded range)."""
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        k = int(np.searchsorted(xs, x, side="right")) - 1
        f = (x - xs[k]) / (xs[k + 1] - xs[k])
        return ys[k] + f * (ys[k + 1] - ys[k])

    def _inverse_time(self, g: float) -> float:
        """The latest time at which the group had written at most ``g`` bytes."""
        xs, ys = self.hist_t, self.hist_g
        k = int(np.searchsorted(ys, g, side="right")) - 1
        k = min(max(k, 0), len(xs) - 1)
        if k + 1 >= len(xs) or ys[k + 1] == ys[k]:
            return xs[min(k + 1, len(xs) - 1)] if ys[k] < g else xs[k]
        return xs[k] + (g - ys[k]) / (ys[k + 1] - ys[k]) * (xs[k + 1] - xs[k])

    # -- one second ------------------------------------------------------------------

    def rates(self, t: float) -> np.ndarray:
        return self.writes.rates_at(t)[self.vol_wl] * self.share

    def step(self, t: float, dt: float = 1.0) -> None:
        """From ``t`` to ``t + dt``: writes, the queue, the copy."""
        r = self.rates(t)
        wsum = float(r.sum())
        if self.mode == "copy":
            self._copy_step(t, dt, r)
        self.w = self.w + r * dt
        if self.mode == "sync":
            self.q = max(0.0, self.q + (wsum - self.bw) * dt)
            self.delay = self.mirror_delay(min(wsum, self.bw))
            self.hist_t.append(t + dt)
            self.hist_g.append(float(self.w.sum()))
            self.hist_sent.append(float(self.w.sum()) - self.q)
            keep = max(0, len(self.hist_t) - 64)  # a minute of history is plenty
            if keep:
                del self.hist_t[:keep], self.hist_g[:keep], self.hist_sent[:keep]

    def _copy_step(self, t: float, dt: float, r: np.ndarray) -> None:
        end = t + dt
        while t < end:
            active = self.copy > 0
            n_active = int(active.sum())
            if n_active == 0:
                return
            done_use = float(np.minimum(np.where(active, 0.0, r), self.cap).sum())
            pace = min(self.cap, max(0.0, self.copy_bw - done_use) / n_active)
            head = np.where(active, pace - r, 0.0)
            moving = active & (head > 0)
            if not moving.any():
                return
            finish = np.where(moving, self.copy / np.where(moving, head, 1.0), np.inf)
            step = min(float(finish.min()), end - t)
            self.copy = np.where(moving, np.maximum(0.0, self.copy - head * step), self.copy)
            self.copy[finish <= step * (1 + 1e-12)] = 0.0
            t += step
            if not (self.copy > 0).any():  # the resync completes at t: synchronized
                w_now = self.w + r * (t - (end - dt))
                self.applied = w_now.copy()
                self.mode = "sync"
                self.q = 0.0
                g = float(w_now.sum())
                self.floor = g
                self.hist_t, self.hist_g, self.hist_sent = [t], [g], [g]
                return

    def applied_now(self, t: float) -> float:
        if self.mode != "sync":
            return float(self.applied.sum())
        a = self._interp(self.hist_t, self.hist_sent, t - self.delay)
        if t - self.delay < self.hist_t[0]:
            a = self.floor
        self.floor = max(self.floor, a)
        return self.floor

    def lag_rpo(self, t: float) -> tuple[float, float]:
        g = float(self.w.sum())
        a = self.applied_now(t)
        lag = max(0.0, g - a)
        if self.mode == "sync":
            rpo = t - min(self._inverse_time(a), t) if lag > 0 else 0.0
        else:
            rpo = t - self.tau_freeze if lag > 0 else 0.0
        return lag, rpo

    # -- the instructor's events -----------------------------------------------------

    def cut(self, t: float) -> None:
        a = self.applied_now(t)
        tau = min(self._inverse_time(a), t)
        # per volume, what was written up to tau is applied; the rest is changed
        r = self.rates(max(tau - 1e-9, 0.0))
        g_now = float(self.w.sum())
        behind = g_now - self._interp(self.hist_t, self.hist_g, tau)
        frac = r / r.sum() if r.sum() > 0 else np.zeros(self.n)
        self.applied = self.w - frac * behind
        self.tau_freeze = tau
        self.mode = "halt"

    def resume(self, t: float) -> None:
        self.copy = np.minimum(self.size, self.w - self.applied)
        self.mode = "copy"

    # -- SimPy -------------------------------------------------------------------------

    def run(self, horizon_s: float) -> list[tuple[float, float, float, float]]:
        env = simpy.Environment()
        plan = list(self.plan)
        self.delay = self.mirror_delay(float(self.rates(0.0).sum()))

        def clock():  # type: ignore[no-untyped-def]
            t = 0
            while t < horizon_s:
                if self.mode == "sync":
                    # applied bytes are committed at every step (they never go back), then
                    # the delay is that of the rates from t: when it grows, application
                    # pauses until it catches up (docs/replication.md);
                    # the write-rate change at t comes before the instructor's event at t
                    self.applied_now(float(t))
                    self.delay = self.mirror_delay(min(float(self.rates(t).sum()), self.bw))
                while plan and plan[0][0] <= t:
                    _, what = plan.pop(0)
                    if what == "cut":
                        self.cut(t)
                    elif what == "resume":
                        self.resume(t)
                if t % self.every == 0:
                    lag, rpo = self.lag_rpo(float(t))
                    self.samples.append((float(t), lag, rpo, float(self.mode == "copy")))
                self.step(float(t))
                t += 1
                yield env.timeout(1)

        env.process(clock())
        env.run(until=horizon_s)
        return self.samples
