"""Failing over (domain.md R11, R12): the manual actions as checklists, on the primary and
on the backup and after the takeover, and the two failover dialogs (article figures 8–11).

A checklist item ticks itself when the twin shows it done; the operator may tick it by hand
(the real console only reminds). Where the twin can perform the action, a "Do it" button
applies it. The one blocking question, :func:`confirm`, is a module function that tests
monkeypatch (``app.console.failover.confirm``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.console.message import ApplyFn, ClockFn, MessageLine, State
from app.console.replication import r19c_warning
from app.format import format_left, format_pct
from app.theme import BUSY_TEXT, MUTED_TEXT, OK_TEXT, C
from twin import actions as A
from twin.events import Result
from twin.profiles import MANUAL_ACTIONS_AFTER, MANUAL_ACTIONS_BACKUP, MANUAL_ACTIONS_PRIMARY


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask OK / Cancel (blocking). Tests monkeypatch ``app.console.failover.confirm``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Ok



@dataclass(frozen=True)
class ChecklistItem:
    """One manual action: ``check(state)`` says (done, status text, in progress)."""

    key: str
    label: str
    check: Callable[[State], tuple[bool, str, bool]]
    action: Callable[[], A.Action] | None = None


def _rack_doc(s: State, rack: str) -> State:
    return s.get("racks", {}).get(rack, {})


def _busy(text: str, left_s: float | None) -> str:
    """An action under way: the clock must run for it to finish (``in progress, about
    24m left``)."""
    return f"{text}: in progress, {format_left(left_s)}" if left_s is not None else f"{text}…"


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
        text = (f"storage {r.get('state', '?')} {format_pct(r.get('progress'))}, "
                f"management data {format_pct(m.get('progress'))}")
        etas = [x for x in (r.get("eta_s"), m.get("eta_s")) if x is not None]
        if not done and etas:
            text += f"; copying, {format_left(max(etas))}"
        return done, text, False

    def stopped(s: State) -> tuple[bool, str, bool]:
        active = [n for n, w in s.get("workloads", {}).items()
                  if w.get("rack") == rack and w.get("status") in ("running", "starting")]
        if not active:
            return True, f"no workload runs on {rack}", False
        return False, f"{len(active)} running: {', '.join(active)}", False

    def withdrawn(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("routes_converging"):
            return False, _busy("routers converging", d.get("routes_left_s")), True
        if d.get("advertising"):
            return False, f"routers advertise {rack}'s addresses", False
        return True, f"routers do not advertise {rack}", False

    def nodes_added(s: State) -> tuple[bool, str, bool]:
        n = _rack_doc(s, rack).get("compute_nodes", {})
        inside, total, adding = n.get("in_cloud_groups", 0), n.get("total", 0), n.get("adding", 0)
        text = f"{inside}/{total} in cloud groups"
        if adding:
            return False, _busy(f"{text}, adding {adding}", n.get("adding_left_s")), True
        return inside > 0, text, False

    def tor(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("tor_configured"):
            return True, "ToR switches configured", False
        if d.get("tor_configuring"):
            return False, _busy("configuring", d.get("tor_left_s")), True
        return False, "not configured for the takeover", False

    def started(s: State) -> tuple[bool, str, bool]:
        ws = s.get("workloads", {})
        here = [w for w in ws.values() if w.get("rack") == rack]
        running = sum(1 for w in here if w.get("status") == "running")
        busy = sum(1 for w in here if w.get("status") == "starting")
        failed = sum(1 for w in here if w.get("status") == "failed")
        text = f"{running}/{len(ws)} running on {rack}"
        if busy:
            lefts = [w["starting_left_s"] for w in here
                     if w.get("status") == "starting" and w.get("starting_left_s") is not None]
            text = _busy(f"{text}, {busy} starting", max(lefts) if lefts else None)
        if failed:
            text += f", {failed} failed"
        return bool(ws) and running == len(ws), text, busy > 0 and not failed

    def advertised(s: State) -> tuple[bool, str, bool]:
        d = _rack_doc(s, rack)
        if d.get("routes_converging"):
            return False, _busy("routers converging", d.get("routes_left_s")), True
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
            color = OK_TEXT if done else (BUSY_TEXT if busy else MUTED_TEXT)
            status.setStyleSheet(f"color: {color}; margin-bottom: 6px;")
            btn = self.buttons.get(item.key)
            if btn is not None:
                btn.setEnabled(not done and not busy)

    def reset(self) -> None:
        """No tick carries over to another scenario (or a restart)."""
        for box in self.boxes.values():
            box.setChecked(False)

    def unticked(self) -> list[str]:
        return [k for k, b in self.boxes.items() if not b.isChecked()]



class FailoverDialog(QDialog):
    """Shared by the primary's and the backup's failover dialogs."""

    started = Signal(object)  # the Result of Start Failover
    checklist: Checklist  # the manual actions before Start Failover

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None,
                 clock: ClockFn | None = None) -> None:
        super().__init__(parent)
        self.rack = rack
        self._apply = apply
        self.message = MessageLine(clock)  # with a clock, an old answer greys (message.py)
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


class FailoverPrimaryDialog(FailoverDialog):
    """R11 steps 1–2 on the primary: the manual actions that stop disk updates, then Start
    Failover (article figures 8 and 9)."""

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None,
                 clock: ClockFn | None = None) -> None:
        super().__init__(rack, apply, parent, clock)
        self.setWindowTitle(f"Prepare to fail over — primary {rack}")
        intro = QLabel(f"<b>Planned failover, on the primary {rack}.</b> Perform these manual "
                       "actions first; they stop disk updates on this rack. The console only "
                       "reminds you: tick each one as it is done.")
        intro.setWordWrap(True)
        self.checklist = Checklist(primary_items(rack), apply)
        self.checklist.acted.connect(self._show)
        after = QLabel("After Start Failover here, fail over on the backup rack.")
        after.setStyleSheet(f"color: {MUTED_TEXT};")
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


class FailoverBackupDialog(FailoverDialog):
    """R11 steps 3–5 and R12 on the backup: choose Planned or Unplanned, the manual actions,
    Start Failover; then start the workloads and advertise the routes (figures 10, 11)."""

    def __init__(self, rack: str, apply: ApplyFn, parent: QWidget | None = None,
                 clock: ClockFn | None = None) -> None:
        super().__init__(rack, apply, parent, clock)
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
        # R19c: the backup's copy is inconsistent: the takeover will be refused
        self.r19c_label = QLabel()
        self.r19c_label.setObjectName("r19c-warning")
        self.r19c_label.setWordWrap(True)
        self.r19c_label.setStyleSheet(f"color: {C.RED_DARK}; font-weight: bold;")
        self.r19c_label.hide()
        lay.insertWidget(lay.indexOf(self.message), self.r19c_label)
        self._update_start()

    def confirm_text(self) -> str:
        text = super().confirm_text()
        warning = self.r19c_label.text()
        return f"Warning: {warning}\n\n{text}" if warning else text

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
        warning = r19c_warning(state, self.rack) if self._enabled_backup else ""
        if warning != self.r19c_label.text():
            self.r19c_label.setText(warning)
            self.r19c_label.setVisible(bool(warning))
            if self.isVisible():
                self.fit()
        self._update_start()

