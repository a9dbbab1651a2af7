"""The after-action report (twin/aar.py): a pure function of the run report, one
self-contained HTML page, every text from the report escaped."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from twin import aar
from twin import actions as A
from twin.runner import Runner
from twin.scenario import Step, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
WHEN = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def trainee_report(name: str = "Ann Example") -> dict[str, Any]:
    """A flawed trainee on the site-loss scenario: a refused early start, a late
    unplanned failover, compute nodes added after it, the ToR switches forgotten, a hint."""
    sc = load_scenario(str(SITE_LOSS))
    plan = [Step(0, 0, 3700.0, None, A.StartWorkloads(rack="dallas"), None),
            Step(1, 0, 4300.0, None, A.StartFailover(rack="dallas", type="unplanned"), None),
            Step(2, 0, 4400.0, None, A.AddComputeNodes(rack="dallas"), None),
            Step(3, 0, 4500.0, None, A.StartWorkloads(rack="dallas"), None),
            Step(4, 0, 4600.0, None, A.AdvertiseRoutes(rack="dallas"), None)]
    return Runner(sc, mode="trainee", trainee=plan, trainee_name=name, hints=[4250.0]).run()


@pytest.fixture(scope="module")
def trainee() -> dict[str, Any]:
    return trainee_report()


@pytest.fixture(scope="module")
def skipped() -> dict[str, Any]:
    return Runner(load_scenario(str(ROOT / "scenarios" / "skipped-steps.yaml"))).run()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(page)
    return p.tags


def test_the_page_has_the_sections_of_an_after_action_report(trainee: dict[str, Any]) -> None:
    page = aar.render(trainee, made_at=WHEN, description="Lose Raleigh, fail over.",
                      scenario_sha256="ab" * 32, run_id=7)
    assert page.startswith("<!DOCTYPE html>")
    for heading in ("Exercise overview", "Timeline: actions against the answer", "Recovery "
                    "objectives: RPO and RTO", "Recovery timeline", "Strengths",
                    "Areas for improvement", "Score", "Appendix: event log"):
        assert heading in page, heading
    assert "14 March 2025, 09:30" in page and "history run 7" in page
    assert "ab" * 32 in page and "Lose Raleigh, fail over." in page
    score = trainee["assessment"]["score"]
    assert f'<span id="score">{score:g}</span>' in page and "✗ NOT PASSED" in page
    assert f"<title>After-action report — {trainee['scenario']}</title>" in page


def test_it_is_self_contained_and_script_free(trainee: dict[str, Any]) -> None:
    page = aar.render(trainee, made_at=WHEN)
    tags = _tags(page)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    urls = re.findall(r"(?:https?:)?//[\w.-]+", page)
    assert set(urls) <= {"http://www.w3.org"}, urls  # only the SVG namespace
    assert not any("src" in attrs for _, attrs in tags)
    assert "@media print" in page and "break-inside: avoid" in page and "@page" in page


def test_every_text_from_the_report_is_escaped(trainee: dict[str, Any]) -> None:
    r = copy.deepcopy(trainee)
    r["scenario"] = "<script>alert(1)</script> & co"
    r["trainee"] = '"><img src=x onerror=alert(2)>'
    r["events"][0]["message"] = "<b>bold</b>"
    r["assessment"]["deviations"][0]["what"] = "<i>x</i>"
    page = aar.render(r, description="<style>body{display:none}</style>")
    assert "<script>" not in page and "<img" not in page and "<b>bold</b>" not in page
    assert "<i>x</i>" not in page and "<style>body" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_timeline_sets_the_trainees_actions_against_the_answer_key(
        trainee: dict[str, Any]) -> None:
    rows, left = aar._timeline(trainee)
    assert not left  # every deviation is shown on a row of the timeline
    refused = [r for r in rows if r.actual is not None and not r.actual["accepted"]]
    assert len(refused) == 1 and refused[0].actual is not None
    assert refused[0].actual["do"] == "start-workloads" and refused[0].t == 3700.0
    omitted = [r for r in rows if r.actual is None and r.key is not None]
    assert [r.key["do"] for r in omitted if r.key] == ["configure-tor-switches"]
    matched = [r for r in rows if r.actual is not None and r.key is not None]
    assert [r.key["do"] for r in matched if r.key] == [
        "start-failover", "add-compute-nodes", "start-workloads", "advertise-routes"]
    injects = [r for r in rows if r.inject is not None]
    assert [r.inject["do"] for r in injects if r.inject] == ["lose-rack"]
    assert [r.t for r in rows] == sorted(r.t for r in rows)
    page = aar.render(trainee)
    assert "✗ refused" in page and "✗ omitted" in page
    assert "expected T+1:10:00 · 1m 40s late" in page  # the failover, 100 s after the key


def test_corrective_actions_come_from_the_rule_and_the_action() -> None:
    dev = {"rule": "R11", "action": "stop-workloads", "kind": "omission"}
    assert aar.corrective(dev) == \
        "Stop the workloads on the primary before Start Failover (R11 step 1)."
    late = {"rule": "R12", "action": "add-compute-nodes", "kind": "order"}
    assert aar.corrective(late) == ("Add compute nodes to the backup's cloud groups before "
                                    "Start Failover on the backup, not after it (R12, as in "
                                    "R11 step 3).")
    refused = {"rule": "R10", "action": "start-workloads", "kind": "refused",
               "consequence": "what should have come first: stop it on raleigh first"}
    assert aar.corrective(refused) == "Stop it on raleigh first, then start workloads (R10)."
    wrong = {"rule": "R12", "action": "start-failover", "kind": "wrong_type"}
    assert "fail over Planned" in aar.corrective(wrong)


def test_areas_for_improvement_list_each_deviation_with_its_corrective_action(
        skipped: dict[str, Any]) -> None:
    page = aar.render(skipped)
    section = page.split("Areas for improvement", 1)[1].split("Score</h2>", 1)[0]
    devs = skipped["assessment"]["deviations"]
    missed = [i for i in skipped["assessment"]["items"]
              if not i["ok"] and i["kind"] != "answer-key"]  # the RPO objective
    assert len(devs) == 5 and len(missed) == 1
    assert section.count('class="card dev-card"') == len(devs) + len(missed)
    for d in devs:
        assert aar._e(d["what"]) in section
        assert aar._e(aar.corrective(d)) in section
    assert "Stop the workloads on the primary before Start Failover (R11 step 1)." in section


def test_the_plots_are_drawn_from_the_series(trainee: dict[str, Any]) -> None:
    svg = aar.lag_rpo_svg(trainee)
    lines = re.findall(r'<polyline class="curve (lag|rpo)[^"]*" points="([^"]+)"', svg)
    assert {k for k, _ in lines} == {"lag", "rpo"}
    n = sum(len(p.split()) for _, p in lines)
    assert n >= len(trainee["series"]["t_s"])  # every sample is a point of some curve
    xs = [float(pt.split(",")[0]) for _, p in lines for pt in p.split()]
    assert min(xs) == pytest.approx(aar._PAD_L) and max(xs) > 600
    assert 'class="objective"' in svg and "RPO objective 1.0s" in svg
    assert "RPO achieved 108ms" in svg and 'class="down"' in svg


def test_the_recovery_timeline_is_the_rto_breakdown_stacked() -> None:
    r = Runner(load_scenario(str(SITE_LOSS))).run()
    svg = aar.rto_svg(r)
    widths = [float(w) for w in re.findall(r'<path class="seg seg\d" d="M[\d.]+ [\d.]+h([\d.]+)',
                                           svg)]
    bd = r["outcome"]["rto_breakdown_s"]
    positive = [v for v in bd.values() if v > 0]
    assert len(widths) == len(positive)
    total = sum(widths)
    for w, v in zip(widths, positive, strict=True):
        assert w / total == pytest.approx(v / r["outcome"]["rto_s"], abs=0.002)
    assert "RTO objective 6h 00m 00s" in svg


def test_a_report_without_an_outage_or_series_still_renders() -> None:
    r = Runner(load_scenario(str(ROOT / "scenarios" / "refused-primary-first.yaml"))).run()
    page = aar.render(r)
    assert "No outage: the service stayed available" in page
    bare: dict[str, Any] = {"scenario": "old run", "seed": 1, "ok": True, "steps": [],
                            "checks": [], "outcome": {}, "events": []}
    page = aar.render(bare)
    assert "old run" in page and "No time series in this report" in page


def test_write_puts_the_json_beside_the_html(tmp_path: Path, trainee: dict[str, Any]) -> None:
    html_path, json_path = aar.write(trainee, tmp_path / "aar.html", made_at=WHEN)
    assert json_path == tmp_path / "aar.json"
    assert json.loads(json_path.read_text(encoding="utf-8")) == json.loads(
        json.dumps(trainee, default=str))
    assert "After-action report" in html_path.read_text(encoding="utf-8")
    assert aar.json_path_for("x/report") == Path("x/report.json")
    assert aar.json_path_for("r.HTM") == Path("r.json")


def test_the_same_run_gives_the_same_page(trainee: dict[str, Any]) -> None:
    again = trainee_report()
    assert aar.render(trainee, made_at=WHEN) == aar.render(again, made_at=WHEN)


def test_scenario_info_reads_description_leniently() -> None:
    assert aar.scenario_info("name: x\ndescription: >\n  Two\n  lines\n")["description"] == \
        "Two lines"
    assert aar.scenario_info(": : not yaml [")["description"] == ""
    assert aar.scenario_info(None) == {"description": "", "briefing": ""}


def test_strengths_leave_out_what_a_deviation_is_about(skipped: dict[str, Any]) -> None:
    rows, _ = aar._timeline(skipped)
    strengths = " ".join(aar._strengths(skipped, rows))
    for done in ("Add compute nodes on dallas", "Start workloads on dallas",
                 "Advertise routes on dallas"):
        assert done in strengths
    # stopped and withdrawn after the failover, configured late, the failover flagged
    for late in ("Stop workloads on raleigh", "Withdraw routes on raleigh",
                 "Configure ToR switches on dallas", "Start Failover on raleigh"):
        assert late not in strengths
    assert "Timeline: the operator's actions" in aar.render(skipped)
