"""The main window: the topology in the centre, the DR console of each rack on its side
(the primary rack's on the left, the backup's on the right, mirroring the topology), the
live plots and the event log at the bottom, the time bar on top and the service status
at the bottom edge. Menus: File, View, Help. The window remembers its layout and the
recent scenarios in QSettings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import resources
from app.branch import Branching
from app.console import DrConsole
from app.deferred import after_first_paint
from app.event_log import EventLog
from app.presenter import Presenter
from app.resources import icon
from app.session import RunRecorder, SessionKeeper
from app.status import PILLS, pill_caps, pills, verdict_level
from app.timebar import TimeBar
from app.topology import Legend, TopologyView
from app.trainee import TraineeMode
from twin.events import Result
from twin.scenario import ScenarioError
from twin.statedoc import StateDoc

if TYPE_CHECKING:
    from app.controller import Controller, StepResult
    from app.plots import PlotsPanel

ORG = "DRTwin"
APP = "drtwin"
MAX_RECENT = 8
QWIDGETSIZE_MAX = (1 << 24) - 1
MIN_TOPOLOGY_WIDTH = 820  # below this the racks' labels get too small to read
MIN_BOTTOM_SPLIT_WIDTH = 1100  # plots and event log side by side, else as tabs


def app_settings() -> QSettings:
    """The user's settings (an INI file under the user's config directory)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


class StatusPill(QLabel):
    """A status-bar field whose colour follows its level (ok, warn, bad, off).

    Its size is fixed, and changes only when a text needs more room or much less
    (``SLACK_PX``): a field whose size may change makes Qt lay out the status bar and the
    main window on every new text (the RPO exposure's seconds, on every frame during a
    cut: 0.2 ms), and the fields to its left would jitter."""

    SLACK_PX = 24

    def __init__(self, name: str, tooltip: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setToolTip(tooltip)
        self._tip = tooltip
        self._full = ""  # the text to show; elided to ``cap`` pixels when the bar is narrow
        self.cap: int | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setProperty("level", "off")
        self.level = "off"
        self._around: int | None = None  # the width around the text, once measured

    def set(self, text: str, level: str) -> None:
        if text != self._full:
            self._full = text
            self._show()
        if level != self.level:
            self.level = level
            self.setProperty("level", level)
            self.style().unpolish(self)
            self.style().polish(self)
            self._fit(exact=True)

    @property
    def natural_width(self) -> int:
        """The pill's width with its whole text."""
        around = self._around if self._around is not None else 2 * self.SLACK_PX
        return self.fontMetrics().horizontalAdvance(self._full) + around

    def set_cap(self, cap: int | None) -> None:
        if cap != self.cap:
            self.cap = cap
            self._show()

    def _show(self) -> None:
        shown = self._full
        if self.cap is not None and self.natural_width > self.cap:
            room = self.cap - (self._around or 0)
            shown = self.fontMetrics().elidedText(shown, Qt.TextElideMode.ElideRight, room)
            self.setToolTip(f"{self._full}\n{self._tip}")
        elif self.toolTip() != self._tip:
            self.setToolTip(self._tip)
        if shown != self.text():
            self.setText(shown)
            self._fit()

    def _fit(self, exact: bool = False) -> None:
        self.ensurePolished()  # the style sheet's font, padding and border
        text_w = self.fontMetrics().horizontalAdvance(self.text())
        width = self.maximumWidth()
        if not exact and self._around is not None \
                and width - self.SLACK_PX <= text_w + self._around <= width:
            return  # the text fits, with little room to spare: no new size, no layout
        # a fixed size bounds a label's size hint: free it to measure the text
        self.setMinimumSize(0, 0)
        self.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
        hint = self.sizeHint()
        self.setFixedSize(hint)
        self._around = hint.width() - text_w  # padding, border and margins

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit(exact=True)


class MainWindow(QMainWindow):
    """DR Twin's main window over one :class:`~app.controller.Controller`."""

    def __init__(self, controller: Controller, settings: QSettings | None = None,
                 persist: bool = True, size: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.controller = controller
        self.settings = settings if settings is not None else app_settings()
        self.persist = persist
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self.topology = TopologyView(controller, self)
        self.legend = Legend()
        central = QWidget()
        central.setObjectName("centre")
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.topology, 1)
        box.addWidget(self.legend)
        self.setCentralWidget(central)
        self.timebar = TimeBar(controller, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.timebar)

        left, right = controller.system.rack_names
        self.console_docks: dict[str, QDockWidget] = {}
        self._lost_racks: set[str] = set()
        self.console_left = self._dock("consoleLeft", f"{left} · DR console",
                                       DrConsole(controller, left, self),
                                       Qt.DockWidgetArea.LeftDockWidgetArea, scroll=True)
        self.console_right = self._dock("consoleRight", f"{right} · DR console",
                                        DrConsole(controller, right, self),
                                        Qt.DockWidgetArea.RightDockWidgetArea, scroll=True)
        self.console_docks = {left: self.console_left, right: self.console_right}
        # the live plots (pyqtgraph) are built just after the first frame (app/deferred.py)
        self._plots: PlotsPanel | None = None
        self.plots_holder = QWidget()
        QVBoxLayout(self.plots_holder).setContentsMargins(0, 0, 0, 0)
        self.plots_dock = self._dock("plotsDock", "Live plots", self.plots_holder,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.event_log = EventLog(controller, self)
        self.events_dock = self._dock("eventsDock", "Event log", self.event_log,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.plots_dock, self.events_dock, Qt.Orientation.Horizontal)

        self._build_status_bar()
        self._build_menus()
        self._build_instructor(box)
        self._build_presenter_and_branches()
        for act in self.timebar.actions_for_window:
            self.addAction(act)  # shortcuts work even with the time bar hidden

        self.event_log.eventSelected.connect(self._on_event_selected)
        self.topology.itemSelected.connect(self._on_item_selected)
        controller.frame.connect(self.refresh_status)
        controller.actionResult.connect(self._on_result)
        controller.stepFinished.connect(self._on_step)
        controller.scenarioLoaded.connect(self._on_loaded)

        self.resize(*(size or (1600, 1000)))
        self._default_layout()
        # a console is never narrower than its content (a layout saved on a wider screen,
        # or a dragged splitter, would leave it a strip with a horizontal scroll bar)
        floor = min(400, self.console_min_width())
        for dock in (self.console_left, self.console_right):
            dock.widget().setMinimumWidth(floor)
        self._restore()
        self._on_loaded()
        after_first_paint(self.topology.viewport(), self._build_plots)
        self._build_trainee()

    # -- construction -------------------------------------------------------------------------

    @property
    def plots(self) -> PlotsPanel:
        """The live plots panel, built now if the first frame has not come yet."""
        return self._build_plots()

    def _build_plots(self) -> PlotsPanel:
        if self._plots is None:
            from app.plots import PlotsPanel

            self._plots = PlotsPanel(self.controller, self.plots_holder)
            layout = self.plots_holder.layout()
            assert layout is not None
            layout.addWidget(self._plots)
        return self._plots

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              scroll: bool = False) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if scroll:
            area_widget = QScrollArea()
            area_widget.setObjectName(f"{name}Scroll")
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QFrame.Shape.NoFrame)
            area_widget.setWidget(widget)
            dock.setWidget(area_widget)
        else:
            dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def console_min_width(self) -> int:
        """The width a console needs without a horizontal scroll bar."""
        need = 0
        for dock in (self.console_left, self.console_right):
            area = dock.widget()
            inner = area.widget() if isinstance(area, QScrollArea) else area
            if inner is not None:
                need = max(need, inner.minimumSizeHint().width())
        return need + 20  # the vertical scroll bar and the dock's frame

    def _default_layout(self) -> None:
        """The consoles on either side of the topology when the window is wide enough to
        keep the topology readable, else as tabs of one side panel (in rack order); the
        plots and the event log side by side at the bottom, or as tabs when narrow."""
        w, h = self.width(), self.height()
        side = max(260, min(560, self.console_min_width()))
        self.consoles_split = w - 2 * side >= MIN_TOPOLOGY_WIDTH
        if self.consoles_split:
            side = max(side, min(440, int(w * 0.22)))
            self.resizeDocks([self.console_left, self.console_right], [side, side],
                             Qt.Orientation.Horizontal)
        else:
            self.tabifyDockWidget(self.console_left, self.console_right)
            self.console_left.raise_()
            self.resizeDocks([self.console_left], [side], Qt.Orientation.Horizontal)
        bottom = max(400, w - (2 if self.consoles_split else 1) * side)
        self.bottom_split = bottom >= MIN_BOTTOM_SPLIT_WIDTH
        if not self.bottom_split:
            self.tabifyDockWidget(self.plots_dock, self.events_dock)
            self.plots_dock.raise_()
        self.resizeDocks([self.plots_dock], [max(220, min(340, int(h * 0.3)))],
                         Qt.Orientation.Vertical)
        if self.bottom_split:
            self.resizeDocks([self.plots_dock, self.events_dock],
                             [bottom * 3 // 5, bottom * 2 // 5], Qt.Orientation.Horizontal)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.pills = {name: StatusPill(name, tip) for name, tip in PILLS}
        for w in self.pills.values():
            bar.addPermanentWidget(w)
        self.service_pill = self.pills["servicePill"]
        self.split_pill = self.pills["splitPill"]
        self.replication_pill = self.pills["replicationPill"]
        self.rpo_pill = self.pills["rpoPill"]
        self.rto_pill = self.pills["rtoPill"]

    def _action(self, menu: QMenu, text: str, slot: Any, shortcut: Any = None,
                name: str = "") -> QAction:
        act = QAction(text, self)
        if name:
            act.setObjectName(name)
        if shortcut is not None:
            if isinstance(shortcut, list):
                act.setShortcuts(shortcut)
            else:
                act.setShortcut(shortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        self.addAction(act)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        self.open_action = self._action(file, "&Open scenario…", self.open_dialog,
                                        QKeySequence.StandardKey.Open, "openAction")
        self.open_action.setIcon(icon("open"))
        self.recent_menu = file.addMenu("Recent scenarios")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.restart_action = self._action(file, "&Restart scenario", self.restart,
                                           QKeySequence("Ctrl+R"), "restartAction")
        self.restart_action.setIcon(icon("restart"))
        file.addSeparator()
        self._action(file, "Save session as scenario…", self.save_session_dialog,
                     QKeySequence.StandardKey.Save, "saveSessionAction")
        self._action(file, "Save &screenshot…", self.save_screenshot_dialog,
                     QKeySequence("Ctrl+Shift+S"), "screenshotAction")
        file.addSeparator()
        self.quit_action = self._action(file, "&Quit", self.close,
                                        QKeySequence.StandardKey.Quit, "quitAction")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        view = mb.addMenu("&View")
        self.fit_action = self._action(view, "&Fit topology", self.topology.fit,
                                       [QKeySequence("F"), QKeySequence("Ctrl+0")], "fitAction")
        self._action(view, "Zoom in", lambda: self.topology.zoom(1.25),
                     QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Zoom out", lambda: self.topology.zoom(0.8),
                     QKeySequence.StandardKey.ZoomOut)
        view.addSeparator()
        for dock in (self.console_left, self.console_right, self.plots_dock,
                     self.events_dock):
            view.addAction(dock.toggleViewAction())
        view.addAction(self.timebar.toggleViewAction())
        view.addSeparator()
        self.fullscreen_action = self._action(view, "Full screen", self.toggle_fullscreen,
                                              QKeySequence(Qt.Key.Key_F11), "fullscreenAction")
        self.fullscreen_action.setCheckable(True)
        self.legend_action = self._action(view, "Show &legend", self._toggle_legend,
                                          QKeySequence("L"), "legendAction")
        self.legend_action.setCheckable(True)
        self.legend_action.setChecked(True)
        self._action(view, "Reset layout", self.reset_layout)

        sim = mb.addMenu("&Simulation")
        for act in self.timebar.actions_for_window:
            sim.addAction(act)

        self._build_strategies_menu(mb)

        help_ = mb.addMenu("&Help")
        self._action(help_, "&About DR Twin", self.about)

    def _build_strategies_menu(self, mb: Any) -> None:
        """Strategies: the comparison and the what-if sweep (issue 12, the app.compare room);
        each a window of its own, made on first use and kept."""
        strategies = mb.addMenu("S&trategies")
        strategies.setObjectName("strategiesMenu")
        self._compare_window: Any = None
        self._sweep_window: Any = None
        self.compare_action = self._action(strategies, "&Compare strategies…",
                                           self.show_compare, name="compareAction")
        self.sweep_action = self._action(strategies, "&What-if sweep…", self.show_sweep,
                                         name="sweepAction")

    def show_compare(self) -> Any:
        from app.compare import CompareWindow

        if self._compare_window is None:
            self._compare_window = CompareWindow(self.controller, self)
        self._compare_window.show()
        self._compare_window.raise_()
        self._compare_window.start()
        return self._compare_window

    def show_sweep(self) -> Any:
        from app.compare import SweepDialog

        if self._sweep_window is None:
            self._sweep_window = SweepDialog(self.controller, self)
        self._sweep_window.show()
        self._sweep_window.raise_()
        return self._sweep_window

    # -- scenario -------------------------------------------------------------------------------

    def _on_loaded(self) -> None:
        self._verdict_shown = False
        self.last_verdict = ""
        sc = self.controller.scenario
        # the application's display name ("DR Twin") is added by Qt: "name — DR Twin"
        self.setWindowTitle(sc.name)
        if sc.path:
            self._add_recent(sc.path)
        self.refresh_status()

    def open_file(self, path: str | Path) -> bool:
        """Open a scenario; a broken one shows the loader's message and keeps the current
        scenario. Returns True if the new scenario is loaded."""
        try:
            opened = self.controller.open(str(path))
        except ScenarioError as e:
            where = e.path or str(path)
            if e.line is not None:
                where += f", line {e.line}"
            detail = f"{where}\n\n" + (f"Field: {e.field}\n" if e.field else "") + e.message
            self.error("Cannot open the scenario", "The scenario file is invalid; the "
                       f"current scenario ({self.controller.scenario.name}) stays open.",
                       detail)
            return False
        except OSError as e:
            self.error("Cannot open the scenario", f"Cannot read {path}: {e.strerror or e}")
            return False
        return opened is not None  # None: the trainee's unsaved session was kept

    def error(self, title: str, text: str, detail: str = "") -> None:
        """A modal error message (tests replace ``QMessageBox.critical``)."""
        self.statusBar().showMessage(f"{title}: {detail or text}".replace("\n", " "), 15000)
        QMessageBox.critical(self, title, f"{text}\n\n{detail}" if detail else text)

    def open_dialog(self) -> None:
        bundled = resources.scenarios_dir()
        start = str(bundled if bundled.is_dir() else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", start,
                                              "Scenarios (*.yaml *.yml);;All files (*)")
        if path:
            self.open_file(path)

    def restart(self) -> None:
        if not self.controller.restart():
            return  # the trainee's unsaved session was kept (app/session/keeper.py)
        self.statusBar().showMessage("Scenario restarted", 4000)

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):  # QSettings gives one entry as a string
            return [value]
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        files = [p for p in self.recent_files() if p != path]
        files.insert(0, path)
        if self.persist:
            self.settings.setValue("recent", files[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for path in files:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # -- view ---------------------------------------------------------------------------------------

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.fullscreen_action.setChecked(self.isFullScreen())

    def _toggle_legend(self) -> None:
        self.legend.setVisible(self.legend_action.isChecked())

    def reset_layout(self) -> None:
        """The default dock layout for the current window size."""
        for dock in (self.console_left, self.console_right, self.plots_dock,
                     self.events_dock):
            dock.setFloating(False)
            dock.show()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.console_left)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.console_right)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.plots_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.events_dock)
        self.splitDockWidget(self.plots_dock, self.events_dock, Qt.Orientation.Horizontal)
        self._default_layout()
        QTimer.singleShot(0, self.topology.fit)

    def save_session(self, path: str | Path) -> bool:
        """Write this session (the scenario's steps that ran and the actions applied here)
        as a scenario file; replayed with ``drtwin run`` it gives the same run."""
        try:
            Path(path).write_text(self.controller.session_yaml(), encoding="utf-8")
        except OSError as e:
            self.statusBar().showMessage(f"Could not save {path}: {e.strerror or e}", 10000)
            return False
        self.statusBar().showMessage(f"Session saved to {path}: replay it with "
                                     f"drtwin run or open it here", 10000)
        return True

    def save_session_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session as scenario",
                                              "session.yaml", "Scenario files (*.yaml *.yml)")
        if path:
            self.save_session(path)

    def save_screenshot(self, path: str | Path) -> bool:
        return bool(self.grab().save(str(path)))

    def save_screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "drtwin.png",
                                              "PNG images (*.png)")
        if path:
            ok = self.save_screenshot(path)
            self.statusBar().showMessage(f"Screenshot saved to {path}" if ok
                                         else f"Could not save {path}", 6000)

    def about(self) -> None:
        QMessageBox.about(
            self, "About DR Twin",
            "<h3>DR Twin</h3><p>A digital twin of two IBM PureApplication System racks doing "
            "disaster recovery: DR profiles, SAN replication, management cloning, failover "
            "and failback, with the faults an instructor injects.</p>"
            "<p>Space play/pause · + / − speed · N or → next event · Ctrl+O open · "
            "Ctrl+R restart · F11 full screen · right-click an item to inject a fault.</p>")

    # -- live status ----------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """The status bar from the state document (app/status.py says what it shows)."""
        st = self.controller.state()
        self._raise_the_console_that_acts(st)
        for pill in pills(st, self.controller.scenario.objectives, self.controller.now):
            self.pills[pill.name].set(pill.text, pill.level)
        self._cap_pills()

    def _cap_pills(self) -> None:
        """Narrow the widest pills (their text elided) when they do not all fit: at large
        type (the projector theme) or in a narrow window, never overlapping."""
        shown = [p for p in self.pills.values() if not p.isHidden()]
        bar = self.statusBar()
        if not bar.isVisible():
            return  # not laid out yet: its width means nothing
        available = bar.width() - 12 * (len(shown) + 1)
        cap = pill_caps([p.natural_width for p in shown], available)
        for p in shown:
            p.set_cap(cap)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        if hasattr(self, "pills"):
            self._cap_pills()

    def _raise_the_console_that_acts(self, st: StateDoc) -> None:
        """With the consoles as tabs, a rack that is lost cannot act: when it goes, bring
        the surviving rack's console forward (R12: the failover runs on the backup)."""
        lost = {r for r, d in st["racks"].items() if d["status"] == "lost"}
        newly = lost - self._lost_racks
        self._lost_racks = lost
        if self.consoles_split or not newly:
            return
        alive = [r for r in self.console_docks if r not in lost]
        if alive:
            self.console_docks[alive[0]].raise_()

    def _on_result(self, res: Result) -> None:
        prefix = "Done" if res.ok else "Refused"
        self.statusBar().showMessage(f"{prefix}: {res.text}", 10000)

    def _on_step(self, step: StepResult) -> None:
        if not step.ok:
            self.statusBar().showMessage(f"Step {step.index + 1} ({step.do}): {step.message}",
                                         10000)
        c = self.controller
        if c.step_progress().done and c.mode == "autoplay" and not self._verdict_shown:
            self._verdict_shown = True  # once a run (reset on load)
            text = c.verdict()
            self.last_verdict = text
            self.topology.show_toast("Scenario finished. " + text.replace("\n", "  ·  "),
                                     15000, level=verdict_level(c.report()))
            self.statusBar().showMessage(text.splitlines()[0] + " — File > Export report… "
                                         "for the after-action report", 15000)

    def _on_event_selected(self, item: str | None) -> None:
        if item:
            self.topology.highlight(item)

    def _on_item_selected(self, node_id: str) -> None:
        self.statusBar().showMessage(f"Selected {node_id} — right-click for faults", 5000)

    # -- trainee mode (issue 10, app/trainee) ---------------------------------------------------

    def _build_trainee(self) -> None:
        """Simulation > Play as trainee…, File > Save trainee session… / Export report…,
        View > History…, the objectives dock (app/trainee/mode.py); and the keeper that
        asks before a session with unsaved work is dropped (app/session/keeper.py)."""
        self.trainee = TraineeMode(self.controller, self)
        self.keeper = SessionKeeper(self.controller, self, save=self.trainee.save_session)
        self.trainee.sessionSaved.connect(self.keeper.mark_saved)
        self.recorder = RunRecorder(self.controller, self)  # an autoplay run's end, kept

    # -- settings -----------------------------------------------------------------------------------

    def _restore(self) -> None:
        geo = self.settings.value("geometry")
        state = self.settings.value("windowState")
        if isinstance(geo, QByteArray) and not geo.isEmpty() and self.persist:
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray) and not state.isEmpty() and self.persist:
            self.restoreState(state)

    def save_settings(self) -> None:
        if not self.persist:
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if not self.controller.may_drop("quit"):
            event.ignore()
            return
        self.controller.pause()
        self.save_settings()
        if getattr(self, "instructor_station", None) is not None:
            self.instructor_station.close()  # type: ignore[union-attr]
        super().closeEvent(event)

    # -- the instructor station (issue 11; app/instructor/) -----------------------------------

    def _build_instructor(self, centre: QVBoxLayout) -> None:
        """The pause and hint banner over the topology, View > Instructor station."""
        from app.instructor import InstructorBanner

        self.instructor_banner = InstructorBanner(self.controller, self)
        centre.insertWidget(0, self.instructor_banner)
        self.instructor_station: QMainWindow | None = None
        view = next(a.menu() for a in self.menuBar().actions() if a.text() == "&View")
        assert isinstance(view, QMenu)
        view.addSeparator()
        self._action(view, "&Instructor station", self.open_instructor_station,
                     QKeySequence("Ctrl+I"), "instructorAction")
        self.controller.hintSent.connect(
            lambda text: self.statusBar().showMessage(f"Hint from the instructor: {text}",
                                                      30000))
        self.controller.frozenChanged.connect(
            lambda frozen: self.statusBar().showMessage(
                "Paused by the instructor" if frozen else "Resumed by the instructor", 8000))

    def open_instructor_station(self) -> QMainWindow:
        """The instructor station, a top-level window of its own (for a second screen)."""
        from app.instructor import InstructorStation

        if self.instructor_station is None or not self.instructor_station.isVisible():
            self.instructor_station = InstructorStation(self.controller)
            self.instructor_station.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        station = self.instructor_station
        station.show()
        station.raise_()
        self.timebar.refresh()  # the caption now hides what is coming
        return station

    # -- presenter mode and branches (issue 11: app/presenter, app/branch) -----------------------

    def _build_presenter_and_branches(self) -> None:
        """View > Presenter mode, Chapters, File > Export summary…; Simulation > Branch
        here (also on the time bar). Each room adds its own actions to the menus."""
        self.presenter = Presenter(self, self.controller)
        self.branching = Branching(self, self.controller, self.timebar)
