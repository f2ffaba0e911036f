"""Tests of mock_backend.domain.naming: downloadName and its " (n)" de-duplication (reference §10)."""

from __future__ import annotations

import pytest

from mock_backend.domain import naming


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", ("notes", "txt")),
        ("archive.tar.gz", ("archive.tar", "gz")),
        ("README", ("README", "")),
        (".bashrc", (".bashrc", "")),
        ("trailing.", ("trailing.", "")),
        ("A (1).txt", ("A (1)", "txt")),
    ],
    ids=["simple", "last-dot-wins", "no-dot", "leading-dot", "trailing-dot", "suffixed"],
)
def test_split_extension_name_splits_at_last_inner_dot(name: str, expected: tuple[str, str]) -> None:
    """The extension is the text after the last dot, unless the dot leads or trails the name."""
    assert naming.split_extension(name) == expected


@pytest.mark.parametrize(
    ("display_name", "upload_file_name", "expected"),
    [
        ("notes", "notes.txt", "notes.txt"),
        ("notes.txt", "notes.txt", "notes.txt"),
        ("My Notes", "notes.txt", "My Notes.txt"),
        ("README", "README", "README"),
    ],
    ids=["extension-added", "extension-not-doubled", "display-name-kept", "no-extension"],
)
def test_record_download_name_display_name_gets_upload_extension_once(
    display_name: str, upload_file_name: str, expected: str
) -> None:
    """A record's downloadName is its displayName plus the upload's extension, never doubled."""
    assert naming.record_download_name(display_name, upload_file_name) == expected


def test_deduplicate_free_name_keeps_it() -> None:
    """A name nobody uses is kept as it is."""
    assert naming.deduplicate("X", {"Y", "X (1)"}) == "X"


@pytest.mark.parametrize(
    ("wanted", "taken", "expected"),
    [
        ("X", {"X"}, "X (1)"),
        ("X", {"X", "X (1)"}, "X (2)"),
        ("notes.txt", {"notes.txt", "notes (1).txt"}, "notes (2).txt"),
        ("X", {"X", "X (2)"}, "X (1)"),
    ],
    ids=["first-copy", "second-copy", "extension-kept", "smallest-free-number"],
)
def test_deduplicate_taken_name_gets_smallest_free_suffix(wanted: str, taken: set[str], expected: str) -> None:
    """A taken name gets " (n)" before its extension, with the smallest n that is free."""
    assert naming.deduplicate(wanted, taken) == expected


def test_deduplicate_suffixed_name_increments_rather_than_nests() -> None:
    """Asking for "A (1)" when it exists gives "A (2)", never "A (1) (1)"."""
    assert naming.deduplicate("A (1)", {"A", "A (1)"}) == "A (2)"


def test_deduplicate_other_case_is_no_conflict() -> None:
    """The comparison is case-sensitive: "a.txt" does not clash with "A.txt"."""
    assert naming.deduplicate("a.txt", {"A.txt"}) == "a.txt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("A (1).txt", ("A", "txt")),
        ("A (12)", ("A", "")),
        ("A (0)", ("A (0)", "")),
        ("A(1)", ("A(1)", "")),
        ("A", ("A", "")),
    ],
    ids=["suffix-with-extension", "suffix-two-digits", "zero-is-no-suffix", "needs-space", "plain"],
)
def test_suffix_base_name_drops_trailing_counter(name: str, expected: tuple[str, str]) -> None:
    """The base of a name is its stem without a trailing " (n)" (n a positive integer)."""
    assert naming.suffix_base(name) == expected


@pytest.mark.parametrize(
    "name",
    ["", "   ", "a\x00b", "a/b", "x" * 256],
    ids=["empty", "blank", "nul", "slash", "too-long"],
)
def test_check_name_unusable_name_is_refused(name: str) -> None:
    """Empty, blank, NUL-carrying, slash-carrying and over-long names are not usable."""
    assert naming.check_name(name) is not None


@pytest.mark.parametrize(
    "name",
    ["notes.txt", "A (1)", "日本語 ファイル", "x" * 255, "emoji 🎉"],
    ids=["plain", "suffixed", "non-ascii", "longest", "astral"],
)
def test_check_name_usable_name_passes(name: str) -> None:
    """Ordinary, suffixed, non-ASCII and 255-character names are usable."""
    assert naming.check_name(name) is None
