"""FusionAuth response bodies: login, OAuth token and error shapes."""

from __future__ import annotations

from typing import Any

from mock_backend.domain.backend import Introspection
from mock_backend.domain.clock import epoch
from mock_backend.domain.models import Account

MOCK_TENANT_ID = "6d6f636b-0000-4000-8000-000000000001"


def user(account: Account, application_id: str) -> dict[str, Any]:
    """Return a FusionAuth `user` object."""
    return {
        "id": account.subject,
        "email": account.email,
        "username": account.email,
        "fullName": account.full_name,
        "active": True,
        "verified": True,
        "tenantId": MOCK_TENANT_ID,
        "registrations": [{"applicationId": application_id, "roles": [], "verified": True}],
        "insertInstant": epoch(account.created_at) * 1000,
        "lastUpdateInstant": epoch(account.updated_at) * 1000,
    }


def login_response(
    account: Account, application_id: str, token: str, expires_ms: int, refresh_token: str
) -> dict[str, Any]:
    """Return the 200 body of `POST /api/login`."""
    return {
        "token": token,
        "tokenExpirationInstant": expires_ms,
        "refreshToken": refresh_token,
        "user": user(account, application_id),
    }


def token_response(access_token: str, expires_in: int, refresh_token: str, user_id: str) -> dict[str, Any]:
    """Return the 200 body of `POST /oauth2/token`."""
    return {
        "access_token": access_token,
        "expires_in": expires_in,
        "token_type": "Bearer",
        "refresh_token": refresh_token,
        "userId": user_id,
    }


def introspect_response(found: Introspection) -> dict[str, Any]:
    """Return the 200 body of `POST /oauth2/introspect`: the token's claims when active, else `{"active": false}`."""
    if not found.active or found.account is None or found.claims is None:
        return {"active": False}
    claims, account = found.claims, found.account
    return {
        "active": True,
        "applicationId": claims.audience,
        "aud": claims.audience,
        "auth_time": claims.issued_at,
        "authenticationType": "PASSWORD",
        "email": account.email,
        "email_verified": True,
        "exp": claims.expires_at,
        "iat": claims.issued_at,
        "iss": "permanent-mock",
        "jti": claims.token_id,
        "roles": [],
        "scope": "offline_access",
        "sid": claims.token_id,
        "sub": account.subject,
        "tid": MOCK_TENANT_ID,
    }


def api_error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """Return a FusionAuth API error body: field errors for a field, general errors otherwise."""
    entry = [{"code": code, "message": message}]
    if field:
        return {"fieldErrors": {field: entry}}
    return {"generalErrors": entry}


def oauth_error(code: str, description: str) -> dict[str, Any]:
    """Return an OAuth 2 error body."""
    return {"error": code, "error_description": description}
