"""Guest spaces: the guestSpaceId query parameter becomes kintone's /k/guest/<id>/v1/ path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.customcode import (
    guest_rewrite,
    indexed_query,
    record_schema_result,
    record_schema_upstream_url,
)
from generator.devtools.csharp import ScriptSession
from tests.test_customcode_csharp import (
    FIELDS_PATH,
    assert_same_answer,
    open_session,
    run_csharp,
    sent_by,
)

H = "https://example.cybozu.com"
P = "guestSpaceId"

# (incoming URL, URL after the rewrite); shared by the Python and the C# tests.
CASES = [
    (f"{H}/k/v1/records.json?app=1&{P}=4", f"{H}/k/guest/4/v1/records.json?app=1"),
    (f"{H}/k/v1/record.json?{P}=12&app=1&id=3", f"{H}/k/guest/12/v1/record.json?app=1&id=3"),
    (f"{H}/k/v1/records.json?{P}=4", f"{H}/k/guest/4/v1/records.json"),
    (
        f"{H}/k/v1/preview/app/form/fields.json?app=1&{P}=4",
        f"{H}/k/guest/4/v1/preview/app/form/fields.json?app=1",
    ),
    # Empty: not a guest space, but the pair goes so kintone never sees it.
    (f"{H}/k/v1/records.json?app=1&{P}=", f"{H}/k/v1/records.json?app=1"),
    (f"{H}/k/v1/records.json?app=1&{P}", f"{H}/k/v1/records.json?app=1"),
    # The first pair decides; every pair of that name is removed.
    (f"{H}/k/v1/apps.json?{P}=4&limit=5&{P}=9", f"{H}/k/guest/4/v1/apps.json?limit=5"),
    # The webhook integration paths take the guest form too.
    (
        f"{H}/k/integration/v1/preview/app/webhook.json?{P}=4",
        f"{H}/k/guest/4/integration/v1/preview/app/webhook.json",
    ),
    # Other paths keep their path.
    (f"{H}/k/guest/7/v1/records.json?app=1&{P}=4", f"{H}/k/guest/7/v1/records.json?app=1"),
    (f"{H}/k/v1x/records.json?{P}=4", f"{H}/k/v1x/records.json"),
    # Untouched without the parameter; names are compared exactly.
    (f"{H}/k/v1/records.json?app=1", f"{H}/k/v1/records.json?app=1"),
    (
        f"{H}/k/v1/records.json?{P}X=4&guestspaceid=5",
        f"{H}/k/v1/records.json?{P}X=4&guestspaceid=5",
    ),
    (f"{H}/k/v1/records.json", f"{H}/k/v1/records.json"),
    # The id is decoded and re-encoded, so it can never add a path segment.
    (f"{H}/k/v1/record.json?{P}=a%20b", f"{H}/k/guest/a%20b/v1/record.json"),
    (f"{H}/k/v1/record.json?{P}=%34%32", f"{H}/k/guest/42/v1/record.json"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_guest_rewrite(url: str, expected: str) -> None:
    assert guest_rewrite(url, P) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # "/" "?" "#" in the id are escaped; "+" is a plain plus (not form encoding).
        (f"{H}/k/v1/r.json?{P}=a/b?c", f"{H}/k/guest/a%2Fb%3Fc/v1/r.json"),
        (f"{H}/k/v1/r.json?{P}=a%2Fb", f"{H}/k/guest/a%2Fb/v1/r.json"),
        (f"{H}/k/v1/r.json?{P}=1+2", f"{H}/k/guest/1%2B2/v1/r.json"),
        # Broken escapes stay as the characters they are; non-ASCII is UTF-8 encoded.
        (f"{H}/k/v1/r.json?{P}=%zz%4", f"{H}/k/guest/%25zz%254/v1/r.json"),
        (f"{H}/k/v1/r.json?{P}=日", f"{H}/k/guest/%E6%97%A5/v1/r.json"),
        (f"{H}/k/v1/r.json?{P}=%E6%97%A5", f"{H}/k/guest/%E6%97%A5/v1/r.json"),
        (f"{H}/k/v1/r.json?{P}=%ff", f"{H}/k/guest/%FF/v1/r.json"),
        # Fragment and user info survive.
        (f"https://u:p@h:8443/k/v1/r.json?{P}=3#top", "https://u:p@h:8443/k/guest/3/v1/r.json#top"),
    ],
)
def test_guest_rewrite_encoding(url: str, expected: str) -> None:
    assert guest_rewrite(url, P) == expected


def test_guest_rewrite_uses_the_given_parameter_name() -> None:
    url = f"{H}/k/v1/records.json?space=8&{P}=4"
    assert guest_rewrite(url, "space") == f"{H}/k/guest/8/v1/records.json?{P}=4"


def test_record_schema_follows_the_rewritten_guest_path() -> None:
    url = guest_rewrite(f"{H}/k/v1/connector/record-schema.json?app=5&mode=add&{P}=4", P)
    assert (
        record_schema_upstream_url(url, FIELDS_PATH)
        == f"{H}/k/guest/4/v1/app/form/fields.json?app=5"
    )


def test_indexed_query_after_the_rewrite() -> None:
    url = guest_rewrite(f"{H}/k/v1/preview/app/deploy.json?apps=1,2&{P}=4", P)
    assert (
        indexed_query(url, ["apps"])
        == f"{H}/k/guest/4/v1/preview/app/deploy.json?apps%5B0%5D=1&apps%5B1%5D=2"
    )


# ---- C# parity ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_csharp_forwards_the_rewritten_url(session: ScriptSession, url: str, expected: str) -> None:
    run = run_csharp(session, "GetRecords", url, [(200, b'{"records":[]}')])
    assert sent_by(run) == [("GET", expected)]
    assert (run.response and run.response.body) == b'{"records":[]}'


def test_csharp_forwards_method_and_body_unchanged(session: ScriptSession) -> None:
    body = '{"app":"5","record":{"Title":{"value":"日本"}}}'.encode()
    url = f"{H}/k/v1/record.json?{P}=4"
    run = run_csharp(session, "AddRecord", url, [(409, b'{"code":"GAIA_CO02"}')], "POST", body)
    assert [(r.method, r.url, r.body) for r in run.sent] == [
        ("POST", f"{H}/k/guest/4/v1/record.json", body)
    ]
    assert run.response is not None
    assert (run.response.status, run.response.body) == (409, b'{"code":"GAIA_CO02"}')


@pytest.mark.parametrize(
    "url",
    [
        f"{H}/k/v1/connector/record-schema.json?app=5&mode=add&{P}=4",
        f"{H}/k/v1/connector/record-schema.json?{P}=4&app=5&mode=record",
        f"{H}/k/guest/4/v1/connector/record-schema.json?app=5&mode=update",
        f"{H}/k/v1/connector/record-schema.json?app=5&mode=records&{P}=",
    ],
)
def test_csharp_record_schema_in_guest_spaces(session: ScriptSession, url: str) -> None:
    body = b'{"properties":{"T":{"type":"SINGLE_LINE_TEXT","label":"T","required":true}}}'
    run = run_csharp(session, "GetRecordSchema", url, [(200, body)])
    rewritten = guest_rewrite(url, P)
    assert sent_by(run) == [("GET", record_schema_upstream_url(rewritten, FIELDS_PATH))]
    assert_same_answer(run, record_schema_result(rewritten, 200, body))


def test_csharp_indexed_operation_in_a_guest_space(session: ScriptSession) -> None:
    url = f"{H}/k/v1/preview/app/deploy.json?apps=1,2&{P}=4"
    run = run_csharp(session, "GetPreviewAppDeploy", url, [(200, b"{}")])
    assert sent_by(run) == [("GET", indexed_query(guest_rewrite(url, P), ["apps"]))]


def test_csharp_webhook_subscription_drops_the_parameter(session: ScriptSession) -> None:
    url = f"{H}/k/integration/v1/preview/app/webhook.json?{P}=4"
    body = b'{"app":"5","url":"https://cb"}'
    run = run_csharp(
        session, "AddWebhookForAddingRecord", url, [(200, b'{"id":"9"}')], "POST", body
    )
    assert sent_by(run) == [("POST", f"{H}/k/guest/4/integration/v1/preview/app/webhook.json")]
    assert run.response is not None and run.response.status == 201
    # The Location removes the webhook through the same guest space.
    assert run.response.header("Location") == (
        f"{H}/k/integration/v1/preview/app/webhook.json?app=5&id=9&{P}=4"
    )


@pytest.mark.parametrize(
    "space", ["a%2Fb", "1+2", "%zz%4", "%E6%97%A5", "%ff", "%7e", "a%3Fb%23c", "%34%32"]
)
def test_csharp_encodes_guest_ids_like_python(session: ScriptSession, space: str) -> None:
    url = f"{H}/k/v1/record.json?app=1&{P}={space}"
    run = run_csharp(session, "GetRecord", url, [(200, b"{}")])
    assert sent_by(run) == [("GET", guest_rewrite(url, P))]
