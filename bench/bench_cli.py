"""Benchmark the whole headless process (issue 9, "Speed"): `drtwin run big.yaml --json`
against the floor `python -c "import numpy"`, side by side in one run, interleaved so the
machine's load hits both alike. big.yaml is bench_twin's 24 h x 2,000-volume soak (two
W1500-608 racks, an FC flap every 2 hours). Also the same process with a small scenario
(the default), where start-up dominates, and where the time of `drtwin run big.yaml
--json` goes, in a fresh process of its own doing what the CLI does phase by phase:
start-up, import (numpy, then the rest), load, run, report, JSON, exit.

Run:  .venv/bin/python bench/bench_cli.py [--repeat N]
Target: drtwin run big.yaml --json at most 3x the numpy floor (median of N). drtwin run
starts numpy's OpenBLAS without worker threads (it computes on one thread); the plain
floor's worker spins a core while the process lives, which on a loaded machine slows the
floor: the ratio against the floor imported as drtwin run imports it is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

PY = sys.executable


# as a user's shell runs it: no history, and bytecode caches written and used
CLEAN_ENV = {"DRTWIN_HISTORY": "off", "PATH": "/usr/bin:/bin"}


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=ROOT, env={**CLEAN_ENV, **(env or {})})
    return time.perf_counter() - t0


# the floor as drtwin run imports numpy: OpenBLAS without worker threads (app/cli.py,
# _single_threaded_numpy); the plain floor's worker thread spins a core while it lives
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1"}
FLOOR_1T = "python -c 'import numpy' (1 thread)"


PHASES = ("start-up", "import numpy", "import the rest", "load", "run", "report", "JSON",
          "exit")


def phases(path: str) -> dict[str, float]:
    """In this process (fresh: the bench starts it with --phases), what ``drtwin run PATH
    --json`` does, phase by phase, with the CLI's own calls; seconds per phase."""
    t_start = time.perf_counter()
    import numpy  # noqa: F401

    t_numpy = time.perf_counter()
    from app import cli
    from app.progress import Progress, ctrl_c
    from twin.runner import Runner

    t_import = time.perf_counter()
    with ctrl_c() as pressed:
        scenario = cli._load(path)
        assert scenario is not None, f"{path} does not load"
        t_load = time.perf_counter()
        progress = Progress(scenario.horizon_s, pressed)
        runner = Runner(scenario, progress=progress)
        limit = runner.time_limit_s  # Runner.run, in its two halves
        runner.advance_to(float("inf") if limit is None else limit, settle=False)
        t_run = time.perf_counter()
        report = runner.report()
        t_report = time.perf_counter()
        with open(os.devnull, "w") as out:
            from app import jsontext

            out.write(jsontext.dumps(report))  # as cmd_run writes it
            out.write("\n")
        t_json = time.perf_counter()
    return {"import numpy": t_numpy - t_start, "import the rest": t_import - t_numpy,
            "load": t_load - t_import, "run": t_run - t_load, "report": t_report - t_run,
            "JSON": t_json - t_report}


def breakdown(path: Path, repeat: int) -> dict[str, float]:
    """Median seconds of each phase of ``drtwin run PATH --json``: those :func:`phases`
    times in a fresh process, the start-up (``python -c pass``) and what is left of the
    process's wall time (exit: freeing the interpreter and numpy)."""
    # (OPENBLAS_NUM_THREADS: what drtwin run sets before it imports numpy, _single_threaded_numpy)
    env = {**CLEAN_ENV, "DRTWIN_PROGRESS": "0", "OPENBLAS_NUM_THREADS": "1"}
    got: dict[str, list[float]] = {k: [] for k in PHASES}
    for _ in range(repeat):
        got["start-up"].append(timed([PY, "-c", "pass"]))
        t0 = time.perf_counter()
        out = subprocess.run([PY, str(Path(__file__)), "--phases", str(path)], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True).stdout
        wall = time.perf_counter() - t0
        ph = json.loads(out)
        for k, v in ph.items():
            got[k].append(v)
        got["exit"].append(max(0.0, wall - got["start-up"][-1] - sum(ph.values())))
    return {k: statistics.median(v) for k, v in got.items()}


def _self_times(cmd: list[str]) -> dict[str, float]:
    """Each module's own import time (python -X importtime), s."""
    err = subprocess.run([PY, "-X", "importtime", *cmd], cwd=ROOT, capture_output=True,
                         text=True, env=CLEAN_ENV).stderr
    out = {}
    for line in err.splitlines():
        parts = line[len("import time:"):].split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[0].strip().isdigit():
            out[parts[2].strip()] = int(parts[0]) / 1e6
    return out


def import_costs(path: Path) -> list[tuple[str, float]]:
    """The modules ``drtwin run PATH --json`` imports beyond ``import numpy``, by their
    own import time (the least of three runs; -X importtime adds its own overhead)."""
    floor = _self_times(["-c", "import numpy"])
    runs = [_self_times(["-m", "app.cli", "run", str(path), "--json"]) for _ in range(3)]
    own = {m: min(r.get(m, 0.0) for r in runs) for m in runs[0] if m not in floor}
    return sorted(own.items(), key=lambda r: -r[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--phases", metavar="FILE", help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    if args.phases:
        print(json.dumps(phases(args.phases)))
        from app import cli

        cli._exiting(0)  # as main() does when it is the program
        return
    from bench_twin import scenario_text  # (not in the child: it imports the engine)

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.yaml"
        big.write_text(scenario_text(2000))
        runs = {
            "python -c 'import numpy'": [PY, "-c", "import numpy"],
            FLOOR_1T: [PY, "-c", "import numpy"],
            "drtwin run big.yaml --json": [PY, "-m", "app.cli", "run", str(big), "--json"],
            "drtwin run default.yaml --json": [PY, "-m", "app.cli", "run",
                                               str(ROOT / "scenarios" / "default.yaml"),
                                               "--json"],
            "drtwin check big.yaml": [PY, "-m", "app.cli", "check", str(big)],
        }
        times: dict[str, list[float]] = {k: [] for k in runs}
        for name, cmd in runs.items():  # warm the file cache once
            timed(cmd, ONE_THREAD if name == FLOOR_1T else None)
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                times[name].append(timed(cmd, ONE_THREAD if name == FLOOR_1T else None))
        parts = breakdown(big, args.repeat)
        costs = import_costs(big)
    floor = statistics.median(times["python -c 'import numpy'"])
    print(f"median of {args.repeat} interleaved runs (this machine, {time.strftime('%F')}):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:34s} {med:6.3f} s  ({med / floor:4.2f}x the numpy floor; "
              f"min {min(ts):.3f} s)")
    ratio = statistics.median(times["drtwin run big.yaml --json"]) / floor
    print(f"drtwin run big.yaml --json / import numpy: {ratio:.2f}x (target <= 3x): "
          f"{'met' if ratio <= 3 else 'NOT met'}")
    ratio_1t = statistics.median(times["drtwin run big.yaml --json"]) / statistics.median(
        times[FLOOR_1T])
    print(f"  (against the floor with numpy imported as drtwin run imports it, one thread: "
          f"{ratio_1t:.2f}x)")
    total = sum(parts.values())
    print(f"where drtwin run big.yaml --json goes (median of {args.repeat} fresh processes, "
          f"{total:.3f} s in all):")
    for name in PHASES:
        print(f"  {name:16s} {parts[name]:6.3f} s  {parts[name] / total * 100:4.0f} %")
    print(f"modules drtwin run imports beyond numpy: {len(costs)}, "
          f"{sum(c for _, c in costs):.3f} s of their own import time; the heaviest:")
    for name, s in costs[:10]:
        print(f"  {name:30s} {s:.4f}")


if __name__ == "__main__":
    main()
