"""Records: one read by id or archive number, and edits of its displayName, description and displayDT."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from mock_backend.domain import messages, naming
from mock_backend.domain.backend.core import CAN_EDIT, BackendCore, retried_on_contention
from mock_backend.domain.errors import NotFound
from mock_backend.domain.models import Account, Record, Role


class Records(BackendCore):
    """Reading and editing records (uploads make them, deletions remove them)."""

    def record_by_nbr(self, caller: Account, archive_nbr: str) -> Record:
        """v1 `record/get` by the record's archiveNbr (the web app's deep link `record/:recArchiveNbr`).

        Raises:
            NotFound: no visible record has that number (`error.record.lookup`).
        """
        with self._uow() as repo:
            item = repo.item_by_nbr(archive_nbr)
            if not isinstance(item, Record):
                raise NotFound(messages.RECORD_LOOKUP, f"no record {archive_nbr!r}")
            # Read as by id, so its files come along and visibility is checked one way.
            return self._record(repo, caller, item.id, Role.VIEWER)

    def get_record(self, caller: Account, record_id: int, archive_id: int) -> Record:
        """`record/get`: a record with its files.

        Raises:
            NotFound: unknown, deleted or invisible record, or one outside `archive_id`.
        """
        with self._uow() as repo:
            record = self._record(repo, caller, record_id, Role.VIEWER)
        if record.archive_id != archive_id:
            raise NotFound(messages.RECORD_LOOKUP, f"record {record_id} is not in archive {archive_id}")
        return record

    @retried_on_contention
    def update_record(
        self,
        caller: Account,
        record_id: int,
        *,
        archive_id: int | None = None,
        display_name: str | None = None,
        description: str | None = None,
        display_at: datetime | None = None,
    ) -> Record:
        """`record/update`: change a record's displayName, description or displayDT; None leaves a field as it is.

        A new displayName gets its downloadName as registerRecord builds it (the upload's extension kept, §10),
        de-duplicated among the siblings but never against the record itself. `updatedDT` moves.

        Raises:
            InvalidInput: an empty or unusable name.
            NotFound: unknown, deleted or invisible record, or one outside `archive_id` (`error.record.lookup`).
            PermissionDenied: role below editor.
        """
        if display_name is not None:
            self._check_name("displayName", display_name)
        with self._uow(write=True) as repo:
            record = self._record(repo, caller, record_id, CAN_EDIT)
            if archive_id is not None and record.archive_id != archive_id:
                raise NotFound(messages.RECORD_LOOKUP, f"record {record_id} is not in archive {archive_id}")
            name = record.download_name
            if display_name is not None:
                wanted = naming.record_download_name(display_name, record.upload_file_name)
                name = self._unique_name(repo, record.parent_id, wanted, fail_on_duplicate=False, own=name)
            updated = replace(
                record,
                display_name=record.display_name if display_name is None else display_name,
                download_name=name,
                description=record.description if description is None else description,
                display_at=record.display_at if display_at is None else display_at,
                updated_at=self.clock.now(),
            )
            repo.save_item(updated)
            repo.commit()
        return updated
