"""A SimPy model of the replication core that advances every second (bench/simpy_peer.py)
and the closed-form engine give the same lag and RPO series: an independent check of the
closed form (issue 9), on a shorter day than bench/bench_simpy.py's."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_simpy import compare  # noqa: E402


def test_the_engine_and_a_per_second_simpy_model_give_the_same_series() -> None:
    r = compare(hours=5, volumes=200)  # two FC cuts with their resyncs
    assert r["samples"] == 5 * 360
    assert r["max_rpo_s"] > 250  # the cuts are in the compared series
    assert r["lag_rel"] < 1e-6 and r["rpo_rel"] < 1e-6
    assert r["resync_samples"] > 0 and r["resync_agrees"]
