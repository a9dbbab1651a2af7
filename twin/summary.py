"""The end summary of a run (issue 11, presenter mode): the recovery objectives against
what the run achieved, one verdict, the data lost and — where the scenario gives penalty
rates (``objectives.cost``) — what the disaster cost. A pure function of the run report,
so the GUI's summary page and the after-action report's section say the same thing.

Verdict: ``missed`` if an objective was missed, ``met`` if at least one was met and none
missed, ``not measured`` if the scenario has objectives but nothing happened to measure
them, ``no objectives`` if it sets none.

Cost (twin/outcome.py ``disaster_cost``): the outage's hours (the RTO; zero when the
service never went down) and the data loss's hours (the RPO achieved; zero without a
disaster) at the rates. While the service is still down the outage so far is used and
the figure is marked ``so_far``; an unbounded RPO (no consistent copy) gives no figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twin.outcome import disaster_cost

VERDICTS = ("met", "missed", "not measured", "no objectives")


def cost_rates(rates: Mapping[str, float], currency: str) -> dict[str, Any] | None:
    """The scenario's penalty rates as the run report carries them (``cost_rates``)."""
    if not rates:
        return None
    return {**{k: float(v) for k, v in rates.items()}, "currency": currency}


def end_summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The summary of ``report`` (a run report, twin/runner.py)."""
    o = report.get("outcome") or {}
    objectives = report.get("objectives") or {}
    end = float((report.get("final_state") or {}).get("time_s") or 0.0)
    rows = []
    for key, label in (("rpo_s", "RPO"), ("rto_s", "RTO")):
        g = objectives.get(key)
        if g is None:
            continue
        rows.append({"name": label, "objective_s": g.get("objective"),
                     "achieved_s": g.get("achieved"), "met": g.get("met"),
                     "unbounded": bool(g.get("unbounded")),
                     "still_down": bool(g.get("still_down"))})
    mets = [r["met"] for r in rows]
    if not rows:
        verdict = "no objectives"
    elif False in mets:
        verdict = "missed"
    elif True in mets:
        verdict = "met"
    else:
        verdict = "not measured"

    down_at = o.get("service_down_at_s")
    rto = o.get("rto_s")
    still_down = down_at is not None and rto is None
    outage_s = rto if rto is not None else (0.0 if down_at is None else end - float(down_at))
    rpo = o.get("rpo_achieved_s")
    disaster = o.get("disaster_at_s") is not None or bool(o.get("data_loss_bytes"))
    loss_s = rpo if rpo is not None else (None if disaster else 0.0)

    cost = None
    rates = report.get("cost_rates")
    if rates:
        currency = str(rates.get("currency") or "")
        per = {k: float(v) for k, v in rates.items() if k != "currency"}
        figures = disaster_cost(per, outage_s, loss_s)
        cost = {"currency": currency,
                "outage_per_hour": per.get("outage_per_hour", 0.0),
                "data_loss_per_hour": per.get("data_loss_per_hour", 0.0),
                "outage_hours": None if outage_s is None else outage_s / 3600.0,
                "data_loss_hours": None if loss_s is None else loss_s / 3600.0,
                "outage": None if figures is None else figures["outage"],
                "data_loss": None if figures is None else figures["data_loss"],
                "total": None if figures is None else figures["total"],
                "so_far": still_down,
                "why": "" if figures is not None else
                "the RPO is unbounded (no consistent copy): the data lost has no price"}
    a = report.get("assessment") or {}
    return {"scenario": report.get("scenario"), "end_s": end, "verdict": verdict,
            "objectives": rows, "data_loss_bytes": o.get("data_loss_bytes"),
            "rpo_achieved_s": rpo, "rto_s": rto, "service_down": down_at is not None,
            "still_down": still_down, "cost": cost, "score": a.get("score"),
            "passed": a.get("passed")}
