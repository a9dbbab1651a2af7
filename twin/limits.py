"""The range of every physical quantity a scenario (or an action built in Python) may give,
with the reason for each bound, in the words the error messages use.

One table, read by the loader (``twin/scenario.py``), by the actions' own checks
(``twin/actions.py``) and, through a test, by the JSON Schema: a value outside its range is
refused where it is written, with the reason, instead of reaching the engine as a number no
rack could produce (a write rate of 1e308 MB/s overflows to infinity; a link of 5e-324 Mb/s
takes an infinite time to copy anything). The bounds are generous: they refuse what no
PureApplication System pair could be, not what a trainer might want to show. Within them,
nothing the engine derives overflows: the largest product it forms, a year of the fastest
writes of 8192 workloads, is about 5e21 bytes.

Where a figure comes from IBM's documentation it says so (docs/scenario-file.md, "Ranges",
cites the sources).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY_S = 86_400.0
YEAR_S = 365 * DAY_S


@dataclass(frozen=True)
class Range:
    """``lo <= x <= hi`` (``lo < x`` when ``lo_open``), in ``unit``; ``why_lo``/``why_hi``
    say why, as a message continues ("must be at most 20000 MB/s: <why_hi>")."""

    lo: float
    hi: float
    unit: str = ""
    why_lo: str = ""
    why_hi: str = ""
    lo_open: bool = False
    whole: bool = False  # a whole number (count, index)
    hi_text: str = ""  # how the upper bound reads, if not as a number and the unit

    def problem(self, value: object, name: str = "") -> str | None:
        """What is wrong with ``value`` for this range, or None. Never raises."""
        label = f"{name} " if name else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a whole number" if self.whole else "a number"
            return f"{label}must be {kind}, not {_kind(value)}"
        if self.whole and not isinstance(value, int):
            return f"{label}must be a whole number; got {shown(value)}"
        if isinstance(value, float) and math.isnan(value):
            return f"{label}must be a number; got nan"
        lo, hi = self.text(self.lo), self.hi_text or self.text(self.hi)
        if self.lo_open and not value > self.lo:
            return f"{label}must be more than {lo}{_why(self.why_lo)}; got {shown(value)}"
        if not value >= self.lo:
            return f"{label}must be at least {lo}{_why(self.why_lo)}; got {shown(value)}"
        if not value <= self.hi:
            return f"{label}must be at most {hi}{_why(self.why_hi)}; got {shown(value)}"
        return None

    def text(self, x: float) -> str:
        return f"{number(x)} {self.unit}".rstrip() if self.unit else number(x)


def number(x: float) -> str:
    """A bound as people write it: ``20000``, ``0.056``, ``31536000``."""
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e16):
        return str(int(x))
    return repr(float(x))


def shown(value: object) -> str:
    """A value for a message, at most about 60 characters (never the digits of a huge int)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"a whole number of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, str) and len(value) > 60:
        value = value[:60]  # repr of a short prefix: linear in nothing but 60 characters
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _why(why: str) -> str:
    return f": {why}" if why else ""


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


# --- time ------------------------------------------------------------------------------------

MAX_DURATION_S = YEAR_S
HORIZON_S = YEAR_S
WHY_DURATION = (
    "a scenario plays at most a year of simulated time (the twin plays a day in about half "
    "a second, so a year takes minutes)"
)
DURATION = Range(0.0, MAX_DURATION_S, "s", why_hi=WHY_DURATION, hi_text="365d (31536000 s)")
SURGE_FOR = Range(0.0, MAX_DURATION_S, "s", why_lo="a surge needs a duration",
                  why_hi=WHY_DURATION, lo_open=True, hi_text="365d (31536000 s)")  # fmt: skip

# --- the sites and links ---------------------------------------------------------------------

DISTANCE_KM = Range(
    0.0, 20_000.0, "km",
    why_hi="no two places on Earth are farther apart (half the equator is 20,037 km); "
    "Global Mirror's limit is 8000 km",
)  # fmt: skip
LINK_BANDWIDTH_MBPS = Range(
    0.056, 100_000.0, "Mb/s",
    why_lo="slower than a 56 kb/s modem is no inter-site link (a link with no bandwidth is "
    "a cut link: use cut-link)",
    why_hi="faster than either rack can drive (a V7000 has eight 8 Gb/s Fibre Channel "
    "ports, 64 Gb/s together)",
)  # fmt: skip
PERCENT = Range(0.0, 100.0, "%")
LINK_DEVICES = Range(0, 1000, "devices", why_hi="a path through more than 1000 switches and "
                     "routers is not a data-centre link", whole=True)  # fmt: skip
DEVICE_DELAY_US = Range(0.0, 100_000.0, "µs", why_hi="a device that holds every frame for "
                        "more than 0.1 s is broken, not slow")  # fmt: skip
ADDED_LATENCY_MS = Range(0.0, 10_000.0, "ms", why_hi="more than 10 s one way is not a slow "
                         "link but a cut one (use cut-link)")  # fmt: skip

# --- racks -----------------------------------------------------------------------------------

CORES_PER_NODE = 16
MAX_CORES = 608  # W1500-608, the largest PureApplication System
MAX_COMPUTE_NODES = MAX_CORES // CORES_PER_NODE  # 38
WHY_CORES = "the largest PureApplication System, the W1500-608, has 608 cores (38 compute nodes)"
COMPUTE_NODE_COUNT = Range(1, MAX_COMPUTE_NODES, "", why_hi=WHY_CORES, whole=True)
COMPUTE_NODE_INDEX = Range(0, MAX_COMPUTE_NODES - 1, "", why_hi="compute nodes are numbered "
                           "from 0, and the largest rack has 38", whole=True)  # fmt: skip
WORKLOAD_CORES = Range(0, MAX_CORES, "cores", why_hi=WHY_CORES, whole=True)

# --- storage (IBM Storwize V7000, the rack's storage) ----------------------------------------

MAX_VOLUMES_PER_WORKLOAD = 4096
MAX_VOLUMES = 8192  # volumes per V7000 system
WHY_VOLUMES = "a V7000 system holds at most 8192 volumes"
VOLUMES = Range(1, MAX_VOLUMES_PER_WORKLOAD, "", why_hi="half of what a V7000 system "
                "holds (8192 volumes)", whole=True)  # fmt: skip
VOLUME_GB = Range(
    0.001, 1_000_000.0, "GB",
    why_lo="a V7000 volume is at least 1 MB", why_hi="the largest V7000 volume is about "
    "1 PB (8 GB extents; 256 TB with the common 2 GB extents)",
)  # fmt: skip
MAX_TOTAL_GB = 32_000_000.0
WHY_TOTAL_GB = "a V7000 system manages at most 4 Mi extents of 8 GB, about 32 PB"
MANAGEMENT_GB = Range(0.0, 1_000_000.0, "GB", why_hi="the management data is not larger "
                      "than the largest V7000 volume (about 1 PB)")  # fmt: skip
WRITE_MB_S = Range(
    0.0, 20_000.0, "MB/s",
    why_hi="no PureApplication rack writes faster (its V7000 takes in about 8000 MB/s at "
    "most, through eight 8 Gb/s Fibre Channel ports)",
)  # fmt: skip
RESTART_SPREAD = Range(0.0, 1.0)

# --- the file --------------------------------------------------------------------------------

MAX_STEPS = 10_000
WHY_STEPS = "a scenario is a timeline a person reads; split a longer one"
MAX_FILE_CHARS = 1_000_000  # a real scenario is a few kB
MAX_TEXT_CHARS = 2_000_000  # characters of every value once aliases (*name) are expanded
SEED_MAX = 2**63 - 1
