"""The seeded demo world: the same accounts, archives, folders and file bytes on every first start."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Account, Role

#: The defaults of Settings.demo_email / demo_password.
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"
OTHER_EMAIL = "other@example.com"
OTHER_PASSWORD = "other-password"
MANY_FILES_COUNT = 150


@dataclass(frozen=True)
class SeededWorld:
    """Ids of the seeded things that docs and tests refer to."""

    demo_account_id: int
    other_account_id: int
    demo_archive_id: int
    family_archive_id: int
    private_archive_id: int
    demo_my_files_id: int
    many_files_id: int


def tiny_png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (46, 134, 193)) -> bytes:
    """Return a valid PNG of one colour, built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def seed(backend: Backend) -> SeededWorld:
    """Create the demo world through the domain's own operations, so it obeys every rule."""
    demo = backend.create_account(
        email=backend.settings.demo_email,
        password=backend.settings.demo_password,
        full_name="Demo User",
        allow_sftp_deletion=True,
    )
    other = backend.create_account(
        email=OTHER_EMAIL,
        password=OTHER_PASSWORD,
        full_name="Other User",
        allow_sftp_deletion=False,
    )
    demo_archive = backend.create_archive(demo, "Demo Archive")
    family = backend.create_archive(other, "Family Archive", "type.archive.family")
    private = backend.create_archive(other, "Other Private Archive")
    backend.add_member(family, demo, Role.VIEWER)

    def folder(owner: Account, name: str, parent: int) -> int:
        return backend.create_folder(owner, display_name=name, parent_folder_id=parent, fail_on_duplicate=True).id

    def files(owner: Account, parent: int, *named: tuple[str, bytes]) -> None:
        backend.import_files(owner, parent_folder_id=parent, files=list(named))

    my_files = backend.root_child(demo_archive.id, "My Files").id
    documents = folder(demo, "Documents", my_files)
    photos = folder(demo, "Photos", my_files)
    many = folder(demo, "Many Files", my_files)
    folder(demo, "Empty Folder", my_files)
    nested = folder(demo, "2024", photos)
    files(demo, my_files, ("welcome.txt", b"Welcome to the permanent-mock demo archive.\n"))
    files(
        demo,
        documents,
        ("notes.txt", b"First notes.\n"),
        # A second notes.txt shows the " (n)" de-duplication of downloadName (reference §10).
        ("notes.txt", b"Second notes, same name.\n"),
        ("report.csv", b"year,items\n2023,12\n2024,30\n"),
        # One mebibyte of patterned bytes: enough for ranged reads across several SFTP READs.
        ("large.bin", bytes(range(256)) * 4096),
    )
    files(demo, photos, ("blue.png", tiny_png()))
    files(demo, nested, ("orange.png", tiny_png(rgb=(230, 126, 34))))
    files(
        demo,
        many,
        *((f"file-{n:03d}.txt", f"file {n}\n".encode()) for n in range(1, MANY_FILES_COUNT + 1)),
    )

    family_files = backend.root_child(family.id, "My Files").id
    files(other, family_files, ("family-tree.txt", b"Grandparents, parents, us.\n"))
    files(
        other,
        folder(other, "Recipes", family_files),
        ("bread.txt", b"Flour, water, salt, yeast.\n"),
    )
    private_files = backend.root_child(private.id, "My Files").id
    files(other, private_files, ("secret.txt", b"Only the other account sees this.\n"))

    return SeededWorld(
        demo_account_id=demo.id,
        other_account_id=other.id,
        demo_archive_id=demo_archive.id,
        family_archive_id=family.id,
        private_archive_id=private.id,
        demo_my_files_id=my_files,
        many_files_id=many,
    )
