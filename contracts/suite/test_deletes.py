"""Layer 3: deletes hide items everywhere, subtrees go with their folder, roots are protected, and the deletion gate."""

from __future__ import annotations

import pytest

from contracts.sdk import DerivativeType, Folder, FolderNotFound, PermanentClient
from contracts.suite.support import Names, RawHttp, expect_error, json_of, upload
from contracts.targets import Target


def test_delete_record_hides_it_everywhere(
    client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """A deleted record answers 404 on record/get, leaves Stela's listing, and its file URL stops serving."""
    record = upload(client, b"to be deleted", names.new("gone.txt"), workdir.id)
    url = next(f for f in record.files if f.derivative_type is DerivativeType.ORIGINAL).download_url
    client.delete_archive_record(record.id)
    expect_error(404, "error.record.lookup", lambda: client.get_archive_record(record.id, _archive(target)))
    assert client.get_folder(workdir.id).archive_records == [], "Stela must not list a deleted record"
    expect_error(404, "error.file.lookup", lambda: client.download(url))


def test_delete_folder_removes_its_subtree(
    client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """Deleting a folder deletes its sub-folders and records with it."""
    parent = client.create_folder(names.new("parent"), workdir.id)
    child = client.create_folder(names.new("child"), parent.id)
    record = upload(client, b"inside", names.new("inside.txt"), child.id)
    client.delete_folder(parent.id)
    expect_error(404, "error.folder.lookup", lambda: client.get_folder_with_children(child.id, _archive(target)))
    expect_error(404, "error.record.lookup", lambda: client.get_archive_record(record.id, _archive(target)))
    with pytest.raises(FolderNotFound):
        client.get_folder(child.id)


def test_delete_folder_twice_answers_404(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """A second delete of the same folder answers 404 error.folder.lookup."""
    folder = client.create_folder(names.new("twice"), workdir.id)
    client.delete_folder(folder.id)
    expect_error(404, "error.folder.lookup", lambda: client.delete_folder(folder.id))


def test_delete_record_twice_answers_404(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """A second delete of the same record answers 404 error.record.lookup."""
    record = upload(client, b"twice", names.new("twice.txt"), workdir.id)
    client.delete_archive_record(record.id)
    expect_error(404, "error.record.lookup", lambda: client.delete_archive_record(record.id))


def test_delete_root_folder_answers_403(client: PermanentClient, target: Target) -> None:
    """Root folders (My Files, ...) cannot be deleted: 403 error.folder.no_unlink_root."""
    if target.guard.enforce:
        pytest.skip("deleting a root folder is a write outside the test folder; checked only in-process")
    assert target.test_archive_id is not None
    roots = client.get_archive_folders(target.test_archive_id)
    assert roots, "an archive root has child root folders"
    expect_error(403, "error.folder.no_unlink_root", lambda: client.delete_folder(roots[0].id))


def test_account_reports_the_deletion_gate(client: PermanentClient) -> None:
    """getAuthenticatedAccount says whether SFTP deletion is allowed (a boolean sftp-service checks)."""
    account = client.get_authenticated_account()
    assert isinstance(account.is_sftp_deletion_enabled, bool)


def test_deletion_gate_switch_and_audit_log(
    client: PermanentClient, raw: RawHttp, target: Target, workdir: Folder, names: Names
) -> None:
    """The mock's gate switch shows in the account, and a delete lands in the deletion audit log with its path."""
    if not target.mock_routes:
        pytest.skip("the deletion gate switch and audit log are mock-only routes")
    token = target.token()
    before = client.get_authenticated_account().is_sftp_deletion_enabled
    try:
        switched = raw.send(
            "raw.mock.account",
            "PATCH",
            target.origin + "/_mock/account",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            content=b'{"allowSftpDeletion": false}',
        )
        assert switched.status_code == 200, f"PATCH /_mock/account answered {switched.status_code}"
        assert client.get_authenticated_account().is_sftp_deletion_enabled is False, "the switch must show"
    finally:
        raw.send(
            "raw.mock.account",
            "PATCH",
            target.origin + "/_mock/account",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            content=b'{"allowSftpDeletion": %s}' % (b"true" if before else b"false"),
        )
    folder = client.create_folder(names.new("audited"), workdir.id)
    client.delete_folder(folder.id)
    with target.http() as unrecorded:  # the log holds every delete of the run so far
        # The log shows the caller's own deletions (the control token would show everyone's).
        log = json_of(
            unrecorded.get(target.origin + "/_mock/deletions", headers={"Authorization": f"Bearer {target.token()}"})
        )
    entries = [e for e in log["items"] if e.get("itemType") == "folder" and e.get("itemId") == folder.id]
    assert entries, "the delete must be in the deletion audit log"
    assert entries[0]["path"].endswith("/" + names.new("audited")), (
        f"the log records the path, got {entries[0]['path']}"
    )


def _archive(target: Target) -> int:
    """The archive of the test folder."""
    assert target.test_archive_id is not None, "discovery found no archive for the test folder"
    return target.test_archive_id
