"""Benchmark the SAN replication physics alone (twin/replication.py, twin/writes.py).

24 simulated hours of one Global Mirror consistency group at 3,000 km over an 8 Gb/s FC
link (50 % background copy share), already synchronized at t = 0, N volumes of 50 GB in
workloads of ``--per`` volumes writing 200 MB/s in all with the daily cycle and bursts
(WriteModel), an FC link flap every 2 hours (cut 5 minutes, restore, resume: a resync).
Driven by the real kernel (twin/kernel.py) the way the Twin drives it: a wake-up at
``next_transition_time()``, a rate change at ``next_change_after()``.

Prints: wall time on one core, events, transitions, µs per event, peak memory
(tracemalloc, a separate run), wall time for 500, 2,000 and 8,000 volumes, and the cost
of reading lag and RPO per volume 8,640 times (every 10 s for 24 h).

Run:  taskset -c 0 .venv/bin/python bench/bench_replication.py
Target: <= 2 s wall for 24 h at 2,000 volumes; about linear growth with volumes.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twin.config import GB, LinkConfig  # noqa: E402
from twin.kernel import Handle, Kernel  # noqa: E402
from twin.replication import SanReplication  # noqa: E402
from twin.writes import WriteModel  # noqa: E402

DAY = 86_400.0


def simulate(volumes: int, per: int = 4, sample_every: float = 0.0,
             seed: int = 42, edge_step_s: float = 60.0) -> dict[str, float]:
    """Run 24 h; return counts and the time spent reading the per-volume accessors."""
    workloads = max(1, volumes // per)
    n = workloads * per
    rng = np.random.default_rng(seed)
    means = rng.uniform(0.5, 1.5, workloads)
    means *= 200.0 / means.sum()  # 200 MB/s in all
    wm = WriteModel(means, np.random.default_rng(seed + 1), edge_step_s=edge_step_s)
    rep = SanReplication(np.full(n, 50 * GB), 3000.0,
                         LinkConfig(bandwidth_mbps=8000.0, background_copy_pct=50.0))
    counts = {"transitions": 0, "rate_changes": 0, "samples": 0, "sample_s": 0.0,
              "resyncs": 0, "max_rpo_s": 0.0, "max_lag_gb": 0.0}

    def advance(t: float) -> None:
        counts["transitions"] += len(rep.advance(t))

    k = Kernel(advance=advance)
    wake: list[Handle | None] = [None]

    def rewake() -> None:
        nxt = rep.next_transition_time()
        h = wake[0]
        if h is not None and h.active:
            if nxt is not None and h.time == nxt:
                return
            h.cancel()
        wake[0] = None if nxt is None else k.schedule_at(max(nxt, k.now), rewake, -1)

    def writes() -> None:
        rates = np.repeat(wm.rates_at(k.now) / per, per)
        counts["transitions"] += len(rep.set_write_rates(k.now, rates))
        counts["rate_changes"] += 1
        k.schedule_at(wm.next_change_after(k.now), writes, -2)
        rewake()

    def cut() -> None:
        rep.set_link(k.now, up=False)
        k.schedule(300.0, restore)
        rewake()

    def restore() -> None:
        rep.set_link(k.now, up=True)
        rep.start(k.now)
        counts["resyncs"] += 1
        rewake()

    def sample() -> None:
        t0 = time.perf_counter()
        lag = rep.lag_bytes_per_volume()
        rpo = rep.rpo_s_per_volume()
        _ = (rep.lag_bytes, rep.rpo_s, rep.progress, rep.throughput_bps, rep.host_delay_s,
             rep.state)
        counts["sample_s"] += time.perf_counter() - t0
        counts["samples"] += 1
        counts["max_rpo_s"] = max(counts["max_rpo_s"], float(rpo.max()))
        counts["max_lag_gb"] = max(counts["max_lag_gb"], float(lag.sum()) / GB)
        k.schedule(sample_every, sample, 10)

    rep.assume_synchronized(0.0)
    k.schedule(0.0, writes, -2)
    for h in range(2, 24, 2):
        k.schedule_at(h * 3600.0, cut)
    if sample_every > 0:
        k.schedule(0.0, sample, 10)
    k.run_until(DAY)
    counts["events"] = k.events_run
    counts["state_ok"] = float(rep.state == "consistent_synchronized")
    counts["volumes"] = n
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per", type=int, default=4, help="volumes per workload (default 4)")
    args = ap.parse_args()

    print("24 simulated hours, FC flap (5 min) every 2 h + resume, WriteModel writes, "
          f"{args.per} volumes per workload")
    for step, what in ((60.0, "burst edges on whole minutes (the default)"),
                       (0.0, "burst edges anywhere (edge_step_s=0): rate changes grow with "
                             "the number of workloads")):
        print(f"\n{what}")
        print(f"{'volumes':>8} {'wall s':>8} {'events':>7} {'transitions':>11} "
              f"{'rate chg':>8} {'resyncs':>7} {'µs/event':>9}")
        walls = {}
        for n in (500, 2000, 8000):
            simulate(n, args.per, edge_step_s=step)  # warm up (imports, numpy caches)
            t0 = time.perf_counter()
            c = simulate(n, args.per, edge_step_s=step)
            wall = time.perf_counter() - t0
            walls[n] = wall
            assert c["state_ok"], "the run should end synchronized"
            print(f"{n:>8} {wall:>8.3f} {c['events']:>7.0f} {c['transitions']:>11.0f} "
                  f"{c['rate_changes']:>8.0f} {c['resyncs']:>7.0f} "
                  f"{wall / c['events'] * 1e6:>9.1f}")
        print(f"growth 500 -> 8,000 volumes (x16): wall x{walls[8000] / walls[500]:.1f}")

    tracemalloc.start()
    simulate(2000, args.per)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory (tracemalloc), 2,000 volumes: {peak / 1e6:.2f} MB")

    t0 = time.perf_counter()
    c = simulate(2000, args.per, sample_every=10.0)
    wall = time.perf_counter() - t0
    print(f"\nwith lag/RPO per volume read every 10 s ({c['samples']:.0f} samples), "
          f"2,000 volumes: wall {wall:.3f} s, of which accessors {c['sample_s']:.3f} s = "
          f"{c['sample_s'] / c['samples'] * 1e6:.1f} µs per sample; "
          f"max per-volume RPO seen {c['max_rpo_s']:.1f} s, max lag {c['max_lag_gb']:.1f} GB")


if __name__ == "__main__":
    main()
