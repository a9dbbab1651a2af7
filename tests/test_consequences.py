"""R14–R17: skipped manual actions have consequences the twin shows, and the recovery
objectives follow from the simulated system."""

from __future__ import annotations

import pytest

from tests.helpers import do, make_twin, pair

RECOVER = ("add-compute-nodes", "configure-tor-switches", "start-workloads", "advertise-routes")


def unplanned(t, rack: str = "dallas") -> None:  # type: ignore[no-untyped-def]
    assert do(t, "start-failover", rack=rack, type="unplanned").ok


def test_r14_failover_before_the_initial_copy_leaves_inconsistent_volumes() -> None:
    t = make_twin()
    pair(t)
    t.run_for(60)  # the initial copy takes ~18 minutes
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(3 * 3600)
    s = t.state()
    assert s["service"]["available"] is False
    for w in s["workloads"].values():
        assert w["status"] == "failed"
    assert "inconsistent" in s["workloads"]["orders-db"]["reason"]
    assert s["outcome"]["data_loss_bytes"] > 400e9 * 0.5  # most of the data never got there


def test_r14_no_compute_nodes_in_the_cloud_groups_means_workloads_cannot_start() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    do(t, "configure-tor-switches", rack="dallas")
    do(t, "start-workloads", rack="dallas")
    t.run_for(600)
    w = t.state()["workloads"]["orders-db"]
    assert w["status"] == "failed" and "no compute nodes" in w["reason"]


def test_r14_unconfigured_tor_switches_leave_running_workloads_unreachable() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in ("add-compute-nodes", "start-workloads", "advertise-routes"):
        do(t, a, rack="dallas")
    t.run_for(4 * 3600)
    s = t.state()
    assert all(w["status"] == "running" for w in s["workloads"].values())
    assert not any(w["reachable"] for w in s["workloads"].values())
    assert s["service"]["available"] is False
    do(t, "configure-tor-switches", rack="dallas")
    t.run_for(600)
    assert t.state()["service"]["available"] is True


def test_r14_both_racks_advertising_is_a_split_brain() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "start-failover", rack="raleigh")  # planned, but routes never withdrawn
    do(t, "start-failover", rack="dallas", type="planned")
    do(t, "advertise-routes", rack="dallas")
    t.run_for(300)
    s = t.state()
    assert s["service"]["split_brain"] is True
    assert any(a["code"] == "split-brain" for a in s["alerts"])


def test_r14_a_deployment_after_cloning_stopped_is_missing_on_the_backup() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "cut-link", link="ip")  # cloning stalls
    assert do(t, "deploy", rack="raleigh", name="late-app").ok
    t.run_for(600)
    assert "late-app" in t.state()["management"]["missing_on_backup"]
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(4 * 3600)
    w = t.state()["workloads"]
    assert w["late-app"]["status"] == "failed"
    assert "not in the management data" in w["late-app"]["reason"]
    assert w["orders-app"]["status"] == "running"


def test_r14_a_deployment_cloned_in_time_is_on_the_backup() -> None:
    t = make_twin(start="paired")
    assert do(t, "deploy", rack="raleigh", name="early-app").ok
    t.run_for(600)
    assert t.state()["management"]["missing_on_backup"] == []
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(4 * 3600)
    assert t.state()["workloads"]["early-app"]["status"] == "running"


def test_r15_rpo_is_hundreds_of_ms_at_8000_km() -> None:
    t = make_twin({"distance_km": 8000}, start="paired")
    t.run_for(2 * 3600)
    s = t.state()["replication"]
    assert 0.04 <= s["rpo_s"] < 0.5
    do(t, "lose-rack", rack="raleigh")
    o = t.state()["outcome"]
    assert 0.04 <= o["rpo_achieved_s"] < 0.5
    assert o["data_loss_bytes"] > 0


def test_r16_default_paired_system_recovers_within_6_hours_and_breakdown_adds_up() -> None:
    t = make_twin(start="paired", seed=5)
    t.run_for(3600)
    do(t, "lose-rack", rack="raleigh")
    t.run_for(900)  # the decision
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(6 * 3600)
    o = t.state()["outcome"]
    assert o["rto_s"] is not None and o["rto_s"] <= 6 * 3600
    bd = o["rto_breakdown_s"]
    assert sum(bd.values()) == pytest.approx(o["rto_s"])
    assert bd["decision"] == pytest.approx(900)
    assert bd["restart"] > 0


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


def test_rpo_exposure_freezes_when_the_source_is_lost() -> None:
    t = make_twin(start="paired")
    t.run_for(3600)
    do(t, "lose-rack", rack="raleigh")
    at_loss = t.state()["replication"]["rpo_s"]
    t.run_for(3 * 3600)
    s = t.state()
    assert s["replication"]["rpo_s"] == at_loss  # lost writes do not age
    assert at_loss == pytest.approx(s["outcome"]["rpo_achieved_s"], abs=1e-6)
    assert at_loss < 1.0
    _, rpo = t.series.get("rpo_s")
    assert rpo[-1] == pytest.approx(at_loss)


def test_outcome_exposes_its_milestones() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    t.run_for(600)
    unplanned(t)
    m = t.state()["outcome"]["milestones_s"]
    assert m == {"first_action": 600.0, "takeover": 600.0, "all_running": None}
