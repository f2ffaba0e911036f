"""Tests of mock_backend.storage.repository's reads: the domain objects it builds from rows are whole."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.domain.models import Folder, Item, Record
from mock_backend.storage.tables import ItemRow
from mock_backend.testing import backend_of, close

DEMO = "demo@example.com"


def _loaded_items(app: Flask) -> list[Item]:
    """Read every item of the app's world through each item read of the repository."""
    backend = backend_of(app)
    with backend._uow() as repo:
        link_ids = list(repo._s.scalars(select(ItemRow.link_id)))
        items = [item for link in link_ids if (item := repo.item_by_link(link)) is not None]
        folders = [item for item in items if isinstance(item, Folder)]
        for folder in folders:
            items += repo.children(folder)
            items += repo.children_page(folder, None, 1000)
            items += [found for found in [repo.folder(folder.id)] if found is not None]
        items += [found for item in items if isinstance(item, Record) and (found := repo.record(item.id))]
    return items


def test_every_item_read_from_rows_equals_one_built_by_its_constructor(tmp_path: Path) -> None:
    """Items are built from rows without their `__init__` (repository._trusted, for speed): each must hold exactly
    its class's fields and equal (and hash as) the object its constructor builds from the same values."""
    app = create_app(Settings(data_dir=tmp_path, processing_seconds=0))
    try:
        backend = backend_of(app)
        demo = backend.authenticate(backend.mint_token(DEMO, None))
        my_files = backend.root_child(demo.default_archive_id or 1, "My Files").id
        (described, _) = backend.import_files(demo, parent_folder_id=my_files, files=[("a.txt", b"a"), ("b.txt", b"")])
        backend.update_record(demo, described.id, description="kept")
        items = _loaded_items(app)
    finally:
        close(app)
    wrong = [
        item
        for item in items
        if set(vars(item)) != {field.name for field in fields(item)}
        or item != replace(item)
        or hash(item) != hash(replace(item))
    ]
    kinds = {type(item) for item in items}
    assert (wrong, kinds, any(isinstance(i, Record) and i.description == "kept" and i.files for i in items)) == (
        [],
        {Folder, Record},
        True,
    )
