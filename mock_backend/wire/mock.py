"""Bodies of the mock-only routes: health, the deletion audit log, faults, scenarios and accounts."""

from __future__ import annotations

from typing import Any

from mock_backend.domain.faults import Fault
from mock_backend.domain.models import Account, Archive, Deletion
from mock_backend.scenarios import Progress, Scenario
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
                "itemCreatedAt": php(d.item_created_at) if d.item_created_at else None,
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


def scenarios(items: list[Scenario]) -> dict[str, Any]:
    """Return the built-in scenarios: name, description and how many records each builds."""
    return {"items": [{"name": s.name, "description": s.description, "records": s.records_planned} for s in items]}


def reset(scenario: Scenario, made: Progress, blobs_removed: int) -> dict[str, Any]:
    """Return what a reset built."""
    return {
        "scenario": scenario.name,
        "accounts": made.accounts,
        "archives": made.archives,
        "folders": made.folders,
        "records": made.records,
        "blobsRemoved": blobs_removed,
    }


def accounts(items: list[tuple[Account, list[Archive]]]) -> dict[str, Any]:
    """Return the accounts, each with its archives and its role in each."""
    return {
        "items": [
            {
                "accountId": account.id,
                "primaryEmail": account.email,
                "fullName": account.full_name,
                "allowSftpDeletion": account.allow_sftp_deletion,
                "signIn": account.sign_in_step,
                "defaultArchiveId": account.default_archive_id,
                "archives": [
                    {
                        "archiveId": a.id,
                        "fullName": a.full_name,
                        "type": a.type,
                        "accessRole": a.role.value if a.role else None,
                    }
                    for a in archives
                ],
            }
            for account, archives in items
        ]
    }
