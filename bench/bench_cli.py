"""Benchmark the whole headless process (issue 9, "Speed"): `drtwin run big.yaml --json`
against the floor `python -c "import numpy"`, side by side in one run, interleaved so the
machine's load hits both alike. big.yaml is bench_twin's 24 h x 2,000-volume soak (two
W1500-608 racks, an FC flap every 2 hours). Also the same process with a small scenario
(the default), where start-up dominates, and where the time of a run goes by import.

Run:  .venv/bin/python bench/bench_cli.py [--repeat N]
Target: drtwin run big.yaml --json at most 3x the numpy floor (median of N).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from bench_twin import scenario_text  # noqa: E402

PY = sys.executable


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=ROOT, env={"DRTWIN_HISTORY": "off", "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - t0


def import_costs() -> list[tuple[str, float]]:
    """The heaviest imports of `drtwin run` (python -X importtime), self+children, in s."""
    out = subprocess.run([PY, "-X", "importtime", "-c", "import app.cli"], cwd=ROOT,
                         capture_output=True, text=True).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        try:
            cum = int(parts[1]) / 1e6
        except ValueError:
            continue
        name = parts[2]
        if not name.startswith(" "):  # top-level imports only
            rows.append((name.strip(), cum))
    return sorted(rows, key=lambda r: -r[1])[:8]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.yaml"
        big.write_text(scenario_text(2000))
        runs = {
            "python -c 'import numpy'": [PY, "-c", "import numpy"],
            "drtwin run big.yaml --json": [PY, "-m", "app.cli", "run", str(big), "--json"],
            "drtwin run default.yaml --json": [PY, "-m", "app.cli", "run",
                                               str(ROOT / "scenarios" / "default.yaml"),
                                               "--json"],
            "drtwin check big.yaml": [PY, "-m", "app.cli", "check", str(big)],
        }
        times: dict[str, list[float]] = {k: [] for k in runs}
        for cmd in runs.values():  # warm the file cache once
            timed(cmd)
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                times[name].append(timed(cmd))
    floor = statistics.median(times["python -c 'import numpy'"])
    print(f"median of {args.repeat} interleaved runs (this machine, {time.strftime('%F')}):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:34s} {med:6.3f} s  ({med / floor:4.2f}x the numpy floor; "
              f"min {min(ts):.3f} s)")
    ratio = statistics.median(times["drtwin run big.yaml --json"]) / floor
    print(f"drtwin run big.yaml --json / import numpy: {ratio:.2f}x (target <= 3x): "
          f"{'met' if ratio <= 3 else 'NOT met'}")
    print("heaviest top-level imports of app.cli (cumulative s):")
    for name, s in import_costs():
        print(f"  {name:30s} {s:.3f}")


if __name__ == "__main__":
    main()
