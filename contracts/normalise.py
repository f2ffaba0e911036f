"""Normalisation of recorded exchanges: stable placeholders for volatile values, and the JSON shape of a body."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
"""A decoded JSON document."""

#: Keys whose value is an id, and the kind of thing it identifies (placeholders are numbered per kind).
ID_KINDS: Mapping[str, str] = {
    "folderId": "folder",
    "parentFolderId": "folder",
    "folderIds[]": "folder",
    "folder_linkId": "link",
    "folderLinkId": "link",
    "folderLinkIds": "link",
    "pathAsFolder_linkId": "link",  # v1 breadcrumbs
    "parentFolderLinkId": "link",
    "parentFolder_linkId": "link",
    "nextCursor": "link",
    "cursor": "link",
    "recordId": "record",
    "fileId": "file",
    "parentFileId": "file",
    "archiveId": "archive",
    "byArchiveId": "archive",
    "defaultArchiveId": "archive",
    "accountId": "account",
    "byAccountId": "account",
    "uploadAccountId": "account",
    "uploadPayerAccountId": "account",
    "shareby_urlId": "share",
    "shareByUrlId": "share",
    "deletionId": "deletion",
    "deletedWithFolderLinkId": "link",
    "itemId": "item",
    # Stela's share links by id: the ids the answer's items carry (`id` under `items`), also in its nextPage.
    "shareLinkIds[]": "stela-item",
}
#: Keys of an `id` nested under these keys, and the kind it identifies.
NESTED_ID_KINDS: Mapping[str, str] = {
    "parentFolder": "folder",
    "archive": "archive",
    # Today's Stela repeats folderId / recordId as `id` on each item of a page or list.
    "items": "stela-item",
    # Stela's `{"data": …}` answers (share links) and the creator of a share link.
    "data": "stela-item",
    "creatorAccount": "account",
}
#: The key the elements of a bare top-level array are read under (Stela `GET /record` answers one).
ROOT_ITEMS = "items"
#: Keys whose value is an opaque generated string, numbered per key family.
TOKEN_KINDS: Mapping[str, str] = {
    "archiveNbr": "archiveNbr",
    "archiveNumber": "archiveNbr",
    "parentArchiveNbr": "archiveNbr",
    "pathAsArchiveNbr": "archiveNbr",
    "archiveNumbers": "archiveNbr",
    "archiveArchiveNumber": "archiveNbr",
    "parentFolderArchiveNumber": "archiveNbr",
    "urlToken": "urlToken",
    "metaToken": "metaToken",
    "key": "upload-key",
    "Key": "upload-key",
    "destinationUrl": "destination-url",
    "applicationId": "application",
    "client_id": "application",
}
#: Keys whose value is a secret: replaced outright, never numbered.
SECRET_KEYS = frozenset(
    {
        "password",
        "token",
        "access_token",
        "refresh_token",
        "refreshToken",
        "client_secret",
        "Authorization",
        "Policy",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "X-Amz-Security-Token",
        "csrf",  # the v1 envelope's per-session token, in every answer and echoed in every request
    }
)
#: Keys whose value is an e-mail address or login name (they differ between accounts and targets).
EMAIL_KEYS = frozenset({"primaryEmail", "email", "username", "loginId"})
#: Keys holding a time as a number (epoch seconds or milliseconds; FusionAuth's `*Instant` are milliseconds).
EPOCH_KEYS = frozenset(
    {
        "tokenExpirationInstant",
        "Expires",
        "insertInstant",
        "lastLoginInstant",
        "lastUpdateInstant",
        "passwordLastUpdateInstant",
    }
)
#: Keys holding a figure of the whole account that everything stored before changes (a real account's too).
ACCOUNT_FIGURE_KEYS = frozenset({"spaceLeft"})
#: Keys holding a human sentence: numbers in it (usually ids) become `<n>`.
SENTENCE_KEYS = frozenset({"detail", "error_description"})
#: Query parameters of signed URLs that change on every signing.
SIGNATURE_PARAMS = frozenset({"Signature", "Key-Pair-Id", "Expires", "t"})

RUN_ID_PATTERN = re.compile(r"\d{12}-[0-9a-f]{4}")
"""Shape of a run id (see `new_run_id`); any match in any string becomes `<run>`."""

_TIMESTAMP_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("php", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")),
    ("millis-z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")),
    ("z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")),
    ("offset", re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:?\d\d")),
    ("fraction", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+")),
    ("amz", re.compile(r"\d{8}T\d{6}Z")),
    ("date", re.compile(r"\d{4}-\d\d-\d\d")),
)
_JWT = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DIGITS = re.compile(r"[0-9]+")


def timestamp_format(value: str) -> str | None:
    """Name the timestamp format of a string (`php`, `millis-z`, `offset`, ...), or None if it is no timestamp."""
    for name, pattern in _TIMESTAMP_FORMATS:
        if pattern.fullmatch(value):
            return name
    return None


def json_type(value: object) -> str:
    """Name the JSON type of a value; strings that are timestamps carry their format (`string<ts:php>`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        found = timestamp_format(value)
        return f"string<ts:{found}>" if found else "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def shape(value: object, path: str = "$") -> dict[str, str]:
    """Return {JSON path: type} for every node; array items share the path `[]` and their types are merged."""
    found: dict[str, set[str]] = {}
    _collect_shape(value, path, found)
    return {key: "|".join(sorted(types)) for key, types in sorted(found.items())}


def _collect_shape(value: object, path: str, found: dict[str, set[str]]) -> None:
    """Add the type of `value` at `path`, and of everything below it, to `found`."""
    found.setdefault(path, set()).add(json_type(value))
    if isinstance(value, dict):
        for key, child in value.items():
            _collect_shape(child, f"{path}.{key}", found)
    elif isinstance(value, list):
        for child in value:
            _collect_shape(child, f"{path}[]", found)


def bytes_placeholder(content: bytes) -> str:
    """Describe a binary body by its length and digest, so equal bytes compare equal."""
    return f"<bytes:{len(content)}:{hashlib.sha256(content).hexdigest()[:16]}>"


class Normaliser:
    """Replace volatile values by placeholders that are stable within one scenario (`<id:folder:1>`).

    The same raw value of the same kind always gets the same placeholder, whether it appears in a
    request query, a request body or a response, so a snapshot still shows which response id a later
    request used. Numbering follows first appearance, so two runs of the same scenario agree.
    """

    def __init__(self, run_id: str | None = None) -> None:
        self._run_id = run_id
        self._numbers: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}

    def placeholder(self, kind: str, raw: object, prefix: str = "id") -> str:
        """Return the placeholder of a raw value of a kind, numbering new values in order of appearance."""
        key = (f"{prefix}:{kind}", str(raw))
        if key not in self._numbers:
            self._counts[key[0]] = self._counts.get(key[0], 0) + 1
            self._numbers[key] = self._counts[key[0]]
        return f"<{prefix}:{kind}:{self._numbers[key]}>"

    def value(self, value: object, key: str | None = None, parent: str | None = None) -> JsonValue:
        """Normalise a decoded JSON value found under `key` (inside an object found under `parent`)."""
        if isinstance(value, dict):
            return {str(name): self.value(child, str(name), key) for name, child in value.items()}
        if isinstance(value, list):
            # A bare top-level array holds items, so their `id` is an item id as under `items`.
            element_key = ROOT_ITEMS if key is None and parent is None else key
            return [self.value(child, element_key, parent) for child in value]
        if value is None or isinstance(value, bool):
            return value
        if not isinstance(value, int | float | str):
            raise TypeError(f"not a JSON value: {type(value).__name__}")
        return self._scalar(value, key, parent)

    def _scalar(self, value: int | float | str, key: str | None, parent: str | None) -> JsonValue:
        """Normalise a number or string by what its key says it is, else by what it looks like."""
        kind = self._id_kind(key, parent)
        key = key or ""
        if kind is not None and _is_id_like(value):
            return self.placeholder(kind, value)
        if key in SECRET_KEYS:
            return "<jwt>" if isinstance(value, str) and _JWT.fullmatch(value) else "<secret>"
        if key in EPOCH_KEYS:
            return "<epoch>"
        if key in ACCOUNT_FIGURE_KEYS and isinstance(value, int | float):
            return "<figure>"
        if isinstance(value, int | float):
            return value
        if key in EMAIL_KEYS:
            return self.placeholder("email", value, prefix="name")
        if key in TOKEN_KINDS:
            return self.placeholder(TOKEN_KINDS[key], value, prefix="token")
        if key in SENTENCE_KEYS:
            return _DIGITS.sub("<n>", self.scrub_run_id(value))
        return self.text(value)

    def _id_kind(self, key: str | None, parent: str | None) -> str | None:
        """Return the id kind of a key (an `id` takes the kind of its parent key), or None."""
        if key == "id" and parent is not None:
            return NESTED_ID_KINDS.get(parent)
        return None if key is None else ID_KINDS.get(key)

    def text(self, value: str) -> str:
        """Normalise a free string: timestamps, JWTs, URLs, share tokens, UUIDs and run ids."""
        found = timestamp_format(value)
        if found is not None:
            return f"<ts:{found}>"
        if _JWT.fullmatch(value):
            return "<jwt>"
        if value.startswith(("http://", "https://")):
            return self.url(value)
        if _HEX64.fullmatch(value):
            return self.placeholder("urlToken", value, prefix="token")
        if _UUID.fullmatch(value):
            return self.placeholder("uuid", value.lower(), prefix="token")
        return self.scrub_run_id(value)

    def scrub_run_id(self, value: str) -> str:
        """Replace the run id (and anything shaped like one) by `<run>`."""
        if self._run_id:
            value = value.replace(self._run_id, "<run>")
        return RUN_ID_PATTERN.sub("<run>", value)

    def url(self, url: str) -> str:
        """Normalise a URL: the origin becomes `<origin>`, ids in its path and query become placeholders."""
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(name == "Signature" for name, _ in query):
            # Everything in a signed URL changes at each signing except the form of its path, which tells a
            # mock's `/cdn/files/n` from Permanent's CloudFront `/originals/n/n`: keep that, digits hidden.
            return f"<signed-url:{_DIGITS.sub('n', parts.path)}>"
        segments = parts.path.split("/")
        for index, segment in enumerate(segments):
            previous = segments[index - 1] if index else ""
            if _DIGITS.fullmatch(segment) and previous in ("folder", "folders"):
                segments[index] = self.placeholder("folder", segment)
            elif _DIGITS.fullmatch(segment) and previous == "files":
                segments[index] = self.placeholder("file", segment)
            elif _HEX64.fullmatch(segment):
                segments[index] = self.placeholder("urlToken", segment, prefix="token")
            else:
                segments[index] = self.scrub_run_id(segment)
        pairs = [(name, self.query_value(name, raw)) for name, raw in query]
        rebuilt = "<origin>" + "/".join(segments)
        return f"{rebuilt}?{urlencode(pairs, safe='<>:')}" if pairs else rebuilt

    def query_value(self, name: str, raw: str) -> str:
        """Normalise one query parameter value."""
        if name in SIGNATURE_PARAMS:
            return f"<{name}>"
        kind = ID_KINDS.get(name)
        if kind is not None and _is_id_like(raw):
            return self.placeholder(kind, raw)
        return self.text(raw)

    def query(self, pairs: list[tuple[str, str]]) -> dict[str, JsonValue]:
        """Normalise a query string given as (name, value) pairs; repeated names become lists."""
        result: dict[str, JsonValue] = {}
        for name, raw in pairs:
            value = self.query_value(name, raw)
            existing = result.get(name)
            if existing is None:
                result[name] = value
            elif isinstance(existing, list):
                existing.append(value)
            else:
                result[name] = [existing, value]
        return result

    def path(self, path: str) -> str:
        """Normalise a URL path (no origin) with the same rules as `url`."""
        return self.url("http://host" + path).removeprefix("<origin>")


def _is_id_like(value: object) -> bool:
    """Tell whether a value can be an id: a positive integer or a string of digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    if isinstance(value, float):
        return value.is_integer() and value > 0
    return isinstance(value, str) and _DIGITS.fullmatch(value.strip()) is not None
