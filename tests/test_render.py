"""The rendered package: the must-haves of the kintone connector, file by file."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest

from generator.parse import default_description, parse_description
from generator.render import render_package


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render_package(parse_description(default_description()))


@pytest.fixture(scope="module")
def swagger(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["apiDefinition.swagger.json"])


@pytest.fixture(scope="module")
def properties(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["apiProperties.json"])["properties"]


def _operations(swagger: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in swagger["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "put", "delete"}
    }


def test_package_has_every_file(files: dict[str, bytes]) -> None:
    assert sorted(files) == [
        "README.md",
        "apiDefinition.swagger.json",
        "apiProperties.json",
        "icon.png",
        "script.csx",
        "settings.json",
    ]


def test_json_files_use_the_one_fixed_format(files: dict[str, bytes]) -> None:
    for name in ("apiDefinition.swagger.json", "apiProperties.json", "settings.json"):
        text = files[name].decode("utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_metadata(swagger: dict[str, Any]) -> None:
    info = swagger["info"]
    assert info["title"] == "kintone"
    assert 30 <= len(info["description"]) <= 500
    assert set(info["contact"]) == {"name", "url", "email"}
    assert swagger["schemes"] == ["https"]
    metadata = {m["propertyName"]: m["propertyValue"] for m in swagger["x-ms-connector-metadata"]}
    assert set(metadata) == {"Website", "Privacy policy", "Categories"}
    assert len(metadata["Categories"].split(";")) <= 2


def _sets(properties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        item["name"]: item["parameters"] for item in properties["connectionParameterSets"]["values"]
    }


def test_domain_parameter_and_dynamic_host_policy(properties: dict[str, Any]) -> None:
    for name, parameters in _sets(properties).items():
        # OAuth's domain is a token: parameter: the sign-in fills its URL templates from it.
        domain = parameters["token:domain" if name == "oauth" else "domain"]
        assert domain["type"] == "string"
        assert domain["uiDefinition"]["constraints"]["required"] == "true"
        assert "example.cybozu.com" in domain["uiDefinition"]["tooltip"]
    policy = properties["policyTemplateInstances"][0]
    assert policy["templateId"] == "dynamichosturl"
    assert policy["parameters"]["x-ms-apimTemplateParameter.urlTemplate"] == (
        "https://@connectionParameters('domain','')@connectionParameters('token:domain','')"
    )


def test_three_auth_types_as_parameter_sets(properties: dict[str, Any]) -> None:
    sets = _sets(properties)
    assert {name: list(params) for name, params in sets.items()} == {
        "api_token": ["domain", "api_key", "basic_username", "basic_password"],
        "password": ["domain", "username", "password", "basic_username", "basic_password"],
        "oauth": ["token:domain", "token"],
    }
    assert sets["api_token"]["api_key"]["type"] == "securestring"
    assert sets["password"]["password"]["type"] == "securestring"
    oauth = sets["oauth"]["token"]
    assert oauth["type"] == "oauthSetting"
    assert "k:app_record:write" in oauth["oAuthSettings"]["scopes"]
    assert oauth["oAuthSettings"]["identityProvider"] == "oauth2generic"
    assert oauth["oAuthSettings"]["customParameters"]["tokenUrlTemplate"] == {
        "value": "https://{domain}/oauth2/token"
    }


def test_credentials_reach_kintone_through_header_policies(
    swagger: dict[str, Any], properties: dict[str, Any]
) -> None:
    headers = {
        p["parameters"]["x-ms-apimTemplateParameter.name"]: p["parameters"][
            "x-ms-apimTemplateParameter.value"
        ]
        for p in properties["policyTemplateInstances"]
        if p["templateId"] == "setheader"
    }
    assert headers["X-Cybozu-API-Token"] == "@connectionParameters('api_key','')"
    assert headers["X-Kintone-Username"] == "@connectionParameters('username','')"
    assert swagger["securityDefinitions"] == {} and swagger["security"] == []


def test_dynamic_record_body_pairs_schema_and_properties(swagger: dict[str, Any]) -> None:
    for op_id, mode in (("AddRecord", "add"), ("UpdateRecord", "update")):
        body = _operations(swagger)[op_id]["parameters"][0]["schema"]
        record = body["properties"]["record"]
        assert record["x-ms-dynamic-schema"] == {
            "operationId": "GetRecordSchema",
            "parameters": {
                "app": {"parameter": "app"},
                "mode": mode,
                "guestSpaceId": {"parameter": "guestSpaceId"},
            },
            "value-path": "schema",
        }
        assert record["x-ms-dynamic-properties"] == {
            "operationId": "GetRecordSchema",
            "parameters": {
                "app": {"parameterReference": "body/app"},
                "mode": {"value": mode},
                "guestSpaceId": {"parameterReference": "guestSpaceId"},
            },
            "itemValuePath": "schema",
        }
        assert body["properties"]["app"]["x-ms-dynamic-list"]["itemsPath"] == "apps"


def test_record_schema_operation_is_internal_and_custom_code(
    swagger: dict[str, Any], properties: dict[str, Any]
) -> None:
    op = _operations(swagger)["GetRecordSchema"]
    assert op["x-ms-visibility"] == "internal"
    assert "schema" in op["responses"]["200"]["schema"]["properties"]
    assert "GetRecordSchema" in properties["scriptOperations"]


def test_five_webhook_triggers(swagger: dict[str, Any], properties: dict[str, Any]) -> None:
    triggers = {
        path: item for path, item in swagger["paths"].items() if "x-ms-notification-content" in item
    }
    assert len(triggers) == 5
    typed = set()
    for item in triggers.values():
        schema = item["x-ms-notification-content"]["schema"]
        if "x-ms-dynamic-schema" in schema:
            typed.add(item["post"]["operationId"])
        else:
            assert schema["$ref"] in {
                "#/definitions/RecordDeletedEvent",
                "#/definitions/CommentEvent",
            }
        body = item["post"]["parameters"][0]["schema"]
        url = body["properties"]["url"]
        assert url["x-ms-notification-url"] is True
        assert url["x-ms-visibility"] == "internal" and url["type"] == "string"
        assert "url" in body["required"]
        assert item["post"]["operationId"] in properties["scriptOperations"]
    assert typed == set(RECORD_WEBHOOKS.values())
    assert _operations(swagger)["RemoveWebhook"]["x-ms-visibility"] == "internal"


RECORD_WEBHOOKS = {
    "/k/integration/v1/preview/app/webhook.json": "AddWebhookForAddingRecord",
    "/k/integration/v1/preview/app/webhook/update_record.json": "AddWebhookForUpdatingRecord",
    "/k/integration/v1/preview/app/webhook/update_status.json": "AddWebhookForUpdatingStatus",
}


@pytest.mark.parametrize("path", list(RECORD_WEBHOOKS))
def test_record_webhooks_type_their_payload_by_the_apps_fields(
    swagger: dict[str, Any], path: str
) -> None:
    item = swagger["paths"][path]
    assert item["post"]["operationId"] == RECORD_WEBHOOKS[path]
    schema = item["x-ms-notification-content"]["schema"]
    assert schema["type"] == "object" and schema["description"]
    assert schema["x-ms-dynamic-schema"] == {
        "operationId": "GetRecordSchema",
        "parameters": {
            "app": {"parameter": "app"},
            "mode": "event",
            "guestSpaceId": {"parameter": "guestSpaceId"},
        },
        "value-path": "schema",
    }
    # The inputs come from the subscription's body, where the app is picked.
    assert schema["x-ms-dynamic-properties"] == {
        "operationId": "GetRecordSchema",
        "parameters": {
            "app": {"parameterReference": "body/app"},
            "mode": {"value": "event"},
            "guestSpaceId": {"parameterReference": "guestSpaceId"},
        },
        "itemValuePath": "schema",
    }


def test_untyped_record_payload_definitions_are_gone(swagger: dict[str, Any]) -> None:
    definitions = swagger["definitions"]
    assert "RecordEvent" not in definitions and "PolledRecords" not in definitions
    assert "Record" in definitions  # cursor pages still use it
    mode = next(
        p for p in _operations(swagger)["GetRecordSchema"]["parameters"] if p["name"] == "mode"
    )
    assert {"event", "poll"} <= set(mode["enum"])


def test_path_parameters_and_required_internal_defaults(swagger: dict[str, Any]) -> None:
    for op in _operations(swagger).values():
        body = next((p for p in op["parameters"] if p["in"] == "body"), None)
        if body is None:
            continue
        schema = body["schema"]
        for name, prop in schema.get("properties", {}).items():
            if prop.get("x-ms-visibility") == "internal" and "default" in prop:
                assert name in schema["required"], (op["operationId"], name)


def test_throttling_table_in_readme(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    assert "| API calls per connection | 100 | 60 seconds |" in readme
    assert "undocumented" in readme.lower() or "not document" in readme.lower()


def test_icon_is_a_square_png(files: dict[str, bytes]) -> None:
    icon = files["icon.png"]
    assert icon.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", icon[16:24])
    assert width == height == 230


def test_settings_point_at_the_package_files(files: dict[str, bytes]) -> None:
    settings = json.loads(files["settings.json"])
    assert settings["apiDefinition"] == "apiDefinition.swagger.json"
    assert settings["script"] == "script.csx"
    assert "environment" not in settings


def test_polling_triggers_are_batch_with_a_value_array(swagger: dict[str, Any]) -> None:
    for op_id in ("OnRecordsAdded", "OnRecordsUpdated", "OnRecordStatusChanged"):
        op = _operations(swagger)[op_id]
        assert op["x-ms-trigger"] == "batch"
        assert set(op["responses"]) == {"200", "202"}
        state = next(p for p in op["parameters"] if p["name"] == "state")
        assert state["x-ms-visibility"] == "internal" and state["required"] is False
        assert "schema" not in op["responses"]["202"]
        # The 200 body is {"value": [records]}, typed by the app's fields through mode poll.
        schema = op["responses"]["200"]["schema"]
        assert schema["type"] == "object"
        assert schema["x-ms-dynamic-schema"] == {
            "operationId": "GetRecordSchema",
            "parameters": {
                "app": {"parameter": "app"},
                "mode": "poll",
                "guestSpaceId": {"parameter": "guestSpaceId"},
            },
            "value-path": "schema",
        }
        assert schema["x-ms-dynamic-properties"]["parameters"] == {
            "app": {"parameterReference": "app"},
            "mode": {"value": "poll"},
            "guestSpaceId": {"parameterReference": "guestSpaceId"},
        }
    status_op = _operations(swagger)["OnRecordStatusChanged"]
    status = next(p for p in status_op["parameters"] if p["name"] == "status")
    assert (status["in"], status["type"], status["required"]) == ("query", "string", False)
    assert status["x-ms-visibility"] == "important"


def test_guest_space_id_is_an_optional_advanced_parameter_everywhere(
    swagger: dict[str, Any],
) -> None:
    kintone_paths = [path for path in swagger["paths"] if path.startswith("/k/v1/")]
    assert len(kintone_paths) > 20
    # Cybozu documents some APIs on the normal path only (create a space from a template,
    # add or delete guests, cross-domain search): the description leaves guest_space off there.
    model = parse_description(default_description())
    guest = {op.id for op in model.all_operations if op.script.guest_space}
    assert len(guest) > 20
    for path in kintone_paths:
        for method, op in swagger["paths"][path].items():
            # The MCP operation takes the guest space per tool call (a tool argument).
            if method.startswith("x-ms-") or "x-ms-agentic-protocol" in op:
                continue
            if op["operationId"] not in guest:
                continue
            guest = next((p for p in op["parameters"] if p["name"] == "guestSpaceId"), None)
            assert guest is not None, op["operationId"]
            assert guest["in"] == "query" and guest["required"] is False
            assert guest["x-ms-visibility"] == "advanced"


def test_every_operation_runs_the_script_that_builds_kintone_authentication(
    swagger: dict[str, Any], properties: dict[str, Any]
) -> None:
    # The policies fill private headers only the script turns into kintone's; an operation
    # outside scriptOperations (RemoveWebhook was one) would reach kintone without them.
    ids = [
        op["operationId"]
        for item in swagger["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert sorted(properties["scriptOperations"]) == sorted(ids)


def test_readme_documents_the_bulk_actions_and_when_to_use_which(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    for summary in (
        "Add records (up to 2,000)",
        "Update records (up to 2,000)",
        "Delete records (up to 2,000)",
        "Run requests in one transaction",
        "Post to a space thread",
        "Get views",
    ):
        assert f"#### {summary}\n" in readme, summary
    guide = readme.split("### Which action for many records?", 1)[1].split("\n## ", 1)[0]
    assert "5 seconds" in guide and "upsert" in guide and "bulkRequest" in guide


def test_bulk_actions_route_through_the_script_with_their_kind(swagger: dict[str, Any]) -> None:
    connector = parse_description(default_description())
    kinds = {op.id: op.script.kind for op in connector.operations if "bulk" in op.script.kind}
    assert kinds == {
        "AddRecordsBulk": "bulk_add",
        "UpdateRecordsBulk": "bulk_update",
        "DeleteRecordsBulk": "bulk_delete",
        "BulkRequest": "bulk_request",
    }
    path = swagger["paths"]["/k/v1/bulkRequest.json"]["post"]
    item = path["parameters"][0]["schema"]["properties"]["requests"]["items"]
    assert item["required"] == ["method", "api", "payload"]
    assert "/k/v1/records.json" in item["properties"]["api"]["enum"]
