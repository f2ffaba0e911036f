"""Stela's request validation for the record and share-link routes: Joi's rules, with Joi's messages (D3).

The rules copy stela packages/api/src/share_link/validators.ts and record/validators.ts (3ee7ab2); a failure
is a 400 `{"error": "<message>"}`. Joi stops at the first failure, checking keys in the schema's order after
ordering them by their references (so `accessRestrictions` comes before the keys whose rules depend on it).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_backend.domain import messages
from mock_backend.domain.backend import StelaShareChanges, StelaShareRequest
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire.inputs import MAX_ID
from mock_backend.wire.timestamps import parse_iso

PERMISSION_LEVELS = ("viewer", "editor", "contributor", "manager", "owner")
ACCESS_RESTRICTIONS = ("none", "account", "approval")
ITEM_TYPES = ("record", "folder")
#: Joi's number() refuses what a JavaScript number cannot hold exactly ("must be a safe number").
_SAFE = 2**53 - 1
# Joi converts any numeric string; the mock takes plain digits, the form the contract names (CountString).
_NUMBER = re.compile(r"[0-9]+")
# The contract's TimestampInput: the mock reads timestamps with seconds, years 1000-9999 (Joi's isoDate also
# takes a bare date; the contract keeps one form for every timestamp the mock reads).
_TIMESTAMP = re.compile(
    r"[1-9]\d{3}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?"
)
_CREATE_KEYS = ("itemId", "itemType", "permissionsLevel", "accessRestrictions", "maxUses", "expirationTimestamp")
#: Share-link list page size when none is asked for (stela share_link/service.ts DEFAULT_PAGE_SIZE).
DEFAULT_PAGE_SIZE = 10


def _fail(message: str) -> InvalidInput:
    return InvalidInput(messages.INVALID_REQUEST, message)


def _one_of(values: tuple[str, ...]) -> str:
    return f"[{values[0]}]" if len(values) == 1 else f"one of [{', '.join(values)}]"


def _string(value: object, label: str) -> str:
    """Joi.string(): a non-empty string."""
    if not isinstance(value, str):
        raise _fail(f'"{label}" must be a string')
    if value == "":
        raise _fail(f'"{label}" is not allowed to be empty')
    return value


def _valid(value: object, label: str, allowed: tuple[str, ...]) -> str:
    """Joi.string().valid(...): Joi checks the allow-list before the type."""
    if not isinstance(value, str) or value not in allowed:
        raise _fail(f'"{label}" must be {_one_of(allowed)}')
    return value


def _integer(value: object, label: str, *, minimum: int) -> int:
    """Joi.number().integer().min(n), converting numeric strings as Joi does."""
    number: float | int
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(f'"{label}" must be a number')
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value):
            raise _fail(f'"{label}" must be a number')
        if len(value.lstrip("0")) > len(str(_SAFE)):
            raise _fail(f'"{label}" must be a safe number')
        number = int(value)
    else:
        number = value
    if isinstance(number, float) and not math.isfinite(number):
        raise _fail(f'"{label}" must be a number')
    if abs(number) > _SAFE:
        raise _fail(f'"{label}" must be a safe number')
    if isinstance(number, float) and not number.is_integer():
        raise _fail(f'"{label}" must be an integer')
    if number < minimum:
        raise _fail(f'"{label}" must be greater than or equal to {minimum}')
    return int(number)


def _timestamp(value: object, label: str) -> datetime:
    """Joi.string().isoDate(), read as naive UTC."""
    if not isinstance(value, str):
        raise _fail(f'"{label}" must be a string')
    if _TIMESTAMP.fullmatch(value):
        try:
            parsed = parse_iso(value, label)
        except InvalidInput:
            pass
        else:
            if 1000 <= parsed.year <= 9999:
                return parsed
    raise _fail(f'"{label}" must be in ISO 8601 date format')


def _object(raw: bytes) -> dict[str, Any]:
    """The JSON body as Express hands it to Joi: an empty body is `{}`; anything but an object fails."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _fail("the body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise _fail('"value" must be of type object')
    return value


def _no_unknown(body: dict[str, Any], known: Iterable[str]) -> None:
    """Joi refuses keys its schema does not name (checked after the named ones)."""
    for key in body:
        if key not in known:
            raise _fail(f'"{key}" is not allowed')


def share_link_create(raw: bytes) -> StelaShareRequest:
    """Read `POST /share-links` (stela share_link/validators.ts validateCreateShareLinkRequest).

    Raises:
        InvalidInput: the body fails Joi's schema.
    """
    body = _object(raw)
    if "itemId" not in body:
        raise _fail('"itemId" is required')
    item_id = _string(body["itemId"], "itemId")
    if "itemType" not in body:
        raise _fail('"itemType" is required')
    item_type = _valid(body["itemType"], "itemType", ITEM_TYPES)
    restrictions = None
    if "accessRestrictions" in body:
        restrictions = _valid(body["accessRestrictions"], "accessRestrictions", ACCESS_RESTRICTIONS)
    level = None
    if "permissionsLevel" in body:
        # Only viewer links may be unrestricted, and a link without restrictions is unrestricted.
        allowed = PERMISSION_LEVELS if restrictions not in (None, "none") else ("viewer",)
        level = _valid(body["permissionsLevel"], "permissionsLevel", allowed)
    max_uses = None
    if "maxUses" in body:
        if restrictions in (None, "none"):
            raise _fail('"maxUses" is not allowed')
        max_uses = _integer(body["maxUses"], "maxUses", minimum=1)
    expires = _timestamp(body["expirationTimestamp"], "expirationTimestamp") if "expirationTimestamp" in body else None
    _no_unknown(body, _CREATE_KEYS)
    return StelaShareRequest(
        item_type=item_type,
        # Not a number: no item has that id (real Stela's SQL fails on it with a 500 instead).
        item_id=int(item_id) if item_id.isascii() and item_id.isdigit() else 0,
        permissions_level=level,
        access_restrictions=restrictions,
        max_uses=max_uses,
        expires_at=expires,
    )


def share_link_update(raw: bytes) -> StelaShareChanges:
    """Read `PATCH /share-links/{id}` (stela share_link/validators.ts validateUpdateShareLinkRequest).

    Raises:
        InvalidInput: the body fails Joi's schema, or changes nothing.
    """
    body = _object(raw)
    restrictions = None
    if "accessRestrictions" in body:
        restrictions = _valid(body["accessRestrictions"], "accessRestrictions", ACCESS_RESTRICTIONS)
    level = None
    if "permissionsLevel" in body:
        allowed = ("viewer",) if restrictions == "none" else PERMISSION_LEVELS
        level = _valid(body["permissionsLevel"], "permissionsLevel", allowed)
    expires, clear_expiry = None, False
    if "expirationTimestamp" in body:
        clear_expiry = body["expirationTimestamp"] is None
        expires = None if clear_expiry else _timestamp(body["expirationTimestamp"], "expirationTimestamp")
    max_uses, clear_max_uses = None, False
    if "maxUses" in body:
        clear_max_uses = body["maxUses"] is None
        if restrictions == "none" and not clear_max_uses:
            raise _fail('"maxUses" must be [null]')
        max_uses = None if clear_max_uses else _integer(body["maxUses"], "maxUses", minimum=1)
    _no_unknown(body, ("permissionsLevel", "accessRestrictions", "expirationTimestamp", "maxUses"))
    if not body:
        raise _fail(
            '"value" must contain at least one of [permissionsLevel, accessRestrictions, expirationTimestamp, maxUses]'
        )
    return StelaShareChanges(
        permissions_level=level,
        access_restrictions=restrictions,
        max_uses=max_uses,
        clear_max_uses=clear_max_uses,
        expires_at=expires,
        clear_expiry=clear_expiry,
    )


@dataclass(frozen=True)
class ShareLinksQuery:
    """`GET /share-links`' query: ids (None when not asked), tokens, page size and cursor."""

    share_link_ids: list[str] | None
    tokens: list[str]
    page_size: int
    cursor: str | None

    @property
    def numeric_ids(self) -> list[int] | None:
        """The ids that can name a link (Stela compares them as text, so others match nothing)."""
        if self.share_link_ids is None:
            return None
        return [int(i) for i in self.share_link_ids if _canonical_id(i)]


def _canonical_id(value: str) -> bool:
    """Tell whether a string is an id as Stela's text comparison would match it: digits, no leading zero."""
    return value.isascii() and value.isdigit() and not value.startswith("0") and int(value) <= MAX_ID


def _query_id(value: str, label: str) -> int:
    """A query id the mock can look up: 400 with Joi-style wording otherwise (real Stela's SQL fails with 500)."""
    if not (value.isascii() and value.isdigit()):
        raise _fail(f'"{label}" must be a number')
    if len(value.lstrip("0")) > len(str(MAX_ID)) or int(value) > MAX_ID:
        raise _fail(f'"{label}" must be a safe number')
    if int(value) < 1:
        raise _fail(f'"{label}" must be greater than or equal to 1')
    return int(value)


def _arrays(pairs: list[tuple[str, str]], names: tuple[str, ...], scalars: tuple[str, ...]) -> dict[str, Any]:
    """Group a query as Express's qs does: `name[]=…` repeated is an array, a plain `name=…` a string."""
    grouped: dict[str, Any] = {}
    for key, value in pairs:
        name = key.removesuffix("[]")
        if name in names and key.endswith("[]"):
            current = grouped.setdefault(name, [])
            if isinstance(current, list):
                current.append(value)
        elif key in scalars or key in names:
            grouped[key] = value
        else:
            raise _fail(f'"{key}" is not allowed')
    return grouped


def _string_items(values: object, name: str) -> list[str]:
    if not isinstance(values, list):
        raise _fail(f'"{name}" must be an array')
    for n, value in enumerate(values):
        if value == "":
            raise _fail(f'"{name}[{n}]" is not allowed to be empty')
    return values


def share_links_query(pairs: list[tuple[str, str]]) -> ShareLinksQuery:
    """Read `GET /share-links`' query (stela share_link/validators.ts validateGetShareLinksParameters).

    Raises:
        InvalidInput: the query fails Joi's schema.
    """
    grouped = _arrays(pairs, ("shareTokens", "shareLinkIds"), ("cursor", "pageSize"))
    tokens = _string_items(grouped["shareTokens"], "shareTokens") if "shareTokens" in grouped else []
    ids = _string_items(grouped["shareLinkIds"], "shareLinkIds") if "shareLinkIds" in grouped else None
    cursor = grouped.get("cursor")
    if cursor is not None:
        # A link id: Stela compares it with a bigint column, so anything else fails its SQL (a 500).
        cursor = str(_query_id(cursor, "cursor"))
    size = grouped.get("pageSize")
    page_size = DEFAULT_PAGE_SIZE if size is None else _integer(size, "pageSize", minimum=1)
    return ShareLinksQuery(ids, tokens, page_size, cursor)


def record_ids(pairs: list[tuple[str, str]]) -> list[int]:
    """Read `GET /record`'s `recordIds[]` (stela record/validators.ts validateGetRecordQuery).

    `archiveId` (every record of an archive) is Stela's other form; the web app does not use it, and the mock
    answers it with Joi's message for an unknown key.

    Raises:
        InvalidInput: no ids, a plain `recordIds=`, an id that is no number, or an unknown key.
    """
    grouped = _arrays(pairs, ("recordIds",), ())
    if "recordIds" not in grouped:
        raise _fail('"value" must contain at least one of [recordIds, archiveId]')
    values = _string_items(grouped["recordIds"], "recordIds")
    # Stela's Joi takes any string, and its SQL then fails on one that is no number (a 500); the mock answers
    # 400 instead, as for `folderIds[]`.
    return [_query_id(v, f"recordIds[{n}]") for n, v in enumerate(values)]
