"""Spaces through `call`: get, create from a template, update, delete; members, threads, guests.

Checked against the stand-in's store; expectations from Cybozu's documentation (KDEV get-space,
add-space-from-template, update-space, update-space-body, delete-space, get/update-space-members,
add-thread, update-thread, add-guests, delete-guests, update-space-guests).
"""

from __future__ import annotations

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import ReferenceScript
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.runtime.test_end_to_end import ok

SATO_ADMIN = {"entity": {"type": "USER", "code": "sato"}, "isAdmin": True}
SUZUKI = {"entity": {"type": "USER", "code": "suzuki"}, "isAdmin": False}
GUEST = {"code": "partner@example.com", "name": "Partner", "password": "p4ss", "timezone": "UTC"}


def _as(
    login: str, package: ConnectorPackage, script: ReferenceScript, kintone: StandIn
) -> ConnectorRuntime:
    password = f"{login}-pass"
    connection = {"domain": kintone.domain, "username": login, "password": password}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=script, transport=transport)


def test_get_and_update_a_space(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    space = ok(runtime.call("GetSpace", {"id": "7"}))
    assert (space["id"], space["name"], space["defaultThread"]) == ("7", "Sales team", "8")
    assert space["isGuest"] is False and space["memberCount"] == "2"
    body = {"id": "7", "name": "Sales", "showAppList": False, "permissions": {"createApp": "ADMIN"}}
    assert ok(runtime.call("UpdateSpace", body=body)) == {}
    stored = kintone.store.spaces["7"]
    assert stored.name == "Sales" and stored.settings["showAppList"] is False
    assert stored.settings["permissions"] == {"createApp": "ADMIN"}
    ok(runtime.call("UpdateSpaceBody", body={"id": "7", "body": "<b>Quarter closed</b>"}))
    assert ok(runtime.call("GetSpace", {"id": "7"}))["body"] == "<b>Quarter closed</b>"


def test_only_a_space_administrator_changes_a_space(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("suzuki", package, reference_script, kintone)
    assert ok(runtime.call("GetSpace", {"id": "7"}))["name"] == "Sales team"
    result = runtime.call("UpdateSpace", body={"id": "7", "name": "Mine"})
    assert result.response.status == 403 and result.body["code"] == "CB_NO02"
    assert kintone.store.spaces["7"].name == "Sales team"


def test_space_apis_refuse_api_tokens(connect: Connect) -> None:
    result = connect().call("GetSpace", {"id": "7"})
    assert result.response.status == 403 and result.body["code"] == "GAIA_NO01"


def test_members_are_replaced_and_need_an_administrator(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    members = ok(runtime.call("GetSpaceMembers", {"id": "7"}))["members"]
    assert {m["entity"]["code"] for m in members} == {"sato", "suzuki"}
    managers = {"entity": {"type": "GROUP", "code": "managers"}, "isAdmin": True}
    ok(runtime.call("UpdateSpaceMembers", body={"id": "7", "members": [managers]}))
    after = ok(runtime.call("GetSpaceMembers", {"id": "7"}))["members"]
    assert after == [{"entity": {"type": "GROUP", "code": "managers"}, "isAdmin": True}]
    assert kintone.store.spaces["7"].members == frozenset({"sato"})
    no_admin = {"id": "7", "members": [SUZUKI]}
    result = runtime.call("UpdateSpaceMembers", body=no_admin)
    assert result.response.status == 400 and "members" in result.body["errors"]


def test_add_and_update_a_thread(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    thread = ok(runtime.call("AddThread", body={"space": "7", "name": "Ideas"}))["id"]
    assert kintone.store.spaces["7"].threads[thread].name == "Ideas"
    ok(runtime.call("UpdateThread", body={"id": thread, "name": "Backlog", "body": "<p>x</p>"}))
    stored = kintone.store.spaces["7"].threads[thread]
    assert (stored.name, stored.body) == ("Backlog", "<p>x</p>")
    body = {"space": "7", "thread": thread, "comment": {"text": "First idea"}}
    ok(runtime.call("AddThreadComment", body=body))
    assert stored.comments[0]["text"] == "First idea"


def test_create_from_a_template_and_delete(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    body = {"id": "1", "name": "Launch", "members": [SATO_ADMIN, SUZUKI], "isPrivate": True}
    space = ok(runtime.call("AddSpaceFromTemplate", body=body))["id"]
    stored = kintone.store.spaces[space]
    assert stored.name == "Launch" and stored.settings["isPrivate"] is True
    assert stored.members == frozenset({"sato", "suzuki"})
    app = ok(runtime.call("AddApp", body={"name": "Launch tasks", "space": space}))["app"]
    attached = ok(runtime.call("GetSpace", {"id": space}))["attachedApps"]
    assert [a["appId"] for a in attached] == [app]
    assert ok(runtime.call("DeleteSpace", {"id": space})) == {}
    assert space not in kintone.store.spaces and app not in kintone.store.apps
    gone = runtime.call("GetSpace", {"id": space})
    assert gone.response.status == 404 and gone.body["code"] == "GAIA_SP01"


def test_a_template_space_needs_an_administrator_among_its_members(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    before = set(kintone.store.spaces)
    body = {"id": "1", "name": "Nobody runs it", "members": [SUZUKI]}
    result = runtime.call("AddSpaceFromTemplate", body=body)
    assert result.response.status == 400 and result.body["code"] == "CB_VA01"
    assert set(kintone.store.spaces) == before


def test_guests_of_a_guest_space(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as("sato", package, reference_script, kintone)
    body = {"id": "1", "name": "Partners", "members": [SATO_ADMIN], "isGuest": True}
    space = ok(runtime.call("AddSpaceFromTemplate", body=body))["id"]
    assert kintone.store.spaces[space].guest is True
    unknown = runtime.call(
        "UpdateSpaceGuests", {"guestSpaceId": space}, {"id": space, "guests": [GUEST["code"]]}
    )
    assert unknown.response.status == 400 and "guests[0]" in unknown.body["errors"]
    ok(runtime.call("AddGuests", body={"guests": [GUEST]}))
    assert "password" not in kintone.store.guests[GUEST["code"]]
    ok(
        runtime.call(
            "UpdateSpaceGuests", {"guestSpaceId": space}, {"id": space, "guests": [GUEST["code"]]}
        )
    )
    assert runtime.sent[-1].url.endswith(f"/k/guest/{space}/v1/space/guests.json")
    assert kintone.store.spaces[space].guests == [GUEST["code"]]
    guest_space = ok(runtime.call("GetSpace", {"id": space, "guestSpaceId": space}))
    assert guest_space["isGuest"] is True and guest_space["isPrivate"] is True
    ok(runtime.call("DeleteGuests", {"guests": GUEST["code"]}))
    assert GUEST["code"] not in kintone.store.guests
    assert kintone.store.spaces[space].guests == []
    # A guest space through the normal path is refused (kintone-api.md §1.2, GAIA_IL23).
    normal = runtime.call("GetSpace", {"id": space})
    assert normal.response.status == 400 and normal.body["code"] == "GAIA_IL23"
