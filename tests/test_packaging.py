"""The built wheel works outside the checkout: it carries the contract, the allow-lists and the corpus."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

#: Run inside the fresh venv, from a directory that is not the checkout.
PROBE = """
from contracts import drift, reality
from contracts.targets import in_process_client

client = in_process_client()
print([a.name for a in client.get_archives()])
print(len(list(reality.CORPUS_DIR.rglob("*.json"))), drift.DEFAULT_ALLOWLIST.is_file())
"""


def test_wheel_installed_in_a_fresh_venv_serves_and_stubs_from_a_foreign_directory(tmp_path: Path) -> None:
    """pip install of the wheel, then the stub, the corpus and `permanent-mock serve` all work outside the repo."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("permanent_mock-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"{wheel}[contracts]"], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run(
        [str(python), "-c", PROBE], cwd=elsewhere, check=True, capture_output=True, text=True
    ).stdout.split("\n")
    server = subprocess.Popen(
        [str(env_dir / "bin" / "permanent-mock"), "serve", "--ephemeral", "--port", "0"],
        cwd=elsewhere,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = next(line.split()[4] for line in server.stdout if "is serving on" in line)
        served = httpx.get(f"{url}/openapi.json", timeout=10).json()
        control = httpx.get(f"{url}/_mock/openapi.json", timeout=10).json()
        v1 = httpx.get(f"{url}/openapi-v1.json", timeout=10).json()
        dashboard = httpx.get(f"{url}/_mock/", timeout=10)
        stylesheet = httpx.get(f"{url}/_mock/static/dashboard.css", timeout=10)
        docs = httpx.get(f"{url}/_mock/docs/swagger-ui-bundle.js", timeout=10)
        scenarios = httpx.get(f"{url}/_mock/scenarios", timeout=10).json()
    finally:
        server.terminate()
        server.wait(timeout=15)
        if server.stdout is not None:
            server.stdout.close()
    corpus = len(list((ROOT / "contracts" / "reality").rglob("*.json")))
    assert (probe[0], probe[1], served["openapi"]) == ("['Demo Archive', 'Family Archive']", f"{corpus} True", "3.1.0")
    # The v1 envelope's document comes with the wheel, bundled (the VOs it borrows copied in).
    assert ("/api/auth/login" in v1["paths"], "AccountVO" in v1["components"]["schemas"]) == (True, True)
    # The control document, the dashboard's templates and files, Swagger UI and the scenarios come with the wheel.
    assert ("/_mock/reset" in control["paths"], "demo@example.com" in dashboard.text) == (True, True)
    assert (stylesheet.status_code, docs.status_code) == (200, 200)
    assert [s["name"] for s in scenarios["items"]] == ["demo", "empty", "large", "shared"]
