"""Tests of mock_backend.api.account: getAuthenticatedAccount."""

from __future__ import annotations

from mock_backend.domain.seed import DEMO_EMAIL
from tests.conftest import Api, ok


def test_get_authenticated_account_token_names_the_caller(api: Api) -> None:
    """The account comes from the bearer token: demo's token gives demo's AccountVO."""
    assert ok(api.get("/api/account/getAuthenticatedAccount"))["primaryEmail"] == DEMO_EMAIL


def test_get_authenticated_account_default_archive_is_own_archive(api: Api) -> None:
    """The account's defaultArchiveId is the first archive it owns (Demo Archive)."""
    account = ok(api.get("/api/account/getAuthenticatedAccount"))
    assert account["defaultArchiveId"] == api.archive_id("Demo Archive")


def test_get_authenticated_account_subject_is_fusionauth_user_id(api: Api) -> None:
    """The AccountVO subject equals the FusionAuth user id returned by a login."""
    account = ok(api.get("/api/account/getAuthenticatedAccount"))
    login = api.client.post(
        "/fusionauth/api/login",
        json={"applicationId": "mock-sftp-client-id", "loginId": DEMO_EMAIL, "password": "demo-password"},
        headers={"Authorization": "mock-fusionauth-key"},
    )
    assert account["subject"] == ok(login)["user"]["id"]
