"""The run history (twin/history.py): a local SQLite database of every run, safe for two
writers at once, never the user's own in tests (conftest.py turns it off)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from twin.history import SCHEMA_VERSION, History, HistoryError, data_dir, history_path
from twin.runner import Runner
from twin.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
T0 = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture(scope="module")
def run() -> tuple[dict[str, Any], str]:
    sc = load_scenario(str(SITE_LOSS))
    return Runner(sc).run(), sc.source_text


def test_the_tests_never_write_the_users_history() -> None:
    assert os.environ["DRTWIN_HISTORY"] == "off"
    assert history_path() is None


def test_record_list_and_get_round_trip(tmp_path: Path, run: tuple[dict[str, Any], str]) -> None:
    report, text = run
    h = History(tmp_path / "h.sqlite")
    first = h.record(report, text, T0)
    second = h.record(report, text, T0 + timedelta(hours=1), mode="trainee", trainee="ann")
    assert second > first
    runs = h.list()
    assert [r["id"] for r in runs] == [second, first]  # newest first
    latest = runs[0]
    assert latest["mode"] == "trainee" and latest["trainee"] == "ann"
    assert latest["started_at"] == "2025-03-14T10:30:00+01:00"
    assert latest["scenario"] == report["scenario"] and latest["seed"] == report["seed"]
    assert latest["score"] == report["assessment"]["score"]
    assert latest["passed"] is report["assessment"]["passed"]
    assert latest["rpo_achieved_s"] == report["outcome"]["rpo_achieved_s"]
    assert latest["rto_s"] == report["outcome"]["rto_s"]
    assert latest["data_loss_bytes"] == report["outcome"]["data_loss_bytes"]
    import hashlib
    assert latest["scenario_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    got = h.get(first)
    assert got is not None
    assert got["report"] == json.loads(json.dumps(report, default=str))
    assert got["scenario_text"] == text
    assert [(s["index"], s["do"], s["by"]) for s in got["steps"]] == [
        (s["index"], s["do"], s["by"]) for s in report["steps"]]
    assert [s["at_s"] for s in got["steps"]] == [s["at_s"] for s in report["steps"]]
    assert [s["accepted"] for s in got["steps"]] == [s["accepted"] for s in report["steps"]]
    assert h.get(9999) is None
    assert h.count() == 2


def test_the_report_is_stored_compressed(tmp_path: Path, run: tuple[dict[str, Any], str]) -> None:
    report, text = run
    path = tmp_path / "h.sqlite"
    History(path).record(report, text, T0)
    con = sqlite3.connect(path)
    blob, = con.execute("SELECT report FROM runs").fetchone()
    con.close()
    assert len(blob) < len(json.dumps(report)) / 4


def test_trainee_actions_are_kept_as_steps_by_the_trainee(tmp_path: Path) -> None:
    from tests.test_aar import trainee_report

    report = trainee_report()
    h = History(tmp_path / "h.sqlite")
    got = h.get(h.record(report, "name: x\n", T0))
    assert got is not None
    mine = [s for s in got["steps"] if s["by"] == "trainee"]
    assert [(s["do"], s["at_s"], s["accepted"]) for s in mine] == [
        (a["do"], a["at_s"], a["accepted"]) for a in report["trainee_actions"]]
    skipped = [s["do"] for s in got["steps"] if s["skipped"]]
    assert skipped == [s["do"] for s in report["steps"] if s.get("skipped")]
    assert got["mode"] == "trainee" and got["trainee"] == "Ann Example"


def test_the_schema_has_a_version(tmp_path: Path, run: tuple[dict[str, Any], str]) -> None:
    path = tmp_path / "h.sqlite"
    History(path).record(*run, T0)
    con = sqlite3.connect(path)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == \
        SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    with pytest.raises(HistoryError, match="newer DR Twin"):
        History(path).list()


def test_where_the_history_lives() -> None:
    env = {"XDG_DATA_HOME": "/data"}
    assert history_path(None, env) == Path("/data/drtwin/history.sqlite")
    assert history_path("/x/h.db", env) == Path("/x/h.db")
    assert history_path(None, {**env, "DRTWIN_HISTORY": "/y/h.db"}) == Path("/y/h.db")
    assert history_path(None, {"DRTWIN_HISTORY": "OFF"}) is None
    assert history_path("off", {"DRTWIN_HISTORY": "/y/h.db"}) is None
    assert history_path("/z.db", {"DRTWIN_HISTORY": "off"}) == Path("/z.db")
    home = Path("/home/ann")
    assert data_dir({}, "linux", home) == home / ".local/share/drtwin"
    assert data_dir({"XDG_DATA_HOME": "rel"}, "linux", home) == home / ".local/share/drtwin"
    assert data_dir({}, "darwin", home) == home / "Library/Application Support/drtwin"
    assert data_dir({"LOCALAPPDATA": "C:/Users/ann/AppData/Local"}, "win32", home) == \
        Path("C:/Users/ann/AppData/Local/drtwin")


@pytest.mark.parametrize("kind", ["junk", "folder", "no-folder"])
def test_a_broken_database_path_is_a_clear_error(tmp_path: Path, kind: str,
                                                 run: tuple[dict[str, Any], str]) -> None:
    path = {"junk": tmp_path / "junk.sqlite", "folder": tmp_path,
            "no-folder": tmp_path / "nope" / "h.sqlite"}[kind]
    if kind == "junk":
        path.write_bytes(b"this is not a database, it is text " * 100)
    with pytest.raises(HistoryError) as e:
        History(path).record(*run, T0)
    assert str(path) in str(e.value)
    assert {"junk": "not a usable history database", "folder": "is a folder",
            "no-folder": "does not exist"}[kind] in str(e.value)


def test_the_default_location_makes_its_folder(tmp_path: Path,
                                               run: tuple[dict[str, Any], str]) -> None:
    path = tmp_path / "a" / "b" / "history.sqlite"
    History(path, create_dirs=True).record(*run, T0)
    assert History(path).count() == 1


def test_a_bad_start_time_is_refused(tmp_path: Path, run: tuple[dict[str, Any], str]) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        History(tmp_path / "h.sqlite").record(run[0], run[1], "yesterday")


WRITER = """
import json, sys
from twin.history import History
report = json.load(open(sys.argv[2]))
h = History(sys.argv[1])
for i in range(50):
    h.record(report, "name: concurrent\\n", f"2025-01-01T00:00:{i:02d}+00:00",
             trainee=sys.argv[3])
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path,
                                                    run: tuple[dict[str, Any], str]) -> None:
    report = dict(run[0])
    report.pop("final_state")  # smaller, so the two writers overlap the more
    report.pop("series")
    rep = tmp_path / "report.json"
    rep.write_text(json.dumps(report))
    db = tmp_path / "shared.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(rep), who], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    h = History(db)
    runs = h.list()
    assert len(runs) == 100 and len({r["id"] for r in runs}) == 100
    assert sorted(r["trainee"] for r in runs).count("a") == 50
    con = sqlite3.connect(db)
    steps = con.execute("SELECT COUNT(*) FROM run_steps").fetchone()[0]
    con.close()
    assert steps == 100 * len(report["steps"])
