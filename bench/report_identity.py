"""Check that an engine change leaves every run report as it was, byte for byte: dump
``drtwin run FILE --json`` of every bundled scenario (and bench_twin's soak at 500 and
2,000 volumes) before the change, and compare after it.

Run:  .venv/bin/python bench/report_identity.py dump /tmp/before
      (change the engine)
      .venv/bin/python bench/report_identity.py compare /tmp/before
Prints each report that differs, with the first differing line; exit status 1 if any.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_twin import scenario_text  # noqa: E402


def reports(tmp: Path) -> dict[str, bytes]:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    for n in (500, 2000):
        p = tmp / f"soak-{n}.yaml"
        p.write_text(scenario_text(n))
        files.append(p)
    env = {**os.environ, "DRTWIN_HISTORY": "off", "DRTWIN_PROGRESS": "0"}
    out = {}
    for f in files:
        r = subprocess.run([sys.executable, "-m", "app.cli", "run", str(f), "--json"],
                           cwd=ROOT, env=env, capture_output=True)
        text = r.stdout.replace(str(tmp).encode(), b"<tmp>")  # the soak's temporary folder
        out[f.stem] = text + f"\nexit status {r.returncode}\n".encode()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["dump", "compare"])
    ap.add_argument("dir", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        got = reports(Path(tmp))
    if args.what == "dump":
        args.dir.mkdir(parents=True, exist_ok=True)
        for name, data in got.items():
            (args.dir / f"{name}.json").write_bytes(data)
        print(f"{len(got)} reports written to {args.dir}")
        return 0
    bad = 0
    for name, data in got.items():
        path = args.dir / f"{name}.json"
        if not path.exists():
            print(f"{name}: no report in {args.dir}")
            bad += 1
            continue
        old = path.read_bytes()
        if old == data:
            continue
        bad += 1
        for i, (a, b) in enumerate(zip(old.splitlines(), data.splitlines(), strict=False)):
            if a != b:
                print(f"{name}: differs at line {i + 1}:\n  before {a[:150]!r}\n"
                      f"  after  {b[:150]!r}")
                break
        else:
            print(f"{name}: differs in length ({len(old)} vs {len(data)} bytes)")
    print(f"{len(got) - bad} of {len(got)} reports byte-identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
