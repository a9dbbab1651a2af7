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
import functools
import graphlib
import ipaddress
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from twin import limits as L
from twin.actions import REGISTRY, Action, ActionError, Wait, action_from_dict
from twin.config import CORES_PER_COMPUTE_NODE, SystemConfig, model_cores, system_from_dict
from twin.durations import DurationError, format_duration, parse_duration
from twin.profiles import pairing_checks
from twin.statedoc import path_problem

if TYPE_CHECKING:  # imported when a document is invalid (0.05 s saved on every launch)
    import jsonschema

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
MAX_FILE_CHARS = L.MAX_FILE_CHARS  # a real scenario is a few kB
MAX_TEXT_CHARS = L.MAX_TEXT_CHARS  # characters of every value (and key) once aliases expand
MAX_SCHEMA_ERRORS = 200  # a file with more is refused for the earliest of the first 200
# The SVC's own ranges for its remote-copy settings (IBM Documentation: chpartnership
# -cycleperiodseconds, chsystem -gmlinktolerance / -gmmaxhostdelay / -maxreplicationdelay)
_SVC_RANGES: dict[str, tuple[float, float, str]] = {
    "cycle_period": (60.0, 86400.0, "the SVC's cycle period for Global Mirror with change "
                     "volumes, cycleperiodseconds, is 60 to 86400 s"),
    "gmlinktolerance": (20.0, 86400.0, "the SVC accepts 20 to 86400 s, or 0 to turn the "
                        "link tolerance off"),
    "gmmaxhostdelay": (0.0, 0.1, "gmmaxhostdelay is 0 to 100 ms"),
    "maxreplicationdelay": (0.0, 360.0, "maxreplicationdelay is 0 (off) to 360 s"),
}
DEFAULT_WAIT_TIMEOUT_S = 24 * 3600.0  # a wait without timeout (twin/runner.py) gives up then

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
    description: str = field(repr=False)  # free text: it may quote a password
    seed: int
    start: str  # unpaired | paired
    system: SystemConfig
    system_raw: dict[str, Any] = field(repr=False)  # may hold passwords: not in repr
    objectives: dict[str, float | None] = field(default_factory=dict)  # rpo_s, rto_s
    steps: tuple[Step, ...] = ()
    source_text: str = field(default="", repr=False)
    # what the trainee reads first (trainee mode): it may give the peer's password, so it is
    # not in repr, like the system block
    briefing: str = field(default="", repr=False)
    time_limit_s: float | None = None  # the exercise's time limit, from the start
    pass_mark: float = 70.0  # the assessment's pass mark (twin/assessment.py)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)  # twin/strategies.py
    cost: dict[str, float] = field(default_factory=dict)  # objectives.cost: penalty rates
    currency: str = ""  # objectives.cost.currency: how the cost is shown (e.g. USD)
    # the latest simulated time the run can reach: the last `at`, plus every `after` and
    # wait timeout after it (at most limits.HORIZON_S); a progress bar's end
    horizon_s: float = 0.0


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scenario files, from the package data: the file
    beside this module (a wheel installs plain files), else through importlib.resources
    (a zipped install; not imported otherwise: it costs a headless run ~5 ms)."""
    beside = Path(__file__).with_name("schema") / "scenario.schema.json"
    if beside.is_file():
        text = beside.read_text("utf-8")
    else:  # pragma: no cover - a zipped install
        from importlib import resources

        text = resources.files("twin").joinpath("schema/scenario.schema.json").read_text(
            "utf-8")
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
            import jsonschema

            yield jsonschema.ValidationError("has non-unique elements")
            return
        seen.add(key)


_DISPATCH: dict[int, tuple[Any, str | None]] = {}  # id -> (the schema, kept alive; X)


def _dispatch_on(if_schema: Any) -> str | None:
    """``X`` when ``if_schema`` is a step's branch condition, ``{"type": "object",
    "properties": {"do": {"const": X}}, "required": ["do"]}``; None otherwise."""
    key = id(if_schema)
    if key not in _DISPATCH or _DISPATCH[key][0] is not if_schema:
        do = None
        if isinstance(if_schema, dict) and set(if_schema) == {"type", "properties", "required"}:
            props = if_schema["properties"]
            if (if_schema["type"] == "object" and if_schema["required"] == ["do"]
                    and isinstance(props, dict) and list(props) == ["do"]
                    and isinstance(props["do"], dict) and list(props["do"]) == ["const"]
                    and isinstance(props["do"]["const"], str)):  # fmt: skip
                do = props["do"]["const"]
        _DISPATCH[key] = (if_schema, do)
    return _DISPATCH[key][1]


def _if(validator: Any, if_schema: Any, instance: Any, schema: Any) -> Iterable[Any]:
    """``if`` as jsonschema does it, with the step's branch conditions decided in Python: a
    step is checked against the one branch of its ``do``, not tried against all 23 (the
    schema, its errors and their paths are the same; loading 10,000 steps is 20x faster)."""
    do = _dispatch_on(if_schema)
    if do is not None:
        value = instance.get("do") if isinstance(instance, dict) else None
        holds = isinstance(value, str) and value == do
    else:
        holds = validator.evolve(schema=if_schema).is_valid(instance)
    if holds:
        if "then" in schema:
            yield from validator.descend(instance, schema["then"], schema_path="then")
    elif "else" in schema:
        yield from validator.descend(instance, schema["else"], schema_path="else")


def _properties(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterable[Any]:
    """``properties`` as jsonschema does it, in the order of the file rather than of the
    schema, so that errors come out roughly in the order of their lines."""
    if not validator.is_type(instance, "object"):
        return
    for name, value in instance.items():
        if name in properties:
            yield from validator.descend(value, properties[name], path=name, schema_path=name)


def _additional_properties(validator: Any, extra: Any, instance: Any,
                           schema: Any) -> Iterable[Any]:  # fmt: skip
    """``additionalProperties`` with a schema, in the order of the file (jsonschema goes
    through a set of the names: an order that changes from run to run)."""
    if validator.is_type(extra, "object") and "patternProperties" not in schema:
        if validator.is_type(instance, "object"):
            known = schema.get("properties", {})
            for name, value in instance.items():
                if name not in known:
                    yield from validator.descend(value, extra, path=name)
        return
    import jsonschema

    plain = jsonschema.Draft202012Validator.VALIDATORS["additionalProperties"]
    yield from plain(validator, extra, instance, schema)


def _all_of(validator: Any, all_of: Any, instance: Any, schema: Any) -> Iterable[Any]:
    """``allOf`` as jsonschema does it, skipping at once a step's branch for another ``do``
    (an ``if`` that fails, with no ``else``, yields nothing)."""
    for index, sub in enumerate(all_of):
        if isinstance(sub, dict) and "else" not in sub and "if" in sub:
            do = _dispatch_on(sub["if"])
            if do is not None:
                value = instance.get("do") if isinstance(instance, dict) else None
                if not (isinstance(value, str) and value == do):
                    continue
        yield from validator.descend(instance, sub, schema_path=index)


# --- a fast yes/no answer to "is this document valid under the schema?" ---------------------
#
# jsonschema builds the errors it reports, which costs about 20 µs a keyword: half a second
# for a thousand steps. A valid file has no error to report, so the loader first asks this
# small interpreter of the keywords the schema uses (the same rules as jsonschema's, e.g. 2.0
# is an integer, true is not 1); only a document it finds invalid goes through jsonschema,
# for the messages. It answers for the whole document or not at all (_Undecided: a keyword
# it does not know), and tests/test_hardening.py checks it agrees with jsonschema.


class _Undecided(Exception):
    pass


_ANNOTATIONS = frozenset({"$id", "$schema", "$defs", "title", "description", "errorMessage",
                          "patternErrorMessage", "then", "else"})  # fmt: skip


def _is_type(x: Any, t: str) -> bool:
    if t == "string":
        return isinstance(x, str)
    if t == "number":
        return isinstance(x, (int, float)) and not isinstance(x, bool)
    if t == "integer":
        return (isinstance(x, int) and not isinstance(x, bool)) or (
            isinstance(x, float) and x.is_integer())  # fmt: skip
    if t == "object":
        return isinstance(x, dict)
    if t == "array":
        return isinstance(x, list)
    if t == "boolean":
        return isinstance(x, bool)
    if t == "null":
        return x is None
    raise _Undecided(t)


def _equal(a: Any, b: Any) -> bool:
    """jsonschema's equality: true is not 1, lists and mappings compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return False
    return bool(a == b)


def _valid(x: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    for key, sub in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if not _KEYWORD[key](x, sub, schema, root) if key in _KEYWORD else _undecided(key):
            return False
    return True


def _undecided(key: str) -> bool:
    raise _Undecided(key)


def _ref(x: Any, ref: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        raise _Undecided(ref)
    return _valid(x, root["$defs"][ref.removeprefix("#/$defs/")], root)


def _type(x: Any, t: Any, schema: Any, root: Any) -> bool:
    return any(_is_type(x, u) for u in t) if isinstance(t, list) else _is_type(x, t)


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _fast_if(x: Any, cond: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    do = _dispatch_on(cond)
    if do is not None:
        value = x.get("do") if isinstance(x, dict) else None
        holds = isinstance(value, str) and value == do
    else:
        holds = _valid(x, cond, root)
    branch = schema.get("then" if holds else "else", True)
    return _valid(x, branch, root)


def _additional(x: Any, sub: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(x, dict):
        return True
    known = schema.get("properties", {})
    return all(_valid(v, sub, root) for k, v in x.items() if k not in known)


def _unique(x: Any, on: Any, schema: Any, root: Any) -> bool:
    """As :func:`_unique_items` (which the loader's jsonschema uses)."""
    if not on or not isinstance(x, list):
        return True
    seen: set[tuple[bool, Any]] = set()
    for item in x:
        if not isinstance(item, (str, int, float)):
            return True
        key = (isinstance(item, bool), item)
        if key in seen:
            return False
        seen.add(key)
    return True


_KEYWORD: dict[str, Callable[[Any, Any, Any, Mapping[str, Any]], bool]] = {
    "$ref": _ref,
    "type": _type,
    "enum": lambda x, e, s, r: any(_equal(x, v) for v in e),
    "const": lambda x, c, s, r: _equal(x, c),
    "minimum": lambda x, m, s, r: not _num(x) or x >= m,
    "maximum": lambda x, m, s, r: not _num(x) or x <= m,
    "exclusiveMinimum": lambda x, m, s, r: not _num(x) or x > m,
    "minLength": lambda x, n, s, r: not isinstance(x, str) or len(x) >= n,
    "maxLength": lambda x, n, s, r: not isinstance(x, str) or len(x) <= n,
    "pattern": lambda x, p, s, r: not isinstance(x, str) or re.search(p, x) is not None,
    "properties": lambda x, ps, s, r: not isinstance(x, dict) or all(
        _valid(x[k], sub, r) for k, sub in ps.items() if k in x),
    "additionalProperties": _additional,
    "required": lambda x, req, s, r: not isinstance(x, dict) or all(k in x for k in req),
    "minProperties": lambda x, n, s, r: not isinstance(x, dict) or len(x) >= n,
    "propertyNames": lambda x, sub, s, r: not isinstance(x, dict) or all(
        _valid(k, sub, r) for k in x),
    "items": lambda x, sub, s, r: not isinstance(x, list) or all(_valid(v, sub, r) for v in x),
    "minItems": lambda x, n, s, r: not isinstance(x, list) or len(x) >= n,
    "maxItems": lambda x, n, s, r: not isinstance(x, list) or len(x) <= n,
    "uniqueItems": _unique,
    "anyOf": lambda x, subs, s, r: any(_valid(x, sub, r) for sub in subs),
    "allOf": lambda x, subs, s, r: all(_valid(x, sub, r) for sub in subs),
    "not": lambda x, sub, s, r: not _valid(x, sub, r),
    "if": _fast_if,
}  # fmt: skip


def schema_valid(data: Any) -> bool | None:
    """Whether ``data`` is valid under the scenario schema (None: cannot tell; ask
    jsonschema). Fast: no error is built."""
    schema = scenario_schema()
    try:
        return _valid(data, schema, schema)
    except (_Undecided, RecursionError):
        return None


@functools.cache
def _validator() -> Any:
    import jsonschema

    cls = jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {"uniqueItems": _unique_items, "if": _if, "allOf": _all_of, "properties": _properties,
         "additionalProperties": _additional_properties},
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


_T = TypeVar("_T")


def _read(text: str, path: str, scenario_path: str | None) -> Scenario:
    return _guarded(lambda: _Reader(text, path).read(scenario_path), text, path, "the scenario")


def _guarded(read: Callable[[], _T], text: str, path: str, what: str) -> _T:
    """``read()``, with every failure as a :class:`ScenarioError` that never shows a
    password of ``text``: too deep a nesting, and a bug of ours (still no traceback for
    the user; the cause is chained)."""
    try:
        return read()
    except ScenarioError as e:
        scrubbed = _scrub(e.message, text)
        if scrubbed == e.message:
            raise
        raise ScenarioError(scrubbed, e.path, e.line, e.field) from None
    except RecursionError:
        raise ScenarioError(
            f"the file nests too deeply (at most {MAX_DEPTH} levels)", path
        ) from None
    except Exception as e:
        raise ScenarioError(
            f"internal error while reading {what} ({type(e).__name__}); please report "
            "it with the file", path,
        ) from e  # fmt: skip


# --- helpers ------------------------------------------------------------------------------


_CParser: Any
try:
    import yaml._yaml as _libyaml  # libyaml, when PyYAML was built with it

    _CParser = _libyaml.CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml: the pure parser only
    _CParser = None

if _CParser is not None:

    class _FastLoader(
        yaml.composer.Composer, _CParser,
        yaml.constructor.SafeConstructor, yaml.resolver.Resolver,
    ):  # fmt: skip
        """libyaml's scanner and parser (C: 5x faster than PyYAML's) under PyYAML's own
        composer, constructor and resolver: the same nodes, marks and values as
        ``yaml.SafeLoader``; nesting still raises RecursionError, never a C stack overflow
        (libyaml's parser keeps its own stack; the Python composer recurses)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)


# where libyaml and PyYAML differ (found by fuzzing: tabs, tags such as `!!x,` and `a?b` in a
# flow mapping, which libyaml takes and PyYAML refuses; `|#`; the line of an empty document
# after `---`; a byte-order mark inside the text, which libyaml drops and PyYAML keeps), the
# text is left to PyYAML
_NOT_FAST = re.compile(r"[\t!%?\ufeff]|[|>][-+0-9]*#|^(?:---|\.\.\.)", re.MULTILINE)


def _compose_fast(text: str) -> tuple[Any, Node | None] | None:
    """(loader, root node) composed with libyaml, or None: libyaml is not there, the text
    has a tab, a tag, a directive or a character PyYAML's reader refuses, or the text is
    not valid YAML. The caller then
    composes with ``yaml.SafeLoader``, whose messages (and line numbers) the errors give:
    a file reads the same either way, only faster when it is valid."""
    if _CParser is None or _NOT_FAST.search(text) or yaml.reader.Reader.NON_PRINTABLE.search(
            text):  # fmt: skip
        return None
    loader = _FastLoader(text)
    try:
        return loader, loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        loader.dispose()
        return None


def _in_password(text: str, mark: Any) -> bool:
    """Whether a YAML error at ``mark`` sits in the value of a ``password`` key: the
    events before it (which the parser yields even when a later stage fails) put it under
    such a key, or its line or the line above names one (a belt to those braces)."""
    lines = text.splitlines()
    here = mark.line
    near = [lines[i] for i in (here, here - 1) if 0 <= i < len(lines)]
    if any("password" in ln.lower() for ln in near):
        return True
    index = getattr(mark, "index", None)
    if not isinstance(index, int):
        return False
    stack: list[list[Any]] = []  # [is_mapping, expecting_key, key]

    def inside() -> bool:
        return any(f[0] and not f[1] and f[2] == "password" for f in stack)

    def done(key: Any = None) -> None:  # a node ended: its parent mapping turns key/value
        if stack and stack[-1][0]:
            frame = stack[-1]
            if frame[1]:
                frame[2] = key
            frame[1] = not frame[1]

    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            if ev.start_mark is not None and ev.start_mark.index >= index:
                break
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([isinstance(ev, yaml.MappingStartEvent), True, None])
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                if stack:
                    stack.pop()
                done()
            elif isinstance(ev, yaml.ScalarEvent):
                done(ev.value)
            elif isinstance(ev, yaml.AliasEvent):
                done()
    except Exception:  # noqa: BLE001 - the parse stops at the error we are explaining
        pass
    return inside()


def _unquoted(text: str) -> str:
    """PyYAML's message without the text it quotes (``found undefined alias 'Zq9x'``)."""
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "(…)", text)


_PASSWORD_LINE = re.compile(r"password\s*:[ \t]*(.*)", re.IGNORECASE)
_PLAIN_END = re.compile(r"[,}\]]|\s#")


def _scrub(message: str, text: str) -> str:
    """The last guard: no message carries the text written after a ``password:`` key (the
    quoted text, or a plain value up to the end of its flow item)."""
    if "password" not in message and "password" not in text.lower():
        return message
    for m in _PASSWORD_LINE.finditer(text):
        value = m.group(1)
        if value[:1] in ("'", '"'):
            value = value[1:].split(value[0])[0]
        else:
            cut = _PLAIN_END.search(value)
            value = (value[: cut.start()] if cut else value).strip()
        for cand in (value, value.lstrip("*&!%@`|>")):
            if len(cand) >= 4 and cand in message:
                message = message.replace(cand, "(…)")
    return message


MAX_MESSAGE = 1000  # characters: a message quotes what the file says, never all of it


def _cap(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


def _fmt_where(where: Iterable[str | int]) -> str:
    """``('steps', 3, 'until', 'a.b')`` -> ``steps[3].until['a.b']``."""
    out = ""
    for seg in where:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif seg.isidentifier():
            out += f".{seg}" if out else seg
        else:
            out += f"[{_show(seg)}]"
    return out


def _secret(where: Iterable[str | int]) -> bool:
    return any(seg == "password" for seg in where)


def _show(value: Any, where: Iterable[str | int] = ()) -> str:
    """A value for a message: short, and never a password."""
    if _secret(where):
        return "the password"
    return L.shown(value)


def _tag_problem(tag: str, where: Iterable[str | int], fix: str) -> str:
    """``YAML tag '!x' is not supported; <fix>``; a tag on a password is the password's
    text (`password: !Zq9x`), so it is never shown."""
    if _secret(where):
        return ("a password that starts with ! is read as a YAML tag: put it in quotes, "
                'e.g. password: "!secret"')
    return f"YAML tag {_show(tag)} is not supported{fix}"


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
    import difflib  # (only for a message: a valid file does not need it)

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
    if _secret(field_path) and value is None:  # `password: &secret` is an anchor on nothing
        return ('; a password that starts with & or * must be put in quotes, e.g. '
                'password: "&secret"')
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
        self.chars = MAX_TEXT_CHARS
        self._keys: dict[int, dict[str, tuple[ScalarNode, Node]]] = {}  # line_of's index
        self.rack_names: tuple[str, ...] = ()
        self.workload_names: list[str] = []
        self.workload_set: set[str] = set()  # the same names, for linear lookups

    # -- errors and lines

    def fail(self, message: str, where: Where = (), key: bool = False) -> NoReturn:
        raise ScenarioError(_cap(message), self.path, self.line_of(where, key),
                            _fmt_where(where) or None)  # fmt: skip

    def fail_at(self, message: str, node: Node, where: Where = ()) -> NoReturn:
        raise ScenarioError(_cap(message), self.path, node.start_mark.line + 1,
                            _fmt_where(where) or None)  # fmt: skip

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
                found = self.keys_of(node).get(seg)
                if found is not None:
                    if key and i == len(where) - 1:
                        return int(found[0].start_mark.line) + 1
                    child = found[1]
            elif isinstance(node, SequenceNode) and isinstance(seg, int):
                if 0 <= seg < len(node.value):
                    child = node.value[seg]
            if child is None:
                break
            node = child
            line = node.start_mark.line
        return int(line) + 1

    def keys_of(self, node: MappingNode) -> dict[str, tuple[ScalarNode, Node]]:
        """A mapping node's text keys -> (key, value) nodes, built once per node: looking up
        the lines of many errors stays linear. The last of equal keys wins, as in dicts."""
        index = self._keys.get(id(node))
        if index is None:
            index = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
            self._keys[id(node)] = index
        return index

    # -- stage 1: YAML

    def read(self, scenario_path: str | None) -> Scenario:
        data = self.parse()
        self.check_schema(data)
        return self.build(data, scenario_path)

    #: what the file is, for the messages about its shape: (name, what it must hold)
    shape = ("a scenario", "at least `name:` and usually `steps:`", "`name: ...`, `steps: ...`")

    def parse(self) -> dict[str, Any]:
        if len(self.text) > MAX_FILE_CHARS:
            raise ScenarioError(
                f"the file is too large: {len(self.text)} characters, and a scenario file "
                f"holds at most {MAX_FILE_CHARS} (a real one is a few thousand)", self.path,
            )  # fmt: skip
        fast = _compose_fast(self.text)
        if fast is not None:
            loader: yaml.SafeLoader = fast[0]
            self.loader = loader
        else:
            try:
                self.loader = loader = yaml.SafeLoader(self.text)
            except yaml.reader.ReaderError as e:
                self.reader_error(e)
        try:
            try:
                root = fast[1] if fast is not None else loader.get_single_node()
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
                    f"the file is empty; {self.shape[0]} needs {self.shape[1]}", self.path)
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
                f"{self.shape[0]} is a mapping ({self.shape[2]}), not {_kind_of(data)}",
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
        if mark is not None and _in_password(self.text, mark):
            # `password: *Zq9x` is read as an alias named by the password: never echo it
            raise ScenarioError(
                f"invalid YAML in a password: {_unquoted(problem)}{_unquoted(context)}; a "
                "password that starts with *, &, !, %, @ or ` must be put in quotes, e.g. "
                'password: "*secret"', self.path, line,
            ) from None  # fmt: skip
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
            self.spend_chars(node, where)
            self.check_scalar(node, where)
            return
        stack = stack | {id(node)}
        if isinstance(node, SequenceNode):
            if tag != _TAG + "seq":
                self.fail_at(_tag_problem(tag, where, " here; use a plain list"), node,
                             where)  # fmt: skip
            for i, item in enumerate(node.value):
                self.check_child(item, node, (*where, i), depth, stack)
            return
        if not isinstance(node, MappingNode) or tag != _TAG + "map":
            self.fail_at(_tag_problem(tag, where, " here; use a plain mapping"), node,
                         where)  # fmt: skip
        seen: dict[str, int] = {}
        for k, v in node.value:
            if k.tag == _TAG + "merge":
                self.check_child(v, k, where, depth, stack)  # << *anchor: same place
                continue
            if isinstance(k, ScalarNode):
                self.spend_chars(k, where)
            if not isinstance(k, ScalarNode) or k.tag != _TAG + "str":
                shown = _show(k.value, where) if isinstance(k, ScalarNode) else (
                    "'a list or mapping'")  # fmt: skip
                read_as = "something else" if _secret(where) else k.tag.removeprefix(_TAG)
                self.fail_at(
                    f"a key must be text, and {shown} is read as {read_as}; put it in quotes",
                    k, where,
                )  # fmt: skip
            name = k.value
            if name in seen:
                self.fail_at(
                    f"duplicate key {_show(name, where)} (first on line {seen[name]}); keep one",
                    k, (*where, name),
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

    def spend_chars(self, node: ScalarNode, where: Where) -> None:
        """Bound the characters of the document as aliases expand it (each use of an alias
        counts again), so that a small file cannot make every later stage slow."""
        self.chars -= len(node.value)
        if self.chars < 0:
            self.fail_at(
                f"the file is too large once its aliases (*name) are expanded (more than "
                f"{MAX_TEXT_CHARS} characters of values)", node, where,
            )  # fmt: skip

    def check_scalar(self, node: ScalarNode, where: Where) -> None:
        tag = node.tag
        if tag == _TAG + "timestamp":
            self.fail_at(
                "dates and times are not supported; write a duration (e.g. 10m) or put the "
                "text in quotes", node, where,
            )  # fmt: skip
        if tag not in _SCALAR_TAGS:
            self.fail_at(_tag_problem(tag, where, "; write a plain value"), node, where)
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
        if schema_valid(data):
            return  # nothing to report: no need to build jsonschema's errors
        found: list[tuple[int, int, int, jsonschema.ValidationError]] = []
        for n, err in enumerate(_validator().iter_errors(data)):
            line = self.line_of(tuple(err.absolute_path)) or 0
            found.append((line, _RANK.get(str(err.validator), 2), n, err))
            if n + 1 >= MAX_SCHEMA_ERRORS:
                break  # they come in the order of the file (_properties): enough to choose
        if found:
            message, where, key = self.explain(min(found, key=lambda f: f[:3])[3])
            self.fail(message, where, key)

    def explain(self, err: jsonschema.ValidationError) -> tuple[str, Where, bool]:
        """A teaching message for one schema error, and where it points."""
        import jsonschema

        where: Where = tuple(err.absolute_path)
        v = err.validator
        inst = err.instance
        schema = err.schema if isinstance(err.schema, dict) else {}
        title = str(schema.get("title", "this block"))
        if "propertyNames" in err.relative_schema_path:
            problem = self.state_path_problem(str(inst)) or f"{_show(inst)} is not a state path"
            return problem, (*where, str(inst)), True
        if v == "additionalProperties" and isinstance(inst, dict):
            allowed = list(schema.get("properties", {}))
            extra = next(k for k in inst if k not in allowed)
            hint = _did_you_mean(extra, allowed)
            if title in REGISTRY:
                return (
                    f"{title} has no field {_show(extra)}{hint}; {_takes(title)}",
                    (*where, extra),
                    True,
                )
            return (
                f"unknown field {_show(extra)}{hint}; {title} takes {_join(allowed)}",
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
            return _range_message(v, schema, inst, where), where, False
        if v == "maxItems" and "x-why-maxItems" in schema:
            n = len(inst) if isinstance(inst, list) else 0
            return (f"lists at most {err.validator_value} items: {schema['x-why-maxItems']}; "
                    f"this one has {n}", where, False)  # fmt: skip
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
            if isinstance(inst, (int, float)) and not isinstance(inst, bool):
                return L.DURATION.problem(inst) or "", where, False
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
        self.check_storage(sys_raw, system)
        if data.get("start") == "paired":
            self.check_pairable(system)
        objectives = {
            "rpo_s": self.duration(data.get("objectives", {}).get("rpo"), ("objectives", "rpo")),
            "rto_s": self.duration(data.get("objectives", {}).get("rto"), ("objectives", "rto")),
        }
        steps = tuple(self.step(i, s) for i, s in enumerate(data.get("steps", [])))
        horizon = self.check_horizon(steps, data.get("steps", []))
        time_limit = self.duration(data.get("time_limit"), ("time_limit",))
        if time_limit is not None and time_limit <= 0:
            self.fail("a time limit must be more than zero; leave it out for none",
                      ("time_limit",), False)
        raw_cost = data.get("objectives", {}).get("cost") or {}
        cost = {k: float(v) for k, v in raw_cost.items() if k != "currency"}
        strategies = {name: dict(params) for name, params in
                      (data.get("strategies") or {}).items()}
        for name, params in strategies.items():
            for key, value in params.items():
                if isinstance(value, str) and key not in ("file_system",):
                    self.duration(value, ("strategies", name, key))
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
            briefing=str(data.get("briefing", "")).strip(),
            time_limit_s=time_limit,
            pass_mark=float((data.get("assessment") or {}).get("pass_mark", 70.0)),
            strategies=strategies,
            cost=cost,
            currency=str(raw_cost.get("currency", "")),
            horizon_s=horizon,
        )

    def check_horizon(self, steps: tuple[Step, ...], raw: list[dict[str, Any]]) -> float:
        """The latest simulated time the run can reach: each ``at`` (or the time before it,
        if later), plus each ``after`` and the timeout of each ``wait`` (a day if it gives
        none). At most a year (limits.HORIZON_S); returned for progress displays."""
        t = 0.0
        for st in steps:
            if st.at_s is not None:
                t, key = max(t, st.at_s), "at"
            else:
                t, key = t + (st.after_s or 0.0), "after"
            if isinstance(st.action, Wait):
                timeout = st.action.timeout
                t += DEFAULT_WAIT_TIMEOUT_S if timeout is None else timeout
                key = "timeout"
            if t > L.HORIZON_S:
                where: Where = ("steps", st.index, key) if key in raw[st.index] else (
                    "steps", st.index)  # fmt: skip
                self.fail(
                    f"the run could reach {_days(t)} of simulated time by this step (the "
                    f"latest `at` plus every `after` and wait timeout since; a wait without "
                    f"timeout waits up to a day); {L.WHY_DURATION}", where,
                )  # fmt: skip
        return t

    def check_storage(self, sys_raw: Mapping[str, Any], system: SystemConfig) -> None:
        """What the racks hold: compute nodes by model (R6 compares them), volumes and data
        within what one V7000 system manages (limits.py gives the reasons)."""
        racks_raw = sys_raw.get("racks") or [{}, {}]
        for i, r in enumerate(system.racks):
            cores = model_cores(r.model)
            if cores > L.MAX_CORES:
                self.fail(
                    f"model {_show(r.model)} would have {cores} cores (a model number names its "
                    f"cores: W1500-96 has 96); {L.WHY_CORES}", ("system", "racks", i, "model"),
                )  # fmt: skip
            most = max(1, cores // CORES_PER_COMPUTE_NODE)
            if "compute_nodes" in racks_raw[i] and r.compute_nodes > most:
                self.fail(
                    f"a {r.model} rack holds at most {most} compute nodes ({cores} cores, "
                    f"{CORES_PER_COMPUTE_NODE} a node); got {r.compute_nodes}",
                    ("system", "racks", i, "compute_nodes"),
                )  # fmt: skip
        given = "workloads" in sys_raw
        volumes, gb = 0, 0.0
        for i, w in enumerate(system.workloads):
            volumes += w.volumes
            gb += w.volume_gb
            if volumes > L.MAX_VOLUMES:
                self.fail(f"the workloads have {volumes} volumes in all up to this one; "
                          f"{L.WHY_VOLUMES}", ("system", "workloads", i, "volumes") if given
                          else ("system",))  # fmt: skip
            if gb > L.MAX_TOTAL_GB:
                self.fail(f"the workloads hold {gb:.0f} GB in all up to this one; "
                          f"{L.WHY_TOTAL_GB}", ("system", "workloads", i, "volume_gb") if given
                          else ("system",))  # fmt: skip

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
            seconds = parse_duration(value)
        except DurationError as e:
            if "too large" in str(e):
                seconds = math.inf
            else:
                self.fail(f"{_show(value, where)} is not a duration; {_DURATION_HELP}", where)
        if seconds > L.MAX_DURATION_S:
            self.fail(f"must be at most {L.DURATION.hi_text}: {L.WHY_DURATION}; got "
                      f"{_show(value, where)}", where)  # fmt: skip
        return seconds

    def check_system_durations(self, sys_raw: Mapping[str, Any]) -> None:
        for i, w in enumerate(sys_raw.get("workloads", ())):
            self.duration(w.get("restart"), ("system", "workloads", i, "restart"))
        self.duration(
            sys_raw.get("management", {}).get("clone_lag"), ("system", "management", "clone_lag")
        )
        for k in ("node_add", "tor_configure", "route_convergence"):
            self.duration(sys_raw.get("recovery", {}).get(k), ("system", "recovery", k))
        rep = sys_raw.get("replication", {})
        for key, (lo, hi, why) in _SVC_RANGES.items():
            seconds = self.duration(rep.get(key), ("system", "replication", key))
            if seconds is None:
                continue
            if key == "gmlinktolerance" and seconds == 0:
                continue  # 0 turns the feature off
            if not lo <= seconds <= hi:
                self.fail(f"must be from {format_duration(lo)} to {format_duration(hi)} "
                          f"({why}); got {_show(rep[key])}", ("system", "replication", key))

    def check_racks(self, sys_raw: Mapping[str, Any], system: SystemConfig) -> None:
        """Two distinct names (R3, R6 pair two racks); IP pools that parse; unique users."""
        self.rack_names = system.rack_names
        racks_raw = sys_raw.get("racks") or [{}, {}]
        a, b = system.rack_names
        if a == b:
            where: Where = ("system", "racks", 1, "name") if "name" in racks_raw[1] else (
                "system", "racks", 1)  # fmt: skip
            self.fail(
                f"both racks are named {_show(a)}; give each rack its own name "
                f"(the defaults are raleigh and dallas)", where,
            )  # fmt: skip
        for i, r in enumerate(racks_raw):
            if "ip_pool" in r:
                try:
                    ipaddress.ip_network(r["ip_pool"], strict=False)
                except ValueError:
                    self.fail(
                        f"{_show(r['ip_pool'])} is not an IP network; write e.g. 10.1.0.0/22",
                        ("system", "racks", i, "ip_pool"),
                    )
            seen: set[str] = set()
            for j, u in enumerate(r.get("users", ())):
                if u["id"] in seen:
                    self.fail(
                        f"rack {_show(system.racks[i].name)} lists user {_show(u['id'])} twice; "
                    "keep one",
                        ("system", "racks", i, "users", j, "id"),
                    )
                seen.add(u["id"])

    def check_workloads(self, sys_raw: Mapping[str, Any], system: SystemConfig) -> None:
        """Unique names; ``needs`` name known workloads and make no cycle (R17 restarts)."""
        names = [w.name for w in system.workloads]
        self.workload_names = list(names)
        self.workload_set = set(names)
        given = "workloads" in sys_raw
        earlier: set[str] = set()
        for i, name in enumerate(names):
            if name in earlier:
                self.fail(
                    f"two workloads are named {_show(name)}; give each its own name",
                    ("system", "workloads", i, "name"),
                )
            earlier.add(name)
        for i, w in enumerate(system.workloads):
            for j, need in enumerate(w.needs):
                if need not in earlier:
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
            f"unknown workload {_show(name)} (this scenario's workloads are "
            f"{_join(self.workload_names)}){hint}"
        )

    def unknown_rack(self, name: str) -> str:
        hint = _did_you_mean(name, self.rack_names, suffix=True)
        return (f"unknown rack {_show(name)} (this scenario's racks are "
                f"{_join(self.rack_names)}){hint}")

    def state_path_problem(self, path: str, check_names: bool = False) -> str | None:
        """What is wrong with a state path of wait/check, or None (scenario-format.md)."""
        segs = path.split(".")
        if not path or any(not s for s in segs):
            return (
                f"{_show(path)} is not a state path; write dotted names such as "
                f"service.available or racks.raleigh.status"
            )
        root = segs[0]
        if root not in STATE_ROOTS:
            return (
                f"unknown state path {_show(path)}{_did_you_mean(root, STATE_ROOTS)}; a path "
                f"starts "
                f"with one of {_join(STATE_ROOTS)}"
            )
        if check_names and len(segs) > 1:
            if root in ("racks", "profiles") and segs[1] not in self.rack_names:
                return f"in {_show(path)}: {self.unknown_rack(segs[1])}"
            if root == "workloads" and segs[1] not in self.workload_set:
                return f"in {_show(path)}: {self.unknown_workload(segs[1])}"
            if root == "links" and segs[1] not in ("fc", "ip"):
                return f"in {_show(path)}: unknown link {_show(segs[1])}; links are fc and ip"
        problem = path_problem(path)
        if problem:
            return f"unknown state path {_show(path)}: {problem}"
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
                    if name not in self.workload_set:
                        self.fail(self.unknown_workload(name), (*where, j))
            elif key == "workload" and value not in self.workload_set:
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
        if do == "deploy" and raw["name"] not in self.workload_set:
            self.workload_names.append(raw["name"])  # later steps may use what it deploys
            self.workload_set.add(raw["name"])
        try:
            action = action_from_dict(do, params)
        except ActionError as e:
            if e.field is not None:  # a field out of its range (limits.py): say which
                self.fail(e.problem, (*here, e.field))
            msg = str(e) if "password" not in params else f"{do}: the fields do not make an action"
            self.fail(msg, here)
        except (TypeError, ValueError) as e:
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
            huge = _huge_int(expected)
            if huge is not None:
                self.fail(f"{_show(huge)} is too large to compare with the state: no value "
                          "in the state document comes near it", (*where, path))
            if isinstance(expected, dict) and set(expected) <= {"min", "max"} and expected:
                lo, hi = expected.get("min"), expected.get("max")
                if lo is not None and hi is not None and lo > hi:
                    self.fail(f"the range is empty: min {lo} is more than max {hi}", (*where, path))


def _days(seconds: float) -> str:
    return f"{seconds / L.DAY_S:.1f}d ({seconds:.0f} s)"


def _range_message(v: str, schema: Mapping[str, Any], inst: Any, where: Where) -> str:
    """``must be at most 20000 MB/s: no PureApplication rack writes faster; got 1e+308``:
    the bound, its unit and its reason from the schema (``x-unit``, ``x-why-<keyword>``)."""
    unit = f" {schema['x-unit']}" if "x-unit" in schema else ""
    why = schema.get(f"x-why-{v}", "")
    bound = f"{L.number(schema[v])}{unit}"
    phrase = {"minimum": "at least", "exclusiveMinimum": "more than",
              "maximum": "at most", "exclusiveMaximum": "less than"}[v]  # fmt: skip
    text = f"{phrase} {bound}"
    if v in ("minimum", "exclusiveMinimum") and {"minimum", "exclusiveMinimum"} <= set(schema):
        # `bandwidth_mbps: 0`: more than 0, and at least the lowest plausible value, and why
        why = schema.get("x-why-minimum", "")
        text = (f"more than {L.number(schema['exclusiveMinimum'])}, and at least "
                f"{L.number(schema['minimum'])}{unit}")  # fmt: skip
    return f"must be {text}{': ' + why if why else ''}; got {_show(inst, where)}"


def _huge_int(value: Any) -> int | None:
    """A whole number in ``value`` too large to be a float (the state holds floats), if any."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value.bit_length() > 1000 else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for x in value:
            found = _huge_int(x)
            if found is not None:
                return found
    return None


def _first_repeat(items: list[Any]) -> Any:
    seen: set[Any] = set()
    for x in items:
        if isinstance(x, (str, int, float)):
            if x in seen:
                return x
            seen.add(x)
    return None


def _find_cycle(names: list[str], needs: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A ``needs`` cycle as ``[a, b, a]`` (a needs b, b needs a), or None (the standard
    library's topological sorter finds it)."""
    sorter = graphlib.TopologicalSorter({n: tuple(needs.get(n, ())) for n in names})
    try:
        sorter.prepare()
    except graphlib.CycleError as e:
        # each node of the cycle it gives is a predecessor (a need) of the next: reversed,
        # each one needs the next
        return list(reversed(e.args[1]))
    return None


# -- steps outside a scenario (a trainee's actions file, twin/session.py) ---------------------


@dataclass(frozen=True)
class StepsFile:
    """A YAML file of steps in a scenario's syntax, read against that scenario's system:
    its top-level mapping (``data``), its ``steps`` and each step's own keys (``raw``)."""

    data: dict[str, Any]
    steps: tuple[Step, ...]
    raw: tuple[dict[str, Any], ...]
    durations: dict[str, Any]  # each key of ``durations_of`` read as seconds


def read_steps_text(text: str, path: str, scenario: Scenario, *, keys: Iterable[str],
                    durations_of: Iterable[str] = (), what: str = "steps file"
                    ) -> StepsFile:
    """Read ``text`` (a mapping with ``steps:`` and only the top-level ``keys``) with the
    scenario loader itself, so a bad step fails as it would in a scenario: a
    :class:`ScenarioError` naming the line and the field, never a password. A key of
    ``durations_of`` is a duration or a list of durations."""
    allowed = set(keys) | {"steps"}

    def read() -> StepsFile:
        r = _Reader(text, path)
        r.shape = (f"a {what}", "`steps:` (a list of steps, each with `at:`)",
                   "`steps: ...`")
        data = r.parse()
        for key in data:
            if key not in allowed:
                r.fail(f"unknown field {_show(key)}{_did_you_mean(key, sorted(allowed))}; "
                       f"this file has {_join(sorted(allowed))}", (str(key),), key=True)
        raw_steps = data.get("steps")
        if raw_steps is None:
            r.fail("the file needs `steps:` (a list of steps; `steps: []` for none)")
        doc = {"name": scenario.name, "start": scenario.start, "system": scenario.system_raw,
               "steps": raw_steps}
        r.check_schema(doc)
        built = r.build(doc, None)
        seconds: dict[str, Any] = {}
        for key in durations_of:
            value = data.get(key)
            if isinstance(value, list):
                seconds[key] = [r.duration(v, (key, j)) for j, v in enumerate(value)]
            else:
                seconds[key] = r.duration(value, (key,))
        return StepsFile(data, built.steps, tuple(raw_steps), seconds)

    return _guarded(read, text, path, "the file")
