"""GUI benchmark (issue 4): prints figures, asserts nothing.

A paired system of two W1500-608 racks (38 compute nodes each) with 20 workloads holding
2,000 volumes, offscreen, at 3,600× (60 simulated seconds per 16 ms frame):

- launch → first drawn frame (from the process start, and from creating the window);
- frame time p50/p95/max over 600 frames after 24 simulated hours have filled the plots:
  ``controller.advance(60)`` plus the repaint it causes (``processEvents`` paints the dirty
  regions of the window, as a real frame does); the full-window ``grab()`` is also timed,
  an upper bound;
- the same frames with the plots dock hidden, and each view's own update cost;
- resident memory (from /proc/self/statm) at the first frame, after the pre-run and a
  warm-up of 6 simulated hours, and after a 24-simulated-hour soak (1,440 frames, the
  timed ones included), and the soak's growth.

Targets: p95 ≤ 16 ms, first frame ≤ 2 s, RSS growth ≤ 5 %.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui.py``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORKLOADS = 20
VOLUMES_EACH = 100
MIDDLEWARE = ("db2", "mq", "was", "was")
FRAMES = 600
WARMUP_FRAMES = 360  # 6 simulated hours
SOAK_FRAMES = 24 * 60  # 24 simulated hours at 60 s per frame
DT = 60.0  # simulated seconds per frame at 3,600x and 16 ms frames


def scenario_text() -> str:
    lines = [
        "name: GUI benchmark, 2,000 volumes",
        "start: paired",
        "seed: 3",
        "system:",
        "  distance_km: 1200",
        "  fc_link: {bandwidth_mbps: 16000}",
        "  racks:",
        "    - {name: raleigh, model: W1500-608}",
        "    - {name: dallas, model: W1500-608}",
        "  workloads:",
    ]
    for i in range(WORKLOADS):
        mw = MIDDLEWARE[i % len(MIDDLEWARE)]
        needs = f", needs: [wl-{i - 2:02d}]" if mw == "was" and i >= 2 else ""
        lines.append(f"    - {{name: wl-{i:02d}, middleware: {mw}, volume_gb: 2000, "
                     f"volumes: {VOLUMES_EACH}, write_mb_s: {2 + i % 5}, restart: 10m, "
                     f"cores: 16{needs}}}")
    return "\n".join(lines) + "\n"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def since_process_start() -> float:
    """Seconds since this process started (from /proc, clock-tick resolution)."""
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main() -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from app.main import apply_style

    app = QApplication.instance() or QApplication(["bench_gui"])
    apply_style(app)

    from PySide6.QtCore import QSettings

    from app.controller import Controller
    from app.main_window import MainWindow
    from twin.scenario import load_scenario_text

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 (Qt)
            if ev.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    t_window = time.perf_counter()
    scenario = load_scenario_text(scenario_text())
    controller = Controller(scenario)
    settings = QSettings("/dev/null", QSettings.Format.IniFormat)
    window = MainWindow(controller, settings=settings, persist=False, size=(1920, 1080))
    counter = PaintCounter()
    window.topology.viewport().installEventFilter(counter)
    window.show()
    while counter.count == 0:
        app.processEvents()
    first_frame_s = time.perf_counter() - t_window
    from_launch_s = since_process_start()
    rss_first = rss_mb()
    vols = len(controller.twin.volume_names)
    nodes = controller.twin.system.racks[0].compute_nodes

    t0 = time.perf_counter()
    controller.advance_to(24 * 3600.0)
    app.processEvents()
    prerun_s = time.perf_counter() - t0
    history = len(controller.twin.series.t.view())

    controller.set_speed(3600)
    for _ in range(WARMUP_FRAMES):  # glyph, pixmap and path caches settle
        controller.advance(DT)
        app.processEvents()
    rss_warm = rss_mb()

    frames: list[float] = []
    paints_before = counter.count
    t0 = time.perf_counter()
    for _ in range(FRAMES):
        t = time.perf_counter()
        controller.advance(DT)
        app.processEvents()
        frames.append((time.perf_counter() - t) * 1000)
    painted = counter.count - paints_before
    for _ in range(SOAK_FRAMES - FRAMES):  # the rest of the 24-simulated-hour soak
        controller.advance(DT)
        app.processEvents()
    soak_s = time.perf_counter() - t0
    rss_soak = rss_mb()
    growth = (rss_soak - rss_warm) / rss_warm * 100
    growth_first = (rss_soak - rss_first) / rss_first * 100

    plots_visible = window.plots_dock.isVisible()
    window.plots_dock.hide()
    app.processEvents()
    no_plots: list[float] = []
    for _ in range(200):
        t = time.perf_counter()
        controller.advance(DT)
        app.processEvents()
        no_plots.append((time.perf_counter() - t) * 1000)
    window.plots_dock.setVisible(plots_visible)
    app.processEvents()

    parts = {"topology.refresh": window.topology.refresh, "event_log.sync": window.event_log.sync,
             "status bar": window.refresh_status, "time bar": window.timebar.refresh,
             "controller.state()": lambda: (setattr(controller, "_state", None),
                                            controller.state())}
    if hasattr(window.plots, "refresh"):
        parts["plots.refresh (data only)"] = window.plots.refresh
    part_ms = {}
    for name, fn in parts.items():
        ts = []
        for _ in range(100):
            t = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t) * 1000)
        part_ms[name] = pct(ts, 50)
    view = window.topology.viewport()
    full_topology = []
    for _ in range(50):
        t = time.perf_counter()
        view.repaint()
        full_topology.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    for _ in range(100):
        controller.twin.run_until(controller.twin.now + DT)
    engine_ms = (time.perf_counter() - t) * 10
    grabs: list[float] = []
    for _ in range(30):
        t = time.perf_counter()
        controller.advance(DT)
        window.grab()
        grabs.append((time.perf_counter() - t) * 1000)

    p95 = pct(frames, 95)
    print("DR Twin GUI benchmark (offscreen, 1920x1080 main window)")
    print(f"  system: 2 x {nodes} compute nodes (W1500-608), {WORKLOADS} workloads, "
          f"{vols:,} volumes per V7000; Python {sys.version.split()[0]}, "
          f"PySide6 {__import__('PySide6').__version__}")
    print(f"first drawn frame: {first_frame_s * 1000:,.0f} ms after creating the window; "
          f"{from_launch_s:.2f} s after the process started  (target <= 2 s)")
    print(f"pre-run 24 simulated hours: {prerun_s:.2f} s; plot history {history:,} samples "
          f"({history * controller.twin.series.every_s / 3600:.0f} h)")
    print(f"frame time over {FRAMES} frames at 3,600x (advance 60 s + repaint): "
          f"p50 {pct(frames, 50):.2f} ms, p95 {p95:.2f} ms, max {max(frames):.2f} ms  "
          f"(target p95 <= 16 ms) [{painted} topology paints]")
    print(f"  the same without the plots dock: p50 {pct(no_plots, 50):.2f} ms, "
          f"p95 {pct(no_plots, 95):.2f} ms")
    print(f"  engine alone (run_until +60 s): {engine_ms:.2f} ms/frame; full topology "
          f"repaint (after a fit or zoom): p50 {pct(full_topology, 50):.2f} ms")
    print("  per view, p50: " + ", ".join(f"{k} {v:.2f} ms" for k, v in part_ms.items()))
    print(f"  full-window grab() per frame (upper bound): p50 {pct(grabs, 50):.1f} ms, "
          f"p95 {pct(grabs, 95):.1f} ms")
    print(f"RSS: {rss_first:.1f} MB at the first frame, {rss_warm:.1f} MB after the pre-run "
          f"and {WARMUP_FRAMES} warm-up frames, {rss_soak:.1f} MB after a 24-simulated-hour "
          f"soak ({SOAK_FRAMES:,} frames in {soak_s:.1f} s): growth {growth:+.2f} % "
          f"(target <= 5 %); {growth_first:+.2f} % since the first frame")
    ok = p95 <= 16 and from_launch_s <= 2 and growth <= 5
    print("all targets met" if ok else "TARGETS MISSED")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
