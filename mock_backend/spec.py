"""The OpenAPI contract: located, parsed once per file version, and handed out as JSON."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

#: openapi/ sits beside the package in the repository (the contract is not an implementation detail); a
#: built wheel carries a copy inside the package (setup.py), since it installs no top-level openapi/.
_REPOSITORY_COPY = Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml"
_PACKAGED_COPY = Path(__file__).resolve().parent / "_contract" / "openapi.yaml"
SPEC_PATH = _REPOSITORY_COPY if _REPOSITORY_COPY.is_file() else _PACKAGED_COPY


@functools.lru_cache(maxsize=4)
def _parse(path: Path, mtime_ns: int) -> tuple[dict[str, Any], bytes]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=loader)
    return document, json.dumps(document, separators=(",", ":")).encode()


def load(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Return the parsed contract (cached while the file is unchanged; treat it as read-only)."""
    return _parse(path, path.stat().st_mtime_ns)[0]


def as_json(path: Path = SPEC_PATH) -> bytes:
    """Return the contract serialised as JSON, as `/openapi.json` serves it."""
    return _parse(path, path.stat().st_mtime_ns)[1]
