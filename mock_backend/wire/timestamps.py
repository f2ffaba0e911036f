"""Timestamp formats: PHP's naive UTC `*DT` and Stela's `….000Z` (decision D5)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput


# Memoised: a listing formats four timestamps per child, and children written together (an import, a sync) share
# them; a hit costs a hash of the datetime instead of isoformat (getWithChildren of 100,000 imported children
# spent a quarter of its time here).
@functools.lru_cache(maxsize=4096)
def php(moment: datetime) -> str:
    """Format as PHP does: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone (an offset breaks the SDK: §3.6)."""
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")  # the same text, several times faster than strftime
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def php_or_none(moment: datetime | None) -> str | None:
    """Format as PHP, keeping None."""
    return php(moment) if moment is not None else None


def stela(moment: datetime) -> str:
    """Format as Stela does: `YYYY-MM-DDTHH:MM:SS.000Z`."""
    if moment.tzinfo is None:
        return _stela_naive(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def stela_jsonb(moment: datetime) -> str:
    """Format as Stela's JSONB-built values read: `YYYY-MM-DDTHH:MM:SS+00:00` (files[].createdAt)."""
    if moment.tzinfo is None:
        return _stela_jsonb_naive(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


# Memoised as php() is, for naive instants only: aware ones of different zones compare (and hash) equal but are
# written differently.
@functools.lru_cache(maxsize=4096)
def _stela_naive(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + ".000Z"


@functools.lru_cache(maxsize=4096)
def _stela_jsonb_naive(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "+00:00"


def parse_iso(value: str, field: str) -> datetime:
    """Parse an ISO 8601 timestamp (the SDK sends `toISOString()`) into naive UTC.

    Raises:
        InvalidInput: the value is not an ISO 8601 timestamp.
    """
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError as exc:
        raise InvalidInput(messages.INVALID_REQUEST, f"{field} must be an ISO 8601 timestamp") from exc
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as exc:  # 9999-12-31T23:00-14:00 is in year 10000 in UTC
            raise InvalidInput(messages.INVALID_REQUEST, f"{field} lies outside years 1-9999 in UTC") from exc
    return parsed.replace(microsecond=0)
