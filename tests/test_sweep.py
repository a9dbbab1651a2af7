"""What-if sweeps and Monte Carlo (issue 12, twin/sweep.py): grids over scenario paths,
seeded draws, impossible runs as rows, the same rows on any executor — a real Dask
scheduler and two workers on 127.0.0.1 included."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twin.sweep import SweepError, parse_vary, plan, run_local, set_path, summarise, sweep, to_csv

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = (ROOT / "scenarios" / "unplanned-site-loss.yaml").read_text()


def test_vary_reads_lists_ranges_and_durations() -> None:
    assert parse_vary("system.distance_km=100,1200,8000").values == (100, 1200, 8000)
    assert parse_vary("system.fc_link.bandwidth_mbps=1000..4000:4").values == (
        1000, 2000, 3000, 4000)
    assert parse_vary("strategies.backup-restore.interval=6h..24h:4").values[0] == "21600s"
    assert parse_vary("system.replication.mode=global-mirror,metro-mirror").values == (
        "global-mirror", "metro-mirror")
    for bad in ("system.distance_km", "=1,2", "x=1..2:one", "x=1..2:1"):
        with pytest.raises(SweepError):
            parse_vary(bad)


def test_paths_reach_named_items_and_all_of_them() -> None:
    doc = {"system": {"workloads": [{"name": "a", "write_mb_s": 1}, {"name": "b"}]}}
    set_path(doc, "system.workloads.*.write_mb_s", 9)
    assert [w["write_mb_s"] for w in doc["system"]["workloads"]] == [9, 9]
    set_path(doc, "system.workloads.b.volume_gb", 5)
    assert doc["system"]["workloads"][1]["volume_gb"] == 5
    set_path(doc, "system.fc_link.bandwidth_mbps", 100)
    assert doc["system"]["fc_link"] == {"bandwidth_mbps": 100}
    with pytest.raises(SweepError, match="no item 'c'"):
        set_path(doc, "system.workloads.c.write_mb_s", 1)


def test_monte_carlo_draws_come_from_one_seed_sequence() -> None:
    a, b = plan([], 50, base_seed=3), plan([], 50, base_seed=3)
    assert a == b and len({s.seed for s in a}) == 50
    assert all(0 <= s.shift_s < 86_400 for s in a)
    assert plan([], 50, base_seed=4) != a
    grid = plan([parse_vary("system.distance_km=100,1200")], 3)
    assert len(grid) == 6 and [dict(s.values)["system.distance_km"] for s in grid] == \
        [100, 100, 100, 1200, 1200, 1200]


def test_a_grid_gives_a_row_per_run_and_an_impossible_value_a_row_that_says_why() -> None:
    r = sweep(SITE_LOSS, "site-loss.yaml", [parse_vary("system.distance_km=100,8000,20000")],
              strategies=["disk-replication", "metro-mirror"], workers=1)
    assert r["runs"] == 3 and len(r["rows"]) == 6
    by = {(x["system.distance_km"], x["strategy"]): x for x in r["rows"]}
    assert by[(100, "metro-mirror")]["rpo_achieved_s"] == 0.0
    assert "300 km" in by[(8000, "metro-mirror")]["error"]
    assert by[(8000, "disk-replication")]["rpo_achieved_s"] > \
        by[(100, "disk-replication")]["rpo_achieved_s"]
    assert "validation" in by[(20000, "disk-replication")]["error"]
    assert r["summary"]["disk-replication"]["errors"] == 1
    csv = to_csv(r).splitlines()
    assert csv[0].startswith("system.distance_km,run,seed,disaster_at_s,strategy,ok,")
    assert len(csv) == 7
    # an impossible row keeps its seed (known before the run) and cites the value it was
    # given, not a line of the regenerated copy
    bad = by[(20000, "disk-replication")]
    assert bad["seed"] == by[(100, "disk-replication")]["seed"] is not None
    assert "site-loss.yaml with system.distance_km=20000: " in bad["error"]
    assert "site-loss.yaml:" not in bad["error"]


@pytest.mark.parametrize("vary, strategies, says", [
    ("system.distnce_km=100", None, "did you mean 'distance_km'?"),
    ("foo.bar=1", None, "unknown field 'foo'"),
    ("system.distance_km=100", ["bogus"], "--strategy bogus: no such strategy")])
def test_a_misspelt_path_or_strategy_is_refused_before_any_run(
        vary: str, strategies: list[str] | None, says: str) -> None:
    """Found by an audit: a misspelt --vary path (or --strategy) ran the whole sweep and
    made every row "impossible", exit 0. It is a usage error now, before any run."""
    with pytest.raises(SweepError) as e:
        sweep(SITE_LOSS, "site-loss.yaml", [parse_vary(vary)], strategies=strategies,
              workers=1, progress=lambda done, total: pytest.fail("a run started"))
    assert says in str(e.value)


def test_the_cli_refuses_a_bad_sweep_before_it_runs(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    f = str(ROOT / "scenarios" / "unplanned-site-loss.yaml")
    assert main(["sweep", f, "--vary", "system.distnce_km=1,2"]) == 2
    assert "distnce_km" in capsys.readouterr().err
    assert main(["sweep", f, "--vary", "system.distance_km=1,2",
                 "--csv", str(tmp_path / "no" / "out.csv")]) == 2
    cap = capsys.readouterr()
    assert "the folder" in cap.err and "does not exist" in cap.err and cap.out == ""


@pytest.mark.slow
def test_monte_carlo_summary_has_percentiles_and_is_the_same_on_one_or_two_workers() -> None:
    varies: list = []
    one = sweep(SITE_LOSS, "s", varies, monte_carlo=12, workers=1)
    two = sweep(SITE_LOSS, "s", varies, monte_carlo=12, workers=2)
    assert one["rows"] == two["rows"]
    s = one["summary"]["disk-replication"]
    assert s["runs"] == 12 and s["errors"] == 0
    loss = s["data_loss_bytes"]
    assert 0 < loss["p50"] <= loss["p95"] <= loss["p99"]
    disasters = {x["disaster_at_s"] for x in one["rows"]}
    assert len(disasters) == 12 and all(3600 <= d < 3600 + 86_400 for d in disasters)


def test_progress_is_reported_and_a_sweep_can_be_cancelled() -> None:
    seen: list[tuple[int, int]] = []
    specs = plan([], 6, base_seed=1)
    rows = run_local(SITE_LOSS, "s", specs, None, workers=1, batch=2,
                     progress=lambda d, n: seen.append((d, n)))
    assert seen == [(2, 6), (4, 6), (6, 6)] and len(rows) == 6
    rows = run_local(SITE_LOSS, "s", specs, None, workers=1, batch=2,
                     cancelled=lambda: len(seen) >= 4,
                     progress=lambda d, n: seen.append((d, n)))
    assert len(rows) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_a_sweep_on_a_real_dask_cluster_gives_exactly_the_local_rows(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen(
                [dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard", "--host", "127.0.0.1", "--memory-limit", "0"],
                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as c:
            c.wait_for_workers(2, timeout=60)
        varies = [parse_vary("system.distance_km=100,8000")]
        on_dask = sweep(SITE_LOSS, "s", varies, monte_carlo=5, scheduler=address,
                        strategies=["disk-replication", "host-based"])
        local = sweep(SITE_LOSS, "s", varies, monte_carlo=5, workers=1,
                      strategies=["disk-replication", "host-based"])
        assert on_dask["rows"] == local["rows"] and len(local["rows"]) == 20
        assert on_dask["summary"] == local["summary"] == summarise(local["rows"])
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(SweepError, match="cannot reach the Dask scheduler"):
        sweep(SITE_LOSS, "s", [], scheduler=f"tcp://127.0.0.1:{_free_port()}",
              connect_timeout_s=2)


def test_varying_the_default_workloads_write_rate() -> None:
    """A scenario that lists no workloads has the twin's defaults: ``*`` reaches them."""
    text = ("name: defaults\nstart: paired\nsteps:\n"
            "  - {at: 1h, do: lose-rack, rack: raleigh}\n")
    result = sweep(text, None, [parse_vary("system.workloads.*.write_mb_s=1,8")], None,
                   ["host-based"], workers=1)
    rows = result["rows"]
    assert [r["error"] for r in rows] == [None, None]
    assert rows[1]["data_loss_bytes"] > 4 * rows[0]["data_loss_bytes"] > 0
