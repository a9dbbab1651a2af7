"""The objectives panel's lines read as words and the application's units, never as raw
paths, floats or the loader's frozen ranges (app/trainee/items.py, no window)."""

from __future__ import annotations

from types import SimpleNamespace

from app.trainee.items import (
    EXPIRED,
    FAILED,
    MET,
    PENDING,
    WAITING,
    Clock,
    condition_text,
    left_text,
    objective_items,
    path_label,
    step_items,
)
from twin.scenario import load_scenario_text

WAITS = load_scenario_text("""name: waits
start: paired
steps:
  - {at: 10m, do: wait, until: {service.available: true}, timeout: 1h}
  - {do: check, that: {service.split_brain: false}}
""")


def test_a_check_reads_as_words_and_units() -> None:
    sc = load_scenario_text("""name: x
start: paired
steps:
  - {at: 1h, do: check, that: {service.split_brain: false, outcome.rto_s: {max: 21600},
                               outcome.data_loss_bytes: {min: 1},
                               workloads.orders-app.rack: dallas,
                               replication.state: idling_disconnected}}
""")
    [item] = step_items(sc.steps, [], 0, False)
    assert item.what == ("Check: split brain: no; RTO: ≤ 6h 00m 00s; data lost: ≥ 1 B; "
                         "orders-app runs on: dallas; replication: idling disconnected")
    assert "(" not in item.what and "_" not in item.what


def test_unknown_paths_read_as_their_words() -> None:
    assert path_label("racks.dallas.tor_configured") == "dallas ToR switches configured"
    assert path_label("management.lag_s") == "management lag"
    assert condition_text({"replication.progress": 0.5}) == "replication progress: 50%"


def test_the_briefing_reads_as_paragraphs_not_the_files_line_breaks() -> None:
    from app.trainee.briefing import reflow

    text = "Peer dallas-mgmt, user dradmin with the\npassword passw0rd.\n\nYour task:\n" \
           "- define the profiles\n- validate them\n"
    assert reflow(text) == ("Peer dallas-mgmt, user dradmin with the password passw0rd.\n\n"
                            "Your task:\n- define the profiles\n- validate them")


def _wait(clock: Clock | None, results: list[object] | None = None,
          waiting: bool = True) -> tuple[str, str]:
    """The wait of WAITS begun at 10 min (its deadline 1h 10m), at ``clock``."""
    first = step_items(WAITS.steps, results or [], 0 if waiting else 1, waiting,
                       600 + 3600.0 if waiting else None, clock)[0]
    return first.status, first.detail


def test_a_wait_in_progress_says_how_long_is_left_as_time_passes() -> None:
    assert _wait(Clock(600.0)) == (WAITING, "about 1h 00m left")
    assert _wait(Clock(2760.0)) == (WAITING, "about 24m left")
    assert _wait(Clock(2800.0)) == (WAITING, "about 23m left")  # it moves on
    assert _wait(Clock(4180.0)) == (WAITING, "about 20s left")
    assert _wait(Clock(4199.5)) == (WAITING, "about a second left")
    # the session's time limit comes first: it says so
    assert _wait(Clock(2760.0, limit_s=3600.0)) == (
        WAITING, "about 14m left before the time limit")
    # without a clock (no session): as before
    assert _wait(None) == (WAITING, "within 1h 00m 00s")


def test_a_wait_says_it_expired_after_its_deadline() -> None:
    timed_out = SimpleNamespace(index=0, at_s=600.0, ok=False, message="timed out after 1h")
    assert _wait(Clock(4300.0), [timed_out], waiting=False) == (
        FAILED, "expired at 1h 10m 00s: not achieved within 1h 00m 00s")
    held = SimpleNamespace(index=0, at_s=600.0, ok=True, message="held after 5m")
    assert _wait(Clock(4300.0), [held], waiting=False) == (MET, "at 10m 00s")
    # the session ended (Finish, or its limit) while it was still in progress
    assert _wait(Clock(3000.0, over=True)) == (
        EXPIRED, "not achieved: the session ended at 50m 00s")
    assert _wait(Clock(3600.0, limit_s=3600.0, over=True)) == (
        EXPIRED, "not achieved: the time limit (1h 00m 00s) was reached")
    check = step_items(WAITS.steps, [], 0, True, 4200.0, Clock(3000.0, over=True))[1]
    assert (check.status, check.detail) == (PENDING, "not reached: the session is over")


def test_the_rto_while_the_service_is_down_counts_down_then_expires() -> None:
    down = {"rto_s": {"objective": 7200.0, "achieved": None, "met": None,
                      "still_down": True}}
    [rto] = objective_items(down, 3600.0, Clock(4200.0))
    assert (rto.status, rto.detail) == (WAITING, "service down, about 1h 50m left")
    [rto] = objective_items(down, 3600.0, Clock(4200.0, limit_s=5400.0))
    assert rto.detail == "service down, about 20m left before the time limit"
    [rto] = objective_items(down, 3600.0, Clock(5400.0, limit_s=5400.0, over=True))
    assert (rto.status, rto.detail) == (
        EXPIRED, "service still down: the time limit (1h 30m 00s) was reached")
    missed = {"rto_s": {**down["rto_s"], "met": False}}  # grade(): past its objective
    [rto] = objective_items(missed, 3600.0, Clock(11000.0))
    assert (rto.status, rto.detail) == (FAILED,
                                        "expired: service down longer than 2h 00m 00s")
    assert left_text(5000.0, Clock(3560.0)) == "about 24m left"
