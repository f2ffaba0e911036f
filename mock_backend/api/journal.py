"""The request journal: every exchange recorded on the way out, judged against the contract when it is read.

Recording costs a list append on the request path (the store writes in batches, see storage/journal.py). The
verdict — does the request, and does the answer, conform to the documents the mock serves? — is computed with
openapi-core only when someone reads the journal (`GET /_mock/requests`, the dashboard), once per exchange.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Blueprint, Flask, Response, g, request

from mock_backend import spec
from mock_backend.api import v1
from mock_backend.api.support import ok, state
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.storage.journal import Exchange, Journal
from mock_backend.wire import envelope, inputs

bp = Blueprint("journal", __name__)

#: Bodies up to this size are kept for judging; larger ones (and binary or streamed ones) are judged without.
KEEP_BODY_BYTES = 256 * 1024
#: Request headers the contract reads (security, Request-Version), with their WSGI environ keys; secrets are kept
#: only as "present". Read from the environ: werkzeug's header and cookie objects are built fresh for every request,
#: and building them was a third of the recording, which was an eighth of the time of getAuthenticatedAccount.
_HEADERS = tuple(
    (name, "CONTENT_TYPE" if name == "Content-Type" else "HTTP_" + name.upper().replace("-", "_"))
    for name in ("Request-Version", "Content-Type", "Authorization", "X-Mock-Control-Token", "X-Permanent-Share-Token")
)
_FLAGS = {"true": True, "1": True, "false": False, "0": False}


def _journal() -> Journal | None:
    return state().journal


def _record(response: Response) -> Response:
    journal = _journal()
    path = request.path
    # The dashboard's own reads would drown what a client did, and clearing the journal is not worth a line in it;
    # control writes (reset, faults) are kept.
    if (
        journal is None
        or request.method in ("OPTIONS", "HEAD")
        or (request.method == "GET" and path.startswith("/_mock"))
        or path == "/_mock/requests"
    ):
        return response
    started = g.get("started")
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    environ = request.environ
    headers = {name: environ[key] for name, key in _HEADERS if key in environ}
    # Secrets are kept out; what the contract's security checks read (a bearer scheme, a token present) stays.
    if "Authorization" in headers:
        headers["Authorization"] = "Bearer redacted" if headers["Authorization"].startswith("Bearer ") else "(present)"
    if "X-Mock-Control-Token" in headers:
        headers["X-Mock-Control-Token"] = "(present)"
    if "HTTP_COOKIE" in environ and v1.COOKIE in request.cookies:
        # The v1 document's security reads the session cookie; its value is a secret.
        headers["Cookie"] = f"{v1.COOKIE}=redacted"
    journal.add(
        (
            time.time(),
            request.method,
            path,
            request.query_string.decode("latin-1"),
            response.status_code,
            round(elapsed, 2),
            orjson.dumps(headers).decode(),
            _request_body(),
            response.content_type,
            _response_body(response),
        )
    )
    return response


def _request_body() -> bytes | None:
    if "request_body" in g:
        raw: bytes = g.request_body
        return raw if len(raw) <= KEEP_BODY_BYTES else None
    if "form" in request.__dict__ and request.mimetype == "application/x-www-form-urlencoded":
        return urlencode(list(request.form.items(multi=True))).encode()
    return None


def _response_body(response: Response) -> bytes | None:
    if response.is_streamed or response.direct_passthrough or response.mimetype != "application/json":
        return None
    length = response.calculate_content_length()
    return response.get_data() if length is not None and length <= KEEP_BODY_BYTES else None


@bp.get("/_mock/requests")
def list_requests() -> Response:
    """The newest exchanges, filtered, each with the contract's verdict on its request and its answer."""
    items, size = entries_with_verdicts(request.args)
    return ok({"items": items, "size": size})


def entries_with_verdicts(args: Mapping[str, str]) -> tuple[list[dict[str, Any]], int]:
    """Return the journal's items for the query `args` (limit, after, method, path, status, conforms) and its size.

    Raises:
        InvalidInput: a malformed filter.
    """
    journal = _journal()
    limit = inputs.integer(args.get("limit", "100"), "limit")
    after = inputs.integer(args.get("after", "0"), "after", minimum=0)
    status = _status_filter(args.get("status"))
    wanted = args.get("conforms")
    if wanted is not None and wanted.lower() not in _FLAGS:
        raise InvalidInput(messages.INVALID_REQUEST, f"conforms must be true or false, not {wanted!r}")
    if journal is None:
        return [], 0
    limit = min(limit, journal.size)
    entries = journal.entries(
        limit=limit if wanted is None else journal.size,
        after=after,
        method=args.get("method") or None,
        path=args.get("path") or None,
        status=status,
    )
    fresh = {e.id: judge(e) for e in entries if e.verdict is None}
    journal.set_verdicts(fresh)
    items = [_item(e, fresh.get(e.id) or e.verdict or {}) for e in entries]
    if wanted is not None:
        flag = _FLAGS[wanted.lower()]
        items = [i for i in items if bool(i["request"]["conforms"] and i["response"]["conforms"]) is flag][:limit]
    return items, journal.size


@bp.delete("/_mock/requests")
def clear_requests() -> Response:
    """Forget every recorded exchange."""
    journal = _journal()
    if journal is not None:
        journal.clear()
    return Response(status=200)


def _status_filter(raw: str | None) -> str | None:
    if not raw:
        return None
    value = raw.lower()
    if len(value) == 3 and value[0] in "12345" and (value[1:] == "xx" or value[1:].isdigit()):
        return value
    raise InvalidInput(messages.INVALID_REQUEST, f"status must be a code like 404 or a class like 4xx, not {raw!r}")


def _item(e: Exchange, verdict: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestId": e.id,
        "at": datetime.fromtimestamp(e.at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": e.method,
        "path": e.path,
        "query": e.query,
        "status": e.status,
        "durationMs": e.duration_ms,
        "request": verdict.get("request", _UNJUDGED),
        "response": verdict.get("response", _UNJUDGED),
    }


_UNJUDGED: dict[str, Any] = {"conforms": None, "checked": "nothing", "error": None, "schemaPath": None}


# ---------------------------------------------------------------------------------------------------- verdicts
@functools.lru_cache(maxsize=4)
def _validator(_version: int, v1: bool) -> Any:
    from openapi_core import OpenAPI

    # A v1 call shares its path with a v2 route (POST /api/folder/post is both): only its own document fits.
    return OpenAPI.from_dict(spec.load_v1() if v1 else spec.load_merged())


def judge(e: Exchange) -> dict[str, Any]:
    """Return the contract's verdict on an exchange: {"request": {...}, "response": {...}}."""
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Response as WerkzeugResponse

    version = next((v for k, v in e.request_headers.items() if k.lower() == "request-version"), None)
    documents = (spec.SPEC_PATH, spec.CONTROL_PATH, spec.V1_PATH)
    openapi = _validator(sum(p.stat().st_mtime_ns for p in documents), envelope.is_v1(e.method, e.path, version))
    builder = EnvironBuilder(
        path=e.path,
        method=e.method,
        base_url="http://localhost",
        query_string=e.query,
        headers=list(e.request_headers.items()),
        data=e.request_body if e.request_body is not None else b"",
    )
    try:
        wrapped = WerkzeugOpenAPIRequest(builder.get_request())
    finally:
        builder.close()
    # A request without a Content-Type sent no body: nothing of it is missing from the judgement.
    sent_body = "Content-Type" in e.request_headers
    verdict_request = _verdict(
        lambda: openapi.validate_request(wrapped), body_kept=e.request_body is not None or not sent_body, part="request"
    )
    answer = WerkzeugResponse(e.response_body or b"", status=e.status, content_type=e.response_type)
    verdict_response = _verdict(
        lambda: openapi.validate_response(wrapped, WerkzeugOpenAPIResponse(answer)),
        body_kept=e.response_body is not None or not (e.response_type or "").startswith("application/json"),
        part=f"response {e.status}",
    )
    return {"request": verdict_request, "response": verdict_response}


def _verdict(check: Any, *, body_kept: bool, part: str) -> dict[str, Any]:
    try:
        check()
    except Exception as exc:
        kind = type(exc).__name__
        if not body_kept and ("Body" in kind or "Data" in kind):
            return {"conforms": True, "checked": "all but the body (not kept)", "error": None, "schemaPath": None}
        return {"conforms": False, "checked": "all", **_explain(exc, part)}
    return {
        "conforms": True,
        "checked": "all" if body_kept else "all but the body (not kept)",
        "error": None,
        "schemaPath": None,
    }


def _explain(exc: Exception, part: str) -> dict[str, Any]:
    """Say what failed: the first schema error's message, where in the body, and the failing rule's schema path."""
    cause = exc.__cause__
    errors = list(getattr(cause, "schema_errors", ()) or ())
    if errors:
        first = errors[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first.absolute_path)
        schema_path = "/".join(str(p) for p in first.absolute_schema_path)
        return {
            "error": f"{part} body: {first.message}" + (f" at ${where}" if where else ""),
            "schemaPath": f"{part} body schema/{schema_path}",
        }
    message = str(exc) if not cause else f"{exc} ({cause})"
    return {"error": f"{part}: {type(exc).__name__}: {message}", "schemaPath": None}


def register(app: Flask) -> None:
    """Record every exchange of an app (after the access log has timed it)."""
    app.after_request(_record)
