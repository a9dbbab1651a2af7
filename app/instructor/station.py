"""The instructor station (issue 11): a top-level window for a second screen, over the same
Controller as the trainee's window.

- the events list (the MSEL columns of twin/msel.py and each step's state), with Fire now,
  Delay…, Skip and Add inject, and Export/Import of the timeline as CSV;
- the fault palette: every fault and its parameters, the menus of app/faults.py (the same
  entries as the topology's context menu), applied through ``controller.inject``;
- Freeze/Resume, a hint to send, timestamped observations;
- the trainee's actions against the answer key and the running score, refreshed once a
  second.

Every control goes through the controller's instructor section and answers a Result: a
control that cannot apply is a message in the station's status line, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QElapsedTimer,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import faults
from app.format import format_clock, format_duration
from app.theme import C
from twin import actions as A
from twin.durations import DurationError, parse_duration
from twin.events import Result

if TYPE_CHECKING:
    from app.controller import Controller

COLUMNS = ("#", "time", "inject", "player", "expected action", "objective tested", "state")
HEADERS = ("#", "Time", "Inject", "Player", "Expected action", "Objective tested", "State")
STATE_COLOUR = {"pending": C.INK_SOFT, "delayed": C.ORANGE_DARK, "waiting": C.AMBER_DARK,
                "fired": C.GREEN_DARK, "skipped": C.GREY, "reached": C.TEAL,
                "refused": C.RED_DARK}
REFRESH_MS = 1000  # the trainee's actions, the answer key and the score


def _clock(t: float | None) -> str:
    return "—" if t is None else format_clock(t)


class TimelineModel(QAbstractTableModel):
    """The events list: ``controller.timeline()`` rows, updated in place."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.rows: list[dict[str, Any]] = []
        self.next_index = -1
        self.reload()

    def reload(self) -> None:
        rows = self.controller.timeline()
        nxt = -1 if self.controller.step_progress().done else \
            self.controller.step_progress().next_index
        if len(rows) != len(self.rows):
            self.beginResetModel()
            self.rows, self.next_index = rows, nxt
            self.endResetModel()
        elif rows != self.rows or nxt != self.next_index:
            self.rows, self.next_index = rows, nxt
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def text(self, row: int, col: int) -> str:
        r = self.rows[row]
        key = COLUMNS[col]
        if key == "#":
            return "+" if r["index"] is None else str(r["index"] + 1)
        if key == "time" and r["delay_s"]:
            return f"{r['time']} +{format_duration(r['delay_s'])}"
        if key == "player" and r["index"] is None:
            return "instructor"
        return str(r[key])

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if COLUMNS[index.column()] == "state":
                return QBrush(QColor(STATE_COLOUR.get(r["state"], C.INK)))
            if r["state"] in ("skipped",):
                return QBrush(QColor(C.GREY))
        if role == Qt.ItemDataRole.BackgroundRole and r["index"] == self.next_index:
            return QBrush(QColor(C.BLUE_PALE))
        if role == Qt.ItemDataRole.FontRole and COLUMNS[index.column()] == "state":
            f = QFont()
            f.setBold(r["state"] in ("waiting", "delayed"))
            return f
        return None


class InstructorStation(QMainWindow):
    """The instructor's window over ``controller`` (the trainee's window stays as is)."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("instructorStation")
        self.controller = controller
        controller.instructor_open = True
        # dialogs, replaceable by tests: a duration text, degrade and surge values
        self.ask_delay = self._ask_delay
        self.ask_degrade = self._ask_degrade
        self.ask_surge = self._ask_surge
        self.refresh_ms = 0.0  # the last refresh of the trainee's panel and score, in ms

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 6)
        outer.setSpacing(8)
        outer.addLayout(self._build_header())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._build_timeline())
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self._build_palette())
        bottom.addWidget(self._build_trainee())
        bottom.addWidget(self._build_notes())
        bottom.setSizes([300, 620, 420])
        split.addWidget(bottom)
        split.setSizes([430, 400])
        outer.addWidget(split, 1)
        self.setCentralWidget(central)
        self.message = QLabel()
        self.message.setObjectName("stationMessage")
        self.statusBar().addWidget(self.message, 1)

        controller.frame.connect(self._on_frame)
        controller.instructorChanged.connect(self._reload_timeline)
        controller.stepFinished.connect(lambda _s: self._reload_timeline())
        controller.frozenChanged.connect(self._on_frozen)
        controller.scenarioLoaded.connect(self._on_loaded)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_trainee)
        self._timer.start()
        self.resize(1400, 900)
        self._on_loaded()

    # -- construction --------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("stationTitle")
        self.title.setStyleSheet(f"font-size: 14pt; font-weight: 600; color: {C.INK};")
        self.clock = QLabel()
        self.clock.setObjectName("stationClock")
        self.clock.setStyleSheet(f"font-size: 14pt; font-family: monospace; color: {C.INK};")
        self.state_label = QLabel()
        self.state_label.setObjectName("stationState")
        self.freeze_button = QPushButton("Freeze")
        self.freeze_button.setObjectName("freezeButton")
        self.freeze_button.setToolTip("Stop the exercise clock; the trainee's window says "
                                      "“Paused by the instructor” and its play controls do "
                                      "nothing")
        self.freeze_button.clicked.connect(self.toggle_freeze)
        self.score = QLabel()
        self.score.setObjectName("stationScore")
        self.score.setStyleSheet("font-size: 13pt; font-weight: 600;")
        row.addWidget(self.title)
        row.addStretch(1)
        row.addWidget(self.score)
        row.addSpacing(24)
        row.addWidget(self.clock)
        row.addWidget(self.state_label)
        row.addWidget(self.freeze_button)
        return row

    def _build_timeline(self) -> QGroupBox:
        box = QGroupBox("Events list (master scenario events list)")
        lay = QVBoxLayout(box)
        self.model = TimelineModel(self.controller)
        self.table = QTableView()
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.fire_selected())
        head = self.table.horizontalHeader()
        for col, width in enumerate((34, 150, 330, 90, 250, 250, 90)):
            self.table.setColumnWidth(col, width)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.fire_button = QPushButton("▶ Fire now")
        self.fire_button.setObjectName("fireButton")
        self.fire_button.setToolTip("Run the selected instructor's step now")
        self.fire_button.clicked.connect(self.fire_selected)
        self.delay_button = QPushButton("Delay…")
        self.delay_button.setObjectName("delayButton")
        self.delay_button.clicked.connect(lambda: self.delay_selected())
        self.skip_button = QPushButton("Skip")
        self.skip_button.setObjectName("skipButton")
        self.skip_button.clicked.connect(self.skip_selected)
        self.add_button = QPushButton("+ Add inject ▾")
        self.add_button.setObjectName("addInjectButton")
        self.add_button.setToolTip("Inject any fault now (the fault palette's menus)")
        self.add_button.clicked.connect(
            lambda: self.all_faults_menu().exec(
                self.add_button.mapToGlobal(self.add_button.rect().bottomLeft())))
        export = QPushButton("Export CSV…")
        export.setObjectName("exportButton")
        export.clicked.connect(self.export_dialog)
        imp = QPushButton("Import CSV…")
        imp.setObjectName("importButton")
        imp.setToolTip("Replace the timeline by an events list planned in a spreadsheet "
                       "(the exercise starts again)")
        imp.clicked.connect(self.import_dialog)
        for b in (self.fire_button, self.delay_button, self.skip_button, self.add_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(export)
        buttons.addWidget(imp)
        lay.addLayout(buttons)
        return box

    def _build_palette(self) -> QGroupBox:
        box = QGroupBox("Fault palette")
        self.palette_box = QVBoxLayout(box)
        self.palette_box.setSpacing(4)
        self.palette_buttons: dict[str, QPushButton] = {}
        return box

    def _fill_palette(self) -> None:
        while self.palette_box.count():
            item = self.palette_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.palette_buttons = {}
        for target, text in self.palette_targets():
            b = QPushButton(f"{text}  ▾")
            b.setObjectName(f"palette:{target}")
            b.setStyleSheet(f"QPushButton {{ text-align: left; padding: 5px 10px; "
                            f"background: {C.LAYER}; color: {C.INK}; border: 1px solid "
                            f"{C.LINE}; border-radius: 2px; }} QPushButton:hover {{ "
                            f"background: {C.BLUE_PALE}; border-color: {C.ACCENT}; }}")
            b.clicked.connect(lambda _=False, t=target, btn=b: self.palette_menu(t).exec(
                btn.mapToGlobal(btn.rect().bottomLeft())))
            self.palette_box.addWidget(b)
            self.palette_buttons[target] = b
        self.palette_box.addStretch(1)

    def _build_trainee(self) -> QGroupBox:
        box = QGroupBox("Trainee: actions against the answer key")
        lay = QVBoxLayout(box)
        self.actions_table = self._small_table(("Time", "Action", "Result"), "traineeActions")
        self.key_table = self._small_table(("Expected (answer key)", "Reached", "Done at"),
                                           "answerKey")
        lay.addWidget(QLabel("The trainee's actions"))
        lay.addWidget(self.actions_table, 1)
        lay.addWidget(QLabel("The answer key"))
        lay.addWidget(self.key_table, 1)
        return box

    def _small_table(self, headers: tuple[str, ...], name: str) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(list(headers))
        t.verticalHeader().hide()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        t.setAlternatingRowColors(True)
        t.horizontalHeader().setStretchLastSection(True)
        t.setColumnWidth(0, 110 if headers[0] == "Time" else 260)
        t.setColumnWidth(1, 260 if headers[0] == "Time" else 110)
        return t

    @staticmethod
    def _entry_row(lay: QVBoxLayout, label: str, name: str, placeholder: str, button: str,
                   button_name: str, slot: Any) -> QLineEdit:
        """A caption, then a line edit with its button; Return or the button runs ``slot``."""
        lay.addWidget(QLabel(label))
        row = QHBoxLayout()
        edit = QLineEdit()
        edit.setObjectName(f"{name}Edit")
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(slot)
        go = QPushButton(button)
        go.setObjectName(button_name)
        go.clicked.connect(slot)
        row.addWidget(edit, 1)
        row.addWidget(go)
        lay.addLayout(row)
        return edit

    def _build_notes(self) -> QGroupBox:
        box = QGroupBox("Hints and observations")
        lay = QVBoxLayout(box)
        self.hint_edit = self._entry_row(
            lay, "Hint to the trainee (shown in their window, costs 5 points)", "hint",
            "e.g. Look at the backup rack's console", "Send hint", "sendHintButton",
            self.send_hint)
        self.obs_edit = self._entry_row(
            lay, "Observation (for the after-action report; private)", "observation",
            "e.g. Declared the disaster without checking the RPO", "Record", "recordButton",
            self.record_observation)
        self.notes = QListWidget()
        self.notes.setObjectName("notesList")
        self.notes.setWordWrap(True)
        lay.addWidget(self.notes, 1)
        return box

    # -- the fault palette -----------------------------------------------------------------------

    def palette_targets(self) -> list[tuple[str, str]]:
        """What the palette can break: (target, button text)."""
        sys_ = self.controller.system
        out = [("link:fc", "FC link (replication)"), ("link:ip", "IP link (management)")]
        for r in sys_.rack_names:
            out.append((f"rack:{r}", f"Rack {r}"))
            out.append((f"compute:{r}", f"Compute nodes · {r}"))
        out += [(f"workload:{w.name}", f"Workload {w.name}") for w in sys_.workloads]
        return out

    def palette_entries(self, target: str) -> list[faults.Entry]:
        """The entries of app/faults.py for ``target`` (the topology's own menu entries);
        ``compute:RACK`` lists every compute node of the rack."""
        st = self.controller.state()
        kind, _, rest = target.partition(":")
        if kind == "compute":
            failed = self.controller.failed_compute_nodes(rest)
            n = self.controller.system.rack(rest).compute_nodes
            out = [faults.Entry(f"Compute nodes · {rest}", heading=True)]
            for i in range(n):
                out += [e for e in faults.entries(f"compute:{rest}:{i}", st, failed)
                        if e.action is not None and e.action.do == "fail-compute-node"]
            return out
        return faults.entries(target, st)

    def palette_menu(self, target: str) -> QMenu:
        return faults.build_menu(self.palette_entries(target), self.inject, self.ask_degrade,
                                 self.ask_surge, self)

    def all_faults_menu(self) -> QMenu:
        """Add inject: every palette target as a submenu."""
        menu = QMenu(self)
        menu.setObjectName("addInjectMenu")
        for target, text in self.palette_targets():
            sub = self.palette_menu(target)
            sub.setTitle(text)
            menu.addMenu(sub)
        return menu

    def _ask_degrade(self, link: str) -> faults.DegradeValues | None:
        bw = float(self.controller.state()["links"][link]["bandwidth_mbps"])
        return faults.ask_degrade(link, bw, self)

    def _ask_surge(self, workload: str) -> faults.SurgeValues | None:
        return faults.ask_surge(workload, self)

    # -- controls --------------------------------------------------------------------------------

    def _say(self, res: Result, done: str = "") -> Result:
        colour = C.GREEN_DARK if res.ok else C.RED_DARK
        text = (done or res.text) if res.ok else f"Cannot: {res.text}"
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(f"{format_clock(self.controller.now)}  {text}")
        return res

    def selected_index(self) -> int | None:
        """The scenario step of the selected row (None: none, or an added inject)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        idx = self.model.rows[rows[0].row()]["index"]
        return None if idx is None else int(idx)

    def select_step(self, index: int) -> None:
        self.table.selectRow(index)

    def _need_selection(self, what: str) -> int | None:
        i = self.selected_index()
        if i is None:
            self._say(Result(False, f"{what}: select a step of the events list first"))
        return i

    def fire_selected(self) -> Result | None:
        i = self._need_selection("fire now")
        return None if i is None else self._say(self.controller.fire_now(i),
                                                f"Step {i + 1} fired")

    def delay_selected(self, seconds: float | None = None) -> Result | None:
        i = self._need_selection("delay")
        if i is None:
            return None
        if seconds is None:
            text = self.ask_delay(i)
            if text is None:
                return None
            try:
                seconds = parse_duration(text)
            except DurationError as e:
                return self._say(Result(False, f"delay: {text!r} is not a duration ({e}); "
                                               "write e.g. 10m or 1h30m"))
        return self._say(self.controller.delay_step(i, seconds),
                         f"Step {i + 1} delayed by {format_duration(seconds)}")

    def skip_selected(self) -> Result | None:
        i = self._need_selection("skip")
        return None if i is None else self._say(self.controller.skip_step(i),
                                                f"Step {i + 1} skipped")

    def inject(self, action: A.Action) -> Result:
        return self._say(self.controller.inject(action), f"Injected: {action.describe()}")

    def toggle_freeze(self) -> Result:
        if self.controller.frozen:
            return self._say(self.controller.resume(), "Resumed: the trainee's clock runs")
        return self._say(self.controller.freeze(), "Frozen: the trainee's window is paused")

    def send_hint(self) -> Result:
        res = self._say(self.controller.send_hint(self.hint_edit.text()), "Hint sent")
        if res.ok:
            self.hint_edit.clear()
        return res

    def record_observation(self) -> Result:
        res = self._say(self.controller.observe(self.obs_edit.text()), "Observation recorded")
        if res.ok:
            self.obs_edit.clear()
        return res

    def _ask_delay(self, index: int) -> str | None:
        text, ok = QInputDialog.getText(self, "Delay the step",
                                        f"Delay step {index + 1} by (e.g. 10m, 1h30m):",
                                        QLineEdit.EchoMode.Normal, "10m")
        return text if ok else None

    # -- the timeline as CSV -------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> Result:
        try:
            Path(path).write_text(self.controller.timeline_csv(), encoding="utf-8")
        except OSError as e:
            return self._say(Result(False, f"cannot write {path}: {e.strerror or e}"))
        return self._say(Result(True, f"Timeline exported to {path}"))

    def import_csv(self, path: str | Path) -> Result:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            res = Result(False, f"cannot read {path}: {getattr(e, 'strerror', None) or e}")
        else:
            res = self.controller.import_timeline_csv(text, str(path))
        if not res.ok:
            QMessageBox.warning(self, "Cannot import the timeline",
                                f"{res.text}\n\nThe current exercise goes on unchanged.")
        return self._say(res)

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the timeline", "timeline.csv",
                                              "CSV files (*.csv)")
        if path:
            self.export_csv(path)

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a timeline", "",
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return
        if self.controller.now > 0 and QMessageBox.question(
                self, "Import the timeline",
                "Importing a timeline starts the exercise again: this run's progress is "
                "lost (File > Save session keeps it). Import?") != \
                QMessageBox.StandardButton.Yes:
            return
        self.import_csv(path)

    # -- refresh ------------------------------------------------------------------------------

    def _on_loaded(self) -> None:
        self.setWindowTitle(f"Instructor station — {self.controller.scenario.name}")
        self.title.setText(f"Instructor station · {self.controller.scenario.name}")
        self._fill_palette()
        self._reload_timeline()
        self._on_frozen(self.controller.frozen)
        self.refresh_trainee()

    def _reload_timeline(self) -> None:
        self.model.reload()
        self._update_buttons()
        self._reload_notes()

    def _reload_notes(self) -> None:
        """The hints sent and the observations, from the runner's record, in time order."""
        rec = self.controller.instructor_log()
        notes = sorted([(h["at_s"], 0, f"hint sent: {h['text']}") for h in rec["hints"]]
                       + [(o["at_s"], 1, o["text"]) for o in rec["observations"]])
        texts = [f"{format_clock(t)}  {text}" for t, _, text in notes]
        if texts != [self.notes.item(i).text() for i in range(self.notes.count())]:
            self.notes.clear()
            self.notes.addItems(texts)
            self.notes.scrollToBottom()

    def _update_buttons(self) -> None:
        i = self.selected_index()
        row = None if i is None else self.model.rows[i]
        pending = row is not None and row["state"] in ("pending", "delayed", "waiting") \
            and row["player"] == "instructor"
        self.fire_button.setEnabled(pending and row is not None
                                    and not row["inject"].startswith("{do: wait"))
        self.delay_button.setEnabled(pending and row is not None and row["state"] != "waiting")
        self.skip_button.setEnabled(pending)

    def _on_frame(self) -> None:
        text = format_clock(self.controller.now)
        if text != self.clock.text():
            self.clock.setText(text)
        prog = self.controller.step_progress()
        if prog.next_index != self.model.next_index or prog.done:
            self._reload_timeline()

    def _on_frozen(self, frozen: bool) -> None:
        self.freeze_button.setText("▶ Resume" if frozen else "Freeze")
        self.state_label.setText(" FROZEN " if frozen else " running ")
        self.state_label.setStyleSheet(
            f"background: {C.AMBER}; color: {C.INK}; font-weight: 600; padding: 2px 6px;"
            if frozen else f"color: {C.GREEN_DARK}; padding: 2px 6px;")
        self._reload_timeline()

    def refresh_trainee(self) -> None:
        """The trainee's actions, the answer key and the running score (once a second)."""
        clock = QElapsedTimer()
        clock.start()
        c = self.controller
        acts = c.trainee_action_rows()
        self._fill(self.actions_table, [
            (_clock(a["at_s"]), a["describe"],
             ("✓ " if a["accepted"] else "✗ ") + a["message"],
             C.GREEN_DARK if a["accepted"] else C.RED_DARK) for a in acts])
        key = c.answer_key_rows()
        self._fill(self.key_table, [
            (k["describe"], _clock(k["reached_at_s"]),
             "not yet" if k["done_at_s"] is None else _clock(k["done_at_s"]),
             C.GREEN_DARK if k["done_at_s"] is not None else
             (C.RED_DARK if k["reached_at_s"] is not None else C.INK_SOFT)) for k in key])
        a = c.report()["assessment"]
        verdict = "passing" if a["passed"] else "not passing"
        self.score.setText(f"Score {a['score']:g}/100 · {verdict} (pass mark "
                           f"{a['pass_mark']:g})")
        self.score.setStyleSheet("font-size: 13pt; font-weight: 600; color: "
                                 f"{C.GREEN_DARK if a['passed'] else C.RED_DARK};")
        self.score.setToolTip("\n".join(a["reasons"]))
        self.refresh_ms = clock.nsecsElapsed() / 1e6

    def _fill(self, table: QTableWidget, rows: list[tuple[str, str, str, str]]) -> None:
        if table.rowCount() != len(rows):
            table.setRowCount(len(rows))
        for r, (x, y, z, colour) in enumerate(rows):
            for col, text in enumerate((x, y, z)):
                item = table.item(r, col)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(r, col, item)
                if item.text() != text:
                    item.setText(text)
                    item.setToolTip(text)
                if col == 2:
                    item.setForeground(QBrush(QColor(colour)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        self._timer.stop()
        self.controller.instructor_open = False
        self.controller.frame.emit()  # the trainee's window may show the timeline again
        super().closeEvent(event)



