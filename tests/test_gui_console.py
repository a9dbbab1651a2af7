"""The DR console (app/console/), driven from its buttons, both ways:
a click changes the twin, and a twin change updates the widget (R4–R13)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.console import (
    CHECK_LABELS,
    CreateProfileDialog,
    DrConsole,
    EnableDialog,
    FailoverBackupDialog,
    FailoverPrimaryDialog,
    MonitorDetailsDialog,
    failover,
)
from app.controller import Controller
from app.theme import ERROR_TEXT
from twin import actions as A
from twin.scenario import load_scenario_text

PASSWORD = "passw0rd"  # the default peer user's password (twin/config.py)
WRONG = "Wr0ng-S3cret-xyzzy"
FIXPACK_MISMATCH = """
system:
  racks:
    - {name: raleigh, fixpack: "1.1.0.1"}
    - {name: dallas, fixpack: "1.1.0.0"}
"""


def make(start: str = "unpaired", extra: str = "") -> Controller:
    return Controller(load_scenario_text(f"name: gui test\nstart: {start}\n{extra}"))


def console(qtbot: QtBot, c: Controller, rack: str) -> DrConsole:
    w = DrConsole(c, rack)
    qtbot.addWidget(w)
    w.show()
    return w


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def profile(c: Controller, rack: str) -> dict | None:
    return c.state()["profiles"][rack]


def texts(w: QWidget) -> list[str]:
    """Every text a person could see (or copy) in ``w`` and its children."""
    out = []
    for child in [w, *w.findChildren(QWidget)]:
        if isinstance(child, QLabel | QAbstractButton | QLineEdit):
            out.append(child.text())
        out.append(child.toolTip())
        out.append(child.windowTitle())
    return out


def create_from_dialog(qtbot: QtBot, con: DrConsole, password: str) -> CreateProfileDialog:
    click(qtbot, con.create_button)
    dlg = con.create_dialog
    assert isinstance(dlg, CreateProfileDialog)
    qtbot.addWidget(dlg)
    assert dlg.password_edit.echoMode() == QLineEdit.EchoMode.Password
    dlg.password_edit.setText(password)
    dlg.accept()
    return dlg


def enable_from_dialog(qtbot: QtBot, con: DrConsole, role: str) -> EnableDialog:
    click(qtbot, con.enable_button)
    dlg = con.enable_dialog
    assert isinstance(dlg, EnableDialog)
    qtbot.addWidget(dlg)
    (dlg.primary_radio if role == "primary" else dlg.backup_radio).setChecked(True)
    dlg.accept()
    return dlg


def set_up_pair(qtbot: QtBot, c: Controller) -> tuple[DrConsole, DrConsole]:
    """Create, validate and enable both racks from their consoles (backup first)."""
    r, d = console(qtbot, c, "raleigh"), console(qtbot, c, "dallas")
    for con in (r, d):
        create_from_dialog(qtbot, con, PASSWORD)
        click(qtbot, con.validate_button)
    enable_from_dialog(qtbot, d, "backup")
    enable_from_dialog(qtbot, r, "primary")
    return r, d


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer OK to every confirmation and record its text."""
    asked: list[str] = []

    def ok(parent: QWidget | None, title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(failover, "confirm", ok)
    return asked


# -- R4 create profile -------------------------------------------------------------------------


def test_create_profile_with_the_right_password_defines_the_profile(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    assert con.create_button.isVisible() and not con.validate_button.isVisible()
    assert con.profile_name.text() == "No disaster recovery profile"
    dlg = create_from_dialog(qtbot, con, PASSWORD)
    p = profile(c, "raleigh")
    assert p is not None and p["state"] == "defined" and p["role"] == "none"
    assert con.icon.text() == "/"
    assert con.state_label.text() == "Defined"
    assert con.role_label.text() == "(none)"
    shown = con.peer_label.text().replace("\u200b", "")  # may break after a dot
    assert "dallas\u2011mgmt.example.com" in shown  # never at the hyphen
    assert con.message.isVisible() and con.message.result is not None and con.message.result.ok
    assert not con.create_button.isVisible() and con.validate_button.isVisible()
    assert dlg.password_edit.text() == ""  # not kept after the dialog
    assert all(PASSWORD not in e.message for e in c.twin.events)


def test_create_profile_with_a_wrong_password_is_refused_and_the_password_goes_nowhere(
        qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    dlg = create_from_dialog(qtbot, con, WRONG)
    assert profile(c, "raleigh") is None
    assert con.message.isVisible()
    assert "Authentication to dallas failed" in con.message.text()
    assert "enter the peer user's ID and password again" in con.message.text()
    assert ERROR_TEXT in con.message.styleSheet()  # red
    assert con.create_button.isVisible()
    assert dlg.password_edit.text() == ""
    assert all(WRONG not in e.message for e in c.twin.events)
    assert any(e.kind == "refused" for e in c.twin.events)
    assert WRONG not in repr(c.state())
    assert not any(WRONG in t for t in texts(con) + texts(dlg))


def test_create_dialog_cancel_clears_the_password_and_changes_nothing(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    click(qtbot, con.create_button)
    dlg = con.create_dialog
    assert dlg is not None
    qtbot.addWidget(dlg)
    dlg.password_edit.setText(PASSWORD)
    dlg.reject()
    assert dlg.password_edit.text() == ""
    assert profile(c, "raleigh") is None
    assert not con.message.isVisible()


# -- R5/R6 validate ----------------------------------------------------------------------------


def test_validate_turns_the_icon_into_a_check_and_lists_every_check(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    create_from_dialog(qtbot, con, PASSWORD)
    assert not con.validation_toggle.isVisible()
    click(qtbot, con.validate_button)
    assert profile(c, "raleigh")["state"] == "validated"
    assert con.icon.text() == "✓"
    assert con.state_label.text() == "Validated"
    assert "Validation succeeded" in con.message.text()
    assert con.validation_list.isVisible()
    listing = con.validation_list.text()
    for label in CHECK_LABELS.values():
        assert label in listing
    assert listing.count("✓") == len(CHECK_LABELS)
    assert "10/10 checks passed" in con.validation_toggle.text()


def test_validation_failure_names_the_failed_check(qtbot: QtBot) -> None:
    c = make(extra=FIXPACK_MISMATCH)
    con = console(qtbot, c, "raleigh")
    create_from_dialog(qtbot, con, PASSWORD)
    click(qtbot, con.validate_button)
    assert profile(c, "raleigh")["state"] == "defined"
    assert con.icon.text() == "/"
    assert "Validation failed" in con.message.text() and "same_fixpack" in con.message.text()
    listing = con.validation_list.text()
    assert listing.count("failed</b>") == 1 and "✗ Same fixpack level: failed" in listing
    assert "Same fixpack level" in listing and "1.1.0.0" in listing
    assert "9/10 checks passed" in con.validation_toggle.text()


# -- R5/R7 enable --------------------------------------------------------------------------------


def test_monitor_and_failover_are_unavailable_until_enabled(qtbot: QtBot) -> None:
    c = make()
    r, d = console(qtbot, c, "raleigh"), console(qtbot, c, "dallas")
    for con in (r, d):
        for box in (con.monitor_box, con.failover_box):
            assert not box.isEnabled()
            assert "enabled" in box.toolTip()
        assert not con.storage_details_button.isEnabled()
        assert not con.start_failover_button.isEnabled()
        assert not con.enable_box.isEnabled()  # no profile yet
    for con in (r, d):
        create_from_dialog(qtbot, con, PASSWORD)
        assert con.enable_box.isEnabled() and not con.monitor_box.isEnabled()
        click(qtbot, con.validate_button)
        assert not con.monitor_box.isEnabled() and not con.failover_box.isEnabled()
    enable_from_dialog(qtbot, d, "backup")
    assert d.monitor_box.isEnabled() and d.failover_box.isEnabled()
    assert d.monitor_box.toolTip() == ""
    assert not r.monitor_box.isEnabled()
    enable_from_dialog(qtbot, r, "primary")
    assert r.monitor_box.isEnabled() and r.failover_box.isEnabled()


def test_enable_backup_then_primary_sets_the_roles(qtbot: QtBot) -> None:
    c = make()
    r, d = set_up_pair(qtbot, c)
    assert profile(c, "dallas")["role"] == "backup"
    assert profile(c, "raleigh")["role"] == "primary"
    assert profile(c, "raleigh")["state"] == profile(c, "dallas")["state"] == "enabled"
    assert r.role_label.text() == "Primary" and d.role_label.text() == "Backup"
    assert "enabled in the primary role" in r.enable_text.text()
    assert "Initial copies" in r.message.text()
    assert not r.validate_button.isEnabled()  # validation is for profiles not enabled
    c.advance(60)
    assert "inconsistent_copying" in r.storage_summary.text()
    assert "ETA" in r.storage_summary.text()
    assert "RPO unbounded (no consistent copy)" in r.storage_summary.text()
    click(qtbot, r.storage_details_button)
    dlg = r.monitor_dialog
    assert dlg is not None
    rpos = {dlg.model.index(i, 4).data() for i in range(dlg.model.rowCount())}
    assert rpos == {"∞"}


def test_enabling_the_primary_first_shows_the_r7_refusal_until_the_next_action(qtbot: QtBot) -> None:
    c = make()
    r, d = console(qtbot, c, "raleigh"), console(qtbot, c, "dallas")
    for con in (r, d):
        create_from_dialog(qtbot, con, PASSWORD)
        click(qtbot, con.validate_button)
    enable_from_dialog(qtbot, r, "primary")
    assert profile(c, "raleigh")["state"] == "validated"
    assert r.message.isVisible()
    assert "enable the backup rack (dallas) first (R7)" in r.message.text()
    c.advance(600)  # time passing does not clear it
    assert "R7" in r.message.text() and r.message.isVisible()
    enable_from_dialog(qtbot, d, "backup")
    assert "R7" in r.message.text()  # another console's action leaves it alone
    enable_from_dialog(qtbot, r, "primary")  # the next action on this console replaces it
    assert "R7" not in r.message.text() and r.message.result is not None and r.message.result.ok


def test_enabling_an_unvalidated_profile_is_refused_with_the_consoles_hint(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    create_from_dialog(qtbot, con, PASSWORD)
    enable_from_dialog(qtbot, con, "backup")
    assert profile(c, "raleigh")["state"] == "defined"
    assert "validate it first" in con.message.text()


def test_a_twin_change_updates_the_console(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    assert c.apply(A.CreateProfile("raleigh", "dallas", password=PASSWORD)).ok
    assert con.icon.text() == "/" and con.profile_name.text() == "raleigh-dr"
    assert c.apply(A.Validate("raleigh")).ok
    assert con.icon.text() == "✓"
    assert not con.message.isVisible()  # not this console's action


# -- R9 monitor ----------------------------------------------------------------------------------


def test_monitor_summaries_and_details(qtbot: QtBot) -> None:
    c = make("paired")
    con = console(qtbot, c, "dallas")
    c.advance(120)
    assert "consistent_synchronized" in con.storage_summary.text()
    assert "RPO" in con.storage_summary.text() and "lag" in con.storage_summary.text()
    assert "100 %" in con.mgmt_summary.text()
    click(qtbot, con.storage_details_button)
    dlg = con.monitor_dialog
    assert isinstance(dlg, MonitorDetailsDialog) and dlg.isVisible()
    assert dlg.tabs.currentIndex() == 0
    assert dlg.model.rowCount() == len(c.volume_names())
    assert dlg.proxy.rowCount() == len(c.volume_names())
    shown = {dlg.model.rows[i]["volume"] for i in range(dlg.model.rowCount())}
    assert shown == set(c.volume_names())
    states = {dlg.model.index(i, 1).data() for i in range(dlg.model.rowCount())}
    assert states == {"consistent_synchronized"}
    click(qtbot, con.mgmt_details_button)
    assert dlg.tabs.currentIndex() == 1
    assert "Management data" in dlg.management_summary.text()
    assert dlg.missing_list.count() == 1  # "(none: ...)"


def test_monitor_details_follow_a_link_cut(qtbot: QtBot) -> None:
    c = make("paired")
    con = console(qtbot, c, "raleigh")
    click(qtbot, con.storage_details_button)
    dlg = con.monitor_dialog
    assert dlg is not None
    dlg.min_interval_s = 0.0
    c.apply(A.CutLink("fc"))
    c.advance(300)
    assert "consistent_synchronized" not in con.storage_summary.text()
    states = {dlg.model.index(i, 1).data() for i in range(dlg.model.rowCount())}
    assert "consistent_synchronized" not in states
    dlg.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # Lag, by value not by text
    lags = [dlg.proxy.index(i, 3).data(Qt.ItemDataRole.UserRole)
            for i in range(dlg.proxy.rowCount())]
    assert lags == sorted(lags, reverse=True) and lags[0] > 0


# -- R11 failover dialogs ------------------------------------------------------------------------


def test_primary_checklist_do_it_buttons_apply_actions_and_tick(qtbot: QtBot) -> None:
    c = make("paired")
    con = console(qtbot, c, "raleigh")
    click(qtbot, con.failover_details_button)
    dlg = con.failover_dialogs["primary"]
    assert isinstance(dlg, FailoverPrimaryDialog) and dlg.isVisible()
    cl = dlg.checklist
    assert list(cl.boxes) == ["quiesce-compute-nodes", "verify-initial-copies",
                              "stop-workloads", "withdraw-routes"]
    assert "verify-initial-copies" not in cl.buttons  # the operator verifies; no Do it
    assert cl.boxes["verify-initial-copies"].isChecked()  # paired: copies complete
    assert not cl.boxes["quiesce-compute-nodes"].isChecked()

    click(qtbot, cl.buttons["quiesce-compute-nodes"])
    assert c.state()["racks"]["raleigh"]["compute_nodes"]["quiesced"] > 0
    assert cl.boxes["quiesce-compute-nodes"].isChecked()
    assert not cl.buttons["quiesce-compute-nodes"].isEnabled()

    click(qtbot, cl.buttons["stop-workloads"])
    assert not c.twin.workloads.running_on("raleigh")
    assert cl.boxes["stop-workloads"].isChecked()

    click(qtbot, cl.buttons["withdraw-routes"])
    assert not cl.boxes["withdraw-routes"].isChecked()  # the routers converge first
    assert "converging" in cl.statuses["withdraw-routes"].text()
    c.advance(300)
    assert not c.state()["racks"]["raleigh"]["advertising"]
    assert cl.boxes["withdraw-routes"].isChecked()
    assert cl.unticked() == []
    assert "Routers withdrawing" in dlg.message.text() and "Routers withdrawing" in con.message.text()


def test_items_tick_themselves_when_the_twin_shows_them_done(qtbot: QtBot) -> None:
    c = make("paired")
    con = console(qtbot, c, "dallas")
    dlg = con.open_failover_dialog()
    assert isinstance(dlg, FailoverBackupDialog)
    box = dlg.checklist.boxes["configure-tor-switches"]
    assert not box.isChecked()
    assert c.apply(A.ConfigureTorSwitches("dallas")).ok  # not from the dialog
    assert not box.isChecked()
    assert "configuring" in dlg.checklist.statuses["configure-tor-switches"].text()
    c.advance(c.twin.system.recovery.tor_configure_s + 10)
    assert c.state()["racks"]["dallas"]["tor_configured"]
    assert box.isChecked()


def test_verify_initial_copies_shows_live_progress(qtbot: QtBot) -> None:
    c = make()
    r, _ = set_up_pair(qtbot, c)
    dlg = r.open_failover_dialog()
    box = dlg.checklist.boxes["verify-initial-copies"]
    status = dlg.checklist.statuses["verify-initial-copies"]
    c.advance(60)
    assert not box.isChecked() and "inconsistent_copying" in status.text()
    c.advance(6 * 3600)
    assert c.state()["replication"]["initial_copy_complete"]
    assert box.isChecked() and "consistent_synchronized 100 %" in status.text()


def test_start_failover_with_unticked_items_asks_and_cancel_changes_nothing(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    c = make("paired")
    con = console(qtbot, c, "raleigh")
    asked: list[str] = []
    monkeypatch.setattr(failover, "confirm", lambda p, t, text: asked.append(text) or False)
    dlg = con.open_failover_dialog()
    assert dlg.start_failover() is None
    assert asked and asked[0].startswith("3 manual actions are not done: continue?")
    assert profile(c, "raleigh")["role"] == "primary"
    # the section's button asks the same
    click(qtbot, con.start_failover_button)
    assert asked[1].startswith("3 manual actions are not done: continue?")
    assert profile(c, "raleigh")["role"] == "primary"


def test_manual_ticks_count_and_skipping_them_is_allowed(qtbot: QtBot, confirmations: list[str]) -> None:
    c = make("paired")
    con = console(qtbot, c, "raleigh")
    dlg = con.open_failover_dialog()
    cl = dlg.checklist
    cl.boxes["quiesce-compute-nodes"].setChecked(True)  # ticked by hand, not done
    qtbot.mouseClick(cl.labels["stop-workloads"], Qt.MouseButton.LeftButton)  # the text ticks too
    assert cl.boxes["stop-workloads"].isChecked()
    click(qtbot, dlg.start_button)
    assert confirmations[0].startswith("1 manual action is not done: continue?")
    assert (profile(c, "raleigh")["state"], profile(c, "raleigh")["role"]) == ("validated", "none")
    assert "Failover started on the primary raleigh" in con.message.text()
    assert not con.failover_box.isEnabled()  # R5: no longer enabled


def test_backup_start_failover_needs_a_type(qtbot: QtBot, confirmations: list[str]) -> None:
    c = make("paired")
    con = console(qtbot, c, "dallas")
    assert "Choose Planned or Unplanned" in con.failover_text.text()
    click(qtbot, con.start_failover_button)  # the section's button, no type chosen yet
    assert profile(c, "dallas")["role"] == "backup"
    assert "Choose the failover type" in con.message.text()
    dlg = con.open_failover_dialog()
    assert isinstance(dlg, FailoverBackupDialog)
    assert not dlg.start_button.isEnabled()
    dlg.unplanned_radio.setChecked(True)
    assert dlg.start_button.isEnabled()
    c.advance(1)
    assert con.failover_text.text() == "Failover type: Unplanned"


def test_planned_on_the_backup_before_the_primary_is_refused_in_red(
        qtbot: QtBot, confirmations: list[str]) -> None:
    c = make("paired")
    d = console(qtbot, c, "dallas")
    click(qtbot, d.failover_details_button)
    dlg = d.failover_dialogs["backup"]
    assert isinstance(dlg, FailoverBackupDialog)
    dlg.planned_radio.setChecked(True)
    click(qtbot, dlg.start_button)
    assert profile(c, "dallas")["role"] == "backup"
    for line in (dlg.message, d.message):
        assert line.isVisible() and ERROR_TEXT in line.styleSheet()
        assert "(R11 step 2)" in line.text()


def test_planned_failover_end_to_end_from_the_widgets(qtbot: QtBot, confirmations: list[str]) -> None:
    c = make("paired", "objectives: {rpo: 1s, rto: 6h}\n")
    r, d = console(qtbot, c, "raleigh"), console(qtbot, c, "dallas")
    c.advance(600)

    # R11 steps 1-2, on the primary
    click(qtbot, r.failover_details_button)
    dp = r.failover_dialogs["primary"]
    for key in ("quiesce-compute-nodes", "stop-workloads", "withdraw-routes"):
        click(qtbot, dp.checklist.buttons[key])
    c.advance(300)
    assert dp.pending() == []
    click(qtbot, dp.start_button)
    assert not confirmations[-1].startswith(("1 ", "2 ", "3 "))  # nothing left undone
    assert (profile(c, "raleigh")["state"], profile(c, "raleigh")["role"]) == ("validated", "none")
    assert r.icon.text() == "✓" and r.role_label.text() == "(none)"
    assert not r.after_box.isVisible()  # the old primary does not take over

    # R11 steps 3-4, on the backup
    click(qtbot, d.failover_details_button)
    db = d.failover_dialogs["backup"]
    assert isinstance(db, FailoverBackupDialog)
    assert not db.after_box.isVisible()
    db.planned_radio.setChecked(True)
    click(qtbot, db.checklist.buttons["add-compute-nodes"])
    click(qtbot, db.checklist.buttons["configure-tor-switches"])
    c.advance(3600)
    assert db.pending() == []
    click(qtbot, db.start_button)
    assert (profile(c, "dallas")["state"], profile(c, "dallas")["role"]) == ("validated", "none")
    assert profile(c, "dallas")["failover_type"] == "planned"
    assert "Planned failover completed on dallas" in d.message.text()

    # R11 step 5: in the dialog and on the console
    assert db.after_box.isVisible() and d.after_box.isVisible()
    click(qtbot, db.after_checklist.buttons["start-workloads"])
    click(qtbot, d.after_checklist.buttons["advertise-routes"])
    assert "advertising dallas" in d.message.text()
    c.advance(3 * 3600)
    s = c.state()
    assert s["service"]["available"] and not s["service"]["split_brain"]
    assert all(w["rack"] == "dallas" and w["status"] == "running" for w in s["workloads"].values())
    assert d.after_checklist.unticked() == [] and db.after_checklist.unticked() == []
    for rack in ("raleigh", "dallas"):
        assert (profile(c, rack)["state"], profile(c, rack)["role"]) == ("validated", "none")
    assert c.state()["outcome"]["data_loss_bytes"] == 0


def test_a_lost_rack_console_does_not_answer(qtbot: QtBot) -> None:
    c = make("paired")
    r, d = console(qtbot, c, "raleigh"), console(qtbot, c, "dallas")
    assert not r.lost_banner.isVisible() and r.body.isEnabled()
    c.apply(A.LoseRack("raleigh"))
    assert r.lost_banner.isVisible() and "does not answer" in r.lost_banner.text()
    assert not r.body.isEnabled()
    assert d.body.isEnabled() and d.failover_box.isEnabled()


def test_a_new_scenario_resets_the_console(qtbot: QtBot) -> None:
    c = make("paired")
    con = console(qtbot, c, "raleigh")
    con.open_failover_dialog()
    con.start_failover_button.setEnabled(True)
    c.load(load_scenario_text("name: other\nstart: unpaired\n"))
    assert con.failover_dialogs == {}
    assert con.create_button.isVisible() and not con.failover_box.isEnabled()


def test_an_action_that_takes_simulated_time_says_how_long_is_left(qtbot: QtBot) -> None:
    """Do it on an action the clock must finish (adding nodes, the ToR switches, the
    routes) stays unticked and says it is in progress and about how long is left, counting
    down as the clock runs, until it is done."""
    c = make("paired")
    assert c.apply(A.StartFailover("dallas", "unplanned")).ok
    con = console(qtbot, c, "dallas")
    dlg = con.open_failover_dialog()
    cl = dlg.checklist
    rec = c.twin.system.recovery
    free = c.state()["racks"]["dallas"]["compute_nodes"]["total"]
    free -= c.state()["racks"]["dallas"]["compute_nodes"]["in_cloud_groups"]
    assert free >= 2
    click(qtbot, cl.buttons["add-compute-nodes"])
    nodes = c.state()["racks"]["dallas"]["compute_nodes"]
    assert nodes["adding"] == free
    assert nodes["adding_left_s"] == pytest.approx(free * rec.node_add_s)
    first = cl.statuses["add-compute-nodes"].text()
    minutes = round(free * rec.node_add_s / 60)
    assert "in progress" in first and "left" in first, first
    assert not cl.boxes["add-compute-nodes"].isChecked()
    c.advance(rec.node_add_s * 1.5)
    later = cl.statuses["add-compute-nodes"].text()
    assert later != first and "in progress" in later, later
    assert c.state()["racks"]["dallas"]["compute_nodes"]["adding_left_s"] == pytest.approx(
        (free - 1.5) * rec.node_add_s)
    assert f"{minutes}m" in first or f"{minutes // 60}h" in first, first

    click(qtbot, cl.buttons["configure-tor-switches"])
    tor = cl.statuses["configure-tor-switches"].text()
    assert c.state()["racks"]["dallas"]["tor_left_s"] == pytest.approx(rec.tor_configure_s)
    assert f"about {round(rec.tor_configure_s / 60)}m left" in tor, tor
    c.advance(rec.tor_configure_s + 1)
    assert c.state()["racks"]["dallas"]["tor_left_s"] is None
    assert cl.boxes["configure-tor-switches"].isChecked()
    assert "in progress" not in cl.statuses["configure-tor-switches"].text()


# -- an old answer is marked as such (the user trial of trainee mode) ------------------------


def test_an_answer_the_state_has_moved_on_from_is_greyed_as_earlier(qtbot: QtBot) -> None:
    from app.theme import MUTED_TEXT, C

    c = make()
    con = console(qtbot, c, "raleigh")
    create_from_dialog(qtbot, con, PASSWORD)
    c.advance(1800)
    click(qtbot, con.validate_button)  # answered at 30 min
    assert con.message.text() == "✓ Validation succeeded on raleigh."
    assert not con.message.stale and "dashed" not in con.message.styleSheet()
    assert c.apply(A.CutLink("fc")).ok  # the state moves on at the same instant...
    assert not con.message.stale  # ...but not time, yet
    assert c.apply(A.RestoreLink("fc")).ok
    c.advance(600)
    assert con.message.stale  # time has passed since, and the state has changed
    click(qtbot, con.validate_button)
    c.advance(600)  # time alone, nothing changed: the answer still holds
    assert not con.message.stale and con.message.text().startswith("✓")
    assert c.apply(A.CutLink("ip")).ok  # an instructor's fault, 10 min after the answer
    assert con.message.stale
    assert con.message.text() == ("Earlier, at 0d 00:40:00 — ✓ Validation succeeded on "
                                  "raleigh.")
    sheet = con.message.styleSheet()
    assert MUTED_TEXT in sheet and C.LAYER in sheet and C.GREEN_SOFT not in sheet
    assert "changed since this answer" in con.message.toolTip()
    click(qtbot, con.validate_button)  # asked again: a fresh answer, in colour
    assert not con.message.stale and con.message.text().startswith("✗")
    assert "Earlier" not in con.message.text() and con.message.toolTip() == ""


def test_notes_checks_and_refusals_do_not_make_an_answer_stale(qtbot: QtBot) -> None:
    c = make()
    con = console(qtbot, c, "raleigh")
    create_from_dialog(qtbot, con, PASSWORD)
    c.advance(60)
    assert not c.apply(A.Enable("dallas", role="backup")).ok  # refused: nothing changed
    c.advance(60)
    assert not con.message.stale
    c.apply(A.Validate("dallas"))  # refused too (no profile)
    c.advance(60)
    assert not con.message.stale
    assert c.apply(A.CreateProfile("dallas", "raleigh", password=PASSWORD)).ok
    c.advance(60)
    assert con.message.stale and con.message.text().startswith("Earlier, at 0d 00:00:00 — ✓")


def test_a_failover_dialogs_answer_goes_stale_too(qtbot: QtBot,
                                                  confirmations: list[str]) -> None:
    c = make("paired")
    r = console(qtbot, c, "raleigh")
    dlg = r.open_failover_dialog()
    qtbot.addWidget(dlg)
    c.advance(120)
    res = dlg.start_failover()
    assert res is not None and dlg.message.isVisibleTo(dlg) and not dlg.message.stale
    c.advance(3600)  # nothing else happens: the answer holds
    assert not dlg.message.stale
    assert c.apply(A.LoseRack("dallas")).ok
    assert dlg.message.stale and dlg.message.text().startswith("Earlier, at 0d 00:02:00 — ")
    assert r.message.stale  # the console's own line showed the same answer
