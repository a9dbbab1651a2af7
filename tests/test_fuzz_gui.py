"""Random GUI operations under pytest-qt (issue 8, "keep it found"): restart, open (every
library scenario, and broken files), highlight, the topology's context menus, play, pause,
step and speed, every enabled button of the consoles and the time bar, every menu entry
that opens no file chooser of the system, typing into the consoles' fields. Modal dialogs
answer at random (accepted or cancelled) so the operations never block.

pytest-qt fails a test on any exception raised inside a Qt slot or virtual method, so one
exception anywhere in a sequence fails it; the test also checks after every operation that
the window still answers (its controller's state document is strict JSON, the topology has
items, a context menu opens). Seeded: a failure names the seed and the operation; the
counts of a deep run (DRTWIN_FUZZ_DEEP=1: 1,000 operations) are printed.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
)

from app.controller import Controller
from app.main_window import MainWindow
from tests.fuzzing import cases
from twin.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))
FAST, SLOW = cases(80, 300, deep=1000)
# menu entries that would end the session or leave the test's hands
SKIP_MENU = ("quit", "exit", "full screen", "fullscreen", "about")


class Fuzzer:
    def __init__(self, qtbot: Any, tmp: Path, seed: int,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.rng = random.Random(seed)
        self.tmp = tmp
        self.qtbot = qtbot
        broken = tmp / "broken.yaml"
        broken.write_text("name: broken\nsteps:\n  - {do: explode, at: soon}\n")
        self.files = [*LIBRARY, broken, tmp / "missing.yaml"]
        self.errors: list[str] = []
        rng = self.rng

        def answer(*_: Any, **__: Any) -> Any:
            return rng.choice([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])

        def button(*_: Any, **__: Any) -> Any:
            return rng.choice([QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Yes,
                               QMessageBox.StandardButton.No,
                               QMessageBox.StandardButton.Cancel,
                               QMessageBox.StandardButton.Discard])

        def errors(_parent: Any, title: str, text: str, *_: Any, **__: Any) -> Any:
            self.errors.append(f"{title}: {text}")
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QDialog, "exec", answer)
        monkeypatch.setattr(QMessageBox, "exec", button)
        for name in ("question", "warning", "information"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(button))
        monkeypatch.setattr(QMessageBox, "critical", staticmethod(errors))
        monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a, **k: None))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
            lambda *a, **k: (str(rng.choice(self.files)), "")))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
            lambda *a, **k: (str(tmp / f"out-{rng.randrange(5)}.{rng.choice(['yaml', 'png'])}"),
                             "")))
        # the fault dialogs (app/faults.py) run for real with their defaults: exec answers

        settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(Controller(load_scenario(str(LIBRARY[0]))),
                                 settings=settings, persist=False, size=(1400, 900))
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)

    @property
    def c(self) -> Controller:
        return self.window.controller

    # -- the operations --------------------------------------------------------------------

    def op_restart(self) -> None:
        self.window.restart()

    def op_open(self) -> None:
        self.window.open_file(self.rng.choice(self.files))

    def op_highlight(self) -> None:
        ids = list(self.window.topology.node_items)
        self.window.topology.highlight(self.rng.choice(ids) if ids else None)

    def op_context_menu(self) -> None:
        ids = list(self.window.topology.node_items)
        if not ids:
            return
        menu = self.window.topology.fault_menu(self.rng.choice(ids))
        acts = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
        if acts:
            self.rng.choice(acts).trigger()
        menu.deleteLater()

    def op_time(self) -> None:
        c = self.c
        self.rng.choice([c.play, c.pause, c.toggle, c.faster, c.slower, c.step_event,
                         lambda: c.advance(self.rng.choice([1.0, 60.0, 900.0, 7200.0]))])()

    def op_button(self) -> None:
        buttons = [b for b in self.window.findChildren(QAbstractButton)
                   if b.isVisible() and b.isEnabled()]
        if buttons:
            self.rng.choice(buttons).click()

    def op_menu(self) -> None:
        acts = [a for m in self.window.menuBar().findChildren(QAction)
                if (a := m) and a.isEnabled() and a.text()
                and not a.menu() and not any(s in a.text().lower() for s in SKIP_MENU)]
        if acts:
            self.rng.choice(acts).trigger()

    def op_type(self) -> None:
        fields = [f for f in self.window.findChildren(QLineEdit)
                  if f.isVisible() and f.isEnabled() and not f.isReadOnly()]
        if fields:
            f = self.rng.choice(fields)
            f.setText(self.rng.choice(["", "dradmin", "passw0rd", "x" * 300, "dallas",
                                       "10.1.0.5", "é∂ƒ", "' or 1=1 --"]))

    def ops(self) -> dict[str, Callable[[], None]]:
        return {n[3:]: getattr(self, n) for n in dir(self) if n.startswith("op_")}

    # -- after every operation -------------------------------------------------------------

    def check(self) -> None:
        QApplication.processEvents()
        json.dumps(self.c.state(), allow_nan=False)
        assert self.window.topology.node_items, "the topology lost its items"
        menu = self.window.topology.fault_menu(next(iter(self.window.topology.node_items)))
        assert menu.actions(), "a context menu opens with entries"
        menu.deleteLater()


def run(qtbot: Any, tmp: Path, monkeypatch: pytest.MonkeyPatch, seed: int,
        n: int) -> Counter[str]:
    fz = Fuzzer(qtbot, tmp, seed, monkeypatch)
    ops = fz.ops()
    names = sorted(ops)
    counts: Counter[str] = Counter()
    for i in range(n):
        name = fz.rng.choice(names)
        try:
            ops[name]()
            fz.check()
        except Exception as e:  # the seed and the operation, then the original error
            raise AssertionError(f"seed {seed}, operation {i} ({name}): {e!r}") from e
        counts[name] += 1
    fz.window.controller.pause()
    # the broken and the missing file were refused with a message, never a traceback
    assert all("Traceback" not in e for e in fz.errors)
    counts["error messages"] = len(fz.errors)
    return counts


def test_random_gui_operations_raise_nothing(qtbot: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    counts = run(qtbot, tmp_path, monkeypatch, seed=1, n=FAST)
    assert sum(v for k, v in counts.items() if k != "error messages") == FAST
    assert len([k for k in counts if k != "error messages"]) >= 7  # every kind was drawn


@pytest.mark.slow
def test_random_gui_operations_raise_nothing_deep(qtbot: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    counts = run(qtbot, tmp_path, monkeypatch, seed=20261203, n=SLOW)
    print(f"GUI fuzz: {SLOW} operations, nothing raised: {dict(sorted(counts.items()))}")
    assert sum(v for k, v in counts.items() if k != "error messages") == SLOW
