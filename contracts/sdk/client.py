"""PermanentClient: the operations of @permanentorg/sdk over HTTP or in-process WSGI."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

import httpx

from contracts.sdk.auth import DEFAULT_REFRESH_MARGIN, FusionAuth, TokenManager
from contracts.sdk.enums import AccessRole
from contracts.sdk.errors import FolderNotFound, ValidationError
from contracts.sdk.models import Account, Archive, ArchiveRecord, Folder, ShareLink, StelaShareLink, StelaShareLinkPage
from contracts.sdk.multipart import MultipartBody, UploadData, UploadSource
from contracts.sdk.transport import ExchangeHook, OwnsTransport, Params, Transport, json_content, parse
from contracts.sdk.wire import php, php_calls, stela

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

STELA_PAGE_SIZE = 100
"""Children page size of SDK 0.9.1+; paging continues only while a page is exactly this full."""


class ClientOptions(TypedDict, total=False):
    """Keyword options shared by the constructor and the factory class methods."""

    token: str | None
    timeout: float
    rate_limit: float | None
    on_exchange: ExchangeHook | None
    token_refresh_margin: float
    clock: Callable[[], float]


def _is_download_status(status: int) -> bool:
    """A download answers the whole file (200) or the requested slice (206)."""
    return status in (200, 206)


def _range_header(start: int | None, end: int | None) -> dict[str, str]:
    """Build `Range: bytes=start-end` (end inclusive, open when None)."""
    if start is None and end is None:
        return {}
    first = 0 if start is None else start
    if first < 0 or (end is not None and end < first):
        raise ValueError(f"invalid byte range {start}-{end}")
    return {"Range": f"bytes={first}-{'' if end is None else end}"}


class PermanentClient(OwnsTransport):
    """A Permanent.org client whose transport is injectable (MockTransport, WSGITransport, ...).

    Every PHP and Stela call sends `Authorization: Bearer`, `Request-Version: 2` and
    `Content-Type: application/json`. Upload and download URLs are used as the server returns
    them, through the same httpx client, and without the bearer token.
    """

    def __init__(
        self,
        api_url: str,
        stela_url: str,
        fusionauth_url: str | None = None,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        rate_limit: float | None = None,
        on_exchange: ExchangeHook | None = None,
        token_refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Create a client; `rate_limit` caps requests per second, `on_exchange` observes them."""
        self._api_url = api_url.rstrip("/")
        self._stela_url = stela_url.rstrip("/")
        self._fusionauth_url = fusionauth_url
        self._token = token
        self._tokens: TokenManager | None = None
        self._token_refresh_margin = token_refresh_margin
        self._clock = clock
        self._http = Transport(transport=transport, timeout=timeout, rate_limit=rate_limit, on_exchange=on_exchange)

    @classmethod
    def for_base_url(
        cls,
        url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> PermanentClient:
        """Create a client for a server that serves PHP, Stela and FusionAuth on one origin."""
        base = url.rstrip("/")
        return cls(f"{base}/api", f"{base}/api/v2", f"{base}/fusionauth", transport=transport, **options)

    @classmethod
    def for_wsgi(
        cls,
        app: WSGIApplication,
        base: str = "http://mock.local",
        **options: Unpack[ClientOptions],
    ) -> PermanentClient:
        """Create a client that calls a WSGI app in-process (request bodies are buffered)."""
        return cls.for_base_url(base, transport=httpx.WSGITransport(app=app), **options)

    # --- authentication -------------------------------------------------------------------

    def login(
        self,
        login_id: str,
        password: str,
        *,
        application_id: str,
        api_key: str,
        client_secret: str,
        client_id: str | None = None,
    ) -> None:
        """Log in through FusionAuth and keep a self-renewing access token.

        `client_id` defaults to `application_id`, as sftp-service uses one id for both.

        Raises:
            AuthError: the login or the first token refresh failed.
            ValueError: the client has no `fusionauth_url`.
        """
        if self._fusionauth_url is None:
            raise ValueError("this client has no fusionauth_url")
        auth = FusionAuth(self._http, self._fusionauth_url)
        refresh_token = auth.login(login_id, password, application_id=application_id, api_key=api_key)
        oauth_client = client_id or application_id

        def refresh() -> tuple[str, float]:
            return auth.refresh(refresh_token, client_id=oauth_client, client_secret=client_secret)

        self._tokens = TokenManager(refresh, clock=self._clock, margin=self._token_refresh_margin)
        self._tokens.token()

    def access_token(self) -> str | None:
        """Return the bearer token the next call will send, renewing it first if needed."""
        return self._token if self._tokens is None else self._tokens.token()

    # --- account and archives -------------------------------------------------------------

    def get_authenticated_account(self) -> Account:
        """Return the account the token belongs to."""
        response = self._php("get_authenticated_account", "GET", php_calls.GET_AUTHENTICATED_ACCOUNT)
        return parse(response, php.parse_account)

    def get_archives(self) -> list[Archive]:
        """Return every archive the account belongs to."""
        return parse(self._php("get_archives", "GET", php_calls.GET_ALL_ARCHIVES), php.parse_archives)

    def get_archive_folders(self, archive_id: int) -> list[Folder]:
        """Return the folder children of the archive root (Apps, My Files, Public)."""
        response = self._php(
            "get_archive_folders",
            "GET",
            php_calls.GET_ROOT,
            params=php_calls.archive_query(archive_id),
        )
        return parse(response, php.parse_folder).folders

    # --- folders --------------------------------------------------------------------------

    def get_folder(self, folder_id: int) -> Folder:
        """Return a folder with its children through Stela, paging 100 at a time (SDK 0.10.1).

        Raises:
            FolderNotFound: Stela answered `{"items": []}`.
            ValidationError: a full page has no usable `nextCursor`.
        """
        response = self._stela("get_folder.folder", stela.FOLDER, stela.folder_query(folder_id))
        found = parse(response, stela.parse_folders)
        if not found:
            raise FolderNotFound(folder_id, response)
        folders: list[Folder] = []
        records: list[ArchiveRecord] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            query = stela.children_query(STELA_PAGE_SIZE, cursor)
            response = self._stela("get_folder.children", stela.children_path(folder_id), query)
            page = parse(response, stela.parse_children_page)
            folders += page.folders
            records += page.archive_records
            if page.item_count != STELA_PAGE_SIZE:
                break
            if page.next_cursor is None or page.next_cursor in seen:
                # The TS SDK would request the same page forever here.
                reason = "is missing" if page.next_cursor is None else "repeats an earlier cursor"
                raise ValidationError(
                    f"a full page's cursor {reason}",
                    path="$.pagination.nextCursor",
                    response=response,
                )
            cursor = page.next_cursor
            seen.add(cursor)
        return dataclasses.replace(found[0], folders=folders, archive_records=records)

    def get_folder_with_children(self, folder_id: int, archive_id: int) -> Folder:
        """Return a folder with its children through PHP getWithChildren (SDK 0.8.0)."""
        query = php_calls.folder_query(folder_id, archive_id)
        response = self._php("get_folder_with_children", "GET", php_calls.GET_WITH_CHILDREN, params=query)
        return parse(response, php.parse_folder)

    def create_folder(self, name: str, parent_folder_id: int, fail_on_duplicate_name: bool = False) -> Folder:
        """Create a folder under the parent folder (a folderId, not a folder-link id)."""
        body = php_calls.folder_post_body(name, parent_folder_id, fail_on_duplicate_name)
        return parse(self._php("create_folder", "POST", php_calls.POST_FOLDER, body=body), php.parse_folder)

    def delete_folder(self, folder_id: int) -> None:
        """Delete a folder with its subtree; the answer's body is ignored."""
        self._php(
            "delete_folder",
            "DELETE",
            php_calls.DELETE_FOLDER,
            params=php_calls.folder_query(folder_id),
        )

    # --- records and files ----------------------------------------------------------------

    def get_archive_record(self, record_id: int, archive_id: int) -> ArchiveRecord:
        """Return a record with all its files."""
        query = php_calls.record_query(record_id, archive_id)
        return parse(
            self._php("get_archive_record", "GET", php_calls.GET_RECORD, params=query),
            php.parse_record,
        )

    def upload_file(
        self,
        data: UploadData,
        *,
        name: str,
        parent_folder_id: int,
        content_type: str = "application/octet-stream",
        size: int | None = None,
        display_name: str | None = None,
    ) -> str:
        """Upload bytes to a presigned POST and return the destination URL for registerRecord.

        The multipart body is generated while it is sent, so a file or stream is never held in
        memory: the presigned fields in the order returned, then `Content-Type`, then `file`.
        Unlike the TS SDK, which ignores the upload answer, a non-2xx answer raises. `name` is
        the uploadFileName and, unless `display_name` is given, the displayName. In-process
        (WSGITransport) the body is buffered by httpx before the app sees it.

        Raises:
            HttpError: getPresignedUrl or the upload itself failed.
            ValueError: `size` is unknown for an unseekable stream, or the data is shorter.
        """
        source = UploadSource.of(data, size)
        body = php_calls.presigned_url_body(display_name or name, parent_folder_id, name, content_type, source.size)
        response = self._php("upload_file.get_presigned_url", "POST", php_calls.GET_PRESIGNED_URL, body=body)
        post = parse(response, php.parse_presigned_post)
        fields = [(key, value) for key, value in post.fields.items() if key != "Content-Type"]
        multipart = MultipartBody(
            [*fields, ("Content-Type", content_type)],
            source,
            file_name=name,
            file_content_type=content_type,
        )
        self._http.request(
            "upload_file.presigned_post",
            "POST",
            post.url,
            headers={
                "Content-Type": multipart.content_type,
                "Content-Length": str(multipart.content_length),
            },
            content=iter(multipart),
        )
        return post.destination_url

    def create_archive_record(
        self,
        s3_url: str,
        *,
        display_name: str,
        parent_folder_id: int,
        upload_file_name: str,
        size: int,
        file_type: str | None = None,
        fail_on_duplicate_name: bool = False,
    ) -> ArchiveRecord:
        """Register an uploaded file as a record (registerRecord)."""
        body = php_calls.register_record_body(
            s3_url,
            display_name=display_name,
            parent_folder_id=parent_folder_id,
            upload_file_name=upload_file_name,
            size=size,
            file_type=file_type,
            fail_on_duplicate_name=fail_on_duplicate_name,
        )
        response = self._php("create_archive_record", "POST", php_calls.REGISTER_RECORD, body=body)
        return parse(response, php.parse_record)

    def delete_archive_record(self, record_id: int) -> None:
        """Delete a record; the answer's body is ignored."""
        query = php_calls.record_query(record_id)
        self._php("delete_archive_record", "DELETE", php_calls.DELETE_RECORD, params=query)

    def download(self, url: str, start: int | None = None, end: int | None = None) -> bytes:
        """Fetch a file URL, optionally the inclusive byte range start-end; accepts 200 and 206.

        Raises:
            RangeNotSatisfiable: the range lies outside the file (416).
            Forbidden: the signed URL is tampered with or expired (403).
        """
        headers = {"Accept-Encoding": "identity", **_range_header(start, end)}
        response = self._http.request("download", "GET", url, headers=headers, accept=_is_download_status)
        return response.content

    def download_to(self, url: str, path: Path, start: int | None = None, end: int | None = None) -> int:
        """Stream a file URL (or a byte range of it) into a file and return the bytes written."""
        headers = {"Accept-Encoding": "identity", **_range_header(start, end)}
        written = 0
        with (
            self._http.stream("download_to", "GET", url, headers=headers, accept=_is_download_status) as response,
            path.open("wb") as target,
        ):
            for chunk in response.iter_bytes():
                written += target.write(chunk)
        return written

    # --- share links ----------------------------------------------------------------------

    def create_share_link(
        self,
        file_system_id: int,
        *,
        max_uses: int | None = None,
        show_preview: bool | None = None,
        default_access_role: AccessRole | None = None,
    ) -> ShareLink:
        """Create (or return the existing) share link for a folder or record link id."""
        body = php_calls.generate_share_link_body(file_system_id, max_uses, show_preview, default_access_role)
        response = self._php("create_share_link", "POST", php_calls.GENERATE_SHARE_LINK, body=body)
        return parse(response, php.parse_share_link)

    def update_share_link(
        self,
        share_link_id: int,
        *,
        max_uses: int | None = None,
        show_preview: bool | None = None,
        auto_approve: bool | None = None,
        default_access_role: AccessRole | None = None,
        expires_at: datetime | None = None,
    ) -> ShareLink:
        """Update a share link; options left as None are not sent (and so left unchanged).

        Raises:
            ValueError: `expires_at` is a naive datetime.
        """
        body = php_calls.update_share_link_body(
            share_link_id,
            max_uses=max_uses,
            show_preview=show_preview,
            auto_approve=auto_approve,
            default_access_role=default_access_role,
            expires_at=expires_at,
        )
        response = self._php("update_share_link", "POST", php_calls.UPDATE_SHARE_LINK, body=body)
        return parse(response, php.parse_share_link)

    # --- Stela records and share links (the web app's viewer and sharing dialog) ------------

    def get_stela_records(self, record_ids: list[int]) -> list[ArchiveRecord]:
        """Return the visible records among the ids through Stela `GET /record` (a bare array; others left out)."""
        response = self._stela("get_stela_records", stela.RECORD, stela.records_query(record_ids))
        return parse(response, stela.parse_records)

    def get_record_share_links(self, record_id: int) -> list[StelaShareLink]:
        """Return a record's share links that the caller may manage."""
        response = self._stela("get_record_share_links", stela.record_share_links_path(record_id), ())
        return parse(response, stela.parse_share_link_items)

    def get_folder_share_links(self, folder_id: int) -> list[StelaShareLink]:
        """Return a folder's share links that the caller may manage (Stela's `share_links` route)."""
        response = self._stela("get_folder_share_links", stela.folder_share_links_path(folder_id), ())
        return parse(response, stela.parse_share_link_items)

    def get_share_links(
        self,
        share_link_ids: list[int] | None = None,
        share_tokens: list[str] | None = None,
        *,
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> StelaShareLinkPage:
        """Return one page of share links by id (needs sign-in) or by token."""
        query = stela.share_links_query(share_link_ids, share_tokens, page_size, cursor)
        response = self._stela("get_share_links", stela.SHARE_LINKS, query)
        return parse(response, stela.parse_share_link_page)

    def create_stela_share_link(
        self,
        item_id: int,
        item_type: str,
        *,
        access_restrictions: str | None = None,
        permissions_level: str | None = None,
        max_uses: int | None = None,
        expires_at: datetime | None = None,
    ) -> StelaShareLink:
        """Create a share link for a record or folder (by recordId or folderId) through Stela (201)."""
        body = stela.create_share_link_body(
            item_id,
            item_type,
            access_restrictions=access_restrictions,
            permissions_level=permissions_level,
            max_uses=max_uses,
            expires_at=expires_at,
        )
        response = self._stela("create_stela_share_link", stela.SHARE_LINKS, (), method="POST", body=body)
        return parse(response, stela.parse_share_link_data)

    def update_stela_share_link(
        self,
        share_link_id: int,
        *,
        access_restrictions: str | None = None,
        permissions_level: str | None = None,
        max_uses: int | None = None,
        expires_at: datetime | None = None,
        clear_max_uses: bool = False,
        clear_expiry: bool = False,
    ) -> StelaShareLink:
        """Change a share link through Stela; options left as None are not sent, `clear_*` send null."""
        body = stela.update_share_link_body(
            access_restrictions=access_restrictions,
            permissions_level=permissions_level,
            max_uses=max_uses,
            expires_at=expires_at,
            clear_max_uses=clear_max_uses,
            clear_expiry=clear_expiry,
        )
        path = stela.share_link_path(share_link_id)
        response = self._stela("update_stela_share_link", path, (), method="PATCH", body=body)
        return parse(response, stela.parse_share_link_data)

    def delete_share_link(self, share_link_id: int) -> None:
        """Delete a share link through Stela (204, no body)."""
        self._stela("delete_share_link", stela.share_link_path(share_link_id), (), method="DELETE")

    # --- plumbing -------------------------------------------------------------------------

    def _php(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: dict[str, object] | None = None,
    ) -> httpx.Response:
        """Send one PHP API v2 call."""
        return self._http.request(
            operation,
            method,
            self._api_url + path,
            headers=php_calls.headers(self.access_token()),
            params=params,
            content=None if body is None else json_content(body),
        )

    def _stela(
        self,
        operation: str,
        path: str,
        params: Params,
        *,
        method: str = "GET",
        body: dict[str, object] | None = None,
    ) -> httpx.Response:
        """Send one Stela call; its headers are the PHP ones."""
        return self._http.request(
            operation,
            method,
            self._stela_url + path,
            headers=php_calls.headers(self.access_token()),
            params=params or None,
            content=None if body is None else json_content(body),
        )
