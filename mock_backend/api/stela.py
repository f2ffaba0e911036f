"""Stela v2 folder routes: the plural `/folders…` ones and the deprecated singular ones the SDK calls."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_backend.api.support import backend, ok, optional_caller, state, wire
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire import inputs, stela

bp = Blueprint("stela", __name__, url_prefix="/api/v2")


def _joi_int(name: str, raw: str | None, *, required: bool) -> int | None:
    """Read an integer query value, failing with Stela's joi-style messages (D3)."""
    if raw is None:
        if required:
            raise InvalidInput(messages.INVALID_REQUEST, f'"{name}" is required')
        return None
    if raw == "":
        # An empty value is present, so Joi's number() refuses it; it is not the same as leaving it out.
        raise InvalidInput(messages.INVALID_REQUEST, f'"{name}" must be a number')
    try:
        return inputs.integer(raw, name)
    except InvalidInput as exc:
        # Joi's wording (real Stela at 3ee7ab2): a whole number below 1 fails its `min(1)`, anything else `number()`.
        stripped = raw.strip()
        if stripped.lstrip("-").isdigit() and stripped.isascii():
            raise InvalidInput(messages.INVALID_REQUEST, f'"{name}" must be greater than or equal to 1') from exc
        raise InvalidInput(messages.INVALID_REQUEST, f'"{name}" must be a number') from exc


def _folder_ids() -> list[int]:
    """Read `folderIds[]` as Stela's Joi schema does."""
    raw = request.args.getlist("folderIds[]")
    if not raw and "folderIds" in request.args:
        if state().settings.quirks.stela_folder_ids_need_brackets:
            # Quirk stela_folder_ids_need_brackets: Stela's Joi schema reads `folderIds=3` as a string.
            raise InvalidInput(messages.INVALID_REQUEST, '"folderIds" must be an array')
        raw = request.args.getlist("folderIds")
    if not raw:
        raise InvalidInput(messages.INVALID_REQUEST, '"folderIds" is required')
    return [_joi_int(f"folderIds[{n}]", value, required=True) or 0 for n, value in enumerate(raw)]


@bp.get("/folder")
def get_folders() -> Response:
    """`{"items": [...]}` for the visible folders among `folderIds[]`; `{"items": []}` when none."""
    return ok(stela.folders_response(backend().stela_folders(optional_caller(), _folder_ids()), wire()))


@bp.get("/folders")
def get_folders_page() -> Response:
    """The plural route: the same folders as one cursor page (`pageSize` required, as on real Stela)."""
    ids = _folder_ids()
    page_size = _joi_int("pageSize", request.args.get("pageSize"), required=True) or 1
    cursor = _joi_int("cursor", request.args.get("cursor"), required=False)
    found, page = backend().stela_folders_page(optional_caller(), ids, page_size, cursor)
    return ok(stela.folders_page_response(found, page, wire()))


@bp.get("/folders/<id:folder_id>/children")
@bp.get("/folder/<id:folder_id>/children")
def get_folder_children(folder_id: int) -> Response:
    """One cursor page of a folder's children."""
    page_size = _joi_int("pageSize", request.args.get("pageSize"), required=True) or 1
    cursor = _joi_int("cursor", request.args.get("cursor"), required=False)
    mock = backend()
    page = mock.stela_children(optional_caller(), folder_id, page_size, cursor)
    return ok(stela.page_response(page, mock.total_pages(page), wire()))
