"""Tests of the typed JSON readers in contracts.sdk.wire.values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from contracts.sdk.enums import Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.wire.values import (
    Obj,
    as_integer,
    decode_json,
    enum_or,
    format_timestamp_millis,
    parse_timestamp,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, 42), ("42", 42), ("-3", -3), (7.0, 7)],
    ids=["int", "integer-string", "negative-string", "integral-float"],
)
def test_as_integer_given_integer_like_value_returns_int(value: object, expected: int) -> None:
    """Integers, integer-valued strings and integral floats are read as int."""
    assert as_integer(value, "$.id") == expected


@pytest.mark.parametrize(
    "value",
    [True, "4.2", "x", None, 4.5, [1]],
    ids=["bool", "decimal-string", "word", "null", "fraction", "array"],
)
def test_as_integer_given_non_integer_raises_validation_error(value: object) -> None:
    """Anything else is a ValidationError naming the path."""
    with pytest.raises(ValidationError) as caught:
        as_integer(value, "$.id")
    assert caught.value.path == "$.id"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-03-09T17:33:09", datetime(2023, 3, 9, 17, 33, 9, tzinfo=UTC)),
        ("2025-03-12T14:32:10.000Z", datetime(2025, 3, 12, 14, 32, 10, tzinfo=UTC)),
        ("2025-03-12T16:32:10+02:00", datetime(2025, 3, 12, 14, 32, 10, tzinfo=UTC)),
    ],
    ids=["php-naive", "stela-zulu", "offset"],
)
def test_parse_timestamp_given_iso_value_returns_aware_utc(text: str, expected: datetime) -> None:
    """Naive values are UTC, and zoned values are converted to UTC."""
    parsed = parse_timestamp(text, "$.t")
    assert parsed == expected
    assert parsed.tzinfo is UTC


def test_parse_timestamp_given_offset_when_disallowed_raises_validation_error() -> None:
    """A PHP timestamp with an offset is invalid, as the TS SDK then makes Invalid Date."""
    with pytest.raises(ValidationError, match="without offset"):
        parse_timestamp("2023-03-09T17:33:09+00:00", "$.createdDT", allow_offset=False)


def test_parse_timestamp_given_garbage_raises_validation_error() -> None:
    """A string that is no timestamp raises ValidationError with the path."""
    with pytest.raises(ValidationError) as caught:
        parse_timestamp("yesterday", "$.createdDT")
    assert caught.value.path == "$.createdDT"


def test_format_timestamp_millis_given_aware_datetime_returns_to_iso_string_form() -> None:
    """Aware datetimes are written like JavaScript's Date.toISOString()."""
    value = datetime(2022, 1, 1, 1, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp_millis(value) == "2022-01-01T00:00:00.123Z"


def test_format_timestamp_millis_given_naive_datetime_raises_value_error() -> None:
    """A naive datetime is ambiguous and refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp_millis(datetime(2022, 1, 1))


def test_decode_json_given_non_json_raises_validation_error() -> None:
    """A body that is not JSON is a ValidationError."""
    with pytest.raises(ValidationError, match="not JSON"):
        decode_json(b"<html>")


def test_obj_given_missing_key_raises_validation_error_with_path() -> None:
    """A missing required key names its full path."""
    with pytest.raises(ValidationError) as caught:
        Obj({"a": {}}).obj("a").string("b")
    assert caught.value.path == "$.a.b"


def test_obj_given_non_object_raises_validation_error() -> None:
    """A JSON array where an object is expected is a ValidationError."""
    with pytest.raises(ValidationError, match="expected an object, got array"):
        Obj([])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), (0, False), (1, True), (True, True), ("1", True)],
    ids=["null", "zero", "one", "bool", "string"],
)
def test_obj_toggle_given_php_toggle_returns_bool(value: object, expected: bool) -> None:
    """PHP toggles (0/1, booleans, null) read as booleans."""
    assert Obj({"t": value}).toggle("t") is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("status.generic.ok", Status.OK), ("status.record.uploaded", Status.UNDEFINED)],
    ids=["member", "unknown"],
)
def test_enum_or_given_value_returns_member_or_default(value: str, expected: Status) -> None:
    """Known strings map to members and unknown ones to the default."""
    assert enum_or(Status, value, Status.UNDEFINED) is expected
