"""Tests of contracts.specs: examples are found and checked against their schemas."""

from __future__ import annotations

from typing import Any

from contracts import specs

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
