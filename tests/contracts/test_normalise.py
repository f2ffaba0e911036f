"""Tests of contracts.normalise: placeholders, scrubbing and JSON shapes."""

from __future__ import annotations

import pytest

from contracts.normalise import Normaliser, bytes_placeholder, json_type, shape, timestamp_format

RUN_ID = "250131120000-3fa9"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-01-02T15:04:05", "php", id="php"),
        pytest.param("2024-01-02T15:04:05.000Z", "millis-z", id="stela"),
        pytest.param("2024-01-02T15:04:05+00:00", "offset", id="offset"),
        pytest.param("2024-01-02T15:04:05Z", "z", id="zulu"),
        pytest.param("20240102T150405Z", "amz", id="amz"),
        pytest.param("Documents", None, id="not-a-timestamp"),
    ],
)
def test_timestamp_format_names_each_format(value: str, expected: str | None) -> None:
    """Each timestamp format gets its own name, so a format change is visible as a type change."""
    assert timestamp_format(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "null", id="null"),
        pytest.param(True, "boolean", id="boolean"),
        pytest.param(3, "integer", id="integer"),
        pytest.param(3.0, "integer", id="integral-float"),
        pytest.param(3.5, "number", id="fraction"),
        pytest.param("x", "string", id="string"),
        pytest.param("2024-01-02T15:04:05", "string<ts:php>", id="php-timestamp"),
        pytest.param([], "array", id="array"),
        pytest.param({}, "object", id="object"),
    ],
)
def test_json_type_names_json_types(value: object, expected: str) -> None:
    """JSON types are named as JSON Schema does; booleans are not integers."""
    assert json_type(value) == expected


def test_shape_merges_array_items_and_lists_every_path() -> None:
    """Array items share one `[]` path whose types are merged."""
    body = {"items": [{"id": 1, "name": "a"}, {"id": "2", "extra": None}], "empty": []}
    assert shape(body) == {
        "$": "object",
        "$.empty": "array",
        "$.items": "array",
        "$.items[]": "object",
        "$.items[].extra": "null",
        "$.items[].id": "integer|string",
        "$.items[].name": "string",
    }


def test_same_id_gets_same_placeholder_whatever_its_json_type() -> None:
    """An id sent as a query string and answered as an integer maps to one placeholder."""
    normaliser = Normaliser()
    assert normaliser.query([("folderId", "42")]) == {"folderId": "<id:folder:1>"}
    assert normaliser.value({"folderId": 42, "parentFolderId": 7}) == {
        "folderId": "<id:folder:1>",
        "parentFolderId": "<id:folder:2>",
    }


def test_placeholders_are_numbered_per_kind_in_order_of_appearance() -> None:
    """Numbering restarts for each kind, so adding a record does not renumber folders."""
    normaliser = Normaliser()
    body = {"recordId": 900, "folderId": 5, "folder_linkId": 6, "parentFolder": {"id": "4"}}
    assert normaliser.value(body) == {
        "recordId": "<id:record:1>",
        "folderId": "<id:folder:1>",
        "folder_linkId": "<id:link:1>",
        "parentFolder": {"id": "<id:folder:2>"},
    }


def test_stela_item_ids_of_bare_arrays_and_data_answers_get_placeholders() -> None:
    """The `id` of a bare top-level array's items (GET /record), of `{"data": …}` and of a creator are ids."""
    normaliser = Normaliser()
    records = normaliser.value([{"id": "173", "recordId": "173"}])
    link = normaliser.value({"data": {"id": "6", "creatorAccount": {"id": "2"}}})
    assert (records, link) == (
        [{"id": "<id:stela-item:1>", "recordId": "<id:record:1>"}],
        {"data": {"id": "<id:stela-item:2>", "creatorAccount": {"id": "<id:account:1>"}}},
    )


def test_secrets_and_tokens_are_scrubbed() -> None:
    """Passwords, refresh tokens and JWTs never reach a snapshot."""
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLXZhbHVl"
    body = {"password": "hunter2", "refreshToken": "abc", "token": jwt, "note": jwt, "client_secret": "s"}
    assert Normaliser().value(body) == {
        "password": "<secret>",
        "refreshToken": "<secret>",
        "token": "<jwt>",
        "note": "<jwt>",
        "client_secret": "<secret>",
    }


def test_run_id_in_names_becomes_run_placeholder() -> None:
    """Names carry the run id; any run id (even another run's) becomes `<run>`."""
    normaliser = Normaliser(RUN_ID)
    assert normaliser.value({"displayName": f"contract-{RUN_ID}-twin (1)"}) == {
        "displayName": "contract-<run>-twin (1)"
    }
    assert normaliser.text("contract-240101000000-abcd-x") == "contract-<run>-x"


def test_signed_urls_become_one_placeholder_keeping_the_path_form() -> None:
    """A signed download URL changes at every signing: only the form of its path survives, digits hidden."""
    url = "http://mock.local/cdn/files/7?Expires=1&Signature=abc&Key-Pair-Id=mock"
    assert Normaliser().value({"downloadURL": url}) == {"downloadURL": "<signed-url:/cdn/files/n>"}


def test_cloudfront_and_mock_signed_urls_normalise_apart() -> None:
    """Permanent's CloudFront form and the mock's form stay distinguishable, so a compare sees the difference."""
    cdn = "https://cdn2.permanent.org/originals/7/7?t=1&Expires=1&Signature=abc&Key-Pair-Id=K"
    assert Normaliser().value({"fileURL": cdn}) == {"fileURL": "<signed-url:/originals/n/n>"}


def test_next_page_url_keeps_its_shape_with_placeholders() -> None:
    """Stela's nextPage keeps its path and query, with the origin and ids replaced."""
    normaliser = Normaliser()
    url = "https://www.permanent.org/api/v2/folder/189434/children?pageSize=100&cursor=1575064"
    assert normaliser.url(url) == "<origin>/api/v2/folder/<id:folder:1>/children?pageSize=100&cursor=<id:link:1>"


def test_share_link_ids_asked_for_match_the_ids_of_the_links_answered() -> None:
    """`shareLinkIds[]` in a query or a nextPage gets the placeholder of the link's `id`, so a scenario's
    snapshot does not depend on how many links the target's world held before it."""
    normaliser = Normaliser()
    asked = normaliser.query([("shareLinkIds[]", "5")])
    page = normaliser.value(
        {
            "items": [{"id": "5"}],
            "pagination": {"nextPage": "https://h/api/v2/share-links?shareLinkIds%5B%5D=5&pageSize=10&cursor=5"},
        }
    )
    assert (asked, page) == (
        {"shareLinkIds[]": "<id:stela-item:1>"},
        {
            "items": [{"id": "<id:stela-item:1>"}],
            "pagination": {
                "nextPage": "<origin>/api/v2/share-links"
                "?shareLinkIds%5B%5D=<id:stela-item:1>&pageSize=10&cursor=<id:link:1>"
            },
        },
    )


def test_share_url_token_matches_url_token_placeholder() -> None:
    """shareUrl and urlToken name the same token."""
    token = "b6b457c4e2f1a0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7a805"
    body = {"urlToken": token, "shareUrl": f"https://local.permanent.org/share/{token}"}
    assert Normaliser().value(body) == {
        "urlToken": "<token:urlToken:1>",
        "shareUrl": "<origin>/share/<token:urlToken:1>",
    }


def test_timestamps_emails_and_archive_numbers_get_placeholders() -> None:
    """Volatile strings are replaced by placeholders naming what they were."""
    body = {"createdDT": "2024-01-02T15:04:05", "primaryEmail": "demo@example.com", "archiveNbr": "0001-0000"}
    assert Normaliser().value(body) == {
        "createdDT": "<ts:php>",
        "primaryEmail": "<name:email:1>",
        "archiveNbr": "<token:archiveNbr:1>",
    }


def test_uuids_share_one_placeholder_family() -> None:
    """A FusionAuth user id shows up as user.id, subject and userId: one placeholder for all three."""
    uuid = "5a4e8a44-1b7c-4d0e-9a63-2f1d6c9b8e70"
    normaliser = Normaliser()
    assert normaliser.value({"user": {"id": uuid}, "subject": uuid, "userId": uuid.upper()}) == {
        "user": {"id": "<token:uuid:1>"},
        "subject": "<token:uuid:1>",
        "userId": "<token:uuid:1>",
    }


def test_numbers_in_detail_sentences_are_hidden() -> None:
    """A human `detail` often names an id; its numbers become `<n>`."""
    assert Normaliser().value({"detail": "record 163 not found"}) == {"detail": "record <n> not found"}


def test_bytes_placeholder_depends_only_on_content() -> None:
    """Equal bytes give equal placeholders; the length is shown."""
    assert bytes_placeholder(b"abc") == bytes_placeholder(b"abc")
    assert bytes_placeholder(b"abc").startswith("<bytes:3:")
    assert bytes_placeholder(b"abc") != bytes_placeholder(b"abd")


def test_v1_envelope_values_that_vary_by_session_or_world_get_placeholders() -> None:
    """csrf is a secret; breadcrumbs are link ids and archive numbers; the account's spaceLeft is a figure."""
    body = {
        "csrf": "0" * 32,
        "FolderVO": {"folder_linkId": 41, "pathAsFolder_linkId": [3, 41], "pathAsArchiveNbr": ["0001-0003"]},
        "AccountVO": {"spaceLeft": 2146431376, "spaceTotal": 2147483648},
    }
    assert Normaliser().value(body) == {
        "csrf": "<secret>",
        "FolderVO": {
            "folder_linkId": "<id:link:1>",
            "pathAsFolder_linkId": ["<id:link:2>", "<id:link:1>"],
            "pathAsArchiveNbr": ["<token:archiveNbr:1>"],
        },
        "AccountVO": {"spaceLeft": "<figure>", "spaceTotal": 2147483648},
    }
