"""Layer 2: schemathesis sends positive and negative data to every operation, and follows the contract's links.

In-process targets are fuzzed on a fresh app of the same variant, so random writes cannot disturb the
scenarios. URL targets get read operations (positive and negative) and negative data for writes only;
every id a write names is first pointed at a sandbox folder of this run, and the write guard refuses
anything else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from contracts import specs
from contracts.safety import id_candidate, retarget
from contracts.sdk import Folder, PermanentClient
from contracts.sdk.wire.envelope import is_v1
from contracts.suite.support import Names, upload
from contracts.targets import SPEC_PATH, Target

AnyCase = Case[Any]

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
DEFAULT_EXAMPLES = 25
SEED = 20240102
STATEFUL_STEPS = 10

_CONTRACT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
OPERATIONS = specs.operations(_CONTRACT)
#: Operations with no input at all: schemathesis cannot make negative data for them.
INPUTLESS = frozenset(
    op_id for op_id, (_, _, op) in OPERATIONS.items() if not op.get("parameters") and not op.get("requestBody")
)
#: Operations that declare the Request-Version header (schemathesis generates it for them).
DECLARES_REQUEST_VERSION = frozenset(
    op_id
    for op_id, (_, _, op) in OPERATIONS.items()
    if any(str(p.get("$ref", "")).endswith("/RequestVersion") for p in op.get("parameters", []) if isinstance(p, dict))
)
#: On a URL target, which field of which write names its target, and which sandbox id replaces it.
SANDBOXED_FIELDS: dict[str, tuple[str, str, str]] = {
    "postFolder": ("body", "parentFolderId", "folder_id"),
    "getPresignedUrl": ("body", "parentFolderId", "folder_id"),
    "registerRecord": ("body", "parentFolderId", "folder_id"),
    "updateRecord": ("body", "recordId", "record_id"),
    "deleteFolder": ("query", "folderId", "gone_folder_id"),
    "deleteRecord": ("query", "recordId", "gone_record_id"),
    "generateShareLink": ("body", "folderLinkId", "folder_link_id"),
    "updateShareLink": ("body", "shareByUrlId", "share_id"),
    # A record's id when itemType is "record" (see _point_at_sandbox); the write guard checks the pair.
    "stelaCreateShareLink": ("body", "itemId", "folder_id"),
    "stelaUpdateShareLink": ("path", "shareLinkId", "share_id"),
    "stelaDeleteShareLink": ("path", "shareLinkId", "share_id"),
}
#: Id fields the known-ids pass fills with real ids (location, name, KnownIds attribute); writes only in-process.
KNOWN_ID_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "getRoot": (("query", "archiveId", "archive_id"),),
    "getWithChildren": (("query", "folderId", "folder_id"), ("query", "archiveId", "archive_id")),
    "getRecord": (("query", "recordId", "record_id"), ("query", "archiveId", "archive_id")),
    "stelaGetFolders": (("query", "folderIds[]", "folder_ids"),),
    "stelaGetFolderChildren": (("path", "folderId", "folder_id"),),
    "postFolder": (("body", "parentFolderId", "folder_id"),),
    "getPresignedUrl": (("body", "parentFolderId", "folder_id"),),
    "generateShareLink": (("body", "folderLinkId", "folder_link_id"),),
    "updateRecord": (("body", "recordId", "record_id"), ("body", "archiveId", "archive_id")),
    "stelaGetRecords": (("query", "recordIds[]", "record_ids"),),
    "stelaGetRecordShareLinks": (("path", "recordId", "record_id"),),
    "stelaGetFolderShareLinks": (("path", "folderId", "folder_id"),),
}
#: Operations never fuzzed, and why.
NOT_FUZZED = {
    "mockAddFault": "it plants deliberate failures in the mock, which would make later checks fail on purpose",
}
#: Services whose operations URL targets are fuzzed on, and the suffix of their base URL.
URL_SERVICES = {"php": "/api", "stela": "/api/v2"}


@pytest.fixture(scope="session")
def examples(request: pytest.FixtureRequest) -> int:
    """Examples per operation and mode: `--contract-examples`, else PERMANENT_CONTRACT_EXAMPLES, else the default."""
    chosen = request.config.getoption("--contract-examples") or os.environ.get("PERMANENT_CONTRACT_EXAMPLES")
    return int(chosen or DEFAULT_EXAMPLES)


def hypothesis_settings(max_examples: int, **extra: Any) -> settings:
    """Small, deterministic runs: derandomised, no database, no deadline, no shrinking."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        **extra,
    )


@dataclass
class Sandbox:
    """Ids of this run's own items that URL-target writes are pointed at."""

    folder_id: int
    folder_link_id: int
    record_id: int
    share_id: int
    gone_folder_id: int
    gone_record_id: int


@dataclass(frozen=True)
class KnownIds:
    """Ids that exist on the fuzzed server, so positive data also reaches real items, not only 404s."""

    archive_id: int
    folder_id: int
    folder_link_id: int
    record_id: int

    @property
    def folder_ids(self) -> list[int]:
        """The folder as a `folderIds[]` list."""
        return [self.folder_id]

    @property
    def record_ids(self) -> list[int]:
        """The record as a `recordIds[]` list."""
        return [self.record_id]


def validate_answer(case: AnyCase, response: Any, v1_document: dict[str, Any]) -> None:
    """Hold an answer to the contract of the dialect it was sent in.

    Negative data may leave out `Request-Version: 2`; a PHP POST without it speaks the web app's v1 envelope
    (openapi/v1.yaml), so its answer is checked against the v1 document, everything else against the contract.
    """
    sent = response.request.headers.get("Request-Version")
    if not is_v1(case.method.upper(), case.operation.path, sent):
        case.validate_response(response, checks=CHECKS)
        return
    try:
        body: object = json.loads(response.content)
    except ValueError:
        body = response.content[:200]
    problems = specs.v1_dialect_errors(v1_document, case.operation.path, response.status_code, body)
    assert not problems, "\n".join(problems)


@dataclass
class Fuzzer:
    """A schemathesis schema bound to a target, with auth and a way to send cases."""

    target: Target
    schema: OpenApiSchema
    send: Callable[[AnyCase], Any]
    known: KnownIds
    sandbox: Sandbox | None = None
    close: Callable[[], None] = lambda: None


def _register_auth(schema: OpenApiSchema, token: str, api_key: str) -> None:
    """Authenticate every generated case, unless schemathesis left the credentials out on purpose.

    PHP and Stela cases get `Authorization: Bearer <token>`, the FusionAuth login its raw API key;
    `Request-Version: 2` is added where the operation does not declare the header (where it does,
    schemathesis generates it, negative cases included).
    """

    class ContractAuth:
        def get(self, case: AnyCase, ctx: schemathesis.AuthContext) -> str:
            return token

        def set(self, case: AnyCase, data: str, ctx: schemathesis.AuthContext) -> None:
            op_id = str(case.operation.definition.raw.get("operationId"))
            if op_id == "fusionAuthLogin":
                case.headers["Authorization"] = api_key
            elif op_id != "fusionAuthToken":
                case.headers["Authorization"] = f"Bearer {data}"
            if op_id not in DECLARES_REQUEST_VERSION and "Request-Version" not in case.headers:
                case.headers["Request-Version"] = "2"

    schema.auth(refresh_interval=None)(ContractAuth)


def _in_process_fuzzer(target: Target) -> Fuzzer:
    """Fuzz a fresh app of the target's variant through WSGI."""
    app = target.fuzz_app()
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app, config=schemathesis.Config(seed=SEED))
    account = target.accounts["primary"]
    with PermanentClient.for_wsgi(app) as session:
        target.fusionauth.login(session, str(account.login_id), str(account.password))
        token = session.access_token() or ""
        known = _known_ids(session, target)
    _register_auth(schema, token, target.fusionauth.api_key)

    v1_document = target.v1_document()

    def send(case: AnyCase) -> Any:
        response = case.call()
        validate_answer(case, response, v1_document)
        return response

    return Fuzzer(target, schema, send, known)


def _known_ids(session: PermanentClient, target: Target) -> KnownIds:
    """A record uploaded into the test folder of a fresh in-process app (seeded like the target)."""
    assert target.test_folder_id is not None
    assert target.test_archive_id is not None
    folder = session.get_folder(target.test_folder_id)
    record = upload(session, b"known", f"contract-{target.run_id}-known.txt", folder.id)
    return KnownIds(target.test_archive_id, folder.id, folder.file_system_id, record.id)


def _url_base(target: Target, path: str) -> str | None:
    """The base URL a contract path is sent to on a URL target, or None when the service is not fuzzed there."""
    if path.startswith("/api/v2/"):
        return target.stela_url.removesuffix(URL_SERVICES["stela"]) if target.stela_url.endswith("/api/v2") else None
    if path.startswith("/api/"):
        return target.api_url.removesuffix(URL_SERVICES["php"]) if target.api_url.endswith("/api") else None
    return None


def _url_fuzzer(target: Target, sandbox: Sandbox) -> Fuzzer:
    """Fuzz a server over HTTP, every request through the target's guarded transport."""
    with target.http() as http:
        served = http.get(target.origin + "/openapi.json")
    document = served.json() if served.status_code == 200 else _CONTRACT
    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config(seed=SEED))
    _register_auth(schema, target.token(), target.fusionauth.api_key)
    client = target.http()
    v1_document = target.v1_document()

    def send(case: AnyCase) -> Any:
        base = _url_base(target, case.operation.path)
        assert base is not None, f"{case.operation.label} is not fuzzed on URL targets"
        _point_at_sandbox(case, sandbox)
        kwargs = case.as_transport_kwargs(base_url=base)
        request = client.build_request(
            kwargs["method"],
            kwargs["url"],
            headers={k: str(v) for k, v in (kwargs.get("headers") or {}).items()},
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("data") if isinstance(kwargs.get("data"), bytes | str) else None,
        )
        response = client.send(request)
        validate_answer(case, response, v1_document)
        return response

    assert target.test_archive_id is not None
    known = KnownIds(target.test_archive_id, sandbox.folder_id, sandbox.folder_link_id, sandbox.record_id)
    return Fuzzer(target, schema, send, known, sandbox, close=client.close)


def _point_at_sandbox(case: AnyCase, sandbox: Sandbox) -> None:
    """Replace an id a write names by the sandbox's, keeping its JSON type (so negative data stays negative)."""
    op_id = str(case.operation.definition.raw.get("operationId"))
    if op_id not in SANDBOXED_FIELDS:
        return
    location, name, attribute = SANDBOXED_FIELDS[op_id]
    if op_id == "stelaCreateShareLink" and isinstance(case.body, dict) and case.body.get("itemType") == "record":
        attribute = "record_id"
    container: object = {"body": case.body, "query": case.query, "path": case.path_parameters}[location]
    if isinstance(container, dict) and name in container:
        values = container[name] if isinstance(container[name], list) else [container[name]]
        replaced = [retarget(v, getattr(sandbox, attribute)) if id_candidate(v) is not None else v for v in values]
        container[name] = replaced if isinstance(container[name], list) else replaced[0]


@pytest.fixture(scope="session")
def sandbox(target: Target, run_folder: Folder, run_id: str) -> Sandbox | None:
    """On URL targets, this run's folder, share link and deleted ids that fuzzed writes are pointed at."""
    if target.in_process:
        return None
    names = Names(run_id)
    with target.client() as sdk:
        folder = sdk.create_folder(names.new("fuzz-sandbox"), run_folder.id)
        share = sdk.create_share_link(folder.file_system_id)
        record = upload(sdk, b"known", names.new("fuzz-known.txt"), folder.id)
        gone_folder = sdk.create_folder(names.new("fuzz-gone"), folder.id)
        gone_record = upload(sdk, b"gone", names.new("fuzz-gone.txt"), folder.id)
        sdk.delete_folder(gone_folder.id)
        sdk.delete_archive_record(gone_record.id)
    return Sandbox(folder.id, folder.file_system_id, record.id, share.id, gone_folder.id, gone_record.id)


@pytest.fixture(scope="session")
def fuzzer(target: Target, sandbox: Sandbox | None) -> Iterator[Fuzzer]:
    """The schemathesis schema of the target, with auth and a sender (its HTTP client closed at the end)."""
    built = _in_process_fuzzer(target) if sandbox is None else _url_fuzzer(target, sandbox)
    yield built
    built.close()


def _skip_reason(target: Target, op_id: str, mode: GenerationMode) -> str | None:
    """Why an (operation, mode) is not fuzzed on this target, or None."""
    if op_id in NOT_FUZZED:
        return f"{op_id} is not fuzzed: {NOT_FUZZED[op_id]}"
    if mode is GenerationMode.NEGATIVE and op_id in INPUTLESS:
        return f"{op_id} takes no input, so there is no negative data to send"
    if target.in_process:
        return None
    method, path, _ = OPERATIONS[op_id]
    if _url_base(target, path) is None:
        return f"{op_id} is not fuzzed on URL targets (only the PHP and Stela services are)"
    if method not in ("GET", "HEAD") and mode is GenerationMode.POSITIVE:
        return f"{op_id} writes: URL targets get only negative data for writes"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_operation_conforms_to_contract(fuzzer: Fuzzer, examples: int, operation_id: str, mode: GenerationMode) -> None:
    """Generated requests never cause a 5xx, and every answer matches the contract (negative data is refused)."""
    reason = _skip_reason(fuzzer.target, operation_id, mode)
    if reason:
        pytest.skip(reason)
    operation = fuzzer.schema.find_operation_by_id(operation_id)

    @hypothesis_settings(examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: AnyCase) -> None:
        fuzzer.send(case)

    run()


def _fill_known_ids(case: AnyCase, known: KnownIds) -> None:
    """Put real ids into a generated positive case (valid values, so it stays positive)."""
    op_id = str(case.operation.definition.raw.get("operationId"))
    for location, name, attribute in KNOWN_ID_FIELDS.get(op_id, ()):
        container: object = {"body": case.body, "query": case.query, "path": case.path_parameters}[location]
        if isinstance(container, dict):
            container[name] = getattr(known, attribute)


@pytest.mark.parametrize("operation_id", sorted(KNOWN_ID_FIELDS))
def test_operation_with_real_ids_conforms_to_contract(fuzzer: Fuzzer, examples: int, operation_id: str) -> None:
    """Positive data aimed at items that exist (the test folder, its archive, a record) gets conforming answers."""
    method, path, _ = OPERATIONS[operation_id]
    if not fuzzer.target.in_process and method not in ("GET", "HEAD"):
        pytest.skip(f"{operation_id} writes: URL targets get only negative data for writes")
    if not fuzzer.target.in_process and _url_base(fuzzer.target, path) is None:
        pytest.skip(f"{operation_id} is not fuzzed on URL targets")
    operation = fuzzer.schema.find_operation_by_id(operation_id)

    @hypothesis_settings(max(examples // 2, 1))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def run(case: AnyCase) -> None:
        _fill_known_ids(case, fuzzer.known)
        fuzzer.send(case)

    run()


@pytest.mark.slow
def test_links_hold_in_stateful_runs(fuzzer: Fuzzer, examples: int) -> None:
    """Sequences that follow the contract's links (postFolder → getWithChildren/deleteFolder, ...) conform."""
    if not fuzzer.target.in_process:
        pytest.skip("stateful runs write freely, so they run only against in-process targets")
    machine = fuzzer.schema.exclude(operation_id=list(NOT_FUZZED)).as_state_machine()
    v1_document = fuzzer.target.v1_document()

    class Stateful(machine):  # type: ignore[misc, valid-type]  # a class built at run time
        def validate_response(self, response: Any, case: AnyCase, additional_checks: Any = None, **kwargs: Any) -> None:
            if is_v1(case.method.upper(), case.operation.path, response.request.headers.get("Request-Version")):
                validate_answer(case, response, v1_document)
                return
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=getattr(self, "recorder", None)
            )

    Stateful.run(settings=hypothesis_settings(max(examples // 2, 1), stateful_step_count=STATEFUL_STEPS))
