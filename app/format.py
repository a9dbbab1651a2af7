"""How the application writes numbers: one formatter per kind of quantity, used by every
view, so the status bar, the consoles, the plots and the topology say "5m 00s" alike.

Durations and bytes are the engine's own formatters (``twin.durations``), as in reports
and the event log; this adds the values the state document may carry that they do not
expect (None for "unbounded", an infinite per-volume RPO) and the quantities only the
GUI shows (rates, the clock, percentages, bandwidths). No Qt here.
"""

from __future__ import annotations

import math

from twin import durations


def format_duration(seconds: float | None, approx: bool = False) -> str:
    """``1h 02m 03s``, ``4m 05s``, ``12.3s``, ``250ms``; ``∞`` for an unbounded time (an
    RPO with no consistent copy) and ``—`` for no value. ``approx``: to the minute, for a
    countdown (``about 24m left``)."""
    if seconds is None or math.isnan(seconds):
        return "—"
    if seconds == math.inf:
        return "∞"
    return durations.format_duration(float(seconds), approx=approx)


def format_bytes(n: float | None) -> str:
    """Decimal units, as storage is sold and as the twin computes: ``1.5 GB``."""
    return durations.format_bytes(n)


def format_rate(bps: float | None) -> str:
    """Bytes per second as MB/s (decimal, as twin/config.py)."""
    if bps is None or not math.isfinite(bps):
        return "—"
    return f"{bps / 1e6:,.1f} MB/s"


def format_bandwidth(mbps: float | None) -> str:
    """A link's bandwidth in bits per second: ``8 Gb/s``, ``100 Mb/s``."""
    if mbps is None or not math.isfinite(mbps):
        return "—"
    return f"{mbps / 1000:g} Gb/s" if mbps >= 1000 else f"{mbps:g} Mb/s"


def format_clock(t: float) -> str:
    """Simulated time as ``d hh:mm:ss`` (``0d 02:00:00``)."""
    if not math.isfinite(t):
        return "—"
    total = int(t)
    d, rem = divmod(total, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    return f"{d}d {h:02d}:{m:02d}:{s:02d}"


def format_pct(fraction: float | None) -> str:
    """A fraction 0..1 as a whole percentage: ``42 %``."""
    return "—" if fraction is None else f"{100 * float(fraction):.0f} %"


def state_text(state: str) -> str:
    """A state name as words: ``consistent_synchronized`` → ``consistent synchronized``."""
    return state.replace("_", " ")


def format_money(amount: float | None, currency: str = "") -> str:
    """Money as the summary and the report write it: ``1,250,000 USD``; — for no figure."""
    return durations.format_money(amount, currency)


COPY_TYPES = {"global-mirror": ("Global Mirror", "GM"),
              "global-mirror-change-volumes": ("Global Mirror with change volumes", "GM-CV"),
              "metro-mirror": ("Metro Mirror", "MM")}


def copy_type(mode: str, short: bool = False) -> str:
    """The consistency group's copy type (R21), as the SVC names it or its short form:
    ``global-mirror-change-volumes`` → ``Global Mirror with change volumes`` / ``GM-CV``."""
    names = COPY_TYPES.get(str(mode))
    return str(mode) if names is None else names[1 if short else 0]


format_left = durations.format_left  # ``about 24m left``
