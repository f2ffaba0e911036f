"""Tests of the FusionAuth wire shapes in contracts.sdk.wire.fusionauth."""

from __future__ import annotations

import pytest

from contracts.sdk.errors import ValidationError
from contracts.sdk.wire import fusionauth


def test_parse_login_given_login_answer_returns_refresh_token() -> None:
    """The refresh token is taken from a login answer."""
    assert fusionauth.parse_login({"token": "jwt", "refreshToken": "r1", "user": {}}) == "r1"


def test_parse_login_given_no_refresh_token_raises_validation_error() -> None:
    """A login answer without refreshToken is invalid."""
    with pytest.raises(ValidationError) as caught:
        fusionauth.parse_login({"token": "jwt"})
    assert caught.value.path == "$.refreshToken"


def test_parse_token_given_token_answer_returns_token_and_lifetime() -> None:
    """The access token and its lifetime come from the OAuth answer."""
    answer = {"access_token": "a1", "expires_in": 3600, "token_type": "Bearer"}
    assert fusionauth.parse_token(answer) == ("a1", 3600.0)


def test_refresh_form_given_credentials_returns_refresh_grant() -> None:
    """The refresh grant form carries the four OAuth fields."""
    assert fusionauth.refresh_form("r", "cid", "sec") == {
        "grant_type": "refresh_token",
        "refresh_token": "r",
        "client_id": "cid",
        "client_secret": "sec",
    }
