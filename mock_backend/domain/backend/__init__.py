"""Backend: the mock's operations, named after the real API actions; every rule of the backend lives here.

Each module of this package holds the operations on one resource as a class over `core.BackendCore` (the state
and checks they share); `Backend` is all of them in one object, the one every caller holds. Where the mock
differs from, or guesses at, the real backend, the method docstring says so and names the decision (D1–D7) or
the section of the reference it follows.
"""

from __future__ import annotations

import functools
import random

from mock_backend.config import Settings
from mock_backend.domain.backend.accounts import Accounts
from mock_backend.domain.backend.auth import Auth, Introspection, LoginFailed, LoginResult, TokenGrant, same_secret
from mock_backend.domain.backend.deletions import Deletions
from mock_backend.domain.backend.downloads import Download, Downloads
from mock_backend.domain.backend.folders import Folders
from mock_backend.domain.backend.housekeeping import Housekeeping
from mock_backend.domain.backend.moves import Moves
from mock_backend.domain.backend.records import Records
from mock_backend.domain.backend.shares import ShareChanges, Shares, StelaShareChanges, StelaShareRequest
from mock_backend.domain.backend.stela import Stela
from mock_backend.domain.backend.uploads import PresignedPost, Uploads
from mock_backend.domain.clock import Clock
from mock_backend.domain.ports import BlobStore, UnitOfWork
from mock_backend.domain.security import Signer
from mock_backend.domain.sessions import WebSessions

__all__ = [
    "Backend",
    "Download",
    "Introspection",
    "LoginFailed",
    "LoginResult",
    "PresignedPost",
    "ShareChanges",
    "StelaShareChanges",
    "StelaShareRequest",
    "TokenGrant",
    "same_secret",
]

#: Download URL signatures kept (file, expiry second, disposition): a few pages' worth of files, a few MB at most.
_CACHED_SIGNATURES = 8192


class Backend(Auth, Accounts, Folders, Records, Uploads, Moves, Deletions, Shares, Stela, Downloads, Housekeeping):
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

    def for_seeding(self, clock: Clock, rng: random.Random) -> Backend:
        """Return a backend on the same state that builds with a fixed clock and random source (a scenario)."""
        return Backend(
            uow=self._uow, blobs=self.blobs, settings=self.settings, clock=clock, signer=self.signer, rng=rng
        )
