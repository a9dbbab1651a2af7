"""The instructor's faults on the site: links, racks, storage, management nodes, write
surges; every change they cause is logged by the subsystem that makes it."""

from __future__ import annotations

from tests.helpers import do, make_twin


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
    t.run_for(600)  # raleigh writes meanwhile: the group needs a resync when dallas is back
    res = do(t, "restore-rack", rack="dallas")
    assert res.ok and "V7000" in res.message and "management" in res.message
    assert do(t, "resume-replication", rack="raleigh").ok
    t.run_for(3600)
    assert t.state()["replication"]["state"] == "consistent_synchronized"
    assert not do(t, "restore-rack", rack="dallas").ok  # nothing left to repair


def test_zero_length_surge_is_refused_and_a_stopped_workload_says_so() -> None:
    t = make_twin(start="paired")
    assert not do(t, "surge-writes", workload="orders-db", write_mb_s=50, **{"for": 0}).ok
    do(t, "stop-workloads", rack="raleigh", workloads=["orders-mq"])
    res = do(t, "surge-writes", workload="orders-mq", write_mb_s=50, **{"for": 60})
    assert res.ok and "stopped now" in res.message


def test_restore_rack_logs_each_workload_it_turns_from_failed_to_stopped() -> None:
    """The workloads subsystem makes that change, so it logs it (issue 7: every change is
    logged by the one that made it)."""
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    assert {w["status"] for w in t.state()["workloads"].values()} == {"failed"}
    before = len(t.events)
    assert do(t, "restore-rack", rack="raleigh").ok
    logged = [e for e in t.events[before:] if e.kind == "workload"]
    assert {e.item for e in logged} == {f"workload:{w}" for w in t.state()["workloads"]}
    assert all("stopped on raleigh" in e.message for e in logged)
    assert {w["status"] for w in t.state()["workloads"].values()} == {"stopped"}


def test_a_fault_is_logged_before_the_changes_it_causes() -> None:
    t = make_twin(start="paired")
    before = len(t.events)
    do(t, "lose-rack", rack="raleigh")
    kinds = [e.kind for e in t.events[before:]]
    assert kinds[0] == "fault" and "workload" in kinds[1:]
