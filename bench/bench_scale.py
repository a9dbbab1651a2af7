"""Scale (issue 9): 32,000 volumes for 30 simulated days stay linear and within 250 MB.

Two W1500-608 racks, paired, 1,600 workloads of 20 volumes (32,000 volumes, 1.6 PB),
writes with the daily cycle and bursts, an FC cut of 10 minutes every day followed by a
resume (a resync of the changed grains), the time series sampled every 10 s. Prints the
wall time and peak memory for 8,000 / 16,000 / 32,000 volumes over 3 days (the growth
ratio, linear would be x2 per doubling) and then the 32,000 x 30 days run itself.

A scenario file may hold at most 8,192 volumes (a V7000 system's limit, twin/limits.py), so
beyond that the bench builds the system from the same YAML with ``system_from_dict`` and
keeps the loader's steps: it measures the engine at 32,000 volumes, not a file a user could
load.

Run:  .venv/bin/python bench/bench_scale.py   (one core: taskset -c 0 ...)
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataclasses  # noqa: E402

import yaml  # noqa: E402

from twin.config import system_from_dict  # noqa: E402
from twin.runner import Runner  # noqa: E402
from twin.scenario import Scenario, load_scenario_text  # noqa: E402

LOADER_MAX = 8000  # volumes a scenario file may hold here (8,192 a V7000 system)


def scenario_text(volumes: int, days: int) -> str:
    per = 20
    n = max(1, volumes // per)
    wl = "\n".join(
        f"    - {{name: wl{i:04d}, middleware: db2, volume_gb: {per * 50}, volumes: {per}, "
        f"write_mb_s: {200.0 / n:.5f}, restart: 10m, cores: 16}}" for i in range(n))
    steps = []
    for d in range(days):
        steps.append(f"  - {{at: {d * 24 + 3}h, do: cut-link, link: fc}}")
        steps.append("  - {after: 10m, do: restore-link, link: fc}")
        steps.append("  - {do: resume-replication, rack: raleigh}")
    steps.append(f"  - {{at: {days * 24}h, do: check, that: {{service.available: true}}}}")
    return f"""name: scale {volumes} volumes, {days} days
seed: 11
start: paired
system:
  distance_km: 3000
  fc_link: {{bandwidth_mbps: 16000, background_copy_pct: 50}}
  racks:
    - {{name: raleigh, model: W1500-608}}
    - {{name: dallas, model: W1500-608}}
  workloads:
{wl}
steps:
""" + "\n".join(steps) + "\n"


def load(volumes: int, days: int) -> Scenario:
    """The scenario, through the loader up to its volume limit, past it with the loader's
    steps and the system built directly from the same text."""
    small = load_scenario_text(scenario_text(min(volumes, LOADER_MAX), days))
    if volumes <= LOADER_MAX:
        return small
    raw = yaml.safe_load(scenario_text(volumes, days))["system"]
    return dataclasses.replace(small, system=system_from_dict(raw), system_raw=raw)


def run(volumes: int, days: int, traced: bool = False) -> tuple[float, float, int, dict]:
    scenario = load(volumes, days)
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    runner = Runner(scenario)
    report = runner.run()
    wall = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if traced else 0.0
    if traced:
        tracemalloc.stop()
    return wall, peak, runner.twin.kernel.events_run, report


def main() -> None:
    print("DR Twin scale benchmark: FC cut of 10 min every day, resync, samples every 10 s")
    prev = None
    for volumes in (8000, 16000, 32000):
        wall, _, events, report = run(volumes, 3)
        growth = f"  (x{wall / prev:.2f} for x2 volumes)" if prev else ""
        print(f"{volumes:>7,} volumes x 3 days: {wall:6.2f} s wall, {events:,} events{growth}")
        prev = wall
    wall, _, events, report = run(32000, 30)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f" 32,000 volumes x 30 days: {wall:6.2f} s wall, {events:,} events, "
          f"{wall / 30:.2f} s per simulated day; peak RSS of this process {rss:.0f} MB "
          f"(target <= 250 MB); ok={report['ok']}")


if __name__ == "__main__":
    main()
