"""Tests of mock_backend.api.errors: werkzeug's errors answer JSON with a message key, never HTML."""

from __future__ import annotations

from mock_backend.domain import messages
from tests.conftest import Api, World, error_key
from tests.openapi_check import ContractClient


def _names(api: Api, world: World) -> list[str]:
    return [c["downloadName"] for c in api.children(world.my_files, world.demo_archive)]


def test_unknown_php_route_is_json_not_found(api: Api) -> None:
    """An unknown route answers 404 JSON error.api.not_found."""
    response = api.get("/api/folder/nope")
    assert (response.status_code, response.mimetype, error_key(response)) == (
        404,
        "application/json",
        messages.UNKNOWN_ROUTE,
    )


def test_unknown_root_route_is_json_not_found(client: ContractClient) -> None:
    """A path outside every prefix answers 404 JSON too."""
    response = client.get("/index.html")
    assert (response.status_code, error_key(response)) == (404, messages.UNKNOWN_ROUTE)


def test_unknown_stela_route_is_stela_error(api: Api) -> None:
    """An unknown route under /api/v2 answers 404 in Stela's `{"error": {"message"}}` shape."""
    response = api.get("/api/v2/nowhere")
    assert (response.status_code, set(response.get_json()["error"])) == (404, {"message"})


def test_wrong_method_is_json_method_not_allowed_and_creates_nothing(api: Api, world: World) -> None:
    """GET on a POST route answers 405 JSON error.api.method_not_allowed with an Allow header."""
    before = _names(api, world)
    response = api.get("/api/folder/post", displayName="X", parentFolderId=world.my_files)
    assert (response.status_code, error_key(response), "POST" in response.headers["Allow"]) == (
        405,
        messages.METHOD_NOT_ALLOWED,
        True,
    )
    assert _names(api, world) == before


def test_delete_route_with_post_is_method_not_allowed(api: Api, world: World) -> None:
    """POST on a DELETE route answers 405 and deletes nothing."""
    response = api.post(f"/api/folder/delete?folderId={world.documents}", {})
    assert (response.status_code, error_key(response), "Documents" in _names(api, world)) == (
        405,
        messages.METHOD_NOT_ALLOWED,
        True,
    )


def test_oversized_json_body_is_request_too_large_and_creates_nothing(api: Api, world: World) -> None:
    """A JSON body above 1 MiB answers 413 error.api.request_too_large and creates nothing."""
    before = _names(api, world)
    body = {"displayName": "Big", "parentFolderId": world.my_files, "padding": "x" * (1024 * 1024)}
    response = api.post("/api/folder/post", body)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        413,
        messages.REQUEST_TOO_LARGE,
        before,
    )


def test_json_body_just_under_limit_is_accepted(api: Api, world: World) -> None:
    """A JSON body just under 1 MiB (unknown keys ignored) is processed normally."""
    body = {"displayName": "Padded", "parentFolderId": world.my_files, "padding": "x" * (1024 * 1024 - 200)}
    assert api.post("/api/folder/post", body).status_code == 200
