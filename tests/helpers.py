"""Shared test helpers: build twins and scenarios quickly."""

from __future__ import annotations

import json
from typing import Any

from twin import actions as A
from twin.config import system_from_dict
from twin.twin import Twin


def make_twin(system: dict[str, Any] | None = None, start: str = "unpaired", seed: int = 0,
              **kw: Any) -> Twin:
    return Twin(system_from_dict(system), seed=seed, start=start, **kw)


def do(twin: Twin, action: str, **params: Any):  # type: ignore[no-untyped-def]
    return twin.apply(A.action_from_dict(action, params))


def pair(twin: Twin, a: str = "raleigh", b: str = "dallas") -> None:
    """Create, validate and enable both profiles (backup first); all must be accepted."""
    for r, p in ((a, b), (b, a)):
        assert do(twin, "create-profile", rack=r, peer=p).ok
        assert do(twin, "validate", rack=r).ok, twin.profiles.get(r).validation
    assert do(twin, "enable", rack=b, role="backup").ok
    assert do(twin, "enable", rack=a, role="primary").ok


def dump(twin: Twin) -> str:
    return json.dumps({"state": twin.state(), "events": [e.to_dict() for e in twin.events]},
                      default=str)


# the backup's manual actions of a failover, after Start Failover (R11 steps 3 and 5)
RECOVER = ("add-compute-nodes", "configure-tor-switches", "start-workloads", "advertise-routes")


def unplanned(twin: Twin, rack: str = "dallas") -> None:
    """Start an unplanned failover on ``rack``; it must be accepted."""
    assert do(twin, "start-failover", rack=rack, type="unplanned").ok
