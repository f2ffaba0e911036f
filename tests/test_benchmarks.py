"""Smoke runs of the benchmarks (one short round, no speed thresholds): they still run, and the load is served."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_soak_smoke_run_serves_mixed_load_without_a_failure() -> None:
    """Ten seconds of the soak's mixed load from three clients: every request answered, no 5xx, RSS reported."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "soak.py"), "--minutes", "0.17", "--clients", "3", "--sample", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, " 0 failed" in result.stdout, "RSS after warm-up" in result.stdout) == (
        0,
        True,
        True,
    ), result.stdout + result.stderr
