"""The instructor station's once-a-second refresh (the trainee's actions, the answer key
and the running score: a full run report) after a long exercise; run by hand:
``QT_QPA_PLATFORM=offscreen python bench/bench_instructor.py [SCENARIO] [HOURS]``."""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication

from app.controller import Controller
from app.instructor.station import InstructorStation
from twin.scenario import load_scenario


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "scenarios/unplanned-site-loss.yaml"
    hours = float(sys.argv[2]) if len(sys.argv) > 2 else 24.0
    app = QApplication.instance() or QApplication([])
    c = Controller(load_scenario(path))
    st = InstructorStation(c)
    c.advance_to(hours * 3600)
    app.processEvents()
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        st.refresh_trainee()
        times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    st._reload_timeline()
    reload_ms = (time.perf_counter() - t0) * 1000
    print(f"{path} at {hours:g} h: {len(c.events())} events; refresh median "
          f"{sorted(times)[5]:.1f} ms, max {max(times):.1f} ms (budget 100 ms of every "
          f"1,000); events list reload {reload_ms:.1f} ms")


if __name__ == "__main__":
    main()
