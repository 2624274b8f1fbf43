"""Apps and settings: app info, form, layout, actions and process management, deploy."""

from __future__ import annotations

from typing import Any

from generator.devtools.standin import StandIn

from .helpers import Client, password_headers, token_headers

INVOICE_ACTION = {
    "name": "Send quote",
    "index": "1",
    "destApp": {"app": "3"},
    "mappings": [{"srcType": "FIELD", "srcField": "Title", "destField": "Title"}],
    "entities": [{"type": "USER", "code": "suzuki"}],
}


def sato(kintone: StandIn) -> Client:
    return Client(kintone.url, password_headers("sato", "sato-pass"))


def test_apps_list_needs_a_user(kintone: StandIn, deals: Client) -> None:
    assert (deals.get("apps").status, deals.get("apps").code) == (403, "GAIA_NO01")
    apps = sato(kintone).get("apps").body["apps"]
    assert [app["appId"] for app in apps] == ["1", "2", "3"]  # guest-space apps need the guest path
    assert set(apps[1]) == {
        "appId",
        "code",
        "name",
        "description",
        "spaceId",
        "threadId",
        "createdAt",
        "creator",
        "modifiedAt",
        "modifier",
    }
    client = sato(kintone)
    assert [a["appId"] for a in client.get("apps", ids=[3, 1]).body["apps"]] == ["1", "3"]
    assert [a["appId"] for a in client.get("apps", codes=["DEALS"]).body["apps"]] == ["2"]
    assert [a["appId"] for a in client.get("apps", name="VOICE").body["apps"]] == ["3"]
    assert [a["appId"] for a in client.get("apps", limit=1, offset=1).body["apps"]] == ["2"]
    assert client.get("apps", limit=101).errors == {"limit": ["must be less than or equal to 100"]}
    guest = Client(kintone.url, password_headers("sato", "sato-pass"), guest="5")
    assert [a["appId"] for a in guest.get("apps").body["apps"]] == ["4"]


def test_app_info(deals: Client, kintone: StandIn) -> None:
    app = deals.get("app", id=2).body
    assert (app["appId"], app["code"], app["name"], app["spaceId"]) == ("2", "DEALS", "Deals", None)
    guest = Client(kintone.url, token_headers("guest-full"), guest="5").get("app", id=4).body
    assert (guest["spaceId"], guest["threadId"]) == ("5", "6")


def test_form_fields_and_layout(deals: Client) -> None:
    fields = deals.get("app/form/fields", app=2).body
    assert fields["revision"] == "5"
    assert len({prop["type"] for prop in fields["properties"].values()}) == 28
    assert fields["properties"]["Status"]["enabled"] is True
    assert deals.get("preview/app/form/fields", app=2).body["properties"] == fields["properties"]
    layout = deals.get("app/form/layout", app=2).body
    assert layout["revision"] == "5"
    kinds = {row["type"] for row in layout["layout"]}
    assert kinds == {"ROW", "SUBTABLE", "GROUP"}
    assert deals.get("preview/app/form/layout", app=2).body == layout


def test_action_settings_live_and_prelive(kintone: StandIn) -> None:
    # With a token of the destination app too: without one destApp and mappings are null.
    deals = Client(kintone.url, token_headers("deals-full", "invoices-full"))
    live = deals.get("app/actions", app=2).body
    assert live["revision"] == "5"
    action = live["actions"]["Create invoice"]
    assert action["id"] == "1" and action["destApp"] == {"app": "3", "code": "INVOICES"}
    assert action["mappings"][3] == {"srcType": "RECORD_URL", "destField": "Deal_URL"}
    changed = deals.put(
        "preview/app/actions",
        {
            "app": 2,
            "revision": "5",
            "actions": {"Send quote": INVOICE_ACTION, "Create invoice": {"index": "0"}},
        },
    )
    assert changed.body == {
        "actions": {"Send quote": {"id": "2"}, "Create invoice": {"id": "1"}},
        "revision": "6",
    }
    preview = deals.get("preview/app/actions", app=2).body
    assert preview["revision"] == "6" and set(preview["actions"]) == {
        "Send quote",
        "Create invoice",
    }
    assert deals.get("app/actions", app=2).body == live  # nothing live until deployed
    removed = deals.put(
        "preview/app/actions", {"app": 2, "actions": {"Send quote": {"name": "Send quote"}}}
    )
    assert removed.body["actions"] == {"Send quote": {"id": "2"}}


def test_action_settings_errors(deals: Client) -> None:
    stale = deals.put("preview/app/actions", {"app": 2, "revision": 4, "actions": {}})
    assert (stale.status, stale.code) == (409, "GAIA_CO02")
    bad: dict[str, Any] = {"Other": {"name": "Another", "index": "0"}}
    reply = deals.put("preview/app/actions", {"app": 2, "actions": bad})
    assert reply.errors == {
        "actions.Other.destApp": ["Required."],
        "actions.Other.mappings": ["Required."],
        "actions.Other.entities": ["Required."],
        "actions.Other.name": ["The name of a new action must equal its key."],
    }
    wrong = {
        **INVOICE_ACTION,
        "index": "0",
        "destApp": {"app": "99"},
        "entities": [{"type": "USER", "code": "x"}],
    }
    reply = deals.put(
        "preview/app/actions", {"app": 2, "actions": {"Send quote": wrong, "Create invoice": {}}}
    )
    assert reply.errors == {
        "actions.Send quote.destApp.app": ["The app is not found."],
        "actions.Send quote.entities[0]": ["The user (x) is not found."],
        "actions": ["The index of each action must be unique."],
    }


def test_process_settings_live_and_prelive(deals: Client) -> None:
    live = deals.get("app/status", app=2).body
    assert live["enable"] is True and live["revision"] == "5"
    assert list(live["states"]) == ["Not started", "In progress", "Done"]
    assert live["actions"][0] == {
        "name": "Start",
        "from": "Not started",
        "to": "In progress",
        "filterCond": "",
        "type": "PRIMARY",
    }
    states = {
        "Open": {"name": "Open", "index": "0", "assignee": {"type": "ANY", "entities": []}},
        "Closed": {"name": "Closed", "index": "1"},
    }
    actions = [{"name": "Close", "from": "Open", "to": "Closed"}]
    reply = deals.put("preview/app/status", {"app": 2, "states": states, "actions": actions})
    assert reply.body == {"revision": "6"}
    preview = deals.get("preview/app/status", app=2).body
    assert list(preview["states"]) == ["Open", "Closed"] and preview["enable"] is True
    assert preview["states"]["Closed"]["assignee"] == {"type": "ONE", "entities": []}
    assert deals.get("app/status", app=2).body == live
    bad = deals.put(
        "preview/app/status",
        {"app": 2, "actions": [{"name": "Go", "from": "Open", "to": "Nowhere"}]},
    )
    assert bad.errors == {"actions[0].to": ['The status "Nowhere" does not exist.']}


def test_never_configured_process_is_null(kintone: StandIn) -> None:
    status = Client(kintone.url, token_headers("invoices-full")).get("app/status", app=3).body
    assert status == {"enable": False, "states": None, "actions": None, "revision": "1"}


def test_deploy_moves_prelive_to_live(deals: Client) -> None:
    deals.put("preview/app/status", {"app": 2, "enable": False})
    assert deals.post("preview/app/deploy", {"apps": [{"app": 2, "revision": "6"}]}).body == {}
    first = deals.get("preview/app/deploy", apps=[2])
    assert first.body == {"apps": [{"app": "2", "status": "PROCESSING"}]}
    assert deals.get("preview/app/deploy", apps=[2]).body == {
        "apps": [{"app": "2", "status": "SUCCESS"}]
    }
    live = deals.get("app/status", app=2).body
    assert (live["enable"], live["revision"]) == (False, "6")
    assert deals.get("app/form/fields", app=2).body["properties"]["Status"]["enabled"] is False
    added = deals.post(
        "record", {"app": 2, "record": {"Title": {"value": "x"}, "Amount": {"value": "1"}}}
    )
    assert deals.get("record", app=2, id=added.body["id"]).body["record"]["Status"]["value"] == ""


def test_deploy_revert_and_errors(deals: Client) -> None:
    deals.put("preview/app/status", {"app": 2, "enable": False})
    assert deals.post("preview/app/deploy", {"apps": [{"app": 2}], "revert": True}).body == {}
    assert (
        deals.get("preview/app/status", app=2).body["enable"] is True
    )  # using the app finishes it
    assert deals.get("preview/app/deploy", apps=[2]).body["apps"][0]["status"] == "SUCCESS"
    stale = deals.post("preview/app/deploy", {"apps": [{"app": 2, "revision": 1}]})
    assert stale.code == "GAIA_CO02"
    assert deals.post("preview/app/deploy", {"apps": []}).errors == {"apps": ["Required field."]}
    assert deals.get("preview/app/deploy").errors == {"apps": ["Required field."]}
    assert deals.post("preview/app/deploy", {"apps": [{"app": 1}]}).code == "GAIA_IA02"


def test_action_destination_and_mappings_are_null_without_rights_on_it(kintone: StandIn) -> None:
    """kintone.dev get-action-settings: destApp and mappings are null when the caller has no
    permission to view the destination app (an API token of the source app alone)."""
    alone = Client(kintone.url, token_headers("deals-full"))
    for api in ("app/actions", "preview/app/actions"):
        action = alone.get(api, app=2).body["actions"]["Create invoice"]
        assert (action["destApp"], action["mappings"]) == (None, None)
        assert action["entities"] and action["name"] == "Create invoice"  # the rest is shown
    both = Client(kintone.url, token_headers("deals-full", "invoices-full"))
    assert both.get("app/actions", app=2).body["actions"]["Create invoice"]["destApp"] == {
        "app": "3",
        "code": "INVOICES",
    }
    assert sato(kintone).get("app/actions", app=2).body["actions"]["Create invoice"]["mappings"]


def test_action_destination_code_wins_over_the_app_id(kintone: StandIn) -> None:
    """kintone.dev update-action-settings: with both destApp.app and destApp.code, code wins."""
    both = Client(kintone.url, token_headers("deals-full", "invoices-full"))
    action = {**INVOICE_ACTION, "destApp": {"app": "1", "code": "INVOICES"}}
    reply = both.put("preview/app/actions", {"app": 2, "actions": {"Send quote": action}})
    assert reply.status == 200, reply.body
    stored = both.get("preview/app/actions", app=2).body["actions"]["Send quote"]
    assert stored["destApp"] == {"app": "3", "code": "INVOICES"}
    unknown = {**INVOICE_ACTION, "destApp": {"app": "3", "code": "NOPE"}}
    reply = both.put("preview/app/actions", {"app": 2, "actions": {"Send quote": unknown}})
    assert reply.errors == {"actions.Send quote.destApp.code": ["The app is not found."]}
