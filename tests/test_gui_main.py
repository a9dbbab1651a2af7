"""The main window (app/main_window.py, app/timebar.py, app/event_log.py, app/main.py):
both directions between the widgets and the controller, keyboard shortcuts, the event
log, opening scenarios (good and broken), settings and the --screenshot option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from app.controller import SPEEDS, Controller
from app.event_log import ALL, SYSTEM
from app.main_window import MainWindow, StatusPill
from twin import actions as A
from twin.scenario import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.yaml"
SMALL = """
name: GUI main test
start: paired
steps:
  - {do: note, text: "Hello trainees"}
  - {at: 1h, do: cut-link, link: fc}
"""


def make_window(qtbot: Any, tmp_path: Path, text: str | None = None,
                size: tuple[int, int] = (1400, 900)) -> MainWindow:
    scenario = load_scenario_text(text) if text else load_scenario(DEFAULT)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(scenario), settings=settings, size=size)
    qtbot.addWidget(window)
    return window


def shown(qtbot: Any, window: MainWindow) -> MainWindow:
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


# -- the window ------------------------------------------------------------------------------

def test_main_window_opens_on_the_default_scenario(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path))
    c = w.controller
    assert c.scenario.path and Path(c.scenario.path).name == "default.yaml"
    assert c.scenario.name in w.windowTitle()
    # Qt adds the application's display name ("DR Twin") itself: the title must not
    assert "DR Twin" not in w.windowTitle()
    handle = w.windowHandle()
    assert handle is not None and handle.title().count("DR Twin") <= 1
    primary, backup = c.twin.system.rack_names
    # the primary's console is the left one, the backup's the right one (mirroring)
    assert primary in w.console_left.windowTitle()
    assert backup in w.console_right.windowTitle()
    assert w.dockWidgetArea(w.plots_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert w.dockWidgetArea(w.events_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    for rack in (primary, backup):
        assert f"rack:{rack}" in w.topology.node_items
    assert w.event_log.model.rowCount() == len(c.twin.events) > 0
    assert w.timebar.scenario_label.text() == c.scenario.name
    assert w.service_pill.text() == "Service available"


def test_consoles_and_plots_are_the_real_panels(qtbot: Any, tmp_path: Path) -> None:
    from app.console import DrConsole
    from app.plots import PlotsPanel

    w = make_window(qtbot, tmp_path)
    assert isinstance(w.console_left.widget().widget(), DrConsole)  # in its scroll area
    assert w.console_left.widget().widget().rack == w.controller.twin.system.rack_names[0]
    assert isinstance(w.plots, PlotsPanel)


def test_wide_window_puts_consoles_on_both_sides(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, size=(2400, 1300)))
    assert w.consoles_split
    assert w.dockWidgetArea(w.console_left) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert w.dockWidgetArea(w.console_right) == Qt.DockWidgetArea.RightDockWidgetArea
    assert w.console_left.x() < w.topology.mapTo(w, w.topology.rect().topLeft()).x()
    assert w.console_right.x() > w.topology.mapTo(w, w.topology.rect().topRight()).x()


# -- the time bar, both directions ---------------------------------------------------------------

def test_time_bar_drives_the_controller(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    c, bar = w.controller, w.timebar
    bar.play_action.trigger()
    assert c.playing
    bar.play_action.trigger()
    assert not c.playing
    i = bar.speed_box.findData(3600.0)
    bar.speed_box.setCurrentIndex(i)
    bar.speed_box.activated.emit(i)
    assert c.speed == 3600
    bar.faster_action.trigger()
    assert c.speed == SPEEDS[SPEEDS.index(3600) + 1]
    bar.slower_action.trigger()
    bar.slower_action.trigger()
    assert c.speed == SPEEDS[SPEEDS.index(3600) - 1]
    before = c.now
    n_events = len(c.twin.events)
    bar.step_action.trigger()  # the note at 0 s, then the cut at 1 h
    bar.step_action.trigger()
    assert c.now > before or len(c.twin.events) > n_events


def test_controller_drives_the_time_bar(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    c, bar = w.controller, w.timebar
    c.play()
    assert bar.play_action.isChecked() and bar.play_action.text() == "Pause"
    c.pause()
    assert not bar.play_action.isChecked() and bar.play_action.text() == "Play"
    c.set_speed(10000)
    assert bar.speed_box.currentText() == "10,000×"
    assert not bar.faster_action.isEnabled()
    c.set_speed(1)
    assert bar.speed_box.currentText() == "1×" and not bar.slower_action.isEnabled()
    c.advance(3723)
    assert bar.clock.text() == "0d 01:02:03"
    c.advance(86400)
    assert bar.clock.text() == "1d 01:02:03"
    # a fixed size, its text's: a new time repaints the clock, it does not lay out the bar
    size = bar.clock.size()
    assert bar.clock.minimumSize() == bar.clock.maximumSize() == bar.clock.sizeHint()
    c.advance(1)
    assert bar.clock.text() == "1d 01:02:04" and bar.clock.size() == size
    c.advance(9 * 86400)
    assert bar.clock.text() == "10d 01:02:04"  # one more digit: the clock grows
    assert bar.clock.width() > size.width()
    assert bar.clock.sizeHint().width() == bar.clock.width()


def test_playing_advances_simulated_time(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    c = w.controller
    c.set_speed(600)
    c.play()
    qtbot.waitUntil(lambda: c.now > 30, timeout=5000)
    c.pause()
    assert w.timebar.clock.text() != "0d 00:00:00"


def test_note_caption_and_step_progress(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    w.controller.advance(1)
    assert "Hello trainees" in w.timebar.caption.text()
    assert "step 2/2 next: cut-link" in w.timebar.caption.text()
    w.controller.advance(3600)
    assert "all 2 steps done" in w.timebar.caption.text()
    w.controller.restart()
    assert "Hello trainees" not in w.timebar.caption.text()


# -- keyboard ---------------------------------------------------------------------------------------

def test_keyboard_shortcuts(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    c = w.controller
    target = w.topology
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert c.playing
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert not c.playing
    speed = c.speed
    qtbot.keyClick(target, Qt.Key.Key_Plus)
    assert c.speed > speed
    qtbot.keyClick(target, Qt.Key.Key_Minus)
    qtbot.keyClick(target, Qt.Key.Key_Minus)
    assert c.speed < speed
    steps = len(c.runner.steps)
    qtbot.keyClick(target, Qt.Key.Key_N)
    qtbot.keyClick(target, Qt.Key.Key_Right)
    assert len(c.runner.steps) > steps
    c.advance(7200)
    qtbot.keyClick(target, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert c.now == 0
    assert not w.isFullScreen()
    qtbot.keyClick(target, Qt.Key.Key_F11)
    assert w.fullscreen_action.isChecked()
    qtbot.keyClick(target, Qt.Key.Key_F11)
    assert not w.fullscreen_action.isChecked()


def test_ctrl_o_opens_the_chosen_file(qtbot: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    other = ROOT / "scenarios" / "unplanned-site-loss.yaml"
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(other), "")))
    w.topology.setFocus()
    qtbot.keyClick(w.topology, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert w.controller.scenario.path == str(other)
    assert w.recent_files()[0] == str(other.resolve())


def test_ctrl_q_closes_and_remembers_the_layout(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    w.events_dock.hide()
    qtbot.keyClick(w.topology, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("windowState") is not None
    again = make_window(qtbot, tmp_path, SMALL)
    assert again.events_dock.isHidden()


# -- opening scenarios ----------------------------------------------------------------------------

def test_opening_a_broken_scenario_keeps_the_current_one(qtbot: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shown_errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown_errors.append(text)))
    w = make_window(qtbot, tmp_path, SMALL)
    w.controller.advance(600)
    twin = w.controller.twin
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nsteps:\n  - {at: 1h, do: lose-rack, rack: atlantis}\n")
    assert w.open_file(bad) is False
    assert len(shown_errors) == 1
    assert "broken.yaml" in shown_errors[0] and "line 3" in shown_errors[0]
    assert "atlantis" in shown_errors[0]
    assert w.controller.twin is twin and w.controller.now == 600
    assert w.controller.scenario.name == "GUI main test"
    assert "GUI main test" in w.windowTitle()
    assert w.open_file(tmp_path / "missing.yaml") is False
    assert len(shown_errors) == 2
    assert w.open_file(DEFAULT) is True
    assert w.controller.twin is not twin
    assert w.controller.scenario.name in w.windowTitle()
    assert w.recent_files()[0] == str(DEFAULT.resolve())


def test_recent_scenarios_menu_reopens(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    other = ROOT / "scenarios" / "failback.yaml"
    assert w.open_file(other)
    assert w.open_file(DEFAULT)
    w._fill_recent()
    names = [a.text() for a in w.recent_menu.actions()]
    assert names[:2] == ["default.yaml", "failback.yaml"]
    w.recent_menu.actions()[1].trigger()
    assert w.controller.scenario.path == str(other.resolve())


# -- the status bar -----------------------------------------------------------------------------------

def test_status_bar_renders_the_pills(qtbot: Any, tmp_path: Path) -> None:
    """The window shows app/status.py's pills (tests/test_status.py tells their story),
    in their order, and follows the twin frame by frame."""
    from app.status import PILLS, pills

    w = make_window(qtbot, tmp_path, SMALL)
    c = w.controller

    def rendered() -> list[tuple[str, str, str]]:
        return [(n, w.pills[n].text(), w.pills[n].level) for n, _ in PILLS]

    def expected() -> list[tuple[str, str, str]]:
        return [tuple(p) for p in pills(c.state(), c.scenario.objectives, c.now)]

    shown_in_bar = w.statusBar().findChildren(StatusPill)
    assert [x.objectName() for x in shown_in_bar] == [n for n, _ in PILLS]
    assert rendered() == expected()
    assert w.service_pill.level == "ok" and w.split_pill.level == "off"
    c.apply(A.LoseRack(rack="raleigh"))
    assert rendered() == expected()
    assert w.service_pill.text() == "Service DOWN" and w.service_pill.level == "bad"
    c.advance(600)
    assert rendered() == expected()
    assert w.rto_pill.text().startswith("Outage 10m 00s")
    assert w.rto_pill.toolTip() == dict(PILLS)["rtoPill"]


def test_status_pills_keep_their_size_while_a_number_ticks(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    pill = w.rpo_pill
    pill.set("RPO exposure 5m 00s", "warn")
    size = pill.size()
    assert pill.minimumSize() == pill.maximumSize() == size  # fixed: a new text, no layout
    pill.set("RPO exposure 5m 01s", "warn")
    assert pill.text() == "RPO exposure 5m 01s" and pill.size() == size
    pill.set("RPO achieved 6ms · 37.0 kB lost", "bad")  # more room, and a new level
    wide = pill.width()
    assert wide > size.width() and pill.size() == pill.sizeHint()
    pill.set("RPO exposure 5m 00s", "warn")  # much less: it shrinks back
    assert pill.size() == size


def test_a_refused_action_is_a_message_not_an_exception(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    res = w.controller.apply(A.Enable(rack="raleigh", role="primary"))
    assert not res.ok
    assert w.statusBar().currentMessage().startswith("Refused:")
    assert w.topology.toast.isVisible() and "Refused" in w.topology.toast.text()


# -- the event log ----------------------------------------------------------------------------------

def test_event_log_appends_without_resetting(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    model = w.event_log.model
    resets: list[int] = []
    inserted: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append(b - a + 1))
    n = model.rowCount()
    w.controller.advance(4000)
    w.controller.apply(A.LoseRack(rack="raleigh"))
    assert resets == []
    assert model.rowCount() == len(w.controller.twin.events) == n + sum(inserted)
    assert model.rows == w.controller.twin.events
    w.controller.restart()
    assert resets == [1] and model.rowCount() == len(w.controller.twin.events)


def test_event_log_filters(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    c, log = w.controller, w.event_log
    c.apply(A.Enable(rack="raleigh", role="primary"))  # refused: already enabled
    c.apply(A.CutLink(link="ip"))
    c.apply(A.FailComputeNode(rack="dallas", node=1))
    total = len(c.twin.events)
    log.set_filters(kind="refused")
    shown_ev = log.visible_events()
    assert shown_ev and all(e.kind == "refused" for e in shown_ev)
    assert f"of {total:,} events" in log.count.text()
    log.set_filters(rack="dallas")
    assert log.visible_events() and all(e.rack == "dallas" for e in log.visible_events())
    log.set_filters(rack=SYSTEM)
    assert all(e.rack is None for e in log.visible_events())
    log.set_filters(text="IP LINK")
    assert [e.kind for e in log.visible_events()] == ["fault"]
    log.set_filters(kind="fault", rack="dallas", text="compute")
    assert len(log.visible_events()) == 1
    log.set_filters(ALL, ALL, "")
    assert len(log.visible_events()) == total
    # new events go through the filter as they arrive
    log.set_filters(kind="fault")
    c.apply(A.RestoreLink(link="ip"))
    assert log.visible_events()[-1].message.startswith("restore-link")


def test_refusals_and_alerts_stand_out(qtbot: Any, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, SMALL)
    c = w.controller
    c.apply(A.Enable(rack="raleigh", role="primary"))
    model = w.event_log.model
    row = next(i for i, e in enumerate(model.rows) if e.kind == "refused")
    plain = next(i for i, e in enumerate(model.rows) if e.kind == "state")
    fg = model.data(model.index(row, 3), Qt.ItemDataRole.ForegroundRole)
    assert fg is not None and fg.color().red() > 150
    assert model.data(model.index(plain, 3), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(row, 0)) == "0d 00:00:00"


def test_selecting_an_event_highlights_its_item(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, SMALL))
    c, log = w.controller, w.event_log
    c.apply(A.FailComputeNode(rack="dallas", node=4))
    log.set_filters(kind="fault")
    rows = log.visible_events()
    assert rows[-1].item == "compute:dallas:4"
    with qtbot.waitSignal(w.topology.itemSelected, timeout=1000) as sig:
        log.select_row(len(rows) - 1)
    assert sig.args == ["compute:dallas:4"]
    selected = w.topology.scene().selectedItems()
    assert [getattr(i, "node_id", None) for i in selected] == ["compute:dallas:4"]
    assert w.topology.details.isVisible() and "CN 05" in w.topology.details.text()


# -- drtwin gui --screenshot ------------------------------------------------------------------------

def _drtwin(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # a subprocess each; run_gui is tested in-process by default
def test_screenshot_option_writes_a_png_of_the_requested_size(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    r = _drtwin("gui", str(DEFAULT), "--screenshot", str(out), "--at", "30m",
                "--size", "1280x800")
    assert r.returncode == 0, r.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 23)}
    assert len(colours) > 20  # a drawn window, not a blank rectangle
    assert out.stat().st_size > 20_000


@pytest.mark.slow  # a subprocess each; run_gui is tested in-process by default
def test_screenshot_of_a_broken_file_is_a_message_and_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart: sideways\n")
    r = _drtwin("gui", str(bad), "--screenshot", str(tmp_path / "x.png"))
    assert r.returncode == 2
    assert "bad.yaml" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()
    r = _drtwin("gui", str(DEFAULT), "--screenshot", str(tmp_path / "x.png"), "--at", "soon")
    assert r.returncode == 2 and "--at" in r.stderr and "Traceback" not in r.stderr
    r = _drtwin("gui", str(DEFAULT), "--screenshot", str(tmp_path / "x.png"), "--size", "big")
    assert r.returncode == 2 and "--size" in r.stderr


def test_run_gui_in_process_screenshot(qtbot: Any, tmp_path: Path) -> None:
    """The same path in-process (what the README's screenshot uses), at 2 h."""
    from argparse import Namespace

    from app.main import run_gui

    out = tmp_path / "in.png"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet, font = app.styleSheet(), app.font()
    args = Namespace(file=str(DEFAULT), screenshot=str(out), at="2h", size="1024x700")
    try:
        assert run_gui(args) == 0
    finally:
        app.setStyleSheet(sheet)
        app.setFont(font)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            qtbot.addWidget(w)


def test_the_end_of_an_autoplay_run_shows_its_result_and_exports_its_report(
        qtbot: Any, tmp_path: Path) -> None:
    """Issue 10: "no end-of-run result in the GUI (only a plain FAILED row in the event
    log)". An autoplay run that reaches its last step says PASS/FAIL, the assessment and
    what PASS does not say; File > Export report… writes its after-action report."""
    w = shown(qtbot, make_window(qtbot, tmp_path, text=SMALL + """  - {after: 1h, do: check, that: {service.available: true}}
"""))
    c = w.controller
    assert w.last_verdict == ""
    c.advance_to(1800)
    assert w.last_verdict == ""  # not finished yet
    c.advance_to(3 * 3600)
    assert c.runner.done
    assert w.last_verdict.startswith("Result: PASS") and "Assessment:" in w.last_verdict
    assert w.topology.toast.isVisible() and "Scenario finished" in w.topology.toast.text()
    # a pass is marked green, not with the refusals' red (found looking at the window)
    assert w.topology.toast.property("level") == "ok"
    out = w.trainee.export_report(tmp_path / "run.html")
    assert out is not None and "<svg" in out.read_text(encoding="utf-8")
    c.restart()
    assert w.last_verdict == ""
