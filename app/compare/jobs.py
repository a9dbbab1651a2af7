"""Engine work off the GUI thread: a :class:`Job` runs one function in a QThread and
reports back through queued signals (progress, the result, or the error's message: never
a traceback in the user's face). ``cancel()`` sets a flag the function polls."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from twin.scenario import ScenarioError


class Job(QThread):
    """``fn(progress, cancelled)`` in a thread: ``progress(done, total)`` and
    ``cancelled() -> bool`` are handed to it; its return value is ``finishedWith``, a
    ValueError (the engine's "cannot" errors) or any other exception is ``failedWith``."""

    progressed = Signal(int, int)
    finishedWith = Signal(object)
    failedWith = Signal(str)

    def __init__(self, fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self._cancel = threading.Event()
        app = QCoreApplication.instance()
        if app is not None:  # quitting with a job running: stop it, not crash in Qt
            app.aboutToQuit.connect(self.stop)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # in the thread
        try:
            result = self.fn(lambda done, total: self.progressed.emit(done, total),
                             self._cancel.is_set)
        except (ValueError, ScenarioError) as e:  # CompareError, SweepError, ScenarioError: what and where
            self.failedWith.emit(str(e))
        except Exception as e:  # noqa: BLE001 - shown as a message, the GUI stays usable
            self.failedWith.emit(f"internal error ({type(e).__name__}: {e})")
        else:
            self.finishedWith.emit(result)

    def stop(self, timeout_ms: int = 30_000) -> None:
        """Cancel and wait for the thread (a window closing)."""
        self.cancel()
        self.wait(timeout_ms)
