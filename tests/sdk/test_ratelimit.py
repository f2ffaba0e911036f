"""Tests of the client-side rate limiter in contracts.sdk.ratelimit."""

from __future__ import annotations

import pytest

from contracts.sdk.ratelimit import RateLimiter


class FakeTime:
    """A clock that only moves when slept on or advanced."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_given_back_to_back_calls_spaces_them_by_the_interval() -> None:
    """The second immediate request waits 1/rate seconds."""
    fake = FakeTime()
    limiter = RateLimiter(4.0, clock=fake.clock, sleep=fake.sleep)
    limiter.wait()
    limiter.wait()
    assert fake.sleeps == [0.25]


def test_wait_given_idle_gap_does_not_sleep() -> None:
    """A request after a long enough pause starts at once."""
    fake = FakeTime()
    limiter = RateLimiter(4.0, clock=fake.clock, sleep=fake.sleep)
    limiter.wait()
    fake.now += 1.0
    limiter.wait()
    assert fake.sleeps == []


def test_init_given_non_positive_rate_raises_value_error() -> None:
    """A rate of zero requests per second is refused."""
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
