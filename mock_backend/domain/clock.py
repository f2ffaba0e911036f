"""Time sources: the system clock, and a frozen clock tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as a naive UTC datetime."""

    def now(self) -> datetime:
        """Return the current naive UTC time."""
        ...


class SystemClock:
    """The real clock, in naive UTC with whole seconds (the PHP API's precision)."""

    def now(self) -> datetime:
        """Return the current naive UTC time, truncated to seconds."""
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        """Return the frozen time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(seconds=seconds)


def epoch(moment: datetime) -> int:
    """Return the Unix time of a naive UTC datetime."""
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def from_epoch(seconds: int) -> datetime:
    """Return the naive UTC datetime of a Unix time."""
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)
