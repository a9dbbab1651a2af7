"""The example of scenario-format.md, run as written but for the one documented difference
(idling_disconnected: see docs/scenario-file.md)."""

from __future__ import annotations

import re
from pathlib import Path

from twin.runner import run_scenario
from twin.scenario import load_scenario_text

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario-file.md"


def test_the_documented_example_runs_and_passes() -> None:
    text = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.S).group(1)
    assert "lose-rack" in text and "idling_disconnected" in text
    report = run_scenario(load_scenario_text(text))
    assert report["ok"], [s for s in report["steps"] if not s["ok"]]
    o = report["outcome"]
    assert o["rto_s"] <= 21600 and o["data_loss_bytes"] > 0 and o["rpo_achieved_s"] < 1


def test_idling_without_disconnection_when_the_partner_is_there() -> None:
    report = run_scenario(load_scenario_text(
        "name: planned\nstart: paired\nsteps:\n"
        "  - {do: start-failover, rack: raleigh}\n"
        "  - {do: start-failover, rack: dallas, type: planned}\n"
        "  - {do: check, that: {replication.state: idling}}\n"))
    assert report["ok"]
