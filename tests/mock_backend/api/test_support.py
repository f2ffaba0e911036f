"""Tests of mock_backend.api.support: Request-Version, bearer tokens and JSON bodies on PHP routes."""

from __future__ import annotations

import pytest
from flask import Flask

from mock_backend.domain import messages
from mock_backend.domain.clock import FrozenClock
from mock_backend.domain.seed import DEMO_EMAIL
from mock_backend.testing import mint_token
from tests.conftest import Api, World, error_key
from tests.openapi_check import ContractClient

ACCOUNT_PATH = "/api/account/getAuthenticatedAccount"


def _names(api: Api, world: World) -> list[str]:
    return [c["downloadName"] for c in api.children(world.my_files, world.demo_archive)]


@pytest.mark.parametrize(
    "version",
    [None, "1", "3", ""],
    ids=["missing", "v1", "v3", "empty"],
)
def test_call_without_request_version_2_is_invalid_request(
    client: ContractClient, api: Api, version: str | None
) -> None:
    """A PHP call without `Request-Version: 2` answers 400 error.api.invalid_request."""
    headers = {"Authorization": f"Bearer {api.token()}"}
    if version is not None:
        headers["Request-Version"] = version
    response = client.get(ACCOUNT_PATH, headers=headers)
    assert (response.status_code, error_key(response)) == (400, messages.INVALID_REQUEST)


def test_write_without_request_version_creates_nothing(client: ContractClient, api: Api, world: World) -> None:
    """A folder/post without Request-Version is a v1 call: a v2 body is no RequestVO, so 400 and nothing created."""
    before = _names(api, world)
    response = client.post(
        "/api/folder/post",
        json={"displayName": "No Version", "parentFolderId": world.my_files},
        headers={"Authorization": f"Bearer {api.token()}"},
    )
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        before,
    )


def test_call_without_token_is_not_logged_in(client: ContractClient) -> None:
    """A PHP call without Authorization answers 401 warning.generic.account_not_logged_in."""
    response = client.get(ACCOUNT_PATH, headers={"Request-Version": "2"})
    assert (response.status_code, error_key(response)) == (401, messages.NOT_LOGGED_IN)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50SWQiOjF9.c2ln"],
    ids=["garbage", "forged-jwt"],
)
def test_call_with_bad_token_is_token_mismatch(client: ContractClient, authorization: str) -> None:
    """A token the mock did not issue answers 401 warning.auth.token_does_not_match."""
    response = client.get(ACCOUNT_PATH, headers={"Request-Version": "2", "Authorization": authorization})
    assert (response.status_code, error_key(response)) == (401, messages.TOKEN_MISMATCH)


def test_call_with_expired_token_is_token_expired(app: Flask, client: ContractClient, clock: FrozenClock) -> None:
    """A token older than access_token_ttl answers 401 warning.auth.token_expired."""
    token = mint_token(app, DEMO_EMAIL)
    clock.advance(3600)
    response = client.get(ACCOUNT_PATH, headers={"Request-Version": "2", "Authorization": f"Bearer {token}"})
    assert (response.status_code, error_key(response)) == (401, messages.TOKEN_EXPIRED)


def test_call_with_token_just_before_expiry_succeeds(app: Flask, client: ContractClient, clock: FrozenClock) -> None:
    """A token one second short of access_token_ttl is still accepted."""
    token = mint_token(app, DEMO_EMAIL)
    clock.advance(3599)
    response = client.get(ACCOUNT_PATH, headers={"Request-Version": "2", "Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_call_with_expired_token_creates_nothing(
    app: Flask, client: ContractClient, clock: FrozenClock, api: Api, world: World
) -> None:
    """A folder/post with an expired token is refused and creates nothing."""
    before = _names(api, world)
    token = mint_token(app, DEMO_EMAIL)
    clock.advance(7200)
    response = client.post(
        "/api/folder/post",
        json={"displayName": "Late", "parentFolderId": world.my_files},
        headers={"Request-Version": "2", "Authorization": f"Bearer {token}"},
    )
    fresh = Api(app, client)  # tokens minted now, after the clock moved
    assert (response.status_code, error_key(response)) == (401, messages.TOKEN_EXPIRED)
    assert _names(fresh, world) == before


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"{'displayName': 'x'}",
        b"\xff\xfe{}",
        b'[{"displayName": "x"}]',
        b'"x"',
        b"3",
        b"null",
        b"true",
    ],
    ids=["truncated", "single-quotes", "not-utf8", "array", "string", "number", "null", "boolean"],
)
def test_post_body_not_a_json_object_is_invalid_request_and_creates_nothing(api: Api, world: World, raw: bytes) -> None:
    """A body that is not JSON, or JSON but not an object, answers 400 error.api.invalid_request and creates nothing."""
    before = _names(api, world)
    response = api.post_raw("/api/folder/post", raw)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        before,
    )


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({}, messages.VALIDATION_EMPTY),
        ({"archiveId": ""}, messages.VALIDATION_EMPTY),
        ({"archiveId": "abc"}, messages.INVALID_REQUEST),
        ({"archiveId": "1.5"}, messages.INVALID_REQUEST),
        ({"archiveId": "0"}, messages.INVALID_REQUEST),
        ({"archiveId": "99999999999999999999"}, messages.INVALID_REQUEST),
    ],
    ids=["missing", "empty", "letters", "fraction", "zero", "huge"],
)
def test_get_bad_query_integer_is_refused(api: Api, query: dict[str, str], key: str) -> None:
    """A missing query id answers warning.validation.empty; a non-integer one error.api.invalid_request."""
    response = api.get("/api/folder/getRoot", **query)
    assert (response.status_code, error_key(response)) == (400, key)
