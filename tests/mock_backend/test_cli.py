"""Tests of mock_backend.cli: `permanent-mock serve` and `permanent-mock token`."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from mock_backend import cli
from mock_backend.cli import banner, main
from mock_backend.config import Settings
from mock_backend.domain.seed import DEMO_EMAIL
from tests import processes
from tests.conftest import build_app, copy_data_dir
from tests.openapi_check import check_httpx_response

BASE = "http://127.0.0.1:8000"


def test_serve_help_lists_options() -> None:
    """`permanent-mock serve --help` exits 0 and documents --ephemeral and --port."""
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert (result.exit_code, "--ephemeral" in result.output, "--port" in result.output) == (0, True, True)


@pytest.mark.parametrize(
    "line",
    [
        f"export FUSION_AUTH_HOST={BASE}/fusionauth",
        "export FUSION_AUTH_KEY=mock-fusionauth-key",
        "export FUSION_AUTH_SFTP_CLIENT_ID=mock-sftp-client-id",
        "export FUSION_AUTH_SFTP_CLIENT_SECRET=mock-sftp-client-secret",
        f"export PERMANENT_API_BASE_PATH={BASE}/api",
        f"export STELA_API_BASE_PATH={BASE}/api/v2",
    ],
    ids=["fusionauth-host", "fusionauth-key", "client-id", "client-secret", "php-base", "stela-base"],
)
def test_banner_contains_sftp_environment_line(line: str) -> None:
    """The start-up banner holds the environment block sftp-service needs, one export per line."""
    assert line in banner(BASE, Settings(), "TOKEN").splitlines()


def test_banner_contains_token_and_quirks() -> None:
    """The banner shows the demo token and the state of every quirk."""
    text = banner(BASE, Settings(), "the-token")
    assert ("  the-token" in text.splitlines(), "stela_string_ids=on" in text) == (True, True)


def test_serve_unknown_quirk_is_usage_error() -> None:
    """An unknown --quirk name exits with a usage error (2) before serving."""
    result = CliRunner().invoke(main, ["serve", "--ephemeral", "--quirk", "no_such_quirk=on"])
    assert (result.exit_code, "no_such_quirk" in result.output) == (2, True)


def test_token_prints_usable_bearer_token(seeded_data_dir: Path, tmp_path: Path) -> None:
    """`permanent-mock token --data-dir D` prints a token the mock on D accepts."""
    data_dir = tmp_path / "data"
    copy_data_dir(seeded_data_dir, data_dir)
    result = CliRunner().invoke(main, ["token", DEMO_EMAIL, "--data-dir", str(data_dir)])
    app = build_app(Settings(data_dir=data_dir))
    response = app.test_client().get(
        "/api/account/getAuthenticatedAccount",
        headers={"Request-Version": "2", "Authorization": f"Bearer {result.output.strip()}"},
    )
    assert (result.exit_code, response.status_code) == (0, 200)


@pytest.fixture
def served() -> Iterator[str]:
    """Run `permanent-mock serve --ephemeral --port 0` as a process; yield the base URL it prints; stop it."""
    with processes.served("--ephemeral", "--port", "0") as process:
        yield process.url


def test_serve_process_prints_base_url_and_answers_health(served: str) -> None:
    """The served process prints its base URL (port 0 picked a real one) and answers /_mock/health."""
    with httpx.Client(event_hooks={"response": [check_httpx_response]}) as client:
        response = client.get(f"{served}/_mock/health")
    assert (served.startswith("http://127.0.0.1:"), served.endswith(":0"), response.json()) == (
        True,
        False,
        {"status": "ok"},
    )


def test_serve_beyond_loopback_closes_the_control_routes_and_prints_the_token() -> None:
    """`serve --host 0.0.0.0` answers 401 on /_mock/faults without the printed control token, 200 with it."""
    with processes.served("--ephemeral", "--host", "0.0.0.0", "--port", "0") as server:
        printed = ""
        while "Press Ctrl+C" not in printed:
            printed += server.output.get(timeout=30)
        token = re.search(r"X-Mock-Control-Token: (\S+)", printed)
        assert token is not None, printed
        without = httpx.get(f"{server.url}/_mock/faults")
        with_token = httpx.get(f"{server.url}/_mock/faults", headers={"X-Mock-Control-Token": token.group(1)})
    assert (without.status_code, with_token.status_code) == (401, 200)


def test_serve_on_a_port_in_use_says_so_in_one_line_and_exits_2() -> None:
    """A port another server listens on: one line naming it and the way out, exit status 2, no traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--ephemeral", "--port", str(port)])
    assert (result.exit_code, result.output.strip().count("\n"), f"127.0.0.1:{port} is in use" in result.output) == (
        2,
        0,
        True,
    ), result.output


def test_token_for_a_data_directory_that_does_not_exist_says_so_and_creates_nothing(tmp_path: Path) -> None:
    """`permanent-mock token --data-dir MISSING`: one line, exit 2, and no directory (nor world) is made."""
    missing = tmp_path / "missing"
    result = CliRunner().invoke(main, ["token", "--data-dir", str(missing)])
    assert (result.exit_code, "no mock data in" in result.output, missing.exists()) == (2, True, False), result.output


def test_seed_builds_a_scenario_then_refuses_to_overwrite_without_reset(tmp_path: Path) -> None:
    """`seed --scenario shared` builds it; a second seed exits 2 unless --reset, which replaces the world."""
    data_dir = str(tmp_path / "data")
    first = CliRunner().invoke(main, ["seed", "--scenario", "shared", "--data-dir", data_dir])
    again = CliRunner().invoke(main, ["seed", "--scenario", "demo", "--data-dir", data_dir])
    replaced = CliRunner().invoke(main, ["seed", "--scenario", "demo", "--data-dir", data_dir, "--reset"])
    assert (first.exit_code, "8 accounts" in first.output, "30 records" in first.output) == (0, True, True)
    assert (again.exit_code, "--reset" in again.output) == (2, True)
    assert (replaced.exit_code, "2 accounts" in replaced.output, "160 records" in replaced.output) == (0, True, True)
    token = CliRunner().invoke(main, ["token", "other@example.com", "--data-dir", data_dir])
    assert token.exit_code == 0, token.output


def test_seed_from_a_scenario_file_fills_the_demo_login(tmp_path: Path) -> None:
    """A scenario file's {demo_email} is the --demo-email given to seed."""
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(
        'accounts: [{email: "{demo_email}", password: "{demo_password}"}]\n'
        'archives: [{name: Mine, owner: "{demo_email}", my_files: [{files: 3, name: "n{n}.txt", text: "{n}"}]}]\n',
        encoding="utf-8",
    )
    data_dir = str(tmp_path / "data")
    args = ["seed", "--scenario", str(scenario), "--data-dir", data_dir, "--demo-email", "me@example.com"]
    built = CliRunner().invoke(main, args)
    token = CliRunner().invoke(main, ["token", "me@example.com", "--data-dir", data_dir])
    assert (built.exit_code, "3 records" in built.output, token.exit_code) == (0, True, 0), built.output


@pytest.mark.parametrize("command", ["serve", "seed"])
def test_unknown_scenario_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    """`serve`/`seed --scenario nope`: one line naming the built-ins, exit 2, nothing created."""
    result = CliRunner().invoke(main, [command, "--scenario", "nope", "--data-dir", str(tmp_path / "d")])
    assert (result.exit_code, "demo, empty, large, shared" in result.output) == (2, True), result.output
    assert not (tmp_path / "d").exists()


def test_banner_of_an_empty_world_says_how_to_add_accounts() -> None:
    """With no login, the banner points at POST /_mock/accounts instead of a demo login."""
    text = banner(BASE, Settings(scenario="empty"), "(none)", login=None)
    assert ("POST /_mock/accounts" in text, "Demo login" in text) == (True, False)


@pytest.mark.slow
def test_second_server_on_a_data_directory_says_another_already_serves_it(tmp_path: Path) -> None:
    """Two servers on one data directory both run; the second's banner names the first (pid and URL)."""
    data_dir = str(tmp_path / "data")
    common = ("--data-dir", data_dir, "--port", "0", "--server", "waitress")
    with processes.served(*common) as first, processes.served(*common) as second:
        printed = ""
        while "Press Ctrl+C" not in printed:
            printed += second.output.get(timeout=30)
        both = [httpx.get(f"{s.url}/_mock/health").status_code for s in (first, second)]
    assert f"another server (pid {first.process.pid}, {first.url})" in printed, printed
    assert both == [200, 200]
    assert list((tmp_path / "data" / "servers").glob("*.json")) == []


def test_seed_reset_with_a_scenario_the_mock_would_refuse_keeps_the_world(tmp_path: Path) -> None:
    """`seed --reset` with a name the mock refuses: one line, exit 2, and the world it holds is still there."""
    data_dir = str(tmp_path / "data")
    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts: [{email: a@example.com}]\narchives: [{name: 'a/b', owner: a@example.com}]\n")
    CliRunner().invoke(main, ["seed", "--scenario", "shared", "--data-dir", data_dir])
    refused = CliRunner().invoke(main, ["seed", "--scenario", str(bad), "--data-dir", data_dir, "--reset"])
    token = CliRunner().invoke(main, ["token", "viewer@example.com", "--data-dir", data_dir])
    assert (refused.exit_code, "must not contain '/'" in refused.output, token.exit_code) == (2, True, 0), (
        refused.output
    )


def test_web_app_origin_is_allowed_beside_loopback_for_direct_uploads(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --web-app-origin URL`: that exact origin passes a CORS preflight of the S3 route; loopback still does."""
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve_waitress", lambda settings, *_: seen.append(settings))
    origin = "https://ng.permanent.org:4200"
    args = ["serve", "--ephemeral", "--server", "waitress", "--port", "0", "--web-app-origin", origin]
    result = CliRunner().invoke(main, args)
    (settings,) = seen
    app = build_app(settings)

    def allowed(asker: str) -> str | None:
        preflight = app.test_client().options(
            "/s3/permanent-mock", headers={"Origin": asker, "Access-Control-Request-Method": "POST"}
        )
        return preflight.headers.get("Access-Control-Allow-Origin")

    assert (result.exit_code, allowed(origin), allowed("http://localhost:4200"), allowed("https://evil.example")) == (
        0,
        origin,
        "http://localhost:4200",
        None,
    )


def test_web_app_origin_that_is_not_an_origin_is_refused() -> None:
    """A URL with a path is not an origin: exit 2 with a usage error naming the option."""
    result = CliRunner().invoke(main, ["serve", "--ephemeral", "--web-app-origin", "https://x.org/app"])
    assert (result.exit_code, "--web-app-origin" in result.output) == (2, True)
