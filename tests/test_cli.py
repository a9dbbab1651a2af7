"""``drtwin run`` / ``check``: the report and the exit codes of scenario-format.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_run_prints_a_summary_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "scenarios" / "refused-primary-first.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Result: PASS" in out and "refusals: 2" in out


def test_run_json_report_has_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "scenarios" / "unplanned-site-loss.yaml"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("scenario", "seed", "ok", "steps", "checks", "outcome", "final_state",
                "events"):
        assert key in report
    assert set(report["steps"][0]) >= {"index", "at_s", "do", "ok", "message"}
    assert set(report["checks"][0]) >= {"index", "at_s", "path", "expected", "actual", "ok"}
    o = report["outcome"]
    assert set(o) >= {"disaster_at_s", "data_loss_bytes", "rpo_achieved_s",
                      "service_down_at_s", "service_restored_at_s", "rto_s",
                      "rto_breakdown_s"}
    assert set(o["rto_breakdown_s"]) == {"decision", "data_sync", "restart", "network"}
    assert sum(o["rto_breakdown_s"].values()) == pytest.approx(o["rto_s"], abs=1e-3)
    assert set(report["events"][0]) >= {"t_s", "kind", "rack", "message"}


def test_a_failing_check_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "fail.yaml"
    f.write_text("name: failing\nsteps:\n  - {do: check, that: {service.available: false}}\n")
    assert main(["run", str(f)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_an_accepted_step_expected_refused_exits_1(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("name: x\nsteps:\n  - {do: cut-link, link: fc, expect: refused}\n")
    assert main(["run", str(f)]) == 1


def test_an_invalid_file_exits_2_naming_file_line_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("name: bad\nsteps:\n  - {do: validate, rack: raleigh}\n"
                 "  - {do: enable, rack: paris, role: backup}\n")
    assert main(["run", str(f)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:4" in err and "rack" in err and "paris" in err
    assert "Traceback" not in err


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "/nonexistent/x.yaml"]) == 2
    assert "x.yaml" in capsys.readouterr().err


def test_check_validates_without_running(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "scenarios" / "default.yaml")]) == 0
    assert "valid" in capsys.readouterr().out


def test_the_console_script_runs_headless() -> None:
    exe = Path(sys.executable).with_name("drtwin")
    r = subprocess.run([str(exe), "run", str(ROOT / "scenarios" / "refused-primary-first.yaml"),
                        "--json"], capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "DRTWIN_HISTORY": "off"})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ok"] is True
