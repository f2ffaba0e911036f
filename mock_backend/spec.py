"""The OpenAPI documents: Permanent's contract and the mock's control plane, located, parsed and served as JSON."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import yaml

#: openapi/ sits beside the package in the repository (the contract is not an implementation detail); a
#: built wheel carries a copy inside the package (setup.py), since it installs no top-level openapi/.
_REPOSITORY = Path(__file__).resolve().parent.parent / "openapi"
_PACKAGED = Path(__file__).resolve().parent / "_contract"
_FOLDER = _REPOSITORY if (_REPOSITORY / "openapi.yaml").is_file() else _PACKAGED
SPEC_PATH = _FOLDER / "openapi.yaml"
#: The mock's own routes (`/_mock/…`, `/openapi.json`): a document of their own, so Permanent's contract
#: holds only what the real service answers.
CONTROL_PATH = _FOLDER / "control.yaml"
#: The PHP v1 envelope the web app speaks: the same paths as the v2 API, told apart only by `Request-Version`, so
#: a document of its own (one OpenAPI document cannot hold two operations on one path and method).
V1_PATH = _FOLDER / "v1.yaml"
#: How the control document names a component of Permanent's contract.
_SHARED_PREFIX = "openapi.yaml#/components/"


@functools.lru_cache(maxsize=8)
def _parse(path: Path, mtime_ns: int) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=loader)
    return document


def _read(path: Path) -> dict[str, Any]:
    return _parse(path, path.stat().st_mtime_ns)


def load(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Return the parsed contract (cached while the file is unchanged; treat it as read-only)."""
    return _read(path)


@functools.lru_cache(maxsize=8)
def _json(path: Path, mtime_ns: int) -> bytes:
    return json.dumps(_read(path), separators=(",", ":")).encode()


def as_json(path: Path = SPEC_PATH) -> bytes:
    """Return the contract serialised as JSON, as `/openapi.json` serves it."""
    return _json(path, path.stat().st_mtime_ns)


def load_control(path: Path = CONTROL_PATH, contract: Path = SPEC_PATH) -> dict[str, Any]:
    """Return the control plane's document with the components it borrows from the contract copied in (the v1
    document borrows the same way).

    The result stands alone (every `$ref` is local), as `/_mock/openapi.json` serves it. Cached per file version.
    """
    return _bundled(path, path.stat().st_mtime_ns, contract, contract.stat().st_mtime_ns)


def control_json(path: Path = CONTROL_PATH, contract: Path = SPEC_PATH) -> bytes:
    """Return the bundled control document as JSON."""
    return json.dumps(load_control(path, contract), separators=(",", ":")).encode()


@functools.lru_cache(maxsize=4)
def _bundled(path: Path, _mtime: int, contract: Path, _contract_mtime: int) -> dict[str, Any]:
    document = copy.deepcopy(_read(path))
    source = _read(contract)
    components = document.setdefault("components", {})
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SHARED_PREFIX):
            kind, name = ref[len(_SHARED_PREFIX) :].split("/", 1)
            node["$ref"] = f"#/components/{kind}/{name}"
            if name not in components.setdefault(kind, {}):
                # A borrowed component's own refs name the contract's components: borrow those too.
                borrowed = copy.deepcopy(source["components"][kind][name])
                components[kind][name] = _borrowed_refs(borrowed)
                pending.append(components[kind][name])
        pending.extend(v for k, v in node.items() if k != "$ref")
    return document


def _borrowed_refs(node: Any) -> Any:
    """Rewrite `#/components/…` refs of a component copied from the contract to name the contract's."""
    if isinstance(node, dict):
        return {
            k: (_SHARED_PREFIX + v[len("#/components/") :])
            if k == "$ref" and isinstance(v, str) and v.startswith("#/components/")
            else _borrowed_refs(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_borrowed_refs(v) for v in node]
    return node


def load_v1(path: Path = V1_PATH, contract: Path = SPEC_PATH) -> dict[str, Any]:
    """Return the v1 document with the VOs it borrows from the contract copied in (cached per file version)."""
    return _bundled(path, path.stat().st_mtime_ns, contract, contract.stat().st_mtime_ns)


def v1_json(path: Path = V1_PATH, contract: Path = SPEC_PATH) -> bytes:
    """Return the bundled v1 document as JSON, as `/openapi-v1.json` serves it."""
    return json.dumps(load_v1(path, contract), separators=(",", ":")).encode()


def load_merged(contract: Path = SPEC_PATH, control: Path = CONTROL_PATH) -> dict[str, Any]:
    """Return Permanent's contract with the bundled control plane's paths and components added (cached).

    The control document borrows its shared components from the contract verbatim, so names cannot clash; this
    is the one document every answer of the mock conforms to (the request journal and the tests check against it).
    """
    return _merged(contract, contract.stat().st_mtime_ns, control, control.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _merged(contract: Path, _contract_mtime: int, control_path: Path, _control_mtime: int) -> dict[str, Any]:
    document, control = _read(contract), load_control(control_path, contract)
    merged = {**document, "paths": {**document["paths"], **control["paths"]}}
    merged["components"] = {
        kind: {**document["components"].get(kind, {}), **control["components"].get(kind, {})}
        for kind in dict.fromkeys([*document["components"], *control["components"]])
    }
    return merged
