"""Smoke runs of the benchmarks (one short round, no speed thresholds): they still run, and the load is served."""

from __future__ import annotations

import json
import shutil
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


@pytest.mark.skipif(shutil.which("wrk") is None or shutil.which("npm") is None, reason="needs wrk and npm")
def test_load_benchmark_smoke_run_drives_every_route_without_a_failure(tmp_path: Path) -> None:
    """One short round of the side-by-side load benchmark: every route answered by the mock and by Prism, no
    failed request, a report with a rate and an answer size for each; the targets themselves are not judged here."""
    report = tmp_path / "load.json"
    options = ["--seconds", "1", "--rounds", "1", "--big", "2000", "--starts", "1", "--report", str(report)]
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), *options],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # Exit 1 is "a target missed" (not judged here), but also how the script stops on an error: say which.
    assert (result.returncode in (0, 1), report.exists()) == (True, True), result.stdout + result.stderr
    data = json.loads(report.read_text())
    runs = [(row["route"], name, run) for row in data["rows"] for name in ("mock", "prism") for run in row[name]]
    assert (
        len(data["rows"]),
        [
            (route, name)
            for route, name, run in runs
            if run["failed"] or run["requests_per_second"] <= 0 or run["answer_bytes"] <= 0
        ],
        data["large"]["getWithChildren_seconds"] > 0,
    ) == (12, [], True), result.stdout  # five reads at c10 and c50, two writes at c10
