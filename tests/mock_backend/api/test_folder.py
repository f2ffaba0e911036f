"""Tests of mock_backend.api.folder: getRoot, getWithChildren, folder/post and folder/delete."""

from __future__ import annotations

from typing import Any

import pytest

from mock_backend.config import Quirks
from mock_backend.domain import messages
from tests.conftest import Api, World, error_key, ok

FOLDER_ONLY_KEYS = {"folderId", "ChildItemVOs"}
RECORD_ONLY_KEYS = {"recordId", "uploadFileName"}


def _names(api: Api, world: World, folder_id: int | None = None) -> list[str]:
    return [c["downloadName"] for c in api.children(folder_id or world.my_files, world.demo_archive)]


# ---------------------------------------------------------------- getRoot
def test_get_root_invisible_archive_is_archive_lookup(api: Api, world: World) -> None:
    """Another account's archive answers getRoot with 404 error.archive.lookup."""
    response = api.get("/api/folder/getRoot", archiveId=world.private_archive)
    assert (response.status_code, error_key(response)) == (404, messages.ARCHIVE_LOOKUP)


def test_get_root_unknown_archive_is_archive_lookup(api: Api) -> None:
    """An archive id that does not exist answers 404 error.archive.lookup."""
    response = api.get("/api/folder/getRoot", archiveId=987654)
    assert (response.status_code, error_key(response)) == (404, messages.ARCHIVE_LOOKUP)


def test_get_root_string_archive_id_is_accepted(api: Api, world: World) -> None:
    """The archiveId query is read as an integer, whatever the decimal spelling ("0001" is 1)."""
    padded = f"{world.demo_archive:04d}"
    assert ok(api.get("/api/folder/getRoot", archiveId=padded))["archiveId"] == world.demo_archive


# ---------------------------------------------------------------- getWithChildren
def test_get_with_children_lists_every_direct_child(api: Api, world: World) -> None:
    """ChildItemVOs holds exactly the direct children, folders and records, in alphabetical order."""
    folder = ok(api.get("/api/folder/getWithChildren", folderId=world.photos, archiveId=world.demo_archive))
    assert [(c["displayName"], "folderId" in c) for c in folder["ChildItemVOs"]] == [
        ("2024", True),
        ("blue.png", False),
    ]


def test_get_with_children_child_folders_carry_empty_child_list(api: Api, world: World) -> None:
    """Every child folder is a complete FolderVO with `ChildItemVOs: []`."""
    folders = [c for c in api.children(world.my_files, world.demo_archive) if "folderId" in c]
    assert [c["ChildItemVOs"] for c in folders] == [[], [], [], []]


def test_get_with_children_folders_never_carry_record_keys(api: Api, world: World) -> None:
    """Folder children omit the keys recordId and uploadFileName (not even null)."""
    folders = [c for c in api.children(world.my_files, world.demo_archive) if "folderId" in c]
    assert [sorted(RECORD_ONLY_KEYS & set(c)) for c in folders] == [[]] * len(folders)


def test_get_with_children_records_never_carry_folder_keys(api: Api, world: World) -> None:
    """Record children omit the keys folderId and ChildItemVOs (not even null)."""
    records = [c for c in api.children(world.documents, world.demo_archive) if "recordId" in c]
    assert [sorted(FOLDER_ONLY_KEYS & set(c)) for c in records] == [[]] * 4


def test_get_with_children_folder_itself_never_carries_record_keys(api: Api, world: World) -> None:
    """The folder answered by getWithChildren has no recordId/uploadFileName keys."""
    folder = ok(api.get("/api/folder/getWithChildren", folderId=world.documents, archiveId=world.demo_archive))
    assert RECORD_ONLY_KEYS & set(folder) == set()


@pytest.mark.parametrize(
    ("settings_overrides", "with_files"),
    [({}, False), ({"quirks": Quirks(php_child_records_null_files=False)}, True)],
    ids=["quirk-on-null", "quirk-off-list"],
)
def test_get_with_children_record_files_follow_null_files_quirk(api: Api, world: World, with_files: bool) -> None:
    """Child records carry `FileVOs: null` with the quirk, and their FileVOs (original first) without it."""
    [welcome] = [c for c in api.children(world.my_files, world.demo_archive) if "recordId" in c]
    files = welcome["FileVOs"]
    assert (files is not None, files[0]["format"] if files else None) == (
        with_files,
        "file.format.original" if with_files else None,
    )


def test_get_with_children_folder_outside_archive_is_folder_lookup(api: Api, world: World) -> None:
    """A folder asked for under another archiveId answers 404 error.folder.lookup."""
    response = api.get("/api/folder/getWithChildren", folderId=world.documents, archiveId=world.family_archive)
    assert (response.status_code, error_key(response)) == (404, messages.FOLDER_LOOKUP)


def test_get_with_children_other_accounts_folder_is_folder_lookup(api: Api, world: World) -> None:
    """Another account's folder answers 404 error.folder.lookup, as if it did not exist."""
    response = api.get("/api/folder/getWithChildren", folderId=world.private_my_files, archiveId=world.private_archive)
    assert (response.status_code, error_key(response)) == (404, messages.FOLDER_LOOKUP)


def test_get_with_children_viewer_reads_shared_archive(api: Api, world: World) -> None:
    """A viewer (demo in Family Archive) can read its folders."""
    names = [c["downloadName"] for c in api.children(world.family_my_files, world.family_archive)]
    assert names == ["family-tree.txt", "Recipes"]


# ---------------------------------------------------------------- folder/post
def test_post_folder_creates_empty_private_folder(api: Api, world: World) -> None:
    """folder/post answers the new FolderVO: the names as asked, type.folder.private, no children."""
    folder = ok(api.create_folder(world.my_files, "Letters"))
    assert (
        folder["displayName"],
        folder["downloadName"],
        folder["type"],
        folder["ChildItemVOs"],
        folder["parentFolderId"],
    ) == ("Letters", "Letters", "type.folder.private", [], world.my_files)


def test_post_folder_new_folder_is_listed_in_parent(api: Api, world: World) -> None:
    """The new folder appears in its parent's getWithChildren."""
    ok(api.create_folder(world.my_files, "Letters"))
    assert "Letters" in _names(api, world)


def test_post_folder_in_public_root_gets_public_type(api: Api, world: World) -> None:
    """A folder created in Public is type.folder.public."""
    assert ok(api.create_folder(world.public, "Shared"))["type"] == "type.folder.public"


def test_post_folder_same_name_three_times_suffixes_one_two(api: Api, world: World) -> None:
    """Creating "X" three times gives downloadNames "X", "X (1)", "X (2)"."""
    names = [ok(api.create_folder(world.my_files, "X"))["downloadName"] for _ in range(3)]
    assert names == ["X", "X (1)", "X (2)"]


def test_post_folder_duplicate_keeps_display_name(api: Api, world: World) -> None:
    """De-duplication changes downloadName only; displayName stays as asked."""
    ok(api.create_folder(world.my_files, "X"))
    assert ok(api.create_folder(world.my_files, "X"))["displayName"] == "X"


def test_post_folder_deduplication_reads_only_names_that_can_collide(api: Api, world: World) -> None:
    """Near-miss siblings (other case, no space, a ")" where "(" would be, a prefix) never count as taken."""
    parent = ok(api.create_folder(world.my_files, "near misses"))["folderId"]
    for name in ["r (1)", "R (2)", "r(3)", "r )", "r (", "rr (4)", "r (x)"]:
        assert ok(api.create_folder(parent, name))["downloadName"] == name
    created = [ok(api.create_folder(parent, "r"))["downloadName"] for _ in range(3)]
    assert created == ["r", "r (2)", "r (3)"]


def test_post_folder_suffixed_name_increments_rather_than_nests(api: Api, world: World) -> None:
    """Creating "A (1)" when "A" and "A (1)" exist gives "A (2)", not "A (1) (1)"."""
    ok(api.create_folder(world.my_files, "A"))
    ok(api.create_folder(world.my_files, "A"))
    assert ok(api.create_folder(world.my_files, "A (1)"))["downloadName"] == "A (2)"


def test_post_folder_other_case_is_not_a_duplicate(api: Api, world: World) -> None:
    """Names differing only in case do not clash: "documents" beside "Documents" stays "documents"."""
    assert ok(api.create_folder(world.my_files, "documents"))["downloadName"] == "documents"


def test_post_folder_clash_with_records_keeps_extension(api: Api, world: World) -> None:
    """A folder named like records (notes.txt, notes (1).txt) becomes "notes (2).txt": across types, extension kept."""
    assert ok(api.create_folder(world.documents, "notes.txt"))["downloadName"] == "notes (2).txt"


def test_post_folder_same_name_in_other_parent_is_not_a_duplicate(api: Api, world: World) -> None:
    """Siblings only clash within one parent: "Documents" inside Photos stays "Documents"."""
    assert ok(api.create_folder(world.photos, "Documents"))["downloadName"] == "Documents"


def test_post_folder_fail_on_duplicate_is_conflict_and_creates_nothing(api: Api, world: World) -> None:
    """With failOnDuplicateName a taken name answers 409 error.item.duplicate_name and creates nothing."""
    before = _names(api, world)
    response = api.create_folder(world.my_files, "Documents", failOnDuplicateName=True)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        409,
        messages.DUPLICATE_NAME,
        before,
    )


def test_post_folder_fail_on_duplicate_with_free_name_creates_it(api: Api, world: World) -> None:
    """With failOnDuplicateName a free name is created unchanged."""
    assert ok(api.create_folder(world.my_files, "Fresh", failOnDuplicateName=True))["downloadName"] == "Fresh"


def test_post_folder_fail_on_duplicate_false_suffixes(api: Api, world: World) -> None:
    """With failOnDuplicateName false a taken name is suffixed as usual."""
    response = api.create_folder(world.my_files, "Documents", failOnDuplicateName=False)
    assert ok(response)["downloadName"] == "Documents (1)"


@pytest.mark.parametrize(
    ("flag", "status", "name"),
    [(None, 200, "Documents (1)"), (0, 200, "Documents (1)"), (1, 409, None), ("yes", 400, None), ([], 400, None)],
    ids=["null-as-absent", "zero", "one", "word", "list"],
)
def test_post_folder_fail_on_duplicate_takes_the_contracts_toggles(
    api: Api, world: World, flag: object, status: int, name: str | None
) -> None:
    """failOnDuplicateName is a ToggleInput: booleans, 0/1, or null as absent; anything else is 400."""
    response = api.create_folder(world.my_files, "Documents", failOnDuplicateName=flag)
    assert (response.status_code, response.get_json().get("downloadName")) == (status, name)


@pytest.mark.parametrize(
    "parent",
    [
        lambda w: str(w.my_files),
        lambda w: float(w.my_files),
        lambda w: f" {w.my_files} ",
        lambda w: f"{w.my_files:020d}",
    ],
    ids=["digit-string", "integral-float", "padded-string", "twenty-digits-with-leading-zeros"],
)
def test_post_folder_integer_valued_parent_id_is_accepted(api: Api, world: World, parent: Any) -> None:
    """parentFolderId may be an integer-valued string ("3", as SDK 0.10 sends Stela ids) or 3.0."""
    assert ok(api.create_folder(parent(world), "By String"))["parentFolderId"] == world.my_files


@pytest.mark.parametrize(
    "parent",
    [True, False, 1.5, "abc", "3abc", "", "-3", 0, [3], {"id": 3}, 2**64, 10**30, "99999999999999999999"],
    ids=[
        "true",
        "false",
        "fraction",
        "letters",
        "trailing-letters",
        "empty-string",
        "negative-string",
        "zero",
        "list",
        "object",
        "two-to-64",
        "huge",
        "huge-string",
    ],
)
def test_post_folder_non_integer_parent_id_is_invalid_request(api: Api, world: World, parent: object) -> None:
    """Booleans, fractions, non-digit strings and out-of-range numbers answer 400 and create nothing."""
    before = _names(api, world)
    response = api.create_folder(parent, "Bad Parent")
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        before,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"parentFolderId": "PARENT"},
        {"displayName": "No Parent"},
        {"displayName": None, "parentFolderId": "PARENT"},
        {"displayName": "", "parentFolderId": "PARENT"},
        {"displayName": "   ", "parentFolderId": "PARENT"},
        {},
    ],
    ids=["no-name", "no-parent", "null-name", "empty-name", "blank-name", "empty-body"],
)
def test_post_folder_missing_field_is_validation_empty(api: Api, world: World, body: dict[str, Any]) -> None:
    """A missing, null or blank required field answers 400 warning.validation.empty and creates nothing."""
    before = _names(api, world)
    filled = {key: world.my_files if value == "PARENT" else value for key, value in body.items()}
    response = api.post("/api/folder/post", filled)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.VALIDATION_EMPTY,
        before,
    )


@pytest.mark.parametrize(
    "name",
    ["a\x00b", "a\ud800b", "\udfff", "a/b", "x" * 256, 42, ["x"]],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate", "slash", "too-long", "number", "list"],
)
def test_post_folder_unusable_name_is_invalid_request(api: Api, world: World, name: object) -> None:
    """NUL, lone surrogates, slashes, over-long names and non-strings answer 400 (not 500) and create nothing."""
    before = _names(api, world)
    response = api.create_folder(world.my_files, name)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        before,
    )


@pytest.mark.parametrize(
    "flag",
    ["yes", 2, [True]],
    ids=["string", "two", "list"],
)
def test_post_folder_non_boolean_flag_is_invalid_request(api: Api, world: World, flag: object) -> None:
    """A failOnDuplicateName that is not a boolean answers 400 and creates nothing."""
    before = _names(api, world)
    response = api.create_folder(world.my_files, "Flagged", failOnDuplicateName=flag)
    assert (response.status_code, error_key(response), _names(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        before,
    )


def test_post_folder_unusual_unicode_name_round_trips(api: Api, world: World) -> None:
    """Non-ASCII, astral and combining characters are kept exactly."""
    name = "Fotos ☀ 日本 🎉 e\u0301"
    assert ok(api.create_folder(world.my_files, name))["downloadName"] == name


def test_post_folder_unknown_keys_are_ignored(api: Api, world: World) -> None:
    """Keys the mock does not know (archiveId, as real callers send) are ignored."""
    response = api.create_folder(world.my_files, "Extra", archiveId=world.demo_archive, color="blue")
    assert ok(response)["downloadName"] == "Extra"


def test_post_folder_unknown_parent_is_folder_lookup(api: Api) -> None:
    """A parentFolderId that does not exist answers 404 error.folder.lookup."""
    response = api.create_folder(987654, "Orphan")
    assert (response.status_code, error_key(response)) == (404, messages.FOLDER_LOOKUP)


def test_post_folder_in_other_accounts_folder_is_folder_lookup(api: Api, world: World) -> None:
    """A parent in another account's archive answers 404 error.folder.lookup and creates nothing there."""
    response = api.create_folder(world.private_my_files, "Intruder")
    names = [c["downloadName"] for c in api.children(world.private_my_files, world.private_archive, "other")]
    assert (response.status_code, error_key(response), "Intruder" in names) == (404, messages.FOLDER_LOOKUP, False)


def test_post_folder_viewer_is_no_action_permission_and_creates_nothing(api: Api, world: World) -> None:
    """A viewer (demo in Family Archive) may not create folders: 403, and nothing is created."""
    response = api.create_folder(world.family_my_files, "Viewer Folder")
    names = [c["downloadName"] for c in api.children(world.family_my_files, world.family_archive)]
    assert (response.status_code, error_key(response), names) == (
        403,
        messages.NO_ACTION_PERMISSION,
        ["family-tree.txt", "Recipes"],
    )


def test_post_folder_new_ids_are_fresh(api: Api, world: World) -> None:
    """Two new folders get distinct folderIds, folder_linkIds and archiveNbrs."""
    first, second = (ok(api.create_folder(world.my_files, name)) for name in ("One", "Two"))
    assert (
        first["folderId"] != second["folderId"],
        first["folder_linkId"] != second["folder_linkId"],
        first["archiveNbr"] != second["archiveNbr"],
    ) == (True, True, True)


# ---------------------------------------------------------------- folder/delete
def test_delete_folder_answers_empty_200(api: Api, world: World) -> None:
    """folder/delete answers 200 with an empty body."""
    response = api.delete("/api/folder/delete", folderId=world.photos)
    assert (response.status_code, response.data) == (200, b"")


def test_delete_folder_leaves_parent_listing(api: Api, world: World) -> None:
    """The deleted folder is gone from its parent's getWithChildren."""
    api.delete("/api/folder/delete", folderId=world.photos)
    assert "Photos" not in _names(api, world)


def test_delete_folder_descendant_folders_answer_folder_lookup(api: Api, world: World) -> None:
    """The folder and every folder below it answer getWithChildren with 404 error.folder.lookup."""
    api.delete("/api/folder/delete", folderId=world.photos)
    answers = [
        (r.status_code, error_key(r))
        for r in (
            api.get("/api/folder/getWithChildren", folderId=folder_id, archiveId=world.demo_archive)
            for folder_id in (world.photos, world.photos_2024)
        )
    ]
    assert answers == [(404, messages.FOLDER_LOOKUP)] * 2


def test_delete_folder_descendant_records_answer_record_lookup(api: Api, world: World) -> None:
    """Every record below the deleted folder answers record/get with 404 error.record.lookup."""
    records = [
        api.child(world.photos, world.demo_archive, "blue.png"),
        api.child(world.photos_2024, world.demo_archive, "orange.png"),
    ]
    api.delete("/api/folder/delete", folderId=world.photos)
    answers = [
        (r.status_code, error_key(r))
        for r in (
            api.get("/api/record/get", recordId=record["recordId"], archiveId=world.demo_archive) for record in records
        )
    ]
    assert answers == [(404, messages.RECORD_LOOKUP)] * 2


def test_delete_folder_descendants_vanish_from_stela_folder(api: Api, world: World) -> None:
    """Stela GET /folder answers `{"items": []}` for the deleted folder and its subfolder."""
    api.delete("/api/folder/delete", folderId=world.photos)
    assert ok(api.stela_folders(world.photos, world.photos_2024)) == {"items": []}


def test_delete_folder_descendants_children_answer_stela_empty_page(api: Api, world: World) -> None:
    """Stela children of the deleted folder and its subfolder answer an empty page, as for any unknown folder."""
    api.delete("/api/folder/delete", folderId=world.photos)
    pages = [ok(api.stela_children(folder_id)) for folder_id in (world.photos, world.photos_2024)]
    assert pages == [{"items": [], "pagination": {"totalPages": 0}}] * 2


def test_delete_folder_descendant_download_urls_answer_file_lookup(api: Api, world: World) -> None:
    """The download URLs of records below the deleted folder answer 404 error.file.lookup."""
    orange = api.child(world.photos_2024, world.demo_archive, "orange.png")
    record = ok(api.get("/api/record/get", recordId=orange["recordId"], archiveId=world.demo_archive))
    api.delete("/api/folder/delete", folderId=world.photos)
    response = api.download(record["FileVOs"][0]["downloadURL"])
    assert (response.status_code, error_key(response)) == (404, messages.FILE_LOOKUP)


def test_delete_folder_name_is_reusable_without_suffix(api: Api, world: World) -> None:
    """After a hard delete the name is free again: a new "Photos" is not suffixed."""
    api.delete("/api/folder/delete", folderId=world.photos)
    assert ok(api.create_folder(world.my_files, "Photos", failOnDuplicateName=True))["downloadName"] == "Photos"


def test_delete_folder_non_empty_folder_is_deleted(api: Api, world: World) -> None:
    """There is no emptiness check: Many Files (150 records) is deleted whole."""
    response = api.delete("/api/folder/delete", folderId=world.many_files)
    assert (response.status_code, "Many Files" in _names(api, world)) == (200, False)


@pytest.mark.parametrize("root", ["Archive Root", "Apps", "My Files", "Public"])
def test_delete_folder_root_folder_is_no_unlink_root(api: Api, world: World, root: str) -> None:
    """Root folders (type.folder.root.*) answer 403 error.folder.no_unlink_root and stay."""
    archive_root = ok(api.get("/api/folder/getRoot", archiveId=world.demo_archive))
    folder_id = (
        archive_root["folderId"] if root == "Archive Root" else api.root_child(world.demo_archive, root)["folderId"]
    )
    response = api.delete("/api/folder/delete", folderId=folder_id)
    after = ok(api.get("/api/folder/getRoot", archiveId=world.demo_archive))
    assert (response.status_code, error_key(response), after) == (403, messages.NO_UNLINK_ROOT, archive_root)


def test_delete_folder_viewer_is_no_action_permission_and_deletes_nothing(api: Api, world: World) -> None:
    """A viewer may not delete folders: 403, and Recipes stays."""
    response = api.delete("/api/folder/delete", folderId=world.recipes)
    names = [c["downloadName"] for c in api.children(world.family_my_files, world.family_archive)]
    assert (response.status_code, error_key(response), "Recipes" in names) == (
        403,
        messages.NO_ACTION_PERMISSION,
        True,
    )


def test_delete_folder_other_accounts_folder_is_folder_lookup(api: Api, world: World) -> None:
    """Another account's folder answers folder/delete with 404 error.folder.lookup."""
    secret_folder = ok(api.create_folder(world.private_my_files, "Hidden", "other"))
    response = api.delete("/api/folder/delete", folderId=secret_folder["folderId"])
    still = [c["downloadName"] for c in api.children(world.private_my_files, world.private_archive, "other")]
    assert (response.status_code, error_key(response), "Hidden" in still) == (404, messages.FOLDER_LOOKUP, True)


def test_delete_folder_twice_is_folder_lookup(api: Api, world: World) -> None:
    """A folder deleted once answers a second delete with 404 error.folder.lookup."""
    api.delete("/api/folder/delete", folderId=world.empty_folder)
    response = api.delete("/api/folder/delete", folderId=world.empty_folder)
    assert (response.status_code, error_key(response)) == (404, messages.FOLDER_LOOKUP)


def test_delete_folder_missing_folder_id_is_validation_empty(api: Api) -> None:
    """folder/delete without folderId answers 400 warning.validation.empty."""
    response = api.delete("/api/folder/delete")
    assert (response.status_code, error_key(response)) == (400, messages.VALIDATION_EMPTY)


def test_delete_folder_shrinks_parent_size(api: Api, world: World) -> None:
    """Stela's deep size of My Files drops by the deleted folder's size."""
    before = ok(api.stela_folders(world.my_files))["items"][0]["size"]
    photos = ok(api.stela_folders(world.photos))["items"][0]["size"]
    api.delete("/api/folder/delete", folderId=world.photos)
    assert ok(api.stela_folders(world.my_files))["items"][0]["size"] == before - photos


@pytest.mark.parametrize("settings_overrides", [{"enforce_deletion_gate": True}], ids=["gate-enforced"])
def test_delete_folder_open_gate_deletes(api: Api, world: World) -> None:
    """With enforce_deletion_gate, an account whose allowSftpDeletion is true deletes as usual."""
    assert api.delete("/api/folder/delete", folderId=world.empty_folder).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"enforce_deletion_gate": True}], ids=["gate-enforced"])
def test_delete_folder_closed_gate_is_no_action_permission(api: Api, world: World) -> None:
    """With enforce_deletion_gate, allowSftpDeletion false forbids deleting (403), and the folder stays."""
    api.client.patch("/_mock/account", json={"allowSftpDeletion": False}, headers=api.headers())
    response = api.delete("/api/folder/delete", folderId=world.empty_folder)
    assert (response.status_code, error_key(response), "Empty Folder" in _names(api, world)) == (
        403,
        messages.NO_ACTION_PERMISSION,
        True,
    )
