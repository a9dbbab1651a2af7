"""How each thing in the topology looks, as pure functions of the state document: a rack's
badge, a compute node, a switch, a router, a link, a workload, the volumes' colours. The
view (``view.py``) hands the results to its items; tests call these without a window.
No Qt here: colours are the palette's hex strings (``app/theme.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from app.format import copy_type, format_bandwidth, format_pct, state_text
from app.theme import (
    MANAGEMENT,
    MANAGEMENT_FLOWING,
    REPLICATION,
    REPLICATION_FLOWING,
    ROLE,
    STALE_AFTER_S,
    WORKLOAD,
    C,
    state_label,
)

State = Mapping[str, Any]


class Look(NamedTuple):
    """Everything that decides how a box is painted; a box repaints only when it changes."""

    fill: str
    border: str = C.FRAME
    text: str = C.INK
    subtitle: str = ""
    hatch: bool = False
    dashed: bool = False
    border_w: float = 1.2
    bold: bool = False


class RackBadge(NamedTuple):
    """The rack frame's header: the role badge's text (empty for none), lost, and whether
    it shows the SERVICE IP badge."""

    role: str
    lost: bool
    advertising: bool


class LinkState(NamedTuple):
    """An inter-site link: colour, style (``solid``, ``flow`` or ``cut``), direction of
    the flow (+1 from the first rack, -1 towards it, 0 none) and the text under it."""

    colour: str
    style: str
    direction: int
    detail: str


class WireState(NamedTuple):
    colour: str
    width: float
    dashed: bool


# -- racks -----------------------------------------------------------------------------------

def rack_badge(rs: State) -> RackBadge:
    role = rs.get("role") or "none"
    return RackBadge("" if role == "none" else ROLE.get(role, ROLE["none"]).label.upper(),
                     rs["status"] == "lost", bool(rs["advertising"]))


def compute_node_looks(cn: State, failed: Collection[int]) -> list[Look]:
    """One look per compute node of a rack (``racks.<r>.compute_nodes``): failed red; in a
    cloud group blue; being added pale and dashed; in no group white and dashed; hatched
    while quiesced."""
    in_cg, adding, quiesced = int(cn["in_cloud_groups"]), int(cn["adding"]), bool(cn["quiesced"])
    out = []
    for c in range(int(cn["total"])):
        if c in failed:
            out.append(Look(C.RED, C.RED, C.PAPER, bold=True))
        elif c < in_cg:
            out.append(Look(C.NODE, C.ACCENT_DARK, C.PAPER, hatch=quiesced))
        elif c < in_cg + adding:
            out.append(Look(C.BLUE_SOFT, C.NODE, C.INK, dashed=True, hatch=quiesced))
        else:
            out.append(Look(C.NODE_IDLE, C.GREY, C.INK_SOFT, dashed=True, hatch=quiesced))
    return out


def cloud_group_look(cn: State) -> Look:
    in_cg, total = int(cn["in_cloud_groups"]), int(cn["total"])
    active = in_cg > 0
    sub = f"{in_cg}/{total} nodes" + (" · QUIESCED" if cn["quiesced"] else "")
    return Look(C.GROUP_ACTIVE if active else C.PAPER, C.ACCENT if active else C.GREY,
                C.INK if active else C.INK_SOFT, sub, dashed=not active)


def network_pill_look(cn: State) -> Look:
    """A VLAN or the IP pool on the cloud group's footer: blue while the group has nodes."""
    active = int(cn["in_cloud_groups"]) > 0
    return Look(C.BLUE_SOFT if active else C.GREY_SOFT, C.ACCENT if active else C.GREY, C.INK)


def management_node_looks(rs: State, count: int = 2) -> list[Look]:
    failed = int(rs.get("management_nodes_failed", 0))
    return [Look(C.RED, C.RED, C.PAPER, "failed") if m < failed else
            Look(C.PAPER, C.FRAME, C.INK, "active" if m == failed else "standby")
            for m in range(count)]


def tor_look(rs: State) -> Look:
    if rs["tor_configured"]:
        return Look(C.PAPER, C.FRAME, C.INK, "ready")
    if rs.get("tor_configuring"):
        return Look(C.AMBER_SOFT, C.AMBER, C.INK, "configuring", dashed=True)
    return Look(C.PAPER, C.GREY, C.INK_SOFT, "not set up", dashed=True)


def v7000_look(rs: State) -> Look:
    if rs.get("storage_failed"):
        return Look(C.RED_SOFT, C.RED, C.INK, border_w=3)
    src = bool(rs.get("replication_source"))
    return Look(C.PAPER, C.ACCENT if src else C.FRAME, C.INK, border_w=2.5 if src else 1.2)


def router_look(rs: State, ip_pool: str) -> Look:
    if rs["status"] == "lost":
        return Look(C.GREY_SOFT, C.GREY, C.INK_SOFT, "unreachable")
    if rs["advertising"]:
        return Look(C.GREEN_SOFT, C.GREEN, C.INK, f"advertises {ip_pool}", border_w=3)
    return Look(C.PAPER, C.GREY, C.INK_SOFT,
                "converging…" if rs.get("routes_converging") else "not advertising")


def serve_wire(rs: State, split_brain: bool) -> WireState:
    """Router → clients: thick green while the router advertises (red in a split brain)."""
    if rs["advertising"]:
        return WireState(C.RED if split_brain else C.GREEN, 8, False)
    return WireState(C.GREY, 2, True)


def uplink_wire(rs: State) -> WireState:
    """ToR switches → router: solid once the switches are configured."""
    ok = bool(rs["tor_configured"])
    return WireState(C.FRAME if ok else C.GREY, 3 if ok else 2, not ok)


def clients_look(service: State) -> Look:
    avail, split = bool(service["available"]), bool(service["split_brain"])
    good = avail and not split
    return Look(C.GREEN_SOFT if good else C.RED_SOFT, C.GREEN if good else C.RED, C.INK,
                "SPLIT BRAIN" if split else ("service available" if avail else "service DOWN"))


# -- workloads -------------------------------------------------------------------------------

def workload_look(w: State) -> Look:
    status = str(w["status"])
    colour = WORKLOAD.get(status, WORKLOAD["stopped"]).colour
    text = C.PAPER if status in ("running", "failed", "stopped") else C.INK
    reach = "" if w.get("reachable") or status != "running" else " · unreachable"
    if w.get("throttled"):  # R20a: the FC link holds its writes back (border in the RPO's
        # orange, the text says how much)
        achieved, demand = w.get("write_mb_s", 0.0), w.get("demand_mb_s", 0.0)
        sub = f"throttled {format_pct(achieved / demand) if demand > 0 else ''}"
        return Look(colour, C.ORANGE, text, sub + reach, dashed=bool(reach), border_w=3.0,
                    bold=True)
    return Look(colour, colour, text, f"{status}{reach}", dashed=bool(reach))


# -- links -----------------------------------------------------------------------------------

def link_flowing(link: str, st: State) -> bool:
    """Whether the link carries data now: the FC link while the consistency group copies
    or mirrors; the IP link while the management data clones (initial copy or kept in
    sync). A link that is down carries nothing."""
    if not st["links"][link]["up"]:
        return False
    if link == "fc":
        return str(st["replication"]["state"]) in REPLICATION_FLOWING
    return str(st["management"]["state"]) in MANAGEMENT_FLOWING


def link_state(link: str, st: State, first_rack: str, rtt_s: float) -> LinkState:
    """The look of the ``fc`` or ``ip`` link; ``rtt_s`` is its round trip without faults
    (from the topology's one-way delay)."""
    ls = st["links"][link]
    rep = st["replication"]
    src = rep["direction"][0]
    direction = 1 if src == first_rack else -1
    rtt_ms = rtt_s * 1000 + 2 * ls.get("extra_latency_ms", 0.0)
    bw_text = format_bandwidth(ls.get("bandwidth_mbps") or 0)
    flowing = link_flowing(link, st)
    if link == "fc":
        state = str(rep["state"])
        # two lines under the link: the copy type, and the state (or the hosts throttled:
        # the group is still synchronized then, as the status bar says)
        what = "HOSTS THROTTLED" if rep.get("throttled") else state_text(state)
        extra = f"{copy_type(rep.get('mode', 'global-mirror'), short=True)} · {what}"
        if state == "inconsistent_copying":
            extra += f" {rep.get('progress', 0) * 100:.0f}%"
        flow_colour = C.ACCENT
    else:
        mstate = str(st["management"]["state"])
        extra = f"cloning {state_label(MANAGEMENT, mstate)}"
        flow_colour = MANAGEMENT.get(mstate, MANAGEMENT["synchronized"]).colour
    if not ls["up"]:
        return LinkState(C.RED, "cut", 0, f"link down\n{extra}")
    if ls["degraded"]:
        loss = ls.get("loss_pct", 0)
        detail = f"DEGRADED · {bw_text}\nRTT {rtt_ms:.1f} ms" + (
            f" · {loss:g}% loss" if loss else "")
        return LinkState(C.ORANGE, "flow" if flowing else "solid",
                         direction if flowing else 0, detail)
    detail = f"{bw_text} · RTT {rtt_ms:.1f} ms\n{extra}"
    if flowing:
        return LinkState(flow_colour, "flow", direction, detail)
    return LinkState(C.GREY, "solid", 0, detail)


# -- volumes ---------------------------------------------------------------------------------

def argb(hex_colour: str, alpha: int = 255) -> int:
    """``#rrggbb`` as a 0xAARRGGBB integer (a QImage ARGB32 pixel)."""
    return (alpha << 24) | int(hex_colour.lstrip("#"), 16)


_STATE_ARGB = {k: argb(v.colour) for k, v in REPLICATION.items()}
_UNKNOWN = argb(C.GREY)


def volume_colours(states: Sequence[str], rpo_s: np.ndarray | Sequence[float]) -> np.ndarray:
    """ARGB per volume of the replication target: its state's colour; a synchronised
    volume turns amber (the legend's "stale") when its RPO exposure passes
    ``STALE_AFTER_S``."""
    n = len(states)
    first = states[0] if n else ""
    if all(s == first for s in states):
        out = np.full(n, _STATE_ARGB.get(first, _UNKNOWN), dtype=np.uint32)
        sync = np.full(n, first == "consistent_synchronized", dtype=bool)
    else:
        out = np.fromiter((_STATE_ARGB.get(s, _UNKNOWN) for s in states), dtype=np.uint32,
                          count=n)
        sync = np.fromiter((s == "consistent_synchronized" for s in states), dtype=bool,
                           count=n)
    rpo = np.asarray(rpo_s, dtype=float)
    if rpo.shape[0] == n:
        out[sync & (rpo > STALE_AFTER_S)] = argb(C.AMBER)
    return out


def grid_side(rs: State, replication_state: str) -> str:
    """What one rack's volume grid shows: ``unavailable`` (the rack or its storage is
    lost), ``source`` (the replication source while it replicates: it holds the live copy)
    or ``target`` (the states of the target's copy)."""
    if rs["status"] == "lost" or rs.get("storage_failed"):
        return "unavailable"
    if rs.get("replication_source") and not replication_state.startswith("idling"):
        return "source"
    return "target"


def volume_word(state: str, rpo_s: float) -> str:
    """The legend's word for a volume of the target: its state's label, and "stale" for a
    synchronised volume further behind than ``STALE_AFTER_S`` (its amber)."""
    if state == "consistent_synchronized" and rpo_s > STALE_AFTER_S:
        return REPLICATION["consistent_stopped"].label
    return state_label(REPLICATION, state)


def grid_colours(rs: State, replication_state: str, target: np.ndarray) -> np.ndarray:
    """The colours of one rack's volume grid (``grid_side``): grey when unavailable; all
    green on the replication source; else the target's colours (``volume_colours``)."""
    n = target.shape[0]
    side = grid_side(rs, replication_state)
    if side == "unavailable":
        return np.full(n, _UNKNOWN, dtype=np.uint32)
    if side == "source":
        return np.full(n, _STATE_ARGB["consistent_synchronized"], dtype=np.uint32)
    return target
