"""The comparison of the four ways to business continuity and the what-if sweeps (issue
12): Strategies > Compare strategies… (:class:`CompareWindow`) and Strategies > What-if
sweep… (:class:`SweepDialog`). The engine runs off the GUI thread (:mod:`app.compare.jobs`)
through the controller's engine reads; what the views draw is computed by the pure
functions of :mod:`app.compare.model`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.compare.sweep_dialog import SweepDialog
    from app.compare.view import CompareWindow

__all__ = ["CompareWindow", "SweepDialog"]


def __getattr__(name: str) -> Any:  # the widgets load Qt: only when asked for
    if name == "CompareWindow":
        from app.compare.view import CompareWindow

        return CompareWindow
    if name == "SweepDialog":
        from app.compare.sweep_dialog import SweepDialog

        return SweepDialog
    raise AttributeError(name)
