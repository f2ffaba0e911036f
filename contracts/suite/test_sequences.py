"""Layer 2, SDK sequences: create → read → delete → read is 404; upload → register → read → Stela lists it."""

from __future__ import annotations

from contracts.sdk import DerivativeType, Folder, FolderNotFound, PermanentClient
from contracts.suite.support import Names, expect_error, upload
from contracts.targets import Target


def test_create_read_delete_folder_then_read_is_404(
    client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """A new folder reads back through Stela and PHP, is listed by its parent, and is gone after its delete."""
    name = names.new("sequence-folder")
    created = client.create_folder(name, workdir.id)
    assert (created.name, created.file_system_compatible_name) == (name, name), "a fresh name is kept as is"

    through_stela = client.get_folder(created.id)
    through_php = client.get_folder_with_children(created.id, workdir_archive(target))
    assert (through_stela.id, through_stela.file_system_id, through_stela.name) == (
        created.id,
        created.file_system_id,
        name,
    ), "Stela GET /folder must describe the folder folder/post created"
    assert (through_php.id, through_php.file_system_id) == (created.id, created.file_system_id)
    assert (through_stela.folders, through_stela.archive_records) == ([], []), "a new folder has no children"
    assert created.id in [f.id for f in client.get_folder(workdir.id).folders], "the parent lists the new folder"

    client.delete_folder(created.id)

    expect_error(
        404, "error.folder.lookup", lambda: client.get_folder_with_children(created.id, workdir_archive(target))
    )
    try:
        client.get_folder(created.id)
    except FolderNotFound:
        pass
    else:
        raise AssertionError("Stela GET /folder must answer {items: []} for a deleted folder")
    assert created.id not in [f.id for f in client.get_folder(workdir.id).folders], "a deleted folder leaves its parent"


def test_upload_register_read_then_stela_lists_it(
    client: PermanentClient, target: Target, workdir: Folder, names: Names
) -> None:
    """An uploaded and registered file has its original at once, reads back, and Stela's children list it."""
    data = b"contract sequence payload\n" * 3
    name = names.new("sequence.txt")
    record = upload(client, data, name, workdir.id, content_type="text/plain")
    originals = [f for f in record.files if f.derivative_type is DerivativeType.ORIGINAL]
    assert len(originals) == 1, "registerRecord must answer FileVOs holding the original (decision D6)"
    assert originals[0].size == len(data), "the original's size is the uploaded byte count"

    fetched = client.get_archive_record(record.id, workdir_archive(target))
    assert (fetched.id, fetched.file_system_id, fetched.file_system_compatible_name) == (
        record.id,
        record.file_system_id,
        name,
    ), "record/get must describe the registered record"
    assert fetched.files[0].derivative_type is DerivativeType.ORIGINAL, "record/get lists the original first"
    assert client.download(fetched.files[0].download_url) == data, "the original's download URL serves the bytes"

    listed = {r.id: r for r in client.get_folder(workdir.id).archive_records}
    assert record.id in listed, "Stela children must list a record right after registerRecord"
    stela_record = listed[record.id]
    assert stela_record.file_system_compatible_name == name
    stela_originals = [f for f in stela_record.files if f.derivative_type is DerivativeType.ORIGINAL]
    assert stela_originals, "Stela records carry their original file (reference §5.6, §5.7)"
    assert client.download(stela_originals[0].download_url) == data, "Stela's downloadUrl serves the same bytes"


def workdir_archive(target: Target) -> int:
    """The archive holding the test folder (and so every scenario folder)."""
    assert target.test_archive_id is not None, "discovery found no archive for the test folder"
    return target.test_archive_id
