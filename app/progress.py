"""``drtwin run`` on a terminal: progress in simulated time, and Ctrl-C that stops the run
between two events with the report so far (issue 8, finding 3).

The runner calls :class:`Progress` after every event with the simulated time
(``twin.runner.Runner(progress=...)``; the run is the same with or without it). It draws
tqdm's bar on a terminal (stderr) when tqdm is installed, else plain lines;
``DRTWIN_PROGRESS=1`` forces plain lines (a pipe, a test), ``0`` none. Wall-clock time is
read here, in the application, never in ``twin/``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any


class Interrupted(Exception):
    """Ctrl-C, raised between two events of the run."""


@contextlib.contextmanager
def ctrl_c() -> Iterator[list[bool]]:
    """While inside, the first Ctrl-C only sets ``pressed[0]`` (the run stops at its next
    event, its state whole); a second raises KeyboardInterrupt at once, unless the run is
    over (``pressed[1]`` false): the report is being written, and is written whole."""
    pressed = [False, True]

    def handler(signum: int, frame: Any) -> None:
        if not pressed[1]:
            return
        if pressed[0]:
            raise KeyboardInterrupt
        pressed[0] = True

    try:
        old = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: Ctrl-C stays Python's
        old = None
    try:
        yield pressed
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


class Progress:
    """Called by the runner after every event with the simulated time: stops the run on
    Ctrl-C, and now and then (at most five times a second) redraws the progress."""

    def __init__(self, horizon_s: float, pressed: list[bool]) -> None:
        from twin.durations import format_duration

        self.fmt = format_duration
        self.horizon = horizon_s
        self.pressed = pressed
        self.calls = 0
        self.now = 0.0  # the simulated time of the latest event
        self.shown_at = 0.0
        self.bar: Any = None
        self.lines = False
        want = os.environ.get("DRTWIN_PROGRESS", "")
        if want == "0" or horizon_s <= 0 or not (want == "1" or sys.stderr.isatty()):
            return
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=round(horizon_s), desc="simulating", unit="s",
                                file=sys.stderr, leave=False, dynamic_ncols=True,
                                bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}")
            except ImportError:
                self.lines = True
        else:
            self.lines = True

    def __call__(self, t: float) -> None:
        self.now = t
        if self.pressed[0]:
            raise Interrupted
        self.calls += 1
        if (self.bar is None and not self.lines) or self.calls % 256:
            return
        now = time.monotonic()
        if now - self.shown_at < 0.2:
            return
        self.shown_at = now
        text = f"{self.fmt(t)} of at most {self.fmt(self.horizon)} simulated"
        if self.bar is not None:
            self.bar.set_description_str(text, refresh=False)
            self.bar.update(min(round(t), self.bar.total) - self.bar.n)
        else:
            print(f"drtwin: {text} ({100 * t / self.horizon:.0f}%)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def report_of(runner: Any, now: float) -> dict[str, Any]:
    """The report of a run interrupted at simulated time ``now``: what it did so far, not
    ok."""
    try:
        report: dict[str, Any] = runner.report()
    except Exception as e:  # noqa: BLE001 - a second Ctrl-C may have hit inside an event
        report = {"scenario": runner.scenario.name, "seed": runner.scenario.seed,
                  "error": f"the state could not be read after the interruption ({e})"}
    report.update(ok=False, interrupted=True, interrupted_at_s=now)
    return report


@contextlib.contextmanager
def bar(unit: str) -> Iterator[Any]:
    """Yields ``progress(done, total)`` for work counted in runs (a sweep): tqdm's bar with
    an ETA while a terminal watches stderr; nothing otherwise."""
    if not sys.stderr.isatty() or os.environ.get("DRTWIN_PROGRESS") == "0":
        yield lambda done, total: None
        return
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        yield lambda done, total: None
        return
    shown = tqdm(total=0, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=False)

    def progress(done: int, total: int) -> None:
        shown.total = total
        shown.n = done
        shown.refresh()

    try:
        yield progress
    finally:
        shown.close()
