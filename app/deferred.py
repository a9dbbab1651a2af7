"""Work that waits for the window's first frame: what is not needed to show the window
(the live plots and pyqtgraph, 0.2 s of import and construction) is built just after it,
so the window appears sooner (issue 9's GUI target: the first frame within 1 s)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    """Calls ``fn`` once, from the event loop, after ``widget``'s first paint."""

    def __init__(self, widget: QWidget, fn: Callable[[], Any]) -> None:
        super().__init__(widget)
        self._fn: Callable[[], Any] | None = fn
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.Paint and self._fn is not None:
            fn, self._fn = self._fn, None
            obj.removeEventFilter(self)
            QTimer.singleShot(0, fn)  # once this paint is on screen
        return False


def after_first_paint(widget: QWidget, fn: Callable[[], Any]) -> None:
    """Run ``fn`` once, just after ``widget`` is first painted. ``fn`` must not mind
    having run already (a caller that needs the result sooner builds it on demand)."""
    _FirstPaint(widget, fn)
