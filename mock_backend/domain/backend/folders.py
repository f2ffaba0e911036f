"""Folders: the operator's view, root folders, navigation and listing, create and rename."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from mock_backend.domain import messages
from mock_backend.domain.backend.core import _CHILD_TYPE, CAN_CREATE, CAN_EDIT, BackendCore, retried_on_contention
from mock_backend.domain.errors import NotFound, PermissionDenied
from mock_backend.domain.models import Account, Folder, Item, Role


class Folders(BackendCore):
    """Reading folders and their children, and making and renaming them."""

    def browse(self, folder_id: int) -> tuple[Folder, list[Folder], list[Item]]:
        """The operator's view of a folder (the dashboard): it, its chain from the archive root, its children.

        No caller and no role check: only the control plane uses it.

        Raises:
            NotFound: no such folder.
        """
        with self._uow() as repo:
            folder = repo.folder(folder_id)
            if folder is None:
                raise NotFound(messages.FOLDER_LOOKUP, f"no folder {folder_id}")
            chain = repo.ancestors(folder.parent_id)
            return folder, chain, repo.children(folder)

    def archive_root(self, archive_id: int) -> Folder:
        """An archive's root folder, for the operator's view.

        Raises:
            NotFound: no such archive.
        """
        with self._uow() as repo:
            root = repo.root_folder(archive_id)
        if root is None:
            raise NotFound(messages.ARCHIVE_LOOKUP, f"no archive {archive_id}")
        return root

    def root_child(self, archive_id: int, display_name: str) -> Folder:
        """Return a root folder of an archive by name (My Files, Public, Apps).

        Raises:
            NotFound: no such archive or root folder.
        """
        with self._uow() as repo:
            root = repo.root_folder(archive_id)
            found = [c for c in repo.children(root) if isinstance(c, Folder)] if root else []
        for folder in found:
            if folder.display_name == display_name:
                return folder
        raise NotFound(messages.FOLDER_LOOKUP, f"archive {archive_id} has no root folder {display_name!r}")

    def navigate(self, caller: Account, link_id: int) -> tuple[Folder, list[Folder], list[Item]]:
        """v1 `folder/navigateLean` / `navigateMin`: a folder by folder_linkId, its chain from the top, its children.

        The chain leaves out the archive's hidden root, so it starts at My Files, Public or Apps (the breadcrumbs).

        Raises:
            NotFound: an unknown or invisible folder_linkId, or one of a record (`error.folder.lookup`).
        """
        with self._uow() as repo:
            folder = self._folder_by_link(repo, caller, link_id)
            return folder, repo.ancestors(folder.parent_id), repo.children(folder)

    def folder_by_link(self, caller: Account, link_id: int) -> Folder:
        """A folder the caller can see, by its folder_linkId (v1 names parents that way).

        Raises:
            NotFound: an unknown or invisible folder_linkId, or one of a record (`error.folder.lookup`).
        """
        with self._uow() as repo:
            return self._folder_by_link(repo, caller, link_id)

    def get_root(self, caller: Account, archive_id: int) -> tuple[Folder, list[Item]]:
        """`folder/getRoot`: the archive's root folder and its children.

        Raises:
            NotFound: the archive does not exist or the caller is not a member (`error.archive.lookup`).
        """
        with self._uow() as repo:
            if repo.role(caller.id, archive_id) is None:
                raise NotFound(messages.ARCHIVE_LOOKUP, f"archive {archive_id} not found")
            root = repo.root_folder(archive_id)
            if root is None:
                raise NotFound(messages.ARCHIVE_LOOKUP, f"archive {archive_id} has no root")
            return root, repo.children(root)

    @contextmanager
    def streamed_children(
        self, caller: Account, folder_id: int, archive_id: int, *, with_files: bool = True
    ) -> Iterator[tuple[Folder, Iterator[Item]]]:
        """`folder/getWithChildren` for any size: the folder and an iterator of its children, read in batches.

        The read stays open until the block ends, so the children are one consistent snapshot; a caller streams
        them out instead of holding every child (and its answer) in memory at once. Without files, child records
        carry none (for an answer that shows none).

        Raises:
            NotFound: unknown, deleted or invisible folder, or one outside `archive_id` (on entering the block).
        """
        with self._uow() as repo:
            folder = self._folder(repo, caller, folder_id, Role.VIEWER)
            if folder.archive_id != archive_id:
                raise NotFound(messages.FOLDER_LOOKUP, f"folder {folder_id} is not in archive {archive_id}")
            yield folder, repo.iter_children(folder, with_files=with_files)

    @retried_on_contention
    def create_folder(
        self, caller: Account, *, display_name: str, parent_folder_id: int, fail_on_duplicate: bool
    ) -> Folder:
        """`folder/post`: create a folder, de-duplicating its downloadName (§10).

        Raises:
            InvalidInput: an empty or unusable name.
            NotFound: the parent is unknown or invisible.
            PermissionDenied: the caller's role is below contributor.
            Conflict: `failOnDuplicateName` is true and a sibling already has the name.
        """
        self._check_name("displayName", display_name)
        with self._uow(write=True) as repo:
            parent = self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            name = self._unique_name(repo, parent, display_name, fail_on_duplicate)
            folder = repo.add_folder(
                archive_id=parent.archive_id,
                archive_nbr=repo.next_item_nbr(parent.archive_id),
                parent=parent,
                display_name=display_name,
                download_name=name,
                type=_CHILD_TYPE.get(parent.type, parent.type),
                now=self.clock.now(),
            )
            repo.commit()
            return folder

    @retried_on_contention
    def rename_folder(self, caller: Account, folder_id: int, display_name: str) -> Folder:
        """`folder/update` (v1, the web app's rename): a new displayName, its downloadName de-duplicated (§10).

        Renaming to the current name keeps the current downloadName (the folder does not clash with itself).

        Raises:
            InvalidInput: an empty or unusable name.
            NotFound: unknown, deleted or invisible folder (`error.folder.lookup`).
            PermissionDenied: role below editor, or a root folder (`error.folder.no_update_root`).
        """
        self._check_name("displayName", display_name)
        with self._uow(write=True) as repo:
            folder = self._folder(repo, caller, folder_id, CAN_EDIT)
            if folder.is_root or folder.parent_id is None:
                raise PermissionDenied(messages.NO_UPDATE_ROOT, "root folders cannot be renamed")
            name = self._unique_name(
                repo, folder.parent_id, display_name, fail_on_duplicate=False, own=folder.download_name
            )
            renamed = replace(folder, display_name=display_name, download_name=name, updated_at=self.clock.now())
            repo.save_item(renamed)
            repo.commit()
        return renamed
