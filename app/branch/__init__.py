"""Branch the timeline (issue 11): fork the run, compare the two branches live, drive
either, save either as a scenario."""

from app.branch.window import Branching, BranchWindow

__all__ = ["BranchWindow", "Branching"]
