"""The one palette of the application, and the colour and label of every state the engine
produces.

Colours follow IBM Carbon, high contrast for a projector. Every view takes its colours
from here: the topology, the consoles, the plots, the event log and the style sheet
(``assets/style.qss`` names them as ``@NAME``; :func:`style_sheet` fills them in). No Qt
here: looks and status pills are pure functions over these strings.

The state maps are plain dicts keyed by the string value the state document carries
(``replication.state``, ``management.state``, ``workloads.<w>.status``,
``profiles.<r>.state`` and ``.role``): when the engine's states become StrEnums the keys
stay the same. ``tests/test_theme.py`` checks that every state the engine produces has a
colour and a label here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple


class C:
    """The palette (hex colours)."""

    INK = "#161616"  # text
    INK_SOFT = "#525252"  # secondary text, captions
    PAPER = "#ffffff"
    CANVAS = "#f2f4f8"  # behind the topology and the dialogs
    LAYER = "#f4f4f4"  # buttons, headers, inactive pills
    FRAME = "#393939"  # rack frames, menu highlight
    RACK_BG = "#e8ebf0"
    LINE = "#c6c6c6"  # borders and separators
    ROW_ALT = "#f7f8fa"  # every other row of a table
    DISABLED = "#a8a8a8"
    ACCENT = "#0f62fe"  # selection, links, replicating, the primary
    ACCENT_HOVER = "#0353e9"
    ACCENT_DARK = "#0043ce"
    BLUE_SOFT = "#d0e2ff"
    BLUE_PALE = "#edf5ff"
    BLUE_DARK = "#002d9c"
    NODE = "#4589ff"  # a compute node in a cloud group
    NODE_IDLE = "#ffffff"  # a compute node in no cloud group
    GROUP_ACTIVE = "#f7faff"  # a cloud group with nodes in it
    GREEN = "#24a148"  # ok: running, in sync, available
    GREEN_SOFT = "#defbe6"
    GREEN_DARK = "#0e6027"  # ok as text
    AMBER = "#f1c21b"  # warning: starting, stale
    AMBER_SOFT = "#fcf4d6"
    AMBER_DARK = "#684e00"  # warning as text, in progress
    ORANGE = "#ff832b"  # degraded, the RPO
    ORANGE_SOFT = "#fff2e8"
    ORANGE_DARK = "#8a3800"
    RED = "#da1e28"  # bad: failed, cut, refused, down
    RED_SOFT = "#fff1f1"
    RED_PALE = "#ffd7d9"
    RED_DARK = "#a2191f"
    RED_DEEP = "#750e13"
    PURPLE = "#8a3ffc"  # failed over (idling)
    TEAL = "#007d79"  # management cloning, the backup
    GREY = "#8d8d8d"  # off, idle, stopped, lost
    GREY_SOFT = "#e0e0e0"


class Style(NamedTuple):
    """How a state reads: its colour and its label (a word or two, for legends and
    badges)."""

    colour: str
    label: str


# SVC Global Mirror consistency group states (twin/replication.py STATES). The states
# describe the target's copy: the legend's words.
REPLICATION: dict[str, Style] = {
    "consistent_synchronized": Style(C.GREEN, "in sync"),
    "inconsistent_copying": Style(C.ACCENT, "copying"),
    "consistent_stopped": Style(C.AMBER, "stale"),
    "consistent_disconnected": Style(C.AMBER, "stale"),
    "inconsistent_stopped": Style(C.RED, "inconsistent"),
    "inconsistent_disconnected": Style(C.RED, "inconsistent"),
    "idling": Style(C.PURPLE, "failed over"),
    "idling_disconnected": Style(C.PURPLE, "failed over"),
    # change volumes: a cycle is copying, the backup keeps its consistent image
    "consistent_copying": Style(C.GREEN_DARK, "cycle copying"),
}
# the states in which the FC link carries data
REPLICATION_FLOWING = frozenset({"consistent_synchronized", "inconsistent_copying",
                                 "consistent_copying"})
# a synchronised volume further behind than this shows as "stale" (the legend)
STALE_AFTER_S = 1.0

# management data cloning over the IP link (twin/management.py MGMT_STATES)
MANAGEMENT: dict[str, Style] = {
    "not_started": Style(C.GREY, "not started"),
    "initial_copy": Style(C.TEAL, "initial copy"),
    "synchronized": Style(C.TEAL, "synchronized"),
    "stalled": Style(C.AMBER, "stalled"),
    "stopped": Style(C.GREY, "stopped"),
}
# the states in which the IP link carries the clone (with the link up)
MANAGEMENT_FLOWING = frozenset({"initial_copy", "synchronized"})

# workloads.<w>.status
WORKLOAD: dict[str, Style] = {
    "running": Style(C.GREEN, "running"),
    "starting": Style(C.AMBER, "starting"),
    "failed": Style(C.RED, "failed"),
    "stopped": Style(C.GREY, "stopped"),
}

# profiles.<r>.state: the console's icon is grey while defined, green once validated
PROFILE: dict[str, Style] = {
    "defined": Style(C.INK_SOFT, "Defined"),
    "validated": Style(C.GREEN_DARK, "Validated"),
    "enabled": Style(C.GREEN_DARK, "Enabled"),
}

# profiles.<r>.role and racks.<r>.role
ROLE: dict[str, Style] = {
    "primary": Style(C.ACCENT, "Primary"),
    "backup": Style(C.TEAL, "Backup"),
    "none": Style(C.GREY, "(none)"),
}

# status pills (app/status.py) and the style sheet's QLabel[level=...]
LEVELS = ("ok", "warn", "bad", "off")

# the event log's rows by event kind: (background or None, text)
EVENT_ROWS: dict[str, tuple[str | None, str]] = {
    "refused": (C.RED_SOFT, C.RED),
    "alert": (C.RED_PALE, C.RED_DARK),
    "fault": (C.ORANGE_SOFT, C.ORANGE_DARK),
    "note": (C.BLUE_PALE, C.BLUE_DARK),
    "check": (None, C.INK),
}

# what the console's messages and checklists say: accepted, refused, muted, in progress
OK_TEXT = C.GREEN_DARK
ERROR_TEXT = C.RED
MUTED_TEXT = C.INK_SOFT
BUSY_TEXT = C.AMBER_DARK


def state_label(styles: Mapping[str, Style], state: object) -> str:
    """The application's word for ``state`` in one of the maps above (the legend's, the
    consoles', the topology's cards): its label, or its own words for a state the map
    lacks (``some_state`` → ``some state``)."""
    style = styles.get(str(state))
    return style.label if style is not None else str(state).replace("_", " ")


def legend_swatches(styles: dict[str, Style]) -> tuple[tuple[str, str], ...]:
    """(label, colour) of a state map, each label once, in the map's order."""
    seen: dict[str, str] = {}
    for s in styles.values():
        seen.setdefault(s.label, s.colour)
    return tuple(seen.items())


class Theme(NamedTuple):
    """A way of dressing the one palette: the application font's size, the caption's
    (presenter mode), and which palette colour takes a palette name's place. A theme adds
    no colour of its own: ``colours`` maps a name of :class:`C` to another colour of C."""

    name: str
    font_pt: float
    caption_pt: float
    colours: dict[str, str]


# the desk: the palette as it is
DEFAULT = Theme("default", 10.5, 20.0, {})
# a projector at the back of a meeting room: large type, and the soft greys and tints that
# wash out on a projector turned to ink, paper and the frame's dark grey
PROJECTOR = Theme("projector", 15.0, 26.0, {
    "INK_SOFT": C.INK,
    "CANVAS": C.PAPER,
    "LAYER": C.GREY_SOFT,
    "LINE": C.FRAME,
    "ROW_ALT": C.PAPER,
    "DISABLED": C.INK_SOFT,
    "RACK_BG": C.GREY_SOFT,
    "BLUE_PALE": C.BLUE_SOFT,
    "AMBER_SOFT": C.AMBER,
    "GREEN_SOFT": C.GREEN_SOFT,
})
THEMES = {t.name: t for t in (DEFAULT, PROJECTOR)}


def colour_of(name: str, theme: Theme = DEFAULT) -> str:
    """The colour a palette name takes in ``theme``; KeyError for a name C lacks."""
    value = theme.colours.get(name, getattr(C, name, None))
    if not isinstance(value, str):
        raise KeyError(f"style.qss: no colour @{name} in app/theme.py")
    return value


_TOKEN = re.compile(r"@([A-Z][A-Z_]*)\b")
_POINTS = re.compile(r"(\d+(?:\.\d+)?)pt\b")


def style_sheet(template: str, theme: Theme = DEFAULT) -> str:
    """The style sheet with its ``@NAME`` colours filled in from :class:`C` (as ``theme``
    dresses them) and its point sizes scaled to the theme's font; an unknown name raises
    KeyError (a typo in the sheet is a test failure, not a black widget)."""
    sheet = _TOKEN.sub(lambda m: colour_of(m.group(1), theme), template)
    if theme.font_pt != DEFAULT.font_pt:
        scale = theme.font_pt / DEFAULT.font_pt
        sheet = _POINTS.sub(lambda m: f"{float(m.group(1)) * scale:.1f}pt", sheet)
    return sheet
