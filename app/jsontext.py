"""The run report as JSON text, fast: ``dumps(obj)`` is ``json.dumps(obj, indent=1,
default=str, allow_nan=False)``, character for character (tests/test_engine_speed.py
compares them on every bundled scenario's report and on generated documents).
Headless, no Qt: ``drtwin run`` uses it.

With an indent the standard library encodes in Python, a generator per list and
mapping yielding each item; a 2,000-volume run's report is some 18,000 lines, most of
them in lists of numbers or of names (the series, the per-volume columns), ~10 ms of
``drtwin run --json`` (bench/bench_cli.py). Here a list of floats or of strings is one
``join`` of C conversions (``float.__repr__``, the standard encoder's string escape),
and anything else takes the standard encoder's rules, item by item, in the same order.
"""

from __future__ import annotations

import json.encoder
from typing import Any

_enc = json.encoder.encode_basestring_ascii  # (the C one when there is one)
_float_repr = float.__repr__
_int_repr = int.__repr__
_INF = float("inf")


def _float(o: float) -> str:
    if o != o or o == _INF or o == -_INF:
        raise ValueError("Out of range float values are not JSON compliant: " + repr(o))
    return _float_repr(o)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _enc(key)
    if isinstance(key, float):
        return _enc(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _enc(_int_repr(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def dumps(obj: Any) -> str:
    """``json.dumps(obj, indent=1, default=str, allow_nan=False)``."""
    out: list[str] = []
    _value(obj, 0, out, {})
    return "".join(out)


def _value(o: Any, level: int, out: list[str], markers: dict[int, Any]) -> None:
    if isinstance(o, str):
        out.append(_enc(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(_int_repr(o))
    elif isinstance(o, float):
        out.append(_float(o))
    elif isinstance(o, (list, tuple)):
        _list(o, level, out, markers)
    elif isinstance(o, dict):
        _dict(o, level, out, markers)
    else:
        mid = id(o)
        if mid in markers:
            raise ValueError("Circular reference detected")
        markers[mid] = o
        _value(str(o), level, out, markers)
        del markers[mid]


def _fast(lst: list[Any] | tuple[Any, ...], sep: str) -> str | None:
    """A list of only floats (finite) or only strings in one join; None: otherwise."""
    first = lst[0]
    try:
        if type(first) is float:
            total = sum(lst)  # (a non-number raises; a non-finite one, or an overflow,
            if total - total == 0.0:  # gives a non-finite sum: the slow path says which)
                return sep.join(map(_float_repr, lst))
        elif type(first) is str:
            return sep.join(map(_enc, lst))
    except TypeError:
        pass
    return None


def _list(lst: list[Any] | tuple[Any, ...], level: int, out: list[str],
          markers: dict[int, Any]) -> None:
    if not lst:
        out.append("[]")
        return
    mid = id(lst)
    if mid in markers:
        raise ValueError("Circular reference detected")
    markers[mid] = lst
    level += 1
    sep = ",\n" + " " * level
    fast = _fast(lst, sep)
    if fast is not None:
        out.append("[\n" + " " * level)
        out.append(fast)
    else:
        out.append("[\n" + " " * level)
        first = True
        for value in lst:
            if first:
                first = False
            else:
                out.append(sep)
            _value(value, level, out, markers)
    out.append("\n" + " " * (level - 1) + "]")
    del markers[mid]


def _dict(dct: dict[Any, Any], level: int, out: list[str], markers: dict[int, Any]) -> None:
    if not dct:
        out.append("{}")
        return
    mid = id(dct)
    if mid in markers:
        raise ValueError("Circular reference detected")
    markers[mid] = dct
    level += 1
    sep = ",\n" + " " * level
    out.append("{\n" + " " * level)
    first = True
    for key, value in dct.items():
        k = _key(key)
        if first:
            first = False
        else:
            out.append(sep)
        out.append(k)
        out.append(": ")
        _value(value, level, out, markers)
    out.append("\n" + " " * (level - 1) + "}")
    del markers[mid]
