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
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from twin.actions import Action
from twin.config import SystemConfig, volume_layout
from twin.events import Event, Result
from twin.recording import session_scenario, to_yaml
from twin.runner import Runner, StepResult
from twin.scenario import Scenario, load_scenario
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
        self.runner = Runner(scenario, self.twin)
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
        self.load(scenario)
        return scenario

    def restart(self) -> None:
        self.load(self.scenario)

    # -- the one command path --------------------------------------------------------------

    def apply(self, action: Action) -> Result:
        res = self.twin.apply(action)
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
        self._finished(self.runner.advance_to(self.twin.now + dt))
        self._emit_frame()

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

    # -- strategies: the comparison and what-if sweeps (issue 12; the app.compare room) -------
    # Engine reads for a room that may not import twin.strategies or twin.sweep. They read
    # the scenario as loaded (not the session), touch no state of this controller, and so
    # are safe to call from a worker thread.

    def strategy_names(self) -> tuple[str, ...]:
        from twin.strategies import STRATEGIES

        return STRATEGIES

    def compare_strategies(self, strategies: list[str] | None = None) -> dict[str, Any]:
        """``twin.strategies.compare`` of the scenario; raises ValueError (CompareError)
        with the reason when it cannot be compared (no disaster)."""
        from twin.strategies import compare

        return compare(self.scenario, strategies)

    def check_vary(self, text: str) -> tuple[str, tuple[Any, ...]]:
        """``PATH=VALUES`` read as the CLI's --vary: (path, values); ValueError (SweepError)
        saying what is wrong."""
        import copy

        import yaml

        from twin.scenario import ScenarioError, load_scenario_text
        from twin.sweep import parse_vary, set_path

        v = parse_vary(text)
        if not v.values:
            raise ValueError(f"--vary {text!r}: give at least one value after '='")
        # a path the scenario file has no such field for is a typo, said now rather than
        # as every row impossible; a value out of range stays a row that says why
        doc = copy.deepcopy(yaml.safe_load(self.scenario.source_text) or {})
        set_path(doc, v.path, v.values[0])
        try:
            load_scenario_text(yaml.safe_dump(doc, sort_keys=False), "<vary>")
        except ScenarioError as e:
            if "unknown field" in e.message:
                raise ValueError(f"--vary {text!r}: {e.field}: {e.message}") from None
        return v.path, v.values

    def run_sweep(self, varies: list[str], monte_carlo: int | None,
                  strategies: list[str] | None, workers: int,
                  progress: Any = None, cancelled: Any = None) -> dict[str, Any]:
        """``twin.sweep.sweep`` of the scenario on local processes (spawned: this process
        has Qt's threads), in small batches so that the progress moves and a cancel stops
        within a run or two."""
        from twin.sweep import BATCH, parse_vary, plan, sweep

        parsed = [parse_vary(v) for v in varies]
        n = len(plan(parsed, monte_carlo))
        batch = max(1, min(BATCH, 10, math.ceil(n / (max(workers, 1) * 20))))
        return sweep(self.scenario.source_text, self.scenario.path, parsed, monte_carlo,
                     strategies, workers=workers, progress=progress, cancelled=cancelled,
                     batch=batch, start_method="spawn")

    @staticmethod
    def sweep_csv(result: dict[str, Any]) -> str:
        from twin.sweep import to_csv

        return to_csv(result)
