"""Presenter mode and branching the timeline (issue 11): app/presenter, app/branch, the
controller's chapters, holds and branches, twin/summary.py, and drtwin run --versus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app import theme
from app.cli import main
from app.controller import Controller
from app.main_window import MainWindow
from twin import actions as A
from twin.runner import Runner
from twin.scenario import load_scenario, load_scenario_text
from twin.summary import end_summary

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "presenter-demo.yaml"
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
SHOW = """
name: Presenter test
start: paired
objectives: {rpo: 1s, rto: 6h, cost: {outage_per_hour: 1000, data_loss_per_hour: 3600, currency: EUR}}
steps:
  - {do: note, text: "First caption"}
  - {at: 10m, do: note, text: "Second caption, waits", pause: true}
  - {at: 30m, do: cut-link, link: fc}
  - {do: note, text: "Third caption"}
"""


def window_on(qtbot: Any, tmp_path: Path, scenario: Any) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Controller(scenario), settings=settings, persist=False, size=(1400, 900))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def presenting(qtbot: Any, tmp_path: Path) -> Any:
    w = window_on(qtbot, tmp_path, load_scenario_text(SHOW))
    yield w
    w.presenter.stop()  # the desk theme back for the other tests


def play_until(qtbot: Any, c: Controller, cond: Any, timeout: int = 5000) -> None:
    qtbot.waitUntil(cond, timeout=timeout)


# -- presenter mode ----------------------------------------------------------------------------

def test_chapters_are_the_notes_at_their_times() -> None:
    c = Controller(load_scenario_text(SHOW))
    chapters = c.chapters()
    assert [ch.text for ch in chapters] == ["First caption", "Second caption, waits",
                                           "Third caption"]
    assert [ch.at_s for ch in chapters] == [0.0, 600.0, 1800.0]
    assert [ch.pause for ch in chapters] == [False, True, False]


@pytest.mark.slow
def test_autoplay_shows_captions_and_a_pause_note_holds_the_clock_until_space(
        qtbot: Any, presenting: MainWindow) -> None:
    w, c, p = presenting, presenting.controller, presenting.presenter
    p.start(speed=3600)
    assert p.active and QApplication.instance().font().pointSizeF() == theme.PROJECTOR.font_pt
    assert p.caption.isVisible() and p.caption.text() == "First caption"
    assert p.notes.isVisible()
    qtbot.waitUntil(lambda: p.waiting, timeout=5000)
    # the clock stopped exactly at the pause note, whatever the speed
    assert c.now == 600.0 and not c.playing
    assert p.caption.text() == "Second caption, waits" and p.caption.hint.isVisible()
    qtbot.wait(150)
    assert c.now == 600.0, "a pause note holds the clock"
    qtbot.keyClick(w.topology, Qt.Key.Key_Space)
    assert not p.waiting and c.playing
    qtbot.waitUntil(lambda: c.now > 600.0, timeout=3000)
    assert not p.caption.hint.isVisible()
    qtbot.waitUntil(lambda: p.caption.text() == "Third caption", timeout=5000)


@pytest.mark.slow
def test_right_arrow_and_a_click_continue_too(qtbot: Any, presenting: MainWindow) -> None:
    c, p = presenting.controller, presenting.presenter
    for how in ("right", "click"):
        p.start(speed=3600)
        qtbot.waitUntil(lambda: p.waiting, timeout=5000)
        if how == "right":
            qtbot.keyClick(presenting.topology, Qt.Key.Key_Right)
        else:
            qtbot.mouseClick(p.caption, Qt.MouseButton.LeftButton)
        assert not p.waiting and c.playing, how
        c.pause()


@pytest.mark.slow
def test_chapter_jump_replays_to_the_note_time(qtbot: Any, presenting: MainWindow) -> None:
    c, p = presenting.controller, presenting.presenter
    p.start(speed=60, play=False)
    c.apply(A.CutLink(link="ip"))  # something the presenter did: a jump replays without it
    p.jump(2)
    assert c.now == 1800.0
    assert p.caption.text() == "Third caption" and p.current == 2
    assert c.state()["links"]["ip"]["up"] is True
    assert c.state()["links"]["fc"]["up"] is False
    # the same run as the scenario's own, to that time, event for event
    r = Runner(load_scenario_text(SHOW))
    r.advance_to(1800.0)
    assert [e.to_dict() for e in c.events()] == [e.to_dict() for e in r.twin.events]
    p.jump(1)  # a pause chapter: lands on it, waiting
    assert c.now == 600.0 and p.waiting and not c.playing


@pytest.mark.slow
def test_the_end_shows_the_summary_and_loop_starts_again(qtbot: Any,
                                                          presenting: MainWindow) -> None:
    c, p = presenting.controller, presenting.presenter
    p.loop_delay_ms = 200
    p.start(speed=3600, loop=True)
    qtbot.waitUntil(lambda: p.waiting, timeout=5000)
    p.continue_()
    qtbot.waitUntil(lambda: p.ended, timeout=5000)
    assert p.summary_page is not None and p.summary_page.isVisible()
    assert not c.playing
    qtbot.waitUntil(lambda: not p.ended and c.now < 1800.0, timeout=3000)
    assert p.summary_page is None and p.caption.text() == "First caption"


def test_summary_values_equal_the_report(qtbot: Any, tmp_path: Path) -> None:
    w = window_on(qtbot, tmp_path, load_scenario(SITE_LOSS))
    c = w.controller
    c.advance_to(20000.0)
    report = c.report()
    s = end_summary(report)
    o = report["outcome"]
    assert s["rto_s"] == o["rto_s"] and s["rpo_achieved_s"] == o["rpo_achieved_s"]
    assert s["data_loss_bytes"] == o["data_loss_bytes"] > 0
    assert s["verdict"] == "met"
    rates = load_scenario(SITE_LOSS).cost
    cost = s["cost"]
    assert cost["currency"] == "USD"
    assert cost["outage"] == pytest.approx(o["rto_s"] / 3600 * rates["outage_per_hour"])
    assert cost["data_loss"] == pytest.approx(o["rpo_achieved_s"] / 3600
                                              * rates["data_loss_per_hour"])
    page = w.presenter.show_summary()
    from app.format import format_bytes, format_duration, format_money
    assert page.values["RTO"].text() == format_duration(o["rto_s"])
    assert page.values["RPO"].text() == format_duration(o["rpo_achieved_s"])
    assert page.values["data lost"].text() == format_bytes(o["data_loss_bytes"])
    assert page.values["cost"].text() == format_money(cost["total"], "USD")
    assert "MET" in page.badge.text()
    out = tmp_path / "summary.png"
    assert w.presenter.export_summary(out)
    img = QImage(str(out))
    assert not img.isNull() and img.width() >= 900 and img.height() >= 500
    assert out.stat().st_size > 5000


def test_a_missed_objective_reads_missed_and_an_unbounded_rpo_has_no_price() -> None:
    text = SHOW.replace("rpo: 1s", "rpo: 1ms").replace(
        '- {do: note, text: "Third caption"}',
        '- {at: 40m, do: lose-rack, rack: raleigh}')
    report = Runner(load_scenario_text(text)).run()
    s = end_summary(report)
    assert s["verdict"] == "missed"
    rpo = next(r for r in s["objectives"] if r["name"] == "RPO")
    assert rpo["met"] is False
    # the link was cut before the loss: the backup is stale, not unbounded; still priced
    assert s["cost"]["currency"] == "EUR"
    assert s["cost"]["so_far"] is True  # never restored: the outage so far


def test_the_html_report_has_the_summary_section(tmp_path: Path) -> None:
    from twin import aar
    report = Runner(load_scenario(SITE_LOSS)).run()
    html = aar.render(report)
    assert 'id="summary"' in html and "OBJECTIVES MET" in html
    s = end_summary(report)
    from twin.durations import format_money
    assert format_money(s["cost"]["total"], "USD") in html


def test_projector_theme_uses_only_palette_colours() -> None:
    palette = {v for k, v in vars(theme.C).items() if not k.startswith("_")}
    assert set(theme.PROJECTOR.colours.values()) <= palette
    assert set(theme.PROJECTOR.colours) <= set(vars(theme.C))
    from app import resources
    sheet = theme.style_sheet(resources.style_template(), theme.PROJECTOR)
    desk = theme.style_sheet(resources.style_template())
    assert "font-size: 17pt" in desk and "font-size: 24.3pt" in sheet  # 17 × 15 / 10.5
    # the soft ink (hard to read on a projector) is the ink wherever the sheet names it
    assert theme.colour_of("INK_SOFT", theme.PROJECTOR) == theme.C.INK
    assert theme.colour_of("INK_SOFT") == theme.C.INK_SOFT
    assert sheet.count(theme.C.CANVAS) < desk.count(theme.C.CANVAS)


# -- branches ----------------------------------------------------------------------------------

def test_branch_replays_the_same_run_until_the_fork(qtbot: Any, tmp_path: Path) -> None:
    w = window_on(qtbot, tmp_path, load_scenario(ROOT / "scenarios" / "default.yaml"))
    c = w.controller
    for _ in range(40):
        c.advance(97.0)
    c.apply(A.CutLink(link="ip"))
    c.apply(A.LoseRack(rack="nowhere"))  # refused: replayed as refused
    for _ in range(10):
        c.advance(61.0)
    at = c.now
    assert w.branching.branch_here()
    assert c.branch_at == at and c.branch_names() == ["A", "B"]
    before = [[e.to_dict() for e in c.branch_events(i) if e.t_s <= at] for i in (0, 1)]
    assert before[0] == before[1] and any(e["kind"] == "refused" for e in before[0])
    # both play on together; B takes another decision
    c.switch_branch(1)
    assert c.driving == 1
    c.apply(A.RestoreLink(link="ip"))
    c.advance(600.0)
    a, b = c.branch_reports()
    assert a["final_state"]["time_s"] == b["final_state"]["time_s"] == c.now
    assert a["final_state"]["links"]["ip"]["up"] is False
    assert b["final_state"]["links"]["ip"]["up"] is True
    win = w.branching.compare
    assert win is not None and win.isVisible()
    win.refresh()
    assert win.table.item(0, 0).text() and win.table.item(0, 1).text()
    assert len(win.curves["lag"][0].getData()[0]) > 0
    assert len(win.curves["lag"][1].getData()[0]) > 0
    assert win.drive_buttons[1].isChecked()
    # either branch saves as a scenario that replays
    for i in (0, 1):
        out = tmp_path / f"b{i}.yaml"
        assert win.save(i, out)
        sc = load_scenario(out)
        assert sc.system == c.scenario.system
    b_file = load_scenario(tmp_path / "b1.yaml")
    assert any(s.action.do == "restore-link" for s in b_file.steps)
    assert not any(s.action.do == "restore-link"
                   for s in load_scenario(tmp_path / "b0.yaml").steps)
    # a second branch is refused with a message, not a traceback
    assert not w.branching.branch_here()
    assert "already branched" in w.statusBar().currentMessage()
    c.restart()
    assert c.branch_at is None
    win.refresh()
    assert "No branch" in win.header.text()


# -- the command line ----------------------------------------------------------------------------

def test_cli_versus_reports_both_and_their_differences(tmp_path: Path,
                                                        capsys: Any) -> None:
    b = tmp_path / "slow.yaml"
    text = SITE_LOSS.read_text().replace("after: 10m, do: add-compute-nodes",
                                          "after: 40m, do: add-compute-nodes")
    assert text != SITE_LOSS.read_text()
    b.write_text(text)
    code = main(["run", str(SITE_LOSS), "--versus", str(b), "--json", "--history", "off"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["files"] == {"a": str(SITE_LOSS), "b": str(b)}
    assert out["b"]["rto_s"] - out["a"]["rto_s"] == pytest.approx(1800.0, abs=120)
    assert out["differences"]["rto_s"]["b_minus_a"] == pytest.approx(
        out["b"]["rto_s"] - out["a"]["rto_s"])
    code = main(["run", str(SITE_LOSS), "--versus", str(b), "--history", "off"])
    text_out = capsys.readouterr().out
    assert code == 0 and "A versus B" in text_out and "rto_s" in text_out


def test_cli_versus_refuses_another_system_and_a_broken_file(tmp_path: Path,
                                                             capsys: Any) -> None:
    other = tmp_path / "far.yaml"
    other.write_text(SITE_LOSS.read_text().replace("distance_km: 1200", "distance_km: 3000"))
    assert main(["run", str(SITE_LOSS), "--versus", str(other), "--history", "off"]) == 2
    assert "distance_km" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsteps: [ {do: fly}\n")
    assert main(["run", str(SITE_LOSS), "--versus", str(broken), "--history", "off"]) == 2
    assert "broken.yaml" in capsys.readouterr().err
