"""SAN replication physics (twin/replication.py): R8, R15, R18-R20 in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.config import GB, MB, LinkConfig, ReplicationConfig
from twin.replication import STATES, ReplicationError, SanReplication, Transition

LINK = LinkConfig(bandwidth_mbps=2000.0, background_copy_pct=40.0)
SIZES = np.array([100.0, 150.0, 50.0]) * GB  # 300 GB in all
# The fluid core alone: the mirror delay is the link's one-way delay (no batching, no
# colliding writes), copies are not paced per relationship, the buffer has no bound. The
# tests of the mechanics (queues, curves, freezes, resyncs) use it; the tests of what the
# SVC adds on top (R15a, R19a, R20a) use the defaults, in tests/test_svc_fidelity.py too.
IDEAL = ReplicationConfig(batch_interval_s=0.0, colliding_writes_pct=0.0,
                          relationship_bandwidth_mb_s=0.0, max_backlog_mb=1e12)


def codes(trs: list[Transition]) -> list[str]:
    return [tr.code for tr in trs]


def synced(sizes: np.ndarray = SIZES, km: float = 1200.0, link: LinkConfig = LINK,
           rates: np.ndarray | None = None,
           cfg: ReplicationConfig = IDEAL) -> SanReplication:
    r = SanReplication(sizes, km, link, cfg)
    r.assume_synchronized(0.0)
    if rates is not None:
        r.set_write_rates(0.0, rates)
    return r


# -- initial copy (R8, R19) -------------------------------------------------------------------


def test_initial_copy_takes_size_over_background_share() -> None:
    """Without a per-relationship limit the copy uses the whole share, divided evenly
    among the volumes still copying: N / (B x pct) in all."""
    r = SanReplication(SIZES, 1200.0, LINK, IDEAL)
    assert r.state == "inconsistent_stopped" and not r.consistent
    assert r.progress == 0.0 and math.isinf(r.rpo_s)
    r.start(0.0)
    expected = 300 * 8000 / (2000 * 40 / 100)  # N*8000/(B*p/100) = 3000 s
    # each of the three volumes copies at a third of 100 MB/s: the 50 GB one is done first
    assert r.next_transition_time() == pytest.approx(50 * GB / (100 * MB / 3), rel=1e-12)
    r.advance(expected / 2)
    assert r.progress == pytest.approx(0.5)
    assert np.allclose(r.progress_per_volume(), [0.5, 1 / 3, 1.0])
    assert r.eta_s == pytest.approx(expected / 2)  # 50 + 50 GB left at 50 MB/s each
    assert r.state == "inconsistent_copying" and not r.initial_copy_complete
    assert r.throughput_bps == pytest.approx(2000e6 * 0.4)
    trs = r.advance(expected - 1e-6)
    assert trs == [] and r.state == "inconsistent_copying"
    trs = r.advance(expected + 1)
    assert codes(trs) == ["copy_complete", "state"]
    assert trs[0].t == pytest.approx(expected, rel=1e-12)
    assert r.state == "consistent_synchronized" and r.consistent and r.initial_copy_complete
    assert r.progress == 1.0 and r.lag_bytes == 0.0 and r.rpo_s == 0.0


def test_initial_copy_is_longer_with_writes() -> None:
    r = SanReplication(SIZES, 1200.0, LINK, IDEAL)
    rates = np.array([20.0, 10.0, 0.0]) * MB  # 30 MB/s against a 100 MB/s copy share
    r.set_write_rates(0.0, rates)
    r.start(0.0)
    c = 2000e6 / 8 * 0.4
    expected = 300 * GB / (c - 30 * MB)
    assert expected > 3000 * 1.4
    trs = r.advance(expected + 10)
    assert codes(trs) == ["copy_complete", "state"]
    assert trs[0].t == pytest.approx(expected, rel=1e-9)
    # the backup holds everything written up to the completion, nothing more is missing
    assert r.lag_bytes == pytest.approx(30 * MB * r.one_way_delay_s, rel=1e-6)


def test_copy_cannot_finish_when_writes_exceed_the_copy_share() -> None:
    cfg = ReplicationConfig(relationship_bandwidth_mb_s=0.0, gm_link_tolerance_s=0.0)
    r = SanReplication(SIZES, 1200.0, LINK, cfg)
    r.set_write_rates(0.0, np.array([60.0, 60.0, 40.0]) * MB)  # each above its 33 MB/s
    r.start(0.0)
    assert r.next_transition_time() is None and r.eta_s is None
    r.advance(86_400.0)
    assert r.state == "inconsistent_copying" and r.progress == 0.0


# -- Global Mirror steady state (R15) ---------------------------------------------------------


def test_steady_state_rpo_at_8000_km_is_hundreds_of_ms() -> None:
    """R15, R15a: the RPO is the mirror delay — batching, sending, queueing, propagation,
    colliding writes — not the propagation alone (the article: hundreds of ms)."""
    rates = np.array([30.0, 15.0, 5.0]) * MB
    r = synced(km=8000.0, link=LinkConfig(bandwidth_mbps=8000.0), rates=rates,
               cfg=ReplicationConfig())
    r.advance(3600.0)
    d = 8000 * 5e-6 + 4 * 25e-6
    assert r.one_way_delay_s == pytest.approx(d)
    big_d = r.mirror_delay_s()
    assert big_d > d + 0.1  # at least a batch interval more than the propagation
    assert 0.1 < r.rpo_s < 0.5
    assert r.rpo_s == pytest.approx(big_d, rel=1e-6)
    assert np.allclose(r.rpo_s_per_volume(), big_d, rtol=1e-6)
    assert r.lag_bytes == pytest.approx(50 * MB * big_d, rel=1e-6)
    assert np.allclose(r.lag_bytes_per_volume(), rates * big_d, rtol=1e-6)
    assert r.host_delay_s == 0.0 and r.errors == []
    assert r.throughput_bps == pytest.approx(50 * MB * 8)
    assert r.unapplied_bytes() == pytest.approx(r.lag_bytes)
    assert r.oldest_unapplied_age_s() == pytest.approx(r.rpo_s)


def test_idle_volume_has_no_lag_and_no_rpo() -> None:
    r = synced(rates=np.array([10.0, 0.0, 5.0]) * MB)
    r.advance(100.0)
    assert r.lag_bytes_per_volume()[1] == 0.0 and r.rpo_s_per_volume()[1] == 0.0
    r.set_write_rates(100.0, np.zeros(3))
    r.advance(100.0 + r.one_way_delay_s / 2)
    assert r.lag_bytes > 0 and r.rpo_s == pytest.approx(r.one_way_delay_s, rel=1e-6)
    r.advance(101.0)
    assert r.lag_bytes == 0.0 and r.rpo_s == 0.0


def test_backlog_when_writes_briefly_exceed_bandwidth_then_drains() -> None:
    link = LinkConfig(bandwidth_mbps=800.0)  # 100 MB/s
    r = synced(link=link, rates=np.array([40.0, 40.0, 0.0]) * MB)
    r.set_write_rates(10.0, np.array([80.0, 40.0, 0.0]) * MB)  # 120 MB/s for 60 s
    assert codes(r.advance(70.0)) == ["host_delay_high"]
    assert r.backlog_bytes == pytest.approx(20 * MB * 60, rel=1e-9)
    assert r.host_delay_s == pytest.approx(12.0, rel=1e-9)
    # the oldest unapplied write waited for the whole backlog ahead of it
    assert r.rpo_s > 10.0
    trs = r.set_write_rates(70.0, np.array([40.0, 40.0, 0.0]) * MB)  # 80 MB/s: drains at 20
    assert trs == []
    trs = r.advance(200.0)
    assert codes(trs) == ["host_delay_ok", "backlog_drained"]
    assert trs[0].t < trs[1].t
    assert trs[1].t == pytest.approx(70.0 + 1200 * MB / (20 * MB), rel=1e-9)
    assert r.state == "consistent_synchronized" and r.errors == []
    assert r.rpo_s == pytest.approx(r.one_way_delay_s, rel=1e-6)


def test_per_volume_rpo_follows_the_write_order_through_a_backlog() -> None:
    link = LinkConfig(bandwidth_mbps=800.0)  # 100 MB/s
    r = synced(sizes=np.array([100.0, 100.0]) * GB, km=0.0, link=link,
               rates=np.array([60.0, 60.0]) * MB)  # 120 MB/s: a backlog builds
    r.set_write_rates(10.0, np.array([60.0, 0.0]) * MB)  # volume 1 stops writing
    d = r.one_way_delay_s

    def expected(t: float) -> tuple[float, np.ndarray, np.ndarray]:
        u = t - d
        sent = 1200 * MB + 60 * MB * (u - 10) - (200 * MB - 40 * MB * (u - 10))
        tau = sent / (120 * MB) if sent <= 1200 * MB else 10 + (sent - 1200 * MB) / (60 * MB)
        w = np.array([60 * MB * t, 60 * MB * min(t, 10.0)])
        a = np.array([60 * MB * tau, 60 * MB * min(tau, 10.0)])
        rpo = np.where(w - a > 0, t - tau, 0.0)
        return tau, w - a, rpo

    r.advance(11.0)  # the oldest unapplied write is before the rate change
    tau, lag, rpo = expected(11.0)
    assert tau < 10.0
    assert r.rpo_s == pytest.approx(11.0 - tau, rel=1e-9)
    assert np.allclose(r.lag_bytes_per_volume(), lag, rtol=1e-9)
    assert np.allclose(r.rpo_s_per_volume(), rpo, rtol=1e-9)
    r.advance(13.0)  # now after it: volume 1 has nothing unapplied
    tau, lag, rpo = expected(13.0)
    assert tau > 10.0
    assert np.allclose(r.lag_bytes_per_volume(), lag, rtol=1e-9)
    assert r.lag_bytes_per_volume()[1] == 0.0 and r.rpo_s_per_volume()[1] == 0.0
    assert r.rpo_s_per_volume()[0] == pytest.approx(13.0 - tau, rel=1e-9)
    # a stop now freezes exactly that
    r.stop(13.0)
    assert np.allclose(r.lag_bytes_per_volume(), lag, rtol=1e-9)
    assert np.allclose(r.rpo_s_per_volume(), rpo, rtol=1e-9)


def test_more_latency_never_takes_applied_writes_back() -> None:
    r = synced(km=100.0, rates=np.array([10.0, 10.0, 10.0]) * MB)
    r.advance(50.0)
    applied = r.applied.copy()
    r.set_link(50.0, extra_latency_ms=30.0)
    assert np.all(r.applied >= applied)
    r.advance(50.02)
    assert np.all(r.applied >= applied)
    r.advance(60.0)
    assert r.rpo_s == pytest.approx(r.one_way_delay_s, rel=1e-6)
    assert r.one_way_delay_s == pytest.approx(100 * 5e-6 + 4 * 25e-6 + 0.030)


# -- link cut, resync (R19) -------------------------------------------------------------------


def test_ten_minute_fc_cut_then_resync_copies_only_changed_data() -> None:
    rates = np.array([6.0, 2.0, 0.5]) * MB
    w = rates.sum()
    r = synced(km=1200.0, rates=rates)
    r.advance(1000.0)
    lag0, d = r.lag_bytes, r.one_way_delay_s
    trs = r.set_link(1000.0, up=False)
    assert codes(trs) == ["state"] and r.state == "consistent_disconnected" and r.consistent
    for dt in (60.0, 300.0, 600.0):
        r.advance(1000.0 + dt)
        assert r.lag_bytes == pytest.approx(lag0 + w * dt, rel=1e-9)
        assert r.rpo_s == pytest.approx(d + dt, rel=1e-9)
        assert np.allclose(r.lag_bytes_per_volume(), rates * (d + dt), rtol=1e-9)
    r.set_link(1600.0, up=True)
    assert r.state == "consistent_stopped"  # stays stopped until resumed
    r.advance(1700.0)
    trs = r.start(1700.0)
    assert r.state == "inconsistent_copying" and not r.consistent
    changed = rates * (700.0 + d)
    assert r.copy_remaining_bytes == pytest.approx(changed.sum(), rel=1e-9)
    assert r.copy_remaining_bytes < 0.03 * SIZES.sum()  # not the 300 GB
    c = 2000e6 / 8 * 0.4
    t_done = 1700.0 + changed.sum() / (c - w)
    r.advance((1700.0 + t_done) / 2)
    assert not r.consistent and 0.4 < r.progress < 0.6
    assert r.rpo_s > 700.0  # the last consistent point is the cut
    trs = r.advance(t_done + 60.0)
    assert codes(trs) == ["copy_complete", "state"]
    assert trs[0].t == pytest.approx(t_done, rel=1e-9)
    assert r.state == "consistent_synchronized" and r.consistent
    assert r.rpo_s < 1.0 and r.rpo_s == pytest.approx(d, rel=1e-6)


def test_changed_grains_are_capped_by_volume_size() -> None:
    sizes = np.array([1.0, 100.0]) * GB
    r = synced(sizes=sizes, rates=np.array([10.0, 10.0]) * MB)
    r.set_link(10.0, up=False)
    r.advance(10.0 + 3600.0)  # 36 GB written on each volume
    r.set_link(3610.0, up=True)
    r.start(3610.0)
    expect = np.minimum(sizes, 10 * MB * (3600.0 + r.one_way_delay_s))
    assert r.copy_remaining_bytes == pytest.approx(expect.sum(), rel=1e-9)
    # the lag still counts every byte written, uncapped
    assert r.lag_bytes == pytest.approx(2 * 10 * MB * (3600.0 + r.one_way_delay_s), rel=1e-9)


# -- error 1920 (R20) -------------------------------------------------------------------------


def test_bandwidth_below_write_rate_for_link_tolerance_gives_1920() -> None:
    rates = np.array([20.0, 10.0, 0.0]) * MB  # 30 MB/s
    r = synced(rates=rates)
    r.advance(100.0)
    r.set_link(100.0, bandwidth_mbps=160.0)  # 20 MB/s
    trs = r.advance(100.0 + 299.0)
    assert codes(trs) == ["host_delay_high"]
    assert r.state == "consistent_synchronized" and r.errors == []
    assert r.host_delay_s > 0.005
    trs = r.advance(100.0 + 301.0)
    assert codes(trs) == ["error_1920", "state"]
    t_high = 100.0 + 0.005 * 20 * MB / (10 * MB)
    assert trs[0].t == pytest.approx(t_high + 300.0, rel=1e-12)
    assert r.state == "consistent_stopped" and r.consistent and r.errors == ["1920"]
    assert r.host_delay_s == 0.0
    # from then on the source's writes accumulate as changed grains
    lag = r.lag_bytes
    r.advance(1000.0)
    assert r.lag_bytes == pytest.approx(lag + 30 * MB * 599.0, rel=1e-9)


def test_short_degradation_does_not_give_1920() -> None:
    r = synced(rates=np.array([20.0, 10.0, 0.0]) * MB)
    r.set_link(100.0, bandwidth_mbps=160.0)
    r.advance(300.0)
    r.set_link(300.0, bandwidth_mbps=2000.0)
    trs = r.advance(2000.0)
    assert "error_1920" not in codes(trs)
    assert codes(trs) == ["host_delay_ok", "backlog_drained"]
    assert r.state == "consistent_synchronized" and r.errors == []


def test_loss_reduces_effective_bandwidth() -> None:
    r = synced(link=LinkConfig(bandwidth_mbps=1000.0, loss_pct=10.0))
    assert r.bandwidth_bps == pytest.approx(900e6)


# -- states (R18, R19), failover (R12, R14), failback (R13) ---------------------------------


def test_state_machine_of_stops_and_disconnects() -> None:
    r = SanReplication(SIZES, 100.0, LINK)
    r.set_link(0.0, up=False)
    assert r.state == "inconsistent_disconnected"
    with pytest.raises(ReplicationError, match="FC link is down"):
        r.start(1.0)
    r.set_link(2.0, up=True)
    assert r.state == "inconsistent_stopped"
    r.start(2.0)
    r.stop(10.0)
    assert r.state == "inconsistent_stopped" and not r.consistent
    r.start(20.0)
    trs = r.advance(10_000.0)
    assert "copy_complete" in codes(trs)
    r.stop(10_000.0)
    assert r.state == "consistent_stopped"
    r.set_link(10_001.0, up=False)
    assert r.state == "consistent_disconnected"
    r.stop(10_002.0, access=True)
    assert r.state == "idling_disconnected" and r.consistent
    r.set_link(10_003.0, up=True)
    assert r.state == "idling"
    assert all(s in STATES for s in r.states_per_volume())


def test_stop_while_copying_then_resume_continues_the_copy() -> None:
    r = SanReplication(SIZES, 100.0, LINK, IDEAL)
    r.start(0.0)
    r.advance(1000.0)
    r.stop(1000.0)
    left = r.copy_remaining_bytes
    assert left == pytest.approx(200 * GB)
    r.start(5000.0)
    assert r.copy_remaining_bytes == pytest.approx(left)
    done = [tr for tr in r.advance(9000.0) if tr.code == "copy_complete"]
    assert done and done[0].t == pytest.approx(5000.0 + 2000.0, rel=1e-9)


def test_unplanned_failover_loses_the_unapplied_writes() -> None:
    rates = np.array([6.0, 2.0, 0.5]) * MB
    r = synced(km=3000.0, rates=rates)
    r.advance(500.0)
    lost, age = r.unapplied_bytes(), r.oldest_unapplied_age_s()
    r.primary_lost(500.0)
    assert r.state == "consistent_disconnected" and r.consistent
    assert r.unapplied_bytes() == pytest.approx(lost)
    assert age == pytest.approx(r.one_way_delay_s, rel=1e-6)
    assert r.write_rates().sum() == 0.0
    r.advance(900.0)
    assert r.unapplied_bytes() == pytest.approx(lost)  # writes stopped: nothing more lost
    r.stop(900.0, access=True)
    assert r.state == "idling_disconnected" and r.consistent
    with pytest.raises(ReplicationError):
        r.start(901.0)


def test_failover_before_initial_copy_leaves_backup_inconsistent() -> None:
    """R14, R19c: stop with access is refused from inconsistent_copying (stoprcconsistgrp:
    "rejected with no effect and the relationship remains in inconsistent_copying")."""
    r = SanReplication(SIZES, 100.0, LINK)
    r.start(0.0)
    r.advance(100.0)
    with pytest.raises(ReplicationError, match="R19c"):
        r.stop(100.0, access=True)
    assert r.state == "inconsistent_copying" and not r.consistent
    assert not r.initial_copy_complete
    r.stop(100.0)  # without access the copy stops
    assert r.state == "inconsistent_stopped"
    with pytest.raises(ReplicationError, match="R19c"):
        r.stop(101.0, access=True)
    assert r.state == "inconsistent_stopped"


def test_secondary_is_read_only_unless_stopped_with_access() -> None:
    r = synced()
    with pytest.raises(ReplicationError, match="read-only"):
        r.set_write_rates(1.0, np.ones(3) * MB, side=1)
    r.set_write_rates(1.0, np.zeros(3), side=1)  # zeros are fine
    r.stop(2.0, access=True)
    r.set_write_rates(2.0, np.ones(3) * MB, side=1)
    assert r.unapplied_bytes(side=1) == 0.0
    r.advance(12.0)
    assert r.unapplied_bytes(side=1) == pytest.approx(30 * MB)


def test_failback_resyncs_both_sides_changes_the_other_way() -> None:
    rates = np.array([6.0, 2.0, 0.5]) * MB
    r = synced(rates=rates)
    r.advance(100.0)
    # planned failover: stop workloads, stop with access; workloads run on the backup
    r.set_write_rates(100.0, np.zeros(3))
    r.advance(101.0)
    r.stop(101.0, access=True)
    assert r.state == "idling" and r.lag_bytes == 0.0
    r.set_write_rates(101.0, rates, side=1)
    r.advance(1101.0)
    # restarting the old way instead of reversing: the backup's writes are rejected and its
    # changes will be overwritten by the resync; a running group cannot be reversed
    trs = r.start(1101.0)
    assert codes(trs) == ["target_writes_rejected", "state"]
    assert r.state == "inconsistent_copying" and r.write_rates(side=1).sum() == 0.0
    assert r.copy_remaining_bytes == pytest.approx(rates.sum() * 1000.0, rel=1e-9)
    with pytest.raises(ReplicationError, match="running"):
        r.reverse(1101.0)
    # failover, then reverse properly
    r2 = synced(rates=rates)
    r2.set_write_rates(100.0, np.zeros(3))
    r2.stop(101.0, access=True)
    r2.set_write_rates(101.0, rates, side=1)
    r2.advance(1101.0)
    r2.reverse(1101.0)
    assert r2.source == 1 and not r2.initial_copy_complete and r2.consistent
    assert r2.lag_bytes == pytest.approx(rates.sum() * 1000.0)
    r2.start(1101.0)
    assert r2.state == "inconsistent_copying"
    assert r2.copy_remaining_bytes == pytest.approx(rates.sum() * 1000.0 + 0.0, rel=1e-6)
    trs = r2.advance(5000.0)
    assert "copy_complete" in codes(trs)
    assert r2.state == "consistent_synchronized" and r2.initial_copy_complete
    assert r2.rpo_s == pytest.approx(r2.one_way_delay_s, rel=1e-6)
    assert r2.write_rates(side=1).sum() == pytest.approx(rates.sum())


def test_refused_control_keeps_the_transitions_for_the_next_call() -> None:
    r = SanReplication(SIZES, 100.0, LINK, IDEAL)
    r.start(0.0)
    r.set_link(1.0, up=False)
    r.set_link(2.0, up=True)
    r.start(2.0)
    r.set_link(3.0, up=False)
    with pytest.raises(ReplicationError):
        r.start(4.0)
    assert r.advance(5.0) == []
    r2 = SanReplication(SIZES, 100.0, LINK, IDEAL)
    r2.start(0.0)
    # the copy completes at 3000 s; a refused control at 3500 s must not swallow that
    r2.advance(2999.0)
    with pytest.raises(ReplicationError):
        r2.reverse(3500.0)
    assert "copy_complete" in codes(r2.advance(3600.0))


# -- closed form: fast-forward equals many small steps ---------------------------------------


def _script(n: int, seed: int) -> tuple[np.ndarray, list[tuple[float, str, object]]]:
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(5, 50, n) * GB
    events: list[tuple[float, str, object]] = [(0.0, "start", None)]
    t = 0.0
    while t < 86_400.0:
        t += float(rng.uniform(600, 5400))
        kind = rng.choice(["rates", "cut", "bw"])
        if kind == "rates":
            events.append((t, "rates", rng.uniform(0, 4, n) * MB))
        elif kind == "cut":
            events.append((t, "down", None))
            events.append((t + 300.0, "up", None))
            events.append((t + 301.0, "start", None))
            t += 301.0
        else:
            events.append((t, "bw", float(rng.choice([100.0, 400.0, 2000.0]))))
    return sizes, [e for e in events if e[0] < 86_400.0]


def _play(sizes: np.ndarray, events: list[tuple[float, str, object]],
          grid: np.ndarray, noop: bool) -> tuple[list[tuple[float, str]], list[np.ndarray]]:
    r = SanReplication(sizes, 2500.0, LinkConfig(bandwidth_mbps=2000.0))
    trs: list[Transition] = []
    samples: list[np.ndarray] = []
    ev = list(events)
    for g in grid:
        while ev and ev[0][0] <= g:
            t, kind, arg = ev.pop(0)
            if kind == "start":
                trs += r.start(t) if r.can_start() is None else r.advance(t)
            elif kind == "rates":
                trs += r.set_write_rates(t, arg)  # type: ignore[arg-type]
            elif kind == "down":
                trs += r.set_link(t, up=False)
            elif kind == "up":
                trs += r.set_link(t, up=True)
            else:
                trs += r.set_link(t, bandwidth_mbps=arg)  # type: ignore[arg-type]
        trs += r.advance(float(g))
        if noop:  # re-set the same rates: forces a rebase, must not change anything
            trs += r.set_write_rates(float(g), r.write_rates())
        samples.append(np.concatenate([r.lag_bytes_per_volume(), r.rpo_s_per_volume(),
                                       [r.lag_bytes, r.rpo_s, r.progress]]))
    return [(tr.t, tr.code) for tr in trs], samples


def test_fast_forward_equals_many_small_steps() -> None:
    sizes, events = _script(40, seed=3)
    coarse = np.array([86_400.0])
    fine = np.linspace(0.0, 86_400.0, 8641)
    tr_a, s_a = _play(sizes, events, coarse, noop=False)
    tr_b, s_b = _play(sizes, events, fine, noop=False)
    tr_c, s_c = _play(sizes, events, fine, noop=True)
    assert len(tr_a) > 10
    for other in (tr_b, tr_c):
        assert [c for _, c in other] == [c for _, c in tr_a]
        assert np.allclose([t for t, _ in other], [t for t, _ in tr_a], rtol=1e-9, atol=1e-6)
    assert np.allclose(s_b[-1], s_a[-1], rtol=1e-9, atol=1e-3)
    assert np.allclose(s_c[-1], s_a[-1], rtol=1e-7, atol=1e-3)
    for x, y in zip(s_b, s_c, strict=True):
        assert np.allclose(x, y, rtol=1e-7, atol=1e-3)


# -- properties ------------------------------------------------------------------------------

OPS = st.one_of(
    st.tuples(st.just("advance"), st.floats(0.0, 7200.0)),
    st.tuples(st.just("rates"), st.lists(st.floats(0.0, 80.0), min_size=3, max_size=3)),
    st.tuples(st.just("target_rates"), st.lists(st.floats(0.0, 5.0), min_size=3, max_size=3)),
    st.tuples(st.just("link"), st.booleans()),
    st.tuples(st.just("bw"), st.sampled_from([0.0, 50.0, 160.0, 800.0, 4000.0])),
    st.tuples(st.just("latency"), st.floats(0.0, 80.0)),
    st.tuples(st.just("loss"), st.floats(0.0, 50.0)),
    st.tuples(st.just("start"), st.none()),
    st.tuples(st.just("stop"), st.booleans()),
    st.tuples(st.just("lost"), st.sampled_from([0, 1])),
    st.tuples(st.just("restored"), st.sampled_from([0, 1])),
    st.tuples(st.just("reverse"), st.none()),
)


def _run(ops: list[tuple[str, object]]) -> list[object]:
    r = SanReplication(np.array([3.0, 10.0, 1.0]) * GB, 4000.0,
                       LinkConfig(bandwidth_mbps=800.0, background_copy_pct=50.0))
    record: list[object] = []
    t = 0.0
    prev_applied = r.applied.copy()
    prev_source = r.source
    for op, arg in ops:
        try:
            if op == "advance":
                t += float(arg)  # type: ignore[arg-type]
                trs = r.advance(t)
            elif op == "rates":
                trs = r.set_write_rates(t, np.array(arg) * MB)
            elif op == "target_rates":
                trs = r.set_write_rates(t, np.array(arg) * MB, side=r.target)
            elif op == "link":
                trs = r.set_link(t, up=bool(arg))
            elif op == "bw":
                trs = r.set_link(t, bandwidth_mbps=float(arg))  # type: ignore[arg-type]
            elif op == "latency":
                trs = r.set_link(t, extra_latency_ms=float(arg))  # type: ignore[arg-type]
            elif op == "loss":
                trs = r.set_link(t, loss_pct=float(arg))  # type: ignore[arg-type]
            elif op == "start":
                trs = r.start(t)
            elif op == "stop":
                trs = r.stop(t, access=bool(arg))
            elif op == "lost":
                trs = r.rack_lost(t, int(arg))  # type: ignore[call-overload]
            elif op == "restored":
                trs = r.rack_restored(t, int(arg))  # type: ignore[call-overload]
            else:
                trs = r.reverse(t)
        except ReplicationError as e:
            trs = [Transition(t, "refused", str(e))]
        # invariants
        written, applied = r.written, r.applied
        lag = r.lag_bytes_per_volume()
        assert np.all(applied <= written * (1 + 1e-12) + 1e-3)
        assert np.all(lag >= 0.0) and r.lag_bytes >= 0.0
        assert r.lag_bytes == pytest.approx(float(lag.sum()), rel=1e-6, abs=1.0)
        rpo = r.rpo_s_per_volume()
        assert r.rpo_s >= 0.0 and np.all(rpo >= 0.0)
        assert np.all(rpo[lag > 1.0] > 0.0)  # a write not applied has an age
        assert np.all(lag[rpo > 0.0] > 0.0)
        assert r.rpo_s == pytest.approx(float(rpo.max()), rel=1e-9, abs=1e-9)
        assert 0.0 <= r.progress <= 1.0
        assert np.all((r.progress_per_volume() >= 0) & (r.progress_per_volume() <= 1))
        assert r.state in STATES
        if r.state.startswith("inconsistent"):
            assert not r.consistent
        if r.state.startswith("consistent"):
            assert r.consistent
        assert 0.0 <= r.copy_remaining_bytes <= float(r.size.sum()) * (1 + 1e-12)
        assert r.host_delay_s >= 0.0 and r.throughput_bps <= r.bandwidth_bps * (1 + 1e-12)
        nxt = r.next_transition_time()
        assert nxt is None or nxt >= r.t
        for tr in trs:
            assert tr.t <= t + 1e-9
        if r.source == prev_source:
            assert np.all(applied >= prev_applied - 1e-3 - 1e-12 * written)
        prev_applied, prev_source = applied.copy(), r.source
        record.append(([(tr.t, tr.code) for tr in trs], r.state, r.lag_bytes, r.rpo_s,
                       r.progress, r.lag_bytes_per_volume().tolist()))
    return record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=40))
def test_random_controls_keep_invariants_and_are_deterministic(
    ops: list[tuple[str, object]],
) -> None:
    assert _run(ops) == _run(ops)


def test_time_cannot_go_back() -> None:
    r = synced()
    r.advance(10.0)
    with pytest.raises(ValueError, match="forward"):
        r.advance(9.0)
    with pytest.raises(ValueError):
        r.set_write_rates(11.0, np.ones(2))


@pytest.mark.parametrize("mode", ["global-mirror", "global-mirror-change-volumes",
                                  "metro-mirror"])
def test_bulk_samples_equal_the_scalar_accessors(mode: str) -> None:
    """The time series is filled in bulk between transitions (Twin._sample_many): the
    figures must be what the accessors give at each of those instants."""
    sizes, events = _script(12, seed=5)
    r = SanReplication(sizes, 2500.0 if mode != "metro-mirror" else 100.0,
                       LinkConfig(bandwidth_mbps=2000.0), ReplicationConfig(mode=mode))
    compared = 0
    for t, kind, arg in events:
        nxt = r.next_transition_time()
        hi = min(t, nxt if nxt is not None else t)
        if hi > r.t:
            times = np.linspace(r.t, hi, 7)[:-1]
            bulk = r.sample(times)
            for i, s in enumerate(times):
                r.advance(float(s))
                scalar = {"lag_bytes": r.lag_bytes, "rpo_s": r.rpo_s,
                          "throughput_bps": r.throughput_bps, "progress": r.progress,
                          "host_delay_s": r.host_delay_s, "writes_bps": r.write_rate_bps,
                          "bandwidth_bps": r.bandwidth_bps}
                for key, value in scalar.items():
                    assert bulk[key][i] == pytest.approx(value, rel=1e-9, abs=1e-6), (key, s)
                compared += 1
        r.advance(t)
        if kind == "start":
            r.start(t) if r.can_start() is None else None
        elif kind == "rates":
            r.set_write_rates(t, arg)  # type: ignore[arg-type]
        elif kind == "down":
            r.set_link(t, up=False)
        elif kind == "up":
            r.set_link(t, up=True)
        else:
            r.set_link(t, bandwidth_mbps=arg)  # type: ignore[arg-type]
    assert compared > 50
