"""Create an app, change its form, layout, general settings and views, deploy: through `call`.

Each step runs the connector's own operation through the runtime against the stand-in and is
checked against the stand-in's store. Expectations come from Cybozu's documentation (KDEV
add-preview-app, add/update/delete-form-fields, update-form-layout, get/update-general-settings,
update-views, deploy-app-settings).
"""

from __future__ import annotations

from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import ReferenceScript
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.runtime.test_end_to_end import ok


def _as_sato(
    package: ConnectorPackage, script: ReferenceScript, kintone: StandIn
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=script, transport=transport)


def _deploy(runtime: ConnectorRuntime, app: str) -> None:
    ok(runtime.call("DeployApp", body={"apps": [{"app": app}]}))
    for _ in range(5):
        status = ok(runtime.call("GetPreviewAppDeploy", {"apps": app}))["apps"][0]["status"]
        if status == "SUCCESS":
            return
    raise AssertionError("the deploy did not finish")


TITLE = {"type": "SINGLE_LINE_TEXT", "code": "Title", "label": "Title"}
PRIORITY: dict[str, Any] = {
    "type": "DROP_DOWN",
    "code": "Priority",
    "label": "Priority",
    "options": {"High": {"label": "High", "index": "0"}, "Low": {"label": "Low", "index": "1"}},
}


def test_create_an_app_add_fields_and_deploy(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    created = ok(runtime.call("AddApp", body={"name": "Tasks"}))
    app = created["app"]
    assert isinstance(app, str) and created["revision"].isdecimal()
    assert kintone.store.apps[app].name == "Tasks"
    body = {"app": app, "properties": {"Title": TITLE, "Priority": PRIORITY}}
    ok(runtime.call("AddFormFields", body=body))
    # Pre-live only until deployed (KDEV add-form-fields).
    assert "Title" in kintone.store.apps[app].pending_form()
    assert "Title" not in kintone.store.apps[app].fields
    assert "Title" in ok(runtime.call("GetPreviewFormFields", {"app": app}))["properties"]
    assert "Title" not in ok(runtime.call("GetFormFields", {"app": app}))["properties"]
    _deploy(runtime, app)
    live = ok(runtime.call("GetFormFields", {"app": app}))["properties"]
    assert live["Priority"]["options"]["Low"] == {"label": "Low", "index": "1"}
    added = ok(runtime.call("AddRecord", body={"app": app, "record": {"Title": {"value": "a"}}}))
    assert kintone.store.apps[app].records[int(added["id"])].values["Title"] == "a"


def test_update_and_delete_form_fields(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    app = ok(runtime.call("AddApp", body={"name": "Tasks"}))["app"]
    ok(runtime.call("AddFormFields", body={"app": app, "properties": {"Title": TITLE}}))
    ok(runtime.call("AddFormFields", body={"app": app, "properties": {"Priority": PRIORITY}}))
    body = {"app": app, "properties": {"Title": {"label": "Task name", "required": True}}}
    revision = ok(runtime.call("UpdateFormFields", body=body))["revision"]
    form = kintone.store.apps[app].pending_form()
    assert form["Title"]["label"] == "Task name" and form["Title"]["required"] is True
    ok(runtime.call("DeleteFormFields", {"app": app, "fields": "Priority", "revision": revision}))
    assert "Priority" not in kintone.store.apps[app].pending_form()
    # KDEV: a revision that is not the latest fails and changes nothing.
    stale = runtime.call("DeleteFormFields", {"app": app, "fields": "Title", "revision": revision})
    assert stale.response.status == 409 and stale.body["code"] == "GAIA_CO02"
    assert "Title" in kintone.store.apps[app].pending_form()


def test_form_field_errors_name_the_field(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    duplicate = {"app": "2", "properties": {"Title": TITLE}}
    result = runtime.call("AddFormFields", body=duplicate)
    assert result.response.status == 400 and "properties.Title.code" in result.body["errors"]
    retype = {"app": "2", "properties": {"Title": {"type": "NUMBER"}}}
    result = runtime.call("UpdateFormFields", body=retype)
    assert "properties.Title.type" in result.body["errors"]
    result = runtime.call("DeleteFormFields", {"app": "2", "fields": "Record_number"})
    assert result.response.status == 400 and "fields[0]" in result.body["errors"]


def test_update_the_form_layout(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    app = ok(runtime.call("AddApp", body={"name": "Tasks"}))["app"]
    ok(runtime.call("AddFormFields", body={"app": app, "properties": {"Title": TITLE}}))
    cell = {"type": "SINGLE_LINE_TEXT", "code": "Title", "size": {"width": "400"}}
    layout = [{"type": "ROW", "fields": [{"type": "LABEL", "label": "Task"}, cell]}]
    ok(runtime.call("UpdateFormLayout", body={"app": app, "layout": layout}))
    assert ok(runtime.call("GetPreviewFormLayout", {"app": app}))["layout"] == layout
    _deploy(runtime, app)
    assert ok(runtime.call("GetFormLayout", {"app": app}))["layout"] == layout
    unknown = [{"type": "ROW", "fields": [{"type": "NUMBER", "code": "Nope"}]}]
    result = runtime.call("UpdateFormLayout", body={"app": app, "layout": unknown})
    assert "layout[0].fields[0].code" in result.body["errors"]


def test_general_settings_live_and_pre_live(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    live = ok(runtime.call("GetAppSettings", {"app": "2"}))
    assert live["name"] == "Deals" and live["revision"].isdecimal()
    body = {
        "app": "2",
        "name": "Deals 2027",
        "theme": "GREEN",
        "enableComments": False,
        "titleField": {"selectionMode": "MANUAL", "code": "Title"},
    }
    ok(runtime.call("UpdateAppSettings", body=body))
    pending = ok(runtime.call("GetPreviewAppSettings", {"app": "2"}))
    assert (pending["name"], pending["theme"], pending["enableComments"]) == (
        "Deals 2027",
        "GREEN",
        False,
    )
    assert ok(runtime.call("GetAppSettings", {"app": "2"}))["name"] == "Deals"
    _deploy(runtime, "2")
    assert kintone.store.apps["2"].name == "Deals 2027"
    assert kintone.store.apps["2"].settings["theme"] == "GREEN"
    assert ok(runtime.call("GetApp", {"id": "2"}))["name"] == "Deals 2027"
    bad = runtime.call("UpdateAppSettings", body={"app": "2", "theme": "PINK"})
    assert bad.response.status == 400 and "theme" in bad.body["errors"]


def test_update_views(connect: Connect, kintone: StandIn) -> None:
    runtime = connect()
    view = {
        "type": "LIST",
        "name": "Big deals",
        "index": "0",
        "fields": ["Title", "Amount"],
        "filterCond": "Amount >= 1000",
        "sort": "Amount desc",
    }
    result = ok(runtime.call("UpdateViews", body={"app": "2", "views": {"Big deals": view}}))
    assert list(result["views"]) == ["Big deals"] and result["views"]["Big deals"]["id"]
    # KDEV update-views: views not sent are deleted (pre-live until deployed).
    assert list(ok(runtime.call("GetPreviewViews", {"app": "2"}))["views"]) == ["Big deals"]
    assert "Open deals" in ok(runtime.call("GetViews", {"app": "2"}))["views"]
    ok(runtime.call("DeployApp", body={"apps": [{"app": "2"}]}))
    ok(runtime.call("GetPreviewAppDeploy", {"apps": "2"}))
    live = ok(runtime.call("GetViews", {"app": "2"}))["views"]
    assert list(live) == ["Big deals"] and live["Big deals"]["filterCond"] == "Amount >= 1000"
    assert list(kintone.store.apps["2"].views) == ["Big deals"]
    broken = {"Broken": {**view, "name": "Broken", "filterCond": "Nope = 1"}}
    result = runtime.call("UpdateViews", body={"app": "2", "views": broken})
    assert result.response.status == 400 and "views.Broken.filterCond" in result.body["errors"]


def test_create_an_app_with_an_api_token_is_refused(connect: Connect) -> None:
    # KDEV add-preview-app: API tokens cannot be used with this API.
    result = connect().call("AddApp", body={"name": "x"})
    assert result.response.status == 403 and result.body["code"] == "GAIA_NO01"


def test_guest_space_app_settings_go_through_the_guest_path(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn
) -> None:
    runtime = _as_sato(package, reference_script, kintone)
    body = {"app": "4", "description": "Shared with partners"}
    ok(runtime.call("UpdateAppSettings", {"guestSpaceId": "5"}, body))
    assert runtime.sent[-1].url.endswith("/k/guest/5/v1/preview/app/settings.json")
    pending = kintone.store.apps["4"].preview_settings or {}
    assert pending["description"] == "Shared with partners"
    created = ok(
        runtime.call("AddApp", {"guestSpaceId": "5"}, {"name": "Guest tasks", "space": "5"})
    )
    assert kintone.store.apps[created["app"]].space_id == "5"
