"""The scenario loader (twin/scenario.py, scenario-format.md, docs/scenario-file.md): the
happy path, defaults and durations; one test for each kind of invalid file, asserting the
line and the field; and fuzzing: a bad file raises ScenarioError and nothing else."""

from __future__ import annotations

import dataclasses
import json
import pickle
import textwrap
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.actions import (
    REGISTRY,
    AddComputeNodes,
    Check,
    CreateProfile,
    DegradeLink,
    Deploy,
    FailComputeNode,
    LoseRack,
    StartFailover,
    SurgeWrites,
    Wait,
)
from twin.config import DEFAULT_WORKLOADS, PERMISSIONS
from twin.scenario import (
    STATE_ROOTS,
    Scenario,
    ScenarioError,
    load_scenario,
    load_scenario_text,
    scenario_schema,
)

# The full example of scenario-format.md, verbatim.
EXAMPLE = """\
name: Planned failover of the order system   # required
description: >                               # optional; shown in the GUI
  Move production from Raleigh to Dallas in a maintenance window.
seed: 7                                      # optional, default 0: same seed, same run
start: paired        # unpaired (default): no DR profiles yet, workloads run on racks[0]
                     # paired: profiles enabled (racks[0] primary, racks[1] backup),
                     #         initial copies complete, workloads running on racks[0]
system:              # optional; every key has a sensible default
  distance_km: 1200
  fc_link: {bandwidth_mbps: 8000, background_copy_pct: 50}   # SAN replication;
                                             # initial copy / resync use that share
  ip_link: {bandwidth_mbps: 1000}            # management cloning, trust, monitoring
  racks:                                     # exactly two
    - {name: raleigh, model: W1500-96, firmware: "1.1.0.0", fixpack: "1.1.0.1",
       vlans: [100, 101], ip_pool: 10.1.0.0/22}
    - {name: dallas,  model: W1500-96, firmware: "1.1.0.0", fixpack: "1.1.0.1",
       vlans: [100, 101], ip_pool: 10.1.0.0/22}
  workloads:
    - {name: orders-db,  middleware: db2, volume_gb: 400, write_mb_s: 6, restart: 20m,
       volumes: 4}                           # volume_gb split over 4 volumes (default 1)
    - {name: orders-mq,  middleware: mq,  volume_gb: 50,  write_mb_s: 2, restart: 8m}
    - {name: orders-app, middleware: was, volume_gb: 80,  write_mb_s: 0.5, restart: 25m,
       needs: [orders-db, orders-mq]}
objectives: {rpo: 1s, rto: 6h}               # optional; graded in the report
steps:
  - {at: 10m, do: lose-rack, rack: raleigh}          # at: absolute time
  - {after: 2m, do: start-failover, rack: dallas, type: unplanned}   # after: since previous step
  - {do: add-compute-nodes, rack: dallas}
  - {do: configure-tor-switches, rack: dallas}
  - {do: start-workloads, rack: dallas}
  - {do: advertise-routes, rack: dallas}
  - {do: wait, until: {service.available: true}, timeout: 6h}
  - {do: check, that: {replication.state: idling, outcome.rto_s: {max: 21600}}}
"""

SECRET = "hunter2-Zq9"


def load(text: str) -> Scenario:
    return load_scenario_text(textwrap.dedent(text), "s.yaml")


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load(text)
    return info.value


# --- the happy path -------------------------------------------------------------------------


def test_the_example_of_the_contract_loads() -> None:
    sc = load_scenario_text(EXAMPLE)
    assert sc.path is None
    assert sc.name == "Planned failover of the order system"
    assert sc.description.startswith("Move production from Raleigh to Dallas")
    assert (sc.seed, sc.start) == (7, "paired")
    assert sc.objectives == {"rpo_s": 1.0, "rto_s": 21600.0}
    assert sc.source_text == EXAMPLE

    system = sc.system
    assert system.rack_names == ("raleigh", "dallas")
    assert system.distance_km == 1200.0
    assert system.fc_link.bandwidth_mbps == 8000.0
    assert system.ip_link.bandwidth_mbps == 1000.0
    assert system.racks[0].vlans == (100, 101)
    db = system.workload("orders-db")
    assert (db.volumes, db.restart_s, db.write_mb_s) == (4, 1200.0, 6.0)
    assert system.workload("orders-app").needs == ("orders-db", "orders-mq")
    assert sc.system_raw["distance_km"] == 1200

    steps = sc.steps
    assert [s.index for s in steps] == list(range(8))
    assert [s.line for s in steps] == list(range(26, 34))
    assert steps[0].action == LoseRack(rack="raleigh")
    assert (steps[0].at_s, steps[0].after_s) == (600.0, None)
    assert steps[1].action == StartFailover(rack="dallas", type="unplanned")
    assert (steps[1].at_s, steps[1].after_s) == (None, 120.0)
    assert steps[2].action == AddComputeNodes(rack="dallas")
    assert [s.action.do for s in steps[3:6]] == [
        "configure-tor-switches",
        "start-workloads",
        "advertise-routes",
    ]
    assert steps[6].action == Wait(until=(("service.available", True),), timeout=21600.0)
    check = steps[7].action
    assert isinstance(check, Check)
    assert dict(check.that)["replication.state"] == "idling"
    assert dict(check.that)["outcome.rto_s"] == (("max", 21600),)
    assert all(s.expect is None for s in steps)


def test_load_scenario_reads_a_file_and_keeps_its_path(tmp_path: Any) -> None:
    f = tmp_path / "planned.yaml"
    f.write_text(EXAMPLE, encoding="utf-8")
    sc = load_scenario(f)
    assert sc.path == str(f)
    assert len(sc.steps) == 8


def test_defaults() -> None:
    sc = load("name: minimal\n")
    assert (sc.description, sc.seed, sc.start, sc.steps) == ("", 0, "unpaired", ())
    assert sc.objectives == {"rpo_s": None, "rto_s": None}
    assert sc.system_raw == {}
    assert sc.system.rack_names == ("raleigh", "dallas")
    assert [w.name for w in sc.system.workloads] == [w["name"] for w in DEFAULT_WORKLOADS]
    assert sc.system.racks[0].users[0].id == "dradmin"  # the default DR administrator
    assert sc.path == "s.yaml"


def test_our_additions_load() -> None:
    """Rack users and permissions, fc_connected, v7000_replication, cores, management and
    recovery blocks, create-profile's operator (docs/scenario-file.md)."""
    sc = load(
        f"""\
        name: additions
        system:
          racks:
            - name: east
              compute_nodes: 4
              management_address: 10.0.0.1
              v7000_replication: false
              fc_connected: false
              users:
                - {{id: admin, password: "{SECRET}",
                   permissions: [disaster_recovery_administration, security_administration]}}
                - {{id: viewer}}
            - {{name: west}}
          workloads:
            - {{name: db, cores: 48}}
          management: {{size_gb: 40, clone_lag: 2s}}
          recovery: {{node_add: 1m, tor_configure: 10m, route_convergence: 30s,
                     restart_spread: 0}}
        steps:
          - {{do: create-profile, rack: east, peer: west, user: admin, password: "{SECRET}",
             operator: admin, expect: accepted}}
          - {{do: note, text: profile created}}
        """
    )
    east = sc.system.rack("east")
    assert (east.compute_nodes, east.v7000_replication, east.fc_connected) == (4, False, False)
    assert east.users[0].permissions == PERMISSIONS[:2]
    assert east.users[0].password == SECRET
    assert east.users[1].permissions == ()
    assert sc.system.workload("db").cores == 48
    assert sc.system.management.clone_lag_s == 2.0
    assert sc.system.recovery.node_add_s == 60.0
    assert sc.system.recovery.restart_spread == 0.0
    step = sc.steps[0]
    assert step.action == CreateProfile(
        rack="east", peer="west", user="admin", password=SECRET, operator="admin"
    )
    assert step.expect == "accepted"
    assert SECRET not in repr(sc)  # neither the system nor the step shows it


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("90s", 90.0),
        ("15m", 900.0),
        ("2h", 7200.0),
        ("1h30m", 5400.0),
        ("1h 30m", 5400.0),
        ("1d", 86400.0),
        ("1.5m", 90.0),
        ('"120"', 120.0),
        ("42", 42.0),
        ("2.5", 2.5),
        ("0", 0.0),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    sc = load(
        f"""\
        name: durations
        objectives: {{rpo: {text}, rto: {text}}}
        system:
          workloads: [{{name: w, restart: {text}}}]
          management: {{clone_lag: {text}}}
        steps:
          - {{at: {text}, do: note}}
          - {{after: {text}, do: surge-writes, workload: w, write_mb_s: 9, for: {text}}}
          - {{do: deploy, rack: raleigh, name: extra, restart: {text}}}
          - {{do: wait, until: {{time_s: {{min: 1}}}}, timeout: {text}}}
        """
    )
    assert sc.objectives == {"rpo_s": seconds, "rto_s": seconds}
    assert sc.system.workload("w").restart_s == seconds
    assert sc.system.management.clone_lag_s == seconds
    note, surge, deploy, wait = sc.steps
    assert note.at_s == seconds and surge.after_s == seconds
    assert surge.action == SurgeWrites(workload="w", write_mb_s=9.0, for_=seconds)
    assert isinstance(deploy.action, Deploy) and deploy.action.restart == seconds
    assert isinstance(wait.action, Wait) and wait.action.timeout == seconds


def test_an_at_earlier_than_a_previous_at_is_allowed() -> None:
    """It just runs when it is reached (docs/scenario-file.md)."""
    sc = load(
        """\
        name: out of order
        steps:
          - {at: 1h, do: note, text: late}
          - {at: 10m, do: note, text: runs as soon as it is reached}
        """
    )
    assert [s.at_s for s in sc.steps] == [3600.0, 600.0]


def test_numbers_are_coerced_to_the_action_field_types() -> None:
    sc = load(
        """\
        name: coerced
        steps:
          - {do: add-compute-nodes, rack: raleigh, count: 2.0}
          - {do: degrade-link, link: fc, bandwidth_mbps: 100, latency_ms: 3}
          - {do: fail-compute-node, rack: dallas, node: 0}
        """
    )
    add, degrade, fail = (s.action for s in sc.steps)
    assert isinstance(add, AddComputeNodes) and add.count == 2 and isinstance(add.count, int)
    assert isinstance(degrade, DegradeLink) and degrade.bandwidth_mbps == 100.0
    assert isinstance(degrade.latency_ms, float)
    assert isinstance(fail, FailComputeNode) and fail.node == 0


def test_a_deployed_workload_can_be_named_by_later_steps() -> None:
    sc = load(
        """\
        name: deploy then use
        steps:
          - {do: deploy, rack: raleigh, name: reports, expect: accepted}
          - {do: stop-workloads, rack: raleigh, workloads: [reports, orders-db]}
          - {do: check, that: {workloads.reports.status: stopped}}
        """
    )
    assert len(sc.steps) == 3


def test_yaml_anchors_and_merge_keys_work() -> None:
    sc = load(
        """\
        name: anchors
        system:
          racks:
            - &rack {name: east, model: W1500-192, vlans: [7]}
            - {<<: *rack, name: west}
        """
    )
    assert sc.system.rack_names == ("east", "west")
    assert sc.system.racks[1].vlans == (7,)
    assert sc.system.racks[1].cores == 192


def test_a_range_and_literals_in_checks() -> None:
    sc = load(
        """\
        name: checks
        steps:
          - do: check
            that:
              replication.progress: {min: 0, max: 1}
              replication.errors: ["1920"]
              profiles.raleigh: {state: enabled, role: primary}
              alerts: []
              time_s: {min: 0}
        """
    )
    check = sc.steps[0].action
    assert isinstance(check, Check)
    that = dict(check.that)
    assert that["replication.progress"] == (("min", 0), ("max", 1))
    assert that["profiles.raleigh"] == (("state", "enabled"), ("role", "primary"))


# --- errors: one test for each kind, with its line and field --------------------------------

ERRORS = [
    # (id, text, line, field, words in the message)
    ("bad-yaml", "name: x\nsteps:\n  - {do: note\n", 4, None, ["invalid YAML"]),
    ("tab", "name: x\nsteps:\n\t- {do: note}\n", 3, None, ["tabs"]),
    ("control-char", "name: x\x07\n", 1, None, ["#x0007"]),
    ("two-documents", "name: x\n---\nname: y\n", 2, None, ["one document"]),
    ("empty", "", None, None, ["empty"]),
    ("not-a-mapping", "- name: x\n", 1, None, ["mapping", "not a list"]),
    ("duplicate-key", "name: x\nseed: 1\nname: y\n", 3, "name", ["duplicate", "line 1"]),
    ("non-text-key", "name: x\nyes: 1\n", 2, None, ["key must be text", "quotes"]),
    ("date", "name: x\nsteps:\n  - {at: 2024-01-01, do: note}\n", 3, "steps[0].at", ["dates"]),
    ("custom-tag", "name: !secret x\n", 1, "name", ["tag", "'!secret'"]),
    ("bad-int-tag", "name: x\nseed: !!int ten\n", 2, "seed", ["cannot be read as int"]),
    ("nan", "name: x\nsystem:\n  distance_km: .nan\n", 3, "system.distance_km", ["finite"]),
    ("recursive-alias", "name: x\nsystem: &s\n  racks: [*s, {}]\n", 3, "system.racks[0]", ["alias"]),
    ("missing-name", "seed: 3\n", 1, "name", ["needs 'name'"]),
    ("unknown-top-field", "name: x\nsteps: []\nstpes: []\n", 3, "stpes", ["did you mean 'steps'", "takes name, description"]),
    ("wrong-type", "name: x\nseed: seven\n", 2, "seed", ["expected a whole number", "got text"]),
    ("negative-seed", "name: x\nseed: -1\n", 2, "seed", ["at least 0"]),
    ("bad-start", "name: x\nstart: pairde\n", 2, "start", ["unpaired, paired", "did you mean 'paired'"]),
    ("firmware-number", "name: x\nsystem:\n  racks:\n    - {firmware: 1.1}\n    - {}\n", 4, "system.racks[0].firmware", ['quotes, e.g. "1.1"']),
    ("three-racks", "name: x\nsystem:\n  racks: [{name: a}, {name: b}, {name: c}]\n", 3, "system.racks", ["exactly two", "has 3"]),
    ("one-rack", "name: x\nsystem:\n  racks:\n    - {name: a}\n", 4, "system.racks", ["exactly two", "has 1"]),
    ("duplicate-rack", "name: x\nsystem:\n  racks:\n    - {name: a}\n    - {name: a}\n", 5, "system.racks[1].name", ["both racks are named 'a'"]),
    ("duplicate-default-rack", "name: x\nsystem:\n  racks:\n    - {name: dallas}\n    - {}\n", 5, "system.racks[1]", ["both racks are named 'dallas'"]),
    ("rack-name-with-dot", "name: x\nsystem:\n  racks: [{name: a.b}, {}]\n", 3, "system.racks[0].name", ["letters, digits"]),
    ("bad-ip-pool", "name: x\nsystem:\n  racks:\n    - {}\n    - {ip_pool: 10.1.0.0/40}\n", 5, "system.racks[1].ip_pool", ["not an IP network", "10.1.0.0/22"]),
    ("bad-vlan", "name: x\nsystem:\n  racks: [{vlans: [100, 5000]}, {}]\n", 3, "system.racks[0].vlans[1]", ["at most 4094"]),
    ("bad-permission", "name: x\nsystem:\n  racks:\n    - users:\n        - {id: u, permissions: [dr]}\n    - {}\n", 5, "system.racks[0].users[0].permissions[0]", ["disaster_recovery_administration"]),
    ("duplicate-user", "name: x\nsystem:\n  racks:\n    - users: [{id: u}, {id: u}]\n    - {}\n", 4, "system.racks[0].users[1].id", ["user 'u' twice"]),
    ("user-without-id", "name: x\nsystem:\n  racks:\n    - users: [{password: pw}]\n    - {}\n", 4, "system.racks[0].users[0].id", ["needs 'id'"]),
    ("duplicate-workload", "name: x\nsystem:\n  workloads:\n    - {name: a}\n    - {name: a}\n", 5, "system.workloads[1].name", ["two workloads are named 'a'"]),
    ("unknown-need", "name: x\nsystem:\n  workloads:\n    - {name: db}\n    - {name: app, needs: [dbb]}\n", 5, "system.workloads[1].needs[0]", ["unknown workload 'dbb'", "workloads are db, app", "did you mean 'db'"]),
    ("duplicate-need", "name: x\nsystem:\n  workloads:\n    - {name: db}\n    - {name: app, needs: [db, db]}\n", 5, "system.workloads[1].needs", ["lists 'db' more than once"]),
    ("needs-cycle", "name: x\nsystem:\n  workloads:\n    - {name: a, needs: [b]}\n    - {name: b, needs: [a]}\n", 4, "system.workloads[0].needs", ["circle", "a -> b -> a"]),
    ("needs-itself", "name: x\nsystem:\n  workloads:\n    - {name: a, needs: [a]}\n", 4, "system.workloads[0].needs", ["a -> a"]),
    ("bad-restart", "name: x\nsystem:\n  workloads:\n    - {name: a, restart: 5 mins}\n", 4, "system.workloads[0].restart", ["not a duration", "1h30m"]),
    ("zero-bandwidth", "name: x\nsystem:\n  fc_link: {bandwidth_mbps: 0}\n", 3, "system.fc_link.bandwidth_mbps", ["more than 0"]),
    ("percent", "name: x\nsystem:\n  fc_link: {background_copy_pct: 150}\n", 3, "system.fc_link.background_copy_pct", ["at most 100"]),
    ("unknown-link-field", "name: x\nsystem:\n  ip_link:\n    bandwith_mbps: 10\n", 4, "system.ip_link.bandwith_mbps", ["did you mean 'bandwidth_mbps'"]),
    ("bad-objective", "name: x\nobjectives: {rpo: soon}\n", 2, "objectives.rpo", ["not a duration"]),
    ("steps-null", "name: x\nsteps:\n", 2, "steps", ["expected a list", "steps: []"]),
    ("step-not-mapping", "name: x\nsteps:\n  - lose-rack\n", 3, "steps[0]", ["expected a mapping"]),
    ("step-without-do", "name: x\nsteps:\n  - {rack: raleigh}\n", 3, "steps[0]", ["needs 'do'", "lose-rack"]),
    ("unknown-action", "name: x\nsteps:\n  - {do: note}\n  - {do: lose-rak, rack: raleigh}\n", 4, "steps[1].do", ["unknown action 'lose-rak'", "did you mean 'lose-rack'", "restore-rack"]),
    ("unknown-field", "name: x\nsteps:\n  - do: lose-rack\n    racks: raleigh\n", 4, "steps[0].racks", ["lose-rack has no field 'racks'", "did you mean 'rack'", "takes rack"]),
    ("missing-field", "name: x\nsteps:\n  - {do: enable, rack: raleigh}\n", 3, "steps[0].role", ["enable needs 'role'", "takes rack, role"]),
    ("unknown-rack", "name: x\nsteps:\n  - {at: 1m, do: lose-rack, rack: paris}\n", 3, "steps[0].rack", ["unknown rack 'paris' (this scenario's racks are raleigh, dallas)"]),
    ("misspelt-rack", "name: x\nsteps:\n  - {do: validate, rack: dalas}\n", 3, "steps[0].rack", ["did you mean 'dallas'"]),
    ("bad-role", "name: x\nsteps:\n  - {do: enable, rack: raleigh, role: primay}\n", 3, "steps[0].role", ["primary, backup", "did you mean 'primary'"]),
    ("unknown-surge-workload", "name: x\nsteps:\n  - {do: surge-writes, workload: orders, write_mb_s: 1}\n", 3, "steps[0].workload", ["unknown workload 'orders'", "orders-db"]),
    ("unknown-step-workload", "name: x\nsteps:\n  - {do: start-workloads, rack: dallas, workloads: [orders-db, web]}\n", 3, "steps[0].workloads[1]", ["unknown workload 'web'"]),
    ("at-and-after", "name: x\nsteps:\n  - {at: 1m, after: 2m, do: note}\n", 3, "steps[0]", ["`at`", "`after`", "not both"]),
    ("negative-duration", "name: x\nsteps:\n  - {after: -5, do: note}\n", 3, "steps[0].after", ["zero or more"]),
    ("negative-duration-text", "name: x\nsteps:\n  - {after: -5m, do: note}\n", 3, "steps[0].after", ["not a duration"]),
    ("malformed-duration", "name: x\nsteps:\n  - {do: surge-writes, workload: orders-db, write_mb_s: 1, for: ten minutes}\n", 3, "steps[0].for", ["not a duration", "500ms"]),
    ("bool-duration", "name: x\nsteps:\n  - {do: wait, until: {time_s: 5}, timeout: yes}\n", 3, "steps[0].timeout", ["not a duration"]),
    ("wait-without-until", "name: x\nsteps:\n  - {do: wait, timeout: 1h}\n", 3, "steps[0].until", ["wait needs 'until'"]),
    ("check-without-that", "name: x\nsteps:\n  - do: check\n", 3, "steps[0].that", ["check needs 'that'"]),
    ("empty-check", "name: x\nsteps:\n  - {do: check, that: {}}\n", 3, "steps[0].that", ["at least one state path"]),
    ("bad-state-root", "name: x\nsteps:\n  - do: wait\n    until:\n      servce.available: true\n", 5, "steps[0].until['servce.available']", ["unknown state path", "did you mean 'service'", "time_s, racks"]),
    ("empty-path-segment", "name: x\nsteps:\n  - do: check\n    that: {service..available: true}\n", 4, "steps[0].that['service..available']", ["not a state path"]),
    ("state-path-rack", "name: x\nsteps:\n  - do: check\n    that:\n      racks.paris.status: up\n", 5, "steps[0].that['racks.paris.status']", ["unknown rack 'paris'"]),
    ("state-path-workload", "name: x\nsteps:\n  - do: check\n    that:\n      workloads.web.status: running\n", 5, "steps[0].that['workloads.web.status']", ["unknown workload 'web'"]),
    ("empty-range", "name: x\nsteps:\n  - do: check\n    that:\n      outcome.rto_s: {min: 10, max: 1}\n", 5, "steps[0].that['outcome.rto_s']", ["range is empty"]),
    ("range-typo", "name: x\nsteps:\n  - do: check\n    that:\n      outcome.rto_s: {min: 1, mx: 9}\n", 5, "steps[0].that['outcome.rto_s'].mx", ["did you mean 'max'"]),
    ("range-not-number", "name: x\nsteps:\n  - do: check\n    that:\n      outcome.rto_s: {max: 6h}\n", 5, "steps[0].that['outcome.rto_s'].max", ["expected a number"]),
    ("bad-expect", "name: x\nsteps:\n  - {do: note, expect: refuse}\n", 3, "steps[0].expect", ["accepted, refused", "did you mean 'refused'"]),
    ("count-zero", "name: x\nsteps:\n  - {do: add-compute-nodes, rack: dallas, count: 0}\n", 3, "steps[0].count", ["at least 1"]),
    ("bad-link", "name: x\nsteps:\n  - {do: cut-link, link: san}\n", 3, "steps[0].link", ["fc, ip"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in ERRORS],
)
def test_invalid_files_name_the_line_and_the_field(
    text: str, line: int | None, field: str | None, words: list[str]
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "scenarios/x.yaml")
    e = info.value
    assert (e.path, e.line, e.field) == ("scenarios/x.yaml", line, field), str(e)
    for w in words:
        assert w in e.message, str(e)
    where = "scenarios/x.yaml" + (f":{line}" if line else "")
    assert str(e) == f"{where}: {field}: {e.message}" if field else f"{where}: {e.message}"


def test_the_message_format_of_the_contract() -> None:
    text = "name: x\nsteps:\n" + "  - {do: note}\n" * 3 + "  - {do: lose-rack, rack: paris}\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "scenarios/x.yaml")
    assert str(info.value) == (
        "scenarios/x.yaml:6: steps[3].rack: unknown rack 'paris' "
        "(this scenario's racks are raleigh, dallas)"
    )


def test_racks_of_the_scenario_are_the_ones_named_in_messages() -> None:
    e = error_of(
        """\
        name: x
        system:
          racks: [{name: east}, {name: west}]
        steps:
          - {do: lose-rack, rack: raleigh}
        """
    )
    assert e.line == 5 and "racks are east, west" in e.message


def test_a_billion_laughs_is_refused_quickly() -> None:
    text = "name: x\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    e = error_of(text)
    assert "too large" in e.message


def test_a_long_list_of_the_wrong_items_is_refused() -> None:
    """Regression: jsonschema's uniqueItems compares every pair of unhashable items."""
    items = ", ".join(f"{{k: {i}}}" for i in range(3000))
    e = error_of(f"name: x\nsystem:\n  workloads:\n    - {{name: a, needs: [{items}]}}\n")
    assert e.field == "system.workloads[0].needs[0]" and "expected text" in e.message


def test_deep_nesting_is_refused() -> None:
    e = error_of("name: x\ndescription: " + "[" * 200 + "]" * 200 + "\n")
    assert "nests too deeply" in e.message
    e = error_of("name: x\ndescription: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nest" in e.message or "YAML" in e.message


def test_a_failure_while_building_the_system_is_a_scenario_error(monkeypatch: Any) -> None:
    def broken(raw: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("twin.scenario.system_from_dict", broken)
    e = error_of("name: x\nsystem:\n  distance_km: 5\n")
    assert (e.line, e.field) == (2, "system")
    assert "cannot be built" in e.message and "ZeroDivisionError" in e.message


def test_an_unforeseen_failure_is_still_a_scenario_error(monkeypatch: Any) -> None:
    def broken(do: str, params: Any) -> Any:
        raise LookupError("a bug")

    monkeypatch.setattr("twin.scenario.action_from_dict", broken)
    with pytest.raises(ScenarioError) as info:
        load("name: x\nsteps:\n  - {do: note}\n")
    assert "internal error" in info.value.message
    assert isinstance(info.value.__cause__, LookupError)


def test_file_errors(tmp_path: Any) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "missing.yaml")
    assert "cannot read the file" in str(info.value) and "missing.yaml" in str(info.value)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: x\ndescription: caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert info.value.line == 2 and "UTF-8" in info.value.message
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffname: with a byte order mark\n".encode())
    assert load_scenario(bom).name == "with a byte order mark"


def test_text_that_is_not_text() -> None:
    with pytest.raises(ScenarioError):
        load_scenario_text(b"name: x")  # type: ignore[arg-type]


def test_scenario_error_without_line_or_field_and_pickling() -> None:
    e = ScenarioError("the file is empty", "a.yaml")
    assert str(e) == "a.yaml: the file is empty"
    assert str(ScenarioError("m")) == "<text>: m"
    again = pickle.loads(pickle.dumps(ScenarioError("m", "a.yaml", 3, "seed")))
    assert (again.path, again.line, again.field, str(again)) == (
        "a.yaml", 3, "seed", "a.yaml:3: seed: m",
    )  # fmt: skip


# --- passwords never reach a message ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"name: x\nsystem:\n  racks:\n    - users: [{{id: u, password: [{SECRET}]}}]\n    - {{}}\n",
        f"name: x\nsystem:\n  racks:\n    - users: [{{id: u, password: {{{SECRET}: 1}}}}]\n"
        "    - {}\n",
        f"name: x\nsteps:\n  - {{do: create-profile, rack: raleigh, peer: dallas, "
        f"password: [{SECRET}]}}\n",
        f'name: x\nsteps:\n  - {{do: create-profile, rack: raleigh, peer: dallas, password: "{SECRET}\n',
        f"name: x\nsteps:\n  - {{do: create-profile, rack: raleigh, peer: dallas, "
        f"password: !!int {SECRET}}}\n",
        f"name: x\nsteps:\n  - {{do: create-profile, rack: paris, peer: dallas, "
        f"password: {SECRET}}}\n",
        f"name: x\nsystem:\n  racks:\n    - users: [{{id: u, password: {SECRET}, "
        "permissions: [root]}]\n    - {}\n",
    ],
)
def test_no_password_in_any_message(text: str) -> None:
    e = error_of(text)
    assert SECRET not in str(e)
    assert SECRET not in repr(e)


def test_a_password_of_the_wrong_type_is_named_not_echoed() -> None:
    e = error_of(
        "name: x\nsystem:\n  racks:\n    - users: [{id: u, password: 12345678}]\n    - {}\n"
    )
    assert e.field == "system.racks[0].users[0].password"
    assert "12345678" not in str(e) and "quotes" in e.message


# --- the JSON Schema ------------------------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12_package_data() -> None:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _branches() -> dict[str, dict[str, Any]]:
    step = scenario_schema()["$defs"]["step"]
    return {b["then"]["title"]: b["then"] for b in step["allOf"] if "then" in b}


def test_the_schema_knows_every_action_and_exactly_its_fields() -> None:
    branches = _branches()
    assert set(branches) == set(REGISTRY)
    assert scenario_schema()["$defs"]["step"]["properties"]["do"]["enum"] == list(REGISTRY)
    for do, cls in REGISTRY.items():
        fields = dataclasses.fields(cls)
        names = {"for" if f.name == "for_" else f.name for f in fields}
        then = branches[do]
        assert set(then["properties"]) == names | {"at", "after", "do", "expect", "by"}, do
        assert then["additionalProperties"] is False
        required = {
            f.name
            for f in fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        extra = {"wait": {"until"}, "check": {"that"}}.get(do, set())
        assert set(then["required"]) == required | extra | {"do"}, do


def test_the_schema_permissions_are_those_of_the_config() -> None:
    user = scenario_schema()["$defs"]["user"]
    assert user["properties"]["permissions"]["items"]["enum"] == list(PERMISSIONS)


def test_the_schema_state_roots_are_those_of_the_loader() -> None:
    pattern = scenario_schema()["$defs"]["statePaths"]["propertyNames"]["pattern"]
    assert all(root in pattern for root in STATE_ROOTS)


def test_every_object_in_the_schema_refuses_unknown_fields() -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            # a step dispatches on `do` to a branch that lists its fields: that refuses them
            if node.get("type") == "object" and "properties" in node and node is not step:
                assert node.get("additionalProperties") is False, node.get("title")
            for k, v in node.items():
                if k != "if":  # a condition, not a shape
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    step = scenario_schema()["$defs"]["step"]
    walk(scenario_schema())


def test_the_example_is_valid_under_the_schema_alone() -> None:
    jsonschema.validate(yaml.safe_load(EXAMPLE), scenario_schema())


# --- fuzzing: ScenarioError, and nothing else ----------------------------------------------

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def only_scenario_errors(text: str) -> None:
    try:
        load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as e:
        assert "internal error" not in e.message, (str(e), e.__cause__)
        assert e.path == "fuzz.yaml"
        assert e.line is None or 1 <= e.line <= text.count("\n") + 2
        assert str(e).startswith("fuzz.yaml")


YAML_BITS = st.sampled_from(
    [":", ": ", "-", "- ", "{", "}", "[", "]", ",", "#", "&a", "*a", "!!", "!x", "|", ">",
     "'", '"', "\n", "  ", "\t", "%", "@", "?", "<<: ", "null", "~", "yes", "-1", "1e9",
     ".nan", "2024-01-01", "1h", "do", "rack", "at", "after", "racks", "paris", "\x00"]
)  # fmt: skip


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_fuzz_mutations_of_the_example_text(data: st.DataObject) -> None:
    text = EXAMPLE
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(text)))
        j = min(len(text), i + data.draw(st.integers(0, 12)))
        bit = data.draw(YAML_BITS | st.text(max_size=4))
        text = text[:i] + bit + text[j:]
    only_scenario_errors(text)


@settings(FUZZ, max_examples=400)
@given(st.text(max_size=300))
def test_fuzz_random_text(text: str) -> None:
    only_scenario_errors(text)


KEYS = st.sampled_from(
    ["name", "description", "seed", "start", "system", "objectives", "steps", "racks",
     "workloads", "users", "do", "rack", "at", "after", "until", "that", "for", "timeout",
     "needs", "password", "min", "max", "restart", "vlans", "ip_pool", "bandwidth_mbps"]
) | st.text(max_size=8)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["raleigh", "dallas", "orders-db", "10m", "-1s", "service.available",
                       "lose-rack", "check", "wait", "paired", "fc"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.integers(-3, 3), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


@pytest.mark.slow
@settings(FUZZ, max_examples=100)
@given(st.data())
def test_fuzz_structural_mutations_of_the_example(data: st.DataObject) -> None:
    doc = yaml.safe_load(EXAMPLE)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths[1:]))
        parent = doc
        for seg in path[:-1]:
            parent = parent[seg]
        how = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "replace":
            parent[path[-1]] = data.draw(VALUES)
        elif how == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(KEYS)] = data.draw(VALUES)
        else:
            parent.append(data.draw(VALUES))
    only_scenario_errors(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@pytest.mark.slow
@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_fuzz_random_mappings(doc: dict[Any, Any]) -> None:
    only_scenario_errors(yaml.safe_dump(doc, allow_unicode=True))
    only_scenario_errors(json.dumps({"name": "fuzz", **{str(k): v for k, v in doc.items()}}))


# -- the second round's top-level keys and the SVC's own ranges ------------------------------


def test_briefing_time_limit_pass_mark_strategies_and_cost_are_read() -> None:
    from twin.scenario import load_scenario_text

    sc = load_scenario_text(
        "name: x\nbriefing: |\n  Peer dallas-mgmt, user dradmin.\n\ntime_limit: 2h30m\n"
        "assessment: {pass_mark: 85}\n"
        "objectives: {rpo: 1s, cost: {outage_per_hour: 50000, data_loss_per_hour: 2000000, "
        "currency: EUR}}\nstrategies: {backup-restore: {interval: 4h}}\nsteps: []\n")
    assert sc.briefing == "Peer dallas-mgmt, user dradmin."
    assert sc.time_limit_s == 9000 and sc.pass_mark == 85
    assert sc.cost == {"outage_per_hour": 50000.0, "data_loss_per_hour": 2e6}
    assert sc.currency == "EUR" and sc.strategies == {"backup-restore": {"interval": "4h"}}


@pytest.mark.parametrize("text, where, says", [
    ("time_limit: 0s", "time_limit", "more than zero"),
    ("strategies: {backup-restore: {interval: soon}}", "strategies['backup-restore'].interval",
     "not a duration"),
    ("system: {replication: {cycle_period: 30s}}", "system.replication.cycle_period",
     "cycleperiodseconds, is 60 to 86400 s"),
    ("system: {replication: {maxreplicationdelay: 10m}}",
     "system.replication.maxreplicationdelay", "0 (off) to 360 s"),
    ("system: {replication: {gmlinktolerance: 5s}}", "system.replication.gmlinktolerance",
     "or 0 to turn"),
    ("system: {replication: {gmmaxhostdelay: 1s}}", "system.replication.gmmaxhostdelay",
     "0 to 100 ms"),
])
def test_out_of_range_second_round_values_name_the_field_and_the_reason(
        text: str, where: str, says: str) -> None:
    from twin.scenario import ScenarioError, load_scenario_text

    with pytest.raises(ScenarioError) as e:
        load_scenario_text(f"name: x\n{text}\nsteps: []\n", "f.yaml")
    msg = str(e.value)
    assert msg.startswith("f.yaml:2: ") and where in msg and says in msg, msg


def test_a_link_tolerance_of_zero_turns_it_off() -> None:
    from twin.scenario import load_scenario_text

    sc = load_scenario_text("name: x\nsystem: {replication: {gmlinktolerance: 0}}\nsteps: []\n")
    assert sc.system.replication.gm_link_tolerance_s == 0
