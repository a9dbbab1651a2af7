"""Fuzz the scenario loader with mutations of every scenario the project ships (issue 8):
numbers to extremes, 400-digit numbers, NaN text, huge durations, deleted and duplicated
lines and keys, aliases, tags, unicode, planted passwords, structural changes. Every
outcome is a Scenario or a ScenarioError that names the file and a line in it, never an
internal error, never a planted password; and the loader's fast paths (libyaml under
PyYAML's composer, the yes/no schema check) answer as the slow ones do."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
import yaml

from tests.fuzzing import PLANTED, cases, mutated, seed_texts
from twin import limits as L
from twin.scenario import (
    ScenarioError,
    _compose_fast,
    _validator,
    load_scenario_text,
    scenario_schema,
    schema_valid,
)

FAST, SLOW = cases(150, 2000)


def _tree(node: Any, seen: dict[int, int] | None = None) -> Any:
    """A composed node as plain data (tags, values, lines); a node met again (an alias)
    is its number, so a billion laughs stays small."""
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    mark = node.start_mark.line  # (columns differ after some characters; the loader uses lines)
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, mark)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_tree(x, seen) for x in node.value], mark)
    return (node.tag, [(_tree(k, seen), _tree(v, seen)) for k, v in node.value], mark)


def _pure(text: str) -> Any:
    try:
        return _tree(yaml.SafeLoader(text).get_single_node())
    except (yaml.YAMLError, RecursionError):
        return "error"


def check_one(seed: int) -> str:
    """Load one mutated file; check every promise; say how it ended."""
    origin, text = mutated(seed)
    where = f"seed {seed} (from {origin})"
    path = f"fuzz-{seed}.yaml"
    # libyaml, under PyYAML's composer, composes exactly what PyYAML composes (or nothing)
    fast = _compose_fast(text) if len(text) < 50_000 else None
    if fast is not None:
        assert _tree(fast[1]) == _pure(text), where
    try:
        sc = load_scenario_text(text, path)
    except ScenarioError as e:
        assert "internal error" not in e.message, (where, str(e), e.__cause__)
        assert e.path == path and str(e).startswith(path), where
        lines = len(re.findall("\r\n|[\n\r\x85\u2028\u2029]", text)) + 2  # YAML's breaks
        assert e.line is None or 1 <= e.line <= lines, (where, str(e))
        assert PLANTED not in str(e) and PLANTED not in repr(e), (where, str(e))
        assert len(e.message) < 2000, where
        return "refused"
    assert sc.horizon_s <= L.HORIZON_S and len(sc.steps) <= L.MAX_STEPS, where
    assert PLANTED not in repr(sc), where
    return "loaded"


def check_schema_agreement(seed: int) -> None:
    """The yes/no interpreter of the schema agrees with jsonschema on the document."""
    _, text = mutated(seed)
    if "*" in text or len(text) > 100_000:
        return  # aliases can make the document exponentially larger than its text
    try:
        doc = yaml.safe_load(text)
    except Exception:  # noqa: BLE001 - not a document (the loader refuses it: check_one)
        return
    valid = schema_valid(doc)
    if valid is None:  # it could not tell: the loader asks jsonschema
        return
    plain = jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {"uniqueItems": _validator().VALIDATORS["uniqueItems"]})(scenario_schema())
    assert valid == (next(iter(plain.iter_errors(doc)), None) is None), (seed, doc)


def run_cases(first: int, n: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seed in range(first, first + n):
        outcome = check_one(seed)
        counts[outcome] = counts.get(outcome, 0) + 1
        if seed % 5 == 0:
            check_schema_agreement(seed)
    return counts


def test_every_scenario_file_loads() -> None:
    for name, text in seed_texts():
        load_scenario_text(text, name)


def test_fuzz_mutated_scenario_files() -> None:
    counts = run_cases(0, FAST)
    assert counts.get("loaded", 0) > FAST // 20 and counts.get("refused", 0) > FAST // 4, counts


@pytest.mark.slow
def test_fuzz_mutated_scenario_files_deep() -> None:
    counts = run_cases(1_000_000, SLOW)
    print(f"loader fuzz: {SLOW} files: {counts}")
