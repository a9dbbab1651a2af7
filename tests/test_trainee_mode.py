"""Trainee mode (issue 10): the instructor's steps run on their timeline, the operator's
steps are the answer key, the trainee acts; every run is assessed (twin/assessment.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin import actions as A
from twin.runner import Runner
from twin.scenario import Step, load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"


def plan_of(runner: Runner) -> list[Step]:
    """What autoplay's operator did, as a trainee's planned actions (absolute times)."""
    return [Step(i, 0, s.at_s, None, s.action, None)
            for i, s in enumerate(runner.steps) if s.by == "operator"]


def test_steps_have_a_role_by_their_kind() -> None:
    sc = load_scenario(str(SITE_LOSS))
    roles = {s.action.do: s.role for s in sc.steps}
    assert roles["lose-rack"] == "instructor" and roles["wait"] == "instructor"
    assert roles["check"] == "instructor"
    assert roles["start-failover"] == "operator" and roles["start-workloads"] == "operator"


def test_trainee_mode_does_not_play_the_operators_steps() -> None:
    sc = load_scenario(str(SITE_LOSS))
    r = Runner(sc, mode="trainee")
    report = r.run()
    assert [s["do"] for s in report["steps"] if s.get("skipped")] == [
        "add-compute-nodes", "configure-tor-switches", "start-failover", "start-workloads",
        "advertise-routes"]
    assert not any(e.action.kind == "console" for e in r.twin.journal)  # nothing done
    assert [k["do"] for k in report["answer_key"]][0] == "add-compute-nodes"
    assert report["answer_key"][0]["expected_at_s"] == pytest.approx(3600 + 600)
    assert report["ok"] is False  # the wait for the service timed out
    a = report["assessment"]
    assert a["passed"] is False and a["score"] < 30
    omitted = {d["action"] for d in a["deviations"] if d["kind"] == "omission"}
    assert {"start-failover", "start-workloads", "advertise-routes"} <= omitted


def test_a_trainee_doing_what_autoplay_does_gets_the_same_run() -> None:
    sc = load_scenario(str(SITE_LOSS))
    auto = Runner(sc)
    a = auto.run()
    t = Runner(sc, mode="trainee", trainee=plan_of(auto), trainee_name="ann")
    r = t.run()
    assert r["mode"] == "trainee" and r["trainee"] == "ann" and r["ok"] is True
    assert r["outcome"] == a["outcome"]
    assert r["final_state"] == a["final_state"]
    assert [(e["t_s"], e["message"]) for e in r["events"]] == \
        [(e["t_s"], e["message"]) for e in a["events"]]
    keys = [i for i in r["assessment"]["items"] if i["kind"] == "answer-key"]
    assert len(keys) == 5 and all(i["ok"] for i in keys)
    assert r["assessment"]["score"] == a["assessment"]["score"]
    assert len(r["trainee_actions"]) == 5 and all(x["accepted"] for x in r["trainee_actions"])


def test_the_same_run_always_gets_the_same_assessment() -> None:
    sc = load_scenario(str(ROOT / "scenarios" / "skipped-steps.yaml"))
    a, b = Runner(sc).run(), Runner(sc).run()
    assert json.dumps(a["assessment"], sort_keys=True) == json.dumps(b["assessment"],
                                                                     sort_keys=True)


def test_a_refused_attempt_is_recorded_and_graded_with_what_should_come_first() -> None:
    sc = load_scenario(str(SITE_LOSS))
    early = [Step(0, 0, 3700.0, None, A.StartWorkloads(rack="dallas"), "refused")]
    r = Runner(sc, mode="trainee", trainee=early).run()
    rec = r["trainee_actions"][0]
    assert rec["accepted"] is False and rec["ok"] is True and rec["expect"] == "refused"
    dev = next(d for d in r["assessment"]["deviations"] if d["kind"] == "refused")
    assert dev["rule"] == "R10" and dev["action"] == "start-workloads"
    assert "complete the failover on dallas first" in dev["consequence"]
    assert dev["at_s"] == pytest.approx(3700.0)


def test_an_unplanned_failover_while_the_primary_is_alive_is_the_wrong_type() -> None:
    text = """name: planned by the book, failed over as unplanned
start: paired
steps:
  - {at: 10m, do: start-failover, rack: dallas, type: unplanned}
"""
    r = Runner(load_scenario_text(text)).run()
    dev = [d for d in r["assessment"]["deviations"] if d["kind"] == "wrong_type"]
    assert dev and dev[0]["rule"] == "R12" and "raleigh was up" in dev[0]["what"]


def test_hints_cost_points_and_show_the_next_expected_action() -> None:
    sc = load_scenario(str(SITE_LOSS))
    r = Runner(sc, mode="trainee")
    r.advance_to(3700.0)
    text = r.hint()
    assert "add-compute-nodes(rack=dallas)" in text
    r.act(A.AddComputeNodes(rack="dallas"))
    assert "configure-tor-switches(rack=dallas)" in r.hint()
    report = r.report()
    assert len(report["hints_s"]) == 2
    assert sum("a hint was taken" in x for x in report["assessment"]["reasons"]) == 2


def test_planned_hints_replay_at_their_times() -> None:
    sc = load_scenario(str(SITE_LOSS))
    r = Runner(sc, mode="trainee", hints=[3700.0])
    report = r.run()
    assert report["hints_s"] == [3700.0]
    assert any(e["message"].startswith("Hint: Next: add-compute-nodes") for e in report["events"])


def test_a_trainee_action_runs_after_the_instructors_step_at_the_same_time() -> None:
    text = """name: same instant
start: paired
steps:
  - {at: 10m, do: lose-rack, rack: raleigh}
  - {do: start-failover, rack: dallas, type: unplanned}
"""
    sc = load_scenario_text(text)
    plan = [Step(0, 0, 600.0, None, A.StartFailover(rack="dallas", type="unplanned"), None)]
    r = Runner(sc, mode="trainee", trainee=plan)
    r.run()
    kinds = [e.kind for e in r.twin.events if e.t_s == 600.0 and e.kind in ("fault", "action")]
    assert kinds[:2] == ["fault", "action"]
    assert r.actions[0].accepted  # the rack was already lost: the unplanned failover is right


def test_autoplay_refuses_a_trainee_plan() -> None:
    sc = load_scenario(str(SITE_LOSS))
    with pytest.raises(ValueError, match="trainee mode"):
        Runner(sc, trainee=[Step(0, 0, 1.0, None, A.Validate(rack="dallas"), None)])


def test_a_branch_replays_the_run_to_that_instant_and_then_goes_its_own_way() -> None:
    from twin.runner import versus

    sc = load_scenario(str(SITE_LOSS))
    a = Runner(sc, mode="trainee", trainee_name="ann")
    a.advance_to(3700.0)  # the site is lost; the trainee has declared the disaster
    a.act(A.StartFailover(rack="dallas", type="unplanned"))
    b = a.branch()
    assert b.twin.state() == a.twin.state()
    assert [(e.t_s, e.message) for e in b.twin.events] == \
        [(e.t_s, e.message) for e in a.twin.events]
    assert [x.action for x in b.actions] == [x.action for x in a.actions]
    for act in (A.AddComputeNodes(rack="dallas"), A.ConfigureTorSwitches(rack="dallas"),
                A.StartWorkloads(rack="dallas"), A.AdvertiseRoutes(rack="dallas")):
        a.act(act)
    for act in (A.StartWorkloads(rack="dallas"), A.AdvertiseRoutes(rack="dallas")):
        b.act(act)  # branch b forgets the compute nodes and the ToR switches
    ra, rb = a.run(), b.run()
    assert ra["outcome"]["rto_s"] is not None and rb["outcome"]["rto_s"] is None
    v = versus(ra, rb)
    assert v["a"]["score"] > v["b"]["score"]
    assert v["differences"]["score"]["b_minus_a"] < 0
    assert any("add-compute-nodes" in d for d in v["deviations_only_in_b"])
    assert v["first_different_action"] == 1
    with pytest.raises(ValueError, match="cannot branch"):
        a.branch(10 * 86_400)


def test_a_time_limit_missed_is_an_item_and_costs_its_weight() -> None:
    from twin.assessment import WEIGHTS

    text = SITE_LOSS.read_text()
    slow = load_scenario_text(text.replace("time_limit: 8h", "time_limit: 1h30m"))
    fast = load_scenario_text(text)
    assert slow.time_limit_s == 5400 and fast.time_limit_s == 8 * 3600
    auto = Runner(fast)
    auto.run()
    plan = plan_of(auto)
    a = Runner(fast, mode="trainee", trainee=plan).run()["assessment"]
    b = Runner(slow, mode="trainee", trainee=plan).run()["assessment"]
    limit = [i for i in b["items"] if i["kind"] == "time-limit"]
    assert len(limit) == 1 and limit[0]["ok"] is False  # restored at 2h06m, after 1h30m
    assert [i["ok"] for i in a["items"] if i["kind"] == "time-limit"] == [True]
    assert a["score"] - b["score"] == WEIGHTS["time_limit"]
