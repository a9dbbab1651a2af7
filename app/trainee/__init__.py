"""Trainee mode in the window (issue 10): the briefing, the objectives panel, the result,
the run history view. ``TraineeMode`` wires them into a main window."""

from app.trainee.mode import TraineeMode

__all__ = ["TraineeMode"]
