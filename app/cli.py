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
from typing import TYPE_CHECKING

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
    if getattr(args, "file", None) is None:
        args.file = str(DEFAULT_SCENARIO)
    return cmd_gui(args)


if __name__ == "__main__":
    sys.exit(main())
