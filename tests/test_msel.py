"""The instructor's timeline as a master scenario events list in CSV (issue 11)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from twin.msel import COLUMNS, MselError, steps_from_csv, to_csv, with_steps
from twin.runner import run_scenario
from twin.scenario import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"


def test_the_csv_has_the_events_list_columns_and_a_row_per_step() -> None:
    sc = load_scenario(str(SITE_LOSS))
    rows = list(csv.DictReader(io.StringIO(to_csv(sc))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(sc.steps)
    loss = rows[0]
    assert loss["time"] == "1:00:00" and loss["player"] == "instructor"
    assert "start-failover(rack=dallas, type=unplanned)" in loss["expected action"]
    failover = next(r for r in rows if "start-failover" in r["inject"])
    assert failover["player"] == "trainee" and "R11/R12" in failover["objective tested"]
    wait = next(r for r in rows if r["inject"].startswith("{do: wait"))
    assert "service.available = True" in wait["objective tested"]


def test_exported_and_imported_the_scenario_runs_the_same() -> None:
    text = SITE_LOSS.read_text()
    sc = load_scenario(str(SITE_LOSS))
    again = load_scenario_text(with_steps(text, steps_from_csv(to_csv(sc))), "again.yaml")
    a, b = run_scenario(sc), run_scenario(again)
    assert json.dumps(a["outcome"]) == json.dumps(b["outcome"])
    assert [e["message"] for e in a["events"]] == [e["message"] for e in b["events"]]


def test_a_spreadsheet_can_retime_an_inject_and_hand_a_step_to_the_instructor() -> None:
    sc = load_scenario(str(SITE_LOSS))
    rows = list(csv.DictReader(io.StringIO(to_csv(sc))))
    rows[0]["at"] = "2h"
    k = next(i for i, r in enumerate(rows) if "start-failover" in r["inject"])
    rows[k]["player"] = "instructor"  # the instructor fails over (set-up, not assessed)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
    w.writeheader()
    w.writerows(rows)
    steps = steps_from_csv(buf.getvalue())
    assert steps[0]["at"] == "2h" and steps[k]["by"] == "instructor"
    again = load_scenario_text(with_steps(SITE_LOSS.read_text(), steps))
    assert again.steps[0].at_s == 7200 and again.steps[k].role == "instructor"


def test_a_broken_row_says_which() -> None:
    with pytest.raises(MselError, match="row 3"):
        steps_from_csv('time,inject\n0:00,"{do: note, text: a}"\n0:01,"[not a mapping"\n')
    with pytest.raises(MselError, match="no 'inject' column"):
        steps_from_csv("time,what\n0,x\n")
