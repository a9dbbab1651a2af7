"""The status bar's story as a pure function of the state document: is the service up, is
there a split brain, how is the replication, what is the RPO and the RTO now, against the
scenario's objectives. ``MainWindow`` only renders the pills; tests call :func:`pills`
without a window. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from app.format import copy_type, format_bytes, format_duration, state_text


class Pill(NamedTuple):
    """One status-bar field: its object name, its text and its level (theme.LEVELS)."""

    name: str
    text: str
    level: str


# the pills in the order the status bar shows them, with their tooltips
PILLS: tuple[tuple[str, str], ...] = (
    ("servicePill", "Clients reach every workload"),
    ("splitPill", "Both racks advertise the same addresses"),
    ("replicationPill", "SAN consistency group: copy type (GM, GM-CV, MM) and state (R18, R21)"),
    ("rpoPill", "RPO exposure now (age of the oldest write not yet on the backup) and RPO "
                "achieved at the disaster"),
    ("rtoPill", "RTO: service down until restored (R16)"),
)


def pills(state: Mapping[str, Any], objectives: Mapping[str, Any] | None,
          now: float) -> list[Pill]:
    """The five pills of :data:`PILLS` for ``state`` (``Twin.state()``) at time ``now``;
    ``objectives`` is the scenario's (``rpo_s``, ``rto_s``, either may be missing)."""
    objectives = objectives or {}
    return [_service(state), _split(state), _replication(state),
            _rpo(state, objectives.get("rpo_s")), _rto(state, objectives, now)]


def _service(st: Mapping[str, Any]) -> Pill:
    up = bool(st["service"]["available"])
    return Pill("servicePill", "Service available" if up else "Service DOWN",
                "ok" if up else "bad")


def _split(st: Mapping[str, Any]) -> Pill:
    split = bool(st["service"]["split_brain"])
    return Pill("splitPill", "SPLIT BRAIN" if split else "No split brain",
                "bad" if split else "off")


def _replication(st: Mapping[str, Any]) -> Pill:
    rep = st["replication"]
    state = str(rep["state"])
    text = state_text(state)
    if state == "inconsistent_copying":
        text += f" {rep['progress'] * 100:.0f}%"
    level = ("ok" if state == "consistent_synchronized" else
             "bad" if state.startswith("inconsistent") or rep["errors"] else "warn")
    if rep["errors"]:
        text += f" · error {', '.join(rep['errors'])}"
    if rep.get("throttled"):  # the hosts write less than they ask (R20a)
        text += " · hosts throttled"
        level = "bad" if level == "bad" else "warn"
    # the copy type (R21), and a change-volume cycle under way
    mode = copy_type(rep.get("mode", "global-mirror"), short=True)
    if state == "consistent_copying" and rep.get("mode") == "global-mirror-change-volumes":
        mode += " cycling"  # a change-volume cycle: the backup keeps its image, all is well
        if not rep["errors"] and not rep.get("throttled"):
            level = "ok"
    return Pill("replicationPill", f"Replication ({mode}): {text}", level)


def _rpo(st: Mapping[str, Any], rpo_obj: float | None) -> Pill:
    rep, out = st["replication"], st["outcome"]
    achieved = out.get("rpo_achieved_s")
    lost = out.get("data_loss_bytes")
    if out.get("disaster_at_s") is not None and out.get("rto_s") is None:
        # the disaster's outage is on: what it cost in data is the news
        text = ("RPO achieved " + format_duration(achieved) if achieved is not None
                else "RPO unbounded: no consistent copy")
        if lost:
            text += f" · {format_bytes(lost)} lost"
        bad = achieved is None or (rpo_obj is not None and achieved > rpo_obj)
        return Pill("rpoPill", text, "bad" if bad else "warn" if lost else "ok")
    rpo_now = rep.get("rpo_s")
    if rpo_now is None:
        return Pill("rpoPill", "RPO unbounded: no consistent copy", "bad")
    over = rpo_obj is not None and rpo_now > rpo_obj
    flowing = rep["state"] == "consistent_synchronized"
    if str(rep["state"]).startswith("idling"):  # production runs, nothing replicates
        text = (f"Unprotected for {format_duration(rpo_now)}" if rpo_now > 0
                else "Unprotected: no replication")  # (nothing written yet)
    else:
        text = f"RPO exposure {format_duration(rpo_now)}"
    return Pill("rpoPill", text, "bad" if over else "ok" if flowing else "warn")


def _rto(st: Mapping[str, Any], objectives: Mapping[str, Any], now: float) -> Pill:
    out = st["outcome"]
    rto_obj = objectives.get("rto_s")
    achieved = out.get("rpo_achieved_s")
    down_since = st["service"].get("down_since_s")
    obj = (f" / {format_duration(rto_obj)}" if rto_obj is not None
           and math.isfinite(rto_obj) else "")
    if not st["service"]["available"] and down_since is not None:
        # an outage now, the first or not
        return Pill("rtoPill", f"Outage {format_duration(now - down_since)}{obj}", "bad")
    if out.get("rto_s") is not None:
        miss = rto_obj is not None and out["rto_s"] > rto_obj
        rpo_obj = objectives.get("rpo_s")
        disaster = out.get("disaster_at_s") is not None
        rpo_miss = rpo_obj is not None and (achieved > rpo_obj if achieved is not None
                                            else disaster)
        rpo_text = ("" if achieved is None and not disaster else
                    " · RPO " + (format_duration(achieved) if achieved is not None
                                 else "unbounded"))
        missed = [w for w, m in (("RTO", miss), ("RPO", rpo_miss)) if m]
        return Pill("rtoPill", f"RTO {format_duration(out['rto_s'])}{rpo_text}"
                    + (f" ({' and '.join(missed)} objective missed)" if missed else ""),
                    "bad" if missed else "ok")
    return Pill("rtoPill", "RTO —  (no outage)", "off")


def pill_caps(widths: list[int], available: int) -> int | None:
    """The widest a pill may be so that pills of natural ``widths`` fit in ``available``
    pixels: the narrow ones keep their width, the widest share what is left (their text is
    then elided, the whole of it in the tooltip). None: they all fit as they are."""
    if sum(widths) <= available or not widths:
        return None
    left, rest = available, sorted(widths)
    while rest:
        share = left // len(rest)
        if rest[0] > share:
            return max(share, 40)
        left -= rest.pop(0)
    return None  # pragma: no cover - the sum fitted after all


def verdict_level(report: Mapping[str, Any]) -> str:
    """The level of a finished run's verdict (theme.LEVELS): "ok" when every step did as
    expected and the assessment passed, "warn" when the steps held but the assessment did
    not pass (an objective missed, data lost), "bad" when a step or a check failed."""
    if not report.get("ok"):
        return "bad"
    assessment = report.get("assessment") or {}
    return "ok" if assessment.get("passed", True) else "warn"
