"""Outcome accounting (R14–R16): data lost, RPO achieved, the RTO and its breakdown,
the objectives graded."""

from __future__ import annotations

import pytest

from tests.helpers import RECOVER, do, make_twin, unplanned


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
    written = t.storage.replication.unapplied_bytes(1)
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
