"""R14–R17: skipped manual actions have consequences the twin shows, and the recovery
objectives follow from the simulated system."""

from __future__ import annotations

from tests.helpers import RECOVER, do, make_twin, pair, unplanned
from twin.twin import Twin


def lose_raleigh_and_recover(t: Twin, for_s: float) -> None:
    """The disaster and the backup's full unplanned recovery (R12), then ``for_s``."""
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(for_s)


def test_r14_failover_before_the_initial_copy_leaves_inconsistent_volumes() -> None:
    t = make_twin()
    pair(t)
    t.run_for(60)  # the initial copy takes ~18 minutes
    lose_raleigh_and_recover(t, 3 * 3600)
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


def test_r14_r16_a_split_brain_is_an_outage_until_the_routes_are_withdrawn() -> None:
    """Found by an audit: a planned failover whose operator never withdrew the old primary's
    routes ended with Dallas's workloads running and the service counted as restored, while
    both sites advertised the addresses. In a split brain clients reach one site or the
    other (R14): the service is not available, and the RTO (R16: until the business runs
    again) runs on until one rack withdraws."""
    t = make_twin(start="paired")
    t.run_for(3600)
    for a in ("quiesce-compute-nodes", "stop-workloads"):
        assert do(t, a, rack="raleigh").ok
    t.run_for(60)
    assert do(t, "start-failover", rack="raleigh").ok  # the routes are never withdrawn
    for a in ("add-compute-nodes", "configure-tor-switches"):
        assert do(t, a, rack="dallas").ok
    assert do(t, "start-failover", rack="dallas", type="planned").ok
    for a in ("start-workloads", "advertise-routes"):
        assert do(t, a, rack="dallas").ok
    t.run_for(4 * 3600)
    s = t.state()
    assert all(w["status"] == "running" and w["rack"] == "dallas"
               for w in s["workloads"].values())
    assert s["service"]["split_brain"] is True and s["service"]["available"] is False
    assert s["outcome"]["rto_s"] is None  # not restored
    withdrawn_at = t.now
    assert do(t, "withdraw-routes", rack="raleigh").ok
    t.run_for(600)
    s = t.state()
    assert s["service"]["available"] is True and not s["service"]["split_brain"]
    rto, down_at = s["outcome"]["rto_s"], 3600.0  # the stop on raleigh began the outage
    assert rto is not None and rto > withdrawn_at - down_at


def test_r14_a_deployment_after_cloning_stopped_is_missing_on_the_backup() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "cut-link", link="ip")  # cloning stalls
    assert do(t, "deploy", rack="raleigh", name="late-app").ok
    t.run_for(600)
    assert "late-app" in t.state()["management"]["missing_on_backup"]
    lose_raleigh_and_recover(t, 4 * 3600)
    w = t.state()["workloads"]
    assert w["late-app"]["status"] == "failed"
    assert "not in the management data" in w["late-app"]["reason"]
    assert "while the IP link was down" in w["late-app"]["reason"]
    assert w["orders-app"]["status"] == "running"


def test_r14_a_deployment_within_the_clone_lag_says_so() -> None:
    """Found by an audit: a deployment made 2 s before the site loss, while cloning ran,
    failed "deployed after cloning stopped". It missed the clone lag (5 s): the reason
    says that, and start-workloads says at once which workloads cannot start."""
    t = make_twin(start="paired")
    t.run_for(600)
    assert do(t, "deploy", rack="raleigh", name="last-app").ok
    t.run_for(2)
    do(t, "lose-rack", rack="raleigh")
    unplanned(t)
    for a in ("add-compute-nodes", "configure-tor-switches"):
        do(t, a, rack="dallas")
    res = do(t, "start-workloads", rack="dallas")
    assert res.ok and "last-app cannot start" in res.message
    assert "deployed 2.0s before the takeover" in res.message, res.message
    assert "not been cloned yet" in res.message
    assert "cloning stopped" not in res.message


def test_r8_r14_a_failover_before_the_management_initial_copy_knows_no_deployment() -> None:
    """Found by an audit: with the disks copied but the management data's initial copy at
    7 % (a slow IP link, R8), an unplanned failover started every workload on the backup,
    which had never received their records. Now none of them can start there, and each
    says why (R11 step 1: "verify that replication shows the initial copies complete")."""
    t = make_twin({"ip_link": {"bandwidth_mbps": 100}, "management": {"size_gb": 2000}})
    pair(t)
    t.run_for(3 * 3600)
    s = t.state()
    assert s["replication"]["initial_copy_complete"] is True
    assert s["management"]["initial_copy_complete"] is False
    lose_raleigh_and_recover(t, 4 * 3600)
    s = t.state()
    assert s["service"]["available"] is False
    for w in s["workloads"].values():
        assert w["status"] == "failed"
        assert "initial copy to dallas was not complete" in w["reason"], w["reason"]


def test_r14_a_deployment_cloned_in_time_is_on_the_backup() -> None:
    t = make_twin(start="paired")
    assert do(t, "deploy", rack="raleigh", name="early-app").ok
    t.run_for(600)
    assert t.state()["management"]["missing_on_backup"] == []
    lose_raleigh_and_recover(t, 4 * 3600)
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
