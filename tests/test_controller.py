"""The application's controller: the one path from widgets to the engine."""

from __future__ import annotations

from app.controller import Controller
from twin import actions as A
from twin.scenario import load_scenario_text


def test_recorded_session_keeps_no_password(qtbot) -> None:  # type: ignore[no-untyped-def]
    c = Controller(load_scenario_text("name: x\n"))
    res = c.apply(A.CreateProfile(rack="raleigh", peer="dallas", user="dradmin",
                                  password="passw0rd"))
    assert res.ok
    assert len(c.recorded) == 1 and c.recorded[0][1].password is None
    assert c.recorded[0][1].to_dict() == {"do": "create-profile", "rack": "raleigh",
                                          "peer": "dallas", "user": "dradmin"}
    assert "passw0rd" not in c.session_yaml()


def test_controller_plays_scenario_steps_as_time_advances(qtbot) -> None:  # type: ignore[no-untyped-def]
    c = Controller(load_scenario_text(
        "name: x\nstart: paired\nsteps:\n  - {at: 10m, do: cut-link, link: fc}\n"))
    finished = []
    c.stepFinished.connect(finished.append)
    c.advance(300)
    assert c.state()["links"]["fc"]["up"] is True and not finished
    c.advance(400)
    assert c.state()["links"]["fc"]["up"] is False and len(finished) == 1
    assert c.now == 700


def test_speed_steps_are_bounded(qtbot) -> None:  # type: ignore[no-untyped-def]
    c = Controller(load_scenario_text("name: x\n"))
    for _ in range(30):
        c.faster()
    assert c.speed == 10000
    for _ in range(30):
        c.slower()
    assert c.speed == 1


def test_a_session_saved_as_a_scenario_replays_to_the_same_state(qtbot) -> None:  # type: ignore[no-untyped-def]
    import json

    from twin.runner import Runner

    c = Controller(load_scenario_text(
        "name: drill\nstart: paired\nseed: 4\nobjectives: {rto: 6h}\nsteps:\n"
        "  - {at: 30m, do: lose-rack, rack: raleigh}\n"
        "  - {after: 1m, do: check, that: {service.available: false}}\n"))
    c.advance(45 * 60)  # the scenario loses raleigh; the trainee then acts from the GUI
    for act in (A.StartFailover(rack="dallas", type="unplanned"),
                A.AddComputeNodes(rack="dallas"), A.ConfigureTorSwitches(rack="dallas")):
        assert c.apply(act).ok
    c.advance(1200)
    assert c.apply(A.StartWorkloads(rack="dallas")).ok
    assert c.apply(A.AdvertiseRoutes(rack="dallas")).ok
    c.advance(3 * 3600)
    live = c.state()
    assert live["service"]["available"]

    replay = Runner(load_scenario_text(c.session_yaml()))
    replay.advance_to(c.now)
    assert replay.report()["ok"]
    again = replay.twin.state()
    assert json.dumps(again, sort_keys=True) == json.dumps(live, sort_keys=True)
    assert [e.to_dict() for e in replay.twin.events] == [e.to_dict() for e in c.twin.events]


def test_the_first_next_event_applies_the_first_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Next event on a fresh scenario whose first step is due before any engine event
    runs to that step and applies it: the clock never moves without the step."""
    c = Controller(load_scenario_text(
        "name: next\nstart: paired\nsteps:\n"
        "  - {at: 30s, do: cut-link, link: fc}\n"
        "  - {at: 2h, do: restore-link, link: fc}\n"))
    assert c.step_progress().next_index == 0
    c.step_event()
    assert c.now == 30
    assert c.step_progress().next_index == 1
    assert not c.state()["links"]["fc"]["up"]
