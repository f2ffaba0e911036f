"""The PHP v1 envelope of the web app: paths, `{"RequestVO": {"csrf", "data": [...]}}` bodies and ResponseVO parsing.

A v1 call is a POST to `/<controller>/<action>` below the PHP base **without** `Request-Version: 2`; each element
of `data` is one item of work holding VOs by class name, and the answer has one `Results` entry per item whose
`data` holds `{VOName: {...}}` objects. Business failures are HTTP 200 with `isSuccessful: false` and the
message key first in `Results[i].message` (openapi/v1.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.sdk.errors import ValidationError
from contracts.sdk.wire.values import Obj

LOGIN = "/auth/login"
VERIFY = "/auth/verify"
LOGGED_IN = "/auth/loggedIn"
LOGOUT = "/auth/logout"
GET_ACCOUNT = "/account/get"
GET_ARCHIVE = "/archive/get"
GET_ALL_ARCHIVES = "/archive/getAllArchives"
CHANGE_ARCHIVE = "/archive/change"
GET_ROOT = "/folder/getRoot"
NAVIGATE_LEAN = "/folder/navigateLean"
NAVIGATE_MIN = "/folder/navigateMin"
POST_FOLDER = "/folder/post"
UPDATE_FOLDER = "/folder/update"
MOVE_FOLDER = "/folder/move"
COPY_FOLDER = "/folder/copy"
DELETE_FOLDER = "/folder/delete"
GET_RECORD = "/record/get"
MOVE_RECORD = "/record/move"
COPY_RECORD = "/record/copy"
DELETE_RECORD = "/record/delete"
GET_PRESIGNED_URL = "/record/getPresignedUrl"
GET_NOTIFICATIONS = "/notification/getMyNotifications"

#: The session cookie `auth/login` sets (node-sdk src/lib/api/api.service.ts names it).
SESSION_COOKIE = "permSession"
#: The message key of a cookie-signed-in call that did not echo its session's token.
INVALID_CSRF = "error.generic.invalid_csrf"

Item = dict[str, object]


def is_v1(method: str, path: str, version: str | None) -> bool:
    """Tell whether a request speaks v1: a POST under /api/ (not Stela's /api/v2/) without `Request-Version: 2`.

    A copy of `mock_backend.wire.envelope.is_v1` (contracts may not import the mock): the two dialects share
    paths, so the method, the path and the header are all there is to tell them apart.
    """
    return (
        method == "POST"
        and path.startswith("/api/")
        and not path.startswith("/api/v2/")
        and (version or "").strip() != "2"
    )


def headers(token: str | None = None, cookie: str | None = None) -> dict[str, str]:
    """Headers of a v1 call: JSON, no Request-Version; the bearer only where the web app sends one (move, copy)."""
    sent = {"Content-Type": "application/json"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if cookie is not None:
        sent["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    return sent


def request_body(csrf: str | None, items: list[Item]) -> dict[str, object]:
    """`{"RequestVO": {"csrf", "data"}}` as web-app http.service.ts builds it (`[{}]` when there are no items)."""
    return {"RequestVO": {"csrf": csrf, "data": items or [{}]}}


@dataclass(frozen=True, slots=True)
class Result:
    """One entry of `Results`: the VOs of one item (by class name), or its failure."""

    index: int
    status: bool
    message: list[str]
    data: list[Obj]
    detail: str | None

    @property
    def message_key(self) -> str | None:
        """The first message element: the key of a failure (a human sentence on success)."""
        return self.message[0] if self.message else None

    @property
    def params(self) -> tuple[str, ...]:
        """The message's parameters after the key (`["warning.auth.mfaToken", "email"]` → `("email",)`)."""
        return tuple(self.message[1:])

    def vo(self, name: str, at: int = 0) -> Obj:
        """The VO `name` of the `at`-th data element.

        Raises:
            ValidationError: there is no such element, or it does not hold that VO.
        """
        if at >= len(self.data):
            raise ValidationError(f"expected at least {at + 1} data element(s)", path=f"$.Results[{self.index}].data")
        return self.data[at].obj(name)

    def vos(self, name: str) -> list[Obj]:
        """The VO `name` of every data element (list answers: one `{ArchiveVO}` per archive)."""
        return [element.obj(name) for element in self.data]


@dataclass(frozen=True, slots=True)
class ResponseVO:
    """A parsed ResponseVO: its results, whether all succeeded, and the CSRF token to echo next."""

    results: list[Result]
    is_successful: bool
    csrf: str


def parse_response(value: object) -> ResponseVO:
    """Parse a ResponseVO (any status: failures carry the same envelope).

    Raises:
        ValidationError: not an envelope, or one without `csrf` (the contract requires it on every answer).
    """
    vo = Obj(value)
    results: list[Result] = []
    for index, entry in enumerate(vo.objects("Results")):
        message = entry.array("message")
        if not all(isinstance(part, str) for part in message):
            raise ValidationError("expected an array of strings", path=entry.at("message"))
        results.append(
            Result(
                index=index,
                status=entry.boolean("status"),
                message=[str(part) for part in message],
                data=list(entry.objects("data", nullable=True)),
                detail=entry.optional_string("detail"),
            )
        )
    if not results:
        raise ValidationError("expected at least one result", path="$.Results")
    return ResponseVO(results=results, is_successful=vo.boolean("isSuccessful"), csrf=vo.string("csrf"))


# --------------------------------------------------------------------------- items the web app sends


def login_item(email: str, password: str) -> Item:
    """auth/login as the login form sends it ("Remember me" checked; web-app auth.repo.ts)."""
    return {
        "AccountVO": {"primaryEmail": email, "rememberMe": True, "keepLoggedIn": True},
        "AccountPasswordVO": {"password": password},
    }


def verify_item(email: str, account_id: int | None, code: str, kind: str) -> Item:
    """auth/verify: the code of the MFA (`type.auth.mfaValidation`) or e-mail (`type.auth.email`) step."""
    account: dict[str, object] = {"primaryEmail": email}
    if account_id is not None:
        account["accountId"] = account_id
    return {"AccountVO": account, "AuthVO": {"token": code, "type": kind}}


def archive_item(archive_id: int) -> Item:
    """archive/get and archive/change by archiveId."""
    return {"ArchiveVO": {"archiveId": archive_id}}


def folder_link_item(folder_link_id: int) -> Item:
    """navigateLean / navigateMin by folder_linkId."""
    return {"FolderVO": {"folder_linkId": folder_link_id}}


def post_folder_item(parent_folder_id: int, name: str) -> Item:
    """One folder of a folder/post batch."""
    return {"FolderVO": {"parentFolderId": parent_folder_id, "displayName": name}}


def update_folder_item(folder_id: int, folder_link_id: int, name: str) -> Item:
    """folder/update: only the ids and displayName (web-app folder.repo.ts whitelist)."""
    return {"FolderVO": {"folderId": folder_id, "folder_linkId": folder_link_id, "displayName": name}}


def moved_item(vo_name: str, ids: dict[str, object], destination_link_id: int) -> Item:
    """folder/move, folder/copy, record/move, record/copy: the item's VO and `FolderDestVO.folder_linkId`."""
    return {vo_name: ids, "FolderDestVO": {"folder_linkId": destination_link_id}}


def presigned_item(parent_folder_id: int, name: str, size: int, content_type: str) -> Item:
    """record/getPresignedUrl as web-app uploader.ts sends it (the MIME type in a `SimpleVO{key: type}`)."""
    return {
        "RecordVO": {"parentFolderId": parent_folder_id, "displayName": name, "uploadFileName": name, "size": size},
        "SimpleVO": {"key": "type", "value": content_type},
    }
