"""The DR profile lifecycle, rule by rule (domain.md R4–R13). Each test would fail if its
rule broke."""

from __future__ import annotations

import pytest

from tests.helpers import do, dump, make_twin, pair
from twin.config import DR_ADMIN, SECURITY_ADMIN

# -- R4 creation, permissions and credentials ---------------------------------------------

def users(*specs: tuple[str, str, list[str]]) -> list[dict]:
    return [{"id": i, "password": p, "permissions": perms} for i, p, perms in specs]


def test_r4_create_profile_defines_it_and_sets_trust() -> None:
    t = make_twin()
    res = do(t, "create-profile", rack="raleigh", peer="dallas-mgmt.example.com",
             user="dradmin", password="passw0rd")
    assert res.ok, res.text
    p = t.state()["profiles"]["raleigh"]
    assert (p["state"], p["role"], p["icon"]) == ("defined", "none", "/")
    assert p["peer_address"] == "dallas-mgmt.example.com"
    assert t.state()["profiles"]["dallas"] is None


def test_r4_wrong_password_is_refused_and_never_logged() -> None:
    t = make_twin()
    res = do(t, "create-profile", rack="raleigh", peer="dallas", user="dradmin",
             password="hunter2-wrong")
    assert not res.ok and "wrong user ID or password" in res.message
    assert t.state()["profiles"]["raleigh"] is None
    assert "hunter2-wrong" not in dump(t)
    assert "passw0rd" not in dump(t)


def test_r4_operator_needs_dr_administration() -> None:
    system = {"racks": [{"name": "raleigh", "users": users(
        ("viewer", "x", ["workload_administration"]), ("dradmin", "passw0rd", [DR_ADMIN]))},
        {"name": "dallas"}]}
    t = make_twin(system)
    res = do(t, "create-profile", rack="raleigh", peer="dallas", operator="viewer")
    assert not res.ok and "Disaster recovery administration" in res.message
    assert do(t, "create-profile", rack="raleigh", peer="dallas", operator="dradmin").ok


def test_r4_peer_user_needs_security_administration() -> None:
    system = {"racks": [{"name": "raleigh"}, {"name": "dallas", "users": users(
        ("ops", "s3cret", [DR_ADMIN]), ("sec", "t0p", [SECURITY_ADMIN]))}]}
    t = make_twin(system)
    res = do(t, "create-profile", rack="raleigh", peer="dallas", user="ops", password="s3cret")
    assert not res.ok and "Security administration" in res.message
    assert do(t, "create-profile", rack="raleigh", peer="dallas", user="sec",
              password="t0p").ok
    assert "s3cret" not in dump(t) and "t0p" not in dump(t)


def test_r4_unknown_peer_address_is_refused_with_the_right_one() -> None:
    t = make_twin()
    res = do(t, "create-profile", rack="raleigh", peer="10.9.9.9")
    assert not res.ok and "dallas-mgmt.example.com" in res.hint


def test_r4_the_peer_address_is_a_dns_name_case_and_root_dot_ignored() -> None:
    """Found by an audit: DALLAS-MGMT.example.com was refused; DNS names are compared
    without case (RFC 4343), and a fully qualified name may end in the root's dot."""
    for peer in ("DALLAS-MGMT.example.com", "dallas-mgmt.example.com.", "Dallas"):
        t = make_twin()
        res = do(t, "create-profile", rack="raleigh", peer=peer)
        assert res.ok, (peer, res.text)
        assert t.state()["profiles"]["raleigh"]["peer_address"] == "dallas-mgmt.example.com"
    assert not do(make_twin(), "create-profile", rack="raleigh", peer="dallas-mgmt.example").ok


def test_r6_validation_against_a_lost_peer_fails_its_fibre_channel_check_too() -> None:
    """Found by an audit: with the peer rack lost, validation said the peer did not answer
    but still passed "FC partnership between the V7000s is up"."""
    t = make_twin()
    do(t, "create-profile", rack="raleigh", peer="dallas")
    do(t, "lose-rack", rack="dallas")
    checks = t.profiles.validation_checks("raleigh")
    assert not checks["peer_reachable"]["ok"] and not checks["fc_connectivity"]["ok"]


def test_r4_a_rack_before_v1_1_has_no_dr_profile() -> None:
    """The article: disaster recovery profiles came with PureApplication System V1.1. A
    rack at 1.0 refuses create-profile at once (an audit found it accepted, refused only
    later by validation); the peer's level is validation's check (R6)."""
    t = make_twin({"racks": [{"name": "raleigh", "firmware": "1.0.0.0"}, {"name": "dallas"}]})
    res = do(t, "create-profile", rack="raleigh", peer="dallas")
    assert not res.ok and "need V1.1 or later" in res.message and "upgrade" in res.hint
    assert do(t, "create-profile", rack="dallas", peer="raleigh").ok
    assert not t.profiles.validation_checks("dallas")["firmware"]["ok"]


# -- R5 states and sections -----------------------------------------------------------------

def test_r5_sections_available_only_when_enabled() -> None:
    t = make_twin()
    do(t, "create-profile", rack="raleigh", peer="dallas")
    do(t, "create-profile", rack="dallas", peer="raleigh")
    s = t.state()["profiles"]["raleigh"]["sections"]
    assert s == {"enable": False, "monitor": False, "failover": False}
    do(t, "validate", rack="raleigh")
    do(t, "validate", rack="dallas")
    assert t.state()["profiles"]["raleigh"]["sections"]["enable"] is True
    res = do(t, "start-failover", rack="raleigh")
    assert not res.ok and "not enabled" in res.message
    do(t, "enable", rack="dallas", role="backup")
    do(t, "enable", rack="raleigh", role="primary")
    assert t.state()["profiles"]["raleigh"]["sections"] == {
        "enable": False, "monitor": True, "failover": True}


# -- R6 validation names each failed check, and only that one -----------------------------

@pytest.mark.parametrize("change,check", [
    ({"racks": [{"name": "raleigh", "fixpack": "1.1.0.2"}, {"name": "dallas"}]},
     "same_fixpack"),
    ({"racks": [{"name": "raleigh", "compute_nodes": 4}, {"name": "dallas"}]},
     "same_compute_nodes"),
    ({"racks": [{"name": "raleigh", "vlans": [100, 102]}, {"name": "dallas"}]}, "same_vlans"),
    ({"distance_km": 9000}, "latency"),
    ({"racks": [{"name": "raleigh", "ip_pool": "10.2.0.0/22"}, {"name": "dallas"}]},
     "same_ip_pools"),
    ({"racks": [{"name": "raleigh", "model": "W1500-64"}, {"name": "dallas",
                                                            "compute_nodes": 4}]},
     "same_model"),
    ({"racks": [{"name": "raleigh"}, {"name": "dallas", "v7000_replication": False}]},
     "v7000_replication"),
])
def test_r6_validation_fails_exactly_the_right_check(change: dict, check: str) -> None:
    t = make_twin(change)
    do(t, "create-profile", rack="raleigh", peer="dallas")
    res = do(t, "validate", rack="raleigh")
    assert not res.ok and check in res.message
    v = t.state()["profiles"]["raleigh"]["validation"]
    assert [n for n, c in v.items() if not c["ok"]] == [check]
    assert t.state()["profiles"]["raleigh"]["state"] == "defined"


def test_r6_8000_km_is_within_the_limit_and_fc_cut_fails_connectivity() -> None:
    t = make_twin({"distance_km": 8000})
    do(t, "create-profile", rack="raleigh", peer="dallas")
    assert do(t, "validate", rack="raleigh").ok
    t2 = make_twin()
    do(t2, "create-profile", rack="raleigh", peer="dallas")
    do(t2, "cut-link", link="fc")
    res = do(t2, "validate", rack="raleigh")
    assert not res.ok
    v = t2.state()["profiles"]["raleigh"]["validation"]
    assert [n for n, c in v.items() if not c["ok"]] == ["fc_connectivity"]


# -- R7 backup before primary; R8 initial copies -------------------------------------------

def test_r7_primary_before_backup_is_refused() -> None:
    t = make_twin()
    for r, p in (("raleigh", "dallas"), ("dallas", "raleigh")):
        do(t, "create-profile", rack=r, peer=p)
        do(t, "validate", rack=r)
    res = do(t, "enable", rack="raleigh", role="primary")
    assert not res.ok and "enable the backup rack (dallas) first" in res.hint
    assert t.state()["profiles"]["raleigh"]["state"] == "validated"
    assert t.state()["replication"]["state"] == "inconsistent_stopped"
    assert do(t, "enable", rack="dallas", role="backup").ok
    assert do(t, "enable", rack="raleigh", role="primary").ok
    assert t.state()["profiles"]["raleigh"]["role"] == "primary"


def test_r5_r7_a_pair_has_one_backup() -> None:
    """Found by an audit: with the workloads stopped, both racks could be enabled as backup,
    and then neither could run or deploy anything. A pair is one primary and one backup
    (R5: the backup role, then the primary role on the other rack, R7)."""
    t = make_twin()
    for r, p in (("raleigh", "dallas"), ("dallas", "raleigh")):
        do(t, "create-profile", rack=r, peer=p)
        do(t, "validate", rack=r)
    assert do(t, "enable", rack="dallas", role="backup").ok
    assert do(t, "stop-workloads", rack="raleigh").ok
    res = do(t, "enable", rack="raleigh", role="backup")
    assert not res.ok and "already enabled in the backup role" in res.message
    assert "enable raleigh in the primary role" in res.hint
    assert t.state()["profiles"]["raleigh"]["state"] == "validated"


def test_r7_the_hint_says_restore_a_lost_peer_first() -> None:
    """Enabling the primary role while the peer is lost: the hint is to restore the peer and
    enable it as backup, not merely "enable the backup rack first" (it cannot be)."""
    t = make_twin()
    for r, p in (("raleigh", "dallas"), ("dallas", "raleigh")):
        do(t, "create-profile", rack=r, peer=p)
        do(t, "validate", rack=r)
    assert do(t, "lose-rack", rack="raleigh").ok
    res = do(t, "enable", rack="dallas", role="primary")
    assert not res.ok and "raleigh is lost: restore it" in res.hint


def test_r8_initial_copies_start_when_both_enabled_and_complete() -> None:
    t = make_twin()
    pair(t)
    s = t.state()
    assert s["replication"]["state"] == "inconsistent_copying"
    assert s["replication"]["initial_copy_complete"] is False
    assert s["management"]["initial_copy_complete"] is False
    t.run_for(6 * 3600)
    s = t.state()
    assert s["replication"]["state"] == "consistent_synchronized"
    assert s["replication"]["initial_copy_complete"] is True
    assert s["management"]["initial_copy_complete"] is True


# -- R9 monitoring on either rack --------------------------------------------------------------

def test_r9_monitoring_details_per_volume() -> None:
    t = make_twin(start="paired")
    t.run_for(600)
    details = t.state()["replication"]["per_volume"]
    assert len(details["name"]) == len(details["state"]) == t.state()["replication"]["volumes"] == 6
    assert all(s == "consistent_synchronized" for s in details["state"])
    assert all(x >= 0 for x in details["lag_bytes"])


# -- R10 the backup runs no workloads and accepts no deployments ------------------------------

def test_r10_backup_runs_no_workloads_and_accepts_no_deployments() -> None:
    t = make_twin(start="paired")
    res = do(t, "start-workloads", rack="dallas")
    assert not res.ok and "backup role" in res.message
    res = do(t, "deploy", rack="dallas", name="new-app")
    assert not res.ok and "backup role" in res.message
    assert all(w["rack"] == "raleigh" for w in t.state()["workloads"].values())
    t2 = make_twin()  # enabling a rack that runs workloads as backup is refused
    for r, p in (("raleigh", "dallas"), ("dallas", "raleigh")):
        do(t2, "create-profile", rack=r, peer=p)
        do(t2, "validate", rack=r)
    res = do(t2, "enable", rack="raleigh", role="backup")
    assert not res.ok and "workloads are running" in res.message


# -- R11 planned failover ------------------------------------------------------------------------

def planned_by_the_book(t):  # type: ignore[no-untyped-def]
    assert do(t, "quiesce-compute-nodes", rack="raleigh").ok
    assert do(t, "stop-workloads", rack="raleigh").ok
    assert do(t, "withdraw-routes", rack="raleigh").ok
    t.run_for(300)
    assert do(t, "start-failover", rack="raleigh").ok


def test_r11_planned_failover_sequence_and_states() -> None:
    t = make_twin(start="paired")
    t.run_for(3600)
    res = do(t, "start-failover", rack="dallas", type="planned")
    assert not res.ok and "start the failover on raleigh first" in res.hint
    planned_by_the_book(t)
    p = t.state()["profiles"]
    assert (p["raleigh"]["state"], p["raleigh"]["role"]) == ("validated", "none")
    assert (p["dallas"]["state"], p["dallas"]["role"]) == ("enabled", "backup")
    assert not do(t, "start-workloads", rack="dallas").ok  # R10 until its failover
    res = do(t, "start-failover", rack="dallas")
    assert not res.ok and "Planned or Unplanned" in res.message
    assert do(t, "add-compute-nodes", rack="dallas").ok
    assert do(t, "configure-tor-switches", rack="dallas").ok
    assert do(t, "start-failover", rack="dallas", type="planned").ok
    p = t.state()["profiles"]
    assert (p["dallas"]["state"], p["dallas"]["role"]) == ("validated", "none")
    assert t.state()["replication"]["state"] == "idling"
    t.run_for(3600)
    assert do(t, "start-workloads", rack="dallas").ok
    assert do(t, "advertise-routes", rack="dallas").ok
    t.run_for(4 * 3600)
    s = t.state()
    assert s["service"]["available"] is True
    assert all(w["rack"] == "dallas" and w["status"] == "running"
               for w in s["workloads"].values())
    assert s["outcome"]["data_loss_bytes"] == 0


def test_r11_skipping_stop_workloads_loses_what_they_wrote_after_replication_stopped() -> None:
    t = make_twin(start="paired", write_variation=False)
    t.run_for(3600)
    do(t, "quiesce-compute-nodes", rack="raleigh")
    do(t, "withdraw-routes", rack="raleigh")
    t.run_for(120)
    assert do(t, "start-failover", rack="raleigh").ok  # workloads still writing
    t.run_for(100)
    do(t, "add-compute-nodes", rack="dallas")
    assert do(t, "start-failover", rack="dallas", type="planned").ok
    rate = sum(w.write_mb_s for w in t.system.workloads) * 1e6
    loss = t.state()["outcome"]["data_loss_bytes"]
    assert loss == pytest.approx(rate * 100, rel=0.02)


# -- R12 unplanned failover ----------------------------------------------------------------------

def test_r12_unplanned_failover_on_the_backup_only() -> None:
    t = make_twin(start="paired")
    t.run_for(3600)
    do(t, "lose-rack", rack="raleigh")
    assert not do(t, "start-failover", rack="raleigh").ok  # the console is gone
    assert not do(t, "start-failover", rack="dallas", type="planned").ok
    assert do(t, "start-failover", rack="dallas", type="unplanned").ok
    assert t.state()["profiles"]["dallas"]["role"] == "none"
    for a in ("add-compute-nodes", "configure-tor-switches", "start-workloads",
              "advertise-routes"):
        assert do(t, a, rack="dallas").ok
    t.run_for(6 * 3600)
    s = t.state()
    assert s["service"]["available"] and not s["service"]["split_brain"]
    assert s["outcome"]["rto_s"] is not None and s["outcome"]["rto_s"] < 6 * 3600


# -- R13 failback ----------------------------------------------------------------------------------

def test_r13_failback_reestablishes_dr_the_other_way_and_copies_back() -> None:
    t = make_twin(start="paired")
    t.run_for(3600)
    do(t, "lose-rack", rack="raleigh")
    do(t, "start-failover", rack="dallas", type="unplanned")
    for a in ("add-compute-nodes", "configure-tor-switches", "start-workloads",
              "advertise-routes"):
        do(t, a, rack="dallas")
    t.run_for(4 * 3600)
    assert do(t, "restore-rack", rack="raleigh").ok
    # raleigh's router comes back still advertising: a split brain the trainee must fix
    assert t.state()["service"]["split_brain"] is True
    do(t, "withdraw-routes", rack="raleigh")
    t.run_for(300)
    assert t.state()["service"]["split_brain"] is False
    # raleigh's stale primary profile: fail it over, then enable it as the new backup
    assert do(t, "start-failover", rack="raleigh").ok
    assert do(t, "enable", rack="raleigh", role="backup").ok
    assert do(t, "enable", rack="dallas", role="primary").ok
    s = t.state()
    assert s["replication"]["direction"] == ["dallas", "raleigh"]
    assert s["replication"]["state"] == "inconsistent_copying"
    t.run_for(6 * 3600)
    assert t.state()["replication"]["state"] == "consistent_synchronized"
    # then a planned failover returns the workloads to raleigh
    do(t, "quiesce-compute-nodes", rack="dallas")
    do(t, "stop-workloads", rack="dallas")
    do(t, "withdraw-routes", rack="dallas")
    t.run_for(300)
    assert do(t, "start-failover", rack="dallas").ok
    # as the new backup raleigh's cloud groups went inactive and its ToR switches were
    # reset: the backup-side manual actions are needed again
    assert t.state()["racks"]["raleigh"]["compute_nodes"]["in_cloud_groups"] == 0
    assert do(t, "add-compute-nodes", rack="raleigh").ok
    assert do(t, "configure-tor-switches", rack="raleigh").ok
    assert do(t, "start-failover", rack="raleigh", type="planned").ok
    do(t, "start-workloads", rack="raleigh")
    do(t, "advertise-routes", rack="raleigh")
    t.run_for(4 * 3600)
    s = t.state()
    assert s["service"]["available"]
    assert all(w["rack"] == "raleigh" for w in s["workloads"].values())


def test_failback_guidance() -> None:
    t = make_twin(start="paired")
    do(t, "lose-rack", rack="raleigh")
    do(t, "start-failover", rack="dallas", type="unplanned")
    again = do(t, "start-failover", rack="dallas", type="unplanned")
    assert not again.ok and "already done" in again.message
    do(t, "restore-rack", rack="raleigh")
    res = do(t, "enable", rack="raleigh", role="backup")
    assert not res.ok and "start the failover on raleigh first" in res.hint
    res = do(t, "start-failover", rack="raleigh")
    assert res.ok and "enable raleigh as the backup" in res.message
    do(t, "enable", rack="raleigh", role="backup")
    res = do(t, "enable", rack="dallas", role="primary")
    assert res.ok and "resynchronises from dallas to raleigh" in res.message
