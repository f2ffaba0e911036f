"""Deliberately drifted variants of the mock for the self-check: WSGI middlewares over any app, or quirk switches.

The middlewares never reach into the mock: they rewrite the requests and responses of whatever WSGI
app they wrap, as a differently behaving server would answer. Each `Mutant` also states the drift a
snapshot comparison against the unmutated mock must find (`expected_drift`, (kind, path) globs).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contracts.sdk.wire.envelope import is_v1

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Headers = list[tuple[str, str]]
BodyRewrite = Callable[[object], object]

_DUPLICATE_SUFFIX = re.compile(r" \(\d+\)(?=\.[^.]*$|$)")


def is_php_path(path: str) -> bool:
    """PHP API v2 routes are `/api/<controller>/<action>`; Stela lives under `/api/v2/`."""
    return path.startswith("/api/") and not path.startswith("/api/v2/")


def is_stela_path(path: str) -> bool:
    """Stela v2 routes live under `/api/v2/`."""
    return path.startswith("/api/v2/")


def _header(headers: Headers, name: str) -> str | None:
    """The value of a header (case-insensitive), or None."""
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def _with_length(headers: Headers, length: int) -> Headers:
    """Replace Content-Length by the new body length."""
    return [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(length))]


class ResponseRewriter:
    """A middleware that buffers each answer and lets `rewrite(path, status, headers, body)` change it."""

    def __init__(
        self,
        app: WSGIApplication,
        rewrite: Callable[[str, str, Headers, bytes], tuple[str, Headers, bytes]],
    ) -> None:
        self.app = app
        self.rewrite = rewrite

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Run the wrapped app, then hand its complete answer to `rewrite`."""
        captured: dict[str, object] = {}

        def capture(status: str, headers: Headers, exc_info: object = None) -> Callable[[bytes], object]:
            captured["status"], captured["headers"] = status, list(headers)
            return lambda data: None  # the legacy write() callable; Flask does not use it

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if callable(close):
                close()
        status, headers = str(captured["status"]), list(captured["headers"])  # type: ignore[call-overload]
        new_status, new_headers, new_body = self.rewrite(str(environ.get("PATH_INFO", "")), status, headers, body)
        if new_body != body:  # a HEAD answer keeps the Content-Length of the GET it stands for
            new_headers = _with_length(new_headers, len(new_body))
        start_response(new_status, new_headers)
        return [new_body]


def json_rewriter(app: WSGIApplication, applies: Callable[[str], bool], change: BodyRewrite) -> ResponseRewriter:
    """Wrap an app so JSON answers of matching paths are decoded, changed by `change` and re-encoded."""

    def rewrite(path: str, status: str, headers: Headers, body: bytes) -> tuple[str, Headers, bytes]:
        media = (_header(headers, "Content-Type") or "").split(";")[0].strip()
        if not applies(path) or media != "application/json" or not body:
            return status, headers, body
        try:
            document = json.loads(body)
        except ValueError:
            return status, headers, body
        return status, headers, json.dumps(change(document), separators=(",", ":")).encode()

    return ResponseRewriter(app, rewrite)


def walk(document: object, visit: Callable[[dict[str, object]], None]) -> object:
    """Call `visit` on every JSON object of a document, depth first, and return the document."""
    if isinstance(document, dict):
        visit(document)
        for value in list(document.values()):
            walk(value, visit)
    elif isinstance(document, list):
        for value in document:
            walk(value, visit)
    return document


# --------------------------------------------------------------------------- the drifts


def rename_download_name(app: WSGIApplication) -> WSGIApplication:
    """(a) PHP VOs call the field `download_name` instead of `downloadName`."""

    def visit(node: dict[str, object]) -> None:
        if "downloadName" in node:
            node["download_name"] = node.pop("downloadName")

    return json_rewriter(app, is_php_path, lambda doc: walk(doc, visit))


def folder_id_as_string(app: WSGIApplication) -> WSGIApplication:
    """(b) PHP FolderVOs send `folderId` as a JSON string."""

    def visit(node: dict[str, object]) -> None:
        if "ChildItemVOs" in node and isinstance(node.get("folderId"), int):
            node["folderId"] = str(node["folderId"])

    return json_rewriter(app, is_php_path, lambda doc: walk(doc, visit))


def drop_original_files(app: WSGIApplication) -> WSGIApplication:
    """(c) FileVOs (PHP) and files (Stela) lack the `file.format.original` entry."""

    def visit(node: dict[str, object]) -> None:
        for key in ("FileVOs", "files"):
            files = node.get(key)
            if isinstance(files, list):
                node[key] = [
                    f for f in files if not (isinstance(f, dict) and f.get("format") == "file.format.original")
                ]

    return json_rewriter(app, lambda path: path.startswith("/api/"), lambda doc: walk(doc, visit))


def ok_instead_of_not_found(app: WSGIApplication) -> WSGIApplication:
    """(d) Every 404 is answered as 200 (with the same body)."""

    def rewrite(path: str, status: str, headers: Headers, body: bytes) -> tuple[str, Headers, bytes]:
        return ("200 OK" if status.startswith("404") else status), headers, body

    return ResponseRewriter(app, rewrite)


def timestamps_with_offset(app: WSGIApplication) -> WSGIApplication:
    """(e) PHP `*DT` timestamps carry an explicit `+00:00` offset."""

    def visit(node: dict[str, object]) -> None:
        for key, value in node.items():
            if key.endswith("DT") and isinstance(value, str) and len(value) == 19:
                node[key] = value + "+00:00"

    return json_rewriter(app, is_php_path, lambda doc: walk(doc, visit))


def duplicates_not_suffixed(app: WSGIApplication) -> WSGIApplication:
    """(g) `downloadName` shows no ` (n)` de-duplication suffix."""

    def visit(node: dict[str, object]) -> None:
        value = node.get("downloadName")
        if isinstance(value, str):
            node["downloadName"] = _DUPLICATE_SUFFIX.sub("", value)

    return json_rewriter(app, lambda path: path.startswith("/api/"), lambda doc: walk(doc, visit))


class V1Rewriter:
    """A middleware that rewrites only the answers of v1 calls (POST /api/… without `Request-Version: 2`)."""

    def __init__(self, app: WSGIApplication, rewrite: Callable[[str, str, Headers, bytes], tuple[str, Headers, bytes]]):
        self.app = app
        self.rewriting = ResponseRewriter(app, rewrite)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Rewrite a v1 call's answer; pass every other request through untouched."""
        method, path = str(environ.get("REQUEST_METHOD", "")), str(environ.get("PATH_INFO", ""))
        if is_v1(method, path, environ.get("HTTP_REQUEST_VERSION")):
            return self.rewriting(environ, start_response)
        return self.app(environ, start_response)


def _v1_json(
    change: Callable[[str, dict[str, object]], str],
) -> Callable[[str, str, Headers, bytes], tuple[str, Headers, bytes]]:
    """A v1 rewrite over the decoded ResponseVO: `change(status, answer)` edits it in place and returns the status."""

    def rewrite(path: str, status: str, headers: Headers, body: bytes) -> tuple[str, Headers, bytes]:
        try:
            answer = json.loads(body)
        except ValueError:
            return status, headers, body
        if not isinstance(answer, dict):
            return status, headers, body
        new_status = change(status, answer)
        return new_status, headers, json.dumps(answer, separators=(",", ":")).encode()

    return rewrite


def v1_failure_as_client_error(app: WSGIApplication) -> WSGIApplication:
    """(i) A v1 business failure (HTTP 200, `isSuccessful: false`) is answered 400, as the v2 API would."""

    def change(status: str, answer: dict[str, object]) -> str:
        return "400 BAD REQUEST" if status.startswith("200") and answer.get("isSuccessful") is False else status

    return V1Rewriter(app, _v1_json(change))


def v1_without_csrf(app: WSGIApplication) -> WSGIApplication:
    """(j) v1 answers carry no `csrf` (the web app then sends `csrf: null` and every cookie call fails)."""

    def change(status: str, answer: dict[str, object]) -> str:
        answer.pop("csrf", None)
        return status

    return V1Rewriter(app, _v1_json(change))


def v1_bare_vos(app: WSGIApplication) -> WSGIApplication:
    """(k) `Results[i].data` holds a lone VO bare (`{folderId, …}`) instead of keyed by class (`{FolderVO: {…}}`)."""

    def change(status: str, answer: dict[str, object]) -> str:
        results = answer.get("Results")
        for result in results if isinstance(results, list) else []:
            data = result.get("data") if isinstance(result, dict) else None
            if isinstance(data, list):
                result["data"] = [
                    next(iter(element.values()))
                    if isinstance(element, dict) and len(element) == 1 and next(iter(element)).endswith("VO")
                    else element
                    for element in data
                ]
        return status

    return V1Rewriter(app, _v1_json(change))


# --------------------------------------------------------------------------- real behaviours (must be accepted)

_MOCK_FILE_URL = re.compile(r"^(?P<origin>https?://[^/]+)/cdn/files/(?P<id>\d+)\?(?P<query>.*)$")
_CLOUDFRONT_PATH = re.compile(r"^/originals/(?P<id>\d+)/(?P=id)$")


def _cloudfront_url(url: str) -> str:
    """The same signed URL in the form Permanent hands out: `/originals/<id>/<id>?t=…&<signed query>`."""
    found = _MOCK_FILE_URL.match(url)
    if found is None:
        return url
    return f"{found['origin']}/originals/{found['id']}/{found['id']}?t=1757687659&{found['query']}"


class CloudFrontFileUrls:
    """(r1) File URLs take the CloudFront form of Permanent's CDN (`/originals/<id>/<id>?t=…`, sdk fixture
    recordVo.json), and requests to that form are served, so downloads still work: only the form differs."""

    def __init__(self, app: WSGIApplication) -> None:
        def visit(node: dict[str, object]) -> None:
            for key in ("fileURL", "downloadURL", "fileUrl", "downloadUrl"):
                if isinstance(node.get(key), str):
                    node[key] = _cloudfront_url(str(node[key]))

        self.app = app
        self.rewriting = json_rewriter(app, lambda path: path.startswith("/api/"), lambda doc: walk(doc, visit))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Route `/originals/<id>/<id>` to the mock's download route; rewrite file URLs in API answers."""
        found = _CLOUDFRONT_PATH.match(str(environ.get("PATH_INFO", "")))
        if found is not None:
            environ["PATH_INFO"] = f"/cdn/files/{found['id']}"
            query = [pair for pair in str(environ.get("QUERY_STRING", "")).split("&") if not pair.startswith("t=")]
            environ["QUERY_STRING"] = "&".join(query)
            return self.app(environ, start_response)
        return self.rewriting(environ, start_response)


def register_record_without_files(app: WSGIApplication) -> WSGIApplication:
    """(r2) registerRecord answers `FileVOs: null` (sdk fixture createRecordVo/recordVo.json)."""

    def change(document: object) -> object:
        if isinstance(document, dict) and "recordId" in document:
            document["FileVOs"] = None
        return document

    return json_rewriter(app, lambda path: path == "/api/record/registerRecord", change)


def singular_next_page_on_site(app: WSGIApplication) -> WSGIApplication:
    """(r3) nextPage names the singular route on Permanent's site (sdk fixture stelaChildrenPageOne.json)."""

    def visit(node: dict[str, object]) -> None:
        value = node.get("nextPage")
        if isinstance(value, str):
            node["nextPage"] = re.sub(
                r"^https?://[^/]+/api/v2/folders/", "https://www.permanent.org/api/v2/folder/", value
            )

    return json_rewriter(app, is_stela_path, lambda doc: walk(doc, visit))


def items_without_item_type(app: WSGIApplication) -> WSGIApplication:
    """(r5) Stela children carry no `itemType` (the v0.10.1 fixtures, recorded before stela commit 45bd2e7)."""

    def visit(node: dict[str, object]) -> None:
        # Only folders and records: share links carry an itemType of their own (stela share_link/models.ts).
        if "folderId" in node or "recordId" in node:
            node.pop("itemType", None)

    return json_rewriter(app, is_stela_path, lambda doc: walk(doc, visit))


class ServerErrorOnMalformedJson:
    """(h) A PHP POST whose body is not JSON answers 500 `error.generic.internal` instead of 400."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer 500 for malformed JSON; pass everything else through with its body restored."""
        path = str(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") != "POST" or not is_php_path(path):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            json.loads(body)
        except ValueError:
            answer = json.dumps({"message": "error.generic.internal", "detail": "Syntax error"}).encode()
            start_response(
                "500 INTERNAL SERVER ERROR",
                [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))],
            )
            return [answer]
        return self.app(environ, start_response)


def server_error_on_malformed_json(app: WSGIApplication) -> WSGIApplication:
    """Wrap an app in `ServerErrorOnMalformedJson`."""
    return ServerErrorOnMalformedJson(app)


# --------------------------------------------------------------------------- the catalogue

#: The suite's contract layer (contracts/suite/<module>.py): every real behaviour must pass it, and the self-check
#: runs it against each one; the behaviour layers (the scenario modules) may fail on one, by design.
CONTRACT_MODULES: tuple[str, ...] = ("test_schemathesis", "test_spec")
#: The suite's scenario modules: every other test module of contracts/suite (tests/contracts/test_mutants.py
#: checks that the two lists name every module, so a new one is placed in the self-check on purpose).
SCENARIO_MODULES: tuple[str, ...] = (
    "test_access",
    "test_auth",
    "test_deletes",
    "test_files",
    "test_names",
    "test_protocol",
    "test_quirks",
    "test_sequences",
    "test_share_links",
    "test_stela_share_links",
    "test_trees",
    "test_web_app",
)

#: The scenario modules that read files (PHP FileVOs or Stela `files`): where a drift in every file entry shows.
SHOW_FILES: tuple[str, ...] = (
    "test_access",
    "test_deletes",
    "test_files",
    "test_names",
    "test_quirks",
    "test_sequences",
    "test_share_links",
    "test_stela_share_links",
    "test_trees",
    "test_web_app",
)
#: The scenario modules that page a folder's Stela children: where a drift in every such page shows.
PAGE_STELA_CHILDREN: tuple[str, ...] = (
    "test_access",
    "test_files",
    "test_names",
    "test_protocol",
    "test_quirks",
    "test_sequences",
    "test_trees",
)


@dataclass(frozen=True)
class Mutant:
    """A drifted variant: a middleware over the mock app, or quirk switches (or both)."""

    name: str
    description: str
    middleware: Callable[[WSGIApplication], WSGIApplication] | None = None
    quirks: Mapping[str, bool] = field(default_factory=dict)
    #: (kind, path glob) pairs a drift report against the unmutated mock must show, and nothing else
    #: (besides the consequences of scenarios that stop early: outcome and missing exchanges).
    expected_drift: frozenset[tuple[str, str]] = frozenset()
    #: True for a behaviour the real service shows: the contract layer must accept it (no contract test may
    #: fail on it), while the compare must still flag it as drift from the mock.
    real: bool = False
    #: The suite modules (file stems in contracts/suite) in which it shows, as a failing test or as drift in a
    #: scenario's snapshot. The self-check runs only these against it (a real behaviour also gets the contract
    #: layer, which must accept it), so they must catch a drift and show all of `expected_drift`. The whole suite
    #: against every mutant cost the self-check most of its time and told no more: no drift shows in the
    #: contract layer's snapshots, and the scenarios catch every drift without its fuzzing.
    #: `selfcheck --all-modules` runs every module and fails when a mutant shows in a module not listed here.
    visible_in: tuple[str, ...] = ()

    def wrap(self, app: WSGIApplication) -> WSGIApplication:
        """Return the app with this mutant's middleware applied (the app itself if it has none)."""
        return app if self.middleware is None else self.middleware(app)


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "renamed-field",
        "(a) PHP VOs rename downloadName to download_name",
        rename_download_name,
        expected_drift=frozenset({("missing_field", "*.downloadName"), ("extra_field", "*.download_name")}),
        visible_in=SCENARIO_MODULES,
    ),
    Mutant(
        "folder-id-string",
        "(b) PHP FolderVO.folderId is a string",
        folder_id_as_string,
        expected_drift=frozenset({("type_change", "*.folderId")}),
        visible_in=(
            "test_access",
            "test_deletes",
            "test_names",
            "test_protocol",
            "test_quirks",
            "test_sequences",
            "test_stela_share_links",
            "test_trees",
            "test_web_app",
        ),
    ),
    Mutant(
        "no-original-file",
        "(c) FileVOs and Stela files lack the file.format.original entry",
        drop_original_files,
        expected_drift=frozenset(
            {
                ("missing_field", "*.FileVOs[]"),
                ("missing_field", "*.files[]"),
                ("length_change", "*.FileVOs"),
                ("length_change", "*.files"),
            }
        ),
        visible_in=SHOW_FILES,
    ),
    Mutant(
        "ok-instead-of-404",
        "(d) 200 instead of 404",
        ok_instead_of_not_found,
        expected_drift=frozenset({("status_change", "status")}),
        visible_in=(
            "test_access",
            "test_auth",
            "test_deletes",
            "test_protocol",
            "test_sequences",
            "test_share_links",
            "test_stela_share_links",
            "test_trees",
        ),
    ),
    Mutant(
        "timestamp-offset",
        "(e) PHP *DT timestamps carry +00:00",
        timestamps_with_offset,
        expected_drift=frozenset({("type_change", "*DT")}),
        visible_in=SCENARIO_MODULES,
    ),
    Mutant(
        "cursor-on-empty-page",
        "(f) nextCursor/nextPage present (null) on an empty Stela page",
        quirks={"stela_empty_page_omits_cursor": False},
        expected_drift=frozenset(
            {("extra_field", "$.pagination.nextCursor"), ("extra_field", "$.pagination.nextPage")}
        ),
        visible_in=(
            "test_auth",
            "test_deletes",
            "test_quirks",
            "test_sequences",
            "test_stela_share_links",
            "test_trees",
        ),
    ),
    Mutant(
        "duplicates-not-suffixed",
        "(g) downloadName shows no ' (n)' suffix",
        duplicates_not_suffixed,
        expected_drift=frozenset({("value_change", "*.downloadName")}),
        visible_in=("test_names",),
    ),
    Mutant(
        "500-on-malformed-json",
        "(h) 500 instead of 400 on a malformed JSON body",
        server_error_on_malformed_json,
        expected_drift=frozenset({("status_change", "status")}),
        visible_in=("test_protocol",),
    ),
    Mutant(
        "v1-failure-as-400",
        "(i) a v1 business failure answered HTTP 400 instead of 200 with isSuccessful false",
        v1_failure_as_client_error,
        expected_drift=frozenset({("status_change", "status")}),
        visible_in=("test_web_app",),
    ),
    Mutant(
        "v1-no-csrf",
        "(j) v1 answers without csrf",
        v1_without_csrf,
        expected_drift=frozenset({("missing_field", "$.csrf")}),
        visible_in=("test_web_app",),
    ),
    Mutant(
        "v1-bare-vo",
        "(k) v1 Results data hold a lone VO bare, without its VO-name key",
        v1_bare_vos,
        expected_drift=frozenset({("missing_field", "$.Results[].data[].*"), ("extra_field", "$.Results[].data[].*")}),
        visible_in=("test_web_app",),
    ),
    Mutant(
        "real-cdn-urls",
        "(r1) real: file URLs are CloudFront-signed URLs on Permanent's CDN host",
        CloudFrontFileUrls,
        expected_drift=frozenset(
            {
                ("value_change", "*.fileURL"),
                ("value_change", "*.downloadURL"),
                ("value_change", "*.fileUrl"),
                ("value_change", "*.downloadUrl"),
            }
        ),
        real=True,
        visible_in=SHOW_FILES,
    ),
    Mutant(
        "real-register-null-files",
        "(r2) real: registerRecord answers FileVOs null",
        register_record_without_files,
        expected_drift=frozenset({("type_change", "$.FileVOs")}),
        real=True,
        visible_in=(
            "test_access",
            "test_deletes",
            "test_files",
            "test_names",
            "test_quirks",
            "test_sequences",
            "test_share_links",
            "test_stela_share_links",
        ),
    ),
    Mutant(
        "real-z-file-timestamps",
        "(r3) real: Stela file timestamps read .000Z (v0.10.1 fixtures) instead of +00:00",
        quirks={"stela_jsonb_file_timestamps": False},
        expected_drift=frozenset({("type_change", "*.files[].createdAt"), ("type_change", "*.files[].updatedAt")}),
        real=True,
        visible_in=(
            "test_access",
            "test_files",
            "test_names",
            "test_sequences",
            "test_stela_share_links",
            "test_trees",
        ),
    ),
    Mutant(
        "real-singular-next-page",
        "(r4) real: nextPage names the singular route on Permanent's site",
        singular_next_page_on_site,
        expected_drift=frozenset({("value_change", "$.pagination.nextPage")}),
        real=True,
        visible_in=PAGE_STELA_CHILDREN,
    ),
    Mutant(
        "real-fixture-items",
        "(r5) real: Stela children without itemType (v0.10.1 fixtures)",
        items_without_item_type,
        expected_drift=frozenset({("missing_field", "$.items[].itemType")}),
        real=True,
        visible_in=PAGE_STELA_CHILDREN,
    ),
)
BY_NAME: Mapping[str, Mutant] = {mutant.name: mutant for mutant in MUTANTS}


def get(name: str) -> Mutant:
    """Return the mutant of that name.

    Raises:
        KeyError: no mutant has that name (the message lists the known ones).
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown mutant {name!r}; known: {', '.join(BY_NAME)}") from None
