"""The keys of the state document (scenario-format.md), so that the loader can tell a typo
in a wait/check path from a real path before anything runs. ``tests/test_statedoc.py``
keeps this map equal to what ``Twin.state()`` builds. ``*`` stands for a rack, a workload
or a link name; ``None`` means the value below is free-form (a list, a mapping of checks).
"""

from __future__ import annotations

from typing import Any

STATE_KEYS: dict[str, Any] = {
    "time_s": None,
    "racks": {"*": {
        "status": None,
        "compute_nodes": {"total": None, "in_cloud_groups": None, "quiesced": None,
                          "failed": None, "adding": None},
        "tor_configured": None, "advertising": None, "routes_converging": None,
        "tor_configuring": None, "storage_failed": None, "management_nodes_failed": None,
        "role": None, "replication_source": None, "data_consistent": None,
    }},
    "profiles": {"*": {
        "state": None, "role": None, "icon": None, "peer": None, "peer_address": None,
        "peer_user": None, "sections": {"enable": None, "monitor": None, "failover": None},
        "validation": None, "failover_type": None,
    }},
    "links": {"*": {"up": None, "degraded": None, "extra_latency_ms": None,
                    "bandwidth_mbps": None, "loss_pct": None}},
    "replication": {
        "state": None, "consistent": None, "initial_copy_complete": None, "progress": None,
        "eta_s": None, "lag_bytes": None, "rpo_s": None, "errors": None,
        "host_delay_s": None, "throughput_bps": None, "bandwidth_bps": None,
        "direction": None, "volumes": None,
    },
    "management": {"state": None, "initial_copy_complete": None, "progress": None,
                   "lag_s": None, "missing_on_backup": None},
    "workloads": {"*": {"rack": None, "reachable": None, "status": None, "reason": None,
                        "middleware": None, "needs": None}},
    "service": {"available": None, "split_brain": None, "down_since_s": None},
    "outcome": {
        "disaster_at_s": None, "data_loss_bytes": None, "rpo_achieved_s": None,
        "service_down_at_s": None, "service_restored_at_s": None, "rto_s": None,
        "rto_breakdown_s": {"decision": None, "data_sync": None, "restart": None,
                            "network": None},
        "milestones_s": {"first_action": None, "takeover": None, "all_running": None},
    },
    "alerts": None,
}


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot name a value of the state document, or None. Names standing for
    racks and workloads are checked by the loader, which knows the scenario's names."""
    node: Any = STATE_KEYS
    done: list[str] = []
    for seg in path.split("."):
        if node is None:
            return None  # free-form below (a list index, a validation check name)
        if "*" in node and len(node) == 1:
            node = node["*"]
        elif seg in node:
            node = node[seg]
        else:
            where = ".".join(done) or "the state document"
            keys = ", ".join(sorted(node))
            return f"{where} has no {seg!r}; it has {keys}"
        done.append(seg)
    return None


def leaf_paths(doc: dict[str, Any], prefix: str = "") -> set[str]:
    """Every key path of a state document, for the consistency test."""
    out = set()
    for k, v in doc.items():
        p = f"{prefix}{k}"
        out.add(p)
        if isinstance(v, dict):
            out |= leaf_paths(v, p + ".")
    return out
