"""The ``drtwin`` command. Headless subcommands import only ``twin``; the GUI is
imported lazily so ``drtwin run`` works without a display."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("drtwin: not built yet", file=sys.stderr)
    return 1
