"""A trainee's session as an actions file (scenario-format.md, "Who does what").

``drtwin run FILE --trainee ACTIONS.yaml`` plays FILE in trainee mode with the steps of
ACTIONS standing in for the trainee; File > Save session writes a trainee's actions in
the same format, so a saved session replays event for event, with the same assessment::

    # Recorded by DR Twin ...
    scenario: Unplanned site loss      # which scenario it was played on (for the reader)
    trainee: ann                       # optional: who played
    hints: [4200]                      # optional: when a hint was asked (seconds or 1h10m)
    end: 5400                          # optional: when the session ended (default: the
                                       # last step, or the time limit)
    steps:                             # operator steps, scenario syntax, absolute `at`
      - {at: 3700, do: start-workloads, rack: dallas, expect: refused}
      - {at: 4210, do: start-failover, rack: dallas, type: unplanned}

Steps are read by the scenario loader itself (twin/scenario.py, ``read_steps_text``), so a
bad one is refused with its line and field; an instructor's step (a fault, ``note``,
``wait``, ``check``) or an ``after`` is refused: the trainee acts at absolute times.

Passwords (as twin/recording.py): none is ever written. An accepted ``create-profile``
replays with the peer user's own password from the scenario (as a recorded session
does); one refused for a wrong password is written with :data:`WRONG_PASSWORD`, a
placeholder that is refused the same way — never what the trainee typed.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from twin import actions as A
from twin.durations import format_duration
from twin.recording import step_dict
from twin.runner import Runner
from twin.scenario import Scenario, ScenarioError, Step, read_steps_text

WRONG_PASSWORD = "(wrong password: not saved)"
KEYS = ("scenario", "trainee", "hints", "end")
HEADER = (
    "# A trainee's session recorded by DR Twin (File > Save session). Replay it with\n"
    "#   drtwin run SCENARIO.yaml --trainee THIS.yaml\n"
    "# No password is saved: an accepted create-profile replays with the peer user's own\n"
    f"# password; a refused one is written with the placeholder {WRONG_PASSWORD!r}.\n"
)


@dataclass(frozen=True)
class Session:
    """An actions file read against its scenario."""

    steps: list[Step]
    trainee: str | None = None
    hints: tuple[float, ...] = ()
    end_s: float | None = None  # when the session ended (None: at its last step)


def _text_of(path_or_text: str | Path) -> tuple[str, str]:
    """(text, name for messages): a Path or an existing file name is read; else text."""
    if isinstance(path_or_text, Path) or (
            "\n" not in path_or_text and len(path_or_text) < 4096
            and Path(path_or_text).is_file()):
        p = Path(path_or_text)
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise ScenarioError(f"cannot read the file: {e.strerror or type(e).__name__}",
                                str(p)) from None
        try:
            return raw.decode("utf-8-sig"), str(p)
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise ScenarioError("the file is not UTF-8 text; save it as UTF-8", str(p),
                                line) from None
    return str(path_or_text), "<actions>"


def load_session(path_or_text: str | Path, scenario: Scenario) -> Session:
    """Read an actions file (a path, or its text) against ``scenario``; raises
    :class:`ScenarioError` (file, line, field) for anything that cannot be replayed."""
    text, name = _text_of(path_or_text)
    f = read_steps_text(text, name, scenario, keys=KEYS, durations_of=("hints", "end"),
                        what="trainee actions file")
    trainee = f.data.get("trainee")
    if trainee is not None and not isinstance(trainee, str | int):
        raise ScenarioError(f"the trainee's name is text, not {type(trainee).__name__}",
                            name, _line(text, "trainee"), "trainee")
    steps: list[Step] = []
    for step, raw in zip(f.steps, f.raw, strict=True):
        where = f"steps[{step.index}]"
        if step.role != "operator" and "by" in raw and step.action.kind == "console":
            raise ScenarioError(
                "an actions file holds only the trainee's own steps: `by: instructor` is not "
                f"allowed here (drop it; {step.action.do} is a console action)", name,
                step.line, f"{where}.by")
        if step.role != "operator":
            raise ScenarioError(
                f"{step.action.do} is the instructor's step, not the trainee's: an actions "
                "file holds only console actions (create-profile … advertise-routes, "
                "resume-replication, deploy)", name, step.line, where)
        if "after" in raw:
            raise ScenarioError(
                "a trainee's action has an absolute time: write `at:` (the simulated time "
                "since the start), not `after:`", name, step.line, f"{where}.after")
        if step.at_s is None:
            raise ScenarioError("a trainee's action needs `at:` (the simulated time since "
                                "the start, e.g. at: 1h10m)", name, step.line, where)
        limit = scenario.time_limit_s
        if limit is not None and step.at_s > limit:
            raise ScenarioError(
                f"at {format_duration(step.at_s)} is after the scenario's time limit "
                f"({format_duration(limit)}): the session ends then, so this action would "
                "never be played", name, step.line, f"{where}.at")
        steps.append(step)
    hints = f.durations.get("hints")
    hint_list = tuple(hints if isinstance(hints, list) else [] if hints is None else [hints])
    end = f.durations.get("end")
    last = max([s.at_s or 0.0 for s in steps] + list(hint_list), default=0.0)
    if end is not None and end < last:
        raise ScenarioError(f"the session ends at {end:g} s, before its last action or hint "
                            f"({last:g} s)", name, _line(text, "end"), "end")
    return Session(steps, None if trainee is None else str(trainee),
                   tuple(float(h) for h in hint_list), end)


def load_actions(path_or_text: str | Path, scenario: Scenario) -> list[Step]:
    """The trainee's steps of an actions file (see :func:`load_session` for the rest)."""
    return load_session(path_or_text, scenario).steps


def _line(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return i
    return None


def trainee_runner(scenario: Scenario, session: Session, **kw: Any) -> Runner:
    """A trainee-mode runner of ``scenario`` with ``session`` standing in for the trainee
    (``kw`` to :class:`Runner`, e.g. ``progress``)."""
    return Runner(scenario, mode="trainee", trainee=session.steps,
                  trainee_name=session.trainee, hints=list(session.hints), **kw)


def end_of(scenario: Scenario, session: Session) -> float:
    """Where a replay of ``session`` stops: when the session ended (else its last step),
    never past the scenario's time limit."""
    end = session.end_s if session.end_s is not None else math.inf
    if scenario.time_limit_s is not None:
        end = min(end, scenario.time_limit_s)
    return end


def play(scenario: Scenario, session: Session, **kw: Any) -> Runner:
    """:func:`trainee_runner`, played to :func:`end_of` the session."""
    runner = trainee_runner(scenario, session, **kw)
    runner.advance_to(end_of(scenario, session))
    return runner


def _replayable(runner: Runner, action: A.Action, accepted: bool) -> A.Action:
    """The action as the file may hold it: never the password the trainee typed."""
    password = getattr(action, "password", None)
    if password is None:
        return action
    if not accepted and not _right_password(runner.scenario, action):
        return dataclasses.replace(action, password=WRONG_PASSWORD)  # type: ignore[call-arg]
    return dataclasses.replace(action, password=None)  # type: ignore[call-arg]


def _right_password(scenario: Scenario, action: A.Action) -> bool:
    """Whether a create-profile's password is the peer user's own (in the scenario)."""
    system = scenario.system
    peers = [r for r in system.racks if r.name != getattr(action, "rack", None)]
    user = getattr(action, "user", None)
    for rack in peers:
        for u in rack.users:
            if (user is None or u.id == user) and u.password == action.password:  # type: ignore[attr-defined]
                return True
    return False


def session_doc(runner: Runner, end_s: float | None = None) -> dict[str, Any]:
    """The actions file of a trainee run, as a mapping (:func:`dump_actions` writes it)."""
    if runner.mode != "trainee":
        raise ValueError("only a trainee run has a trainee's actions")
    doc: dict[str, Any] = {"scenario": runner.scenario.name}
    if runner.trainee_name:
        doc["trainee"] = runner.trainee_name
    if runner.hints:
        doc["hints"] = [_seconds(h) for h in runner.hints]
    end = runner.twin.now if end_s is None else end_s
    doc["end"] = _seconds(end)
    steps = []
    for a in runner.actions:
        action = _replayable(runner, a.action, a.accepted)
        d = step_dict(action, a.at_s)
        d["at"] = _seconds(a.at_s)  # exact: a time rounded is another run
        pw = getattr(action, "password", None)
        if pw is not None:
            d["password"] = pw  # the placeholder: to_dict never writes a password
        if not a.accepted:
            d["expect"] = "refused"
        steps.append(d)
    doc["steps"] = steps
    return doc


def dump_actions(runner: Runner, end_s: float | None = None) -> str:
    """A trainee run's actions (refused attempts as ``expect: refused``, the hints, when
    it ended) as an actions file: replayed, the same run."""
    return HEADER + yaml.safe_dump(session_doc(runner, end_s), sort_keys=False,
                                   allow_unicode=True, width=100)


def _seconds(t: float) -> float | int:
    """A time as YAML writes it back exactly (a float's repr round-trips)."""
    return int(t) if float(t).is_integer() else float(t)
