"""The session room: what happens to a run when it is about to be dropped or when it ends.
``keeper.py`` asks Save / Discard / Cancel before a trainee's unsaved work is dropped."""

from app.session.keeper import SessionKeeper

__all__ = ["SessionKeeper"]
