"""Safety on real servers: run ids and names, a guard that refuses writes outside the test folder, and cleanup.

Every request of the suite to a target passes through `GuardedTransport`. It waits for the shared rate
limiter, asks `WriteGuard.check` whether the request may be sent, and lets the guard learn from the
answer which folders, records and share links the run created. Only those (and the test folder, as a
parent) may be written to; reads are always allowed. The guard's list of created items is the cleanup
registry: `cleanup` deletes them at the end of the session, whatever happened in between.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import httpx

from contracts.sdk.ratelimit import RateLimiter
from contracts.sdk.wire.envelope import is_v1

NAME_PREFIX = "contract-"
MAX_ID = 2**63 - 1
"""Ids above this cannot name an item (the contract's upper bound), so requests carrying them are harmless."""

_DIGIT_RUN = re.compile(r"\d+")


def new_run_id(now: datetime | None = None, token: str | None = None) -> str:
    """Return a run id such as `250131120000-3fa9`: UTC time to the second, then 4 random hex digits."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%y%m%d%H%M%S}-{token or secrets.token_hex(2)}"


def run_prefix(run_id: str) -> str:
    """The prefix of every name a run creates: `contract-<run id>-`."""
    return f"{NAME_PREFIX}{run_id}-"


class UnsafeRequest(AssertionError):
    """The guard refused to send a write that could touch something outside the test folder."""


def id_candidate(value: object) -> int | None:
    """Return the item id a loosely typed server could read from a value, or None if it names no item.

    Integers and integral floats count, and so does the first run of digits in a string (PHP reads
    `"12abc"` as 12). Booleans, non-positive numbers and numbers above `MAX_ID` name nothing.
    """
    number: int | None = None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**64:
        number = int(value)
    elif isinstance(value, str):
        stripped = value.strip()
        match = _DIGIT_RUN.search(stripped)
        number = int(match.group()) if match and not stripped.startswith("-") else None
    if number is None or number < 1 or number > MAX_ID:
        return None
    return number


def retarget(value: object, new_id: int) -> object:
    """Replace the id in a value by `new_id`, keeping its JSON type and any padding around the digits."""
    if isinstance(value, str):
        return _DIGIT_RUN.sub(str(new_id), value, count=1)
    if isinstance(value, float):
        return float(new_id)
    return new_id


@dataclass(frozen=True)
class Created:
    """An item the run created: `kind` is folder, record or share."""

    kind: str
    item_id: int
    link_id: int | None
    parent_id: int | None


@dataclass(frozen=True)
class WriteRule:
    """Where a write names its target, and which id set the target must belong to."""

    location: str  # "body" or "query"
    name: str
    id_set: str  # "parents", "folders", "records", "links", "shares"


#: The PHP writes the SDK makes, by (method, path below the API base).
WRITE_RULES: dict[tuple[str, str], WriteRule] = {
    ("POST", "/folder/post"): WriteRule("body", "parentFolderId", "parents"),
    ("POST", "/record/getPresignedUrl"): WriteRule("body", "parentFolderId", "parents"),
    ("POST", "/record/registerRecord"): WriteRule("body", "parentFolderId", "parents"),
    ("DELETE", "/folder/delete"): WriteRule("query", "folderId", "folders"),
    ("DELETE", "/record/delete"): WriteRule("query", "recordId", "records"),
    ("POST", "/record/update"): WriteRule("body", "recordId", "records"),
    ("POST", "/share/generateShareLink"): WriteRule("body", "folderLinkId", "links"),
    ("POST", "/share/updateShareLink"): WriteRule("body", "shareByUrlId", "shares"),
}
#: Stela's share-link writes (the web app's sharing dialog): a link the run made, on an item the run made.
_STELA_SHARE_LINKS = "/share-links"
_STELA_SHARE_LINK = re.compile(r"/share-links/([^/?#]*)")
#: PHP routes that only read, whatever the method (a wrong method there is a harmless protocol probe).
READ_ROUTES = frozenset(
    {
        "/account/getAuthenticatedAccount",
        "/archive/getAllArchives",
        "/folder/getRoot",
        "/folder/getWithChildren",
        "/record/get",
    }
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class V1Field:
    """An id a v1 item names in one of its VOs, the id set it must belong to, and its requirement group.

    Every field present must be in its set; of the fields sharing a `group`, at least one must be present
    (a field with no group is optional).
    """

    vo: str
    name: str
    id_set: str
    group: str | None = None


def _moved(vo: str, id_name: str, id_set: str) -> tuple[V1Field, ...]:
    return (
        V1Field(vo, "folder_linkId", "links", "source"),
        V1Field(vo, id_name, id_set),
        V1Field("FolderDestVO", "folder_linkId", "links", "destination"),
    )


#: The v1 writes of the web app (path below the API base): where each item names its target (openapi/v1.yaml).
#: Copies read their source, but it must be in the sandbox too: nothing outside it is touched, even by a read
#: that a server could get wrong.
V1_WRITE_RULES: dict[str, tuple[V1Field, ...]] = {
    "/folder/post": (
        V1Field("FolderVO", "parentFolderId", "parents", "parent"),
        V1Field("FolderVO", "parentFolder_linkId", "links", "parent"),
    ),
    "/folder/update": (
        V1Field("FolderVO", "folderId", "folders", "folder"),
        V1Field("FolderVO", "folder_linkId", "links"),
    ),
    "/folder/move": _moved("FolderVO", "folderId", "folders"),
    "/folder/copy": _moved("FolderVO", "folderId", "folders"),
    "/record/move": _moved("RecordVO", "recordId", "records"),
    "/record/copy": _moved("RecordVO", "recordId", "records"),
    "/folder/delete": (
        V1Field("FolderVO", "folderId", "folders", "folder"),
        V1Field("FolderVO", "folder_linkId", "links"),
    ),
    "/record/delete": (
        V1Field("RecordVO", "recordId", "records", "record"),
        V1Field("RecordVO", "folder_linkId", "links"),
    ),
    "/record/getPresignedUrl": (
        V1Field("RecordVO", "parentFolderId", "parents", "parent"),
        V1Field("RecordVO", "parentFolder_linkId", "links"),
    ),
}
#: v1 calls that change nothing in an archive: sign-in and the session (its current archive), and reads.
V1_READ_ROUTES = frozenset(
    {
        "/auth/login",
        "/auth/verify",
        "/auth/loggedIn",
        "/auth/logout",
        "/account/get",
        "/archive/get",
        "/archive/getAllArchives",
        "/archive/change",
        "/folder/getRoot",
        "/folder/navigateLean",
        "/folder/navigateMin",
        "/record/get",
        "/notification/getMyNotifications",
        "/notification/getMyNotificationsSince",
    }
)
#: What a successful v1 write answers per item, and what the guard learns from it.
_V1_LEARNS: dict[str, tuple[str, str]] = {
    "/folder/post": ("FolderVO", "folder"),
    "/folder/copy": ("FolderVO", "folder"),
    "/record/copy": ("RecordVO", "record"),
}
_V1_DELETES: dict[str, tuple[str, str, str]] = {
    "/folder/delete": ("FolderVO", "folderId", "folder"),
    "/record/delete": ("RecordVO", "recordId", "record"),
}


@dataclass
class WriteGuard:
    """Track what the run created below the test folder; refuse (when enforcing) writes anywhere else."""

    api_url: str
    test_folder_id: int | None
    enforce: bool
    stela_url: str | None = None
    allow_mock_routes: bool = False
    created: list[Created] = field(default_factory=list)
    deleted: set[tuple[str, int]] = field(default_factory=set)
    _folders: set[int] = field(default_factory=set)
    _records: set[int] = field(default_factory=set)
    _links: set[int] = field(default_factory=set)
    _shares: set[int] = field(default_factory=set)

    def ids(self, id_set: str) -> set[int]:
        """The ids a write of a kind may target (`parents` also includes the test folder)."""
        if id_set == "parents":
            return self._folders | ({self.test_folder_id} if self.test_folder_id is not None else set())
        return {"folders": self._folders, "records": self._records, "links": self._links, "shares": self._shares}[
            id_set
        ]

    def _api_path(self, request: httpx.Request) -> str | None:
        """The path of a PHP request below the API base URL, or None for other hosts and Stela."""
        url = str(request.url.copy_with(query=None, fragment=None))
        base = self.api_url.rstrip("/")
        if self.stela_url and url.startswith(self.stela_url.rstrip("/") + "/"):
            return None
        return url[len(base) :] if url.startswith(base + "/") else None

    def check(self, request: httpx.Request) -> None:
        """Refuse a request that could write outside the test folder (a no-op unless enforcing).

        Raises:
            UnsafeRequest: the request is a write whose target is not the run's own.
        """
        if not self.enforce or request.method in READ_METHODS:
            return
        path = self._api_path(request)
        if path is not None and self._is_v1(request, path) and path in V1_READ_ROUTES:
            return  # the v1 reads are POSTs (READ_ROUTES below holds v2 paths a wrong method may probe)
        stela_path = self._stela_path(request)
        if stela_path is not None:
            self._check_stela(request, stela_path)
            return
        path = self._api_path(request)
        if path is None or path in READ_ROUTES:
            return  # FusionAuth, the upload target, downloads; or a wrong method on a read route
        if path == "/_mock/account" and self.allow_mock_routes:
            return
        items = _v1_items(request) if self._is_v1(request, path) else None
        if items is not None:
            self._check_v1(path, items)
            return
        # Not an envelope (v2, or a v1-dialect call without RequestVO): check what a v2 reading would name.
        rule = WRITE_RULES.get((request.method, path))
        if rule is None:
            raise UnsafeRequest(f"refusing {request.method} {path}: not a write the suite may make on this target")
        allowed = self.ids(rule.id_set)
        for value in _values_at(request, rule):
            target = id_candidate(value)
            if target is not None and target not in allowed:
                raise UnsafeRequest(
                    f"refusing {request.method} {path} with {rule.name}={value!r}: "
                    f"{target} is not the test folder or something this run created there"
                )

    def _stela_path(self, request: httpx.Request) -> str | None:
        """The path of a Stela request below the Stela base URL, or None for other hosts."""
        url = str(request.url.copy_with(query=None, fragment=None))
        base = (self.stela_url or "").rstrip("/")
        return url[len(base) :] if base and url.startswith(base + "/") else None

    def _check_stela(self, request: httpx.Request, path: str) -> None:
        """Allow only the share-link writes on the run's own items and links.

        Raises:
            UnsafeRequest: any other Stela write, or one naming an item or link the run did not make.
        """
        one_link = _STELA_SHARE_LINK.fullmatch(path)
        if request.method == "POST" and path == _STELA_SHARE_LINKS:
            body = _json_object(request)
            kinds = {"record": self._records, "folder": self._folders}
            kind = body.get("itemType")
            # Joi refuses any other itemType before Stela reads anything (share_link/validators.ts), so such a
            # body names no item.
            known = isinstance(kind, str) and kind in kinds
            allowed = kinds[str(kind)] if known else set()
            values = [body["itemId"]] if known and "itemId" in body else []
        elif request.method in ("PATCH", "DELETE") and one_link is not None:
            allowed, values = self._shares, [one_link.group(1)]
        else:
            raise UnsafeRequest(f"refusing {request.method} {request.url}: the suite writes to Stela only share links")
        for value in values:
            target = id_candidate(value)
            if target is not None and target not in allowed:
                raise UnsafeRequest(
                    f"refusing {request.method} Stela {path} naming {value!r}: not something this run created"
                )

    @staticmethod
    def _is_v1(request: httpx.Request, path: str) -> bool:
        """Tell whether a PHP request speaks the web app's v1 envelope (see `envelope.is_v1`)."""
        return is_v1(request.method, "/api" + path, request.headers.get("Request-Version"))

    def _check_v1(self, path: str, items: list[dict[str, object]]) -> None:
        """Refuse a v1 write unless every id every item names is the run's own; refuse unknown v1 calls.

        Raises:
            UnsafeRequest: the call is not a known v1 write, or an item names something outside the sandbox
                (or names nothing the guard can check).
        """
        rule = V1_WRITE_RULES.get(path)
        if rule is None:
            raise UnsafeRequest(f"refusing v1 POST {path}: not a v1 call the suite may make on this target")
        if not items:
            raise UnsafeRequest(f"refusing v1 POST {path}: RequestVO.data holds something other than items")
        for index, item in enumerate(items):
            present: set[str] = set()
            for spec in rule:
                vo = item.get(spec.vo)
                if not isinstance(vo, dict) or spec.name not in vo:
                    continue
                target = id_candidate(vo[spec.name])
                if target is None or target not in self.ids(spec.id_set):
                    raise UnsafeRequest(
                        f"refusing v1 POST {path}: item {index} names {spec.vo}.{spec.name}={vo[spec.name]!r}, "
                        "which is not the test folder or something this run created there"
                    )
                if spec.group is not None:
                    present.add(spec.group)
            missing = sorted({spec.group for spec in rule if spec.group is not None} - present)
            if missing:
                fields = [f"{spec.vo}.{spec.name}" for spec in rule if spec.group in missing]
                raise UnsafeRequest(
                    f"refusing v1 POST {path}: item {index} names none of {', '.join(fields)}, "
                    "so the guard cannot prove its target is in the sandbox"
                )

    def wants_answer(self, request: httpx.Request) -> bool:
        """Tell whether `observe` needs this request's answer (a write the guard knows)."""
        if request.method == "POST" and self._stela_path(request) == _STELA_SHARE_LINKS:
            return True
        path = self._api_path(request)
        if path is not None and self._is_v1(request, path) and path in V1_WRITE_RULES:
            return True
        return path is not None and (request.method, path) in WRITE_RULES

    def observe(self, request: httpx.Request, status: int, content: bytes) -> None:
        """Learn from a successful write what the run created or deleted."""
        if request.method == "POST" and self._stela_path(request) == _STELA_SHARE_LINKS:
            self._learn_stela_share(status, content)
            return
        path = self._api_path(request)
        if path is not None and self._is_v1(request, path) and _v1_items(request) is not None:
            if 200 <= status <= 299:
                self._observe_v1(request, path, content)
            return
        rule = WRITE_RULES.get((request.method, path or ""))
        if rule is None or not 200 <= status <= 299:
            return
        sent = [id_candidate(value) for value in _values_at(request, rule)]
        target = sent[0] if sent else None
        if request.method == "DELETE":
            if target is not None:
                self.deleted.add(("folder" if rule.id_set == "folders" else "record", target))
            return
        try:
            answer = json.loads(content)
        except ValueError:
            return
        if not isinstance(answer, dict):
            return
        if path == "/folder/post":
            self._learn("folder", answer.get("folderId"), answer.get("folder_linkId"), target)
        elif path == "/record/registerRecord":
            self._learn("record", answer.get("recordId"), answer.get("folder_linkId"), target)
        elif path == "/share/generateShareLink":
            self._learn("share", answer.get("shareby_urlId"), answer.get("folder_linkId"), None)

    def _observe_v1(self, request: httpx.Request, path: str, content: bytes) -> None:
        """Learn from a v1 answer, item by item: what folder/post and the copies created, what the deletes removed."""
        items = _v1_items(request) or []
        try:
            answer = json.loads(content)
        except ValueError:
            return
        results = answer.get("Results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            return
        for item, result in zip(items, results, strict=False):
            if not isinstance(result, dict) or result.get("status") is not True:
                continue
            if path in _V1_DELETES:
                vo_name, id_name, kind = _V1_DELETES[path]
                vo = item.get(vo_name)
                target = id_candidate(vo.get(id_name)) if isinstance(vo, dict) else None
                if target is not None:
                    self.deleted.add((kind, target))
            elif path in _V1_LEARNS:
                vo_name, kind = _V1_LEARNS[path]
                for element in result.get("data") or []:
                    made = element.get(vo_name) if isinstance(element, dict) else None
                    if isinstance(made, dict):
                        raw_id = made.get("folderId" if kind == "folder" else "recordId")
                        parent = id_candidate(made.get("parentFolderId"))
                        self._learn(kind, raw_id, made.get("folder_linkId"), parent)

    def _learn_stela_share(self, status: int, content: bytes) -> None:
        """Allow writes to a link Stela made on one of the run's items (`{"data": {id, itemId, itemType}}`)."""
        if not 200 <= status <= 299:
            return
        try:
            answer = json.loads(content)
        except ValueError:
            return
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            return
        link_id, item_id = id_candidate(data.get("id")), id_candidate(data.get("itemId"))
        own = self._records if data.get("itemType") == "record" else self._folders
        if link_id is not None and item_id is not None and item_id in own:
            self._shares.add(link_id)

    def _learn(self, kind: str, raw_id: object, raw_link: object, parent: int | None) -> None:
        """Record a created item and allow writes to it."""
        item_id, link_id = id_candidate(raw_id), id_candidate(raw_link)
        if item_id is None:
            return
        if kind == "share":
            if link_id is not None and link_id in self._links:
                self._shares.add(item_id)
            return
        {"folder": self._folders, "record": self._records}[kind].add(item_id)
        if link_id is not None:
            self._links.add(link_id)
        self.created.append(Created(kind, item_id, link_id, parent))

    def allow_folder(self, folder_id: int, link_id: int | None = None) -> None:
        """Allow writes below a folder the run did not create through this guard (e.g. a sandbox)."""
        self._folders.add(folder_id)
        if link_id is not None:
            self._links.add(link_id)


def _json_object(request: httpx.Request) -> dict[str, object]:
    """The request's JSON object body, or {} when it is none (the server cannot read a target from it)."""
    try:
        body = json.loads(request.content)
    except (ValueError, httpx.RequestNotRead):
        return {}
    return body if isinstance(body, dict) else {}


def _values_at(request: httpx.Request, rule: WriteRule) -> list[object]:
    """Every value the request sends for the rule's field (none when the body is not a JSON object)."""
    if rule.location == "query":
        return [value for name, value in parse_qsl(request.url.query.decode("ascii", "replace")) if name == rule.name]
    try:
        body = json.loads(request.content)
    except (ValueError, httpx.RequestNotRead):
        return []  # not JSON: the server cannot read a target from it
    if not isinstance(body, dict) or rule.name not in body:
        return []
    return [body[rule.name]]


def _v1_items(request: httpx.Request) -> list[dict[str, object]] | None:
    """The items of a v1 body; None when it holds no RequestVO, [] when its data is not items."""
    try:
        body = json.loads(request.content)
    except (ValueError, httpx.RequestNotRead):
        return None
    envelope = body.get("RequestVO") if isinstance(body, dict) else None
    if not isinstance(envelope, dict):
        return None
    data = envelope.get("data", [])
    if isinstance(data, dict):
        data = [data]
    if data is None or data == []:
        return [{}]  # one empty item: names nothing, so every required field is missing
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return []
    return data


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that rate-limits, lets the guard check every request, and shows it the answers."""

    def __init__(self, inner: httpx.BaseTransport, guard: WriteGuard, limiter: RateLimiter | None = None) -> None:
        self._inner = inner
        self._guard = guard
        self._limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request if the guard allows it."""
        if self._limiter is not None:
            self._limiter.wait()
        if self._guard.wants_answer(request):
            request.read()
        self._guard.check(request)
        response = self._inner.handle_request(request)
        if not self._guard.wants_answer(request):
            return response
        content = response.read()
        self._guard.observe(request, response.status_code, content)
        # A stream (not `content=`) so the client still reads and closes it, which sets `elapsed`.
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()


def cleanup_order(guard: WriteGuard) -> list[Created]:
    """Return what to delete at the end: items whose parent the run did not create (deleting those removes the rest)."""
    created_folders = {item.item_id for item in guard.created if item.kind == "folder"}
    roots = [item for item in guard.created if item.parent_id not in created_folders]
    return [item for item in reversed(roots) if (item.kind, item.item_id) not in guard.deleted]


def cleanup(
    guard: WriteGuard,
    delete_folder: Callable[[int], None],
    delete_record: Callable[[int], None],
    is_gone: Callable[[Exception], bool],
) -> list[str]:
    """Delete everything the run created (subtrees go with their folder) and return what could not be removed."""
    leftovers: list[str] = []
    for item in cleanup_order(guard):
        delete = delete_folder if item.kind == "folder" else delete_record
        try:
            delete(item.item_id)
        except Exception as exc:  # a cleanup must try every item, whatever one of them raises
            if not is_gone(exc):
                leftovers.append(f"{item.kind} {item.item_id}: {exc}")
    return leftovers


def describe(items: Iterable[Created]) -> str:
    """A short human list of created items."""
    return ", ".join(f"{item.kind} {item.item_id}" for item in items) or "nothing"
