"""Shared pieces of the fuzz suites (issue 8, "keep it found"): how many cases to try, the
scenario files to start from, the mutations, a planted password, strict JSON.

Sizes: the default run tries a few hundred cases and stays fast; the ``slow``-marked
tests (``pytest -m slow``; scripts/test.sh, and so CI, runs them) try ten times more;
``DRTWIN_FUZZ_DEEP=1`` makes the slow tests go deep (10,000 files, 10,000 action
sequences): ``DRTWIN_FUZZ_DEEP=1 pytest -m slow -s tests/test_fuzz_*.py``.
``DRTWIN_FUZZ_N=<n>`` sets the number of cases of every fuzz test outright. Every case is
seeded: a failure names the seed, and ``mutated(seed)`` gives the same file again.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEEP = os.environ.get("DRTWIN_FUZZ_DEEP", "") not in ("", "0")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the mutations' own reading, fast
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PLANTED = "Pl4nted-Zq9x"  # a password put in fuzzed files; no output may contain it


def cases(default: int, slow: int, deep: int = 10_000) -> tuple[int, int]:
    """(number of cases for the fast test, for the slow-marked test)."""
    if os.environ.get("DRTWIN_FUZZ_N"):
        n = int(os.environ["DRTWIN_FUZZ_N"])
        return n, n
    return default, deep if DEEP else slow


def seed_texts() -> list[tuple[str, str]]:
    """(name, text) of every scenario the project ships, and the contract's example."""
    from tests.test_scenario_loader import EXAMPLE

    out = [(p.name, p.read_text("utf-8")) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    return [*out, ("contract-example", EXAMPLE)]


def strict_json(text: str) -> Any:
    """``json.loads`` that refuses NaN and Infinity, as a strict JSON reader does."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


# --- mutations --------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.\"'-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")
_DURATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:ms|s|m|h|d)\b")
_VALUE = re.compile(r"(?<=: )(?=[^\s{\[])")  # where a value starts after `key: `
EXTREMES = [
    "0", "-1", "-0.0", "1.0e+308", "-1.0e+308", "5.0e-324", "1.0e-300", "9" * 400,
    "-" + "9" * 400, ".nan", ".NaN", ".inf", "-.inf", "nan", "NaN", "inf", "4096", "4097",
    "8193", "38", "39", "608", "609", "20000", "20001", "0.056", "0.05", "100000", "100001",
    "20001", "31536000", "31536001", "2147483648", "9223372036854775808", "1e7", "1.0e+7",
    "0x1F", "0o17", "1_000", "+5", "12:30", "2024-01-01", "true", "null", "~", "''",
]  # fmt: skip
DURATIONS = ["36500d", "365d", "366d", "9999999h", "1e7", "10000000", "31536001", "1h" + " " * 500,
             "0s", "0.000001ms", "1d1d1d1d", "-5m", "5 min", "1h30", "99999999999999999999d"]
TAGS = ["!!binary ", "!!set ", "!foo ", "!!python/object:os.system ", "!!int ", "!!float ",
        "!!timestamp ", "!!str ", "!!map ", "!!seq ", "!<tag:yaml.org,2002:str> ", "!!omap "]
UNICODE = ["\u202e", "é", "e\u0301", "😀", "\x00", "\x07", "\ufeff", "\u2028", "\t", "\r",
           "\u00a0", "\u200b", "ß", "\U0010ffff", "\x85", "\\", "\"", "'", "#", ": ", "- "]
BITS = [":", ": ", "-", "- ", "{", "}", "[", "]", ",", "#", "&a ", "*a", "!!", "!x", "|", ">",
        "'", '"', "\n", "  ", "%", "@", "?", "<<: ", "<<: *a", "null", "~", "yes", "---"]
PREFIXES = ["", "*", "!", "&", "%", "@", "`", "!!", '"', "'", "|", ">"]
NASTY: list[Any] = [
    None, True, False, 0, -1, 1e308, -1e308, 5e-324, 10**30, 2**63, "", "x" * 200, "paris",
    "raleigh", "dallas", "orders-db", [], [1, 2], {}, {"min": 5, "max": 1}, {"a": {"b": []}},
    "36500d", "1e7", 31536001, 4097, 8193, 39, 20001, 0.01,
]  # fmt: skip
KEYS = ["name", "description", "seed", "start", "system", "objectives", "steps", "racks",
        "workloads", "users", "do", "rack", "at", "after", "until", "that", "for", "timeout",
        "needs", "password", "min", "max", "restart", "vlans", "ip_pool", "bandwidth_mbps",
        "compute_nodes", "volumes", "volume_gb", "write_mb_s", "model", "cores", "unknown"]


def _replace_match(rng: random.Random, text: str, pattern: re.Pattern[str],
                   choices: list[str]) -> str:
    found = list(pattern.finditer(text))
    if not found:
        return text
    m = rng.choice(found)
    return text[: m.start()] + rng.choice(choices) + text[m.end():]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _password(rng: random.Random, text: str) -> str:
    pw = rng.choice(PREFIXES) + PLANTED
    if pw.startswith(('"', "'")):
        pw += pw[0]
    where = rng.randrange(3)
    if where == 0 and "steps:" in text:
        step = rng.choice([
            f"  - {{do: create-profile, rack: raleigh, peer: dallas, password: {pw}}}\n",
            f"  - do: create-profile\n    rack: raleigh\n    peer: dallas\n    password: {pw}\n",
            f"  - {{do: create-profile, rack: dallas, peer: raleigh, user: dradmin,\n"
            f"     password: {pw}}}\n"])
        i = text.index("steps:") + len("steps:")
        end = text.find("\n", i)
        return text[: end + 1] + step + text[end + 1:] if end >= 0 else text + "\n" + step
    if where == 1 and "racks:" in text:
        user = rng.choice([f"users: [{{id: dradmin, password: {pw}}}], ",
                           f"users: [{{id: u, password: {pw}, permissions: [x]}}], "])
        return re.sub(r"(- \{)", r"\1" + user.replace("\\", "\\\\"), text, count=1)
    return text.rstrip("\n") + (
        "\nsystem:\n  racks:\n    - users:\n        - id: dradmin\n"
        f"          password: {pw}\n    - {{}}\n")


def _structural(rng: random.Random, text: str) -> str:
    """Parse, change one place of the document (replace, delete, add, retype), dump."""
    try:
        doc = yaml.load(text, Loader=_LOADER)
    except Exception:  # noqa: BLE001 - whatever this text does to PyYAML, mutate another way
        return text
    paths: list[tuple[Any, ...]] = []
    seen: set[int] = set()  # aliases share their value: walk it once (a billion laughs)

    def walk(node: Any, here: tuple[Any, ...]) -> None:
        paths.append(here)
        if id(node) in seen or len(paths) > 5000:
            return
        seen.add(id(node))
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*here, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*here, i))

    walk(doc, ())
    if len(paths) < 2:
        return text
    path = rng.choice(paths[1:])
    parent = doc
    for seg in path[:-1]:
        parent = parent[seg]
    how = rng.randrange(4)
    if how == 0:
        parent[path[-1]] = rng.choice(NASTY)
    elif how == 1:
        del parent[path[-1]]
    elif how == 2 and isinstance(parent, dict):
        parent[rng.choice(KEYS)] = rng.choice(NASTY)
    elif isinstance(parent, list):
        parent.append(rng.choice([*NASTY, dict(parent[0]) if parent and isinstance(
            parent[0], dict) else {}]))  # fmt: skip
    else:
        parent[path[-1]] = [parent[path[-1]]]
    try:
        return yaml.dump(doc, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    except Exception:  # noqa: BLE001
        return text


def _many_steps(rng: random.Random, text: str) -> str:
    n = rng.choice([10, 100, 1000])
    step = rng.choice(["  - {after: 1s, do: note, text: n}\n", "  - {do: check, that: "
                       "{time_s: {min: 0}}}\n", "  - {after: 1d, do: note}\n"])
    if "steps:" not in text:
        return text + "\nsteps:\n" + step * n
    i = text.index("steps:") + len("steps:")
    end = text.find("\n", i)
    return text[: end + 1] + step * n + text[end + 1:] if end >= 0 else text


def _aliases(rng: random.Random, text: str) -> str:
    how = rng.randrange(4)
    if how == 0:
        return re.sub(r"(?<=: )(?=[\w\d])", "&a ", text, count=1).replace(
            ": 1", ": *a", 1) if ": " in text else text
    if how == 1:
        return _replace_match(rng, text, _NUMBER, ["*nope", "*a", "&a 1"])
    if how == 2:  # a long value, repeated by many aliases
        long = "y" * rng.choice([100, 7_000])
        return text.replace("name: ", f"description: &v '{long}'\nname: ", 1) + (
            "" if "steps:" in text else "\nsteps:\n") + "  - {do: note, text: *v}\n" * 300
    return "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
        for p, n in zip("abcdef", "bcdefg", strict=True)) + text


def mutate(rng: random.Random, text: str) -> str:
    """One mutation of a scenario text, of a kind chosen by ``rng``."""
    kind = rng.randrange(15)
    if kind == 0:
        return _replace_match(rng, text, _NUMBER, EXTREMES)
    if kind == 1:
        return _replace_match(rng, text, _NUMBER, ["9" * 400, "1" + "0" * 399, "9" * 5000])
    if kind == 2:
        return _replace_match(rng, text, _DURATION, DURATIONS)
    if kind == 3:
        lines = _lines(text)
        del lines[rng.randrange(len(lines))]
        return "".join(lines)
    if kind == 4:
        lines = _lines(text)
        i = rng.randrange(len(lines))
        return "".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    if kind == 5:
        return _aliases(rng, text)
    if kind == 6:
        spots = [m.start() for m in _VALUE.finditer(text)]
        if not spots:
            return text
        i = rng.choice(spots)
        return text[:i] + rng.choice(TAGS) + text[i:]
    if kind == 7:
        i = rng.randrange(len(text) + 1)
        return text[:i] + "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 4))) + text[i:]
    if kind == 8:
        return _password(rng, text)
    if kind in (9, 10):
        return _structural(rng, text)
    if kind == 11:
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randrange(12))
        return text[:i] + rng.choice(BITS) + text[j:]
    if kind == 12:
        return _many_steps(rng, text)
    if kind == 13:
        return _replace_match(rng, text, _NUMBER, [str(rng.choice([1, 2, 5, 10, 50])
                                                       * rng.choice([1, 10, 100, 1000]))])
    lines = _lines(text)  # swap two lines
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def mutated(seed: int) -> tuple[str, str]:
    """(what it started from, the text): 1 to 4 mutations of one seed file."""
    rng = random.Random(seed)
    texts = seed_texts()
    name, text = texts[rng.randrange(len(texts))]
    for _ in range(rng.randint(1, 4)):
        text = mutate(rng, text)
    return name, text
