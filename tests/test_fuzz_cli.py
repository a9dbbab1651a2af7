"""Fuzz ``drtwin run`` with mutated scenario files (issue 8): in-process through
``app.cli.main`` (stdout and stderr captured) and, for a few, as real processes. Every
outcome is exit status 0, 1 or 2, no traceback, strict JSON on stdout for ``--json`` (a
report whose ``ok`` matches the status), a message naming the file for status 2, and the
planted password in no output.

A mutated file may ask for up to a year of simulated time (minutes of running): each run
is stopped after a budget of events, as Ctrl-C would stop it, which exercises the
interrupted report too."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import app.progress
from app.cli import main
from tests.fuzzing import PLANTED, ROOT, cases, mutated, strict_json

FAST, SLOW = cases(30, 300)
SUB_FAST, SUB_SLOW = cases(2, 20, deep=100)
EVENT_BUDGET = 30_000  # about three simulated days of the default system


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run presses Ctrl-C after EVENT_BUDGET events."""
    monkeypatch.setenv("DRTWIN_PROGRESS", "0")
    real = app.progress.Progress.__call__

    def counted(self: Any, t: float) -> None:
        if self.calls >= EVENT_BUDGET:
            self.pressed[0] = True
        real(self, t)

    monkeypatch.setattr(app.progress.Progress, "__call__", counted)


def check_outcome(code: int, out: str, err: str, path: str, as_json: bool, where: str) -> str:
    assert code in (0, 1, 2), (where, code, err)
    assert "Traceback" not in err and "Traceback" not in out, (where, err)
    assert PLANTED not in out and PLANTED not in err, where
    if code == 2:
        assert out == "", where
        assert err.startswith(f"drtwin: invalid scenario: {path}"), (where, err)
        assert "internal error" not in err, (where, err)
        return "invalid"
    if as_json:
        report = strict_json(out)
        assert report["ok"] is (code == 0), where
        assert isinstance(report["final_state"], dict) and isinstance(report["events"], list)
        return "interrupted" if report.get("interrupted") else "ran"
    assert ("Result: PASS" in out) is (code == 0), (where, out[-300:])
    return "interrupted" if "Interrupted at" in out else "ran"


def run_in_process(seed: int, tmp: Path) -> str:
    _, text = mutated(seed)
    f = tmp / f"fuzz-{seed}.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    as_json = seed % 4 != 0
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", str(f), *(["--json"] if as_json else [])])
    outcome = check_outcome(code, out.getvalue(), err.getvalue(), str(f), as_json,
                            f"seed {seed}")
    f.unlink()
    return outcome


def run_cases(first: int, n: int, tmp: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seed in range(first, first + n):
        outcome = run_in_process(seed, tmp)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def test_fuzz_drtwin_run_in_process(tmp_path: Path, budget: None) -> None:
    counts = run_cases(0, FAST, tmp_path)
    assert counts.get("invalid", 0) and counts.get("ran", 0), counts


@pytest.mark.slow
def test_fuzz_drtwin_run_in_process_deep(tmp_path: Path, budget: None) -> None:
    counts = run_cases(2_000_000, SLOW, tmp_path)
    print(f"CLI fuzz: {SLOW} files: {counts}")


def run_subprocess(seed: int, tmp: Path) -> str:
    """A real ``python -m app.cli run FILE --json``; a run still going after 20 s gets a
    SIGINT, and must then report as interrupted."""
    _, text = mutated(seed)
    f = tmp / f"fuzz-{seed}.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DRTWIN_PROGRESS": "0"}
    p = subprocess.Popen([sys.executable, "-m", "app.cli", "run", str(f), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.send_signal(2)  # SIGINT: Ctrl-C
        out, err = p.communicate(timeout=60)
    return check_outcome(p.returncode, out, err, str(f), True, f"subprocess seed {seed}")


def test_fuzz_drtwin_run_as_a_process(tmp_path: Path) -> None:
    for seed in range(SUB_FAST):
        run_subprocess(3_000_000 + seed, tmp_path)


@pytest.mark.slow
def test_fuzz_drtwin_run_as_a_process_deep(tmp_path: Path) -> None:
    counts: dict[str, int] = {}
    for seed in range(SUB_SLOW):
        outcome = run_subprocess(4_000_000 + seed, tmp_path)
        counts[outcome] = counts.get(outcome, 0) + 1
    print(f"CLI subprocess fuzz: {SUB_SLOW} files: {counts}")
