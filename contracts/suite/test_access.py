"""Layer 3: another account cannot see or touch our items, and a viewer may read but not write."""

from __future__ import annotations

import pytest

from contracts.sdk import Folder, FolderNotFound, PermanentClient
from contracts.suite.support import Names, expect_error, upload
from contracts.targets import Target


@pytest.fixture
def ours(client: PermanentClient, workdir: Folder, names: Names) -> tuple[Folder, int]:
    """A folder and a record of the primary account, inside the scenario folder."""
    folder = client.create_folder(names.new("private"), workdir.id)
    record = upload(client, b"private bytes", names.new("private.txt"), folder.id)
    return folder, record.id


def test_other_account_cannot_read_our_items(
    other_client: PermanentClient, target: Target, ours: tuple[Folder, int]
) -> None:
    """Another account gets 404 for our folder and record, and Stela shows it nothing."""
    folder, record_id = ours
    archive = _archive(target)
    expect_error(404, "error.folder.lookup", lambda: other_client.get_folder_with_children(folder.id, archive))
    expect_error(404, "error.record.lookup", lambda: other_client.get_archive_record(record_id, archive))
    expect_error(404, "error.archive.lookup", lambda: other_client.get_archive_folders(archive))
    with pytest.raises(FolderNotFound):
        other_client.get_folder(folder.id)
    assert archive not in [a.id for a in other_client.get_archives()], "our archive is not among the other's"


def test_other_account_cannot_change_our_items(
    other_client: PermanentClient, client: PermanentClient, target: Target, ours: tuple[Folder, int], names: Names
) -> None:
    """Another account's writes to our items answer 404, and our items stay as they were."""
    folder, record_id = ours
    expect_error(404, "error.folder.lookup", lambda: other_client.create_folder(names.new("intruder"), folder.id))
    expect_error(404, "error.folder.lookup", lambda: other_client.delete_folder(folder.id))
    expect_error(404, "error.record.lookup", lambda: other_client.delete_archive_record(record_id))
    expect_error(404, None, lambda: other_client.create_share_link(folder.file_system_id))
    listed = client.get_folder(folder.id)
    assert [r.id for r in listed.archive_records] == [record_id], "our record is still there"
    assert listed.folders == [], "no folder was created in ours"


def test_viewer_can_read_the_archive(client: PermanentClient, target: Target) -> None:
    """A viewer member lists the archive's root folders and their children."""
    if target.viewer_archive_id is None:
        pytest.skip("no archive where the login is a viewer: set PERMANENT_VIEWER_ARCHIVE_ID")
    roots = client.get_archive_folders(target.viewer_archive_id)
    assert {"Apps", "My Files", "Public"} <= {f.name for f in roots}, "the archive root has its three root folders"
    my_files = next(f for f in roots if f.name == "My Files")
    client.get_folder(my_files.id)


def test_viewer_cannot_write(client: PermanentClient, target: Target, names: Names) -> None:
    """A viewer may not create, upload, delete or share: 403 error.generic.no_action_permission."""
    if target.viewer_archive_id is None:
        pytest.skip("no archive where the login is a viewer: set PERMANENT_VIEWER_ARCHIVE_ID")
    if target.guard.enforce:
        pytest.skip("write attempts outside the test folder are made only in-process")
    roots = client.get_archive_folders(target.viewer_archive_id)
    my_files = next(f for f in roots if f.name == "My Files")
    listed = client.get_folder(my_files.id)
    denied = "error.generic.no_action_permission"
    expect_error(403, denied, lambda: client.create_folder(names.new("viewer"), my_files.id))
    expect_error(403, denied, lambda: upload(client, b"viewer", names.new("viewer.txt"), my_files.id))
    expect_error(403, denied, lambda: client.create_share_link(my_files.file_system_id))
    if listed.folders:
        expect_error(403, denied, lambda: client.delete_folder(listed.folders[0].id))
    if listed.archive_records:
        expect_error(403, denied, lambda: client.delete_archive_record(listed.archive_records[0].id))


def _archive(target: Target) -> int:
    """The archive of the test folder."""
    assert target.test_archive_id is not None, "discovery found no archive for the test folder"
    return target.test_archive_id
