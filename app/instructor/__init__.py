"""The instructor station (issue 11): a second top-level window over the same Controller
with the events list, the fault palette, freeze/resume, hints, observations, the trainee's
actions against the answer key and the running score (``station.py``); and the banner the
trainee's window shows when the instructor pauses the exercise or sends a hint
(``banner.py``). Widgets are imported lazily so ``app.instructor`` loads without Qt."""

from __future__ import annotations

from typing import Any

__all__ = ["InstructorBanner", "InstructorStation"]


def __getattr__(name: str) -> Any:
    if name == "InstructorStation":
        from app.instructor.station import InstructorStation

        return InstructorStation
    if name == "InstructorBanner":
        from app.instructor.banner import InstructorBanner

        return InstructorBanner
    raise AttributeError(name)
