"""Housekeeping: the sweep of expired uploads and leftover bytes, and the wipe of the whole world."""

from __future__ import annotations

from datetime import datetime, timedelta

from mock_backend.domain.backend.core import BackendCore, retried_on_contention
from mock_backend.domain.models import SweepReport


class Housekeeping(BackendCore):
    """Removing what nobody can use any more, or everything."""

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

    def wipe(self) -> int:
        """Remove every account, archive, item, share link, upload and audit entry, and every stored blob.

        Returns how many blobs went. Tokens keep verifying (the secret stays) but name accounts that may be gone.
        """
        with self._uow(write=True) as repo:
            repo.wipe()
            repo.commit()
        return self.blobs.clear()
