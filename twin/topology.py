"""The physical and logical topology as a networkx graph (domain.md §1, R1–R3).

Built from a :class:`~twin.config.SystemConfig` alone and static once built: the live
state of every part is in the state document (``Twin.state()``). The GUI builds and draws
this graph; the engine does not need it (a headless run never imports networkx), so
every node carries ``type``, ``label`` and (where it belongs to one) ``rack``; every edge
carries ``kind``.

Node ids are readable strings: ``rack:raleigh``, ``compute:raleigh:3``, ``mgmt:raleigh:0``,
``v7000:raleigh``, ``volume:raleigh:orders-db:0``, ``tor:raleigh:1``,
``cloudgroup:raleigh:production``, ``vlan:raleigh:100``, ``ippool:raleigh``,
``router:raleigh``, ``clients``, ``workload:orders-db``.

Edge kinds: ``contains`` (rack → its parts, V7000 → volumes), ``cabled`` (parts ↔ ToR
switches), ``member`` (compute node ↔ cloud group, cloud group ↔ VLAN / IP pool),
``uplink`` (ToR ↔ external router), ``serves`` (router ↔ clients), ``uses`` (workload →
its volumes on each rack), ``replicates`` (a primary volume ↔ its replica),
``fc_link`` (V7000 ↔ V7000, SAN replication) and ``ip_link`` (management node ↔ management
node: cloning, trust, monitoring).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from twin.config import CORES_PER_COMPUTE_NODE, SystemConfig, volume_layout

NODE_TYPES = (
    "rack", "compute", "mgmt", "v7000", "volume", "tor", "cloudgroup", "vlan", "ippool",
    "router", "clients", "workload",
)
EDGE_KINDS = (
    "contains", "cabled", "member", "uplink", "serves", "uses", "replicates", "fc_link",
    "ip_link",
)


def build_topology(system: SystemConfig) -> nx.Graph:
    g = nx.Graph(name="dr-twin", distance_km=system.distance_km)
    layout = volume_layout(system)
    for idx, rack in enumerate(system.racks):
        r = rack.name
        site = "site-a" if idx == 0 else "site-b"
        g.add_node(f"rack:{r}", type="rack", rack=r, label=r, site=site, index=idx,
                   model=rack.model, firmware=rack.firmware, fixpack=rack.fixpack,
                   management_address=rack.management_address)
        for t in range(2):
            tor = f"tor:{r}:{t}"
            g.add_node(tor, type="tor", rack=r, label=f"ToR {t + 1}", index=t)
            g.add_edge(f"rack:{r}", tor, kind="contains")
        for m in range(2):
            node = f"mgmt:{r}:{m}"
            g.add_node(node, type="mgmt", rack=r, label=f"Mgmt {m + 1}", index=m)
            g.add_edge(f"rack:{r}", node, kind="contains")
            for t in range(2):
                g.add_edge(node, f"tor:{r}:{t}", kind="cabled")
        cg = f"cloudgroup:{r}:production"
        g.add_node(cg, type="cloudgroup", rack=r, label="production")
        g.add_edge(f"rack:{r}", cg, kind="contains")
        for c in range(rack.compute_nodes):
            node = f"compute:{r}:{c}"
            g.add_node(node, type="compute", rack=r, label=f"CN {c + 1:02d}", index=c,
                       cores=CORES_PER_COMPUTE_NODE)
            g.add_edge(f"rack:{r}", node, kind="contains")
            g.add_edge(node, f"tor:{r}:{c % 2}", kind="cabled")
            g.add_edge(node, cg, kind="member")
        for v in rack.vlans:
            node = f"vlan:{r}:{v}"
            g.add_node(node, type="vlan", rack=r, label=f"VLAN {v}", vlan=v)
            g.add_edge(cg, node, kind="member")
            for t in range(2):
                g.add_edge(node, f"tor:{r}:{t}", kind="cabled")
        pool = f"ippool:{r}"
        g.add_node(pool, type="ippool", rack=r, label=rack.ip_pool, cidr=rack.ip_pool)
        g.add_edge(cg, pool, kind="member")
        v7 = f"v7000:{r}"
        g.add_node(v7, type="v7000", rack=r, label="V7000", volumes=len(layout))
        g.add_edge(f"rack:{r}", v7, kind="contains")
        for t in range(2):
            g.add_edge(v7, f"tor:{r}:{t}", kind="cabled")
        for i, (wl, vi, size) in enumerate(layout):
            node = f"volume:{r}:{wl}:{vi}"
            g.add_node(node, type="volume", rack=r, label=f"{wl}/{vi}", workload=wl,
                       index=i, size_bytes=size)
            g.add_edge(v7, node, kind="contains")
        router = f"router:{r}"
        g.add_node(router, type="router", rack=r, label=f"router {r}")
        for t in range(2):
            g.add_edge(f"tor:{r}:{t}", router, kind="uplink")
    g.add_node("clients", type="clients", label="clients")
    for rack in system.racks:
        g.add_edge(f"router:{rack.name}", "clients", kind="serves")
    a, b = system.rack_names
    fc = system.fc_link
    g.add_edge(f"v7000:{a}", f"v7000:{b}", kind="fc_link", link="fc",
               distance_km=system.distance_km, bandwidth_mbps=fc.bandwidth_mbps,
               one_way_delay_s=fc.one_way_delay_s(system.distance_km))
    ip = system.ip_link
    g.add_edge(f"mgmt:{a}:0", f"mgmt:{b}:0", kind="ip_link", link="ip",
               distance_km=system.distance_km, bandwidth_mbps=ip.bandwidth_mbps,
               one_way_delay_s=ip.one_way_delay_s(system.distance_km))
    for w in system.workloads:
        node = f"workload:{w.name}"
        g.add_node(node, type="workload", label=w.name, middleware=w.middleware,
                   needs=list(w.needs))
        for i in range(max(1, w.volumes)):
            for rack in system.racks:
                g.add_edge(node, f"volume:{rack.name}:{w.name}:{i}", kind="uses")
            g.add_edge(f"volume:{a}:{w.name}:{i}", f"volume:{b}:{w.name}:{i}",
                       kind="replicates")
    return g


def nodes_of(g: nx.Graph, type_: str, rack: str | None = None) -> list[str]:
    """Node ids of one type (optionally on one rack), in insertion order."""
    return [n for n, d in g.nodes(data=True)
            if d["type"] == type_ and (rack is None or d.get("rack") == rack)]


def link_edge(g: nx.Graph, link: str) -> tuple[str, str, dict[str, Any]]:
    """The inter-site edge for ``fc`` or ``ip``."""
    for u, v, d in g.edges(data=True):
        if d.get("link") == link:
            return u, v, d
    raise KeyError(f"no {link!r} link; links are 'fc' and 'ip'")
