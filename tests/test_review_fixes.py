"""Defects a review found (each test failed before its fix)."""

from __future__ import annotations

import math

import pytest

from tests.helpers import do, make_twin

RECOVER = ("add-compute-nodes", "configure-tor-switches", "start-workloads", "advertise-routes")


def test_a_deployment_under_way_is_not_an_outage() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    assert do(t, "deploy", rack="raleigh", name="newapp").ok
    assert t.state()["service"]["available"] is True
    t.run_for(7200)
    assert t.state()["outcome"]["service_down_at_s"] is None
    do(t, "lose-rack", rack="raleigh")
    assert t.state()["outcome"]["service_down_at_s"] == pytest.approx(t.now)


def test_losing_the_new_production_rack_loses_its_unreplicated_writes() -> None:
    t = make_twin(start="paired", write_variation=False)
    t.run_for(600)
    for a in ("quiesce-compute-nodes", "stop-workloads", "withdraw-routes"):
        do(t, a, rack="raleigh")
    t.run_for(120)
    do(t, "start-failover", rack="raleigh")
    do(t, "add-compute-nodes", rack="dallas")
    do(t, "configure-tor-switches", rack="dallas")
    do(t, "start-failover", rack="dallas", type="planned")
    assert t.state()["outcome"]["data_loss_bytes"] == 0
    t.run_for(1800)
    do(t, "start-workloads", rack="dallas")
    do(t, "advertise-routes", rack="dallas")
    t.run_for(4 * 3600)
    first_write = min(t.workloads.by_name[w].started_at_s for w in ("orders-db", "orders-mq"))
    do(t, "lose-rack", rack="dallas")
    o = t.state()["outcome"]
    written = t.replication.unapplied_bytes(1)
    assert o["data_loss_bytes"] == round(written) and written > 1e9
    assert o["rpo_achieved_s"] == pytest.approx(t.now - first_write, abs=1)
    assert t.state()["replication"]["rpo_s"] == pytest.approx(o["rpo_achieved_s"], abs=1e-6)
    # raleigh starting again writes safely: that is not loss
    do(t, "start-workloads", rack="raleigh")
    t.run_for(3600)
    assert t.state()["outcome"]["data_loss_bytes"] == o["data_loss_bytes"]


def test_a_disaster_during_a_resync_loses_everything_and_the_rpo_is_unbounded() -> None:
    t = make_twin(start="paired")
    t.run_for(100)
    do(t, "cut-link", link="fc")
    t.run_for(600)
    do(t, "restore-link", link="fc")
    do(t, "resume-replication", rack="raleigh")
    s = t.state()["replication"]
    assert s["state"] == "inconsistent_copying" and s["rpo_s"] is None  # R19
    t.run_for(5)
    do(t, "lose-rack", rack="raleigh")
    o = t.state()["outcome"]
    assert o["rpo_achieved_s"] is None
    assert o["data_loss_bytes"] >= sum(w.volume_gb for w in t.system.workloads) * 1e9


def test_the_breakdown_charges_a_same_rack_restart_to_restart() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "stop-workloads", rack="raleigh")
    t.run_for(300)
    do(t, "start-workloads", rack="raleigh")
    t.run_for(4 * 3600)
    bd = t.state()["outcome"]["rto_breakdown_s"]
    assert bd["decision"] == pytest.approx(300)
    assert bd["restart"] > 1800 and bd["network"] == pytest.approx(0)


def test_an_outage_in_progress_charges_the_phase_in_progress() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    t.run_for(1200)
    bd = t.state()["outcome"]["rto_breakdown_s"]
    assert bd == {"decision": 1200.0, "data_sync": 0.0, "restart": 0.0, "network": 0.0}


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


def test_no_infinity_anywhere_in_the_state_document() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "degrade-link", link="fc", loss_pct=100)
    t.run_for(60)

    def walk(v: object) -> None:
        if isinstance(v, float):
            assert math.isfinite(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(t.state())


def test_objectives_missed_are_graded_missed_not_unmeasured() -> None:
    from twin.runner import run_scenario
    from twin.scenario import load_scenario_text

    r = run_scenario(load_scenario_text(
        "name: x\nstart: paired\nobjectives: {rpo: 1s, rto: 10m}\n"
        "steps:\n  - {at: 10m, do: lose-rack, rack: raleigh}\n"
        "  - {after: 2h, do: note, text: nobody acted}\n"))
    assert r["objectives"]["rto_s"]["met"] is False
    assert r["objectives"]["rpo_s"]["met"] is True
    r = run_scenario(load_scenario_text(
        "name: x\nobjectives: {rpo: 1s}\n"
        "steps:\n  - {at: 10m, do: lose-rack, rack: raleigh}\n"))
    assert r["objectives"]["rpo_s"]["met"] is False  # no DR: unbounded
    assert r["objectives"]["rpo_s"]["unbounded"] is True


def test_resume_during_a_link_outage_says_restore_the_link() -> None:
    t = make_twin(start="paired")
    do(t, "cut-link", link="fc")
    res = do(t, "resume-replication", rack="raleigh")
    assert not res.ok and "restore the FC link" in res.hint


def test_restore_rack_repairs_failed_storage_and_management_nodes() -> None:
    t = make_twin(start="paired")
    do(t, "fail-storage", rack="dallas")
    do(t, "fail-management-node", rack="dallas")
    do(t, "fail-management-node", rack="dallas")
    assert not do(t, "validate", rack="dallas").ok  # its console does not answer
    res = do(t, "restore-rack", rack="dallas")
    assert res.ok and "V7000" in res.message and "management" in res.message
    assert do(t, "resume-replication", rack="raleigh").ok
    t.run_for(3600)
    assert t.state()["replication"]["state"] == "consistent_synchronized"
    assert not do(t, "restore-rack", rack="dallas").ok  # nothing left to repair


def test_failback_guidance() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    do(t, "start-failover", rack="dallas", type="unplanned")
    again = do(t, "start-failover", rack="dallas", type="unplanned")
    assert not again.ok and "already done" in again.message
    do(t, "restore-rack", rack="raleigh")
    res = do(t, "enable", rack="raleigh", role="backup")
    assert not res.ok and "start the failover on raleigh first" in res.hint
    res = do(t, "start-failover", rack="raleigh")
    assert res.ok and "enable raleigh as the backup" in res.message
    do(t, "enable", rack="raleigh", role="backup")
    res = do(t, "enable", rack="dallas", role="primary")
    assert res.ok and "resynchronises from dallas to raleigh" in res.message


def test_paired_start_of_racks_that_cannot_pair_is_refused_at_load() -> None:
    from twin.scenario import ScenarioError, load_scenario_text

    with pytest.raises(ScenarioError) as e:
        load_scenario_text("name: x\nstart: paired\nsystem:\n  racks:\n"
                           "    - {name: a, fixpack: '1.1.0.2'}\n    - {name: b}\n")
    assert e.value.line == 2 and "same_fixpack" in str(e.value)


def test_zero_length_surge_is_refused_and_a_stopped_workload_says_so() -> None:
    t = make_twin(start="paired")
    assert not do(t, "surge-writes", workload="orders-db", write_mb_s=50, **{"for": 0}).ok
    do(t, "stop-workloads", rack="raleigh", workloads=["orders-mq"])
    res = do(t, "surge-writes", workload="orders-mq", write_mb_s=50, **{"for": 60})
    assert res.ok and "stopped now" in res.message


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
