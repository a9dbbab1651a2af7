"""The profile dialogs (domain.md R4–R8): create a profile, with the peer's credentials
(article figure 3), and enable it in a role; and how the console lists the validation's
checks (R6).

Every dialog is modeless-friendly: the console opens it with ``open()`` (never a blocking
``exec``) and acts on its ``submitted`` signal, so tests drive the widgets and call
``accept()``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.theme import ERROR_TEXT, MUTED_TEXT, OK_TEXT
from twin import actions as A

CHECK_LABELS = {
    "peer_reachable": "Peer reachable and trusted",
    "same_model": "Same model number",
    "same_compute_nodes": "Same number of compute nodes",
    "firmware": "Same firmware, 1.1 or later",
    "same_fixpack": "Same fixpack level",
    "v7000_replication": "V7000 configured for replication",
    "fc_connectivity": "Fibre Channel connectivity",
    "same_vlans": "Same VLANs",
    "same_ip_pools": "Same IP address pools",
    "latency": "Round trip within the Global Mirror limit",
}


def validation_html(checks: Mapping[str, Any]) -> str:
    """Every R6 check by name, passed or failed, with its detail: one wrapped paragraph
    each, so the list reads in a narrow dock."""
    rows = []
    for name, c in checks.items():
        ok = bool(c.get("ok"))
        label = html.escape(CHECK_LABELS.get(name, name))
        detail = html.escape(str(c.get("detail", "")))
        if ok:
            rows.append(f"<p style='margin:0 0 4px 0'><span style='color:{OK_TEXT}'>✓</span> "
                        f"{label}<br><span style='color:{MUTED_TEXT}'>{detail}</span></p>")
        else:
            rows.append(f"<p style='margin:0 0 4px 0; color:{ERROR_TEXT}'><b>✗ {label}: "
                        f"failed</b><br>{detail}</p>")
    return "".join(rows)


class CreateProfileDialog(QDialog):
    """Create a new disaster recovery profile (article figure 3). The password is read once
    into the action handed to ``submitted`` and cleared from the field at once: it is never
    shown, logged or kept."""

    submitted = Signal(object)  # twin.actions.CreateProfile

    def __init__(self, rack: str, peer_address: str = "", peer_user: str = "",
                 operators: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rack = rack
        self.setWindowTitle(f"Create a new disaster recovery profile — {rack}")
        intro = QLabel("The peer is the other rack's management address (IP address or DNS "
                       "name). Its user establishes the trust relationship and needs full "
                       "Security administration permission.")
        intro.setWordWrap(True)
        self.peer_edit = QLineEdit(peer_address)
        self.peer_edit.setPlaceholderText("peer management IP address or DNS name")
        self.user_edit = QLineEdit(peer_user)
        self.user_edit.setPlaceholderText("peer user ID")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("peer user's password")
        self.operator_combo = QComboBox()
        self.operator_combo.setEditable(True)
        self.operator_combo.addItems(list(operators))
        self.operator_combo.setToolTip("The local user creating the profile: needs full "
                                       "Disaster recovery administration permission")
        form = QFormLayout()
        form.addRow("Peer management address:", self.peer_edit)
        form.addRow("Peer user ID:", self.user_edit)
        form.addRow("Peer password:", self.password_edit)
        form.addRow(f"Logged in to {rack} as:", self.operator_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.peer_edit.textChanged.connect(self._update_ok)
        self.user_edit.textChanged.connect(self._update_ok)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = bool(self.peer_edit.text().strip() and self.user_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def action(self) -> A.CreateProfile:
        return A.CreateProfile(
            rack=self.rack, peer=self.peer_edit.text().strip(),
            user=self.user_edit.text().strip() or None, password=self.password_edit.text(),
            operator=self.operator_combo.currentText().strip() or None)

    def accept(self) -> None:
        action = self.action()
        self.password_edit.clear()
        super().accept()
        self.submitted.emit(action)

    def reject(self) -> None:
        self.password_edit.clear()
        super().reject()



class EnableDialog(QDialog):
    """Enable disaster recovery: choose the role, Primary or Backup."""

    submitted = Signal(object)  # twin.actions.Enable

    def __init__(self, rack: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rack = rack
        self.setWindowTitle(f"Enable disaster recovery — {rack}")
        self.primary_radio = QRadioButton("Primary: this rack runs the workloads")
        self.backup_radio = QRadioButton("Backup: this rack receives the copies and runs no "
                                         "workloads (R10)")
        self.group = QButtonGroup(self)
        self.group.addButton(self.primary_radio)
        self.group.addButton(self.backup_radio)
        self.group.buttonToggled.connect(lambda *_: self._update_ok())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"Choose the role of {rack}:"))
        lay.addWidget(self.primary_radio)
        lay.addWidget(self.backup_radio)
        lay.addWidget(self.buttons)
        self._update_ok()

    def role(self) -> str | None:
        if self.primary_radio.isChecked():
            return "primary"
        if self.backup_radio.isChecked():
            return "backup"
        return None

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.role() is not None)

    def accept(self) -> None:
        role = self.role()
        if role is None:
            return
        super().accept()
        self.submitted.emit(A.Enable(self.rack, role))

