"""Layer 3: deep trees, empty folders and paging across more than one Stela page."""

from __future__ import annotations

import itertools

import pytest

from contracts.sdk import STELA_PAGE_SIZE, Folder, PermanentClient
from contracts.suite.support import Names, Wire, expect_error, upload
from contracts.targets import Target

DEPTH = 7
CREATED_CHILDREN = STELA_PAGE_SIZE + 1
SEEDED_PAGED_FOLDER = "Many Files"


def test_deep_tree_lists_every_level(client: PermanentClient, target: Target, workdir: Folder, names: Names) -> None:
    """A chain of 7 nested folders lists one child per level, and deleting the top removes the deepest."""
    chain = [workdir]
    for level in range(1, DEPTH + 1):
        chain.append(client.create_folder(names.new(f"level-{level}"), chain[-1].id))
    for parent, child in itertools.pairwise(chain):
        listed = client.get_folder(parent.id)
        assert [f.id for f in listed.folders] == [child.id], f"{parent.name} must list exactly {child.name}"
    deepest = client.get_folder_with_children(chain[-1].id, _archive(target))
    assert (deepest.id, deepest.folders, deepest.archive_records) == (chain[-1].id, [], [])

    client.delete_folder(chain[1].id)

    expect_error(404, "error.folder.lookup", lambda: client.get_folder_with_children(chain[-1].id, _archive(target)))


def test_empty_folder_lists_no_children(client: PermanentClient, workdir: Folder) -> None:
    """An empty folder lists no folders and no records, through Stela and PHP alike."""
    listed = client.get_folder(workdir.id)
    assert (listed.folders, listed.archive_records) == ([], []), "a new folder is empty"


def _page(wire: Wire, index: int) -> dict[str, object]:
    """The raw JSON of the index-th Stela children page the SDK fetched."""
    pages = wire.responses("get_folder.children")
    assert len(pages) > index, f"the SDK fetched {len(pages)} children page(s), expected more than {index}"
    body = pages[index].json()
    assert isinstance(body, dict), "a children page is a JSON object"
    return body


def _check_paging(client: PermanentClient, wire: Wire, folder_id: int, expected: int) -> None:
    """List a folder of `expected` children through the SDK and check the pages it fetched."""
    listed = client.get_folder(folder_id)
    records = listed.archive_records
    assert len(records) + len(listed.folders) == expected, f"getFolder must page through all {expected} children"
    assert len({r.id for r in records}) == len(records), "no child may appear on two pages"
    first = _page(wire, 0)
    items, pagination = first["items"], first["pagination"]
    assert isinstance(items, list), "a page's items is an array"
    assert isinstance(pagination, dict), "a page's pagination is an object"
    assert len(items) == STELA_PAGE_SIZE, "the first page is full"
    assert pagination.get("nextCursor") == str(items[-1]["folderLinkId"]), (
        "nextCursor is the folderLinkId of the page's last item, as a string (reference §8.3)"
    )
    assert pagination.get("totalPages") == expected // STELA_PAGE_SIZE, (
        "totalPages is CEILING(count / pageSize) in integer arithmetic, which rounds down (stela get_folder_children)"
    )
    second = _page(wire, 1)
    assert isinstance(second["items"], list), "a page's items is an array"
    assert len(second["items"]) == expected - STELA_PAGE_SIZE, "the second page holds the rest"
    names = [r.display_name for r in records]
    assert names == sorted(names), "children come in the folder's sort order (alphabetical by displayName)"


def test_paging_lists_seeded_folder_across_pages(client: PermanentClient, wire: Wire, target: Target) -> None:
    """On the seeded mock, "Many Files" (150 records) is listed completely across two pages."""
    if not target.seeded:
        pytest.skip("the seeded 'Many Files' folder exists only on the mock; see the created-folder variant")
    assert target.test_folder_id is not None
    with target.client() as unrecorded:  # My Files' listing depends on what the run created so far
        my_files = unrecorded.get_folder(target.test_folder_id)
    many = next((f for f in my_files.folders if f.name == SEEDED_PAGED_FOLDER), None)
    assert many is not None, f"the seeded world has a {SEEDED_PAGED_FOLDER!r} folder in My Files"
    _check_paging(client, wire, many.id, 150)


@pytest.mark.slow
def test_paging_lists_created_folder_across_pages(
    client: PermanentClient, wire: Wire, target: Target, workdir: Folder, names: Names
) -> None:
    """A folder the run fills with 101 records is listed completely across two pages (not on the seeded mock)."""
    if target.seeded:
        pytest.skip("the seeded mock is paged through 'Many Files' instead")
    for index in range(CREATED_CHILDREN):
        upload(client, f"page item {index}\n".encode(), names.new(f"page-{index:03d}.txt"), workdir.id)
    _check_paging(client, wire, workdir.id, CREATED_CHILDREN)


def _archive(target: Target) -> int:
    """The archive of the test folder."""
    assert target.test_archive_id is not None, "discovery found no archive for the test folder"
    return target.test_archive_id
