"""The instructor's timeline as a master scenario events list (MSEL), the form trainers
plan an exercise in, to and from CSV (issue 11).

Columns: ``time`` (when the event is expected, ``h:mm:ss`` from the start), ``at`` and
``after`` (the step's own timing, as in the scenario file), ``inject`` (the step itself, a
YAML flow mapping: ``{do: lose-rack, rack: raleigh}``), ``player`` (who acts: the
instructor, or the trainee), ``expected action`` (what the trainee should do in answer: the
operator steps that follow an inject, the answer key), ``objective tested`` (what it
checks: a wait's or a check's condition, the rule of an answer-key action). Exported, a
spreadsheet can reorder, retime or add rows; imported, the rows become the scenario's
steps again (validated by the loader like any scenario).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from twin import actions as A
from twin.durations import format_duration
from twin.scenario import Scenario

COLUMNS = ("time", "at", "after", "inject", "player", "expected action", "objective tested")
_RULES = {"start-failover": "R11/R12", "add-compute-nodes": "R11 step 3",
          "configure-tor-switches": "R11 step 3", "start-workloads": "R11 step 5",
          "advertise-routes": "R11 step 5", "quiesce-compute-nodes": "R11 step 1",
          "stop-workloads": "R11 step 1", "withdraw-routes": "R11 step 1",
          "create-profile": "R4", "validate": "R6", "enable": "R7", "resume-replication": "R19"}


def _clock(t: float | None) -> str:
    if t is None:
        return ""
    t = int(round(t))
    return f"{t // 3600}:{t % 3600 // 60:02d}:{t % 60:02d}"


def _step_doc(step: Any) -> dict[str, Any]:
    d = step.action.to_dict()
    for key in ("until", "that"):
        if key in d:
            d[key] = A.thaw(getattr(step.action, key))
    if step.expect:
        d["expect"] = step.expect
    return d


def _flow(d: dict[str, Any]) -> str:
    return yaml.safe_dump(d, default_flow_style=True, sort_keys=False, width=10_000).strip()


def rows(scenario: Scenario) -> list[dict[str, str]]:
    """The scenario's timeline, a row per step (the expected time assumes waits hold at
    once: a plan, not a run)."""
    out: list[dict[str, str]] = []
    t = 0.0
    steps = list(scenario.steps)
    for i, step in enumerate(steps):
        t = step.at_s if step.at_s is not None else t + (step.after_s or 0.0)
        a = step.action
        answer = []
        if step.role == "instructor" and a.kind == "fault":
            for nxt in steps[i + 1:]:  # up to the next inject, wait or check
                if nxt.role == "operator":
                    answer.append(nxt.action.describe())
                elif not isinstance(nxt.action, A.Note):
                    break
        if isinstance(a, (A.Wait, A.Check)):
            cond = dict(A.thaw(a.until if isinstance(a, A.Wait) else a.that))
            tested = "; ".join(f"{p} = {v}" for p, v in cond.items())
            if isinstance(a, A.Wait) and a.timeout is not None:
                tested += f" (within {format_duration(a.timeout)})"
        elif step.role == "operator":
            tested = f"{_RULES.get(a.do, '')} {a.describe()}".strip()
        else:
            tested = ""
        out.append({
            "time": _clock(t),
            "at": "" if step.at_s is None else f"{step.at_s:g}s",
            "after": "" if step.after_s is None else f"{step.after_s:g}s",
            "inject": _flow(_step_doc(step)),
            "player": "trainee" if step.role == "operator" else "instructor",
            "expected action": "; ".join(answer),
            "objective tested": tested,
        })
    return out


def to_csv(scenario: Scenario) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows(scenario))
    return buf.getvalue()


class MselError(ValueError):
    """A CSV row that does not make a step: says which row and what is wrong."""


def steps_from_csv(text: str) -> list[dict[str, Any]]:
    """The rows of an MSEL CSV as scenario steps (YAML-ready mappings), in row order. The
    loader validates them with the rest of the scenario."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("inject",) if c not in (reader.fieldnames or [])]
    if missing:
        raise MselError(f"the CSV has no {missing[0]!r} column; its columns are "
                        f"{', '.join(COLUMNS)}")
    out = []
    for n, row in enumerate(reader, start=2):
        raw = (row.get("inject") or "").strip()
        if not raw:
            continue
        try:
            step = yaml.safe_load(raw)
        except yaml.YAMLError as e:
            raise MselError(f"row {n}: the inject is not a YAML mapping "
                            f"({getattr(e, 'problem', None) or e})"
                            ) from None
        if not isinstance(step, dict) or "do" not in step:
            raise MselError(f"row {n}: the inject must be a mapping with do:, e.g. "
                            "{do: lose-rack, rack: raleigh}")
        for key in ("at", "after"):
            value = (row.get(key) or "").strip()
            step.pop(key, None)
            if value:
                step[key] = value
        player = (row.get("player") or "").strip().lower()
        if player in ("instructor", "trainee", "operator"):
            by = "instructor" if player == "instructor" else "operator"
            kind = A.REGISTRY[step["do"]].kind if step["do"] in A.REGISTRY else None
            default = "operator" if kind == "console" else "instructor"
            if by != default:
                step["by"] = by
        out.append(step)
    return out


def with_steps(scenario_text: str, steps: list[dict[str, Any]]) -> str:
    """The scenario file's text with its steps replaced (the rest as it was)."""
    doc = yaml.safe_load(scenario_text)
    doc["steps"] = steps
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def inject_row(at_s: float, step: dict[str, Any]) -> dict[str, str]:
    """The row of an inject added during a run (the instructor station's Add inject):
    ``step`` is its scenario step, e.g. ``{do: cut-link, link: fc}``."""
    return {"time": _clock(at_s), "at": f"{at_s:g}s", "after": "", "inject": _flow(step),
            "player": "instructor", "expected action": "", "objective tested": ""}
