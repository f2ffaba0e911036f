"""The guard of the mock's own control routes (`/_mock/*`): JSON-only writes and the control token.

Why: a web page of any origin can make a browser send a "simple" cross-origin request — a POST with a
`text/plain` body — without a preflight, so a page a developer happens to open could plan faults that make
every route fail. Writes therefore need `application/json` (which forces a preflight, and these routes answer
no CORS headers), and a mock listening beyond loopback asks for the control token on every control route.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import UnsupportedMediaType

from mock_backend.api.support import state
from mock_backend.domain import messages
from mock_backend.domain.backend import same_secret
from mock_backend.domain.errors import Unauthenticated

PREFIX = "/_mock/"
HEADER = "X-Mock-Control-Token"
#: The cookie the dashboard's sign-in page sets (a browser cannot send the header): HttpOnly, SameSite=Strict, so
#: no other site's page or link ever sends it.
COOKIE = "permanent_mock_control"
LOGIN = "/_mock/login"
#: Always open: readiness probes poll health, the documents tell nothing secret, and the sign-in page asks for it.
_OPEN = frozenset({"/_mock/health", "/_mock/openapi.json", LOGIN})
#: The dashboard's stylesheet and script: the sign-in page needs them before the token is known; they hold nothing.
_OPEN_PREFIX = "/_mock/static/"
_WRITES = frozenset({"POST", "PUT", "PATCH"})


def has_control_token() -> bool:
    """Tell whether the request carries this app's control token, as the header or the dashboard's cookie."""
    token = state().control_token
    return same_secret(request.headers.get(HEADER), token) or same_secret(request.cookies.get(COOKIE), token)


def _guard() -> None:
    """Refuse control requests without the token (when required) and control writes that are not JSON."""
    path = request.path
    if not path.startswith(PREFIX) or path in _OPEN or path.startswith(_OPEN_PREFIX) or request.method == "OPTIONS":
        return
    if state().settings.control_token_required and not has_control_token():
        raise Unauthenticated(messages.CONTROL_TOKEN, f"this mock's control routes need the {HEADER} header")
    if request.method in _WRITES and request.mimetype != "application/json" and path != LOGIN:
        raise UnsupportedMediaType(f"control writes need Content-Type: application/json, not {request.mimetype!r}")


def register(app: Flask) -> None:
    """Install the guard; it runs before fault injection and the views."""
    app.before_request_funcs.setdefault(None, []).insert(0, _guard)
