"""The PHP v1 envelope: `{"RequestVO": {"csrf", "data": [...]}}` in, a `ResponseVO` out (reference §11).

Without `Request-Version: 2` every PHP call is a POST in this dialect (web-app http.service.ts). Each element of
`data` is one item of work holding VOs by class name; the answer has one `Results` entry per item, whose `data`
holds `{VOName: {...}}` objects. Failures are HTTP 200 with `isSuccessful: false` and a message key first in
`message` (web-app base.ts reads `Results[0].message[0]`); the client ignores `actionFailKeys` and `systemMessage`
but real answers carry them, so the mock does too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire import inputs

#: The top-level keys of a real answer besides Results (web-app src/test/responses/*.json).
SYSTEM_MESSAGE = "Everything is A-OK"
#: Items one call may carry. The web app sends at most ten (folder/post batches); a body of thousands of sign-ins
#: would otherwise keep a worker hashing passwords for minutes.
MAX_ITEMS = 100


def is_v1(method: str, path: str, version: str | None) -> bool:
    """Tell whether a request speaks v1: a POST under /api/ (not Stela's /api/v2/) without `Request-Version: 2`."""
    return (
        method == "POST"
        and path.startswith("/api/")
        and not path.startswith("/api/v2/")
        and (version or "").strip() != "2"
    )


@dataclass(frozen=True)
class Envelope:
    """A parsed RequestVO: the CSRF token the client echoed (None if absent or null) and the items of work."""

    csrf: str | None
    items: list[dict[str, Any]]


def parse(raw: bytes) -> Envelope:
    """Read a v1 request body.

    `data` may be an array of items, one object (node-sdk sends that), or missing or `[]` for "no parameters";
    either way there is at least one item, so every call answers at least one `Results` entry.

    Raises:
        InvalidInput: not JSON, no `RequestVO` object, a `csrf` that is not a string or null, or `data` that is
            neither an array nor an object, holds something other than objects, or more than MAX_ITEMS.
    """
    body = inputs.json_object(raw)
    request = body.get("RequestVO")
    if not isinstance(request, dict):
        raise InvalidInput(
            messages.INVALID_REQUEST,
            'a v1 call wraps its data as {"RequestVO": {"csrf": …, "data": [{…}]}}; '
            "for the v2 API send the header Request-Version: 2",
        )
    csrf = request.get("csrf")
    if csrf is not None and not isinstance(csrf, str):
        raise InvalidInput(messages.INVALID_REQUEST, "RequestVO.csrf must be a string or null")
    data = request.get("data", [])
    if isinstance(data, dict):
        data = [data]
    if data is None:
        data = []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(messages.INVALID_REQUEST, "RequestVO.data must be an array of objects keyed by VO name")
    if len(data) > MAX_ITEMS:
        raise InvalidInput(messages.INVALID_REQUEST, f"RequestVO.data holds {len(data)} items; at most {MAX_ITEMS}")
    return Envelope(csrf=csrf or None, items=list(data) or [{}])


def vo(item: dict[str, Any], name: str, *, required: bool = True) -> dict[str, Any]:
    """Return the VO `name` of an item (an empty one when optional and absent).

    Raises:
        InvalidInput: the VO is required and missing, or is not an object.
    """
    value = item.get(name)
    if value is None:
        if required:
            raise InvalidInput(messages.VALIDATION_EMPTY, f"this call needs a {name} in each RequestVO.data item")
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(messages.INVALID_REQUEST, f"{name} must be an object")
    return value


@dataclass
class Result:
    """One entry of `Results`: the VOs of one item, or its failure."""

    data: list[dict[str, Any]] | None
    message: list[str]
    status: bool
    #: Mock-only: what went wrong in words (clients ignore unknown keys; people reading the answer do not).
    detail: str | None = None

    @classmethod
    def ok(cls, data: list[dict[str, Any]], message: str) -> Result:
        """A success with its VOs and the human message real answers carry."""
        return cls(data=data, message=[message], status=True)

    @classmethod
    def failed(cls, key: str, detail: str = "", params: tuple[str, ...] = ()) -> Result:
        """A failure: `data` null, the key then its parameters (`["warning.auth.mfaToken", "email"]`)."""
        return cls(data=None, message=[key, *params], status=False, detail=detail or None)


def response(results: list[Result], csrf: str, now: datetime) -> dict[str, Any]:
    """Return a ResponseVO over the results; `isSuccessful` only when every one succeeded."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f")
    entries = []
    for result in results:
        entry: dict[str, Any] = {
            "data": result.data,
            "message": result.message,
            "status": result.status,
            "resultDT": stamp,
            "createdDT": None,
            "updatedDT": None,
        }
        if result.detail:
            entry["detail"] = result.detail
        entries.append(entry)
    failed = [n for n, result in enumerate(results) if not result.status]
    return {
        "Results": entries,
        "isSuccessful": not failed,
        "actionFailKeys": failed,
        "isSystemUp": True,
        "systemMessage": SYSTEM_MESSAGE,
        "csrf": csrf,
        "createdDT": None,
        "updatedDT": None,
    }
