"""Tests of mock_backend.cli: `permanent-mock serve` and `permanent-mock token`."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

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
