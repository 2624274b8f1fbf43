"""Post to a space thread and Get views, through the connector runtime against the stand-in."""

from __future__ import annotations

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import ok


def _as_sato(
    package: ConnectorPackage, script: CompiledScriptEngine, kintone: StandIn
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=script, transport=transport)


def test_post_to_a_space_thread_with_mentions(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _as_sato(package, script_engine, kintone)
    mentions = [{"code": "suzuki", "type": "USER"}, {"code": "managers", "type": "GROUP"}]
    body = {"space": "7", "thread": "8", "comment": {"text": "Q3 is closed", "mentions": mentions}}
    assert ok(runtime.call("AddThreadComment", body=body)) == {"id": "1"}
    [stored] = kintone.store.spaces["7"].threads["8"].comments
    assert stored["text"] == "Q3 is closed" and stored["mentions"] == mentions
    assert stored["creator"]["code"] == "sato"


def test_post_to_a_guest_space_thread(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _as_sato(package, script_engine, kintone)
    body = {"space": "5", "thread": "6", "comment": {"text": "Welcome"}}
    ok(runtime.call("AddThreadComment", {"guestSpaceId": "5"}, body))
    assert runtime.sent[-1].url.endswith("/k/guest/5/v1/space/thread/comment.json")
    assert kintone.store.spaces["5"].threads["6"].comments[0]["text"] == "Welcome"


def test_post_to_a_thread_with_an_api_token_gives_kintones_code(connect: Connect) -> None:
    body = {"space": "7", "thread": "8", "comment": {"text": "x"}}
    result = connect().call("AddThreadComment", body=body)
    assert result.response.status == 403 and result.body["code"] == "GAIA_NO01"


def test_get_views(connect: Connect) -> None:
    views = ok(connect().call("GetViews", {"app": "2"}))["views"]
    assert list(views) == ["Open deals", "Meetings", "Board", "(Assigned to me)"]
    assert views["Open deals"]["filterCond"] == 'Stage in ("Lead", "Negotiation")'
    # A view's filter is a query Get records takes as it is.
    query = views["Open deals"]["filterCond"] + " order by " + views["Open deals"]["sort"]
    records = ok(connect().call("GetRecords", {"app": "2", "query": query}))["records"]
    assert {r["Stage"]["value"] for r in records} <= {"Lead", "Negotiation"}
