"""A stateful local stand-in for Permanent.org's backend (PHP v2, Stela v2, FusionAuth, S3/CDN)."""

from __future__ import annotations

from mock_backend.app import create_app
from mock_backend.config import Quirks, Settings

__all__ = ["Quirks", "Settings", "create_app"]
