"""Strategies > What-if sweep…: a grid over scenario parameters and/or Monte Carlo runs
(twin/sweep.py, as `drtwin sweep`), on local processes off the GUI thread, with a
progress bar, an ETA and Cancel.

What to vary is written as the CLI's ``--vary`` (``PATH=V1,V2,…`` or ``PATH=LO..HI:N``),
one a line, or picked from the common paths. Results: the rows (an impossible run says
why), the summary (p50/p95/p99 of data lost, RTO and RPO), RPO and RTO against the
varied parameter, their distributions, and Export CSV…."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.compare import model
from app.compare.jobs import Job
from app.compare.view import plot_widget
from app.format import format_duration, format_left
from app.theme import C

if TYPE_CHECKING:
    from app.controller import Controller

DEFAULT_STRATEGIES = ("backup-restore", "host-based", "disk-replication", "shared-fs")
MAX_ROWS_SHOWN = 5000  # the table; the CSV has them all


class SweepDialog(QWidget):
    """The what-if sweep over the controller's scenario (as loaded)."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sweepDialog")
        self.setWindowTitle("What-if sweep")
        self.controller = controller
        self.job: Job | None = None
        self.result: dict[str, Any] | None = None
        self.cancelled = False
        self._clock = QElapsedTimer()
        self._build()
        self.resize(1400, 940)

    # -- the form -----------------------------------------------------------------------------

    def _build(self) -> None:
        form = QGroupBox("What to vary")
        grid = QGridLayout(form)
        self.path_pick = QComboBox()
        self.path_pick.setObjectName("pathPick")
        self.path_pick.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.path_pick.setMinimumContentsLength(28)
        for path, what, example in model.COMMON_PATHS:
            self.path_pick.addItem(f"{what} — {path}", (path, example))
        self.values_edit = QLineEdit()
        self.values_edit.setPlaceholderText("V1,V2,… or LO..HI:N")
        self.values_edit.setMinimumWidth(180)
        self.path_pick.currentIndexChanged.connect(self._picked)
        self._picked()
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_picked)
        self.vary_edit = QPlainTextEdit()
        self.vary_edit.setObjectName("varyEdit")
        self.vary_edit.setPlaceholderText("PATH=VALUES, one a line, as drtwin sweep --vary: "
                                          "system.distance_km=100,1200,8000 or "
                                          "system.fc_link.bandwidth_mbps=1000..8000:4")
        self.vary_edit.setFixedHeight(78)
        grid.addWidget(QLabel("Common parameter"), 0, 0)
        grid.addWidget(self.path_pick, 0, 1)
        grid.addWidget(self.values_edit, 0, 2)
        grid.addWidget(self.add_button, 0, 3)
        grid.addWidget(QLabel("Vary (PATH=VALUES)"), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.vary_edit, 1, 1, 1, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)

        runs = QGroupBox("Runs")
        rf = QFormLayout(runs)
        self.mc_spin = QSpinBox()
        self.mc_spin.setObjectName("monteCarlo")
        self.mc_spin.setRange(0, 100_000)
        self.mc_spin.setSpecialValueText("off")
        self.mc_spin.setToolTip("N runs per grid point, each with its own seed and the "
                                "disaster's time of day drawn at random (from the scenario's "
                                "seed: the same rows on any number of workers)")
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, max(os.cpu_count() or 1, 1) * 2)
        self.workers_spin.setValue(os.cpu_count() or 1)
        self.workers_spin.setToolTip("local processes (1: in this process)")
        rf.addRow("Monte Carlo runs", self.mc_spin)
        rf.addRow("Worker processes", self.workers_spin)

        strat = QGroupBox("Strategies")
        sl = QVBoxLayout(strat)
        self.strategy_list = QListWidget()
        self.strategy_list.setObjectName("strategyList")
        for name in self.controller.strategy_names():
            item = QListWidgetItem(model.label(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in DEFAULT_STRATEGIES
                               else Qt.CheckState.Unchecked)
            self.strategy_list.addItem(item)
        self.strategy_list.setFixedHeight(128)
        self.strategy_list.setMinimumWidth(self.strategy_list.sizeHintForColumn(0) + 24)
        sl.addWidget(self.strategy_list)

        self.run_button = QPushButton("Run sweep")
        self.run_button.setObjectName("runSweep")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelSweep")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_dialog)
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.status = QLabel("Choose what to vary, then Run sweep.")
        self.status.setObjectName("sweepStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(form, 3)
        top.addWidget(runs, 1)
        top.addWidget(strat, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.export_button)

        self.tabs = QTabWidget()
        self.rows_table = self._table("sweepRows")
        self.summary_table = self._table("sweepSummary")
        self.rpo_plot = plot_widget("RPO achieved against the parameter (log scale)")
        self.rto_plot = plot_widget("RTO against the parameter")
        self.rpo_hist = plot_widget("Distribution of the RPO achieved (log scale)")
        self.rto_hist = plot_widget("Distribution of the RTO")
        self.x_pick = QComboBox()
        self.x_pick.setObjectName("xPick")
        self.x_pick.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.x_pick.currentIndexChanged.connect(self._draw_plots)
        self.plot_legend = QLabel()
        self.plot_legend.setTextFormat(Qt.TextFormat.RichText)
        plots = QWidget()
        pl = QGridLayout(plots)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("x axis:"))
        pick.addWidget(self.x_pick)
        pick.addWidget(self.plot_legend, 1)
        pl.addLayout(pick, 0, 0, 1, 2)
        pl.addWidget(self.rpo_plot, 1, 0)
        pl.addWidget(self.rto_plot, 1, 1)
        pl.addWidget(self.rpo_hist, 2, 0)
        pl.addWidget(self.rto_hist, 2, 1)
        results = QSplitter(Qt.Orientation.Vertical)
        results.addWidget(self.summary_table)
        results.addWidget(self.rows_table)
        results.setSizes([160, 500])
        self.tabs.addTab(plots, "Plots")
        self.tabs.addTab(results, "Summary and rows")

        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(buttons)
        box.addWidget(self.status)
        box.addWidget(self.tabs, 1)

    @staticmethod
    def _table(name: str) -> QTableWidget:
        t = QTableWidget(0, 0)
        t.setObjectName(name)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.verticalHeader().hide()
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    def _picked(self) -> None:
        data = self.path_pick.currentData()
        if data:
            self.values_edit.setText(data[1])

    def add_picked(self) -> None:
        path, _ = self.path_pick.currentData()
        line = f"{path}={self.values_edit.text().strip()}"
        lines = [x for x in self.vary_edit.toPlainText().splitlines()
                 if x.strip() and x.partition("=")[0].strip() != path]
        self.vary_edit.setPlainText("\n".join([*lines, line]))

    def vary_lines(self) -> list[str]:
        return [x.strip() for x in self.vary_edit.toPlainText().splitlines() if x.strip()]

    def strategies(self) -> list[str]:
        out = []
        for i in range(self.strategy_list.count()):
            item = self.strategy_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    # -- running ------------------------------------------------------------------------------

    def say(self, text: str, bad: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {C.RED_DARK}; font-weight: 600;" if bad
                                  else f"color: {C.INK};")

    def start(self) -> None:
        """Check the form, then run the sweep off the GUI thread."""
        if self.job is not None and self.job.isRunning():
            return
        lines = self.vary_lines()
        for n, line in enumerate(lines, 1):
            try:
                self.controller.check_vary(line)
            except ValueError as e:
                self.say(f"Vary, line {n}: {e}", bad=True)
                return
        mc = self.mc_spin.value() or None
        if not lines and not mc:
            self.say("Nothing to sweep: add a parameter to vary (PATH=VALUES) or a number of "
                     "Monte Carlo runs.", bad=True)
            return
        strategies = self.strategies()
        if not strategies:
            self.say("Choose at least one strategy.", bad=True)
            return
        workers = self.workers_spin.value()
        controller = self.controller
        self.cancelled = False
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat("starting…")
        self.say(f"Running on {workers} worker process{'es' if workers > 1 else ''}…")
        self._clock.start()
        self.job = Job(lambda progress, cancelled: controller.run_sweep(
            lines, mc, strategies, workers, progress=progress, cancelled=cancelled), self)
        self.job.progressed.connect(self._progressed)
        self.job.finishedWith.connect(self._done)
        self.job.failedWith.connect(self._failed)
        self.job.start()

    def cancel(self) -> None:
        if self.job is not None and self.job.isRunning():
            self.cancelled = True
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress.setFormat("cancelling…")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        elapsed = self._clock.elapsed() / 1000.0
        eta = elapsed / done * (total - done) if done else None
        self.progress.setFormat(f"{done} / {total} runs" + (
            f" · {format_left(eta)}" if eta is not None and done < total
            else ""))

    def _idle(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, text: str) -> None:
        self._idle()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.say(f"The sweep could not run: {text}", bad=True)

    def _done(self, result: dict[str, Any]) -> None:
        self._idle()
        self.result = result
        n = len({r["run"] for r in result["rows"]})
        impossible = sum(1 for r in result["rows"] if r.get("error"))
        if result.get("cancelled"):
            self.progress.setFormat(f"cancelled: {n} / {result['runs']} runs")
            self.say(f"Cancelled after {n} of {result['runs']} runs; the rows so far are "
                     "below.")
        else:
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
            self.progress.setFormat(f"{n} runs done")
            self.say(f"{n} runs in {format_duration(self._clock.elapsed() / 1000.0)}"
                     + (f"; {impossible} rows impossible (they say why)" if impossible else ""))
        self.export_button.setEnabled(bool(result["rows"]))
        self.show_result(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if self.job is not None:
            self.job.stop()
        super().closeEvent(event)

    # -- results ------------------------------------------------------------------------------

    def show_result(self, result: dict[str, Any]) -> None:
        self._fill(self.summary_table, list(model.SUMMARY_HEADERS),
                   [list(r) for r in model.summary_rows(result)])
        rows = result["rows"][:MAX_ROWS_SHOWN]
        self._fill(self.rows_table, model.row_headers(result),
                   [model.row_cells(result, r) for r in rows],
                   bad=[bool(r.get("error")) for r in rows])
        self.x_pick.blockSignals(True)
        self.x_pick.clear()
        for path in result["varied"]:
            self.x_pick.addItem(path, path)
        if result.get("monte_carlo"):
            self.x_pick.addItem("the disaster's time (h)", None)
        self.x_pick.blockSignals(False)
        self._draw_plots()

    @staticmethod
    def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]],
              bad: list[bool] | None = None) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))
        words = {"Strategy", "Why impossible"}  # the other columns are figures
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if headers[j] not in words:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if bad and bad[i]:
                    item.setForeground(QBrush(QColor(C.RED_DARK)))
                table.setItem(i, j, item)

    def _draw_plots(self) -> None:
        result = self.result
        for w in (self.rpo_plot, self.rto_plot, self.rpo_hist, self.rto_hist):
            w.getPlotItem().clear()
        if result is None or not result["rows"]:
            return
        key = self.x_pick.currentData() if self.x_pick.count() else None
        series, cats = model.against(result, key)
        xlabel = self.x_pick.currentText() or "run"
        ticks = model.log_ticks()
        rto_all = [v for s in series for v in s.rto]
        unit, uname = model.time_unit(max(rto_all, default=60.0))
        p = self.rpo_plot.getPlotItem()
        p.getAxis("left").setTicks([ticks, []])
        p.setLabel("bottom", xlabel, color=C.INK)
        q = self.rto_plot.getPlotItem()
        q.setLabel("bottom", xlabel, color=C.INK)
        q.setLabel("left", f"RTO ({uname})", color=C.INK)
        for plot in (p, q):
            plot.getAxis("bottom").setTicks([list(enumerate(cats)), []] if cats else None)
        ys = [y for s in series for y in s.rpo]
        if ys:
            p.setYRange(min(ys) - 0.3, max(ys) + 0.3, padding=0)
        line = len({x for s in series for x in s.x}) > 1 and not result.get("monte_carlo")
        for s in series:
            c = model.colour(s.strategy)
            for plot, xs, vs in ((p, s.x, s.rpo), (q, s.rto_x, [v / unit for v in s.rto])):
                plot.addItem(pg.PlotDataItem(
                    list(xs), list(vs), pen=pg.mkPen(c, width=2) if line else None,
                    symbol="o", symbolSize=7 if line else 5, symbolBrush=pg.mkBrush(c),
                    symbolPen=pg.mkPen(c)))
        # the distributions, one outline per strategy
        h = self.rpo_hist.getPlotItem()
        h.getAxis("bottom").setTicks([ticks, []])
        h.setLabel("left", "runs", color=C.INK)
        k = self.rto_hist.getPlotItem()
        k.setLabel("bottom", f"RTO ({uname})", color=C.INK)
        k.setLabel("left", "runs", color=C.INK)
        rpo_all = [v for s in series for v in s.rpo]
        spans = {id(h): (min(rpo_all, default=0.0), max(rpo_all, default=0.0)),
                 id(k): (min(rto_all, default=0.0) / unit, max(rto_all, default=0.0) / unit)}
        for s in series:
            ink = QColor(model.colour(s.strategy))
            fill = QColor(ink)
            fill.setAlpha(60)
            for plot, vals in ((h, list(s.rpo)), (k, [v / unit for v in s.rto])):
                edges, counts = model.histogram(vals, *spans[id(plot)])
                if counts:
                    plot.addItem(pg.PlotDataItem(edges, counts, stepMode="center",
                                                 fillLevel=0, brush=pg.mkBrush(fill),
                                                 pen=pg.mkPen(ink, width=2)))
        self.plot_legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{model.colour(s.strategy)}; font-size:14pt">&#9632;</span>'
            f"&nbsp;{model.label(s.strategy)}" for s in series))

    # -- export -------------------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> bool:
        """Write the rows as CSV (as `drtwin sweep --csv`); a failure is said, not raised."""
        if self.result is None:
            return False
        try:
            Path(path).write_text(self.controller.sweep_csv(self.result), encoding="utf-8")
        except OSError as e:
            self.say(f"Cannot write {path}: {e.strerror or e}", bad=True)
            return False
        self.say(f"{len(self.result['rows'])} rows written to {path}")
        return True

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the sweep as CSV", "sweep.csv",
                                              "CSV (*.csv);;All files (*)")
        if path:
            self.export_csv(path)

