"""Issue 3's fidelity figures, on the whole twin (the replication module has its own, finer
tests in test_replication.py)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import do, make_twin, pair


def _initial_copy_time(system: dict) -> float:  # type: ignore[type-arg]
    t = make_twin(system, write_variation=False)
    pair(t)
    start = t.now
    while not t.state()["replication"]["initial_copy_complete"]:
        assert t.step()
    return t.now - start


def test_initial_copy_is_paced_per_relationship_not_by_the_link_share() -> None:
    """R19a ([V5K] 10.7.14: "The default value of the background copy is 25 megabytes per
    second (MBps), per volume"; the partnership's share is divided evenly among the
    relationships copying). The default rack has six volumes: 6 x 25 MB/s = 150 MB/s is
    less than the 500 MB/s share of an 8 Gb/s link at 50 %, so each volume copies at 25
    MB/s and the 100 GB database volumes (1.5 MB/s of writes each) take the longest."""
    gb, mbps, pct = 530, 8000, 50  # the default workloads: 400 (4 volumes) + 50 + 80 GB
    took = _initial_copy_time({"fc_link": {"bandwidth_mbps": mbps,
                                           "background_copy_pct": pct}})
    share_only = gb * 8000 / (mbps * pct / 100)  # 1,060 s: what size ÷ link share says
    paced = 100e9 / (25e6 - 6e6 / 4)  # a 100 GB volume at 25 MB/s less its own writes
    assert took == pytest.approx(paced, rel=1e-6)
    assert took > 4 * share_only
    # many small volumes fill the share instead: 40 volumes x 25 MB/s > 500 MB/s
    many = _initial_copy_time({"fc_link": {"bandwidth_mbps": mbps, "background_copy_pct": pct},
                               "workloads": [{"name": "db", "volume_gb": 400, "volumes": 40,
                                              "write_mb_s": 0}]})
    assert many == pytest.approx(400e9 / 500e6, rel=1e-6)


def test_initial_copy_takes_size_over_copy_bandwidth_plus_what_writes_add() -> None:
    """Without the per-relationship limit (relationshipbandwidthlimit 0: unlimited here),
    the copy is the link share's: size ÷ (share − writes)."""
    gb, mbps, pct = 530, 8000, 50  # the default workloads: 400 + 50 + 80 GB
    took = _initial_copy_time({"fc_link": {"bandwidth_mbps": mbps, "background_copy_pct": pct},
                               "replication": {"relationshipbandwidthlimit": 0}})
    ideal = gb * 8000 / (mbps * pct / 100)  # 1,060 s with no writes
    writes = 8.5e6  # B/s: 6 + 2 + 0.5 MB/s keep writing during the copy
    copy_rate = mbps * 1e6 / 8 * pct / 100
    assert took == pytest.approx(gb * 1e9 / (copy_rate - writes), rel=1e-6)
    assert ideal < took < ideal * 1.05


def test_a_ten_minute_fc_cut_grows_lag_linearly_then_resyncs_only_the_changes() -> None:
    t = make_twin(start="paired", write_variation=False, sample_every_s=10)
    t.run_for(3600)
    assert t.state()["replication"]["rpo_s"] < 1.0
    do(t, "cut-link", link="fc")
    cut_at = t.now
    t.run_for(600)
    times, lag = t.series.get("lag_bytes")
    _, rpo = t.series.get("rpo_s")
    during = (times > cut_at) & (times <= cut_at + 600)
    # linear at the write rate: the fit's slope is the write rate, residuals tiny
    slope, icpt = np.polyfit(times[during], lag[during], 1)
    assert slope == pytest.approx(8.5e6, rel=0.01)
    assert np.max(np.abs(lag[during] - (slope * times[during] + icpt))) < 0.01 * lag[during].max()
    assert rpo[during][-1] == pytest.approx(600, abs=11)
    assert t.state()["replication"]["state"] == "consistent_disconnected"
    changed = t.storage.replication.unapplied_bytes()
    do(t, "restore-link", link="fc")
    do(t, "resume-replication", rack="raleigh")
    r = t.state()["replication"]
    assert r["state"] == "inconsistent_copying" and r["consistent"] is False
    work = t.storage.replication.copy_remaining_bytes
    assert work == pytest.approx(changed, rel=0.01)  # only the changed grains
    assert work < 0.02 * sum(t.storage.replication.size)  # far from the whole volumes
    t.run_for(1800)
    r = t.state()["replication"]
    assert r["state"] == "consistent_synchronized" and r["rpo_s"] < 1.0


def test_degraded_bandwidth_below_the_write_rate_trips_1920_after_the_tolerance() -> None:
    t = make_twin({"fc_link": {"bandwidth_mbps": 1000}}, start="paired",
                  write_variation=False)
    t.run_for(600)
    do(t, "degrade-link", link="fc", bandwidth_mbps=40)
    t.run_for(290)
    assert t.state()["replication"]["errors"] == []
    t.run_for(30)
    r = t.state()["replication"]
    assert r["errors"] == ["1920"] and r["state"] == "consistent_stopped"
    assert any(a["code"] == "1920" for a in t.state()["alerts"])
