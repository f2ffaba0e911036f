"""Tests of the pytest plugin (contracts/plugin.py), run the way another project runs it: pytest in a new
process, with a test file that imports nothing of permanent-mock and only takes the plugin's fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

USER_TESTS = """
import datetime, json, pathlib, httpx, pytest

SEEN = pathlib.Path(__file__).with_name("seen.txt")

def note(path):
    with SEEN.open("a") as seen:
        print(path, file=seen)

def test_in_process(permanent_mock):
    note(permanent_mock.data_dir)
    assert [a.name for a in permanent_mock.client().get_archives()][:1] == ["Demo Archive"]

@pytest.mark.permanent_mock(clock=datetime.datetime(2030, 1, 1), quirks={"stela_string_ids": False})
def test_marker_freezes_the_clock_and_sets_quirks(permanent_mock):
    permanent_mock.clock.advance(60)
    assert (permanent_mock.clock.now().minute, permanent_mock.settings.quirks.stela_string_ids) == (1, False)

@pytest.mark.permanent_mock(scenario="shared")
def test_marker_starts_from_a_scenario(permanent_mock):
    assert [a.name for a in permanent_mock.client("viewer@example.com").get_archives()] == [
        "Shared Family", "Manager's Own"]

def test_factories_build_through_the_mock_and_reset_empties_it(permanent_mock):
    f = permanent_mock.factories
    ada = f.account(full_name="Ada Lovelace")
    archive = f.archive(owner=ada)
    f.record(parent=f.my_files(archive), name="hello.txt", content=b"hello")
    client = permanent_mock.client(ada.email)
    my_files = next(x for x in client.get_archive_folders(archive.id) if x.name == "My Files")
    assert [a.name for a in client.get_archives()] == [archive.full_name]
    assert [r.display_name for r in client.get_folder(my_files.id).archive_records] == ["hello.txt"]
    permanent_mock.reset("empty")
    assert permanent_mock.flask.test_client().get("/_mock/accounts").get_json() == {"items": []}

def test_served(permanent_mock_server):
    note(permanent_mock_server.mock.data_dir)
    headers = {"Authorization": f"Bearer {permanent_mock_server.token}", "Request-Version": "2"}
    account = httpx.get(permanent_mock_server.api_url + "/account/getAuthenticatedAccount", headers=headers).json()
    assert (account["primaryEmail"], permanent_mock_server.sftp_env["PERMANENT_API_BASE_PATH"]) == (
        "demo@example.com", permanent_mock_server.api_url)
"""


def _run(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_user.py").write_text(USER_TESTS)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", *options, "test_user.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_fixtures_work_in_a_foreign_project_and_leave_no_temporary_files(tmp_path: Path) -> None:
    """Three tests using only the fixtures pass; every mock's data directory is gone afterwards."""
    result = _run(tmp_path)
    seen = (tmp_path / "seen.txt").read_text().split()
    assert (result.returncode, len(seen), [path for path in seen if Path(path).exists()]) == (0, 2, []), (
        result.stdout + result.stderr
    )


def test_session_scope_shares_one_mock(tmp_path: Path) -> None:
    """With --permanent-mock-scope=session both tests see the same data directory (the marked test is skipped
    from the comparison: markers apply to function scope only)."""
    result = _run(tmp_path, "--permanent-mock-scope=session", "-k", "in_process or served")
    seen = (tmp_path / "seen.txt").read_text().split()
    assert (result.returncode, len(set(seen)), Path(seen[0]).exists()) == (0, 1, False), result.stdout + result.stderr
