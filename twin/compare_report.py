"""The comparison and sweep reports: ``drtwin compare FILE --report OUT.html`` and
``drtwin sweep … --report OUT.html`` (issue 12), one self-contained HTML page each, in the
after-action report's style (twin/aar.py: its style sheet and SVG helpers), plots as inline
SVG, no script, no external resource.

* The comparison: the article's RPO scale (its Figure 2) drawn from the simulated results
  (a log time axis, zero at the left edge, unbounded at the right), the RTO of each
  strategy with its phases stacked, the per-strategy timeline of the same disaster, and
  the table (strategy, RPO, data lost, RTO, needs, cost).
* The sweep: the summary (p50/p95/p99 of data lost, RTO and RPO), RPO and RTO against the
  first varied parameter (or the disaster's time of day for a Monte Carlo without one),
  their distributions, and the runs a value made impossible, with why.

Pure functions of ``compare()`` and ``sweep()`` results (their JSON); every text from
them is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twin import aar
from twin.durations import as_number, format_bytes, format_money

__all__ = ["render_compare", "render_sweep", "write"]

_e, _f, _dur = aar.escape, aar.svg_num, aar.duration
W, PAD_L, PAD_R = 720.0, 170.0, 20.0
LOG_MIN, LOG_MAX = -3.0, math.log10(864_000.0)
ZERO_X, INF_X = LOG_MIN - 0.8, LOG_MAX + 0.6
COLOURS = {"backup-restore": "#8a3800", "host-based": "#8a3ffc", "disk-replication": "#0f62fe",
           "gm-change-volumes": "#007d79", "metro-mirror": "#002d9c", "shared-fs": "#0e6027"}
LABELS = {"backup-restore": "Backup and restore", "host-based": "Host-based replication",
          "disk-replication": "Disk replication (GM)",
          "gm-change-volumes": "GM, change volumes", "metro-mirror": "Metro Mirror",
          "shared-fs": "Shared file system"}

_EXTRA_CSS = """
svg .lane { fill: #f4f5f7; }
svg .lost { fill: #ff832b; }
svg .downspan { fill: #ffd7d9; stroke: #da1e28; stroke-width: 1; }
svg .restored { fill: #24a148; stroke: #0e6027; }
svg .edge { stroke: #5b6472; stroke-dasharray: 4 3; }
svg .rowlabel { font-size: 11px; fill: #1d2430; text-anchor: end; }
svg .val { font-size: 11px; font-weight: 600; }
svg .na { font-size: 10px; fill: #5b6472; font-style: italic; }
svg .dot { stroke: #fff; stroke-width: 1; }
table.cmp td.needs { font-size: 8.5pt; color: var(--muted); }
table.cmp tr.na td { color: var(--muted); }
table.summary { font-size: 8.5pt; }
table.summary th, table.summary td { padding: 3px 4px; }
"""


def _label(s: str) -> str:
    return LABELS.get(s, s)


def _colour(s: str) -> str:
    return COLOURS.get(s, "#5b6472")


def rpo_x(rpo: Any) -> float:
    """Where an RPO sits on the log scale: 0 at the left edge, unbounded at the right."""
    v = aar.number(rpo)
    if v is None:
        return INF_X
    if v <= 0:
        return ZERO_X
    return min(max(math.log10(v), LOG_MIN), LOG_MAX)


def _log_ticks() -> list[tuple[float, str]]:
    return ([(ZERO_X, "0")] + [(math.log10(v), t) for v, t in aar.RPO_TICKS]
            + [(INF_X, "∞")])


def _rpo_text(r: Mapping[str, Any]) -> str:
    if not r.get("applicable", True):
        return "not applicable"
    v = aar.number(r.get("rpo_achieved_s"))
    return "unbounded" if v is None else ("0" if v == 0 else _dur(v))


def _rto_text(r: Mapping[str, Any]) -> str:
    if not r.get("applicable", True):
        return "—"
    return "not restored" if r.get("rto_s") is None else _dur(r["rto_s"])


class _X:
    """A horizontal axis from ``lo`` to ``hi`` over the plot's width."""

    def __init__(self, lo: float, hi: float, left: float = PAD_L, right: float = W - PAD_R):
        self.lo, self.hi, self.left, self.right = lo, hi if hi > lo else lo + 1.0, left, right

    def __call__(self, v: float) -> float:
        return self.left + (self.right - self.left) * (v - self.lo) / (self.hi - self.lo)


def _svg(ident: str, title: str, height: float, body: list[str]) -> str:
    return (f'<figure class="fig"><svg class="plot" id="{ident}" viewBox="0 0 {_f(W)} '
            f'{_f(height)}" role="img" aria-labelledby="{ident}-t" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{_e(title)}</title>'
            + "".join(body) + "</svg></figure>")


# -- the comparison ---------------------------------------------------------------------------


def rpo_scale_svg(result: Mapping[str, Any]) -> str:
    """The article's RPO scale: a row per applicable strategy, the largest RPO on top."""
    rows = [r for r in result["strategies"] if r.get("applicable", True)]
    rows.sort(key=lambda r: -rpo_x(r.get("rpo_achieved_s")))
    top, row_h = 34.0, 26.0
    h = top + row_h * len(rows) + 34
    x = _X(ZERO_X - 0.2, INF_X + 0.2, 20.0, W - 20.0)
    body = ['<text class="ptitle" x="20" y="14">RPO achieved, on the article\'s scale (log '
            "time axis)</text>"]
    axis_y = top + row_h * len(rows) + 4
    for v, t in _log_ticks():
        cls = "edge" if v in (ZERO_X, INF_X) else "grid"
        body.append(f'<line class="{cls}" x1="{_f(x(v))}" x2="{_f(x(v))}" y1="{_f(top - 4)}" '
                    f'y2="{_f(axis_y)}"/>')
        body.append(f'<text class="xtick" x="{_f(x(v))}" y="{_f(axis_y + 14)}">{_e(t)}</text>')
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        px = x(rpo_x(r.get("rpo_achieved_s")))
        c = _colour(r["strategy"])
        body.append(f'<line x1="{_f(x(ZERO_X))}" x2="{_f(px)}" y1="{_f(y)}" y2="{_f(y)}" '
                    f'stroke="{c}" stroke-opacity="0.35" stroke-width="3"/>')
        body.append(f'<circle class="dot marker" data-strategy="{_e(r["strategy"])}" '
                    f'cx="{_f(px)}" cy="{_f(y)}" r="6" fill="{c}"/>')
        text = f"{_label(r['strategy'])}: RPO {_rpo_text(r)}"
        right = px > W - 240
        body.append(f'<text class="val" x="{_f(px + (-10 if right else 10))}" y="{_f(y)}" '
                    f'dy="{"-0.45em" if right else "0.35em"}" fill="{c}" '
                    f'text-anchor="{"end" if right else "start"}">{_e(text)}</text>')
    na = [r for r in result["strategies"] if not r.get("applicable", True)]
    note = ""
    if na:
        note = ('<p class="muted small">Not applicable here: ' + "; ".join(
            f"{_e(_label(r['strategy']))} ({_e(r.get('why'))})" for r in na) + ".</p>")
    return _svg("plot-rpo-scale", "RPO achieved per strategy on a log time axis", h, body) \
        + note


def _unit(span: float) -> tuple[float, str]:
    if span <= 2 * 3600:
        return 60.0, "min"
    if span <= 4 * 86_400:
        return 3600.0, "h"
    return 86_400.0, "days"


def rto_bars_svg(result: Mapping[str, Any]) -> str:
    rows = list(result["strategies"])
    top, row_h = 26.0, 24.0
    h = top + row_h * len(rows) + 50
    longest = max([aar.number(r.get("rto_s")) or 0.0 for r in rows] + [60.0])
    unit, uname = _unit(longest)
    x = _X(0.0, longest / unit * 1.35)
    body = ['<text class="ptitle" x="20" y="14">RTO and its phases</text>']
    axis_y = top + row_h * len(rows) + 2
    for v in aar.nice_ticks(longest / unit * 1.3, 6):
        body.append(f'<line class="grid" x1="{_f(x(v))}" x2="{_f(x(v))}" y1="{_f(top)}" '
                    f'y2="{_f(axis_y)}"/><text class="xtick" x="{_f(x(v))}" '
                    f'y="{_f(axis_y + 14)}">{_f(v)}</text>')
    body.append(f'<text class="xtick" x="{_f((PAD_L + W - PAD_R) / 2)}" y="{_f(axis_y + 30)}">'
                f"time from the disaster ({uname})</text>")
    for i, r in enumerate(rows):
        y = top + row_h * i
        body.append(f'<text class="rowlabel" x="{_f(PAD_L - 8)}" y="{_f(y + row_h / 2)}" '
                    f'dy="0.35em">{_e(_label(r["strategy"]))}</text>')
        rto = aar.number(r.get("rto_s"))
        if not r.get("applicable", True) or rto is None:
            why = _rto_text(r) if r.get("applicable", True) else "not applicable"
            body.append(f'<text class="na" x="{_f(PAD_L + 4)}" y="{_f(y + row_h / 2)}" '
                        f'dy="0.35em">{_e(why)}</text>')
            continue
        bd = r.get("rto_breakdown_s") or {}
        at = 0.0
        for j, (k, name, _) in enumerate(aar.STAGES):
            v = aar.number(bd.get(k)) or 0.0
            if v <= 0:
                continue
            body.append(f'<rect class="seg seg{j}" x="{_f(x(at / unit))}" y="{_f(y + 5)}" '
                        f'width="{_f(x(v / unit) - x(0))}" height="{_f(row_h - 10)}">'
                        f"<title>{_e(name)}: {_e(_dur(v))}</title></rect>")
            at += v
        body.append(f'<text class="val" x="{_f(x(rto / unit) + 6)}" y="{_f(y + row_h / 2)}" '
                    f'dy="0.35em" fill="#1d2430">RTO {_e(_dur(rto))}</text>')
    legend = " ".join(f'<span class="key"><span class="sw seg{j}"></span>{_e(name)}</span>'
                      for j, (_, name, _) in enumerate(aar.STAGES))
    return _svg("plot-rto-bars", "RTO per strategy, its phases stacked", h, body) \
        .replace("</figure>", f"<figcaption>{legend}</figcaption></figure>")


def timeline_svg(result: Mapping[str, Any]) -> str:
    """Per strategy: its writes lost (from the oldest lost to the disaster), the service
    down (from the disaster to restored); simulated time since the scenario's start."""
    rows = list(result["strategies"])
    d = float(result["disaster_at_s"])
    starts = [d - v for r in rows if r.get("applicable", True)
              and (v := aar.number(r.get("rpo_achieved_s"))) is not None]
    ends = [d + v for r in rows if r.get("applicable", True)
            and (v := aar.number(r.get("rto_s"))) is not None]
    lo, hi = min([d, *starts]), max([d, *ends])
    span = max(hi - lo, 600.0)
    unit, uname = _unit(span)
    x = _X((lo - span * 0.05) / unit, (hi + span * 0.05) / unit)
    top, row_h = 26.0, 24.0
    h = top + row_h * len(rows) + 50
    axis_y = top + row_h * len(rows) + 2
    body = ['<text class="ptitle" x="20" y="14">The same disaster, per strategy</text>']
    for v in aar.nice_ticks(max(abs(x.lo), abs(x.hi)), 5):
        for s in ((v, -v) if v else (0.0,)):
            if x.lo <= s <= x.hi:
                body.append(f'<line class="grid" x1="{_f(x(s))}" x2="{_f(x(s))}" '
                            f'y1="{_f(top)}" y2="{_f(axis_y)}"/><text class="xtick" '
                            f'x="{_f(x(s))}" y="{_f(axis_y + 14)}">{_f(s)}</text>')
    body.append(f'<text class="xtick" x="{_f((PAD_L + W - PAD_R) / 2)}" y="{_f(axis_y + 30)}">'
                f"simulated time ({uname} since the scenario's start)</text>")
    min_w = 1.5
    for i, r in enumerate(rows):
        y = top + row_h * i
        body.append(f'<text class="rowlabel" x="{_f(PAD_L - 8)}" y="{_f(y + row_h / 2)}" '
                    f'dy="0.35em">{_e(_label(r["strategy"]))}</text>')
        if not r.get("applicable", True):
            body.append(f'<text class="na" x="{_f(x(d / unit) + 6)}" y="{_f(y + row_h / 2)}" '
                        'dy="0.35em">not applicable</text>')
            continue
        rpo, rto = aar.number(r.get("rpo_achieved_s")), aar.number(r.get("rto_s"))
        a = x.left if rpo is None else x((d - rpo) / unit)
        b = x.right if rto is None else x((d + rto) / unit)
        xd = x(d / unit)
        if rpo is None or rpo > 0:
            body.append(f'<rect class="lost" x="{_f(a)}" y="{_f(y + 6)}" '
                        f'width="{_f(max(xd - a, min_w))}" height="{_f(row_h - 12)}"><title>'
                        f"writes lost: {_e(_rpo_text(r))}</title></rect>")
        body.append(f'<rect class="downspan" x="{_f(xd)}" y="{_f(y + 6)}" '
                    f'width="{_f(max(b - xd, min_w))}" height="{_f(row_h - 12)}"><title>'
                    f"service down: {_e(_rto_text(r))}</title></rect>")
        if rto is not None:
            body.append(f'<circle class="restored" cx="{_f(b)}" cy="{_f(y + row_h / 2)}" '
                        'r="4"/>')
        else:
            body.append(f'<text class="na" x="{_f(x.right - 4)}" y="{_f(y + row_h / 2)}" '
                        'dy="0.35em" text-anchor="end">not restored</text>')
    xs = _f(x(d / unit))
    body.append(f'<line class="mark" x1="{xs}" x2="{xs}" y1="{_f(top - 4)}" y2="{_f(axis_y)}"/>'
                f'<text class="mark-label" x="{xs}" y="{_f(top - 8)}" text-anchor="middle">'
                f"disaster {_e(_dur(d))}</text>")
    legend = ('<span class="key"><span class="sw" style="background:#ff832b"></span>writes '
              'lost (not protected)</span><span class="key"><span class="sw" '
              'style="background:#ffd7d9;border:1px solid #da1e28"></span>service down</span>'
              '<span class="key"><span class="sw" style="background:#24a148;border-radius:7px">'
              "</span>service restored</span>")
    return _svg("plot-timeline", "The disaster's timeline per strategy", h, body) \
        .replace("</figure>", f"<figcaption>{legend}</figcaption></figure>")


def _compare_table(result: Mapping[str, Any]) -> str:
    rows = []
    for r in result["strategies"]:
        lost = ("—" if not r.get("applicable", True) or r.get("data_loss_bytes") is None
                else format_bytes(r["data_loss_bytes"]))
        cost = (format_money(r["cost"]["total"], str(result.get("currency") or ""))
                if r.get("cost") else "—")
        needs = "<br>".join(_e(n) for n in r.get("needs") or [])
        rows.append(f'<tr class="{"" if r.get("applicable", True) else "na"}">'
                    f'<td><b style="color:{_colour(r["strategy"])}">{_e(_label(r["strategy"]))}'
                    f'</b><div class="muted small">{_e(r.get("why"))}</div></td>'
                    f'<td class="num">{_e(_rpo_text(r))}</td><td class="num">{_e(lost)}</td>'
                    f'<td class="num">{_e(_rto_text(r))}</td><td class="needs">{needs}</td>'
                    f'<td class="num">{_e(cost)}</td></tr>')
    return ('<table class="compact cmp"><thead><tr><th>Strategy</th><th class="num">RPO</th>'
            '<th class="num">Data lost</th><th class="num">RTO</th><th>Needs</th>'
            f'<th class="num">Cost</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def compare_section(result: Mapping[str, Any]) -> str:
    """The comparison as a section (for a page of its own or another report)."""
    return (f'<section class="compare-s"><h2>The four ways to business continuity, side by '
            f'side</h2><p class="muted small">The scenario\'s disaster (at '
            f'{_e(_dur(result["disaster_at_s"]))}, simulated) replayed under each strategy on '
            f'the same system, workloads and writes; seed {_e(result.get("seed"))}.</p>'
            f"{rpo_scale_svg(result)}{rto_bars_svg(result)}{timeline_svg(result)}"
            f"{_compare_table(result)}</section>")


def _page(title: str, eyebrow: str, body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="generator" content="DR Twin">'
            f"<title>{_e(title)}</title><style>{aar.CSS}{_EXTRA_CSS}</style></head><body>"
            f'<header class="top"><div><div class="eyebrow">{_e(eyebrow)}</div>'
            f'<h1 id="title">{_e(title)}</h1></div></header>{body}</body></html>\n')


def render_compare(result: Mapping[str, Any]) -> str:
    return _page(str(result.get("scenario") or "Unnamed scenario"),
                 "Strategy comparison · DR Twin", compare_section(result))


# -- the sweep --------------------------------------------------------------------------------


_Points = dict[str, list[tuple[float, Any, Any]]]


def _points(result: Mapping[str, Any]) -> tuple[str, list[str], _Points]:
    """The x axis (its title, categories if not numbers) and per strategy (x, rpo, rto)."""
    key = result["varied"][0] if result["varied"] else None
    good = [r for r in result["rows"] if not r.get("error")]
    cats: list[str] = []
    if key is not None and any(as_number(r.get(key)) is None for r in result["rows"]):
        cats = list(dict.fromkeys(str(r.get(key)) for r in result["rows"]))
    out: _Points = {}
    for r in good:
        if key is None:
            x = aar.number(r.get("disaster_at_s"))
            x = None if x is None else x / 3600
        elif cats:
            x = float(cats.index(str(r.get(key))))
        else:
            x = as_number(r.get(key))
        if x is not None:
            out.setdefault(r["strategy"], []).append((x, r.get("rpo_achieved_s"),
                                                      r.get("rto_s")))
    return (key or "the disaster's time (h)"), cats, out


def _scatter(ident: str, title: str, xtitle: str, cats: list[str],
             pts: dict[str, list[tuple[float, float]]], log: bool, ytitle: str) -> str:
    h, top, bottom = 240.0, 26.0, 44.0
    allx = [p[0] for v in pts.values() for p in v] or [0.0, 1.0]
    ally = [p[1] for v in pts.values() for p in v] or [0.0, 1.0]
    x = _X(min(allx) - (max(allx) - min(allx) or 1) * 0.05,
           max(allx) + (max(allx) - min(allx) or 1) * 0.05, 80.0)
    ylo, yhi = (min(ally) - 0.3, max(ally) + 0.3) if log else (0.0, max(ally) * 1.1 or 1.0)

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - (v - ylo) / (yhi - ylo))

    body = [f'<text class="ptitle" x="20" y="14">{_e(title)}</text>',
            f'<rect class="frame" x="{_f(x.left)}" y="{_f(top)}" width="{_f(x.right - x.left)}" '
            f'height="{_f(h - top - bottom)}"/>']
    yt = ([(v, t) for v, t in _log_ticks() if ylo <= v <= yhi] if log
          else [(v, _f(v)) for v in aar.nice_ticks(yhi, 4)])
    last = -1e9
    for v, t in yt:
        if log and y(v) > last - 14 and last > -1e9:
            continue
        last = y(v)
        body.append(f'<line class="grid" x1="{_f(x.left)}" x2="{_f(x.right)}" y1="{_f(y(v))}" '
                    f'y2="{_f(y(v))}"/><text class="ytick" x="{_f(x.left - 6)}" y="{_f(y(v))}" '
                    f'dy="0.32em">{_e(t)}</text>')
    xt = ([(float(i), c) for i, c in enumerate(cats)] if cats else
          [(v, f"{v:g}") for v in aar.nice_ticks(x.hi, 6) if v >= x.lo])
    for v, t in xt:
        body.append(f'<text class="xtick" x="{_f(x(v))}" y="{_f(h - bottom + 14)}">{_e(t)}'
                    "</text>")
    body.append(f'<text class="xtick" x="{_f((x.left + x.right) / 2)}" y="{_f(h - 8)}">'
                f"{_e(xtitle)}</text>")
    body.append(f'<text class="ytitle" transform="translate(14 {_f((h - bottom + top) / 2)}) '
                f'rotate(-90)">{_e(ytitle)}</text>')
    for s, ps in pts.items():
        c = _colour(s)
        ps = sorted(ps)
        if len({p[0] for p in ps}) == len(ps) > 1:
            body.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.6" points="'
                        + " ".join(f"{_f(x(a))},{_f(y(b))}" for a, b in ps) + '"/>')
        body += [f'<circle cx="{_f(x(a))}" cy="{_f(y(b))}" r="3" fill="{c}" '
                 f'data-strategy="{_e(s)}"/>' for a, b in ps]
    return _svg(ident, title, h, body)


def _hist(ident: str, title: str, xtitle: str, vals: dict[str, list[float]], log: bool) -> str:
    h, top, bottom, bins = 200.0, 26.0, 44.0, 30
    allv = [v for vs in vals.values() for v in vs] or [0.0]
    lo, hi = min(allv), max(allv)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    step = (hi - lo) / bins
    counts = {s: [0] * bins for s in vals}
    for s, vs in vals.items():
        for v in vs:
            counts[s][min(max(int((v - lo) / step), 0), bins - 1)] += 1
    top_n = max([max(c) for c in counts.values()] + [1])
    x = _X(lo - step, hi + step, 80.0)

    def y(n: float) -> float:
        return top + (h - top - bottom) * (1 - n / (top_n * 1.1))

    body = [f'<text class="ptitle" x="20" y="14">{_e(title)}</text>',
            f'<rect class="frame" x="{_f(x.left)}" y="{_f(top)}" width="{_f(x.right - x.left)}" '
            f'height="{_f(h - top - bottom)}"/>']
    for v in aar.nice_ticks(top_n, 4):
        body.append(f'<text class="ytick" x="{_f(x.left - 6)}" y="{_f(y(v))}" dy="0.32em">'
                    f"{_f(v)}</text>")
    ticks = ([(v, t) for v, t in _log_ticks() if x.lo <= v <= x.hi] if log else
             [(v, _f(v)) for v in aar.nice_ticks(x.hi, 6) if v >= x.lo])
    for v, t in ticks:
        body.append(f'<text class="xtick" x="{_f(x(v))}" y="{_f(h - bottom + 14)}">{_e(t)}'
                    "</text>")
    body.append(f'<text class="xtick" x="{_f((x.left + x.right) / 2)}" y="{_f(h - 8)}">'
                f"{_e(xtitle)}</text>")
    for s, cs in counts.items():
        c = _colour(s)
        for i, n in enumerate(cs):
            if n:
                body.append(f'<rect x="{_f(x(lo + i * step))}" y="{_f(y(n))}" '
                            f'width="{_f(max(x(lo + step) - x(lo), 1.0))}" '
                            f'height="{_f(y(0) - y(n))}" fill="{c}" fill-opacity="0.45" '
                            f'stroke="{c}"><title>{_e(_label(s))}: {n} runs</title></rect>')
    return _svg(ident, title, h, body)


def sweep_section(result: Mapping[str, Any]) -> str:
    xtitle, cats, pts = _points(result)
    rto_all = [float(p[2]) for ps in pts.values() for p in ps if p[2] is not None]
    unit, uname = _unit(max(rto_all, default=60.0))
    rpo_pts = {s: [(a, rpo_x(b)) for a, b, _ in ps] for s, ps in pts.items()}
    rto_pts = {s: [(a, float(c) / unit) for a, _, c in ps if c is not None]
               for s, ps in pts.items()}
    summary = []
    for name, s in result["summary"].items():
        def q(key: str, fmt: Any, s: Mapping[str, Any] = s) -> str:
            v = s.get(key)
            return ("<td class='num'>—</td>" * 3 if not v else
                    "".join(f"<td class='num'>{_e(fmt(v[p]))}</td>"
                            for p in ("p50", "p95", "p99")))

        runs = f"{s['runs']}" + (f"<div class='muted'>{s['errors']} impossible</div>"
                                 if s["errors"] else "") \
            + (f"<div class='muted'>{s['not_restored']} not restored</div>"
               if s["not_restored"] else "")
        summary.append(f'<tr><td class="st" style="color:{_colour(name)}">'
                       f"{_e(_label(name))}</td><td class='num'>{runs}</td>"
                       f"{q('data_loss_bytes', format_bytes)}{q('rto_s', _dur)}"
                       f"{q('rpo_achieved_s', _dur)}</tr>")
    head = "".join(f"<th class='num'>{t}</th>" for t in (
        "Runs", "Lost p50", "p95", "p99", "RTO p50", "p95", "p99", "RPO p50", "p95", "p99"))
    errors: dict[str, int] = {}
    for r in result["rows"]:
        if r.get("error"):
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    impossible = ("" if not errors else "<h3>Impossible runs</h3><ul>" + "".join(
        f"<li>{_e(e)} <span class='muted'>({n} rows)</span></li>"
        for e, n in errors.items()) + "</ul>")
    legend = " ".join(f'<span class="key"><span class="sw" style="background:{_colour(s)}">'
                      f"</span>{_e(_label(s))}</span>" for s in pts)
    what = (f"{result['runs']} runs" + (f", varying {', '.join(result['varied'])}"
                                        if result["varied"] else "")
            + (f", Monte Carlo ×{result['monte_carlo']}" if result.get("monte_carlo") else "")
            + (" — cancelled, the runs that finished" if result.get("cancelled") else ""))
    return (f'<section class="sweep-s"><h2>What-if sweep</h2><p class="muted small">'
            f"{_e(what)}.</p><table class='compact summary'><thead><tr><th>Strategy</th>{head}</tr>"
            f"</thead><tbody>{''.join(summary)}</tbody></table>"
            f"<p class='small'>{legend}</p>"
            + _scatter("plot-sweep-rpo", "RPO achieved against the parameter (log scale)",
                       xtitle, cats, rpo_pts, True, "RPO")
            + _scatter("plot-sweep-rto", "RTO against the parameter", xtitle, cats, rto_pts,
                       False, f"RTO ({uname})")
            + _hist("plot-hist-rpo", "Distribution of the RPO achieved (log scale)", "RPO",
                    {s: [b for _, b in ps] for s, ps in rpo_pts.items()}, True)
            + _hist("plot-hist-rto", "Distribution of the RTO", f"RTO ({uname})",
                    {s: [b for _, b in ps] for s, ps in rto_pts.items()}, False)
            + impossible + "</section>")


def render_sweep(result: Mapping[str, Any], name: str = "") -> str:
    return _page(name or "What-if sweep", "What-if sweep · DR Twin", sweep_section(result))


def write(page: str, result: Mapping[str, Any], out: str | Path) -> tuple[Path, Path]:
    """Write the page to ``out`` and the result's JSON beside it (as twin/aar.py does);
    raises OSError as the file system does."""
    html_path, json_path = Path(out), aar.json_path_for(out)
    html_path.write_text(page, encoding="utf-8")
    json_path.write_text(json.dumps(result, indent=1, allow_nan=False, default=str) + "\n",
                         encoding="utf-8")
    return html_path, json_path

