"""Test failover (issue 11): a drill that does not touch production (twin/drill.py)."""

from __future__ import annotations

import pytest

from tests.helpers import do, make_twin, pair


def test_a_test_failover_and_its_cleanup_leave_production_replication_and_the_rpo_alone() -> None:
    plain, drilled = make_twin(start="paired"), make_twin(start="paired")
    for t in (plain, drilled):
        t.run_for(3600)
    res = do(drilled, "test-failover", rack="dallas")
    assert res.ok and "extension beyond the V1.1 console" in res.message
    for t in (plain, drilled):
        t.run_for(2 * 3600)
    assert do(drilled, "cleanup-test", rack="dallas").ok
    for t in (plain, drilled):
        t.run_for(3600)
    a, b = plain.state(), drilled.state()
    for key in ("replication", "workloads", "service", "outcome", "profiles", "racks"):
        assert a[key] == b[key], key
    ta, rpo_a = plain.series.get("rpo_s")
    tb, rpo_b = drilled.series.get("rpo_s")
    assert (ta == tb).all() and (rpo_a == rpo_b).all()
    assert b["profiles"]["dallas"]["role"] == "backup"


def test_the_test_measures_its_own_rpo_and_rto_and_lists_what_was_left_behind() -> None:
    t = make_twin(start="paired")
    t.run_for(3600)
    do(t, "test-failover", rack="dallas")
    st = t.state()["drills"]["active"]
    assert st["tested_at_s"] == 3600 and 0.05 < st["rpo_s"] < 1.0
    assert st["recovery_point_s"] == pytest.approx(3600 - st["rpo_s"])
    assert set(st["instances"].values()) == {"starting"}
    assert not t.state()["workloads"]["orders-db"]["rack"] == "dallas"  # no production there
    t.run_for(1800)  # orders-app (needs db and mq) is not up yet
    res = do(t, "cleanup-test", rack="dallas")
    done = t.state()["drills"]["done"][0]
    assert done["left_behind"] == ["orders-app"] and "orders-app" in res.message
    assert done["rto_s"] is None and t.state()["drills"]["active"] is None
    do(t, "test-failover", rack="dallas")
    t.run_for(3 * 3600)
    d = t.state()["drills"]["active"]
    assert set(d["instances"].values()) == {"running"}
    assert d["rto_s"] > 240 + 25 * 60  # a compute node, then the restart chain (R17)


def test_a_test_failover_is_refused_where_it_cannot_run() -> None:
    t = make_twin()
    assert "not the enabled backup" in do(t, "test-failover", rack="dallas").message
    pair(t)
    t.run_for(60)  # the initial copy is under way: no consistent image
    assert "no consistent copy" in do(t, "test-failover", rack="dallas").message
    assert "No test failover" in do(t, "cleanup-test", rack="dallas").message
    t2 = make_twin(start="paired")
    do(t2, "test-failover", rack="dallas")
    assert "already running" in do(t2, "test-failover", rack="dallas").message
