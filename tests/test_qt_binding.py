"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every void Qt call and to
True on every Signal.emit, and the process aborts ("deallocating None") after some
thousands of calls: a running DR Twin would die within minutes. pyproject.toml pins the
binding below 6.12; this test fails if a leaking binding is ever installed again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def test_qt_calls_do_not_leak_references_to_none_or_true() -> None:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):  # far from exhausting a count, enough to see a leak
        probe.setObjectName("probe")
        probe.ping.emit()
    if sys.version_info < (3, 12):  # from 3.12 these objects are immortal
        assert sys.getrefcount(None) >= none_before - 20
        assert sys.getrefcount(True) >= true_before - 20
