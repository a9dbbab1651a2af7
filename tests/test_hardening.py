"""Regression tests for issue 8 (an attack on the inputs and the engine's API): each
numbered finding has its tests here, named after it. The fuzz suites that keep them found
are tests/test_fuzz_*.py."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import cases
from twin import actions as A
from twin import limits as L
from twin.runner import DEFAULT_WAIT_TIMEOUT_S, run_scenario
from twin.scenario import (
    DEFAULT_WAIT_TIMEOUT_S as LOADER_WAIT_TIMEOUT_S,
)
from twin.scenario import (
    ScenarioError,
    load_scenario_text,
    scenario_schema,
)

PAIR = """\
  - {do: create-profile, rack: raleigh, peer: dallas}
  - {do: create-profile, rack: dallas, peer: raleigh}
  - {do: validate, rack: raleigh}
  - {do: validate, rack: dallas}
  - {do: enable, rack: dallas, role: backup}
  - {do: enable, rack: raleigh, role: primary}
"""


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(textwrap.dedent(text), "h.yaml")
    e = info.value
    assert "internal error" not in e.message, str(e)
    return e


def run(text: str) -> dict[str, Any]:
    report = run_scenario(load_scenario_text(textwrap.dedent(text), "h.yaml"))
    json.dumps(report, allow_nan=False)  # strict JSON
    return report


# --- 1. every physical quantity has a plausible range -----------------------------------------

CRASHED = [
    # the files of the issue: accepted, then `drtwin run` died with a traceback
    ("workload-write-rate", "name: x\nstart: paired\nsystem:\n  workloads: [{name: a, write_mb_s: 1.0e+308}]\n",
     4, "system.workloads[0].write_mb_s", ["at most 20000 MB/s", "no PureApplication rack writes faster", "got 1e+308"]),
    ("surge-write-rate", "name: x\nstart: paired\nsteps:\n  - {do: surge-writes, workload: orders-db, write_mb_s: 1.0e+308}\n",
     4, "steps[0].write_mb_s", ["at most 20000 MB/s", "got 1e+308"]),
    ("volume-size", "name: x\nstart: paired\nsystem:\n  workloads: [{name: a, volume_gb: 1.0e+308}]\n",
     4, "system.workloads[0].volume_gb", ["at most 1000000 GB", "V7000"]),
    ("management-size", "name: x\nsystem:\n  management: {size_gb: 1.0e+308}\nsteps:\n" + PAIR,
     3, "system.management.size_gb", ["at most 1000000 GB"]),
    ("ip-bandwidth", "name: x\nsystem:\n  ip_link: {bandwidth_mbps: 5.0e-324}\nsteps:\n" + PAIR,
     3, "system.ip_link.bandwidth_mbps", ["at least 0.056 Mb/s", "modem", "got 5e-324"]),
    ("fc-bandwidth", "name: x\nsystem:\n  fc_link: {bandwidth_mbps: 1.0e+300}\n",
     3, "system.fc_link.bandwidth_mbps", ["at most 100000 Mb/s", "Fibre Channel"]),
    ("distance", "name: x\nsystem:\n  distance_km: 40000\n",
     3, "system.distance_km", ["at most 20000 km", "Earth"]),
    ("devices", "name: x\nsystem:\n  fc_link: {devices: 100000000}\n", 3, "system.fc_link.devices", ["at most 1000"]),
    ("device-delay", "name: x\nsystem:\n  ip_link: {device_delay_us: 1.0e+200}\n", 3, "system.ip_link.device_delay_us", ["at most 100000 µs"]),
    ("cores", "name: x\nsystem:\n  workloads: [{name: a, cores: 1000000}]\n", 3, "system.workloads[0].cores", ["at most 608 cores", "W1500-608"]),
    ("tiny-volume", "name: x\nsystem:\n  workloads: [{name: a, volume_gb: 1.0e-300}]\n", 3, "system.workloads[0].volume_gb", ["at least 0.001 GB"]),
    ("degrade-bandwidth", "name: x\nsteps:\n  - {do: degrade-link, link: fc, bandwidth_mbps: 1.0e-9}\n", 3, "steps[0].bandwidth_mbps", ["at least 0.056 Mb/s"]),
    ("degrade-latency", "name: x\nsteps:\n  - {do: degrade-link, link: fc, latency_ms: 1.0e+300}\n", 3, "steps[0].latency_ms", ["at most 10000 ms"]),
    ("seed", "name: x\nseed: 100000000000000000000\n", 2, "seed", ["at most 9223372036854775807", "64-bit"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "field", "words"),
                         [pytest.param(*c[1:], id=c[0]) for c in CRASHED])
def test_1_implausible_quantities_are_refused_at_load(
        text: str, line: int, field: str, words: list[str]) -> None:
    e = error_of(text)
    assert (e.line, e.field) == (line, field), str(e)
    for w in words:
        assert w in e.message, str(e)


def test_1_zero_bandwidth_still_says_more_than_zero_and_why() -> None:
    e = error_of("name: x\nsystem:\n  fc_link: {bandwidth_mbps: 0}\n")
    assert "more than 0, and at least 0.056 Mb/s" in e.message and "cut-link" in e.message


def test_1_the_schema_has_the_ranges_of_limits_py() -> None:
    """One table of ranges (twin/limits.py): the JSON Schema says the same, for editors."""
    d = scenario_schema()["$defs"]
    sysp = d["system"]["properties"]
    branches = {b["then"]["title"]: b["then"]["properties"] for b in d["step"]["allOf"]
                if "then" in b}
    cases = [
        (sysp["distance_km"], L.DISTANCE_KM), (d["rack"]["properties"]["compute_nodes"],
                                               L.COMPUTE_NODE_COUNT),
        (sysp["management"]["properties"]["size_gb"], L.MANAGEMENT_GB),
        (d["workload"]["properties"]["volume_gb"], L.VOLUME_GB),
        (d["workload"]["properties"]["volumes"], L.VOLUMES),
        (d["workload"]["properties"]["write_mb_s"], L.WRITE_MB_S),
        (d["workload"]["properties"]["cores"], L.WORKLOAD_CORES),
        (branches["surge-writes"]["write_mb_s"], L.WRITE_MB_S),
        (branches["add-compute-nodes"]["count"], L.COMPUTE_NODE_COUNT),
        (branches["fail-compute-node"]["node"], L.COMPUTE_NODE_INDEX),
        (branches["degrade-link"]["latency_ms"], L.ADDED_LATENCY_MS),
        (branches["degrade-link"]["bandwidth_mbps"], L.LINK_BANDWIDTH_MBPS),
    ]
    for link in ("fc_link", "ip_link"):
        p = sysp[link]["properties"]
        cases += [(p["bandwidth_mbps"], L.LINK_BANDWIDTH_MBPS), (p["devices"], L.LINK_DEVICES),
                  (p["device_delay_us"], L.DEVICE_DELAY_US)]
    for node, r in cases:
        assert node["minimum"] == r.lo and node["maximum"] == r.hi, (node, r)
        assert node.get("x-why-maximum", "") == r.why_hi
        assert node.get("x-unit", "") == r.unit
    duration = d["duration"]
    assert duration["anyOf"][0]["maximum"] == L.MAX_DURATION_S
    assert scenario_schema()["properties"]["steps"]["maxItems"] == L.MAX_STEPS
    assert LOADER_WAIT_TIMEOUT_S == DEFAULT_WAIT_TIMEOUT_S


EXTREMES = [
    # (system block, steps): every quantity at a bound of its range; nothing may overflow
    ("{workloads: [{name: a, volume_gb: 1000000, volumes: 4096, write_mb_s: 20000}, "
     "{name: b, volume_gb: 1000000, volumes: 4096, write_mb_s: 20000, cores: 0}], "
     "fc_link: {bandwidth_mbps: 0.056, background_copy_pct: 100, loss_pct: 99.9}, "
     "ip_link: {bandwidth_mbps: 0.056}, management: {size_gb: 1000000}, distance_km: 20000}",
     "  - {after: 1h, do: surge-writes, workload: a, write_mb_s: 20000, for: 365d}\n"),
    ("{workloads: [{name: a, volume_gb: 0.001, volumes: 4096, write_mb_s: 20000}], "
     "fc_link: {bandwidth_mbps: 100000, devices: 1000, device_delay_us: 100000}, "
     "ip_link: {bandwidth_mbps: 100000, loss_pct: 100}, management: {size_gb: 0}}",
     "  - {after: 1h, do: degrade-link, link: fc, latency_ms: 10000, bandwidth_mbps: 0.056, "
     "loss_pct: 100}\n"),
    ("{workloads: [{name: a, volume_gb: 1000000, write_mb_s: 0, restart: 365d}], "
     "racks: [{model: W1500-608, compute_nodes: 38}, {model: W1500-608}], "
     "recovery: {node_add: 365d, tor_configure: 365d, route_convergence: 365d, "
     "restart_spread: 1}, management: {clone_lag: 365d}}",
     "  - {after: 1h, do: lose-rack, rack: raleigh}\n"
     "  - {do: start-failover, rack: dallas, type: unplanned}\n"
     "  - {do: add-compute-nodes, rack: dallas, count: 38}\n"
     "  - {do: start-workloads, rack: dallas}\n"),
]


@pytest.mark.parametrize(("system", "steps"), EXTREMES)
def test_1_values_at_their_bounds_run_to_a_strict_json_report(system: str, steps: str) -> None:
    report = run(f"name: extremes\nsystem: {system}\nsteps:\n{PAIR}{steps}"
                 "  - {after: 2d, do: note, text: two days later}\n")
    assert report["final_state"]["time_s"] > 2 * 86400
    for v in (report["final_state"]["replication"]["lag_bytes"],
              report["final_state"]["replication"]["progress"]):
        assert v is None or math.isfinite(v)


def test_1_the_largest_product_the_engine_forms_is_finite() -> None:
    """A year of the fastest writes on every volume, in bytes, with room to spare."""
    written = L.WRITE_MB_S.hi * 1e6 * L.MAX_VOLUMES * L.YEAR_S
    assert written < 1e23 and math.isfinite(written * 1e100)


# --- 2. a 400-digit number is out of range like any other ---------------------------------------

BIG = "9" * 400


@pytest.mark.parametrize("where", [
    f"objectives: {{rpo: {BIG}}}", f"objectives: {{rto: {BIG}}}",
    f"system:\n  distance_km: {BIG}", f"system:\n  workloads: [{{name: a, restart: {BIG}}}]",
    f"system:\n  management: {{clone_lag: {BIG}}}", f"system:\n  recovery: {{node_add: {BIG}}}",
    f"steps:\n  - {{at: {BIG}, do: note}}", f"steps:\n  - {{after: {BIG}, do: note}}",
    f"steps:\n  - {{at: '{BIG}s', do: note}}", f"steps:\n  - {{at: '{BIG}.5d', do: note}}",
    f"steps:\n  - {{do: wait, until: {{time_s: 1}}, timeout: {BIG}}}",
    f"steps:\n  - {{do: surge-writes, workload: orders-db, write_mb_s: 1, for: {BIG}}}",
    f"steps:\n  - {{do: deploy, rack: raleigh, name: d, restart: {BIG}}}",
    f"steps:\n  - {{do: check, that: {{time_s: {BIG}}}}}",
    f"steps:\n  - {{do: check, that: {{time_s: {{min: -{BIG}}}}}}}",
    f"steps:\n  - {{do: add-compute-nodes, rack: raleigh, count: {BIG}}}",
    f"seed: {BIG}", f"system:\n  fc_link: {{bandwidth_mbps: {BIG}}}",
])  # fmt: skip
def test_2_a_400_digit_number_is_refused_with_its_range(where: str) -> None:
    e = error_of(f"name: x\n{where}\n")
    assert e.field is not None and BIG[:100] not in str(e), str(e)  # never all the digits
    assert "must be at most" in e.message or "too large" in e.message, str(e)


# --- 3. the simulated horizon is bounded at load -------------------------------------------------


@pytest.mark.parametrize(("steps", "field"), [
    ("  - {at: 36500d, do: note}\n", "steps[0].at"),
    ("  - {after: 10000000, do: note}\n" * 4, "steps[3].after"),
    ("  - {after: 30000000, do: note}\n  - {do: wait, until: {time_s: 1}, timeout: 10000000}\n",
     "steps[1].timeout"),
    ("  - {at: 365d, do: note}\n  - {do: wait, until: {time_s: 1}}\n", "steps[1]"),
    ("  - {at: 300d, do: note}\n  - {at: 100d, do: note}\n  - {after: 66d, do: note}\n",
     "steps[2].after"),
])  # fmt: skip
def test_3_a_run_longer_than_a_year_is_refused(steps: str, field: str) -> None:
    e = error_of("name: x\nsteps:\n" + steps)
    assert e.field == field, str(e)
    assert "year" in e.message


def test_3_a_year_is_allowed_and_the_horizon_is_kept() -> None:
    sc = load_scenario_text("name: x\nsteps:\n  - {at: 364d, do: note}\n"
                            "  - {do: wait, until: {time_s: 1}}\n")
    assert sc.horizon_s == L.HORIZON_S
    sc = load_scenario_text("name: x\nsteps:\n  - {at: 1h, do: note}\n  - {at: 10m, do: note}\n"
                            "  - {after: 5m, do: wait, until: {time_s: 1}, timeout: 1h}\n")
    assert sc.horizon_s == 3600 + 300 + 3600
    assert load_scenario_text("name: x\n").horizon_s == 0


# --- 4. a rack holds what its model holds ---------------------------------------------------------


@pytest.mark.parametrize(("racks", "field", "words"), [
    ("[{compute_nodes: 1000000}, {}]", "system.racks[0].compute_nodes", ["at most 38"]),
    ("[{compute_nodes: 1000000000000000000}, {}]", "system.racks[0].compute_nodes", ["at most 38"]),
    ("[{}, {compute_nodes: 7}]", "system.racks[1].compute_nodes",
     ["a W1500-96 rack holds at most 6 compute nodes", "got 7"]),
    ("[{model: W1500-99999999}, {}]", "system.racks[0].model", ["99999999 cores", "W1500-608"]),
])  # fmt: skip
def test_4_compute_nodes_are_bounded_by_the_model(racks: str, field: str,
                                                  words: list[str]) -> None:
    e = error_of(f"name: x\nsystem:\n  racks: {racks}\n")
    assert e.field == field, str(e)
    for w in words:
        assert w in e.message, str(e)


def test_4_the_largest_model_holds_38_nodes() -> None:
    sc = load_scenario_text("name: x\nsystem:\n  racks: [{model: W1500-608, compute_nodes: 38}, "
                            "{model: W1500-608}]\n")
    assert [r.compute_nodes for r in sc.system.racks] == [38, 38]


def test_4_volumes_in_all_are_bounded_by_the_v7000() -> None:
    e = error_of("name: x\nsystem:\n  workloads:\n    - {name: a, volumes: 4096}\n"
                 "    - {name: b, volumes: 4096}\n    - {name: c}\n")
    assert (e.line, e.field) == (6, "system.workloads[2].volumes")
    assert "8193 volumes" in e.message and "8192" in e.message
    e = error_of("name: x\nsystem:\n  workloads:\n    - {name: a, volumes: 5000}\n")
    assert e.field == "system.workloads[0].volumes" and "at most 4096" in e.message
    many = "".join(f"    - {{name: w{i}, volume_gb: 1000000}}\n" for i in range(33))
    e = error_of(f"name: x\nsystem:\n  workloads:\n{many}")
    assert e.field == "system.workloads[32].volume_gb" and "32 PB" in e.message


# --- 5. loading is linear in the expanded size and bounded in characters -------------------------
# (bench/bench_loader.py times it; these tests check the bounds and that the fast paths
# answer as the slow ones did)


def test_5_a_file_over_a_million_characters_is_refused() -> None:
    e = error_of("name: x\ndescription: '" + "x" * L.MAX_FILE_CHARS + "'\n")
    assert e.line is None and "too large" in e.message and "1000000" in e.message


def test_5_aliases_may_not_expand_past_the_character_budget() -> None:
    body = "".join("  - {do: note, text: *v}\n" for _ in range(10_000))
    e = error_of(f"name: x\ndescription: &v '{'y' * 8000}'\nsteps:\n{body}")
    assert "too large once its aliases" in e.message and "2000000 characters" in e.message
    assert e.field is not None and e.field.startswith("steps[")
    # well within the budget, aliases still work
    sc = load_scenario_text("name: x\ndescription: &v 'yy'\nsteps:\n" + body[:2500])
    assert len(sc.steps) == 100 and sc.steps[0].action.text == "yy"  # type: ignore[attr-defined]


@pytest.mark.slow
def test_5_at_most_ten_thousand_steps() -> None:
    e = error_of("name: x\nsteps:\n" + "  - {do: note}\n" * (L.MAX_STEPS + 1))
    assert e.field == "steps" and "at most 10000" in e.message and "10001" in e.message


def test_5_spaces_inside_a_duration() -> None:
    e = error_of("name: x\nsteps:\n  - {at: '1h" + " " * 32_000 + "x', do: note}\n")
    assert e.field == "steps[0].at" and "not a duration" in e.message and len(str(e)) < 300
    sc = load_scenario_text("name: x\nsteps:\n  - {at: '1h" + " " * 32_000 + "30m', do: note}\n")
    assert sc.steps[0].at_s == 5400


@pytest.mark.slow
def test_5_the_earliest_of_many_bad_ranges_is_reported() -> None:
    lines = "".join(f"      outcome.rto_s{i}: {{min: a, max: b}}\n" for i in range(16_000))
    e = error_of(f"name: x\nsteps:\n  - do: check\n    that:\n{lines}")
    assert (e.line, e.field) == (5, "steps[0].that['outcome.rto_s0'].min")


def _tree(node: Any) -> Any:
    """A composed YAML node as plain data: tags, values and positions."""
    import yaml

    mark = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, mark)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_tree(x) for x in node.value], mark)
    return (node.tag, [(_tree(k), _tree(v)) for k, v in node.value], mark)


def _pure(text: str) -> Any:
    import yaml

    try:
        return _tree(yaml.SafeLoader(text).get_single_node())
    except (yaml.YAMLError, RecursionError):
        return "error"


def _fast(text: str) -> Any:
    from twin.scenario import _compose_fast

    fast = _compose_fast(text)
    return "error" if fast is None else _tree(fast[1])


SCENARIO_TEXTS = [p.read_text("utf-8") for p in sorted(
    __import__("pathlib").Path(__file__).resolve().parent.parent.glob("scenarios/*.yaml"))]


def test_5_libyaml_composes_the_scenarios_as_pyyaml_does() -> None:
    for text in SCENARIO_TEXTS:
        assert _fast(text) == _pure(text)


def test_5_the_fast_schema_check_agrees_with_jsonschema_on_the_scenarios() -> None:
    import yaml

    from twin.scenario import _validator, schema_valid

    for text in SCENARIO_TEXTS:
        doc = yaml.safe_load(text)
        assert schema_valid(doc) is True
        assert not list(_validator().iter_errors(doc))


# --- 6. an action validates its fields when it is made ------------------------------------------


NAN, INF = math.nan, math.inf


@pytest.mark.parametrize(("make", "field", "words"), [
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=NAN), "write_mb_s", ["a number", "nan"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=INF), "write_mb_s", ["at most 20000 MB/s"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=-1.0), "write_mb_s", ["at least 0"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=1e308), "write_mb_s", ["at most 20000"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=5, for_=NAN), "for", ["a number"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=5, for_=-INF), "for", ["at least 0"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s=5, for_=1e9), "for", ["365d"]),
    (lambda: A.SurgeWrites(workload="orders-db", write_mb_s="5"), "write_mb_s", ["a number, not text"]),  # type: ignore[arg-type]
    (lambda: A.Deploy(rack="raleigh", name="d", restart=NAN), "restart", ["a number"]),
    (lambda: A.Deploy(rack="raleigh", name="d", restart=-1), "restart", ["at least 0"]),
    (lambda: A.Deploy(rack="raleigh", name="", restart=1), "name", ["empty"]),
    (lambda: A.DegradeLink(link="fc", latency_ms=NAN), "latency_ms", ["a number"]),
    (lambda: A.DegradeLink(link="fc", bandwidth_mbps=0.0), "bandwidth_mbps", ["at least 0.056"]),
    (lambda: A.DegradeLink(link="fc", loss_pct=101), "loss_pct", ["at most 100"]),
    (lambda: A.DegradeLink(link=None), "link", ["text"]),  # type: ignore[arg-type]
    (lambda: A.AddComputeNodes(rack="dallas", count=-2), "count", ["at least 1"]),
    (lambda: A.AddComputeNodes(rack="dallas", count=2.5), "count", ["whole number"]),  # type: ignore[arg-type]
    (lambda: A.AddComputeNodes(rack="dallas", count=True), "count", ["whole number"]),
    (lambda: A.FailComputeNode(rack="dallas", node=-1), "node", ["at least 0"]),
    (lambda: A.FailComputeNode(rack="dallas", node=10**30), "node", ["at most 37"]),
    (lambda: A.Enable(rack=["raleigh"], role="backup"), "rack", ["text, not a list"]),  # type: ignore[arg-type]
    (lambda: A.StopWorkloads(rack="raleigh", workloads="orders-db"), "workloads", ["a list"]),  # type: ignore[arg-type]
    (lambda: A.Wait(until=(("time_s", {1, 2}),)), "until", ["values must be plain"]),
    (lambda: A.Wait(until=(("time_s", 1),), timeout=INF), "timeout", ["365d"]),
    (lambda: A.Note(text=7), "text", ["text"]),  # type: ignore[arg-type]
])  # fmt: skip
def test_6_an_action_with_a_bad_field_is_refused_when_made(
        make: Any, field: str, words: list[str]) -> None:
    with pytest.raises(A.ActionError) as info:
        make()
    e = info.value
    assert isinstance(e, ValueError) and e.field == field, str(e)
    assert str(e).startswith(f"{e.args[0].split(':')[0]}: {field} ")
    for w in words:
        assert w in str(e), str(e)


def test_6_a_password_of_the_wrong_type_is_named_not_shown() -> None:
    with pytest.raises(A.ActionError) as info:
        A.CreateProfile(rack="raleigh", peer="dallas", password=12345678)  # type: ignore[arg-type]
    assert info.value.field == "password" and "12345678" not in str(info.value)


def test_6_every_field_of_every_action_has_a_check() -> None:
    import dataclasses

    from twin.actions import _RULES

    for cls in A.REGISTRY.values():
        for f in dataclasses.fields(cls):
            assert f.name in _RULES, (cls.do, f.name)


def test_6_lists_and_mappings_become_tuples_and_pairs() -> None:
    a = A.StopWorkloads(rack="raleigh", workloads=["orders-db"])  # type: ignore[arg-type]
    assert a.workloads == ("orders-db",) and hash(a)
    w = A.Wait(until={"service.available": True, "racks.raleigh.compute_nodes": {"total": 6}})  # type: ignore[arg-type]
    assert w.until == (("service.available", True),
                       ("racks.raleigh.compute_nodes", (("total", 6),)))
    assert A.action_from_dict("wait", {"until": {"service.available": True}}) == A.Wait(
        until=(("service.available", True),))


def test_6_the_loader_and_the_python_api_give_the_same_message() -> None:
    with pytest.raises(A.ActionError) as info:
        A.action_from_dict("fail-compute-node", {"rack": "raleigh", "node": 40})
    e = error_of("name: x\nsteps:\n  - {do: fail-compute-node, rack: raleigh, node: 40}\n")
    assert e.field == "steps[0].node" and info.value.problem in e.message


def test_6_apply_refuses_what_the_console_refuses_and_never_raises() -> None:
    from tests.helpers import make_twin

    t = make_twin(start="paired")
    for a in (A.SurgeWrites(workload="orders-db", write_mb_s=5, for_=0),
              A.SurgeWrites(workload="nope", write_mb_s=20000, for_=31536000),
              A.FailComputeNode(rack="dallas", node=37), A.AddComputeNodes(rack="raleigh", count=38),
              A.Enable(rack="paris", role="primary"), A.Enable(rack="raleigh", role="chief"),
              A.CutLink(link="san"), A.StartFailover(rack="dallas", type="sideways"),
              A.Wait(until=(("time_s", 1),)), A.Check(that=(("time_s", 1),))):
        res = t.apply(a)
        assert not res.ok, a
    assert t.apply(A.Deploy(rack="raleigh", name="x" * 500, restart=31536000)).ok
    t.run_for(3600)
    json.dumps(t.state(), allow_nan=False)


# --- 3 (continued). a long headless run shows progress and stops on Ctrl-C ------------------------


def test_3_following_the_progress_changes_nothing() -> None:
    from twin.runner import Runner

    sc = load_scenario_text("name: x\nstart: paired\nsteps:\n  - {at: 1d, do: lose-rack, rack: raleigh}\n"
                            "  - {do: wait, until: {service.available: true}, timeout: 1h}\n")
    seen: list[float] = []
    with_progress = Runner(sc, progress=seen.append).run()
    assert json.dumps(with_progress) == json.dumps(Runner(sc).run())
    assert len(seen) > 100 and seen == sorted(seen) and seen[-1] <= sc.horizon_s


def _start_long_run(tmp_path: Any, *extra: str) -> Any:
    import os
    import subprocess
    import sys

    f = tmp_path / "long.yaml"
    f.write_text("name: a long soak\nstart: paired\nsteps:\n  - {at: 300d, do: note, text: end}\n")
    env = {**os.environ, "DRTWIN_PROGRESS": "1", "PYTHONPATH": str(Path(__file__).parent.parent)}
    p = subprocess.Popen([sys.executable, "-m", "app.cli", "run", str(f), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert p.stderr is not None
    first = p.stderr.readline()  # the first progress line: the run is under way
    assert "simulated" in first, first
    return p


def test_3_ctrl_c_stops_a_run_with_a_partial_json_report(tmp_path: Any) -> None:
    import signal

    p = _start_long_run(tmp_path, "--json")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    report = json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert report["interrupted"] is True and report["ok"] is False
    assert 0 < report["interrupted_at_s"] < 300 * 86400
    assert report["final_state"]["time_s"] == report["interrupted_at_s"]
    assert "interrupted (Ctrl-C)" in err and "Traceback" not in err


def test_3_a_second_ctrl_c_stops_at_once_and_still_reports(
        tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    """In-process, the two presses at a chosen event: the first asks the run to stop at its
    next event, the second (here, before that) raises KeyboardInterrupt where it lands."""
    import os
    import signal

    import app.cli as cli
    import app.progress

    calls = [0]
    real = app.progress.Progress.__call__

    def pressing(self: Any, t: float) -> None:
        calls[0] += 1
        if calls[0] == 2000:
            os.kill(os.getpid(), signal.SIGINT)  # handled at once: sets the flag
            os.kill(os.getpid(), signal.SIGINT)  # raises KeyboardInterrupt here
        real(self, t)

    monkeypatch.setattr(app.progress.Progress, "__call__", pressing)
    f = tmp_path / "long.yaml"
    f.write_text("name: soak\nstart: paired\nsteps:\n  - {at: 300d, do: note}\n")
    assert cli.main(["run", str(f)]) == 1
    out, err = capsys.readouterr()
    assert "Interrupted at" in out and "Result: FAIL" in out and "Traceback" not in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


# --- 1 (continued). any values within their ranges run, and nothing overflows ----------------------


RANGED_FAST, RANGED_SLOW = cases(6, 60, deep=600)


def within(r: L.Range) -> st.SearchStrategy[float]:
    """A value in the range, often one of its bounds."""
    lo = r.lo if not r.lo_open else math.nextafter(r.lo, math.inf)
    return st.one_of(st.sampled_from([lo, r.hi]), st.floats(lo, r.hi, allow_subnormal=False))


@st.composite
def ranged_scenarios(draw: Any) -> str:
    import yaml

    model = draw(st.sampled_from(["W1500-32", "W1500-96", "W1500-608"]))
    nodes = int(model.split("-")[1]) // 16
    workloads = [{
        "name": f"w{i}", "volume_gb": draw(within(L.VOLUME_GB)),
        "volumes": draw(st.sampled_from([1, 7, 2048])), "write_mb_s": draw(within(L.WRITE_MB_S)),
        "restart": draw(st.sampled_from([0, 1, 600, 31536000])),
        "cores": draw(st.sampled_from([0, 16, 608])),
    } for i in range(draw(st.integers(1, 4)))]
    link = {"bandwidth_mbps": draw(within(L.LINK_BANDWIDTH_MBPS)),
            "background_copy_pct": draw(within(L.PERCENT)), "loss_pct": draw(within(L.PERCENT)),
            "devices": draw(st.sampled_from([0, 1000])),
            "device_delay_us": draw(within(L.DEVICE_DELAY_US))}
    system = {
        "distance_km": draw(within(L.DISTANCE_KM)), "fc_link": link,
        "ip_link": {"bandwidth_mbps": draw(within(L.LINK_BANDWIDTH_MBPS))},
        "racks": [{"model": model, "compute_nodes": draw(st.integers(1, nodes))},
                  {"model": model}],
        "workloads": workloads,
        "management": {"size_gb": draw(within(L.MANAGEMENT_GB)),
                       "clone_lag": draw(st.sampled_from([0, 5, 31536000]))},
        "recovery": {"node_add": draw(st.sampled_from([0, 240, 31536000])),
                     "restart_spread": draw(within(L.RESTART_SPREAD))},
    }
    at = draw(st.sampled_from([0, 60, 3600, 86400]))
    steps = [
        {"do": "create-profile", "rack": "raleigh", "peer": "dallas"},
        {"do": "create-profile", "rack": "dallas", "peer": "raleigh"},
        {"do": "validate", "rack": "raleigh"}, {"do": "validate", "rack": "dallas"},
        {"do": "enable", "rack": "dallas", "role": "backup"},
        {"do": "enable", "rack": "raleigh", "role": "primary"},
        {"after": at, "do": "surge-writes", "workload": "w0",
         "write_mb_s": draw(within(L.WRITE_MB_S)), "for": draw(st.sampled_from([1, 31536000]))},
        {"do": "degrade-link", "link": draw(st.sampled_from(["fc", "ip"])),
         "latency_ms": draw(within(L.ADDED_LATENCY_MS)),
         "bandwidth_mbps": draw(within(L.LINK_BANDWIDTH_MBPS))},
        {"after": at, "do": "lose-rack", "rack": "raleigh"},
        {"do": "start-failover", "rack": "dallas", "type": "unplanned"},
        {"do": "add-compute-nodes", "rack": "dallas"},
        {"do": "start-workloads", "rack": "dallas"},
        {"do": "wait", "until": {"service.available": True}, "timeout": "1d"},
    ]
    return yaml.safe_dump({"name": "ranged", "system": system, "steps": steps})


def _run_ranged(text: str) -> None:
    report = run_scenario(load_scenario_text(text, "ranged.yaml"))
    json.dumps(report, allow_nan=False)  # strict JSON: no infinity reached the report


_RANGED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])


@settings(max_examples=RANGED_FAST, **_RANGED)  # type: ignore[arg-type]
@given(ranged_scenarios())
def test_1_any_values_within_their_ranges_run(text: str) -> None:
    _run_ranged(text)


@pytest.mark.slow
@settings(max_examples=RANGED_SLOW, **_RANGED)  # type: ignore[arg-type]
@given(ranged_scenarios())
def test_1_any_values_within_their_ranges_run_deep(text: str) -> None:
    _run_ranged(text)


def test_5_a_message_quotes_a_long_value_only_in_part() -> None:
    """Found by the deep loader fuzz (seed 1007888): an IP pool of 5,000 digits was quoted
    whole. Values are shown to 60 characters, and a message is at most 1000."""
    long = "9" * 5000
    for text in (f"name: x\nsystem:\n  racks: [{{ip_pool: '10.1.0.0/{long}'}}, {{}}]\n",
                 f"name: x\nsteps:\n  - {{do: lose-rack, rack: r{long}}}\n",
                 f"name: x\nsystem:\n  racks: [{{name: a{long}}}, {{name: a{long}}}]\n",
                 f"name: x\nsystem:\n  workloads: [{{name: w, needs: [n{long}]}}]\n",
                 "name: x\nsteps:\n  - do: check\n    that:\n      outcome.x" + long + ": 1\n"):
        e = error_of(text)
        assert long[:100] not in str(e) and len(e.message) <= 1000, str(e)[:200]
