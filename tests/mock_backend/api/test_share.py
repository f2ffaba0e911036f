"""Tests of mock_backend.api.share: generateShareLink (idempotent per item) and updateShareLink (§6.11, §6.12)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mock_backend.config import Quirks
from mock_backend.domain import messages
from mock_backend.domain.models import Role
from tests.conftest import Api, World, error_key, ok

GENERATE = "/api/share/generateShareLink"
UPDATE = "/api/share/updateShareLink"


def _link_id(api: Api, world: World, name: str = "Documents") -> int:
    return int(api.child(world.my_files, world.demo_archive, name)["folder_linkId"])


def test_generate_share_link_answers_share_link_vo(api: Api, world: World) -> None:
    """generateShareLink answers a ShareLinkVO for the item, made by the caller, with defaults."""
    link_id = _link_id(api, world)
    share = ok(api.post(GENERATE, {"folderLinkId": link_id}))
    account_id = ok(api.get("/api/account/getAuthenticatedAccount"))["accountId"]
    assert (
        share["folder_linkId"],
        share["byAccountId"],
        share["byArchiveId"],
        share["maxUses"],
        share["defaultAccessRole"],
        share["expiresDT"],
    ) == (link_id, account_id, world.demo_archive, 0, Role.VIEWER.value, None)


def test_generate_share_link_token_is_64_hex(api: Api, world: World) -> None:
    """urlToken is 64 lower-case hex digits, and shareUrl ends with it."""
    share = ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world)}))
    assert (
        re.fullmatch(r"[0-9a-f]{64}", share["urlToken"]) is not None,
        share["shareUrl"].endswith(share["urlToken"]),
    ) == (
        True,
        True,
    )


def test_generate_share_link_for_record_works(api: Api, world: World) -> None:
    """A record's folder_linkId can be shared too."""
    share = ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world, "welcome.txt")}))
    assert share["folder_linkId"] == _link_id(api, world, "welcome.txt")


def test_generate_share_link_twice_answers_same_link_unchanged(api: Api, world: World) -> None:
    """A second generateShareLink for the item answers the first link unchanged, whatever it asks for."""
    link_id = _link_id(api, world)
    first = ok(api.post(GENERATE, {"folderLinkId": link_id}))
    second = ok(
        api.post(
            GENERATE,
            {"folderLinkId": link_id, "maxUses": 5, "previewToggle": True, "defaultAccessRole": Role.EDITOR.value},
        )
    )
    assert second == first


def test_generate_share_link_other_items_get_other_links(api: Api, world: World) -> None:
    """Different items get different links and tokens."""
    first = ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world, "Documents")}))
    second = ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world, "Photos")}))
    assert (first["shareby_urlId"] != second["shareby_urlId"], first["urlToken"] != second["urlToken"]) == (True, True)


def test_generate_share_link_string_link_id_is_accepted(api: Api, world: World) -> None:
    """folderLinkId may be an integer-valued string."""
    link_id = _link_id(api, world)
    assert ok(api.post(GENERATE, {"folderLinkId": str(link_id)}))["folder_linkId"] == link_id


@pytest.mark.parametrize(
    ("settings_overrides", "expected"),
    [({}, (0, 1)), ({"quirks": Quirks(sharelink_integer_toggles=False)}, (False, True))],
    ids=["quirk-on-integers", "quirk-off-booleans"],
)
def test_generate_share_link_toggles_follow_integer_toggles_quirk(
    api: Api, world: World, expected: tuple[Any, Any]
) -> None:
    """autoApproveToggle/previewToggle are 0/1 with the quirk, booleans without."""
    share = ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world), "previewToggle": True}))
    assert (share["autoApproveToggle"], share["previewToggle"]) == expected
    assert [type(share[k]) for k in ("autoApproveToggle", "previewToggle")] == [type(v) for v in expected]


def test_generate_share_link_viewer_is_no_action_permission_and_creates_nothing(api: Api, world: World) -> None:
    """A viewer may not share: 403, and no link exists afterwards (the owner's first generate makes it)."""
    recipes = api.child(world.family_my_files, world.family_archive, "Recipes")["folder_linkId"]
    response = api.post(GENERATE, {"folderLinkId": recipes})
    other_id = ok(api.get("/api/account/getAuthenticatedAccount", "other"))["accountId"]
    made = ok(api.post(GENERATE, {"folderLinkId": recipes}, "other"))
    assert (response.status_code, error_key(response), made["byAccountId"]) == (
        403,
        messages.NO_ACTION_PERMISSION,
        other_id,
    )


def test_generate_share_link_other_accounts_item_is_share_lookup(api: Api, world: World) -> None:
    """Another account's item answers 404 error.share.lookup."""
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")["folder_linkId"]
    response = api.post(GENERATE, {"folderLinkId": secret})
    assert (response.status_code, error_key(response)) == (404, messages.SHARE_LOOKUP)


def test_generate_share_link_unknown_item_is_share_lookup(api: Api) -> None:
    """An unknown folderLinkId answers 404 error.share.lookup."""
    response = api.post(GENERATE, {"folderLinkId": 987654})
    assert (response.status_code, error_key(response)) == (404, messages.SHARE_LOOKUP)


def test_generate_share_link_missing_link_id_is_validation_empty(api: Api) -> None:
    """generateShareLink without folderLinkId answers 400 warning.validation.empty."""
    response = api.post(GENERATE, {"maxUses": 1})
    assert (response.status_code, error_key(response)) == (400, messages.VALIDATION_EMPTY)


def test_generate_share_link_unknown_role_is_invalid_request(api: Api, world: World) -> None:
    """An unknown defaultAccessRole answers 400 error.api.invalid_request."""
    response = api.post(GENERATE, {"folderLinkId": _link_id(api, world), "defaultAccessRole": "access.role.king"})
    assert (response.status_code, error_key(response)) == (400, messages.INVALID_REQUEST)


def test_generate_share_link_root_folder_answers_catalogued_400(api: Api, world: World) -> None:
    """Sharing a root folder is refused with 400 and a message key from the catalogue in messages.py."""
    my_files = api.root_child(world.demo_archive, "My Files")["folder_linkId"]
    response = api.post(GENERATE, {"folderLinkId": my_files})
    catalogue = {value for name, value in vars(messages).items() if name.isupper()}
    assert (response.status_code, error_key(response) in catalogue) == (400, True)


# ---------------------------------------------------------------- updateShareLink
def _generate(api: Api, world: World) -> dict[str, Any]:
    return dict(ok(api.post(GENERATE, {"folderLinkId": _link_id(api, world)})))


UPDATES = {
    "maxUses": ({"maxUses": 10}, "maxUses", 10),
    "previewToggle": ({"previewToggle": True}, "previewToggle", 1),
    "autoApproveToggle": ({"autoApproveToggle": True}, "autoApproveToggle", 1),
    "defaultAccessRole": ({"defaultAccessRole": Role.EDITOR.value}, "defaultAccessRole", Role.EDITOR.value),
    "expiresDT": ({"expiresDT": "2030-01-01T00:00:00.000Z"}, "expiresDT", "2030-01-01T00:00:00"),
    "expiresDT-offset": ({"expiresDT": "2030-01-01T02:00:00+02:00"}, "expiresDT", "2030-01-01T00:00:00"),
}


@pytest.mark.parametrize(("change", "field", "expected"), UPDATES.values(), ids=UPDATES.keys())
def test_update_share_link_answers_changed_field(
    api: Api, world: World, change: dict[str, Any], field: str, expected: Any
) -> None:
    """updateShareLink answers the link with the field changed (expiresDT back in naive-UTC PHP form)."""
    share = _generate(api, world)
    updated = ok(api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], **change}))
    assert updated[field] == expected


@pytest.mark.parametrize(("change", "field", "expected"), UPDATES.values(), ids=UPDATES.keys())
def test_update_share_link_change_persists(
    api: Api, world: World, change: dict[str, Any], field: str, expected: Any
) -> None:
    """An update is stored: the next generateShareLink for the item answers the changed field."""
    share = _generate(api, world)
    ok(api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], **change}))
    assert _generate(api, world)[field] == expected


def test_update_share_link_all_fields_at_once_persist(api: Api, world: World) -> None:
    """Every field sent in one update is stored, and the others are kept."""
    share = _generate(api, world)
    ok(
        api.post(
            UPDATE,
            {
                "shareByUrlId": share["shareby_urlId"],
                "maxUses": 3,
                "previewToggle": True,
                "autoApproveToggle": True,
                "defaultAccessRole": Role.CONTRIBUTOR.value,
                "expiresDT": "2031-06-30T12:34:56.000Z",
            },
        )
    )
    stored = _generate(api, world)
    assert (
        stored["maxUses"],
        stored["previewToggle"],
        stored["autoApproveToggle"],
        stored["defaultAccessRole"],
        stored["expiresDT"],
        stored["urlToken"],
    ) == (3, 1, 1, Role.CONTRIBUTOR.value, "2031-06-30T12:34:56", share["urlToken"])


def test_update_share_link_null_expiry_clears_it(api: Api, world: World) -> None:
    """expiresDT null removes an expiry set before."""
    share = _generate(api, world)
    ok(api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], "expiresDT": "2030-01-01T00:00:00.000Z"}))
    cleared = ok(api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], "expiresDT": None}))
    assert cleared["expiresDT"] is None


def test_update_share_link_unknown_id_is_share_lookup(api: Api) -> None:
    """An unknown shareByUrlId answers 404 error.share.lookup."""
    response = api.post(UPDATE, {"shareByUrlId": 987654, "maxUses": 1})
    assert (response.status_code, error_key(response)) == (404, messages.SHARE_LOOKUP)


def test_update_share_link_other_accounts_link_is_share_lookup(api: Api, world: World) -> None:
    """A link in an archive the caller cannot see answers 404 error.share.lookup and stays unchanged."""
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")["folder_linkId"]
    share = ok(api.post(GENERATE, {"folderLinkId": secret}, "other"))
    response = api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], "maxUses": 99})
    again = ok(api.post(GENERATE, {"folderLinkId": secret}, "other"))
    assert (response.status_code, error_key(response), again["maxUses"]) == (404, messages.SHARE_LOOKUP, 0)


def test_update_share_link_viewer_is_no_action_permission(api: Api, world: World) -> None:
    """A viewer may not change a link of the shared archive: 403, and the link stays unchanged."""
    recipes = api.child(world.family_my_files, world.family_archive, "Recipes")["folder_linkId"]
    share = ok(api.post(GENERATE, {"folderLinkId": recipes}, "other"))
    response = api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], "maxUses": 99})
    again = ok(api.post(GENERATE, {"folderLinkId": recipes}, "other"))
    assert (response.status_code, error_key(response), again["maxUses"]) == (403, messages.NO_ACTION_PERMISSION, 0)


@pytest.mark.parametrize(
    "change",
    [{"expiresDT": "next tuesday"}, {"expiresDT": ""}, {"maxUses": -1}, {"previewToggle": "yes"}],
    ids=["bad-date", "empty-date", "negative-uses", "string-toggle"],
)
def test_update_share_link_bad_value_is_invalid_request_and_changes_nothing(
    api: Api, world: World, change: dict[str, Any]
) -> None:
    """A malformed value answers 400 error.api.invalid_request and leaves the link as it was."""
    share = _generate(api, world)
    response = api.post(UPDATE, {"shareByUrlId": share["shareby_urlId"], **change})
    assert (response.status_code, error_key(response), _generate(api, world)) == (
        400,
        messages.INVALID_REQUEST,
        share,
    )
