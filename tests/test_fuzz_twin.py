"""Stateful fuzzing of the twin through its public API (issue 8): Hypothesis draws sequences
of actions of every type, with any field values (NaN, infinities, negatives, huge numbers,
text where numbers go, a planted password), and advances of time, and applies them with
``Twin.apply``. An action that cannot be made raises ActionError when it is made; every
action that can be made is accepted or refused, and nothing else: ``apply`` never raises.
After every rule the invariants hold:

* replication lag >= 0, progress in 0..1, the RTO breakdown adds up;
* simulated time never goes back, and the event log is in time order;
* a rack enabled as backup runs no workloads (R10);
* the service is available only if every workload of the system, and every running one,
  is reachable;
* the state document is strict JSON and holds no planted password, nor do the events, the
  consoles' answers and the session saved as a scenario;
* at the end, the same sequence with the same seed gives the same run, event for event.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.fuzzing import DEEP, PLANTED, cases
from tests.helpers import make_twin
from twin import actions as A
from twin.recording import session_scenario, to_yaml
from twin.scenario import load_scenario_text

FAST, SLOW = cases(40, 400)
RACKS = ("raleigh", "dallas")
WORKLOADS = ("orders-db", "orders-mq", "orders-app")

NASTY = st.sampled_from([math.nan, math.inf, -math.inf, -1, -1e-9, -0.0, 1e308, -1e308,
                         5e-324, 10**30, 2**63, True, None, "5", "", [], {}])
ANY_TEXT = st.sampled_from(RACKS + WORKLOADS + ("fc", "ip", "primary", "backup", "planned",
                                                "unplanned", "paris", "", "x" * 300, "orders.db"))


def number(lo: float, hi: float) -> st.SearchStrategy[Any]:
    return st.one_of(st.floats(lo, hi), st.integers(int(lo), int(min(hi, 10**6))),
                     st.floats(allow_nan=True, allow_infinity=True), NASTY)


def whole(lo: int, hi: int) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(lo, hi), st.integers(-5, 10**4), NASTY)


def text_of(*usual: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(usual), ANY_TEXT, st.text(max_size=5), NASTY)


FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "rack": text_of(*RACKS), "peer": text_of(*RACKS, "dallas-mgmt.example.com"),
    "user": text_of("dradmin", "nobody"), "operator": text_of("dradmin", "nobody"),
    "password": text_of("passw0rd", PLANTED, "*" + PLANTED),
    "role": text_of("primary", "backup"), "type": text_of("planned", "unplanned"),
    "workloads": st.one_of(st.lists(st.sampled_from(WORKLOADS + ("new-a", "nope")), max_size=3),
                           NASTY),
    "count": whole(1, 40), "node": whole(0, 40),
    "name": text_of("new-a", "new-b"), "middleware": text_of("was", "db2"),
    "restart": number(0, 7200), "link": text_of("fc", "ip"),
    "latency_ms": number(0, 200), "bandwidth_mbps": number(0.05, 20_000),
    "loss_pct": number(0, 100), "workload": text_of(*WORKLOADS, "new-a"),
    "write_mb_s": number(0, 25_000), "for_": number(0, 4 * 3600),
    "until": st.just((("service.available", True),)), "timeout": number(0, 60),
    "that": st.just((("time_s", {"min": 0}),)), "text": text_of("a note", "x" * 1000),
    "pause": st.one_of(st.booleans(), NASTY),
}
SYSTEMS: list[dict[str, Any] | None] = [
    None,
    {"fc_link": {"bandwidth_mbps": 100}, "distance_km": 8000},
    {"racks": [{"compute_nodes": 2}, {"compute_nodes": 2}],
     "workloads": [{"name": "orders-db", "cores": 16, "volumes": 3, "write_mb_s": 40},
                   {"name": "orders-mq", "needs": ["orders-db"]},
                   {"name": "orders-app", "needs": ["orders-mq"], "cores": 32}]},
    {"racks": [{"users": [{"id": "dradmin", "password": PLANTED, "permissions":
                           ["disaster_recovery_administration", "security_administration"]}]},
               {"users": []}]},
]
ADVANCES = st.sampled_from([0.0, 1e-6, 0.5, 1.0, 10.0, 60.0, 300.0, 1800.0, 3600.0, 4 * 3600.0])


def build(op: tuple[Any, ...]) -> A.Action:
    _, cls, kwargs = op
    return cls(**kwargs)  # type: ignore[no-any-return]


class TwinMachine(RuleBasedStateMachine):
    """One twin; every rule is recorded so that teardown can replay the run."""

    def __init__(self) -> None:
        super().__init__()
        self.twin: Any = None
        self.ops: list[tuple[Any, ...]] = []
        self.last_time = 0.0
        self.made = self.refused_when_made = 0
        self.applied: list[tuple[float, A.Action]] = []  # as a GUI session records them

    @initialize(start=st.sampled_from(["unpaired", "paired"]), seed=st.integers(0, 2**32),
                system=st.sampled_from(range(len(SYSTEMS))))
    def start(self, start: str, seed: int, system: int) -> None:
        self.setup = (SYSTEMS[system], start, seed)
        self.twin = make_twin(SYSTEMS[system], start=start, seed=seed)

    @rule(data=st.data(), cls=st.sampled_from(list(A.REGISTRY.values())))
    def apply_an_action(self, data: st.DataObject, cls: type[A.Action]) -> None:
        kwargs = {}
        for f in dataclasses.fields(cls):
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required or data.draw(st.booleans(), label=f"give {f.name}"):
                kwargs[f.name] = data.draw(FIELDS[f.name], label=f.name)
        op = ("apply", cls, kwargs)
        try:
            action = build(op)
        except A.ActionError as e:  # refused when made: it never reaches the twin
            assert isinstance(e, ValueError) and e.field is not None, str(e)
            assert PLANTED not in str(e)
            self.refused_when_made += 1
            return
        self.made += 1
        self.ops.append(op)
        self.applied.append((self.twin.now, action))
        res = self.twin.apply(action)  # may accept or refuse; must not raise
        assert isinstance(res.ok, bool) and isinstance(res.message, str)
        assert PLANTED not in res.text

    @rule(dt=ADVANCES)
    def advance(self, dt: float) -> None:
        self.twin.run_until(self.twin.now + dt)
        self.ops.append(("advance", dt))

    @precondition(lambda self: self.twin is not None)
    @rule()
    def next_event(self) -> None:
        self.twin.step()
        self.ops.append(("step",))

    @invariant()
    def the_invariants_hold(self) -> None:
        if self.twin is None:
            return
        t = self.twin
        s = t.state()
        text = json.dumps(s, allow_nan=False)  # strict JSON
        assert PLANTED not in text
        assert s["time_s"] >= self.last_time
        self.last_time = s["time_s"]
        r = s["replication"]
        assert r["lag_bytes"] >= -1e-6 and 0.0 <= r["progress"] <= 1.0 + 1e-9, r
        for rack in RACKS:  # R10: an enabled backup runs no workloads
            p = s["profiles"][rack]
            if p and p["state"] == "enabled" and p["role"] == "backup":
                assert not [w for w, d in s["workloads"].items() if d["rack"] == rack
                            and d["status"] in ("running", "starting")], (rack, s["workloads"])
        if s["service"]["available"]:
            system = {w.name for w in t.system.workloads}
            for name, d in s["workloads"].items():
                if name in system or d["status"] == "running":
                    assert d["reachable"], (name, d)
        o = s["outcome"]
        if o["rto_s"] is not None:
            assert abs(sum(o["rto_breakdown_s"].values()) - o["rto_s"]) < 1e-6
        times = [e.t_s for e in t.events]
        assert times == sorted(times)

    def teardown(self) -> None:
        if self.twin is None:
            return
        system, start, seed = self.setup
        again = make_twin(system, start=start, seed=seed)
        for op in self.ops:
            if op[0] == "apply":
                again.apply(build(op))
            elif op[0] == "advance":
                again.run_until(again.now + op[1])
            else:
                again.step()
        assert [e.to_dict() for e in again.events] == [e.to_dict() for e in self.twin.events]
        assert json.dumps(again.state(), sort_keys=True) == json.dumps(self.twin.state(),
                                                                       sort_keys=True)
        assert PLANTED not in json.dumps([e.to_dict() for e in self.twin.events])
        # the session, saved as a scenario (File > Save session), holds no password either
        doc = {"name": "fuzz", "seed": seed, "start": start, **({"system": system} if system
                                                               else {})}
        session = to_yaml(session_scenario(load_scenario_text(yaml.safe_dump(doc)), [],
                                           self.applied))
        assert PLANTED not in session


def _settings(n: int) -> settings:
    return settings(max_examples=n, stateful_step_count=20 if not DEEP else 25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much], print_blob=True)


def test_fuzz_the_twin_with_random_sequences() -> None:
    TwinMachine.TestCase.settings = _settings(FAST)
    TwinMachine.TestCase().runTest()


@pytest.mark.slow
def test_fuzz_the_twin_with_random_sequences_deep() -> None:
    TwinMachine.TestCase.settings = _settings(SLOW)
    TwinMachine.TestCase().runTest()
