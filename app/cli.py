"""The ``drtwin`` command.

``drtwin`` opens the GUI on the bundled default scenario; ``drtwin gui FILE`` opens a
scenario; ``drtwin run FILE [--json] [--report OUT.html]`` plays one headless, prints its
report (and writes the after-action report, twin/aar.py) and keeps it in the run history
(twin/history.py); ``drtwin history [show N]`` lists the history or prints a run;
``drtwin check FILE`` only validates a file. Headless subcommands import only ``twin``; the
GUI is imported lazily, so ``drtwin run`` works on a machine without a display.

Exit status (scenario-format.md): 0 every step went as expected and every check held;
1 otherwise; 2 the file is invalid (the message names the file, the line and the field),
or an output path or the history database cannot be used: nothing runs.

``drtwin run`` shows its progress in simulated time on a terminal (stderr; tqdm's bar when
it is installed; ``DRTWIN_PROGRESS=1`` forces plain progress lines, ``0`` none), and Ctrl-C
stops it between two events with the report so far, marked ``"interrupted": true``
(exit status 1); a second Ctrl-C stops at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twin.history import History
    from twin.scenario import Scenario


def __getattr__(name: str) -> Any:
    """``DEFAULT_SCENARIO``: scenarios/default.yaml, bundled as app.scenarios (found when
    asked: ``drtwin run`` does not need importlib.resources)."""
    if name == "DEFAULT_SCENARIO":
        from app import resources

        return resources.scenario()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="drtwin",
        description="DR Twin: a digital twin of two IBM PureApplication System racks doing "
        "disaster recovery. With no command, opens the application on the default scenario.")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="play a scenario headless and print its report")
    run.add_argument("file", help="scenario file (YAML)")
    run.add_argument("--json", action="store_true", help="print the full report as JSON")
    run.add_argument("--report", metavar="OUT.html",
                     help="write the after-action report (HTML), and the JSON beside it as "
                     "OUT.json")
    run.add_argument("--versus", metavar="B.yaml",
                     help="also play B.yaml and report both and their differences: with "
                     "--trainee, B is a second trainee's actions on FILE; without, a second "
                     "scenario or saved session of the same system")
    run.add_argument("--trainee", metavar="ACTIONS.yaml",
                     help="play in trainee mode: the scenario's instructor steps, and these "
                     "actions (a saved trainee session) instead of its operator steps")
    _history_option(run)
    hist = sub.add_parser("history", help="list the runs kept in the run history",
                          description="List the runs kept in the run history, newest first; "
                          "`history show N` prints one.")
    hist.add_argument("--json", action="store_true", help="the list as JSON")
    _history_option(hist)
    hsub = hist.add_subparsers(dest="history_command")
    show = hsub.add_parser("show", help="print a run's report (summary, JSON or HTML)")
    show.add_argument("run_id", type=int, metavar="N", help="the run's id (from the list)")
    fmt = show.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                     help="print the run's full report as JSON")
    fmt.add_argument("--report", metavar="OUT.html",
                     help="write the run's after-action report (and OUT.json beside it)")
    _history_option(show, suppress=True)
    cmp_ = sub.add_parser("compare", help="the scenario's disaster under each of the four "
                          "strategies (backup and restore, host-based, disk replication, "
                          "shared file system)")
    cmp_.add_argument("file")
    cmp_.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp_.add_argument("--strategy", action="append", metavar="NAME",
                      help="only these strategies (repeat); default: all")
    cmp_.add_argument("--report", metavar="OUT.html",
                      help="write the comparison as HTML (RPO scale, RTO bars, timeline, "
                      "table), and its JSON beside it as OUT.json")
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
    sw.add_argument("--report", metavar="OUT.html",
                    help="write the summary and the plots as HTML, and the JSON beside it")
    chk = sub.add_parser("check", help="validate a scenario file without running it")
    chk.add_argument("file")
    gui = sub.add_parser("gui", help="open the application on a scenario")
    gui.add_argument("file", nargs="?", help="scenario file (default: the bundled default)")
    gui.add_argument("--screenshot", metavar="OUT.png",
                     help="play offscreen to --at, save a PNG of the main window, exit")
    gui.add_argument("--at", default="0s", help="simulated time for --screenshot (e.g. 2h)")
    gui.add_argument("--size", default="1600x1000", help="window size for --screenshot")
    gui.add_argument("--instructor", action="store_true",
                     help="open the instructor station beside the main window (with "
                     "--screenshot, also OUT-instructor.png)")
    gui.add_argument("--present", action="store_true",
                     help="presenter mode: autoplay with the notes as captions, pauses and "
                     "chapters, in the projector theme")
    gui.add_argument("--speed", type=float, metavar="X",
                     help="simulated seconds per real second (with --present)")
    gui.add_argument("--loop", action="store_true", help="with --present: start again at "
                     "the end")
    gui.add_argument("--trainee", nargs="?", const="", default=None, metavar="NAME",
                     help="play as a trainee: the briefing first (with --screenshot: no "
                     "briefing, the session starts at once for NAME)")
    return p


def _history_option(p: argparse.ArgumentParser, suppress: bool = False) -> None:
    p.add_argument("--history", metavar="PATH", default=argparse.SUPPRESS if suppress else None,
                   help="the run-history database (SQLite), or `off`; default: "
                   "$DRTWIN_HISTORY, else history.sqlite in the user's data folder")


def _err(message: str) -> int:
    print(f"drtwin: {message}", file=sys.stderr)
    return 2


def _history_off(option: str | None) -> bool:
    """``--history off`` or $DRTWIN_HISTORY=off (twin.history.history_path's rule, read
    here so that a run without a history imports neither it nor sqlite3)."""
    chosen = option if option is not None else os.environ.get("DRTWIN_HISTORY") or None
    return chosen is not None and chosen.strip().lower() == "off"


def _open_history(option: str | None) -> History | None:
    """The run history chosen by ``--history`` or $DRTWIN_HISTORY (None: off)."""
    if _history_off(option):
        return None
    from twin.history import History, history_path

    path = history_path(option)
    if path is None:
        return None
    # the default location's folders are made; a chosen path's folder must exist
    return History(path, create_dirs=option is None and not os.environ.get("DRTWIN_HISTORY"))


def _report_target(out: str) -> str | None:
    """Why ``--report OUT`` cannot be written (None: it can), before anything runs."""
    from twin.aar import json_path_for

    p = Path(out)
    if why := _file_target(out, "the report"):
        return why
    if json_path_for(p) == p:
        return f"cannot write the report {out}: its JSON would overwrite it; name it OUT.html"
    return None


def _file_target(out: str, what: str) -> str | None:
    """Why the file ``out`` cannot be written (None: it can), before anything runs."""
    p = Path(out)
    if p.is_dir():
        return f"cannot write {what} {out}: it is a folder"
    if not p.parent.is_dir():
        return f"cannot write {what} {out}: the folder {p.parent} does not exist"
    return None


def _write_report(report: dict[str, Any], out: str, **meta: Any) -> int | None:
    from twin import aar

    try:
        html_path, json_path = aar.write(report, out, **meta)
    except OSError as e:
        return _err(f"cannot write the report {out}: {e.strerror or e}")
    print(f"drtwin: after-action report written to {html_path} (JSON: {json_path})",
          file=sys.stderr)
    return None


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
    if getattr(args, "versus", None):
        return cmd_versus(args)
    from app.progress import Interrupted, Progress, ctrl_c, report_of
    from twin.runner import Runner, summary

    with ctrl_c() as pressed:
        scenario = _load(args.file)
        if scenario is None:
            return 2
        if args.report and (why := _report_target(args.report)):
            return _err(why)
        session = _load_trainee(args, scenario)
        if session is False:
            return 2
        _collect_from_now_on()
        history = None
        if not _history_off(args.history):
            from twin.history import HistoryError

            try:
                history = _open_history(args.history)
                if history is not None:
                    history.count()  # a broken database is found before the run, not after
            except HistoryError as e:
                return _err(f"run history: {e}")
        started_at = datetime.now().astimezone()  # the wall clock is the CLI's, not the engine's
        progress = Progress(scenario.horizon_s, pressed)
        runner = (Runner(scenario, progress=progress) if session is None
                  else _trainee_runner(scenario, session, progress))
        interrupted = False
        try:
            report = runner.run() if session is None else _play_trainee(runner, session)
        except (Interrupted, KeyboardInterrupt):
            interrupted = True
            report = report_of(runner, progress.now)
        finally:
            pressed[1] = False  # from here on Ctrl-C waits for the report
            progress.close()
        if interrupted:
            print(f"drtwin: interrupted (Ctrl-C) at {progress.fmt(progress.now)} of "
                  "simulated time: the report is partial", file=sys.stderr)
        if args.json:
            from app import jsontext

            sys.stdout.write(jsontext.dumps(report))  # (json.dump's text, faster)
            sys.stdout.write("\n")
        else:
            print(summary(report))
            if session is not None:
                print(_trainee_summary(report))
            if interrupted:
                print(f"Interrupted at {progress.fmt(progress.now)} (Ctrl-C): partial report")
        run_id = None
        if history is not None and not interrupted:
            from twin.history import HistoryError

            try:
                run_id = history.record(report, scenario.source_text, started_at)
            except HistoryError as e:
                return _err(f"run history: {e}")
        if args.report:
            from twin.aar import text_sha256

            failed = _write_report(report, args.report, made_at=started_at,
                                   description=scenario.description,
                                   scenario_sha256=text_sha256(scenario.source_text),
                                   run_id=run_id)
            if failed is not None:
                return failed
    return 0 if report["ok"] else 1


def _versus_side(path: str) -> Scenario | None:
    """One side of ``--versus``: a scenario or a saved session (File > Save session).
    Where the trainee's actions file comes (``--trainee``), it goes here."""
    return _load(path)


def cmd_versus(args: argparse.Namespace) -> int:
    """``drtwin run A.yaml --versus B.yaml``: both runs, side by side (twin/runner.py
    versus). Exit status 0 if both went as expected, 1 otherwise, 2 for a bad file or two
    different systems."""
    from twin.runner import Runner, summary, versus

    if getattr(args, "trainee", None):
        return _versus_sessions(args)
    a, b = _versus_side(args.file), _versus_side(args.versus)
    if a is None or b is None:
        return 2
    if a.system != b.system:
        fields = [f for f in type(a.system).__dataclass_fields__
                  if getattr(a.system, f) != getattr(b.system, f)]
        return _err(f"--versus {args.versus}: not the same system as {args.file} "
                    f"(they differ in system.{', system.'.join(fields) or '?'}); compare "
                    "two runs of one system")
    if args.report:
        return _err("--report writes one run's report: use it without --versus")
    reports = [Runner(a).run(), Runner(b).run()]
    out = versus(*reports)
    out["files"] = {"a": args.file, "b": args.versus}
    return _print_versus(args, out, reports, summary)


def _versus_sessions(args: argparse.Namespace) -> int:
    """``drtwin run FILE --trainee A.yaml --versus B.yaml``: FILE in trainee mode twice,
    with two trainees' actions (two saved sessions, or one and a changed copy), side by
    side."""
    from twin.runner import summary, versus

    scenario = _load(args.file)
    if scenario is None:
        return 2
    if args.report:
        return _err("--report writes one run's report: use it without --versus")
    reports = []
    for path in (args.trainee, args.versus):
        one = argparse.Namespace(**{**vars(args), "trainee": path})
        session = _load_trainee(one, scenario)
        if session is False or session is None:
            return 2
        reports.append(_play_trainee(_trainee_runner(scenario, session, None), session))
    out = versus(*reports)
    out["files"] = {"a": args.trainee, "b": args.versus}
    out["scenario_file"] = args.file
    return _print_versus(args, out, reports, summary)


def _print_versus(args: argparse.Namespace, out: dict[str, Any],
                  reports: list[dict[str, Any]], summary: Any) -> int:
    """Print two runs side by side (JSON or text); exit 0 when both went as expected."""
    out["ok"] = {"a": reports[0]["ok"], "b": reports[1]["ok"]}
    if args.json:
        json.dump(out, sys.stdout, indent=1, default=str, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(_versus_text(out, reports, summary))
    return 0 if all(r["ok"] for r in reports) else 1


def _versus_text(out: dict[str, Any], reports: list[dict[str, Any]], summary: Any) -> str:
    from twin.durations import format_bytes, format_duration

    def fmt(key: str, v: Any) -> str:
        if v is None:
            return "—"
        if key == "data_loss_bytes":
            return format_bytes(v)
        return f"{v:g}" if key == "score" else format_duration(v)

    lines = []
    for side, r in zip("AB", reports, strict=True):
        lines += [f"== {side}: {out['files'][side.lower()]}", summary(r), ""]
    lines.append("== A versus B")
    for key in ("data_loss_bytes", "rpo_achieved_s", "rto_s", "score"):
        d = out["differences"].get(key)
        mark = "differs" if d else "same"
        lines.append(f"  {key:<16} A {fmt(key, out['a'][key]):>14}   B "
                     f"{fmt(key, out['b'][key]):>14}   {mark}")
    for side in ("a", "b"):
        for dev in out[f"deviations_only_in_{side}"]:
            lines.append(f"  only in {side.upper()}: {dev}")
    return "\n".join(lines)


# -- drtwin run --trainee (issue 10): a saved trainee session stands in for the trainee ----


def _load_trainee(args: argparse.Namespace, scenario: Scenario) -> Any:
    """The session of ``--trainee ACTIONS.yaml`` (None without it; False, with the message
    printed, when the file cannot be replayed on this scenario)."""
    if not getattr(args, "trainee", None):
        return None
    from twin.scenario import ScenarioError
    from twin.session import load_session

    try:
        return load_session(Path(args.trainee), scenario)
    except ScenarioError as e:
        print(f"drtwin: invalid trainee actions: {e}", file=sys.stderr)
        return False


def _trainee_runner(scenario: Scenario, session: Any, progress: Any) -> Any:
    from twin.session import trainee_runner

    return trainee_runner(scenario, session, progress=progress)


def _play_trainee(runner: Any, session: Any) -> dict[str, Any]:
    from twin.session import end_of

    runner.advance_to(end_of(runner.scenario, session))
    report: dict[str, Any] = runner.report()
    return report


def _trainee_summary(report: dict[str, Any]) -> str:
    from twin.durations import format_duration

    who = report.get("trainee") or "the trainee"
    lines = [f"Trainee actions ({who}):"]
    expected_refusals = False
    for a in report["trainee_actions"]:
        # ok: accepted; no: refused, as the file expects (a saved session's refused
        # attempt, `expect: refused`); XX: refused, not expected
        mark = "ok " if a["accepted"] else "no " if a["ok"] else "XX "
        expected_refusals |= mark == "no "
        lines.append(f"  {mark}{format_duration(a['at_s']):>12}  {a['do']:<24} {a['message']}")
    if len(lines) == 1:
        lines.append("  (none)")
    if expected_refusals:
        lines.append("  (no: refused, as the actions file expects: `expect: refused`)")
    if report["hints_s"]:
        lines.append("Hints asked at " + ", ".join(format_duration(h)
                                                   for h in report["hints_s"]))
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    from twin.durations import format_bytes, format_duration
    from twin.strategies import CompareError, compare

    scenario = _load(args.file)
    if scenario is None:
        return 2
    if args.report and (why := _report_target(args.report)):
        return _err(why)
    try:
        result = compare(scenario, args.strategy)
    except CompareError as e:
        print(f"drtwin: cannot compare {args.file}: {e}", file=sys.stderr)
        return 2
    if args.report and (failed := _write_compare_report(result, args.report)) is not None:
        return failed
    if args.json:
        json.dump(result, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    print(f"{result['scenario']}: the disaster at {format_duration(result['disaster_at_s'])} "
          "under each strategy")
    from twin.durations import format_money

    currency = str(result.get("currency") or "")
    priced = any(r.get("cost") for r in result["strategies"])
    cost_head = f"{'cost':>16}" if priced else ""
    print(f"  {'strategy':<19}{'RPO':>12}{'data lost':>12}{'RTO':>14}{cost_head}  note")
    for r in result["strategies"]:
        if not r["applicable"]:
            dash = f"{'—':>16}" if priced else ""
            print(f"  {r['strategy']:<19}{'—':>12}{'—':>12}{'—':>14}{dash}  {r['why']}")
            continue
        rpo = ("unbounded" if r["rpo_achieved_s"] is None
               else format_duration(r["rpo_achieved_s"]))
        lost = "—" if r["data_loss_bytes"] is None else format_bytes(r["data_loss_bytes"])
        rto = "not restored" if r["rto_s"] is None else format_duration(r["rto_s"])
        cost = (f"{format_money(r['cost']['total'] if r.get('cost') else None, currency):>16}"
                if priced else "")
        print(f"  {r['strategy']:<19}{rpo:>12}{lost:>12}{rto:>14}{cost}  {r['why']}")
    if priced:
        print("  cost: hours of outage and of data lost at the scenario's penalty rates "
              "(objectives.cost)")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from app.progress import bar
    from twin.sweep import SweepError, parse_vary, sweep, to_csv

    scenario = _load(args.file)
    if scenario is None:
        return 2
    scheduler = args.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if args.monte_carlo is not None and args.monte_carlo < 1:
        print("drtwin: --monte-carlo needs a number of runs of 1 or more", file=sys.stderr)
        return 2
    if args.report and (why := _report_target(args.report)):
        return _err(why)
    if args.csv and (why := _file_target(args.csv, "the CSV")):
        return _err(why)  # before the sweep runs, not after
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
    if args.report and (failed := _write_compare_report(result, args.report,
                                                         name=scenario.name)) is not None:
        return failed
    if args.json:
        json.dump(result, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(_sweep_summary(result))
    return 0


def _write_compare_report(result: dict[str, Any], out: str, name: str | None = None
                          ) -> int | None:
    """The comparison's (or, with ``name``, the sweep's) HTML report and its JSON."""
    from twin.compare_report import render_compare, render_sweep, write

    page = render_compare(result) if name is None else render_sweep(result, name)
    try:
        html_path, json_path = write(page, result, out)
    except OSError as e:
        return _err(f"cannot write the report {out}: {e.strerror or e}")
    print(f"drtwin: report written to {html_path} (JSON: {json_path})", file=sys.stderr)
    return None


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


def cmd_history(args: argparse.Namespace) -> int:
    from twin.history import HistoryError

    try:
        history = _open_history(args.history)
    except HistoryError as e:
        return _err(f"run history: {e}")
    if history is None:
        return _err("the run history is off (--history off or DRTWIN_HISTORY=off)")
    try:
        if args.history_command == "show":
            return _history_show(history, args)
        runs = history.list()
    except HistoryError as e:
        return _err(f"run history: {e}")
    if args.json:
        json.dump(runs, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    if not runs:
        print(f"No runs recorded yet in {history.path}.")
        return 0
    print(_history_table(runs))
    return 0


def _history_table(runs: list[dict[str, Any]]) -> str:
    from twin.durations import format_duration

    def when(text: str) -> str:
        try:
            return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return text

    def dur(x: float | None) -> str:
        return "—" if x is None else format_duration(x)

    head = ("id", "when", "scenario", "mode", "trainee", "score", "RPO", "RTO")
    rows = [(str(r["id"]), when(r["started_at"]), r["scenario"], r["mode"],
             r["trainee"] or "—",
             "—" if r["score"] is None else
             f"{r['score']:g}{'' if r['passed'] else ' ✗'}",
             dur(r["rpo_achieved_s"]), dur(r["rto_s"])) for r in runs]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    widths[2] = min(widths[2], 48)

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for i, c in enumerate(cells):
            c = c if len(c) <= widths[i] else c[:widths[i] - 1] + "…"
            out.append(c.rjust(widths[i]) if i in (0, 5) else c.ljust(widths[i]))
        return "  ".join(out).rstrip()

    return "\n".join([line(head), *(line(r) for r in rows)])


def _history_show(history: History, args: argparse.Namespace) -> int:
    from twin.aar import scenario_info
    from twin.runner import summary

    run = history.get(args.run_id)
    if run is None:
        return _err(f"run history: no run {args.run_id} in {history.path}")
    report = run["report"]
    if getattr(args, "json", False):
        json.dump(report, sys.stdout, indent=1, default=str, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    if args.report:
        if why := _report_target(args.report):
            return _err(why)
        failed = _write_report(report, args.report, made_at=run["started_at"],
                               description=scenario_info(run["scenario_text"])["description"],
                               scenario_sha256=run["scenario_sha256"], run_id=run["id"])
        return failed if failed is not None else 0
    who = f", trainee {run['trainee']}" if run["trainee"] else ""
    print(f"Run {run['id']}: {run['started_at']}, {run['mode']}{who}; scenario "
          f"{run['scenario_file'] or '(no file)'} (SHA-256 {run['scenario_sha256'][:12]}…)")
    print(summary(report))
    return 0


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


def _exiting(status: int) -> None:
    """The program ends now with ``status``: what it printed is flushed, the exit
    functions run, and the process leaves without the interpreter's teardown (freeing
    every module and numpy's arrays one by one: about 15 ms of a 2,000-volume ``drtwin
    run``, bench/bench_cli.py). Every file the run wrote is closed by then (the report's
    with ``write_text``, the history's connection after each use). If stdout cannot be
    flushed (a closed pipe), or a thread other than the main one runs, it returns and the
    interpreter exits as usual, its objects frozen (``gc.freeze``: its final collection
    skips them)."""
    import gc

    gc.freeze()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _stdout_to_devnull()  # (the reader stopped early: quietly, status 1)
        os._exit(1)
    except (OSError, ValueError):
        return  # the interpreter reports it, as it would have
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def _collect_later() -> None:
    """The program starts ``drtwin run``: no cyclic garbage collection while it imports
    and loads (what those make lives as long as the process; the collector would go over
    it some sixty times, ~6 ms with numpy's import), until :func:`_collect_from_now_on`."""
    import gc

    global _collection_held
    if gc.isenabled():
        gc.disable()
        _collection_held = True


def _collect_from_now_on() -> None:
    """After the load: what exists stays (``gc.freeze``: the collector skips it from now
    on) and the run collects its garbage as usual."""
    global _collection_held
    if _collection_held:
        import gc

        _collection_held = False
        gc.freeze()
        gc.enable()


_collection_held = False


def _single_threaded_numpy() -> None:
    """``drtwin run`` computes on one thread, on small arrays: before numpy is imported,
    its OpenBLAS is told to start no worker threads (each spins a core for a tenth of a
    second at start-up, on a machine with few cores taking it from the run). A value the
    user set is kept; once numpy is imported (a caller's process) nothing changes."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    """The ``drtwin`` program. Output piped into a reader that stops early (``| head``)
    ends it quietly with status 1, as the Python documentation advises for SIGPIPE, not
    with a traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        _stdout_to_devnull()
        return 1


def _stdout_to_devnull() -> None:
    """Stdout's reader has gone: what is left to flush goes nowhere (else the
    interpreter's own flush at exit would report the broken pipe again)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["gui", *(argv or [])])
    if args.command == "run":
        _single_threaded_numpy()
        if argv is None:  # the program (never a caller's process)
            _collect_later()
        try:
            status = cmd_run(args)
        except KeyboardInterrupt:  # before the run started (loading, importing)
            print("drtwin: interrupted before the run started", file=sys.stderr)
            status = 1
        finally:
            _collect_from_now_on()  # (a file that did not load, an error: as usual)
        if argv is None:  # the program itself, about to exit (never a caller's process)
            _exiting(status)
        return status
    if args.command == "check":
        return cmd_check(args)
    if args.command == "compare":
        return cmd_compare(args)
    if args.command == "sweep":
        return cmd_sweep(args)
    if args.command == "history":
        return cmd_history(args)
    if getattr(args, "file", None) is None:
        from app import resources

        args.file = str(resources.scenario())
    return cmd_gui(args)


if __name__ == "__main__":
    sys.exit(main())
