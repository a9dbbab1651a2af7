"""Passwords never leave the scenario (issue 8, finding 8): not in a YAML error (an
unquoted password that starts with *, !, &, … is read as YAML syntax, and PyYAML quotes
it), not in a recorded session, not in any output of a run."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from twin.recording import HEADER, session_scenario, to_yaml
from twin.runner import Runner, run_scenario, summary
from twin.scenario import ScenarioError, load_scenario_text

SECRET = "Zq9xK7pLm2"
PREFIXES = ["*", "!", "&", "%", "@", "`", "!!", "*&", "! ", "|", ">", "'", '"']

USERS_FLOW = "name: x\nsystem:\n  racks:\n    - users: [{{id: u, password: {pw}}}]\n    - {{}}\n"
USERS_BLOCK = ("name: x\nsystem:\n  racks:\n    - users:\n        - id: u\n"
               "          password: {pw}\n          permissions: []\n    - {{}}\n")
STEP_FLOW = "name: x\nsteps:\n  - {{do: create-profile, rack: raleigh, peer: dallas, password: {pw}}}\n"
STEP_BLOCK = ("name: x\nsteps:\n  - do: create-profile\n    password: {pw}\n    rack: raleigh\n"
              "    peer: dallas\n")
NEXT_LINE = "name: x\nsteps:\n  - do: create-profile\n    rack: raleigh\n    peer: dallas\n" \
            "    password:\n\n      {pw}\n"
PLACES = {"users-flow": USERS_FLOW, "users-block": USERS_BLOCK, "step-flow": STEP_FLOW,
          "step-block": STEP_BLOCK, "next-line": NEXT_LINE}


def cases() -> list[Any]:
    return [pytest.param(place, prefix, id=f"{name}-{prefix!r}")
            for name, place in PLACES.items() for prefix in PREFIXES]


@pytest.mark.parametrize(("place", "prefix"), cases())
def test_no_yaml_error_quotes_a_password(place: str, prefix: str) -> None:
    text = place.format(pw=prefix + SECRET)
    try:
        load_scenario_text(text, "pw.yaml")
    except ScenarioError as e:
        assert SECRET not in str(e) and SECRET not in repr(e), str(e)
        assert "internal error" not in e.message


@pytest.mark.parametrize("prefix", ["*", "!", "&"])
def test_the_error_says_to_quote_the_password(prefix: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(STEP_FLOW.format(pw=prefix + SECRET), "pw.yaml")
    e = info.value
    assert e.line == 3 and "quote" in e.message and SECRET not in str(e), str(e)


def test_the_issue_s_messages_no_longer_echo(tmp_path: Path) -> None:
    """`found undefined alias 'Zq9x…'` and `YAML tag '!Zq9x…' is not supported`, for run
    and check, on stderr."""
    for prefix in ("*", "!"):
        for place in (USERS_BLOCK, STEP_BLOCK):
            f = tmp_path / "s.yaml"
            f.write_text(place.format(pw=prefix + SECRET), encoding="utf-8")
            for cmd in (["run", str(f)], ["run", str(f), "--json"], ["check", str(f)]):
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(cmd)
                assert code == 2, (cmd, err.getvalue())
                assert SECRET not in out.getvalue() + err.getvalue(), err.getvalue()
                assert "Traceback" not in err.getvalue()


def test_a_quoted_password_that_starts_with_a_star_works() -> None:
    sc = load_scenario_text(USERS_BLOCK.format(pw=f'"*{SECRET}"'))
    assert sc.system.racks[0].users[0].password == "*" + SECRET


# --- the recorded session ------------------------------------------------------------------

PLANTED = f"""\
name: planted
description: a drill whose users have their own passwords
start: unpaired
system:
  racks:
    - name: raleigh
      users:
        - {{id: dradmin, password: "{SECRET}",
           permissions: [disaster_recovery_administration, security_administration]}}
    - name: dallas
      users:
        - {{id: dradmin, password: "{SECRET}-2",
           permissions: [disaster_recovery_administration, security_administration]}}
steps:
  - {{do: create-profile, rack: raleigh, peer: dallas, user: dradmin, password: "{SECRET}-2"}}
  - {{do: create-profile, rack: dallas, peer: raleigh, user: dradmin, password: "{SECRET}"}}
  - {{do: create-profile, rack: dallas, peer: raleigh, user: dradmin, password: "wrong-{SECRET}",
     expect: refused}}
  - {{do: validate, rack: raleigh}}
  - {{do: validate, rack: dallas}}
  - {{do: enable, rack: dallas, role: backup}}
  - {{do: enable, rack: raleigh, role: primary}}
  - {{after: 1h, do: check, that: {{profiles.raleigh.state: enabled}}}}
"""


def test_a_recorded_session_holds_no_password_and_says_how_to_add_them() -> None:
    sc = load_scenario_text(PLANTED)
    runner = Runner(sc)
    report = runner.run()
    text = to_yaml(session_scenario(sc, runner.steps, []))
    assert SECRET not in text
    assert text.startswith(HEADER) and "No password is saved" in text
    again = load_scenario_text(text)
    assert "No password is saved" in again.description
    assert all(u.password == "" for r in again.system.racks for u in r.users)
    # each create-profile replays with the peer user's own password: the same run
    replay = Runner(again).run()
    assert report["ok"] and replay["ok"]
    assert replay["events"] == report["events"]


def test_a_session_without_passwords_says_nothing_about_them() -> None:
    sc = load_scenario_text("name: x\nsystem:\n  racks: [{users: [{id: a}]}, {}]\n")
    doc = session_scenario(sc, [], [])
    assert "password" not in doc["description"]
    assert doc["system"] == {"racks": [{"users": [{"id": "a"}]}, {}]}
    assert sc.system_raw["racks"][0]["users"][0] == {"id": "a"}  # the scenario is not changed


def test_the_controller_s_session_yaml_holds_no_password(qtbot: Any) -> None:
    from app.controller import Controller
    from twin import actions as A

    c = Controller(load_scenario_text(PLANTED))
    c.advance(2 * 3600)
    assert c.apply(A.CreateProfile(rack="raleigh", peer="dallas", user="dradmin",
                                   password=SECRET + "-2")).ok is False  # already defined
    assert SECRET not in c.session_yaml()


# --- a planted password, searched for in every output ---------------------------------------


def test_a_planted_password_is_in_no_output_of_a_run(tmp_path: Path) -> None:
    sc = load_scenario_text(PLANTED, "planted.yaml")
    report = run_scenario(sc)
    outputs = [json.dumps(report), summary(report), repr(sc), repr(sc.steps),
               json.dumps(report["final_state"]), repr(sc.system)]
    f = tmp_path / "planted.yaml"
    f.write_text(PLANTED, encoding="utf-8")
    for cmd in (["run", str(f)], ["run", str(f), "--json"], ["check", str(f)]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(cmd)
        outputs += [out.getvalue(), err.getvalue()]
    for text in outputs:
        assert SECRET not in text
