"""The stela-sql export: literals, determinism, and the seeded world's rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from mock_backend import Settings, create_app
from mock_backend.cli import main
from mock_backend.storage.export import sql_literal, stela_sql


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "NULL"),
        (True, "true"),
        (42, "42"),
        ("O'Brien", "'O''Brien'"),
        ("Ünïcødé – 日本", "'Ünïcødé – 日本'"),
        (datetime(2024, 1, 2, 15, 4, 5), "'2024-01-02T15:04:05Z'"),
    ],
    ids=["null", "bool", "int", "quote", "unicode", "timestamp"],
)
def test_sql_literal_renders_postgresql_literals(value: object, literal: str) -> None:
    """Values become PostgreSQL literals; a quote is doubled, unicode kept, timestamps are UTC."""
    assert sql_literal(value) == literal


def test_sql_literal_refuses_nul() -> None:
    """PostgreSQL text cannot hold NUL, so the export refuses it rather than write broken SQL."""
    with pytest.raises(ValueError, match="NUL"):
        sql_literal("a\x00b")


def _export(data_dir: Path) -> str:
    create_app(Settings(data_dir=data_dir, processing_seconds=0))
    with Session(create_engine(f"sqlite:///{data_dir / 'mock.sqlite3'}")) as session:
        return stela_sql(session)


def test_export_is_deterministic_for_a_world(tmp_path: Path) -> None:
    """Exporting the same data directory twice writes the same SQL."""
    create_app(Settings(data_dir=tmp_path, processing_seconds=0))
    engine = create_engine(f"sqlite:///{tmp_path / 'mock.sqlite3'}")
    with Session(engine) as first, Session(engine) as second:
        assert stela_sql(first) == stela_sql(second)


def test_export_of_seeded_world_keeps_ids_and_shifts_accounts(tmp_path: Path) -> None:
    """Folder ids stay (Documents is 13), accounts move by the offset, and the whole is one transaction."""
    sql = _export(tmp_path)
    assert (
        sql.splitlines()[1],
        sql.splitlines()[-1],
        "(13,'0001-0005',1,'Documents'" in sql,
        "(11,'" in sql.split("INSERT INTO archive")[0],
    ) == ("BEGIN;", "COMMIT;", True, True)


def test_export_command_without_database_is_usage_error(tmp_path: Path) -> None:
    """Exporting a directory that holds no mock database fails with one clear line and exit 2."""
    result = CliRunner().invoke(main, ["export", "--data-dir", str(tmp_path / "nowhere")])
    assert (result.exit_code, "no mock database" in result.output) == (2, True)


def test_export_command_writes_the_file(tmp_path: Path) -> None:
    """`permanent-mock export -o FILE` writes the SQL and says so on stderr."""
    create_app(Settings(data_dir=tmp_path / "world", processing_seconds=0))
    out = tmp_path / "world.sql"
    result = CliRunner().invoke(main, ["export", "--data-dir", str(tmp_path / "world"), "-o", str(out)])
    assert (result.exit_code, out.read_text(encoding="utf-8").startswith("-- permanent-mock world")) == (0, True)
