"""The closed-form engine against a SimPy model of the same core that advances every
simulated second (issue 9: at least 5x faster). The day of bench/bench_twin.py: two
W1500-608 racks, 2,000 volumes, writes with the daily cycle and bursts, an FC cut of five
minutes every two hours followed by a resume (a resync), sampled every 10 s. Both must
give the same lag and RPO series; the ratio is measured in one run.

Run:  .venv/bin/python bench/bench_simpy.py [HOURS VOLUMES]   (one core: taskset -c 0 …)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_twin import scenario_text  # noqa: E402
from simpy_peer import GlobalMirrorPeer, Plan  # noqa: E402

from twin.runner import Runner  # noqa: E402
from twin.scenario import load_scenario_text  # noqa: E402


def compare(hours: int, volumes: int) -> dict[str, float]:
    """Run both; return their wall times and the largest relative difference of their
    lag and RPO series."""
    scenario = load_scenario_text(scenario_text(volumes, hours=hours))
    t0 = time.perf_counter()
    runner = Runner(scenario)
    runner.run()
    engine_s = time.perf_counter() - t0
    plan = Plan([])
    for h in range(2, hours, 2):  # the scenario's flaps: cut, restore 5 min later, resume
        plan.events += [(h * 3600.0, "cut"), (h * 3600.0 + 300.0, "resume")]
    peer = GlobalMirrorPeer(scenario.system, scenario.seed, plan)
    t0 = time.perf_counter()
    samples = np.array(peer.run(hours * 3600.0))
    peer_s = time.perf_counter() - t0
    times, lag = runner.twin.series.get("lag_bytes")
    _, rpo = runner.twin.series.get("rpo_s")
    n = min(len(times), len(samples))
    assert np.array_equal(times[:n], samples[:n, 0])
    lag, rpo, peer = lag[:n], rpo[:n], samples[:n]
    # during a resync the backup has no consistent copy: the twin's RPO exposure is
    # unbounded (NaN in the series) exactly while the peer is copying (R19)
    resync = np.isnan(rpo)
    lag_diff = np.abs(lag - peer[:, 1]) / np.maximum(1.0, np.abs(lag))
    rpo_diff = (np.abs(rpo - peer[:, 2]) / np.maximum(1e-3, np.abs(rpo)))[~resync]
    return {"engine_s": engine_s, "peer_s": peer_s, "samples": n,
            "lag_rel": float(lag_diff.max()), "rpo_rel": float(rpo_diff.max()),
            "resync_samples": int(resync.sum()),
            "resync_agrees": bool(np.array_equal(resync, peer[:, 3] > 0)),
            "max_lag_mb": float(np.nanmax(lag)) / 1e6, "max_rpo_s": float(np.nanmax(rpo))}


def main() -> None:
    hours = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    volumes = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    r = compare(hours, volumes)
    print(f"{hours} h x {volumes:,} volumes, FC cut every 2 h, {r['samples']:,} samples")
    print(f"  closed-form engine:        {r['engine_s']:7.3f} s")
    print(f"  SimPy, a step per second:  {r['peer_s']:7.3f} s")
    print(f"  ratio: the engine is {r['peer_s'] / r['engine_s']:.1f}x faster (target >= 5x)")
    print(f"  same series: lag within {r['lag_rel']:.1e}, RPO within {r['rpo_rel']:.1e} "
          f"(relative; lag up to {r['max_lag_mb']:.0f} MB, RPO up to {r['max_rpo_s']:.0f} s); "
          f"{r['resync_samples']} samples during resyncs, the same in both: "
          f"{r['resync_agrees']}")


if __name__ == "__main__":
    main()
