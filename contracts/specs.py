"""Checks of an OpenAPI document as a target serves it: structural validity and examples against their schemas."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:permanent-contracts:served-openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The operations @permanentorg/sdk and sftp-service call: any target's contract must describe them.
SDK_OPERATION_IDS = frozenset(
    {
        "getAuthenticatedAccount",
        "getAllArchives",
        "getRoot",
        "getWithChildren",
        "postFolder",
        "deleteFolder",
        "getRecord",
        "getPresignedUrl",
        "registerRecord",
        "deleteRecord",
        "generateShareLink",
        "updateShareLink",
        "stelaGetFolders",
        "stelaGetFolderChildren",
        "fusionAuthLogin",
        "fusionAuthToken",
    }
)
#: The Stela calls of the web app's core screens (record viewer, sharing dialog; web-app @ 4435d45).
WEB_APP_OPERATION_IDS = frozenset(
    {
        "stelaGetRecords",
        "stelaGetRecordShareLinks",
        "stelaGetFolderShareLinks",
        "stelaGetShareLinks",
        "stelaCreateShareLink",
        "stelaUpdateShareLink",
        "stelaDeleteShareLink",
    }
)


def validate_document(document: Mapping[str, Any]) -> None:
    """Validate an OpenAPI document with openapi-spec-validator.

    Raises:
        openapi_spec_validator.validation.exceptions.OpenAPIValidationError: the document is invalid.
    """
    validate(dict(document))


def escape_pointer_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def iter_examples(node: object, pointer: str = "") -> Iterator[tuple[str, str, object]]:
    """Yield (example pointer, schema pointer, example value) for every example in an OpenAPI document.

    An example under a parameter, header or media type illustrates its `schema`; an example inside a
    schema illustrates that schema.
    """
    if isinstance(node, list):
        for index, child in enumerate(node):
            yield from iter_examples(child, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("schema"), dict):
        schema_pointer = f"{pointer}/schema"
        if "example" in node:
            yield f"{pointer}/example", schema_pointer, node["example"]
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, example in examples.items():
                if isinstance(example, dict) and "value" in example:
                    yield f"{pointer}/examples/{escape_pointer_token(name)}", schema_pointer, example["value"]
    else:
        if "example" in node:
            yield f"{pointer}/example", pointer, node["example"]
        if isinstance(node.get("examples"), list):
            for index, example in enumerate(node["examples"]):
                yield f"{pointer}/examples/{index}", pointer, example
    for key, child in node.items():
        if key not in ("example", "examples"):
            yield from iter_examples(child, f"{pointer}/{escape_pointer_token(str(key))}")


def validator_for(document: Mapping[str, Any], schema_pointer: str) -> Draft202012Validator:
    """Build a Draft 2020-12 validator for the schema at a pointer, resolving `$ref`s inside the document."""
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(dict(document)))
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{quote(schema_pointer, safe='/~')}"}, registry=registry)


def example_errors(document: Mapping[str, Any]) -> list[str]:
    """Return one line per example that fails its schema (empty when every example is valid)."""
    errors: list[str] = []
    for example_pointer, schema_pointer, value in iter_examples(document):
        for error in validator_for(document, schema_pointer).iter_errors(value):
            errors.append(f"{example_pointer}: {error.message} (schema {schema_pointer})")
    return errors


def operation_ids(document: Mapping[str, Any]) -> list[str]:
    """Return the operationIds of a document in path order."""
    found: list[str] = []
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "operationId" in operation:
                found.append(str(operation["operationId"]))
    return found


def operations(document: Mapping[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Map each operationId to (method, path, operation object)."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "operationId" in operation:
                found[str(operation["operationId"])] = (method.upper(), str(path), operation)
    return found


def response_schema_pointer(document: Mapping[str, Any], path: str, method: str, status: int) -> str | None:
    """The pointer of the JSON schema an operation documents for a status (following a `$ref`d response)."""
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if not isinstance(operation, dict):
        return None
    responses = operation.get("responses", {})
    key = str(status) if str(status) in responses else "default" if "default" in responses else None
    if key is None:
        return None
    pointer = f"/paths/{escape_pointer_token(path)}/{method.lower()}/responses/{key}"
    response = responses[key]
    ref = response.get("$ref") if isinstance(response, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        pointer = ref[1:]
        response = document
        for token in pointer.strip("/").split("/"):
            response = response[token.replace("~1", "/").replace("~0", "~")]
    if not isinstance(response, dict) or "application/json" not in response.get("content", {}):
        return None
    return f"{pointer}/content/{escape_pointer_token('application/json')}/schema"


def answer_errors(document: Mapping[str, Any], method: str, path: str, status: int, body: object) -> list[str]:
    """Return one line per way an answer breaks its operation's documented response (empty when it conforms)."""
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if not isinstance(operation, dict):
        return [f"{method} {path}: not an operation of the document"]
    pointer = response_schema_pointer(document, path, method, status)
    if pointer is None:
        return [f"{method} {path}: HTTP {status} is not a documented JSON answer"]
    return [
        f"{method} {path} HTTP {status}: {error.message[:200]} at {error.json_path}"
        for error in validator_for(document, pointer).iter_errors(body)
    ]


def v1_dialect_errors(document: Mapping[str, Any], path: str, status: int, body: object) -> list[str]:
    """Check an answer to a POST sent in the v1 dialect (no `Request-Version: 2`) against the v1 document.

    A path the v1 document lists is held to its operation; any other path is an action the envelope does not
    serve, which must be refused with a failed ResponseVO: 200 like any failure of the dialect (the web app
    crashes on other statuses), or 400 when the body is no RequestVO either (the body is read first) — never
    a 5xx, never a v2 body.
    """
    if status >= 500:
        return [f"POST {path} (v1): HTTP {status} is a server error"]
    if isinstance(document.get("paths", {}).get(path), dict):
        return answer_errors(document, "POST", path, status, body)
    if status not in (200, 400):
        return [f"POST {path} (v1): an action the envelope does not serve must answer 200 (or 400), got {status}"]
    return [
        f"POST {path} (v1) HTTP {status}: {error.message[:200]} at {error.json_path}"
        for error in validator_for(document, "/components/schemas/FailedResponseVO").iter_errors(body)
    ]
