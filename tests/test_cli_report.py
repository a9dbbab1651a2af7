"""`drtwin run --report`, `--history`, `drtwin history [show N]` and the summary's
assessment lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = ROOT / "scenarios" / "skipped-steps.yaml"
REFUSED = ROOT / "scenarios" / "refused-primary-first.yaml"
MISSED_RPO = """name: RPO objective missed
start: paired
objectives: {rpo: 1ms, rto: 30m}
steps:
  - {at: 10m, do: lose-rack, rack: raleigh}
  - {after: 1m, do: start-failover, rack: dallas, type: unplanned}
  - {after: 1h, do: note, text: "Nobody started the workloads."}
"""


def test_the_summary_has_the_assessment_and_says_what_pass_does_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "no-objectives.yaml"  # the library file, without its objectives
    bare.write_text("\n".join(x for x in SKIPPED.read_text().splitlines()
                              if not x.startswith("objectives:")))
    assert main(["run", str(bare)]) == 0
    out = capsys.readouterr().out
    assert "Result: PASS" in out
    assert "Assessment: 47/100, not passed (pass mark 70)" in out
    assert "Checks held; 1.4 GB of data lost (the scenario sets no RPO objective)" in out
    f = tmp_path / "missed.yaml"
    f.write_text(MISSED_RPO)
    assert main(["run", str(f)]) == 0
    out = capsys.readouterr().out
    assert "Checks held; RPO objective missed: " in out
    line = next(x for x in out.splitlines() if x.startswith("Checks held; RPO"))
    assert " lost, RPO " in line and line.endswith("against 1ms")
    assert "Checks held; RTO objective missed: service not restored against 30m 00s" in out


def test_run_report_writes_the_html_and_the_json_beside_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "aar.html"
    assert main(["run", str(SKIPPED), "--report", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    report = json.loads((tmp_path / "aar.json").read_text(encoding="utf-8"))
    assert report["scenario"] == "What skipping the manual steps costs"
    assert "<title>After-action report — What skipping the manual steps costs</title>" in page
    assert "A rushed planned failover (R14)" in page  # the scenario's description
    import hashlib
    assert hashlib.sha256(SKIPPED.read_text(encoding="utf-8").encode()).hexdigest() in page
    assert "Run made" in page and "— (autoplay)" in page
    assert "after-action report written to" in capsys.readouterr().err


def test_run_report_into_a_missing_folder_exits_2_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nope" / "aar.html"
    assert main(["run", str(SKIPPED), "--report", str(out)]) == 2
    cap = capsys.readouterr()
    assert f"the folder {out.parent} does not exist" in cap.err
    assert "Traceback" not in cap.err and "Scenario:" not in cap.out  # nothing ran
    assert main(["run", str(SKIPPED), "--report", str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err


def test_every_run_is_kept_in_the_history(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    assert main(["run", str(SKIPPED), "--history", str(db)]) == 0
    assert main(["run", str(REFUSED), "--history", str(db), "--json"]) == 0
    capsys.readouterr()
    assert main(["history", "--history", str(db), "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in runs] == ["Enabling the primary before the backup is refused",
                                             "What skipping the manual steps costs"]
    assert [r["id"] for r in runs] == [2, 1] and runs[1]["score"] == 32.0  # RPO objective missed
    assert main(["history", "--history", str(db)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "when", "scenario", "mode", "trainee", "score", "RPO",
                                "RTO"]
    assert table[2].lstrip().startswith("1 ") and "32 ✗" in table[2] and "5m 00s" in table[2]
    assert main(["history", "show", "1", "--history", str(db)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Run 1: ") and "Assessment: 32/100, not passed" in shown
    assert main(["history", "show", "2", "--json", "--history", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "Enabling the primary before the backup is refused"
    out = tmp_path / "old.html"
    assert main(["history", "show", "1", "--report", str(out), "--history", str(db)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "history run 1" in page and "A rushed planned failover (R14)" in page
    assert (tmp_path / "old.json").exists()


def test_history_errors_are_messages_not_tracebacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    assert main(["history", "--history", str(db)]) == 0
    assert "No runs recorded yet" in capsys.readouterr().out and not db.exists()
    assert main(["history", "show", "3", "--history", str(db)]) == 2
    assert f"no run 3 in {db}" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite at all " * 64)
    assert main(["run", str(SKIPPED), "--history", str(junk)]) == 2
    cap = capsys.readouterr()
    assert str(junk) in cap.err and "not a usable history database" in cap.err
    assert "Traceback" not in cap.err and cap.out == ""  # checked before the run
    assert main(["history", "--history", str(tmp_path / "no" / "h.sqlite")]) == 2
    assert "does not exist" in capsys.readouterr().err
    # a mistyped folder stops `run` before it runs too (exit 2: nothing ran; an audit found
    # the whole report printed, then exit 2)
    assert main(["run", str(SKIPPED), "--history", str(tmp_path / "no" / "h.sqlite")]) == 2
    cap = capsys.readouterr()
    assert "does not exist" in cap.err and cap.out == "" and "Traceback" not in cap.err
    assert main(["history"]) == 2  # DRTWIN_HISTORY=off in the tests
    assert "the run history is off" in capsys.readouterr().err


def test_history_off_records_nothing_and_the_default_is_the_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["run", str(REFUSED), "--history", "off"]) == 0
    monkeypatch.delenv("DRTWIN_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["run", str(REFUSED)]) == 0
    db = tmp_path / "data" / "drtwin" / "history.sqlite"
    assert db.exists()
    monkeypatch.setenv("DRTWIN_HISTORY", "off")
    assert main(["run", str(REFUSED)]) == 0
    from twin.history import History
    assert History(db).count() == 1


def test_the_console_script_writes_a_report_without_a_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("drtwin")
    env = {"PATH": "/usr/bin:/bin", "DRTWIN_HISTORY": str(tmp_path / "h.sqlite")}
    r = subprocess.run([str(exe), "run", str(REFUSED), "--report", str(tmp_path / "r.html")],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.html").exists() and (tmp_path / "r.json").exists()
    r = subprocess.run([str(exe), "history", "--json"], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 1


@pytest.mark.parametrize("command", [["run", str(ROOT / "scenarios" / "default.yaml"), "--json"],
                                     ["compare", str(ROOT / "scenarios" / "presenter-demo.yaml"),
                                      "--json"],
                                     ["history", "--json"]])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path, command: list[str]) -> None:
    """`drtwin … --json | head -c 20`: found by an audit printing a BrokenPipeError
    traceback. The program ends quietly with status 1 (Python's advice for SIGPIPE)."""
    exe = Path(sys.executable).with_name("drtwin")
    env = {"PATH": "/usr/bin:/bin", "DRTWIN_HISTORY": str(tmp_path / "h.sqlite")}
    if command[0] == "history":  # something to list: a few runs
        for _ in range(3):
            subprocess.run([str(exe), "run", str(SKIPPED)], capture_output=True, env=env,
                           timeout=120, check=False)
    p = subprocess.Popen([str(exe), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    assert p.stdout is not None and p.stderr is not None
    assert len(p.stdout.read(20)) == 20
    p.stdout.close()  # the reader stops
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) in (0, 1)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
