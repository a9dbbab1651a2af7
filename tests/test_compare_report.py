"""The comparison and sweep reports (twin/compare_report.py; `drtwin compare --report`,
`drtwin sweep --report`): self-contained HTML, the plots as inline SVG that parse, drawn
from the results they are given."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.cli import main
from twin.compare_report import INF_X, ZERO_X, render_compare, render_sweep, rpo_x
from twin.scenario import load_scenario, load_scenario_text
from twin.strategies import compare
from twin.sweep import parse_vary, sweep

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svgs(page: str) -> dict[str, ET.Element]:
    out = {}
    for text in SVG.findall(page):
        el = ET.fromstring(text)  # well-formed
        out[el.get("id") or ""] = el
    return out


def self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_the_comparison_report_draws_each_strategy_from_the_results() -> None:
    result = compare(load_scenario(SITE_LOSS))
    page = render_compare(result)
    self_contained(page)
    plots = svgs(page)
    assert {"plot-rpo-scale", "plot-rto-bars", "plot-timeline"} <= set(plots)
    ns = "{http://www.w3.org/2000/svg}"
    markers = {c.get("data-strategy"): float(c.get("cx") or 0)
               for c in plots["plot-rpo-scale"].iter(f"{ns}circle")}
    applicable = [r["strategy"] for r in result["strategies"] if r["applicable"]]
    assert sorted(markers) == sorted(applicable)  # one marker per strategy that applies
    assert markers["backup-restore"] > markers["host-based"] > markers["disk-replication"] \
        > markers["shared-fs"]
    assert "Metro Mirror is synchronous" in page  # the one that does not, and why
    # the RTO bars: a segment per non-zero phase, with its duration
    segs = [r for r in plots["plot-rto-bars"].iter(f"{ns}rect") if "seg" in (r.get("class")
                                                                             or "")]
    want = sum(1 for r in result["strategies"] if r["rto_s"] is not None
               for v in (r["rto_breakdown_s"] or {}).values() if v > 0)
    assert len(segs) == want
    # the table: a row per strategy
    assert page.count("<tr") - 1 == len(result["strategies"])


def test_the_log_scale_of_the_report() -> None:
    assert rpo_x(0) == ZERO_X and rpo_x(None) == INF_X and rpo_x(10.0) == pytest.approx(1.0)


def test_report_text_is_escaped() -> None:
    result = compare(load_scenario_text(
        "name: '<b>x</b> & co'\nstart: paired\nsteps:\n  - {at: 1h, do: lose-rack, "
        "rack: raleigh}\n"))
    page = render_compare(result)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt; &amp; co" in page
    svgs(page)


def test_the_sweep_report_has_its_summary_plots_and_impossible_runs() -> None:
    scenario = load_scenario(SITE_LOSS)
    result = sweep(scenario.source_text, str(SITE_LOSS),
                   [parse_vary("system.distance_km=100,1200,8000")], None,
                   ["host-based", "metro-mirror"], workers=1)
    page = render_sweep(result, scenario.name)
    self_contained(page)
    plots = svgs(page)
    assert {"plot-sweep-rpo", "plot-sweep-rto", "plot-hist-rpo", "plot-hist-rto"} <= set(plots)
    ns = "{http://www.w3.org/2000/svg}"
    dots = [c.get("data-strategy") for c in plots["plot-sweep-rpo"].iter(f"{ns}circle")]
    # impossible runs are left out of the plots: 3 host-based, 1 Metro Mirror (100 km)
    assert sorted(dots) == ["host-based"] * 3 + ["metro-mirror"]
    assert "Impossible runs" in page and "up to 300 km" in page
    assert "p95" in page and "system.distance_km" in page


def test_drtwin_compare_and_sweep_write_their_reports(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    out = tmp_path / "cmp.html"
    assert main(["compare", str(SITE_LOSS), "--report", str(out)]) == 0
    assert "plot-rpo-scale" in out.read_text()
    data = json.loads((tmp_path / "cmp.json").read_text())
    assert [r["strategy"] for r in data["strategies"]][0] == "backup-restore"
    assert "report written" in capsys.readouterr().err
    out = tmp_path / "sweep.html"
    assert main(["sweep", str(SITE_LOSS), "--vary", "system.distance_km=100,8000",
                 "--strategy", "host-based", "--workers", "1", "--report", str(out)]) == 0
    assert "plot-sweep-rto" in out.read_text()
    assert len(json.loads((tmp_path / "sweep.json").read_text())["rows"]) == 2


def test_a_report_that_cannot_be_written_is_said_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(SITE_LOSS), "--report", str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err
    bad = tmp_path / "no" / "such.html"
    assert main(["sweep", str(SITE_LOSS), "--vary", "system.distance_km=100",
                 "--report", str(bad)]) == 2
    assert "does not exist" in capsys.readouterr().err
