"""The DR console of one rack (domain.md R4–R13), laid out like the real profile page
(article figures 3–11): the profile with its state icon ("/" defined, a green check
validated or enabled), role and peer; Create profile and Validate; then the Enable,
Monitor and Failover sections, Monitor and Failover unavailable until enabled (R5).

Every button becomes a typed action through ``controller.apply``; the console's answer
(``Result.text``) stays on screen until the next action, red when refused. The widget is
built once and refreshed from ``controller.state()`` on each ``controller.frame``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.console.drill import DrillBox
from app.console.failover import (
    Checklist,
    FailoverBackupDialog,
    FailoverDialog,
    FailoverPrimaryDialog,
    after_items,
)
from app.console.message import MessageLine, State
from app.console.monitor import MonitorDetailsDialog, management_summary, storage_summary
from app.console.profile import CreateProfileDialog, EnableDialog, validation_html
from app.console.replication import ReplicationPanel, r19c_warning
from app.theme import ERROR_TEXT, MUTED_TEXT, OK_TEXT, PROFILE, ROLE, C
from twin import actions as A
from twin.events import Result

if TYPE_CHECKING:
    from app.controller import Controller

W = TypeVar("W", bound=QWidget)

UNAVAILABLE_TIP = "Available once disaster recovery is enabled on this rack (R5)."


def _link_button(text: str) -> QPushButton:
    """"View details" is a link on the real console's profile page: compact, unmistakable."""
    b = QPushButton(text)
    b.setObjectName("link")
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setFlat(True)
    b.setStyleSheet(
        f"QPushButton#link {{ color: {C.ACCENT}; text-decoration: underline; border: none;"
        " background: transparent; padding: 2px 4px; font-weight: normal; }"
        f" QPushButton#link:disabled {{ color: {C.DISABLED}; }}"
        f" QPushButton#link:hover {{ color: {C.ACCENT_DARK}; }}")
    return b


def _section(title: str) -> QGroupBox:
    """A section of the profile page (Enable, Monitor, Failover), with tight margins so the
    console fits a narrow dock."""
    box = QGroupBox(title)
    f = box.font()
    f.setBold(True)
    box.setFont(f)
    return box


def _plain(w: W) -> W:
    """Undo the bold a group box title passes on to its children."""
    f = w.font()
    f.setBold(False)
    w.setFont(f)
    return w


def restyle(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: Qt re-polishes and repaints the widget on
    every call, even with the same sheet (the console refreshes on every frame)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


class DrConsole(QWidget):
    """The disaster recovery profile page of ``rack``: header, Enable, Monitor, Failover."""

    def __init__(self, controller: Controller, rack: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rack = rack
        self._down = False  # the rack's console does not answer (lost, or no management)
        self.create_dialog: CreateProfileDialog | None = None
        self.enable_dialog: EnableDialog | None = None
        self.monitor_dialog: MonitorDetailsDialog | None = None
        self.failover_dialogs: dict[str, FailoverDialog] = {}
        self._build()
        controller.frame.connect(self.refresh)
        controller.scenarioLoaded.connect(self._scenario_loaded)
        self.refresh()

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(8)

        self.title = QLabel()
        tf = self.title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.45)
        tf.setBold(True)
        self.title.setFont(tf)
        self.subtitle = QLabel("Disaster recovery profile")
        self.subtitle.setStyleSheet(f"color: {MUTED_TEXT};")
        self.subtitle.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.subtitle, 1, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(head)

        self.lost_banner = QLabel()
        self.lost_banner.setWordWrap(True)
        self.lost_banner.setStyleSheet(
            f"QLabel {{ background: {C.FRAME}; color: {C.PAPER}; padding: 6px;"
            " border-radius: 4px; }")
        self.lost_banner.hide()
        outer.addWidget(self.lost_banner)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        outer.addWidget(self.body)

        # profile header: icon, name, state, role, peer
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(card)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.icon = QLabel()
        self.icon.setFixedSize(30, 30)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.profile_name = QLabel()
        pf = self.profile_name.font()
        pf.setBold(True)
        pf.setPointSizeF(pf.pointSizeF() * 1.15)
        self.profile_name.setFont(pf)
        self.state_label = QLabel()
        self.role_label = QLabel()
        self.peer_label = QLabel()
        self.peer_label.setWordWrap(True)
        grid.addWidget(self.icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.profile_name, 0, 1, 1, 2)
        for row, (name, w) in enumerate((("State", self.state_label), ("Role", self.role_label),
                                          ("Peer", self.peer_label)), start=1):
            cap = QLabel(name)
            cap.setStyleSheet(f"color: {MUTED_TEXT};")
            grid.addWidget(cap, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(w, row, 2)
        grid.setColumnStretch(2, 1)
        self.create_button = QPushButton("Create profile…")
        self.create_button.clicked.connect(self.open_create_dialog)
        self.validate_button = QPushButton("Validate")
        self.validate_button.clicked.connect(self.validate)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.validate_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 4, 1, 1, 2)
        body.addWidget(card)

        # the answer greys once the state has moved on: the clock is the controller's (a
        # lambda over it, not a method of this widget: no reference cycle)
        c = self.controller
        self._clock = lambda: (c.now, c.events())
        self.message = MessageLine(self._clock)
        body.addWidget(self.message)

        # R11 step 5, once this rack has taken over: the next thing to do, so near the top
        self.after_box = _section("After the failover")
        self.after_checklist = Checklist(after_items(self.rack), self.apply)
        self.after_checklist.setToolTip("Bring the service up on this rack (R11 step 5)")
        _plain(self.after_checklist)
        QVBoxLayout(self.after_box).addWidget(self.after_checklist)
        self.after_box.hide()
        body.addWidget(self.after_box)

        # validation result (R6), one line per check
        self.validation_toggle = QToolButton()
        self.validation_toggle.setCheckable(True)
        self.validation_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.validation_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.validation_toggle.setAutoRaise(True)
        self.validation_toggle.toggled.connect(self._toggle_validation)
        self.validation_list = QLabel()
        self.validation_list.setObjectName("validation-list")
        self.validation_list.setWordWrap(True)
        self.validation_list.setTextFormat(Qt.TextFormat.RichText)
        self.validation_list.setStyleSheet(
            f"QLabel#validation-list {{ background: {C.PAPER}; border: 1px solid {C.LINE};"
            " border-radius: 4px; padding: 4px; }")
        self.validation_list.hide()
        body.addWidget(self.validation_toggle)
        body.addWidget(self.validation_list)

        # Enable
        self.enable_box = _section("Enable")
        el = QHBoxLayout(self.enable_box)
        el.setContentsMargins(8, 6, 8, 8)
        self.enable_text = _plain(QLabel())
        self.enable_text.setWordWrap(True)
        self.enable_button = _plain(QPushButton("Enable…"))
        self.enable_button.clicked.connect(self.open_enable_dialog)
        el.addWidget(self.enable_text, 1)
        el.addWidget(self.enable_button)
        body.addWidget(self.enable_box)

        # Monitor (R9): a caption and View details on one line, the summary under it
        self.monitor_box = _section("Monitor")
        ml = QGridLayout(self.monitor_box)
        ml.setContentsMargins(8, 6, 8, 8)
        ml.setColumnStretch(0, 1)
        ml.setVerticalSpacing(2)
        self.mgmt_summary = _plain(QLabel())
        self.storage_summary = _plain(QLabel())
        self.mgmt_details_button = _plain(_link_button("View details"))
        self.storage_details_button = _plain(_link_button("View details"))
        self.mgmt_details_button.clicked.connect(lambda: self.open_monitor_dialog("management"))
        self.storage_details_button.clicked.connect(lambda: self.open_monitor_dialog("storage"))
        for i, (name, summary, button) in enumerate((
                ("Management data", self.mgmt_summary, self.mgmt_details_button),
                ("Storage", self.storage_summary, self.storage_details_button))):
            summary.setWordWrap(True)
            summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            summary.setContentsMargins(0, 0, 0, 6)
            ml.addWidget(_plain(QLabel(f"<b>{name}</b>")), 2 * i, 0)
            ml.addWidget(button, 2 * i, 1)
            ml.addWidget(summary, 2 * i + 1, 0, 1, 2)
        # the consistency group as this rack's SVC shows it (issue 9)
        self.replication_panel = _plain(ReplicationPanel(
            self.rack, lambda: self.controller.system.replication, self.apply))
        ml.addWidget(self.replication_panel, 4, 0, 1, 2)
        body.addWidget(self.monitor_box)

        # Failover (R11, R12): the text, then the buttons under it
        self.failover_box = _section("Failover")
        fl = QVBoxLayout(self.failover_box)
        fl.setContentsMargins(8, 6, 8, 8)
        self.failover_text = _plain(QLabel())
        self.failover_text.setWordWrap(True)
        self.failover_details_button = _plain(_link_button("View details"))
        self.failover_details_button.clicked.connect(self.open_failover_dialog)
        self.start_failover_button = _plain(QPushButton("Start Failover"))
        self.start_failover_button.clicked.connect(self.start_failover)
        buttons_row = QHBoxLayout()
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.failover_details_button)
        buttons_row.addWidget(self.start_failover_button)
        fl.addWidget(self.failover_text)
        # R19c: a failover while the backup's copy is inconsistent gets no usable volumes
        self.r19c_label = _plain(QLabel())
        self.r19c_label.setObjectName("r19c-warning")
        self.r19c_label.setWordWrap(True)
        self.r19c_label.setStyleSheet(
            f"QLabel#r19c-warning {{ color: {C.RED_DARK}; background: {C.RED_SOFT};"
            f" border: 1px solid {C.RED_PALE}; border-radius: 4px; padding: 4px; }}")
        self.r19c_label.hide()
        fl.addWidget(self.r19c_label)
        fl.addLayout(buttons_row)
        body.addWidget(self.failover_box)
        # issue 11: a drill that does not touch production (app/console/drill.py)
        self.drill_box = _plain(DrillBox(self.rack, self.apply))
        body.addWidget(self.drill_box)

        body.addStretch(1)

    # -- the one command path -----------------------------------------------------------------

    def apply(self, action: A.Action) -> Result:
        """Apply through the controller and show the console's answer until the next one."""
        res = self.controller.apply(action)
        self.message.show_result(res)
        return res

    def validate(self) -> Result:
        res = self.apply(A.Validate(self.rack))
        self.validation_toggle.setChecked(True)
        return res

    def start_failover(self) -> Result | None:
        """The section's Start Failover: the type chosen in View details, the same reminder
        of unticked manual actions, then OK."""
        return self.failover_dialog().start_failover()

    # -- dialogs ------------------------------------------------------------------------------

    def open_create_dialog(self) -> CreateProfileDialog:
        system = self.controller.system
        peer = system.rack(system.peer_of(self.rack))
        local = system.rack(self.rack)
        dlg = CreateProfileDialog(
            self.rack, peer_address=peer.management_address,
            peer_user=peer.users[0].id if peer.users else "",
            operators=[u.id for u in local.users], parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.submitted.connect(self.apply)
        dlg.destroyed.connect(lambda *_: setattr(self, "create_dialog", None))
        self.create_dialog = dlg
        dlg.open()
        return dlg

    def open_enable_dialog(self) -> EnableDialog:
        dlg = EnableDialog(self.rack, parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.submitted.connect(self.apply)
        dlg.destroyed.connect(lambda *_: setattr(self, "enable_dialog", None))
        self.enable_dialog = dlg
        dlg.open()
        return dlg

    def open_monitor_dialog(self, which: str = "storage") -> MonitorDetailsDialog:
        if self.monitor_dialog is None:
            self.monitor_dialog = MonitorDetailsDialog(self.controller, self.rack, parent=self)
        dlg = self.monitor_dialog
        dlg.show_tab(which)
        dlg.refresh(self.controller.state(), force=True)
        dlg.show()
        dlg.raise_()
        return dlg

    def failover_dialog(self) -> FailoverDialog:
        """The failover dialog for this rack's role (kept, so ticks and the chosen type
        persist while the console lives)."""
        p = self._profile(self.controller.state()) or {}
        role = "primary" if p.get("role") == "primary" else "backup"
        dlg = self.failover_dialogs.get(role)
        if dlg is None:
            cls = FailoverPrimaryDialog if role == "primary" else FailoverBackupDialog
            dlg = cls(self.rack, self.apply, parent=self, clock=self._clock)
            self.failover_dialogs[role] = dlg
        dlg.refresh(self.controller.state())
        return dlg

    def open_failover_dialog(self) -> FailoverDialog:
        dlg = self.failover_dialog()
        dlg.show()
        dlg.raise_()
        return dlg

    # -- refresh from the state document --------------------------------------------------------

    def _profile(self, s: State) -> State | None:
        return (s.get("profiles") or {}).get(self.rack)

    def _scenario_loaded(self) -> None:
        for dlg in (self.create_dialog, self.enable_dialog, self.monitor_dialog,
                    *self.failover_dialogs.values()):
            if dlg is not None:
                dlg.close()
                dlg.deleteLater()
        self.create_dialog = self.enable_dialog = self.monitor_dialog = None
        self.failover_dialogs = {}
        self.message.show_result(None)
        self.validation_toggle.setChecked(False)
        self.after_checklist.reset()  # ticks of the last scenario do not carry over

    def _toggle_validation(self, on: bool) -> None:
        self.validation_toggle.setArrowType(Qt.ArrowType.DownArrow if on
                                            else Qt.ArrowType.RightArrow)
        self.validation_list.setVisible(on and bool(self.validation_list.text()))

    def refresh(self) -> None:
        s = self.controller.state()
        rack_doc = (s.get("racks") or {}).get(self.rack)
        self.title.setText(self.rack)
        if rack_doc is None:
            self.lost_banner.setText(f"There is no rack {self.rack!r} in this scenario.")
            self.lost_banner.show()
            self.body.setEnabled(False)
            return
        down = rack_doc.get("status") != "up" or rack_doc.get("management_nodes_failed", 0) >= 2
        if down:
            why = ("the rack is lost" if rack_doc.get("status") != "up"
                   else "both management nodes have failed")
            self.lost_banner.setText(f"The console of {self.rack} does not answer: {why}.")
        self.lost_banner.setVisible(down)
        self.body.setEnabled(not down)
        self._down = down

        p = self._profile(s)
        self._refresh_header(p)
        self._refresh_validation(p)
        self._refresh_sections(s, p)
        self.message.age()  # an answer the state has moved on from is marked stale
        for dlg in self.failover_dialogs.values():
            dlg.message.age()
            if dlg.isVisible():
                dlg.refresh(s)
        if self.monitor_dialog is not None and self.monitor_dialog.isVisible():
            self.monitor_dialog.refresh(s)

    def _refresh_header(self, p: State | None) -> None:
        if p is None:
            self.icon.setText("")
            restyle(self.icon, "")
            self.profile_name.setText("No disaster recovery profile")
            self.state_label.setText("—")
            self.role_label.setText("—")
            self.peer_label.setText("—")
        else:
            state = PROFILE[p["state"]]
            self.icon.setText(p.get("icon", "/"))
            restyle(self.icon, f"QLabel {{ color: {C.PAPER}; background: {state.colour};"
                    " border-radius: 15px; font-weight: bold; font-size: 16px; }")
            self.icon.setToolTip(state.label)
            self.profile_name.setText(f"{self.rack}-dr")
            self.state_label.setText(state.label)
            self.role_label.setText(ROLE[p.get("role", "none")].label)
            # break a long address after a dot, never at a hyphen
            address = (html.escape(p.get("peer_address", ""))
                       .replace("-", "\u2011").replace(".", ".\u200b"))
            self.peer_label.setText(f"{address}<br><span style='color:"
                                    f"{MUTED_TEXT}'>{p.get('peer', '')}, user "
                                    f"{html.escape(p.get('peer_user', ''))}</span>")
        self.create_button.setVisible(p is None)
        self.validate_button.setVisible(p is not None)
        enabled = p is not None and p["state"] == "enabled"
        self.validate_button.setEnabled(p is not None and not enabled)
        self.validate_button.setToolTip(
            "Validation is for profiles that are not enabled" if enabled
            else "Check that the two racks can pair (R6)")

    def _refresh_validation(self, p: State | None) -> None:
        checks: dict[str, Any] = (p or {}).get("validation") or {}
        key = tuple((n, c.get("ok"), c.get("detail")) for n, c in checks.items())
        if key != getattr(self, "_validation_key", None):
            self._validation_key = key
            self.validation_list.setText(validation_html(checks))
        failed = [n for n, c in checks.items() if not c.get("ok")]
        if not checks:
            self.validation_toggle.hide()
            self.validation_list.hide()
            return
        self.validation_toggle.show()
        text = f"Validation: {len(checks) - len(failed)}/{len(checks)} checks passed"
        self.validation_toggle.setText(text)
        restyle(self.validation_toggle, f"color: {ERROR_TEXT if failed else OK_TEXT};")
        self.validation_list.setVisible(self.validation_toggle.isChecked())

    def _refresh_sections(self, s: State, p: State | None) -> None:
        sections = (p or {}).get("sections") or {}
        state = (p or {}).get("state")
        role = (p or {}).get("role", "none")
        enabled = state == "enabled"

        # Enable: available on a profile that is not enabled (the engine says what is
        # missing, e.g. validation or R7); unavailable without a profile.
        self.enable_box.setEnabled(p is not None and not enabled)
        if p is None:
            self.enable_text.setText("Create a profile first.")
            self.enable_box.setToolTip("Create and validate a profile first.")
        elif enabled:
            self.enable_text.setText(f"Disaster recovery is enabled in the {role} role.")
            self.enable_box.setToolTip("")
        else:
            self.enable_text.setText("Enable disaster recovery in the Primary or Backup role."
                                     if sections.get("enable") or state == "validated"
                                     else "Validate the profile, then enable it.")
            self.enable_box.setToolTip("")

        for box in (self.monitor_box, self.failover_box):
            box.setEnabled(enabled)
            box.setToolTip("" if enabled else UNAVAILABLE_TIP)
        if self._down:  # a console that does not answer shows no live data
            self.mgmt_summary.setText("no answer")
            self.storage_summary.setText("no answer")
        elif enabled:
            self.mgmt_summary.setText(management_summary(s))
            self.storage_summary.setText(storage_summary(s))
            self.replication_panel.refresh(s, self.controller.now)
        else:
            self.mgmt_summary.setText("unavailable")
            self.storage_summary.setText("unavailable")

        if self._down:
            self.failover_text.setText("no answer: act on the surviving rack's console")
        elif not enabled:
            self.failover_text.setText("unavailable until disaster recovery is enabled")
        elif role == "primary":
            self.failover_text.setText("Planned failover starts here. View details lists the "
                                       "manual actions.")
        else:
            dlg = self.failover_dialogs.get("backup")
            chosen = dlg.failover_type() if dlg is not None else None
            self.failover_text.setText(
                f"Failover type: {chosen.capitalize()}" if chosen
                else "Choose Planned or Unplanned in View details.")

        self.replication_panel.setVisible(enabled and not self._down)
        warning = r19c_warning(s, self.rack) if enabled and role == "backup" else ""
        self.r19c_label.setText(warning)
        self.r19c_label.setVisible(bool(warning) and not self._down)

        taken_over = (state == "validated" and (p or {}).get("failover_type") is not None
                      and not (s.get("racks", {}).get(self.rack, {})
                               .get("replication_source", False)))
        self.drill_box.refresh(s, enabled and role == "backup" and not self._down)
        self.after_box.setVisible(taken_over)
        if taken_over:
            self.after_checklist.refresh(s)

    def set_rack(self, rack: str) -> None:
        """Show another rack (e.g. after a scenario with other rack names was loaded)."""
        self._scenario_loaded()
        self.rack = rack
        self.replication_panel.rack = rack
        self.drill_box.rack = rack
        self.after_checklist.items = after_items(rack)
        self.refresh()
