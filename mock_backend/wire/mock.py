"""Bodies of the mock-only routes: health and the deletion audit log."""

from __future__ import annotations

from typing import Any

from mock_backend.domain.faults import Fault
from mock_backend.domain.models import Deletion
from mock_backend.wire.timestamps import php


def health() -> dict[str, Any]:
    """Return the health body."""
    return {"status": "ok"}


def deletions(items: list[Deletion]) -> dict[str, Any]:
    """Return the audit log: who deleted what, of which type, at which path, how big, when."""
    return {
        "items": [
            {
                "deletionId": d.id,
                "accountId": d.account_id,
                "archiveId": d.archive_id,
                "itemType": d.item_type,
                "itemId": d.item_id,
                "folderLinkId": d.link_id,
                "path": d.path,
                "size": d.size,
                "deletedAt": php(d.deleted_at),
                "deletedWithFolderLinkId": d.deleted_with_link_id,
            }
            for d in items
        ]
    }


def fault(item: Fault) -> dict[str, Any]:
    """Return one planned fault."""
    return {
        "faultId": item.id,
        "path": item.path_prefix,
        "method": item.method,
        "status": item.status,
        "delayMs": item.delay_ms,
        "times": item.remaining,
    }


def faults(items: list[Fault]) -> dict[str, Any]:
    """Return the planned faults."""
    return {"items": [fault(f) for f in items]}
