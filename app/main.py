"""Start the desktop application (``drtwin``, ``drtwin gui FILE``).

``--screenshot OUT.png --at 2h --size 1600x1000`` plays the scenario to that simulated
time offscreen, writes a PNG of the main window and exits: for documentation, tests and
bug reports. A bad scenario file is a clear message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from app import resources, theme


class UsageError(ValueError):
    """A bad command-line value (exit status 2)."""


def parse_size(text: str) -> tuple[int, int]:
    """``1600x1000`` → (1600, 1000)."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", text or "")
    if not m:
        raise UsageError(f"--size {text!r}: write WIDTHxHEIGHT, e.g. 1600x1000")
    w, h = int(m.group(1)), int(m.group(2))
    if not (320 <= w <= 10000 and 240 <= h <= 10000):
        raise UsageError(f"--size {text!r}: width 320–10000 and height 240–10000 pixels")
    return w, h


def apply_style(app: object) -> None:
    """The application font and style sheet (assets/style.qss, its colours from
    app/theme.py)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    f = QFont(app.font())
    f.setPointSizeF(theme.DEFAULT.font_pt)
    app.setFont(f)
    app.setStyleSheet(theme.style_sheet(resources.style_template()))


def _fail(message: str, gui: bool) -> int:
    print(f"drtwin: {message}", file=sys.stderr)
    if gui:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "DR Twin", message)
    return 2


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window on ``args.file``; with ``args.screenshot``, save a PNG and exit."""
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from twin.durations import DurationError, parse_duration
    from twin.scenario import ScenarioError, load_scenario

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "drtwin"])
    assert isinstance(app, QApplication)
    app.setOrganizationName("DRTwin")
    app.setApplicationName("drtwin")
    app.setApplicationDisplayName("DR Twin")
    apply_style(app)

    at_s = 0.0
    size = (1600, 1000)
    try:
        if screenshot:
            at_s = parse_duration(getattr(args, "at", "0s") or "0s")
            size = parse_size(getattr(args, "size", "1600x1000") or "1600x1000")
    except (DurationError, UsageError) as e:
        return _fail(f"--at: {e}" if isinstance(e, DurationError) else str(e), False)

    try:
        scenario = load_scenario(args.file)
    except ScenarioError as e:
        return _fail(f"invalid scenario: {e}", not screenshot)

    from app.controller import Controller
    from app.main_window import MainWindow

    controller = Controller(scenario)
    window = MainWindow(controller, persist=not screenshot, size=size if screenshot else None)
    station = window.open_instructor_station() if getattr(args, "instructor", False) else None
    present = bool(getattr(args, "present", False))
    speed = getattr(args, "speed", None)
    if speed is not None and not 0 < speed <= 1e9:
        return _fail(f"--speed {speed:g}: give simulated seconds per real second, above 0",
                     False)
    trainee = getattr(args, "trainee", None)  # `--trainee [NAME]`: play as a trainee
    if trainee is not None and screenshot:
        window.trainee.start(trainee or None)
    if screenshot:
        window.show()
        app.processEvents()
        if present:  # the captions, in the projector theme, through every pause
            window.presenter.start(speed=speed, play=False)
            window.presenter.run_to(at_s)
            window.presenter.notes.hide()
        controller.advance_to(at_s)
        app.processEvents()
        window.topology.fit()
        app.processEvents()
        out = Path(screenshot)
        if out.parent and not out.parent.exists():
            return _fail(f"cannot write {out}: no directory {out.parent}", False)
        ok = window.grab().save(str(out))
        if station is not None:
            station.refresh_trainee()  # type: ignore[attr-defined]
            app.processEvents()
            ok = ok and station.grab().save(str(out.with_name(f"{out.stem}-instructor.png")))
        window.close()
        if not ok:
            return _fail(f"cannot write {out}", False)
        print(f"drtwin: wrote {out} ({size[0]}x{size[1]}, at {at_s:g} s)")
        return 0
    window.show()
    if present:
        window.presenter.start(speed=speed, loop=bool(getattr(args, "loop", False)))
    if trainee is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.trainee.start_dialog)
    return int(app.exec())
