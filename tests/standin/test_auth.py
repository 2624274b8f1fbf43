"""Authentication and access: API tokens, passwords, OAuth, Basic auth, guest spaces, overrides."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from generator.devtools.standin import StandIn

from .helpers import Client, password_headers, request, token_headers


def get_record(kintone: StandIn, headers: dict[str, str], app: int = 2) -> Any:
    return request(f"{kintone.url}/k/v1/record.json?app={app}&id=1", headers=headers)


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "CB_AU01"),
        (token_headers("deals-view"), 200, None),
        (token_headers("customers-view", "deals-view"), 200, None),
        (token_headers("customers-view"), 400, "GAIA_IA02"),
        (token_headers("no-such-token"), 400, "GAIA_IA02"),
        # cli-kintone's end-to-end tests on kintone: a valid token beside an unknown one fails.
        (token_headers("deals-view", "no-such-token"), 400, "GAIA_IA02"),
        (token_headers("deals-add"), 403, "GAIA_NO01"),
        (token_headers("deals-view", "deals-full"), 400, "GAIA_DA03"),
        (token_headers(*[f"t{i}" for i in range(10)]), 400, "CB_VA01"),
        (password_headers("sato", "sato-pass"), 200, None),
        (password_headers("sato", "wrong"), 401, "CB_WA01"),
        ({"X-Cybozu-Authorization": "not base64!"}, 401, "CB_WA01"),
        ({**password_headers("suzuki", "suzuki-pass"), **token_headers("bogus")}, 200, None),
        ({"Authorization": "Bearer oauth-sato-read"}, 200, None),
        ({"Authorization": "Bearer expired"}, 401, "CB_WA01"),
    ],
    ids=[
        "none",
        "token",
        "token-list",
        "other-app",
        "unknown",
        "valid-and-unknown",
        "no-permission",
        "duplicate",
        "ten-tokens",
        "password",
        "wrong-password",
        "bad-header",
        "password-wins",
        "oauth",
        "oauth-unknown",
    ],
)
def test_credentials(
    kintone: StandIn, headers: dict[str, str], status: int, code: str | None
) -> None:
    reply = get_record(kintone, headers)
    assert (reply.status, reply.code) == (status, code)


def test_token_error_messages_are_kintones(kintone: StandIn) -> None:
    # The words real kintone answers, as cli-kintone's end-to-end tests record them
    # (features/record/common.feature "Incorrect API token").
    reply = get_record(kintone, token_headers("no-such-token"))
    assert reply.body["message"] == (
        "The specified API token does not match the API token generated via an app."
    )
    # features/record/import.feature "A duplicate API token for the same app".
    reply = get_record(kintone, token_headers("deals-view", "deals-full"))
    assert reply.body["message"] == "You cannot specify a duplicate API token for the same app."


def test_token_permissions_per_operation(kintone: StandIn) -> None:
    view = Client(kintone.url, token_headers("deals-view"))
    assert view.post("record", {"app": 2, "record": {}}).code == "GAIA_NO01"
    assert view.put("record", {"app": 2, "id": 1}).code == "GAIA_NO01"
    assert view.delete("records", {"app": 2, "ids": [1]}).code == "GAIA_NO01"
    assert view.get("app/form/fields", app=2).status == 200
    assert view.get("app/status", app=2).status == 200
    assert view.get("preview/app/status", app=2).code == "GAIA_NO01"
    assert view.get("app/actions", app=2).code == "GAIA_NO01"
    add = Client(kintone.url, token_headers("deals-add"))
    record = {"Title": {"value": "t"}, "Amount": {"value": "1"}}
    assert add.post("record", {"app": 2, "record": record}).status == 200
    assert add.get("app/status", app=2).status == 200


def test_oauth_scopes_and_admin_rights(kintone: StandIn) -> None:
    read = Client(kintone.url, {"Authorization": "Bearer oauth-sato-read"})
    assert read.post("record", {"app": 2, "record": {}}).code == "CB_NO02"
    assert read.get("preview/app/actions", app=2).status == 200
    assert read.put("preview/app/status", {"app": 2, "enable": False}).code == "CB_NO02"
    full = Client(kintone.url, {"Authorization": "Bearer oauth-sato-all"})
    assert full.put("preview/app/status", {"app": 2, "enable": False}).status == 200
    user = Client(kintone.url, password_headers("suzuki", "suzuki-pass"))
    assert user.get("record", app=2, id=1).status == 200
    assert user.get("preview/app/status", app=2).code == "CB_NO02"  # not an app administrator


def test_basic_auth_layer(start: Callable[..., StandIn], seed_doc: dict[str, Any]) -> None:
    seed_doc["domain"]["basicAuth"] = {"user": "gate", "password": "keeper"}
    kintone = start(seed_doc)
    bare = get_record(kintone, token_headers("deals-view"))
    assert bare.status == 401 and bare.headers["WWW-Authenticate"].startswith("Basic ")
    basic = "Basic " + base64.b64encode(b"gate:keeper").decode()
    assert (
        get_record(kintone, {**token_headers("deals-view"), "Authorization": basic}).status == 200
    )
    assert get_record(kintone, {"Authorization": basic}).code == "CB_AU01"


def test_guest_space_paths(kintone: StandIn) -> None:
    guest = Client(kintone.url, token_headers("guest-full"), guest="5")
    assert guest.get("record", app=4, id=1).body["record"]["Task"]["value"] == "Review the proposal"
    normal = Client(kintone.url, token_headers("guest-full"))
    assert normal.get("record", app=4, id=1).code == "GAIA_IL23"
    wrong_space = Client(kintone.url, token_headers("guest-full"), guest="6")
    assert (
        wrong_space.get("record", app=4, id=1).status,
        wrong_space.get("record", app=4, id=1).code,
    ) == (
        403,
        "CB_NO02",
    )
    normal_app = Client(kintone.url, token_headers("deals-view"), guest="5")
    reply = normal_app.get("record", app=2, id=1)
    assert (reply.status, reply.code) == (403, "CB_NO02")
    record = {"Task": {"value": "Guest work"}}
    added = guest.post("record", {"app": "4", "record": record})
    assert added.status == 200
    assert (
        guest.get("record", app=4, id=added.body["id"]).body["record"]["Due"]["value"]
        == "2025-05-01"
    )


def test_method_override(kintone: StandIn) -> None:
    deals = Client(kintone.url, token_headers("deals-full"))
    reply = deals.send("POST", "records", {"app": 2, "ids": [1]}, {"X-HTTP-Method-Override": "GET"})
    assert reply.status == 200 and len(reply.body["records"]) == 2
    deleted = deals.send(
        "POST", "records", {"app": 2, "ids": [1]}, {"X-HTTP-Method-Override": "DELETE"}
    )
    assert deleted.body == {}
    # Only on POST, and only in capitals: otherwise the header is ignored.
    lower = deals.send("POST", "record", {"app": 2, "id": 2}, {"X-HTTP-Method-Override": "get"})
    assert lower.code == "CB_VA01"  # run as POST record.json: Title and Amount are missing
    put = deals.send("PUT", "record", {"app": 2, "id": 2}, {"X-HTTP-Method-Override": "GET"})
    assert put.body == {"revision": "2"}
