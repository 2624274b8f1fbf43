"""Record permission checks, the ACL settings and cross-domain search through `call`.

Expectations: KDEV evaluate-record-permissions (password authentication, view or add permission,
an unknown record ID is an error, table fields at the same level as the others), KDEV
get-app-permissions / get-record-permissions / get-field-permissions (shapes), and
@kintone/rest-api-client's docs/search.md for POST /k/v1/search.json.
"""

from __future__ import annotations

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import ReferenceScript
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.runtime.test_end_to_end import DEAL, ok


def _as_sato(
    package: ConnectorPackage, script: ReferenceScript, kintone: StandIn
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=script, transport=transport)


def test_evaluate_record_permissions(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    ids = sorted(kintone.store.apps["2"].records)[:2]
    rights = ok(runtime.call("EvaluateRecordAcl", {"app": "2", "ids": f"{ids[0]},{ids[1]}"}))
    assert runtime.sent[-1].url.count("ids%5B") == 2 or "ids[1]" in runtime.sent[-1].url
    assert [r["id"] for r in rights["rights"]] == [str(i) for i in ids]
    first = rights["rights"][0]
    assert set(first["record"]) == {"viewable", "editable", "deletable"}
    # Table fields come at the same level as the others; system fields are not listed.
    assert "Item" in first["fields"] and "Items" in first["fields"]
    assert "Record_number" not in first["fields"]
    missing = runtime.call("EvaluateRecordAcl", {"app": "2", "ids": "999999"})
    assert missing.response.status == 404 and missing.body["code"] == "GAIA_RE01"


def test_evaluate_refuses_api_tokens(connect: Connect) -> None:
    result = connect().call("EvaluateRecordAcl", {"app": "2", "ids": "1"})
    assert result.response.status == 403 and result.body["code"] == "GAIA_NO01"


def test_permission_settings(connect: Connect) -> None:
    runtime = connect()
    app_acl = ok(runtime.call("GetAppAcl", {"app": "2"}))
    everyone = [
        r for r in app_acl["rights"] if r["entity"] == {"type": "GROUP", "code": "everyone"}
    ]
    assert everyone and everyone[0]["appEditable"] is False
    assert ok(runtime.call("GetRecordAcl", {"app": "2"}))["revision"].isdecimal()
    assert ok(runtime.call("GetFieldAcl", {"app": "2"}))["rights"] == []
    refused = connect("deals-view").call("GetAppAcl", {"app": "2"})
    assert refused.response.status == 403


def test_search_finds_records_and_thread_comments(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    title = "Harbour crane overhaul"
    body = {
        "app": "2",
        "record": {**DEAL, "Title": {"value": title}, "Deal_code": {"value": "D-990"}},
    }
    record = ok(runtime.call("AddRecord", body=body))["id"]
    post = {"space": "7", "thread": "8", "comment": {"text": "The crane deal is signed"}}
    ok(runtime.call("AddThreadComment", body=post))
    found = ok(runtime.call("Search", body={"query": [{"operator": "AND", "keywords": ["CRANE"]}]}))
    kinds = {hit["type"] for hit in found["hits"]}
    assert kinds == {"RECORD", "THREAD_COMMENT"} and found["nextPageToken"] is None
    hit = next(h for h in found["hits"] if h["type"] == "RECORD")
    assert hit["record"]["recordId"] == record and hit["record"]["appId"] == "2"
    assert hit["record"]["matchedFields"][0]["code"] == "Title"
    assert any("crane" in snippet.lower() for snippet in hit["snippets"])
    only_records = {"query": [{"operator": "AND", "keywords": ["crane"]}], "types": ["RECORD"]}
    assert {h["type"] for h in ok(runtime.call("Search", body=only_records))["hits"]} == {"RECORD"}
    excluded = {
        "query": [{"operator": "AND", "keywords": ["crane"]}],
        "excludeScopes": [{"scope": "APP", "ids": ["2"]}],
    }
    assert {h["type"] for h in ok(runtime.call("Search", body=excluded))["hits"]} == {
        "THREAD_COMMENT"
    }
    negated = {
        "query": [
            {"operator": "AND", "keywords": ["crane"]},
            {"operator": "NOT", "keywords": ["signed"]},
        ]
    }
    assert [h["type"] for h in ok(runtime.call("Search", body=negated))["hits"]] == ["RECORD"]


def test_search_pages_and_refusals(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    for index in range(3):
        record = {
            **DEAL,
            "Title": {"value": f"Pager {index}"},
            "Deal_code": {"value": f"D-98{index}"},
        }
        body = {"app": "2", "record": record}
        ok(runtime.call("AddRecord", body=body))
    query = {"query": [{"operator": "AND", "keywords": ["pager"]}], "limit": 2}
    first = ok(runtime.call("Search", body=query))
    assert len(first["hits"]) == 2 and first["nextPageToken"]
    second = ok(runtime.call("Search", body={**query, "pageToken": first["nextPageToken"]}))
    assert len(second["hits"]) == 1 and second["nextPageToken"] is None
    # docs/search.md: no AND/OR entry gives an empty result; RELEVANCE ASC is refused.
    only_not = {"query": [{"operator": "NOT", "keywords": ["pager"]}]}
    assert ok(runtime.call("Search", body=only_not)) == {"hits": [], "nextPageToken": None}
    wrong = {**query, "sort": {"by": "RELEVANCE", "order": "ASC"}}
    assert runtime.call("Search", body=wrong).body["code"] == "CB_VA01"
    assert runtime.call("Search", body={"query": []}).body["code"] == "CB_VA01"


def test_search_refuses_api_tokens(connect: Connect) -> None:
    body = {"query": [{"operator": "AND", "keywords": ["x"]}]}
    result = connect().call("Search", body=body)
    assert result.response.status == 403 and result.body["code"] == "GAIA_NO01"
