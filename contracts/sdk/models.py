"""Immutable SDK models: the fields of @permanentorg/sdk's models in snake_case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from contracts.sdk.enums import AccessRole, DerivativeType, RecordType, Status

if TYPE_CHECKING:
    from contracts.sdk.errors import V1Failure

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Account:
    """The authenticated account."""

    id: int
    is_sftp_deletion_enabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Archive:
    """An archive the account belongs to; `slug` is the archive number (`0001-0000`)."""

    id: int
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class File:
    """One stored file of a record: the original or a derivative."""

    id: int
    size: int
    derivative_type: DerivativeType
    content_type: str
    file_url: str
    download_url: str
    checksum: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """A record (an uploaded item); `file_system_id` is its folder-link id."""

    id: int
    file_system_id: int
    display_name: str
    file_system_compatible_name: str
    type: RecordType
    status: Status
    display_date: datetime | None
    files: list[File]
    created_at: datetime
    updated_at: datetime
    #: The record's archive number (`0001-000a`), the web app's deep link; None where the answer has none (Stela).
    archive_nbr: str | None = None


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder with its direct children (empty lists when the call does not load them)."""

    id: int
    file_system_id: int
    name: str
    file_system_compatible_name: str
    display_date: datetime | None
    size: int
    created_at: datetime
    updated_at: datetime
    folders: list[Folder] = field(default_factory=list)
    archive_records: list[ArchiveRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ShareLink:
    """A share link for a folder or record (`shared_file_system_item_id` is its folder-link id)."""

    id: int
    shared_file_system_item_id: int
    url: str
    url_token: str
    uses: int | None
    max_uses: int | None
    auto_approve: bool
    show_preview: bool
    default_access_role: AccessRole | None
    expires_at: datetime | None
    status: Status
    by_account_id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PresignedPost:
    """Where and how to upload a file: the answer of getPresignedUrl."""

    destination_url: str
    url: str
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class FolderChildrenPage:
    """One page of a Stela folder listing."""

    folders: list[Folder]
    archive_records: list[ArchiveRecord]
    item_count: int
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StelaShareLink:
    """A share link as Stela's `/share-links` routes answer it (the web app's ShareLink); ids as integers."""

    id: int
    item_id: int
    #: "record" or "folder".
    item_type: str
    token: str
    #: viewer, contributor, editor, manager or owner (the access role without `access.role.`).
    permissions_level: str
    #: "none" (anyone with the URL), "account" (any signed-in account) or "approval".
    access_restrictions: str
    max_uses: int | None
    uses_expended: int | None
    expires_at: datetime | None
    creator_account_id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StelaShareLinkPage:
    """One page of Stela's `GET /share-links`."""

    share_links: list[StelaShareLink]
    next_cursor: str | None
    total_pages: int


@dataclass(frozen=True, slots=True)
class WebSignIn:
    """What a v1 sign-in (auth/login, auth/verify) answers: the account, its archive, and the bearer for v2."""

    account: Account
    archive: Archive | None
    token: str


@dataclass(frozen=True, slots=True)
class FolderView:
    """A folder as navigateLean / navigateMin show it: lean children, the caller's role, and the breadcrumbs."""

    folder: Folder
    access_role: AccessRole | None
    path_link_ids: list[int]
    path_names: list[str]


@dataclass(frozen=True, slots=True)
class ItemResult(Generic[T]):
    """The outcome of one item of a v1 batch: its value, or the failure the server answered for it."""

    value: T | None
    failure: V1Failure | None = None

    @property
    def ok(self) -> bool:
        """True when the item succeeded."""
        return self.failure is None

    def unwrap(self) -> T:
        """Return the value.

        Raises:
            V1Failure: the item failed.
        """
        if self.failure is not None:
            raise self.failure
        assert self.value is not None  # an item without failure has its value
        return self.value
