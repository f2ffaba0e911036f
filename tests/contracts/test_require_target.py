"""`--target url` without its settings: one skip by default, a loud failure when the target is required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # each test collects the whole suite in a pytest process of its own


def _run_url_suite(*extra: str, require: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the suite against the url target with no PERMANENT_* settings at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENT_")}
    if require is not None:
        env["PERMANENT_REQUIRE_TARGET"] = require
    command = [sys.executable, "-m", "pytest", "contracts/suite", "--target", "url", "-q", "-p", "no:cacheprovider"]
    return subprocess.run([*command, *extra], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_url_run_without_settings_is_one_skip() -> None:
    """Without settings and without the requirement, the url run reduces to a single explained skip."""
    result = _run_url_suite()
    assert (result.returncode, "1 skipped" in result.stdout) == (0, True), result.stdout[-800:]


@pytest.mark.parametrize(("extra", "require"), [((), "1"), (("--require-target",), None)], ids=["env", "flag"])
def test_url_run_without_settings_fails_when_required(extra: tuple[str, ...], require: str | None) -> None:
    """PERMANENT_REQUIRE_TARGET=1 or --require-target turns the missing settings into a usage error (exit 4)."""
    result = _run_url_suite(*extra, require=require)
    assert (result.returncode, "the url target is required" in result.stderr + result.stdout) == (4, True)
