"""The headless path's shortcuts give the very same numbers (issue 9, "Speed"): samples
evaluated later in bulk (twin/replication.py ``sample_context``/``sample_bulk``,
twin/timeseries.py ``push_later``) equal the immediate ``sample``, bit for bit; a reader
of the series sees every sample pushed for later."""

from __future__ import annotations

import numpy as np
import pytest

from twin.config import GB, MB, LinkConfig, ReplicationConfig
from twin.replication import SanReplication
from twin.runner import Runner
from twin.scenario import load_scenario_text
from twin.timeseries import SERIES, TimeSeries

LINK = LinkConfig(bandwidth_mbps=2000.0, background_copy_pct=40.0)
SIZES = np.array([100.0, 150.0, 50.0, 20.0]) * GB


def _events(seed: int, backlog: bool) -> list[tuple[float, np.ndarray]]:
    """Write-rate changes at irregular instants, some closer together than the mirror
    delay (so a sample reads two or more segments back), some above the link's rate."""
    rng = np.random.default_rng(seed)
    t, out = 0.0, []
    for _ in range(60):
        t += float(rng.choice([0.01, 0.05, 0.3, 2.0, 7.5, 31.0]))
        top = 400.0 if backlog else 40.0
        out.append((t, rng.uniform(0.0, top, len(SIZES)) * MB * (rng.random() < 0.9)))
    return out


@pytest.mark.parametrize("backlog", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_samples_equal_immediate_samples_bit_for_bit(seed: int, backlog: bool) -> None:
    # no 1920 (gmlinktolerance 0): the group mirrors throughout, backlog or not
    r = SanReplication(SIZES, 3000.0, LINK,
                       ReplicationConfig(max_backlog_mb=1e6, gm_link_tolerance_s=0.0))
    r.assume_synchronized(0.0)
    events = _events(seed, backlog)
    times_all, counts, contexts, immediate = [], [], [], []
    older = 0
    for (t, rates), (t_next, _) in zip(events, events[1:], strict=False):
        r.set_write_rates(t, rates)
        times = np.linspace(t, t_next, 7, endpoint=False)  # the first at the change
        r.advance(float(times[0]))
        ctx = r.sample_context()
        if ctx is None:
            continue
        older += ctx[0][0] >= 3  # three segments or more kept
        immediate.append(r.sample(times))
        times_all.append(times)
        counts.append(len(times))
        contexts.append(ctx)
    assert len(contexts) > 40 and older > 0  # the general path was exercised too
    bulk = SanReplication.sample_bulk(np.concatenate(times_all), counts, contexts)
    for name, col in bulk.items():
        want = np.concatenate([s[name] for s in immediate])
        assert np.array_equal(col, want, equal_nan=True), name
    assert bulk["lag_bytes"].max() > 0 and bulk["rpo_s"].max() > 0
    if backlog:
        assert bulk["host_delay_s"].max() > 0  # the backlog's branch was exercised


def test_no_context_when_not_mirroring() -> None:
    r = SanReplication(SIZES, 3000.0, LINK)
    assert r.sample_context() is None  # stopped: sampled at once
    r.start(0.0)
    assert r.sample_context() is None  # copying
    mm = SanReplication(SIZES, 100.0, LINK, ReplicationConfig(mode="metro-mirror"))
    mm.assume_synchronized(0.0)
    assert mm.sample_context() is None  # Metro Mirror: sampled at once


def test_series_readers_see_samples_pushed_for_later() -> None:
    calls = []

    def evaluate(later: list) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        calls.append(len(later))
        times = np.concatenate([t for t, _ in later])
        vals = np.concatenate([np.full(len(t), c) for t, c in later])
        return times, {"lag_bytes": vals}

    s = TimeSeries(every_s=10.0)
    s.evaluate = evaluate
    s.push_many(np.array([0.0]), {"lag_bytes": np.array([1.0])})
    v = s.version
    s.push_later(np.array([10.0, 20.0]), 2.0)
    s.push_later(np.array([30.0]), 3.0)
    assert s.count == 4 and calls == []  # counted at once, evaluated on demand
    t, lag = s.get("lag_bytes")
    assert calls == [2]
    assert t.tolist() == [0.0, 10.0, 20.0, 30.0] and lag.tolist() == [1.0, 2.0, 2.0, 3.0]
    assert s.version > v
    s.push_later(np.array([40.0]), 4.0)
    s.push_many(np.array([50.0]), {"lag_bytes": np.array([5.0])})  # in order
    assert s.get("lag_bytes")[1].tolist()[-2:] == [4.0, 5.0]
    assert np.isnan(s.get(SERIES[1])[1]).all()


SOAK = """name: soak
seed: 7
start: paired
system:
  distance_km: 3000
  racks: [{name: raleigh, model: W1500-608}, {name: dallas, model: W1500-608}]
  workloads:
    - {name: a, middleware: db2, volume_gb: 200, volumes: 4, write_mb_s: 30, cores: 16}
    - {name: b, middleware: db2, volume_gb: 100, volumes: 3, write_mb_s: 12, cores: 16}
steps:
  - {at: 2h, do: cut-link, link: fc}
  - {after: 5m, do: restore-link, link: fc}
  - {do: resume-replication, rack: raleigh}
  - {at: 6h, do: check, that: {service.available: true}}
"""


def test_a_run_series_equals_the_series_sampled_at_once(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """The same run with every sample taken at once (no context: the immediate path
    throughout) gives the same series and report, bit for bit."""
    fast = Runner(load_scenario_text(SOAK))
    fast_report = fast.run()
    monkeypatch.setattr(SanReplication, "sample_context", lambda self: None)
    slow = Runner(load_scenario_text(SOAK))
    slow_report = slow.run()
    for name in SERIES:
        a, b = fast.twin.series.get(name), slow.twin.series.get(name)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True)
    assert fast_report == slow_report
    assert len(fast.twin.series) > 2000


def test_main_exits_at_once_only_as_the_program(tmp_path, monkeypatch, capsys) -> None:
    """``drtwin run`` ends the process itself (``_exiting``: flushed, without the
    interpreter's teardown) when main is the program (argv None, as ``python -m app.cli``
    and the console script call it), with the run's exit status; never in a caller's
    process (argv given: tests, embedding)."""
    from app import cli

    monkeypatch.setenv("DRTWIN_HISTORY", "off")
    path = tmp_path / "soak.yaml"
    path.write_text(SOAK)
    exits: list[int] = []
    monkeypatch.setattr(cli, "_exiting", exits.append)
    held: list[str] = []  # (the collector as the program sets it: not in pytest's process)
    monkeypatch.setattr(cli, "_collect_later", lambda: held.append("later"))
    assert cli.main(["run", str(path)]) == 0
    assert exits == [] and held == []
    monkeypatch.setattr("sys.argv", ["drtwin", "run", str(path)])
    assert cli.main() == 0
    assert exits == [0] and held == ["later"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [")
    monkeypatch.setattr("sys.argv", ["drtwin", "run", str(bad)])
    assert cli.main() == 2
    assert exits == [0, 2]
    assert "soak" in capsys.readouterr().out


@pytest.mark.parametrize("how", [["--json"], []])
def test_the_program_prints_its_whole_report_and_status(tmp_path, how) -> None:
    """As a process (the exit without teardown): the whole report on stdout, flushed, and
    the run's exit status (0 here; 1 for a check that fails)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DRTWIN_HISTORY": "off", "DRTWIN_PROGRESS": "0",
           "PYTHONPATH": str(root)}
    path = tmp_path / "soak.yaml"
    path.write_text(SOAK)
    failing = tmp_path / "failing.yaml"
    failing.write_text(SOAK.replace("service.available: true", "service.available: false"))
    for f, status in ((path, 0), (failing, 1)):
        r = subprocess.run([sys.executable, "-m", "app.cli", "run", str(f), *how], cwd=root,
                           env=env, capture_output=True, text=True)
        assert r.returncode == status, r.stderr
        if how:
            assert json.loads(r.stdout)["ok"] is (status == 0)
        else:
            assert "soak" in r.stdout


@pytest.mark.parametrize("option", [None, "off", " OFF ", "x.sqlite", ""])
@pytest.mark.parametrize("env", [None, "off", "Off", "y.sqlite", ""])
def test_the_cli_reads_history_off_as_the_history_does(option, env, monkeypatch) -> None:
    """``drtwin run`` decides "no history" itself (so that it imports neither
    twin.history nor sqlite3), by twin.history.history_path's rule."""
    from app import cli
    from twin.history import history_path

    if env is None:
        monkeypatch.delenv("DRTWIN_HISTORY", raising=False)
    else:
        monkeypatch.setenv("DRTWIN_HISTORY", env)
    assert cli._history_off(option) == (history_path(option) is None)


def test_a_headless_run_imports_no_report_history_or_resources_machinery(tmp_path) -> None:
    """What ``drtwin run FILE --json`` without a history does not need, it does not import
    (each costs the process milliseconds: bench/bench_cli.py)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "soak.yaml"
    path.write_text(SOAK)
    code = ("import sys, io, contextlib; from app import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = cli.main(['run', {str(path)!r}, '--json'])\n"
            "print(status, ' '.join(sorted(sys.modules)))")
    env = {**os.environ, "DRTWIN_HISTORY": "off", "DRTWIN_PROGRESS": "0",
           "PYTHONPATH": str(root)}
    r = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                       text=True)
    status, modules = r.stdout.split(" ", 1)
    assert status == "0", r.stderr
    loaded = set(modules.split())
    assert {"twin.runner", "yaml"} <= loaded
    unwanted = {"twin.aar", "twin.history", "sqlite3", "app.resources", "importlib.resources",
                "difflib", "html", "networkx", "twin.strategies", "twin.sweep"}
    assert not unwanted & loaded


def _replications() -> tuple[list[tuple[str, SanReplication]], dict[str, bool]]:
    """Groups in each mode the per-volume lag has a path for: mirroring (with a backlog,
    and with writes changing faster than the mirror delay), copying, stopped."""
    cfg = ReplicationConfig(max_backlog_mb=1e6, gm_link_tolerance_s=0.0)
    out = []
    for name, backlog in (("mirroring", False), ("backlog", True)):
        r = SanReplication(SIZES, 3000.0, LINK, cfg)
        r.assume_synchronized(0.0)
        out.append((name, r, backlog))
    copying = SanReplication(SIZES, 3000.0, LINK, cfg)
    copying.start(0.0)
    out.append(("copying", copying, False))
    stopped = SanReplication(SIZES, 3000.0, LINK, cfg)
    stopped.assume_synchronized(0.0)
    stopped.set_write_rates(1.0, np.array([5.0, 0.0, 2.0, 1.0]) * MB)
    stopped.stop(3.0)
    out.append(("stopped", stopped, False))
    return [(n, r) for n, r, _ in out], {n: b for n, _, b in out}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_per_volume_lag_kept_for_later_equals_the_lag_then(seed: int) -> None:
    groups, backlog = _replications()
    checked = dict.fromkeys(backlog, 0)
    for name, r in groups:
        events = [(t + r.t, rates) for t, rates in _events(seed, backlog[name])]
        for (t, rates), (t_next, _) in zip(events, events[1:], strict=False):
            r.set_write_rates(t, rates, side=r.source)
            for s in np.linspace(t, t_next, 4, endpoint=False).tolist():
                nxt = r.next_transition_time()
                if nxt is not None and nxt <= s:  # (the twin wakes at a transition)
                    r.advance(s)
                    continue
                later = r.lag_later(s)
                r.advance(s)
                now = r.lag_bytes_per_volume()
                assert np.array_equal(SanReplication.lag_of(later), now), (name, s)
                checked[name] += 1
    assert min(checked.values()) > 20


def test_volume_rings_are_the_same_pushed_later() -> None:
    rng = np.random.default_rng(5)
    lags = [rng.uniform(0, 1e9, 3) for _ in range(17)]
    for read_at in (2, 5, 11, 17):
        now, later = (TimeSeries(volumes=3, volume_capacity=5) for _ in range(2))
        later.evaluate_volumes = lambda c: c * 1.0
        for i, lag in enumerate(lags):
            now.push_volumes(float(i), lag)
            later.push_volumes_later(float(i), lag)
            if i + 1 == read_at:
                assert later.volume_lag.n == now.volume_lag.n
        for a, b in ((now.volume_t, later.volume_t), (now.volume_lag, later.volume_lag)):
            assert (a.i, a.n) == (b.i, b.n)
            assert np.array_equal(a.buf, b.buf, equal_nan=True)


def test_a_run_keeps_the_per_volume_lag_it_had_then(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-volume lags evaluated when read (the end of the run) equal those evaluated
    at each sample: what they read is never changed in place."""
    lazy = Runner(load_scenario_text(SOAK))
    lazy.run()

    def at_once(self: TimeSeries, t: float, context: object) -> None:
        self.push_volumes(t, SanReplication.lag_of(context))  # type: ignore[arg-type]

    monkeypatch.setattr(TimeSeries, "push_volumes_later", at_once)
    eager = Runner(load_scenario_text(SOAK))
    eager.run()
    a, b = lazy.twin.series, eager.twin.series
    assert a.volume_lag.n == b.volume_lag.n > 100
    assert np.array_equal(a.volume_t.view(), b.volume_t.view())
    assert np.array_equal(a.volume_lag.view(), b.volume_lag.view(), equal_nan=True)
    assert a.volume_lag.view().max() > 0


def _reference_copy(copy: np.ndarray, w: np.ndarray, eps: np.ndarray, cap: float,
                    link_share: float, t0: float, steps: int
                    ) -> list[tuple[float, tuple[float, str] | None, np.ndarray, np.ndarray,
                                    float, float]]:
    """A background copy stepped as the engine stepped it on every volume before it kept
    runs of alike volumes (twin/replication.py, _rebase and _reslope_copy, gmlinktolerance
    off): at each step, (its time, the next transition, the work left, the slopes, their
    sums)."""
    out: list[tuple[float, tuple[float, str] | None, np.ndarray, np.ndarray, float,
                    float]] = []
    capped = np.minimum(w, cap)
    for _ in range(steps):
        active = copy > 0.0
        n_active = int(np.count_nonzero(active))
        if n_active == 0:
            out.append((t0, (t0, "copy_complete"), copy, np.zeros(copy.size),
                        float(copy.sum()), 0.0))
            break
        done_use = float(np.where(active, 0.0, capped).sum())
        share = max(0.0, link_share - done_use)
        pace = min(cap, share / n_active)
        head = np.where(active, pace - w, 0.0)
        moving = head > 0.0
        n_moving = int(np.count_nonzero(moving))
        slope = np.where(moving, -head, 0.0)
        nxt = None
        if n_moving:
            times = copy[moving] / head[moving]
            dt = float(times.min())
            last = n_moving == n_active and bool((times <= dt * (1 + 1e-12)).all())
            nxt = (t0 + dt, "copy_complete" if last else "volume_copied")
        out.append((t0, nxt, copy, slope, float(copy.sum()), float(slope.sum())))
        if nxt is None or nxt[1] == "copy_complete":
            break
        c = copy + slope * (nxt[0] - t0)
        copy = np.where(c <= eps, 0.0, c)
        t0 = nxt[0]
    return out


def _layouts() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(sizes, write rates) of groups whose resync runs in runs of alike volumes or not."""
    rng = np.random.default_rng(11)
    wl = rng.uniform(0.05, 0.5, 30) * MB
    alike = (np.full(600, 50 * GB), np.repeat(wl / 20, 20))
    distinct = (rng.uniform(1, 60, 200) * GB, rng.uniform(0.0, 0.1, 200) * MB)
    # a few volumes write faster than their pace: they make no headway
    stuck = (np.full(300, 20 * GB), np.concatenate([np.repeat(wl[:10] / 20, 20),
                                                    np.full(100, 30.0 * MB)]))
    mixed = (np.concatenate([np.full(100, 10 * GB), rng.uniform(1, 9, 50) * GB]),
             np.concatenate([np.repeat(wl[:5] / 20, 20), np.zeros(50)]))
    return {"alike": alike, "distinct": distinct, "stuck": stuck, "mixed": mixed}


@pytest.mark.parametrize("layout", ["alike", "distinct", "stuck", "mixed"])
def test_a_resync_in_runs_steps_as_on_every_volume(layout: str) -> None:
    """The copy kept in runs of alike volumes gives, after every step, the same work left
    per volume, the same slopes and sums and the same next transition as the copy stepped
    on every volume, bit for bit."""
    sizes, rates = _layouts()[layout]
    link = LinkConfig(bandwidth_mbps=8000.0, background_copy_pct=50.0)
    r = SanReplication(sizes, 3000.0, link, ReplicationConfig(gm_link_tolerance_s=0.0))
    r.assume_synchronized(0.0)
    r.set_write_rates(1.0, rates)
    r.set_link(10.0, up=False)
    r.set_link(610.0, up=True)
    r.start(610.0)
    want = _reference_copy(r._copy, r.written_rates(), r._copy_eps, r._rel_cap,
                           r._copy_bytes(), r._t0, 10_000)
    assert len(want) >= 5
    for t, nxt, copy, slope, copy_sum, rate_sum in want:
        assert r._t0 == t and r._next == nxt
        assert np.array_equal(r._copy, copy) and np.array_equal(r._copy_slope, slope)
        assert r._copy_sum == copy_sum and r._copy_rate_sum == rate_sum
        if nxt is None:
            break
        r.advance(nxt[0])
    if layout == "stuck":  # the volumes that write faster than their pace never finish
        assert want[-1][1] is None and r.state == "inconsistent_copying"
    else:
        assert want[-1][1][1] == "copy_complete" and r.state == "consistent_synchronized"


def test_a_resync_in_runs_follows_a_change_of_rates_and_the_samples() -> None:
    """Rates that change during the copy (the runs are made again) and samples and
    per-volume figures read between its steps: the same as on every volume."""
    sizes, rates = _layouts()["alike"]
    link = LinkConfig(bandwidth_mbps=8000.0, background_copy_pct=50.0)
    r = SanReplication(sizes, 3000.0, link)
    r.assume_synchronized(0.0)
    r.set_write_rates(1.0, rates)
    r.set_link(10.0, up=False)
    r.set_link(610.0, up=True)
    r.start(610.0)
    steps = 0
    while r.state == "inconsistent_copying":
        t = r.next_transition_time()
        mid = r.t + (t - r.t) / 2
        if steps == 7:  # new rates: half the workloads write twice as much
            new = rates * np.where(np.arange(rates.size) % 40 < 20, 2.0, 1.0)
            r.set_write_rates(mid, new)
            want = _reference_copy(r._copy, r.written_rates(), r._copy_eps, r._rel_cap,
                                   r._copy_bytes(), r._t0, 1)
            assert np.array_equal(r._copy_slope, want[0][3])
            steps += 1
            continue
        times = np.linspace(r.t, mid, 3)
        got = r.sample(times)
        copy, slope = r._copy.copy(), r._copy_slope.copy()
        left = np.maximum(0.0, float(copy.sum()) + float(slope.sum()) * (times - r._t0))
        assert np.array_equal(got["lag_bytes"], np.maximum(
            0.0, float(r._w[0].sum()) + r.write_rate_bytes_s * (times - r._t0)
            - float(r._applied[0].sum())))
        total = float(r._copy_total.sum())
        assert np.array_equal(got["progress"], np.clip(1.0 - left / total, 0.0, 1.0))
        r.advance(mid)
        busy = np.maximum(copy + slope * (mid - r._t0), 0.0)
        assert np.array_equal(r.progress_per_volume(), np.clip(
            np.where(r._copy_total > 0, 1.0 - busy / np.where(r._copy_total > 0,
                                                              r._copy_total, 1.0), 1.0),
            0.0, 1.0))
        assert [str(s) for s in r.states_per_volume()].count("consistent_synchronized") == \
            int(np.count_nonzero(busy <= 0.0))
        r.advance(t)
        steps += 1
    assert steps > 20 and r.state == "consistent_synchronized"


def test_dataclass_methods_through_the_code_cache_are_the_ones_compiled(monkeypatch) -> None:
    """twin/_codecache.py hands ``dataclasses`` the code it would compile: a twin
    module's class gets the very same methods with the cache and without it."""
    import dataclasses
    import sys
    import types

    from twin import _codecache

    source = '''
from dataclasses import dataclass, field

@dataclass(frozen=True, order=True)
class Probe:
    a: int
    b: str = "x"
    c: tuple = field(default=(), repr=False)

@dataclass
class Plain:
    x: float = 0.0
    y: list = field(default_factory=list)
'''

    def make(name: str) -> types.ModuleType:
        mod = types.ModuleType(name)
        monkeypatch.setitem(sys.modules, name, mod)
        exec(source, mod.__dict__)
        return mod

    monkeypatch.setattr(_codecache, "_cache", {})
    assert dataclasses.exec is _codecache._cached_exec  # type: ignore[attr-defined]
    cached = make("twin._probe_cached")
    assert len(_codecache._cache) >= 8  # every method of both went through the cache
    again = make("twin._probe_again")  # the same texts: the same code objects
    try:
        _codecache.uninstall()
        fresh = make("twin._probe_fresh")
    finally:
        _codecache.install()
    for cls in ("Probe", "Plain"):
        a, b, c = (getattr(m, cls) for m in (cached, again, fresh))
        for meth in ("__init__", "__repr__", "__eq__", "__setattr__", "__hash__", "__lt__"):
            fa, fc = a.__dict__.get(meth), c.__dict__.get(meth)
            assert (fa is None) == (fc is None), (cls, meth)
            if fa is not None and hasattr(fa, "__code__"):
                assert fa.__code__ == fc.__code__, (cls, meth)
                assert fa.__code__ is b.__dict__[meth].__code__
                assert fa.__qualname__ == fc.__qualname__
    p = cached.Probe(1)
    assert repr(p) == "Probe(a=1, b='x')" and p == cached.Probe(1) and p < cached.Probe(2)
    assert hash(p) == hash(fresh.Probe(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.a = 2  # type: ignore[misc]


@pytest.mark.slow
def test_the_code_cache_is_kept_beside_the_bytecode_and_used(tmp_path) -> None:
    """A first process writes the cache (under the bytecode cache prefix); the next
    compiles nothing; a damaged file is ignored and made again."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    prefix = tmp_path / "pycache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(prefix), PYTHONPATH=str(root))
    code = ("import twin.runner, twin.actions as A; from twin import _codecache as c; "
            "print(c._new, len(c._used), A.CutLink(link='fc') == A.CutLink(link='fc'))")

    def run() -> list[str]:
        r = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    first = run()
    assert first[0] == "True" and int(first[1]) > 100 and first[2] == "True"
    files = list(prefix.rglob("dataclasses.*.marshal"))
    assert len(files) == 1
    assert run() == ["False", first[1], "True"]
    from twin import _codecache

    for damaged in (b"another format\n", _codecache._MAGIC + b"\x00not marshal"):
        files[0].write_bytes(damaged)
        assert run()[0] == "True"  # compiled again, and written again
        assert run()[0] == "False"


def _json_both(doc: object) -> tuple[object, object]:
    """(json.dumps's text or its error, app.jsontext.dumps's)."""
    import json

    from app import jsontext

    out = []
    for dump in (lambda d: json.dumps(d, indent=1, default=str, allow_nan=False),
                 jsontext.dumps):
        try:
            out.append(dump(doc))
        except (ValueError, TypeError) as e:
            out.append((type(e), str(e)))
    return out[0], out[1]


@pytest.mark.parametrize("name", ["default", "failback", "site-loss-during-resync",
                                  "change-volumes", "validation-failures"])
def test_the_reports_json_text_is_the_standard_encoders(name: str) -> None:
    """``drtwin run --json`` writes app/jsontext.py's text: json.dump's, character for
    character, on the bundled scenarios' reports."""
    from pathlib import Path

    from twin.scenario import load_scenario

    path = Path(__file__).resolve().parent.parent / "scenarios" / f"{name}.yaml"
    report = Runner(load_scenario(path)).run()
    want, got = _json_both(report)
    assert isinstance(want, str) and got == want


@pytest.mark.slow
def test_the_json_text_of_documents_with_every_kind_of_value() -> None:
    from enum import IntEnum, StrEnum

    from hypothesis import given, settings
    from hypothesis import strategies as st

    class Colour(StrEnum):
        RED = "red"

    class Level(IntEnum):
        HIGH = 3

    class Odd:
        def __str__(self) -> str:
            return "odd \u00e9\n"

    leaves = (st.none() | st.booleans() | st.integers() | st.floats()
              | st.floats(allow_nan=False, allow_infinity=False) | st.text()
              | st.sampled_from([Colour.RED, Level.HIGH, np.float64(2.5), np.int64(7),
                                 np.float64("nan"), Odd(), 1e308]))
    keys = (st.text() | st.integers() | st.floats() | st.booleans() | st.none()
            | st.sampled_from([Colour.RED, (1, 2)]))
    docs = st.recursive(leaves, lambda kids: st.lists(kids) | st.tuples(kids, kids)
                        | st.dictionaries(keys, kids)
                        | st.lists(st.floats(allow_nan=False), min_size=1)
                        | st.lists(st.text(), min_size=1), max_leaves=40)

    @settings(max_examples=400, deadline=None)
    @given(docs)
    def check(doc: object) -> None:
        want, got = _json_both(doc)
        assert got == want

    check()
    want, got = _json_both([1e308, 1e308])  # a sum that overflows: the slow path
    assert got == want == "[\n 1e+308,\n 1e+308\n]"
    loop: list[object] = []
    loop.append(loop)
    assert _json_both(loop)[1] == (ValueError, "Circular reference detected")


def test_reachability_asked_once_per_rack_is_the_same() -> None:
    """``Network.reachable_now`` (each rack asked once for a document) answers as
    ``reachable`` for every workload, whatever state the racks and routes are in."""
    from twin.states import WorkloadStatus

    r = Runner(load_scenario_text(SOAK))
    twin = r.twin
    net = twin.network
    workloads = list(twin.workloads.by_name.values())
    for rack_state in ({}, {"tor_configured": False}, {"advertising": False}):
        for rack in net.racks.values():
            for k, v in rack_state.items():
                setattr(rack, k, v)
        for status in WorkloadStatus:
            for w in workloads:
                w.status = status
            for rack in (None, *net.racks):
                workloads[0].rack = rack
                once = net.reachable_now()
                assert [once(w) for w in workloads] == [net.reachable(w) for w in workloads]
                assert twin.service_available() == (
                    bool(twin.workloads.in_service())
                    and all(net.reachable(w) for w in twin.workloads.in_service()))


def test_state_paths_read_per_root_say_what_the_whole_map_says() -> None:
    """twin/statedoc.py reads the document's types below a root when a path asks: every
    path gets the message the whole key map gives (the map as it was built before)."""
    from twin import statedoc

    keys = statedoc.STATE_KEYS
    assert tuple(keys) == statedoc.STATE_ROOTS

    def whole_map(path: str) -> str | None:
        node = keys
        done: list[str] = []
        for seg in path.split("."):
            if node is None:
                return None
            if "*" in node and len(node) == 1:
                node = node["*"]
            elif seg in node:
                node = node[seg]
            else:
                where = ".".join(done) or "the state document"
                return f"{where} has no {seg!r}; it has {', '.join(sorted(node))}"
            done.append(seg)
        return None

    def walk(d: object, pre: str = "") -> list[str]:
        out = []
        if isinstance(d, dict):
            for k, v in d.items():
                out += [pre + k, *walk(v, pre + k + ".")]
        return out

    paths = walk(keys)
    assert len(paths) > 100
    odd = ["", ".", "x", "service..x", ".service", "racks", "a.b.c"]
    for p in odd + paths + [p + ".zz" for p in paths] + [p.replace("*", "q") for p in paths]:
        assert statedoc.path_problem(p) == whole_map(p), p


@pytest.mark.parametrize("bad", [[np.nan, 1.0, 1.0, 1.0], [np.inf, 1.0, 1.0, 1.0],
                                 [-np.inf, 1.0, 1.0, 1.0], [-1.0, 1.0, 1.0, 1.0],
                                 [1e308, 1e308, 1.0, 1.0], [1.0, 1.0, 1.0], [],
                                 [np.inf, -np.inf, 0.0, 0.0], [-1e-7, 0.0, 0.0, 0.0]])
@pytest.mark.filterwarnings("ignore:overflow encountered")  # (numpy says so of 2e308)
def test_write_rates_that_are_not_rates_are_refused(bad: list[float]) -> None:
    """set_write_rates checks the rates once (their least, and the sum it keeps): a NaN,
    an infinity, a negative rate, a sum beyond floats or the wrong count is refused."""
    r = SanReplication(SIZES, 3000.0, LINK)
    r.assume_synchronized(0.0)
    with pytest.raises(ValueError, match="write rates must be 4 finite"):
        r.set_write_rates(1.0, np.array(bad))
    r.set_write_rates(2.0, np.array([1e-7, 0.0, 5.0, 1e300]))  # tiny ones are nothing
    assert r.write_rates().tolist() == [0.0, 0.0, 5.0, 1e300]
    assert r.demand_sum() == float(np.array([0.0, 0.0, 5.0, 1e300]).sum())


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/task"), reason="Linux /proc")
def test_drtwin_run_starts_no_blas_threads(tmp_path) -> None:
    """``drtwin run`` asks numpy's OpenBLAS for no worker threads before it imports numpy
    (unless the user chose a number), and nothing of the kind in a caller's process."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "soak.yaml"
    path.write_text(SOAK)
    code = ("import os, sys, io, contextlib; from app import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = cli.main(['run', {str(path)!r}])\n"
            "print(status, os.environ.get('OPENBLAS_NUM_THREADS'),"
            " len(os.listdir('/proc/self/task')))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env.update(DRTWIN_HISTORY="off", DRTWIN_PROGRESS="0", PYTHONPATH=str(root))

    def run(**extra: str) -> list[str]:
        r = subprocess.run([sys.executable, "-c", code], cwd=root, env={**env, **extra},
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    assert run() == ["0", "1", "1"]  # one thread: the main one
    assert run(OPENBLAS_NUM_THREADS="2")[:2] == ["0", "2"]
    after_numpy = code.replace("from app import cli", "import numpy; from app import cli")
    r = subprocess.run([sys.executable, "-c", after_numpy], cwd=root, env=env,
                       capture_output=True, text=True)
    assert r.stdout.split()[:2] == ["0", "None"]


def test_the_program_collects_no_garbage_while_it_imports_and_loads(tmp_path) -> None:
    """``drtwin run`` as the program: the cyclic collector is off while it imports and
    loads, then what exists is frozen and the run collects as usual; a file that does not
    load leaves the collector on too."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "soak.yaml"
    path.write_text(SOAK)
    code = ("import gc, sys, io, contextlib\n"
            "from app import cli\n"
            "import twin.runner\n"
            "seen = []\n"
            "real = twin.runner.Runner\n"
            "def spy(*a, **k):\n"
            "    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))\n"
            "    return real(*a, **k)\n"
            "twin.runner.Runner = spy\n"
            "cli._exiting = lambda status: seen.append(('exit', status, gc.isenabled()))\n"
            "sys.argv = ['drtwin', 'run', sys.argv[1]]\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    cli.main()\n"
            "print(seen)")
    env = {**os.environ, "DRTWIN_HISTORY": "off", "DRTWIN_PROGRESS": "0",
           "PYTHONPATH": str(root)}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [")
    for f, want in ((path, "[(True, True), ('exit', 0, True)]"),
                    (bad, "[('exit', 2, True)]")):
        r = subprocess.run([sys.executable, "-c", code, str(f)], cwd=root, env=env,
                           capture_output=True, text=True)
        assert r.stdout.strip() == want, r.stderr


def test_workload_rates_read_once_per_document_are_the_same() -> None:
    """``Storage.write_mb_s_now`` (the rates and throttle factor read once, for a state
    document) answers as ``write_mb_s`` for every workload, rack and unknown name."""
    r = Runner(load_scenario_text(SOAK))
    twin = r.twin
    storage = twin.storage
    for t in (0.0, 3600.0, 7300.0):
        twin.run_until(t)
        now = storage.write_mb_s_now()
        for name in [*twin.workloads.by_name, "not-a-workload"]:
            for rack in (*twin.system.rack_names, None):
                assert now(name, rack) == storage.write_mb_s(name, rack)
    storage.replication._throttled = True  # a throttled source writes less than it asks
    storage.replication.set_write_rates(twin.now, storage.replication.write_rates() * 1e4)
    now = storage.write_mb_s_now()
    assert [now(n, storage.source) for n in twin.workloads.by_name] == [
        storage.write_mb_s(n, storage.source) for n in twin.workloads.by_name]
