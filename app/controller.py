"""The application's controller: owns the Twin and the scenario Runner, drives simulated
time from a QTimer, and is the one path from widgets to the engine (architecture.md).

Widgets read ``controller.state()`` (the typed state document, cached once per frame) and
call ``controller.apply(action)``; they redraw on ``frame`` (at most once per frame, never
once per engine event). Only this module holds the twin (tests/test_architecture.py);
besides the state document, views get the static scenario (its system and topology
graph), the engine's outputs (time series, event log) and the runner's position."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from twin import aar
from twin.actions import Action
from twin.config import SystemConfig, volume_layout
from twin.events import Event, Result
from twin.history import History, history_path
from twin.history import HistoryError as HistoryError  # for app/trainee
from twin.recording import session_scenario, to_yaml
from twin.runner import Runner, StepResult, grade
from twin.scenario import Scenario, load_scenario
from twin.session import dump_actions
from twin.statedoc import StateDoc
from twin.timeseries import TimeSeries
from twin.topology import build_topology
from twin.twin import Twin

SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10000)
FRAME_MS = 16


class VolumeArrays(NamedTuple):
    """Every volume's replication state, lag, RPO exposure and copy progress, in the
    consistency group's order."""

    names: list[str]
    states: list[str]
    lag_bytes: np.ndarray
    rpo_s: np.ndarray
    progress: np.ndarray


class StepProgress(NamedTuple):
    """Where the scenario's timeline is: all done, the index of the next step, and
    whether that step is waiting for a condition."""

    done: bool
    next_index: int
    waiting: bool


class Controller(QObject):
    frame = Signal()  # state changed: redraw (emitted at most once per frame)
    actionResult = Signal(object)  # twin.events.Result of an action from the GUI
    stepFinished = Signal(object)  # twin.runner.StepResult of a scenario step
    scenarioLoaded = Signal()  # a new Twin: views rebuild (controller.graph())
    playingChanged = Signal(bool)
    speedChanged = Signal(float)

    def __init__(self, scenario: Scenario, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self.speed: float = 60.0
        self.playing = False
        # the actions applied from the GUI, at their simulated time: with the scenario's
        # steps that ran, the session as a scenario (twin/recording.py)
        self.recorded: list[tuple[float, Action]] = []
        self.load(scenario)

    # -- scenario ---------------------------------------------------------------------------

    def load(self, scenario: Scenario) -> None:
        self.pause()
        self.scenario = scenario
        self.twin = Twin(scenario.system, seed=scenario.seed, start=scenario.start)
        self.runner = self._new_runner(scenario)  # autoplay, or trainee (section below)
        self.recorded = []
        self._state: StateDoc | None = None
        self._volumes: VolumeArrays | None = None
        self._graph: nx.Graph | None = None
        self.scenarioLoaded.emit()
        self._emit_frame()

    def open(self, path: str | Path) -> Scenario:
        """Load a scenario file; raises twin.scenario.ScenarioError for a bad one, leaving
        the current scenario untouched."""
        scenario = load_scenario(str(path))
        self._trainee = None  # a new scenario opens in autoplay
        self.load(scenario)
        return scenario

    def restart(self) -> None:
        self.load(self.scenario)

    # -- the one command path --------------------------------------------------------------

    def apply(self, action: Action) -> Result:
        res = self._apply_to_engine(action)  # the trainee's go through the runner (below)
        if res.ok:  # recorded as a scenario step: a password is never kept
            self.recorded.append((self.twin.now,
                dataclasses.replace(action, password=None)  # type: ignore[call-arg]
                if hasattr(action, "password") else action))
        self.actionResult.emit(res)
        self._emit_frame()
        return res

    def session_yaml(self) -> str:
        """This session as a scenario file: replayed with the same seed, the same run."""
        doc = session_scenario(self.scenario, self.runner.steps, self.recorded)
        return to_yaml(doc)

    def state(self) -> StateDoc:
        """The state document, built at most once per frame."""
        if self._state is None:
            self._state = self.twin.state()
        return self._state

    # -- what views need besides the state document ------------------------------------------
    # The static scenario (its system, the topology graph built from it), the engine's
    # outputs (the time series, the event log) and the runner's position; the per-volume
    # and per-node figures come from the state document.

    @property
    def system(self) -> SystemConfig:
        """The scenario's system configuration (a value, not engine state)."""
        return self.scenario.system

    def graph(self) -> nx.Graph:
        """The topology graph, built from the scenario's system for the scene (once per
        scenario: the engine does not need it)."""
        if self._graph is None:
            self._graph = build_topology(self.scenario.system)
        return self._graph

    def volume_names(self) -> list[str]:
        """The consistency group's volumes, in order (``replication.per_volume.name``)."""
        return [f"{wl}/{i}" for wl, i, _ in volume_layout(self.scenario.system)]

    def failed_compute_nodes(self, rack: str) -> frozenset[int]:
        """``racks.<rack>.compute_nodes.failed_nodes``."""
        return frozenset(self.state()["racks"][rack]["compute_nodes"]["failed_nodes"])

    def volume_arrays(self) -> VolumeArrays:
        """``replication.per_volume`` as arrays (an unbounded RPO is inf), once a frame."""
        if self._volumes is None:
            v = self.state()["replication"]["per_volume"]
            self._volumes = VolumeArrays(
                v["name"], v["state"], np.asarray(v["lag_bytes"], dtype=float),
                np.array([math.inf if x is None else x for x in v["rpo_s"]], dtype=float),
                np.asarray(v["progress"], dtype=float))
        return self._volumes

    def volume_details(self) -> list[dict[str, Any]]:
        """The monitoring table's rows (R9): ``replication.per_volume`` as rows."""
        v = self.volume_arrays()
        return [{"volume": n, "state": v.states[i], "progress": float(v.progress[i]),
                 "lag_bytes": float(v.lag_bytes[i]), "rpo_s": float(v.rpo_s[i])}
                for i, n in enumerate(v.names)]

    def series(self) -> TimeSeries:
        """The time series the plots draw (ring buffers, ``version`` bumps per sample).
        Stays a typed accessor (architecture.md: hot paths), not a state-document key."""
        return self.twin.series

    def events(self) -> list[Event]:
        """The event log, in time order (appended to; a new list for a new twin)."""
        return self.twin.events

    def step_progress(self) -> StepProgress:
        """The scenario runner's position: ``scenario.next_step``/``scenario.waiting``."""
        return StepProgress(self.runner.done, self.runner.next_index, self.runner.waiting)

    # -- time ---------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.twin.now

    def play(self) -> None:
        if not self.playing:
            self.playing = True
            self._clock.start()
            self._timer.start()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if getattr(self, "playing", False):
            self.playing = False
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        self.speed = float(min(max(speed, SPEEDS[0]), SPEEDS[-1]))
        self.speedChanged.emit(self.speed)

    def faster(self) -> None:
        self.set_speed(next((s for s in SPEEDS if s > self.speed), SPEEDS[-1]))

    def slower(self) -> None:
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0]))

    def advance(self, dt: float) -> None:
        """Advance simulated time by ``dt`` seconds, playing the scenario's due steps."""
        self._finished(self.runner.advance_to(self._until(self.twin.now + dt)))
        self._emit_frame()
        self._after_advance()

    def step_event(self) -> None:
        """Run to the next engine event (or the next scenario step, if that comes first)."""
        nxt = self.twin.next_event_time()
        if not self.runner.done and not self.runner.waiting:
            due = self.runner.due_at(self.scenario.steps[self.runner.next_index])
            if nxt is None or due <= nxt:
                self._finished(self.runner.advance_to(due))
                self._emit_frame()
                return
        if self.runner.waiting and nxt is not None:
            self._finished(self.runner.advance_to(nxt))
        else:
            self.twin.step()
        self._emit_frame()

    def advance_to(self, t: float) -> None:
        """Play to simulated time ``t`` at once (for --screenshot and tests)."""
        if t > self.twin.now:
            self.advance(t - self.twin.now)

    def _finished(self, steps: list[StepResult]) -> None:
        for s in steps:
            self.stepFinished.emit(s)

    def _tick(self) -> None:
        real_dt = self._clock.restart() / 1000.0
        real_dt = min(real_dt, 0.1)  # a stalled frame does not jump the clock
        if real_dt > 0 and math.isfinite(real_dt):
            self.advance(real_dt * self.speed)

    def _emit_frame(self) -> None:
        self._state = None
        self._volumes = None
        self.frame.emit()


    # == trainee mode (issue 10) ================================================================
    # In trainee mode the runner plays the instructor's steps on their timeline and not the
    # operator's (the answer key); the trainee's console actions go through runner.act(),
    # refused attempts included. The session ends at Finish, at the end of the timeline or
    # at the time limit: the run is assessed, its report kept (and written to the history
    # by app/trainee). Everything trainee mode needs from the engine is read here.

    sessionEnded = Signal(object)  # the run report (dict) of a trainee session that ended
    _trainee: tuple[str | None] | None = None  # (trainee's name,) while in trainee mode
    _session_report: dict[str, Any] | None = None

    def _new_runner(self, scenario: Scenario) -> Runner:
        self._session_report = None
        if self._trainee is None:
            return Runner(scenario, self.twin)
        return Runner(scenario, self.twin, mode="trainee", trainee_name=self._trainee[0])

    @property
    def mode(self) -> str:
        """``autoplay`` (every step runs) or ``trainee`` (the trainee acts)."""
        return "trainee" if self._trainee is not None else "autoplay"

    @property
    def trainee_name(self) -> str | None:
        return self._trainee[0] if self._trainee is not None else None

    def play_as_trainee(self, name: str | None) -> None:
        """Restart the scenario in trainee mode, played by ``name``."""
        self._trainee = ((name or "").strip() or None,)
        self.load(self.scenario)

    def play_autoplay(self) -> None:
        """Restart the scenario in autoplay (every step runs)."""
        self._trainee = None
        self.load(self.scenario)

    @property
    def session_over(self) -> bool:
        return self._session_report is not None

    @property
    def session_report(self) -> dict[str, Any] | None:
        """The report of the trainee session that ended (None while it goes on)."""
        return self._session_report

    @property
    def time_limit_s(self) -> float | None:
        return self.scenario.time_limit_s if self.mode == "trainee" else None

    def time_left_s(self) -> float | None:
        limit = self.time_limit_s
        return None if limit is None else max(0.0, limit - self.twin.now)

    def _apply_to_engine(self, action: Action) -> Result:
        if self.mode != "trainee":
            return self.twin.apply(action)
        if self.session_over:
            return Result(False, "The session is over: the run has been assessed.",
                          "restart the scenario to play again")
        if action.kind != "console":
            return Result(False, f"{action.do} is the instructor's, not the trainee's.",
                          "the instructor's steps run on the scenario's timeline")
        return self.runner.act(action)

    def _until(self, t: float) -> float:
        """Where time may go: never past the end of a trainee session or its limit."""
        if self.mode != "trainee":
            return t
        if self.session_over:
            return self.twin.now
        limit = self.time_limit_s
        return t if limit is None else min(t, limit)

    def _after_advance(self) -> None:
        """End the trainee session at its time limit or at the end of its timeline."""
        if self.mode != "trainee" or self.session_over:
            return
        limit = self.time_limit_s
        at_limit = limit is not None and self.twin.now >= limit
        if at_limit or (self.scenario.steps and self.runner.done):
            self.finish_session()

    def finish_session(self) -> dict[str, Any]:
        """End the trainee session now: stop the clock, assess the run, say so
        (``sessionEnded``). Idempotent."""
        if self._session_report is None:
            self.pause()
            self._session_report = self.runner.report()
            self.sessionEnded.emit(self._session_report)
            self._emit_frame()
        return self._session_report

    def hint(self) -> str:
        """The next expected action (the answer key's), recorded: it costs points."""
        text = self.runner.hint()
        self._emit_frame()
        return text

    def hints_used(self) -> int:
        return len(self.runner.hints)

    def trainee_actions(self) -> list[tuple[float, str, bool, str]]:
        """The trainee's actions so far: (time, do, accepted, message)."""
        return [(a.at_s, a.action.do, a.accepted, a.message) for a in self.runner.actions]

    def step_results(self) -> list[StepResult]:
        """The scenario's steps finished so far (waits and checks are assessment items)."""
        return list(self.runner.steps)

    def objectives_now(self) -> dict[str, Any]:
        """The scenario's RPO/RTO objectives against the run so far (twin.runner.grade)."""
        outcome = self.twin.outcome.to_dict(self.twin.now)
        return grade(self.scenario.objectives, outcome, self.twin.now)

    def session_actions_yaml(self) -> str:
        """The trainee's actions file (twin/session.py): replayed with
        ``drtwin run FILE --trainee``, the same run and assessment."""
        return dump_actions(self.runner)

    # -- reports and the run history (twin/aar.py, twin/history.py) ------------------------

    def report_html(self, report: dict[str, Any], made_at: Any = None,
                    run_id: int | None = None, scenario_text: str | None = None) -> str:
        """The after-action report of ``report`` as one HTML page."""
        text = self.scenario.source_text if scenario_text is None else scenario_text
        return aar.render(report, made_at=made_at,
                          description=aar.scenario_info(text)["description"],
                          scenario_sha256=aar.text_sha256(text), run_id=run_id)

    def write_report(self, report: dict[str, Any], out: str | Path, **meta: Any) -> Path:
        """Write the HTML report (and its JSON beside it); raises OSError."""
        text = self.scenario.source_text
        meta.setdefault("description", aar.scenario_info(text)["description"])
        meta.setdefault("scenario_sha256", aar.text_sha256(text))
        return aar.write(report, out, **meta)[0]

    @staticmethod
    def history() -> History | None:
        """The run history ($DRTWIN_HISTORY, else the user's data folder; None: off).
        Raises HistoryError (its message names the file)."""
        path = history_path()
        if path is None:
            return None
        return History(path, create_dirs=not os.environ.get("DRTWIN_HISTORY"))

    def record_session(self, report: dict[str, Any], started_at: Any) -> int | None:
        """Keep ``report`` in the run history; its id (None: the history is off).
        Raises HistoryError."""
        history = self.history()
        if history is None:
            return None
        return history.record(report, self.scenario.source_text, started_at)
