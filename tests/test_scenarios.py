"""Every file in scenarios/ is a test case: it loads, runs, and its checks hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin.runner import run_scenario
from twin.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 4


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
