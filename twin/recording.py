"""A session as a scenario: the steps a scenario ran plus the actions an operator or an
instructor applied (from the GUI), each at the simulated time it happened. Played again
with the same seed, it reproduces the session (architecture.md: one command path).

Passwords are never written: neither a ``create-profile``'s (it replays with the peer
user's own password) nor the rack users' of the ``system`` block; the file says so, and
how to put them back (see docs/scenario-file.md)."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from twin import actions as A
from twin.runner import StepResult
from twin.scenario import Scenario


def step_dict(action: A.Action, at_s: float) -> dict[str, Any]:
    """A scenario step for ``action`` at absolute time ``at_s`` (seconds)."""
    d = action.to_dict()
    for key in ("until", "that"):
        if key in d:
            d[key] = A.thaw(getattr(action, key))
    return {"at": _seconds(at_s), **d}


def _seconds(t: float) -> float | int:
    return int(t) if float(t).is_integer() else round(t, 6)


def session_scenario(scenario: Scenario, ran: list[StepResult],
                     applied: list[tuple[float, A.Action]]) -> dict[str, Any]:
    """The scenario document of a session: ``ran`` (the scenario's steps that ran) and
    ``applied`` (actions from outside the scenario), merged in time order; a scenario step
    comes first at equal times, as it ran first."""
    steps: list[tuple[float, int, dict[str, Any]]] = []
    for r in ran:
        step = scenario.steps[r.index]
        d = step_dict(step.action, r.at_s)
        if step.expect:
            d["expect"] = step.expect
        steps.append((r.at_s, 0, d))
    steps += [(t, 1, step_dict(a, t)) for t, a in applied]
    steps.sort(key=lambda x: (x[0], x[1]))
    system, dropped = without_passwords(scenario.system_raw)
    dropped = dropped or any(
        getattr(scenario.steps[r.index].action, "password", None) is not None for r in ran)
    doc: dict[str, Any] = {
        "name": f"{scenario.name} (recorded session)",
        "description": (scenario.description + "\n" if scenario.description else "")
        + "Recorded from DR Twin: the scenario's steps and the actions applied in the "
        "application, at the simulated times they happened." + (NO_PASSWORDS if dropped
                                                                 else ""),
        "seed": scenario.seed,
        "start": scenario.start,
    }
    if system:
        doc["system"] = system
    objectives = {k[:-2]: v for k, v in scenario.objectives.items() if v is not None}
    if objectives:
        doc["objectives"] = objectives
    doc["steps"] = [d for _, _, d in steps]
    return doc


NO_PASSWORDS = (
    " No password is saved: the rack users keep their ids and permissions, and each "
    "create-profile replays with the peer user's own password. To play it with passwords, "
    "add `password: \"...\"` (quoted) to the users under system.racks and to the "
    "create-profile steps."
)
HEADER = (
    "# Recorded by DR Twin (File > Save session as scenario). No password is saved in this\n"
    "# file: add `password: \"...\"` (quoted) to the rack users under system.racks and to\n"
    "# create-profile steps if the session needs them (docs/scenario-file.md).\n"
)


def without_passwords(system_raw: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A copy of a scenario's ``system`` block with every rack user's password taken out,
    and whether there was one."""
    system = copy.deepcopy(system_raw) if system_raw else {}
    dropped = False
    racks = system.get("racks") if isinstance(system, dict) else None
    for rack in racks if isinstance(racks, list) else ():
        users = rack.get("users") if isinstance(rack, dict) else None
        for user in users if isinstance(users, list) else ():
            if isinstance(user, dict) and "password" in user:
                del user["password"]
                dropped = True
    return system, dropped


def to_yaml(doc: dict[str, Any]) -> str:
    """The session as scenario text, headed by a comment that it holds no password."""
    return HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
