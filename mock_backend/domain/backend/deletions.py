"""Deletions: hard deletes of folders and records, the deletion gate, the audit log, the blobs that go."""

from __future__ import annotations

from mock_backend.domain import messages
from mock_backend.domain.backend.core import CAN_DELETE, BackendCore, retried_on_contention
from mock_backend.domain.errors import PermissionDenied
from mock_backend.domain.models import Account, Deletion, Folder, Item, Record
from mock_backend.domain.ports import Repository


class Deletions(BackendCore):
    """Deleting folders and records, and the audit log of what went."""

    @retried_on_contention
    def delete_folder(self, caller: Account, folder_id: int) -> None:
        """`folder/delete`: hard-delete a folder, its whole subtree and their blobs (§6.6).

        Raises:
            NotFound: unknown, deleted or invisible folder.
            PermissionDenied: role below editor, a root folder, or the deletion gate when enforced.
        """
        with self._uow(write=True) as repo:
            folder = self._folder(repo, caller, folder_id, CAN_DELETE)
            if folder.is_root:
                raise PermissionDenied(messages.NO_UNLINK_ROOT, "root folders cannot be deleted")
            self._check_deletion_gate(repo, caller)
            folders, records = repo.subtree(folder)
            self._audit(repo, caller, folder, folders, records)
            repo.add_to_folder_sizes(folder.parent_id, -folder.size, self.clock.now())
            repo.delete_items(folders, records)
            repo.commit()
        self._drop_blobs(records)

    @retried_on_contention
    def delete_record(self, caller: Account, record_id: int) -> None:
        """`record/delete`: hard-delete a record and its blobs.

        Raises:
            NotFound: unknown, deleted or invisible record.
            PermissionDenied: role below editor, or the deletion gate when enforced.
        """
        with self._uow(write=True) as repo:
            record = self._record(repo, caller, record_id, CAN_DELETE)
            self._check_deletion_gate(repo, caller)
            self._audit(repo, caller, record, [], [record])
            repo.add_to_folder_sizes(record.parent_id, -record.size, self.clock.now())
            repo.delete_items([], [record])
            repo.commit()
        self._drop_blobs([record])

    def deletions(self, account_id: int | None = None, limit: int = 1000) -> list[Deletion]:
        """Return the deletion audit log, newest first."""
        with self._uow() as repo:
            return repo.deletions(account_id, limit)

    def _check_deletion_gate(self, repo: Repository, caller: Account) -> None:
        if not self.settings.enforce_deletion_gate:
            return
        account = repo.account(caller.id)
        if account is None or not account.allow_sftp_deletion:
            raise PermissionDenied(messages.NO_ACTION_PERMISSION, "deletion is not enabled for this account")

    def _audit(
        self,
        repo: Repository,
        caller: Account,
        target: Item,
        folders: list[Folder],
        records: list[Record],
    ) -> None:
        now = self.clock.now()
        base = "/".join(a.download_name for a in repo.ancestors(target.parent_id))
        archive = next((a for a in repo.archives_of(caller.id) if a.id == target.archive_id), None)
        prefix = f"/{archive.full_name if archive else target.archive_id}/{base}".rstrip("/")
        paths = _subtree_paths(target, folders, records, prefix)
        items: list[Item] = [*folders, *records]
        for item in items:
            repo.add_deletion(
                account_id=caller.id,
                archive_id=item.archive_id,
                item_type="folder" if isinstance(item, Folder) else "record",
                item_id=item.id,
                link_id=item.link_id,
                path=paths[item.link_id],
                size=item.size,
                deleted_at=now,
                deleted_with_link_id=target.link_id,
                item_created_at=item.created_at,
            )

    def _drop_blobs(self, records: list[Record]) -> None:
        for record in records:
            for file in record.files:
                self.blobs.delete(file.blob_key)


def _subtree_paths(target: Item, folders: list[Folder], records: list[Record], prefix: str) -> dict[int, str]:
    """Return the path of every deleted item, keyed by folder_linkId, given the target's parent path."""
    by_id = {f.id: f for f in folders}
    paths: dict[int, str] = {}

    def path_of(item: Item) -> str:
        if item.link_id in paths:
            return paths[item.link_id]
        parent = by_id.get(item.parent_id) if item.parent_id is not None and item is not target else None
        head = path_of(parent) if parent is not None else prefix
        paths[item.link_id] = f"{head}/{item.download_name}"
        return paths[item.link_id]

    every: list[Item] = [*folders, *records]
    for item in every:
        path_of(item)
    return paths
