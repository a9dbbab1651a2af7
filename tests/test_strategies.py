"""The four ways to business continuity side by side (issue 12, domain.md R22–R25): the same
system, workloads and disaster under each strategy (twin/strategies.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from twin.scenario import load_scenario, load_scenario_text
from twin.strategies import STRATEGIES, CompareError, compare

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"


def rows(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["strategy"]: r for r in report["strategies"]}


@pytest.fixture(scope="module")
def site_loss() -> dict:  # type: ignore[type-arg]
    return compare(load_scenario(str(SITE_LOSS)))


def test_every_strategy_has_a_row_with_the_contracts_fields(site_loss: dict) -> None:  # type: ignore[type-arg]
    assert [r["strategy"] for r in site_loss["strategies"]] == list(STRATEGIES)
    for r in site_loss["strategies"]:
        assert {"strategy", "rpo_achieved_s", "data_loss_bytes", "rto_s", "rto_breakdown_s",
                "needs"} <= set(r)
        assert r["needs"] and all(isinstance(n, str) for n in r["needs"])
    json.dumps(site_loss, allow_nan=False)


def test_the_rpo_orders_the_strategies_as_the_article_does(site_loss: dict) -> None:  # type: ignore[type-arg]
    """Figure 2: backup and restore (hours) > host-based (seconds) > disk replication
    (hundreds of ms) > shared file system (zero), for a site loss."""
    r = rows(site_loss)
    backup, host = r["backup-restore"]["rpo_achieved_s"], r["host-based"]["rpo_achieved_s"]
    disk, shared = r["disk-replication"]["rpo_achieved_s"], r["shared-fs"]["rpo_achieved_s"]
    assert backup > host > disk > shared == 0
    assert backup >= 3600 and 1 <= host < 60 and 0.05 < disk < 1
    assert r["backup-restore"]["data_loss_bytes"] > r["host-based"]["data_loss_bytes"] \
        > r["disk-replication"]["data_loss_bytes"] > r["shared-fs"]["data_loss_bytes"] == 0


def test_the_rto_breakdowns_add_up(site_loss: dict) -> None:  # type: ignore[type-arg]
    for r in site_loss["strategies"]:
        if r["rto_s"] is not None and r["rto_breakdown_s"]:
            assert sum(r["rto_breakdown_s"].values()) == pytest.approx(r["rto_s"], abs=1e-5)
    r = rows(site_loss)
    assert r["shared-fs"]["rto_s"] < r["host-based"]["rto_s"] < r["disk-replication"]["rto_s"]
    assert r["backup-restore"]["rto_s"] > r["disk-replication"]["rto_s"]  # the restore


def test_disk_replication_is_the_twin_run_itself(site_loss: dict) -> None:  # type: ignore[type-arg]
    from twin.runner import run_scenario

    report = run_scenario(load_scenario(str(SITE_LOSS)))
    disk = rows(site_loss)["disk-replication"]
    assert disk["rpo_achieved_s"] == report["outcome"]["rpo_achieved_s"]
    assert disk["data_loss_bytes"] == report["outcome"]["data_loss_bytes"]
    assert disk["rto_s"] == report["outcome"]["rto_s"]


def test_change_volumes_show_an_rpo_up_to_twice_the_cycle_period() -> None:
    sc = load_scenario(str(SITE_LOSS))
    for period in (300, 900):
        sc2 = dataclasses.replace(sc, strategies={"gm-change-volumes":
                                                  {"cycle_period": f"{period}s"}})
        cv = rows(compare(sc2, ["gm-change-volumes"]))["gm-change-volumes"]
        assert 0 < cv["rpo_achieved_s"] <= 2 * period
        assert cv["parameters"]["cycle_period_s"] == period


def test_metro_mirror_is_a_row_that_says_why_beyond_300_km(site_loss: dict) -> None:  # type: ignore[type-arg]
    mm = rows(site_loss)["metro-mirror"]
    assert mm["applicable"] is False and "300 km" in mm["why"] and mm["rto_s"] is None
    near = load_scenario_text(SITE_LOSS.read_text().replace(
        "distance_km: 1200", "distance_km: 100"), str(SITE_LOSS))
    mm = rows(compare(near, ["metro-mirror"]))["metro-mirror"]
    assert mm["applicable"] is True and mm["rpo_achieved_s"] == 0.0
    assert mm["data_loss_bytes"] == 0


def test_a_shared_file_system_inside_the_lost_rack_is_a_single_point_of_failure() -> None:
    sc = load_scenario(str(SITE_LOSS))
    inside = dataclasses.replace(sc, strategies={"shared-fs": {"file_system": "primary-rack"}})
    row = rows(compare(inside, ["shared-fs"]))["shared-fs"]
    assert row["rto_s"] is None and row["rpo_achieved_s"] is None
    assert "single point of failure" in row["why"]
    outside = rows(compare(sc, ["shared-fs"]))["shared-fs"]
    assert outside["rto_s"] is not None and outside["rpo_achieved_s"] == 0.0


def test_backup_interval_sets_the_rpo_and_the_cost_follows_the_rates() -> None:
    sc = load_scenario(str(SITE_LOSS))
    rates = {"outage_per_hour": 100_000.0, "data_loss_per_hour": 500_000.0}
    short = dataclasses.replace(sc, strategies={"backup-restore": {"interval": "4h"}},
                                cost=rates)
    long = dataclasses.replace(sc, strategies={"backup-restore": {"interval": "24h"}},
                               cost=rates)
    a = rows(compare(short, ["backup-restore"]))["backup-restore"]
    b = rows(compare(long, ["backup-restore"]))["backup-restore"]
    assert a["rpo_achieved_s"] <= 4 * 3600 + a["parameters"]["backup_s"] + 3600
    assert b["rpo_achieved_s"] > a["rpo_achieved_s"]
    assert b["cost"]["data_loss"] > a["cost"]["data_loss"]
    assert a["cost"]["total"] == pytest.approx(a["cost"]["outage"] + a["cost"]["data_loss"])
    assert a["cost"]["outage"] == pytest.approx(a["rto_s"] / 3600 * 100_000, rel=1e-6)


def test_a_scenario_without_a_disaster_cannot_be_compared_and_says_what_to_add() -> None:
    with pytest.raises(CompareError, match="lose-rack"):
        compare(load_scenario(str(ROOT / "scenarios" / "default.yaml")))
    with pytest.raises(CompareError, match="unknown strategy"):
        compare(load_scenario(str(SITE_LOSS)), ["tape"])


def test_the_cost_is_in_the_scenarios_currency_everywhere(
        capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main
    from app.compare.model import table_rows

    demo = ROOT / "scenarios" / "presenter-demo.yaml"
    result = compare(load_scenario(str(demo)))
    assert result["currency"] == "USD"
    rows = {r.strategy: r for r in table_rows(result)}
    total = next(r for r in result["strategies"] if r["strategy"] == "disk-replication")
    assert rows["disk-replication"].cost == f"{total['cost']['total']:,.0f} USD"
    assert main(["compare", str(demo)]) == 0
    out = capsys.readouterr().out
    assert f"{total['cost']['total']:,.0f} USD" in out and "penalty rates" in out
    backup = next(r for r in result["strategies"] if r["strategy"] == "backup-restore")
    assert "-10.0 h" not in backup["why"] and "before it" in backup["why"]


def test_a_run_that_never_restored_the_service_gives_no_built_rto() -> None:
    sc = load_scenario_text("""name: never restored
start: paired
steps:
  - {at: 1h, do: lose-rack, rack: raleigh}
  - {after: 10m, do: start-failover, rack: dallas, type: unplanned}
  - {after: 2h, do: note, text: "nobody started anything"}
""")
    got = rows(compare(sc))
    for name in ("backup-restore", "host-based", "disk-replication"):
        assert got[name]["rto_s"] is None, name
    assert "never brought the service back" in got["host-based"]["why"]
    assert got["shared-fs"]["rto_s"] is not None  # its takeover is its own, not the run's
