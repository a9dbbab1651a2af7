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
    assert len(c.recorded) == 1 and c.recorded[0].password is None
    assert c.recorded[0].to_dict() == {"do": "create-profile", "rack": "raleigh",
                                       "peer": "dallas", "user": "dradmin"}


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
