"""The ``drtwin`` command.

``drtwin`` opens the GUI on the bundled default scenario; ``drtwin gui FILE`` opens a
scenario; ``drtwin run FILE [--json]`` plays one headless and prints its report;
``drtwin check FILE`` only validates a file. Headless subcommands import only ``twin``; the
GUI is imported lazily, so ``drtwin run`` works on a machine without a display.

Exit status (scenario-format.md): 0 every step went as expected and every check held;
1 otherwise; 2 the file is invalid (the message names the file, the line and the field).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from app import resources

if TYPE_CHECKING:
    from twin.scenario import Scenario

DEFAULT_SCENARIO = resources.scenario()  # scenarios/default.yaml, bundled as app.scenarios


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="drtwin",
        description="DR Twin: a digital twin of two IBM PureApplication System racks doing "
        "disaster recovery. With no command, opens the application on the default scenario.")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="play a scenario headless and print its report")
    run.add_argument("file", help="scenario file (YAML)")
    run.add_argument("--json", action="store_true", help="print the full report as JSON")
    cmp_ = sub.add_parser("compare", help="the scenario's disaster under each of the four "
                          "strategies (backup and restore, host-based, disk replication, "
                          "shared file system)")
    cmp_.add_argument("file")
    cmp_.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp_.add_argument("--strategy", action="append", metavar="NAME",
                      help="only these strategies (repeat); default: all")
    sw = sub.add_parser("sweep", help="what-if grids and Monte Carlo over a scenario")
    sw.add_argument("file")
    sw.add_argument("--vary", action="append", default=[], metavar="PATH=VALUES",
                    help="PATH=V1,V2,... or PATH=LO..HI:N, e.g. system.distance_km=100,8000")
    sw.add_argument("--monte-carlo", type=int, metavar="N",
                    help="N runs per grid point, the seed and the disaster's time of day "
                    "drawn at random (from the scenario's seed)")
    sw.add_argument("--strategy", action="append", metavar="NAME",
                    help="compare these strategies in every run (repeat)")
    sw.add_argument("--csv", metavar="OUT.csv", help="write one row per run")
    sw.add_argument("--json", action="store_true", help="print rows and summary as JSON")
    sw.add_argument("--scheduler", metavar="ADDRESS",
                    help="run on this Dask cluster (default: $DASK_SCHEDULER_ADDRESS, else "
                    "local processes)")
    sw.add_argument("--workers", type=int, help="local processes (default: one per core)")
    chk = sub.add_parser("check", help="validate a scenario file without running it")
    chk.add_argument("file")
    gui = sub.add_parser("gui", help="open the application on a scenario")
    gui.add_argument("file", nargs="?", help="scenario file (default: the bundled default)")
    gui.add_argument("--screenshot", metavar="OUT.png",
                     help="play offscreen to --at, save a PNG of the main window, exit")
    gui.add_argument("--at", default="0s", help="simulated time for --screenshot (e.g. 2h)")
    gui.add_argument("--size", default="1600x1000", help="window size for --screenshot")
    return p


def _load(path: str) -> Scenario | None:
    from twin.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as e:
        print(f"drtwin: invalid scenario: {e}", file=sys.stderr)
        return None
    except OSError as e:
        print(f"drtwin: cannot read {path}: {e.strerror or e}", file=sys.stderr)
        return None


def cmd_run(args: argparse.Namespace) -> int:
    from twin.runner import run_scenario, summary

    scenario = _load(args.file)
    if scenario is None:
        return 2
    report = run_scenario(scenario)
    if args.json:
        json.dump(report, sys.stdout, indent=1, default=str, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(summary(report))
    return 0 if report["ok"] else 1


def cmd_compare(args: argparse.Namespace) -> int:
    from twin.durations import format_bytes, format_duration
    from twin.strategies import CompareError, compare

    scenario = _load(args.file)
    if scenario is None:
        return 2
    try:
        result = compare(scenario, args.strategy)
    except CompareError as e:
        print(f"drtwin: cannot compare {args.file}: {e}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(result, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    print(f"{result['scenario']}: the disaster at {format_duration(result['disaster_at_s'])} "
          "under each strategy")
    print(f"  {'strategy':<19}{'RPO':>12}{'data lost':>12}{'RTO':>14}  note")
    for r in result["strategies"]:
        if not r["applicable"]:
            print(f"  {r['strategy']:<19}{'—':>12}{'—':>12}{'—':>14}  {r['why']}")
            continue
        rpo = ("unbounded" if r["rpo_achieved_s"] is None
               else format_duration(r["rpo_achieved_s"]))
        lost = "—" if r["data_loss_bytes"] is None else format_bytes(r["data_loss_bytes"])
        rto = "not restored" if r["rto_s"] is None else format_duration(r["rto_s"])
        cost = f"  cost {r['cost']['total']:,.0f}" if r.get("cost") else ""
        print(f"  {r['strategy']:<19}{rpo:>12}{lost:>12}{rto:>14}  {r['why']}{cost}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from app.progress import bar
    from twin.sweep import SweepError, parse_vary, sweep, to_csv

    scenario = _load(args.file)
    if scenario is None:
        return 2
    scheduler = args.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if args.monte_carlo is not None and args.monte_carlo < 1:
        print("drtwin: --monte-carlo needs a number of runs of 1 or more", file=sys.stderr)
        return 2
    try:
        varies = [parse_vary(v) for v in args.vary]
        with bar("runs") as progress:
            result = sweep(scenario.source_text, args.file, varies, args.monte_carlo,
                           args.strategy, scheduler=scheduler, workers=args.workers,
                           progress=progress)
    except SweepError as e:
        print(f"drtwin: {e}", file=sys.stderr)
        return 2
    if args.csv:
        try:
            Path(args.csv).write_text(to_csv(result), encoding="utf-8")
        except OSError as e:
            print(f"drtwin: cannot write {args.csv}: {e.strerror or e}", file=sys.stderr)
            return 2
    if args.json:
        json.dump(result, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(_sweep_summary(result))
    return 0


def _sweep_summary(result: dict[str, Any]) -> str:
    from twin.durations import format_bytes, format_duration

    lines = [f"{result['runs']} runs" + (f", varying {', '.join(result['varied'])}"
                                         if result["varied"] else "")
             + (f", Monte Carlo x{result['monte_carlo']}" if result["monte_carlo"] else "")]
    for name, s in result["summary"].items():
        lines.append(f"  {name}: {s['runs']} rows, {s['errors']} impossible, "
                     f"{s['not_restored']} not restored")
        for key, fmt in (("data_loss_bytes", format_bytes), ("rto_s", format_duration),
                         ("rpo_achieved_s", format_duration)):
            q = s.get(key)
            if q:
                lines.append(f"    {key:<16} p50 {fmt(q['p50'])}, p95 {fmt(q['p95'])}, "
                             f"p99 {fmt(q['p99'])}")
    errors = sorted({r["error"] for r in result["rows"] if r["error"]})
    for e in errors[:5]:
        lines.append(f"  impossible: {e}")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    if scenario is None:
        return 2
    print(f"{args.file}: valid ({len(scenario.steps)} steps)")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from app.main import run_gui
    except ImportError as e:
        print(f"drtwin: the desktop application cannot start: {e}", file=sys.stderr)
        return 1
    return int(run_gui(args))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["gui", *(argv or [])])
    if args.command == "run":
        return cmd_run(args)
    if args.command == "check":
        return cmd_check(args)
    if args.command == "compare":
        return cmd_compare(args)
    if args.command == "sweep":
        return cmd_sweep(args)
    if getattr(args, "file", None) is None:
        args.file = str(DEFAULT_SCENARIO)
    return cmd_gui(args)


if __name__ == "__main__":
    sys.exit(main())
