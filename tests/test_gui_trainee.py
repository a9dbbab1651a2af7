"""Trainee mode in the window (issue 10, "Done when"): a session is briefed, played from
the consoles, hinted, finished, scored, reported, saved, replayed headless with the same
assessment, and found again in the history."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialog

from app.controller import Controller
from app.main_window import MainWindow
from app.trainee import briefing, mode
from app.trainee.items import (
    EXPIRED,
    FAILED,
    MET,
    PENDING,
    WAITING,
    objective_items,
    value_text,
)
from twin import actions as A
from twin.history import History
from twin.scenario import load_scenario, load_scenario_text
from twin.session import load_session, play

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
DRILL = ROOT / "scenarios" / "planned-failover-drill.yaml"


@pytest.fixture(autouse=True)
def no_blocking_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error message would block; the session keeper's question answers Discard
    (tests/conftest.py)."""
    monkeypatch.setattr(mode.QMessageBox, "warning", lambda *a: None)


def make_window(qtbot: Any, tmp_path: Path, scenario: Any = None) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(scenario or load_scenario(str(SITE_LOSS))),
                        settings=settings, size=(1600, 1000))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def brief(monkeypatch: pytest.MonkeyPatch, name: str, seen: list[Any]) -> None:
    """The briefing dialog, answered by the trainee: their name, Start session."""
    def exec_(self: briefing.BriefingDialog) -> int:
        seen.append(self)
        self.name_edit.setText(name)
        return QDialog.DialogCode.Accepted.value
    monkeypatch.setattr(briefing.BriefingDialog, "exec", exec_)


def run_until_over(c: Controller, step: float = 45.0, limit: float = 48 * 3600) -> None:
    while not c.session_over and c.now < limit:
        c.advance(step)


def test_a_whole_trainee_session(qtbot: Any, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "history.sqlite"
    monkeypatch.setenv("DRTWIN_HISTORY", str(db))
    w = make_window(qtbot, tmp_path)
    c, t = w.controller, w.trainee
    assert c.mode == "autoplay" and not t.dock.isVisible()

    # briefed
    seen: list[Any] = []
    brief(monkeypatch, "ann", seen)
    assert t.start_dialog() is True
    dlg = seen[0]
    assert "Raleigh" in dlg.text.toPlainText()  # the briefing (here: the description)
    assert "RPO within 1.0s" in dlg.objectives.text() and "RTO within 6h" in \
        dlg.objectives.text()
    assert c.mode == "trainee" and c.trainee_name == "ann" and t.dock.isVisible()
    assert "trainee ann" in w.windowTitle()

    # the operator's steps are not played: at 1h10m nothing has failed over
    c.advance_to(3700)
    dallas = w.console_right.widget().widget()  # the scroll area's console
    assert dallas.rack == "dallas"
    res = dallas.apply(A.StartWorkloads("dallas"))  # too early: refused, and recorded
    assert not res.ok
    c.advance_to(4000)
    assert c.state()["racks"]["dallas"]["role"] == "backup"  # no scripted failover ran
    assert t.panel.status_of("step-7") == PENDING

    # the fault menu is the instructor's: a trainee's right-click offers none
    menus: list[Any] = []
    view = w.topology
    view.exec_menu = lambda menu, pos: menus.append(menu)  # type: ignore[method-assign]
    item = view.node_items["compute:dallas:2"]
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                            view.viewport().mapToGlobal(pos)))
    assert menus == []
    assert not c.apply(A.CutLink("fc")).ok  # nor may a trainee inject one

    # hinted
    qtbot.mouseClick(t.panel.hint_button, Qt.MouseButton.LeftButton)
    assert t.panel.hint_text.isVisible()
    assert "add-compute-nodes" in t.panel.hint_text.text() and "costs" in \
        t.panel.hint_text.text()
    assert c.hints_used() == 1

    # played from the console
    c.advance_to(4210.5)
    assert t.panel.status_of("step-7") == "waiting"  # for the service the trainee restores
    for action in (A.StartFailover("dallas", type="unplanned"), A.AddComputeNodes("dallas"),
                   A.ConfigureTorSwitches("dallas")):
        assert dallas.apply(action).ok
    c.advance_to(6000.25)
    assert dallas.apply(A.StartWorkloads("dallas")).ok
    assert dallas.apply(A.AdvertiseRoutes("dallas")).ok

    # finished by the end of the timeline (the service came back, the check ran), scored
    run_until_over(c)
    assert c.session_over
    report = c.session_report
    assert report is not None and report["mode"] == "trainee" and report["trainee"] == "ann"
    a = report["assessment"]
    assert t.panel.status_of("step-7") == MET and t.panel.status_of("step-8") == MET
    dlg2 = t.result_dialog
    assert dlg2 is not None and dlg2.isVisible()
    assert f"{a['score']:g}/100" in dlg2.score.text()
    assert ("PASSED" in dlg2.score.text()) == a["passed"]
    assert dlg2.deviation_count >= 1  # the refused attempt…
    assert "R10" in dlg2.details.toPlainText()
    assert a["score"] < 100  # a hint and a refusal cost points
    t_end = c.now
    c.advance(600)
    assert c.now == t_end  # the clock stops with the session

    # reported: Open report writes the HTML and opens it in the browser
    opened: list[Path] = []
    monkeypatch.setattr(mode, "open_url", lambda p: opened.append(p) or True)
    qtbot.mouseClick(dlg2.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].is_file()
    html = opened[0].read_text(encoding="utf-8")
    assert "<svg" in html and "ann" in html
    out = t.export_report(tmp_path / "aar.html")
    assert out is not None and out.is_file() and (tmp_path / "aar.json").is_file()

    # saved, and replayed headless: the same events and the same assessment
    saved = tmp_path / "session.yaml"
    monkeypatch.setattr(mode, "save_path", lambda *a: str(saved))
    qtbot.mouseClick(dlg2.save_button, Qt.MouseButton.LeftButton)
    assert saved.is_file() and not w.keeper.unsaved()
    session = load_session(saved, c.scenario)
    assert session.trainee == "ann" and len(session.hints) == 1
    assert [s.expect for s in session.steps][0] == "refused"
    replay = play(c.scenario, session).report()
    assert replay["events"] == report["events"]
    assert replay["assessment"] == report["assessment"]
    assert replay["outcome"] == report["outcome"]
    assert replay["final_state"] == report["final_state"]

    # found in the history, and its report reopens from there
    runs = History(db).list()
    assert len(runs) == 1 and runs[0]["trainee"] == "ann" and runs[0]["mode"] == "trainee"
    assert runs[0]["score"] == a["score"] and runs[0]["passed"] == a["passed"]
    hist = t.show_history()
    assert hist is not None and hist.table.topLevelItemCount() == 1
    row = hist.table.topLevelItem(0)
    assert row is not None and row.text(3) == "ann" and row.text(2) == "trainee"
    opened.clear()
    qtbot.mouseClick(hist.open_button, Qt.MouseButton.LeftButton)
    assert opened and "ann" in opened[0].read_text(encoding="utf-8")


def test_the_time_limit_ends_the_session(qtbot: Any, tmp_path: Path) -> None:
    text = SITE_LOSS.read_text(encoding="utf-8").replace("time_limit: 8h", "time_limit: 1h30m")
    assert "time_limit: 1h30m" in text
    w = make_window(qtbot, tmp_path, load_scenario_text(text, "limited.yaml"))
    c, t = w.controller, w.trainee
    t.start("bob")
    assert t.panel.countdown.text() == "Time left 1h 30m 00s"
    c.advance_to(3600)
    assert "Time left 30m 00s" in t.panel.countdown.text()
    c.advance_to(4200)  # the site was lost at 1h: the RTO's clock runs, the limit first
    assert t.panel.status_of("rto_s") == WAITING
    assert t.panel.detail_of("rto_s") == "service down, about 20m left before the time limit"
    assert "about 20m left" in t.panel.labels["rto_s"].text()
    run_until_over(c, step=120)
    assert c.session_over and c.now == pytest.approx(5400)
    assert t.result_dialog is not None
    assert c.session_report is not None
    assert c.session_report["assessment"]["passed"] is False  # nothing done
    # down 30 min of a 6 h objective when the limit ended the session: it expired
    assert t.panel.status_of("rto_s") == EXPIRED
    assert "service still down: the time limit (1h 30m 00s) was reached" in \
        t.panel.labels["rto_s"].text()
    assert any("time limit" in r for r in c.session_report["assessment"]["reasons"])
    # an omission is graded and shown
    assert t.result_dialog.deviation_count >= 3
    assert "service not restored" in t.result_dialog.outcome.text()


def test_quit_asks_before_discarding_unsaved_trainee_actions(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.session import keeper

    w = make_window(qtbot, tmp_path)
    c, t = w.controller, w.trainee
    t.start("cy")
    c.advance_to(3700)
    c.apply(A.StartFailover("dallas", type="unplanned"))
    asked: list[str] = []
    monkeypatch.setattr(keeper, "question",
                        lambda parent, title, text, detail: asked.append(text) or keeper.CANCEL)
    ev = QCloseEvent()
    w.closeEvent(ev)
    assert asked and "1 console action" in asked[0] and not ev.isAccepted()
    w.restart()  # asked again, kept
    assert len(asked) == 2 and c.now == pytest.approx(3700)
    t.save_session(tmp_path / "s.yaml")
    ev2 = QCloseEvent()
    w.closeEvent(ev2)
    assert len(asked) == 2 and ev2.isAccepted()  # saved: nothing to ask


def test_the_history_view_with_the_history_off(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path)
    dlg = w.trainee.show_history()  # DRTWIN_HISTORY=off in tests (conftest)
    assert dlg is not None and dlg.table.topLevelItemCount() == 0
    assert not dlg.open_button.isEnabled()
    QApplication.processEvents()


def test_objective_items_and_values_read_as_people_read_them() -> None:
    assert value_text("outcome.rto_s", {"max": 21600}) == "≤ 6h 00m 00s"
    assert value_text("outcome.rpo_achieved_s", 1.5314344636863098e-07) != \
        "1.5314344636863098e-07"
    assert value_text("replication.state", "idling_disconnected") != "idling_disconnected"
    items = objective_items({"rpo_s": {"objective": 1.0, "achieved": 5.0, "met": False},
                             "rto_s": {"objective": 60.0, "achieved": None, "met": None,
                                       "still_down": False}})
    assert [(i.key, i.status) for i in items] == [("rpo_s", FAILED), ("rto_s", PENDING)]


def test_the_rto_pill_is_not_green_when_the_rpo_objective_was_missed() -> None:
    """Issue 10's trial: "RTO 1h · RPO 108ms" showed green beside a missed RPO objective."""
    from app.status import pills
    from twin.runner import Runner

    text = SITE_LOSS.read_text(encoding="utf-8").replace("rpo: 1s", "rpo: 1ms")
    sc = load_scenario_text(text, "tight.yaml")
    r = Runner(sc)
    report = r.run()
    assert report["objectives"]["rpo_s"]["met"] is False
    rto = next(p for p in pills(report["final_state"], sc.objectives, r.twin.now)
               if p.name == "rtoPill")
    assert rto.level == "bad" and "RPO objective missed" in rto.text
    ok = next(p for p in pills(report["final_state"], load_scenario(str(SITE_LOSS)).objectives,
                               r.twin.now) if p.name == "rtoPill")
    assert ok.level == "ok"


def test_checklist_ticks_do_not_carry_over_to_the_next_session(qtbot: Any,
                                                               tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path)
    dallas = w.console_right.widget().widget()
    box = dallas.after_checklist.boxes["start-workloads"]
    box.setChecked(True)  # ticked by hand
    w.trainee.start("dee")  # the scenario starts again, in trainee mode
    assert not box.isChecked()


def test_the_wait_in_progress_counts_down_in_the_panel(qtbot: Any, tmp_path: Path) -> None:
    """The user trial: "in progress · within 6h 00m 00s" did not say how long was left."""
    w = make_window(qtbot, tmp_path, load_scenario(str(DRILL)))
    c, t = w.controller, w.trainee
    t.start("ann")
    c.advance_to(1800)
    prog = c.step_progress()
    assert prog.waiting and prog.wait_deadline_s is not None
    key = f"step-{prog.next_index}"
    assert t.panel.status_of(key) == WAITING
    left = prog.wait_deadline_s - c.now
    assert left == pytest.approx(6 * 3600 - (1800 - 240))  # the wait began at 4 min
    assert t.panel.detail_of(key) == "about 5h 34m left"
    label = t.panel.labels[key]
    assert "about 5h 34m left" in label.text()
    c.advance(600)
    assert t.panel.detail_of(key) == "about 5h 24m left"
    assert t.panel.labels[key] is label and "about 5h 24m left" in label.text()  # in place
    t.finish()  # the session ends with the wait in progress: it expired
    assert t.panel.status_of(key) == EXPIRED
    assert "expired" in t.panel.labels[key].text()
    assert "not achieved: the session ended at 40m 00s" in t.panel.labels[key].text()
