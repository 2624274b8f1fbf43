"""Comments, process-management actions and assignees on records."""

from __future__ import annotations

from generator.devtools.standin import StandIn

from .helpers import Client, password_headers


def test_comments_paging_and_order(deals: Client) -> None:
    for number in range(12):
        assert deals.post(
            "record/comment", {"app": 2, "record": 2, "comment": {"text": f"c{number}"}}
        ).body == {"id": str(number + 1)}
    first = deals.get("record/comments", app=2, record=2).body
    assert [c["text"] for c in first["comments"]] == [f"c{n}" for n in range(11, 1, -1)]
    assert (first["older"], first["newer"]) == (True, False)
    last = deals.get("record/comments", app=2, record=2, offset=10).body
    assert [c["id"] for c in last["comments"]] == ["2", "1"] and (last["older"], last["newer"]) == (
        False,
        True,
    )
    asc = deals.get("record/comments", app=2, record=2, order="asc", limit=2, offset=1).body
    assert [c["text"] for c in asc["comments"]] == ["c1", "c2"] and (
        asc["older"],
        asc["newer"],
    ) == (True, True)
    comment = asc["comments"][0]
    assert comment["creator"] == {"code": "Administrator", "name": "Administrator"}
    assert comment["createdAt"] == "2025-05-01T09:30:15Z" and comment["mentions"] == []
    assert deals.get("record/comments", app=2, record=2, order="up").errors == {
        "order": ["must be one of the enum value"]
    }
    assert deals.get("record/comments", app=2, record=2, limit=11).code == "CB_VA01"


def test_comment_mentions_and_delete(kintone: StandIn, deals: Client) -> None:
    mentions = [{"code": "suzuki", "type": "USER"}, {"code": "sales", "type": "ORGANIZATION"}]
    reply = deals.post(
        "record/comment", {"app": 2, "record": 1, "comment": {"text": "Look", "mentions": mentions}}
    )
    comment = deals.get("record/comments", app=2, record=1).body["comments"][0]
    assert comment["id"] == reply.body["id"] == "2"
    assert comment["text"] == "Suzuki Hanako Sales \nLook" and comment["mentions"] == mentions
    bad = deals.post(
        "record/comment",
        {
            "app": 2,
            "record": 1,
            "comment": {"text": "x", "mentions": [{"code": "z", "type": "USER"}]},
        },
    )
    assert bad.errors == {"comment.mentions[0].code": ["The USER (z) is not found."]}
    assert deals.post(
        "record/comment", {"app": 2, "record": 1, "comment": {"text": ""}}
    ).errors == {"comment.text": ["Required field."]}
    assert (
        deals.delete("record/comment", {"app": 2, "record": 1, "comment": 1}).code == "CB_NO02"
    )  # sato's
    sato = Client(kintone.url, password_headers("sato", "sato-pass"))
    assert sato.delete("record/comment", {"app": 2, "record": 1, "comment": 1}).body == {}
    gone = sato.delete("record/comment", {"app": 2, "record": 1, "comment": 1})
    assert (gone.status, gone.code) == (400, "GAIA_RE02")


def test_status_action_moves_the_record(deals: Client, kintone: StandIn) -> None:
    needs = deals.put("record/status", {"app": 2, "id": 1, "action": "Start"})
    assert needs.errors == {"assignee": ["Required field."]}  # "In progress" has two candidates
    outsider = deals.put(
        "record/status", {"app": 2, "id": 1, "action": "Start", "assignee": "nobody"}
    )
    assert outsider.code == "CB_VA01"
    reply = deals.put(
        "record/status", {"app": 2, "id": 1, "action": "Start", "assignee": "suzuki", "revision": 1}
    )
    assert reply.body == {"revision": "3"}
    record = deals.get("record", app=2, id=1).body["record"]
    assert record["Status"]["value"] == "In progress"
    assert record["Assignee"]["value"] == [{"code": "suzuki", "name": "Suzuki Hanako"}]
    wrong = deals.put("record/status", {"app": 2, "id": 1, "action": "Reopen"})
    assert wrong.code == "GAIA_ST02"
    stale = deals.put("record/status", {"app": 2, "id": 1, "action": "Finish", "revision": 1})
    assert stale.code == "GAIA_CO02"
    sato = Client(kintone.url, password_headers("sato", "sato-pass"))
    assert sato.put("record/status", {"app": 2, "id": 1, "action": "Finish"}).code == "GAIA_ST03"
    suzuki = Client(kintone.url, password_headers("suzuki", "suzuki-pass"))
    assert suzuki.put("record/status", {"app": 2, "id": 1, "action": "Finish"}).body == {
        "revision": "5"
    }
    done = deals.get("record", app=2, id=1).body["record"]
    assert done["Status"]["value"] == "Done" and done["Assignee"]["value"] == []


def test_bulk_status_is_all_or_nothing(deals: Client) -> None:
    records = [
        {"id": 2, "action": "Finish"},
        {"id": 1, "action": "Finish"},  # record 1 is "Not started": no Finish there
    ]
    assert deals.put("records/status", {"app": 2, "records": records}).code == "GAIA_ST02"
    assert deals.get("record", app=2, id=2).body["record"]["Status"]["value"] == "In progress"
    records[1] = {"id": 1, "action": "Start", "assignee": "sato"}
    reply = deals.put("records/status", {"app": 2, "records": records})
    assert reply.body == {"records": [{"id": "2", "revision": "3"}, {"id": "1", "revision": "3"}]}


def test_assignees(deals: Client) -> None:
    assert deals.put(
        "record/assignees", {"app": 2, "id": 1, "assignees": ["sato", "suzuki"]}
    ).errors == {"assignees": ["Only one assignee can be set for this status."]}
    assert deals.put("record/assignees", {"app": 2, "id": 1, "assignees": ["ghost"]}).errors == {
        "assignees[0]": ["The user (ghost) is not found."]
    }
    assert deals.put(
        "record/assignees", {"app": 2, "id": 1, "assignees": ["suzuki"], "revision": 1}
    ).body == {"revision": "2"}
    assert (
        deals.get("record", app=2, id=1).body["record"]["Assignee"]["value"][0]["code"] == "suzuki"
    )
    assert deals.put("record/assignees", {"app": 2, "id": 1, "assignees": []}).body == {
        "revision": "3"
    }


def test_process_disabled(kintone: StandIn) -> None:
    invoices = Client(kintone.url, {"X-Cybozu-API-Token": "invoices-full"})
    assert invoices.put("record/status", {"app": 3, "id": 1, "action": "Start"}).code == "GAIA_ST01"
    assert (
        invoices.put("record/assignees", {"app": 3, "id": 1, "assignees": []}).code == "GAIA_ST01"
    )


def test_action_conditions_and_deployed_process(deals: Client) -> None:
    states = {
        "Open": {
            "name": "Open",
            "index": "0",
            "assignee": {
                "type": "ANY",
                "entities": [
                    {"entity": {"type": "GROUP", "code": "managers"}},
                    {"entity": {"type": "FIELD_ENTITY", "code": "Owner"}},
                ],
            },
        },
        "Big": {"name": "Big", "index": "1"},
    }
    actions = [{"name": "Escalate", "from": "Open", "to": "Big", "filterCond": "Amount >= 1000"}]
    deals.put("preview/app/status", {"app": 2, "states": states, "actions": actions})
    deals.post("preview/app/deploy", {"apps": [{"app": 2}]})
    record = {
        "Title": {"value": "t"},
        "Amount": {"value": "10"},
        "Owner": {"value": [{"code": "suzuki"}]},
    }
    small = deals.post("record", {"app": 2, "record": record}).body["id"]
    got = deals.get("record", app=2, id=small).body["record"]
    assert got["Status"]["value"] == "Open"
    assert [a["code"] for a in got["Assignee"]["value"]] == ["sato", "suzuki"]
    assert (
        deals.put("record/status", {"app": 2, "id": small, "action": "Escalate"}).code
        == "GAIA_ST02"
    )
    deals.put("record", {"app": 2, "id": small, "record": {"Amount": {"value": "1000"}}})
    assert deals.put("record/status", {"app": 2, "id": small, "action": "Escalate"}).status == 200
