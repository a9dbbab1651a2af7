"""The session room: what happens to a run when it is about to be dropped or when it ends.
``keeper.py`` asks Save / Discard / Cancel before a trainee's unsaved work is dropped;
``recorder.py`` keeps an autoplay run that ends in the run history, once."""

from app.session.keeper import SessionKeeper
from app.session.recorder import RunRecorder

__all__ = ["RunRecorder", "SessionKeeper"]
