"""What the console and its dialogs share: the console's answer to an action (a line that
stays until the next action), and the types of the ``apply`` callable every dialog acts
through (the console's, which calls ``controller.apply``).

An answer is of its moment: once simulated time has passed and the twin's state has
changed since (an event of the log that changes state: not a note, a check or a refusal),
the line is marked stale, greyed and prefixed "Earlier, at 0d 00:30:00 —", so that a
trainee does not act on an old answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.format import format_clock
from app.theme import ERROR_TEXT, MUTED_TEXT, OK_TEXT, C
from twin import actions as A
from twin.events import Event, Result

ApplyFn = Callable[[A.Action], Result]
State = Mapping[str, Any]
# simulated time now and the event log (the controller's ``now`` and ``events()``)
ClockFn = Callable[[], tuple[float, Sequence[Event]]]

# the event kinds that do not change the twin's state
NOT_CHANGES = frozenset({"note", "check", "refused"})
STALE_TIP = ("The twin's state has changed since this answer: act on what the console "
             "shows now, or ask again.")


def moved_on(events: Sequence[Event], at_s: float, last: Event | None, now: float) -> bool:
    """Whether the state has moved on since an answer shown at ``at_s``, when ``last`` was
    the newest event: time has passed and an event after ``last`` changed the state."""
    if now <= at_s:
        return False
    for ev in reversed(events):
        if ev is last or ev.t_s < at_s:
            return False
        if ev.kind not in NOT_CHANGES:
            return True
    return False


class MessageLine(QLabel):
    """The console's message: green when accepted, red with the hint when refused. It stays
    until the next action; greyed as "Earlier, at …" once the state has moved on (with a
    ``clock``, checked by :meth:`age` on every refresh)."""

    def __init__(self, clock: ClockFn | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clock = clock
        self.result: Result | None = None
        self.shown_at: float | None = None  # simulated time of the answer
        self._last: Event | None = None  # the newest event then
        self.stale = False
        self.hide()

    def show_result(self, res: Result | None) -> None:
        self.result = res
        self.stale = False
        if res is None:
            self.shown_at = None
            self.clear()
            self.hide()
            return
        if self.clock is not None:
            now, events = self.clock()
            self.shown_at, self._last = now, (events[-1] if events else None)
        self._render()
        self.show()

    def age(self) -> bool:
        """Mark the answer stale if the state has moved on since it was shown; whether it
        is stale."""
        if self.result is None or self.stale or self.clock is None or self.shown_at is None:
            return self.stale
        now, events = self.clock()
        if moved_on(events, self.shown_at, self._last, now):
            self.stale = True
            self._render()
        return self.stale

    def _render(self) -> None:
        res = self.result
        assert res is not None
        mark = "✓" if res.ok else "✗"
        if self.stale and self.shown_at is not None:
            self.setText(f"Earlier, at {format_clock(self.shown_at)} — {mark} {res.text}")
            self.setToolTip(STALE_TIP)
            self.setStyleSheet(
                f"QLabel {{ color: {MUTED_TEXT}; background: {C.LAYER};"
                f" border: 1px dashed {C.LINE}; border-radius: 4px; padding: 6px; }}")
            return
        color = OK_TEXT if res.ok else ERROR_TEXT
        self.setText(f"{mark} {res.text}")
        self.setToolTip("")
        self.setStyleSheet(
            f"QLabel {{ color: {color}; background: {C.GREEN_SOFT if res.ok else C.RED_SOFT};"
            f" border: 1px solid {color}; border-radius: 4px; padding: 6px; }}")
