"""Tests of Backend's edits for the web app: rename_folder, update_record, move_item and copy_item."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mock_backend import Settings, create_app
from mock_backend.domain import messages
from mock_backend.domain.backend import Backend
from mock_backend.domain.clock import FrozenClock
from mock_backend.domain.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from mock_backend.domain.models import Account, Archive, Folder, Record
from mock_backend.factories import Factories
from mock_backend.testing import backend_of, close
from tests.conftest import START


@dataclass
class Made:
    """A fresh mock of the empty world: its factories, its clock, and one owner's archive."""

    f: Factories
    clock: FrozenClock
    owner: Account
    archive: Archive
    my_files: Folder

    @property
    def backend(self) -> Backend:
        """The mock's backend."""
        return self.f.backend

    def folder(self, parent: Folder | None = None, name: str = "Letters") -> Folder:
        """A folder made by the owner (in My Files unless `parent`)."""
        return self.f.folder(parent=parent or self.my_files, name=name, by=self.owner)

    def record(self, parent: Folder | None = None, name: str = "a.txt", content: bytes = b"hello") -> Record:
        """A record with bytes, made by the owner (in My Files unless `parent`)."""
        return self.f.record(parent=parent or self.my_files, name=name, content=content, by=self.owner)

    def member(self, role: str, archive: Archive | None = None) -> Account:
        """A new account with `role` in the archive (the owner's unless given)."""
        account = self.f.account()
        self.f.member(archive=archive or self.archive, account=account, role=role)
        return account

    def names(self, folder: Folder) -> list[str]:
        """The downloadNames of a folder's children, sorted."""
        _, _, children = self.backend.browse(folder.id)
        return sorted(c.download_name for c in children)

    def fresh(self, folder: Folder) -> Folder:
        """The folder as stored now."""
        return self.backend.browse(folder.id)[0]

    def count(self, folder: Folder) -> int:
        """The folder's stored child count (what Stela's totalPages reads)."""
        return self.backend.stela_children(self.owner, folder.id, 1, None).total

    def download(self, record: Record) -> bytes:
        """The bytes of a record's original, through a signed download as the CDN route resolves it."""
        file = record.files[0]
        expires = self.backend.download_expiry()
        signature = self.backend.download_signature(file.id, expires, None)
        return self.backend.resolve_download(file.id, str(expires), signature, None).path.read_bytes()


@pytest.fixture
def made() -> Iterator[Made]:
    """A fresh empty-world mock on a frozen clock, with one owner and their archive."""
    clock = FrozenClock(START)
    app = create_app(Settings(scenario="empty", processing_seconds=0), clock=clock)
    f = Factories(backend_of(app))
    owner = f.account()
    archive = f.archive(owner=owner)
    yield Made(f, clock, owner, archive, f.backend.root_child(archive.id, "My Files"))
    close(app)


def _key(call: object, *args: object) -> tuple[type[DomainError], str]:
    """Return (class, message key) of the domain error a call raises."""
    assert callable(call)
    with pytest.raises(DomainError) as raised:
        call(*args)
    return type(raised.value), raised.value.key


# ---------------------------------------------------------------- rename_folder
def test_rename_folder_changes_names_and_moves_updated(made: Made) -> None:
    """A rename sets displayName and downloadName and moves updatedDT to now."""
    folder = made.folder(name="Letters")
    made.clock.advance(60)
    renamed = made.backend.rename_folder(made.owner, folder.id, "Postcards")
    stored = made.fresh(folder)
    assert (stored.display_name, stored.download_name, stored.updated_at, renamed == stored) == (
        "Postcards",
        "Postcards",
        made.clock.now(),
        True,
    )


def test_rename_folder_to_sibling_name_is_suffixed(made: Made) -> None:
    """Renaming to a sibling's name de-duplicates the downloadName (" (1)"); displayName stays as asked."""
    made.folder(name="Photos")
    folder = made.folder(name="Letters")
    renamed = made.backend.rename_folder(made.owner, folder.id, "Photos")
    assert (renamed.display_name, renamed.download_name) == ("Photos", "Photos (1)")


def test_rename_folder_to_own_name_keeps_download_name(made: Made) -> None:
    """Renaming a folder to its current name is no clash with itself: no " (1)"."""
    folder = made.folder(name="Letters")
    assert made.backend.rename_folder(made.owner, folder.id, "Letters").download_name == "Letters"


def test_rename_folder_root_is_no_update_root(made: Made) -> None:
    """A root folder cannot be renamed: 403 error.folder.no_update_root."""
    result = _key(made.backend.rename_folder, made.owner, made.my_files.id, "Mine")
    assert result == (PermissionDenied, messages.NO_UPDATE_ROOT)


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_rename_folder_below_editor_is_no_action_permission(made: Made, role: str) -> None:
    """Viewers and contributors may not rename: 403 error.generic.no_action_permission."""
    folder = made.folder()
    result = _key(made.backend.rename_folder, made.member(role), folder.id, "New")
    assert result == (PermissionDenied, messages.NO_ACTION_PERMISSION)


def test_rename_folder_editor_may_rename(made: Made) -> None:
    """An editor of the archive may rename."""
    folder = made.folder()
    assert made.backend.rename_folder(made.member("editor"), folder.id, "New").display_name == "New"


@pytest.mark.parametrize(("name", "key"), [(" ", messages.VALIDATION_EMPTY), ("a/b", messages.INVALID_REQUEST)])
def test_rename_folder_unusable_name_is_invalid(made: Made, name: str, key: str) -> None:
    """A blank name or one with "/" is refused as create_folder refuses it."""
    folder = made.folder()
    assert _key(made.backend.rename_folder, made.owner, folder.id, name) == (InvalidInput, key)


def test_rename_folder_of_stranger_is_folder_lookup(made: Made) -> None:
    """A folder of an archive the caller is not in is not found: 404 error.folder.lookup."""
    folder = made.folder()
    result = _key(made.backend.rename_folder, made.f.account(), folder.id, "New")
    assert result == (NotFound, messages.FOLDER_LOOKUP)


# ---------------------------------------------------------------- update_record
def test_update_record_keeps_extension_in_download_name(made: Made) -> None:
    """A new displayName gets the upload's extension in its downloadName, as registerRecord builds it."""
    record = made.record(name="letter.txt")
    updated = made.backend.update_record(made.owner, record.id, display_name="Holiday letter")
    assert (updated.display_name, updated.download_name) == ("Holiday letter", "Holiday letter.txt")


def test_update_record_to_sibling_name_is_suffixed_before_extension(made: Made) -> None:
    """A clash with a sibling inserts " (1)" before the extension."""
    made.record(name="b.txt")
    record = made.record(name="a.txt")
    assert made.backend.update_record(made.owner, record.id, display_name="b.txt").download_name == "b (1).txt"


def test_update_record_same_name_keeps_download_name(made: Made) -> None:
    """Sending the current displayName back (the web app sends the whole VO) keeps the downloadName."""
    record = made.record(name="a.txt")
    assert made.backend.update_record(made.owner, record.id, display_name="a.txt").download_name == "a.txt"


def test_update_record_sets_description_and_display_date(made: Made) -> None:
    """description and displayDT are stored and read back; updatedDT moves."""
    record = made.record()
    made.clock.advance(30)
    shown = START.replace(year=1999)
    made.backend.update_record(made.owner, record.id, description="From grandma", display_at=shown)
    stored = made.backend.get_record(made.owner, record.id, record.archive_id)
    assert (stored.description, stored.display_at, stored.updated_at, stored.display_name) == (
        "From grandma",
        shown,
        made.clock.now(),
        "a.txt",
    )


def test_update_record_viewer_is_no_action_permission(made: Made) -> None:
    """A viewer may not edit a record: 403 error.generic.no_action_permission."""
    record = made.record()
    result = _key(lambda: made.backend.update_record(made.member("viewer"), record.id, display_name="x"))
    assert result == (PermissionDenied, messages.NO_ACTION_PERMISSION)


def test_update_record_other_archive_id_is_record_lookup(made: Made) -> None:
    """An archiveId that is not the record's: 404 error.record.lookup."""
    record = made.record()
    other = made.f.archive(owner=made.owner)
    result = _key(lambda: made.backend.update_record(made.owner, record.id, archive_id=other.id, description="x"))
    assert result == (NotFound, messages.RECORD_LOOKUP)


# ---------------------------------------------------------------- move_item
def test_move_folder_updates_parent_sizes_and_counts(made: Made) -> None:
    """A moved folder changes parent (ids and link ids) and updatedDT; sizes and child counts follow."""
    source, dest = made.folder(name="From"), made.folder(name="To")
    moving = made.folder(source, "Moving")
    made.record(moving, content=b"12345")
    made.clock.advance(5)
    moved = made.backend.move_item(made.owner, moving.link_id, dest.link_id)
    src, dst = made.fresh(source), made.fresh(dest)
    assert (moved.parent_id, moved.parent_link_id, moved.updated_at) == (dest.id, dest.link_id, made.clock.now())
    assert (src.size, made.count(src), dst.size, made.count(dst), made.fresh(made.my_files).size) == (0, 0, 5, 1, 5)


def test_move_record_into_folder_with_same_name_is_suffixed(made: Made) -> None:
    """A name taken at the destination is de-duplicated as create does, never refused."""
    dest = made.folder(name="To")
    made.record(dest, name="a.txt")
    record = made.record(name="a.txt")
    moved = made.backend.move_item(made.owner, record.link_id, dest.link_id)
    assert (moved.download_name, made.names(dest)) == ("a (1).txt", ["a (1).txt", "a.txt"])


def test_move_drops_old_suffix_when_name_is_free(made: Made) -> None:
    """A suffixed item moved where its plain name is free takes the plain name, as a create there would."""
    made.folder(name="Letters")
    suffixed = made.folder(name="Letters")
    dest = made.folder(name="To")
    assert (
        suffixed.download_name,
        made.backend.move_item(made.owner, suffixed.link_id, dest.link_id).download_name,
    ) == (
        "Letters (1)",
        "Letters",
    )


def test_move_into_same_parent_keeps_name(made: Made) -> None:
    """Moving an item to the folder it is in does not clash with itself."""
    record = made.record(name="a.txt")
    moved = made.backend.move_item(made.owner, record.link_id, made.my_files.link_id)
    assert (moved.download_name, made.count(made.my_files)) == ("a.txt", 1)


@pytest.mark.parametrize("into", ["itself", "child", "grandchild"])
def test_move_folder_into_own_subtree_is_dest_invalid(made: Made, into: str) -> None:
    """A folder cannot go into itself or below itself: 400 error.record.dest_invalid."""
    top = made.folder(name="Top")
    child = made.folder(top, "Child")
    grandchild = made.folder(child, "Grandchild")
    dest = {"itself": top, "child": child, "grandchild": grandchild}[into]
    result = _key(made.backend.move_item, made.owner, top.link_id, dest.link_id)
    assert result == (InvalidInput, messages.DEST_INVALID)


def test_move_root_is_no_unlink_root(made: Made) -> None:
    """A root folder cannot be moved: 403 error.folder.no_unlink_root."""
    dest = made.folder()
    public = made.backend.root_child(made.archive.id, "Public")
    result = _key(made.backend.move_item, made.owner, public.link_id, dest.link_id)
    assert result == (PermissionDenied, messages.NO_UNLINK_ROOT)


@pytest.mark.parametrize(
    ("source_role", "dest_role"),
    [("contributor", "owner"), ("owner", "viewer")],
    ids=["contributor-source", "viewer-destination"],
)
def test_move_needs_editor_on_source_and_contributor_at_destination(
    made: Made, source_role: str, dest_role: str
) -> None:
    """Moving needs editor on the item and contributor where it goes: 403 error.generic.no_action_permission."""
    caller = made.f.account()
    other = made.f.archive(owner=made.owner)
    made.f.member(archive=made.archive, account=caller, role=source_role)
    made.f.member(archive=other, account=caller, role=dest_role)
    record = made.record()
    dest = made.backend.root_child(other.id, "My Files")
    result = _key(made.backend.move_item, caller, record.link_id, dest.link_id)
    assert result == (PermissionDenied, messages.NO_ACTION_PERMISSION)


@pytest.mark.parametrize("target", ["unknown", "record"])
def test_move_to_unknown_or_non_folder_is_folder_lookup(made: Made, target: str) -> None:
    """The destination must be a folder: 404 error.folder.lookup."""
    record = made.record(name="a.txt")
    dest_link = 987654 if target == "unknown" else made.record(name="b.txt").link_id
    result = _key(made.backend.move_item, made.owner, record.link_id, dest_link)
    assert result == (NotFound, messages.FOLDER_LOOKUP)


def test_move_unknown_item_is_folder_link_lookup(made: Made) -> None:
    """An unknown folder_linkId: 404 error.folder_link.lookup."""
    result = _key(made.backend.move_item, made.owner, 987654, made.my_files.link_id)
    assert result == (NotFound, messages.FOLDER_LINK_LOOKUP)


def test_move_across_archives_takes_the_destination_archive(made: Made) -> None:
    """Across archives the whole subtree takes the destination archive and its archive numbers."""
    other = made.f.archive(owner=made.owner)
    dest = made.backend.root_child(other.id, "My Files")
    top = made.folder(name="Top")
    inner = made.folder(top, "Inner")
    record = made.record(inner, content=b"abc")
    made.backend.move_item(made.owner, top.link_id, dest.link_id)
    moved_record = made.backend.get_record(made.owner, record.id, other.id)
    _, _, below = made.backend.browse(top.id)
    archives = {made.fresh(top).archive_id, *(i.archive_id for i in below), moved_record.archive_id}
    prefixes = {made.fresh(top).archive_nbr[:4], moved_record.archive_nbr[:4]}
    assert (archives, prefixes, made.fresh(dest).size) == ({other.id}, {other.nbr[:4]}, 3)


def test_move_to_public_makes_folders_public(made: Made) -> None:
    """A folder moved from My Files into Public takes the public folder type, its subfolders too."""
    public = made.backend.root_child(made.archive.id, "Public")
    top = made.folder(name="Top")
    inner = made.folder(top, "Inner")
    made.backend.move_item(made.owner, top.link_id, public.link_id)
    assert {made.fresh(top).type, made.fresh(inner).type} == {"type.folder.public"}


# ---------------------------------------------------------------- copy_item
def test_copy_record_bytes_download_from_the_copy(made: Made) -> None:
    """A copied record is a new record (new ids) whose original downloads with the same bytes."""
    record = made.record(name="a.txt", content=b"copy me")
    dest = made.folder(name="To")
    copy = made.backend.copy_item(made.owner, record.link_id, dest.link_id)
    assert isinstance(copy, Record)
    assert (copy.id != record.id, copy.files[0].id != record.files[0].id, made.download(copy)) == (
        True,
        True,
        b"copy me",
    )


def test_copy_survives_deletion_of_the_source(made: Made) -> None:
    """Deleting the source record after a copy leaves the copy's bytes downloadable."""
    record = made.record(content=b"keep me")
    dest = made.folder(name="To")
    copy = made.backend.copy_item(made.owner, record.link_id, dest.link_id)
    assert isinstance(copy, Record)
    made.backend.delete_record(made.owner, record.id)
    assert made.download(copy) == b"keep me"


def test_copy_folder_copies_subtree_with_new_ids_sizes_and_counts(made: Made) -> None:
    """A copied folder brings its subtree (new ids and archive numbers); sizes and counts are right on both sides."""
    source = made.folder(name="Source")
    inner = made.folder(source, "Inner")
    made.record(source, name="a.txt", content=b"aaaa")
    deep = made.record(inner, name="b.txt", content=b"bb")
    dest = made.folder(name="To")
    copy = made.backend.copy_item(made.owner, source.link_id, dest.link_id)
    assert isinstance(copy, Folder)
    _, _, copied_children = made.backend.browse(copy.id)
    inner_copy = next(c for c in copied_children if isinstance(c, Folder))
    _, _, deep_copies = made.backend.browse(inner_copy.id)
    deep_copy = deep_copies[0]
    assert isinstance(deep_copy, Record)
    numbers = {source.archive_nbr, inner.archive_nbr, deep.archive_nbr, copy.archive_nbr, inner_copy.archive_nbr}
    assert (made.names(copy), made.download(deep_copy), deep_copy.id != deep.id, len(numbers)) == (
        ["Inner", "a.txt"],
        b"bb",
        True,
        5,
    )
    assert (made.fresh(copy).size, made.count(copy), made.fresh(inner_copy).size, made.count(inner_copy)) == (
        6,
        2,
        2,
        1,
    )
    assert (made.fresh(source).size, made.fresh(dest).size, made.fresh(made.my_files).size) == (6, 6, 12)


def test_copy_into_same_folder_is_suffixed(made: Made) -> None:
    """A copy next to its source gets " (1)", never a refusal."""
    source = made.folder(name="Letters")
    copy = made.backend.copy_item(made.owner, source.link_id, made.my_files.link_id)
    assert (copy.download_name, made.names(made.my_files), made.count(made.my_files)) == (
        "Letters (1)",
        ["Letters", "Letters (1)"],
        2,
    )


def test_copy_folder_into_own_subtree_is_dest_invalid(made: Made) -> None:
    """A folder cannot be copied into itself: 400 error.record.dest_invalid."""
    top = made.folder(name="Top")
    result = _key(made.backend.copy_item, made.owner, top.link_id, made.folder(top, "Child").link_id)
    assert result == (InvalidInput, messages.DEST_INVALID)


def test_copy_by_viewer_into_own_archive_is_allowed(made: Made) -> None:
    """A viewer of the source may copy it into an archive where they contribute."""
    viewer = made.member("viewer")
    mine = made.f.archive(owner=viewer)
    dest = made.backend.root_child(mine.id, "My Files")
    copy = made.backend.copy_item(viewer, made.record(content=b"shared").link_id, dest.link_id)
    assert isinstance(copy, Record)
    assert (copy.archive_id, made.download(copy)) == (mine.id, b"shared")


def test_copy_into_archive_as_viewer_is_no_action_permission(made: Made) -> None:
    """Copying needs contributor at the destination: 403 error.generic.no_action_permission."""
    viewer = made.member("viewer")
    result = _key(made.backend.copy_item, viewer, made.record().link_id, made.my_files.link_id)
    assert result == (PermissionDenied, messages.NO_ACTION_PERMISSION)
