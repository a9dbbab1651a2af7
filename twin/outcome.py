"""Outcome accounting (R15, R16, R14): data lost, RPO achieved, and the RTO measured from
the availability signal, broken down into decision, data sync, restart and network.

The breakdown is four consecutive intervals between milestones clamped into
[service down, service restored], so they always add up to ``rto_s`` exactly:
decision = down → first operator recovery action; data_sync = → the backup's takeover
(its failover done, volumes writable); restart = → every workload running;
network = → clients reach the service again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from twin.states import RtoPhase


@dataclass
class Outcome:
    """What the run achieved: the disaster, the data lost, the RTO and its phases."""
    disaster_at_s: float | None = None
    data_loss_bytes: float | None = None
    rpo_achieved_s: float | None = None
    service_down_at_s: float | None = None
    service_restored_at_s: float | None = None
    first_action_at_s: float | None = None
    takeover_at_s: float | None = None
    all_running_at_s: float | None = None
    loss_frozen: bool = False

    def service_changed(self, t: float, available: bool) -> None:
        if not available and self.service_down_at_s is None:
            self.service_down_at_s = t
        elif available and self.service_down_at_s is not None \
                and self.service_restored_at_s is None:
            self.service_restored_at_s = t

    def workloads_all_running(self, t: float) -> None:
        """Every workload in service runs again: the last time it happens during the
        outage ends the restart phase."""
        if self.service_down_at_s is not None and self.service_restored_at_s is None:
            self.all_running_at_s = t

    def operator_acted(self, t: float) -> None:
        if self.service_down_at_s is not None and self.first_action_at_s is None \
                and self.service_restored_at_s is None:
            self.first_action_at_s = t

    @property
    def rto_s(self) -> float | None:
        if self.service_down_at_s is None or self.service_restored_at_s is None:
            return None
        return self.service_restored_at_s - self.service_down_at_s

    def phase(self) -> RtoPhase | None:
        """The phase of the outage under way (None: no outage now): the part of the RTO
        breakdown that is still growing."""
        if self.service_down_at_s is None or self.service_restored_at_s is not None:
            return None
        for milestone, phase in ((self.first_action_at_s, RtoPhase.DECISION),
                                 (self.takeover_at_s, RtoPhase.DATA_SYNC),
                                 (self.all_running_at_s, RtoPhase.RESTART)):
            if milestone is None:
                return phase
        return RtoPhase.NETWORK

    def breakdown(self, now: float) -> dict[str, float] | None:
        down = self.service_down_at_s
        if down is None:
            return None
        restored = self.service_restored_at_s is not None
        end: float = self.service_restored_at_s if self.service_restored_at_s is not None \
            else now

        def clamp(x: float | None, lo: float) -> float:
            if x is None:  # a phase not reached: skipped if restored, else in progress
                return lo if restored else end
            return min(max(x, lo), end)

        m1 = clamp(self.first_action_at_s, down)
        m2 = clamp(self.takeover_at_s, m1)
        m3 = clamp(self.all_running_at_s, m2)
        return {"decision": m1 - down, "data_sync": m2 - m1, "restart": m3 - m2,
                "network": end - m3}

    def to_dict(self, now: float) -> dict[str, Any]:
        def r(x: float | None) -> float | None:  # JSON has no infinity: null
            return None if x is None or not math.isfinite(x) else round(x, 6)

        bd = self.breakdown(now)
        return {
            "disaster_at_s": r(self.disaster_at_s),
            "data_loss_bytes": None if self.data_loss_bytes is None
            else int(round(self.data_loss_bytes)),
            "rpo_achieved_s": r(self.rpo_achieved_s),
            "service_down_at_s": r(self.service_down_at_s),
            "service_restored_at_s": r(self.service_restored_at_s),
            "rto_s": r(self.rto_s),
            "rto_breakdown_s": None if bd is None else _rounded_parts(bd),
            "milestones_s": {"first_action": r(self.first_action_at_s),
                             "takeover": r(self.takeover_at_s),
                             "all_running": r(self.all_running_at_s)},
            "phase": self.phase(),
        }


def _rounded_parts(parts: dict[str, float]) -> dict[str, float]:
    """Round to µs so that the parts still add up to the rounded total: the last part
    takes the rounding (the report promises a breakdown that adds up)."""
    out = {k: round(v, 6) for k, v in parts.items()}
    last = list(parts)[-1]
    total = round(sum(parts.values()), 6)
    # (+ 0.0: a last part rounded from a tiny negative is 0, never "-0ms")
    out[last] = round(total - sum(v for k, v in out.items() if k != last), 6) + 0.0
    return out


def disaster_cost(rates: dict[str, float], outage_s: float | None,
                  data_loss_s: float | None) -> dict[str, float] | None:
    """What a disaster cost at the scenario's penalty rates (``objectives.cost``): hours of
    outage × ``outage_per_hour`` plus hours of data lost (the RPO achieved) ×
    ``data_loss_per_hour``. None without rates, or where either span is unbounded (not
    restored, no consistent copy): no figure rather than a wrong one."""
    if not rates or outage_s is None or data_loss_s is None:
        return None
    outage = outage_s / 3600.0 * float(rates.get("outage_per_hour", 0.0))
    lost = data_loss_s / 3600.0 * float(rates.get("data_loss_per_hour", 0.0))
    return {"outage": outage, "data_loss": lost, "total": outage + lost}
