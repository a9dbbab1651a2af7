"""Test-session setup shared by the whole suite.

GUI tests run offscreen by default, and nothing a test does may touch the user's own
settings: Qt's user configuration directory points at a throwaway directory for the
session, and the run history (twin/history.py) is off — a test of the history passes its
own database path (subprocesses started by tests inherit both). The session keeper's
question answers Discard (a test of the keeper answers it itself)."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="drtwin-test-config-")
os.environ["DRTWIN_HISTORY"] = "off"


@pytest.fixture(autouse=True)
def _discard_unsaved_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session keeper's Save / Discard / Cancel (app/session/keeper.py) would block an
    offscreen test: it answers Discard unless a test patches ``keeper.question`` itself."""
    from app.session import keeper

    monkeypatch.setattr(keeper, "question", lambda *a, **k: keeper.DISCARD)
