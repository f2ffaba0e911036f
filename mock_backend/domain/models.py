"""Plain domain objects: accounts, archives, folders, records, files, share links, uploads, deletions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

RECORD_UPLOADED = "status.record.uploaded"
STATUS_OK = "status.generic.ok"
FORMAT_ORIGINAL = "file.format.original"


class Role(Enum):
    """Archive access roles in the order the web-app ranks them (access-role.ts); admin sits on top."""

    VIEWER = "access.role.viewer"
    CONTRIBUTOR = "access.role.contributor"
    EDITOR = "access.role.editor"
    CURATOR = "access.role.curator"
    MANAGER = "access.role.manager"
    OWNER = "access.role.owner"
    ADMIN = "access.role.admin"

    @property
    def rank(self) -> int:
        """Position in the ordering, viewer lowest."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Tell whether this role is at least `needed`."""
        return self.rank >= needed.rank


@dataclass(frozen=True)
class Account:
    """A user, identified by FusionAuth login and bearer tokens."""

    id: int
    email: str
    full_name: str
    subject: str
    allow_sftp_deletion: bool
    created_at: datetime
    updated_at: datetime
    default_archive_id: int | None = None
    #: What the web app's sign-in asks after the password: None, "mfa" or "verify_email" (SIGN_IN_STEPS).
    sign_in_step: str | None = None


@dataclass(frozen=True)
class Archive:
    """An archive; `role` is the caller's membership role when the archive was read for a caller."""

    id: int
    nbr: str
    full_name: str
    type: str
    status: str
    created_at: datetime
    updated_at: datetime
    role: Role | None = None


@dataclass(frozen=True)
class File:
    """One stored file of a record: the original or a derivative."""

    id: int
    record_id: int
    format: str
    size: int
    content_type: str
    md5: str
    blob_key: str
    created_at: datetime
    updated_at: datetime
    parent_file_id: int | None = None


@dataclass(frozen=True)
class Folder:
    """A folder and its link into its parent (folder_link)."""

    id: int
    link_id: int
    archive_id: int
    archive_nbr: str
    parent_id: int | None
    parent_link_id: int | None
    display_name: str
    download_name: str
    type: str
    status: str
    sort: str
    view: str
    size: int
    display_at: datetime
    created_at: datetime
    updated_at: datetime

    @property
    def is_root(self) -> bool:
        """Tell whether this is one of the archive's root folders (not deletable)."""
        return self.type.startswith("type.folder.root.")


@dataclass(frozen=True)
class Record:
    """A record (an uploaded item) and its link into its parent folder."""

    id: int
    link_id: int
    archive_id: int
    archive_nbr: str
    parent_id: int
    parent_link_id: int
    display_name: str
    download_name: str
    upload_file_name: str
    type: str
    status: str
    size: int
    meta_token: str
    uploaded_by: int
    ready_at: datetime
    display_at: datetime
    created_at: datetime
    updated_at: datetime
    files: tuple[File, ...] = field(default=())
    description: str | None = None

    def status_at(self, now: datetime) -> str:
        """Return the status at `now`: simulated processing ends `ready_at` (reference D6)."""
        if self.status == RECORD_UPLOADED and now >= self.ready_at:
            return STATUS_OK
        return self.status

    def files_at(self, now: datetime, hide_unprocessed: bool) -> tuple[File, ...] | None:
        """Return the files to show at `now`; None while unprocessed when `hide_unprocessed` is set.

        Before PER-9417 registerRecord answered `FileVOs: null` and listings lacked the original until
        processing ended (sftp-service.md §7, §10); the switch reproduces that.
        """
        if hide_unprocessed and self.status_at(now) == RECORD_UPLOADED:
            return None
        return self.files

    @property
    def original(self) -> File | None:
        """Return the original file, if any."""
        return next((f for f in self.files if f.format == FORMAT_ORIGINAL), None)


Item = Folder | Record


@dataclass(frozen=True)
class ShareLink:
    """A share-by-URL link to one folder or record."""

    id: int
    link_id: int
    account_id: int
    archive_id: int
    url_token: str
    uses: int
    max_uses: int
    auto_approve: bool
    preview: bool
    default_access_role: str
    expires_at: datetime | None
    status: str
    created_at: datetime
    updated_at: datetime
    #: Anyone holding the URL may view, without an account (Stela's accessRestrictions "none").
    unrestricted: bool = False


@dataclass(frozen=True)
class Upload:
    """A presigned POST the mock issued, and what it received."""

    key: str
    account_id: int
    parent_folder_id: int
    display_name: str
    upload_file_name: str
    file_type: str
    size: int
    expires_at: datetime
    received_size: int | None = None
    md5: str | None = None
    registered: bool = False


@dataclass(frozen=True)
class Deletion:
    """One line of the deletion audit log: who deleted what, where, how big, when."""

    id: int
    account_id: int
    archive_id: int
    item_type: str
    item_id: int
    link_id: int
    path: str
    size: int
    deleted_at: datetime
    deleted_with_link_id: int
    #: When the item was created: member-success staff asked how much people delete soon after uploading.
    item_created_at: datetime | None = None


@dataclass(frozen=True)
class Lineage:
    """Where Stela items live: archive names by id, and each folder's chain below the archive root (itself last)."""

    archive_names: dict[int, str] = field(default_factory=dict)
    chains: dict[int, tuple[Folder, ...]] = field(default_factory=dict)

    def chain(self, folder: Folder) -> tuple[Folder, ...]:
        """Return the folders from below the archive root down to `folder` (just `folder` when unknown)."""
        return self.chains.get(folder.id, (folder,))


@dataclass(frozen=True)
class StelaFolders:
    """The answer of Stela `GET /folders`: the visible folders and where they live."""

    folders: list[Folder]
    lineage: Lineage = field(default_factory=Lineage)


@dataclass(frozen=True)
class StelaRecords:
    """The answer of Stela `GET /record`: the visible records, their parent folders and archive names."""

    records: list[Record]
    parents: dict[int, Folder] = field(default_factory=dict)
    lineage: Lineage = field(default_factory=Lineage)


@dataclass(frozen=True)
class SharedLink:
    """A share link as Stela reads it: with the shared item's id and kind, and its creator's name."""

    share: ShareLink
    item_id: int
    #: "record" or "folder" (Stela's itemType).
    item_type: str
    creator_name: str


@dataclass(frozen=True)
class ShareLinkPage:
    """One page of Stela's `GET /share-links`: the links by id after a cursor, and what was asked."""

    links: list[SharedLink]
    share_link_ids: tuple[str, ...]
    tokens: tuple[str, ...]
    page_size: int
    total_pages: int


@dataclass(frozen=True)
class FolderListPage:
    """One page of Stela's plural `GET /folders`: visible folders by folderLinkId after a cursor."""

    folder_ids: tuple[int, ...]
    folders: list[Folder]
    page_size: int
    total_pages: int


@dataclass(frozen=True)
class FolderPage:
    """One Stela children page: the items and the total number of children."""

    folder_id: int
    #: None when the folder is unknown; set but not `visible` for another archive's or an anonymous caller.
    folder: Folder | None
    items: list[Item]
    total: int
    page_size: int
    visible: bool = True
    lineage: Lineage = field(default_factory=Lineage)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep removed: expired presigned uploads, crash leftovers and blobs nothing names."""

    expired_uploads: int = 0
    expired_upload_bytes: int = 0
    incoming_files: int = 0
    incoming_bytes: int = 0
    orphan_blobs: int = 0
    orphan_bytes: int = 0

    @property
    def removed_anything(self) -> bool:
        """Tell whether the sweep removed anything."""
        return bool(self.expired_uploads or self.incoming_files or self.orphan_blobs)


#: The steps a v1 sign-in can ask for after the password, as the web app meets them (web-app auth.repo.ts).
SIGN_IN_STEPS = ("mfa", "verify_email")


@dataclass(frozen=True)
class WebSession:
    """A PHP session of the web app: the account, its current archive, the CSRF token and a step still due."""

    token: str
    account_id: int
    archive_id: int | None
    csrf: str
    pending: str | None
    expires_at: datetime

    @property
    def signed_in(self) -> bool:
        """Tell whether the session has passed every sign-in step."""
        return self.pending is None
