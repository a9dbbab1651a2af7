"""The two sites as an instructor can break them: racks up or lost, the links between the
sites (cut, or degraded in latency, bandwidth, loss), and the failed parts of a rack that
is up (its V7000 storage, its management nodes). Faults change this state
(twin/faults.py); every other subsystem reads it through :class:`twin.context.SiteView`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twin.config import SystemConfig
from twin.states import Link, RackStatus


@dataclass
class LinkState:
    """An inter-site link as it is now: up, degraded, added latency, loss."""
    up: bool = True
    extra_latency_s: float = 0.0  # one way, added to the propagation delay
    bandwidth_mbps: float | None = None  # None: as configured
    loss_pct: float = 0.0

    @property
    def degraded(self) -> bool:
        return self.extra_latency_s > 0 or self.bandwidth_mbps is not None or self.loss_pct > 0


@dataclass
class RackSite:
    """A rack as it is now: up or lost, failed storage and management nodes."""
    status: RackStatus = RackStatus.UP
    storage_failed: bool = False
    management_nodes_failed: int = 0  # of 2


@dataclass
class Site:
    """Racks and links of one system; implements :class:`twin.context.SiteView`."""

    system: SystemConfig
    racks: dict[str, RackSite] = field(init=False)
    links: dict[Link, LinkState] = field(init=False)

    def __post_init__(self) -> None:
        self.racks = {r: RackSite() for r in self.system.rack_names}
        self.links = {Link.FC: LinkState(), Link.IP: LinkState()}

    # -- SiteView ----------------------------------------------------------------------

    def rack_up(self, rack: str) -> bool:
        r = self.racks.get(rack)
        return r is not None and r.status == RackStatus.UP

    def link_up(self, link: str) -> bool:
        return self.links[Link(link)].up

    def link_extra_latency_s(self, link: str) -> float:
        return self.links[Link(link)].extra_latency_s

    def storage_failed(self, rack: str) -> bool:
        return self.racks[rack].storage_failed

    def console_answers(self, rack: str) -> bool:
        """A rack's console answers while the rack is up and one management node works."""
        return self.rack_up(rack) and self.racks[rack].management_nodes_failed < 2

    # -- derived figures ---------------------------------------------------------------

    def link_bandwidth_mbps(self, link: Link) -> float:
        s = self.links[link]
        cfg = self.system.fc_link if link == Link.FC else self.system.ip_link
        return s.bandwidth_mbps if s.bandwidth_mbps is not None else cfg.bandwidth_mbps

    def ip_path_up(self) -> bool:
        """Management cloning flows over the IP link between two live racks."""
        return self.links[Link.IP].up and all(self.rack_up(r) for r in self.system.rack_names)
