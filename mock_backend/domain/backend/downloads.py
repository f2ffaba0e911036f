"""Downloads: signed download URLs (D7), their expiry, and resolving one to its file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mock_backend.domain import messages
from mock_backend.domain.backend.core import BackendCore
from mock_backend.domain.clock import epoch
from mock_backend.domain.errors import NotFound, PermissionDenied
from mock_backend.domain.models import File


@dataclass(frozen=True)
class Download:
    """A verified download: the file and where its bytes are."""

    file: File
    path: Path


class Downloads(BackendCore):
    """Signing download URLs and checking them."""

    #: `_sign_download` behind a cache of the signatures made lately (Backend.__init__ builds it).
    _download_signatures: Callable[[int, int, str | None], str]

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
