"""Tests of mock_backend.config: Settings defaults and the quirk switches."""

from __future__ import annotations

import pytest

from mock_backend.config import Quirks, Settings


def test_settings_defaults_are_ephemeral_and_seeded() -> None:
    """Settings() is an ephemeral (no data_dir) mock of the demo world with one-hour tokens and seven-day URLs."""
    settings = Settings()
    assert (settings.data_dir, settings.scenario, settings.access_token_ttl, settings.download_url_ttl) == (
        None,
        "demo",
        3600,
        7 * 24 * 3600,
    )


def test_quirks_default_is_every_quirk_on() -> None:
    """Every quirk is on by default (decision D4)."""
    quirks = Quirks()
    assert [getattr(quirks, name) for name in Quirks.names()] == [True] * 11


def test_names_lists_the_eleven_switches() -> None:
    """The switches: the brief's five, the five real Stela showed (stela-local.md), Stela's share-link counts."""
    assert set(Quirks.names()) == {
        "stela_empty_page_omits_cursor",
        "stela_string_ids",
        "sharelink_integer_toggles",
        "stela_pretty_folder_enums",
        "php_child_records_null_files",
        "stela_invisible_children_empty_page",
        "stela_stale_cursor_restarts",
        "stela_total_pages_round_down",
        "stela_folder_ids_need_brackets",
        "stela_jsonb_file_timestamps",
        "stela_share_link_list_counts_as_strings",
    }


def test_with_switches_known_name_switches_only_it() -> None:
    """with_switches turns the named quirk off and leaves the others on."""
    quirks = Quirks().with_switches({"stela_string_ids": False})
    assert [name for name in Quirks.names() if not getattr(quirks, name)] == ["stela_string_ids"]


def test_with_switches_unknown_name_is_value_error() -> None:
    """An unknown quirk name raises ValueError naming it."""
    with pytest.raises(ValueError, match="no_such_quirk"):
        Quirks().with_switches({"no_such_quirk": True})
