"""Tests of mock_backend.domain.clock: the frozen clock and epoch conversions."""

from __future__ import annotations

from datetime import datetime

from mock_backend.domain.clock import FrozenClock, SystemClock, epoch, from_epoch


def test_advance_frozen_clock_moves_by_seconds() -> None:
    """A frozen clock moves exactly as far as it is told, and only then."""
    clock = FrozenClock(datetime(2024, 1, 1))
    clock.advance(90)
    assert clock.now() == datetime(2024, 1, 1, 0, 1, 30)


def test_now_system_clock_is_naive_whole_seconds() -> None:
    """The system clock answers naive UTC with whole seconds (PHP's precision)."""
    now = SystemClock().now()
    assert (now.tzinfo, now.microsecond) == (None, 0)


def test_epoch_round_trip_gives_same_moment() -> None:
    """from_epoch undoes epoch."""
    moment = datetime(2024, 3, 1, 12, 30, 15)
    assert from_epoch(epoch(moment)) == moment


def test_epoch_unix_origin_is_zero() -> None:
    """1970-01-01T00:00:00 is epoch 0."""
    assert epoch(datetime(1970, 1, 1)) == 0
