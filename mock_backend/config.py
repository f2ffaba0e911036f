"""Settings of one mock instance: storage, credentials, lifetimes and the switchable quirks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CORS_ORIGINS: tuple[str, ...] = (
    r"^https?://localhost(:\d+)?$",
    r"^https?://127\.0\.0\.1(:\d+)?$",
    r"^https?://\[::1\](:\d+)?$",
)


@dataclass(frozen=True)
class Quirks:
    """Behaviours of the real system that the mock copies (decision D4); each can be turned off.

    Sources are in the reference (`permanent-api.md` §8.3, §6.11, §12.5, §6.4) and README "Quirks".
    """

    #: Stela omits `nextCursor`/`nextPage` on an empty children page (stela get_folder_children).
    stela_empty_page_omits_cursor: bool = True
    #: Stela serialises ids (folderId, folderLinkId, recordId, fileId) as strings (stelaFolder.json fixture).
    stela_string_ids: bool = True
    #: PHP share links answer toggles as integers 0/1 although requests send booleans (node-sdk note).
    sharelink_integer_toggles: bool = True
    #: Stela folders use "pretty" enums (`private`, `alphabetical-ascending`); records keep raw strings.
    stela_pretty_folder_enums: bool = True
    #: PHP getWithChildren lists child records with `FileVOs: null` (sdk getFolder/folder.json fixture).
    php_child_records_null_files: bool = True
    #: Stela answers children of an unknown, foreign or (anonymously) private folder with 200 and an empty
    #: page, not 404 (real Stela at 3ee7ab2, shared reference stela-local.md).
    stela_invisible_children_empty_page: bool = True
    #: Stela restarts at page 1 when the cursor is not a child of the folder, instead of failing (stela-local.md).
    stela_stale_cursor_restarts: bool = True
    #: Stela's `totalPages` is `CEILING(COUNT(*) / pageSize)` in integer arithmetic, so it rounds down, and
    #: an empty page (an empty folder, or after the last page) says 0 (stela get_folder_children.sql).
    stela_total_pages_round_down: bool = True
    #: Stela's Joi schema wants `folderIds[]`: `folderIds=3` answers 400 `"folderIds" must be an array`.
    stela_folder_ids_need_brackets: bool = True
    #: Stela builds `files[]` with PostgreSQL JSONB, so their createdAt/updatedAt read `…+00:00`, not `.000Z`.
    stela_jsonb_file_timestamps: bool = True
    #: Stela's share-link lists (`GET /share-links`, an item's share links) answer `maxUses`/`usesExpended` as
    #: strings: node-postgres reads bigint columns as text, and only POST/PATCH convert them (stela 3ee7ab2).
    stela_share_link_list_counts_as_strings: bool = True

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Return the names of every quirk switch."""
        return tuple(f.name for f in dataclasses.fields(cls))

    def with_switches(self, switches: dict[str, bool]) -> Quirks:
        """Return a copy with the named switches set; unknown names raise ValueError."""
        unknown = sorted(set(switches) - set(self.names()))
        if unknown:
            raise ValueError(f"unknown quirk(s): {', '.join(unknown)}; known: {', '.join(self.names())}")
        return dataclasses.replace(self, **switches)


@dataclass(frozen=True)
class Settings:
    """Everything that configures one mock instance; `Settings()` is an ephemeral, seeded mock."""

    #: Where state and blobs live between restarts; None keeps everything in a temporary directory.
    data_dir: Path | None = None
    #: SQLAlchemy URL; None means SQLite inside the data (or temporary) directory.
    database_url: str | None = None
    #: The world built when the database is empty: a built-in scenario's name (demo, empty, large, shared) or
    #: the path of a scenario file (mock_backend/scenarios/README.md).
    scenario: str = "demo"
    #: Exchanges the request journal keeps (GET /_mock/requests, the dashboard); 0 switches it off.
    journal_size: int = 1000
    quirks: Quirks = field(default_factory=Quirks)
    #: Lifetime of FusionAuth access tokens, in seconds (sftp-service refreshes below 300 s left).
    access_token_ttl: int = 3600
    #: Lifetime of signed download URLs (the fixtures' CloudFront URLs live 7 days).
    download_url_ttl: int = 7 * 24 * 3600
    #: Lifetime of a presigned POST (upload-service uses 3600 s).
    upload_url_ttl: int = 3600
    #: Seconds after registerRecord before a record leaves `status.record.uploaded` for `status.generic.ok`.
    processing_seconds: float = 2.0
    #: The login that scenarios write as `{demo_email}` / `{demo_password}` (applies when a world is built).
    demo_email: str = "demo@example.com"
    demo_password: str = "demo-password"
    fusionauth_api_key: str = "mock-fusionauth-key"
    fusionauth_client_id: str = "mock-sftp-client-id"
    fusionauth_client_secret: str = "mock-sftp-client-secret"
    #: Secret that signs tokens, policies and URLs; None derives one per data directory (kept across restarts).
    secret_key: str | None = None
    #: Origins (regular expressions) allowed to call the mock from a browser.
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    #: Largest JSON request body accepted by the API routes.
    max_json_bytes: int = 1024 * 1024
    #: Largest presigned-POST body (sftp-service refuses files above 5 GiB).
    max_upload_bytes: int = 5 * 1024**3 + 1024 * 1024
    #: Show no files for a record until its processing ends (the pre-PER-9417 backend; off today).
    hide_unprocessed_files: bool = False
    #: Refuse PHP deletes when the account's allowSftpDeletion is false (the real backend may not; see README).
    enforce_deletion_gate: bool = False
    #: Secret for the mock's own control routes (header X-Mock-Control-Token); None draws a random one per app.
    control_token: str | None = None
    #: Ask for the control token on every /_mock/* route but health (the CLI sets this off loopback).
    control_token_required: bool = False
    #: Seconds between sweeps of expired uploads and crash leftovers by a served mock (0: only at start).
    sweep_interval_seconds: float = 600
    #: Sweep expired uploads and crash leftovers when the app is built (a server's extra workers skip it).
    sweep_at_start: bool = True
    #: Bucket name that appears in presigned POSTs and destination URLs.
    bucket: str = "permanent-mock"
