"""Every action of the generated connector, run through the runtime against the stand-in."""

from __future__ import annotations

from generator.devtools.runtime.requests import FileInput
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import DEAL, TOKENS, ok


def test_add_and_read_back_a_record_with_the_apps_fields(connect: Connect) -> None:
    runtime = connect(TOKENS)
    schema = runtime.dynamic_schema(
        {
            "operationId": "GetRecordSchema",
            "parameters": {"app": "2", "mode": "add"},
            "value-path": "schema",
        },
        {},
        None,
    )
    assert schema is not None and {"Title", "Amount", "Items"} <= set(schema["properties"])
    assert "Record_number" not in schema["properties"]
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))
    record = ok(runtime.call("GetRecord", {"app": "2", "id": added["id"]}))["record"]
    assert record["Title"]["value"] == "Support contract"
    assert record["Customer_ID"]["value"] == "C-003"
    assert record["$revision"]["value"] == added["revision"]


def test_body_that_does_not_fit_the_apps_fields_is_reported(connect: Connect) -> None:
    result = connect(TOKENS).call(
        "AddRecord", body={"app": "2", "record": {"Amount": {"value": "lots"}}}
    )
    rules = sorted({(f.rule, f.pointer) for f in result.findings})
    assert ("RUN-02", "/Amount/value") in rules
    assert ("RUN-02", "") in rules  # Title is required and missing
    assert result.response.status == 400  # kintone rejects it too
    assert result.body["code"] == "CB_VA01"


def test_update_by_id_by_update_key_and_a_stale_revision(connect: Connect) -> None:
    runtime = connect(TOKENS)
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))
    by_id = {
        "app": "2",
        "id": added["id"],
        "revision": added["revision"],
        "record": {"Amount": {"value": 3000}},
    }
    updated = ok(runtime.call("UpdateRecord", body=by_id))
    assert int(updated["revision"]) == int(added["revision"]) + 1
    by_key = {
        "app": "2",
        "updateKey": {"field": "Deal_code", "value": "D-900"},
        "record": {"Stage": {"value": "Won"}},
    }
    ok(runtime.call("UpdateRecord", body=by_key))
    stale = runtime.call("UpdateRecord", body=by_id)
    assert stale.response.status == 409 and stale.body["code"] == "GAIA_CO02"


def test_bulk_add_update_upsert_query_and_delete(connect: Connect) -> None:
    runtime = connect(TOKENS)
    rows = [
        {
            "Title": {"value": f"Bulk {i}"},
            "Deal_code": {"value": f"B-{i:03}"},
            "Amount": {"value": i},
            "Priority": {"value": "Low"},
        }
        for i in range(100)
    ]
    added = ok(runtime.call("AddRecords", body={"app": "2", "records": rows}))
    assert len(added["ids"]) == 100
    too_many = runtime.call("AddRecords", body={"app": "2", "records": [*rows, rows[0]]})
    assert too_many.response.status == 400 and too_many.body["code"] == "CB_VA01"
    upsert = {
        "app": "2",
        "upsert": True,
        "records": [
            {
                "updateKey": {"field": "Deal_code", "value": "B-000"},
                "record": {"Amount": {"value": 1}},
            },
            {
                "updateKey": {"field": "Deal_code", "value": "B-999"},
                "record": {
                    "Title": {"value": "New by upsert"},
                    "Amount": {"value": 5},
                    "Priority": {"value": "Low"},
                },
            },
        ],
    }
    operations = [r["operation"] for r in ok(runtime.call("UpdateRecords", body=upsert))["records"]]
    assert operations == ["UPDATE", "INSERT"]
    found = ok(
        runtime.call(
            "GetRecords",
            {
                "app": "2",
                "query": 'Deal_code like "B-" order by $id asc limit 500',
                "fields": ["$id", "Title"],
                "totalCount": True,
            },
        )
    )
    assert found["totalCount"] == "101" and set(found["records"][0]) == {"$id", "Title"}
    ok(runtime.call("DeleteRecords", {"app": "2", "ids": added["ids"][:10]}))
    left = ok(
        runtime.call("GetRecords", {"app": "2", "query": 'Deal_code like "B-"', "totalCount": True})
    )
    assert left["totalCount"] == "91"


def test_cursor_reads_every_page(connect: Connect) -> None:
    runtime = connect("invoices-full")
    rows = [{"Title": {"value": f"Page {i}"}} for i in range(100)]
    for _ in range(3):
        ok(runtime.call("AddRecords", body={"app": "3", "records": rows}))
    cursor = ok(runtime.call("CreateCursor", body={"app": "3", "size": 120}))
    seen: list[str] = []
    while True:
        page = ok(runtime.call("GetCursorRecords", {"id": cursor["id"]}))
        seen += [r["$id"]["value"] for r in page["records"]]
        if not page["next"]:
            break
    assert len(seen) == int(cursor["totalCount"]) == 301 and len(set(seen)) == 301
    again = ok(runtime.call("CreateCursor", body={"app": "3"}))
    ok(runtime.call("DeleteCursor", {"id": again["id"]}))
    gone = runtime.call("GetCursorRecords", {"id": again["id"]})
    assert gone.response.status >= 400


def test_comments_status_and_assignees(connect: Connect) -> None:
    runtime = connect(TOKENS)
    comment = {"text": "Please check", "mentions": [{"code": "sato", "type": "USER"}]}
    posted = ok(runtime.call("AddComment", body={"app": "2", "record": "1", "comment": comment}))
    listed = ok(runtime.call("GetComments", {"app": "2", "record": "1", "order": "desc"}))
    assert listed["comments"][0]["id"] == posted["id"]
    assert listed["comments"][0]["mentions"] == [{"code": "sato", "type": "USER"}]
    ok(runtime.call("DeleteComment", {"app": "2", "record": "1", "comment": posted["id"]}))
    status = ok(runtime.call("GetAppStatus", {"app": "2"}))
    action = status["actions"][0]
    before = ok(runtime.call("GetRecord", {"app": "2", "id": "1"}))["record"]
    moved = ok(
        runtime.call(
            "UpdateStatus",
            body={"app": "2", "id": "1", "action": action["name"], "assignee": "sato"},
        )
    )
    assert int(moved["revision"]) == int(before["$revision"]["value"]) + 2
    ok(runtime.call("UpdateAssignees", body={"app": "2", "id": "1", "assignees": ["suzuki"]}))


def test_upload_a_file_attach_it_and_download_it(connect: Connect) -> None:
    runtime = connect(TOKENS)
    upload = ok(
        runtime.call("UploadFile", {"file": FileInput("report.txt", b"hello", "text/plain")})
    )
    fields = ok(runtime.call("GetFormFields", {"app": "2"}))["properties"]
    file_code = next(code for code, f in fields.items() if f["type"] == "FILE")
    record = {
        **DEAL,
        "Deal_code": {"value": "D-901"},
        file_code: {"value": [{"fileKey": upload["fileKey"]}]},
    }
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": record}))
    stored = ok(runtime.call("GetRecord", {"app": "2", "id": added["id"]}))["record"]
    download_key = stored[file_code]["value"][0]["fileKey"]
    downloaded = runtime.call("DownloadFile", {"fileKey": download_key})
    assert downloaded.response.status == 200 and downloaded.response.body == b"hello"


def test_app_and_form_actions(connect: Connect) -> None:
    runtime = connect(TOKENS)
    assert ok(runtime.call("GetApp", {"id": "2"}))["code"] == "DEALS"
    layout = ok(runtime.call("GetFormLayout", {"app": "2"}))
    assert layout["layout"]
    refused = runtime.call("GetApps")  # kintone refuses API tokens here, as documented
    assert refused.response.status >= 400 and refused.body["code"].startswith(("GAIA", "CB"))


def test_wrong_token_gives_kintones_error_code(connect: Connect) -> None:
    result = connect("customers-full").call("GetRecord", {"app": "2", "id": "1"})
    assert result.response.status in {400, 403, 520}
    assert result.body["code"] == "GAIA_IA02"


def test_settings_change_pre_live_then_deploy_then_live(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    live = ok(runtime.call("GetAppActions", {"app": "2"}))
    name, action = next(iter(live["actions"].items()))
    renamed = {
        name: {**{k: v for k, v in action.items() if k != "id"}, "filterCond": 'Stage in ("Won")'}
    }
    ok(runtime.call("PutPreviewAppActions", body={"app": "2", "actions": renamed}))
    preview = ok(runtime.call("GetPreviewAppActions", {"app": "2"}))
    assert preview["actions"][name]["filterCond"] == 'Stage in ("Won")'
    assert ok(runtime.call("GetAppActions", {"app": "2"}))["actions"][name]["filterCond"] == ""
    status = ok(runtime.call("GetPreviewAppStatus", {"app": "2"}))
    ok(
        runtime.call(
            "PutPreviewAppStatus",
            body={"app": "2", "enable": False, "revision": status["revision"]},
        )
    )
    ok(runtime.call("DeployApp", body={"apps": [{"app": "2"}]}))
    states = [
        ok(runtime.call("GetPreviewAppDeploy", {"apps": ["2"]}))["apps"][0]["status"]
        for _ in range(2)
    ]
    assert states == ["PROCESSING", "SUCCESS"]
    assert ok(runtime.call("GetAppActions", {"app": "2"}))["actions"][name]["filterCond"] == (
        'Stage in ("Won")'
    )
    assert ok(runtime.call("GetAppStatus", {"app": "2"}))["enable"] is False


def test_bulk_status_update(connect: Connect) -> None:
    runtime = connect(TOKENS)
    rows = [{**DEAL, "Deal_code": {"value": f"S-{i}"}} for i in range(2)]
    ids = ok(runtime.call("AddRecords", body={"app": "2", "records": rows}))["ids"]
    action = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][0]
    changes = [{"id": i, "action": action["name"], "assignee": "sato"} for i in ids]
    moved = ok(runtime.call("UpdateStatuses", body={"app": "2", "records": changes}))
    assert [r["id"] for r in moved["records"]] == ids
    for record_id in ids:
        record = ok(runtime.call("GetRecord", {"app": "2", "id": record_id}))["record"]
        assert record["Status"]["value"] == action["to"]
