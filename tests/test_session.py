"""The trainee's actions file (twin/session.py) and `drtwin run FILE --trainee ACTIONS`."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from app.cli import main
from twin import actions as A
from twin.runner import Runner
from twin.scenario import ScenarioError, load_scenario, load_scenario_text
from twin.session import WRONG_PASSWORD, dump_actions, load_actions, load_session, play

ROOT = Path(__file__).resolve().parent.parent
SITE_LOSS = ROOT / "scenarios" / "unplanned-site-loss.yaml"
ACTIONS = """\
trainee: ann
hints: [1h05m]
steps:
  - {at: 3700, do: start-workloads, rack: dallas, expect: refused}
  - {at: 4210, do: start-failover, rack: dallas, type: unplanned}
  - {at: 4210, do: add-compute-nodes, rack: dallas}
  - {at: 4210, do: configure-tor-switches, rack: dallas}
  - {at: 6000, do: start-workloads, rack: dallas}
  - {at: 6000, do: advertise-routes, rack: dallas}
"""


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_a_played_session_dumps_and_replays_event_for_event() -> None:
    sc = load_scenario(str(SITE_LOSS))
    r = Runner(sc, mode="trainee", trainee_name="ann")
    r.advance_to(3700.123456789)
    r.act(A.StartWorkloads("dallas"))
    r.advance_to(4000.5)
    r.hint()
    r.advance_to(4210.25)
    for a in (A.StartFailover("dallas", type="unplanned"), A.AddComputeNodes("dallas"),
              A.ConfigureTorSwitches("dallas")):
        assert r.act(a).ok
    r.advance_to(6000.7)
    r.act(A.StartWorkloads("dallas"))
    r.act(A.AdvertiseRoutes("dallas"))
    r.advance_to(9000.3)
    live = r.report()
    text = dump_actions(r)
    assert "expect: refused" in text and "at: 3700.123456789" in text
    replay = play(sc, load_session(text, sc)).report()
    for key in ("events", "assessment", "outcome", "final_state", "steps", "hints_s"):
        assert replay[key] == live[key], key
    assert [e.action for e in r.twin.journal] == [e.action for e in
                                                  play(sc, load_session(text, sc)).twin.journal]


def test_no_password_the_trainee_typed_is_written() -> None:
    sc = load_scenario_text("name: pw\n")
    r = Runner(sc, mode="trainee")
    r.act(A.CreateProfile("raleigh", "dallas", password="Typo-S3cret"))  # wrong: refused
    r.act(A.CreateProfile("raleigh", "dallas", password="passw0rd"))  # the peer's own
    text = dump_actions(r)
    assert "Typo-S3cret" not in text and "passw0rd" not in text
    assert WRONG_PASSWORD in text
    replay = play(sc, load_session(text, sc))
    assert [a.accepted for a in replay.actions] == [False, True]
    assert replay.report()["events"] == r.report()["events"]


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    ("steps:\n  - {at: 1h, do: lose-rack, rack: raleigh}\n", 2, "steps[0]", "instructor"),
    ("steps:\n  - {at: 1h, do: validate, rack: raleigh}\n  - {after: 1m, do: validate, "
     "rack: raleigh}\n", 3, "steps[1].after", "`at:`"),
    ("steps:\n  - {do: validate, rack: raleigh}\n", 2, "steps[0]", "needs `at:`"),
    ("steps:\n  - {at: 10, do: validate, rack: atlantis}\n", 2, "steps[0].rack", "unknown rack"),
    ("steps:\n  - {at: 10, do: valdate, rack: raleigh}\n", 2, None, "valdate"),
    ("traine: x\nsteps: []\n", 1, "traine", "did you mean 'trainee'"),
    ("hints: [soon]\nsteps: []\n", 1, "hints[0]", "not a duration"),
    ("name: x\n", 1, None, "steps"),
    # found by an audit: a console action marked `by: instructor` was "the instructor's
    # step"; an action after the time limit was dropped without a word
    ("steps:\n  - {at: 1m, do: validate, rack: raleigh, by: instructor}\n", 2,
     "steps[0].by", "`by: instructor` is not allowed here"),
    ("steps:\n  - {at: 9h, do: validate, rack: raleigh}\n", 2, "steps[0].at",
     "after the scenario's time limit (8h 00m 00s)"),
    ("- {at: 1m, do: validate, rack: raleigh}\n", 1, None,
     "a trainee actions file is a mapping"),
])
def test_a_bad_actions_file_names_the_line_and_the_field(text: str, line: int,
                                                         field: str | None, words: str) -> None:
    sc = load_scenario(str(SITE_LOSS))
    with pytest.raises(ScenarioError) as info:
        load_actions(text, sc)
    e = info.value
    assert e.line == line and words in str(e), str(e)
    if field:
        assert e.field == field, str(e)


def test_drtwin_run_trainee(tmp_path: Path) -> None:
    actions = tmp_path / "actions.yaml"
    actions.write_text(ACTIONS, encoding="utf-8")
    code, out, _ = cli("run", str(SITE_LOSS), "--trainee", str(actions), "--json")
    assert code == 0
    rep = json.loads(out)
    assert rep["mode"] == "trainee" and rep["trainee"] == "ann"
    assert [a["accepted"] for a in rep["trainee_actions"]] == [False] + [True] * 5
    assert rep["hints_s"] == [3900]
    assert rep["outcome"]["rto_s"] is not None
    code, out, _ = cli("run", str(SITE_LOSS), "--trainee", str(actions),
                       "--report", str(tmp_path / "aar.html"))
    assert code == 0 and "Trainee actions (ann)" in out and "Assessment:" in out
    # the refused attempt the file expects is marked "no", not "XX" (as expected)
    block = out.split("Trainee actions (ann):", 1)[1]
    first = next(ln for ln in block.splitlines() if "start-workloads" in ln)
    assert first.lstrip().startswith("no ") and "XX" not in block
    assert "<svg" in (tmp_path / "aar.html").read_text(encoding="utf-8")


def test_an_empty_actions_file_speaks_of_an_actions_file() -> None:
    with pytest.raises(ScenarioError) as info:
        load_actions("", load_scenario(str(SITE_LOSS)))
    assert "a trainee actions file needs `steps:`" in str(info.value)
    assert "a scenario needs" not in str(info.value)


def test_drtwin_run_trainee_with_a_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - {at: 1h, do: cut-link, link: fc}\n", encoding="utf-8")
    code, out, err = cli("run", str(SITE_LOSS), "--trainee", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:2" in err and "instructor" in err and "Traceback" not in err
    code, _, err = cli("run", str(SITE_LOSS), "--trainee", str(tmp_path / "none.yaml"))
    assert code == 2 and "cannot read" in err


def test_the_headless_replay_of_a_cli_trainee_run_is_deterministic(tmp_path: Path) -> None:
    actions = tmp_path / "a.yaml"
    actions.write_text(ACTIONS, encoding="utf-8")
    a = cli("run", str(SITE_LOSS), "--trainee", str(actions), "--json")[1]
    b = cli("run", str(SITE_LOSS), "--trainee", str(actions), "--json")[1]
    assert a == b


def test_drtwin_run_trainee_versus_a_second_trainee(tmp_path: Path) -> None:
    """Issue 11: `drtwin run FILE --trainee A.yaml --versus B.yaml --json` plays FILE in
    trainee mode with each and reports both and their differences."""
    a = tmp_path / "a.yaml"
    a.write_text(ACTIONS, encoding="utf-8")
    b = tmp_path / "b.yaml"  # the same trainee, half an hour slower to restart
    b.write_text(ACTIONS.replace("at: 6000", "at: 7800"), encoding="utf-8")
    code, out, _ = cli("run", str(SITE_LOSS), "--trainee", str(a), "--versus", str(b),
                       "--json")
    assert code == 0
    rep = json.loads(out)
    assert rep["files"] == {"a": str(a), "b": str(b)}
    assert rep["b"]["rto_s"] - rep["a"]["rto_s"] == pytest.approx(1800, abs=1)
    assert rep["differences"]["rto_s"]
    code, out, _ = cli("run", str(SITE_LOSS), "--trainee", str(a), "--versus", str(b))
    assert code == 0 and "== A versus B" in out and "differs" in out
    b.write_text("steps:\n  - {at: 10, do: lose-rack, rack: raleigh}\n", encoding="utf-8")
    code, _, err = cli("run", str(SITE_LOSS), "--trainee", str(a), "--versus", str(b))
    assert code == 2 and "invalid trainee actions" in err and "Traceback" not in err
