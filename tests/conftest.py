"""Test-session setup shared by the whole suite.

GUI tests run offscreen by default, and nothing a test does may touch the user's own
settings: Qt's user configuration directory points at a throwaway directory for the
session (subprocesses started by tests inherit it).

PySide6 6.12.0 on Python 3.11 leaks references to ``None`` on every void Qt call, which
aborts a long test session ("deallocating None"); ``app.main.guard_none_refcount``
detects the leak and neutralises it (see its docstring)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="drtwin-test-config-")

try:
    from app.main import guard_none_refcount

    guard_none_refcount()
except ImportError:  # PySide6 not installed: the headless tests still run
    pass
