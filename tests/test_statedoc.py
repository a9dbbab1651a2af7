"""The loader's map of state paths matches what Twin.state() builds."""

from __future__ import annotations

import math

import pytest

from tests.helpers import do, make_twin
from twin.scenario import ScenarioError, load_scenario_text
from twin.statedoc import STATE_KEYS, leaf_paths, path_problem

# one rack, one link, one workload stand for all the names of their mapping
STAND_IN = {"racks": "raleigh", "profiles": "raleigh", "sides": "raleigh", "links": "fc",
            "workloads": "orders-db", "instances": "orders-db"}


def _map_paths(node: dict, prefix: str = "") -> set[str]:
    out = set()
    parent = prefix.rstrip(".").rsplit(".", 1)[-1]
    for k, v in node.items():
        p = prefix + (STAND_IN[parent] if k == "*" else k)
        out.add(p)
        if isinstance(v, dict) and not p.endswith(".validation"):  # check names: free-form
            out |= _map_paths(v, p + ".")
    return out


def test_the_map_is_exactly_the_state_document() -> None:
    t = make_twin(start="paired")
    assert do(t, "test-failover", rack="dallas").ok  # drills.active holds a drill
    do(t, "lose-rack", rack="raleigh")
    state = t.state()

    def one_of_each(p: str) -> bool:
        segs = p.split(".")
        return all(segs[i + 1] == STAND_IN[seg] for i, seg in enumerate(segs[:-1])
                   if seg in STAND_IN and (seg != "sides" or segs[0] == "replication")
                   and (seg != "instances" or segs[0] == "drills"))

    real = {p for p in leaf_paths(state) if one_of_each(p)
            and not p.startswith("profiles.raleigh.validation.")}
    assert real == _map_paths(STATE_KEYS)


@pytest.mark.parametrize("path,ok", [
    ("replication.rpo_s", True), ("replication.rpo", False),
    ("links.fc.up", True), ("outcome.rto_breakdown_s.restart", True),
    ("outcome.rto", False), ("racks.raleigh.compute_nodes.in_cloud_groups", True),
    ("profiles.raleigh.validation.same_fixpack.ok", True), ("service.availble", False),
])
def test_path_problem(path: str, ok: bool) -> None:
    assert (path_problem(path) is None) == ok


def test_a_typo_in_a_check_path_is_refused_at_load_with_the_keys() -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario_text("name: x\nsteps:\n  - {do: check, that: {replication.rpo: 1}}\n")
    assert e.value.line == 3 and "rpo_s" in str(e.value)


def test_no_infinity_anywhere_in_the_state_document() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    do(t, "degrade-link", link="fc", loss_pct=100)
    t.run_for(60)

    def walk(v: object) -> None:
        if isinstance(v, float):
            assert math.isfinite(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(t.state())


def test_lag_bytes_and_rpo_s_describe_the_same_writes_through_a_disaster() -> None:
    """Found by an audit of the contract ("`replication.lag_bytes`, `rpo_s`: bytes written
    on the primary and not yet on the backup; the age of the oldest of them"): after the
    takeover `rpo_s` was 0 while `lag_bytes` kept the lost rack's figure, and later rpo_s
    aged with the new production's writes while lag_bytes stayed frozen. The two are one
    pair at every instant: the lost writes at the loss, then the new production's."""
    from tests.helpers import RECOVER, unplanned

    t = make_twin(start="paired")
    t.run_for(3600)
    before = t.state()["replication"]
    assert before["lag_bytes"] > 0 and 0 < before["rpo_s"] < 1
    do(t, "lose-rack", rack="raleigh")
    s = t.state()
    rep, out = s["replication"], s["outcome"]
    assert out["data_loss_bytes"] > 0 and abs(rep["lag_bytes"] - out["data_loss_bytes"]) < 1
    assert rep["rpo_s"] == pytest.approx(out["rpo_achieved_s"], abs=1e-6) and rep["rpo_s"] > 0
    unplanned(t)
    s = t.state()["replication"]
    assert (s["lag_bytes"] == 0) == (s["rpo_s"] == 0)
    for a in RECOVER:
        do(t, a, rack="dallas")
    t.run_for(3 * 3600)
    s = t.state()
    assert all(w["status"] == "running" for w in s["workloads"].values())
    rep = s["replication"]  # Dallas writes, and Raleigh is gone: none of it is elsewhere
    assert rep["lag_bytes"] > 0 and rep["rpo_s"] > 3600
