"""Stela's reads: folders and records by id, a folder's children page by page, and totalPages."""

from __future__ import annotations

import math

from mock_backend.domain import messages
from mock_backend.domain.backend.core import BackendCore
from mock_backend.domain.errors import InvalidInput, NotFound
from mock_backend.domain.models import (
    Account,
    Folder,
    FolderListPage,
    FolderPage,
    Lineage,
    Record,
    StelaFolders,
    StelaRecords,
)
from mock_backend.domain.ports import Repository


class Stela(BackendCore):
    """Stela `GET /folder`, `/folders`, `/record` and `/folder/{id}/children`."""

    def stela_folders(self, caller: Account | None, folder_ids: list[int]) -> StelaFolders:
        """Stela `GET /folder`: the visible folders among the ids; an anonymous caller sees none (D3)."""
        if caller is None:
            return StelaFolders([])
        with self._uow() as repo:
            found = [f for f in repo.folders(folder_ids) if repo.role(caller.id, f.archive_id) is not None]
            return StelaFolders(found, self._lineage(repo, caller, found))

    def stela_records(self, caller: Account | None, record_ids: list[int]) -> StelaRecords:
        """Stela `GET /record`: the visible records among the ids, in the order asked, repeats kept.

        Real Stela (record/service.ts getRecords) maps the asked ids onto what its query found, so an id asked
        twice comes back twice and unknown or invisible ones are left out; anonymous callers see none here, as
        the mock has no public items (D3).
        """
        if caller is None:
            return StelaRecords([])
        with self._uow() as repo:
            found: dict[int, Record] = {}
            for record_id in dict.fromkeys(record_ids):
                record = repo.record(record_id)
                if record is not None and repo.role(caller.id, record.archive_id) is not None:
                    found[record_id] = record
            parents = {
                parent.id: parent
                for parent_id in {r.parent_id for r in found.values()}
                if (parent := repo.folder(parent_id)) is not None
            }
            records = [found[i] for i in record_ids if i in found]
            return StelaRecords(records, parents, self._lineage(repo, caller, []))

    def stela_folders_page(
        self, caller: Account | None, folder_ids: list[int], page_size: int, cursor: int | None
    ) -> tuple[StelaFolders, FolderListPage]:
        """Stela's plural `GET /folders`: the visible folders among the ids, paged by folderLinkId.

        Real Stela (3ee7ab2) orders them by link id, starts after the `cursor` link id, and counts
        `totalPages` as a true ceiling here (unlike the children route).
        """
        found = self.stela_folders(caller, folder_ids)
        ordered = sorted(found.folders, key=lambda f: f.link_id)
        after = [f for f in ordered if cursor is None or f.link_id > cursor]
        page = after[:page_size]
        # As on the children route the count rides on the page's rows, so a page past the end says 0.
        pages = math.ceil(len(ordered) / page_size) if page else 0
        return found, FolderListPage(tuple(folder_ids), page, page_size, pages)

    @staticmethod
    def _lineage(repo: Repository, caller: Account, folders: list[Folder]) -> Lineage:
        """Archive names and root-down chains for Stela's `archive` and `paths` (real Stela at 3ee7ab2)."""
        names = {a.id: a.full_name for a in repo.archives_of(caller.id)}
        chains: dict[int, tuple[Folder, ...]] = {}
        parents: dict[int | None, tuple[Folder, ...]] = {}
        for folder in folders:
            if folder.parent_id not in parents:
                parents[folder.parent_id] = tuple(repo.ancestors(folder.parent_id))
            chains[folder.id] = (*parents[folder.parent_id], folder)
        return Lineage(names, chains)

    def stela_children(self, caller: Account | None, folder_id: int, page_size: int, cursor: int | None) -> FolderPage:
        """Stela `GET /folder/{id}/children`: one cursor page in the parent's sort order (§8.3).

        The page is found by key, so it costs O(page size) whatever the folder's size.

        Raises:
            NotFound: the folder is unknown or invisible to the caller (only with the quirk
                `stela_invisible_children_empty_page` off).
            InvalidInput: the cursor is not a child of the folder (only with `stela_stale_cursor_restarts` off).
        """
        quirks = self.settings.quirks
        with self._uow() as repo:
            folder = repo.folder(folder_id)
            if folder is None or caller is None or repo.role(caller.id, folder.archive_id) is None:
                if not quirks.stela_invisible_children_empty_page:
                    raise NotFound(messages.FOLDER_LOOKUP, "Folder not found")
                # Quirk stela_invisible_children_empty_page: real Stela answers 200 with no items, and its
                # count still covers an existing folder's children (shared reference stela-local.md).
                total = repo.count_children(folder.id) if folder is not None else 0
                return FolderPage(folder_id, folder, [], total, page_size, visible=False)
            if cursor is not None:
                anchor = repo.item_by_link(cursor)
                if anchor is None or anchor.parent_id != folder.id:
                    if not quirks.stela_stale_cursor_restarts:
                        raise InvalidInput(messages.INVALID_REQUEST, '"cursor" must be a child of the folder')
                    # Quirk stela_stale_cursor_restarts: real Stela ignores a foreign cursor (page 1 again).
                    cursor = None
            items = repo.children_page(folder, cursor, page_size)
            lineage = self._lineage(repo, caller, [i for i in items if isinstance(i, Folder)])
            return FolderPage(folder_id, folder, items, repo.count_children(folder.id), page_size, lineage=lineage)

    def total_pages(self, page: FolderPage) -> int:
        """Return Stela's `totalPages` for a page (ceil(children / pageSize) with the round-down quirk off)."""
        if not self.settings.quirks.stela_total_pages_round_down:
            return math.ceil(page.total / page.page_size)
        # Quirk stela_total_pages_round_down: `CEILING(COUNT(*) / pageSize)` divides integers first, and the
        # count rides on the page's rows, so a visible empty page says 0 (stela get_folder_children.sql).
        if page.visible and not page.items:
            return 0
        return page.total // page.page_size
