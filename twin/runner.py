"""Play a scenario headless and produce the run report of scenario-format.md.

A step runs when the one before it is done and its ``at`` (absolute) or ``after`` (since
the previous step finished) time has come. ``wait`` runs the twin until its condition
holds or its timeout passes; ``check`` compares the state document now. A console action
that the system refuses is recorded, and the run goes on; ``expect: refused`` inverts
what counts as as expected.

Two modes (scenario-format.md, "Who does what"): in **autoplay** every step runs; in
**trainee** mode the instructor's steps run on their timeline and the operator's steps
are not played — they are the answer key, reached at their time — while the trainee acts
(:meth:`Runner.act`, from the GUI, or a planned list of actions with absolute times for
``drtwin run --trainee``). At equal times the instructor's steps come first. Every run
ends with an assessment (twin/assessment.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin import actions as A
from twin.assessment import RunFacts, assess
from twin.durations import format_bytes, format_duration
from twin.events import Result
from twin.scenario import Scenario, Step
from twin.summary import cost_rates
from twin.twin import Twin

MODES = ("autoplay", "trainee")
SKIPPED_MESSAGE = "skipped by the instructor"

DEFAULT_WAIT_TIMEOUT_S = 24 * 3600.0
_MISSING = object()


def lookup(state: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the state document, or a sentinel if absent."""
    cur: Any = state
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return _MISSING
    return cur


def matches(actual: Any, expected: Any) -> bool:
    """A literal (numbers compare with a small tolerance) or a range {min, max}."""
    if actual is _MISSING:
        return False
    if isinstance(expected, dict) and set(expected) <= {"min", "max"} and expected:
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        lo, hi = expected.get("min"), expected.get("max")
        return (lo is None or actual >= lo) and (hi is None or actual <= hi)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected or actual == expected and type(actual) is type(expected)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, list) and isinstance(actual, (list, tuple)):
        return list(actual) == expected
    return bool(actual == expected)


def _plain(v: Any) -> Any:
    return None if v is _MISSING else v


def _shown(v: Any) -> str:
    """How a value reads in a message: an absent path says so (a typo, or not yet there)."""
    return "(absent)" if v is _MISSING else repr(v)


@dataclass
class StepResult:
    """What became of one step of the scenario: when, whether it went as expected, why."""
    index: int
    at_s: float
    do: str
    ok: bool
    message: str
    accepted: bool | None = None  # did the system take the action (None: not an action)
    by: str = "instructor"  # whose step: instructor | operator
    skipped: bool = False  # an operator step not played in trainee mode (the answer key)
    action: A.Action | None = None
    instructor: str = ""  # fired (early, by the instructor) | skipped (by the instructor)


@dataclass
class TraineeAction:
    """One action of the trainee (or of the actions file standing in for the trainee)."""

    at_s: float
    action: A.Action
    expect: str | None  # refused: a refused attempt replayed as such
    accepted: bool
    ok: bool  # as expected
    message: str


class Runner:
    """Runs a scenario step by step; the GUI drives the same object one step at a time.
    ``mode`` is autoplay or trainee; ``trainee`` (trainee mode, headless) is the planned
    actions with their absolute ``at``; ``trainee_name`` names who played."""

    def __init__(self, scenario: Scenario, twin: Twin | None = None, *,
                 mode: str = "autoplay", trainee: list[Step] | None = None,
                 trainee_name: str | None = None, hints: list[float] | None = None,
                 progress: Callable[[float], None] | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.scenario = scenario
        self.twin = twin or Twin(scenario.system, seed=scenario.seed, start=scenario.start)
        self.mode = mode
        self.trainee_name = trainee_name
        # called with the simulated time after every event (drtwin run's progress bar and
        # Ctrl-C: it may raise to stop the run between two events); the run is the same
        self.progress = progress
        self.steps: list[StepResult] = []
        self.checks: list[dict[str, Any]] = []
        self.actions: list[TraineeAction] = []  # the trainee's, in trainee mode
        self.answer_key: list[dict[str, Any]] = []  # the operator steps not played
        self.hints: list[float] = []
        self.next_index = 0
        self._prev_done_at = 0.0
        self._waiting: tuple[float, float] | None = None  # (started, deadline) of a wait
        self._accepted: bool | None = None  # of the step being executed
        self._skipped = False
        self._plan = sorted(trainee or [], key=lambda st: (st.at_s or 0.0, st.index))
        self._planned_hints = sorted(hints or [])
        if mode == "autoplay" and (self._plan or self._planned_hints):
            raise ValueError("trainee actions are played in trainee mode")
        self._init_instructor()

    @property
    def waiting(self) -> bool:
        return self._waiting is not None

    @property
    def wait_deadline_s(self) -> float | None:
        """When the ``wait`` in progress times out (None: no wait in progress)."""
        return None if self._waiting is None else self._waiting[1]

    @property
    def done(self) -> bool:
        return self.next_index >= len(self.scenario.steps)

    def due_at(self, step: Step) -> float:
        delay = self._delay_s.get(step.index, 0.0)  # the instructor's delay, if any
        if step.at_s is not None:
            return max(step.at_s + delay, self.twin.now)
        return max(self._prev_done_at + (step.after_s or 0.0) + delay, self.twin.now)

    @property
    def time_limit_s(self) -> float | None:
        return self.scenario.time_limit_s if self.mode == "trainee" else None

    def advance_to(self, t: float, settle: bool = True) -> list[StepResult]:
        """Play the scenario up to simulated time ``t`` (math.inf: to its last step and the
        last planned trainee action) and return the steps finished on the way. Never blocks
        on a ``wait``: the GUI calls this once a frame, and a wait in progress carries over
        to the next call. A planned trainee action runs at its time, after the instructor's
        steps due then. ``settle=False``: stop at the last step or planned action instead
        of running the clock on to ``t`` (a headless run that ends before its time limit)."""
        finished: list[StepResult] = []
        if self.frozen:
            return finished  # frozen by the instructor: no time passes
        while True:
            nxt = min([x for x in (self._plan[0].at_s if self._plan else None,
                                   self._planned_hints[0] if self._planned_hints else None)
                       if x is not None], default=math.inf)
            finished += self._advance_timeline(min(t, nxt), settle or nxt <= t)
            if nxt > t or not math.isfinite(nxt):
                break
            if self._planned_hints and self._planned_hints[0] <= nxt:
                self._planned_hints.pop(0)
                self.hint()
                continue
            step = self._plan.pop(0)
            if nxt > self.twin.now:
                self._run_to(nxt)
            self.act(step.action, expect=step.expect)
        return finished

    def act(self, action: A.Action, expect: str | None = None) -> Result:
        """The trainee (or an operator outside the scenario) applies ``action`` now; it is
        recorded with its answer, refused attempts included. While the instructor has frozen
        the exercise it is refused and not recorded (it costs nothing)."""
        if self.frozen:
            return Result(False, "the exercise is paused by the instructor")
        res = self.twin.apply(action)
        ok = res.ok == (expect != "refused")
        msg = res.text if res.ok else f"refused: {res.text}"
        if not ok:
            msg += f" (expected {expect or 'accepted'})"
        self.actions.append(TraineeAction(self.twin.now, action, expect, res.ok, ok, msg))
        return res

    def branch(self, at_s: float | None = None) -> Runner:
        """A second timeline from ``at_s`` (default: now): a new twin rebuilt by replaying
        this run's actions up to that instant (determinism makes it the same run until
        then), ready for the trainee to try another decision (issue 11)."""
        at = self.twin.now if at_s is None else float(at_s)
        if at > self.twin.now:
            raise ValueError(f"cannot branch at {at} s: this run is at {self.twin.now} s")
        if self.mode == "autoplay":
            other = Runner(self.scenario, mode="autoplay", trainee_name=self.trainee_name)
        else:
            plan = [Step(i, 0, a.at_s, None, a.action, a.expect)
                    for i, a in enumerate(self.actions) if a.at_s <= at]
            other = Runner(self.scenario, mode="trainee", trainee=plan,
                           trainee_name=self.trainee_name,
                           hints=[h for h in self.hints if h <= at])
        other.advance_to(at)
        return other

    def next_expected(self) -> dict[str, Any] | None:
        """The answer key's next action the trainee has not done: what a hint shows."""
        done = [e for e in self.twin.journal if e.result.ok]
        used: set[int] = set()
        for step in self.scenario.steps:
            if step.role != "operator":
                continue
            key = _key_entry(step, None)
            match = next((i for i, e in enumerate(done) if i not in used
                          and e.action.do == key["do"]
                          and all(getattr(e.action, f, None) == key[f]
                                  for f in ("rack", "type", "role") if key.get(f) is not None)),
                         None)
            if match is None:
                return key
            used.add(match)
        return None

    def hint(self) -> str:
        """The next expected action, as a hint to the trainee (it costs points)."""
        self.hints.append(self.twin.now)
        nxt = self.next_expected()
        text = (f"Next: {nxt['describe']}." if nxt is not None
                else "Every action of the procedure is done: watch the service come back.")
        self.twin.log.log("note", None, f"Hint: {text}")
        return text

    def _advance_timeline(self, t: float, settle: bool = True) -> list[StepResult]:
        twin = self.twin
        finished: list[StepResult] = []
        while not self.done:
            step = self.scenario.steps[self.next_index]
            a = step.action
            if self._waiting is None:
                if step.index in self._fired_early:  # the instructor fired it already
                    self.next_index += 1
                    continue
                due = self.due_at(step)
                if due > t:
                    break
                self._run_to(due)
                if step.index in self._skipped_ix:  # passed over in its time slot
                    finished.append(self._finish(step, twin.now, True, SKIPPED_MESSAGE))
                    continue
                if isinstance(a, A.Wait):
                    timeout = a.timeout if a.timeout is not None else DEFAULT_WAIT_TIMEOUT_S
                    self._waiting = (twin.now, twin.now + timeout)
                    continue
                finished.append(self._finish(step, twin.now, *self._execute(step)))
                continue
            started, deadline = self._waiting
            until = dict(a.until)  # type: ignore[attr-defined]
            limit = min(t, deadline)
            while True:
                ok, actual = self._condition(until)
                if ok:
                    msg = f"held after {format_duration(twin.now - started)}"
                    break
                # continuous values (a lag, a progress) are polled on the sample grid
                every = twin.series.every_s
                poll = (math.floor(twin.now / every) + 1) * every
                nxt = twin.next_event_time()
                if nxt is None or nxt > poll:
                    if poll < limit:
                        twin.run_until(poll)
                        if self.progress is not None:
                            self.progress(twin.now)
                        continue
                if nxt is None or nxt > limit:
                    self._run_to(limit)
                    ok, actual = self._condition(until)
                    if ok:
                        msg = f"held after {format_duration(twin.now - started)}"
                        break
                    if limit < deadline:
                        return finished  # still waiting; carry on next call
                    shown = ", ".join(f"{p}={_shown(v)}" for p, v in actual.items())
                    msg = f"timed out after {format_duration(deadline - started)}: {shown}"
                    break
                twin.run_next_event()
                if self.progress is not None:
                    self.progress(twin.now)
            self._waiting = None
            finished.append(self._finish(step, started, ok, msg))
        if math.isfinite(t) and t > twin.now and (settle or not self.done):
            self._run_to(t)
        return finished

    def _run_to(self, t: float) -> None:
        """``twin.run_until(t)``, event by event when someone follows the progress."""
        twin = self.twin
        if self.progress is not None:
            while (nxt := twin.next_event_time()) is not None and nxt <= t:
                twin.run_next_event()
                self.progress(twin.now)
        twin.run_until(t)

    def _execute(self, step: Step) -> tuple[bool, str]:
        a = step.action
        if isinstance(a, A.Check):
            return self._check(step.index, dict(a.that))
        if self.mode == "trainee" and step.role == "operator":
            self.answer_key.append(_key_entry(step, self.twin.now))
            self._skipped = True
            return True, "answer key: the trainee plays this step"
        res = self.twin.apply(a)
        self._accepted = res.ok
        expect = step.expect or "accepted"
        ok = res.ok == (expect == "accepted")
        msg = res.text if res.ok else f"refused: {res.text}"
        if not ok:
            msg += f" (expected {expect})"
        return ok, msg

    def _finish(self, step: Step, started: float, ok: bool, msg: str) -> StepResult:
        result = StepResult(step.index, started, step.action.do, ok, msg,
                            accepted=self._accepted, by=step.role, skipped=self._skipped,
                            action=step.action,
                            instructor="skipped" if msg == SKIPPED_MESSAGE else "")
        self._accepted, self._skipped = None, False
        self.steps.append(result)
        self.next_index += 1
        self._prev_done_at = self.twin.now
        return result

    def _condition(self, until: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        state = self.twin.state(only={p.split(".", 1)[0] for p in until})
        actual = {p: lookup(state, p) for p in until}
        return all(matches(actual[p], A.thaw(v)) for p, v in until.items()), actual

    def _check(self, index: int, that: dict[str, Any]) -> tuple[bool, str]:
        state = self.twin.state()
        bad = []
        for path, expected in that.items():
            exp = A.thaw(expected)
            actual = lookup(state, path)
            ok = matches(actual, exp)
            self.checks.append({"index": index, "at_s": self.twin.now, "path": path,
                                "expected": exp, "actual": _plain(actual), "ok": ok})
            self.twin.log.log("check", None, f"check {path} = {_shown(actual)} "
                          f"(expected {exp!r}): {'ok' if ok else 'FAILED'}")
            if not ok:
                bad.append(f"{path} is {_shown(actual)}, expected {exp!r}")
        return (not bad), ("all held" if not bad else "; ".join(bad))

    def run(self) -> dict[str, Any]:
        limit = self.time_limit_s  # the exercise ends at its time limit, or with its timeline
        self.advance_to(math.inf if limit is None else limit, settle=False)
        return self.report()

    def report(self) -> dict[str, Any]:
        twin = self.twin
        ok = (all(s.ok for s in self.steps) and all(c["ok"] for c in self.checks)
              and all(a.ok for a in self.actions))
        outcome = twin.outcome.to_dict(twin.now)
        objectives = grade(self.scenario.objectives, outcome, twin.now)
        final_state = twin.state()
        steps = [_step_record(s) for s in self.steps]
        facts = RunFacts(
            mode=self.mode, journal=twin.journal, steps=steps, checks=self.checks,
            objectives=objectives, outcome=outcome, final_state=final_state,
            events=twin.events, answer_key=self.answer_key,
            hints=sorted([*self.hints, *(h["at_s"] for h in self.instructor_hints)]),
            time_limit_s=self.time_limit_s, pass_mark=self.scenario.pass_mark,
            racks=twin.system.rack_names)
        return {
            "scenario": self.scenario.name,
            "file": self.scenario.path,
            "seed": self.scenario.seed,
            "mode": self.mode,
            "trainee": self.trainee_name,
            "ok": ok,
            "steps": steps,
            "checks": self.checks,
            "trainee_actions": [_action_record(a) for a in self.actions],
            "answer_key": self.answer_key,
            "hints_s": [round(h, 6) for h in self.hints],
            "objectives": objectives,
            # the penalty rates (objectives.cost), for the summary's cost (twin/summary.py)
            "cost_rates": cost_rates(self.scenario.cost, self.scenario.currency),
            "outcome": outcome,
            "assessment": assess(facts),
            "series": _series(twin),
            "final_state": final_state,
            "events": [e.to_dict() for e in twin.events],
            "instructor": self.instructor_record(),
            # the test failovers (twin/drill.py): when each was tested, from which recovery
            # point, its RPO and RTO, what its cleanup left behind
            "drills": [*final_state["drills"]["done"],
                       *([final_state["drills"]["active"]]
                         if final_state["drills"]["active"] else [])],
        }

    # -- the instructor's controls (issue 11, the instructor station) ---------------------
    # Over the pending timeline: fire an instructor's step now, delay it, skip it; add an
    # inject (a fault) now; freeze and resume; send a hint; record an observation. Each is
    # recorded with its simulated time and goes into the report's ``instructor`` section.
    # None reads a clock: the same interventions at the same simulated times give the same
    # run, event for event. A control that cannot apply raises InstructorError (a message
    # saying what and why), and changes nothing.

    def _init_instructor(self) -> None:
        self.frozen = False
        self.interventions: list[dict[str, Any]] = []
        self.instructor_hints: list[dict[str, Any]] = []
        self.observations: list[dict[str, Any]] = []
        self._delay_s: dict[int, float] = {}
        self._fired_early: set[int] = set()
        self._skipped_ix: set[int] = set()

    def step_state(self, index: int) -> str:
        """Where step ``index`` is: pending, delayed, waiting, fired, skipped, or reached
        (an operator step of trainee mode: the answer key, the trainee's to play)."""
        if index in self._skipped_ix:
            return "skipped"
        if index < self.next_index or index in self._fired_early:
            rec = next((s for s in self.steps if s.index == index), None)
            return "reached" if rec is not None and rec.skipped else "fired"
        if index == self.next_index and self.waiting:
            return "waiting"
        return "delayed" if index in self._delay_s else "pending"

    def delay_of(self, index: int) -> float:
        return self._delay_s.get(index, 0.0)

    def _pending_instructor_step(self, index: int, what: str) -> Step:
        steps = self.scenario.steps
        if not 0 <= index < len(steps):
            raise InstructorError(f"{what}: there is no step {index + 1} (the timeline has "
                                  f"{len(steps)})")
        step = steps[index]
        state = self.step_state(index)
        if state not in ("pending", "delayed", "waiting"):
            raise InstructorError(f"{what}: step {index + 1} ({step.action.do}) is already "
                                  f"{state}")
        if step.role != "instructor":
            raise InstructorError(f"{what}: step {index + 1} ({step.action.describe()}) is "
                                  "the trainee's (the answer key), not an instructor's step")
        return step

    def _intervene(self, what: str, **fields: Any) -> dict[str, Any]:
        rec = {"at_s": round(self.twin.now, 6), "what": what, **fields}
        self.interventions.append(rec)
        return rec

    def fire_now(self, index: int) -> StepResult:
        """Run the instructor's step ``index`` now, ahead of its time (a wait cannot be
        fired: skip it to stop waiting)."""
        step = self._pending_instructor_step(index, "fire now")
        if isinstance(step.action, A.Wait):
            raise InstructorError(f"fire now: step {index + 1} is a wait; skip it to stop "
                                  "waiting")
        ok, msg = self._execute(step)
        if index == self.next_index:
            result = self._finish(step, self.twin.now, ok, msg)
        else:  # out of order: recorded now, passed over when the timeline reaches it
            result = StepResult(step.index, self.twin.now, step.action.do, ok, msg,
                                accepted=self._accepted, by=step.role, action=step.action)
            self._accepted, self._skipped = None, False
            self.steps.append(result)
            self._fired_early.add(index)
        result.instructor = "fired"
        self._delay_s.pop(index, None)
        self._intervene("fire", index=index, do=step.action.do, accepted=result.accepted,
                        message=msg)
        return result

    def delay(self, index: int, seconds: float) -> float:
        """Delay the instructor's pending step ``index`` by ``seconds`` (the steps after it
        follow, as the timeline is sequential); returns its total delay."""
        step = self._pending_instructor_step(index, "delay")
        if self.step_state(index) == "waiting":
            raise InstructorError(f"delay: step {index + 1} (wait) is already waiting; skip "
                                  "it to stop waiting")
        if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0):
            raise InstructorError(f"delay: {seconds!r} is not a positive duration")
        total = self._delay_s.get(index, 0.0) + float(seconds)
        self._delay_s[index] = total
        self._intervene("delay", index=index, do=step.action.do, by_s=round(float(seconds), 6),
                        message=f"delayed by {format_duration(seconds)}")
        return total

    def skip(self, index: int) -> None:
        """Skip the instructor's pending step ``index``: it never runs, and the timeline
        passes over it in its time slot (a wait under way stops now)."""
        step = self._pending_instructor_step(index, "skip")
        self._skipped_ix.add(index)
        self._intervene("skip", index=index, do=step.action.do, message=SKIPPED_MESSAGE)
        if self.waiting and index == self.next_index:
            self._waiting = None
            self._finish(step, self.twin.now, True, SKIPPED_MESSAGE)

    def inject(self, action: A.Action) -> Result:
        """An inject the timeline does not have: a fault, applied now."""
        if action.kind != "fault":
            raise InstructorError(f"add inject: {action.do} is not a fault (the faults: "
                                  + ", ".join(sorted(d for d, c in A.REGISTRY.items()
                                                     if c.kind == "fault")) + ")")
        res = self.twin.apply(action)
        fields = {k: v for k, v in _fields(action).items() if k not in ("at_s", "what")}
        self._intervene("inject", do=action.do, accepted=res.ok,
                        message=res.text if res.ok else f"refused: {res.text}", **fields)
        return res

    def freeze(self) -> None:
        """Stop the exercise: no time passes and the trainee's actions are refused until
        :meth:`resume`."""
        if self.frozen:
            raise InstructorError("freeze: the exercise is already frozen")
        self.frozen = True
        self._intervene("freeze", message="paused by the instructor")
        self.twin.log.log("note", None, "Paused by the instructor")

    def resume(self) -> None:
        if not self.frozen:
            raise InstructorError("resume: the exercise is not frozen")
        self.frozen = False
        self._intervene("resume", message="resumed by the instructor")
        self.twin.log.log("note", None, "Resumed by the instructor")

    def send_hint(self, text: str) -> dict[str, Any]:
        """A hint from the instructor to the trainee (logged where the trainee sees it; it
        counts in the assessment as a hint taken)."""
        text = " ".join(str(text).split())
        if not text:
            raise InstructorError("send hint: the hint is empty")
        rec = {"at_s": round(self.twin.now, 6), "text": text}
        self.instructor_hints.append(rec)
        self.twin.log.log("note", None, f"Hint from the instructor: {text}")
        return rec

    def observe(self, text: str) -> dict[str, Any]:
        """The instructor's timestamped observation, for the after-action report (the
        trainee does not see it)."""
        text = str(text).strip()
        if not text:
            raise InstructorError("observation: the text is empty")
        rec = {"at_s": round(self.twin.now, 6), "text": text}
        self.observations.append(rec)
        return rec

    def instructor_record(self) -> dict[str, Any]:
        """The report's ``instructor`` section."""
        return {"interventions": [dict(r) for r in self.interventions],
                "hints": [dict(h) for h in self.instructor_hints],
                "observations": [dict(o) for o in self.observations]}


class InstructorError(ValueError):
    """An instructor's control that cannot apply now: the message says what and why."""


REPORT_SERIES = ("lag_bytes", "rpo_s", "available", "writes_bps", "demand_bps",
                 "throughput_bps", "bandwidth_bps", "progress", "host_delay_s")
REPORT_POINTS = 600  # the report's plots need no more (a day at 10 s is 8,640 samples)


def _series(twin: Twin) -> dict[str, list[float | None]]:
    """The time series for the report's plots, down-sampled to at most REPORT_POINTS
    (each point the largest of its span, so a peak is never lost); null where unbounded."""
    times = twin.series.times
    n = len(times)
    if n == 0:
        return {"t_s": [], **{k: [] for k in REPORT_SERIES}}
    step = max(1, -(-n // REPORT_POINTS))
    idx = np.arange(0, n, step)
    out: dict[str, list[float | None]] = {"t_s": [round(float(x), 3) for x in times[idx]]}
    for name in REPORT_SERIES:
        y = twin.series.get(name)[1]
        pad = (-n) % step
        blocks = np.concatenate([y, np.full(pad, np.nan)]).reshape(-1, step)
        with np.errstate(all="ignore"):
            peak = np.where(np.all(np.isnan(blocks), axis=1), np.nan,
                            np.nanmax(np.where(np.isnan(blocks), -np.inf, blocks), axis=1))
        out[name] = [round(v, 6) if math.isfinite(v) else None for v in peak.tolist()]
    return out


def _fields(action: A.Action) -> dict[str, Any]:
    """The action's own fields as the scenario writes them (no password, no ``do``)."""
    d = action.to_dict()
    d.pop("do", None)
    for key in ("until", "that"):
        if key in d:
            d[key] = A.thaw(getattr(action, key))
    return d


def _step_record(s: StepResult) -> dict[str, Any]:
    rec: dict[str, Any] = {"index": s.index, "at_s": round(s.at_s, 6), "do": s.do,
                           "ok": s.ok, "message": s.message, "accepted": s.accepted,
                           "by": s.by}
    if s.skipped:
        rec["skipped"] = True
    if s.instructor:
        rec["instructor"] = s.instructor
    if s.action is not None:
        rec.update({k: v for k, v in _fields(s.action).items() if k not in rec})
    return rec


def _action_record(a: TraineeAction) -> dict[str, Any]:
    rec: dict[str, Any] = {"at_s": round(a.at_s, 6), "do": a.action.do,
                           "accepted": a.accepted, "ok": a.ok, "message": a.message}
    if a.expect:
        rec["expect"] = a.expect
    rec.update({k: v for k, v in _fields(a.action).items() if k not in rec})
    return rec


def _key_entry(step: Step, reached_at: float | None) -> dict[str, Any]:
    """An operator step of the scenario as an entry of the answer key."""
    d = _fields(step.action)
    return {"index": step.index, "do": step.action.do, "describe": step.action.describe(),
            "expected_at_s": None if reached_at is None else round(reached_at, 6),
            **{k: d[k] for k in ("rack", "type", "role", "link", "workload") if k in d}}


def versus(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two runs of one scenario side by side (two trainees, or a branch): their outcome,
    score and deviations, and what differs."""
    def side(r: dict[str, Any]) -> dict[str, Any]:
        o, s = r["outcome"], r["assessment"]
        return {"trainee": r.get("trainee"), "data_loss_bytes": o["data_loss_bytes"],
                "rpo_achieved_s": o["rpo_achieved_s"], "rto_s": o["rto_s"],
                "score": s["score"], "passed": s["passed"],
                "deviations": [f"{d['rule']} {d['action']}: {d['what']}"
                               for d in s["deviations"]]}
    x, y = side(a), side(b)
    diff = {}
    for key in ("data_loss_bytes", "rpo_achieved_s", "rto_s", "score"):
        if x[key] != y[key]:
            diff[key] = {"a": x[key], "b": y[key],
                         "b_minus_a": (None if x[key] is None or y[key] is None
                                       else round(y[key] - x[key], 6))}
    only_a = [d for d in x["deviations"] if d not in y["deviations"]]
    only_b = [d for d in y["deviations"] if d not in x["deviations"]]
    first = next((i for i, (p, q) in enumerate(zip(a["trainee_actions"], b["trainee_actions"],
                                                     strict=False))
                  if (p["at_s"], p["do"], p.get("rack")) != (q["at_s"], q["do"], q.get("rack"))),
                 None)
    if first is None and len(a["trainee_actions"]) != len(b["trainee_actions"]):
        first = min(len(a["trainee_actions"]), len(b["trainee_actions"]))
    return {"scenario": a["scenario"], "a": x, "b": y, "differences": diff,
            "deviations_only_in_a": only_a, "deviations_only_in_b": only_b,
            "first_different_action": first}


def grade(objectives: dict[str, Any], outcome: dict[str, Any], now: float) -> dict[str, Any]:
    """The scenario's RPO/RTO objectives against what the run achieved. ``met`` is None only
    when nothing happened to measure (no disaster, no outage, or an outage still within
    its objective); an unbounded RPO or an outage already past its objective is missed."""
    out: dict[str, Any] = {}
    rpo = objectives.get("rpo_s")
    if rpo is not None:
        achieved = outcome.get("rpo_achieved_s")
        lost = outcome.get("disaster_at_s") is not None or outcome.get("data_loss_bytes")
        rpo_met = (achieved <= rpo) if achieved is not None else (False if lost else None)
        out["rpo_s"] = {"objective": rpo, "achieved": achieved, "met": rpo_met,
                        "unbounded": achieved is None and rpo_met is False}
    rto = objectives.get("rto_s")
    if rto is not None:
        achieved = outcome.get("rto_s")
        down = outcome.get("service_down_at_s")
        if achieved is not None:
            met: bool | None = achieved <= rto
        elif down is not None and now - down > rto:
            met = False  # still down, already past the objective
        else:
            met = None
        out["rto_s"] = {"objective": rto, "achieved": achieved, "met": met,
                        "still_down": down is not None and achieved is None}
    return out


def run_scenario(scenario: Scenario, **kw: Any) -> dict[str, Any]:
    return Runner(scenario, **kw).run()


def summary(report: dict[str, Any]) -> str:
    """The short human summary printed by ``drtwin run`` without ``--json``."""
    lines = [f"Scenario: {report['scenario']}  (seed {report['seed']})"]
    for s in report["steps"]:
        mark = "ok " if s["ok"] else "XX "
        lines.append(f"  {mark}{format_duration(s['at_s']):>12}  #{s['index']:<3} "
                     f"{s['do']:<24} {s['message']}")
    refusals = sum(1 for e in report["events"] if e["kind"] == "refused")
    checks = report["checks"]
    lines.append(f"Steps: {sum(s['ok'] for s in report['steps'])}/{len(report['steps'])} as "
                 f"expected; refusals: {refusals}; checks: "
                 f"{sum(c['ok'] for c in checks)}/{len(checks)} held")
    o = report["outcome"]
    loss = o["data_loss_bytes"]
    lines.append(
        "Outcome: "
        + (f"data lost {format_bytes(loss)}" if loss is not None else "no data lost")
        + (f", RPO achieved {format_duration(o['rpo_achieved_s'])}"
           if o["rpo_achieved_s"] is not None else "")
        + (f", RTO {format_duration(o['rto_s'])}" if o["rto_s"] is not None else ", no outage"
           if o["service_down_at_s"] is None else ", service not restored"))
    if o["rto_breakdown_s"] and o["rto_s"] is not None:
        bd = o["rto_breakdown_s"]
        lines.append("  RTO breakdown: " + ", ".join(
            f"{k.replace('_', ' ')} {format_duration(v)}" for k, v in bd.items()))
    for key, g in report["objectives"].items():
        label = key[:3].upper()
        if g["met"] is None:
            lines.append(f"  {label} objective {format_duration(g['objective'])}: not measured")
        elif g["achieved"] is None:
            why = "unbounded: no consistent copy" if key == "rpo_s" else "service still down"
            lines.append(f"  {label} objective {format_duration(g['objective'])}: MISSED "
                         f"({why})")
        else:
            lines.append(f"  {label} objective {format_duration(g['objective'])}: "
                         f"{'met' if g['met'] else 'MISSED'} "
                         f"({format_duration(g['achieved'])})")
    lines.append("Result: " + ("PASS" if report["ok"] else "FAIL")
                 + (" (every step as expected, every check held)" if report["ok"] else ""))
    a = report.get("assessment")
    if a:
        lines.append(f"Assessment: {a['score']:g}/100, "
                     f"{'passed' if a['passed'] else 'not passed'} "
                     f"(pass mark {a['pass_mark']:g})")
    lines += _caveats(report)
    return "\n".join(lines)


def _caveats(report: dict[str, Any]) -> list[str]:
    """What "PASS" does not say: an objective missed, data lost with no objective set."""
    o = report["outcome"]
    lead = "Checks held; " if report["ok"] else ""
    out = []
    loss = o.get("data_loss_bytes")
    rpo_g = report["objectives"].get("rpo_s")
    if rpo_g and rpo_g["met"] is False:
        lost = f"{format_bytes(loss)} lost, " if loss else ""
        got = ("RPO unbounded (no consistent copy)" if rpo_g["achieved"] is None
               else f"RPO {format_duration(rpo_g['achieved'])}")
        out.append(f"{lead}RPO objective missed: {lost}{got} against "
                   f"{format_duration(rpo_g['objective'])}")
    elif not rpo_g and loss:
        out.append(f"{lead}{format_bytes(loss)} of data lost (the scenario sets no RPO "
                   "objective)")
    rto_g = report["objectives"].get("rto_s")
    if rto_g and rto_g["met"] is False:
        got = ("service not restored" if rto_g["achieved"] is None
               else f"RTO {format_duration(rto_g['achieved'])}")
        out.append(f"{lead}RTO objective missed: {got} against "
                   f"{format_duration(rto_g['objective'])}")
    return out
