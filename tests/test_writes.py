"""Workload write rates (twin/writes.py): piecewise constant, seeded, mean as configured."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from twin.config import MB
from twin.writes import DAY_S, HOUR_S, WriteModel

MEANS = np.array([6.0, 2.0, 0.5, 12.0])


def model(seed: int = 7, **kw: object) -> WriteModel:
    return WriteModel(MEANS, np.random.default_rng(seed), **kw)  # type: ignore[arg-type]


def integrate(m: WriteModel, until: float) -> tuple[np.ndarray, int]:
    """Exact integral of the piecewise-constant rates over [0, until]."""
    total = np.zeros(m.n)
    t, steps = 0.0, 0
    while t < until:
        nxt = min(m.next_change_after(t), until)
        assert nxt > t
        total += m.rates_at(t) * (nxt - t)
        t, steps = nxt, steps + 1
    return total, steps


def test_rates_are_piecewise_constant_between_changes() -> None:
    m = model()
    t = 0.0
    for _ in range(300):
        nxt = m.next_change_after(t)
        r = m.rates_at(t)
        for x in np.linspace(t, nxt, 5, endpoint=False)[1:]:
            assert np.array_equal(m.rates_at(float(x)), r)
        t = nxt


def test_long_run_mean_is_the_configured_mean() -> None:
    m = model()
    total, steps = integrate(m, 60 * DAY_S)
    mean = total / (60 * DAY_S) / MB
    assert np.allclose(mean, MEANS, rtol=0.03)
    assert steps < 60 * (24 + 2 * 4 * len(MEANS) + 10)  # hourly steps and burst edges


def test_daily_cycle_trough_at_four_and_peak_in_the_afternoon() -> None:
    m = model(bursts_per_day=0.0)
    hourly = np.array([m.rates_at(h * HOUR_S + 1.0) for h in range(24)])
    assert np.all((np.argmin(hourly, axis=0) >= 3) & (np.argmin(hourly, axis=0) <= 4))
    assert np.all((np.argmax(hourly, axis=0) >= 15) & (np.argmax(hourly, axis=0) <= 16))
    assert np.allclose(hourly.mean(axis=0), MEANS * MB, rtol=1e-12)
    assert np.all(hourly.max(axis=0) > 1.2 * hourly.min(axis=0))


def test_bursts_happen_and_are_a_few_minutes_long() -> None:
    m = model()
    base = model(bursts_per_day=0.0)
    t, burst_s = 0.0, 0.0
    while t < 10 * DAY_S:
        nxt = m.next_change_after(t)
        if np.any(m.rates_at(t) > base.rates_at(t) * 1.5):
            burst_s += nxt - t
        t = nxt
    # about 4 bursts a day per workload, 5 minutes each, some overlap
    assert 0.5 * 10 * 4 * 300 < burst_s < 1.5 * 10 * 4 * 4 * 300


def test_same_seed_same_rates_whatever_the_query_order() -> None:
    times = [0.0, 100.0, 7_000.0, 50_000.0, 3 * DAY_S + 17.0, 9 * DAY_S + 5.0]
    a = model(seed=3)
    ra = [a.rates_at(t) for t in times]
    b = model(seed=3)
    rb = [b.rates_at(t) for t in reversed(times)][::-1]  # far future first
    assert all(np.array_equal(x, y) for x, y in zip(ra, rb, strict=True))
    c = model(seed=4)
    assert not all(np.array_equal(x, c.rates_at(t)) for x, t in zip(ra, times, strict=True))


def test_no_variation_is_flat_and_never_changes() -> None:
    m = model(variation=False)
    assert np.array_equal(m.rates_at(12_345.0), MEANS * MB)
    assert math.isinf(m.next_change_after(0.0))


def test_surge_overrides_then_ends() -> None:
    m = model(variation=False)
    m.surge(100.0, 2, 40.0, 600.0)
    assert m.next_change_after(0.0) == 100.0
    assert m.rates_at(100.0)[2] == 40.0 * MB
    assert m.rates_at(699.0)[2] == 40.0 * MB
    assert m.next_change_after(100.0) == 700.0
    assert m.rates_at(700.0)[2] == 0.5 * MB
    assert np.array_equal(m.rates_at(300.0)[[0, 1, 3]], MEANS[[0, 1, 3]] * MB)
    with pytest.raises(IndexError):
        m.surge(800.0, 9, 1.0, 10.0)


def test_past_days_are_forgotten_and_the_rates_stay_the_same() -> None:
    """Issue 8, finding 9: a long run keeps three days of bursts, not every past day; a
    query into a forgotten day replays the generator and gets the same rates."""
    walked = model(seed=11)
    t, seen = 0.0, []
    while t < 20 * DAY_S:
        seen.append((t, walked.rates_at(t), walked.next_change_after(t)))
        t = walked.next_change_after(t)
        assert len(walked._chunks) <= 3 and walked._b_start.size < 3 * 4 * len(MEANS) * 4
    fresh = model(seed=11)
    rng = np.random.default_rng(5)
    picks = [seen[i] for i in rng.choice(len(seen), 300, replace=False)]
    for t, rates, nxt in sorted(picks, key=lambda p: -p[0]) + picks:  # backwards, then shuffled
        assert np.array_equal(fresh.rates_at(t), rates)
        assert fresh.next_change_after(t) == nxt
    # forgetting changes no rate: the digest is that of the model that kept every day
    digest = hashlib.sha256()
    for t, rates, _ in seen:
        digest.update(rates.tobytes())
        digest.update(np.float64(t).tobytes())
    assert digest.hexdigest() == (
        "04dda1e9e465bf72b77941561544402d9f3adb6a1010b3429d426ac263f38a2b")
