"""Test-session setup shared by the whole suite.

GUI tests run offscreen by default, and nothing a test does may touch the user's own
settings: Qt's user configuration directory points at a throwaway directory for the
session, and the run history (twin/history.py) is off — a test of the history passes its
own database path (subprocesses started by tests inherit both)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="drtwin-test-config-")
os.environ["DRTWIN_HISTORY"] = "off"
