"""The session keeper (app/session/keeper.py): in trainee mode, work that no saved actions
file holds is never dropped without Save / Discard / Cancel — on Quit or close, Open (a
recent file too), Restart, a mode switch — and nothing else ever asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.controller import Controller, DropRequest
from app.main_window import MainWindow
from app.session import keeper
from app.trainee import mode
from twin import actions as A
from twin.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scenarios" / "planned-failover-drill.yaml"
OTHER = ROOT / "scenarios" / "unplanned-site-loss.yaml"


class Asked:
    """keeper.question answered with ``answers`` in turn; what it was asked is kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        self.answers = list(answers)
        self.texts: list[str] = []
        monkeypatch.setattr(keeper, "question", self)

    def __call__(self, parent: Any, title: str, text: str, detail: str) -> str:
        self.texts.append(f"{title}\n{text}\n{detail}")
        return self.answers.pop(0) if self.answers else keeper.CANCEL

    @property
    def count(self) -> int:
        return len(self.texts)


def make_window(qtbot: Any, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(load_scenario(str(DRILL))), settings=settings,
                        persist=False, size=(1400, 900))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def trainee_with_work(qtbot: Any, tmp_path: Path) -> MainWindow:
    """A trainee session at 10 min with one refused attempt (validate with no profile)."""
    w = make_window(qtbot, tmp_path)
    assert w.trainee.start("ann")
    w.controller.advance_to(600)
    res = w.controller.apply(A.Validate("raleigh"))
    assert not res.ok  # refused: still the trainee's work
    assert w.keeper.unsaved()
    return w


def close(w: MainWindow) -> bool:
    ev = QCloseEvent()
    w.closeEvent(ev)
    return ev.isAccepted()


def test_cancel_keeps_the_session_for_every_way_of_dropping_it(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    c = w.controller
    asked = Asked(monkeypatch)  # Cancel, every time
    assert close(w) is False
    w.restart()
    assert w.open_file(OTHER) is False  # File > Open and a recent file both come here
    assert w.trainee.back_to_autoplay() is False
    assert w.trainee.start("bob") is False  # Play as trainee…, after the briefing
    assert c.jump_to(0.0) is False  # a presenter's chapter
    res = c.import_timeline_csv(c.timeline_csv())  # the instructor's new timeline
    assert not res.ok and "kept" in res.text
    assert asked.count == 7
    # nothing was lost: the same scenario, mode, trainee, time and attempt
    assert c.scenario.path == str(DRILL) and c.mode == "trainee" and c.trainee_name == "ann"
    assert c.now == pytest.approx(600) and len(c.trainee_actions()) == 1
    text = asked.texts[0]
    assert "Save the trainee session?" in text and "ann" in text
    assert "1 console action not saved" in text and "before you quit" in text
    assert "before you restart the scenario" in asked.texts[1]
    assert "before you open Unplanned" in asked.texts[2]
    assert "go back to autoplay" in asked.texts[3]


def test_discard_goes_on(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    c = w.controller
    asked = Asked(monkeypatch, keeper.DISCARD)
    w.restart()
    assert asked.count == 1
    assert c.now == 0 and c.trainee_actions() == [] and c.mode == "trainee"
    assert not w.keeper.unsaved()
    assert close(w) is True and asked.count == 1  # nothing left to lose: no question


def test_discard_opens_the_other_scenario(qtbot: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    asked = Asked(monkeypatch, keeper.DISCARD)
    assert w.open_file(OTHER) is True
    assert asked.count == 1 and w.controller.scenario.path == str(OTHER)
    assert w.controller.mode == "autoplay"


def test_save_writes_the_session_then_goes_on(qtbot: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    c = w.controller
    out = tmp_path / "ann.yaml"
    monkeypatch.setattr(mode, "save_path", lambda *a: str(out))
    expected = c.session_actions_yaml()
    asked = Asked(monkeypatch, keeper.SAVE)
    assert w.trainee.back_to_autoplay() is True
    assert asked.count == 1
    assert out.read_text(encoding="utf-8") == expected  # the refused attempt is in it
    assert "expect: refused" in expected
    assert c.mode == "autoplay" and c.now == 0


def test_save_cancelled_in_the_file_dialog_cancels_the_operation(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    c = w.controller
    monkeypatch.setattr(mode, "save_path", lambda *a: "")  # the file dialog's Cancel
    asked = Asked(monkeypatch, keeper.SAVE, keeper.SAVE)
    assert close(w) is False
    w.restart()
    assert asked.count == 2
    assert c.now == pytest.approx(600) and len(c.trainee_actions()) == 1
    assert w.keeper.unsaved()


def test_a_saved_session_asks_again_only_once_it_changed(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    c = w.controller
    asked = Asked(monkeypatch)
    assert w.trainee.save_session(tmp_path / "s.yaml") is not None  # File > Save trainee…
    assert not w.keeper.unsaved()
    c.advance(900)  # time alone changes nothing the trainee did
    assert close(w) is True and asked.count == 0
    w.trainee.hint()  # a hint is the trainee's, and in the actions file
    assert close(w) is False and asked.count == 1
    assert "1 hint not saved" in asked.texts[0] and "console action" not in asked.texts[0]
    w.trainee.save_session(tmp_path / "s.yaml")
    c.apply(A.CreateProfile("raleigh", peer="dallas-mgmt.example.com", user="dradmin",
                            password="passw0rd"))
    assert close(w) is False and asked.count == 2
    assert "1 console action not saved" in asked.texts[1]


def test_the_result_dialogs_save_counts_as_saved(qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w = trainee_with_work(qtbot, tmp_path)
    monkeypatch.setattr(mode, "save_path", lambda *a: str(tmp_path / "done.yaml"))
    w.trainee.finish()
    dlg = w.trainee.result_dialog
    assert dlg is not None
    dlg.save_button.click()
    assert (tmp_path / "done.yaml").is_file() and not w.keeper.unsaved()
    asked = Asked(monkeypatch)
    assert close(w) is True and asked.count == 0


def test_a_session_without_work_and_autoplay_never_ask(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window(qtbot, tmp_path)
    c = w.controller
    asked = Asked(monkeypatch)
    c.advance_to(3600)  # an autoplay run, played on
    w.restart()
    assert c.now == 0
    assert w.open_file(DRILL) is True
    assert w.trainee.start("cy") is True  # autoplay → trainee
    c.advance_to(1200)  # a trainee session with nothing done yet
    assert w.trainee.back_to_autoplay() is True  # trainee → autoplay
    c.apply(A.CreateProfile("raleigh", peer="dallas-mgmt.example.com", user="dradmin",
                            password="passw0rd"))  # an autoplay run's console action
    assert close(w) is True
    assert asked.count == 0


def test_the_session_of_a_new_run_is_its_own(qtbot: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A save marks that run only: the next session's first action is unsaved work."""
    w = trainee_with_work(qtbot, tmp_path)
    w.trainee.save_session(tmp_path / "first.yaml")
    asked = Asked(monkeypatch)
    assert w.trainee.start("ann") is True and asked.count == 0  # saved: no question
    w.controller.apply(A.Validate("raleigh"))
    assert w.keeper.unsaved()
    assert close(w) is False and asked.count == 1


def test_the_tests_answer_discard_by_default(qtbot: Any, tmp_path: Path) -> None:
    """tests/conftest.py answers the keeper's question (a modal box would block)."""
    w = trainee_with_work(qtbot, tmp_path)
    assert keeper.question(None, "t", "x", "y") == keeper.DISCARD
    assert close(w) is True


def test_the_question_is_a_save_discard_cancel_box(qtbot: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real question, not the suite's Discard
    seen: list[QMessageBox] = []

    def answer(which: QMessageBox.StandardButton) -> None:
        box = next((b for b in QApplication.topLevelWidgets()
                    if isinstance(b, QMessageBox) and b.isVisible()), None)
        if box is None:
            QTimer.singleShot(10, lambda: answer(which))
            return
        seen.append(box)
        button = box.button(which)
        assert button is not None
        button.click()

    for which, expected in ((QMessageBox.StandardButton.Save, keeper.SAVE),
                            (QMessageBox.StandardButton.Discard, keeper.DISCARD),
                            (QMessageBox.StandardButton.Cancel, keeper.CANCEL)):
        QTimer.singleShot(0, lambda w=which: answer(w))
        assert keeper.question(None, "Save the trainee session?", "text", "detail") == expected
    box = seen[0]
    buttons = QMessageBox.StandardButton
    assert box.standardButtons() == buttons.Save | buttons.Discard | buttons.Cancel
    assert box.defaultButton() is box.button(buttons.Save)
    assert box.escapeButton() is box.button(buttons.Cancel)
    assert box.informativeText() == "detail"


def test_the_controller_asks_before_every_drop(qtbot: Any) -> None:
    c = Controller(load_scenario(str(DRILL)))
    seen: list[str] = []

    def keep(request: DropRequest) -> None:
        seen.append(request.what)
        request.keep()

    c.dropRequested.connect(keep)
    c.advance_to(300)
    assert c.restart() is False and c.open(OTHER) is None
    assert c.play_as_trainee("x") is False and c.jump_to(0) is False
    assert c.load(c.scenario) is False
    assert c.now == pytest.approx(300) and c.mode == "autoplay"
    assert seen == ["restart the scenario",
                    "open Unplanned failover after losing the Raleigh site",
                    "start a new trainee session", "replay the scenario from its start",
                    "load the scenario again"]
    c.dropRequested.disconnect(keep)
    assert c.restart() is True and c.now == 0
