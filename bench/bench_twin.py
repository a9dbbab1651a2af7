"""Benchmark the whole twin (issue 3): 24 simulated hours of two racks of 38 compute nodes
(W1500-608) with 2,000 volumes, steady writes with the daily cycle and bursts, an FC
link flap (5 minutes) every 2 hours followed by a resume, and the time series sampled
every 10 s. Prints wall time, µs per event, peak memory, how wall time grows with the
number of volumes, and whether the same seed gives a byte-identical report.

Run:  .venv/bin/python bench/bench_twin.py   (one core: taskset -c 0 …)
Targets: ≤ 2 s wall and ≤ 300 MB peak for 2,000 volumes; close to linear growth.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twin.runner import Runner  # noqa: E402
from twin.scenario import load_scenario_text  # noqa: E402


def scenario_text(volumes: int, hours: int = 24) -> str:
    per = 20  # volumes per workload
    n = max(1, volumes // per)
    wl = "\n".join(
        f"    - {{name: wl{i:03d}, middleware: db2, volume_gb: {per * 50}, volumes: {per}, "
        f"write_mb_s: {40.0 / n:.4f}, restart: 10m, cores: 16}}" for i in range(n))
    steps = []
    for h in range(2, hours, 2):
        steps.append(f"  - {{at: {h}h, do: cut-link, link: fc}}")
        steps.append("  - {after: 5m, do: restore-link, link: fc}")
        steps.append("  - {do: resume-replication, rack: raleigh}")
    steps.append(f"  - {{at: {hours}h, do: check, that: {{service.available: true}}}}")
    return f"""name: bench {volumes} volumes
seed: 42
start: paired
system:
  distance_km: 3000
  fc_link: {{bandwidth_mbps: 8000, background_copy_pct: 50}}
  racks:
    - {{name: raleigh, model: W1500-608}}
    - {{name: dallas, model: W1500-608}}
  workloads:
{wl}
steps:
""" + "\n".join(steps) + "\n"


def run_once(volumes: int) -> tuple[float, int, dict]:
    scenario = load_scenario_text(scenario_text(volumes))
    t0 = time.perf_counter()
    runner = Runner(scenario)
    report = runner.run()
    wall = time.perf_counter() - t0
    return wall, runner.twin.kernel.events_run, report


def main() -> None:
    print("DR Twin engine benchmark: 24 simulated hours, FC flap every 2 h, samples every 10 s")
    run_once(100)  # warm-up: imports, caches
    tracemalloc.start()
    wall, events, report = run_once(2000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report["ok"], "the benchmark scenario itself failed"
    print(f"2,000 volumes: {wall:.3f} s wall, {events:,} events, "
          f"{wall / events * 1e6:.1f} µs/event, peak traced memory {peak / 1e6:.1f} MB "
          f"(target ≤ 2 s, ≤ 300 MB)")
    s = report["final_state"]["replication"]
    print(f"   end state: {s['state']}, RPO {s['rpo_s'] * 1000:.1f} ms, "
          f"errors {s['errors']}")
    walls = {}
    for n in (500, 2000, 8000):
        best = min(run_once(n)[0] for _ in range(3))
        walls[n] = best
        print(f"{n:>6,} volumes: {best:.3f} s wall (best of 3)")
    print(f"growth 500→2,000 (×4 volumes): ×{walls[2000] / walls[500]:.2f} wall; "
          f"2,000→8,000 (×4): ×{walls[8000] / walls[2000]:.2f} wall "
          "(linear would be ×4 at most, quadratic ×16)")
    digests = set()
    for _ in range(2):
        digests.add(hashlib.sha256(json.dumps(run_once(2000)[2], sort_keys=True)
                                   .encode()).hexdigest())
    print(f"same seed twice: {'byte-identical reports' if len(digests) == 1 else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
