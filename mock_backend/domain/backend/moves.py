"""Moves and copies: a folder (with its subtree) or a record into another folder, in or across archives."""

from __future__ import annotations

import uuid
from dataclasses import replace

from mock_backend.domain import messages, naming
from mock_backend.domain.backend.core import (
    _CHILD_TYPE,
    CAN_CREATE,
    CAN_EDIT,
    CAN_READ,
    BackendCore,
    retried_on_contention,
)
from mock_backend.domain.errors import InvalidInput, NotFound, PermissionDenied
from mock_backend.domain.models import Account, Folder, Item, Record, Role
from mock_backend.domain.ports import Repository


class Moves(BackendCore):
    """v1 `folder/move`, `record/move`, `folder/copy`, `record/copy`."""

    @retried_on_contention
    def move_item(
        self, caller: Account, link_id: int, dest_folder_link_id: int, kind: type[Folder] | type[Record] | None = None
    ) -> Item:
        """`folder/move`, `record/move` (v1): put a folder (with its subtree) or a record into another folder.

        The name is de-duplicated at the destination as create does (never a failure); parent ids, sizes, child
        counts and `updatedDT` follow. Across archives (the caller must be able to write both) the moved subtree
        takes the destination's archive and new archive numbers from its counter; moved folders take the folder
        type of their new place (private, public, app). A share link of a moved item stays as it was. With `kind`,
        the link must be of that kind (v1 `folder/move` names a folder, `record/move` a record).

        Raises:
            NotFound: the item (`error.folder_link.lookup`) or the destination folder (`error.folder.lookup`) is
                unknown, deleted or invisible.
            PermissionDenied: role below editor on the item or below contributor at the destination, or a root
                folder (`error.folder.no_unlink_root`).
            InvalidInput: a folder into itself or its own subtree (`error.record.dest_invalid`).
        """
        now = self.clock.now()
        with self._uow(write=True) as repo:
            item, dest = self._move_ends(repo, caller, link_id, dest_folder_link_id, CAN_EDIT, kind)
            if isinstance(item, Folder) and item.is_root:
                raise PermissionDenied(messages.NO_UNLINK_ROOT, "root folders cannot be moved")
            own = item.download_name if item.parent_id == dest.id else None
            name = self._unique_name(repo, dest.id, self._wanted_name(item), fail_on_duplicate=False, own=own)
            across = item.archive_id != dest.archive_id
            moved: Item
            if isinstance(item, Folder):
                folder_type = _CHILD_TYPE.get(dest.type, dest.type)
                if across or folder_type != item.type:
                    self._retag_subtree(repo, item, dest.archive_id, folder_type, across)
                moved = replace(item, type=folder_type)
            else:
                moved = item
            moved = replace(
                moved,
                archive_id=dest.archive_id,
                archive_nbr=repo.next_item_nbr(dest.archive_id) if across else item.archive_nbr,
                parent_id=dest.id,
                parent_link_id=dest.link_id,
                download_name=name,
                updated_at=now,
            )
            repo.save_item(moved)
            repo.add_to_folder_sizes(item.parent_id, -item.size, now)
            repo.add_to_folder_sizes(dest.id, item.size, now)
            repo.commit()
        return moved

    @retried_on_contention
    def copy_item(
        self, caller: Account, link_id: int, dest_folder_link_id: int, kind: type[Folder] | type[Record] | None = None
    ) -> Item:
        """`folder/copy`, `record/copy` (v1): copy a folder (its whole subtree) or a record into a folder.

        Every copy is a new item: new ids, new archive numbers from the destination archive's counter, the
        destination's archive and folder type. Names, displayDT and descriptions are kept; the top item's name is
        de-duplicated at the destination as create does. Each file's bytes are stored again under a key of their
        own, so deleting either record never takes the other's bytes. A root folder may be copied: the copy is an
        ordinary folder.

        Raises:
            NotFound: the item (`error.folder_link.lookup`) or the destination folder (`error.folder.lookup`) is
                unknown, deleted or invisible.
            PermissionDenied: no role on the item's archive, or a role below contributor at the destination.
            InvalidInput: a folder into itself or its own subtree (`error.record.dest_invalid`).
        """
        made: list[str] = []
        try:
            with self._uow(write=True) as repo:
                item, dest = self._move_ends(repo, caller, link_id, dest_folder_link_id, CAN_READ, kind)
                name = self._unique_name(repo, dest.id, self._wanted_name(item), fail_on_duplicate=False)
                copied: Item
                if isinstance(item, Record):
                    copied = self._copy_record(repo, caller, item, dest, name, made)
                else:
                    copied = self._copy_folder(repo, caller, item, dest, name, made)
                repo.add_to_folder_sizes(dest.id, item.size, self.clock.now())
                repo.commit()
        except BaseException:
            # The copies' bytes are kept only with the rows that name them (a retry makes its own).
            for key in made:
                self.blobs.delete(key)
            raise
        return copied

    def _move_ends(
        self,
        repo: Repository,
        caller: Account,
        link_id: int,
        dest_folder_link_id: int,
        needed: Role,
        kind: type[Folder] | type[Record] | None = None,
    ) -> tuple[Item, Folder]:
        """Return the item and the destination folder of a move or copy, once roles and the target are checked."""
        item = repo.item_by_link(link_id)
        if item is None or repo.role(caller.id, item.archive_id) is None or (kind and not isinstance(item, kind)):
            raise NotFound(messages.FOLDER_LINK_LOOKUP, f"no folder or record with folder_linkId {link_id}")
        self._require(repo, caller, item.archive_id, needed)
        dest = self._folder_by_link(repo, caller, dest_folder_link_id)
        self._require(repo, caller, dest.archive_id, CAN_CREATE)
        if isinstance(item, Folder) and self._contains(repo, item, dest):
            raise InvalidInput(messages.DEST_INVALID, "a folder cannot go into itself or its own subtree")
        return item, dest

    @staticmethod
    def _contains(repo: Repository, folder: Folder, inner: Folder) -> bool:
        """Tell whether `inner` is `folder` or lies in its subtree."""
        if folder.id == inner.id or (folder.parent_id is None and folder.archive_id == inner.archive_id):
            return True  # the archive root holds everything of its archive (`ancestors` leaves it out)
        return any(f.id == folder.id for f in repo.ancestors(inner.parent_id))

    @staticmethod
    def _wanted_name(item: Item) -> str:
        """Return the unsuffixed downloadName an item would be created with (§10)."""
        if isinstance(item, Record):
            return naming.record_download_name(item.display_name, item.upload_file_name)
        return item.display_name

    @staticmethod
    def _retag_subtree(repo: Repository, folder: Folder, archive_id: int, folder_type: str, across: bool) -> None:
        """Give the items below a moving folder its new folder type and, across archives, the new archive."""
        folders, records = repo.subtree(folder)
        below: list[Item] = [*folders[1:], *records]
        for item in below:
            moved = replace(
                item,
                archive_id=archive_id,
                archive_nbr=repo.next_item_nbr(archive_id) if across else item.archive_nbr,
            )
            repo.save_item(replace(moved, type=folder_type) if isinstance(moved, Folder) else moved)

    def _copy_folder(
        self, repo: Repository, caller: Account, folder: Folder, dest: Folder, name: str, made: list[str]
    ) -> Folder:
        """Copy a folder's subtree under `dest` (parents before children); return the copy of `folder`."""
        now = self.clock.now()
        folder_type = _CHILD_TYPE.get(dest.type, dest.type)
        folders, records = repo.subtree(folder)
        copies: dict[int, Folder] = {}
        for source in folders:  # breadth first: a folder's parent is copied before it
            parent = dest if source.id == folder.id else copies[source.parent_id or 0]
            copy = repo.add_folder(
                archive_id=dest.archive_id,
                archive_nbr=repo.next_item_nbr(dest.archive_id),
                parent=parent,
                display_name=source.display_name,
                download_name=name if source.id == folder.id else source.download_name,
                type=folder_type,
                now=now,
                size=source.size,
            )
            copy = replace(copy, display_at=source.display_at)
            repo.save_item(copy)
            copies[source.id] = copy
        for record in records:
            self._copy_record(repo, caller, record, copies[record.parent_id], record.download_name, made)
        return copies[folder.id]

    def _copy_record(
        self, repo: Repository, caller: Account, record: Record, parent: Folder, name: str, made: list[str]
    ) -> Record:
        """Copy a record and its files' bytes into `parent` under `name`; new blob keys are added to `made`."""
        now = self.clock.now()
        copy = repo.add_record(
            archive_id=parent.archive_id,
            archive_nbr=repo.next_item_nbr(parent.archive_id),
            parent=parent,
            display_name=record.display_name,
            download_name=name,
            upload_file_name=record.upload_file_name,
            type=record.type,
            size=record.size,
            meta_token=self._meta_token(),
            uploaded_by=caller.id,
            ready_at=record.ready_at,  # processed already: the copy is not processed again
            now=now,
        )
        copy = replace(copy, display_at=record.display_at, description=record.description)
        repo.save_item(copy)
        files = []
        for file in record.files:
            key = f"mock/copied/{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
            if self.blobs.exists(file.blob_key):
                self.blobs.copy(file.blob_key, key)
                made.append(key)
            files.append(
                repo.add_file(
                    record_id=copy.id,
                    format=file.format,
                    size=file.size,
                    content_type=file.content_type,
                    md5=file.md5,
                    blob_key=key,
                    now=now,
                )
            )
        return replace(copy, files=tuple(files))
