"""Fixed-size ring buffers of the twin's time series, for the GUI's live plots.

Sampled at a fixed simulated cadence; memory is bounded whatever the run length
(capacity × series × 8 bytes, plus one float32 matrix for per-volume lag)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

# samples pushed for later evaluation (push_later) are evaluated at the latest by this many
LATER_MAX = 4096
# per-volume lags pushed for later, at the latest by this many (each keeps alive the arrays
# it reads: a few, so that memory does not grow with them)
VOLUMES_LATER_MAX = 16
Evaluate = Callable[[list[tuple[np.ndarray, Any]]], tuple[np.ndarray, dict[str, np.ndarray]]]

SERIES = ("lag_bytes", "rpo_s", "throughput_bps", "bandwidth_bps", "progress",
          "available", "mgmt_lag_s", "host_delay_s", "writes_bps", "demand_bps")


class Ring:
    """One ring of floats with a time axis shared by its owner."""

    __slots__ = ("buf", "n", "i")

    def __init__(self, capacity: int, width: int | None = None, dtype: type = np.float64):
        shape = (capacity,) if width is None else (capacity, width)
        self.buf: np.ndarray = np.full(shape, np.nan, dtype=dtype)
        self.n = 0  # samples held
        self.i = 0  # next write position

    def push(self, value: float | np.ndarray) -> None:
        self.buf[self.i] = value
        self.i = (self.i + 1) % len(self.buf)
        self.n = min(self.n + 1, len(self.buf))

    def push_many(self, values: np.ndarray) -> None:
        """Several samples at once, in time order (wrapping around the ring)."""
        cap = len(self.buf)
        k = len(values)
        if k >= cap:
            values = values[-cap:]
            self.buf[:] = values
            self.i, self.n = 0, cap
            return
        end = self.i + k
        if end <= cap:
            self.buf[self.i:end] = values
        else:
            first = cap - self.i
            self.buf[self.i:] = values[:first]
            self.buf[: k - first] = values[first:]
        self.i = end % cap
        self.n = min(self.n + k, cap)

    def view(self) -> np.ndarray:
        """The samples in time order (a copy only when the ring has wrapped)."""
        if self.n < len(self.buf):
            return self.buf[: self.n]
        return np.concatenate((self.buf[self.i:], self.buf[: self.i]))

    def last(self) -> float | np.ndarray | None:
        return None if self.n == 0 else self.buf[(self.i - 1) % len(self.buf)]


class TimeSeries:
    """Group series every ``every_s`` (one ring of rows: time then each of ``SERIES``);
    per-volume lag every ``volume_every`` samples.

    Samples may be pushed for later (:meth:`push_later`): what the twin needs to compute
    them, evaluated in bulk by ``evaluate`` with the others pushed so, before anything
    reads the series (or pushes now); a reader sees the same rows either way."""

    def __init__(self, every_s: float = 10.0, capacity: int = 8640, volumes: int = 0,
                 volume_every: int = 12, volume_capacity: int = 720) -> None:
        self.every_s = every_s
        self._rows = Ring(capacity, width=1 + len(SERIES))
        self._col = {name: 1 + i for i, name in enumerate(SERIES)}
        self.volume_every = volume_every
        self._volume_t = Ring(volume_capacity)
        self._volume_lag = Ring(volume_capacity, width=max(1, volumes), dtype=np.float32)
        # per-volume lags pushed for later: the newest that the rings would keep, and how
        # many older ones they would have overwritten
        self._volumes_later: deque[tuple[float, Any]] = deque(maxlen=volume_capacity)
        self._volumes_dropped = 0
        self.evaluate_volumes: Callable[[Any], np.ndarray] | None = None
        self._count = 0
        self._version = 0  # bumps on every sample, so views redraw only when needed
        self._later: list[tuple[np.ndarray, Any]] = []
        self._later_n = 0
        self.evaluate: Evaluate | None = None

    @property
    def count(self) -> int:
        """Samples taken since the start (the ring keeps the newest)."""
        return self._count + self._later_n

    @property
    def version(self) -> int:
        """Bumps with new samples, so views redraw only when needed."""
        self.flush()
        return self._version

    @property
    def rows(self) -> Ring:
        """Every series, one row per sample: the time, then each of ``SERIES``."""
        self.flush()
        return self._rows

    def push_later(self, times: np.ndarray, context: Any) -> None:
        """Samples at ``times`` whose values ``evaluate`` gives from ``context`` later, in
        bulk with the others pushed so, in order (the same rows as :meth:`push_many` of
        the same values now)."""
        if self.evaluate is None:
            raise RuntimeError("push_later needs an evaluate function")
        if len(times):
            self._later.append((times, context))
            self._later_n += len(times)
            if self._later_n >= LATER_MAX:
                self.flush()

    def flush(self) -> None:
        """Evaluate and push the samples pushed for later."""
        if self._later and self.evaluate is not None:
            later, self._later, self._later_n = self._later, [], 0
            self._push_rows(*self.evaluate(later))

    def push(self, t: float, values: dict[str, float],
             volume_lag: np.ndarray | None = None) -> None:
        self.flush()
        self._rows.push(np.array([t, *(values.get(name, np.nan) for name in SERIES)]))
        if volume_lag is not None and self._count % self.volume_every == 0:
            self.volume_t.push(t)
            self.volume_lag.push(volume_lag)
        self._count += 1
        self._version += 1

    @property
    def times(self) -> np.ndarray:
        return self.rows.view()[:, 0]

    def __len__(self) -> int:
        return self.rows.n

    def push_many(self, times: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        """Several samples at once: one value of each series per time (absent: NaN)."""
        self.flush()
        self._push_rows(times, columns)

    def _push_rows(self, times: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        k = len(times)
        if k == 0:
            return
        rows = np.full((k, 1 + len(SERIES)), np.nan)
        rows[:, 0] = times
        for name, col in self._col.items():
            if name in columns:
                rows[:, col] = columns[name]
        self._rows.push_many(rows)
        self._count += k
        self._version += 1

    @property
    def volume_t(self) -> Ring:
        """The times of the per-volume lags."""
        self._flush_volumes()
        return self._volume_t

    @property
    def volume_lag(self) -> Ring:
        """The per-volume lag (float32, one row per volume sample)."""
        self._flush_volumes()
        return self._volume_lag

    def push_volumes(self, t: float, volume_lag: np.ndarray) -> None:
        """The per-volume lag at ``t`` (kept every ``volume_every``-th sample)."""
        self._flush_volumes()
        self._volume_t.push(t)
        self._volume_lag.push(volume_lag)

    def push_volumes_later(self, t: float, context: Any) -> None:
        """The per-volume lag at ``t``, which ``evaluate_volumes`` gives from ``context``
        when the rings are read, or a few at a time (the same rows as :meth:`push_volumes`
        of it now)."""
        if self.evaluate_volumes is None:
            raise RuntimeError("push_volumes_later needs an evaluate_volumes function")
        later = self._volumes_later
        if len(later) == later.maxlen:
            self._volumes_dropped += 1  # the rings would overwrite it
        later.append((t, context))
        if len(later) >= VOLUMES_LATER_MAX:
            self._flush_volumes()

    def _flush_volumes(self) -> None:
        later = self._volumes_later
        if not later and not self._volumes_dropped:
            return
        dropped, self._volumes_dropped = self._volumes_dropped, 0
        for ring in (self._volume_t, self._volume_lag):  # as if pushed: overwritten since
            cap = len(ring.buf)
            ring.i = (ring.i + dropped) % cap
            ring.n = min(ring.n + dropped, cap)
        evaluate = self.evaluate_volumes
        assert evaluate is not None
        while later:
            t, context = later.popleft()
            self._volume_t.push(t)
            self._volume_lag.push(evaluate(context))

    def get(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one series, in time order."""
        rows = self.rows.view()
        return rows[:, 0], rows[:, self._col[name]]

    def nbytes(self) -> int:
        return int(self._rows.buf.nbytes + self._volume_t.buf.nbytes
                   + self._volume_lag.buf.nbytes)
