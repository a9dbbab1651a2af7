"""Benchmark the scenario loader on the hostile shapes of issue 8 (finding 5): for each
shape, load files of doubling size and print the time per size and the ratio per doubling
(about 2 is linear; 4 would be quadratic). The loader refuses a file larger than its
budgets (1,000,000 characters; 2,000,000 characters of values once aliases expand;
10,000 steps), so the last sizes of a shape may show the refusal, in time.

Run:  .venv/bin/python bench/bench_loader.py [--quick]
Target: ratio about 2 per doubling for every shape; the largest file under 5 s.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twin.scenario import ScenarioError, load_scenario_text  # noqa: E402


def spaces_in_a_duration(n: int) -> str:
    """A duration with n spaces inside (6.9 s for 32,000 before: the pattern backtracked)."""
    return f"name: x\nsteps:\n  - {{at: '1h{' ' * n}x', do: note}}\n"


def bad_ranges(n: int) -> str:
    """One check with n ranges of the wrong type (43 s for 16,000 before: each error's line
    was looked up by scanning the mapping)."""
    lines = "".join(f"      outcome.rto_s{i}: {{min: a, max: b}}\n" for i in range(n))
    return f"name: x\nsteps:\n  - do: check\n    that:\n{lines}"


def aliases_of_a_long_value(n: int) -> str:
    """n aliases of one 8,000-character value (28.6 s for 10,000 before: the value limit
    did not bound the characters)."""
    body = "".join("  - {do: note, text: *v}\n" for _ in range(n))
    return f"name: x\ndescription: &v '{'y' * 8000}'\nsteps:\n{body}"


def note_steps(n: int) -> str:
    """n note steps (15 s for 10,000 before: 1.5 ms a step, each tried against every
    action's schema branch)."""
    body = "".join(f"  - {{after: 1s, do: note, text: step {i}}}\n" for i in range(n))
    return f"name: x\nsteps:\n{body}"


def workloads(n: int) -> str:
    """n workloads of one volume each, and a check naming each."""
    wl = "".join(f"    - {{name: w{i}, volume_gb: 10, write_mb_s: 0.1, cores: 0}}\n"
                 for i in range(n))
    that = "".join(f"      workloads.w{i}.status: running\n" for i in range(n))
    return f"name: x\nsystem:\n  workloads:\n{wl}steps:\n  - do: check\n    that:\n{that}"


SHAPES: list[tuple[Callable[[int], str], list[int]]] = [
    (spaces_in_a_duration, [8_000, 16_000, 32_000, 64_000, 128_000, 256_000]),
    (bad_ranges, [2_000, 4_000, 8_000, 16_000, 32_000]),
    (aliases_of_a_long_value, [31, 62, 125, 250, 500, 10_000]),
    (note_steps, [625, 1_250, 2_500, 5_000, 10_000]),
    (workloads, [512, 1_024, 2_048, 4_096, 8_192]),
]


def load_time(text: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        load_scenario_text(text, "bench.yaml")
        outcome = "loaded"
    except ScenarioError as e:
        outcome = "refused: " + e.message[:60]
    return time.perf_counter() - t0, outcome


def main() -> None:
    quick = "--quick" in sys.argv
    for make, sizes in SHAPES:
        print(f"{make.__name__}:  {(make.__doc__ or '').splitlines()[0]}")
        prev = None
        for n in sizes[:3] if quick else sizes:
            text = make(n)
            wall, outcome = load_time(text)
            ratio = f"x{wall / prev:4.2f}" if prev else "     "
            print(f"  n={n:>7}  {len(text):>9} chars  {wall * 1000:9.1f} ms  {ratio}  {outcome}")
            prev = wall
        print()


if __name__ == "__main__":
    main()
