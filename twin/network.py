"""Network redirection (R3, R11 step 5, R14): the external routers, the ToR switches,
reachability and split brain.

Both racks share the same VLANs and IP pools (IP takeover), so whoever advertises the
addresses receives the traffic. Advertising or withdrawing takes effect after the
routers converge. Clients reach a workload when it runs on a rack that is up, that
advertises, and whose ToR switches are configured. Both racks advertising is a split
brain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from twin.actions import AdvertiseRoutes, ConfigureTorSwitches, WithdrawRoutes
from twin.config import SystemConfig
from twin.context import Clock, Log, SiteView
from twin.events import Result, accepted, refused
from twin.kernel import Handle
from twin.states import WorkloadStatus


class Placed(Protocol):
    """What reachability needs of a workload: where it is and whether it runs."""

    @property
    def rack(self) -> str | None: ...

    @property
    def status(self) -> WorkloadStatus: ...


@dataclass
class RackNet:
    """A rack's routers and top-of-rack switches."""
    tor_configured: bool = False
    advertising: bool = False
    tor_handle: Handle | None = None
    route_handle: Handle | None = None
    route_target: bool | None = None  # advertising once the routers converge


class Network:
    """The routers and ToR switches of both racks; owns their state and logs its changes."""

    def __init__(self, system: SystemConfig, clock: Clock, log: Log, site: SiteView) -> None:
        self.system = system
        self.clock = clock
        self.log = log
        self.site = site
        self.racks = {r: RackNet() for r in system.rack_names}
        self.version = 0  # moves on every change of what clients can reach

    def place_active(self, rack: str) -> None:
        self.racks[rack].tor_configured = True
        self.racks[rack].advertising = True
        self.version += 1

    def advertising(self, rack: str) -> bool:
        return self.racks[rack].advertising and self.site.rack_up(rack)

    def split_brain(self) -> bool:
        return all(self.advertising(r) for r in self.racks)

    def reachable(self, w: Placed) -> bool:
        if w.status != WorkloadStatus.RUNNING or w.rack is None:
            return False
        return self.serves(w.rack)

    def serves(self, rack: str) -> bool:
        """Clients reach what runs on ``rack``: it is up, its ToR switches are configured
        and it advertises the addresses, and no other rack advertises them too: in a split
        brain (R14) clients reach one site or the other, so no site serves them."""
        n = self.racks[rack]
        return (self.site.rack_up(rack) and n.tor_configured and n.advertising
                and not self.split_brain())

    def reachable_now(self) -> Callable[[Placed], bool]:
        """:meth:`reachable`, for many workloads at one instant (each rack asked once)."""
        served: dict[str, bool] = {}
        running = WorkloadStatus.RUNNING

        def reachable(w: Placed) -> bool:
            rack = w.rack
            if w.status != running or rack is None:
                return False
            ok = served.get(rack)
            if ok is None:
                ok = served[rack] = self.serves(rack)
            return ok

        return reachable

    def rack_doc(self, rack: str) -> dict[str, Any]:
        n = self.racks[rack]
        return {"tor_configured": n.tor_configured, "advertising": self.advertising(rack),
                "routes_converging": n.route_target is not None,
                "routes_left_s": self._left(n.route_handle),
                "tor_configuring": n.tor_handle is not None,
                "tor_left_s": self._left(n.tor_handle)}

    def _left(self, h: Handle | None) -> float | None:
        return None if h is None or not h.active else max(0.0, h.time - self.clock.now)

    # -- actions -------------------------------------------------------------------------

    def configure_tor(self, a: ConfigureTorSwitches) -> Result:
        n = self.racks[a.rack]
        if n.tor_configured:
            return refused(f"The ToR switches of {a.rack} are already configured.")
        if n.tor_handle is not None:
            return refused(f"The ToR switches of {a.rack} are being configured.")
        delay = self.system.recovery.tor_configure_s

        def done() -> None:
            n.tor_handle = None
            if self.site.rack_up(a.rack):
                n.tor_configured = True
                self.version += 1
                self.log.log("network", a.rack, f"ToR switches of {a.rack} configured",
                             item=f"tor:{a.rack}:0")

        n.tor_handle = self.clock.schedule(delay, done, label="tor")
        return accepted(f"Configuring the ToR switches of {a.rack} (about {delay / 60:.0f} min).")

    def advertise(self, a: AdvertiseRoutes) -> Result:
        return self._routes(a.rack, True)

    def withdraw(self, a: WithdrawRoutes) -> Result:
        return self._routes(a.rack, False)

    def _routes(self, rack: str, on: bool) -> Result:
        n = self.racks[rack]
        verb = "advertise" if on else "withdraw"
        if (n.route_target if n.route_target is not None else n.advertising) == on:
            return refused(f"The routers already {verb} {rack}'s IP addresses.")
        if n.route_handle is not None:
            n.route_handle.cancel()
        delay = self.system.recovery.route_convergence_s
        n.route_target = on

        def done() -> None:
            n.route_handle, n.route_target = None, None
            n.advertising = on
            self.version += 1
            word = "advertise" if on else "no longer advertise"
            self.log.log("network", rack, f"Routers {word} {rack}'s IP addresses",
                         item=f"router:{rack}")
            if self.split_brain():
                self.log.alert("split-brain", "Both racks advertise the same IP addresses: "
                               "split brain (R14). Withdraw the routes on one rack.")

        n.route_handle = self.clock.schedule(delay, done, label="routes")
        return accepted(f"Routers {'advertising' if on else 'withdrawing'} {rack}'s IP "
                        f"addresses; they converge in about {delay:.0f} s.")

    def reset_takeover(self, rack: str) -> None:
        """A backup's ToR switches are not set up for the takeover (R10, R11 step 3)."""
        self.racks[rack].tor_configured = False
        self.version += 1

    def rack_lost(self, rack: str) -> None:
        n = self.racks[rack]
        for h in (n.tor_handle, n.route_handle):
            if h is not None:
                h.cancel()
        n.tor_handle = n.route_handle = None
        n.route_target = None

    def rack_restored(self, rack: str) -> None:
        """A restored site's routers come back with their configuration: still advertising
        if they were, which is a split brain if the other rack took over (R14)."""
        if self.advertising(rack) and self.split_brain():
            self.log.alert("split-brain", f"{rack} came back with its routers still "
                           "advertising: both racks advertise the same IP addresses (R14). "
                           f"Withdraw the routes on {rack}.")
