"""A front-end session in a real browser: a page of another local origin that speaks the web app's transports.

The page (tests/browser/front/) is served by a small server of its own that forwards `/api` to the mock, as the
web app's dev proxy does (one origin, so the PHP session cookie works); its S3 upload and CDN download go to the
mock's origin directly (CORS), as the web app's do. Each step asserts what the web app reads of the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask, Response, request

from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD
from mock_backend.server import serve_in_thread
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FRONT = Path(__file__).parent / "front"
#: Hop-by-hop headers (and what the proxy re-computes) are not forwarded, as any reverse proxy drops them.
_NOT_FORWARDED = {"host", "content-length", "connection", "transfer-encoding", "keep-alive", "accept-encoding"}


def _front_end(upstream: httpx.Client) -> Flask:
    """The page's own server: its files, and `/api/*` forwarded to the mock byte for byte (cookies included)."""
    app = Flask("front")

    @app.get("/")
    def index() -> Response:
        return Response((FRONT / "index.html").read_bytes(), mimetype="text/html")

    @app.get("/session.js")
    def script() -> Response:
        return Response((FRONT / "session.js").read_bytes(), mimetype="text/javascript")

    @app.route("/api/<path:rest>", methods=["GET", "POST", "PATCH", "DELETE"])
    def forward(rest: str) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
        answer = upstream.request(
            request.method, f"/api/{rest}", params=request.query_string, headers=headers, content=request.get_data()
        )
        response = Response(answer.content, status=answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in _NOT_FORWARDED | {"content-encoding"}:
                response.headers.add(name, value)
        return response

    return app


@pytest.fixture
def front(live_server: str) -> Iterator[str]:
    """The page's origin: another port of the loopback address than the mock's."""
    with (
        httpx.Client(base_url=live_server, timeout=30) as upstream,
        serve_in_thread(_front_end(upstream), max_body=1024**2) as base_url,
    ):
        yield base_url


def test_sign_in_browse_upload_rename_move_share_delete_and_sign_out(
    page: object, front: str, live_server: str, world: World
) -> None:
    """The web app's core screens in order, each step reading what the web app reads."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert (front.rsplit(":", 1)[0], front != live_server) == (live_server.rsplit(":", 1)[0], True)
    page.goto(front)

    def run(script: str, *args: object) -> object:
        return page.evaluate(f"(args) => webapp.{script}(...args)", list(args))

    signed_in = run("login", DEMO_EMAIL, DEMO_PASSWORD)
    assert isinstance(signed_in, dict)
    assert (signed_in["account"]["primaryEmail"], run("loggedIn")) == (DEMO_EMAIL, True)

    archives = run("archives", signed_in["account"]["accountId"])
    assert isinstance(archives, list)
    demo = next(a for a in archives if a["archiveId"] == world.demo_archive)
    assert run("changeArchive", demo)["archiveId"] == world.demo_archive

    root = run("root")
    assert isinstance(root, dict)
    my_files = next(c for c in root["ChildItemVOs"] if c["type"] == "type.folder.root.private")
    folder = run("navigate", my_files["archiveNbr"], my_files["folder_linkId"])
    assert isinstance(folder, dict)
    documents = next(c for c in folder["ChildItemVOs"] if c["displayName"] == "Documents")
    inside = run("navigate", documents["archiveNbr"], documents["folder_linkId"])
    assert isinstance(inside, dict)
    assert (inside["pathAsText"], "folderId" in documents) == (["My Files", "Documents"], True)

    record = run("upload", inside, "from-the-browser.txt", "typed in a browser\n", "text/plain")
    assert isinstance(record, dict)
    assert (record["downloadName"], run("download", record)) == ("from-the-browser.txt", "typed in a browser\n")

    renamed = run("renameRecord", record, "renamed")
    assert isinstance(renamed, dict)
    assert (renamed["displayName"], renamed["downloadName"]) == ("renamed", "renamed.txt")

    moved = run("moveRecord", renamed, my_files)
    assert isinstance(moved, dict)
    names = [
        c["downloadName"] for c in run("navigate", my_files["archiveNbr"], my_files["folder_linkId"])["ChildItemVOs"]
    ]
    assert (moved["parentFolder_linkId"], "renamed.txt" in names) == (my_files["folder_linkId"], True)

    shared = run("shareLink", moved)
    assert isinstance(shared, dict)
    assert (shared["opened"]["accessRestrictions"], [link["id"] for link in shared["listed"]]) == (
        "none",
        [shared["made"]["id"]],
    )

    run("deleteRecord", moved)
    names = [
        c["downloadName"] for c in run("navigate", my_files["archiveNbr"], my_files["folder_linkId"])["ChildItemVOs"]
    ]
    assert "renamed.txt" not in names

    run("logout")
    assert (run("loggedIn"), run("callAfterLogout")) == (False, 401)
