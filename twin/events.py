"""The event log: every action (accepted or refused) and every state change, with its
simulated time. Messages never contain a password (actions are logged via ``describe``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("action", "refused", "state", "replication", "management", "workload", "network",
         "fault", "alert", "check", "note")


@dataclass(frozen=True, slots=True)
class Event:
    t_s: float
    kind: str
    rack: str | None
    message: str
    item: str | None = None  # topology node id the event is about, for the GUI

    def to_dict(self) -> dict[str, Any]:
        return {"t_s": round(self.t_s, 6), "kind": self.kind, "rack": self.rack,
                "message": self.message, "item": self.item}


@dataclass(frozen=True, slots=True)
class Result:
    """What ``Twin.apply`` answers: accepted or refused with the console's message, and a
    hint of what to do first."""

    ok: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.ok

    @property
    def text(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


def accepted(message: str) -> Result:
    return Result(True, message)


def refused(message: str, hint: str = "") -> Result:
    return Result(False, message, hint)
