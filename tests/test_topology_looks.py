"""How the topology looks, as pure functions of the state document (app/topology/looks.py)
and which faults apply where (app/faults.py): no window."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from app import faults
from app.theme import MANAGEMENT, REPLICATION, C
from app.topology import looks
from tests.helpers import do, make_twin
from twin import actions as A
from twin.management import MGMT_STATES


def paired_state() -> dict[str, Any]:
    return make_twin(start="paired").state()


@pytest.mark.parametrize("mstate", MGMT_STATES)
def test_the_ip_link_flows_only_while_the_management_data_clones(mstate: str) -> None:
    st = copy.deepcopy(paired_state())
    st["management"]["state"] = mstate
    link = looks.link_state("ip", st, "raleigh", 0.012)
    flowing = mstate in ("initial_copy", "synchronized")
    assert (link.style == "flow") is flowing and bool(link.direction) is flowing
    assert link.colour == (MANAGEMENT[mstate].colour if flowing else C.GREY)
    assert f"cloning {MANAGEMENT[mstate].label}" in link.detail
    st["links"]["ip"]["up"] = False  # a cut link carries nothing, whatever the state
    cut = looks.link_state("ip", st, "raleigh", 0.012)
    assert (cut.style, cut.direction, cut.colour) == ("cut", 0, C.RED)


def test_the_ip_link_of_an_unpaired_system_does_not_flow() -> None:
    st = make_twin(start="unpaired").state()
    assert st["management"]["state"] == "not_started"
    assert looks.link_state("ip", st, "raleigh", 0.0).style == "solid"
    assert not looks.link_flowing("ip", st)


def test_the_fc_link_flows_from_the_source_while_replicating() -> None:
    st = paired_state()
    fc = looks.link_state("fc", st, "raleigh", 0.012)
    assert fc == looks.LinkState(C.ACCENT, "flow", 1, fc.detail)
    assert "consistent synchronized" in fc.detail and "RTT 12.0 ms" in fc.detail
    assert looks.link_state("fc", st, "dallas", 0.012).direction == -1
    for state in REPLICATION:
        st2 = copy.deepcopy(st)
        st2["replication"]["state"] = state
        flowing = state in ("consistent_synchronized", "inconsistent_copying",
                            "consistent_copying")
        assert (looks.link_state("fc", st2, "raleigh", 0.0).style == "flow") is flowing


def test_a_degraded_link_is_orange_and_says_so() -> None:
    t = make_twin(start="paired")
    do(t, "degrade-link", link="fc", latency_ms=10, bandwidth_mbps=100, loss_pct=2)
    fc = looks.link_state("fc", t.state(), "raleigh", 0.012)
    assert fc.colour == C.ORANGE and "DEGRADED · 100 Mb/s" in fc.detail
    assert "2% loss" in fc.detail and "RTT 32.0 ms" in fc.detail


def test_compute_nodes_and_cloud_groups() -> None:
    cn = {"total": 4, "in_cloud_groups": 2, "adding": 1, "quiesced": 0, "failed": 1}
    a, b, c, d = looks.compute_node_looks(cn, failed={1})
    assert a.fill == C.NODE and not a.hatch
    assert b.fill == C.RED
    assert c.fill == C.BLUE_SOFT and c.dashed
    assert d.fill == C.NODE_IDLE and d.dashed
    quiesced = looks.compute_node_looks({**cn, "quiesced": 4}, failed=())
    assert all(x.hatch for x in quiesced)
    assert looks.cloud_group_look({**cn, "quiesced": 4}).subtitle == "2/4 nodes · QUIESCED"
    assert looks.cloud_group_look({**cn, "in_cloud_groups": 0}).dashed


def test_racks_routers_and_wires() -> None:
    st = paired_state()
    r, d = st["racks"]["raleigh"], st["racks"]["dallas"]
    assert looks.rack_badge(r) == looks.RackBadge("PRIMARY", False, True)
    assert looks.rack_badge(d) == looks.RackBadge("BACKUP", False, False)
    assert looks.router_look(r, "10.1.0.0/22").subtitle == "advertises 10.1.0.0/22"
    assert looks.router_look({**r, "status": "lost"}, "x").subtitle == "unreachable"
    assert looks.serve_wire(r, split_brain=False) == looks.WireState(C.GREEN, 8, False)
    assert looks.serve_wire(r, split_brain=True).colour == C.RED
    assert looks.serve_wire(d, split_brain=False) == looks.WireState(C.GREY, 2, True)
    assert looks.tor_look(d).subtitle == "not set up"
    assert looks.clients_look(st["service"]).subtitle == "service available"


def test_volume_colours_are_the_target_states_and_stale_turns_amber() -> None:
    sync = REPLICATION["consistent_synchronized"].colour
    out = looks.volume_colours(["consistent_synchronized"] * 3, np.array([0.0, 0.5, 2.0]))
    assert out.dtype == np.uint32
    assert out.tolist() == [looks.argb(sync), looks.argb(sync), looks.argb(C.AMBER)]
    mixed = looks.volume_colours(["consistent_synchronized", "inconsistent_copying"], [0, 0])
    assert mixed.tolist() == [looks.argb(sync), looks.argb(C.ACCENT)]
    st = paired_state()
    target = np.full(3, looks.argb(C.RED), dtype=np.uint32)
    src = looks.grid_colours(st["racks"]["raleigh"], "consistent_synchronized", target)
    assert set(src.tolist()) == {looks.argb(sync)}  # the source holds the live copy
    assert looks.grid_colours(st["racks"]["dallas"], "x", target) is target
    lost = {**st["racks"]["dallas"], "status": "lost"}
    assert set(looks.grid_colours(lost, "x", target).tolist()) == {looks.argb(C.GREY)}


def test_which_faults_apply_where() -> None:
    st = paired_state()
    texts = [e.text for e in faults.entries("link:fc", st)]
    assert texts == ["FC link", "Cut the FC link", "Degrade the FC link…",
                     "Restore the FC link"]
    restore = faults.entries("link:fc", st)[3]
    assert not restore.enabled and restore.action == A.RestoreLink(link="fc")
    node = faults.entries("compute:dallas:2", st, failed_nodes={2})
    assert node[1].text == "Fail compute node 03" and not node[1].enabled
    assert [e.text for e in node if e.heading] == ["Compute node 03 · dallas", "Rack dallas"]
    surge = faults.entries("workload:orders-db", st)[1]
    assert (surge.ask, surge.target) == ("surge", "orders-db")
    assert faults.surge_action("orders-db", (120.0, 600.0)) == A.SurgeWrites(
        workload="orders-db", write_mb_s=120.0, for_=600.0)
    assert faults.degrade_action("ip", (25.0, 100.0, 1.5)) == A.DegradeLink(
        link="ip", latency_ms=25.0, bandwidth_mbps=100.0, loss_pct=1.5)
    assert faults.entries("clients", st) == []
