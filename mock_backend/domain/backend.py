"""The mock's operations, named after the real API actions; every rule of the backend lives here.

Where the mock differs from, or guesses at, the real backend, the method docstring says so and names
the decision (D1–D7) or the section of the reference it follows.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import logging
import math
import random
import secrets
import string
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from mock_backend.config import Settings
from mock_backend.domain import filetypes, messages, naming
from mock_backend.domain.clock import Clock, epoch
from mock_backend.domain.errors import (
    Conflict,
    Contention,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from mock_backend.domain.models import (
    FORMAT_ORIGINAL,
    Account,
    Archive,
    Deletion,
    File,
    Folder,
    FolderListPage,
    FolderPage,
    Item,
    Lineage,
    Record,
    Role,
    SharedLink,
    ShareLink,
    ShareLinkPage,
    StelaFolders,
    StelaRecords,
    SweepReport,
    Upload,
)
from mock_backend.domain.ports import BlobStore, BlobWriter, NewRecord, Repository, UnitOfWork
from mock_backend.domain.security import Signer, TokenClaims, check_password, hash_password
from mock_backend.domain.sessions import WebSessions

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_T = TypeVar("_T")
#: Runs of an operation that keeps losing write races to other processes before it gives up (409).
RACE_ATTEMPTS = 16
#: Download URL signatures kept (file, expiry second, disposition): a few pages' worth of files, a few MB at most.
_CACHED_SIGNATURES = 8192


def retried_on_contention(
    operation: Callable[Concatenate[Backend, _P], _T],
) -> Callable[Concatenate[Backend, _P], _T]:
    """Run a write operation again when storage reports a lost race, so a caller never sees one.

    Within one process writers are serialised, but two processes on one database (the issue-8 race)
    can both pick "name (3)"; the unique index refuses the second, and the re-run picks "name (4)",
    or answers 409 duplicate_name if `failOnDuplicateName` asked for that. The operation must have no
    side effect outside its unit of work before the write. Back-off is jittered to split the racers.
    """

    @functools.wraps(operation)
    def run(self: Backend, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        for attempt in range(RACE_ATTEMPTS):
            try:
                return operation(self, *args, **kwargs)
            except Contention as exc:
                if attempt == RACE_ATTEMPTS - 1:
                    # Never seen in the race tests; if it happens, an integrity error is likely a bug, not a race.
                    log.warning("%s lost %d write races in a row: %s", operation.__name__, RACE_ATTEMPTS, exc.detail)
                    raise
                time.sleep(self._rng.uniform(0, 0.001 * 2 ** min(attempt, 6)))
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def same_secret(given: str | None, expected: str) -> bool:
    """Compare a presented credential with the expected one in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


#: Who may do what (decision D2, reference §12.3).
CAN_READ = Role.VIEWER
CAN_CREATE = Role.CONTRIBUTOR
CAN_EDIT = Role.EDITOR
CAN_DELETE = Role.EDITOR
CAN_SHARE = Role.CURATOR
#: Stela lets managers and owners create share links (stela packages/api/src/share_link/service.ts
#: createShareLink: accessRoleLessThan(accessRole, AccessRole.Manager) is 403).
STELA_CAN_SHARE = Role.MANAGER

#: Root layout of a new archive (reference §6.3): (display name, folder type).
ROOT_CHILDREN = (
    ("Apps", "type.folder.root.app"),
    ("My Files", "type.folder.root.private"),
    ("Public", "type.folder.root.public"),
)
_CHILD_TYPE = {
    "type.folder.root.root": "type.folder.private",
    "type.folder.root.private": "type.folder.private",
    "type.folder.root.public": "type.folder.public",
    "type.folder.root.app": "type.folder.app",
}
ACCESS_ROLES = frozenset(role.value for role in Role)
REFRESH_TOKEN_TTL = timedelta(days=30)


@dataclass(frozen=True)
class LoginResult:
    """A successful FusionAuth password login."""

    account: Account
    access_token: str
    access_expires_at: datetime
    refresh_token: str


@dataclass(frozen=True)
class TokenGrant:
    """A successful OAuth refresh-token grant."""

    account: Account
    access_token: str
    expires_in: int
    refresh_token: str


@dataclass(frozen=True)
class PresignedPost:
    """A presigned S3 POST: where the bytes go and the form fields that authorise them."""

    key: str
    fields: dict[str, str]


@dataclass(frozen=True)
class ShareChanges:
    """The fields updateShareLink may change; None leaves a field as it is."""

    max_uses: int | None = None
    preview: bool | None = None
    auto_approve: bool | None = None
    default_access_role: str | None = None
    expires_at: datetime | None = None
    clear_expiry: bool = False


@dataclass(frozen=True)
class StelaShareRequest:
    """What Stela `POST /share-links` asks for: the item and the new link's settings (None: Stela's default)."""

    item_type: str
    item_id: int
    permissions_level: str | None = None
    access_restrictions: str | None = None
    max_uses: int | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class StelaShareChanges:
    """What Stela `PATCH /share-links/{id}` changes; None leaves a field, the `clear_*` flags null it."""

    permissions_level: str | None = None
    access_restrictions: str | None = None
    max_uses: int | None = None
    clear_max_uses: bool = False
    expires_at: datetime | None = None
    clear_expiry: bool = False


@dataclass(frozen=True)
class Download:
    """A verified download: the file and where its bytes are."""

    file: File
    path: Path


@dataclass(frozen=True)
class Introspection:
    """What FusionAuth's introspect endpoint says of a token: inactive, or active with its account and claims."""

    active: bool
    account: Account | None = None
    claims: TokenClaims | None = None


class LoginFailed(Exception):
    """FusionAuth login or token failures, carrying FusionAuth's status and error code."""

    def __init__(self, status: int, code: str, description: str) -> None:
        self.status = status
        self.code = code
        self.description = description
        super().__init__(f"{status} {code}: {description}")


class Backend:
    """The state and rules of one mock instance, over a unit of work and a blob store."""

    def __init__(
        self,
        *,
        uow: UnitOfWork,
        blobs: BlobStore,
        settings: Settings,
        clock: Clock,
        signer: Signer,
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow
        self.blobs = blobs
        self.settings = settings
        self.clock = clock
        self.signer = signer
        # A listing signs two download URLs per file, and clients list the same pages again and again while a URL's
        # expiry (whole seconds) stays the same: each distinct URL is signed once. A signature depends on nothing
        # but its parts and the signer's secret.
        self._download_signatures = functools.lru_cache(maxsize=_CACHED_SIGNATURES)(self._sign_download)
        self._rng = rng or random.SystemRandom()
        #: The web app's PHP sessions (v1); their bearer is the one FusionAuth would issue to the web app.
        self.web = WebSessions(
            uow, clock, lambda account: self._issue(account, settings.fusionauth_client_id), self._password_holder
        )

    @functools.cached_property
    def _decoy_hash(self) -> str:
        """A password hash no password matches, checked for unknown logins so they cost a real check too."""
        return hash_password(secrets.token_hex(16))

    def _password_holder(self, repo: Repository, login_id: str, password: str) -> Account | None:
        """Return the account a login id and password belong to, or None (FusionAuth and v1 sign-in alike)."""
        found = repo.account_by_email(login_id)
        # An unknown login id costs one password hash too, so timing does not tell which e-mails exist.
        if not check_password(password, found[1] if found else self._decoy_hash) or found is None:
            return None
        return found[0]

    # ------------------------------------------------------------------ auth
    def authenticate(self, token: str | None) -> Account:
        """Return the account a bearer token belongs to.

        Raises:
            Unauthenticated: no token, a token the mock did not issue, or an expired one (D2: 401).
        """
        if not token:
            raise Unauthenticated(messages.NOT_LOGGED_IN, "an Authorization: Bearer token is required")
        claims = self.signer.read_token(token)
        if claims is None:
            raise Unauthenticated(messages.TOKEN_MISMATCH, "the bearer token is not valid")
        if epoch(self.clock.now()) >= claims.expires_at:
            raise Unauthenticated(messages.TOKEN_EXPIRED, "the bearer token has expired")
        with self._uow() as repo:
            account = repo.account(claims.account_id)
        if account is None:
            raise Unauthenticated(messages.TOKEN_MISMATCH, "the token's account no longer exists")
        return account

    def authenticate_optional(self, token: str | None) -> Account | None:
        """Return the token's account, or None: Stela treats a missing or bad token as anonymous (§8.1)."""
        try:
            return self.authenticate(token)
        except Unauthenticated:
            return None

    def introspect(self, *, client_id: str, token: str) -> Introspection:
        """FusionAuth `POST /oauth2/introspect`, as real Stela calls it to sign a bearer token in.

        An expired, foreign or garbled token is inactive (200 `{"active": false}`). A client id that is not the
        mock's application fails: Stela asks for its backend application too, and only a non-2xx answer
        there lets the SFTP application's answer count (stela middleware/authentication.ts).

        Raises:
            LoginFailed: 400 invalid_request for a missing client_id or token, 401 invalid_client for an
                unknown client id.
        """
        if not client_id or not token:
            raise LoginFailed(400, "invalid_request", "client_id and token are required")
        if not same_secret(client_id, self.settings.fusionauth_client_id):
            raise LoginFailed(401, "invalid_client", "the client_id is not an application of this FusionAuth")
        claims = self.signer.read_token(token)
        if claims is None or claims.audience != client_id or epoch(self.clock.now()) >= claims.expires_at:
            return Introspection(active=False)
        with self._uow() as repo:
            account = repo.account(claims.account_id)
        if account is None:
            return Introspection(active=False)
        return Introspection(active=True, account=account, claims=claims)

    def login(self, *, api_key: str | None, application_id: str, login_id: str, password: str) -> LoginResult:
        """FusionAuth `POST /api/login`: check the API key, application and password.

        Raises:
            LoginFailed: 401 wrong API key, 400 unknown application, 404 unknown user or wrong password
                (FusionAuth's Login API answers 404 for both, sftp-service.md §4.2).
        """
        if not same_secret(api_key, self.settings.fusionauth_api_key):
            raise LoginFailed(401, "[invalid]apiKey", "the Authorization header must be the API key")
        if not same_secret(application_id, self.settings.fusionauth_client_id):
            raise LoginFailed(400, "[invalid]applicationId", "the applicationId is not a known application")
        now = self.clock.now()
        with self._uow(write=True) as repo:
            account = self._password_holder(repo, login_id, password)
            if account is None:
                raise LoginFailed(404, "[LoginFailed]", "the login id or password is wrong")
            refresh = self._random_token(48)
            repo.add_refresh_token(refresh, account.id, application_id, now + REFRESH_TOKEN_TTL)
            repo.commit()
        access = self._issue(account, application_id)
        return LoginResult(
            account=account,
            access_token=access,
            access_expires_at=now + timedelta(seconds=self.settings.access_token_ttl),
            refresh_token=refresh,
        )

    def refresh_grant(self, *, refresh_token: str, client_id: str, client_secret: str) -> TokenGrant:
        """FusionAuth `POST /oauth2/token` with `grant_type=refresh_token`.

        Raises:
            LoginFailed: 401 invalid_client for a wrong client id or secret, 400 invalid_grant for an
                unknown, expired or other-client refresh token.
        """
        settings = self.settings
        known_id = same_secret(client_id, settings.fusionauth_client_id)
        if not (same_secret(client_secret, settings.fusionauth_client_secret) and known_id):
            raise LoginFailed(401, "invalid_client", "client authentication failed")
        with self._uow() as repo:
            found = repo.refresh_token(refresh_token)
            account = repo.account(found[0]) if found else None
        if found is None or account is None or found[1] != client_id or found[2] <= self.clock.now():
            raise LoginFailed(400, "invalid_grant", "the refresh token is invalid or expired")
        return TokenGrant(
            account=account,
            access_token=self._issue(account, client_id),
            expires_in=settings.access_token_ttl,
            refresh_token=refresh_token,
        )

    def mint_token(self, email: str, ttl: int | None = None) -> str:
        """Return an access token for an account, without a password (CLI and tests).

        Raises:
            NotFound: no account has that e-mail address.
        """
        with self._uow() as repo:
            found = repo.account_by_email(email)
        if found is None:
            raise NotFound(messages.UNKNOWN_ROUTE, f"no account {email!r}")
        return self._issue(found[0], self.settings.fusionauth_client_id, ttl)

    def _issue(self, account: Account, audience: str, ttl: int | None = None) -> str:
        return self.signer.issue_token(
            account_id=account.id,
            subject=account.subject,
            email=account.email,
            audience=audience,
            now=self.clock.now(),
            ttl=self.settings.access_token_ttl if ttl is None else ttl,
        )

    # ------------------------------------------------------------------ provisioning (seed, tests)
    def for_seeding(self, clock: Clock, rng: random.Random) -> Backend:
        """Return a backend on the same state that builds with a fixed clock and random source (a scenario)."""
        return Backend(
            uow=self._uow, blobs=self.blobs, settings=self.settings, clock=clock, signer=self.signer, rng=rng
        )

    def wipe(self) -> int:
        """Remove every account, archive, item, share link, upload and audit entry, and every stored blob.

        Returns how many blobs went. Tokens keep verifying (the secret stays) but name accounts that may be gone.
        """
        with self._uow(write=True) as repo:
            repo.wipe()
            repo.commit()
        return self.blobs.clear()

    def accounts(self) -> list[Account]:
        """Every account, oldest first (the control plane's listing)."""
        with self._uow() as repo:
            return repo.accounts()

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

    @retried_on_contention
    def register_account(
        self, *, email: str, password: str, full_name: str, allow_sftp_deletion: bool, archive_name: str | None
    ) -> tuple[Account, Archive | None]:
        """Create an account (and its first archive, as Permanent's sign-up does, unless `archive_name` is None).

        Raises:
            InvalidInput: an empty e-mail, password or name.
            Conflict: an account already has this e-mail (compared case-insensitively, as FusionAuth does).
        """
        for field_name, value in (("email", email), ("password", password), ("fullName", full_name)):
            if not value.strip():
                raise InvalidInput(messages.VALIDATION_EMPTY, f"{field_name} must not be empty")
        if "@" not in email.strip("@"):
            raise InvalidInput(messages.VALIDATION_EMAIL, f"{email!r} is not an e-mail address")
        with self._uow() as repo:
            if repo.account_by_email(email) is not None:
                raise Conflict(messages.EMAIL_TAKEN, f"an account already has the e-mail {email!r}")
        account = self.create_account(
            email=email, password=password, full_name=full_name, allow_sftp_deletion=allow_sftp_deletion
        )
        archive = self.create_archive(account, archive_name) if archive_name else None
        if archive is not None:
            account = replace(account, default_archive_id=archive.id)
        return account, archive

    @retried_on_contention
    def create_account(
        self, *, email: str, password: str, full_name: str, allow_sftp_deletion: bool = False
    ) -> Account:
        """Create an account that can log in through FusionAuth (there is no public API for this)."""
        subject = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        with self._uow(write=True) as repo:
            account = repo.add_account(
                email=email,
                full_name=full_name,
                password_hash=hash_password(password),
                subject=subject,
                allow_sftp_deletion=allow_sftp_deletion,
                now=self.clock.now(),
            )
            repo.commit()
        return account

    @retried_on_contention
    def create_archive(self, owner: Account, full_name: str, type: str = "type.archive.person") -> Archive:
        """Create an archive owned by `owner`, with the real root layout (reference §6.3)."""
        now = self.clock.now()
        with self._uow(write=True) as repo:
            archive = repo.add_archive(full_name=full_name, type=type, now=now)
            repo.add_membership(owner.id, archive.id, Role.OWNER)
            if owner.default_archive_id is None:
                repo.set_default_archive(owner.id, archive.id)
            root = repo.add_folder(
                archive_id=archive.id,
                archive_nbr=repo.next_item_nbr(archive.id),
                parent=None,
                display_name="Archive Root",
                download_name="Archive Root",
                type="type.folder.root.root",
                now=now,
            )
            for name, folder_type in ROOT_CHILDREN:
                repo.add_folder(
                    archive_id=archive.id,
                    archive_nbr=repo.next_item_nbr(archive.id),
                    parent=root,
                    display_name=name,
                    download_name=name,
                    type=folder_type,
                    now=now,
                )
            repo.commit()
        return replace(archive, role=Role.OWNER)

    @retried_on_contention
    def add_member(self, archive: Archive, account: Account, role: Role) -> None:
        """Give `account` a role in `archive`."""
        with self._uow(write=True) as repo:
            repo.add_membership(account.id, archive.id, role)
            repo.commit()

    def import_files(self, caller: Account, *, parent_folder_id: int, files: list[tuple[str, bytes]]) -> list[Record]:
        """Store named bytes as records in one folder directly, skipping the presigned-POST round trip.

        Names are de-duplicated like registerRecord does; everything happens in one unit of work.
        """
        for name, _ in files:
            self._check_name("name", name)
        stored = []
        for name, data in files:
            key = f"mock/imported/{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
            size, md5 = self.blobs.put(key, iter([data]))
            stored.append((name, key, size, md5))
        return self._import_stored(caller, parent_folder_id, stored)

    @retried_on_contention
    def _import_stored(
        self, caller: Account, parent_folder_id: int, stored: list[tuple[str, str, int, str]]
    ) -> list[Record]:
        """Record already-stored blobs in one folder, in one unit of work (import_files' write)."""
        now = self.clock.now()
        with self._uow(write=True) as repo:
            parent = self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            wanted = [naming.record_download_name(name, name) for name, _, _, _ in stored]
            # One query for the whole batch finds the names already taken; only those (and names repeated
            # within the batch) go through the per-name de-duplication, which reads the " (n)" siblings.
            existing = repo.existing_names(parent.id, wanted)
            used: set[str] = set()
            new_records = []
            for want, (name, key, size, md5) in zip(wanted, stored, strict=True):
                if want in existing or want in used:
                    download_name = self._unique_name(repo, parent, want, fail_on_duplicate=False, pending=used)
                else:
                    download_name = want
                used.add(download_name)
                new_records.append(
                    NewRecord(
                        display_name=name,
                        download_name=download_name,
                        upload_file_name=name,
                        type=filetypes.record_type(name),
                        size=size,
                        meta_token=self._meta_token(),
                        content_type=filetypes.content_type(download_name, None),
                        md5=md5,
                        blob_key=key,
                    )
                )
            records = repo.add_records(
                parent=parent, records=new_records, uploaded_by=caller.id, file_format=FORMAT_ORIGINAL, now=now
            )
            repo.add_to_folder_sizes(parent.id, sum(r.size for r in records), now)
            repo.commit()
        return records

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

    # ------------------------------------------------------------------ account and archives
    def get_authenticated_account(self, caller: Account) -> Account:
        """`account/getAuthenticatedAccount`: the caller's account as stored now."""
        with self._uow() as repo:
            account = repo.account(caller.id)
        if account is None:
            raise Unauthenticated(messages.TOKEN_MISMATCH, "the token's account no longer exists")
        return account

    @retried_on_contention
    def set_allow_sftp_deletion(self, caller: Account, allowed: bool) -> Account:
        """Switch the caller's deletion gate (the settings page of the real web app)."""
        with self._uow(write=True) as repo:
            account = repo.set_allow_sftp_deletion(caller.id, allowed, self.clock.now())
            repo.commit()
        return account

    def get_all_archives(self, caller: Account) -> list[Archive]:
        """`archive/getAllArchives`: every archive the caller is a member of, with its role."""
        with self._uow() as repo:
            return repo.archives_of(caller.id)

    def get_archive(self, caller: Account, *, archive_id: int | None = None, nbr: str | None = None) -> Archive:
        """v1 `archive/get` and `archive/change`: one of the caller's archives, by id or number, with its role.

        Raises:
            NotFound: neither given, or no archive of the caller has it (`error.archive.lookup`).
        """
        for archive in self.get_all_archives(caller):
            if (archive_id is not None and archive.id == archive_id) or (nbr is not None and archive.nbr == nbr):
                return archive
        raise NotFound(messages.ARCHIVE_LOOKUP, f"no archive {archive_id or nbr!r} of this account")

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

    # ------------------------------------------------------------------ folders
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

    # ------------------------------------------------------------------ records
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

    def get_presigned_url(
        self,
        caller: Account,
        *,
        display_name: str,
        parent_folder_id: int,
        upload_file_name: str,
        file_type: str,
        size: int,
    ) -> PresignedPost:
        """`record/getPresignedUrl`: issue a presigned POST like upload-service does (§7.3).

        Raises:
            InvalidInput: empty names or type. A large `size` is not refused here: like S3, the mock refuses
                the body at upload time (a presigned POST is only a signature; Settings.max_upload_bytes caps bodies).
            NotFound: the parent is unknown or invisible.
            PermissionDenied: role below contributor.
        """
        self._check_name("displayName", display_name)
        self._check_name("uploadFileName", upload_file_name)
        if not file_type.strip():
            raise InvalidInput(messages.VALIDATION_EMPTY, "fileType must not be empty")
        now = self.clock.now()
        key = f"mock/unprocessed/{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
        expires = now + timedelta(seconds=self.settings.upload_url_ttl)
        with self._uow(write=True) as repo:
            self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            repo.add_upload(
                Upload(
                    key=key,
                    account_id=caller.id,
                    parent_folder_id=parent_folder_id,
                    display_name=display_name,
                    upload_file_name=upload_file_name,
                    file_type=file_type,
                    size=size,
                    expires_at=expires,
                )
            )
            repo.commit()
        return PresignedPost(key=key, fields=self._post_fields(key, file_type, size, now, expires))

    def _post_fields(self, key: str, file_type: str, size: int, now: datetime, expires: datetime) -> dict[str, str]:
        bucket = self.settings.bucket
        date = now.strftime("%Y%m%dT%H%M%SZ")
        credential = f"MOCKACCESSKEY/{now:%Y%m%d}/us-west-2/s3/aws4_request"
        policy = {
            "expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conditions": [
                ["eq", "$Content-Type", file_type],
                ["content-length-range", 0, size],
                {"bucket": bucket},
                {"X-Amz-Algorithm": "AWS4-HMAC-SHA256"},
                {"X-Amz-Credential": credential},
                {"X-Amz-Date": date},
                {"key": key},
            ],
        }
        encoded = base64.b64encode(json.dumps(policy, separators=(",", ":")).encode()).decode()
        # Field order follows @aws-sdk/s3-presigned-post v3 (reference §7.3); the SDK posts them in order.
        return {
            "bucket": bucket,
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": credential,
            "X-Amz-Date": date,
            "key": key,
            "Policy": encoded,
            "X-Amz-Signature": self.signer.sign_hex(encoded),
        }

    def receive_upload(self, bucket: str, fields: dict[str, str], blob: BlobWriter | None) -> None:
        """The presigned-POST target: check the form against the signed policy, then keep the bytes.

        S3 refuses a POST whose policy is unsigned, expired or unmet; the mock does the same (§7.4).
        The caller has streamed the `file` part into `blob` (None: the form had none); it is kept only
        if everything holds.

        Raises:
            InvalidInput: missing fields or no file part (`error.upload.malformed`), or a body over the
                declared size (`error.upload.too_large`).
            PermissionDenied: bad signature, expired policy, or an unmet condition.
            NotFound: the bucket or key was never issued.
        """
        if blob is None:
            raise InvalidInput(messages.UPLOAD_MALFORMED, "the form has no file part")
        try:
            self._check_post(bucket, fields, blob)
        except BaseException:
            blob.discard()
            raise

    def _check_post(self, bucket: str, fields: dict[str, str], blob: BlobWriter) -> None:
        lowered = {name.lower(): value for name, value in fields.items()}
        if bucket != self.settings.bucket:
            raise NotFound(messages.UPLOAD_MALFORMED, f"no bucket {bucket!r}")
        missing = [name for name in ("key", "policy", "x-amz-signature") if name not in lowered]
        if missing:
            raise InvalidInput(messages.UPLOAD_MALFORMED, f"missing form field(s): {', '.join(missing)}")
        policy_text = lowered["policy"]
        if not self.signer.verify_hex(lowered["x-amz-signature"], policy_text):
            raise PermissionDenied(messages.UPLOAD_SIGNATURE, "the policy signature does not match")
        try:
            policy = json.loads(base64.b64decode(policy_text, validate=True))
            expiration = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%S.000Z")
            conditions = list(policy["conditions"])
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise InvalidInput(messages.UPLOAD_MALFORMED, "the policy is not a valid policy document") from exc
        if self.clock.now() >= expiration:
            raise PermissionDenied(messages.UPLOAD_EXPIRED, "the presigned POST has expired")
        for condition in conditions:
            self._check_condition(condition, lowered, blob.size)
        with self._uow(write=True) as repo:
            upload = repo.upload(lowered["key"])
            if upload is None or upload.registered:
                raise NotFound(messages.UPLOAD_MALFORMED, "no upload is pending under that key")
            blob.keep(upload.key)
            repo.save_upload(replace(upload, received_size=blob.size, md5=blob.md5()))
            repo.commit()

    @staticmethod
    def _check_condition(condition: object, fields: dict[str, str], size: int) -> None:
        if isinstance(condition, dict):
            for name, value in condition.items():
                if name.lower() != "bucket" and fields.get(name.lower()) != value:
                    raise PermissionDenied(messages.UPLOAD_POLICY, f"policy condition failed: {name}")
        elif isinstance(condition, list) and condition and condition[0] == "eq":
            name = str(condition[1]).lstrip("$").lower()
            if fields.get(name) != condition[2]:
                raise PermissionDenied(
                    messages.UPLOAD_POLICY,
                    f"policy condition failed: {condition[1]} must be {condition[2]!r}",
                )
        elif (
            isinstance(condition, list)
            and condition
            and condition[0] == "content-length-range"
            and not condition[1] <= size <= condition[2]
        ):
            raise InvalidInput(
                messages.UPLOAD_TOO_LARGE,
                f"the file has {size} bytes; the policy allows {condition[2]}",
            )

    @retried_on_contention
    def register_record(
        self,
        caller: Account,
        *,
        s3_url: str,
        display_name: str,
        parent_folder_id: int,
        upload_file_name: str,
        size: int,
        file_type: str | None,
        fail_on_duplicate: bool,
    ) -> Record:
        """`record/registerRecord`: turn a received upload into a record with its original file (D6).

        Raises:
            InvalidInput: an `s3url` the mock did not issue to the caller, or that received nothing
                (`error.validate.destination_url`); empty names.
            NotFound: the parent is unknown or invisible.
            PermissionDenied: role below contributor.
            Conflict: `failOnDuplicateName` is true and a sibling already has the name.
        """
        del size  # the record takes the size S3 received, not the declared one
        self._check_name("displayName", display_name)
        self._check_name("uploadFileName", upload_file_name)
        key = self._key_of(s3_url)
        now = self.clock.now()
        with self._uow(write=True) as repo:
            upload = repo.upload(key) if key else None
            if upload is None or upload.account_id != caller.id or upload.registered:
                raise InvalidInput(messages.DESTINATION_URL, "s3url is not an upload this account was issued")
            if upload.received_size is None or upload.md5 is None:
                raise InvalidInput(messages.DESTINATION_URL, "nothing was uploaded to s3url")
            parent = self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            wanted = naming.record_download_name(display_name, upload_file_name)
            name = self._unique_name(repo, parent, wanted, fail_on_duplicate)
            record = repo.add_record(
                archive_id=parent.archive_id,
                archive_nbr=repo.next_item_nbr(parent.archive_id),
                parent=parent,
                display_name=display_name,
                download_name=name,
                upload_file_name=upload_file_name,
                type=filetypes.record_type(upload_file_name),
                size=upload.received_size,
                meta_token=self._meta_token(),
                uploaded_by=caller.id,
                ready_at=now + timedelta(seconds=self.settings.processing_seconds),
                now=now,
            )
            original = repo.add_file(
                record_id=record.id,
                format=FORMAT_ORIGINAL,
                size=upload.received_size,
                content_type=filetypes.content_type(name, file_type or upload.file_type),
                md5=upload.md5,
                blob_key=upload.key,
                now=now,
            )
            repo.add_to_folder_sizes(parent.id, upload.received_size, now)
            repo.save_upload(replace(upload, registered=True))
            repo.commit()
        return replace(record, files=(original,))

    def _key_of(self, s3_url: str) -> str | None:
        prefix = f"/s3/{self.settings.bucket}/"
        path = urlsplit(s3_url).path
        return unquote(path[len(prefix) :]) if path.startswith(prefix) else None

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

    # ------------------------------------------------------------------ moves and copies
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

    # ------------------------------------------------------------------ housekeeping
    #: A blob younger than this is never judged unreferenced: a unit of work may be about to commit it (a long
    #: import stores its blobs before its rows, and several processes may share the data directory).
    ORPHAN_GRACE_SECONDS = 3600
    _SWEEP_BATCH = 500

    def sweep(self) -> SweepReport:
        """Remove what nobody can use any more, at start and on a timer (issue 8, finding 3).

        - presigned uploads past their expiry by one more upload lifetime (time enough to register a file
          received at the last moment): their rows, and the bytes of those never registered;
        - half-received bytes of stores whose process died (a kill -9 mid-upload);
        - stored blobs no file and no pending upload names (a crash between keeping bytes and committing,
          or after a delete committed but before its blobs went).
        """
        before = self.clock.now() - timedelta(seconds=self.settings.upload_url_ttl)
        expired = expired_bytes = 0
        while True:
            count, size = self._sweep_expired_batch(before)
            expired, expired_bytes = expired + count, expired_bytes + size
            if count < self._SWEEP_BATCH:
                break
        incoming_files, incoming_bytes = self.blobs.sweep_incoming()
        orphans, orphan_bytes = self.blobs.sweep_unreferenced(self._blob_keys, self.ORPHAN_GRACE_SECONDS)
        return SweepReport(expired, expired_bytes, incoming_files, incoming_bytes, orphans, orphan_bytes)

    def _blob_keys(self) -> set[str]:
        """Every key a stored blob may be kept under: files' and pending uploads'."""
        with self._uow() as repo:
            return repo.blob_keys()

    @retried_on_contention
    def _sweep_expired_batch(self, before: datetime) -> tuple[int, int]:
        """Delete one batch of expired upload rows, then the unregistered ones' bytes; return (rows, bytes)."""
        with self._uow(write=True) as repo:
            uploads = repo.expired_uploads(before, self._SWEEP_BATCH)
            if uploads:
                repo.delete_uploads([u.key for u in uploads])
                repo.commit()
        unregistered = [u for u in uploads if not u.registered and u.received_size is not None]
        for upload in unregistered:
            self.blobs.delete(upload.key)
        return len(uploads), sum(u.received_size or 0 for u in unregistered)

    # ------------------------------------------------------------------ share links
    @retried_on_contention
    def generate_share_link(
        self,
        caller: Account,
        *,
        link_id: int,
        max_uses: int | None,
        preview: bool | None,
        default_access_role: str | None,
    ) -> ShareLink:
        """`share/generateShareLink`: idempotent per item — an existing link is returned unchanged (§6.11).

        Raises:
            InvalidInput: an unknown access role, or a root folder.
            NotFound: the item is unknown or invisible.
            PermissionDenied: role below curator.
        """
        role = self._check_role_value(default_access_role)
        with self._uow(write=True) as repo:
            item = repo.item_by_link(link_id)
            if item is None or repo.role(caller.id, item.archive_id) is None:
                raise NotFound(messages.SHARE_LOOKUP, f"no folder or record with folder_linkId {link_id}")
            self._require(repo, caller, item.archive_id, CAN_SHARE)
            if isinstance(item, Folder) and item.is_root:
                raise InvalidInput(messages.SHARE_ROOT_FOLDER, "root folders cannot be shared")
            existing = repo.share_for_link(link_id)
            if existing is not None:
                return existing
            share = repo.add_share(
                link_id=link_id,
                account_id=caller.id,
                archive_id=item.archive_id,
                url_token=secrets.token_hex(32),
                max_uses=max_uses or 0,
                preview=bool(preview),
                default_access_role=role or Role.VIEWER.value,
                now=self.clock.now(),
            )
            repo.commit()
            return share

    @retried_on_contention
    def update_share_link(self, caller: Account, share_id: int, changes: ShareChanges) -> ShareLink:
        """`share/updateShareLink`: persist the given fields.

        Raises:
            InvalidInput: an unknown access role.
            NotFound: the link is unknown or in an archive the caller cannot see.
            PermissionDenied: role below curator.
        """
        role = self._check_role_value(changes.default_access_role)
        with self._uow(write=True) as repo:
            share = repo.share(share_id)
            if share is None or repo.role(caller.id, share.archive_id) is None:
                raise NotFound(messages.SHARE_LOOKUP, f"share link {share_id} not found")
            self._require(repo, caller, share.archive_id, CAN_SHARE)
            updated = replace(
                share,
                max_uses=share.max_uses if changes.max_uses is None else changes.max_uses,
                preview=share.preview if changes.preview is None else changes.preview,
                auto_approve=share.auto_approve if changes.auto_approve is None else changes.auto_approve,
                default_access_role=role or share.default_access_role,
                expires_at=None if changes.clear_expiry else (changes.expires_at or share.expires_at),
                updated_at=self.clock.now(),
            )
            updated = repo.update_share(updated)
            repo.commit()
            return updated

    # ------------------------------------------------------------------ Stela share links
    # One link per item is the mock's model (PHP generateShareLink is idempotent per item, §6.11), where real
    # Stela inserts a row per POST. So that a second manager of the archive can still work with the item's one
    # link, the mock lets the creator and the archive's managers and owners read, change and delete it; real
    # Stela filters every read and write by the creator alone (stela share_link/queries/*.sql `byaccountid`).

    @staticmethod
    def _may_manage_share(repo: Repository, caller: Account, share: ShareLink) -> bool:
        if share.account_id == caller.id:
            return True
        role = repo.role(caller.id, share.archive_id)
        return role is not None and role.allows(STELA_CAN_SHARE)

    @staticmethod
    def _shared(repo: Repository, share: ShareLink) -> SharedLink | None:
        """Return the link with its item and creator as Stela joins them (None if the item is gone)."""
        item = repo.item_by_link(share.link_id)
        if item is None:
            return None
        creator = repo.account(share.account_id)
        kind = "folder" if isinstance(item, Folder) else "record"
        return SharedLink(share, item.id, kind, creator.full_name if creator else "")

    def stela_item_share_links(self, caller: Account, item_type: str, item_id: int) -> list[SharedLink]:
        """Stela `GET /record/{id}/share-links`, `GET /folder/{id}/share_links`: the item's link, if the caller's.

        Unknown and invisible items answer an empty list, as on real Stela (stela record/service.ts
        getRecordShareLinks, folder/service.ts getFolderShareLinks).
        """
        with self._uow() as repo:
            item = repo.record(item_id) if item_type == "record" else repo.folder(item_id)
            share = repo.share_for_link(item.link_id) if item is not None else None
            if share is None or not self._may_manage_share(repo, caller, share):
                return []
            shared = self._shared(repo, share)
            return [shared] if shared is not None else []

    def stela_share_links(
        self,
        caller: Account | None,
        share_ids: list[int] | None,
        tokens: list[str],
        page_size: int,
        cursor: str | None,
        *,
        asked_ids: tuple[str, ...] = (),
    ) -> ShareLinkPage:
        """Stela `GET /share-links`: links by id (signed in only) or token, ordered by id, one cursor page.

        As real Stela (share_link/controller.ts, queries/get_share_links.sql): anyone may look links up by
        token; a signed-in caller sees only links they may manage; a cursor that is not among the results
        restarts at page 1; `totalPages` is the true ceiling, and 0 on an empty page.

        Raises:
            Unauthenticated: ids were asked anonymously.
        """
        if share_ids is not None and caller is None:
            raise Unauthenticated(messages.NOT_LOGGED_IN, "Accessing share links by ID requires authentication")
        with self._uow() as repo:
            found = repo.shares(share_ids or [], tokens)
            visible = [s for s in found if caller is None or self._may_manage_share(repo, caller, s)]
            links = [shared for s in visible if (shared := self._shared(repo, s)) is not None]
        ids = [str(link.share.id) for link in links]
        start = ids.index(cursor) + 1 if cursor in ids else 0
        page = links[start : start + page_size]
        pages = math.ceil(len(links) / page_size) if page else 0
        return ShareLinkPage(page, asked_ids, tuple(tokens), page_size, pages)

    @retried_on_contention
    def create_stela_share_link(self, caller: Account, wanted: StelaShareRequest) -> SharedLink:
        """Stela `POST /share-links`: a link for a record or folder; an item's existing link comes back unchanged.

        Real Stela inserts a new link on every call; the mock keeps one per item (see above). It does not
        refuse root folders (PHP does) and has no public items, so Stela's 400 for an unrestricted link to a
        public item never arises.

        Raises:
            NotFound: the item is unknown or in an archive the caller is not a member of.
            PermissionDenied: the caller's role is below manager.
        """
        with self._uow(write=True) as repo:
            item = repo.record(wanted.item_id) if wanted.item_type == "record" else repo.folder(wanted.item_id)
            if item is None or repo.role(caller.id, item.archive_id) is None:
                # http-errors' bare NotFound() (stela access/permission.ts getItemAccessRole).
                key = messages.RECORD_LOOKUP if wanted.item_type == "record" else messages.FOLDER_LOOKUP
                raise NotFound(key, "Not Found")
            role = repo.role(caller.id, item.archive_id)
            if role is None or not role.allows(STELA_CAN_SHARE):
                raise PermissionDenied(messages.NO_ACTION_PERMISSION, "User does not have permission to share item.")
            share = repo.share_for_link(item.link_id)
            if share is None:
                restrictions = wanted.access_restrictions or "none"
                share = repo.add_share(
                    link_id=item.link_id,
                    account_id=caller.id,
                    archive_id=item.archive_id,
                    url_token=secrets.token_hex(32),
                    max_uses=wanted.max_uses or 0,
                    preview=False,
                    default_access_role=f"access.role.{wanted.permissions_level or 'viewer'}",
                    now=self.clock.now(),
                    # stela share_link/service.ts createShareLinkRequestParamsToDatabaseParams.
                    auto_approve=restrictions != "approval",
                    unrestricted=restrictions == "none",
                    expires_at=wanted.expires_at,
                )
                repo.commit()
            shared = self._shared(repo, share)
            assert shared is not None  # the item was just read in this unit of work
            return shared

    @retried_on_contention
    def update_stela_share_link(self, caller: Account, share_id: int, changes: StelaShareChanges) -> SharedLink:
        """Stela `PATCH /share-links/{id}`: change a link's restrictions, permissions, uses or expiry.

        Raises:
            NotFound: the link is unknown or not one the caller may manage.
            InvalidInput: the link would be unrestricted with more than viewer permissions or limited uses
                (stela share_link/service.ts updateShareLink; answered as an http-error, `refused`).
        """
        with self._uow(write=True) as repo:
            share = repo.share(share_id)
            if share is None or not self._may_manage_share(repo, caller, share):
                raise NotFound(messages.SHARE_LOOKUP, "Share link not found")
            unlisted = changes.access_restrictions == "none" or (
                share.unrestricted and changes.access_restrictions is None
            )
            level = changes.permissions_level or share.default_access_role.removeprefix("access.role.")
            # 0 is "unlimited" in the model, which Stela answers as null.
            max_uses = share.max_uses if changes.max_uses is None else changes.max_uses
            max_uses = 0 if changes.clear_max_uses else max_uses
            if unlisted and (level != "viewer" or max_uses != 0):
                raise InvalidInput(
                    messages.INVALID_REQUEST,
                    "Unlisted links cannot have restricted uses or permissions greater than 'viewer'",
                    refused=True,
                )
            restrictions = changes.access_restrictions
            updated = replace(
                share,
                default_access_role=f"access.role.{level}",
                unrestricted=share.unrestricted if restrictions is None else restrictions == "none",
                auto_approve=share.auto_approve if restrictions is None else restrictions != "approval",
                max_uses=max_uses,
                expires_at=None if changes.clear_expiry else (changes.expires_at or share.expires_at),
                updated_at=self.clock.now(),
            )
            updated = repo.update_share(updated)
            repo.commit()
            shared = self._shared(repo, updated)
            if shared is None:
                raise NotFound(messages.SHARE_LOOKUP, "Share link not found")
            return shared

    @retried_on_contention
    def delete_stela_share_link(self, caller: Account, share_id: int) -> None:
        """Stela `DELETE /share-links/{id}`: remove a link; PHP then finds none for its item either.

        Raises:
            NotFound: the link is unknown or not one the caller may manage.
        """
        with self._uow(write=True) as repo:
            share = repo.share(share_id)
            if share is None or not self._may_manage_share(repo, caller, share):
                raise NotFound(messages.SHARE_LOOKUP, "Share link not found")
            repo.delete_share(share_id)
            repo.commit()

    @staticmethod
    def _check_role_value(role: str | None) -> str | None:
        if role is not None and role not in ACCESS_ROLES:
            raise InvalidInput(messages.INVALID_REQUEST, f"defaultAccessRole must be one of {sorted(ACCESS_ROLES)}")
        return role

    # ------------------------------------------------------------------ Stela
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

    # ------------------------------------------------------------------ downloads
    def download_signature(self, file_id: int, expires: int, disposition: str | None) -> str:
        """Return the signature a download URL carries (CloudFront-style, D7)."""
        return self._download_signatures(file_id, expires, disposition)

    def _sign_download(self, file_id: int, expires: int, disposition: str | None) -> str:
        return self.signer.sign("download", str(file_id), str(expires), disposition or "")

    def download_expiry(self) -> int:
        """Return the `Expires` of a download URL signed now."""
        return epoch(self.clock.now()) + self.settings.download_url_ttl

    def resolve_download(self, file_id: int, expires: str, signature: str, disposition: str | None) -> Download:
        """Verify a signed download URL and return the file behind it (D7).

        Raises:
            PermissionDenied: a tampered or expired URL (`error.file.signature` / `error.file.expired`).
            NotFound: the file was deleted.
        """
        if not expires.isdigit() or not self.signer.verify(
            signature, "download", str(file_id), expires, disposition or ""
        ):
            raise PermissionDenied(messages.FILE_SIGNATURE, "the URL signature does not match")
        if epoch(self.clock.now()) >= int(expires):
            raise PermissionDenied(messages.FILE_EXPIRED, "the URL has expired")
        with self._uow() as repo:
            found = repo.file(file_id)
        if found is None or not self.blobs.exists(found.blob_key):
            raise NotFound(messages.FILE_LOOKUP, f"file {file_id} not found")
        return Download(file=found, path=self.blobs.path(found.blob_key))

    # ------------------------------------------------------------------ audit
    def deletions(self, account_id: int | None = None, limit: int = 1000) -> list[Deletion]:
        """Return the deletion audit log, newest first."""
        with self._uow() as repo:
            return repo.deletions(account_id, limit)

    # ------------------------------------------------------------------ helpers
    def _folder(self, repo: Repository, caller: Account, folder_id: int, needed: Role) -> Folder:
        folder = repo.folder(folder_id)
        if folder is None or repo.role(caller.id, folder.archive_id) is None:
            raise NotFound(messages.FOLDER_LOOKUP, f"folder {folder_id} not found")
        self._require(repo, caller, folder.archive_id, needed)
        return folder

    @staticmethod
    def _folder_by_link(repo: Repository, caller: Account, link_id: int) -> Folder:
        item = repo.item_by_link(link_id)
        if not isinstance(item, Folder) or repo.role(caller.id, item.archive_id) is None:
            raise NotFound(messages.FOLDER_LOOKUP, f"no folder with folder_linkId {link_id}")
        return item

    def _record(self, repo: Repository, caller: Account, record_id: int, needed: Role) -> Record:
        record = repo.record(record_id)
        if record is None or repo.role(caller.id, record.archive_id) is None:
            raise NotFound(messages.RECORD_LOOKUP, f"record {record_id} not found")
        self._require(repo, caller, record.archive_id, needed)
        return record

    @staticmethod
    def _require(repo: Repository, caller: Account, archive_id: int, needed: Role) -> None:
        role = repo.role(caller.id, archive_id)
        if role is None or not role.allows(needed):
            have = role.value if role else "none"
            raise PermissionDenied(
                messages.NO_ACTION_PERMISSION,
                f"this needs {needed.value} or above; the caller is {have}",
            )

    def _check_deletion_gate(self, repo: Repository, caller: Account) -> None:
        if not self.settings.enforce_deletion_gate:
            return
        account = repo.account(caller.id)
        if account is None or not account.allow_sftp_deletion:
            raise PermissionDenied(messages.NO_ACTION_PERMISSION, "deletion is not enabled for this account")

    @staticmethod
    def _check_name(field: str, value: str) -> None:
        problem = naming.check_name(value)
        if problem is not None:
            key = messages.VALIDATION_EMPTY if not value.strip() else messages.INVALID_REQUEST
            raise InvalidInput(key, f"{field} {problem}")

    @staticmethod
    def _unique_name(
        repo: Repository,
        parent: Folder | int,
        wanted: str,
        fail_on_duplicate: bool,
        pending: Collection[str] = (),
        own: str | None = None,
    ) -> str:
        """Return `wanted` or its first free " (n)" form among the parent's names and `pending` (not yet written).

        `own` is the current name of an item being renamed in place: it does not clash with itself.
        """
        base, _ = naming.suffix_base(wanted)
        # Only `wanted` itself and "base (n)…" names can collide, so only those are read (an index range).
        taken = repo.names_taken(parent if isinstance(parent, int) else parent.id, wanted, f"{base} (")
        taken.update(pending)
        if own is not None:
            taken.discard(own)
        if wanted in taken and fail_on_duplicate:
            raise Conflict(messages.DUPLICATE_NAME, f"an item named {wanted!r} already exists in this folder")
        return naming.deduplicate(wanted, taken)

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

    # Tokens that open something come from `secrets`, never from `self._rng`: the seeder's RNG has a fixed
    # seed (a reproducible world), which would make the seeded share links and refresh tokens guessable.
    @staticmethod
    def _meta_token() -> str:
        alphabet = string.ascii_uppercase + string.digits
        return "".join(secrets.choice(alphabet) for _ in range(10))

    @staticmethod
    def _random_token(length: int) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "".join(secrets.choice(alphabet) for _ in range(length))


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
