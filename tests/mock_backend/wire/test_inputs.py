"""Tests of mock_backend.wire.inputs: request values parsed into typed values, or InvalidInput."""

from __future__ import annotations

from typing import Any

import pytest

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire import inputs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, 42),
        ("42", 42),
        (" 42 ", 42),
        (42.0, 42),
        (2**63 - 1, 2**63 - 1),
    ],
    ids=["int", "digit-string", "padded-string", "integral-float", "largest"],
)
def test_integer_number_or_integer_string_is_accepted(value: object, expected: int) -> None:
    """JSON integers, integral floats and integer-valued strings are integers (reference §5.5)."""
    assert inputs.integer(value, "id") == expected


@pytest.mark.parametrize(
    "value",
    [True, False, 1.5, "abc", "", "1.0", "1e3", "0x10", None, [1], {"id": 1}, 0, -1, "-1", 2**63, "9" * 20, 10**30],
    ids=[
        "true",
        "false",
        "fraction",
        "letters",
        "empty",
        "decimal-string",
        "exponent-string",
        "hex-string",
        "null",
        "list",
        "object",
        "zero",
        "negative",
        "negative-string",
        "just-too-big",
        "huge-string",
        "huge",
    ],
)
def test_integer_non_integer_is_invalid_request(value: object) -> None:
    """Booleans, fractions, non-digit strings, containers and out-of-range numbers are refused."""
    with pytest.raises(InvalidInput) as caught:
        inputs.integer(value, "id")
    assert caught.value.key == messages.INVALID_REQUEST


def test_integer_zero_allowed_when_minimum_is_zero() -> None:
    """A count field (minimum 0) accepts 0."""
    assert inputs.integer(0, "size", minimum=0) == 0


@pytest.mark.parametrize("value", [3, None, b"x", "a\ud800b"], ids=["int", "null", "bytes", "lone-surrogate"])
def test_text_non_string_or_lone_surrogate_is_invalid_request(value: object) -> None:
    """Text must be a str that UTF-8 can encode (no unpaired surrogates)."""
    with pytest.raises(InvalidInput) as caught:
        inputs.text(value, "displayName")
    assert caught.value.key == messages.INVALID_REQUEST


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), (1, True), (0, False)])
def test_boolean_bool_or_zero_one_is_accepted(value: object, expected: bool) -> None:
    """Booleans, and 0/1 as PHP toggles, are booleans."""
    assert inputs.boolean(value, "previewToggle") is expected


@pytest.mark.parametrize("value", ["true", 2, None, 0.5], ids=["string", "two", "null", "fraction"])
def test_boolean_other_value_is_invalid_request(value: object) -> None:
    """Anything else is not a boolean."""
    with pytest.raises(InvalidInput) as caught:
        inputs.boolean(value, "previewToggle")
    assert caught.value.key == messages.INVALID_REQUEST


@pytest.mark.parametrize("raw", [b"", b"  \n"], ids=["empty", "whitespace"])
def test_json_object_empty_body_is_empty_object(raw: bytes) -> None:
    """An empty body reads as {} (so the missing fields answer warning.validation.empty)."""
    assert inputs.json_object(raw) == {}


@pytest.mark.parametrize(
    "raw",
    [b"{", b"{'a': 1}", b"\xff\xfe", b"[1]", b'"x"', b"3", b"null", b"[" * 100_000],
    ids=["truncated", "single-quotes", "not-utf8", "array", "string", "number", "null", "deeply-nested"],
)
def test_json_object_malformed_or_non_object_is_invalid_request(raw: bytes) -> None:
    """Malformed JSON and JSON that is not an object are refused."""
    with pytest.raises(InvalidInput) as caught:
        inputs.json_object(raw)
    assert caught.value.key == messages.INVALID_REQUEST


@pytest.mark.parametrize("source", [{}, {"displayName": None}], ids=["missing", "null"])
def test_required_missing_or_null_field_is_validation_empty(source: dict[str, Any]) -> None:
    """A required field that is missing or null answers warning.validation.empty."""
    with pytest.raises(InvalidInput) as caught:
        inputs.required(source, "displayName")
    assert caught.value.key == messages.VALIDATION_EMPTY


def test_optional_int_absent_field_is_none() -> None:
    """An optional field that is absent reads as None."""
    assert inputs.optional_int({}, "maxUses") is None
