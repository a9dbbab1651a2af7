"""An autoplay run played in the window to its end is kept in the run history, as
``drtwin run`` keeps each of its runs (a trainee session is kept by the trainee room when
it ends). The controller says when a run's timeline has ended, once per run
(``runEnded``, the report as ``drtwin run`` would give it); this writes it
(``controller.record_session``) with the wall-clock time the run was loaded.

The same finished run is kept once: its report, which the twin makes the same for the
same scenario, seed and actions, is fingerprinted, and a run played again to the same end
(Restart, a presenter's loop or chapter, the same file opened again) adds nothing to the
history. A run that differs (other actions, an instructor's inject) is kept as well."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from app.controller import HistoryError

if TYPE_CHECKING:
    from app.controller import Controller


def fingerprint(report: dict[str, Any]) -> str:
    """A run report's digest (the same run, the same digest)."""
    text = json.dumps(report, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RunRecorder(QObject):
    """Keeps each distinct autoplay run that ends in ``window`` in the run history."""

    def __init__(self, controller: Controller, window: QMainWindow) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.started_at = datetime.now().astimezone()
        self.kept: dict[str, int] = {}  # fingerprint -> run id in the history
        self.last_run_id: int | None = None
        controller.scenarioLoaded.connect(self._on_loaded)
        controller.runEnded.connect(self._on_ended)

    def _on_loaded(self) -> None:
        self.started_at = datetime.now().astimezone()

    def _on_ended(self, report: dict[str, Any]) -> None:
        if report.get("mode", "autoplay") != "autoplay":
            return  # a trainee session: the trainee room keeps it
        key = fingerprint(report)
        if key in self.kept:
            return  # this very run is in the history already
        try:
            run_id = self.controller.record_session(report, self.started_at)
        except HistoryError as e:
            self.window.statusBar().showMessage(
                f"The run could not be kept in the history: {e}", 15000)
            return
        self.last_run_id = run_id
        if run_id is not None:  # None: the history is off (nothing was kept)
            self.kept[key] = run_id
