"""The application's controller: owns the Twin and the scenario Runner, drives simulated
time from a QTimer, and is the one path from widgets to the engine (architecture.md).

Widgets read ``controller.state()`` (the typed state document, cached once per frame) and
call ``controller.apply(action)``; they redraw on ``frame`` (at most once per frame, never
once per engine event). Only this module holds the twin (tests/test_architecture.py);
besides the state document, views get the static scenario (its system and topology
graph), the engine's outputs (time series, event log) and the runner's position."""

from __future__ import annotations

import csv
import dataclasses
import math
import os
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import yaml
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from twin import aar
from twin.actions import Action
from twin.config import SystemConfig, volume_layout
from twin.events import Event, Result
from twin.history import History, history_path
from twin.history import HistoryError as HistoryError  # for app/trainee
from twin.recording import session_scenario, to_yaml
from twin.runner import Runner, StepResult, grade, versus
from twin.scenario import Scenario, load_scenario
from twin.session import dump_actions
from twin.statedoc import StateDoc
from twin.summary import end_summary
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
    """Where the scenario's timeline is: all done, the index of the next step, whether
    that step is waiting for a condition, and when that wait times out."""

    done: bool
    next_index: int
    waiting: bool
    wait_deadline_s: float | None = None


class DropRequest:
    """The run is about to be dropped (another scenario, a restart, a mode switch, the
    window closing): ``what`` for (``"restart the scenario"``). A slot of
    ``Controller.dropRequested`` keeps the run with :meth:`keep` (app/session/keeper.py:
    the trainee's unsaved work)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.kept = False

    def keep(self) -> None:
        self.kept = True


class Controller(QObject):
    frame = Signal()  # state changed: redraw (emitted at most once per frame)
    actionResult = Signal(object)  # twin.events.Result of an action from the GUI
    stepFinished = Signal(object)  # twin.runner.StepResult of a scenario step
    scenarioLoaded = Signal()  # a new Twin: views rebuild (controller.graph())
    dropRequested = Signal(object)  # a DropRequest before the run is dropped: may keep it
    # an autoplay run's timeline has ended (its last step ran): the run report at that
    # moment, as `drtwin run` ends it; once per run (app/session/recorder.py keeps it)
    runEnded = Signal(object)
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
        self._load(scenario)

    # -- scenario ---------------------------------------------------------------------------
    # Every (re)load drops the run: first ``dropRequested`` (``may_drop``), and a slot that
    # keeps the run (an unsaved trainee session the user will not lose) cancels the load.

    def may_drop(self, what: str) -> bool:
        """Whether the run may be dropped to ``what`` (asks ``dropRequested``'s slots)."""
        request = DropRequest(what)
        self.dropRequested.emit(request)
        return not request.kept

    def load(self, scenario: Scenario, what: str = "load the scenario again") -> bool:
        """Start ``scenario`` afresh (False: a slot of ``dropRequested`` kept the run)."""
        if not self.may_drop(what):
            return False
        self._load(scenario)
        return True

    def _load(self, scenario: Scenario) -> None:
        self.pause()
        self.scenario = scenario
        self.twin = Twin(scenario.system, seed=scenario.seed, start=scenario.start)
        self.runner = self._new_runner(scenario)  # autoplay, or trainee (section below)
        self.recorded = []
        self._attempts: list[tuple[float, Action]] = []  # every GUI action, refused too
        self._timelines: list[_Timeline] = []  # the branches, once Branch here is used
        self._ended: set[int] = set()  # the runners whose end runEnded has said
        self._state: StateDoc | None = None
        self._volumes: VolumeArrays | None = None
        self._graph: nx.Graph | None = None
        self.scenarioLoaded.emit()
        self._emit_frame()

    def open(self, path: str | Path) -> Scenario | None:
        """Load a scenario file; raises twin.scenario.ScenarioError for a bad one, leaving
        the current scenario untouched. None: the current run was kept (``may_drop``)."""
        scenario = load_scenario(str(path))
        if not self.may_drop(f"open {scenario.name}"):
            return None
        self._trainee = None  # a new scenario opens in autoplay
        self._load(scenario)
        return scenario

    def restart(self) -> bool:
        return self.load(self.scenario, "restart the scenario")

    # -- the one command path --------------------------------------------------------------

    def apply(self, action: Action) -> Result:
        if self.runner.frozen:  # the instructor station's freeze (below)
            res = Result(False, "Paused by the instructor: wait for the exercise to resume")
            self.actionResult.emit(res)
            return res
        res = self._apply_to_engine(action)  # the trainee's go through the runner (below)
        self._attempts.append((self.twin.now, action))  # a branch replays them (with passwords)
        if res.ok:  # recorded as a scenario step: a password is never kept
            self.recorded.append((self.twin.now,
                dataclasses.replace(action, password=None)  # type: ignore[call-arg]
                if hasattr(action, "password") else action))
        self.actionResult.emit(res)
        self._emit_frame()
        return res

    def session_yaml(self) -> str:
        """This session as a scenario file: replayed with the same seed, the same run."""
        ran = [s for s in self.runner.steps if s.instructor != "skipped"]
        doc = session_scenario(self.scenario, ran, self.recorded)
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
        """The scenario runner's position: ``scenario.next_step``/``scenario.waiting``
        (and the wait's deadline)."""
        return StepProgress(self.runner.done, self.runner.next_index, self.runner.waiting,
                            self.runner.wait_deadline_s)

    # -- time ---------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.twin.now

    def play(self) -> None:
        if self.runner.frozen:
            return  # the instructor has frozen the exercise: play does nothing
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
        """Advance simulated time by ``dt`` seconds, playing the scenario's due steps; never
        past ``hold_at`` (presenter mode: a pause note's time)."""
        t = self.twin.now + dt
        if self.hold_at is not None and self.twin.now < self.hold_at < t:
            t = self.hold_at
        until = self._until(t)
        if self._may_end():  # stop at the last step: the report as `drtwin run` ends it
            self._finished(self.runner.advance_to(until, settle=False))
            self._end_of_run()
        self._finished(self.runner.advance_to(until))
        self._emit_frame()
        self._after_advance()

    def step_event(self) -> None:
        """Run to the next engine event (or the next scenario step, if that comes first)."""
        if self.runner.frozen:
            return
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
        self._end_of_run()  # however the last step came (played, stepped, fired now)
        self.frame.emit()

    # -- the end of an autoplay run: said once per run (runEnded) ----------------------------

    def _may_end(self) -> bool:
        """An autoplay run with a timeline that has not ended yet."""
        return (self.mode == "autoplay" and bool(self.scenario.steps)
                and id(self.runner) not in self._ended)

    def _end_of_run(self) -> None:
        if self._may_end() and self.runner.done:
            self._ended.add(id(self.runner))
            self._state = None
            self._volumes = None
            self.runEnded.emit(self.runner.report())

    # -- the instructor station (issue 11; app/instructor/) ---------------------------------
    # The instructor's controls over the runner's pending timeline, each at the current
    # simulated time and recorded by the runner (its report's ``instructor`` section).
    # Each answers a twin.events.Result: a control that cannot apply is a message, never
    # an exception. ``conceals_timeline``: the main window shows nothing of what is coming.

    instructorChanged = Signal()  # the timeline, the freeze, the hints or observations
    frozenChanged = Signal(bool)
    hintSent = Signal(str)

    instructor_open = False  # an instructor station is attached to this controller

    @property
    def frozen(self) -> bool:
        return bool(self.runner.frozen)

    @property
    def conceals_timeline(self) -> bool:
        """The trainee's window must not show the upcoming steps: in trainee mode, or
        whenever an instructor station runs the exercise."""
        return self.runner.mode == "trainee" or self.instructor_open

    def _instructor(self, control: Any, *args: Any) -> Result:
        from twin.runner import InstructorError

        try:
            out = control(*args)
        except InstructorError as e:
            return Result(False, str(e))
        if isinstance(out, StepResult):
            self.stepFinished.emit(out)
        self.instructorChanged.emit()
        self._emit_frame()
        if isinstance(out, Result):
            return out
        if isinstance(out, StepResult):
            return Result(out.ok, out.message)
        return Result(True, "done")

    def fire_now(self, index: int) -> Result:
        return self._instructor(self.runner.fire_now, index)

    def delay_step(self, index: int, seconds: float) -> Result:
        return self._instructor(self.runner.delay, index, seconds)

    def skip_step(self, index: int) -> Result:
        return self._instructor(self.runner.skip, index)

    def inject(self, action: Action) -> Result:
        """An instructor's fault now (the fault palette): recorded by the runner, and as a
        step of the saved session."""
        res = self._instructor(self.runner.inject, action)
        if res.ok:
            self.recorded.append((self.twin.now, action))
        return res

    def freeze(self) -> Result:
        self.pause()
        res = self._instructor(self.runner.freeze)
        if res.ok:
            self.frozenChanged.emit(True)
        return res

    def resume(self) -> Result:
        res = self._instructor(self.runner.resume)
        if res.ok:
            self.frozenChanged.emit(False)
        return res

    def send_hint(self, text: str) -> Result:
        res = self._instructor(self.runner.send_hint, text)
        if res.ok:
            self.hintSent.emit(self.runner.instructor_hints[-1]["text"])
        return res

    def observe(self, text: str) -> Result:
        return self._instructor(self.runner.observe, text)

    def timeline(self) -> list[dict[str, Any]]:
        """The events list: a row per scenario step (the MSEL columns of twin/msel.py, its
        ``index``, ``state`` and ``delay_s``), then the injects added during the run."""
        from twin import msel

        if getattr(self, "_msel_for", None) is not self.scenario:
            self._msel_rows = msel.rows(self.scenario)
            self._msel_for = self.scenario
        out = [{**row, "index": i, "state": self.runner.step_state(i),
                "delay_s": self.runner.delay_of(i)} for i, row in enumerate(self._msel_rows)]
        for r in self.runner.interventions:
            if r["what"] == "inject":
                fields = {k: v for k, v in r.items()
                          if k not in ("at_s", "what", "do", "accepted", "message")}
                out.append({**msel.inject_row(r["at_s"], {"do": r["do"], **fields}),
                            "index": None, "state": "fired" if r["accepted"] else "refused",
                            "delay_s": 0.0})
        return out

    def answer_key_rows(self) -> list[dict[str, Any]]:
        """The procedure's steps (the scenario's operator steps), each with when the
        timeline reached it and when an accepted console action matched it."""
        journal = [e for e in self.twin.journal if e.action.kind == "console" and e.result.ok]
        reached = {k["index"]: k.get("expected_at_s") for k in self.runner.answer_key}
        used: set[int] = set()
        out = []
        for step in self.scenario.steps:
            if step.role != "operator":
                continue
            a = step.action
            match = next((i for i, e in enumerate(journal) if i not in used
                          and e.action.do == a.do
                          and getattr(e.action, "rack", None) == getattr(a, "rack", None)),
                         None)
            if match is not None:
                used.add(match)
            out.append({"index": step.index, "describe": a.describe(),
                        "reached_at_s": reached.get(step.index),
                        "done_at_s": None if match is None else journal[match].t_s})
        return out

    def trainee_action_rows(self) -> list[dict[str, Any]]:
        """Every console action so far, accepted or refused, in time order."""
        return [{"at_s": e.t_s, "describe": e.action.describe(), "accepted": e.result.ok,
                 "message": e.result.text} for e in self.twin.journal
                if e.action.kind == "console"]

    def instructor_log(self) -> dict[str, Any]:
        """The report's ``instructor`` section so far: interventions, hints, observations."""
        return self.runner.instructor_record()

    def report(self) -> dict[str, Any]:
        """The run report so far (twin/runner.py), as ``drtwin run --json`` gives it; its
        ``assessment`` is the running score."""
        return self.runner.report()

    def timeline_csv(self) -> str:
        from twin import msel

        return msel.to_csv(self.scenario)

    def import_timeline_csv(self, text: str, source: str = "the CSV") -> Result:
        """Replace the scenario's steps by the rows of an MSEL CSV and start again; a bad
        CSV (or steps the loader refuses) is a message and leaves the session as it was."""
        from twin import msel
        from twin.scenario import ScenarioError, load_scenario_text

        try:
            steps = msel.steps_from_csv(text)
            doc = msel.with_steps(self.scenario.source_text, steps)
            scenario = load_scenario_text(doc, self.scenario.path or "<text>")
        except msel.MselError as e:
            return Result(False, f"{source}: {e}")
        except ScenarioError as e:
            where = f"{e.field}: " if e.field else ""
            return Result(False, f"{source}: the rows do not make a valid scenario: "
                                 f"{where}{e.message}")
        except (csv.Error, yaml.YAMLError, ValueError) as e:
            return Result(False, f"{source}: cannot read it as a timeline ({e})")
        if not self.load(scenario, "import a new timeline"):
            return Result(False, f"{source}: not imported: the trainee's session was kept")
        self.instructorChanged.emit()
        return Result(True, f"{len(steps)} steps imported from {source}; the exercise "
                            "starts again")
    # -- presenter mode (app/presenter) and branches (app/branch): issue 11 ---------------------

    hold_at: float | None = None  # advance() stops here (the presenter's next pause note)

    def chapters(self) -> list[Chapter]:
        """Every ``note`` step of the scenario with the simulated time it runs at, from a
        headless run of the scenario alone (deterministic: the same times as here), once
        per scenario."""
        if self._chapters is None or self._chapters[0] is not self.scenario:
            other = Runner(self.scenario)
            other.advance_to(math.inf)
            notes = [Chapter(s.index, s.at_s, getattr(s.action, "text", ""),
                             bool(getattr(s.action, "pause", False)))
                     for s in other.steps if s.do == "note"]
            self._chapters = (self.scenario, notes)
        return self._chapters[1]

    _chapters: tuple[Scenario, list[Chapter]] | None = None
    _following = False  # _follow is connected to frame

    def jump_to(self, t: float) -> bool:
        """Replay the scenario from its start to simulated time ``t`` (a chapter): the
        actions applied here are dropped, the run is the scenario's own (False: the run was
        kept, ``may_drop``)."""
        playing = self.playing
        if not self.load(self.scenario, "replay the scenario from its start"):
            return False
        hold, self.hold_at = self.hold_at, None
        self.advance_to(t)
        self.hold_at = hold
        if playing:
            self.play()
        return True


    def summary(self) -> dict[str, Any]:
        """The end summary of the run so far (twin/summary.py)."""
        return end_summary(self.report())

    # branches: Branch here forks the timeline the window drives; both then play in step

    @property
    def branch_at(self) -> float | None:
        """When the timeline was forked (None: no branch)."""
        return self._timelines[1].at_s if self._timelines else None

    @property
    def driving(self) -> int:
        """Which branch the window drives (0: the original, 1: the branch)."""
        return next((i for i, tl in enumerate(self._timelines) if tl.runner is self.runner), 0)

    def branch_names(self) -> list[str]:
        return [tl.name for tl in self._timelines]

    def branch(self) -> None:
        """Fork the run now: a second twin rebuilt by replaying the scenario and this
        window's actions (refused ones too) to this instant. Raises ValueError if the run
        is already branched."""
        if self._timelines:
            raise ValueError("the run is already branched: restart the scenario to branch "
                             "again")
        at = self.twin.now
        if self.runner.mode == "autoplay":
            other = Runner(self.scenario)
            for t, action in self._attempts:
                other.advance_to(t)
                other.twin.apply(action)
            other.advance_to(at)
        else:
            other = self.runner.branch(at)
        self._timelines = [
            _Timeline("A", self.runner, self.recorded, self._attempts, 0.0),
            _Timeline("B", other, list(self.recorded), list(self._attempts), at)]
        if not self._following:
            self._following = True
            self.frame.connect(self._follow)
        self._emit_frame()

    def switch_branch(self, index: int) -> None:
        """Drive branch ``index`` from the window (both stay at the same time)."""
        if not 0 <= index < len(self._timelines) or index == self.driving:
            return
        self._follow()
        tl = self._timelines[index]
        self.runner, self.twin = tl.runner, tl.runner.twin
        self.recorded, self._attempts = tl.recorded, tl.attempts
        self.scenarioLoaded.emit()  # the views rebuild on this twin
        self._emit_frame()

    def branch_reports(self) -> list[dict[str, Any]]:
        """Each branch's run report so far, in branch order."""
        self._follow()
        return [tl.runner.report() for tl in self._timelines]

    def branch_versus(self) -> dict[str, Any]:
        """The two branches side by side and what differs (twin/runner.py versus)."""
        a, b = self.branch_reports()
        return versus(a, b)

    def branch_series(self, index: int) -> TimeSeries:
        return self._timelines[index].runner.twin.series

    def branch_events(self, index: int) -> list[Event]:
        return self._timelines[index].runner.twin.events

    def branch_session_yaml(self, index: int) -> str:
        """Branch ``index`` as a scenario file (File > Save session, for that branch)."""
        tl = self._timelines[index]
        return to_yaml(session_scenario(self.scenario, tl.runner.steps, tl.recorded))

    def _follow(self) -> None:
        """Bring the branch the window does not drive to the window's time."""
        for tl in self._timelines:
            if tl.runner is not self.runner and tl.runner.twin.now < self.twin.now:
                tl.runner.advance_to(self.twin.now)


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


    # -- the end of an autoplay run (issue 10: "no end-of-run result in the GUI") -----------

    def verdict(self) -> str:
        """The run's result as the headless summary ends it: PASS/FAIL, the assessment and
        what PASS does not say (an objective missed, data lost)."""
        from twin.runner import summary

        lines = summary(self.runner.report()).splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.startswith("Result:")), len(lines))
        return "\n".join(lines[start:])

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

    def play_as_trainee(self, name: str | None) -> bool:
        """Restart the scenario in trainee mode, played by ``name`` (False: the run was
        kept, ``may_drop``)."""
        if not self.may_drop("start a new trainee session"):
            return False
        self._trainee = ((name or "").strip() or None,)
        self._load(self.scenario)
        return True

    def play_autoplay(self) -> bool:
        """Restart the scenario in autoplay (every step runs); False: the run was kept."""
        if not self.may_drop("go back to autoplay"):
            return False
        self._trainee = None
        self._load(self.scenario)
        return True

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


class Chapter(NamedTuple):
    """A note of the scenario: a chapter of presenter mode."""

    step: int  # the step's index in the scenario
    at_s: float
    text: str
    pause: bool


class _Timeline(NamedTuple):
    """One branch: its runner (and twin), its recorded and attempted GUI actions."""

    name: str
    runner: Runner
    recorded: list[tuple[float, Action]]
    attempts: list[tuple[float, Action]]
    at_s: float  # when it was forked (0 for the original)
