"""Layer 3: the PHP transport rules the SDK cannot break by itself: malformed JSON, headers, routes, methods."""

from __future__ import annotations

from contracts.sdk import Folder, PermanentClient
from contracts.suite.support import Names, RawHttp, compact_json, php_error_key
from contracts.targets import Target


def test_malformed_json_body_answers_400(raw: RawHttp, target: Target) -> None:
    """A body that is not JSON answers 400 error.api.invalid_request, never a 5xx (D2)."""
    response = raw.php(
        "raw.create_folder.malformed", "POST", "/folder/post", token=target.token(), body=b'{"displayName": '
    )
    assert response.status_code == 400, f"malformed JSON must answer 400, got {response.status_code}"
    assert php_error_key(response) == "error.api.invalid_request"


def test_missing_request_version_answers_400(raw: RawHttp, target: Target) -> None:
    """Without `Request-Version: 2` the PHP API refuses the call (the mock serves no v1 envelope)."""
    response = raw.php(
        "raw.account.no_version", "GET", "/account/getAuthenticatedAccount", token=target.token(), version=None
    )
    assert response.status_code == 400, f"expected 400, got {response.status_code}"
    assert php_error_key(response) == "error.api.invalid_request"


def test_unknown_route_answers_404_json(raw: RawHttp, target: Target) -> None:
    """An unknown PHP route answers 404 with a JSON message key, not an HTML page."""
    response = raw.php("raw.unknown_route", "GET", "/nothing/here", token=target.token())
    assert response.status_code == 404, f"expected 404, got {response.status_code}"
    assert php_error_key(response) == "error.api.not_found"


def test_wrong_method_answers_405_json(raw: RawHttp, target: Target) -> None:
    """A known route called with another method answers 405 with a JSON message key."""
    response = raw.php("raw.account.wrong_method", "PUT", "/account/getAuthenticatedAccount", token=target.token())
    assert response.status_code == 405, f"expected 405, got {response.status_code}"
    assert php_error_key(response) == "error.api.method_not_allowed"


def test_missing_required_field_answers_400(raw: RawHttp, target: Target, workdir: Folder) -> None:
    """folder/post without displayName answers 400 warning.validation.empty."""
    body = compact_json({"parentFolderId": workdir.id})
    response = raw.php("raw.create_folder.no_name", "POST", "/folder/post", token=target.token(), body=body)
    assert response.status_code == 400, f"expected 400, got {response.status_code}"
    assert php_error_key(response) == "warning.validation.empty"


def test_unknown_body_keys_are_ignored(
    raw: RawHttp, client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """Extra keys real callers send (archiveId, parentFolder_linkId) do not make a create fail."""
    name = names.new("extra-keys")
    body = {"displayName": name, "parentFolderId": workdir.id, "archiveId": 1, "parentFolder_linkId": 1}
    response = raw.php(
        "raw.create_folder.extra_keys", "POST", "/folder/post", token=target.token(), body=compact_json(body)
    )
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text[:200]}"
    assert name in [f.name for f in client.get_folder(workdir.id).folders]
