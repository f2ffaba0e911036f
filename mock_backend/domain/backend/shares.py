"""Share links as PHP (`share/*`) and Stela (`/share-links`) make, read, change and delete them."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from mock_backend.domain import messages
from mock_backend.domain.backend.core import CAN_SHARE, STELA_CAN_SHARE, BackendCore, retried_on_contention
from mock_backend.domain.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from mock_backend.domain.models import Account, Folder, Role, SharedLink, ShareLink, ShareLinkPage
from mock_backend.domain.ports import Repository

ACCESS_ROLES = frozenset(role.value for role in Role)


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


class Shares(BackendCore):
    """Share links: one per item, in both dialects."""

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

    @staticmethod
    def _check_role_value(role: str | None) -> str | None:
        if role is not None and role not in ACCESS_ROLES:
            raise InvalidInput(messages.INVALID_REQUEST, f"defaultAccessRole must be one of {sorted(ACCESS_ROLES)}")
        return role

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
