"""The status bar's story (app/status.py) as a pure function of the state document: no
window, no Qt. tests/test_gui_main.py keeps one test that the window renders these pills."""

from __future__ import annotations

from app.format import format_duration
from app.status import PILLS, Pill, pills
from twin import actions as A
from twin.scenario import load_scenario_text
from twin.twin import Twin


class Session:
    """A twin built from a scenario text, and its pills now."""

    def __init__(self, text: str) -> None:
        self.scenario = load_scenario_text(text)
        sc = self.scenario
        self.twin = Twin(sc.system, seed=sc.seed, start=sc.start)

    def pills(self) -> dict[str, Pill]:
        out = pills(self.twin.state(), self.scenario.objectives, self.twin.now)
        return {p.name: p for p in out}

    def apply(self, action: A.Action) -> None:
        self.twin.apply(action)

    def advance(self, dt: float) -> None:
        self.twin.run_for(dt)


PAIRED = "name: status test\nstart: paired\n"
FAILBACK = """
name: failback pills
start: paired
objectives: {rpo: 1s, rto: 6h}
steps: []
"""


def test_the_pills_in_their_order() -> None:
    s = Session(PAIRED)
    out = pills(s.twin.state(), s.scenario.objectives, s.twin.now)
    assert [p.name for p in out] == [name for name, _ in PILLS]
    assert all(p.level in ("ok", "warn", "bad", "off") for p in out)


def test_status_follows_the_twin() -> None:
    s = Session(PAIRED)
    p = s.pills()
    assert p["servicePill"].level == "ok" and p["splitPill"].level == "off"
    assert p["servicePill"].text == "Service available"
    assert p["replicationPill"].text == "Replication (GM): consistent synchronized"
    s.apply(A.AdvertiseRoutes(rack="dallas"))
    s.advance(300)
    p = s.pills()
    assert p["splitPill"].text == "SPLIT BRAIN" and p["splitPill"].level == "bad"
    # in a split brain clients reach one site or the other: the service is down (R14)
    assert p["servicePill"].text == "Service DOWN"
    split_at = next(e.t_s for e in s.twin.events if e.kind == "alert"
                    and "split brain" in e.message)
    s.apply(A.LoseRack(rack="raleigh"))
    p = s.pills()
    assert p["servicePill"].text == "Service DOWN" and p["servicePill"].level == "bad"
    assert p["rpoPill"].text.startswith("RPO achieved")
    s.advance(600)
    down = 900 - split_at  # the outage began with the split brain, not with the loss
    assert s.pills()["rtoPill"].text.startswith(f"Outage {format_duration(down)}")


def test_status_pills_tell_the_current_story() -> None:
    s = Session(FAILBACK)
    s.advance(600)
    p = s.pills()
    assert p["rpoPill"].level == "ok" and p["rpoPill"].text.startswith("RPO exposure")
    s.apply(A.LoseRack(rack="raleigh"))
    s.advance(600)
    p = s.pills()
    assert p["rpoPill"].text.startswith("RPO achieved") and "lost" in p["rpoPill"].text
    assert p["rtoPill"].text.startswith("Outage") and p["rtoPill"].level == "bad"
    s.apply(A.StartFailover(rack="dallas", type="unplanned"))
    for act in (A.AddComputeNodes(rack="dallas"), A.ConfigureTorSwitches(rack="dallas"),
                A.StartWorkloads(rack="dallas"), A.AdvertiseRoutes(rack="dallas")):
        s.apply(act)
    s.advance(4 * 3600)
    assert s.twin.state()["service"]["available"]
    p = s.pills()
    assert p["rtoPill"].text.startswith("RTO") and "RPO" in p["rtoPill"].text
    assert p["rpoPill"].text.startswith("Unprotected for")  # dallas runs, nothing replicates
    # a second outage (dallas's workloads stopped for the failback): the pill says outage
    s.apply(A.StopWorkloads(rack="dallas"))
    s.advance(60)
    p = s.pills()
    assert p["rtoPill"].text.startswith("Outage 1m") and p["rtoPill"].level == "bad"


def test_no_consistent_copy_is_red_not_green() -> None:
    s = Session("name: unpaired\n")
    s.advance(60)
    p = s.pills()
    assert p["rpoPill"].text == "RPO unbounded: no consistent copy"
    assert p["rpoPill"].level == "bad"


def test_the_objectives_decide_the_levels() -> None:
    """The RTO objective shows beside an outage; a missed objective is bad."""
    s = Session(FAILBACK)
    s.advance(600)
    s.apply(A.LoseRack(rack="raleigh"))
    s.advance(90)
    rto = s.pills()["rtoPill"]
    assert rto.text == "Outage 1m 30s / 6h 00m 00s" and rto.level == "bad"
    tight = pills(s.twin.state(), {"rpo_s": 1e-6, "rto_s": 60.0}, s.twin.now)
    rpo = next(p for p in tight if p.name == "rpoPill")
    assert rpo.text.startswith("RPO achieved") and rpo.level == "bad"
    assert pills(s.twin.state(), None, s.twin.now)[4].text == "Outage 1m 30s"


def test_pill_caps_leave_narrow_pills_alone_and_share_the_rest() -> None:
    from app.status import pill_caps

    assert pill_caps([100, 200, 300], 600) is None  # they fit
    cap = pill_caps([100, 120, 400, 500], 800)
    assert cap is not None and 100 + 120 + 2 * cap <= 800 and cap >= 280
    assert pill_caps([1000, 1000], 50) == 40  # never narrower than a few letters


def test_a_runs_verdict_level_says_pass_warn_or_fail() -> None:
    from app.status import verdict_level

    assert verdict_level({"ok": True, "assessment": {"passed": True}}) == "ok"
    assert verdict_level({"ok": True, "assessment": {"passed": False}}) == "warn"
    assert verdict_level({"ok": False, "assessment": {"passed": True}}) == "bad"
    assert verdict_level({"ok": True}) == "ok"


def test_a_planned_takeover_with_nothing_written_yet_is_unprotected_not_0ms() -> None:
    """Found looking at the window: after a planned failover, before Dallas's workloads
    wrote anything, the pill read "Unprotected for 0ms"."""
    s = Session(PAIRED)
    s.advance(600)
    assert s.twin.apply(A.StopWorkloads(rack="raleigh")).ok
    s.advance(60)  # the last writes reach dallas
    for act in (A.StartFailover(rack="raleigh"), A.StartFailover(rack="dallas", type="planned")):
        assert s.twin.apply(act).ok
    p = s.pills()["rpoPill"]
    assert (p.text, p.level) == ("Unprotected: no replication", "warn")
