"""The objectives panel's lines read as words and the application's units, never as raw
paths, floats or the loader's frozen ranges (app/trainee/items.py, no window)."""

from __future__ import annotations

from app.trainee.items import condition_text, path_label, step_items
from twin.scenario import load_scenario_text


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
