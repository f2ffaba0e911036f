"""Parsing request values: JSON bodies and query strings into typed values, or InvalidInput."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput

MAX_ID = 2**63 - 1
#: Leading zeros are not digits that count (the contract allows any number of them).
_INTEGER = re.compile(r"^-?0*[0-9]{1,19}$")


def json_object(raw: bytes) -> dict[str, Any]:
    """Parse a request body that must be a JSON object; an empty body is an empty object.

    Raises:
        InvalidInput: malformed JSON, a non-object, or text that is not UTF-8.
    """
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(messages.INVALID_REQUEST, "the body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise InvalidInput(messages.INVALID_REQUEST, "the body must be a JSON object")
    return value


def integer(value: object, field: str, *, minimum: int = 1) -> int:
    """Read an integer given as a JSON number or an integer-valued string (reference §5.5).

    Raises:
        InvalidInput: not an integer, or outside [minimum, 2**63-1].
    """
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.match(value.strip()):
        number = int(value.strip())
    if number is None:
        raise InvalidInput(messages.INVALID_REQUEST, f"{field} must be an integer")
    if not minimum <= number <= MAX_ID:
        raise InvalidInput(messages.INVALID_REQUEST, f"{field} must be between {minimum} and {MAX_ID}")
    return number


def text(value: object, field: str) -> str:
    """Read a string that storage can hold (valid Unicode).

    Raises:
        InvalidInput: not a string, or a string with unpaired surrogates.
    """
    if not isinstance(value, str):
        raise InvalidInput(messages.INVALID_REQUEST, f"{field} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(messages.INVALID_REQUEST, f"{field} is not valid Unicode") from exc
    return value


def boolean(value: object, field: str) -> bool:
    """Read a boolean; 0 and 1 are accepted because PHP treats toggles as integers.

    Raises:
        InvalidInput: anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidInput(messages.INVALID_REQUEST, f"{field} must be a boolean")


def required(source: Mapping[str, Any], field: str) -> object:
    """Return a required value.

    Raises:
        InvalidInput: the field is missing or null (`warning.validation.empty`).
    """
    value = source.get(field)
    if value is None:
        raise InvalidInput(messages.VALIDATION_EMPTY, f"{field} is required")
    return value


def required_int(source: Mapping[str, Any], field: str, *, minimum: int = 1) -> int:
    """Return a required integer field."""
    return integer(required(source, field), field, minimum=minimum)


def optional_int(source: Mapping[str, Any], field: str, *, minimum: int = 1) -> int | None:
    """Return an optional integer field, None when absent or null."""
    value = source.get(field)
    return None if value is None else integer(value, field, minimum=minimum)


def required_text(source: Mapping[str, Any], field: str) -> str:
    """Return a required string field."""
    return text(required(source, field), field)


def optional_text(source: Mapping[str, Any], field: str) -> str | None:
    """Return an optional string field, None when absent or null."""
    value = source.get(field)
    return None if value is None else text(value, field)


def optional_bool(source: Mapping[str, Any], field: str) -> bool | None:
    """Return an optional boolean field, None when absent or null."""
    value = source.get(field)
    return None if value is None else boolean(value, field)
