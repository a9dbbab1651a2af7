"""The faults an instructor injects on the site (scenario-format.md, "Faults"): links
cut, degraded and restored; a site lost and restored; a rack's V7000 storage or
management nodes failed and repaired.

Each handler changes the site (:class:`twin.site.Site`, which it owns) and returns the
domain events that the rest of the twin must hear (twin/effects.py): the Twin dispatches
them to replication, cloning, workloads and network. Faults on parts that other
subsystems own go there: ``fail-compute-node`` to twin/workloads.py, ``surge-writes`` to
twin/storage.py.
"""

from __future__ import annotations

from twin import actions as A
from twin import effects as E
from twin.events import Result, accepted, refused
from twin.site import LinkState, Site
from twin.states import Link, RackStatus


class Faults:
    def __init__(self, site: Site) -> None:
        self.site = site

    # -- links ---------------------------------------------------------------------------

    def cut_link(self, a: A.CutLink) -> Result:
        link = Link(a.link)
        if not self.site.links[link].up:
            return refused(f"The {link.upper()} link is already down.")
        self.site.links[link].up = False
        return accepted(f"{link.upper()} link between the sites cut.", E.LinkChanged(link))

    def restore_link(self, a: A.RestoreLink) -> Result:
        link = Link(a.link)
        s = self.site.links[link]
        if s.up and not s.degraded:
            return refused(f"The {link.upper()} link is up and not degraded.")
        self.site.links[link] = LinkState()
        return accepted(f"{link.upper()} link restored.", E.LinkChanged(link))

    def degrade_link(self, a: A.DegradeLink) -> Result:
        link = Link(a.link)
        s = self.site.links[link]
        if a.latency_ms is None and a.bandwidth_mbps is None and a.loss_pct is None:
            return refused("degrade-link needs latency_ms, bandwidth_mbps or loss_pct.")
        if a.latency_ms is not None:
            s.extra_latency_s = max(0.0, a.latency_ms) / 1000
        if a.bandwidth_mbps is not None:
            s.bandwidth_mbps = max(0.001, a.bandwidth_mbps)
        if a.loss_pct is not None:
            s.loss_pct = min(max(0.0, a.loss_pct), 100.0)
        parts = [f"+{s.extra_latency_s * 1000:g} ms" if s.extra_latency_s else "",
                 f"{s.bandwidth_mbps:g} Mb/s" if s.bandwidth_mbps is not None else "",
                 f"{s.loss_pct:g}% loss" if s.loss_pct else ""]
        return accepted(f"{link.upper()} link degraded: {', '.join(p for p in parts if p)}.",
                        E.LinkChanged(link))

    # -- racks ---------------------------------------------------------------------------

    def lose_rack(self, a: A.LoseRack) -> Result:
        if not self.site.rack_up(a.rack):
            return refused(f"{a.rack} is already lost.")
        self.site.racks[a.rack].status = RackStatus.LOST
        return accepted(f"Site {a.rack} lost: the rack, its routers and its storage are gone.",
                        E.RackLost(a.rack))

    def restore_rack(self, a: A.RestoreRack) -> Result:
        r = self.site.racks[a.rack]
        if r.status == RackStatus.UP:
            if r.storage_failed or r.management_nodes_failed:
                return self._repair(a.rack)
            return refused(f"{a.rack} is not lost and nothing on it has failed.")
        r.status = RackStatus.UP
        r.storage_failed = False
        r.management_nodes_failed = 0
        return accepted(f"Site {a.rack} restored with its data as it was; its workloads are "
                        "stopped.", E.RackRestored(a.rack), E.LinkChanged(Link.IP))

    def _repair(self, rack: str) -> Result:
        """Repair a rack that is up: its V7000 and management nodes (data as it was)."""
        r = self.site.racks[rack]
        repaired: list[str] = []
        effects: list[E.Effect] = []
        if r.storage_failed:
            r.storage_failed = False
            repaired.append("its V7000 storage")
            effects.append(E.StorageRepaired(rack))
        if r.management_nodes_failed:
            r.management_nodes_failed = 0
            repaired.append("its management nodes")
            effects.append(E.ManagementNodesRepaired(rack))
        return accepted(f"{rack} repaired: {' and '.join(repaired)}.", *effects)

    def fail_management_node(self, a: A.FailManagementNode) -> Result:
        r = self.site.racks[a.rack]
        if r.management_nodes_failed >= 2:
            return refused(f"Both management nodes of {a.rack} have already failed.")
        r.management_nodes_failed += 1
        if r.management_nodes_failed == 1:
            return accepted(f"A management node of {a.rack} failed; its peer node takes over.")
        return accepted(f"Both management nodes of {a.rack} failed: the console does not "
                        "answer and management cloning stops.", E.ManagementNodesFailed(a.rack))

    def fail_storage(self, a: A.FailStorage) -> Result:
        r = self.site.racks[a.rack]
        if r.storage_failed:
            return refused(f"The V7000 of {a.rack} has already failed.")
        r.storage_failed = True
        return accepted(f"The V7000 storage of {a.rack} failed.", E.StorageFailed(a.rack))
