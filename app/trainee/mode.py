"""Trainee mode in the window (issue 10): Simulation > Play as trainee… shows the briefing,
restarts the scenario in trainee mode and docks the objectives panel; the session ends at
Finish, at the end of the timeline or at the time limit, is written to the run history
and shows its result (score, deviations; Open report, Export report…, Save session…).
View > History… lists past runs and reopens any report.

Dropping a session with unsaved work asks first: that is the session room's
(app/session/keeper.py), told of every save by ``sessionSaved``. The file choices are
module functions that tests monkeypatch (``save_path``, ``open_url``)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from app.controller import HistoryError
from app.trainee.briefing import BriefingDialog
from app.trainee.history_view import HistoryDialog
from app.trainee.panel import ObjectivesPanel
from app.trainee.result import ResultDialog

if TYPE_CHECKING:
    from app.controller import Controller


def save_path(parent: QWidget | None, title: str, default: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, default, filters)
    return path


def open_url(path: Path) -> bool:
    """Open a file with the desktop's application for it (the browser for a report)."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


def _menu(window: QMainWindow, title: str) -> QMenu:
    for act in window.menuBar().actions():
        menu = act.menu()
        if isinstance(menu, QMenu) and act.text().replace("&", "") == title:
            return menu
    return window.menuBar().addMenu(title)


class TraineeMode(QObject):
    """Trainee mode for one main window over its controller."""

    sessionSaved = Signal(object)  # the Path of the trainee's actions file just written

    def __init__(self, controller: Controller, window: QMainWindow) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.started_at: datetime | None = None
        self.run_id: int | None = None
        self.result_dialog: ResultDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.last_report_path: Path | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="drtwin-reports-")
        self.panel = ObjectivesPanel(controller)
        self.panel.hintRequested.connect(self.hint)
        self.panel.finishRequested.connect(self.finish)
        self.dock = QDockWidget("Objectives", window)
        self.dock.setObjectName("objectivesDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self._build_menus()
        controller.scenarioLoaded.connect(self._on_loaded)
        controller.sessionEnded.connect(self._on_ended)
        self._on_loaded()

    def _build_menus(self) -> None:
        w = self.window
        sim, file, view = _menu(w, "Simulation"), _menu(w, "File"), _menu(w, "View")
        sim.addSeparator()
        self.play_action = self._add(sim, "Play as &trainee…", self.start_dialog,
                                     "playTraineeAction")
        self.autoplay_action = self._add(sim, "Back to autoplay", self.back_to_autoplay,
                                         "autoplayAction")
        self.finish_action = self._add(sim, "&Finish the session", self.finish,
                                       "finishAction")
        first = file.actions()[0] if file.actions() else None
        quit_ = next((a for a in file.actions() if a.objectName() == "quitAction"), None)
        self.save_action = QAction("Save trainee session…", w)
        self.save_action.setObjectName("saveTraineeAction")
        self.save_action.triggered.connect(lambda: self.save_session())
        self.export_action = QAction("Export report…", w)
        self.export_action.setObjectName("exportReportAction")
        self.export_action.triggered.connect(lambda: self.export_report())
        before = quit_ or first
        if before is not None:
            file.insertActions(before, [self.save_action, self.export_action])
            file.insertSeparator(before)
        else:
            file.addActions([self.save_action, self.export_action])
        view.addSeparator()
        view.addAction(self.dock.toggleViewAction())
        self.history_action = self._add(view, "&History…", self.show_history, "historyAction")

    def _add(self, menu: QMenu, text: str, slot: Any, name: str) -> QAction:
        act = QAction(text, self.window)
        act.setObjectName(name)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    # -- the session --------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.controller.mode == "trainee"

    def start_dialog(self) -> bool:
        """The briefing, then the session (False: the trainee cancelled, or the session
        being played was kept)."""
        dlg = BriefingDialog(self.controller.scenario, self.controller.trainee_name or "",
                             self.window)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.start(dlg.name())

    def start(self, name: str | None) -> bool:
        """Restart the scenario in trainee mode, played by ``name`` (no briefing); False:
        the run was kept (its unsaved work, app/session/keeper.py)."""
        if not self.controller.play_as_trainee(name):
            return False
        self.window.statusBar().showMessage(
            "Trainee session started: press Play (Space) to run the clock; the "
            "instructor's events come on the scenario's timeline", 10000)
        return True

    def back_to_autoplay(self) -> bool:
        return self.controller.play_autoplay()

    def hint(self) -> str:
        text = self.controller.hint()
        self.panel.show_hint(text)
        self.window.statusBar().showMessage(f"Hint (costs points): {text}", 15000)
        return text

    def finish(self) -> dict[str, Any] | None:
        if not self.active:
            return None
        return self.controller.finish_session()

    def _on_loaded(self) -> None:
        on = self.active
        if on and not self.dock.isVisible():
            self._place_dock()
        elif not on:
            self.dock.hide()
        self.dock.toggleViewAction().setEnabled(on)
        self.autoplay_action.setEnabled(on)
        self.finish_action.setEnabled(on)
        self.save_action.setEnabled(on)
        self.export_action.setEnabled(False)
        self.panel.hint_text.hide()
        self.started_at = datetime.now().astimezone() if on else None
        self.run_id = None
        self.panel.refresh()
        title = self.controller.scenario.name
        self.window.setWindowTitle(f"{title} · trainee {self.controller.trainee_name}"
                                   if on and self.controller.trainee_name else
                                   f"{title} · trainee" if on else title)

    def _place_dock(self) -> None:
        """Beside the live plots, so the consoles keep their height."""
        if not self.dock.isFloating():
            # a column of its own at the bottom (split from plots that are tabbed with the
            # event log, it would become one more tab, hidden behind them)
            self.window.removeDockWidget(self.dock)
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock,
                                      Qt.Orientation.Horizontal)
            self.window.resizeDocks([self.dock], [440], Qt.Orientation.Horizontal)
        self.dock.show()

    def _on_ended(self, report: dict[str, Any]) -> None:
        self.export_action.setEnabled(True)
        self.run_id = None
        try:
            self.run_id = self.controller.record_session(report, self.started_at
                                                         or datetime.now().astimezone())
        except HistoryError as e:
            self.window.statusBar().showMessage(f"The run could not be kept in the history: "
                                                f"{e}", 15000)
        self.show_result(report)

    def show_result(self, report: dict[str, Any]) -> ResultDialog:
        dlg = ResultDialog(report, self.window)
        dlg.openReport.connect(lambda: self.open_report(report))
        dlg.exportReport.connect(lambda: self.export_report())
        dlg.saveSession.connect(lambda: self.save_session())
        self.result_dialog = dlg
        dlg.show()
        return dlg

    # -- files -----------------------------------------------------------------------------------

    def _report_meta(self) -> dict[str, Any]:
        return {"made_at": self.started_at, "run_id": self.run_id}

    def open_report(self, report: dict[str, Any], run_id: int | None = None,
                    scenario_text: str | None = None, made_at: Any = None) -> Path | None:
        """Write the after-action report to a temporary file and open it in the browser."""
        name = f"report-{run_id}.html" if run_id is not None else "report.html"
        path = Path(self._tmp.name) / name
        try:
            html = self.controller.report_html(
                report, made_at=made_at if made_at is not None else self.started_at,
                run_id=run_id if run_id is not None else self.run_id,
                scenario_text=scenario_text)
            path.write_text(html, encoding="utf-8")
        except OSError as e:
            self._error("Cannot write the report", f"{path}: {e.strerror or e}")
            return None
        self.last_report_path = path
        if not open_url(path):
            self.window.statusBar().showMessage(f"Report written to {path}: open it in a "
                                                "browser", 15000)
        return path

    def export_report(self, path: str | Path | None = None) -> Path | None:
        report = self.controller.session_report
        if report is None and not self.active:
            report = self.controller.report()  # an autoplay run: its report so far
        if report is None:
            self._error("No report yet", "Finish the trainee session first: the report is "
                        "made when the run has been assessed.")
            return None
        if path is None:
            path = save_path(self.window, "Export after-action report", "report.html",
                             "HTML reports (*.html)")
            if not path:
                return None
        try:
            out = self.controller.write_report(report, path, **self._report_meta())
        except OSError as e:
            self._error("Cannot export the report", f"{path}: {e.strerror or e}")
            return None
        self.window.statusBar().showMessage(f"Report written to {out} (and its JSON beside "
                                            "it)", 10000)
        return out

    def save_session(self, path: str | Path | None = None) -> Path | None:
        """Write the trainee's actions file (replay: drtwin run FILE --trainee IT)."""
        if not self.active:
            return None
        if path is None:
            path = save_path(self.window, "Save trainee session", "session-actions.yaml",
                             "Trainee actions (*.yaml *.yml)")
            if not path:
                return None
        out = Path(path)
        try:
            out.write_text(self.controller.session_actions_yaml(), encoding="utf-8")
        except OSError as e:
            self._error("Cannot save the session", f"{out}: {e.strerror or e}")
            return None
        self.sessionSaved.emit(out)
        scenario = self.controller.scenario.path or "SCENARIO.yaml"
        self.window.statusBar().showMessage(
            f"Session saved to {out}: replay it with drtwin run {scenario} --trainee {out}",
            15000)
        return out

    # -- the run history ------------------------------------------------------------------------

    def show_history(self) -> HistoryDialog | None:
        try:
            history = self.controller.history()
            runs = history.list() if history is not None else []
        except HistoryError as e:
            self._error("Cannot read the run history", str(e))
            return None
        where = str(history.path) if history is not None else \
            "no history: it is off (DRTWIN_HISTORY=off)"
        dlg = HistoryDialog(runs, where, self.window)
        dlg.openRun.connect(self.open_past_report)
        self.history_dialog = dlg
        dlg.show()
        return dlg

    def open_past_report(self, run_id: int) -> Path | None:
        try:
            history = self.controller.history()
            run = history.get(run_id) if history is not None else None
        except HistoryError as e:
            self._error("Cannot read the run history", str(e))
            return None
        if run is None:
            self._error("No such run", f"Run {run_id} is not in the history.")
            return None
        return self.open_report(run["report"], run_id=run["id"],
                                scenario_text=run["scenario_text"], made_at=run["started_at"])

    def _error(self, title: str, text: str) -> None:
        self.window.statusBar().showMessage(f"{title}: {text}", 15000)
        QMessageBox.warning(self.window, title, text)
