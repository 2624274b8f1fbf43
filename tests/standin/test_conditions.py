"""Action conditions (filterCond) parsed with the records-query parser and refused as kintone does.

Sources: Cybozu's OpenAPI description (shared/reference/kintone-rest-api-spec/openapi.yaml,
PreviewAppStatusPutActionForm.filterCond: "The branch criteria of the action, specified as a
query. The Status field cannot be included in the query."); kintone.dev update-action-settings
(actions.{name}.filterCond, a query); the query documentation for what a query may say
(https://kintone.dev/en/docs/kintone/overview/query-string/).
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.devtools.standin import SeedError, StandIn

from .helpers import Client, token_headers

STATUS_ACTIONS = [
    {"name": "Start", "from": "Not started", "to": "In progress"},
    {"name": "Finish", "from": "In progress", "to": "Done"},
    {"name": "Reopen", "from": "Done", "to": "Not started"},
]
SEND_QUOTE = {
    "name": "Send quote",
    "index": "1",
    "destApp": {"app": "3"},
    "mappings": [{"srcType": "FIELD", "srcField": "Title", "destField": "Title"}],
    "entities": [{"type": "USER", "code": "suzuki"}],
}
REFUSED = [
    pytest.param("Nope = ", "The query format is incorrect.", id="syntax"),
    pytest.param('Title = "open', "The query format is incorrect.", id="open-string"),
    pytest.param("Amount > 1 order by $id asc", "The query format is incorrect.", id="order-by"),
    pytest.param("Amount > 1 limit 5", "The query format is incorrect.", id="limit"),
    pytest.param('Amount > "many"', "The query format is incorrect.", id="not-a-number"),
    pytest.param("Nope = 1", "The specified field (Nope) is not found.", id="unknown-field"),
    pytest.param(
        'Stage = "Won"',
        "The operator = cannot be used for the field type of Stage.",
        id="operator-for-type",
    ),
    pytest.param("Title = TODAY()", "The query is not valid.", id="function-for-type"),
]


def _status_body(cond: str) -> dict[str, Any]:
    actions = [dict(action) for action in STATUS_ACTIONS]
    actions[1]["filterCond"] = cond
    return {"app": 2, "actions": actions}


@pytest.mark.parametrize(("cond", "message"), REFUSED)
def test_process_conditions_are_parsed_like_queries(deals: Client, cond: str, message: str) -> None:
    reply = deals.put("preview/app/status", _status_body(cond))
    assert (reply.status, reply.code) == (400, "CB_VA01")
    assert reply.errors == {"actions[1].filterCond": [message]}
    assert deals.get("preview/app/status", app=2).body["revision"] == "5"  # nothing changed


@pytest.mark.parametrize(
    "cond", ['Status = "Done"', 'Status in ("Done")', 'Amount > 1 or Status != "Done"']
)
def test_process_conditions_may_not_name_the_status_field(deals: Client, cond: str) -> None:
    """openapi.yaml: "The Status field cannot be included in the query." """
    reply = deals.put("preview/app/status", _status_body(cond))
    assert reply.errors == {
        "actions[1].filterCond": ["The Status field cannot be included in the query."]
    }


@pytest.mark.parametrize(
    "cond",
    [
        "",
        'Amount >= 1000 and Stage in ("Won", "Lost")',
        "Due <= TODAY() or Owner in (LOGINUSER())",
        'Item in ("Design")',  # a table column, with in
    ],
)
def test_process_conditions_that_kintone_takes(deals: Client, cond: str) -> None:
    reply = deals.put("preview/app/status", _status_body(cond))
    assert reply.status == 200, reply.body
    stored = deals.get("preview/app/status", app=2).body["actions"][1]
    assert (stored["name"], stored["filterCond"]) == ("Finish", cond)


@pytest.mark.parametrize(("cond", "message"), REFUSED)
def test_app_action_conditions_are_parsed_like_queries(
    kintone: StandIn, cond: str, message: str
) -> None:
    client = Client(kintone.url, token_headers("deals-full", "invoices-full"))
    actions = {"Create invoice": {"index": "0"}, "Send quote": {**SEND_QUOTE, "filterCond": cond}}
    reply = client.put("preview/app/actions", {"app": 2, "actions": actions})
    assert (reply.status, reply.code) == (400, "CB_VA01")
    assert reply.errors == {"actions.Send quote.filterCond": [message]}


def test_app_action_conditions_that_kintone_takes(kintone: StandIn) -> None:
    client = Client(kintone.url, token_headers("deals-full", "invoices-full"))
    cond = 'Amount > 100 and Tags in ("red")'
    actions = {"Create invoice": {"index": "0"}, "Send quote": {**SEND_QUOTE, "filterCond": cond}}
    assert client.put("preview/app/actions", {"app": 2, "actions": actions}).status == 200
    stored = client.get("preview/app/actions", app=2).body["actions"]["Send quote"]
    assert stored["filterCond"] == cond


def test_seed_conditions_are_checked_too(start: Any, seed_doc: dict[str, Any]) -> None:
    deals = next(app for app in seed_doc["apps"] if app.get("code") == "DEALS")
    deals["status"]["actions"][0]["filterCond"] = 'Status = "Done"'
    where = r"apps\[1\]\.status: .* actions\[0\]\.filterCond: The Status field cannot be"
    with pytest.raises(SeedError, match=where):
        start(seed_doc)
