"""Layer 3: the real system's surprising behaviours (decision D4), asserted as the real system shows them."""

from __future__ import annotations

from contracts.sdk import Folder, PermanentClient
from contracts.suite.support import Names, RawHttp, Wire, compact_json, upload
from contracts.targets import Target


def test_empty_folder_page_omits_cursor(client: PermanentClient, wire: Wire, workdir: Folder) -> None:
    """Stela answers an empty children page without nextCursor/nextPage (stela get_folder_children, §8.3)."""
    client.get_folder(workdir.id)
    page = wire.last_json("get_folder.children")
    assert page["items"] == [], "the scenario folder is empty"
    for absent in ("nextCursor", "nextPage"):
        assert absent not in page["pagination"], f"real Stela omits {absent} on an empty page, got {page['pagination']}"
    assert page["pagination"].get("totalPages") == 0, "totalPages is ceil(0 / pageSize) = 0"


def test_stela_ids_are_strings(client: PermanentClient, wire: Wire, workdir: Folder) -> None:
    """Stela sends folderId and folderLinkId as JSON strings (sdk fixture stelaFolder.json)."""
    client.get_folder(workdir.id)
    item = wire.last_json("get_folder.folder")["items"][0]
    for key in ("folderId", "folderLinkId"):
        assert isinstance(item[key], str), f"Stela sends {key} as a string, got {item[key]!r}"


def test_stela_folder_enums_are_pretty(client: PermanentClient, wire: Wire, workdir: Folder) -> None:
    """Stela folders say `private` and `alphabetical-ascending` rather than PHP's raw strings (§12.5)."""
    client.get_folder(workdir.id)
    item = wire.last_json("get_folder.folder")["items"][0]
    assert (item["type"], item["sort"], item["view"]) == ("private", "alphabetical-ascending", "grid"), (
        "a user folder under My Files is pretty-typed by Stela"
    )


def test_child_records_of_get_with_children_have_null_files(
    client: PermanentClient, wire: Wire, target: Target, workdir: Folder, names: Names
) -> None:
    """folder/getWithChildren lists child records with `FileVOs: null` (sdk getFolder/folder.json fixture)."""
    record = upload(client, b"child", names.new("child.txt"), workdir.id)
    assert target.test_archive_id is not None
    client.get_folder_with_children(workdir.id, target.test_archive_id)
    children = wire.last_json("get_folder_with_children")["ChildItemVOs"]
    child = next(c for c in children if c.get("recordId") == record.id)
    assert child.get("FileVOs") is None, f"child records carry FileVOs null, got {child.get('FileVOs')!r}"


def test_share_link_toggles_are_integers(client: PermanentClient, wire: Wire, workdir: Folder) -> None:
    """ShareLinkVO answers previewToggle/autoApproveToggle as 0/1 although requests send booleans (node-sdk)."""
    client.create_share_link(workdir.file_system_id, show_preview=True)
    link = wire.last_json("create_share_link")
    for toggle in ("previewToggle", "autoApproveToggle"):
        value = link[toggle]
        assert value is None or (type(value) is int and value in (0, 1)), f"{toggle} must be 0/1 or null, got {value!r}"


def test_parent_folder_id_as_numeric_string_is_accepted(
    raw: RawHttp, client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """PHP accepts `parentFolderId` as an integer-valued string, as SDK 0.10.1 sends Stela's ids back (§5.5)."""
    name = names.new("from-string-id")
    body = {"displayName": name, "parentFolderId": str(workdir.id), "failOnDuplicateName": True, "archiveId": 0}
    response = raw.php(
        "raw.create_folder.string_id", "POST", "/folder/post", token=target.token(), body=compact_json(body)
    )
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text[:200]}"
    assert name in [f.name for f in client.get_folder(workdir.id).folders], "the folder lands in the named parent"
