"""Workloads and compute capacity (R10, R14, R17): restarts in dependency order, seeded
restart times, capacity."""

from __future__ import annotations

import pytest

from tests.helpers import RECOVER, do, make_twin, unplanned


def test_r17_hot_cold_rto_is_bounded_below_by_the_restart_chain() -> None:
    t = make_twin({"recovery": {"restart_spread": 0.0, "node_add": 1}}, start="paired")
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    do(t, "configure-tor-switches", rack="dallas")
    do(t, "add-compute-nodes", rack="dallas")
    t.run_for(600)
    do(t, "start-workloads", rack="dallas")
    do(t, "advertise-routes", rack="dallas")
    t.run_for(4 * 3600)
    o = t.state()["outcome"]
    # the 10 minutes before start-workloads, then orders-app needs db (20 min) and mq
    # (8 min): 20 + 25 minutes of restart chain
    assert o["rto_breakdown_s"]["restart"] == pytest.approx(600 + 45 * 60, abs=1)


def test_restart_times_are_seeded() -> None:
    def restored(seed: int) -> float:
        t = make_twin(start="paired", seed=seed)
        do(t, "lose-rack", rack="raleigh")
        unplanned(t)
        for a in RECOVER:
            do(t, a, rack="dallas")
        t.run_for(6 * 3600)
        return t.state()["outcome"]["service_restored_at_s"]

    assert restored(1) == restored(1)
    assert restored(1) != restored(2)


def test_capacity_limits_what_starts() -> None:
    t = make_twin({"racks": [{"name": "raleigh"}, {"name": "dallas"}]}, start="paired")
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    # 48 cores, as nodes come: mq (16) starts on the first, db (32) on the third; the
    # app (32) finds no capacity left and no node coming
    do(t, "add-compute-nodes", rack="dallas", count=3)
    do(t, "configure-tor-switches", rack="dallas")
    do(t, "start-workloads", rack="dallas")
    t.run_for(4 * 3600)
    w = t.state()["workloads"]
    assert w["orders-db"]["status"] == "running"
    assert w["orders-mq"]["status"] == "running"
    assert w["orders-app"]["status"] == "failed"
    assert "not enough compute capacity" in w["orders-app"]["reason"]


def test_waiting_shows_as_starting_in_the_state_document() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    do(t, "start-failover", rack="dallas", type="unplanned")
    for a in RECOVER:
        do(t, a, rack="dallas")
    statuses = {w["status"] for w in t.state()["workloads"].values()}
    assert statuses <= {"starting"}
    app = t.workloads.by_name["orders-app"]
    assert app.status == "starting" and app.waiting  # waiting for its dependencies


def test_a_dependant_started_first_waits_for_its_dependency() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    do(t, "start-failover", rack="dallas", type="unplanned")
    for a in ("add-compute-nodes", "configure-tor-switches", "advertise-routes"):
        do(t, a, rack="dallas")
    do(t, "start-workloads", rack="dallas", workloads=["orders-app"])
    t.run_for(600)
    app = t.workloads.by_name["orders-app"]
    assert app.status == "starting" and app.waiting and "orders-db" in app.reason
    do(t, "start-workloads", rack="dallas", workloads=["orders-db", "orders-mq"])
    t.run_for(4 * 3600)
    assert t.state()["service"]["available"] is True


def test_compute_node_messages_count_as_the_field_and_name_as_the_topology() -> None:
    """Found by an audit: `node: 0` was reported "Compute node 1", while a refusal listed
    "healthy nodes are [1, 2, 3, 4]" counting from 0: one message spoke both ways. Every
    message gives the field's number and the topology's label (CN 01 is node 0)."""
    t = make_twin(start="paired")
    assert do(t, "fail-compute-node", rack="raleigh", node=0).text.startswith(
        "Compute node 0 (CN 01) of raleigh failed")
    assert do(t, "fail-compute-node", rack="raleigh", node=5).ok
    assert t.state()["racks"]["raleigh"]["compute_nodes"]["failed_nodes"] == [0, 5]
    res = do(t, "fail-compute-node", rack="raleigh", node=5)
    assert not res.ok and "Compute node 5 of raleigh does not exist or has failed" in res.text
    assert res.hint == "healthy nodes are 1 (CN 02), 2 (CN 03), 3 (CN 04), 4 (CN 05)"
