"""What the comparison and the sweep views draw, as pure functions of the results of
``compare()`` and ``sweep()`` (twin/strategies.py, twin/sweep.py; their shapes in
scenario-format.md). No Qt here: tested without a window.

The RPO scale is the article's Figure 2 drawn from the simulated results: a log time
axis in decades of seconds, from 1 ms to ten days; a zero RPO sits at the left edge,
labelled "0", and an unbounded one (no usable copy) at the right edge, labelled "∞".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.format import format_bytes, format_duration, format_money
from app.theme import C
from twin.durations import as_number

# the log axis: x = log10(seconds)
LOG_MIN = -3.0  # 1 ms
LOG_MAX = math.log10(10 * 86_400)  # 10 days
ZERO_X = LOG_MIN - 0.8  # a zero RPO, at the left edge
INF_X = LOG_MAX + 0.6  # an unbounded RPO, at the right edge
LOG_TICKS: tuple[tuple[float, str], ...] = (
    (ZERO_X, "0"), (0.001, "1 ms"), (0.01, "10 ms"), (0.1, "100 ms"), (1, "1 s"),
    (10, "10 s"), (60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"),
    (86_400, "1 day"), (864_000, "10 days"), (INF_X, "∞"))

# the phases of an RTO, in order (twin/outcome.py), and their colours (as the live plots)
STAGES: tuple[tuple[str, str, str], ...] = (
    ("decision", "Decision", C.PURPLE), ("data_sync", "Data sync / restore", C.ACCENT),
    ("restart", "Restart / activate", C.ORANGE), ("network", "Network", C.GREEN))

STRATEGY_COLOURS = {
    "backup-restore": C.ORANGE_DARK, "host-based": C.PURPLE, "disk-replication": C.ACCENT,
    "gm-change-volumes": C.TEAL, "metro-mirror": C.BLUE_DARK, "shared-fs": C.GREEN_DARK}
LABELS = {
    "backup-restore": "Backup and restore", "host-based": "Host-based replication",
    "disk-replication": "Disk replication (Global Mirror)",
    "gm-change-volumes": "Global Mirror, change volumes", "metro-mirror": "Metro Mirror",
    "shared-fs": "Shared file system"}

# the common parameters of a what-if sweep: (path, what it is, example values)
COMMON_PATHS: tuple[tuple[str, str, str], ...] = (
    ("system.distance_km", "Distance between the sites (km)", "100,1200,8000"),
    ("system.fc_link.bandwidth_mbps", "FC link bandwidth (Mb/s)", "1000..8000:4"),
    ("system.workloads.*.write_mb_s", "Write rate of every workload (MB/s)", "1,4,8"),
    ("strategies.backup-restore.interval", "Backup interval", "6h,12h,24h"),
    ("strategies.gm-change-volumes.cycle_period", "Change-volume cycle period", "1m,5m,15m"),
    ("system.replication.cycle_period", "Cycle period of the scenario's own replication "
     "(change-volume mode)", "1m,5m,15m"),
    ("strategies.host-based.bandwidth_share_pct", "Host-based: share of the IP link (%)",
     "10,50,90"),
)


def colour(strategy: str) -> str:
    return STRATEGY_COLOURS.get(strategy, C.INK_SOFT)


def label(strategy: str) -> str:
    return LABELS.get(strategy, strategy)


def rpo_x(rpo_s: float | None) -> float:
    """Where an RPO sits on the log scale: 0 at the left edge, unbounded at the right."""
    if rpo_s is None or not math.isfinite(rpo_s):
        return INF_X
    if rpo_s <= 0:
        return ZERO_X
    return min(max(math.log10(rpo_s), LOG_MIN), LOG_MAX)


def log_ticks() -> list[tuple[float, str]]:
    """The scale's ticks as (x, text)."""
    return [(v if v in (ZERO_X, INF_X) else math.log10(v), t) for v, t in LOG_TICKS]


def rpo_text(r: Mapping[str, Any]) -> str:
    if not r.get("applicable", True):
        return "not applicable"
    v = r.get("rpo_achieved_s")
    return "unbounded" if v is None else ("0" if v == 0 else format_duration(v))


def rto_text(r: Mapping[str, Any]) -> str:
    if not r.get("applicable", True):
        return "—"
    v = r.get("rto_s")
    return "not restored" if v is None else format_duration(v)


def lost_text(r: Mapping[str, Any]) -> str:
    if not r.get("applicable", True) or r.get("data_loss_bytes") is None:
        return "—"
    return format_bytes(r["data_loss_bytes"])


def cost_text(r: Mapping[str, Any], currency: str = "") -> str:
    c = r.get("cost")
    return "—" if not c else format_money(c["total"], currency)


@dataclass(frozen=True)
class TableRow:
    strategy: str
    label: str
    rpo: str
    lost: str
    rto: str
    needs: str
    cost: str
    note: str
    applicable: bool


TABLE_HEADERS = ("Strategy", "RPO", "Data lost", "RTO", "Needs", "Cost", "Note")


def table_rows(result: Mapping[str, Any]) -> list[TableRow]:
    """One row per strategy of ``compare()``, in its order."""
    return [TableRow(r["strategy"], label(r["strategy"]), rpo_text(r), lost_text(r),
                     rto_text(r), "\n".join(f"• {n}" for n in r.get("needs") or []),
                     cost_text(r, str(result.get("currency") or "")), r.get("why") or "",
                     bool(r.get("applicable", True)))
            for r in result["strategies"]]


@dataclass(frozen=True)
class ScaleMarker:
    strategy: str
    x: float  # on the log scale
    value: float | None  # the RPO achieved, seconds (None: unbounded)
    text: str


def scale_markers(result: Mapping[str, Any]) -> list[ScaleMarker]:
    """A marker per applicable strategy, the largest RPO first (the top row of the scale)."""
    rows = [r for r in result["strategies"] if r.get("applicable", True)]
    rows.sort(key=lambda r: -rpo_x(r.get("rpo_achieved_s")))
    return [ScaleMarker(r["strategy"], rpo_x(r.get("rpo_achieved_s")),
                        r.get("rpo_achieved_s"), f"{label(r['strategy'])}: RPO {rpo_text(r)}")
            for r in rows]


def not_applicable(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(r["strategy"], r.get("why") or "") for r in result["strategies"]
            if not r.get("applicable", True)]


@dataclass(frozen=True)
class Bar:
    strategy: str
    phases: tuple[tuple[str, float], ...]  # (stage key, seconds), in STAGES order
    total: float | None  # None: not restored / not applicable
    text: str


def rto_bars(result: Mapping[str, Any]) -> list[Bar]:
    """Per strategy, its RTO's phases stacked in the order of STAGES."""
    out = []
    for r in result["strategies"]:
        bd = r.get("rto_breakdown_s") or {}
        ok = r.get("applicable", True) and r.get("rto_s") is not None
        phases = tuple((k, float(bd.get(k) or 0.0)) for k, _, _ in STAGES) if ok else ()
        out.append(Bar(r["strategy"], phases, r.get("rto_s") if ok else None,
                       (f"RTO {rto_text(r)}" if ok else "not restored")
                       if r.get("applicable", True) else "not applicable"))
    return out


def time_unit(span_s: float) -> tuple[float, str]:
    """Seconds per axis unit for a span: minutes up to two hours, then hours, then days."""
    if span_s <= 2 * 3600:
        return 60.0, "min"
    if span_s <= 4 * 86_400:
        return 3600.0, "h"
    return 86_400.0, "days"


@dataclass(frozen=True)
class Lane:
    """One strategy's timeline of the disaster: its data unprotected from ``unprotected_from``
    (the oldest write lost) to the disaster, the service down from the disaster to
    ``restored``. None: unbounded (no usable copy) / not restored."""

    strategy: str
    applicable: bool
    unprotected_from: float | None
    disaster: float
    restored: float | None
    text: str


def lanes(result: Mapping[str, Any]) -> list[Lane]:
    d = float(result["disaster_at_s"])
    out = []
    for r in result["strategies"]:
        ok = bool(r.get("applicable", True))
        rpo, rto = r.get("rpo_achieved_s"), r.get("rto_s")
        out.append(Lane(r["strategy"], ok, None if rpo is None else d - rpo, d,
                        None if rto is None else d + rto,
                        f"lost {rpo_text(r)} of writes, down {rto_text(r)}" if ok
                        else "not applicable"))
    return out


# -- sweeps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    strategy: str
    x: tuple[float, ...]
    rpo: tuple[float, ...]  # on the log scale (rpo_x)
    rto_x: tuple[float, ...]  # the runs restored
    rto: tuple[float, ...]  # seconds


def against(result: Mapping[str, Any], key: str | None) -> tuple[list[Series], list[str]]:
    """Per strategy, RPO and RTO against ``key`` (a varied path, or None for the
    disaster's time of day in hours); categories when the values are not numbers (their
    names returned, their index is x). Impossible runs are left out."""
    rows = [r for r in result["rows"] if not r.get("error")]
    cats: list[str] = []
    if key is not None:
        vals = [r.get(key) for r in result["rows"]]
        if any(as_number(v) is None for v in vals):
            cats = list(dict.fromkeys(str(v) for v in vals))
    out: dict[str, tuple[list[float], list[float], list[float], list[float]]] = {}
    for r in rows:
        if key is None:
            x = None if r.get("disaster_at_s") is None else float(r["disaster_at_s"]) / 3600
        elif cats:
            x = float(cats.index(str(r.get(key))))
        else:
            x = as_number(r.get(key))
        if x is None:
            continue
        xs, rp, xt, rt = out.setdefault(r["strategy"], ([], [], [], []))
        xs.append(x)
        rp.append(rpo_x(r.get("rpo_achieved_s")))
        if r.get("rto_s") is not None:
            xt.append(x)
            rt.append(float(r["rto_s"]))
    series = [Series(s, tuple(v[0]), tuple(v[1]), tuple(v[2]), tuple(v[3]))
              for s, v in out.items()]
    return series, cats


def summary_rows(result: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Per strategy: runs, impossible, not restored, data lost and RTO p50/p95/p99."""
    out = []
    for name, s in result["summary"].items():
        def q(key: str, fmt: Any, s: Mapping[str, Any] = s) -> list[str]:
            v = s.get(key)
            return ["—"] * 3 if not v else [fmt(v["p50"]), fmt(v["p95"]), fmt(v["p99"])]

        out.append((label(name), str(s["runs"]), str(s["errors"]), str(s["not_restored"]),
                    *q("data_loss_bytes", format_bytes), *q("rto_s", format_duration),
                    *q("rpo_achieved_s", lambda v: "0" if v == 0 else format_duration(v))))
    return out


SUMMARY_HEADERS = ("Strategy", "Runs", "Impossible", "Not restored", "Lost p50", "Lost p95",
                   "Lost p99", "RTO p50", "RTO p95", "RTO p99", "RPO p50", "RPO p95",
                   "RPO p99")


def row_cells(result: Mapping[str, Any], r: Mapping[str, Any]) -> list[str]:
    """A sweep row as the table shows it: the varied values, then the run's figures."""
    cells = [str(r.get(p)) for p in result["varied"]]
    err = r.get("error")
    cells += [str(r["run"]), "—" if r.get("seed") is None else str(r["seed"]),
              label(r["strategy"]),
              "—" if r.get("disaster_at_s") is None else format_duration(r["disaster_at_s"]),
              "impossible" if err else rpo_text(r),
              "—" if err else lost_text(r), "—" if err else rto_text(r), err or ""]
    return cells


def row_headers(result: Mapping[str, Any]) -> list[str]:
    return [*result["varied"], "Run", "Seed", "Strategy", "Disaster at", "RPO", "Data lost",
            "RTO", "Why impossible"]


def histogram(values: Sequence[float], lo: float, hi: float,
              bins: int = 30) -> tuple[list[float], list[int]]:
    """Bin edges and counts of ``values`` over ``lo..hi`` (the same bins for every
    strategy, so that their outlines compare); a zero span gets one narrow bin."""
    if not values:
        return [], []
    if hi - lo < 1e-12:
        half = max(abs(lo) * 0.02, 0.05)
        return [lo - half, lo + half], [len(values)]
    step = (hi - lo) / bins
    edges = [lo + i * step for i in range(bins + 1)]
    counts = [0] * bins
    for v in values:
        counts[min(max(int((v - lo) / step), 0), bins - 1)] += 1
    return edges, counts
