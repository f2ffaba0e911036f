"""Typed readers over decoded JSON that raise `ValidationError` with the path of a bad value."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from contracts.sdk.errors import ValidationError

E = TypeVar("E", bound=StrEnum)

_INTEGER = re.compile(r"-?[0-9]+")


def decode_json(content: bytes) -> object:
    """Decode a response body as JSON, or raise `ValidationError`."""
    try:
        return json.loads(content)
    except ValueError as exc:
        raise ValidationError(f"body is not JSON ({exc})") from exc


def _kind(value: object) -> str:
    """Name a JSON value's type for an error message."""
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}.get(
        type(value), "object" if isinstance(value, dict) else type(value).__name__
    )


def as_integer(value: object, path: str) -> int:
    """Read an integer, accepting integer-valued strings and floats as the TS SDK's ajv does."""
    if isinstance(value, bool):
        raise ValidationError("expected an integer, got boolean", path=path)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise ValidationError(f"expected an integer, got {_kind(value)} {value!r}", path=path)


def parse_timestamp(value: str, path: str, *, allow_offset: bool = True) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime; naive values are UTC."""
    if not allow_offset and not value.endswith("Z") and re.search(r"[+-]\d\d:?\d\d$", value):
        # formatTimestampAsUtc appends "Z" to any value not ending in Z, so an offset is invalid.
        raise ValidationError(f"expected a UTC timestamp without offset, got {value!r}", path=path)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"expected an ISO 8601 timestamp, got {value!r}", path=path) from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp_millis(value: datetime) -> str:
    """Format an aware datetime like JavaScript's `Date.toISOString()`."""
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class Obj:
    """A JSON object read key by key; every reader names the full path in its error."""

    def __init__(self, value: object, path: str = "$") -> None:
        if not isinstance(value, dict):
            raise ValidationError(f"expected an object, got {_kind(value)}", path=path)
        self._data: Mapping[str, object] = value
        self.path = path

    @property
    def value(self) -> Mapping[str, object]:
        """The object itself, as decoded."""
        return self._data

    def has(self, key: str) -> bool:
        """Tell whether the key is present (even if null)."""
        return key in self._data

    def at(self, key: str) -> str:
        """The path of a key below this object."""
        return f"{self.path}.{key}"

    def raw(self, key: str) -> object:
        """Return a required value of any type (null allowed)."""
        if key not in self._data:
            raise ValidationError("required key is missing", path=self.at(key))
        return self._data[key]

    def optional(self, key: str) -> object:
        """Return a value, or None when absent or null."""
        return self._data.get(key)

    def integer(self, key: str) -> int:
        """Return a required, non-null integer."""
        return as_integer(self.raw(key), self.at(key))

    def optional_integer(self, key: str) -> int | None:
        """Return an integer, or None when absent or null."""
        value = self.optional(key)
        return None if value is None else as_integer(value, self.at(key))

    def string(self, key: str) -> str:
        """Return a required, non-null string."""
        value = self.raw(key)
        if not isinstance(value, str):
            raise ValidationError(f"expected a string, got {_kind(value)}", path=self.at(key))
        return value

    def optional_string(self, key: str) -> str | None:
        """Return a string, or None when absent or null."""
        if self.optional(key) is None:
            return None
        return self.string(key)

    def boolean(self, key: str) -> bool:
        """Return a required, non-null boolean."""
        value = self.raw(key)
        if not isinstance(value, bool):
            raise ValidationError(f"expected a boolean, got {_kind(value)}", path=self.at(key))
        return value

    def toggle(self, key: str) -> bool:
        """Return a PHP toggle (0/1 integer or boolean) as a bool; absent or null is False."""
        value = self.optional(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        return as_integer(value, self.at(key)) != 0

    def timestamp(self, key: str, *, allow_offset: bool = True) -> datetime:
        """Return a required timestamp as an aware UTC datetime."""
        return parse_timestamp(self.string(key), self.at(key), allow_offset=allow_offset)

    def optional_timestamp(self, key: str, *, allow_offset: bool = True) -> datetime | None:
        """Return a timestamp, or None when absent or null."""
        value = self.optional_string(key)
        if value is None:
            return None
        return parse_timestamp(value, self.at(key), allow_offset=allow_offset)

    def array(self, key: str) -> list[object]:
        """Return a required, non-null array."""
        value = self.raw(key)
        if not isinstance(value, list):
            raise ValidationError(f"expected an array, got {_kind(value)}", path=self.at(key))
        return value

    def optional_array(self, key: str) -> list[object]:
        """Return an array, or an empty list when absent or null."""
        return [] if self.optional(key) is None else self.array(key)

    def obj(self, key: str) -> Obj:
        """Return a required nested object."""
        return Obj(self.raw(key), self.at(key))

    def objects(self, key: str, *, nullable: bool = False) -> Iterator[Obj]:
        """Iterate over the objects of an array (an absent or null array is empty if nullable)."""
        items = self.optional_array(key) if nullable else self.array(key)
        for index, item in enumerate(items):
            yield Obj(item, f"{self.at(key)}[{index}]")

    def string_map(self, key: str) -> dict[str, str]:
        """Return a required object whose values are all strings."""
        nested = self.obj(key)
        return {name: nested.string(name) for name in nested._data}


def enum_or(cls: type[E], value: str, default: E) -> E:
    """Map a free string onto an enum member, or the default when it is not a member."""
    try:
        return cls(value)
    except ValueError:
        return default
