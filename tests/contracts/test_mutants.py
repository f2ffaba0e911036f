"""Tests of contracts.mutants: each middleware drifts exactly what it names, on a bare app and on the mock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from contracts import mutants
from contracts.targets import mock_app
from mock_backend.testing import mint_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def json_app(document: object, status: str = "200 OK") -> WSGIApplication:
    """A WSGI app answering one JSON document to every request."""
    body = json.dumps(document).encode()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body] if environ["REQUEST_METHOD"] != "HEAD" else []

    return app


def call(app: WSGIApplication, path: str, method: str = "GET", content: bytes | None = None) -> httpx.Response:
    """Send one request to a WSGI app."""
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client:
        return client.request(method, path, content=content, headers={"Content-Type": "application/json"})


FOLDER_VO = {
    "folderId": 7,
    "downloadName": "a (1)",
    "createdDT": "2024-01-02T15:04:05",
    "ChildItemVOs": [{"recordId": 9, "downloadName": "b (2).txt", "FileVOs": [{"format": "file.format.original"}]}],
}


def test_catalogue_covers_the_eleven_drifts_and_five_real_behaviours() -> None:
    """The catalogue holds the drifts (a)–(k) and the real behaviours (r1)–(r5), each with the drift it must cause."""
    drifts = [m.description[:3] for m in mutants.MUTANTS if not m.real]
    real = [m.description[:4] for m in mutants.MUTANTS if m.real]
    assert (drifts, real) == ([f"({c})" for c in "abcdefghijk"], [f"(r{n})" for n in range(1, 6)])
    assert all(m.expected_drift for m in mutants.MUTANTS), "every mutant states its expected drift"
    assert all(m.middleware or m.quirks for m in mutants.MUTANTS), "every mutant changes something"


def test_declared_modules_are_suite_modules() -> None:
    """Every module a mutant declares visible is a file of contracts/suite, and the contract layer and the scenario
    modules together are exactly the suite's modules (a new module is placed on purpose)."""
    suite = {path.stem for path in (Path(mutants.__file__).parent / "suite").glob("test_*.py")}
    layers = [*mutants.CONTRACT_MODULES, *mutants.SCENARIO_MODULES]
    assert (sorted(layers), len(layers)) == (sorted(suite), len(suite))
    undeclared = {m.name: sorted(set(m.visible_in) - suite) for m in mutants.MUTANTS if not set(m.visible_in) <= suite}
    assert not undeclared, f"visible_in names modules that are not in contracts/suite: {undeclared}"
    assert all(m.visible_in and len(set(m.visible_in)) == len(m.visible_in) for m in mutants.MUTANTS)


def test_get_unknown_mutant_lists_known_names() -> None:
    """An unknown name raises KeyError naming the known ones."""
    with pytest.raises(KeyError, match="renamed-field"):
        mutants.get("nope")


@pytest.mark.parametrize(
    ("mutant", "path", "check"),
    [
        pytest.param(
            "renamed-field",
            "/api/folder/getRoot",
            lambda d: "download_name" in d and "downloadName" not in d and "download_name" in d["ChildItemVOs"][0],
            id="renamed-field",
        ),
        pytest.param("folder-id-string", "/api/folder/getRoot", lambda d: d["folderId"] == "7", id="folder-id-string"),
        pytest.param(
            "no-original-file", "/api/record/get", lambda d: d["ChildItemVOs"][0]["FileVOs"] == [], id="files"
        ),
        pytest.param(
            "timestamp-offset", "/api/folder/getRoot", lambda d: d["createdDT"] == "2024-01-02T15:04:05+00:00", id="dt"
        ),
        pytest.param(
            "duplicates-not-suffixed",
            "/api/folder/getRoot",
            lambda d: (d["downloadName"], d["ChildItemVOs"][0]["downloadName"]) == ("a", "b.txt"),
            id="suffix",
        ),
    ],
)
def test_json_mutant_rewrites_php_answers(mutant: str, path: str, check: Callable[[Any], bool]) -> None:
    """Each JSON mutant changes exactly the field it names in PHP answers."""
    app = mutants.get(mutant).wrap(json_app(FOLDER_VO))
    assert check(call(app, path).json())


@pytest.mark.parametrize("mutant", ["renamed-field", "folder-id-string", "timestamp-offset"])
def test_php_mutants_leave_stela_answers_alone(mutant: str) -> None:
    """PHP-only drifts do not touch Stela (`/api/v2/...`)."""
    app = mutants.get(mutant).wrap(json_app(FOLDER_VO))
    assert call(app, "/api/v2/folder").json() == FOLDER_VO


def test_ok_instead_of_404_changes_only_the_status() -> None:
    """(d) turns a 404 into a 200 with the same body, and leaves other statuses alone."""
    error = {"message": "error.folder.lookup"}
    answer = call(mutants.get("ok-instead-of-404").wrap(json_app(error, "404 NOT FOUND")), "/api/folder/getRoot")
    assert (answer.status_code, answer.json()) == (200, error)
    other = call(mutants.get("ok-instead-of-404").wrap(json_app(error, "403 FORBIDDEN")), "/api/folder/getRoot")
    assert other.status_code == 403


def test_rewriter_keeps_head_content_length() -> None:
    """A HEAD answer keeps the Content-Length of the GET it stands for."""
    app = mutants.get("ok-instead-of-404").wrap(json_app(FOLDER_VO))
    head = call(app, "/api/folder/getRoot", "HEAD")
    assert head.headers["content-length"] == str(len(json.dumps(FOLDER_VO)))


def test_malformed_json_mutant_answers_500_and_passes_valid_json_through() -> None:
    """(h) answers 500 to a PHP POST that is not JSON; valid bodies reach the app unchanged."""
    seen: list[bytes] = []

    def echo(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    app = mutants.get("500-on-malformed-json").wrap(echo)
    assert call(app, "/api/folder/post", "POST", b"{bad").status_code == 500
    assert call(app, "/api/folder/post", "POST", b'{"a": 1}').status_code == 200
    assert seen == [b'{"a": 1}'], "the valid body reaches the app intact"


def test_cursor_mutant_is_a_quirk_switch() -> None:
    """(f) is the quirk switch stela_empty_page_omits_cursor=False, no middleware."""
    mutant = mutants.get("cursor-on-empty-page")
    assert (mutant.middleware, dict(mutant.quirks)) == (None, {"stela_empty_page_omits_cursor": False})


def test_mutant_over_the_mock_drifts_its_answers() -> None:
    """Wrapped around the real mock, (a) renames downloadName in getRoot's answer."""
    app = mock_app(mutants.get("renamed-field"))
    flask_app = app.app  # type: ignore[attr-defined]  # the middleware keeps the app it wraps
    token = mint_token(flask_app, "demo@example.com")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client:
        root = client.get(
            "/api/folder/getRoot",
            params={"archiveId": 1},
            headers={"Authorization": f"Bearer {token}", "Request-Version": "2"},
        ).json()
    assert "download_name" in root
    assert "downloadName" not in root


def test_cloudfront_mutant_rewrites_file_urls_to_the_cdn_form() -> None:
    """(r1) turns the mock's `/cdn/files/{id}` URLs into CloudFront-signed `originals/<id>/<id>` URLs."""
    app = mutants.get("real-cdn-urls").wrap(json_app({"FileVOs": [{"fileURL": "http://m/cdn/files/7?x=1"}]}))
    answer = call(app, "/api/record/get").json()
    assert answer["FileVOs"][0]["fileURL"] == "http://m/originals/7/7?t=1757687659&x=1"


def test_register_null_files_mutant_touches_only_register_record() -> None:
    """(r2) answers `FileVOs: null` on registerRecord and leaves record/get alone."""
    body = {"recordId": 1, "FileVOs": [{"format": "file.format.original"}]}
    app = mutants.get("real-register-null-files").wrap(json_app(body))
    registered, fetched = call(app, "/api/record/registerRecord").json(), call(app, "/api/record/get").json()
    assert (registered["FileVOs"], fetched["FileVOs"]) == (None, body["FileVOs"])


V1_FAILURE = {
    "Results": [{"data": None, "message": ["warning.signin.unknown"], "status": False}],
    "isSuccessful": False,
    "csrf": "c" * 32,
}
V1_SUCCESS = {
    "Results": [
        {"data": [{"FolderVO": FOLDER_VO}, {"AccountVO": {}, "SimpleVO": {}}], "message": ["ok"], "status": True}
    ],
    "isSuccessful": True,
    "csrf": "c" * 32,
}


def v1_call(app: WSGIApplication, version: str | None = None) -> httpx.Response:
    """POST a v1 envelope (or, with `version="2"`, the same path in the v2 dialect)."""
    headers = {"Content-Type": "application/json", **({"Request-Version": version} if version else {})}
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client:
        return client.post("/api/folder/post", content=b'{"RequestVO": {}}', headers=headers)


def test_v1_failure_mutant_answers_business_failures_400() -> None:
    """(i) turns a v1 `isSuccessful: false` answered 200 into HTTP 400; successes and v2 calls keep 200."""
    mutant = mutants.get("v1-failure-as-400")
    failed, ok = v1_call(mutant.wrap(json_app(V1_FAILURE))), v1_call(mutant.wrap(json_app(V1_SUCCESS)))
    v2 = v1_call(mutant.wrap(json_app(V1_FAILURE)), version="2")
    assert (failed.status_code, failed.json(), ok.status_code, v2.status_code) == (400, V1_FAILURE, 200, 200)


def test_v1_no_csrf_mutant_drops_csrf_from_v1_answers_only() -> None:
    """(j) removes `csrf` from v1 answers; the same path with Request-Version: 2 is untouched."""
    mutant = mutants.get("v1-no-csrf")
    v1_answer, v2_answer = v1_call(mutant.wrap(json_app(V1_SUCCESS))), v1_call(mutant.wrap(json_app(V1_SUCCESS)), "2")
    assert ("csrf" in v1_answer.json(), v2_answer.json()) == (False, V1_SUCCESS)


def test_v1_bare_vo_mutant_unwraps_lone_vos() -> None:
    """(k) replaces `{FolderVO: {…}}` by the bare VO; an element holding several VOs stays keyed."""
    data = v1_call(mutants.get("v1-bare-vo").wrap(json_app(V1_SUCCESS))).json()["Results"][0]["data"]
    assert data == [FOLDER_VO, {"AccountVO": {}, "SimpleVO": {}}]
