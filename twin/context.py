"""What a subsystem may read and do: narrow interfaces (``Protocol``), handed to each
subsystem by the Twin when it wires them.

A subsystem's constructor names what it needs (a clock, the log, the site, a query of
another subsystem); it cannot reach anything else, and none of them imports
``twin.twin``. Changes that concern another subsystem are returned as domain events
(twin/effects.py), never made there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from twin.effects import Effect
from twin.kernel import Handle

# A scheduled callback may return the domain events its change causes.
Callback = Callable[[], Iterable[Effect] | None]


class Clock(Protocol):
    """Simulated time: read it, and schedule work in it. A callback's effects are
    dispatched, and the derived state refreshed, after it runs."""

    @property
    def now(self) -> float: ...

    def schedule(self, delay: float, callback: Callback, label: str = "",
                 priority: int = 0) -> Handle: ...

    def schedule_at(self, time: float, callback: Callback, label: str = "",
                    priority: int = 0) -> Handle: ...


class Log(Protocol):
    """The event log (twin/events.py ``EventLog``)."""

    def log(self, kind: str, rack: str | None, message: str, item: str | None = None,
            t: float | None = None) -> None: ...

    def alert(self, code: str, message: str, t: float | None = None) -> None: ...


class SiteView(Protocol):
    """What the site is like now: racks up or lost, links, failed parts (twin/site.py)."""

    def rack_up(self, rack: str) -> bool: ...

    def link_up(self, link: str) -> bool: ...

    def link_extra_latency_s(self, link: str) -> float: ...

    def storage_failed(self, rack: str) -> bool: ...

    def console_answers(self, rack: str) -> bool: ...


class DataView(Protocol):
    """Which rack holds a usable copy of the data (twin/storage.py)."""

    @property
    def source(self) -> str: ...

    def data_consistent(self, rack: str) -> bool: ...

    def data_reason(self, rack: str) -> str: ...
