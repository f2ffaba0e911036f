"""Paths, bodies and answers of the FusionAuth login and OAuth token calls."""

from __future__ import annotations

from contracts.sdk.wire.values import Obj

LOGIN = "/api/login"
TOKEN = "/oauth2/token"


def login_body(application_id: str, login_id: str, password: str) -> dict[str, object]:
    """JSON body of POST /api/login."""
    return {"applicationId": application_id, "loginId": login_id, "password": password}


def parse_login(value: object) -> str:
    """Return the refresh token of a login answer (the `token` JWT is ignored, as sftp-service)."""
    return Obj(value).string("refreshToken")


def refresh_form(refresh_token: str, client_id: str, client_secret: str) -> dict[str, str]:
    """Form body of the refresh-token grant."""
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }


def parse_token(value: object) -> tuple[str, float]:
    """Return the access token and its lifetime in seconds from an OAuth token answer."""
    answer = Obj(value)
    return answer.string("access_token"), float(answer.integer("expires_in"))
