"""Accounts and archives: sign-up, an archive's root layout, memberships, the caller's account and archives."""

from __future__ import annotations

import uuid
from dataclasses import replace

from mock_backend.domain import messages
from mock_backend.domain.backend.core import BackendCore, retried_on_contention
from mock_backend.domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from mock_backend.domain.models import Account, Archive, Role
from mock_backend.domain.security import hash_password

#: Root layout of a new archive (reference §6.3): (display name, folder type).
ROOT_CHILDREN = (
    ("Apps", "type.folder.root.app"),
    ("My Files", "type.folder.root.private"),
    ("Public", "type.folder.root.public"),
)


class Accounts(BackendCore):
    """Accounts, archives and who is a member of which."""

    def accounts(self) -> list[Account]:
        """Every account, oldest first (the control plane's listing)."""
        with self._uow() as repo:
            return repo.accounts()

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
