"""The after-action report: one self-contained HTML page made from a run report.

``render(report, ...)`` is a pure function of the run report (``Runner.report()``, the
JSON of ``drtwin run --json``) and of what the run report cannot know — the wall-clock
time the run was made, the scenario's description and the SHA-256 of its text — which
the caller passes in (the engine has no wall clock). The page is shaped like an exercise
after-action report (HSEEP): overview, verdict, the trainee's actions against the answer
key, RPO/RTO against the objectives with the lag/RPO curve and the recovery timeline,
strengths, areas for improvement with corrective actions, the score, and the event log.

No external resource: the style sheet is inline and the plots are inline SVG drawn here.
No script. It prints to PDF from a browser (A4 or Letter): light background, page breaks
between sections where they fit, tables and figures kept whole. Every text that comes
from the report is escaped; marks (✓ ✗ ⚠) and words say what colour also says.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from twin.durations import format_bytes, format_duration, format_money
from twin.summary import end_summary

__all__ = ["render", "write", "json_path_for", "scenario_info", "text_sha256"]

# the console actions and faults as a report names them
ACTION_LABEL = {
    "create-profile": "Create DR profile", "validate": "Validate profile",
    "enable": "Enable DR", "quiesce-compute-nodes": "Quiesce compute nodes",
    "stop-workloads": "Stop workloads", "withdraw-routes": "Withdraw routes",
    "start-failover": "Start Failover", "add-compute-nodes": "Add compute nodes",
    "configure-tor-switches": "Configure ToR switches", "start-workloads": "Start workloads",
    "advertise-routes": "Advertise routes", "resume-replication": "Resume replication",
    "deploy": "Deploy", "verify-initial-copies": "Verify initial copies complete",
    "cut-link": "Cut link", "restore-link": "Restore link", "degrade-link": "Degrade link",
    "lose-rack": "Site lost", "restore-rack": "Site restored",
    "fail-compute-node": "Compute node fails", "fail-management-node": "Management node fails",
    "fail-storage": "Storage fails", "surge-writes": "Write surge",
}
_FLOW = ("note", "wait", "check")

# what to do instead, by the action a deviation is about (rule and step in the text)
_CORRECTIVE = {
    "quiesce-compute-nodes": "Quiesce the compute nodes on the primary before Start Failover, "
    "so no new deployment starts (R11 step 1)",
    "verify-initial-copies": "Check in Monitoring that the initial copies are complete before "
    "Start Failover (R11 step 1)",
    "stop-workloads": "Stop the workloads on the primary before Start Failover (R11 step 1)",
    "withdraw-routes": "Have the routers stop advertising the primary's addresses before "
    "Start Failover (R11 step 1)",
    "add-compute-nodes": "Add compute nodes to the backup's cloud groups before Start "
    "Failover on the backup (R11 step 3)",
    "configure-tor-switches": "Configure the backup's ToR switches before Start Failover on "
    "the backup (R11 step 3)",
    "start-workloads": "Start the workloads on the new primary once its failover is done "
    "(R11 step 5)",
    "advertise-routes": "Advertise the new primary's addresses from its routers once its "
    "workloads start (R11 step 5)",
    "start-failover": "Start Failover on the backup, choosing the type in View details "
    "(R11 step 4, R12)",
    "enable": "Enable disaster recovery: the backup first, then the primary (R7)",
    "create-profile": "Create the DR profile on each rack with the peer's management "
    "address and a security administrator (R4)",
    "validate": "Validate the profile and correct every check it names (R6)",
    "resume-replication": "Resume the consistency group once the link is fixed (R19)",
}
_RULE_STEP = {"R13": "(R13: a failback is a planned failover the other way round)"}


@dataclass
class _Row:
    """A line of the timeline: an action (or inject) and/or the answer key's entry."""

    t: float
    actual: Mapping[str, Any] | None = None
    key: Mapping[str, Any] | None = None
    inject: Mapping[str, Any] | None = None
    devs: list[Mapping[str, Any]] = field(default_factory=list)
    order: int = 0


# -- small helpers ---------------------------------------------------------------------------


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None


def clock(t: Any) -> str:
    """Simulated time as T+h:mm:ss (the exercise clock)."""
    s = _num(t)
    if s is None:
        return "—"
    total = int(round(s))
    h, rem = divmod(total, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _at(t: Any) -> str:
    return "" if _num(t) is None else f"T+{clock(t)}"


def _dur(t: Any) -> str:
    s = _num(t)
    return "—" if s is None else format_duration(s)


def _hm(t: float) -> str:
    total = int(round(t / 60.0))
    h, m = divmod(total, 60)
    return f"{h}:{m:02d}"


def text_sha256(text: str) -> str:
    """The SHA-256 of a scenario's text (UTF-8), as the report and the history show it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_info(text: str | None) -> dict[str, str]:
    """The description and briefing of a scenario's text, read leniently (a report of an
    old run must render even if the scenario format has moved on since)."""
    out = {"description": "", "briefing": ""}
    if not text:
        return out
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return out
    if isinstance(data, dict):
        for k in out:
            v = data.get(k)
            if isinstance(v, str):
                out[k] = v.strip()
    return out


def label(do: str, fields: Mapping[str, Any] | None = None) -> str:
    """An action as a reader says it: "Start Failover on dallas (unplanned)"."""
    f = fields or {}
    name = ACTION_LABEL.get(do, do.replace("-", " ").capitalize())
    parts = [name]
    if f.get("link"):
        parts[0] = f"{name}: {str(f['link']).upper()}"
    if f.get("workload"):
        parts.append(f"of {f['workload']}")
    if f.get("rack"):
        parts.append(f"on {f['rack']}")
    extra = [str(f[k]) for k in ("type",) if f.get(k)]
    if f.get("role"):
        extra.append(f"as {f['role']}")
    if do == "deploy" and f.get("name"):
        extra.append(str(f["name"]))
    return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")


def _same(rec: Mapping[str, Any], key: Mapping[str, Any]) -> bool:
    if rec.get("do") != key.get("do"):
        return False
    return all(rec.get(f) == key[f] for f in ("rack", "type", "role", "link", "workload")
               if key.get(f) is not None)


def corrective(dev: Mapping[str, Any]) -> str:
    """What the trainee should do instead, from the deviation's rule, action and kind."""
    action = str(dev.get("action") or "")
    rule = str(dev.get("rule") or "")
    kind = dev.get("kind")
    if kind == "refused":
        hint = str(dev.get("consequence") or "")
        prefix = "what should have come first: "
        if hint.startswith(prefix):
            hint = hint[len(prefix):]
        first = hint[:1].upper() + hint[1:] if hint else "Do what the console asks for first"
        return f"{first.rstrip('.')}, then {label(action).lower()} ({rule})."
    if kind == "wrong_type":
        return ("With the primary still up, fail over Planned: the primary's manual actions "
                "and its Start Failover first, then the backup's (R11). Unplanned is for a "
                "lost primary (R12).")
    if action == "withdraw-routes" and rule == "R13":
        return ("When a site comes back, withdraw its routers' advertisements before anything "
                "else, so only the new primary advertises the addresses (R13, R14).")
    text = _CORRECTIVE.get(action, f"Do {label(action).lower()} as the procedure says ({rule})")
    if rule == "R12":  # the backup's side of R11, the primary being gone
        text = re.sub(r"\(R11 (step \d)\)$", r"(R12, as in R11 \1)", text)
    elif rule in _RULE_STEP and rule not in text:
        text += f" {_RULE_STEP[rule]}"
    if kind == "order" and " before " in text:
        text = re.sub(r" \(([^)]*)\)$", r", not after it (\1)", text)
    return text + "."


# -- the timeline ------------------------------------------------------------------------------


def _timeline(report: Mapping[str, Any]) -> tuple[list[_Row], list[Mapping[str, Any]]]:
    """The rows of the timeline and the deviations that found no row."""
    trainee = report.get("mode") == "trainee"
    steps: Sequence[Mapping[str, Any]] = report.get("steps") or []
    if trainee:
        actual = list(report.get("trainee_actions") or [])
    else:
        actual = [s for s in steps if s.get("by") == "operator" and not s.get("skipped")]
    key = list(report.get("answer_key") or []) if trainee else []
    rows: list[_Row] = []
    used: set[int] = set()
    for k in key:
        hit = next((i for i, a in enumerate(actual) if i not in used and a.get("accepted")
                    and _same(a, k)), None)
        if hit is not None:
            used.add(hit)
            rows.append(_Row(float(actual[hit].get("at_s") or 0.0), actual=actual[hit], key=k,
                             order=hit))
        else:
            t = _num(k.get("expected_at_s"))
            rows.append(_Row(t if t is not None else math.inf, key=k, order=10**6))
    rows += [_Row(float(a.get("at_s") or 0.0), actual=a, order=i)
             for i, a in enumerate(actual) if i not in used]
    rows += [_Row(float(s.get("at_s") or 0.0), inject=s, order=-1)
             for s in steps if s.get("by") == "instructor" and s.get("do") not in _FLOW]
    rows.sort(key=lambda r: (r.t, r.order))
    left: list[Mapping[str, Any]] = []
    for d in (report.get("assessment") or {}).get("deviations") or []:
        row = _row_for(rows, d)
        if row is None:
            left.append(d)
        else:
            row.devs.append(d)
    return rows, left


def _row_for(rows: Sequence[_Row], d: Mapping[str, Any]) -> _Row | None:
    t = _num(d.get("at_s"))
    act = d.get("action")

    def at(r: _Row) -> bool:
        return t is not None and abs(r.t - t) < 1e-6

    def does(r: _Row, do: Any) -> bool:
        return bool((r.actual and r.actual.get("do") == do) or (r.key and r.key.get("do") == do))

    if d.get("kind") == "refused":
        return next((r for r in rows if at(r) and r.actual and not r.actual.get("accepted")
                     and r.actual.get("do") == act), None)
    for test in (lambda r: at(r) and does(r, act) and (r.actual is None or r.key is None
                                                       or d.get("kind") != "omission"),
                 lambda r: at(r) and does(r, "start-failover"),
                 lambda r: r.actual is None and r.key is not None and does(r, act)):
        row = next((r for r in rows if test(r)), None)
        if row is not None:
            return row
    return None


# -- SVG plots ---------------------------------------------------------------------------------

_W, _PAD_L, _PAD_R = 720.0, 66.0, 14.0


def _time_ticks(t1: float) -> list[float]:
    for step in (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400,
                 172800, 604800):
        if t1 / step <= 8:
            return [i * step for i in range(int(t1 // step) + 1)]
    return [0.0, t1]


def _nice_ticks(hi: float, n: int = 4) -> list[float]:
    if hi <= 0:
        return [0.0]
    raw = hi / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(math.ceil(hi / step - 1e-9)) + 1)]


def _bytes_label(v: float) -> str:
    if v == 0:
        return "0"
    text = format_bytes(v)
    return text.replace(".0 ", " ")


_RPO_TICKS = [(0.001, "1ms"), (0.01, "10ms"), (0.1, "100ms"), (1, "1s"), (10, "10s"),
              (60, "1m"), (600, "10m"), (3600, "1h"), (21600, "6h"), (86400, "1d"),
              (864000, "10d")]


@dataclass
class _Panel:
    """One plot: a time axis shared with the others, its own y axis."""

    title: str
    height: float
    t1: float
    y_of: Any  # value -> 0..1
    y_ticks: list[tuple[float, str]]
    top: float = 22.0
    bottom: float = 26.0

    @property
    def pw(self) -> float:
        return _W - _PAD_L - _PAD_R

    @property
    def ph(self) -> float:
        return self.height - self.top - self.bottom

    def x(self, t: float) -> float:
        return _PAD_L + self.pw * (min(max(t, 0.0), self.t1) / self.t1)

    def y(self, v: float) -> float:
        frac = min(max(float(self.y_of(v)), 0.0), 1.0)
        return self.top + self.ph * (1.0 - frac)


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _polylines(p: _Panel, ts: Sequence[Any], vs: Sequence[Any], cls: str) -> list[str]:
    """The curve as step-free polylines, broken where a value is null (unbounded)."""
    out: list[str] = []
    run: list[str] = []
    for t, v in zip(ts, vs, strict=False):
        tt, vv = _num(t), _num(v)
        if tt is None or vv is None:
            if len(run) > 1:
                out.append(f'<polyline class="{cls}" points="{" ".join(run)}"/>')
            run = []
            continue
        run.append(f"{_fmt(p.x(tt))},{_fmt(p.y(vv))}")
    if len(run) > 1:
        out.append(f'<polyline class="{cls}" points="{" ".join(run)}"/>')
    elif len(run) == 1:  # a single point: a dot, so it shows
        x, y = run[0].split(",")
        out.append(f'<circle class="{cls}-dot" cx="{x}" cy="{y}" r="2"/>')
    return out


def _spans(ts: Sequence[Any], flags: Sequence[bool], t_end: float) -> list[tuple[float, float]]:
    """Time spans where ``flags`` hold (each sample holds until the next)."""
    spans: list[tuple[float, float]] = []
    start: float | None = None
    for i, (t, f) in enumerate(zip(ts, flags, strict=False)):
        tt = _num(t)
        if tt is None:
            continue
        if f and start is None:
            start = tt
        if not f and start is not None:
            spans.append((start, tt))
            start = None
        if i == len(ts) - 1 and start is not None:
            spans.append((start, max(t_end, tt)))
    return spans


def _axes(p: _Panel, y_title: str) -> list[str]:
    out = [f'<text class="ptitle" x="{_PAD_L}" y="14">{_e(p.title)}</text>']
    out.append(f'<rect class="frame" x="{_PAD_L}" y="{_fmt(p.top)}" width="{_fmt(p.pw)}" '
               f'height="{_fmt(p.ph)}"/>')
    for v, text in p.y_ticks:
        y = _fmt(p.y(v))
        out.append(f'<line class="grid" x1="{_PAD_L}" x2="{_fmt(_W - _PAD_R)}" y1="{y}" '
                   f'y2="{y}"/>')
        out.append(f'<text class="ytick" x="{_PAD_L - 6}" y="{y}" dy="0.32em">{_e(text)}</text>')
    for t in _time_ticks(p.t1):
        x = _fmt(p.x(t))
        out.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{_fmt(p.top)}" '
                   f'y2="{_fmt(p.top + p.ph)}"/>')
        out.append(f'<text class="xtick" x="{x}" y="{_fmt(p.top + p.ph + 14)}">{_hm(t)}</text>')
    out.append(f'<text class="ytitle" transform="translate(12 {_fmt(p.top + p.ph / 2)}) '
               f'rotate(-90)">{_e(y_title)}</text>')
    return out


def _down_bands(p: _Panel, spans: Iterable[tuple[float, float]]) -> list[str]:
    out = []
    for a, b in spans:
        out.append(f'<rect class="down" x="{_fmt(p.x(a))}" y="{_fmt(p.top)}" '
                   f'width="{_fmt(max(p.x(b) - p.x(a), 1.0))}" height="{_fmt(p.ph)}"/>')
    return out


def _marker(p: _Panel, t: float | None, text: str, tone: str = "") -> list[str]:
    if t is None:
        return []
    x = p.x(t)
    anchor = "end" if x > _W - 140 else "start"
    dx = -4 if anchor == "end" else 4
    return [f'<line class="mark {tone}" x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{_fmt(p.top)}" '
            f'y2="{_fmt(p.top + p.ph)}"/>',
            f'<text class="mark-label {tone}" x="{_fmt(x + dx)}" y="{_fmt(p.top + 11)}" '
            f'text-anchor="{anchor}">{_e(text)}</text>']


def lag_rpo_svg(report: Mapping[str, Any]) -> str:
    """The replication lag (bytes, linear) and the RPO exposure (seconds, log scale, with
    the RPO objective) over the run, the outage shaded, the disaster and restore marked."""
    series = report.get("series") or {}
    ts: Sequence[Any] = series.get("t_s") or []
    if len(ts) < 2:
        return '<p class="muted">No time series in this report: nothing to plot.</p>'
    outcome = report.get("outcome") or {}
    end = _num((report.get("final_state") or {}).get("time_s")) or 0.0
    t1 = max(_num(ts[-1]) or 0.0, end, 60.0)
    lag = series.get("lag_bytes") or []
    rpo = series.get("rpo_s") or []
    avail = series.get("available") or []
    down = _spans(ts, [_num(a) is not None and (_num(a) or 0.0) < 0.5 for a in avail], end)
    unbounded = _spans(ts, [v is None for v in rpo], end)
    objective = _num(((report.get("objectives") or {}).get("rpo_s") or {}).get("objective"))
    disaster = _num(outcome.get("disaster_at_s"))
    restored = _num(outcome.get("service_restored_at_s"))

    lag_hi = max([_num(v) or 0.0 for v in lag] + [1.0])
    lag_ticks = _nice_ticks(lag_hi)
    lag_top = lag_ticks[-1]
    lp = _Panel("Replication lag: data written on the primary, not yet on the backup", 190.0,
                t1, lambda v: v / lag_top, [(v, _bytes_label(v)) for v in lag_ticks])

    vals = [x for x in (_num(v) for v in rpo) if x is not None and x > 0]
    lo = min(vals + ([objective] if objective else []) + [1.0])
    hi = max(vals + ([objective] if objective else []) + [1.0])
    lo_d = max([v for v, _ in _RPO_TICKS if v <= max(lo, 0.001)], default=0.001)
    hi_d = min([v for v, _ in _RPO_TICKS if v >= hi * 1.3 and v >= lo_d * 10],
               default=_RPO_TICKS[-1][0])
    span = math.log10(hi_d) - math.log10(lo_d)

    def rpo_y(v: float) -> float:
        return (math.log10(max(v, lo_d)) - math.log10(lo_d)) / span

    rpo_ticks: list[tuple[float, str]] = []
    for v, t in _RPO_TICKS:  # no two labels closer than 18 px (1 min and 1 h are not decades)
        if lo_d <= v <= hi_d and (not rpo_ticks or
                                  (rpo_y(v) - rpo_y(rpo_ticks[-1][0])) * 150 >= 18):
            rpo_ticks.append((v, t))
    rp = _Panel("RPO exposure: the age of the oldest write not yet on the backup (log scale)",
                200.0, t1, rpo_y, rpo_ticks)

    parts = [f'<svg class="plot" id="plot-lag-rpo" viewBox="0 0 {_fmt(_W)} '
             f'{_fmt(lp.height + rp.height)}" role="img" aria-labelledby="plot-lag-rpo-t" '
             'xmlns="http://www.w3.org/2000/svg">',
             '<title id="plot-lag-rpo-t">Replication lag and RPO exposure over the run</title>',
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
             'class="hatch"/></pattern></defs>', "<g>"]
    parts += _down_bands(lp, down) + _axes(lp, "lag")
    parts += _polylines(lp, ts, lag, "curve lag")
    parts += _marker(lp, disaster, "disaster") + _marker(lp, restored, "service restored",
                                                          "ok")
    parts.append("</g>")
    parts.append(f'<g transform="translate(0 {_fmt(lp.height)})">')
    parts += _down_bands(rp, down) + _axes(rp, "RPO")
    for a, b in unbounded:
        parts.append(f'<rect class="unbounded" x="{_fmt(rp.x(a))}" y="{_fmt(rp.top)}" '
                     f'width="{_fmt(max(rp.x(b) - rp.x(a), 1.0))}" height="{_fmt(rp.ph)}"/>')
    if objective:
        y = _fmt(rp.y(objective))
        parts.append(f'<line class="objective" x1="{_PAD_L}" x2="{_fmt(_W - _PAD_R)}" '
                     f'y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="objective-label" x="{_fmt(_W - _PAD_R - 4)}" y="{y}" '
                     f'dy="-4" text-anchor="end">RPO objective {_e(_dur(objective))}</text>')
    # after the data loss is fixed (the disaster, or the takeover without one) the curve
    # is the age of writes that will never reach the backup: shown, but muted
    frozen = disaster if disaster is not None else _num(
        (outcome.get("milestones_s") or {}).get("takeover"))
    if frozen is None:
        parts += _polylines(rp, ts, rpo, "curve rpo")
    else:
        cut = next((i for i, t in enumerate(ts) if (_num(t) or 0.0) > frozen), len(ts))
        parts += _polylines(rp, ts[:cut], rpo[:cut], "curve rpo")
        parts += _polylines(rp, ts[max(cut - 1, 0):], rpo[max(cut - 1, 0):], "curve rpo after")
    achieved = _num(outcome.get("rpo_achieved_s"))
    if achieved is not None and frozen is not None:
        cx, cy = _fmt(rp.x(frozen)), _fmt(rp.y(achieved))
        parts.append(f'<circle class="achieved" cx="{cx}" cy="{cy}" r="4"/>')
        parts.append(f'<text class="achieved-label" x="{cx}" y="{cy}" dx="7" dy="-6">'
                     f'RPO achieved {_e(_dur(achieved))}</text>')
    parts += _marker(rp, disaster, "disaster") + _marker(rp, restored, "service restored",
                                                          "ok")
    parts.append("</g></svg>")
    legend = ['<span class="key"><span class="sw sw-lag"></span>replication lag</span>',
              '<span class="key"><span class="sw sw-rpo"></span>RPO exposure</span>']
    if objective:
        legend.append('<span class="key"><span class="sw sw-obj"></span>RPO objective</span>')
    if frozen is not None:
        legend.append('<span class="key"><span class="sw sw-after"></span>after the '
                      f'{"disaster" if disaster is not None else "takeover"}: writes on no '
                      "backup, ageing (not graded)</span>")
    if down:
        legend.append('<span class="key"><span class="sw sw-down"></span>service down</span>')
    if unbounded:
        legend.append('<span class="key"><span class="sw sw-unb"></span>no consistent copy '
                      '(RPO unbounded)</span>')
    legend.append('<span class="key">time axis: simulated h:mm since the start</span>')
    return (f'<figure class="fig">{"".join(parts)}<figcaption>{" ".join(legend)}'
            '</figcaption></figure>')


_STAGES = (("decision", "Decision", "people decide and start acting"),
           ("data_sync", "Data sync", "the backup's data made usable"),
           ("restart", "Restart", "workloads restart on the backup"),
           ("network", "Network", "clients redirected"))


def rto_svg(report: Mapping[str, Any]) -> str:
    """The RTO breakdown as one stacked bar, the RTO objective marked."""
    o = report.get("outcome") or {}
    rto = _num(o.get("rto_s"))
    bd = o.get("rto_breakdown_s") or {}
    objective = _num(((report.get("objectives") or {}).get("rto_s") or {}).get("objective"))
    if rto is None:
        if o.get("service_down_at_s") is None:
            return '<p class="note">✓ No outage: the service stayed available throughout.</p>'
        return (f'<p class="note bad">✗ The service went down at T+{clock(o["service_down_at_s"])}'
                " and was not restored before the end of the run.</p>")
    scale = max(rto, objective or 0.0, 1.0) * 1.04
    x0, width, y0, h = _PAD_L, _W - _PAD_L - _PAD_R, 26.0, 34.0
    parts = ['<svg class="plot" id="plot-rto" viewBox="0 0 720 110" role="img" '
             'aria-labelledby="plot-rto-t" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="plot-rto-t">Recovery timeline: RTO {_e(_dur(rto))}</title>',
             f'<text class="ptitle" x="{x0}" y="14">Recovery time, from the outage to the '
             'service restored</text>',
             f'<rect class="frame" x="{x0}" y="{y0}" width="{_fmt(width)}" height="{h}"/>']
    x = x0
    for i, (k, name, _) in enumerate(_STAGES):
        v = _num(bd.get(k)) or 0.0
        w = width * v / scale
        if w <= 0:
            continue
        parts.append(f'<path class="seg seg{i}" d="M{_fmt(x)} {y0}h{_fmt(w)}v{h}h{_fmt(-w)}z">'
                     f'<title>{_e(name)}: {_e(_dur(v))}</title></path>')
        if w > 70:
            parts.append(f'<text class="seg-label" x="{_fmt(x + w / 2)}" y="{y0 + h / 2}" '
                         f'dy="0.35em">{_e(name)} {_e(_dur(v))}</text>')
        x += w
    if objective:
        ox = _fmt(x0 + width * objective / scale)
        parts.append(f'<line class="objective" x1="{ox}" x2="{ox}" y1="{y0 - 6}" '
                     f'y2="{y0 + h + 6}"/>')
        ox_f = x0 + width * objective / scale
        anchor = "end" if ox_f > _W - 90 else "middle"
        parts.append(f'<text class="objective-label" x="{ox}" y="{y0 + h + 20}" '
                     f'text-anchor="{anchor}">RTO objective {_e(_dur(objective))}</text>')
    parts.append(f'<text class="xtick" x="{_fmt(x0)}" y="{y0 + h + 20}" text-anchor="start">'
                 f'0</text>')
    end_x = x0 + width * rto / scale
    if not objective or abs(end_x - (x0 + width * objective / scale)) > 90:
        parts.append(f'<text class="xtick" x="{_fmt(end_x)}" y="{y0 + h + 20}">RTO '
                     f'{_e(_dur(rto))}</text>')
    parts.append("</svg>")
    rows = []
    for i, (k, name, what) in enumerate(_STAGES):
        v = _num(bd.get(k)) or 0.0
        pct = f"{100 * v / rto:.0f} %" if rto > 0 else "—"
        rows.append(f'<tr><td><span class="sw seg-sw seg{i}"></span>{_e(name)}</td>'
                    f'<td class="muted">{_e(what)}</td><td class="num">{_e(_dur(v))}</td>'
                    f'<td class="num">{pct}</td></tr>')
    rows.append(f'<tr class="total"><td>RTO</td><td class="muted">from the outage (T+'
                f'{clock(o.get("service_down_at_s"))}) to the service restored (T+'
                f'{clock(o.get("service_restored_at_s"))})</td><td class="num">{_e(_dur(rto))}'
                '</td><td class="num">100 %</td></tr>')
    return (f'<figure class="fig">{"".join(parts)}</figure>'
            '<table class="compact breakdown"><thead><tr><th>Stage</th><th>What it is</th>'
            f'<th class="num">Time</th><th class="num">Share</th></tr></thead><tbody>'
            f'{"".join(rows)}</tbody></table>')


# -- the sections ------------------------------------------------------------------------------


def _made_at_text(made_at: datetime | str | None) -> str:
    if made_at is None:
        return "—"
    if isinstance(made_at, str):
        try:
            made_at = datetime.fromisoformat(made_at)
        except ValueError:
            return str(made_at)
    text = made_at.strftime("%d %B %Y, %H:%M").lstrip("0")
    if made_at.utcoffset() is not None:
        text += " " + (made_at.strftime("%Z") or made_at.strftime("UTC%z"))
    return text


def _verdict(a: Mapping[str, Any]) -> str:
    score = _num(a.get("score"))
    passed = bool(a.get("passed"))
    mark = _num(a.get("pass_mark"))
    cls = "pass" if passed else "fail"
    word = "✓ PASSED" if passed else "✗ NOT PASSED"
    shown = "—" if score is None else f"{score:g}"
    return (f'<div class="verdict {cls}" id="verdict"><div class="score"><span id="score">'
            f'{shown}</span><small>/100</small></div><div class="badge">{word}</div>'
            f'<div class="muted small">pass mark {_e("—" if mark is None else f"{mark:g}")}'
            '</div></div>')


def _figures(report: Mapping[str, Any]) -> str:
    o = report.get("outcome") or {}
    obj = report.get("objectives") or {}
    a = report.get("assessment") or {}
    cards = []

    def card(title: str, value: str, sub: str, state: str | None) -> None:
        mark = {"ok": "✓ ", "bad": "✗ "}.get(state or "", "")
        cards.append(f'<div class="fig-card {state or ""}"><div class="t">{_e(title)}</div>'
                     f'<div class="v">{mark}{_e(value)}</div><div class="s">{_e(sub)}</div>'
                     "</div>")

    def objective_state(key: str) -> str | None:
        met = (obj.get(key) or {}).get("met")
        return None if met is None else ("ok" if met else "bad")

    rpo_g = obj.get("rpo_s") or {}
    rpo = _num(o.get("rpo_achieved_s"))
    rpo_text = _dur(rpo) if rpo is not None else ("unbounded" if rpo_g.get("unbounded")
                                                  else "—")
    card("RPO achieved", rpo_text, f"objective {_dur(rpo_g.get('objective'))}"
         if rpo_g else "no objective set", objective_state("rpo_s"))
    rto_g = obj.get("rto_s") or {}
    rto = _num(o.get("rto_s"))
    rto_text = _dur(rto) if rto is not None else (
        "not restored" if o.get("service_down_at_s") is not None else "no outage")
    card("RTO achieved", rto_text, f"objective {_dur(rto_g.get('objective'))}"
         if rto_g else "no objective set", objective_state("rto_s"))
    loss = _num(o.get("data_loss_bytes"))
    card("Data lost", format_bytes(loss) if loss is not None else "none",
         "written, never on the backup", "bad" if loss else None)
    devs = a.get("deviations") or []
    refused = sum(1 for d in devs if d.get("kind") == "refused")
    card("Deviations", str(len(devs) - refused), f"{refused} refused attempt"
         f"{'' if refused == 1 else 's'}", "bad" if devs else "ok")
    return f'<div class="figures">{"".join(cards)}</div>'


def _summary_section(report: Mapping[str, Any]) -> str:
    """The end summary (twin/summary.py): objectives against what was achieved, the
    verdict badge, the data lost and, with penalty rates, what the disaster cost."""
    sm = end_summary(report)
    verdict = sm["verdict"]
    cls = {"met": "pass", "missed": "fail"}.get(verdict, "none")
    word = {"met": "✓ OBJECTIVES MET", "missed": "✗ OBJECTIVES MISSED"}.get(
        verdict, verdict.upper())
    rows = []
    for r in sm["objectives"]:
        if r["achieved_s"] is not None:
            got = _dur(r["achieved_s"])
        elif r["unbounded"]:
            got = "unbounded"
        elif r["still_down"]:
            got = "not restored"
        else:
            got = "—"
        met = {True: '<span class="st ok">✓ met</span>',
               False: '<span class="st bad">✗ missed</span>'}.get(
            r["met"], '<span class="muted">not measured</span>')
        rows.append(f'<tr><th>{r["name"]}</th><td class="num">{_e(_dur(r["objective_s"]))}'
                    f'</td><td class="num">{_e(got)}</td><td>{met}</td></tr>')
    loss = sm["data_loss_bytes"]
    table = ('<table class="compact objectives" id="summary-objectives"><thead><tr><th></th>'
             '<th class="num">objective</th><th class="num">achieved</th><th></th></tr>'
             f'</thead><tbody>{"".join(rows)}</tbody></table>' if rows else
             '<p class="muted">The scenario sets no RPO or RTO objective.</p>')
    lines = [f'<p id="summary-loss">Data lost: <b>{_e(format_bytes(loss) if loss else "none")}'
             "</b></p>"]
    c = sm["cost"]
    if c is not None:
        cur = c["currency"]
        if c["total"] is None:
            lines.append(f'<p id="summary-cost">What the disaster cost: <b>—</b> '
                         f'<span class="muted">({_e(c["why"])})</span></p>')
        else:
            so_far = " so far (the service is still down)" if c["so_far"] else ""
            lines.append(
                f'<p id="summary-cost">What the disaster cost{so_far}: '
                f'<b id="summary-cost-total">{_e(format_money(c["total"], cur))}</b></p>'
                '<table class="compact breakdown"><tbody>'
                f'<tr><td>outage</td><td class="num">{c["outage_hours"]:.2f} h</td>'
                f'<td class="num">× {_e(format_money(c["outage_per_hour"], cur))}/h</td>'
                f'<td class="num">{_e(format_money(c["outage"], cur))}</td></tr>'
                f'<tr><td>data lost (RPO)</td><td class="num">{c["data_loss_hours"]:.2f} h</td>'
                f'<td class="num">× {_e(format_money(c["data_loss_per_hour"], cur))}/h</td>'
                f'<td class="num">{_e(format_money(c["data_loss"], cur))}</td></tr>'
                "</tbody></table>")
    badge = f'<div class="verdict {cls}" id="summary-verdict"><div class="badge">{word}</div></div>'
    return (f'<section class="summary-s" id="summary"><h2><span class="n">★</span>Summary: '
            f'objectives, data lost and cost</h2>{badge}{table}{"".join(lines)}</section>')


def _overview(report: Mapping[str, Any], made_at: datetime | str | None, description: str,
              sha: str | None, run_id: int | None) -> str:
    objectives = report.get("objectives") or {}
    obj_text = ", ".join(f"{'RPO' if k == 'rpo_s' else 'RTO'} {_dur(g.get('objective'))}"
                         for k, g in objectives.items()) or "none set"
    trainee = report.get("mode") == "trainee"
    steps = report.get("steps") or []
    checks = report.get("checks") or []
    bad_steps = sum(1 for s in steps if not s.get("ok"))
    bad_checks = sum(1 for c in checks if not c.get("ok"))
    bad_acts = sum(1 for x in report.get("trainee_actions") or [] if not x.get("ok"))
    run_ok = ("✓ every step went as expected and every check held" if report.get("ok") else
              "✗ " + ", ".join(x for x in (
                  _count(bad_steps, "step") + " not as expected" if bad_steps else "",
                  _count(bad_checks, "check") + " failed" if bad_checks else "",
                  _count(bad_acts, "trainee action") + " refused" if bad_acts else "") if x))
    end = (report.get("final_state") or {}).get("time_s")
    rows = [
        ("Scenario", _e(report.get("scenario"))),
        ("Description", _e(description) if description else '<span class="muted">—</span>'),
        ("Objectives", _e(obj_text)),
        ("Trainee", _e(report.get("trainee") or ("—" if trainee else "— (autoplay)"))),
        ("Mode", "Trainee: the trainee played the operator's steps, the scenario's own were "
         "the answer key" if trainee else "Autoplay: every step of the scenario was played "
         "as scripted"),
        ("Run made", _e(_made_at_text(made_at))
         + (f' <span class="muted">(history run {run_id})</span>' if run_id else "")),
        ("Simulated time", f"T+0:00:00 to T+{clock(end)} ({_e(_dur(end))})"),
        ("Seed", _e(report.get("seed"))),
        ("Scenario file", f'<span class="mono">{_e(report.get("file") or "—")}</span>'),
        ("SHA-256", f'<span class="mono small">{_e(sha or "—")}</span>'),
        ("Run result", _e(run_ok)),
    ]
    hints = report.get("hints_s") or []
    if trainee:
        rows.append(("Hints taken", _e(len(hints))))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _timeline_html(report: Mapping[str, Any]) -> tuple[str, list[Mapping[str, Any]]]:
    rows, left = _timeline(report)
    trainee = report.get("mode") == "trainee"
    if not rows:
        return ('<p class="muted">No operator action and no inject in this run.</p>', left)
    head = ("<tr><th>Time</th><th>Trainee's action</th><th>Console</th><th>Answer key</th>"
            "<th>Notes</th></tr>" if trainee else
            "<tr><th>Time</th><th>Operator's action (as scripted)</th><th>Console</th>"
            "<th>Notes</th></tr>")
    out = []
    for r in rows:
        if r.inject is not None:
            s = r.inject
            span = 4 if trainee else 3
            out.append(f'<tr class="inject"><td class="t">{clock(r.t)}</td><td colspan="{span}">'
                       f'<span class="tag">inject</span> {_e(label(str(s.get("do")), s))}'
                       "</td></tr>")
            continue
        a, k = r.actual, r.key
        notes = []
        if a is None:
            act = '<span class="muted">— not done</span>'
            answer = '<span class="st bad">✗ omitted</span>'
            cls = "omitted"
        else:
            act = _e(label(str(a.get("do")), a))
            if a.get("accepted"):
                answer = '<span class="st ok">✓ accepted</span>'
                cls = ""
            else:
                planned = a.get("expect") == "refused" or (not trainee and a.get("ok"))
                answer = ('<span class="st bad">✗ refused</span>' +
                          (' <span class="muted small">(as planned)</span>' if planned else ""))
                cls = "refused"
                msg = str(a.get("message") or "").removesuffix(" (expected accepted)")
                notes.append(f'<div class="msg">{_e(msg.removeprefix("refused: "))}</div>')
            if a.get("ok") is False and a.get("accepted"):
                notes.append('<div class="msg">✗ accepted, but the scenario expected a '
                             "refusal</div>")
        if trainee:
            if k is None:
                keycell = '<span class="muted">not in the answer key</span>' \
                    if a is not None and a.get("accepted") else '<span class="muted">—</span>'
            else:
                exp = _num(k.get("expected_at_s"))
                when = f"expected T+{clock(exp)}" if exp is not None else "not reached"
                delta = ""
                if a is not None and exp is not None:
                    gap = float(a.get("at_s") or 0.0) - exp
                    if abs(gap) >= 1:
                        delta = (f" · {format_duration(abs(gap))} "
                                 f"{'late' if gap > 0 else 'early'}")
                    else:
                        delta = " · on time"
                keycell = (f'{_e(label(str(k.get("do")), k))}<div class="muted small">'
                           f'{_e(when)}{_e(delta)}</div>')
        for d in r.devs:
            if d.get("kind") == "refused":
                continue  # the refusal's own message is already in the notes
            notes.append(f'<div class="dev">⚠ <b>{_e(d.get("rule"))}</b> {_e(d.get("what"))}'
                         f'<div class="cons">→ {_e(d.get("consequence"))}</div></div>')
            if cls == "":
                cls = "flagged"
        cells = [f'<td class="t">{clock(r.t) if math.isfinite(r.t) else "—"}</td>',
                 f"<td>{act}</td>", f"<td>{answer}</td>"]
        if trainee:
            cells.append(f"<td>{keycell}</td>")
        cells.append(f'<td class="notes">{"".join(notes)}</td>')
        out.append(f'<tr class="{cls}">{"".join(cells)}</tr>')
    table = (f'<table class="timeline{" two" if trainee else ""}"><thead>{head}</thead>'
             f'<tbody>{"".join(out)}</tbody></table>')
    return table, left


def _strengths(report: Mapping[str, Any], rows: Sequence[_Row]) -> list[str]:
    a = report.get("assessment") or {}
    out: list[str] = []
    for it in a.get("items") or []:
        if it.get("ok") and it.get("kind") in ("objective", "time-limit"):
            out.append(f"{_e(it.get('what'))}")
    trainee = report.get("mode") == "trainee"
    flagged = {id(r) for r in rows if any(d.get("kind") != "refused" for d in r.devs)}
    # an action some deviation is about (withdrawn late, added after the failover) is not
    # a strength even where it was done
    late = {(d.get("action")) for d in a.get("deviations") or [] if d.get("kind") != "refused"}
    in_order = [r for r in rows if r.actual is not None and r.actual.get("accepted")
                and id(r) not in flagged and r.actual.get("do") not in late
                and (r.key is not None or not trainee)]
    if in_order:
        names = ", ".join(f"{_e(label(str(r.actual['do']), r.actual))} "
                          f'<span class="muted">T+{clock(r.t)}</span>'
                          for r in in_order if r.actual is not None)
        what = "of the answer key" if trainee else "of the procedure"
        out.append(f"{len(in_order)} action{'s' if len(in_order) != 1 else ''} {what} done "
                   f"by the book: {names}")
    checks = [it for it in a.get("items") or [] if it.get("kind") in ("check", "wait")]
    held = [it for it in checks if it.get("ok")]
    if held:
        out.append(f"{len(held)} of {len(checks)} checks and waits held: "
                   + "; ".join(_e(it.get("what")) for it in held[:6])
                   + (f"; and {len(held) - 6} more" if len(held) > 6 else ""))
    devs = a.get("deviations") or []
    if not any(d.get("kind") == "refused" for d in devs) and (report.get("trainee_actions")
                                                               or not trainee):
        out.append("No refused attempt: every console action was taken in an order the "
                   "system accepts")
    if trainee and not report.get("hints_s"):
        out.append("No hint taken")
    return out


def _improvements(report: Mapping[str, Any]) -> str:
    a = report.get("assessment") or {}
    cards = []
    for d in a.get("deviations") or []:
        kind = {"omission": "omitted", "order": "out of order", "wrong_type": "wrong type",
                "refused": "refused attempt"}.get(str(d.get("kind")), str(d.get("kind")))
        cards.append(
            f'<div class="card dev-card"><div class="card-h"><span class="rule">'
            f'{_e(d.get("rule"))}</span> ✗ {_e(label(str(d.get("action"))))} · {_e(kind)}'
            f'<span class="pts">−{_e(d.get("points"))} points · T+{clock(d.get("at_s"))}'
            f'</span></div><dl><dt>What happened</dt><dd>{_e(d.get("what"))}</dd>'
            f'<dt>Consequence</dt><dd>{_e(d.get("consequence") or "—")}</dd>'
            f'<dt>Corrective action</dt><dd class="fix">{_e(corrective(d))}</dd></dl></div>')
    for it in a.get("items") or []:
        if it.get("ok") or it.get("kind") == "answer-key":
            continue
        fix = {"objective": "Shorten the path to recovery: the stages of the recovery "
               "timeline show where the time went",
               "time-limit": "Restore the service within the exercise's time limit",
               "wait": "Achieve this within the time the scenario allows",
               "check": "This is what the scenario checks: see the timeline for the step "
               "that should have brought it about"}.get(str(it.get("kind")), "")
        cards.append(
            f'<div class="card dev-card"><div class="card-h"><span class="rule">'
            f'{_e(it.get("kind"))}</span> ✗ not met<span class="pts">{_at(it.get("at_s"))}'
            f'</span></div><dl><dt>What happened</dt><dd>{_e(it.get("what"))}</dd>'
            + (f'<dt>Corrective action</dt><dd class="fix">{_e(fix)}.</dd>' if fix else "")
            + "</dl></div>")
    hints = report.get("hints_s") or []
    if hints:
        cards.append(
            f'<div class="card dev-card"><div class="card-h"><span class="rule">hints</span> '
            f'{len(hints)} hint{"s" if len(hints) != 1 else ""} taken<span class="pts">at '
            + ", ".join(f"T+{clock(h)}" for h in hints) + '</span></div><dl><dt>Corrective '
            'action</dt><dd class="fix">Rehearse the procedure (R11 planned, R12 unplanned, '
            "R13 failback) until its order needs no hint.</dd></dl></div>")
    if not cards:
        return '<p class="note">✓ Nothing to improve: no deviation, every item held.</p>'
    return "".join(cards)


def _score(a: Mapping[str, Any]) -> str:
    reasons = a.get("reasons") or []
    rows = []
    for r in reasons:
        text = str(r)
        if text.startswith("−"):
            pts, _, why = text.partition(" ")
            rows.append(f'<tr><td class="num pts">{_e(pts)}</td><td>{_e(why)}</td></tr>')
        else:
            rows.append(f'<tr><td class="num muted">·</td><td>{_e(text)}</td></tr>')
    score = _num(a.get("score"))
    mark = _num(a.get("pass_mark"))
    weights = a.get("weights") or {}
    w = ", ".join(f"{_e(str(k).replace('_', ' '))} {_e(v)}" for k, v in weights.items())
    verdict = "passed" if a.get("passed") else "not passed"
    return (f'<p class="lead-line"><b>{"—" if score is None else f"{score:g}"}/100, '
            f'{verdict}</b> (pass mark {"—" if mark is None else f"{mark:g}"}; a pass also '
            "needs every check, wait and objective to hold).</p>"
            f'<table class="compact reasons"><tbody>{"".join(rows) or "<tr><td></td><td>—</td></tr>"}'
            f'</tbody></table><p class="muted small">Points off 100 per item: {w}. '
            "Refused attempts count at most 15 in all. The same run always gets the same "
            "score.</p>")


def _events(report: Mapping[str, Any]) -> str:
    ev = report.get("events") or []
    rows = "".join(
        f'<tr class="k-{_e(e.get("kind"))}"><td class="t">{clock(e.get("t_s"))}</td>'
        f'<td>{_e(e.get("kind"))}</td><td>{_e(e.get("rack") or "")}</td>'
        f'<td>{_e(e.get("message"))}</td></tr>' for e in ev)
    return (f'<p class="muted small">{len(ev)} events, as the twin logged them.</p>'
            '<table class="events"><thead><tr><th>Time</th><th>Kind</th><th>Rack</th>'
            f"<th>Message</th></tr></thead><tbody>{rows}</tbody></table>")


def _instructor(report: Mapping[str, Any]) -> str:
    """The instructor's section: observations, hints sent and interventions on the timeline,
    each at its simulated time (the run report's ``instructor``; issue 11)."""
    ins = report.get("instructor") or {}
    obs, hints, acts = (ins.get("observations") or [], ins.get("hints") or [],
                        ins.get("interventions") or [])

    def table(items: Sequence[Mapping[str, Any]], cols: str, cells: Any) -> str:
        rows = "".join(f'<tr><td class="t">T+{clock(r.get("at_s"))}</td>{cells(r)}</tr>'
                       for r in items)
        return (f'<table class="compact instructor"><thead><tr><th>Time</th>{cols}</tr>'
                f"</thead><tbody>{rows}</tbody></table>")

    out = []
    out.append(table(obs, "<th>Observation</th>", lambda r: f"<td>{_e(r.get('text'))}</td>")
               if obs else '<p class="muted">No observation recorded.</p>')
    if hints:
        out.append("<h3>Hints sent to the trainee</h3>"
                   + table(hints, "<th>Hint</th>", lambda r: f"<td>{_e(r.get('text'))}</td>"))
    if acts:
        def what(r: Mapping[str, Any]) -> str:
            step = f"step {int(r['index']) + 1} " if isinstance(r.get("index"), int) else ""
            do = f"{r.get('do')} " if r.get("do") else ""
            return (f"<td>{_e(r.get('what'))}</td><td>{_e(step + do)}</td>"
                    f"<td>{_e(r.get('message') or '')}</td>")
        out.append("<h3>Interventions on the timeline</h3>"
                   + table(acts, "<th>Control</th><th>Step</th><th>Result</th>", what))
    return "".join(out)


def _objectives_table(report: Mapping[str, Any]) -> str:
    obj = report.get("objectives") or {}
    o = report.get("outcome") or {}
    rows = []
    for key, name in (("rpo_s", "RPO"), ("rto_s", "RTO")):
        g = obj.get(key)
        achieved = _num(o.get("rpo_achieved_s" if key == "rpo_s" else "rto_s"))
        if g is None:
            target, result = "none set", '<span class="muted">not graded</span>'
        else:
            target = _dur(g.get("objective"))
            met = g.get("met")
            result = ('<span class="muted">not measured</span>' if met is None else
                      '<span class="st ok">✓ met</span>' if met else
                      '<span class="st bad">✗ missed</span>')
        if achieved is not None:
            shown = _dur(achieved)
        elif key == "rpo_s":
            shown = "unbounded: no consistent copy" if (g or {}).get("unbounded") else \
                "no disaster, no takeover"
        else:
            shown = "not restored" if o.get("service_down_at_s") is not None else "no outage"
        rows.append(f"<tr><th>{name}</th><td>{_e(target)}</td><td>{_e(shown)}</td>"
                    f"<td>{result}</td></tr>")
    loss = _num(o.get("data_loss_bytes"))
    lost_mark = '<span class="st bad">✗ lost</span>' if loss else ""
    rows.append(f"<tr><th>Data lost</th><td>—</td><td>{_e(format_bytes(loss) if loss else 'none')}"
                f"</td><td>{lost_mark}</td></tr>")
    m = o.get("milestones_s") or {}
    extra = []
    down = _num(o.get("service_down_at_s"))
    first = _num(m.get("first_action"))
    if down is not None and first is not None and first >= down:
        extra.append(f"time to decide {_dur(first - down)} (outage to first recovery action)")
    if _num(o.get("disaster_at_s")) is not None:
        extra.append(f"disaster at T+{clock(o.get('disaster_at_s'))}")
    return ('<table class="compact objectives"><thead><tr><th></th><th>Objective</th>'
            f'<th>Achieved</th><th>Result</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table>" + (f'<p class="muted small">{_e("; ".join(extra))}.</p>' if extra
                          else ""))


# -- the page ----------------------------------------------------------------------------------

_CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --line:#d5dae1; --soft:#f3f5f8; --ok:#17663a;
  --ok-bg:#e7f4ec; --bad:#a3261b; --bad-bg:#fbeceb; --warn:#8a5a00; --accent:#1f4e8c; }
* { box-sizing: border-box; }
html { background: #fff; color: var(--ink); }
body { margin: 0 auto; max-width: 940px; padding: 28px 32px 48px;
  font: 10.5pt/1.45 "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 20pt; line-height: 1.2; margin: 2px 0 4px; }
h2 { font-size: 13pt; margin: 26px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--ink); break-after: avoid; page-break-after: avoid; }
h2 .n { color: var(--muted); font-weight: 400; margin-right: 6px; }
h3 { font-size: 11pt; margin: 16px 0 6px; break-after: avoid; }
p { margin: 6px 0; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 8.5pt;
  color: var(--accent); font-weight: 600; }
.muted { color: var(--muted); }
.small { font-size: 8.5pt; }
.mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt;
  overflow-wrap: anywhere; }
header.top { display: flex; gap: 24px; align-items: flex-start; justify-content: space-between;
  border-bottom: 1px solid var(--line); padding-bottom: 14px; }
header.top .sub { color: var(--muted); }
.verdict { min-width: 150px; text-align: center; border: 2px solid; border-radius: 10px;
  padding: 8px 12px; }
.verdict.pass { border-color: var(--ok); background: var(--ok-bg); color: var(--ok); }
.verdict.fail { border-color: var(--bad); background: var(--bad-bg); color: var(--bad); }
.verdict .score { font-size: 30pt; font-weight: 700; line-height: 1.05; }
.verdict .score small { font-size: 12pt; font-weight: 400; }
.verdict .badge { font-weight: 700; letter-spacing: .04em; }
.summary-s .verdict { display: inline-block; padding: 6px 14px; margin: 4px 0 8px; }
.verdict.none { border-color: var(--line); color: var(--muted); }
.summary-s .breakdown { width: auto; min-width: 50%; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 14px 0 4px; }
.fig-card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px;
  border-top: 4px solid var(--line); break-inside: avoid; }
.fig-card.ok { border-top-color: var(--ok); }
.fig-card.bad { border-top-color: var(--bad); }
.fig-card .t { font-size: 8.5pt; color: var(--muted); text-transform: uppercase;
  letter-spacing: .06em; }
.fig-card .v { font-size: 14pt; font-weight: 700; }
.fig-card.ok .v { color: var(--ok); }
.fig-card.bad .v { color: var(--bad); }
.fig-card .s { font-size: 8.5pt; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; }
thead th { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); border-bottom: 1.5px solid var(--ink); }
tbody td, tbody th { border-bottom: 1px solid var(--line); }
tr { break-inside: avoid; page-break-inside: avoid; }
.kv th { width: 130px; color: var(--muted); font-weight: 600; }
.kv td { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.t { font-variant-numeric: tabular-nums; white-space: nowrap; width: 62px; }
.timeline { table-layout: fixed; font-size: 9.5pt; }
.timeline col, .timeline th:nth-child(1) { width: 62px; }
.timeline th:nth-child(2) { width: 25%; }
.timeline th:nth-child(3) { width: 98px; }
.timeline.two th:nth-child(2) { width: 22%; }
.timeline.two th:nth-child(4) { width: 22%; }
.timeline td { overflow-wrap: anywhere; }
.timeline tr.inject td { background: var(--soft); color: var(--muted); font-style: italic; }
.timeline tr.refused td:first-child, .timeline tr.omitted td:first-child,
.timeline tr.flagged td:first-child { box-shadow: inset 4px 0 0 var(--bad); }
.tag { font-style: normal; font-size: 7.5pt; text-transform: uppercase; letter-spacing: .06em;
  border: 1px solid var(--muted); border-radius: 3px; padding: 0 4px; margin-right: 4px; }
.st { font-weight: 600; white-space: nowrap; }
.st.ok { color: var(--ok); }
.st.bad { color: var(--bad); }
.msg { font-size: 8.5pt; color: var(--muted); }
.dev { font-size: 8.5pt; color: var(--bad); margin-top: 2px; }
.dev .cons { color: var(--ink); margin-left: 12px; }
.fig { margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.fig svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: var(--muted); margin-top: 4px; }
.key { white-space: nowrap; margin-right: 12px; }
.sw { display: inline-block; width: 14px; height: 10px; margin-right: 4px;
  vertical-align: -1px; border-radius: 2px; }
.sw-lag { background: #1f4e8c; height: 3px; vertical-align: 3px; }
.sw-rpo { background: #8a3ffc; height: 3px; vertical-align: 3px; }
.sw-after { border-top: 2px dashed #b9a2e8; height: 0; vertical-align: 3px; border-radius: 0; }
.sw-obj { border-top: 2px dashed #a3261b; height: 0; vertical-align: 3px; border-radius: 0; }
.sw-down { background: #e9ecf1; border: 1px solid #c7cdd6; }
.sw-unb { background: repeating-linear-gradient(45deg, #f4d7d3 0 3px, #fff 3px 6px);
  border: 1px solid #e0aca6; }
svg .ptitle { font-size: 12px; font-weight: 600; fill: #1d2430; }
svg .frame { fill: none; stroke: #9aa3af; stroke-width: 1; }
svg .grid { stroke: #e3e7ec; stroke-width: 1; }
svg .xtick { font-size: 10px; fill: #5b6472; text-anchor: middle; }
svg .ytick { font-size: 10px; fill: #5b6472; text-anchor: end; }
svg .ytitle { font-size: 10px; fill: #5b6472; text-anchor: middle; }
svg .curve { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg .curve.lag { stroke: #1f4e8c; }
svg .curve.rpo { stroke: #8a3ffc; }
svg .curve.rpo.after { stroke: #b9a2e8; stroke-dasharray: 5 3; }
svg .down { fill: #e9ecf1; }
svg .unbounded { fill: url(#hatch); }
svg .hatch { stroke: #e0aca6; stroke-width: 2; }
svg .objective { stroke: #a3261b; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .objective-label { font-size: 10px; fill: #a3261b; font-weight: 600; }
svg .mark { stroke: #a3261b; stroke-width: 1; }
svg .mark-label { font-size: 10px; fill: #a3261b; }
svg .mark.ok { stroke: #17663a; }
svg .mark-label.ok { fill: #17663a; }
svg .achieved { fill: #fff; stroke: #a3261b; stroke-width: 2; }
svg .achieved-label { font-size: 10px; fill: #1d2430; font-weight: 600; }
svg .seg-label { font-size: 11px; fill: #fff; text-anchor: middle; font-weight: 600; }
.seg0 { fill: #9a6700; background: #9a6700; }
.seg1 { fill: #1f4e8c; background: #1f4e8c; }
.seg2 { fill: #6e3fb5; background: #6e3fb5; }
.seg3 { fill: #0f766e; background: #0f766e; }
.compact { font-size: 9.5pt; }
.breakdown tr.total td { font-weight: 700; border-top: 1.5px solid var(--ink); }
.objectives th { width: 90px; }
ul.marks { list-style: none; padding: 0; margin: 6px 0; }
ul.marks li { padding: 3px 0 3px 22px; position: relative; break-inside: avoid; }
ul.marks li::before { content: "✓"; position: absolute; left: 2px; color: var(--ok);
  font-weight: 700; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px;
  padding: 8px 12px; margin: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.card-h { font-weight: 600; }
.card-h .rule { display: inline-block; min-width: 34px; text-align: center; background: var(--bad);
  color: #fff; border-radius: 3px; padding: 0 5px; margin-right: 6px; font-size: 9pt; }
.card-h .pts { float: right; font-weight: 400; color: var(--muted); font-size: 9pt; }
.card dl { display: grid; grid-template-columns: 128px 1fr; gap: 2px 10px; margin: 6px 0 0; }
.card dt { color: var(--muted); font-size: 9pt; }
.card dd { margin: 0; }
.card dd.fix { font-weight: 600; }
.note { padding: 6px 10px; border-radius: 6px; background: var(--ok-bg); color: var(--ok); }
.note.bad { background: var(--bad-bg); color: var(--bad); }
.reasons td.pts { color: var(--bad); font-weight: 700; width: 48px; }
.lead-line { font-size: 11pt; }
.events { font-size: 8pt; line-height: 1.3; }
.events td { padding: 2px 5px; }
.events tr.k-refused td, .events tr.k-alert td { color: var(--bad); }
footer { margin-top: 28px; border-top: 1px solid var(--line); padding-top: 6px;
  font-size: 8pt; color: var(--muted); }
section.appendix { break-before: page; page-break-before: always; }
@media screen and (max-width: 700px) { .figures { grid-template-columns: repeat(2, 1fr); } }
@page { margin: 14mm 13mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { margin-top: 18px; }
  section.score { break-inside: avoid; page-break-inside: avoid; }
  .fig svg { max-height: 92mm; }
}
"""


def _drills(report: Mapping[str, Any]) -> str:
    """The test failovers of the run (twin/drill.py: an extension beyond the article's
    console): tested at, the recovery point used, RPO and RTO, what was left behind."""
    drills = report.get("drills") or []
    if not drills:
        return ""
    rows = []
    for d in drills:
        rto = _dur(d.get("rto_s"))
        cleaned = "not cleaned up" if d.get("cleaned_at_s") is None else (
            f"T+{clock(d['cleaned_at_s'])}")
        left = ", ".join(d.get("left_behind") or []) or "nothing"
        rows.append(f"<tr><td>{_e(d.get('rack'))}</td><td>T+{clock(d.get('tested_at_s'))}</td>"
                    f"<td>T+{clock(d.get('recovery_point_s'))}</td>"
                    f"<td class=\"num\">{_dur(d.get('rpo_s'))}</td>"
                    f"<td class=\"num\">{rto}</td><td>{cleaned}</td><td>{_e(left)}</td></tr>")
    return ('<section class="drills-s"><h2><span class="n">T</span>Test failovers</h2>'
            '<p class="muted small">Drills that did not touch production: a FlashCopy of the '
            "backup's volumes, the workloads started from it in an isolated test network (an "
            "extension beyond the PureApplication System V1.1 console, docs/drills.md).</p>"
            "<table><thead><tr><th>Rack</th><th>Tested at</th><th>Recovery point used</th>"
            "<th>RPO</th><th>RTO of the test</th><th>Cleaned up</th><th>Left behind</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>\n")


def render(report: Mapping[str, Any], *, made_at: datetime | str | None = None,
           description: str = "", scenario_sha256: str | None = None,
           run_id: int | None = None) -> str:
    """The after-action report of ``report`` (a run report) as one HTML document.

    ``made_at`` is the wall-clock time the run was made (the caller's clock: the engine
    has none), ``description`` the scenario's description and ``scenario_sha256`` the hash
    of its text (:func:`text_sha256`), both unknown to the run report; ``run_id`` the run's
    number in the history, if it has one."""
    a = report.get("assessment") or {}
    name = str(report.get("scenario") or "Unnamed scenario")
    trainee = report.get("mode") == "trainee"
    who = report.get("trainee")
    sub = " · ".join(x for x in (
        f"Trainee: {who}" if who else ("Trainee mode" if trainee else "Autoplay run"),
        _made_at_text(made_at) if made_at else "",
        f"seed {report.get('seed')}") if x)
    timeline, left = _timeline_html(report)
    instructor_html = ""
    if report.get("instructor") is not None:  # runs since the instructor station
        instructor_html = ('<section class="instructor-s"><h2><span class="n">7</span>'
                           "Instructor's observations</h2><p class=\"muted small\">Recorded "
                           "by the instructor during the exercise, at simulated times.</p>"
                           f"{_instructor(report)}</section>\n")
    drills_html = _drills(report)
    rows, _ = _timeline(report)
    strengths = _strengths(report, rows)
    left_html = ""
    if left:
        left_html = ('<p class="muted small">Deviations at no action of the timeline: '
                     + "; ".join(f"T+{clock(d.get('at_s'))} {_e(d.get('rule'))} "
                                 f"{_e(d.get('what'))}" for d in left) + ".</p>")
    timeline_title = ("Timeline: actions against the answer key" if trainee else
                      "Timeline: the operator's actions")
    key_note = ("The trainee's actions, side by side with the answer key (the scenario's own "
                "operator steps, at the time the timeline reached them), and the instructor's "
                "injects." if trainee else
                "An autoplay run: the scenario's operator steps ran as scripted (there is no "
                "trainee, so no answer key), with the instructor's injects.")
    body = f"""
<header class="top">
  <div>
    <div class="eyebrow">After-action report · DR Twin exercise</div>
    <h1 id="title">{_e(name)}</h1>
    <div class="sub">{_e(sub)}</div>
  </div>
  {_verdict(a)}
</header>
{_figures(report)}
{_summary_section(report)}
<section class="overview"><h2><span class="n">1</span>Exercise overview</h2>
{_overview(report, made_at, description, scenario_sha256, run_id)}</section>
<section class="timeline-s"><h2><span class="n">2</span>{timeline_title}</h2><p class="muted small">{key_note} Times are simulated, T+h:mm:ss since the start.
Marked rows: ✗ refused or omitted, ⚠ a deviation from the procedure and its consequence.</p>
{timeline}{left_html}</section>
<section class="objectives-s"><h2><span class="n">3</span>Recovery objectives: RPO and RTO</h2>
{_objectives_table(report)}
{lag_rpo_svg(report)}
<h3>Recovery timeline</h3>
{rto_svg(report)}</section>
<section class="strengths"><h2><span class="n">4</span>Strengths</h2>
{('<ul class="marks">' + "".join(f"<li>{s}</li>" for s in strengths) + "</ul>") if strengths
 else '<p class="muted">No strength recorded in this run.</p>'}</section>
<section class="improve"><h2><span class="n">5</span>Areas for improvement</h2>
<p class="muted small">Each deviation from the procedure with its rule (domain rules R4–R19),
what happened, what it cost, and what to do instead.</p>
{_improvements(report)}</section>
<section class="score"><h2><span class="n">6</span>Score</h2>
{_score(a)}
<footer>DR Twin after-action report · {_e(name)} · seed {_e(report.get("seed"))}
{f" · scenario SHA-256 {_e(scenario_sha256[:12])}…" if scenario_sha256 else ""}
· the event log follows as an appendix</footer></section>
{instructor_html}{drills_html}<section class="appendix"><h2><span class="n">A</span>Appendix: event log</h2>
{_events(report)}</section>
"""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="generator" content="DR Twin">'
            f"<title>After-action report — {_e(name)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def json_path_for(out: str | Path) -> Path:
    """Where the JSON goes beside an HTML report: OUT.html → OUT.json."""
    p = Path(out)
    if p.suffix.lower() in (".html", ".htm"):
        return p.with_suffix(".json")
    return p.with_name(p.name + ".json")


def write(report: Mapping[str, Any], out: str | Path, **meta: Any) -> tuple[Path, Path]:
    """Write the HTML report to ``out`` and the run report's JSON beside it; return both
    paths. ``meta`` goes to :func:`render`. Raises OSError as the file system does."""
    html_path, json_path = Path(out), json_path_for(out)
    text = render(report, **meta)
    data = json.dumps(report, indent=1, allow_nan=False, default=str) + "\n"
    html_path.write_text(text, encoding="utf-8")
    json_path.write_text(data, encoding="utf-8")
    return html_path, json_path


# -- shared with the comparison and sweep reports (twin/compare_report.py) ---------------------
# The page's style sheet and the SVG helpers, by public names, so the other report reads
# no private member of this module.

CSS = _CSS
RPO_TICKS = _RPO_TICKS
STAGES = _STAGES
escape = _e
number = _num
svg_num = _fmt
duration = _dur
nice_ticks = _nice_ticks
bytes_label = _bytes_label
