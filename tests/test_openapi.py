"""Tests of the hand-written OpenAPI documents: Permanent's contract (openapi/openapi.yaml) and the control plane's.

Most checks run over both documents merged (the control plane's bundled, as the mock serves it).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_spec_validator import validate

from contracts import specs
from contracts.specs import escape_pointer_token, iter_examples
from mock_backend import spec
from tests.openapi_check import merged_documents

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml"
HTTP_METHODS = specs.HTTP_METHODS

#: Permanent's operations: the design brief's, the HEAD twin of the download route, what sftp-service calls.
CONTRACT_OPERATION_IDS = (
    specs.SDK_OPERATION_IDS
    | specs.WEB_APP_OPERATION_IDS
    | {
        "uploadPresignedPost",
        "downloadFile",
        "downloadFileHead",
        "stelaGetFoldersPlural",
        "stelaGetFolderChildrenPlural",
        "fusionAuthIntrospect",
        "updateRecord",
    }
)
#: The mock's own operations, in openapi/control.yaml.
CONTROL_OPERATION_IDS = {
    "mockHealth",
    "mockListDeletions",
    "mockUpdateAccount",
    "mockListFaults",
    "mockAddFault",
    "mockClearFaults",
    "mockRemoveFault",
    "getOpenApi",
    "getOpenApiV1",
    "mockGetControlOpenApi",
    "mockListScenarios",
    "mockReset",
    "mockListAccounts",
    "mockCreateAccount",
    "mockListRequests",
    "mockClearRequests",
    "mockDashboard",
    "mockDashboardArchive",
    "mockDashboardFolder",
    "mockDashboardJournal",
    "mockDashboardAudit",
    "mockDocs",
    "mockDocsAsset",
    "mockDashboardAsset",
    "mockLoginForm",
    "mockLogin",
}
EXPECTED_OPERATION_IDS = CONTRACT_OPERATION_IDS | CONTROL_OPERATION_IDS
#: Operations without any input, which therefore have no client error to document.
INPUTLESS_OPERATION_IDS = {
    "mockHealth",
    "getOpenApi",
    "getOpenApiV1",
    "mockGetControlOpenApi",
    "mockListFaults",
    "mockClearFaults",
    "mockListScenarios",
    "mockListAccounts",
    "mockClearRequests",
    "mockDashboard",
    "mockDocs",
    "mockLoginForm",
}
PHP_WRITE_OPERATION_IDS = {
    "postFolder",
    "deleteFolder",
    "getPresignedUrl",
    "registerRecord",
    "deleteRecord",
    "generateShareLink",
    "updateShareLink",
    "updateRecord",
}
PHP_POST_OPERATION_IDS = {
    "postFolder",
    "getPresignedUrl",
    "registerRecord",
    "updateRecord",
    "generateShareLink",
    "updateShareLink",
}
DUPLICATE_NAME_OPERATION_IDS = {"postFolder", "registerRecord"}


@functools.cache
def load_contract() -> dict[str, Any]:
    """Parse Permanent's contract with the safe YAML loader."""
    with SPEC_PATH.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


@functools.cache
def load_document() -> dict[str, Any]:
    """Both documents merged: the contract and the bundled control plane."""
    return merged_documents()


def iter_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (method, path, operation) for every operation in the contract."""
    for path, item in load_document()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method, path, item[method]


def operations_by_id() -> dict[str, dict[str, Any]]:
    """Map each operationId to its operation object."""
    return {operation["operationId"]: operation for _, _, operation in iter_operations()}


def php_operation_ids() -> list[str]:
    """Return the operationIds of the PHP API v2 routes."""
    return sorted(op["operationId"] for _, _, op in iter_operations() if "php" in op.get("tags", []))


def validator_for(schema_pointer: str) -> Draft202012Validator:
    """Build a Draft 2020-12 validator for the schema at `schema_pointer` of the contract."""
    return specs.validator_for(load_document(), schema_pointer)


def component_validator(name: str) -> Draft202012Validator:
    """Build a validator for one schema under components/schemas."""
    return validator_for(f"/components/schemas/{escape_pointer_token(name)}")


def is_json_error_response(response: dict[str, Any]) -> bool:
    """Tell whether a (resolved) response object declares application/json content with a schema."""
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = load_document()["components"]["responses"][name]
    return "schema" in response.get("content", {}).get("application/json", {})


def test_safe_load_contract_returns_openapi_31_document() -> None:
    """The contract parses with yaml.safe_load into an OpenAPI 3.1 document."""
    assert load_contract()["openapi"].startswith("3.1.")


def test_validate_contract_passes_openapi_spec_validator() -> None:
    """openapi-spec-validator accepts the contract."""
    validate(load_contract())


def test_validate_bundled_control_document_passes_openapi_spec_validator() -> None:
    """openapi-spec-validator accepts the control plane's document as served, which stands alone."""
    document = spec.load_control()
    validate(document)
    assert "openapi.yaml#" not in json.dumps(document)


def test_contract_lists_none_of_the_mocks_own_routes() -> None:
    """Permanent's contract holds no /_mock route (schemathesis runs of it never touch the mock's switches)."""
    paths = load_contract()["paths"]
    assert [p for p in paths if p.startswith("/_mock") or p == "/openapi.json"] == []


def test_control_document_lists_only_the_mocks_own_routes() -> None:
    """The control document holds /_mock routes and the two documents' routes, nothing of Permanent's."""
    paths = spec.load_control()["paths"]
    assert [p for p in paths if not (p.startswith("/_mock/") or p in ("/openapi.json", "/openapi-v1.json"))] == []


def test_v1_document_is_valid_openapi_and_stands_alone() -> None:
    """openapi/v1.yaml, bundled as served, is valid OpenAPI 3.1 with every $ref inside it."""
    document = spec.load_v1()
    validate(document)
    refs = [r for r in _refs(document) if not r.startswith("#/")]
    assert refs == []


def test_v1_document_lists_exactly_the_actions_the_mock_serves() -> None:
    """Every v1 action has its operation (a POST) in openapi/v1.yaml, and every operation an action."""
    from mock_backend.api.v1 import ACTIONS

    paths = spec.load_v1()["paths"]
    documented = {p.removeprefix("/api/") for p, item in paths.items() if set(item) == {"post"}}
    assert (documented, len(paths)) == (set(ACTIONS), len(ACTIONS))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_load_contract_with_schemathesis_finds_every_operation() -> None:
    """schemathesis loads the contract and sees one API operation per operationId."""
    import schemathesis
    from schemathesis.core.result import Ok

    results = list(schemathesis.openapi.from_path(str(SPEC_PATH)).get_all_operations())
    assert all(isinstance(result, Ok) for result in results)
    assert len(results) == len(CONTRACT_OPERATION_IDS)


def test_build_state_machine_with_contract_links_raises_nothing() -> None:
    """schemathesis accepts every OpenAPI link (target operation and parameters exist)."""
    import schemathesis

    schemathesis.openapi.from_path(str(SPEC_PATH)).as_state_machine()


def test_list_operation_ids_matches_the_brief() -> None:
    """The operationIds are exactly the actions the design brief names."""
    ids = [str(operation.get("operationId")) for _, _, operation in iter_operations()]
    assert sorted(ids) == sorted(EXPECTED_OPERATION_IDS)


@pytest.mark.parametrize(
    ("example_pointer", "schema_pointer", "value"),
    [pytest.param(*example, id=example[0]) for example in iter_examples(load_document())],
)
def test_example_in_contract_validates_against_its_schema(
    example_pointer: str, schema_pointer: str, value: Any
) -> None:
    """Every example in the contract is valid against the schema it illustrates."""
    errors = [error.message for error in validator_for(schema_pointer).iter_errors(value)]
    assert errors == [], example_pointer


def test_collect_examples_finds_one_per_main_schema() -> None:
    """The main response schemas each carry an example, so the example test covers them."""
    main = {
        "AccountVO",
        "ArchiveVO",
        "FolderVO",
        "RecordVO",
        "FileVO",
        "S3UploadVO",
        "ShareLinkVO",
        "StelaFolder",
        "StelaRecord",
        "StelaFile",
        "StelaFolderList",
        "StelaChildrenPage",
        "PhpError",
        "StelaError",
        "StelaValidationError",
        "FusionAuthLoginResponse",
        "FusionAuthTokenResponse",
        "DeletionItem",
    }
    with_example = {
        pointer.split("/")[3]
        for pointer, _, _ in iter_examples(load_document())
        if pointer.startswith("/components/schemas/") and pointer.count("/") == 4
    }
    assert main - with_example == set()


@pytest.mark.parametrize(("method", "path"), [pytest.param(m, p, id=f"{m} {p}") for m, p, _ in iter_operations()])
def test_operation_in_contract_has_operation_id(method: str, path: str) -> None:
    """Every operation names itself with an operationId."""
    assert load_document()["paths"][path][method].get("operationId")


#: Pages a person reads answer their errors as HTML pages (with the message key), not JSON: the dashboard's sign-in
#: form (a wrong token gets the form again), its pages with parameters and its (open) stylesheet and script.
HTML_FORM_OPERATION_IDS = {
    "mockLogin",
    "mockDashboardAsset",
    "mockDashboardArchive",
    "mockDashboardFolder",
    "mockDashboardJournal",
    "mockDashboardAudit",
}


@pytest.mark.parametrize(
    "operation_id", sorted(EXPECTED_OPERATION_IDS - INPUTLESS_OPERATION_IDS - HTML_FORM_OPERATION_IDS)
)
def test_operation_with_input_documents_json_4xx_response(operation_id: str) -> None:
    """Every operation that takes input documents a 4xx answer with a JSON error schema."""
    responses = operations_by_id()[operation_id]["responses"]
    assert any(status.startswith("4") and is_json_error_response(response) for status, response in responses.items())


@pytest.mark.parametrize("operation_id", sorted(INPUTLESS_OPERATION_IDS))
def test_inputless_operation_takes_no_parameters_or_body(operation_id: str) -> None:
    """The operations exempt from the 4xx rule indeed take no input that could be wrong."""
    operation = operations_by_id()[operation_id]
    assert "parameters" not in operation
    assert "requestBody" not in operation


@pytest.mark.parametrize("operation_id", php_operation_ids())
def test_php_operation_requires_request_version_2_header(operation_id: str) -> None:
    """Every PHP operation requires the `Request-Version: 2` header."""
    parameters = operations_by_id()[operation_id]["parameters"]
    assert {"$ref": "#/components/parameters/RequestVersion"} in parameters
    header = load_document()["components"]["parameters"]["RequestVersion"]
    assert (header["in"], header["required"], header["schema"]["enum"]) == ("header", True, ["2"])


@pytest.mark.parametrize("operation_id", php_operation_ids())
def test_php_operation_requires_bearer_token(operation_id: str) -> None:
    """Every PHP operation requires the bearer scheme, with no anonymous alternative."""
    assert operations_by_id()[operation_id]["security"] == [{"bearer": []}]


@pytest.mark.parametrize("operation_id", php_operation_ids())
def test_php_operation_documents_400_401_404(operation_id: str) -> None:
    """Every PHP operation documents the bad-input, unauthenticated and not-found answers."""
    assert {"400", "401", "404"} <= set(operations_by_id()[operation_id]["responses"])


@pytest.mark.parametrize("operation_id", sorted(PHP_WRITE_OPERATION_IDS))
def test_php_write_operation_documents_403(operation_id: str) -> None:
    """Every PHP write documents the role-too-low answer."""
    assert "403" in operations_by_id()[operation_id]["responses"]


@pytest.mark.parametrize("operation_id", sorted(PHP_POST_OPERATION_IDS))
def test_php_post_operation_documents_413(operation_id: str) -> None:
    """Every PHP POST documents the body-too-large answer."""
    assert "413" in operations_by_id()[operation_id]["responses"]


@pytest.mark.parametrize("operation_id", sorted(DUPLICATE_NAME_OPERATION_IDS))
def test_duplicate_name_operation_documents_409(operation_id: str) -> None:
    """The operations that take failOnDuplicateName document the conflict answer."""
    assert "409" in operations_by_id()[operation_id]["responses"]


@pytest.mark.parametrize(
    "operation_id",
    ["stelaGetFolders", "stelaGetFolderChildren", "stelaGetFoldersPlural", "stelaGetFolderChildrenPlural"],
)
def test_stela_operation_allows_anonymous_caller(operation_id: str) -> None:
    """Stela operations take an optional bearer token."""
    assert operations_by_id()[operation_id]["security"] == [{"bearer": []}, {}]


FOLDER_CHILD = {
    "folderId": 2,
    "folder_linkId": 2,
    "archiveId": 1,
    "archiveNbr": "0001-0002",
    "displayName": "Apps",
    "downloadName": "Apps",
    "type": "type.folder.root.app",
    "status": "status.generic.ok",
    "sort": "sort.alphabetical_asc",
    "view": "folder.view.grid",
    "ChildItemVOs": [],
    "createdDT": "2024-01-01T00:00:00",
    "updatedDT": "2024-01-01T00:00:00",
}
RECORD_CHILD = {
    "recordId": 7,
    "folder_linkId": 10,
    "archiveId": 1,
    "archiveNbr": "0001-000a",
    "displayName": "notes",
    "uploadFileName": "notes.txt",
    "downloadName": "notes.txt",
    "displayDT": "2024-01-01T00:00:00",
    "type": "type.record.document",
    "status": "status.generic.ok",
    "FileVOs": None,
    "createdDT": "2024-01-01T00:00:00",
    "updatedDT": "2024-01-01T00:00:00",
}

STELA_FOLDER_CHILD = {
    "folderId": "9",
    "folderLinkId": "9",
    "archiveId": 1,
    "archiveNumber": "0001-0009",
    "displayName": "Letters",
    "downloadName": "Letters",
    "size": 0,
    "type": "private",
    "status": "ok",
    "sort": "alphabetical-ascending",
    "view": "grid",
    "createdAt": "2024-01-01T00:00:00.000Z",
    "updatedAt": "2024-01-01T00:00:00.000Z",
    "displayTimestamp": None,
    "parentFolder": {"id": "6"},
    "itemType": "folder",
}


def folder_with(*children: dict[str, Any]) -> dict[str, Any]:
    """Return a folder like FOLDER_CHILD holding `children`."""
    return {**FOLDER_CHILD, "folderId": 1, "folder_linkId": 1, "ChildItemVOs": list(children)}


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        pytest.param("IdInput", "abc", id="id-letters"),
        pytest.param("IdInput", True, id="id-boolean"),
        pytest.param("IdInput", 0, id="id-zero"),
        pytest.param("IdInput", "-3", id="id-signed-string"),
        pytest.param("IdInput", "  ", id="id-blank-string"),
        pytest.param("IdInput", 1.5, id="id-fraction"),
        pytest.param("NonBlankString", "", id="name-empty"),
        pytest.param("NonBlankString", "   ", id="name-blank"),
        pytest.param("NonBlankString", "a\x00b", id="name-nul"),
        pytest.param("PhpTimestamp", "2024-01-01T00:00:00Z", id="php-timestamp-zone"),
        pytest.param("PhpTimestamp", "2024-01-01T00:00:00+00:00", id="php-timestamp-offset"),
        pytest.param("StelaTimestamp", "2024-01-01T00:00:00", id="stela-timestamp-naive"),
        pytest.param("StelaTimestamp", "2024-01-01 00:00:00Z", id="stela-timestamp-space"),
        pytest.param("FolderVO", folder_with({**FOLDER_CHILD, "recordId": None}), id="folder-child-with-recordId"),
        pytest.param("FolderVO", folder_with({**RECORD_CHILD, "folderId": None}), id="record-child-with-folderId"),
        pytest.param("FolderVO", folder_with({**FOLDER_CHILD, "ChildItemVOs": None}), id="folder-child-null-children"),
        pytest.param("FolderVO", folder_with({"foo": 1}), id="folder-child-foreign"),
        pytest.param("RecordVO", {**RECORD_CHILD, "displayDT": None}, id="record-null-displayDT"),
        pytest.param("StelaPagination", {"nextCursor": "5", "totalPages": 1}, id="cursor-without-next-page"),
        pytest.param("StelaPagination", {"totalPages": 1, "page": 2}, id="pagination-extra-key"),
        pytest.param("StelaFolderList", {"items": [], "pagination": {"totalPages": 0}}, id="folder-list-extra-key"),
        pytest.param(
            "StelaChildrenPage",
            {"items": [STELA_FOLDER_CHILD], "pagination": {"totalPages": 1}},
            id="non-empty-page-without-cursor",
        ),
        pytest.param("PhpError", {"message": "Folder not found"}, id="error-not-a-key"),
        pytest.param("ShareToggle", 2, id="toggle-two"),
    ],
)
def test_validate_known_bad_shape_is_rejected(schema: str, instance: Any) -> None:
    """Shapes the reference lists as traps, or the brief rules out, fail their schema."""
    assert not component_validator(schema).is_valid(instance)


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        pytest.param("IdInput", "189434", id="id-numeric-string"),
        pytest.param("IdInput", 42.0, id="id-integral-float"),
        pytest.param("IdInput", " 3 ", id="id-space-padded-string"),
        pytest.param("IdInput", "00000000000000030888", id="id-leading-zeros"),
        pytest.param("CountInput", 0, id="count-zero"),
        pytest.param("StelaId", "189434", id="stela-string-id"),
        pytest.param("StelaId", 189434, id="stela-integer-id"),
        pytest.param("StelaPagination", {"totalPages": 0}, id="empty-page-cursor-omitted"),
        pytest.param(
            "StelaPagination", {"nextCursor": None, "nextPage": None, "totalPages": 0}, id="empty-page-cursor-null"
        ),
        pytest.param("ShareToggle", 1, id="toggle-integer"),
        pytest.param("ShareToggle", True, id="toggle-boolean"),
        pytest.param("ShareToggle", None, id="toggle-null"),
        pytest.param("FolderVO", folder_with(FOLDER_CHILD, RECORD_CHILD), id="folder-mixed-children"),
    ],
)
def test_validate_quirk_shape_is_accepted(schema: str, instance: Any) -> None:
    """Shapes the quirks produce, with the switches on or off, pass their schema."""
    assert component_validator(schema).is_valid(instance)
