"""Check every response the tests receive from the mock against the OpenAPI contract.

`check_response(method, path, status, content_type, body)` finds the operation by method and path
template, requires the status to be documented for it, requires the Content-Type to be one the
response declares, and validates a JSON body with JSON Schema Draft 2020-12, resolving `$ref`s
against the whole document (the schema is reached as `urn:permanent-mock:openapi#<pointer>`).
Binary bodies (the download route) are checked for status and content type only; a response
declared without content must have an empty body.

Two kinds of answers lie outside the operations and are held to a fixed rule instead:

* a path or method the contract does not list must be answered 404 or 405 with the JSON error
  body of its prefix (`PhpError`, or `StelaError` under `/api/v2/`): the mock never answers HTML;
* CORS preflights (`OPTIONS`) are answered by flask-cors for every route and are not part of the
  contract; they must have an empty body.

A mismatch raises `ContractViolation` (an AssertionError) naming the operation, the schema path
and the offending instance, so the test that received the response fails.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from mock_backend import spec
from mock_backend.wire import envelope

SPEC_URI = "urn:permanent-mock:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PART = re.compile(r"\{[^/{}]+\}")
_SHOWN_CHARS = 1500


class ContractViolation(AssertionError):
    """A response of the mock that the OpenAPI contract does not allow."""


@dataclass(frozen=True)
class Operation:
    """One operation of the contract and where it sits in the document."""

    method: str
    template: str
    pointer: str
    pattern: re.Pattern[str]
    literal: bool


def _escape(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _shorten(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + f"… ({len(text)} chars)"


def _clip(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def _pointers(node: Any, pointer: str = "", found: dict[int, str] | None = None) -> dict[int, str]:
    """Map the id of every object in the document to its JSON Pointer (first one wins for YAML aliases)."""
    found = {} if found is None else found
    if isinstance(node, dict):
        found.setdefault(id(node), pointer)
        for key, child in node.items():
            _pointers(child, f"{pointer}/{_escape(str(key))}", found)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _pointers(child, f"{pointer}/{index}", found)
    return found


def _describe(error: ValidationError, pointers: Mapping[int, str]) -> str:
    """Explain a validation error: where in the instance, which schema rule (located in the document), what value."""
    located = pointers.get(id(error.schema))
    rule_at = f"#{located}/{error.validator}" if located is not None else "(outside the document)"
    lines = [
        f"  at instance path {error.json_path}",
        f"  failing rule: {rule_at}",
        f"  schema path from the response schema: {'/'.join(str(part) for part in error.absolute_schema_path)}",
        f"  rule: {_clip(error.message)}",
        f"  offending instance: {_shorten(error.instance)}",
    ]
    if error.context:
        # oneOf/anyOf: say why each alternative failed.
        by_alternative: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            by_alternative.setdefault(sub.relative_schema_path[0], []).append(sub)
        for alternative, subs in sorted(by_alternative.items(), key=lambda pair: str(pair[0])):
            closest = best_match(subs)
            lines.append(
                f"  alternative {alternative} failed at {closest.json_path}: "
                f"#{pointers.get(id(closest.schema))}/{closest.validator}: {_clip(closest.message)}"
            )
    return "\n".join(lines)


class ContractChecker:
    """The contract, indexed by method and path template, with one cached validator per schema."""

    def __init__(
        self, document: Mapping[str, Any], unrouted: str | None = None, unrouted_status: int | None = None
    ) -> None:
        self._document = document
        #: The schema and status of an unrouted request's answer (None: PHP's or Stela's error, 404 or 405).
        self._unrouted = unrouted
        self._unrouted_status = unrouted_status
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(document))
        self._resolver = self._registry.resolver(base_uri=SPEC_URI)
        self._validators: dict[str, Draft202012Validator] = {}
        self._pointers = _pointers(document)
        self._operations: list[Operation] = []
        for template, item in document["paths"].items():
            regex = _TEMPLATE_PART.sub("[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
            for method in HTTP_METHODS:
                if method in item:
                    self._operations.append(
                        Operation(
                            method=method.upper(),
                            template=template,
                            pointer=f"/paths/{_escape(template)}/{method}",
                            pattern=re.compile(f"^{regex}$"),
                            literal="{" not in template,
                        )
                    )

    @property
    def operations(self) -> list[Operation]:
        """Every operation of the contract."""
        return list(self._operations)

    def find(self, method: str, path: str) -> tuple[Operation | None, bool]:
        """Return (the operation for method and path, whether the path is in the contract at all)."""
        matching = [op for op in self._operations if op.pattern.match(path)]
        # A literal path wins over a template that happens to match it.
        matching.sort(key=lambda op: not op.literal)
        for op in matching:
            if op.method == method.upper():
                return op, True
        return None, bool(matching)

    def _lookup(self, pointer: str) -> Any:
        return self._resolver.lookup(f"{SPEC_URI}#{quote(pointer, safe='/~')}").contents

    def validator(self, pointer: str) -> Draft202012Validator:
        """Return a validator for the schema at `pointer` in the document."""
        if pointer not in self._validators:
            reference = f"{SPEC_URI}#{quote(pointer, safe='/~')}"
            self._validators[pointer] = Draft202012Validator({"$ref": reference}, registry=self._registry)
        return self._validators[pointer]

    def _response(self, op: Operation, status: int) -> tuple[str, dict[str, Any]] | None:
        """Return (pointer, response object) documented for a status, following a `$ref`."""
        responses = self._lookup(f"{op.pointer}/responses")
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                pointer = f"{op.pointer}/responses/{_escape(key)}"
                response = responses[key]
                while "$ref" in response:
                    pointer = response["$ref"].lstrip("#")
                    response = self._lookup(pointer)
                return pointer, response
        return None

    def _validate_json(self, where: str, pointer: str, body: bytes) -> None:
        try:
            instance = json.loads(body)
        except ValueError as exc:
            raise ContractViolation(f"{where}: the body is not JSON ({exc}): {body[:300]!r}") from None
        errors = list(self.validator(pointer).iter_errors(instance))
        if errors:
            error = best_match(errors)
            raise ContractViolation(
                f"{where}: the JSON body does not match the schema at #{pointer}\n{_describe(error, self._pointers)}\n"
                f"  ({len(errors)} error(s) in all; whole body: {_shorten(instance)})"
            )

    def check(self, method: str, path: str, status: int, content_type: str | None, body: bytes) -> None:
        """Raise ContractViolation unless the contract allows this response.

        Raises:
            ContractViolation: undocumented route or status, wrong content type, or a body off its schema.
        """
        method = method.upper()
        where = f"{method} {path} -> {status}"
        mimetype = (content_type or "").split(";", 1)[0].strip().lower()
        if method == "OPTIONS":
            if body:
                raise ContractViolation(f"{where}: a CORS preflight answered a body: {body[:300]!r}")
            return
        op, path_known = self.find(method, path)
        if op is None:
            self._check_unrouted(where, path, status, path_known, mimetype, body)
            return
        where = f"{where} (operation {self._lookup(op.pointer).get('operationId', op.template)})"
        found = self._response(op, status)
        if found is None:
            documented = sorted(self._lookup(f"{op.pointer}/responses"))
            raise ContractViolation(
                f"{where}: status {status} is not documented (documented: {', '.join(documented)}); "
                f"body: {body[:500]!r}"
            )
        pointer, response = found
        content: dict[str, Any] = response.get("content") or {}
        if not content:
            if body:
                raise ContractViolation(f"{where}: the response is documented without a body, got {body[:300]!r}")
            return
        media = self._media_type(where, content, mimetype)
        if method == "HEAD" and not body:
            return  # HEAD answers the GET's headers without its body
        media_object = content[media] or {}
        if "schema" in media_object and (media == "application/json" or media.endswith("+json")):
            self._validate_json(where, f"{pointer}/content/{_escape(media)}/schema", body)

    @staticmethod
    def _media_type(where: str, content: Mapping[str, Any], mimetype: str) -> str:
        for media in content:
            kind, _, sub = media.lower().partition("/")
            got_kind = mimetype.partition("/")[0]
            if media.lower() == mimetype or (kind in ("*", got_kind) and sub == "*"):
                return media
        raise ContractViolation(
            f"{where}: Content-Type {mimetype or '(none)'!r} is not documented (documented: {', '.join(content)})"
        )

    def _check_unrouted(self, where: str, path: str, status: int, path_known: bool, mimetype: str, body: bytes) -> None:
        expected = self._unrouted_status or (405 if path_known else 404)
        if status != expected:
            what = "method" if path_known else "path"
            raise ContractViolation(
                f"{where}: the contract does not list this {what}; the mock must answer {expected}, got {status}"
            )
        if mimetype != "application/json":
            raise ContractViolation(f"{where}: an unrouted request must be answered with JSON, got {mimetype!r}")
        schema = self._unrouted or ("StelaError" if path.startswith("/api/v2/") else "PhpError")
        self._validate_json(where, f"/components/schemas/{schema}", body)


@functools.cache
def checker() -> ContractChecker:
    """Return the checker of both documents the mock serves: Permanent's contract and its control plane."""
    return ContractChecker(merged_documents())


@functools.cache
def v1_checker() -> ContractChecker:
    """Return the checker of the v1 envelope's document (the web app's calls; openapi/v1.yaml)."""
    # A v1 call the mock does not serve is answered like a business failure (200, error.api.not_found).
    return ContractChecker(spec.load_v1(), unrouted="FailedResponseVO", unrouted_status=200)


def merged_documents() -> dict[str, Any]:
    """Return Permanent's contract with the (bundled) control plane's paths and components added."""
    return spec.load_merged()


def check_response(
    method: str, path: str, status: int, content_type: str | None, body: bytes, version: str | None = "2"
) -> None:
    """Check one response against the document of its dialect (`version`: the request's Request-Version)."""
    chosen = v1_checker() if envelope.is_v1(method.upper(), path, version) else checker()
    chosen.check(method, path, status, content_type, body)


class ContractClient(FlaskClient):
    """A Flask test client that checks every response against the contract before returning it."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request (buffered, so file responses are read and closed), then check the response."""
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        request = response.request
        check_response(
            request.method,
            request.path,
            response.status_code,
            response.content_type,
            response.get_data(),
            request.headers.get("Request-Version"),
        )
        return response


def check_httpx_response(response: httpx.Response) -> None:
    """An httpx response hook that checks a live server's answers against the contract."""
    response.read()
    check_response(
        response.request.method,
        response.request.url.path,
        response.status_code,
        response.headers.get("content-type"),
        response.content,
        response.request.headers.get("Request-Version"),
    )
