"""What the topology says about a thing: the rich text of its tooltip and of the details
card (attributes from the topology graph and the configuration, live values from the
state document). Pure functions, no Qt; the view redraws the card of the selected thing
on every frame, so it follows the state.

States read in the application's one vocabulary: the theme's labels (``app/theme.py``,
the legend's and the consoles' words: "in sync", "Validated", "(none)") and the words
the boxes themselves show (``looks.py``: a switch "ready", a management node "standby");
a consistency group's state also in the SVC's own words, as the status bar writes it
("in sync (consistent synchronized)")."""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from app.format import copy_type, format_bytes, format_duration, format_rate, state_text
from app.theme import MANAGEMENT, PROFILE, REPLICATION, ROLE, WORKLOAD, C, state_label
from app.topology import looks
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
        flowing = looks.link_flowing(link, st)
        rows += [("Status", "cut" if not ls["up"] else
                  "degraded" + (", replicating" if flowing and link == "fc" else
                                ", cloning" if flowing else "") if ls["degraded"] else
                  ("replicating" if link == "fc" else "cloning") if flowing else "idle"),
                 ("Distance", f"{system.distance_km:,.0f} km"),
                 ("Bandwidth", f"{ls['bandwidth_mbps']:,.0f} Mb/s"),
                 ("Round trip", f"{rtt_s[link] * 1000 + 2 * ls['extra_latency_ms']:.2f} ms"),
                 ("Loss", f"{ls['loss_pct']:g} %")]
        rep = st["replication"]
        if link == "fc":
            rows += [("Copy type", copy_type(rep.get("mode", "global-mirror"))),
                     ("Replication", replication_words(rep["state"])),
                     ("Direction", " → ".join(rep["direction"])),
                     ("Throughput", format_rate(rep["throughput_bps"])),
                     ("Lag", format_bytes(rep["lag_bytes"])),
                     ("RPO now", format_duration(rep["rpo_s"]))]
            if rep.get("throttled"):
                rows.append(("Hosts throttled", f"{format_rate(rep['write_rate_bps'] / 8)} of "
                             f"{format_rate(rep['demand_bps'] / 8)} asked"))
        else:
            m = st["management"]
            rows += [("Management clone", state_label(MANAGEMENT, m["state"])),
                     ("Clone lag", format_duration(m["lag_s"]))]
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
                  f"{prof['icon']} {state_label(PROFILE, prof['state'])}, role "
                  f"{state_label(ROLE, prof['role'])}"),
                 ("Compute nodes", f"{cn['total']} · {cn['in_cloud_groups']} in cloud groups"
                  f" · {cn['failed']} failed" + (" · quiesced" if cn["quiesced"] else "")),
                 ("Advertises service IP", "yes" if rs["advertising"] else "no"),
                 ("ToR switches", looks.tor_look(rs).subtitle),
                 ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                 ("Data consistent", "yes" if rs["data_consistent"] else "no"),
                 ("Right-click", "lose / restore rack, fail storage or a management node")]
    elif kind == "compute" and rs is not None:
        cn = rs["compute_nodes"]
        i = int(d.get("index", 0))
        in_cg, adding = int(cn["in_cloud_groups"]), int(cn["adding"])
        # the legend's words for the node's colour
        state = ("failed" if i in failed_nodes.get(rack, ()) else "in cloud group"
                 if i < in_cg else "being added" if i < in_cg + adding else "no group")
        rows += [("Cores", d.get("cores", 16)),
                 ("State", state + (" · quiesced" if cn["quiesced"] else "")),
                 ("Right-click", "fail this node")]
    elif kind == "mgmt" and rs is not None:
        m = st["management"]
        i = int(d.get("index", 0))
        node_looks = looks.management_node_looks(rs, max(2, i + 1))
        rows += [("State", node_looks[i].subtitle),  # active, standby or failed, as drawn
                 ("Management data clone", state_label(MANAGEMENT, m["state"])),
                 ("Initial copy complete", "yes" if m["initial_copy_complete"] else "no"),
                 ("Clone lag", format_duration(m["lag_s"]))]
    elif kind == "v7000" and rs is not None:
        rep = st["replication"]
        rows += [("Volumes", f"{d.get('volumes', 0):,}"),
                 ("Storage", "FAILED" if rs["storage_failed"] else "ok"),
                 ("Role", "replication source" if rs["replication_source"] else "replica"),
                 ("Consistency group", replication_words(rep["state"])),
                 ("Initial copy complete", "yes" if rep["initial_copy_complete"] else "no"),
                 ("Progress", f"{rep['progress'] * 100:.1f} %"),
                 ("Lag", format_bytes(rep["lag_bytes"])),
                 ("RPO now", format_duration(rep["rpo_s"])),
                 ("Errors", ", ".join(rep["errors"]) or "none")]
    elif kind == "tor" and rs is not None:
        rows += [("Takeover configuration", looks.tor_look(rs).subtitle)]
    elif kind in ("cloudgroup", "vlan", "ippool") and rs is not None:
        cn = rs["compute_nodes"]
        cfg = system.rack(rack)
        rows += [("Compute nodes in the group", f"{cn['in_cloud_groups']}/{cn['total']}"),
                 ("VLANs", ", ".join(str(v) for v in cfg.vlans)),
                 ("IP pool", cfg.ip_pool)]
    elif kind == "router" and rs is not None:
        pool = system.rack(rack).ip_pool
        rows += [("State", looks.router_look(rs, pool).subtitle),  # as the box says it
                 ("IP pool", pool)]
    elif kind == "clients":
        rows += [("State", looks.clients_look(st["service"]).subtitle),
                 ("Service available", "YES" if st["service"]["available"] else "NO"),
                 ("Split brain", "YES" if st["service"]["split_brain"] else "no"),
                 ("Served by", ", ".join(r for r, x in st["racks"].items()
                                         if x["advertising"]) or "nobody")]
    elif kind == "workload":
        name = d["label"]
        w = st["workloads"].get(name, {})
        wcfg = next((x for x in system.workloads if x.name == name), None)
        rows += [("Middleware", d.get("middleware", "")), ("Runs on", w.get("rack") or "—"),
                 ("Status", state_label(WORKLOAD, w.get("status", "")) + (
                     "" if w.get("reachable") or w.get("status") != "running"
                     else " · unreachable")),
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


def describe_volume(i: int, rack: str, volumes: VolumeArrays, size_bytes: float | None,
                    rs: State | None = None, replication_state: str = "") -> str:
    """Rich text for volume ``i`` of the consistency group, shown on ``rack``'s grid; with
    the rack's state ``rs``, it says what the cell's colour says (``looks.grid_side``)."""
    state, rpo = volumes.states[i], float(volumes.rpo_s[i])
    side = "target" if rs is None else looks.grid_side(rs, replication_state)
    rows: list[tuple[str, Any]] = [("Rack", rack)]
    if side == "unavailable":
        rows.append(("State", "unavailable: " + ("the rack is lost" if rs and
                                                  rs["status"] == "lost"
                                                  else "its storage has failed")))
    elif side == "source":
        rows += [("State", "the live copy (replication source)"),
                 ("Backup's copy", f"{looks.volume_word(state, rpo)} ({state_text(state)})")]
    else:
        rows.append(("State", f"{looks.volume_word(state, rpo)} ({state_text(state)})"))
    rows += [("Lag", format_bytes(float(volumes.lag_bytes[i]))),
             ("RPO", format_duration(rpo)),
             ("Progress", f"{float(volumes.progress[i]) * 100:.1f} %")]
    if size_bytes:
        rows.append(("Size", format_bytes(size_bytes)))
    return card(f"Volume {volumes.names[i]}", rows)


def replication_words(state: str) -> str:
    """A consistency group's state: the legend's word and the SVC's (the status bar's):
    ``in sync (consistent synchronized)``."""
    label, words = state_label(REPLICATION, state), state_text(state)
    return label if label == words else f"{label} ({words})"


def card(title: str, rows: list[tuple[str, Any]]) -> str:
    """A title and a two-column table of (name, value) rows, as rich text."""
    body = "".join(
        f"<tr><td style='color:{C.INK_SOFT}; padding-right:12px'>{html.escape(str(k))}</td>"
        f"<td><b>{html.escape(str(v))}</b></td></tr>" for k, v in rows)
    return (f"<div style='font-size:11pt'><b style='font-size:12pt'>{html.escape(title)}</b>"
            f"<table style='margin-top:4px'>{body}</table></div>")
