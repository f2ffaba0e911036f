"""v1 `folder/*` and `record/*`: browsing by folder_linkId, create, upload and delete, as the web app sends them."""

from __future__ import annotations

from typing import Any

from mock_backend.api.record import s3_upload_vo
from mock_backend.api.support import backend, wire
from mock_backend.api.v1.dispatch import Call, action
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.domain.models import Account, Folder, Item, Record
from mock_backend.wire import inputs, php


def _role(caller: Account, archive_id: int) -> str | None:
    archive = backend().get_archive(caller, archive_id=archive_id)
    return archive.role.value if archive.role else None


def _with_role(vo: dict[str, Any], role: str | None) -> dict[str, Any]:
    # v1 items carry the caller's role; the web app enables rename, move and delete by it (file-viewer canEdit).
    vo["accessRole"] = role
    for child in vo.get("ChildItemVOs") or ():
        child["accessRole"] = role
    return vo


def _lean_child(item: Item, role: str | None) -> dict[str, Any]:
    ctx = wire()
    # Lean children carry no files (web-app folder.repo.ts navigateLean); a record is told by its recordId.
    vo = php.folder_vo(item, ctx) if isinstance(item, Folder) else php.record_vo(item, ctx, with_files=False)
    vo["accessRole"] = role
    return vo


def _paths(chain: list[Folder], folder: Folder) -> dict[str, list[Any]]:
    """The breadcrumbs of a folder from My Files (or Public, Apps) down to it (web-app breadcrumbs.service.ts)."""
    steps = [*chain, folder]
    return {
        "pathAsFolder_linkId": [step.link_id for step in steps],
        "pathAsText": [step.display_name for step in steps],
        "pathAsArchiveNbr": [step.archive_nbr for step in steps],
    }


def _link_id(vo: dict[str, Any], name: str) -> int:
    link_id = inputs.optional_int(vo, "folder_linkId")
    if link_id is None:
        raise InvalidInput(messages.VALIDATION_EMPTY, f"{name}.folder_linkId is required")
    return link_id


@action("folder/getRoot", "Root Folder has been retrieved")
def get_root(call: Call) -> list[dict[str, Any]]:
    """The current archive's root with My Files, Public and Apps (`type.folder.root.*`) as its children."""
    caller = call.caller()
    archive_id = call.archive_id()
    root, children = backend().get_root(caller, archive_id)
    return [{"FolderVO": _with_role(php.folder_vo(root, wire(), children), _role(caller, archive_id))}]


def _navigate(call: Call) -> list[dict[str, Any]]:
    caller = call.caller()
    folder, chain, children = backend().navigate(caller, _link_id(call.vo("FolderVO"), "FolderVO"))
    role = _role(caller, folder.archive_id)
    vo = php.folder_vo(folder, wire())
    vo.update(_paths(chain, folder), accessRole=role, ChildItemVOs=[_lean_child(child, role) for child in children])
    return [{"FolderVO": vo}]


@action("folder/navigateLean", "Folder navigated")
def navigate_lean(call: Call) -> list[dict[str, Any]]:
    """A folder by folder_linkId with its children (no files) and its breadcrumb paths."""
    return _navigate(call)


@action("folder/navigateMin", "Folder navigated")
def navigate_min(call: Call) -> list[dict[str, Any]]:
    """The destination picker's view of a folder: the same as navigateLean (web-app folder-picker.component.ts)."""
    return _navigate(call)


@action("folder/post", "Folder created")
def post_folder(call: Call) -> list[dict[str, Any]]:
    """Create one folder per item (the web app sends up to ten per call), names de-duplicated as in v2."""
    caller = call.caller()
    vo = call.vo("FolderVO")
    parent_id = inputs.optional_int(vo, "parentFolderId")
    if parent_id is None:
        # Only the parent's folder_linkId given: its folderId, without reading its children.
        parent_id = backend().folder_by_link(caller, inputs.required_int(vo, "parentFolder_linkId")).id
    folder = backend().create_folder(
        caller,
        display_name=inputs.required_text(vo, "displayName"),
        parent_folder_id=parent_id,
        fail_on_duplicate=False,
    )
    return [{"FolderVO": _with_role(php.folder_vo(folder, wire(), []), _role(caller, folder.archive_id))}]


@action("folder/delete", "Folder deleted")
def delete_folder(call: Call) -> list[dict[str, Any]]:
    """Hard-delete a folder and its subtree (the whole FolderVO is sent; its folderId decides)."""
    backend().delete_folder(call.caller(), inputs.required_int(call.vo("FolderVO"), "folderId"))
    return []


@action("record/get", "Record retrieved")
def get_record(call: Call) -> list[dict[str, Any]]:
    """A record with its files, by archiveNbr (the web app's deep link) or recordId."""
    caller = call.caller()
    vo = call.vo("RecordVO")
    nbr = inputs.optional_text(vo, "archiveNbr")
    mock = backend()
    record: Record
    if nbr:
        record = mock.record_by_nbr(caller, nbr)
    else:
        record_id = inputs.required_int(vo, "recordId")
        archive_id = inputs.optional_int(vo, "archiveId") or call.archive_id()
        record = mock.get_record(caller, record_id, archive_id)
    return [{"RecordVO": _with_role(php.record_vo(record, wire()), _role(caller, record.archive_id))}]


@action("record/getPresignedUrl", "Presigned URL created")
def get_presigned_url(call: Call) -> list[dict[str, Any]]:
    """A presigned POST for one file: `SimpleVO{key: "Result", value: S3UploadVO}` (web-app uploader.ts)."""
    vo = call.vo("RecordVO")
    kind = call.vo("SimpleVO", required=False)
    mime = inputs.optional_text(kind, "value") if kind.get("key") == "type" else None
    post = backend().get_presigned_url(
        call.caller(),
        display_name=inputs.required_text(vo, "displayName"),
        parent_folder_id=inputs.required_int(vo, "parentFolderId"),
        upload_file_name=inputs.optional_text(vo, "uploadFileName") or inputs.required_text(vo, "displayName"),
        file_type=mime or "application/octet-stream",
        size=inputs.required_int(vo, "size", minimum=0),
    )
    return [{"SimpleVO": {"key": "Result", "value": s3_upload_vo(post)}}]


@action("record/delete", "Record deleted")
def delete_record(call: Call) -> list[dict[str, Any]]:
    """Hard-delete a record and its files (the whole RecordVO is sent; its recordId decides)."""
    backend().delete_record(call.caller(), inputs.required_int(call.vo("RecordVO"), "recordId"))
    return []


@action("folder/update", "Folder updated")
def update_folder(call: Call) -> list[dict[str, Any]]:
    """Rename a folder: the web app sends only `displayName` and the ids (web-app folder.repo.ts whitelist)."""
    caller = call.caller()
    vo = call.vo("FolderVO")
    folder = backend().rename_folder(
        caller, inputs.required_int(vo, "folderId"), inputs.required_text(vo, "displayName")
    )
    return [{"FolderVO": _with_role(php.folder_vo(folder, wire(), []), _role(caller, folder.archive_id))}]


def _moved(call: Call, name: str, kind: type[Folder] | type[Record], copy: bool) -> list[dict[str, Any]]:
    caller = call.caller()
    link_id = _link_id(call.vo(name), name)
    dest = _link_id(call.vo("FolderDestVO"), "FolderDestVO")
    mock = backend()
    item = mock.copy_item(caller, link_id, dest, kind) if copy else mock.move_item(caller, link_id, dest, kind)
    ctx = wire()
    vo = php.folder_vo(item, ctx, []) if isinstance(item, Folder) else php.record_vo(item, ctx)
    return [{name: _with_role(vo, _role(caller, item.archive_id))}]


@action("folder/move", "Folder moved")
def move_folder(call: Call) -> list[dict[str, Any]]:
    """Move a folder and its subtree into `FolderDestVO.folder_linkId` (names de-duplicated there)."""
    return _moved(call, "FolderVO", Folder, copy=False)


@action("folder/copy", "Folder copied")
def copy_folder(call: Call) -> list[dict[str, Any]]:
    """Copy a folder and its subtree into `FolderDestVO.folder_linkId`."""
    return _moved(call, "FolderVO", Folder, copy=True)


@action("record/move", "Record moved")
def move_record(call: Call) -> list[dict[str, Any]]:
    """Move a record into `FolderDestVO.folder_linkId`."""
    return _moved(call, "RecordVO", Record, copy=False)


@action("record/copy", "Record copied")
def copy_record(call: Call) -> list[dict[str, Any]]:
    """Copy a record and its files into `FolderDestVO.folder_linkId`."""
    return _moved(call, "RecordVO", Record, copy=True)
