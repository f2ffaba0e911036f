"""Tests of mock_backend.wire.timestamps: PHP and Stela formats, ISO input (decision D5)."""

from __future__ import annotations

from datetime import datetime

import pytest

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire import timestamps

MOMENT = datetime(2024, 3, 1, 9, 5, 7)


def test_php_moment_is_naive_seconds() -> None:
    """PHP `*DT` values are `YYYY-MM-DDTHH:MM:SS`, without zone or fraction."""
    assert timestamps.php(MOMENT) == "2024-03-01T09:05:07"


def test_stela_moment_has_milliseconds_and_z() -> None:
    """Stela timestamps are `YYYY-MM-DDTHH:MM:SS.000Z`."""
    assert timestamps.stela(MOMENT) == "2024-03-01T09:05:07.000Z"


def test_php_or_none_none_stays_none() -> None:
    """A missing moment stays null."""
    assert timestamps.php_or_none(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2030-01-01T00:00:00.000Z", datetime(2030, 1, 1)),
        ("2030-01-01T02:00:00+02:00", datetime(2030, 1, 1)),
        ("2030-01-01T00:00:00", datetime(2030, 1, 1)),
        ("2030-01-01T00:00:00.999Z", datetime(2030, 1, 1)),
    ],
    ids=["sdk-iso-z", "offset-converted", "naive-is-utc", "fraction-dropped"],
)
def test_parse_iso_timestamp_gives_naive_utc_seconds(value: str, expected: datetime) -> None:
    """ISO 8601 input becomes naive UTC with whole seconds."""
    assert timestamps.parse_iso(value, "expiresDT") == expected


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2030-13-01T00:00:00", "", "2023-02-29T00:00:00Z", "9999-12-31T23:00:00-14:00"],
    ids=["word", "month-13", "empty", "not-a-leap-year", "beyond-9999-in-utc"],
)
def test_parse_iso_non_timestamp_is_invalid_request(value: str) -> None:
    """Text that is not an ISO 8601 timestamp is refused."""
    with pytest.raises(InvalidInput) as caught:
        timestamps.parse_iso(value, "expiresDT")
    assert caught.value.key == messages.INVALID_REQUEST
