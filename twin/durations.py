"""Durations as scenario files write them: seconds as a number, or text such as
``500ms``, ``90s``, ``15m``, ``2h``, ``1h30m``, ``1d`` (scenario-format.md)."""

from __future__ import annotations

import math
import re

from twin.limits import shown as _short

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is accepted."""


def parse_duration(value: object) -> float:
    """Return seconds for a number or a duration text; refuse negatives, junk and numbers
    too large to be a float. Linear in the length of the text (spaces and other white
    space may separate the parts: ``1h 30m``)."""
    if isinstance(value, bool):
        raise DurationError(f"{value!r} is not a duration; write e.g. 90s, 15m, 2h or 1h30m")
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:
            raise DurationError(f"{_short(value)} is too large to be a duration") from None
    elif isinstance(value, str):
        text = "".join(value.split())
        if not text:
            raise DurationError("empty duration; write e.g. 90s, 15m, 2h or 1h30m")
        try:
            seconds = float(text)
        except ValueError:
            if not _WHOLE.match(text):
                raise DurationError(
                    f"{_short(value)} is not a duration; write e.g. 500ms, 90s, 15m, 2h, "
                    "1h30m or 1d"
                ) from None
            seconds = math.fsum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
        if math.isnan(seconds):
            raise DurationError(f"{_short(value)} is not a duration")
        if math.isinf(seconds) and seconds > 0:
            raise DurationError(f"{_short(value)} is too large to be a duration")
    else:
        raise DurationError(f"{_short(value)} is not a duration; write e.g. 90s, 15m, 2h or 1h30m")
    if not math.isfinite(seconds):
        raise DurationError(f"{_short(value)} is not a duration: it must be finite")
    if seconds < 0:
        raise DurationError(f"{_short(value)} is not a duration: it must be zero or more")
    return seconds


def as_number(v: object) -> float | None:
    """A value as a number for a plot's axis: numbers as they are, numeric strings and
    durations ("12h") in seconds; None when it is neither (a strategy's name, say)."""
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            try:
                return parse_duration(v)
            except DurationError:
                return None
    return None


def format_duration(seconds: float, approx: bool = False) -> str:
    """Short human form: ``1h 02m 03s``, ``4m 05s``, ``12.3s``, ``250ms``. ``approx``: to
    the nearest minute, as a countdown says it (``24m``, ``1h 05m``, ``2d 03h``; under a
    minute, whole seconds: ``40s``)."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if approx:
        if seconds < 59.5:
            return f"{max(0.0, seconds):.0f}s"
        if seconds >= 86400 - 1800:  # a day or more: to the hour
            d, h = divmod(int(round(seconds / 3600)), 24)
            return f"{d}d {h:02d}h"
        h, m = divmod(int(round(seconds / 60)), 60)
        return f"{h}h {m:02d}m" if h else f"{m}m"
    if seconds < 1:
        ms = seconds * 1000
        return f"{0.0 if abs(ms) < 0.5 else ms:.0f}ms"  # (never "-0ms")
    if seconds < 60:
        return f"{seconds:.1f}s"
    total = int(round(seconds))
    d, rem = divmod(total, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    if d:
        return f"{d}d {h:02d}h {m:02d}m"
    if h:
        return f"{h}h {m:02d}m {s:02d}s"
    return f"{m}m {s:02d}s"


def format_left(seconds: float) -> str:
    """A time still to go, as a person says it: ``about 40s left``, ``about 24m left``,
    ``about 1h 10m left`` (``format_duration(approx=True)``)."""
    if seconds is None or not math.isfinite(seconds):
        return "time left unknown"
    if seconds < 1:
        return "about a second left"
    return f"about {format_duration(seconds, approx=True)} left"


def format_bytes(n: float | None) -> str:
    """Decimal units, as storage is sold and as the twin computes: ``1.5 GB``, ``820 kB``."""
    if n is None or not math.isfinite(n):
        return "—"
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} B"


def format_money(amount: float | None, currency: str = "") -> str:
    """An amount of money as the after-action report and the summary write it: whole units
    with thousands separators, then the currency (``1,250,000 USD``); — for no figure."""
    if amount is None or amount != amount or amount in (float("inf"), float("-inf")):
        return "—"
    text = f"{amount:,.0f}"
    return f"{text} {currency}" if currency else text
