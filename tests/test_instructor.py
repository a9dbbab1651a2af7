"""The instructor's controls over a running timeline (twin/runner.py, issue 11): fire an
instructor's step now, delay it, skip it, add an inject, freeze and resume, send a hint,
record an observation; all in the report's ``instructor`` section and the after-action
report, and deterministic."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from twin import aar
from twin import actions as A
from twin.runner import InstructorError, Runner
from twin.scenario import Step, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
# steps: 0 lose-rack at 1h, 1 note, 2 add-compute-nodes after 10m (operator), 3-6 operator,
# 7 wait service.available (6h), 8 check


def runner(mode: str = "trainee") -> Runner:
    return Runner(load_scenario(str(SITE_LOSS)), mode=mode)


def lost_at(r: Runner) -> list[float]:
    return [e.t_s for e in r.twin.events if "raleigh" in e.message.lower()
            and "lost" in e.message.lower() and e.kind != "note"]


def test_fire_now_runs_the_inject_ahead_of_its_time_and_the_rest_follows() -> None:
    r = runner()
    r.advance_to(600)
    assert r.step_state(0) == "pending"
    res = r.fire_now(0)
    assert res.ok and res.at_s == 600 and res.instructor == "fired"
    assert r.step_state(0) == "fired"
    r.advance_to(601)
    assert r.twin.state()["racks"]["raleigh"]["status"] == "lost"
    assert r.step_state(1) == "fired"  # the note follows at once, not at 1h
    r.advance_to(1300)
    # the answer key's failover is reached 10 minutes after the fired inject, not at 1h10
    assert r.answer_key[0]["do"] == "add-compute-nodes"
    assert r.answer_key[0]["expected_at_s"] == pytest.approx(1200)
    rep = r.report()
    assert rep["steps"][0]["instructor"] == "fired"
    assert rep["instructor"]["interventions"][0] == {
        "at_s": 600.0, "what": "fire", "index": 0, "do": "lose-rack", "accepted": True,
        "message": res.message}


def test_fire_now_out_of_order_runs_once() -> None:
    r = runner()
    r.advance_to(60)
    r.fire_now(1)  # the note, before the rack loss it comments
    r.advance_to(3700)
    notes = [s for s in r.steps if s.index == 1]
    assert len(notes) == 1 and notes[0].at_s == 60
    assert r.step_state(0) == "fired" and r.twin.state()["racks"]["raleigh"]["status"] == "lost"


def test_delay_moves_the_inject_and_what_follows() -> None:
    r = runner()
    r.advance_to(100)
    assert r.delay(0, 1800) == 1800
    assert r.delay(0, 600) == 2400 and r.step_state(0) == "delayed"
    r.advance_to(3600 + 2399)
    assert r.twin.state()["racks"]["raleigh"]["status"] == "up"
    r.advance_to(3600 + 2400)
    assert r.twin.state()["racks"]["raleigh"]["status"] == "lost"
    assert r.steps[0].at_s == pytest.approx(6000)
    assert [i["what"] for i in r.interventions] == ["delay", "delay"]


def test_skip_keeps_the_timeline_and_never_runs_the_inject() -> None:
    r = runner()
    r.skip(0)
    assert r.step_state(0) == "skipped"
    r.advance_to(3599)
    assert r.next_index == 0  # passed over in its slot, not at once
    r.advance_to(3600)
    assert r.step_state(0) == "skipped" and r.step_state(1) == "fired"
    assert r.twin.state()["racks"]["raleigh"]["status"] == "up"
    rec = r.report()["steps"][0]
    assert rec["instructor"] == "skipped" and rec["message"] == "skipped by the instructor"
    with pytest.raises(InstructorError, match="already skipped"):
        r.skip(0)


def test_skipping_a_wait_under_way_stops_it_and_it_is_not_graded() -> None:
    r = runner()
    r.advance_to(3600 + 700)
    assert r.step_state(7) == "waiting"
    r.skip(7)
    assert r.step_state(7) == "skipped" and not r.waiting and r.next_index == 8
    r.advance_to(3600 + 701)
    assert r.done
    items = r.report()["assessment"]["items"]
    assert not any(i["kind"] == "wait" for i in items)


def test_controls_that_cannot_apply_say_why_and_change_nothing() -> None:
    r = runner()
    with pytest.raises(InstructorError, match="trainee's"):
        r.fire_now(2)
    with pytest.raises(InstructorError, match="is a wait"):
        r.fire_now(7)
    with pytest.raises(InstructorError, match="no step 99"):
        r.skip(98)
    with pytest.raises(InstructorError, match="positive duration"):
        r.delay(0, -5)
    with pytest.raises(InstructorError, match="positive duration"):
        r.delay(0, math.nan)
    with pytest.raises(InstructorError, match="not a fault"):
        r.inject(A.Validate(rack="raleigh"))
    with pytest.raises(InstructorError, match="empty"):
        r.send_hint("   ")
    with pytest.raises(InstructorError, match="not frozen"):
        r.resume()
    assert r.interventions == [] and r.step_state(0) == "pending"


def test_an_added_inject_applies_now_and_is_recorded() -> None:
    r = runner()
    r.advance_to(1200)
    res = r.inject(A.DegradeLink(link="fc", latency_ms=30, bandwidth_mbps=100, loss_pct=1))
    assert res.ok and r.twin.state()["links"]["fc"]["degraded"]
    again = r.inject(A.RestoreRack(rack="raleigh"))  # not lost: refused, still recorded
    assert not again.ok
    ins = r.report()["instructor"]["interventions"]
    assert ins[0]["what"] == "inject" and ins[0]["at_s"] == 1200 and ins[0]["link"] == "fc"
    assert ins[0]["latency_ms"] == 30 and ins[0]["accepted"] is True
    assert ins[1]["accepted"] is False and ins[1]["message"].startswith("refused")


def test_freeze_stops_time_and_the_trainee_until_resume() -> None:
    r = runner()
    r.advance_to(3000)
    r.freeze()
    assert r.frozen
    assert r.advance_to(4000) == [] and r.twin.now == 3000
    res = r.act(A.StartFailover(rack="dallas", type="unplanned"))
    assert not res.ok and "paused by the instructor" in res.text
    assert r.actions == []  # a refusal while frozen is not the trainee's
    r.inject(A.CutLink(link="ip"))  # the instructor still can
    with pytest.raises(InstructorError, match="already frozen"):
        r.freeze()
    r.resume()
    r.advance_to(4000)
    assert r.twin.now == 4000 and r.twin.state()["racks"]["raleigh"]["status"] == "lost"
    assert [i["what"] for i in r.interventions] == ["freeze", "inject", "resume"]


def test_hints_reach_the_event_log_and_cost_points() -> None:
    sc = load_scenario(str(SITE_LOSS))
    auto = Runner(sc)
    auto.run()
    plan = [Step(i, 0, s.at_s, None, s.action, None)
            for i, s in enumerate(auto.steps) if s.by == "operator"]
    base = Runner(sc, mode="trainee", trainee=plan).run()["assessment"]["score"]
    assert base >= 90
    r = Runner(sc, mode="trainee", trainee=plan)
    r.advance_to(3700)
    r.send_hint("Look at the   Dallas console")
    assert r.twin.events[-1].message == "Hint from the instructor: Look at the Dallas console"
    rep = r.run()
    assert rep["instructor"]["hints"] == [{"at_s": 3700.0, "text": "Look at the Dallas console"}]
    assert rep["assessment"]["score"] == base - 5
    assert any("hint" in why for why in rep["assessment"]["reasons"])


def test_observations_go_into_the_report_and_the_after_action_report() -> None:
    r = runner()
    r.advance_to(3650)
    r.observe("Trainee hesitated <before> declaring")
    r.send_hint("Declare the disaster")
    r.skip(8)
    rep = r.run()
    assert rep["instructor"]["observations"] == [
        {"at_s": 3650.0, "text": "Trainee hesitated <before> declaring"}]
    assert not any("hesitated" in e["message"] for e in rep["events"])  # private
    page = aar.render(rep)
    assert "Instructor&#x27;s observations" in page or "Instructor's observations" in page
    assert "T+1:00:50" in page and "hesitated &lt;before&gt; declaring" in page
    assert "Declare the disaster" in page and "skipped by the instructor" in page


def test_an_aar_of_an_older_report_has_no_instructor_section() -> None:
    rep = runner().run()
    rep.pop("instructor")
    assert "Instructor's observations" not in aar.render(rep)


def _session(mode: str) -> dict[str, Any]:
    r = runner(mode)
    r.advance_to(300)
    r.delay(0, 900)
    r.inject(A.SurgeWrites(workload=next(iter(r.twin.state()["workloads"])), write_mb_s=300,
                           for_=1200))
    r.advance_to(1800)
    r.freeze()
    r.observe("froze to explain the surge")
    r.resume()
    r.fire_now(0)
    r.advance_to(2500)
    r.send_hint("fail over to dallas")
    if mode == "trainee":
        r.act(A.StartFailover(rack="dallas", type="unplanned"))
    r.advance_to(5000)
    r.inject(A.CutLink(link="fc"))
    return r.run()


@pytest.mark.parametrize("mode", ["trainee", "autoplay"])
def test_the_same_interventions_at_the_same_times_give_the_same_run(mode: str) -> None:
    a, b = _session(mode), _session(mode)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert len(a["instructor"]["interventions"]) == 6
    plain = runner(mode).run()
    assert [e["message"] for e in a["events"]] != [e["message"] for e in plain["events"]]
