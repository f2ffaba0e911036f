"""What every part of Backend shares: its state, who may do what, role-checked lookups, name checks, race retries."""

from __future__ import annotations

import functools
import logging
import random
import secrets
import string
import time
from collections.abc import Callable, Collection
from typing import Concatenate, ParamSpec, TypeVar

from mock_backend.config import Settings
from mock_backend.domain import messages, naming
from mock_backend.domain.clock import Clock
from mock_backend.domain.errors import Conflict, Contention, InvalidInput, NotFound, PermissionDenied
from mock_backend.domain.models import Account, Folder, Record, Role
from mock_backend.domain.ports import BlobStore, Repository, UnitOfWork
from mock_backend.domain.security import Signer

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_T = TypeVar("_T")
#: Any part of Backend (an operation's `self`).
_B = TypeVar("_B", bound="BackendCore")
#: Runs of an operation that keeps losing write races to other processes before it gives up (409).
RACE_ATTEMPTS = 16


def retried_on_contention(
    operation: Callable[Concatenate[_B, _P], _T],
) -> Callable[Concatenate[_B, _P], _T]:
    """Run a write operation again when storage reports a lost race, so a caller never sees one.

    Within one process writers are serialised, but two processes on one database (the issue-8 race)
    can both pick "name (3)"; the unique index refuses the second, and the re-run picks "name (4)",
    or answers 409 duplicate_name if `failOnDuplicateName` asked for that. The operation must have no
    side effect outside its unit of work before the write. Back-off is jittered to split the racers.
    """

    @functools.wraps(operation)
    def run(self: _B, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
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


#: Who may do what (decision D2, reference §12.3).
CAN_READ = Role.VIEWER
CAN_CREATE = Role.CONTRIBUTOR
CAN_EDIT = Role.EDITOR
CAN_DELETE = Role.EDITOR
CAN_SHARE = Role.CURATOR
#: Stela lets managers and owners create share links (stela packages/api/src/share_link/service.ts
#: createShareLink: accessRoleLessThan(accessRole, AccessRole.Manager) is 403).
STELA_CAN_SHARE = Role.MANAGER
#: The type of a folder made in a folder of each root type (other folders' children take their parent's type).
_CHILD_TYPE = {
    "type.folder.root.root": "type.folder.private",
    "type.folder.root.private": "type.folder.private",
    "type.folder.root.public": "type.folder.public",
    "type.folder.root.app": "type.folder.app",
}


class BackendCore:
    """The state every part of Backend works on (Backend.__init__ sets it), and the checks and lookups they share."""

    _uow: UnitOfWork
    blobs: BlobStore
    settings: Settings
    clock: Clock
    signer: Signer
    _rng: random.Random

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
