"""Two mock processes on one SQLite data directory race to create items of one name: no 500, no lost name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.races import assert_no_lost_race, race_two_processes

pytestmark = pytest.mark.slow


def test_same_name_race_across_two_processes_on_sqlite(tmp_path: Path) -> None:
    """200 folder/post and 100 registerRecord of one name over two servers: all 200 OK, every name distinct."""
    folders, records = race_two_processes(tmp_path / "data", None)
    assert_no_lost_race(folders, records)
