"""The `permanent-contracts` command: compare two snapshot directories, or run the self-check."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from contracts import drift, mutants, selfcheck

EXIT_CLEAN = 0
EXIT_DRIFT = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    parser = argparse.ArgumentParser(prog="permanent-contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    compare = commands.add_parser(
        "compare",
        help="write the drift report of B (candidate) against A (reference)",
        description="Compare two snapshot directories (one JSON file per scenario) and write a drift report "
        "as Markdown and JSON. Exits 1 when some drift is not explained by the allow-list.",
    )
    compare.add_argument("a_dir", type=Path, metavar="A_DIR", help="reference snapshots, e.g. staging")
    compare.add_argument("b_dir", type=Path, metavar="B_DIR", help="candidate snapshots, e.g. the mock")
    compare.add_argument("--allow", type=Path, default=None, help="allow-list YAML of known differences")
    compare.add_argument(
        "--out",
        type=Path,
        default=Path("reports/drift"),
        help="report.md / report.json, or a directory for drift-report.{md,json} (default: reports/drift/)",
    )

    check = commands.add_parser(
        "selfcheck",
        help="run the suite against drifted mocks and report the kill rate",
        description=selfcheck.__doc__,
    )
    check.add_argument("--mutant", action="append", default=[], choices=sorted(mutants.BY_NAME), help="repeatable")
    check.add_argument("--jobs", type=int, default=2, help="suite processes at a time (default 2)")
    check.add_argument("--examples", type=int, default=selfcheck.DEFAULT_EXAMPLES, help="schemathesis examples")
    check.add_argument("--out", type=Path, default=Path("reports/selfcheck.json"), help="JSON report")
    check.add_argument("--workdir", type=Path, default=None, help="keep runs and snapshots here (default: temporary)")
    return parser


def compare(a_dir: Path, b_dir: Path, allow: Path | None, out: Path) -> int:
    """Run `compare`; return the exit code."""
    try:
        entries = drift.load_allowlist(allow) if allow is not None else []
        report = drift.compare_dirs(a_dir, b_dir, entries)
    except (drift.SnapshotError, drift.AllowListError) as exc:
        print(f"permanent-contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    markdown, data = drift.write_report(report, out)
    unexplained, explained = len(report.unexplained), len(report.explained)
    print(f"drift of {b_dir} against {a_dir}: {unexplained} unexplained, {explained} explained by the allow-list")
    print(f"report: {markdown} and {data}")
    return EXIT_CLEAN if report.clean else EXIT_DRIFT


def run_selfcheck(names: Sequence[str], jobs: int, examples: int, out: Path, workdir: Path | None) -> int:
    """Run `selfcheck`; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="permanent-selfcheck-") as scratch:
        report = selfcheck.run_selfcheck(workdir or Path(scratch), names, jobs=jobs, examples=examples)
        selfcheck.write(report, out)
    print(report.summary())
    print(f"report: {out}")
    return EXIT_CLEAN if report.passed else EXIT_DRIFT


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `permanent-contracts`."""
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return compare(args.a_dir, args.b_dir, args.allow, args.out)
    return run_selfcheck(args.mutant, args.jobs, args.examples, args.out, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
