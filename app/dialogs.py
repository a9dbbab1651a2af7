"""The DR console's dialogs (domain.md R4–R13): create profile, enable a role, the failover
reminders as checklists on the primary and on the backup, and the monitoring details.

Every dialog is modeless-friendly: the console opens it with ``open()`` (never a blocking
``exec``) and acts on its ``submitted`` signal, so tests drive the widgets and call
``accept()``. The one blocking question, :func:`confirm`, is a module function that tests
monkeypatch. Actions go out through an ``apply`` callable (the console's, which calls
``controller.apply``), never to the twin directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from twin import actions as A
from twin.durations import format_bytes
from twin.events import Result
from twin.profiles import MANUAL_ACTIONS_AFTER, MANUAL_ACTIONS_BACKUP, MANUAL_ACTIONS_PRIMARY

if TYPE_CHECKING:
    from app.controller import Controller

ApplyFn = Callable[[A.Action], Result]
State = dict[str, Any]

OK_COLOR = "#1b7a2f"
ERROR_COLOR = "#c62828"
MUTED_COLOR = "#5f6368"
BUSY_COLOR = "#a15c00"


# -- formatting ----------------------------------------------------------------------------


def fmt_duration(s: float | None) -> str:
    """A readable duration: 350 ms, 12 s, 5 min, 1 h 20 min."""
    if s is None:
        return "—"
    s = float(s)
    if s == float("inf"):
        return "∞"
    if s != s or s == float("-inf"):
        return "—"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.2g} s" if s < 10 else f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    h, m = divmod(int(round(s / 60)), 60)
    return f"{h} h {m:02d} min" if m else f"{h} h"


def fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * float(x):.0f} %"


# -- small shared widgets --------------------------------------------------------------------


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask OK / Cancel (blocking). Tests monkeypatch ``app.dialogs.confirm``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Ok


class MessageLine(QLabel):
    """The console's message: green when accepted, red with the hint when refused. It stays
    until the next action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result: Result | None = None
        self.hide()

    def show_result(self, res: Result | None) -> None:
        self.result = res
        if res is None:
            self.clear()
            self.hide()
            return
        color = OK_COLOR if res.ok else ERROR_COLOR
        mark = "✓" if res.ok else "✗"
        self.setText(f"{mark} {res.text}")
        self.setStyleSheet(
            f"QLabel {{ color: {color}; background: {'#e8f5e9' if res.ok else '#fdecea'};"
            f" border: 1px solid {color}; border-radius: 4px; padding: 6px; }}")
        self.show()


# -- checklists (R11) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One manual action: ``check(state)`` says (done, status text, in progress)."""

    key: str
    label: str
    check: Callable[[State], tuple[bool, str, bool]]
    action: Callable[[], A.Action] | None = None


def _rack_doc(s: State, rack: str) -> State:
    return s.get("racks", {}).get(rack, {})


def _items(rack: str, texts: Sequence[tuple[str, str]]) -> list[ChecklistItem]:
    """The console's manual actions for ``rack``, each with how the twin shows it done and,
    where the twin can perform it, the action that does it."""

    def quiesced(s: State) -> tuple[bool, str, bool]:
        n = _rack_doc(s, rack).get("compute_nodes", {})
        done = n.get("quiesced", 0) > 0
        return done, ("compute nodes quiesced" if done else "new deployments can still start"), False

    def copies(s: State) -> tuple[bool, str, bool]:
        r, m = s.get("replication", {}), s.get("management", {})
        done = bool(r.get("initial_copy_complete")) and bool(m.get("initial_copy_complete"))
        text = (f"storage {r.get('state', '?')} {fmt_pct(r.get('progress'))}, "
                f"management data {fmt_pct(m.get('progress'))}")
        return done, text, False

    def stopped(s: State) -> tuple[bool, str, bool]:
        active = [n for n, w in s.get("workloads", {}).items()
                  if w.get("rack") == rack and w.get("status") in ("running", "starting", "waiting")]
        if not active:
            return True, f"no workload runs on {rack}", False
        return False, f"{len(active)} running: {', '.join(active)}", False

    def withdrawn(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("routes_converging"):
            return False, "routers converging…", True
        if d.get("advertising"):
            return False, f"routers advertise {rack}'s addresses", False
        return True, f"routers do not advertise {rack}", False

    def nodes_added(s: State) -> tuple[bool, str, bool]:
        n = _rack_doc(s, rack).get("compute_nodes", {})
        inside, total, adding = n.get("in_cloud_groups", 0), n.get("total", 0), n.get("adding", 0)
        text = f"{inside}/{total} in cloud groups"
        if adding:
            return False, f"{text}, adding {adding}…", True
        return inside > 0, text, False

    def tor(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("tor_configured"):
            return True, "ToR switches configured", False
        if d.get("tor_configuring"):
            return False, "configuring…", True
        return False, "not configured for the takeover", False

    def started(s: State) -> tuple[bool, str, bool]:
        ws = s.get("workloads", {})
        here = [w for w in ws.values() if w.get("rack") == rack]
        running = sum(1 for w in here if w.get("status") == "running")
        busy = sum(1 for w in here if w.get("status") in ("starting", "waiting"))
        failed = sum(1 for w in here if w.get("status") == "failed")
        text = f"{running}/{len(ws)} running on {rack}"
        if busy:
            text += f", {busy} starting"
        if failed:
            text += f", {failed} failed"
        return bool(ws) and running == len(ws), text, busy > 0 and not failed

    def advertised(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("routes_converging"):
            return False, "routers converging…", True
        if d.get("advertising"):
            return True, f"routers advertise {rack}'s addresses", False
        return False, f"routers do not advertise {rack}", False

    how: dict[str, tuple[Callable[[State], tuple[bool, str, bool]],
                         Callable[[], A.Action] | None]] = {
        "quiesce-compute-nodes": (quiesced, lambda: A.QuiesceComputeNodes(rack)),
        "verify-initial-copies": (copies, None),
        "stop-workloads": (stopped, lambda: A.StopWorkloads(rack)),
        "withdraw-routes": (withdrawn, lambda: A.WithdrawRoutes(rack)),
        "add-compute-nodes": (nodes_added, lambda: A.AddComputeNodes(rack)),
        "configure-tor-switches": (tor, lambda: A.ConfigureTorSwitches(rack)),
        "start-workloads": (started, lambda: A.StartWorkloads(rack)),
        "advertise-routes": (advertised, lambda: A.AdvertiseRoutes(rack)),
    }
    return [ChecklistItem(key, label, *how[key]) for key, label in texts]


def primary_items(rack: str) -> list[ChecklistItem]:
    """R11 step 1, on the primary."""
    return _items(rack, MANUAL_ACTIONS_PRIMARY)


def backup_items(rack: str) -> list[ChecklistItem]:
    """R11 step 3, on the backup."""
    return _items(rack, MANUAL_ACTIONS_BACKUP)


def after_items(rack: str) -> list[ChecklistItem]:
    """R11 step 5, after the failover on the backup."""
    return _items(rack, MANUAL_ACTIONS_AFTER)


class _ClickLabel(QLabel):
    """A checkbox's text that wraps; clicking it toggles the box."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.toggle()
        super().mouseReleaseEvent(event)


class Checklist(QWidget):
    """Manual actions as ticks. An item ticks itself when the twin shows it done; the
    operator may tick it by hand (the real console only reminds). Where the twin can do
    the action, a "Do it" button applies it through the controller."""

    acted = Signal(object)  # the Result of a Do-it button

    def __init__(self, items: Iterable[ChecklistItem], apply: ApplyFn,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = list(items)
        self._apply = apply
        self.boxes: dict[str, QCheckBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.statuses: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(1, 1)
        for i, item in enumerate(self.items):
            box = QCheckBox()
            box.setObjectName(f"check-{item.key}")
            box.setAccessibleName(item.label)
            text = _ClickLabel(item.label, box)
            status = QLabel()
            status.setWordWrap(True)
            grid.addWidget(box, 2 * i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, 2 * i, 1)
            grid.addWidget(status, 2 * i + 1, 1)
            self.boxes[item.key] = box
            self.labels[item.key] = text
            self.statuses[item.key] = status
            if item.action is not None:
                btn = QPushButton("Do it")
                btn.setObjectName(f"do-{item.key}")
                btn.setToolTip(f"Perform this now on the twin ({item.key})")
                btn.clicked.connect(lambda _=False, it=item: self.do(it.key))
                grid.addWidget(btn, 2 * i, 2, 2, 1, Qt.AlignmentFlag.AlignVCenter)
                self.buttons[item.key] = btn

    def do(self, key: str) -> Result:
        item = next(i for i in self.items if i.key == key)
        assert item.action is not None, f"{key} is not something the twin can do"
        res = self._apply(item.action())
        self.acted.emit(res)
        return res

    def refresh(self, state: State) -> None:
        for item in self.items:
            done, text, busy = item.check(state)
            box = self.boxes[item.key]
            if done and not box.isChecked():
                box.setChecked(True)
            status = self.statuses[item.key]
            status.setText(("done — " if done else "") + text)
            color = OK_COLOR if done else (BUSY_COLOR if busy else MUTED_COLOR)
            status.setStyleSheet(f"color: {color}; margin-bottom: 6px;")
            btn = self.buttons.get(item.key)
            if btn is not None:
                btn.setEnabled(not done and not busy)

    def unticked(self) -> list[str]:
        return [k for k, b in self.boxes.items() if not b.isChecked()]


# -- create profile (R4) ----------------------------------------------------------------------


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


# -- enable (R7, R8) ---------------------------------------------------------------------------


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


# -- failover (R11, R12) -----------------------------------------------------------------------


class _FailoverDialog(QDialog):
    """Shared by the primary's and the backup's failover dialogs."""

    started = Signal(object)  # the Result of Start Failover
    checklist: Checklist  # the manual actions before Start Failover

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rack = rack
        self._apply = apply
        self.message = MessageLine()
        self.start_button = QPushButton("Start Failover")
        self.start_button.setObjectName("start-failover")
        self.start_button.clicked.connect(self.start_failover)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.setMinimumWidth(640)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    def fit(self) -> None:
        """Height for the wrapped texts at the current width: no stretched gaps."""
        w = max(self.width(), self.minimumWidth())
        h = self.heightForWidth(w)
        if h > 0:
            self.resize(w, h)
        else:
            self.adjustSize()

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.start_button)
        row.addWidget(self.close_button)
        return row

    def _show(self, res: Result) -> None:
        self.message.show_result(res)
        self.fit()

    def failover_type(self) -> str | None:
        return None

    def pending(self) -> list[str]:
        """Manual actions not ticked before the failover."""
        raise NotImplementedError

    def confirm_text(self) -> str:
        n = len(self.pending())
        what = (f"Start the failover on {self.rack}? Its profile becomes role (none), "
                "state validated.")
        if n:
            noun = "manual action is" if n == 1 else "manual actions are"
            return f"{n} {noun} not done: continue?\n\n{what}"
        return what

    def start_failover(self) -> Result | None:
        """Start Failover, then OK (article figures 9 and 11). None if cancelled."""
        if not confirm(self, "Start Failover", self.confirm_text()):
            return None
        res = self._apply(A.StartFailover(self.rack, self.failover_type()))
        self._show(res)
        self.started.emit(res)
        return res

    def refresh(self, state: State) -> None:
        raise NotImplementedError


class FailoverPrimaryDialog(_FailoverDialog):
    """R11 steps 1–2 on the primary: the manual actions that stop disk updates, then Start
    Failover (article figures 8 and 9)."""

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None) -> None:
        super().__init__(rack, apply, parent)
        self.setWindowTitle(f"Prepare to fail over — primary {rack}")
        intro = QLabel(f"<b>Planned failover, on the primary {rack}.</b> Perform these manual "
                       "actions first; they stop disk updates on this rack. The console only "
                       "reminds you: tick each one as it is done.")
        intro.setWordWrap(True)
        self.checklist = Checklist(primary_items(rack), apply)
        self.checklist.acted.connect(self._show)
        after = QLabel("After Start Failover here, fail over on the backup rack.")
        after.setStyleSheet(f"color: {MUTED_COLOR};")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addSpacing(6)
        lay.addWidget(self.checklist)
        lay.addSpacing(6)
        lay.addWidget(after)
        lay.addWidget(self.message)
        lay.addLayout(self._button_row())

    def pending(self) -> list[str]:
        return self.checklist.unticked()

    def refresh(self, state: State) -> None:
        self.checklist.refresh(state)
        p = (state.get("profiles") or {}).get(self.rack) or {}
        self.start_button.setEnabled(p.get("state") == "enabled" and p.get("role") == "primary")


class FailoverBackupDialog(_FailoverDialog):
    """R11 steps 3–5 and R12 on the backup: choose Planned or Unplanned, the manual actions,
    Start Failover; then start the workloads and advertise the routes (figures 10, 11)."""

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None) -> None:
        super().__init__(rack, apply, parent)
        self.setWindowTitle(f"Prepare to fail over — backup {rack}")
        intro = QLabel(f"<b>Failover on the backup {rack}.</b> Choose the type, perform the "
                       "manual actions, then Start Failover. The console only reminds you: "
                       "tick each action as it is done.")
        intro.setWordWrap(True)
        type_box = QGroupBox("Type of failover")
        self.planned_radio = QRadioButton("Planned: the primary has already failed over")
        self.unplanned_radio = QRadioButton("Unplanned: the primary is gone")
        self.type_group = QButtonGroup(self)
        self.type_group.addButton(self.planned_radio)
        self.type_group.addButton(self.unplanned_radio)
        self.type_group.buttonToggled.connect(lambda *_: self._update_start())
        tl = QVBoxLayout(type_box)
        tl.addWidget(self.planned_radio)
        tl.addWidget(self.unplanned_radio)
        steps = QGroupBox("Manual actions on this rack")
        self.checklist = Checklist(backup_items(rack), apply)
        self.checklist.acted.connect(self._show)
        QVBoxLayout(steps).addWidget(self.checklist)
        self.after_box = QGroupBox("After the failover: bring the service up here")
        self.after_checklist = Checklist(after_items(rack), apply)
        self.after_checklist.acted.connect(self._show)
        QVBoxLayout(self.after_box).addWidget(self.after_checklist)
        self.after_box.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(type_box)
        lay.addWidget(steps)
        lay.addWidget(self.after_box)
        lay.addWidget(self.message)
        lay.addLayout(self._button_row())
        self._enabled_backup = False
        self._update_start()

    def failover_type(self) -> str | None:
        if self.planned_radio.isChecked():
            return "planned"
        if self.unplanned_radio.isChecked():
            return "unplanned"
        return None

    def pending(self) -> list[str]:
        return self.checklist.unticked()

    def _update_start(self) -> None:
        chosen = self.failover_type() is not None
        self.start_button.setEnabled(chosen and self._enabled_backup)
        self.start_button.setToolTip("" if chosen else "Choose Planned or Unplanned first")

    def refresh(self, state: State) -> None:
        self.checklist.refresh(state)
        p = (state.get("profiles") or {}).get(self.rack) or {}
        self._enabled_backup = p.get("state") == "enabled" and p.get("role") == "backup"
        failed_over = (p.get("state") == "validated" and p.get("failover_type") is not None
                       and not _rack_doc(state, self.rack).get("replication_source", False))
        if failed_over != self.after_box.isVisibleTo(self):
            self.after_box.setVisible(failed_over)
            if self.isVisible():
                self.fit()
        if failed_over:
            self.after_checklist.refresh(state)
        self._update_start()


# -- monitoring details (R9) --------------------------------------------------------------------


class VolumeModel(QAbstractTableModel):
    """Per-volume storage monitoring: volume, state, progress, lag, RPO."""

    HEADERS = ("Volume", "State", "Progress", "Lag", "RPO")
    KEYS = ("volume", "state", "progress", "lag_bytes", "rpo_s")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        if len(rows) != len(self.rows) or any(
                a["volume"] != b["volume"] for a, b in zip(rows[:1], self.rows[:1], strict=False)):
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        self.rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.KEYS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.KEYS[index.column()]
        value = row[key]
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "progress":
                return fmt_pct(value)
            if key == "lag_bytes":
                return format_bytes(value)
            if key == "rpo_s":
                return fmt_duration(value)
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def storage_summary(s: State) -> str:
    r = s.get("replication", {})
    state = str(r.get("state", "?"))
    parts = [state]
    if state in ("inconsistent_copying", "consistent_copying"):
        # a percentage only while copying: "100 %" beside a backlog reads as "in sync"
        parts.append(f"{fmt_pct(r.get('progress'))} copied")
        if r.get("eta_s"):
            parts.append(f"ETA {fmt_duration(r.get('eta_s'))}")
    elif not r.get("initial_copy_complete"):
        parts.append("initial copy not done")
    parts.append(f"lag {format_bytes(r.get('lag_bytes'))}")
    # the state document has null for an unbounded RPO: no consistent copy on the backup
    rpo = r.get("rpo_s")
    if rpo is None:
        parts.append("RPO unbounded (no consistent copy)")
    elif state.startswith("idling"):  # failed over: production writes go nowhere
        parts.append(f"production unprotected for {fmt_duration(rpo)}")
    else:
        parts.append(f"RPO exposure {fmt_duration(rpo)}")
    if r.get("errors"):
        parts.append("error " + ", ".join(r["errors"]))
    return " · ".join(parts)


def management_summary(s: State) -> str:
    m = s.get("management", {})
    parts = [str(m.get("state", "?")), fmt_pct(m.get("progress")),
             f"lag {fmt_duration(m.get('lag_s'))}"]
    missing = m.get("missing_on_backup") or []
    if missing:
        parts.append(f"{len(missing)} not yet on the backup")
    return " · ".join(parts)


class MonitorDetailsDialog(QDialog):
    """View details of replication monitoring (article figure 7): storage (per volume) and
    management data. Reloads the volume table at most every ``min_interval_s`` of wall time,
    and only when the twin's time series moved on."""

    def __init__(self, controller: Controller, rack: str, parent: QWidget | None = None,
                 min_interval_s: float = 0.5) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rack = rack
        self.min_interval_s = min_interval_s
        self._version = -1
        self._last_load = 0.0
        self.setWindowTitle(f"Replication monitoring — {rack}")
        self.tabs = QTabWidget()
        storage = QWidget()
        self.storage_summary = QLabel()
        self.storage_summary.setWordWrap(True)
        self.model = VolumeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        # re-sorting 2,000 rows on every refresh costs a frame: sort when a header is clicked
        self.proxy.setDynamicSortFilter(False)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        sl = QVBoxLayout(storage)
        sl.addWidget(self.storage_summary)
        sl.addWidget(self.table)
        mgmt = QWidget()
        self.management_summary = QLabel()
        self.management_summary.setWordWrap(True)
        self.missing_label = QLabel("Deployments not yet in the backup's management data:")
        self.missing_list = QListWidget()
        ml = QVBoxLayout(mgmt)
        ml.addWidget(self.management_summary)
        ml.addWidget(self.missing_label)
        ml.addWidget(self.missing_list)
        self.tabs.addTab(storage, "Storage")
        self.tabs.addTab(mgmt, "Management data")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(close)
        self.resize(640, 480)

    def show_tab(self, which: str) -> None:
        self.tabs.setCurrentIndex(0 if which == "storage" else 1)

    def refresh(self, state: State, force: bool = False) -> None:
        self.storage_summary.setText(f"<b>Storage</b> (SVC Global Mirror consistency group, "
                                     f"{state.get('replication', {}).get('volumes', 0)} "
                                     f"volumes): {storage_summary(state)}")
        self.management_summary.setText(f"<b>Management data</b>: {management_summary(state)}")
        missing = (state.get("management") or {}).get("missing_on_backup") or []
        current = [self.missing_list.item(i).text() for i in range(self.missing_list.count())]
        shown = [str(x) for x in missing] or ["(none: the backup has every deployment)"]
        if current != shown:
            self.missing_list.clear()
            self.missing_list.addItems(shown)
        twin = self.controller.twin
        version = twin.series.version
        now = time.monotonic()
        if force or (version != self._version and now - self._last_load >= self.min_interval_s):
            self._version, self._last_load = version, now
            self.model.set_rows(twin.volume_details())
