"""The FusionAuth subset under `/fusionauth`: password login, the refresh-token grant and token introspection."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, request

from mock_backend.api.support import backend, body, ok
from mock_backend.domain.backend import LoginFailed
from mock_backend.domain.clock import epoch
from mock_backend.wire import fusionauth, inputs

bp = Blueprint("fusionauth", __name__, url_prefix="/fusionauth")


@bp.post("/api/login")
def login() -> Response:
    """FusionAuth Login API: the raw API key in Authorization; 404 for a wrong login or password."""
    data = body()
    result = backend().login(
        api_key=request.headers.get("Authorization"),
        application_id=inputs.required_text(data, "applicationId"),
        login_id=inputs.required_text(data, "loginId"),
        password=inputs.required_text(data, "password"),
    )
    return ok(
        fusionauth.login_response(
            result.account,
            backend().settings.fusionauth_client_id,
            result.access_token,
            epoch(result.access_expires_at) * 1000,
            result.refresh_token,
        )
    )


def _client_credentials() -> tuple[str, str]:
    """Return (client_id, client_secret) from the form or HTTP Basic, as FusionAuth accepts both."""
    form = request.form
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise LoginFailed(401, "invalid_client", "the Basic credentials are malformed") from exc
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


@bp.post("/oauth2/introspect")
def introspect() -> Response:
    """OAuth 2 introspection as real Stela calls it: form `client_id` and `token`, no API key."""
    found = backend().introspect(client_id=request.form.get("client_id", ""), token=request.form.get("token", ""))
    return ok(fusionauth.introspect_response(found))


@bp.post("/oauth2/token")
def token() -> Response:
    """OAuth 2 token endpoint, `grant_type=refresh_token` only (what sftp-service uses)."""
    form = request.form
    grant_type = form.get("grant_type")
    if not grant_type:
        raise LoginFailed(400, "invalid_request", "grant_type is required")
    if grant_type != "refresh_token":
        raise LoginFailed(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported by the mock")
    refresh_token = form.get("refresh_token")
    if not refresh_token:
        raise LoginFailed(400, "invalid_request", "refresh_token is required")
    client_id, client_secret = _client_credentials()
    grant = backend().refresh_grant(refresh_token=refresh_token, client_id=client_id, client_secret=client_secret)
    return ok(
        fusionauth.token_response(grant.access_token, grant.expires_in, grant.refresh_token, grant.account.subject)
    )
