"""Tests of contracts.targets: selection, URL configuration and discovery, in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts import targets
from contracts.sdk import HttpError, PermanentClient
from contracts.targets import TargetUnavailable
from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.server import serve_in_thread


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        pytest.param(None, {}, ["mock"], id="default"),
        pytest.param(None, {"PERMANENT_TARGET": "url"}, ["url"], id="environment"),
        pytest.param("mock", {"PERMANENT_TARGET": "url"}, ["mock"], id="option-wins"),
        pytest.param("mock, url,mock", {}, ["mock", "url"], id="list-deduplicated"),
        pytest.param("mutant:renamed-field", {}, ["mutant:renamed-field"], id="mutant"),
    ],
)
def test_selected_names(option: str | None, env: dict[str, str], expected: list[str]) -> None:
    """`--target` beats PERMANENT_TARGET, which beats the default `mock`."""
    assert targets.selected_names(option, env) == expected


def test_unknown_target_is_refused() -> None:
    """A typo in the target name is an error that lists the choices."""
    with pytest.raises(ValueError, match="mock, url or mutant"):
        targets.selected_names("staging", {})
    with pytest.raises(KeyError, match="unknown mutant"):
        targets.selected_names("mutant:nope", {})


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        pytest.param({}, "PERMANENT_API_URL", id="nothing"),
        pytest.param({"PERMANENT_API_URL": "http://x/api"}, "PERMANENT_LOGIN", id="no-credentials"),
        pytest.param({"PERMANENT_API_URL": "http://x/api", "PERMANENT_LOGIN": "a"}, "PASSWORD", id="no-password"),
        pytest.param({"PERMANENT_API_URL": "http://x/api", "PERMANENT_TOKEN": "t"}, None, id="token"),
        pytest.param(
            {"PERMANENT_API_URL": "http://x/api", "PERMANENT_LOGIN": "a", "PERMANENT_PASSWORD": "p"}, None, id="login"
        ),
    ],
)
def test_url_settings_problem_names_what_is_missing(env: dict[str, str], problem: str | None) -> None:
    """The one skip message names the missing variables."""
    found = targets.url_settings_problem(env)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def test_unconfigured_url_target_is_unavailable() -> None:
    """Building the url target without settings raises TargetUnavailable with the message."""
    with pytest.raises(TargetUnavailable, match="url target not configured"):
        targets.build("url", "250101000000-abcd", env={})


def test_mock_target_discovers_the_seeded_world() -> None:
    """The in-process target finds My Files as the test folder, the viewer archive and the second account."""
    with targets.build("mock", "250101000000-abcd") as target:
        check_seeded_mock(target)


def check_seeded_mock(target: targets.Target) -> None:
    """The seeded world's test folder, viewer archive and second account were found."""
    assert target.in_process
    assert target.seeded
    assert target.mock_routes
    assert not target.guard.enforce, "in-process targets are not guarded"
    assert target.has_account("other")
    with target.client() as client:
        archives = {a.id: a.name for a in client.get_archives()}
        roots = client.get_archive_folders(target.test_archive_id or 0)
    assert archives[target.test_archive_id or 0] == "Demo Archive"
    assert archives[target.viewer_archive_id or 0] == "Family Archive"
    assert target.test_folder_id == next(f.id for f in roots if f.name == "My Files")


def test_mock_target_mints_expired_tokens() -> None:
    """The in-process helper mints a token the mock refuses as expired."""
    with (
        targets.build("mock", "250101000000-abcd") as target,
        target.client(None, token=target.expired_token()) as client,
        pytest.raises(HttpError, match="token_expired"),
    ):
        client.get_authenticated_account()


def test_mutant_target_applies_quirk_switches() -> None:
    """mutant:cursor-on-empty-page answers an empty page with nextCursor present."""
    with targets.build("mutant:cursor-on-empty-page", "250101000000-abcd") as target, target.client() as client:
        empty = client.create_folder("contract-empty", target.test_folder_id or 0)
        client.on_exchange = lambda request, response, operation: pages.append(response.json())
        pages: list[dict[str, dict[str, object]]] = []
        client.get_folder(empty.id)
    assert "nextCursor" in pages[-1]["pagination"], "with the quirk off the empty page carries nextCursor"


def test_in_process_client_is_logged_in_as_demo() -> None:
    """The README's stub helper gives a client of a fresh seeded mock."""
    with in_process() as client:
        assert [a.name for a in client.get_archives()] == ["Demo Archive", "Family Archive"]


def in_process() -> PermanentClient:
    """A client from `in_process_client`."""
    return targets.in_process_client()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The mock served on a thread (as a separate server would be)."""
    with serve_in_thread(create_app(Settings())) as base_url:
        yield base_url


def url_env(base: str, **extra: str) -> dict[str, str]:
    """Environment for a url target at `base`."""
    return {
        "PERMANENT_API_URL": f"{base}/api",
        "PERMANENT_LOGIN": "demo@example.com",
        "PERMANENT_PASSWORD": "demo-password",
        **extra,
    }


def test_url_target_on_a_mock_server_defaults_to_my_files(server: str) -> None:
    """A server answering /_mock/health is the mock: My Files is the test folder, writes are guarded."""
    with targets.build("url", "250101000000-abcd", env=url_env(server)) as target:
        check_mock_server(target, server)


def check_mock_server(target: targets.Target, server: str) -> None:
    """The mock server was recognised and its My Files chosen."""
    assert (target.kind, target.mock_routes, target.seeded, target.guard.enforce) == ("url", True, True, True)
    assert target.stela_url == f"{server}/api/v2"
    assert target.fusionauth_url == f"{server}/fusionauth"
    assert target.rate_limit is None, "the mock needs no rate limit"
    with target.client() as client:
        roots = client.get_archive_folders(target.test_archive_id or 0)
    assert target.test_folder_id == next(f.id for f in roots if f.name == "My Files")


def test_url_target_reads_the_test_folder_from_the_environment(server: str) -> None:
    """PERMANENT_TEST_FOLDER_ID names the test folder; its archive is found through Stela."""
    with targets.build("url", "250101000000-abcd", env=url_env(server, PERMANENT_TEST_FOLDER_ID="13")) as target:
        assert (target.test_folder_id, target.test_archive_id) == (13, 1)


def test_url_target_that_is_not_the_mock_needs_a_test_folder(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without /_mock/health a server is treated as real: no test folder, no run; and it is rate-limited."""
    monkeypatch.setattr(targets, "_serves_mock_routes", lambda origin: False)
    with pytest.raises(TargetUnavailable, match="PERMANENT_TEST_FOLDER_ID is required"):
        targets.build("url", "250101000000-abcd", env=url_env(server))
    with targets.build("url", "250101000000-abcd", env=url_env(server, PERMANENT_TEST_FOLDER_ID="13")) as target:
        assert target.rate_limit == targets.DEFAULT_RATE_LIMIT
        assert not target.seeded, "a server that is not the mock has no known seeded world"


def test_invisible_test_folder_is_refused(server: str) -> None:
    """A test folder the login cannot see stops the run with a clear message."""
    with pytest.raises(TargetUnavailable, match="not visible"):
        targets.build("url", "250101000000-abcd", env=url_env(server, PERMANENT_TEST_FOLDER_ID="999999"))
