"""Presenter mode (issue 11): autoplay with the scenario's notes as captions, pauses and
chapters, the projector theme, the presenter's notes window and the end summary."""

from app.presenter.mode import Presenter
from app.presenter.summary import SummaryPage

__all__ = ["Presenter", "SummaryPage"]
