"""Every file in scenarios/ is a test case: it loads, runs, and its checks hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.runner import Runner, run_scenario
from twin.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_library_scenario_is_ready_for_a_class(path: Path) -> None:
    """A trainer opens any of them: it says what it is about, briefs the trainee, has
    objectives and a time limit, and something to check."""
    sc = load_scenario(str(path))
    assert len(sc.description) > 80, "a description of what the scenario teaches"
    assert len(sc.briefing) > 120, "a briefing the trainee reads first"
    assert sc.objectives.get("rpo_s") is not None or sc.objectives.get("rto_s") is not None
    assert sc.time_limit_s is not None and sc.time_limit_s >= sc.steps[-1].at_s if \
        sc.steps[-1].at_s is not None else sc.time_limit_s is not None
    assert any(s.action.do == "check" for s in sc.steps)
    assert any(s.role == "operator" for s in sc.steps), "an answer key for trainee mode"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_library_scenario_plays_in_trainee_mode(path: Path) -> None:
    """In trainee mode the operator's steps are the answer key: a trainee who does nothing
    scores less than the scripted operator did, and is told what was expected."""
    sc = load_scenario(str(path))
    auto = run_scenario(sc)
    idle = Runner(sc, mode="trainee").run()
    assert idle["mode"] == "trainee"
    # the operator steps reached before the time limit ends the exercise
    assert 1 <= len(idle["answer_key"]) <= sum(s.role == "operator" for s in sc.steps)
    assert idle["assessment"]["score"] < auto["assessment"]["score"]
    assert not any(s["accepted"] for s in idle["steps"] if s.get("by") == "operator")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_and_its_checks_hold(path: Path) -> None:
    report = run_scenario(load_scenario(str(path)))
    failed = [s for s in report["steps"] if not s["ok"]]
    assert report["ok"], f"{path.name}: steps not as expected: {failed}; checks: " + str(
        [c for c in report["checks"] if not c["ok"]])
    assert report["steps"], "a scenario with no steps tests nothing"
    json.dumps(report, allow_nan=False)  # the report is strict JSON: no Infinity/NaN


@pytest.mark.parametrize("path", SCENARIOS[:3], ids=lambda p: p.stem)
def test_same_seed_same_run(path: Path) -> None:
    a = run_scenario(load_scenario(str(path)))
    b = run_scenario(load_scenario(str(path)))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_paired_start_of_racks_that_cannot_pair_is_refused_at_load() -> None:
    from twin.scenario import ScenarioError, load_scenario_text

    with pytest.raises(ScenarioError) as e:
        load_scenario_text("name: x\nstart: paired\nsystem:\n  racks:\n"
                           "    - {name: a, fixpack: '1.1.0.2'}\n    - {name: b}\n")
    assert e.value.line == 2 and "same_fixpack" in str(e.value)
