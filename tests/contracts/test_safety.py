"""Tests of contracts.safety: run ids, the write guard, the guarded transport and cleanup."""

from __future__ import annotations

import json

import httpx
import pytest

from contracts.normalise import RUN_ID_PATTERN
from contracts.safety import (
    Created,
    GuardedTransport,
    UnsafeRequest,
    WriteGuard,
    cleanup,
    cleanup_order,
    id_candidate,
    new_run_id,
    retarget,
    run_prefix,
)

API = "https://staging.test/api"
STELA = "https://api.staging.test/api/v2"
TEST_FOLDER = 100


def guard(*, enforce: bool = True) -> WriteGuard:
    """A guard whose test folder is 100."""
    return WriteGuard(API, TEST_FOLDER, enforce=enforce, stela_url=STELA)


def request(method: str, path: str, body: object = None, params: dict[str, str] | None = None) -> httpx.Request:
    """A request to the API base."""
    content = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    built = httpx.Request(method, API + path, params=params, content=content)
    built.read()
    return built


def test_run_id_has_the_shape_the_normaliser_scrubs() -> None:
    """Run ids match RUN_ID_PATTERN, so snapshots of different runs agree; names start with the prefix."""
    run_id = new_run_id()
    assert RUN_ID_PATTERN.fullmatch(run_id)
    assert run_prefix(run_id) == f"contract-{run_id}-"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(12, 12, id="integer"),
        pytest.param(12.0, 12, id="integral-float"),
        pytest.param("12", 12, id="digits"),
        pytest.param(" 12abc", 12, id="php-loose-string"),
        pytest.param(True, None, id="boolean"),
        pytest.param(0, None, id="zero"),
        pytest.param("-3", None, id="negative-string"),
        pytest.param("abc", None, id="no-digits"),
        pytest.param(2**70, None, id="beyond-any-id"),
        pytest.param(None, None, id="null"),
    ],
)
def test_id_candidate_reads_ids_like_a_loose_server(value: object, expected: int | None) -> None:
    """Anything a lax server could read as an item id counts; the rest names nothing."""
    assert id_candidate(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(5, 77, id="integer"),
        pytest.param(" 5 ", " 77 ", id="padded-string"),
        pytest.param(5.0, 77.0, id="float"),
    ],
)
def test_retarget_keeps_type_and_padding(value: object, expected: object) -> None:
    """A retargeted id keeps its JSON type and padding, so invalid data stays invalid."""
    assert retarget(value, 77) == expected


def test_guard_allows_reads_anywhere() -> None:
    """GETs are never refused."""
    guard().check(request("GET", "/folder/getWithChildren", params={"folderId": "1", "archiveId": "1"}))


def test_guard_allows_creating_in_the_test_folder() -> None:
    """The test folder may be a parent."""
    guard().check(request("POST", "/folder/post", {"displayName": "x", "parentFolderId": TEST_FOLDER}))


@pytest.mark.parametrize(
    ("method", "path", "body", "params"),
    [
        pytest.param("POST", "/folder/post", {"displayName": "x", "parentFolderId": 5}, None, id="create-elsewhere"),
        pytest.param("POST", "/folder/post", {"displayName": "x", "parentFolderId": "5"}, None, id="string-id"),
        pytest.param("DELETE", "/folder/delete", None, {"folderId": str(TEST_FOLDER)}, id="delete-test-folder"),
        pytest.param("DELETE", "/record/delete", None, {"recordId": "9"}, id="delete-foreign-record"),
        pytest.param("POST", "/record/update", {"recordId": 9, "displayName": "x"}, None, id="update-foreign-record"),
        pytest.param("POST", "/share/generateShareLink", {"folderLinkId": 3}, None, id="share-foreign"),
        pytest.param("POST", "/share/updateShareLink", {"shareByUrlId": 3}, None, id="update-foreign-share"),
        pytest.param("POST", "/folder/move", {"folderId": 1}, None, id="unknown-write"),
    ],
)
def test_guard_refuses_writes_outside_the_test_folder(
    method: str, path: str, body: object, params: dict[str, str] | None
) -> None:
    """Writes naming anything but the test folder or the run's own items are refused with a reason."""
    with pytest.raises(UnsafeRequest, match="refusing"):
        guard().check(request(method, path, body, params))


def stela_request(method: str, path: str, body: object = None) -> httpx.Request:
    """A request to the Stela base."""
    built = httpx.Request(method, STELA + path, content=None if body is None else json.dumps(body).encode())
    built.read()
    return built


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("PATCH", "/record/5", {"displayName": "x"}, id="other-write"),
        pytest.param("POST", "/share-links", {"itemId": "5", "itemType": "record"}, id="share-foreign-record"),
        pytest.param("POST", "/share-links", {"itemId": "7", "itemType": "folder"}, id="share-foreign-folder"),
        pytest.param("PATCH", "/share-links/3", {"maxUses": 2}, id="update-foreign-link"),
        pytest.param("DELETE", "/share-links/3", None, id="delete-foreign-link"),
    ],
)
def test_guard_refuses_stela_writes_but_the_runs_share_links(method: str, path: str, body: object) -> None:
    """On Stela the suite writes only share links of its own items, and changes only its own links."""
    with pytest.raises(UnsafeRequest, match="Stela"):
        guard().check(stela_request(method, path, body))


@pytest.mark.parametrize("item_type", ["archive", ["record"], None], ids=["word", "array", "null"])
def test_guard_allows_a_stela_share_link_body_that_names_no_item_kind(item_type: object) -> None:
    """Stela's Joi refuses an itemType other than record or folder before reading anything, so it may be sent."""
    guard().check(stela_request("POST", "/share-links", {"itemId": "5", "itemType": item_type}))


def test_guard_learns_stela_share_links_of_the_runs_items() -> None:
    """A Stela share link made on the run's record may then be changed and deleted; a foreign one may not."""
    g = guard()
    observe_create(g, "/record/registerRecord", {"parentFolderId": TEST_FOLDER}, {"recordId": 5, "folder_linkId": 50})
    create = stela_request("POST", "/share-links", {"itemId": "5", "itemType": "record"})
    g.check(create)
    assert g.wants_answer(create)
    g.observe(create, 201, json.dumps({"data": {"id": "9", "itemId": "5", "itemType": "record"}}).encode())
    g.observe(create, 201, json.dumps({"data": {"id": "10", "itemId": "6", "itemType": "record"}}).encode())
    g.check(stela_request("PATCH", "/share-links/9", {"maxUses": 2}))
    g.check(stela_request("DELETE", "/share-links/9"))
    with pytest.raises(UnsafeRequest, match="Stela"):
        g.check(stela_request("DELETE", "/share-links/10"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("POST", "/folder/post", b"{not json", id="malformed-json"),
        pytest.param("POST", "/folder/post", {"displayName": "x"}, id="no-parent"),
        pytest.param("POST", "/folder/post", {"parentFolderId": True}, id="boolean-parent"),
        pytest.param("PUT", "/account/getAuthenticatedAccount", None, id="wrong-method-on-read-route"),
    ],
)
def test_guard_allows_requests_that_name_no_target(method: str, path: str, body: object) -> None:
    """A write that cannot name an item (malformed or incomplete) may be sent: it can only be refused."""
    guard().check(request(method, path, body))


def test_guard_lets_writes_through_to_other_hosts() -> None:
    """FusionAuth, the upload target and downloads are not PHP writes."""
    guard().check(httpx.Request("POST", "https://auth.staging.test/api/login", content=b"{}"))
    guard().check(httpx.Request("POST", "https://bucket.s3.test/", content=b"x"))


def observe_create(g: WriteGuard, path: str, sent: dict[str, object], answer: dict[str, object]) -> None:
    """Let the guard see a successful create."""
    g.observe(request("POST", path, sent), 200, json.dumps(answer).encode())


def test_guard_learns_created_items_and_allows_writes_to_them() -> None:
    """After a folder is created in the test folder, writes below and to it are allowed."""
    g = guard()
    observe_create(
        g, "/folder/post", {"displayName": "x", "parentFolderId": TEST_FOLDER}, {"folderId": 5, "folder_linkId": 50}
    )
    g.check(request("POST", "/folder/post", {"displayName": "y", "parentFolderId": 5}))
    g.check(request("DELETE", "/folder/delete", params={"folderId": "5"}))
    g.check(request("POST", "/share/generateShareLink", {"folderLinkId": 50}))
    observe_create(g, "/share/generateShareLink", {"folderLinkId": 50}, {"shareby_urlId": 8, "folder_linkId": 50})
    g.check(request("POST", "/share/updateShareLink", {"shareByUrlId": 8}))
    assert g.created == [Created("folder", 5, 50, TEST_FOLDER)]


def test_guard_allows_updating_a_record_it_created() -> None:
    """record/update may name a record the run registered in the test folder, and nothing else."""
    g = guard()
    observe_create(g, "/record/registerRecord", {"parentFolderId": TEST_FOLDER}, {"recordId": 7, "folder_linkId": 70})
    g.check(request("POST", "/record/update", {"recordId": 7, "displayName": "renamed"}))
    with pytest.raises(UnsafeRequest, match="refusing"):
        g.check(request("POST", "/record/update", {"recordId": 8, "displayName": "renamed"}))


def test_guard_ignores_failed_writes() -> None:
    """A refused create teaches the guard nothing."""
    g = guard()
    g.observe(request("POST", "/folder/post", {"parentFolderId": TEST_FOLDER}), 404, b'{"folderId": 5}')
    assert g.created == []


def test_guard_not_enforcing_still_learns() -> None:
    """In-process targets are not guarded, but created items are still tracked for cleanup."""
    g = guard(enforce=False)
    g.check(request("DELETE", "/folder/delete", params={"folderId": "1"}))
    observe_create(g, "/folder/post", {"parentFolderId": 3}, {"folderId": 5, "folder_linkId": 50})
    assert [item.item_id for item in g.created] == [5]


def test_guarded_transport_checks_learns_and_keeps_the_answer_readable() -> None:
    """Through an httpx client, the guard sees the answer and the caller still gets a complete response."""

    def answer(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"folderId": 5, "folder_linkId": 50})

    g = guard()
    with httpx.Client(transport=GuardedTransport(httpx.MockTransport(answer), g)) as client:
        response = client.post(API + "/folder/post", json={"displayName": "x", "parentFolderId": TEST_FOLDER})
        assert response.json()["folderId"] == 5
        assert response.elapsed.total_seconds() >= 0, "elapsed is set (schemathesis reads it)"
        with pytest.raises(UnsafeRequest):
            client.post(API + "/folder/post", json={"displayName": "x", "parentFolderId": 6})
    assert [item.item_id for item in g.created] == [5]


def test_cleanup_deletes_only_roots_and_skips_deleted_items() -> None:
    """Folders go with their subtree; items already deleted are not deleted again."""
    g = guard()
    g.created = [
        Created("folder", 5, 50, TEST_FOLDER),
        Created("folder", 6, 60, 5),
        Created("record", 7, 70, 6),
        Created("record", 8, 80, TEST_FOLDER),
        Created("folder", 9, 90, TEST_FOLDER),
    ]
    g.deleted = {("folder", 9)}
    assert [(i.kind, i.item_id) for i in cleanup_order(g)] == [("record", 8), ("folder", 5)]


def test_cleanup_reports_what_it_could_not_remove() -> None:
    """Items already gone are fine; other failures are reported, and every item is tried."""
    g = guard()
    g.created = [Created("folder", 5, 50, TEST_FOLDER), Created("record", 8, 80, TEST_FOLDER)]

    class Gone(Exception):
        pass

    def delete_folder(item_id: int) -> None:
        raise RuntimeError("server down")

    def delete_record(item_id: int) -> None:
        raise Gone

    leftovers = cleanup(g, delete_folder, delete_record, lambda exc: isinstance(exc, Gone))
    assert leftovers == ["folder 5: server down"]


# --------------------------------------------------------------------------- the web app's v1 envelope


def v1(path: str, *items: dict[str, object]) -> httpx.Request:
    """A v1 call as the web app sends it: no Request-Version, the items in RequestVO.data."""
    return request("POST", path, {"RequestVO": {"csrf": "c" * 32, "data": list(items)}})


def folder_vo(**ids: object) -> dict[str, object]:
    """An item holding one FolderVO."""
    return {"FolderVO": ids}


def sandboxed() -> WriteGuard:
    """A guard that has seen the run create folder 5 (link 50) and record 7 (link 70) in the test folder."""
    g = guard()
    observe_create(g, "/folder/post", {"parentFolderId": TEST_FOLDER}, {"folderId": 5, "folder_linkId": 50})
    observe_create(g, "/record/registerRecord", {"parentFolderId": 5}, {"recordId": 7, "folder_linkId": 70})
    g.observe(
        v1("/folder/post", folder_vo(parentFolderId=5, displayName="six")),
        200,
        json.dumps(
            {
                "Results": [
                    {"status": True, "data": [{"FolderVO": {"folderId": 6, "folder_linkId": 60, "parentFolderId": 5}}]}
                ]
            }
        ).encode(),
    )
    return g


@pytest.mark.parametrize(
    ("path", "items"),
    [
        pytest.param("/folder/post", [folder_vo(parentFolderId=TEST_FOLDER), folder_vo(parentFolderId=5)], id="post"),
        pytest.param("/folder/post", [folder_vo(parentFolder_linkId=50)], id="post-by-link"),
        pytest.param("/folder/update", [folder_vo(folderId=6, folder_linkId=60, displayName="x")], id="update"),
        pytest.param(
            "/folder/move", [{"FolderVO": {"folder_linkId": 60}, "FolderDestVO": {"folder_linkId": 50}}], id="move"
        ),
        pytest.param(
            "/record/copy",
            [{"RecordVO": {"folder_linkId": 70, "recordId": 7}, "FolderDestVO": {"folder_linkId": 60}}],
            id="copy",
        ),
        pytest.param("/folder/delete", [folder_vo(folderId=6)], id="delete"),
        pytest.param("/record/delete", [{"RecordVO": {"recordId": 7}}], id="delete-record"),
        pytest.param(
            "/record/getPresignedUrl", [{"RecordVO": {"parentFolderId": 6, "displayName": "f", "size": 1}}], id="upload"
        ),
        pytest.param("/auth/login", [{"AccountVO": {}, "AccountPasswordVO": {}}], id="login"),
        pytest.param("/archive/change", [{"ArchiveVO": {"archiveId": 1}}], id="change-archive"),
        pytest.param("/folder/navigateLean", [folder_vo(folder_linkId=1)], id="navigate-anywhere"),
    ],
)
def test_guard_allows_v1_writes_inside_the_sandbox_and_v1_reads(path: str, items: list[dict[str, object]]) -> None:
    """Every id every item names is the run's own (or the test folder as a parent); reads go anywhere."""
    sandboxed().check(v1(path, *items))


@pytest.mark.parametrize(
    ("path", "items", "reason"),
    [
        pytest.param("/folder/post", [folder_vo(parentFolderId=5), folder_vo(parentFolderId=3)], "item 1", id="batch"),
        pytest.param("/folder/post", [folder_vo(displayName="x")], "names none", id="no-parent"),
        pytest.param("/folder/post", [], "names none", id="empty-data"),
        pytest.param("/folder/update", [folder_vo(folderId=6, folder_linkId=13)], "folder_linkId", id="foreign-link"),
        pytest.param(
            "/folder/move",
            [{"FolderVO": {"folder_linkId": 60}, "FolderDestVO": {"folder_linkId": 13}}],
            "FolderDestVO",
            id="move-out",
        ),
        pytest.param(
            "/folder/copy",
            [{"FolderVO": {"folder_linkId": 13}, "FolderDestVO": {"folder_linkId": 50}}],
            "13",
            id="copy-in",
        ),
        pytest.param("/folder/move", [{"FolderVO": {"folder_linkId": 60}}], "FolderDestVO", id="no-destination"),
        pytest.param("/folder/delete", [folder_vo(folderId=TEST_FOLDER)], "100", id="delete-test-folder"),
        pytest.param("/record/delete", [{"RecordVO": {"recordId": "9"}}], "9", id="foreign-record"),
        pytest.param("/record/getPresignedUrl", [{"RecordVO": {"parentFolderId": 3}}], "3", id="upload-elsewhere"),
        pytest.param("/folder/sort", [folder_vo(folderId=5)], "not a v1 call", id="unknown-call"),
    ],
)
def test_guard_refuses_v1_writes_it_cannot_prove_are_in_the_sandbox(
    path: str, items: list[dict[str, object]], reason: str
) -> None:
    """A v1 item naming anything outside the sandbox, or nothing the guard can check, refuses the whole call."""
    with pytest.raises(UnsafeRequest, match=reason):
        sandboxed().check(v1(path, *items))


def test_guard_refuses_v1_data_that_is_not_items() -> None:
    """RequestVO.data holding something other than objects cannot be proven harmless."""
    with pytest.raises(UnsafeRequest, match="other than items"):
        guard().check(request("POST", "/folder/delete", {"RequestVO": {"data": [5]}}))


def test_guard_checks_a_v2_body_sent_without_request_version_as_v2() -> None:
    """Without Request-Version and without RequestVO, the v2 rule still applies (a server may read it either way)."""
    with pytest.raises(UnsafeRequest, match="parentFolderId"):
        guard().check(request("POST", "/folder/post", {"displayName": "x", "parentFolderId": 3}))


def test_guard_learns_v1_copies_and_deletes_item_by_item() -> None:
    """A successful copy is learnt with its parent; a delete is remembered; a failed item teaches nothing."""
    g = sandboxed()
    copy = v1("/folder/copy", {"FolderVO": {"folder_linkId": 60}, "FolderDestVO": {"folder_linkId": 50}})
    made = {"FolderVO": {"folderId": 8, "folder_linkId": 80, "parentFolderId": 5}}
    g.observe(copy, 200, json.dumps({"Results": [{"status": True, "data": [made]}]}).encode())
    deletes = v1("/folder/delete", folder_vo(folderId=6), folder_vo(folderId=8))
    g.observe(deletes, 200, json.dumps({"Results": [{"status": True}, {"status": False}]}).encode())
    g.check(v1("/folder/post", folder_vo(parentFolder_linkId=80)))
    assert (g.created[-2:], g.deleted) == (
        [Created("folder", 6, 60, 5), Created("folder", 8, 80, 5)],
        {("folder", 6)},
    )
