"""What the domain needs from storage: a repository inside a unit of work, and a blob store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mock_backend.domain.models import (
    Account,
    Archive,
    Deletion,
    File,
    Folder,
    Item,
    Record,
    Role,
    ShareLink,
    Upload,
)


@dataclass(frozen=True)
class NewRecord:
    """A record to add with its original file, for `Repository.add_records` (the bulk import)."""

    display_name: str
    download_name: str
    upload_file_name: str
    type: str
    size: int
    meta_token: str
    content_type: str
    md5: str
    blob_key: str


class Repository(Protocol):
    """State access for one unit of work; writes become visible on commit."""

    # accounts and tokens
    def account(self, account_id: int) -> Account | None: ...
    def accounts(self) -> list[Account]: ...
    def wipe(self) -> None: ...
    def account_by_email(self, email: str) -> tuple[Account, str] | None: ...
    def add_account(
        self,
        *,
        email: str,
        full_name: str,
        password_hash: str,
        subject: str,
        allow_sftp_deletion: bool,
        now: datetime,
    ) -> Account: ...
    def set_allow_sftp_deletion(self, account_id: int, allowed: bool, now: datetime) -> Account: ...
    def set_default_archive(self, account_id: int, archive_id: int) -> None: ...
    def add_refresh_token(self, token: str, account_id: int, client_id: str, expires_at: datetime) -> None: ...
    def refresh_token(self, token: str) -> tuple[int, str, datetime] | None: ...

    # archives
    def add_archive(self, *, full_name: str, type: str, now: datetime) -> Archive: ...
    def add_membership(self, account_id: int, archive_id: int, role: Role) -> None: ...
    def archives_of(self, account_id: int) -> list[Archive]: ...
    def role(self, account_id: int, archive_id: int) -> Role | None: ...
    def next_item_nbr(self, archive_id: int) -> str: ...

    # folders and records
    def folder(self, folder_id: int) -> Folder | None: ...
    def folders(self, folder_ids: list[int]) -> list[Folder]: ...
    def record(self, record_id: int) -> Record | None: ...
    def item_by_link(self, link_id: int) -> Item | None: ...
    def root_folder(self, archive_id: int) -> Folder | None: ...
    def children(self, folder: Folder) -> list[Item]: ...
    def iter_children(self, folder: Folder, batch: int = 1000, with_files: bool = True) -> Iterator[Item]: ...
    def children_page(self, folder: Folder, after_link_id: int | None, limit: int) -> list[Item]: ...
    def count_children(self, folder_id: int) -> int: ...
    def names_taken(self, parent_id: int, exact: str, prefix: str) -> set[str]: ...
    def add_folder(
        self,
        *,
        archive_id: int,
        archive_nbr: str,
        parent: Folder | None,
        display_name: str,
        download_name: str,
        type: str,
        now: datetime,
    ) -> Folder: ...
    def add_record(
        self,
        *,
        archive_id: int,
        archive_nbr: str,
        parent: Folder,
        display_name: str,
        download_name: str,
        upload_file_name: str,
        type: str,
        size: int,
        meta_token: str,
        uploaded_by: int,
        ready_at: datetime,
        now: datetime,
    ) -> Record: ...
    def existing_names(self, parent_id: int, names: Iterable[str]) -> set[str]: ...
    def add_records(
        self, *, parent: Folder, records: Sequence[NewRecord], uploaded_by: int, file_format: str, now: datetime
    ) -> list[Record]: ...
    def add_file(
        self,
        *,
        record_id: int,
        format: str,
        size: int,
        content_type: str,
        md5: str,
        blob_key: str,
        now: datetime,
    ) -> File: ...
    def file(self, file_id: int) -> File | None: ...
    def subtree(self, folder: Folder) -> tuple[list[Folder], list[Record]]: ...
    def delete_items(self, folders: list[Folder], records: list[Record]) -> None: ...
    def add_to_folder_sizes(self, folder_id: int | None, delta: int, now: datetime) -> None: ...
    def ancestors(self, folder_id: int | None) -> list[Folder]: ...

    # share links
    def share_for_link(self, link_id: int) -> ShareLink | None: ...
    def share(self, share_id: int) -> ShareLink | None: ...
    def add_share(
        self,
        *,
        link_id: int,
        account_id: int,
        archive_id: int,
        url_token: str,
        max_uses: int,
        preview: bool,
        default_access_role: str,
        now: datetime,
        auto_approve: bool = False,
        unrestricted: bool = False,
        expires_at: datetime | None = None,
    ) -> ShareLink: ...
    def update_share(self, share: ShareLink) -> ShareLink: ...
    def shares(self, share_ids: list[int], tokens: list[str]) -> list[ShareLink]: ...
    def delete_share(self, share_id: int) -> None: ...

    # uploads
    def add_upload(self, upload: Upload) -> None: ...
    def upload(self, key: str) -> Upload | None: ...
    def save_upload(self, upload: Upload) -> None: ...
    def expired_uploads(self, before: datetime, limit: int) -> list[Upload]: ...
    def delete_uploads(self, keys: list[str]) -> None: ...
    def blob_keys(self) -> set[str]: ...

    # audit
    def add_deletion(
        self,
        *,
        account_id: int,
        archive_id: int,
        item_type: str,
        item_id: int,
        link_id: int,
        path: str,
        size: int,
        deleted_at: datetime,
        deleted_with_link_id: int,
        item_created_at: datetime | None = None,
    ) -> Deletion: ...
    def deletions(self, account_id: int | None, limit: int) -> list[Deletion]: ...

    def commit(self) -> None: ...


class UnitOfWork(Protocol):
    """Opens a repository for one operation; `write=True` serialises writers."""

    def __call__(self, write: bool = False) -> AbstractContextManager[Repository]: ...


class BlobWriter(Protocol):
    """A file being received: written in chunks, then kept under a key or thrown away."""

    size: int

    def write(self, chunk: bytes) -> None: ...
    def md5(self) -> str: ...
    def keep(self, key: str) -> None: ...
    def discard(self) -> None: ...


class BlobStore(Protocol):
    """Where file bytes live."""

    def writer(self) -> BlobWriter: ...
    def path(self, key: str) -> Path: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def put(self, key: str, chunks: Iterator[bytes]) -> tuple[int, str]: ...
    def sweep_incoming(self) -> tuple[int, int]: ...
    def clear(self) -> int: ...
    def sweep_unreferenced(self, referenced: Callable[[], Iterable[str]], grace_seconds: float) -> tuple[int, int]: ...
