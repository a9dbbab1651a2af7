"""Determinism: the same scenario and seed give the same run, event for event, whatever
the interpreter's hash seed (set and dict iteration must never leak into a run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

_DIGESTS = """
import hashlib, json, sys
from twin.runner import run_scenario
from twin.scenario import load_scenario
out = {}
for path in sys.argv[1:]:
    report = run_scenario(load_scenario(path))
    out[path] = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()
print(json.dumps(out))
"""


def _digests(hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", _DIGESTS, *map(str, SCENARIOS)], env=env,
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    digests: dict[str, str] = json.loads(r.stdout)
    return digests


def test_every_scenario_runs_the_same_under_different_hash_seeds() -> None:
    assert len(SCENARIOS) >= 8
    a, b = _digests("0"), _digests("4242")
    assert set(a) == {str(p) for p in SCENARIOS}
    differ = [Path(p).name for p in a if a[p] != b[p]]
    assert not differ, f"runs differ between hash seeds: {differ}"
