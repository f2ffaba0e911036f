"""Layer 3: duplicate names, both ways: ` (n)` de-duplication of downloadName, and 409 with failOnDuplicateName."""

from __future__ import annotations

import pytest

from contracts.sdk import Folder, PermanentClient
from contracts.suite.support import Names, expect_error, upload


def test_create_folder_twice_suffixes_download_name(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """A second and third folder of the same name get `name (1)`, `name (2)`; displayName is kept."""
    name = names.new("twin")
    first = client.create_folder(name, workdir.id)
    second = client.create_folder(name, workdir.id)
    third = client.create_folder(name, workdir.id)
    assert [f.name for f in (first, second, third)] == [name] * 3, "displayName is never changed (reference §10)"
    assert [f.file_system_compatible_name for f in (first, second, third)] == [name, f"{name} (1)", f"{name} (2)"], (
        "downloadName gets the smallest free ' (n)' suffix"
    )


def test_create_folder_with_fail_on_duplicate_answers_409(
    client: PermanentClient, workdir: Folder, names: Names
) -> None:
    """With failOnDuplicateName a clash answers 409 and creates nothing."""
    name = names.new("only-once")
    client.create_folder(name, workdir.id, fail_on_duplicate_name=True)
    expect_error(409, "error.item.duplicate_name", lambda: client.create_folder(name, workdir.id, True))
    listed = [f.name for f in client.get_folder(workdir.id).folders]
    assert listed == [name], "the refused folder must not exist"


def test_register_record_twice_suffixes_before_extension(
    client: PermanentClient, workdir: Folder, names: Names
) -> None:
    """A second record `x.txt` becomes `x (1).txt`: the suffix goes before the extension."""
    name = names.new("twin.txt")
    first = upload(client, b"one", name, workdir.id)
    second = upload(client, b"two", name, workdir.id)
    stem = name.removesuffix(".txt")
    assert (first.file_system_compatible_name, second.file_system_compatible_name) == (name, f"{stem} (1).txt")
    assert second.display_name == first.display_name, "displayName is never changed"


def test_register_record_with_fail_on_duplicate_answers_409(
    client: PermanentClient, workdir: Folder, names: Names
) -> None:
    """With failOnDuplicateName a record clash answers 409 (what sftp-service relies on)."""
    name = names.new("only-once.bin")
    upload(client, b"one", name, workdir.id, fail_on_duplicate_name=True)
    expect_error(
        409, "error.item.duplicate_name", lambda: upload(client, b"two", name, workdir.id, fail_on_duplicate_name=True)
    )
    assert [r.file_system_compatible_name for r in client.get_folder(workdir.id).archive_records] == [name]


@pytest.mark.parametrize("fail_on_duplicate_name", [False, True], ids=["suffix", "conflict"])
def test_folder_named_like_a_record_clashes_with_it(
    client: PermanentClient, workdir: Folder, names: Names, fail_on_duplicate_name: bool
) -> None:
    """Folders and records share one namespace per parent: a folder named like a sibling record clashes."""
    name = names.new("shared.txt")
    upload(client, b"record", name, workdir.id)
    if fail_on_duplicate_name:
        expect_error(409, "error.item.duplicate_name", lambda: client.create_folder(name, workdir.id, True))
    else:
        folder = client.create_folder(name, workdir.id)
        assert folder.file_system_compatible_name != name, "the folder's downloadName must differ from the record's"


def test_names_differing_in_case_do_not_clash(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """The comparison is case-sensitive: `Case` and `case` both keep their names."""
    upper = client.create_folder(names.new("Case"), workdir.id, fail_on_duplicate_name=True)
    lower = client.create_folder(names.new("case"), workdir.id, fail_on_duplicate_name=True)
    assert (upper.file_system_compatible_name, lower.file_system_compatible_name) == (
        names.new("Case"),
        names.new("case"),
    )
