"""The GUI's strategy views (issue 12, app/compare): how long Compare strategies… takes
off the GUI thread, a Monte Carlo through the sweep dialog's path (spawned local
processes in small batches) on one and two workers, and how soon Cancel returns.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui_compare.py [RUNS]
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication  # noqa: E402

from app.controller import Controller  # noqa: E402
from twin.scenario import load_scenario  # noqa: E402

SITE_LOSS = Path(__file__).resolve().parent.parent / "scenarios" / "unplanned-site-loss.yaml"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    app = QCoreApplication([])
    c = Controller(load_scenario(SITE_LOSS))
    t0 = time.perf_counter()
    result = c.compare_strategies()
    print(f"compare(): {len(result['strategies'])} strategies in "
          f"{time.perf_counter() - t0:.2f} s")
    rows = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        r = c.run_sweep([], runs, ["disk-replication"], workers)
        rows[workers] = r["rows"]
        print(f"Monte Carlo x{runs}, {workers} worker(s): {time.perf_counter() - t0:.2f} s")
    print(f"same rows on 1 and 2 workers: {rows[1] == rows[2]}")
    flag = threading.Event()
    started: list[float] = []

    def progress(done: int, total: int) -> None:
        if not started:
            started.append(time.perf_counter())
            flag.set()  # cancel at the first progress

    t0 = time.perf_counter()
    r = c.run_sweep([], runs * 5, ["disk-replication"], 2, progress=progress,
                    cancelled=flag.is_set)
    print(f"cancel at the first batch: returned {time.perf_counter() - started[0]:.2f} s "
          f"later with {len(r['rows'])} of {runs * 5} rows")
    del app


if __name__ == "__main__":
    main()
