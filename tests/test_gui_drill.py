"""Test failover on the backup's console (app/console/drill.py), in the run report and in
the after-action report: marked as an extension, started and cleaned up from the console,
production untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.console.drill import TITLE, drill_text
from tests.test_gui_main import make_window, shown
from twin.aar import render
from twin.runner import Runner
from twin.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scenarios" / "test-failover-drill.yaml"


def test_the_backups_console_starts_and_cleans_up_a_test(qtbot: Any, tmp_path: Path) -> None:
    w = shown(qtbot, make_window(qtbot, tmp_path, text="name: drill\nstart: paired\n"))
    c = w.controller
    raleigh, dallas = (d.widget().widget() for d in (w.console_left, w.console_right))
    QApplication.processEvents()
    assert not raleigh.drill_box.isVisible()  # the primary tests nothing
    box = dallas.drill_box
    assert box.isVisible() and "extension" in box.title() and box.title() == TITLE
    assert box.start_button.isEnabled() and not box.cleanup_button.isEnabled()
    qtbot.mouseClick(box.start_button, Qt.MouseButton.LeftButton)
    c.advance(60)
    st = c.state()
    assert st["drills"]["active"]["rack"] == "dallas"
    assert "recovery point" in box.text.text() and box.cleanup_button.isEnabled()
    c.advance(3 * 3600)
    assert "The test recovered in" in box.text.text()
    assert st["service"]["available"] and c.state()["racks"]["dallas"]["role"] == "backup"
    qtbot.mouseClick(box.cleanup_button, Qt.MouseButton.LeftButton)
    c.advance(1)
    assert c.state()["drills"]["active"] is None and "Last test: at" in box.text.text()
    assert box.start_button.isEnabled()


def test_drill_text_says_what_the_state_says() -> None:
    state = {"drills": {"active": {"rack": "dallas", "tested_at_s": 1800.0,
                                   "recovery_point_s": 1799.9, "rpo_s": 0.1,
                                   "instances": {"a": "running", "b": "starting"},
                                   "rto_s": None}, "done": []}}
    text, start, clean = drill_text(state, "dallas")
    assert "1/2 running" in text and not start and clean
    _, start, clean = drill_text(state, "raleigh")  # another rack's console
    assert start and not clean


def test_the_report_records_when_it_was_tested_and_the_recovery_point() -> None:
    report = Runner(load_scenario(str(DRILL))).run()
    assert report["ok"]
    [d] = report["drills"]
    assert d["tested_at_s"] == 1800 and 0 < d["rpo_s"] < 1
    assert d["recovery_point_s"] == round(d["tested_at_s"] - d["rpo_s"], 6)
    assert d["cleaned_at_s"] is not None and d["left_behind"] == []
    page = render(report)
    section = page.split("Test failovers</h2>", 1)[1].split("</section>", 1)[0]
    assert "Recovery point used" in section and "T+0:30:00" in section
    assert "extension beyond the PureApplication System V1.1 console" in section
