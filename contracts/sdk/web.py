"""WebAppSession: the PHP v1 calls of Permanent's web app (sign-in, session, browsing, edits) over HTTP or WSGI.

The session keeps what a browser running the web app keeps: the `permSession` cookie, the `csrf` of the last
answer (echoed in every `RequestVO`), and the bearer `auth/login` answered, which it sends only where the web app
does (move and copy). Failures follow the envelope (openapi/v1.yaml):

    HTTP 200, isSuccessful false  → `V1Failure` (key, params, detail, item index); batch calls report per item
    HTTP 401                      → `NotSignedIn`
    any other non-2xx             → the `HttpError` of the status (key from `Results[0].message`)
    a 2xx that is no ResponseVO   → `ValidationError`
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, TypeVar, Unpack

import httpx

from contracts.sdk.client import ClientOptions
from contracts.sdk.enums import AccessRole
from contracts.sdk.errors import NotSignedIn, V1Failure, ValidationError, error_for_status
from contracts.sdk.models import (
    Account,
    Archive,
    ArchiveRecord,
    Folder,
    FolderView,
    ItemResult,
    PresignedPost,
    WebSignIn,
)
from contracts.sdk.transport import ExchangeHook, OwnsTransport, Transport, json_content, parse
from contracts.sdk.wire import envelope, php
from contracts.sdk.wire.envelope import Item, ResponseVO, Result
from contracts.sdk.wire.errors import error_message
from contracts.sdk.wire.values import Obj, as_integer

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

T = TypeVar("T")

MFA = "type.auth.mfaValidation"
EMAIL = "type.auth.email"


def _anything(status: int) -> bool:
    """The session judges every status itself (the envelope carries the key of a failure at any status)."""
    return True


class WebAppSession(OwnsTransport):
    """One signed-in browser tab of the web app: a cookie, the last CSRF token, the bearer; transport injectable."""

    def __init__(
        self,
        api_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        rate_limit: float | None = None,
        on_exchange: ExchangeHook | None = None,
    ) -> None:
        """Create a session that has not signed in (a `token` lets move and copy send a bearer from the start)."""
        self._api_url = api_url.rstrip("/")
        self._http = Transport(transport=transport, timeout=timeout, rate_limit=rate_limit, on_exchange=on_exchange)
        #: The `csrf` of the last answer, echoed in the next RequestVO (None before the first answer).
        self.csrf: str | None = None
        #: The value of the `permSession` cookie (None when no session is open).
        self.cookie: str | None = None
        #: The bearer `auth/login` answered (`SimpleVO{key: "authToken"}`), sent by move and copy.
        self.token = token
        self._email: str | None = None
        self._account_id: int | None = None

    @classmethod
    def for_base_url(
        cls, url: str, *, transport: httpx.BaseTransport | None = None, **options: Unpack[ClientOptions]
    ) -> WebAppSession:
        """Create a session for a server whose PHP API is `<url>/api` (only token, timeout, rate_limit, on_exchange)."""
        return cls(
            f"{url.rstrip('/')}/api",
            token=options.get("token"),
            transport=transport,
            timeout=options.get("timeout", 30.0),
            rate_limit=options.get("rate_limit"),
            on_exchange=options.get("on_exchange"),
        )

    @classmethod
    def for_wsgi(
        cls, app: WSGIApplication, base: str = "http://mock.local", **options: Unpack[ClientOptions]
    ) -> WebAppSession:
        """Create a session that calls a WSGI app in-process."""
        return cls.for_base_url(base, transport=httpx.WSGITransport(app=app), **options)

    # --- sign-in and the session ------------------------------------------------------------

    def login(self, email: str, password: str) -> WebSignIn:
        """Sign in with e-mail and password; keeps the session cookie and the bearer.

        Raises:
            V1Failure: `warning.signin.unknown` (wrong e-mail or password), `warning.auth.mfaToken` or
                `status.auth.need_email` (a step is due: pass it with `verify`; the cookie is kept).
        """
        self._email = email
        result, response = self._one("v1.login", envelope.LOGIN, envelope.login_item(email, password))
        return self._signed_in(result, response)

    def verify(
        self, code: str, kind: str = MFA, *, email: str | None = None, account_id: int | None = None
    ) -> WebSignIn:
        """Pass the pending sign-in step (`MFA` or `EMAIL`) with its code.

        Raises:
            V1Failure: a wrong code (`warning.auth.token_does_not_match`, …).
            ValueError: no e-mail is known (give `email` when `login` was not called on this session).
        """
        address = email or self._email
        if address is None:
            raise ValueError("verify needs the e-mail of the sign-in")
        item = envelope.verify_item(address, account_id or self._account_id, code, kind)
        result, response = self._one("v1.verify", envelope.VERIFY, item)
        return self._signed_in(result, response)

    def logged_in(self) -> bool:
        """Ask auth/loggedIn whether the session is signed in."""
        result, response = self._one("v1.logged_in", envelope.LOGGED_IN, {})
        simple = self._at(result, response, lambda r: r.vo("SimpleVO"))
        return self._at(result, response, lambda r: simple.boolean("value"))

    def logout(self) -> None:
        """End the session; the cookie and the bearer are forgotten."""
        self._one("v1.logout", envelope.LOGOUT, {})
        self.cookie = None
        self.token = None

    # --- account and archives ---------------------------------------------------------------

    def account(self) -> Account:
        """The signed-in account (account/get)."""
        item: Item = {"AccountVO": {"accountId": self._account_id}} if self._account_id is not None else {}
        result, response = self._one("v1.account", envelope.GET_ACCOUNT, item)
        return self._at(result, response, lambda r: _parsed(r.vo("AccountVO"), php.parse_account))

    def archives(self) -> list[Archive]:
        """Every archive of the account (archive/getAllArchives: one `{ArchiveVO}` per archive)."""
        item: Item = {"AccountVO": {"accountId": self._account_id}} if self._account_id is not None else {}
        result, response = self._one("v1.archives", envelope.GET_ALL_ARCHIVES, item)
        return self._at(result, response, lambda r: [_parsed(vo, php.parse_archive) for vo in r.vos("ArchiveVO")])

    def archive(self, archive_id: int) -> Archive:
        """One of the account's archives (archive/get)."""
        result, response = self._one("v1.archive", envelope.GET_ARCHIVE, envelope.archive_item(archive_id))
        return self._at(result, response, lambda r: _parsed(r.vo("ArchiveVO"), php.parse_archive))

    def change_archive(self, archive_id: int) -> Archive:
        """Make an archive the session's current one (root() then shows it)."""
        result, response = self._one("v1.change_archive", envelope.CHANGE_ARCHIVE, envelope.archive_item(archive_id))
        return self._at(result, response, lambda r: _parsed(r.vo("ArchiveVO"), php.parse_archive))

    # --- browsing ---------------------------------------------------------------------------

    def root(self) -> Folder:
        """The current archive's root folder, with Apps, My Files and Public as its folders."""
        result, response = self._one("v1.root", envelope.GET_ROOT, {})
        return self._at(result, response, lambda r: _parsed(r.vo("FolderVO"), php.parse_folder))

    def navigate(self, folder_link_id: int) -> FolderView:
        """A folder by folder_linkId with its children (records without files) and breadcrumbs (navigateLean)."""
        return self._navigate("v1.navigate", envelope.NAVIGATE_LEAN, folder_link_id)

    def navigate_min(self, folder_link_id: int) -> FolderView:
        """The destination picker's view of a folder (navigateMin)."""
        return self._navigate("v1.navigate_min", envelope.NAVIGATE_MIN, folder_link_id)

    def record_by_nbr(self, archive_nbr: str) -> ArchiveRecord:
        """A record with its files by archiveNbr, the web app's deep link (record/get)."""
        result, response = self._one("v1.record_by_nbr", envelope.GET_RECORD, {"RecordVO": {"archiveNbr": archive_nbr}})
        return self._at(result, response, lambda r: _parsed(r.vo("RecordVO"), php.parse_record))

    def notifications(self) -> list[dict[str, object]]:
        """The account's notifications, as raw NotificationVOs (the mock sends none)."""
        result, response = self._one("v1.notifications", envelope.GET_NOTIFICATIONS, {})
        return self._at(result, response, lambda r: [dict(vo.value) for vo in r.vos("NotificationVO")])

    # --- edits ------------------------------------------------------------------------------

    def create_folders(self, parent_folder_id: int, names: Sequence[str]) -> list[ItemResult[Folder]]:
        """Create one folder per name in one folder/post call; each item succeeds or fails on its own."""
        items = [envelope.post_folder_item(parent_folder_id, name) for name in names]
        answer, response = self._call("v1.create_folders", envelope.POST_FOLDER, items)
        return [
            self._item(result, response, lambda r: _parsed(r.vo("FolderVO"), php.parse_folder))
            for result in answer.results
        ]

    def rename_folder(self, folder_id: int, folder_link_id: int, name: str) -> Folder:
        """Rename a folder (folder/update)."""
        item = envelope.update_folder_item(folder_id, folder_link_id, name)
        result, response = self._one("v1.rename_folder", envelope.UPDATE_FOLDER, item)
        return self._at(result, response, lambda r: _parsed(r.vo("FolderVO"), php.parse_folder))

    def move_folder(self, folder_link_id: int, destination_link_id: int, *, folder_id: int | None = None) -> Folder:
        """Move a folder into the folder whose folder_linkId is given (sends the bearer, as the web app does)."""
        moved = self._moved(
            "v1.move_folder", envelope.MOVE_FOLDER, "FolderVO", folder_link_id, destination_link_id, folder_id
        )
        return self._at(*moved, lambda r: _parsed(r.vo("FolderVO"), php.parse_folder))

    def copy_folder(self, folder_link_id: int, destination_link_id: int, *, folder_id: int | None = None) -> Folder:
        """Copy a folder and its subtree into the destination (sends the bearer)."""
        moved = self._moved(
            "v1.copy_folder", envelope.COPY_FOLDER, "FolderVO", folder_link_id, destination_link_id, folder_id
        )
        return self._at(*moved, lambda r: _parsed(r.vo("FolderVO"), php.parse_folder))

    def move_record(
        self, folder_link_id: int, destination_link_id: int, *, record_id: int | None = None
    ) -> ArchiveRecord:
        """Move a record into the destination folder_linkId (sends the bearer)."""
        moved = self._moved(
            "v1.move_record", envelope.MOVE_RECORD, "RecordVO", folder_link_id, destination_link_id, record_id
        )
        return self._at(*moved, lambda r: _parsed(r.vo("RecordVO"), php.parse_record))

    def copy_record(
        self, folder_link_id: int, destination_link_id: int, *, record_id: int | None = None
    ) -> ArchiveRecord:
        """Copy a record and its files into the destination folder_linkId (sends the bearer)."""
        moved = self._moved(
            "v1.copy_record", envelope.COPY_RECORD, "RecordVO", folder_link_id, destination_link_id, record_id
        )
        return self._at(*moved, lambda r: _parsed(r.vo("RecordVO"), php.parse_record))

    def delete_folder(self, folder_id: int, folder_link_id: int | None = None) -> None:
        """Delete a folder with its subtree (folder/delete)."""
        vo: dict[str, object] = {"folderId": folder_id}
        if folder_link_id is not None:
            vo["folder_linkId"] = folder_link_id
        self._one("v1.delete_folder", envelope.DELETE_FOLDER, {"FolderVO": vo})

    def delete_record(self, record_id: int, folder_link_id: int | None = None) -> None:
        """Delete a record with its files (record/delete)."""
        vo: dict[str, object] = {"recordId": record_id}
        if folder_link_id is not None:
            vo["folder_linkId"] = folder_link_id
        self._one("v1.delete_record", envelope.DELETE_RECORD, {"RecordVO": vo})

    def presigned_url(
        self, parent_folder_id: int, name: str, size: int, content_type: str = "application/octet-stream"
    ) -> PresignedPost:
        """Where to upload one file (record/getPresignedUrl: `SimpleVO{key: "Result", value: S3UploadVO}`)."""
        item = envelope.presigned_item(parent_folder_id, name, size, content_type)
        result, response = self._one("v1.presigned_url", envelope.GET_PRESIGNED_URL, item)

        def read(r: Result) -> PresignedPost:
            simple = r.vo("SimpleVO")
            return php.parse_presigned_post(simple.raw("value"), simple.at("value"))

        return self._at(result, response, read)

    # --- plumbing ---------------------------------------------------------------------------

    def call(
        self, operation: str, path: str, items: Sequence[Item], *, bearer: bool = False
    ) -> tuple[ResponseVO, httpx.Response]:
        """Send one v1 call (`path` below the PHP base) and return its parsed ResponseVO and the raw answer.

        Item failures are left in the ResponseVO; only the status decides what raises.

        Raises:
            NotSignedIn: HTTP 401.
            HttpError: any other non-2xx status.
            ValidationError: the answer is not a ResponseVO.
        """
        return self._call(operation, path, list(items), bearer=bearer)

    def _call(
        self, operation: str, path: str, items: list[Item], *, bearer: bool = False
    ) -> tuple[ResponseVO, httpx.Response]:
        headers = envelope.headers(self.token if bearer else None, self.cookie)
        content = json_content(envelope.request_body(self.csrf, items))
        response = self._http.request(
            operation, "POST", self._api_url + path, headers=headers, content=content, accept=_anything
        )
        self._keep_cookie(response)
        try:
            answer = parse(response, envelope.parse_response)
        except ValidationError:
            if 200 <= response.status_code <= 299:
                raise
            key, detail = error_message(response.content)
            raise _status_error(response, key, detail) from None
        self.csrf = answer.csrf
        if not 200 <= response.status_code <= 299:
            first = answer.results[0]
            raise _status_error(response, first.message_key, first.detail)
        return answer, response

    def _one(self, operation: str, path: str, item: Item, *, bearer: bool = False) -> tuple[Result, httpx.Response]:
        """Send a one-item call and return its result.

        Raises:
            V1Failure: the item failed (HTTP 200, isSuccessful false).
        """
        answer, response = self._call(operation, path, [item], bearer=bearer)
        result = answer.results[0]
        if not result.status:
            raise _failure(result, response)
        return result, response

    def _item(self, result: Result, response: httpx.Response, read: Callable[[Result], T]) -> ItemResult[T]:
        """One item of a batch: its value, or its failure."""
        if not result.status:
            return ItemResult(None, _failure(result, response))
        return ItemResult(self._at(result, response, read))

    @staticmethod
    def _at(result: Result, response: httpx.Response, read: Callable[[Result], T]) -> T:
        """Read a result, attaching the response to a `ValidationError`."""
        try:
            return read(result)
        except ValidationError as exc:
            exc.response = response
            raise

    def _signed_in(self, result: Result, response: httpx.Response) -> WebSignIn:
        """Read a sign-in answer: account, archive, and the VO keyed `authToken` (web-app auth.repo.ts)."""

        def read(r: Result) -> WebSignIn:
            element = r.data[0] if r.data else Obj({}, f"$.Results[{r.index}].data[0]")
            account = _parsed(element.obj("AccountVO"), php.parse_account)
            archive = _parsed(element.obj("ArchiveVO"), php.parse_archive) if element.optional("ArchiveVO") else None
            token = _auth_token(element)
            return WebSignIn(account=account, archive=archive, token=token)

        signed = self._at(result, response, read)
        self.token = signed.token
        self._account_id = signed.account.id
        return signed

    def _navigate(self, operation: str, path: str, folder_link_id: int) -> FolderView:
        result, response = self._one(operation, path, envelope.folder_link_item(folder_link_id))

        def read(r: Result) -> FolderView:
            vo = r.vo("FolderVO")
            role = vo.optional_string("accessRole")
            roles = {member.value for member in AccessRole}
            return FolderView(
                folder=_parsed(vo, php.parse_folder),
                access_role=AccessRole(role) if role in roles else None,
                path_link_ids=[
                    as_integer(v, vo.at("pathAsFolder_linkId")) for v in vo.optional_array("pathAsFolder_linkId")
                ],
                path_names=[str(v) for v in vo.optional_array("pathAsText")],
            )

        return self._at(result, response, read)

    def _moved(
        self, operation: str, path: str, vo_name: str, link_id: int, destination_link_id: int, item_id: int | None
    ) -> tuple[Result, httpx.Response]:
        """Send move or copy: the item's ids and FolderDestVO, with the bearer (web-app useAuthorizationHeader)."""
        ids: dict[str, object] = {"folder_linkId": link_id}
        if item_id is not None:
            ids["folderId" if vo_name == "FolderVO" else "recordId"] = item_id
        return self._one(operation, path, envelope.moved_item(vo_name, ids, destination_link_id), bearer=True)

    def _keep_cookie(self, response: httpx.Response) -> None:
        """Keep (or drop) the session cookie the answer sets, as a browser does."""
        for header in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            morsel = jar.get(envelope.SESSION_COOKIE)
            if morsel is None:
                continue
            expired = morsel["max-age"] in ("0", "-1") or "1970" in morsel["expires"]
            self.cookie = None if expired or not morsel.value else morsel.value


def _parsed(vo: Obj, parser: Callable[[object, str], T]) -> T:
    """Run a VO parser on a nested object, keeping its path for errors."""
    return parser(dict(vo.value), vo.path)


def _auth_token(element: Obj) -> str:
    """The value of whichever VO of a sign-in item has `key == "authToken"`."""
    for value in element.value.values():
        if isinstance(value, dict) and value.get("key") == "authToken" and isinstance(value.get("value"), str):
            return str(value["value"])
    raise ValidationError('no VO with key "authToken"', path=element.path)


def _failure(result: Result, response: httpx.Response) -> V1Failure:
    return V1Failure(result.message_key or "", result.params, result.detail, response, result.index)


def _status_error(response: httpx.Response, key: str | None, detail: str | None) -> Exception:
    if response.status_code == 401:
        return NotSignedIn(401, key, detail, response)
    return error_for_status(response, key, detail)
