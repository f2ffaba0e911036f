"""What serialisers need besides the data: the base URL, the quirks, the time, and URL signing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from mock_backend.config import Quirks

#: sign(file_id, expires, content_disposition) -> signature
Sign = Callable[[int, int, "str | None"], str]


@dataclass(frozen=True)
class WireContext:
    """Per-request facts the wire layer reads; plain data, no framework objects."""

    base_url: str  # scheme://host[:port], no trailing slash
    quirks: Quirks
    now: datetime
    url_expires: int
    sign: Sign
    hide_unprocessed_files: bool = False

    def file_url(self, file_id: int, download_name: str | None = None) -> str:
        """Return a signed, expiring URL of a file on the mock's CDN (D7); with a name, an attachment."""
        disposition, quoted = _disposition(download_name) if download_name is not None else (None, "")
        # Built by hand, not with urlencode: it ran for every file of every listed record (two URLs each).
        # Expires is digits and the signature URL-safe base64, so only the disposition needs quoting.
        url = (
            f"{self.base_url}/cdn/files/{file_id}?Expires={self.url_expires}"
            f"&Signature={self.sign(file_id, self.url_expires, disposition)}&Key-Pair-Id=MOCKKEYPAIRID"
        )
        if disposition is not None:
            url += f"&response-content-disposition={quoted}"
        return url


@functools.lru_cache(maxsize=8192)
def _disposition(name: str) -> tuple[str, str]:
    """Return a name's attachment disposition and its URL-quoted form (the same names are listed again and again)."""
    disposition = content_disposition(name)
    return disposition, quote(disposition, safe="")


def content_disposition(name: str) -> str:
    """Return an attachment disposition that is a safe header for any name (control characters included)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='', errors='surrogatepass')}"
