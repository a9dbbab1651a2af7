"""What-if sweeps and Monte Carlo over a scenario (issue 12; `drtwin sweep`,
scenario-format.md "Comparing strategies and sweeps").

A **grid** varies scenario parameters by their path in the scenario file
(``system.distance_km=100,1200,8000``, ``system.fc_link.bandwidth_mbps=1000..8000:4``,
``system.workloads.*.write_mb_s=2,8``, ``strategies.backup-restore.interval=6h,12h``); a
list of named items (racks, workloads) is addressed by name or ``*`` for all. **Monte
Carlo** draws, for each of N runs, the seed and the disaster's time of day (the timeline
from the first disaster on is shifted by up to a day): per-run draws come from one
``SeedSequence``, so the rows are the same on any executor and any number of workers.

A run that a value makes impossible (Metro Mirror at 2,000 km, a distance validation
refuses) is a row with its ``error``, never a crash. Runs are batched into tasks (about a
hundred a task) for local processes (the default: embedded, nothing to start) or an
existing Dask cluster (``--scheduler tcp://HOST:8786`` or ``DASK_SCHEDULER_ADDRESS``).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import itertools
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml

from twin.config import DEFAULT_WORKLOADS
from twin.durations import DurationError, parse_duration

DAY_S = 86_400.0
BATCH = 100  # runs per task
DISASTERS = ("lose-rack", "fail-storage")
ROW_FIELDS = ("run", "seed", "disaster_at_s", "strategy", "ok", "rpo_achieved_s", "data_loss_bytes",
              "rto_s", "error")


class SweepError(ValueError):
    """A --vary that cannot be read, or a scheduler that cannot be reached."""


@dataclass(frozen=True)
class Vary:
    path: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class RunSpec:
    index: int
    values: tuple[tuple[str, Any], ...]
    seed: int | None = None  # None: the scenario's own
    shift_s: float = 0.0  # of the timeline from the first disaster on


def _scalar(text: str) -> Any:
    v = yaml.safe_load(text)
    return v if isinstance(v, (int, float, str, bool)) else text


def parse_vary(text: str) -> Vary:
    """``PATH=V1,V2,...`` or ``PATH=LO..HI:N`` (N values, evenly spaced; durations too)."""
    path, sep, rhs = text.partition("=")
    path = path.strip()
    if not sep or not path or not rhs.strip():
        raise SweepError(f"--vary {text!r}: write PATH=V1,V2,... or PATH=LO..HI:N, e.g. "
                         "system.distance_km=100,1200,8000")
    if ".." in rhs:
        span, _, n_text = rhs.partition(":")
        lo_t, _, hi_t = span.partition("..")
        try:
            n = int(n_text)
        except ValueError:
            raise SweepError(f"--vary {text!r}: after ':' give how many values, e.g. "
                             f"{path}={span}:5") from None
        if n < 2:
            raise SweepError(f"--vary {text!r}: a range needs at least 2 values")
        lo, hi, unit = _number(lo_t, text), _number(hi_t, text), _is_duration(lo_t)
        points = [float(x) for x in np.linspace(lo, hi, n)]
        values: list[Any] = points
        if unit:
            values = [f"{x:g}s" for x in points]
        elif all(x.is_integer() for x in points):
            values = [int(x) for x in points]
        return Vary(path, tuple(values))
    return Vary(path, tuple(_scalar(v.strip()) for v in rhs.split(",") if v.strip()))


def _is_duration(text: str) -> bool:
    try:
        float(text)
        return False
    except ValueError:
        return True


def _number(text: str, whole: str) -> float:
    try:
        return parse_duration(text.strip()) if _is_duration(text.strip()) else float(text)
    except DurationError:
        raise SweepError(f"--vary {whole!r}: {text!r} is not a number or a duration") from None


def plan(varies: Sequence[Vary], monte_carlo: int | None = None,
         base_seed: int = 0) -> list[RunSpec]:
    """Every run of the sweep: the grid's points, each drawn ``monte_carlo`` times."""
    grid = list(itertools.product(*[[(v.path, x) for x in v.values] for v in varies])) or [()]
    if not monte_carlo:
        return [RunSpec(i, tuple(point)) for i, point in enumerate(grid)]
    seqs = np.random.SeedSequence(base_seed).spawn(len(grid) * monte_carlo)
    specs = []
    for i, (point, _) in enumerate(itertools.product(grid, range(monte_carlo))):
        rng = np.random.default_rng(seqs[i])
        specs.append(RunSpec(i, tuple(point), seed=int(rng.integers(0, 2**31 - 1)),
                             shift_s=float(rng.uniform(0.0, DAY_S))))
    return specs


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted path of a scenario document; named lists by name or ``*``."""
    segs = path.split(".")
    nodes: list[Any] = [doc]
    for depth, seg in enumerate(segs):
        last = depth == len(segs) - 1
        nxt: list[Any] = []
        for node in nodes:
            if isinstance(node, list):
                items = node if seg == "*" else [x for x in node if isinstance(x, dict)
                                                and x.get("name") == seg]
                if not items and seg.isdigit() and int(seg) < len(node):
                    items = [node[int(seg)]]
                if not items:
                    names = [x.get("name") for x in node if isinstance(x, dict)]
                    raise SweepError(f"--vary {path}: no item {seg!r} (there are "
                                     f"{', '.join(map(str, names)) or 'none'}; or use *)")
                if last:
                    raise SweepError(f"--vary {path}: name a field of {seg!r}")
                nxt += items
            elif isinstance(node, dict):
                if last:
                    node[seg] = value
                else:
                    if seg not in node or node[seg] is None:
                        if seg == "workloads" and segs[:depth] == ["system"]:
                            # not written: the twin's default workloads, as the loader's
                            node[seg] = [copy.deepcopy(w) for w in DEFAULT_WORKLOADS]
                        else:
                            node[seg] = [] if seg in ("workloads", "racks") else {}
                    nxt.append(node[seg])
            else:
                raise SweepError(f"--vary {path}: {'.'.join(segs[:depth])} is not a mapping")
        nodes = nxt


# -- one run ----------------------------------------------------------------------------


def _shifted(scenario: Any, shift: float) -> Any:
    """The scenario with its timeline shifted by ``shift`` from the first disaster on."""
    steps = list(scenario.steps)
    first = next((i for i, s in enumerate(steps) if s.action.do in DISASTERS), None)
    if first is None or shift == 0.0:
        return scenario
    out = steps[:first]
    for i, s in enumerate(steps[first:]):
        if s.at_s is not None:
            s = dataclasses.replace(s, at_s=s.at_s + shift)
        elif i == 0:
            s = dataclasses.replace(s, after_s=(s.after_s or 0.0) + shift)
        out.append(s)
    return dataclasses.replace(scenario, steps=tuple(out))


def _row(spec: RunSpec, strategy: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(spec.values)
    row.update({k: None for k in ROW_FIELDS})
    row.update(run=spec.index, strategy=strategy, **kw)
    return row


def _seed_of(spec: RunSpec, own: int) -> int:
    """The seed a run uses (known before it runs: also on a row that says why it could
    not): its Monte Carlo draw, else the scenario's own."""
    return spec.seed if spec.seed is not None else own


def run_batch(text: str, path: str | None, specs: Sequence[RunSpec],
              strategies: Sequence[str] | None) -> list[dict[str, Any]]:
    """Run ``specs`` of the scenario ``text``; a row per run (and strategy). Top level and
    picklable: the task a worker (a process, a Dask worker) runs."""
    from twin.runner import run_scenario
    from twin.scenario import ScenarioError, load_scenario_text
    from twin.strategies import CompareError, compare

    base = yaml.safe_load(text)
    own_seed = int((base or {}).get("seed", 0) or 0) if isinstance(base, dict) else 0
    loaded: dict[tuple[tuple[str, Any], ...], Any] = {}
    names = list(strategies or ["disk-replication"])
    rows: list[dict[str, Any]] = []
    for spec in specs:
        try:
            scenario = loaded.get(spec.values)
            if scenario is None:
                doc = copy.deepcopy(base)
                for p, v in spec.values:
                    set_path(doc, p, v)
                scenario = load_scenario_text(yaml.safe_dump(doc, sort_keys=False),
                                              path or "<sweep>")
                loaded[spec.values] = scenario
            if spec.seed is not None:
                scenario = dataclasses.replace(scenario, seed=spec.seed)
            scenario = _shifted(scenario, spec.shift_s)
            seed = scenario.seed
            if strategies is None:
                report = run_scenario(scenario)
                o = report["outcome"]
                rows.append(_row(spec, "disk-replication", seed=seed,
                                 disaster_at_s=o["disaster_at_s"], ok=report["ok"],
                                 rpo_achieved_s=o["rpo_achieved_s"],
                                 data_loss_bytes=o["data_loss_bytes"], rto_s=o["rto_s"]))
                continue
            result = compare(scenario, names)
            for r in result["strategies"]:
                rows.append(_row(spec, r["strategy"], seed=seed,
                                 disaster_at_s=result["disaster_at_s"], ok=r["applicable"],
                                 rpo_achieved_s=r["rpo_achieved_s"],
                                 data_loss_bytes=r["data_loss_bytes"], rto_s=r["rto_s"],
                                 error=None if r["applicable"] else r["why"]))
        except ScenarioError as e:
            # the varied copy is regenerated YAML: its line numbers are not the file's
            why = str(e) if not spec.values else (
                f"{e.path or '<sweep>'} with "
                + ", ".join(f"{p}={v}" for p, v in spec.values) + ": "
                + (f"{e.field}: " if e.field else "") + e.message)
            for s in names:
                rows.append(_row(spec, s, seed=_seed_of(spec, own_seed), ok=False, error=why))
        except (CompareError, SweepError) as e:
            for s in names:
                rows.append(_row(spec, s, seed=_seed_of(spec, own_seed), ok=False,
                                 error=str(e)))
        except Exception as e:  # noqa: BLE001 - one run's failure never stops a sweep
            for s in names:
                rows.append(_row(spec, s, seed=_seed_of(spec, own_seed), ok=False,
                                 error=f"internal error ({type(e).__name__}: {e})"))
    return rows


# -- executors -----------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (runs done, runs in all)


def _batches(specs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    return [list(specs[i:i + size]) for i in range(0, len(specs), size)]


def run_local(text: str, path: str | None, specs: Sequence[RunSpec],
              strategies: Sequence[str] | None, workers: int | None = None,
              batch: int = BATCH, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None,
              start_method: str | None = None) -> list[dict[str, Any]]:
    """In local processes (``workers`` of them; 1: in this process). ``cancelled`` is
    asked between batches: once it says so, the batches not started are dropped and this
    returns the rows so far at once (the processes finish the batch they are in and exit).
    ``start_method`` (e.g. ``"spawn"``, for a caller with threads of its own such as the
    GUI): how the processes start; default, the platform's."""
    workers = workers or os.cpu_count() or 1
    batches = _batches(specs, min(batch, max(1, math.ceil(len(specs) / workers))))
    rows: list[dict[str, Any]] = []
    done = 0
    if workers == 1:
        for b in batches:
            if cancelled is not None and cancelled():
                break
            rows += run_batch(text, path, b, strategies)
            done += len(b)
            if progress:
                progress(done, len(specs))
        return rows
    context = multiprocessing.get_context(start_method) if start_method else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    futures: dict[Any, int] = {}
    try:
        futures = {pool.submit(run_batch, text, path, b, strategies): len(b) for b in batches}
        pending = set(futures)
        while pending:
            if cancelled is not None and cancelled():
                break
            # wake up now and then to see a cancel while a long batch runs
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in finished:
                rows += fut.result()
                done += futures[fut]
                if progress:
                    progress(done, len(specs))
    finally:
        # on a cancel (or an error) drop the batches not started and do not wait for the
        # ones running; cancelled here, not only by shutdown(cancel_futures=True), which
        # the pool's thread skips once the pool is collected (as it is when this returns)
        for f in futures:
            f.cancel()
        pool.shutdown(wait=cancelled is None or not cancelled(), cancel_futures=True)
    return rows


def run_dask(text: str, path: str | None, specs: Sequence[RunSpec],
             strategies: Sequence[str] | None, address: str, batch: int = BATCH,
             progress: Progress | None = None, timeout_s: float = 30.0
             ) -> list[dict[str, Any]]:
    """On an existing Dask cluster; checks that its workers run the same packages."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise SweepError("a --scheduler needs Dask's distributed package: pip install "
                         "'dask[distributed]'") from None
    try:
        client = Client(address, timeout=timeout_s)
    except OSError as e:
        raise SweepError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        try:
            client.get_versions(check=True)
        except ValueError as e:
            raise SweepError(f"the Dask workers' packages differ from this machine's: {e}") \
                from None
        futures = [client.submit(run_batch, text, path, b, strategies, pure=False)
                   for b in _batches(specs, batch)]
        sizes = {f.key: len(b) for f, b in zip(futures, _batches(specs, batch), strict=True)}
        rows: list[dict[str, Any]] = []
        done = 0
        for fut in dask_completed(futures):
            rows += fut.result()
            done += sizes[fut.key]
            if progress:
                progress(done, len(specs))
        return rows
    finally:
        client.close()


# -- the sweep -------------------------------------------------------------------------------


def summarise(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Per strategy: runs, errors, and p50/p95/p99 of the data lost and the RTO."""
    by: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["strategy"], []).append(r)
    out: dict[str, Any] = {}
    for name, rs in by.items():
        good = [r for r in rs if not r["error"]]
        entry: dict[str, Any] = {"runs": len(rs), "errors": len(rs) - len(good)}
        for key in ("data_loss_bytes", "rto_s", "rpo_achieved_s"):
            vals = np.array([r[key] for r in good if r[key] is not None], dtype=float)
            entry[key] = (None if vals.size == 0 else
                          {f"p{q}": round(float(np.percentile(vals, q)), 6)
                           for q in (50, 95, 99)})
        entry["not_restored"] = sum(1 for r in good if r["rto_s"] is None
                                    and r["disaster_at_s"] is not None)
        out[name] = entry
    return out


def sweep(text: str, path: str | None, varies: Sequence[Vary], monte_carlo: int | None = None,
          strategies: Sequence[str] | None = None, scheduler: str | None = None,
          workers: int | None = None, progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None, base_seed: int | None = None,
          connect_timeout_s: float = 30.0, batch: int = BATCH,
          start_method: str | None = None) -> dict[str, Any]:
    """Run the sweep; rows in run order (the same whatever the executor). Cancelled (local
    runs only), the result holds the rows of the runs that finished and ``cancelled``."""
    seed = base_seed if base_seed is not None else int((yaml.safe_load(text) or {})
                                                        .get("seed", 0) or 0)
    preflight(text, varies, strategies)
    specs = plan(varies, monte_carlo, seed)
    if scheduler:
        rows = run_dask(text, path, specs, strategies, scheduler, progress=progress,
                        timeout_s=connect_timeout_s)
    else:
        rows = run_local(text, path, specs, strategies, workers, batch=batch,
                         progress=progress, cancelled=cancelled, start_method=start_method)
    order = {s: i for i, s in enumerate(strategies or ["disk-replication"])}
    rows.sort(key=lambda r: (r["run"], order.get(r["strategy"], 99)))
    out = {"runs": len(specs), "varied": [v.path for v in varies],
           "monte_carlo": monte_carlo, "rows": rows, "summary": summarise(rows)}
    if cancelled is not None and cancelled():
        out["cancelled"] = True
    return out


def preflight(text: str, varies: Sequence[Vary], strategies: Sequence[str] | None) -> None:
    """Refuse, before any run, what no run could use: a strategy that does not exist, and
    a ``--vary`` path that is not a field of the scenario (a misspelt path would make
    every row "impossible"). A value the loader refuses for its range stays a row that
    says why (Metro Mirror at 2,000 km)."""
    from twin.scenario import ScenarioError, load_scenario_text
    from twin.strategies import STRATEGIES

    unknown = [s for s in strategies or () if s not in STRATEGIES]
    if unknown:
        raise SweepError(f"--strategy {unknown[0]}: no such strategy; the strategies are "
                         f"{', '.join(STRATEGIES)}")
    base = yaml.safe_load(text)
    for v in varies:
        doc = copy.deepcopy(base)
        set_path(doc, v.path, v.values[0] if v.values else None)
        try:
            load_scenario_text(yaml.safe_dump(doc, sort_keys=False), "<sweep>")
        except ScenarioError as e:
            field = e.field or ""
            if e.message.startswith("unknown field") and v.path.startswith(field):
                raise SweepError(f"--vary {v.path}: {field}: {e.message}") from None


def to_csv(result: dict[str, Any]) -> str:
    out = io.StringIO()
    fields = [*result["varied"], *ROW_FIELDS]
    w = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in result["rows"]:
        w.writerow({k: "" if r.get(k) is None else r.get(k) for k in fields})
    return out.getvalue()
