"""Tests of tests/openapi_check.py: the contract check that every mock response in the tests goes through."""

from __future__ import annotations

import json

import pytest
from flask import Flask, Response, jsonify

from tests.openapi_check import ContractClient, ContractViolation, check_response

PHP_ERROR = json.dumps({"message": "error.folder.lookup", "detail": "no such folder"}).encode()


def test_check_documented_response_passes() -> None:
    """A documented status with a body that fits its schema passes."""
    check_response("GET", "/_mock/health", 200, "application/json", b'{"status": "ok"}')


def test_check_undocumented_status_fails_naming_the_operation() -> None:
    """A status the operation does not document fails, naming the operation."""
    with pytest.raises(ContractViolation, match=r"mockHealth.*status 500 is not documented"):
        check_response("GET", "/_mock/health", 500, "application/json", b'{"message": "error.generic.internal"}')


def test_check_body_off_schema_fails_with_rule_and_instance() -> None:
    """A body that breaks its schema fails with the instance path, the rule's place in the document and the value."""
    with pytest.raises(ContractViolation) as caught:
        check_response("GET", "/_mock/health", 200, "application/json", b'{"status": "sick"}')
    text = str(caught.value)
    assert ("$.status" in text, "#/components/schemas/Health/properties/status/const" in text, '"sick"' in text) == (
        True,
        True,
        True,
    )


def test_check_refs_in_responses_are_followed() -> None:
    """A response given as a $ref (PhpNotFound) is resolved and its schema enforced."""
    body = json.dumps({"message": "error.generic.internal"}).encode()
    with pytest.raises(ContractViolation, match="enum"):
        check_response("GET", "/api/folder/getRoot", 404, "application/json", body)


def test_check_template_path_matches_operation() -> None:
    """Paths with parameters find their templated operation."""
    body = json.dumps({"error": '"pageSize" is required'}).encode()
    check_response("GET", "/api/v2/folder/12/children", 400, "application/json", body)


def test_check_undocumented_content_type_fails() -> None:
    """A JSON operation answered with HTML fails."""
    with pytest.raises(ContractViolation, match="Content-Type 'text/html'"):
        check_response("GET", "/_mock/health", 200, "text/html", b"<p>ok</p>")


def test_check_body_on_bodyless_response_fails() -> None:
    """A response documented without content must have an empty body."""
    with pytest.raises(ContractViolation, match="without a body"):
        check_response("DELETE", "/api/folder/delete", 200, "application/json", b"{}")


def test_check_unrouted_path_must_be_json_404() -> None:
    """A path outside the contract may only answer 404 with a JSON error body."""
    check_response("GET", "/nowhere", 404, "application/json", PHP_ERROR)
    with pytest.raises(ContractViolation, match="must answer 404"):
        check_response("GET", "/nowhere", 200, "application/json", b"{}")


def test_check_wrong_method_must_be_405() -> None:
    """A method the contract does not list for a known path may only answer 405."""
    with pytest.raises(ContractViolation, match="must answer 405"):
        check_response("PUT", "/api/folder/post", 404, "application/json", PHP_ERROR)


def test_check_preflight_with_body_fails() -> None:
    """A CORS preflight (OPTIONS) must not carry a body."""
    with pytest.raises(ContractViolation, match="preflight"):
        check_response("OPTIONS", "/api/folder/post", 400, "application/json", PHP_ERROR)


def test_contract_client_checks_every_response() -> None:
    """The test client class the fixtures install fails a request whose response breaks the contract."""
    app = Flask("off-contract")
    app.test_client_class = ContractClient

    @app.get("/_mock/health")
    def health() -> Response:
        return jsonify({"status": "down"})

    with pytest.raises(ContractViolation, match="Health"):
        app.test_client().get("/_mock/health")
