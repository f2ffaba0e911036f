"""Stela v2 routes: folders (plural and the deprecated singular ones the SDK calls), records, share links."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from mock_backend.api.support import backend, bearer, created, no_content, ok, optional_caller, state, wire
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput, NotFound, Unauthenticated
from mock_backend.domain.models import Account
from mock_backend.wire import inputs, joi, stela

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


def _signed_in() -> Account:
    """Return the caller of a Stela route that needs a token: 401 in http-errors' shape without a valid one.

    Raises:
        Unauthenticated: no bearer token, or one that does not authenticate (stela middleware/authentication.ts
            verifyUserAuthentication: "Invalid Authorization header format" / "Invalid token").
    """
    token = bearer()
    if token is None:
        raise Unauthenticated(messages.NOT_LOGGED_IN, "Invalid Authorization header format")
    try:
        return backend().authenticate(token)
    except Unauthenticated as exc:
        raise Unauthenticated(messages.NOT_LOGGED_IN, "Invalid token") from exc


def _raw_body() -> bytes:
    """Return the request body, kept for the request journal as `support.body()` does."""
    raw = request.get_data(cache=False)
    g.request_body = raw
    return raw


@bp.get("/record")
def get_records() -> Response:
    """A bare JSON array of the visible records among `recordIds[]` (stela record/controller.ts)."""
    ids = joi.record_ids(list(request.args.items(multi=True)))
    return ok(stela.records_response(backend().stela_records(optional_caller(), ids), wire()))


@bp.get("/record/<id:record_id>/share-links")
def get_record_share_links(record_id: int) -> Response:
    """`{"items": [...]}`: the record's share link, if the caller may manage it."""
    links = backend().stela_item_share_links(_signed_in(), "record", record_id)
    return ok(stela.item_share_links_response(links, wire()))


# Stela names this one with an underscore, unlike the record's (stela folder/controller/controller.ts).
@bp.get("/folder/<id:folder_id>/share_links")
def get_folder_share_links(folder_id: int) -> Response:
    """`{"items": [...]}`: the folder's share link, if the caller may manage it."""
    links = backend().stela_item_share_links(_signed_in(), "folder", folder_id)
    return ok(stela.item_share_links_response(links, wire()))


@bp.get("/share-links")
def get_share_links() -> Response:
    """One page of share links by `shareLinkIds[]` (signed in) or `shareTokens[]` (anyone)."""
    query = joi.share_links_query(list(request.args.items(multi=True)))
    page = backend().stela_share_links(
        optional_caller(),
        query.numeric_ids,
        query.tokens,
        query.page_size,
        query.cursor,
        asked_ids=tuple(query.share_link_ids or ()),
    )
    return ok(stela.share_links_page_response(page, wire()))


@bp.post("/share-links")
def create_share_link() -> Response:
    """201 `{"data": ShareLink}`: a share link for a record or folder."""
    who = _signed_in()
    link = backend().create_stela_share_link(who, joi.share_link_create(_raw_body()))
    return created(stela.share_link_data(link, wire()))


@bp.patch("/share-links/<share_link_id>")
def update_share_link(share_link_id: str) -> Response:
    """`{"data": ShareLink}`: the link with its new settings."""
    who = _signed_in()
    changes = joi.share_link_update(_raw_body())
    link = backend().update_stela_share_link(who, _share_link_id(share_link_id), changes)
    return ok(stela.share_link_data(link, wire()))


@bp.delete("/share-links/<share_link_id>")
def delete_share_link(share_link_id: str) -> Response:
    """204 with no body: the link is gone."""
    backend().delete_stela_share_link(_signed_in(), _share_link_id(share_link_id))
    return no_content()


def _share_link_id(raw: str) -> int:
    """Read a path share-link id; Stela takes any string, and one that is no id names no link (404)."""
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= inputs.MAX_ID:
        return int(raw)
    raise NotFound(messages.SHARE_LOOKUP, "Share link not found")
