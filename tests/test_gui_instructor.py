"""The instructor station (app/instructor/, issue 11) driven with pytest-qt over the same
Controller as the trainee's main window: fire now, delay, skip, add inject, freeze and
resume, a hint reaching the main window, observations reaching the report and the AAR,
the timeline's CSV round trip, and the trainee's window never showing what is coming."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QWidget,
)

from app.controller import Controller
from app.instructor.station import InstructorStation
from app.main_window import MainWindow
from twin import aar
from twin import actions as A
from twin.runner import Runner
from twin.scenario import load_scenario_text

SCENARIO = """
name: Instructor station test
start: paired
steps:
  - {at: 10m, do: note, text: "Welcome to the exercise"}
  - {at: 1h, do: lose-rack, rack: raleigh}
  - {do: note, text: "ZEBRA raleigh is gone"}
  - {after: 10m, do: start-failover, rack: dallas, type: unplanned}
  - {do: add-compute-nodes, rack: dallas}
  - {do: configure-tor-switches, rack: dallas}
  - {do: start-workloads, rack: dallas}
  - {do: advertise-routes, rack: dallas}
  - {do: wait, until: {service.available: true}, timeout: 6h}
  - {at: 9h, do: surge-writes, workload: orders-db, write_mb_s: 321, for: 5m}
"""


def setup(qtbot: Any, tmp_path: Path, mode: str = "trainee",
          ) -> tuple[Controller, MainWindow, InstructorStation]:
    sc = load_scenario_text(SCENARIO)
    c = Controller(sc)
    c.runner = Runner(sc, c.twin, mode=mode)  # the trainee GUI's mode, set as it will be
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(c, settings=settings, persist=False, size=(1400, 900))
    qtbot.addWidget(w)
    w.show()
    st = w.open_instructor_station()
    assert isinstance(st, InstructorStation)
    qtbot.addWidget(st)
    QApplication.processEvents()
    return c, w, st


def racks(c: Controller) -> dict[str, str]:
    return {r: d["status"] for r, d in c.state()["racks"].items()}


def test_view_menu_opens_the_station_as_a_window_of_its_own(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    assert st.isWindow() and st.windowTitle().startswith("Instructor station")
    act = w.findChild(QAction, "instructorAction")
    assert act is not None and "Instructor station" in act.text()
    act.trigger()
    assert w.instructor_station is st  # one station, raised again
    assert st.model.rowCount() == 10 and st.model.columnCount() == 7
    headers = [st.model.headerData(i, Qt.Orientation.Horizontal) for i in range(7)]
    assert headers == ["#", "Time", "Inject", "Player", "Expected action",
                       "Objective tested", "State"]
    assert st.model.text(1, 1) == "1:00:00" and "lose-rack" in st.model.text(1, 2)
    assert st.model.text(3, 3) == "trainee"
    assert {st.model.text(i, 6) for i in range(10)} == {"pending"}


def test_fire_now_from_the_events_list(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(1200)
    st.select_step(1)
    assert st.fire_button.isEnabled()
    st.fire_button.click()
    assert racks(c)["raleigh"] == "lost" and c.now == 1200
    assert st.model.text(1, 6) == "fired"
    assert "Step 2 fired" in st.message.text()
    st.select_step(3)  # the trainee's: not for the instructor to fire
    assert not st.fire_button.isEnabled()
    res = st.fire_selected()
    assert res is not None and not res.ok and "trainee's" in st.message.text()


def test_delay_moves_the_inject(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    st.select_step(1)
    st.ask_delay = lambda i: "30m"
    st.delay_button.click()
    assert st.model.text(1, 6) == "delayed" and "+30m" in st.model.text(1, 1)
    c.advance_to(3600 + 1799)
    assert racks(c)["raleigh"] == "up"
    c.advance_to(3600 + 1800)
    assert racks(c)["raleigh"] == "lost"
    st.select_step(9)
    st.ask_delay = lambda i: "soon"
    res = st.delay_selected()
    assert res is not None and not res.ok and "'soon' is not a duration" in st.message.text()


def test_skip_a_step(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    st.select_step(1)
    st.skip_button.click()
    assert st.model.text(1, 6) == "skipped"
    c.advance_to(4000)
    assert racks(c)["raleigh"] == "up"
    assert c.report()["steps"][1]["instructor"] == "skipped"
    assert "lose-rack" not in c.session_yaml()  # a saved session does not replay it


def test_add_inject_from_the_palette_uses_the_fault_menus(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(600)
    targets = [t for t, _ in st.palette_targets()]
    assert {"link:fc", "link:ip", "rack:raleigh", "rack:dallas", "compute:raleigh",
            "workload:orders-db"} <= set(targets)
    texts = [a.text() for a in st.palette_menu("rack:raleigh").actions()]
    assert "Fail the V7000 storage of raleigh" in texts
    assert "Fail a management node of raleigh" in texts
    nodes = [a for a in st.palette_menu("compute:dallas").actions() if a.isEnabled()]
    assert len(nodes) == c.system.rack("dallas").compute_nodes
    st.ask_degrade = lambda link: (25.0, 80.0, 2.0)
    menu = st.palette_menu("link:fc")
    next(a for a in menu.actions() if a.text().startswith("Degrade")).trigger()
    fc = c.state()["links"]["fc"]
    assert fc["degraded"]
    nodes[2].trigger()
    assert 2 in c.failed_compute_nodes("dallas")
    # the Add inject menu has every target as a submenu
    all_menu = st.all_faults_menu()
    assert [a.text() for a in all_menu.actions()] == [x for _, x in st.palette_targets()]
    rows = [st.model.rows[i] for i in range(st.model.rowCount()) if st.model.rows[i]["index"]
            is None]
    assert [r["state"] for r in rows] == ["fired", "fired"]
    assert "degrade-link" in rows[0]["inject"] and "latency_ms: 25" in rows[0]["inject"]
    ins = c.report()["instructor"]["interventions"]
    assert [i["do"] for i in ins] == ["degrade-link", "fail-compute-node"]
    assert ins[0]["at_s"] == 600


def test_freeze_blocks_time_and_the_trainees_window(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(300)
    st.freeze_button.click()
    assert c.frozen and st.freeze_button.text().endswith("Resume")
    banner = w.instructor_banner.paused
    assert banner.isVisible() and "Paused by the instructor".upper() in banner.text().upper()
    w.timebar.play_action.trigger()  # the trainee's play button
    assert not c.playing
    qtbot.wait(50)
    c.advance(600)
    w.timebar.step_action.trigger()
    assert c.now == 300
    res = c.apply(A.Validate(rack="raleigh"))
    assert not res.ok and "Paused by the instructor" in res.text
    assert "Paused by the instructor" in w.statusBar().currentMessage()
    st.freeze_button.click()
    assert not c.frozen and not banner.isVisible()
    c.advance(600)
    assert c.now == 900
    assert [i["what"] for i in c.report()["instructor"]["interventions"]] == ["freeze", "resume"]


def test_a_hint_reaches_the_main_window(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(3700)
    st.hint_edit.setText("Look at the dallas console")
    st.hint_edit.returnPressed.emit()
    assert st.hint_edit.text() == ""
    hint = w.instructor_banner.hint
    assert w.instructor_banner.hint_row.isVisible() and "Look at the dallas console" in hint.text()
    assert "Look at the dallas console" in w.statusBar().currentMessage()
    QApplication.processEvents()
    assert any("Hint from the instructor: Look at the dallas console" in e.message
               for e in c.events())
    st.hint_edit.setText("  ")
    assert not st.send_hint().ok and "empty" in st.message.text()


def test_observations_reach_the_report_and_the_aar(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(3900)
    st.obs_edit.setText("Hesitated before declaring the disaster")
    st.record_observation()
    assert st.notes.count() == 1 and "Hesitated" in st.notes.item(0).text()
    assert "01:05:00" in st.notes.item(0).text()
    rep = c.report()
    assert rep["instructor"]["observations"] == [
        {"at_s": 3900.0, "text": "Hesitated before declaring the disaster"}]
    page = aar.render(rep)
    assert "Instructor&#x27;s observations" in page or "Instructor's observations" in page
    assert "Hesitated before declaring the disaster" in page
    # private: nothing of it in the trainee's window
    assert "Hesitated" not in " ".join(window_texts(w))


def test_the_live_view_follows_the_trainee_and_the_score(qtbot: Any, tmp_path: Path) -> None:
    c, w, st = setup(qtbot, tmp_path)
    c.advance_to(3600 + 700)
    st.refresh_trainee()
    before = st.score.text()
    assert st.key_table.rowCount() == 5 and st.key_table.item(0, 2).text() == "not yet"
    c.runner.act(A.StartFailover(rack="dallas", type="unplanned"))
    c.runner.act(A.StartWorkloads(rack="raleigh"))  # refused: the rack is lost
    qtbot.waitUntil(lambda: st.actions_table.rowCount() == 2, timeout=3000)  # its 1 s timer
    assert st.actions_table.item(0, 2).text().startswith("✓")
    assert st.actions_table.item(1, 2).text().startswith("✗")
    assert st.key_table.item(0, 2).text() != "not yet"
    assert st.score.text().startswith("Score ") and st.score.text() != before
    assert st.refresh_ms < 200


def test_timeline_csv_round_trip_and_a_bad_csv(qtbot: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    c, w, st = setup(qtbot, tmp_path)
    out = tmp_path / "timeline.csv"
    assert st.export_csv(out).ok
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 10 and rows[1]["inject"] == "{do: lose-rack, rack: raleigh}"
    rows[1]["at"] = "2h"  # a trainer retimes the inject in a spreadsheet
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=list(rows[0]))
    wr.writeheader()
    wr.writerows(rows)
    planned = tmp_path / "planned.csv"
    planned.write_text(buf.getvalue())
    assert st.import_csv(planned).ok
    assert c.scenario.steps[1].at_s == 7200 and st.model.text(1, 1) == "2:00:00"
    assert st.export_csv(out).ok
    again = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["inject"] for r in again] == [r["inject"] for r in rows]

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    c.advance_to(100)
    bad = tmp_path / "bad.csv"
    bad.write_text('time,inject\n0:00,"{do: note, text: a}"\n0:01,"[not a mapping"\n')
    res = st.import_csv(bad)
    assert not res.ok and "row 3" in res.text and str(bad) in res.text
    unknown = tmp_path / "unknown.csv"
    unknown.write_text('time,inject\n0:00,"{do: explode, rack: raleigh}"\n')
    res = st.import_csv(unknown)
    assert not res.ok and "explode" in res.text
    assert not st.import_csv(tmp_path / "missing.csv").ok
    assert len(warnings) == 3 and "goes on unchanged" in warnings[0]
    assert c.now == 100 and c.scenario.steps[1].at_s == 7200  # the exercise goes on


def window_texts(w: QWidget) -> list[str]:
    """Every text the trainee's window shows: labels, buttons, line edits, tooltips, the
    window and dock titles, menus, and the cells of every table."""
    out = [w.windowTitle()]
    for wid in w.findChildren(QWidget):
        out += [wid.toolTip(), wid.windowTitle()]
        if isinstance(wid, QLabel | QAbstractButton | QLineEdit):
            out.append(wid.text())
        if isinstance(wid, QTableView) and wid.model() is not None:
            m = wid.model()
            out += [str(m.data(m.index(r, col)) or "") for r in range(m.rowCount())
                    for col in range(m.columnCount())]
    for act in w.findChildren(QAction):
        out += [act.text(), act.toolTip()]
    return [t for t in out if t]


@pytest.mark.parametrize("mode", ["trainee", "autoplay"])
def test_the_trainees_window_never_shows_what_is_coming(qtbot: Any, tmp_path: Path,
                                                        mode: str) -> None:
    c, w, st = setup(qtbot, tmp_path, mode)
    for t in (0, 900, 3000):
        c.advance_to(t)
        w.timebar.refresh()
        QApplication.processEvents()
        shown = " ".join(window_texts(w))
        for upcoming in ("lose-rack", "ZEBRA", "surge-writes", "321", "step 2/"):
            assert upcoming not in shown, (t, upcoming)
    assert "Welcome to the exercise" in shown  # what has happened is shown
    # the instructor sees it all
    assert any("ZEBRA" in r["inject"] for r in st.model.rows)
    st.close()  # without a station, autoplay's window may show the timeline again
    w.timebar.refresh()
    assert ("lose-rack" in w.timebar.caption.text()) == (mode == "autoplay")
