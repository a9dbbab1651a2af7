"""Scenario files: read, validate and turn into typed steps (scenario-format.md; our own
description of the format as implemented is docs/scenario-file.md).

Every invalid file raises :class:`ScenarioError`, and nothing else: its message names the
file, the line and the field, says what is wrong and what is accepted (networkx style),
and never echoes a password. Checks run in this order, each stopping at the first problem:

1. YAML: syntax, one document, only plain JSON-like values (no dates, sets, custom tags),
   text keys, no duplicate keys, no recursive aliases, bounded size and nesting;
2. the JSON Schema ``twin/schema/scenario.schema.json`` (structure, types, ranges, the
   fields of each action); the error that comes first in the file is reported;
3. meaning: durations, rack and workload names (unique, known where used), ``needs``
   cycles, IP pools, state paths of ``wait``/``check``, ranges ``{min, max}``.

Steps run in file order. ``at`` is an absolute time; an ``at`` earlier than the time the
step is reached is allowed and simply runs when it is reached (scenario-format.md).
Step indices count from 0, as in ``steps[3]``; lines count from 1.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import ipaddress
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import jsonschema
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from twin.actions import REGISTRY, Action, ActionError, action_from_dict
from twin.config import SystemConfig, system_from_dict
from twin.durations import DurationError, parse_duration
from twin.profiles import pairing_checks
from twin.statedoc import path_problem

__all__ = [
    "STATE_ROOTS",
    "Scenario",
    "ScenarioError",
    "Step",
    "load_scenario",
    "load_scenario_text",
    "scenario_schema",
]

from twin.statedoc import STATE_ROOTS  # noqa: E402  (derived from the typed document)

STEP_KEYS = ("at", "after", "do", "expect", "by")
MAX_DEPTH = 40  # nesting of mappings and lists; a real scenario needs about 8
MAX_NODES = 200_000  # values once YAML aliases are expanded (stops "billion laughs")

Where = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}
_KIND = {
    "string": "text", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "array": "a list", "object": "a mapping (key: value pairs)",
    "null": "nothing",
}  # fmt: skip
# Of several schema errors on one line, report an unknown field first: it often explains
# the others (a misspelt required field is both unknown and missing).
_RANK = {"additionalProperties": 0, "required": 1, "anyOf": 3, "oneOf": 3, "not": 3}
_DURATION_HELP = (
    "write seconds as a number (zero or more) or text such as 500ms, 90s, 15m, 2h, 1h30m or 1d"
)


class ScenarioError(Exception):
    """A scenario file that cannot be played: ``path:line: field: message``."""

    def __init__(
        self, message: str, path: str | None = None, line: int | None = None,
        field: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.path or "<text>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (ScenarioError, (self.message, self.path, self.line, self.field))


@dataclass(frozen=True)
class Step:
    """One timeline entry: when it may run, the typed action, and what is expected."""

    index: int  # position in ``steps``, from 0
    line: int  # line of the step in the file, from 1
    at_s: float | None  # absolute simulated time
    after_s: float | None  # time since the previous step finished
    action: Action
    expect: str | None  # accepted | refused | None (console refusals are then reported)
    by: str | None = None  # instructor | operator; None: by the action's kind

    @property
    def role(self) -> str:
        """Whose step it is: the operator's (console actions) or the instructor's (faults,
        notes, waits, checks), unless the step says ``by:``."""
        if self.by is not None:
            return self.by
        return "operator" if self.action.kind == "console" else "instructor"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. ``path`` is None for text that came from no file."""

    path: str | None
    name: str
    description: str
    seed: int
    start: str  # unpaired | paired
    system: SystemConfig
    system_raw: dict[str, Any] = field(repr=False)  # may hold passwords: not in repr
    objectives: dict[str, float | None] = field(default_factory=dict)  # rpo_s, rto_s
    steps: tuple[Step, ...] = ()
    source_text: str = field(default="", repr=False)
    briefing: str = ""  # what the trainee reads first (trainee mode)
    time_limit_s: float | None = None  # the exercise's time limit, from the start
    pass_mark: float = 70.0  # the assessment's pass mark (twin/assessment.py)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)  # twin/strategies.py
    cost: dict[str, float] = field(default_factory=dict)  # objectives.cost: penalty rates


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scenario files, from the package data."""
    text = resources.files("twin").joinpath("schema/scenario.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterable[Any]:
    """``uniqueItems`` in linear time. jsonschema's own falls back to comparing every pair
    for unhashable items, which takes minutes on a hostile list; our unique lists hold
    text or numbers, and a list of anything else fails its ``items`` check anyway."""
    if not unique or not isinstance(instance, list):
        return
    seen: set[tuple[bool, Any]] = set()
    for item in instance:
        if not isinstance(item, (str, int, float)):
            return
        key = (isinstance(item, bool), item)
        if key in seen:
            yield jsonschema.ValidationError("has non-unique elements")
            return
        seen.add(key)


@functools.cache
def _validator() -> Any:
    cls = jsonschema.validators.extend(
        jsonschema.Draft202012Validator, {"uniqueItems": _unique_items}
    )
    return cls(scenario_schema())


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` if it is invalid."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise ScenarioError(f"cannot read the file: {reason}", name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError("the file is not UTF-8 text; save it as UTF-8", name, line) from None
    return _read(text, name, name)


def load_scenario_text(text: str, path: str = "<text>") -> Scenario:
    """Validate scenario text (``path`` only names it in messages; the default "<text>"
    gives ``Scenario.path = None``)."""
    if not isinstance(text, str):
        raise ScenarioError(f"expected scenario text, got {type(text).__name__}", path)
    return _read(text, path, None if path == "<text>" else path)


def _read(text: str, path: str, scenario_path: str | None) -> Scenario:
    try:
        return _Reader(text, path).read(scenario_path)
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError(
            f"the file nests too deeply (at most {MAX_DEPTH} levels)", path
        ) from None
    except Exception as e:  # a bug of ours: still no traceback for the user (the cause is chained)
        raise ScenarioError(
            f"internal error while reading the scenario ({type(e).__name__}); please report "
            "it with the file", path,
        ) from e  # fmt: skip


# --- helpers ------------------------------------------------------------------------------


def _fmt_where(where: Iterable[str | int]) -> str:
    """``('steps', 3, 'until', 'a.b')`` -> ``steps[3].until['a.b']``."""
    out = ""
    for seg in where:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif seg.isidentifier():
            out += f".{seg}" if out else seg
        else:
            out += f"[{seg!r}]"
    return out


def _secret(where: Iterable[str | int]) -> bool:
    return any(seg == "password" for seg in where)


def _show(value: Any, where: Iterable[str | int] = ()) -> str:
    """A value for a message: short, and never a password."""
    if _secret(where):
        return "the password"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _did_you_mean(word: Any, choices: Iterable[str], suffix: bool = False) -> str:
    """`` (did you mean 'x'?)``, or ``; did you mean 'x'?`` at the end of a message."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"; did you mean {close[0]!r}?" if suffix else f" (did you mean {close[0]!r}?)"


def _join(names: Iterable[str]) -> str:
    return ", ".join(names) or "(none)"


def _action_fields(do: str) -> list[str]:
    return ["for" if f.name == "for_" else f.name for f in dataclasses.fields(REGISTRY[do])]


def _takes(do: str) -> str:
    fields = _action_fields(do)
    own = f"{do} takes {_join(fields)}" if fields else f"{do} takes no fields of its own"
    return f"{own} (every step may also have {', '.join(k for k in STEP_KEYS if k != 'do')})"


def _type_hint(field_path: Where, data_types: list[str], value: Any) -> str:
    """Teach the usual fix for a value of the wrong type."""
    if "string" in data_types and isinstance(value, (int, float)) and not _secret(field_path):
        return f'; put it in quotes, e.g. "{value}"'
    if "string" in data_types and isinstance(value, (int, float)):
        return "; put it in quotes"
    if "array" in data_types and not isinstance(value, list):
        return "; write a list, e.g. [a, b]"
    return ""


# --- the reader ---------------------------------------------------------------------------


class _Reader:
    """Reads one scenario text; raises ScenarioError at the first problem."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.root: Node | None = None
        self.loader: yaml.SafeLoader | None = None
        self.budget = MAX_NODES
        self.rack_names: tuple[str, ...] = ()
        self.workload_names: list[str] = []

    # -- errors and lines

    def fail(self, message: str, where: Where = (), key: bool = False) -> NoReturn:
        raise ScenarioError(message, self.path, self.line_of(where, key), _fmt_where(where) or None)

    def fail_at(self, message: str, node: Node, where: Where = ()) -> NoReturn:
        raise ScenarioError(message, self.path, node.start_mark.line + 1, _fmt_where(where) or None)

    def line_of(self, where: Where, key: bool = False) -> int | None:
        """Line (from 1) of the node at ``where``, or of its key, or of the deepest
        ancestor that exists (PyYAML marks of the composed document)."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line
        for i, seg in enumerate(where):
            child: Node | None = None
            if isinstance(node, MappingNode) and isinstance(seg, str):
                for k, v in reversed(node.value):  # the last of equal keys wins, as in dicts
                    if isinstance(k, ScalarNode) and k.value == seg:
                        if key and i == len(where) - 1:
                            return int(k.start_mark.line) + 1
                        child = v
                        break
            elif isinstance(node, SequenceNode) and isinstance(seg, int):
                if 0 <= seg < len(node.value):
                    child = node.value[seg]
            if child is None:
                break
            node = child
            line = node.start_mark.line
        return int(line) + 1

    # -- stage 1: YAML

    def read(self, scenario_path: str | None) -> Scenario:
        data = self.parse()
        self.check_schema(data)
        return self.build(data, scenario_path)

    def parse(self) -> dict[str, Any]:
        try:
            self.loader = loader = yaml.SafeLoader(self.text)
        except yaml.reader.ReaderError as e:
            self.reader_error(e)
        try:
            try:
                root = loader.get_single_node()
            except yaml.MarkedYAMLError as e:
                self.yaml_error(e)
            except yaml.reader.ReaderError as e:
                self.reader_error(e)
            except yaml.YAMLError as e:
                raise ScenarioError(f"invalid YAML ({type(e).__name__})", self.path) from None
            except RecursionError:
                raise ScenarioError(
                    f"the file nests too deeply (at most {MAX_DEPTH} levels)", self.path
                ) from None
            if root is None:
                raise ScenarioError(
                    "the file is empty; a scenario needs at least `name:` and usually `steps:`",
                    self.path,
                )
            self.root = root
            self.check_node(root, (), 0, set())
            try:
                data = loader.construct_document(root)
            except yaml.MarkedYAMLError as e:
                self.yaml_error(e)
            except Exception as e:  # noqa: BLE001 - a value PyYAML cannot build
                raise ScenarioError(
                    f"a value cannot be read ({type(e).__name__})", self.path
                ) from None
        finally:
            loader.dispose()
        if not isinstance(data, dict):
            self.fail_at(
                f"a scenario is a mapping (`name: ...`, `steps: ...`), not {_kind_of(data)}",
                root,
            )
        return data

    def reader_error(self, e: yaml.reader.ReaderError) -> NoReturn:
        line = self.text.count("\n", 0, max(e.position, 0)) + 1
        code = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or " ")
        raise ScenarioError(
            f"character #x{code:04x} is not allowed in YAML; delete it", self.path, line
        ) from None

    def yaml_error(self, e: yaml.MarkedYAMLError) -> NoReturn:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = e.problem or "invalid YAML"
        context = f" ({e.context})" if e.context else ""
        hint = ""
        text = f"{problem} {e.context or ''}"
        if "\\t" in problem or "\t" in problem:
            hint = "; YAML indents with spaces, not tabs"
        elif "mapping values are not allowed" in problem:
            hint = "; check the indentation, or put text holding ': ' in quotes"
        elif "single document" in text:
            hint = "; a scenario file holds one document: remove the extra `---`"
        elif "found undefined alias" in problem:
            hint = "; define the anchor (&name) before using the alias (*name)"
        raise ScenarioError(f"invalid YAML: {problem}{context}{hint}", self.path, line) from None

    def check_node(self, node: Node, where: Where, depth: int, stack: set[int]) -> None:
        """Only JSON-like values: text keys, no duplicates, no custom tags, finite numbers,
        no recursive aliases, bounded nesting and size."""
        self.budget -= 1
        if self.budget < 0:
            self.fail_at(
                f"the file is too large once its aliases (*name) are expanded "
                f"(more than {MAX_NODES} values)", node, where,
            )  # fmt: skip
        if depth > MAX_DEPTH:
            self.fail_at(f"the file nests too deeply (at most {MAX_DEPTH} levels)", node, where)
        tag = node.tag
        if isinstance(node, ScalarNode):
            self.check_scalar(node, where)
            return
        stack = stack | {id(node)}
        if isinstance(node, SequenceNode):
            if tag != _TAG + "seq":
                self.fail_at(f"YAML tag {tag!r} is not supported here; use a plain list", node,
                             where)  # fmt: skip
            for i, item in enumerate(node.value):
                self.check_child(item, node, (*where, i), depth, stack)
            return
        if not isinstance(node, MappingNode) or tag != _TAG + "map":
            self.fail_at(f"YAML tag {tag!r} is not supported here; use a plain mapping", node,
                         where)  # fmt: skip
        seen: dict[str, int] = {}
        for k, v in node.value:
            if k.tag == _TAG + "merge":
                self.check_child(v, k, where, depth, stack)  # << *anchor: same place
                continue
            if not isinstance(k, ScalarNode) or k.tag != _TAG + "str":
                shown = k.value if isinstance(k, ScalarNode) else "a list or mapping"
                self.fail_at(
                    f"a key must be text, and {shown!r} is read as "
                    f"{k.tag.removeprefix(_TAG)}; put it in quotes",
                    k, where,
                )  # fmt: skip
            name = k.value
            if name in seen:
                self.fail_at(
                    f"duplicate key {name!r} (first on line {seen[name]}); keep one", k,
                    (*where, name),
                )  # fmt: skip
            seen[name] = k.start_mark.line + 1
            self.check_child(v, k, (*where, name), depth, stack)

    def check_child(
        self, child: Node, near: Node, where: Where, depth: int, stack: set[int]
    ) -> None:
        """Check a value; ``near`` (its key, or its list) gives the line of a recursive alias,
        whose own position PyYAML does not keep."""
        if id(child) in stack:
            self.fail_at("an alias (*name) refers to a value that contains it", near, where)
        self.check_node(child, where, depth + 1, stack)

    def check_scalar(self, node: ScalarNode, where: Where) -> None:
        tag = node.tag
        if tag == _TAG + "timestamp":
            self.fail_at(
                "dates and times are not supported; write a duration (e.g. 10m) or put the "
                "text in quotes", node, where,
            )  # fmt: skip
        if tag not in _SCALAR_TAGS:
            self.fail_at(f"YAML tag {tag!r} is not supported; write a plain value", node, where)
        if tag == _TAG + "str":
            return
        try:
            assert self.loader is not None  # set by parse() before any node is checked
            value = self.loader.construct_object(node)
        except Exception:  # noqa: BLE001 - e.g. `!!int abc`
            kind = tag.removeprefix(_TAG)
            self.fail_at(f"{_show(node.value, where)} cannot be read as {kind}", node, where)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail_at(f"{_show(value, where)}: a number here must be finite", node, where)

    # -- stage 2: JSON Schema

    def check_schema(self, data: dict[str, Any]) -> None:
        found: list[tuple[int, int, int, jsonschema.ValidationError]] = []
        for n, err in enumerate(_validator().iter_errors(data)):
            line = self.line_of(tuple(err.absolute_path)) or 0
            found.append((line, _RANK.get(str(err.validator), 2), n, err))
        if found:
            message, where, key = self.explain(min(found, key=lambda f: f[:3])[3])
            self.fail(message, where, key)

    def explain(self, err: jsonschema.ValidationError) -> tuple[str, Where, bool]:
        """A teaching message for one schema error, and where it points."""
        where: Where = tuple(err.absolute_path)
        v = err.validator
        inst = err.instance
        schema = err.schema if isinstance(err.schema, dict) else {}
        title = str(schema.get("title", "this block"))
        if "propertyNames" in err.relative_schema_path:
            problem = self.state_path_problem(str(inst)) or f"{inst!r} is not a state path"
            return problem, (*where, str(inst)), True
        if v == "additionalProperties" and isinstance(inst, dict):
            allowed = list(schema.get("properties", {}))
            extra = next(k for k in inst if k not in allowed)
            hint = _did_you_mean(extra, allowed)
            if title in REGISTRY:
                return (
                    f"{title} has no field {extra!r}{hint}; {_takes(title)}",
                    (*where, extra),
                    True,
                )
            return (
                f"unknown field {extra!r}{hint}; {title} takes {_join(allowed)}",
                (*where, extra),
                True,
            )
        if v == "required" and isinstance(inst, dict):
            missing = next(k for k in err.validator_value if k not in inst)
            if title in REGISTRY:
                return f"{title} needs {missing!r}; {_takes(title)}", (*where, missing), False
            if missing == "do":
                return (
                    f"a step needs 'do', the action to take: one of {_join(REGISTRY)}",
                    where,
                    False,
                )
            if not where and missing == "name":
                return (
                    "the scenario needs 'name': a title shown in the GUI and the report, "
                    "e.g. `name: Planned failover`",
                    (missing,),
                    False,
                )
            return f"{title} needs {missing!r}", (*where, missing), False
        if v == "enum":
            choices = [str(c) for c in err.validator_value]
            if where[-1:] == ("do",) and len(where) == 3:
                hint = _did_you_mean(inst, choices)
                return (
                    f"unknown action {_show(inst)}{hint}; the actions are {_join(choices)}",
                    where,
                    False,
                )
            hint = _did_you_mean(inst, choices)
            return f"{_show(inst, where)} is not one of {_join(choices)}{hint}", where, False
        if v == "type":
            vv = err.validator_value
            types = [str(t) for t in vv] if isinstance(vv, list) else [str(vv)]
            wanted = " or ".join(_KIND.get(t, t) for t in types)
            extra = f" ({schema['errorMessage']})" if "errorMessage" in schema else ""
            hint = "" if extra else _type_hint(where, types, inst)
            return f"expected {wanted}, got {_kind_of(inst)}{hint}{extra}", where, False
        if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
            bound = err.validator_value
            phrase = {"minimum": "at least", "exclusiveMinimum": "more than",
                      "maximum": "at most", "exclusiveMaximum": "less than"}[v]  # fmt: skip
            return f"must be {phrase} {bound} (got {_show(inst, where)})", where, False
        if v in ("minItems", "maxItems"):
            if "errorMessage" in schema:
                n = len(inst) if isinstance(inst, list) else 0
                return f"{schema['errorMessage']}; this one has {n}", where, False
            return f"needs at least {err.validator_value} item(s)", where, False
        if v == "uniqueItems" and isinstance(inst, list):
            dup = _first_repeat(inst)
            return f"lists {_show(dup, where)} more than once; keep one", where, False
        if v == "pattern":
            why = schema.get("patternErrorMessage", "it does not have the expected form")
            return f"{_show(inst, where)} is not allowed: {why}", where, False
        if v == "minLength":
            return "must not be empty", where, False
        if v == "minProperties":
            if isinstance(inst, dict) and not inst and "propertyNames" in schema:
                return (
                    "name at least one state path and its value, e.g. {service.available: true}",
                    where,
                    False,
                )
            return "must not be empty", where, False
        if v == "anyOf" and schema.get("x-kind") == "duration":
            if isinstance(inst, (int, float)) and not isinstance(inst, bool) and inst < 0:
                return f"{_show(inst)} is not a duration: it must be zero or more", where, False
            return f"{_show(inst, where)} is not a duration; {_DURATION_HELP}", where, False
        if v in ("anyOf", "oneOf", "allOf") and err.context:
            best = jsonschema.exceptions.best_match(err.context)
            if best is not None:
                return self.explain(best)
        if "errorMessage" in schema:
            return str(schema["errorMessage"]), where, False
        return f"this value is not valid here ({v})", where, False

    # -- stage 3: meaning, and the Scenario

    def build(self, data: dict[str, Any], scenario_path: str | None) -> Scenario:
        sys_raw: dict[str, Any] = data.get("system") or {}
        self.check_system_durations(sys_raw)
        try:
            system = system_from_dict(sys_raw)
        except ScenarioError:
            raise
        except Exception as e:  # noqa: BLE001 - config building must never leak a traceback
            self.fail(f"the system block cannot be built ({type(e).__name__})", ("system",), True)
        self.check_racks(sys_raw, system)
        self.check_workloads(sys_raw, system)
        if data.get("start") == "paired":
            self.check_pairable(system)
        objectives = {
            "rpo_s": self.duration(data.get("objectives", {}).get("rpo"), ("objectives", "rpo")),
            "rto_s": self.duration(data.get("objectives", {}).get("rto"), ("objectives", "rto")),
        }
        steps = tuple(self.step(i, s) for i, s in enumerate(data.get("steps", [])))
        return Scenario(
            path=scenario_path,
            name=data["name"],
            description=str(data.get("description", "")),
            seed=int(data.get("seed", 0)),
            start=str(data.get("start", "unpaired")),
            system=system,
            system_raw=sys_raw,
            objectives=objectives,
            steps=steps,
            source_text=self.text,
        )

    def check_pairable(self, system: SystemConfig) -> None:
        """``start: paired`` means validated and enabled profiles: racks that fail a check
        of R6 could never be in that state."""
        checks = pairing_checks(system, system.rack_names[0])
        failed = [f"{n} fails: {c['detail']}" for n, c in checks.items() if not c["ok"]]
        if failed:
            self.fail(f"'paired' needs racks that pass validation (R6): {'; '.join(failed)}. "
                      "Use start: unpaired to train the validation failure", ("start",), True)

    def duration(self, value: Any, where: Where) -> float | None:
        if value is None:
            return None
        try:
            return parse_duration(value)
        except DurationError:
            self.fail(f"{_show(value, where)} is not a duration; {_DURATION_HELP}", where)

    def check_system_durations(self, sys_raw: Mapping[str, Any]) -> None:
        for i, w in enumerate(sys_raw.get("workloads", ())):
            self.duration(w.get("restart"), ("system", "workloads", i, "restart"))
        self.duration(
            sys_raw.get("management", {}).get("clone_lag"), ("system", "management", "clone_lag")
        )
        for k in ("node_add", "tor_configure", "route_convergence"):
            self.duration(sys_raw.get("recovery", {}).get(k), ("system", "recovery", k))

    def check_racks(self, sys_raw: Mapping[str, Any], system: SystemConfig) -> None:
        """Two distinct names (R3, R6 pair two racks); IP pools that parse; unique users."""
        self.rack_names = system.rack_names
        racks_raw = sys_raw.get("racks") or [{}, {}]
        a, b = system.rack_names
        if a == b:
            where: Where = ("system", "racks", 1, "name") if "name" in racks_raw[1] else (
                "system", "racks", 1)  # fmt: skip
            self.fail(
                f"both racks are named {a!r}; give each rack its own name "
                f"(the defaults are raleigh and dallas)", where,
            )  # fmt: skip
        for i, r in enumerate(racks_raw):
            if "ip_pool" in r:
                try:
                    ipaddress.ip_network(r["ip_pool"], strict=False)
                except ValueError:
                    self.fail(
                        f"{r['ip_pool']!r} is not an IP network; write e.g. 10.1.0.0/22",
                        ("system", "racks", i, "ip_pool"),
                    )
            seen: set[str] = set()
            for j, u in enumerate(r.get("users", ())):
                if u["id"] in seen:
                    self.fail(
                        f"rack {system.racks[i].name!r} lists user {u['id']!r} twice; keep one",
                        ("system", "racks", i, "users", j, "id"),
                    )
                seen.add(u["id"])

    def check_workloads(self, sys_raw: Mapping[str, Any], system: SystemConfig) -> None:
        """Unique names; ``needs`` name known workloads and make no cycle (R17 restarts)."""
        names = [w.name for w in system.workloads]
        self.workload_names = list(names)
        given = "workloads" in sys_raw
        for i, name in enumerate(names):
            if name in names[:i]:
                self.fail(
                    f"two workloads are named {name!r}; give each its own name",
                    ("system", "workloads", i, "name"),
                )
        for i, w in enumerate(system.workloads):
            for j, need in enumerate(w.needs):
                if need not in names:
                    self.fail(
                        self.unknown_workload(need),
                        ("system", "workloads", i, "needs", j) if given else ("system",),
                    )
        needs = {w.name: w.needs for w in system.workloads}
        cycle = _find_cycle(names, needs)
        if cycle:
            i = names.index(cycle[0])
            self.fail(
                f"workloads need each other in a circle ({' -> '.join(cycle)}); a workload "
                f"cannot start until those it needs run, so remove one of these needs",
                ("system", "workloads", i, "needs"),
            )

    def unknown_workload(self, name: str) -> str:
        hint = _did_you_mean(name, self.workload_names, suffix=True)
        return (
            f"unknown workload {name!r} (this scenario's workloads are "
            f"{_join(self.workload_names)}){hint}"
        )

    def unknown_rack(self, name: str) -> str:
        hint = _did_you_mean(name, self.rack_names, suffix=True)
        return f"unknown rack {name!r} (this scenario's racks are {_join(self.rack_names)}){hint}"

    def state_path_problem(self, path: str, check_names: bool = False) -> str | None:
        """What is wrong with a state path of wait/check, or None (scenario-format.md)."""
        segs = path.split(".")
        if not path or any(not s for s in segs):
            return (
                f"{path!r} is not a state path; write dotted names such as "
                f"service.available or racks.raleigh.status"
            )
        root = segs[0]
        if root not in STATE_ROOTS:
            return (
                f"unknown state path {path!r}{_did_you_mean(root, STATE_ROOTS)}; a path starts "
                f"with one of {_join(STATE_ROOTS)}"
            )
        if check_names and len(segs) > 1:
            if root in ("racks", "profiles") and segs[1] not in self.rack_names:
                return f"in {path!r}: {self.unknown_rack(segs[1])}"
            if root == "workloads" and segs[1] not in self.workload_names:
                return f"in {path!r}: {self.unknown_workload(segs[1])}"
            if root == "links" and segs[1] not in ("fc", "ip"):
                return f"in {path!r}: unknown link {segs[1]!r}; links are fc and ip"
        problem = path_problem(path)
        if problem:
            return f"unknown state path {path!r}: {problem}"
        return None

    def step(self, index: int, raw: dict[str, Any]) -> Step:
        here: Where = ("steps", index)
        do = raw["do"]
        at_s = self.duration(raw.get("at"), (*here, "at"))
        after_s = self.duration(raw.get("after"), (*here, "after"))
        types = {f.name: str(f.type) for f in dataclasses.fields(REGISTRY[do])}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in STEP_KEYS:
                continue
            where: Where = (*here, key)
            if key in ("for", "timeout") or (do == "deploy" and key == "restart"):
                value = self.duration(value, where)
            elif key == "rack" and value not in self.rack_names:
                self.fail(self.unknown_rack(value), where)
            elif key == "workloads":
                for j, name in enumerate(value):
                    if name not in self.workload_names:
                        self.fail(self.unknown_workload(name), (*where, j))
            elif key == "workload" and value not in self.workload_names:
                self.fail(self.unknown_workload(value), where)
            elif key in ("until", "that"):
                self.check_state_paths(value, where)
            ftype = types.get("for_" if key == "for" else key, "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if ftype.startswith("int"):
                    value = int(value)
                elif ftype.startswith("float"):
                    value = float(value)
            params[key] = value
        if do == "deploy" and raw["name"] not in self.workload_names:
            self.workload_names.append(raw["name"])  # later steps may use what it deploys
        try:
            action = action_from_dict(do, params)
        except (ActionError, TypeError, ValueError) as e:
            msg = str(e) if "password" not in params else f"{do}: the fields do not make an action"
            self.fail(msg, here)
        return Step(
            index=index,
            line=self.line_of(here) or 0,
            at_s=at_s,
            after_s=after_s,
            action=action,
            expect=raw.get("expect"),
            by=raw.get("by"),
        )

    def check_state_paths(self, mapping: dict[str, Any], where: Where) -> None:
        for path, expected in mapping.items():
            problem = self.state_path_problem(path, check_names=True)
            if problem:
                self.fail(problem, (*where, path), key=True)
            if isinstance(expected, dict) and set(expected) <= {"min", "max"} and expected:
                lo, hi = expected.get("min"), expected.get("max")
                if lo is not None and hi is not None and lo > hi:
                    self.fail(f"the range is empty: min {lo} is more than max {hi}", (*where, path))


def _first_repeat(items: list[Any]) -> Any:
    seen: set[Any] = set()
    for x in items:
        if isinstance(x, (str, int, float)):
            if x in seen:
                return x
            seen.add(x)
    return None


def _find_cycle(names: list[str], needs: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A ``needs`` cycle as ``[a, b, a]``, or None (iterative depth-first search)."""
    done: set[str] = set()
    for start in names:
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        todo = [iter(needs.get(start, ()))]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                todo.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif nxt in on_path:
                return path[path.index(nxt) :] + [nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                todo.append(iter(needs.get(nxt, ())))
    return None
