"""Fixed-size ring buffers of the twin's time series, for the GUI's live plots.

Sampled at a fixed simulated cadence; memory is bounded whatever the run length
(capacity × series × 8 bytes, plus one float32 matrix for per-volume lag)."""

from __future__ import annotations

import numpy as np

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

    def view(self) -> np.ndarray:
        """The samples in time order (a copy only when the ring has wrapped)."""
        if self.n < len(self.buf):
            return self.buf[: self.n]
        return np.concatenate((self.buf[self.i:], self.buf[: self.i]))

    def last(self) -> float | np.ndarray | None:
        return None if self.n == 0 else self.buf[(self.i - 1) % len(self.buf)]


class TimeSeries:
    """Group series every ``every_s``; per-volume lag every ``volume_every`` samples."""

    def __init__(self, every_s: float = 10.0, capacity: int = 8640, volumes: int = 0,
                 volume_every: int = 12, volume_capacity: int = 720) -> None:
        self.every_s = every_s
        self.t = Ring(capacity)
        self.series = {name: Ring(capacity) for name in SERIES}
        self.volume_every = volume_every
        self.volume_t = Ring(volume_capacity)
        self.volume_lag = Ring(volume_capacity, width=max(1, volumes), dtype=np.float32)
        self._count = 0
        self.version = 0  # bumps on every sample, so views redraw only when needed

    def push(self, t: float, values: dict[str, float],
             volume_lag: np.ndarray | None = None) -> None:
        self.t.push(t)
        for name, ring in self.series.items():
            ring.push(values.get(name, np.nan))
        if volume_lag is not None and self._count % self.volume_every == 0:
            self.volume_t.push(t)
            self.volume_lag.push(volume_lag)
        self._count += 1
        self.version += 1

    def get(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return self.t.view(), self.series[name].view()

    def nbytes(self) -> int:
        return int(self.t.buf.nbytes + sum(r.buf.nbytes for r in self.series.values())
                   + self.volume_t.buf.nbytes + self.volume_lag.buf.nbytes)
