"""A progress bar on the terminal for long headless commands (a sweep, a long run): tqdm
on standard error when it is a terminal, nothing otherwise. No Qt."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def bar(unit: str) -> Iterator[Callable[[int, int], None]]:
    """Yields ``progress(done, total)``; draws a bar with an ETA while a terminal watches."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        yield lambda done, total: None
        return
    shown = tqdm(total=0, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=False)

    def progress(done: int, total: int) -> None:
        shown.total = total
        shown.n = done
        shown.refresh()

    try:
        yield progress
    finally:
        shown.close()
