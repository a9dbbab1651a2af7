"""One palette (app/theme.py) and one formatter (app/format.py) for the whole application:
every state the engine produces has a colour and a label, the style sheet's colours are
the palette's, and durations read alike everywhere."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from app import format as fmt
from app import resources, theme
from twin.durations import format_duration as engine_duration
from twin.states import ManagementState, ProfileState, ReplicationState, Role, WorkloadStatus

ROOT = Path(__file__).resolve().parent.parent
HEX = re.compile(r"#[0-9a-f]{6}")
# the engine's vocabulary (twin/states.py): every state it can put in the state document
STATES = tuple(ReplicationState)
MGMT_STATES = tuple(ManagementState)
WORKLOAD_STATUSES = tuple(WorkloadStatus)
PROFILE_STATES = tuple(ProfileState)
ROLES = tuple(Role)


@pytest.mark.parametrize(("styles", "states"), [
    (theme.REPLICATION, STATES),
    (theme.MANAGEMENT, MGMT_STATES),
    (theme.WORKLOAD, WORKLOAD_STATUSES),
    (theme.PROFILE, PROFILE_STATES),
    (theme.ROLE, ROLES),
], ids=["replication", "management", "workload", "profile", "role"])
def test_every_state_the_engine_produces_has_a_colour_and_a_label(
        styles: dict[str, theme.Style], states: tuple[str, ...]) -> None:
    assert set(styles) == set(states), "a state without a look, or a look for no state"
    for state in states:
        colour, label = styles[state]
        assert HEX.fullmatch(colour), (state, colour)
        assert label.strip(), state


def test_the_flowing_states_are_states() -> None:
    assert theme.REPLICATION_FLOWING <= set(STATES)
    assert theme.MANAGEMENT_FLOWING == {"initial_copy", "synchronized"}


def test_the_palette_is_hex_colours() -> None:
    colours = {k: v for k, v in vars(theme.C).items() if not k.startswith("_")}
    assert len(colours) > 20
    assert all(HEX.fullmatch(v) for v in colours.values()), colours


def test_the_style_sheet_takes_its_colours_from_the_palette() -> None:
    template = resources.style_template()
    assert not HEX.search(template.lower()), "a colour written in style.qss, not named"
    sheet = theme.style_sheet(template)
    assert "@" not in sheet
    assert theme.C.ACCENT in sheet and theme.C.INK in sheet
    for level in theme.LEVELS:
        assert f'QLabel[level="{level}"]' in sheet
    with pytest.raises(KeyError, match="NOPE"):
        theme.style_sheet("QLabel { color: @NOPE; }")


def test_no_view_writes_a_colour_of_its_own() -> None:
    """Colours come from the palette: no hex literal in app/ outside theme.py."""
    bad = []
    for path in (ROOT / "app").rglob("*.py"):
        if path.name == "theme.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HEX.search(line.lower()):
                bad.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_the_legend_names_every_volume_and_workload_colour() -> None:
    assert theme.legend_swatches(theme.REPLICATION) == (
        ("in sync", theme.C.GREEN), ("copying", theme.C.ACCENT), ("stale", theme.C.AMBER),
        ("inconsistent", theme.C.RED), ("failed over", theme.C.PURPLE),
        ("cycle copying", theme.C.GREEN_DARK))
    assert [label for label, _ in theme.legend_swatches(theme.WORKLOAD)] == [
        "running", "starting", "failed", "stopped"]


def test_one_duration_format_for_the_whole_gui() -> None:
    for s in (0.006, 1.0, 59.0, 300.0, 3723.0, 6 * 3600.0, 90000.0):
        assert fmt.format_duration(s) == engine_duration(s)
    assert fmt.format_duration(300) == "5m 00s"  # not "5 min"
    assert fmt.format_duration(None) == "—"
    assert fmt.format_duration(float("nan")) == "—"
    assert fmt.format_duration(float("inf")) == "∞"  # an RPO with no consistent copy
    # a part rounded from a tiny negative (an audit saw "network -0ms"): zero is zero
    assert fmt.format_duration(-0.0) == fmt.format_duration(-1e-9) == "0ms"
    assert fmt.format_duration(-0.25) == "-250ms"  # (a real negative keeps its sign)


def test_the_rto_breakdown_never_has_a_negative_zero() -> None:
    from twin.outcome import _rounded_parts

    parts = _rounded_parts({"decision": 300.0, "data_sync": 1800.0,
                            "restart": 2811.8962200000003, "network": -1e-12})
    assert math.copysign(1.0, parts["network"]) == 1.0 and parts["network"] == 0.0


def test_a_countdown_reads_to_the_minute_with_the_same_formatter() -> None:
    """``approx`` (the objectives panel's "about 24m left") is the one formatter's, the
    engine's as the GUI's."""
    cases = {0.4: "0s", 40.0: "40s", 59.4: "59s", 59.6: "1m", 89.0: "1m", 91.0: "2m",
             1440.0: "24m", 1469.0: "24m", 1471.0: "25m", 3599.0: "1h 00m",
             3900.0: "1h 05m", 86399.0: "1d 00h", 90000.0: "1d 01h", 200000.0: "2d 08h"}
    for s, text in cases.items():
        assert fmt.format_duration(s, approx=True) == text, s
        assert engine_duration(s, approx=True) == text, s
    assert fmt.format_duration(None, approx=True) == "—"
    assert fmt.format_duration(float("inf"), approx=True) == "∞"
    assert fmt.format_duration(1469.0) == "24m 29s"  # exact unless asked


def test_the_other_formats() -> None:
    assert fmt.format_clock(86400 + 3723) == "1d 01:02:03"
    assert fmt.format_clock(float("inf")) == "—"
    assert fmt.format_rate(12.5e6) == "12.5 MB/s" and fmt.format_rate(None) == "—"
    assert fmt.format_bandwidth(8000) == "8 Gb/s" and fmt.format_bandwidth(100) == "100 Mb/s"
    assert fmt.format_pct(0.425) == "42 %" and fmt.format_pct(None) == "—"
    assert fmt.format_bytes(1.5e9) == "1.5 GB"
    assert fmt.state_text("consistent_synchronized") == "consistent synchronized"
