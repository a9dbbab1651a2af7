"""What IBM documents about SVC remote copy, on the whole twin (issue 9). Each test names
its source; the abbreviations are those of twin/replication.py's docstring:

[V5K]   Redbook "Implementing the IBM Storwize V5000 Gen2 with IBM Spectrum Virtualize
        V8.1", chapter 10 (remote copy).
[GMLT]  IBM Docs, "The gmlinktolerance feature".
[MAXRD] IBM Docs, "Setting the maximum replication delay".
[STOP]  IBM Docs, ``stoprcconsistgrp``.
[GMCV]  Global Mirror with change volumes (cycling mode).
[ART]   The article (shared/seed): "measured in hundreds of milliseconds".
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import RECOVER, do, make_twin, pair, unplanned
from twin.config import LinkConfig, ReplicationConfig
from twin.replication import SanReplication

GB, MB = 1e9, 1e6


def steady_rpo(km: float, write_mb_s: float, mbps: float = 8000.0) -> float:
    r = SanReplication(np.full(4, 100 * GB), km, LinkConfig(bandwidth_mbps=mbps))
    r.assume_synchronized(0.0)
    r.set_write_rates(0.0, np.full(4, write_mb_s * MB / 4))
    r.advance(600.0)
    assert r.rpo_s == pytest.approx(r.mirror_delay_s(), rel=1e-6)
    return r.rpo_s


# -- R15a: the RPO is not the propagation delay -------------------------------------------


def test_r15a_rpo_is_hundreds_of_ms_at_8000_km_on_the_default_system() -> None:
    """[ART], [V5K] 10.7.11: writes go in sequence-numbered batches applied in order."""
    t = make_twin({"distance_km": 8000}, start="paired", write_variation=False)
    t.run_for(3600)
    rpo = t.state()["replication"]["rpo_s"]
    assert 0.1 <= rpo < 1.0, rpo
    t2 = make_twin({"distance_km": 1200}, start="paired", write_variation=False)
    t2.run_for(3600)
    assert 0.1 <= t2.state()["replication"]["rpo_s"] < rpo  # nearer is faster, not 6 ms
    assert t.state()["replication"]["mirror_delay_s"] == pytest.approx(rpo, rel=1e-6)


def test_r15a_rpo_grows_smoothly_toward_seconds_as_writes_approach_the_link() -> None:
    """[ART]: "about a second or just under a second" as load rises."""
    link_mb_s = 8000 / 8
    rpos = [steady_rpo(8000, link_mb_s * u) for u in (0.01, 0.25, 0.5, 0.75, 0.9, 0.95)]
    assert all(b > a for a, b in zip(rpos, rpos[1:], strict=False))  # monotone
    assert rpos[0] < 0.3 and 0.5 < rpos[-2] < 1.5 and rpos[-1] >= 0.9
    steps = np.diff(rpos)
    assert np.all(steps < 0.6)  # no jump: smooth


# -- R20a: hosts are throttled, not buffered without bound --------------------------------


def degraded(extra: dict | None = None, mbps: float = 40.0):  # type: ignore[no-untyped-def]
    t = make_twin({"fc_link": {"bandwidth_mbps": 1000}, **(extra or {})}, start="paired",
                  write_variation=False)
    t.run_for(600)
    assert do(t, "degrade-link", link="fc", bandwidth_mbps=mbps).ok  # 5 MB/s < 8.5 MB/s
    return t


def test_r20a_a_link_below_the_write_rate_throttles_the_hosts_and_bounds_the_backlog() -> None:
    t = degraded({"replication": {"gmlinktolerance": 0}})
    t.run_for(3 * 3600)
    rep = t.state()["replication"]
    assert rep["state"] == "consistent_synchronized" and rep["errors"] == []  # no 1920
    assert rep["throttled"] is True
    assert rep["write_rate_bps"] == pytest.approx(40e6, rel=1e-6)  # the link's rate
    assert rep["demand_bps"] == pytest.approx(8.5e6 * 8, rel=1e-6)
    r = t.storage.replication
    assert r.backlog_bytes == pytest.approx(256 * MB, rel=1e-6)  # bounded by the buffer
    assert rep["host_delay_s"] == pytest.approx(256 * MB / 5e6, rel=1e-6)
    db = t.state()["workloads"]["orders-db"]
    assert db["throttled"] is True and db["write_mb_s"] < db["demand_mb_s"]
    assert db["write_mb_s"] == pytest.approx(6 * 40 / 68, rel=1e-6)  # its share of 5 MB/s
    assert any("throttled" in e.message for e in t.events if e.kind == "replication")
    # what it writes is what counts: the data written on the primary grows at 5 MB/s
    w0 = float(r.written.sum())
    t.run_for(100)
    assert float(r.written.sum()) - w0 == pytest.approx(5e6 * 100, rel=1e-6)
    # the link restored: the hosts write their demand again and the backlog drains
    do(t, "restore-link", link="fc")
    t.run_for(600)
    rep = t.state()["replication"]
    assert rep["throttled"] is False and rep["host_delay_s"] == 0.0
    assert t.state()["workloads"]["orders-db"]["throttled"] is False


def test_r20_1920_after_gmlinktolerance_above_gmmaxhostdelay_is_kept() -> None:
    """[GMLT]: 1920 when the delay lasts past the tolerance; the group stops."""
    t = degraded()
    t.run_for(299)
    assert t.state()["replication"]["errors"] == []
    t.run_for(2)
    rep = t.state()["replication"]
    assert rep["errors"] == ["1920"] and rep["state"] == "consistent_stopped"
    assert rep["throttled"] is False  # stopped: the hosts write freely again


def test_maxreplicationdelay_stops_the_group_when_a_write_waited_that_long() -> None:
    """[MAXRD]: -maxreplicationdelay 0–360 s; 0 (the default) is off."""
    t = degraded({"replication": {"maxreplicationdelay": "10s"}})
    t.run_for(120)
    rep = t.state()["replication"]
    assert rep["errors"] == ["1920"] and rep["state"] == "consistent_stopped"
    alert = next(a for a in t.state()["alerts"] if a["code"] == "1920")
    assert "maxreplicationdelay" in alert["message"]
    # 3.5 MB/s of excess fills 10 s x 5 MB/s = 50 MB in about 14 s
    e = next(e for e in t.events if e.kind == "alert" and "1920" in e.message)
    assert e.t_s == pytest.approx(600 + 50e6 / 3.5e6, rel=0.01)


# -- R19b: reconnection and each side's view ---------------------------------------------


def test_r19b_each_side_has_its_own_state_and_the_freeze_time_during_a_cut() -> None:
    t = make_twin(start="paired")
    t.run_for(1800)
    do(t, "cut-link", link="fc")
    rep = t.state()["replication"]
    assert rep["sides"]["raleigh"]["state"] == "idling_disconnected"  # the master
    assert rep["sides"]["dallas"]["state"] == "consistent_disconnected"  # the auxiliary
    assert rep["state"] == "consistent_disconnected"  # the backup's view is the group's
    assert rep["freeze_time_s"] == pytest.approx(1800.0)
    do(t, "lose-rack", rack="raleigh")
    assert t.state()["replication"]["sides"]["raleigh"]["state"] is None  # no answer


def test_r19b_a_consistent_group_reconnects_synchronized_if_nothing_was_written() -> None:
    t = make_twin(start="paired")
    do(t, "stop-workloads", rack="raleigh")
    t.run_for(60)  # what was in flight is applied
    do(t, "cut-link", link="fc")
    t.run_for(600)
    res = do(t, "restore-link", link="fc")
    assert res.ok and "Resume" not in res.message
    assert t.state()["replication"]["state"] == "consistent_synchronized"


def test_r19b_with_writes_while_disconnected_it_reconnects_stopped_and_says_resume() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "cut-link", link="fc")
    t.run_for(600)
    res = do(t, "restore-link", link="fc")
    assert t.state()["replication"]["state"] == "consistent_stopped"
    assert "Resume replication" in res.message
    logged = [e for e in t.events if e.kind == "fault" and "restore-link" in e.message][-1]
    assert "Resume replication" in logged.message


def test_r19b_an_inconsistent_group_resumes_copying_by_itself() -> None:
    t = make_twin()
    pair(t)
    t.run_for(600)
    assert t.state()["replication"]["state"] == "inconsistent_copying"
    do(t, "cut-link", link="fc")
    assert t.state()["replication"]["state"] == "inconsistent_disconnected"
    progress = t.state()["replication"]["progress"]
    t.run_for(600)
    res = do(t, "restore-link", link="fc")
    assert t.state()["replication"]["state"] == "inconsistent_copying"
    assert "resumes by itself" in res.message
    t.run_for(600)
    assert t.state()["replication"]["progress"] > progress


def test_r19b_two_idling_disconnected_halves_become_idling() -> None:
    t = make_twin(start="paired")
    do(t, "cut-link", link="fc")
    unplanned(t)
    rep = t.state()["replication"]
    assert rep["sides"]["dallas"]["state"] == "idling_disconnected"
    assert rep["sides"]["raleigh"]["state"] == "idling_disconnected"
    do(t, "restore-link", link="fc")
    assert t.state()["replication"]["state"] == "idling"


# -- R19c: no stop with access from an inconsistent state --------------------------------


def test_r19c_unplanned_failover_during_the_initial_copy_leaves_the_group_inconsistent() -> None:
    """[STOP]: -access is rejected from inconsistent_copying and inconsistent_disconnected."""
    t = make_twin()
    pair(t)
    t.run_for(600)
    do(t, "lose-rack", rack="raleigh")
    assert t.state()["replication"]["state"] == "inconsistent_disconnected"
    res = do(t, "start-failover", rack="dallas", type="unplanned")
    assert res.ok  # the profile fails over; the SVC keeps the volumes from it
    assert "refused to give dallas access" in res.message and "R19c" in res.message
    st = t.state()
    assert st["replication"]["state"] == "inconsistent_disconnected"  # not idling
    assert any(a["code"] == "R19c" for a in st["alerts"])
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(3600)
    wl = t.state()["workloads"]["orders-db"]
    assert wl["status"] == "failed" and "inconsistent" in wl["reason"]


# -- 1920 during a resync ---------------------------------------------------------------


def test_a_resync_started_before_the_cause_is_fixed_gets_a_second_1920() -> None:
    t = degraded()
    t.run_for(400)
    assert t.state()["replication"]["errors"] == ["1920"]
    assert do(t, "resume-replication", rack="raleigh").ok
    assert t.state()["replication"]["state"] == "inconsistent_copying"
    t.run_for(299)
    assert t.state()["replication"]["errors"] == ["1920"]
    t.run_for(2)
    rep = t.state()["replication"]
    assert rep["errors"] == ["1920", "1920"] and rep["state"] == "inconsistent_stopped"
    alerts = [e.message for e in t.events if e.kind == "alert" and "1920" in e.message]
    assert "made no headway" in alerts[-1]


# -- R21: change volumes and Metro Mirror -------------------------------------------------


def gmcv(period: str = "300s", **system: object):  # type: ignore[no-untyped-def]
    return make_twin({"replication": {"mode": "global-mirror-change-volumes",
                                      "cycle_period": period}, **system},
                     start="paired", write_variation=False)


def test_r21_change_volumes_rpo_is_up_to_twice_the_cycle_period() -> None:
    """[GMCV]: "the maximum RPO is 2 x cycle period" when cycles complete in time."""
    t = gmcv()
    rpos, states = [], set()
    for _ in range(3 * 300):
        t.run_for(2)
        rep = t.state()["replication"]
        rpos.append(rep["rpo_s"])
        states.add(rep["state"])
    assert states == {"consistent_copying", "consistent_synchronized"}
    assert 300 < max(rpos) <= 600  # more than one period, never beyond two
    assert min(rpos[150:]) >= 0  # a consistent image all along
    assert t.state()["replication"]["consistent"] is True
    rep = t.state()["replication"]
    assert rep["freeze_time_s"] is not None and rep["freeze_time_s"] <= t.now


def test_r21_an_overrunning_cycle_starts_the_next_at_once_and_no_1920() -> None:
    """[GMCV], [GMLT]: gmlinktolerance applies only to noncycling Global Mirror."""
    t = gmcv(fc_link={"bandwidth_mbps": 1000, "background_copy_pct": 1})  # 1.25 MB/s
    t.run_for(4 * 3600)
    rep = t.state()["replication"]
    assert rep["errors"] == [] and rep["consistent"] is True
    assert rep["rpo_s"] > 2 * 300  # cycles overrun: the RPO grows beyond twice the period
    assert any(e.kind == "replication" and "longer than the cycle period" in e.message
               for e in t.events)


def test_r21_change_volumes_keep_the_backup_consistent_during_a_resync() -> None:
    t = gmcv()
    t.run_for(1200)
    do(t, "cut-link", link="fc")
    t.run_for(600)
    do(t, "restore-link", link="fc")
    assert t.state()["replication"]["state"] == "consistent_stopped"
    assert do(t, "resume-replication", rack="raleigh").ok
    rep = t.state()["replication"]
    assert rep["state"] == "consistent_copying" and rep["consistent"] is True
    assert t.state()["racks"]["dallas"]["data_consistent"] is True


def test_r21_metro_mirror_has_no_lag_and_the_host_waits_a_round_trip() -> None:
    t = make_twin({"distance_km": 100, "replication": {"mode": "metro-mirror"}},
                  start="paired")
    t.run_for(3600)
    rep = t.state()["replication"]
    assert rep["rpo_s"] == 0.0 and rep["lag_bytes"] == 0.0
    assert rep["host_delay_s"] == pytest.approx(2 * (100 * 5e-6 + 4 * 25e-6))
    do(t, "lose-rack", rack="raleigh")
    assert t.state()["outcome"]["data_loss_bytes"] == 0


def test_r21_metro_mirror_throttles_at_once_when_the_link_cannot_keep_up() -> None:
    t = make_twin({"distance_km": 100, "replication": {"mode": "metro-mirror"}},
                  start="paired", write_variation=False)
    do(t, "degrade-link", link="fc", bandwidth_mbps=40)
    t.run_for(600)
    rep = t.state()["replication"]
    assert rep["throttled"] is True and rep["errors"] == []
    assert rep["write_rate_bps"] == pytest.approx(40e6, rel=1e-6) and rep["lag_bytes"] == 0


def test_r21_validation_refuses_metro_mirror_beyond_300_km() -> None:
    for km, ok in ((300, True), (301, False), (2000, False)):
        t = make_twin({"distance_km": km, "replication": {"mode": "metro-mirror"}})
        do(t, "create-profile", rack="raleigh", peer="dallas")
        res = do(t, "validate", rack="raleigh")
        assert res.ok is ok, res.text
        if not ok:
            assert "Metro Mirror" in res.message and "300 km" in res.message


# -- small -----------------------------------------------------------------------------


def test_a_failback_resync_is_logged_as_a_resync_not_an_initial_copy() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(3600)
    assert do(t, "restore-rack", rack="raleigh").ok
    assert do(t, "withdraw-routes", rack="raleigh").ok
    assert do(t, "start-failover", rack="raleigh").ok  # its stale primary profile
    assert do(t, "enable", rack="raleigh", role="backup").ok
    assert do(t, "enable", rack="dallas", role="primary").ok
    t.run_for(6 * 3600)
    done = [e.message for e in t.events if e.kind == "replication" and "complete:" in e.message]
    assert done and done[-1].startswith("Resync complete")


def test_the_replication_settings_are_exposed_with_the_svc_defaults() -> None:
    cfg = ReplicationConfig()
    assert cfg.gm_link_tolerance_s == 300 and cfg.gm_max_host_delay_s == 0.005
    assert cfg.max_replication_delay_s == 0 and cfg.relationship_bandwidth_mb_s == 25
    assert cfg.cycle_period_s == 300 and cfg.mode == "global-mirror"
    t = make_twin({"replication": {"gmlinktolerance": "10m", "gmmaxhostdelay": "20ms"}})
    r = t.storage.replication
    assert r.gm_link_tolerance_s == 600 and r.gm_max_host_delay_s == 0.02
