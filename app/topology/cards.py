"""What the topology says about a thing: the rich text of its tooltip and of the details
card (attributes from the topology graph and the configuration, live values from the
state document). Pure functions, no Qt."""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from app.format import copy_type, format_bytes, format_duration, format_rate
from app.theme import C
from twin.config import SystemConfig

if TYPE_CHECKING:
    from app.controller import VolumeArrays

State = Mapping[str, Any]


def describe(node_id: str, st: State, g: nx.Graph, system: SystemConfig,
             rtt_s: Mapping[str, float], failed_nodes: Mapping[str, Collection[int]]) -> str:
    """Rich text for a topology node (not a volume: :func:`describe_volume`): its
    attributes from the graph ``g`` and the configuration, and its live state from the
    state document ``st``. ``rtt_s`` is each link's round trip without faults,
    ``failed_nodes`` each rack's failed compute nodes. Empty for an unknown node."""
    rows: list[tuple[str, Any]] = []
    if node_id.startswith("link:"):
        link = node_id.split(":", 1)[1]
        ls = st["links"][link]
        title = "Fibre Channel link (SAN replication)" if link == "fc" else \
            "IP link (management cloning, trust, monitoring)"
        rows += [("Status", "DOWN (cut)" if not ls["up"] else
                  "degraded" if ls["degraded"] else "up"),
                 ("Distance", f"{system.distance_km:,.0f} km"),
                 ("Bandwidth", f"{ls['bandwidth_mbps']:,.0f} Mb/s"),
                 ("Round trip", f"{rtt_s[link] * 1000 + 2 * ls['extra_latency_ms']:.2f} ms"),
                 ("Loss", f"{ls['loss_pct']:g} %")]
        rep = st["replication"]
        if link == "fc":
            rows += [("Copy type", copy_type(rep.get("mode", "global-mirror"))),
                     ("Replication", rep["state"]),
                     ("Direction", " → ".join(rep["direction"])),
                     ("Throughput", format_rate(rep["throughput_bps"])),
                     ("Lag", format_bytes(rep["lag_bytes"])),
                     ("RPO now", format_duration(rep["rpo_s"]))]
            if rep.get("throttled"):
                rows.append(("Hosts throttled", f"{format_rate(rep['write_rate_bps'] / 8)} of "
                             f"{format_rate(rep['demand_bps'] / 8)} asked"))
        else:
            m = st["management"]
            rows += [("Management clone", m["state"]), ("Clone lag", format_duration(m["lag_s"]))]
        rows.append(("Right-click", "cut, degrade or restore"))
        return card(title, rows)
    if node_id not in g or node_id.startswith("volume:"):
        return ""
    d = g.nodes[node_id]
    kind = d["type"]
    rack = d.get("rack")
    rs = st["racks"].get(rack) if rack else None
    title = {"rack": f"Rack {rack}", "compute": f"Compute node {d['label']} · {rack}",
             "mgmt": f"{d['label']} · {rack}", "v7000": f"V7000 storage · {rack}",
             "tor": f"{d['label']} switch · {rack}",
             "cloudgroup": f"Cloud group {d['label']} · {rack}",
             "vlan": f"{d['label']} · {rack}", "ippool": f"IP pool {d['label']} · {rack}",
             "router": f"External router · {rack}", "clients": "Clients",
             "workload": f"Workload {d['label']}"}.get(kind, d.get("label", node_id))
    if kind == "rack" and rs is not None:
        prof = st["profiles"].get(rack)
        cn = rs["compute_nodes"]
        rows += [("Status", rs["status"].upper()), ("Site", d.get("site", "")),
                 ("Model", d.get("model", "")),
                 ("Firmware / fixpack", f"{d.get('firmware')} / {d.get('fixpack')}"),
                 ("Management address", d.get("management_address", "")),
                 ("DR profile", "none" if prof is None else
                  f"{prof['icon']} {prof['state']}, role {prof['role']}"),
                 ("Compute nodes", f"{cn['total']} · {cn['in_cloud_groups']} in cloud groups"
                  f" · {cn['failed']} failed" + (" · quiesced" if cn["quiesced"] else "")),
                 ("Advertises service IP", "yes" if rs["advertising"] else "no"),
                 ("ToR switches", "configured" if rs["tor_configured"] else "not configured"),
                 ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                 ("Data consistent", "yes" if rs["data_consistent"] else "no"),
                 ("Right-click", "lose / restore rack, fail storage or a management node")]
    elif kind == "compute" and rs is not None:
        cn = rs["compute_nodes"]
        i = int(d.get("index", 0))
        rows += [("Cores", d.get("cores", 16)),
                 ("State", "FAILED" if i in failed_nodes.get(rack, ()) else "healthy"),
                 ("In the cloud group", "yes" if i < cn["in_cloud_groups"] else "no"),
                 ("Quiesced", "yes" if cn["quiesced"] else "no"),
                 ("Right-click", "fail this node")]
    elif kind == "mgmt" and rs is not None:
        m = st["management"]
        i = int(d.get("index", 0))
        failed = i < int(rs.get("management_nodes_failed", 0))
        rows += [("State", "FAILED" if failed else "healthy"),
                 ("Management data clone", m["state"]),
                 ("Initial copy complete", "yes" if m["initial_copy_complete"] else "no"),
                 ("Clone lag", format_duration(m["lag_s"]))]
    elif kind == "v7000" and rs is not None:
        rep = st["replication"]
        rows += [("Volumes", f"{d.get('volumes', 0):,}"),
                 ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                 ("Role", "replication source" if rs["replication_source"] else "replica"),
                 ("Consistency group", rep["state"]),
                 ("Initial copy complete", "yes" if rep["initial_copy_complete"] else "no"),
                 ("Progress", f"{rep['progress'] * 100:.1f} %"),
                 ("Lag", format_bytes(rep["lag_bytes"])),
                 ("RPO now", format_duration(rep["rpo_s"])),
                 ("Errors", ", ".join(rep["errors"]) or "none")]
    elif kind == "tor" and rs is not None:
        rows += [("Configured for takeover", "yes" if rs["tor_configured"] else
                  ("configuring…" if rs.get("tor_configuring") else "no"))]
    elif kind in ("cloudgroup", "vlan", "ippool") and rs is not None:
        cn = rs["compute_nodes"]
        cfg = system.rack(rack)
        rows += [("Compute nodes in the group", f"{cn['in_cloud_groups']}/{cn['total']}"),
                 ("VLANs", ", ".join(str(v) for v in cfg.vlans)),
                 ("IP pool", cfg.ip_pool)]
    elif kind == "router" and rs is not None:
        rows += [("Advertises the service IPs", "YES" if rs["advertising"] else "no"),
                 ("IP pool", system.rack(rack).ip_pool),
                 ("Routes converging", "yes" if rs.get("routes_converging") else "no")]
    elif kind == "clients":
        rows += [("Service available", "YES" if st["service"]["available"] else "NO"),
                 ("Split brain", "YES" if st["service"]["split_brain"] else "no"),
                 ("Served by", ", ".join(r for r, x in st["racks"].items()
                                         if x["advertising"]) or "nobody")]
    elif kind == "workload":
        name = d["label"]
        w = st["workloads"].get(name, {})
        wcfg = next((x for x in system.workloads if x.name == name), None)
        rows += [("Middleware", d.get("middleware", "")), ("Runs on", w.get("rack") or "—"),
                 ("Status", w.get("status", "")),
                 ("Clients reach it", "yes" if w.get("reachable") else "no")]
        if w.get("reason"):
            rows.append(("Why", w["reason"]))
        if d.get("needs"):
            rows.append(("Needs", ", ".join(d["needs"])))
        if "write_mb_s" in w:  # what it writes now against what it asks (R20a)
            rows.append(("Writes", f"{format_rate(w['write_mb_s'] * 1e6)} of "
                         f"{format_rate(w['demand_mb_s'] * 1e6)} asked"
                         + (" · THROTTLED by the FC link" if w.get("throttled") else "")))
        if wcfg is not None:
            rows += [("Volumes", f"{max(1, wcfg.volumes)} · {wcfg.volume_gb:,.0f} GB"),
                     ("Configured writes", f"{wcfg.write_mb_s:g} MB/s"),
                     ("Restart time", format_duration(wcfg.restart_s))]
        rows.append(("Right-click", "surge its writes"))
    return card(title, rows)


def describe_volume(i: int, rack: str, volumes: VolumeArrays, size_bytes: float | None) -> str:
    """Rich text for volume ``i`` of the consistency group, shown on ``rack``'s grid."""
    rows: list[tuple[str, Any]] = [("Rack", rack),
                                   ("State", volumes.states[i]),
                                   ("Lag", format_bytes(float(volumes.lag_bytes[i]))),
                                   ("RPO", format_duration(float(volumes.rpo_s[i]))),
                                   ("Progress", f"{float(volumes.progress[i]) * 100:.1f} %")]
    if size_bytes:
        rows.append(("Size", format_bytes(size_bytes)))
    return card(f"Volume {volumes.names[i]}", rows)


def card(title: str, rows: list[tuple[str, Any]]) -> str:
    """A title and a two-column table of (name, value) rows, as rich text."""
    body = "".join(
        f"<tr><td style='color:{C.INK_SOFT}; padding-right:12px'>{html.escape(str(k))}</td>"
        f"<td><b>{html.escape(str(v))}</b></td></tr>" for k, v in rows)
    return (f"<div style='font-size:11pt'><b style='font-size:12pt'>{html.escape(title)}</b>"
            f"<table style='margin-top:4px'>{body}</table></div>")
