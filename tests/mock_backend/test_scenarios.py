"""Tests of mock_backend.scenarios: reading, checking and building worlds declared in YAML."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from mock_backend import Settings, create_app, scenarios
from mock_backend.scenarios import content
from mock_backend.testing import backend_of, close, login_of, rebuild_world

ONE_ACCOUNT: dict[str, Any] = {"accounts": [{"email": "a@example.com"}]}


def _archive(**extra: Any) -> dict[str, Any]:
    return {**ONE_ACCOUNT, "archives": [{"name": "A", "owner": "a@example.com", **extra}]}


@pytest.mark.parametrize(
    ("declaration", "says"),
    [
        ([], "scenario: a mapping, not list"),
        ({"people": []}, "unknown key 'people'"),
        ({"accounts": [{"password": "x"}]}, "accounts[0]: 'email' is required"),
        ({"accounts": [{"email": "a@x"}, {"email": "a@x"}]}, "'a@x' is declared twice"),
        ({**ONE_ACCOUNT, "archives": [{"name": "A", "owner": "b@example.com"}]}, "archives[0].owner: 'b@example.com'"),
        (_archive(type="club"), "archives[0].type: one of person, family, organization"),
        (_archive(members=[{"email": "a@example.com", "role": "boss"}]), "members[0].role: one of viewer"),
        (_archive(my_files=[{"folder": "F", "file": "f.txt"}]), "my_files[0]: exactly one of folder, file"),
        (_archive(my_files=[{"file": ""}]), "my_files[0].file: a non-empty name"),
        (_archive(my_files=[{"files": -1, "name": "f{n}"}]), "my_files[0].files: a count from 0"),
        (_archive(my_files=[{"files": 2}]), "my_files[0].name: a name template is required"),
        (_archive(my_files=[{"files": 2, "name": "{x}"}]), "unknown field {x}"),
        (_archive(my_files=[{"file": "f", "text": "a", "size": 3}]), "at most one of text, size, png"),
        (_archive(my_files=[{"file": "f", "png": [1, 2]}]), "my_files[0].png: a colour"),
        (_archive(my_files=[{"folder": "F", "size": 3}]), "my_files[0]: a folder has no size"),
        (_archive(my_files=[{"file": "f", "children": []}]), "my_files[0]: a file has no children"),
        ({"random_seed": "x"}, "random_seed: an integer"),
        ({"accounts": [{"email": "a@x", "sign_in": "sms"}]}, "accounts[0].sign_in: one of mfa, verify_email"),
    ],
)
def test_parse_refuses_a_declaration_and_says_where(declaration: object, says: str) -> None:
    """A declaration that does not describe a world fails with a message naming the place and the rule."""
    with pytest.raises(scenarios.ScenarioError) as raised:
        scenarios.parse(declaration, "scenario")
    assert says in str(raised.value)


def test_load_unknown_name_lists_the_built_ins() -> None:
    """An unknown name that is not a file says which scenarios are built in."""
    with pytest.raises(scenarios.ScenarioError, match="demo, empty, large, shared"):
        scenarios.load("nope")


def test_load_file_that_is_not_yaml_says_so(tmp_path: Path) -> None:
    """A scenario file that is not YAML fails with its name in the message."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("accounts: [", encoding="utf-8")
    with pytest.raises(scenarios.ScenarioError, match="broken: not YAML"):
        scenarios.load(broken)


@pytest.mark.parametrize(("name", "records"), [("demo", 160), ("empty", 0), ("large", 100_000), ("shared", 30)])
def test_built_in_scenarios_parse_and_count_their_records(name: str, records: int) -> None:
    """Every built-in scenario parses, and says how many records it builds before building any."""
    assert scenarios.load(name).records_planned == records


def _world(scenario: str | dict[str, Any]) -> tuple[Any, Any]:
    app = create_app(Settings(scenario="empty", processing_seconds=0))
    chosen = scenarios.parse(scenario) if isinstance(scenario, dict) else scenarios.load(scenario)
    seen: list[int] = []
    made, _ = rebuild_world(app, chosen, lambda p: seen.append(p.records))
    return app, (made, seen)


def test_build_makes_tree_with_bytes_and_reports_progress() -> None:
    """Folders, repeated folders and files (text, patterned bytes, PNG) are built; progress climbs to the total."""
    declaration = _archive(
        my_files=[
            {"folders": 2, "name": "Year {n}", "children": [{"files": 3, "name": "f-{n}.txt", "text": "file {n}"}]},
            {"file": "big.bin", "size": 1000},
            {"file": "dot.png", "png": [1, 2, 3]},
        ]
    )
    app, (made, seen) = _world(declaration)
    try:
        assert (made.accounts, made.archives, made.folders, made.records) == (1, 1, 2, 8)
        assert seen[-1] == 8
        backend = backend_of(app)
        account = backend.accounts()[0]
        archive = backend.get_all_archives(account)[0]
        my_files = backend.root_child(archive.id, "My Files")
        with backend.streamed_children(account, my_files.id, archive.id) as (_, children):
            names = sorted(c.display_name for c in children)
        assert names == ["Year 1", "Year 2", "big.bin", "dot.png"]
    finally:
        close(app)


def test_pattern_bytes_count_up_and_wrap() -> None:
    """pattern_bytes counts 0–255 and wraps, cut to the asked size."""
    data = content.pattern_bytes(258)
    assert (len(data), data[0], data[255], data[256], data[257]) == (258, 0, 255, 0, 1)


def test_shared_scenario_gives_every_role_and_awkward_names() -> None:
    """`shared` has one member per role in Shared Family, and its Awkward Names folder holds the awkward names."""
    app, _ = _world("shared")
    try:
        backend = backend_of(app)
        roles = {}
        for account in backend.accounts():
            for archive in backend.get_all_archives(account):
                if archive.full_name == "Shared Family":
                    roles[account.email] = archive.role.name.lower() if archive.role else None
        assert sorted(roles.values()) == ["contributor", "curator", "editor", "manager", "owner", "viewer"]
        owner = backend.accounts()[0]
        family = next(a for a in backend.get_all_archives(owner) if a.full_name == "Shared Family")
        my_files = backend.root_child(family.id, "My Files")
        with backend.streamed_children(owner, my_files.id, family.id) as (_, children):
            awkward = next(c for c in children if c.display_name == "Awkward Names")
        with backend.streamed_children(owner, awkward.id, family.id) as (_, children):
            names = {c.display_name for c in children}
        assert names == set(content.AWKWARD_NAMES)
        steps = {a.email: a.sign_in_step for a in backend.accounts() if a.sign_in_step}
        assert steps == {"mfa@example.com": "mfa", "unverified@example.com": "verify_email"}
    finally:
        close(app)


def test_same_scenario_builds_same_names_every_time() -> None:
    """Fake values are seeded by the scenario: two builds of `shared` give the same letters."""
    listings = []
    for _ in range(2):
        app, _ = _world("shared")
        backend = backend_of(app)
        owner = backend.accounts()[0]
        family = backend.get_all_archives(owner)[0]
        my_files = backend.root_child(family.id, "My Files")
        with backend.streamed_children(owner, my_files.id, family.id) as (_, children):
            letters = next(c for c in children if c.display_name == "Letters")
        with backend.streamed_children(owner, letters.id, family.id) as (_, children):
            listings.append(sorted(c.display_name for c in children))
        close(app)
    assert listings[0] == listings[1]
    assert len(listings[0]) == 12


def test_login_of_prefers_the_demo_email_and_is_none_for_an_empty_world() -> None:
    """The banner's login is the demo account when there is one, and nobody in an empty world."""
    empty = create_app(Settings(scenario="empty"))
    demo = create_app(Settings())
    try:
        assert (login_of(empty), login_of(demo)) == (None, "demo@example.com")
    finally:
        close(empty)
        close(demo)


@pytest.mark.parametrize(
    ("tree", "says"),
    [
        ([{"file": "a/b.txt"}], "must not contain '/'"),
        ([{"files": 1, "name": "{n}" + "x" * 300}], "at most 255 characters"),
        ([{"files": 1, "name": "{fake.no_such_provider}"}], "cannot be filled"),
        ([{"files": 1, "name": "{n:zz}"}], "cannot be filled"),
        ([{"folder": "F", "children": [{"file": "x\x00y"}]}], "must not contain NUL"),
        ([{"file": "t.txt", "text": "{fake.no_such_provider}"}], "text: "),
    ],
)
def test_plan_refuses_names_and_templates_the_mock_would_refuse(tree: list[dict[str, Any]], says: str) -> None:
    """Every name is rendered and checked before anything is built (a reset must change nothing if it fails)."""
    scenario = scenarios.parse(_archive(my_files=tree))
    with pytest.raises(scenarios.ScenarioError, match=re.escape(says)):
        scenarios.plan(scenario, {})


def test_plan_refuses_an_email_declared_twice_once_filled() -> None:
    """`{demo_email}` and the same address written out are one account twice."""
    scenario = scenarios.parse({"accounts": [{"email": "{demo_email}"}, {"email": "DEMO@example.com"}]})
    with pytest.raises(scenarios.ScenarioError, match="declared twice"):
        scenarios.plan(scenario, {"demo_email": "demo@example.com", "demo_password": "x"})


def test_plan_refuses_an_unknown_placeholder() -> None:
    """A placeholder other than {demo_email}/{demo_password} is named in the error."""
    scenario = scenarios.parse({"accounts": [{"email": "{who}@example.com"}]})
    with pytest.raises(scenarios.ScenarioError, match="unknown placeholder"):
        scenarios.plan(scenario, {"demo_email": "d@x", "demo_password": "p"})


def test_first_start_with_a_bad_scenario_builds_nothing_and_the_next_start_builds(tmp_path: Path) -> None:
    """A scenario that fails its plan leaves the data directory new: the next start (a good scenario) builds."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts: [{email: a@example.com}]\narchives: [{name: 'a/b', owner: a@example.com}]\n")
    data_dir = tmp_path / "data"
    with pytest.raises(scenarios.ScenarioError, match="must not contain '/'"):
        create_app(Settings(data_dir=data_dir, scenario=str(bad)))
    app = create_app(Settings(data_dir=data_dir))
    try:
        assert [a.email for a in backend_of(app).accounts()] == ["demo@example.com", "other@example.com"]
    finally:
        close(app)


def test_ephemeral_start_with_a_bad_scenario_leaves_no_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ephemeral mock whose scenario fails its plan removes its temporary directory on the way out."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts: [{email: a@example.com}]\narchives: [{name: 'a/b', owner: a@example.com}]\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # this test's own temporary directory
    with pytest.raises(scenarios.ScenarioError):
        create_app(Settings(scenario=str(bad)))
    assert list(scratch.iterdir()) == []
