"""Management data cloning (twin/management.py): R1, R8, R14."""

from __future__ import annotations

import pytest

from twin.config import LinkConfig
from twin.management import ManagementClone
from twin.replication import Transition

IP = LinkConfig(bandwidth_mbps=1000.0)


def codes(trs: list[Transition]) -> list[str]:
    return [tr.code for tr in trs]


def test_initial_copy_takes_size_over_bandwidth() -> None:
    m = ManagementClone(20.0, IP, 5.0)
    assert m.state == "not_started" and m.progress == 0.0
    m.start(10.0)
    assert m.state == "initial_copy"
    assert m.next_transition_time() == pytest.approx(10.0 + 20 * 8000 / 1000)
    m.advance(90.0)
    assert m.progress == pytest.approx(0.5) and m.eta_s == pytest.approx(80.0)
    trs = m.advance(200.0)
    assert codes(trs) == ["copy_complete", "state"] and trs[0].t == pytest.approx(170.0)
    assert m.state == "synchronized" and m.initial_copy_complete and m.progress == 1.0


def test_a_change_reaches_the_backup_clone_lag_later() -> None:
    m = ManagementClone(1.0, IP, 5.0)
    m.assume_synchronized(0.0)
    m.record_change(100.0, "deploy", "orders-db")
    assert m.missing_on_backup() == ["orders-db"]
    m.advance(103.0)
    assert m.lag_s == pytest.approx(3.0)
    trs = m.advance(200.0)
    assert codes(trs) == ["change_cloned"] and trs[0].t == pytest.approx(105.0)
    assert m.missing_on_backup() == [] and m.lag_s == 0.0


def test_changes_queue_while_the_ip_link_is_down() -> None:
    m = ManagementClone(1.0, IP, 5.0)
    m.assume_synchronized(0.0)
    m.record_change(100.0, "deploy", "a")
    m.set_link(102.0, up=False)  # before "a" arrives
    assert m.state == "stalled"
    m.record_change(150.0, "image_import", "rhel", size_bytes=1.25e9)  # 10 s at 1 Gb/s
    trs = m.advance(1000.0)
    assert trs == [] and m.missing_on_backup() == ["a", "rhel"]
    assert m.lag_s == pytest.approx(900.0)
    trs = m.set_link(1000.0, up=True)
    assert m.state == "synchronized"
    trs = m.advance(2000.0)
    assert codes(trs) == ["change_cloned", "change_cloned"]
    assert trs[0].t == pytest.approx(1005.0)
    assert trs[1].t == pytest.approx(1000.0 + 10.0 + 5.0)


def test_initial_copy_pauses_on_a_link_fault_and_resumes() -> None:
    m = ManagementClone(10.0, IP, 5.0)
    m.start(0.0)
    m.set_link(30.0, up=False)
    m.advance(500.0)
    assert m.state == "stalled" and m.progress == pytest.approx(30 / 80)
    m.set_link(500.0, up=True)
    assert m.next_transition_time() == pytest.approx(550.0)


def test_changes_made_before_and_during_the_initial_copy_arrive_with_it() -> None:
    m = ManagementClone(10.0, IP, 5.0)
    m.record_change(0.0, "cloud_group", "cg1")
    m.start(10.0)
    m.record_change(20.0, "deploy", "web")
    trs = m.advance(200.0)
    assert codes(trs) == ["copy_complete", "change_cloned", "state", "change_cloned"]
    assert trs[-1].t == pytest.approx(90.0 + 5.0)


def test_a_deployment_after_cloning_stopped_is_missing_on_the_backup() -> None:
    m = ManagementClone(1.0, IP, 5.0)
    m.assume_synchronized(0.0)
    m.record_change(10.0, "deploy", "before")
    m.advance(100.0)
    m.stop(100.0)
    assert m.state == "stopped"
    m.record_change(101.0, "deploy", "during-failover")
    m.advance(10_000.0)
    assert m.missing_on_backup() == ["during-failover"]
    assert m.next_transition_time() is None


def test_reverse_starts_a_full_copy_the_other_way() -> None:
    m = ManagementClone(1.0, IP, 5.0)
    m.assume_synchronized(0.0)
    m.stop(10.0)
    m.reverse(20.0)
    assert m.state == "not_started" and not m.initial_copy_complete
    m.start(30.0)
    assert m.next_transition_time() == pytest.approx(38.0)


def test_same_inputs_same_outputs_and_fast_forward() -> None:
    def run(step: float) -> list[tuple[float, str]]:
        m = ManagementClone(5.0, IP, 5.0)
        out: list[Transition] = []
        out += m.start(0.0)
        t = 0.0
        plan = {50.0: ("rec", "x"), 70.0: ("down", None), 300.0: ("up", None),
                310.0: ("rec", "y"), 400.0: ("rec", "z")}
        for at in sorted(plan):
            while t + step < at:
                t += step
                out += m.advance(t)
            t = at
            kind, arg = plan[at]
            if kind == "rec":
                out += m.record_change(at, "deploy", str(arg))
            else:
                out += m.set_link(at, up=kind == "up")
        out += m.advance(1000.0)
        return [(round(tr.t, 9), tr.code) for tr in out]

    assert run(1000.0) == run(1.0) == run(7.3)
