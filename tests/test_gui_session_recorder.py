"""An autoplay run played in the window to its end is in the run history exactly once
(app/session/recorder.py, ``Controller.runEnded``): not zero times, not once per frame,
repaint or restart of the same finished run — against a temporary database
(``DRTWIN_HISTORY``; tests/conftest.py turns the history off otherwise)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.controller import Controller
from app.main_window import MainWindow
from twin import actions as A
from twin.history import History
from twin.runner import Runner
from twin.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scenarios" / "planned-failover-drill.yaml"
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.sqlite"
    monkeypatch.setenv("DRTWIN_HISTORY", str(path))
    return path


def make_window(qtbot: Any, tmp_path: Path, scenario: Path = SITE_LOSS) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(load_scenario(str(scenario))), settings=settings,
                        persist=False, size=(1400, 900))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def play_to_the_end(w: MainWindow, step: float = 97.0) -> None:
    """Frame by frame, as the clock plays (repainting as it goes)."""
    c = w.controller
    while not c.step_progress().done:
        c.advance(step)
        QApplication.processEvents()
    for _ in range(5):  # the clock plays on after the end: more frames, repaints
        c.advance(step)
        w.repaint()
        QApplication.processEvents()


def runs(db: Path) -> list[dict[str, Any]]:
    return History(db).list() if db.exists() else []


def test_an_autoplay_run_played_to_its_end_is_kept_once(qtbot: Any, tmp_path: Path,
                                                        db: Path) -> None:
    w = make_window(qtbot, tmp_path)
    c = w.controller
    c.advance(3600)
    assert runs(db) == []  # not before its end
    play_to_the_end(w)
    kept = runs(db)
    assert len(kept) == 1
    assert kept[0]["mode"] == "autoplay" and kept[0]["trainee"] is None
    assert w.recorder.last_run_id == kept[0]["id"]
    # the run as `drtwin run` plays it: the same report, byte for byte
    ref = Runner(load_scenario(str(SITE_LOSS))).run()
    got = History(db).get(kept[0]["id"])
    assert got is not None
    assert json.dumps(got["report"], sort_keys=True, default=str) == \
        json.dumps(json.loads(json.dumps(ref, default=str)), sort_keys=True, default=str)
    assert got["scenario_text"] == c.scenario.source_text
    # the same finished run again: a restart played to the same end adds nothing
    w.restart()
    play_to_the_end(w, step=311.0)  # other frames, the same run
    assert len(runs(db)) == 1


@pytest.mark.slow
def test_a_run_that_differs_is_kept_too_and_one_not_finished_is_not(
        qtbot: Any, tmp_path: Path, db: Path) -> None:
    w = make_window(qtbot, tmp_path)
    c = w.controller
    c.advance(1800)
    w.restart()  # dropped before its end: nothing kept
    assert runs(db) == []
    c.advance(600)
    assert c.apply(A.DegradeLink("fc", latency_ms=5.0)).ok  # a run of its own
    play_to_the_end(w)
    assert len(runs(db)) == 1
    w.restart()
    play_to_the_end(w)  # the scenario's own run: another run
    assert len(runs(db)) == 2
    w.open_file(DRILL)
    play_to_the_end(w, step=601.0)
    kept = runs(db)
    assert len(kept) == 3 and kept[0]["scenario"] == load_scenario(str(DRILL)).name


def test_a_trainee_session_is_kept_once_by_the_trainee_room(qtbot: Any, tmp_path: Path,
                                                            db: Path) -> None:
    w = make_window(qtbot, tmp_path)
    c = w.controller
    w.trainee.start("ann")
    while not c.session_over:
        c.advance(600)
    c.advance(600)
    kept = runs(db)
    assert len(kept) == 1 and kept[0]["mode"] == "trainee" and kept[0]["trainee"] == "ann"
    assert w.recorder.last_run_id is None  # the recorder left it to the trainee room


def test_the_end_is_said_once_however_the_last_step_comes(qtbot: Any) -> None:
    c = Controller(load_scenario(str(DRILL)))
    ended: list[dict[str, Any]] = []
    c.runEnded.connect(ended.append)
    while not c.step_progress().done:
        c.step_event()  # Next event (N)
    assert len(ended) == 1 and ended[0]["mode"] == "autoplay"
    for _ in range(3):
        c.step_event()
        c.advance(60)
    assert len(ended) == 1
    c.restart()  # a new run: its own end, said once
    while not c.step_progress().done:
        c.advance(1800.0)
    c.advance(1800.0)
    assert len(ended) == 2 and ended[1]["final_state"]["time_s"] == \
        ended[0]["final_state"]["time_s"]  # stopped at the last step, not at the frame
    # a scenario without steps has no end to play to
    from twin.scenario import load_scenario_text

    c.load(load_scenario_text("name: free play\nstart: paired\n"))
    c.advance(7200)
    assert len(ended) == 2


def test_a_broken_history_says_so_and_the_window_goes_on(qtbot: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_text("this is not SQLite", encoding="utf-8")
    monkeypatch.setenv("DRTWIN_HISTORY", str(bad))
    w = make_window(qtbot, tmp_path)
    play_to_the_end(w)
    assert "could not be kept in the history" in w.statusBar().currentMessage()
    assert w.recorder.last_run_id is None
