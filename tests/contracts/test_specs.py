"""Tests of contracts.specs: examples are found and checked against their schemas."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import specs
from mock_backend.spec import load_v1

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/a": {
            "get": {
                "operationId": "getA",
                "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer"}, "example": "x"}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/A"},
                                "examples": {"good": {"value": {"id": 1}}, "bad": {"value": {"id": "1"}}},
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"A": {"type": "object", "properties": {"id": {"type": "integer"}}, "example": {"id": 2}}}
    },
}


def test_iter_examples_finds_parameter_media_type_and_schema_examples() -> None:
    """Examples under parameters, media types and schemas are all found, each with its schema."""
    found = {pointer: schema for pointer, schema, _ in specs.iter_examples(DOCUMENT)}
    assert found == {
        "/paths/~1a/get/parameters/0/example": "/paths/~1a/get/parameters/0/schema",
        "/paths/~1a/get/responses/200/content/application~1json/examples/good": (
            "/paths/~1a/get/responses/200/content/application~1json/schema"
        ),
        "/paths/~1a/get/responses/200/content/application~1json/examples/bad": (
            "/paths/~1a/get/responses/200/content/application~1json/schema"
        ),
        "/components/schemas/A/example": "/components/schemas/A",
    }


def test_example_errors_names_each_bad_example() -> None:
    """Each example that fails its schema gives one line naming it."""
    errors = specs.example_errors(DOCUMENT)
    assert len(errors) == 2
    assert any(line.startswith("/paths/~1a/get/parameters/0/example") for line in errors)
    assert any("examples/bad" in line for line in errors)


def test_operation_ids_in_path_order() -> None:
    """operationIds are listed as the paths declare them."""
    assert specs.operation_ids(DOCUMENT) == ["getA"]
    assert specs.operations(DOCUMENT)["getA"][:2] == ("GET", "/a")


V1_FAILED = {
    "Results": [{"data": None, "message": ["error.api.invalid_request"], "status": False}],
    "isSuccessful": False,
    "actionFailKeys": [0],
    "isSystemUp": True,
    "csrf": "0" * 32,
}


@pytest.mark.parametrize(
    ("path", "status", "body", "expected"),
    [
        pytest.param("/api/folder/post", 200, V1_FAILED, [], id="documented-failure"),
        pytest.param("/api/folder/post", 200, {**V1_FAILED, "csrf": None}, ["csrf"], id="csrf-null"),
        pytest.param("/api/folder/post", 409, V1_FAILED, ["409 is not a documented"], id="undocumented-status"),
        pytest.param("/api/record/registerRecord", 200, V1_FAILED, [], id="unserved-action-200"),
        pytest.param("/api/record/registerRecord", 404, V1_FAILED, ["must answer 200"], id="unserved-action-404"),
        pytest.param("/api/record/registerRecord", 400, V1_FAILED, [], id="unserved-action-400"),
        pytest.param(
            "/api/record/registerRecord", 200, {"recordId": 1}, ["'Results' is a required"], id="unserved-as-v2"
        ),
        pytest.param("/api/folder/post", 500, V1_FAILED, ["server error"], id="server-error"),
    ],
)
def test_v1_dialect_errors_hold_answers_to_the_v1_document(
    path: str, status: int, body: object, expected: list[str]
) -> None:
    """A v1 answer is checked against its operation; an unserved action must be a failed ResponseVO 200 (or 400)."""
    found = specs.v1_dialect_errors(load_v1(), path, status, body)
    assert [any(part in line for line in found) for part in expected] == [True] * len(expected)
    assert bool(found) == bool(expected)
