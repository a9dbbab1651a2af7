"""Branch the timeline (issue 11): Simulation > Branch here (and the time bar's button)
forks the run at the current time — a second twin rebuilt by replaying the scenario and
the window's actions to that instant — and opens this comparison window. Both branches
play on as the main window's clock runs; the window shows each branch's data lost, RPO,
RTO, deviations and score with their difference, and overlays their replication lag and
service availability (A in the accent blue, B in orange, the fork as a dotted line). The
main window drives one branch at a time (Drive A / Drive B); either can be saved as a
scenario file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.format import format_bytes, format_clock, format_duration
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Controller

COLOURS = (C.ACCENT, C.ORANGE)  # branch A, branch B
REFRESH_MS = 500
ROWS = (("data_loss_bytes", "Data lost"), ("rpo_achieved_s", "RPO achieved"),
        ("rto_s", "RTO"), ("deviations", "Deviations"), ("score", "Score"))


def _value_text(key: str, v: Any) -> str:
    if key == "data_loss_bytes":
        return format_bytes(v) if v else "none"
    if key in ("rpo_achieved_s", "rto_s"):
        return format_duration(v)
    if key == "deviations":
        return str(len(v))
    return "—" if v is None else f"{v:g}/100"


def _diff_text(key: str, a: Any, b: Any) -> str:
    if key == "deviations":
        n = len(b) - len(a)
        return "same" if n == 0 and a == b else f"{n:+d}"
    if a == b:
        return "same"
    if a is None or b is None:
        return "differs"
    d = b - a
    sign = "+" if d > 0 else "−"
    if key == "data_loss_bytes":
        return f"{sign}{format_bytes(abs(d))}"
    if key in ("rpo_achieved_s", "rto_s"):
        return f"{sign}{format_duration(abs(d))}"
    return f"{d:+g}"


class BranchWindow(QWidget):
    """The two branches side by side, live."""

    def __init__(self, controller: Controller, window: QMainWindow | None = None) -> None:
        # a window of its own, closed with the main window
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("branchWindow")
        self.controller = controller
        self.main_window = window
        # a restart or another scenario ends the branches: say so at once, not at the next
        # refresh (a click on Save in between found no branch: the GUI fuzz)
        controller.scenarioLoaded.connect(self._on_loaded)
        self.setWindowTitle(f"Branches — {controller.scenario.name}")
        self.resize(1100, 760)
        box = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("branchHeader")
        self.header.setWordWrap(True)
        self.header.setStyleSheet(f"font-size: 13pt; color: {C.INK};")
        box.addWidget(self.header)

        drive = QHBoxLayout()
        drive.addWidget(QLabel("The main window drives:"))
        self.drive_group = QButtonGroup(self)
        self.drive_buttons: list[QRadioButton] = []
        for i, text in enumerate(("A — the original timeline", "B — the branch")):
            b = QRadioButton(text)
            b.setObjectName(f"drive{'AB'[i]}")
            b.setStyleSheet(f"color: {COLOURS[i]}; font-weight: bold;")
            self.drive_group.addButton(b, i)
            self.drive_buttons.append(b)
            drive.addWidget(b)
        self.drive_group.idClicked.connect(self._drive)
        drive.addStretch(1)
        self.save_buttons = []
        for i in range(2):
            s = QPushButton(f"Save {'AB'[i]} as scenario…")
            s.setObjectName(f"save{'AB'[i]}")
            s.clicked.connect(lambda _=False, i=i: self.save_dialog(i))
            self.save_buttons.append(s)
            drive.addWidget(s)
        box.addLayout(drive)

        self.table = QTableWidget(len(ROWS), 3)
        self.table.setObjectName("branchTable")
        self.table.setHorizontalHeaderLabels(["A", "B", "B − A"])
        self.table.setVerticalHeaderLabels([label for _, label in ROWS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMinimumHeight(200)
        self.table.setMaximumHeight(240)
        for col, colour in enumerate(COLOURS):
            item = QTableWidgetItem("AB"[col])
            item.setForeground(QBrush(QColor(colour)))
            f = QFont(item.font())
            f.setBold(True)
            item.setFont(f)
            self.table.setHorizontalHeaderItem(col, item)
        box.addWidget(self.table)
        self.deviations = QLabel()
        self.deviations.setObjectName("branchDeviations")
        self.deviations.setWordWrap(True)
        self.deviations.setStyleSheet(f"color: {C.INK_SOFT};")
        box.addWidget(self.deviations)

        plots = QHBoxLayout()
        self.lag_plot = self._plot("Replication lag (MB)")
        self.up_plot = self._plot("Service available")
        self.up_plot.setYRange(-0.2, 1.2, padding=0)
        self.up_plot.getAxis("left").setTicks([[(0, "down"), (1, "up")]])
        self.curves: dict[str, list[pg.PlotDataItem]] = {"lag": [], "up": []}
        for i, colour in enumerate(COLOURS):
            width = 3 if i == 0 else 2
            style = Qt.PenStyle.SolidLine if i == 0 else Qt.PenStyle.DashLine
            for key, plot in (("lag", self.lag_plot), ("up", self.up_plot)):
                self.curves[key].append(plot.plot(
                    pen=pg.mkPen(colour, width=width, style=style), name="AB"[i]))
        self.fork_lines = []
        for plot in (self.lag_plot, self.up_plot):
            line = pg.InfiniteLine(angle=90, movable=False,
                                   pen=pg.mkPen(C.INK_SOFT, width=1, style=Qt.PenStyle.DotLine))
            plot.addItem(line)
            self.fork_lines.append(line)
            plots.addWidget(plot)
        box.addLayout(plots, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.last: dict[str, Any] | None = None

    def _plot(self, title: str) -> pg.PlotWidget:
        p = pg.PlotWidget()
        p.setBackground(C.PAPER)
        p.setTitle(title, color=C.INK, size="12pt")
        p.showGrid(x=True, y=True, alpha=0.25)
        p.addLegend(offset=(8, 8))
        p.setLabel("bottom", "simulated time (h)")
        p.setMouseEnabled(x=False, y=False)
        p.setMenuEnabled(False)
        p.setMinimumHeight(220)
        p.getAxis("left").setWidth(64)  # room for "3,600" MB of lag
        return p

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        self._timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Both branches' figures and curves, now."""
        c = self.controller
        if c.branch_at is None:
            self.header.setText("No branch: the scenario was restarted or another one "
                                "opened. Use Simulation > Branch here to fork again.")
            for b in (*self.drive_buttons, *self.save_buttons):
                b.setEnabled(False)
            return
        for b in (*self.drive_buttons, *self.save_buttons):
            b.setEnabled(True)
        vs = c.branch_versus()
        self.last = vs
        self.header.setText(
            f"Branched at T+{format_clock(c.branch_at)}; both branches now at "
            f"T+{format_clock(c.now)}. The main window drives "
            f"<b style='color:{COLOURS[c.driving]}'>{'AB'[c.driving]}</b>: act there to try "
            "another decision; the other branch plays on as it was.")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.drive_buttons[c.driving].setChecked(True)
        for row, (key, _) in enumerate(ROWS):
            a, b = vs["a"][key], vs["b"][key]
            cells = (_value_text(key, a), _value_text(key, b), _diff_text(key, a, b))
            for col, text in enumerate(cells):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.table.setItem(row, col, item)
                item.setText(text)
                differs = col == 2 and text != "same"
                f = QFont(item.font())
                f.setBold(differs)
                item.setFont(f)
                item.setForeground(QBrush(QColor(C.RED_DARK if differs else C.INK)))
        only = [f"only in A: {d}" for d in vs["deviations_only_in_a"]] + \
               [f"only in B: {d}" for d in vs["deviations_only_in_b"]]
        self.deviations.setText("; ".join(only) if only else
                                "The branches have the same deviations.")
        for i in range(2):
            s = c.branch_series(i)
            t, lag = s.get("lag_bytes")
            _, up = s.get("available")
            hours = np.asarray(t) / 3600.0
            self.curves["lag"][i].setData(hours, np.asarray(lag) / 1e6)
            self.curves["up"][i].setData(hours, np.asarray(up))
        for line in self.fork_lines:
            line.setValue(c.branch_at / 3600.0)

    def _on_loaded(self) -> None:
        if self.isVisible():
            self.refresh()

    def _no_branch(self) -> bool:
        if self.controller.branch_at is not None:
            return False
        self._say("No branch any more: the scenario was restarted or another one opened")
        self.refresh()
        return True

    def _drive(self, index: int) -> None:
        if self._no_branch():
            return
        self.controller.switch_branch(index)
        self.refresh()

    def save(self, index: int, path: str | Path) -> bool:
        if self._no_branch():
            return False
        try:
            Path(path).write_text(self.controller.branch_session_yaml(index), encoding="utf-8")
        except OSError as e:
            self._say(f"Could not save branch {'AB'[index]} to {path}: {e.strerror or e}")
            return False
        self._say(f"Branch {'AB'[index]} saved to {path}: open it or replay it with drtwin run")
        return True

    def save_dialog(self, index: int) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Save branch {'AB'[index]} as scenario",
                                              f"branch-{'ab'[index]}.yaml",
                                              "Scenario files (*.yaml *.yml)")
        if path:
            self.save(index, path)

    def _say(self, text: str) -> None:
        self.deviations.setText(text)
        if self.main_window is not None:
            self.main_window.statusBar().showMessage(text, 10000)


class Branching:
    """Simulation > Branch here, its time-bar button, and the comparison window."""

    def __init__(self, window: QMainWindow, controller: Controller,
                 toolbar: QToolBar | None = None) -> None:
        self.window = window
        self.controller = controller
        self.compare: BranchWindow | None = None
        self.action = QAction("&Branch here", window)
        self.action.setObjectName("branchAction")
        self.action.setShortcut(QKeySequence("Ctrl+B"))
        self.action.setToolTip("Fork the run now and compare the two timelines side by "
                               "side (Ctrl+B)")
        self.action.triggered.connect(self.branch_here)
        self.show_action = QAction("Compare &branches", window)
        self.show_action.setObjectName("compareBranchesAction")
        self.show_action.triggered.connect(self.show_compare)
        for act in window.menuBar().actions():
            menu = act.menu()
            if isinstance(menu, QMenu) and act.text().replace("&", "") == "Simulation":
                menu.addSeparator()
                menu.addAction(self.action)
                menu.addAction(self.show_action)
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.action)
        window.addAction(self.action)

    def branch_here(self) -> bool:
        try:
            self.controller.branch()
        except ValueError as e:
            self.window.statusBar().showMessage(f"Cannot branch: {e}", 10000)
            self.show_compare()
            return False
        self.window.statusBar().showMessage(
            f"Branched at T+{format_clock(self.controller.now)}: the window now drives A; "
            "switch in the comparison window", 10000)
        self.show_compare()
        return True

    def show_compare(self) -> BranchWindow:
        if self.compare is None:
            self.compare = BranchWindow(self.controller, self.window)
        self.compare.show()
        self.compare.raise_()
        self.compare.refresh()
        return self.compare

    def close(self) -> None:
        if self.compare is not None:
            self.compare.close()
