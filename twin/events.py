"""The event log: every action (accepted or refused) and every state change, with its
simulated time. Messages never contain a password (actions are logged via ``describe``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twin.effects import Effect

KINDS = ("action", "refused", "state", "replication", "management", "workload", "network",
         "fault", "alert", "check", "note")
MAX_EVENTS = 200_000  # the log keeps the newest; a day of a busy drill is a few thousand


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the event log."""
    t_s: float
    kind: str
    rack: str | None
    message: str
    item: str | None = None  # topology node id the event is about, for the GUI

    def to_dict(self) -> dict[str, Any]:
        return {"t_s": round(self.t_s, 6), "kind": self.kind, "rack": self.rack,
                "message": self.message, "item": self.item}


class EventLog:
    """The twin's event log and its alerts. Subsystems write to it (each logs the changes
    it makes); ``clock`` gives the simulated time of an entry written without one."""

    def __init__(self, clock: Callable[[], float], max_events: int = MAX_EVENTS) -> None:
        self._clock = clock
        self.max_events = max_events
        self.events: list[Event] = []
        self.alerts: list[dict[str, str]] = []

    def log(self, kind: str, rack: str | None, message: str, item: str | None = None,
            t: float | None = None) -> None:
        self.events.append(Event(self._clock() if t is None else t, kind, rack, message, item))
        if len(self.events) > self.max_events:
            del self.events[: len(self.events) - self.max_events]

    def insert(self, index: int, kind: str, rack: str | None, message: str,
               item: str | None = None) -> None:
        """An entry at ``index`` (now): an action, logged before the changes it caused."""
        self.events.insert(index, Event(self._clock(), kind, rack, message, item))
        if len(self.events) > self.max_events:
            del self.events[: len(self.events) - self.max_events]

    def alert(self, code: str, message: str, t: float | None = None) -> None:
        """An alert, listed once in the state document and logged every time it fires."""
        if not any(a["code"] == code and a["message"] == message for a in self.alerts):
            self.alerts.append({"code": code, "message": message})
        self.log("alert", None, f"[{code}] {message}", t=t)


@dataclass(frozen=True, slots=True)
class Transition:
    """A discrete change of a continuous subsystem (replication, management cloning), at
    its exact time. Replication codes: ``state`` (message: the new state name),
    ``copy_complete``, ``backlog_drained``, ``host_delay_high``, ``host_delay_ok``,
    ``error_1920``, ``target_writes_rejected``; management: ``state``, ``copy_complete``,
    ``change_cloned``."""

    t: float
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Result:
    """What ``Twin.apply`` answers: accepted or refused with the console's message, and a
    hint of what to do first. ``effects`` are the domain events an accepted action causes
    elsewhere (twin/effects.py): the subsystem that accepted it returns them, the Twin
    dispatches them to the subsystems they concern."""

    ok: bool
    message: str
    hint: str = ""
    effects: tuple[Effect, ...] = ()

    def __bool__(self) -> bool:
        return self.ok

    @property
    def text(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


def accepted(message: str, *effects: Effect) -> Result:
    return Result(True, message, effects=effects)


def refused(message: str, hint: str = "") -> Result:
    return Result(False, message, hint)
