"""The simulation kernel: simulated time and a deterministic event heap.

A heap of ``(time, priority, seq, callback)``; ``seq`` is monotonic, so two events at
the same time and priority run in the order they were scheduled, every run. The kernel
owns time only: randomness belongs to the model (the Twin spawns its generators from one
``SeedSequence``, as Mesa's model owns its RNG). Nothing here (or anywhere in ``twin/``)
reads the wall clock. Compare SimPy's ``Environment.schedule``.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field


class SchedulingError(ValueError):
    """An event was scheduled into the past, or at a time that is not a number."""


@dataclass(order=True)
class _Entry:
    """One scheduled event (ordered by time, priority, then sequence)."""
    time: float
    priority: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    label: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)


class Handle:
    """Returned by :meth:`Kernel.schedule`; lets the owner cancel the event."""

    __slots__ = ("_entry",)

    def __init__(self, entry: _Entry) -> None:
        self._entry = entry

    @property
    def time(self) -> float:
        return self._entry.time

    @property
    def active(self) -> bool:
        return not self._entry.cancelled

    def cancel(self) -> None:
        self._entry.cancelled = True


class Kernel:
    """Simulated clock plus event heap. ``advance`` is called with each new time before
    an event runs, so continuous subsystems can integrate up to that instant."""

    def __init__(self, advance: Callable[[float], None] | None = None) -> None:
        self.now: float = 0.0
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._advance = advance or (lambda t: None)
        self.events_run = 0

    def schedule(
        self, delay: float, callback: Callable[[], None], priority: int = 0, label: str = ""
    ) -> Handle:
        if not math.isfinite(delay) or delay < 0:
            raise SchedulingError(f"cannot schedule {label or 'an event'} {delay!r}s from now")
        return self.schedule_at(self.now + delay, callback, priority, label)

    def schedule_at(
        self, time: float, callback: Callable[[], None], priority: int = 0, label: str = ""
    ) -> Handle:
        if not math.isfinite(time) or time < self.now:
            raise SchedulingError(
                f"cannot schedule {label or 'an event'} at t={time!r}s: now is t={self.now}s"
            )
        entry = _Entry(time, priority, next(self._seq), callback, label)
        heapq.heappush(self._heap, entry)
        return Handle(entry)

    def peek(self) -> float | None:
        """Time of the next live event, or None."""
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
        return heap[0].time if heap else None

    def step(self) -> str | None:
        """Run the next live event (advancing time to it) and return its label (``""`` if
        it has none); None if there is no event."""
        t = self.peek()
        if t is None:
            return None
        entry = heapq.heappop(self._heap)
        if entry.time > self.now:
            self._advance(entry.time)
            self.now = entry.time
        self.events_run += 1
        entry.callback()
        return entry.label

    def run_until(self, t: float) -> None:
        """Run every event with time <= t, then move the clock to t."""
        if t < self.now:
            raise SchedulingError(f"cannot run back to t={t}s: now is t={self.now}s")
        while True:
            nxt = self.peek()
            if nxt is None or nxt > t:
                break
            self.step()
        if t > self.now:
            self._advance(t)
            self.now = t
