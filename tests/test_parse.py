"""The description loader and parser: the shipped description and one file per defect."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import DescriptionError
from generator.parse import default_description, parse_description
from tests.conftest import DESCRIPTIONS

# defect file → (line, message, JSON pointer into the description)
DEFECTS = {
    "malformed-yaml": (
        12,
        "malformed YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence started on line 11)",
        "",
    ),
    "unknown-field": (
        14,
        "unknown key 'colour' (allowed: base_path, brand_color, categories, contact, "
        "description, host, privacy_policy, publisher, stack_owner, status, title, version, "
        "website)",
        "/info/colour",
    ),
    "duplicate-operation-id": (44, "duplicate operation id 'GetRecordSchema'", "/operations/1/id"),
    "missing-required-key": (44, "missing required key 'summary' in Operation", "/operations/1"),
    "wrong-type": (29, "expected int, got a string", "/throttling/0/calls"),
    "invalid-choice": (
        45,
        "'remove' is not one of 'get', 'post', 'put', 'patch', 'delete'",
        "/operations/1/method",
    ),
    "unknown-connection-parameter": (
        27,
        "unknown connection parameter 'subdomain'",
        "/policies/0/parameters/urlTemplate",
    ),
    "undeclared-path-parameter": (
        46,
        "RemoveWebhook: path parameter {webhookId} is not declared",
        "/operations/1/path",
    ),
    "duplicate-key": (6, "duplicate key 'version'", "/info"),
    "trigger-without-payload-schema": (
        53,
        "trigger 'OnRecordAdded' has no 'trigger' section (payload schema)",
        "/triggers/0",
    ),
    "dynamic-schema-missing-operation": (
        73,
        "dynamic reference to missing operation 'GetFieldSchema'",
        "/operations/2/parameters/0/schema/properties/record/dynamic_schema/operation",
    ),
    "role-indexed-and-bulk": (
        50,
        "RemoveWebhook: bulk and indexed_arrays cannot combine: the script handles an operation"
        " one way",
        "/operations/1/indexed_arrays",
    ),
    "custom-code-without-branch": (
        50,
        "RemoveWebhook: custom_code: true names no branch of the script (an operation"
        " custom_code names, a webhook trigger, indexed_arrays, bulk or polling)",
        "/operations/1/custom_code",
    ),
    "oauth-host-not-the-call-host": (
        40,
        "the sign-in host comes from 'token:domain' but the dynamichosturl policy does not read "
        "it: a connection would sign in to one domain and call another",
        "/connection/auth/1/parameters/1/oauth/custom_parameters/authorizationUrlTemplate",
    ),
    "top-level-list": (2, "the top level must be a mapping", ""),
    "empty": (None, "the description is empty", ""),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_is_reported_with_file_line_and_pointer(defect: str) -> None:
    line, message, pointer = DEFECTS[defect]
    path = DESCRIPTIONS / f"{defect}.yaml"
    with pytest.raises(DescriptionError) as caught:
        parse_description(path)
    error = caught.value
    assert (error.line, error.detail, error.pointer) == (line, message, pointer)
    assert str(error).startswith(f"{path}:{line}: " if line else f"{path}: ")


def test_every_defect_file_is_covered() -> None:
    files = {p.stem for p in DESCRIPTIONS.glob("*.yaml")} - {"minimal"}
    assert files == set(DEFECTS)


def test_missing_file_is_a_description_error(tmp_path: Path) -> None:
    with pytest.raises(DescriptionError, match="file not found"):
        parse_description(tmp_path / "nope.yaml")


def test_minimal_description_parses() -> None:
    connector = parse_description(DESCRIPTIONS / "minimal.yaml")
    assert [op.id for op in connector.operations] == ["GetRecordSchema", "RemoveWebhook"]
    assert connector.throttling[0].calls == 100


def test_shipped_description_has_the_must_haves() -> None:
    connector = parse_description(default_description())
    assert [p.name for p in connector.connection.parameters if p.required] == ["domain"]
    assert [a.kind for a in connector.connection.auth] == ["api_key", "password", "oauth2"]
    assert connector.connection.auth[0].header == "X-Cybozu-API-Token"
    throttle = connector.throttling[0]
    assert (throttle.calls, throttle.renewal_period_seconds, throttle.scope) == (
        100,
        60,
        "connection",
    )
    assert [op.id for op in connector.triggers] == [
        "AddWebhookForAddingRecord",
        "AddWebhookForUpdatingRecord",
        "AddWebhookForDeletingRecord",
        "AddWebhookForAddingRecordComment",
        "AddWebhookForUpdatingStatus",
        "OnRecordsAdded",
        "OnRecordsUpdated",
        "OnRecordStatusChanged",
    ]
    assert [op.script.kind for op in connector.triggers[5:]] == [
        "poll_added",
        "poll_updated",
        "poll_status",
    ]
    routes = {(op.method, op.path) for op in connector.operations}
    assert {
        ("get", "/k/v1/app/actions.json"),
        ("put", "/k/v1/preview/app/actions.json"),
        ("put", "/k/v1/preview/app/status.json"),
        ("get", "/k/v1/app/status.json"),
        ("post", "/k/v1/preview/app/deploy.json"),
        ("get", "/k/v1/preview/app/deploy.json"),
    } <= routes


def test_the_four_webhook_triggers_share_one_body_shape() -> None:
    connector = parse_description(default_description())
    bodies = [op.parameters[0].schema for op in connector.triggers[1:5]]
    assert all(body == bodies[0] for body in bodies)


def test_record_triggers_declare_dynamic_schemas_of_the_apps_fields() -> None:
    connector = parse_description(default_description())
    triggers = {op.id: op for op in connector.triggers}
    for trigger_id in (
        "AddWebhookForAddingRecord",
        "AddWebhookForUpdatingRecord",
        "AddWebhookForUpdatingStatus",
    ):
        trigger = triggers[trigger_id].trigger
        assert trigger is not None and trigger.notification is not None
        schema = trigger.notification.schema
        assert schema.type == "object" and schema.ref is None
        dynamic = schema.dynamic_schema
        assert dynamic is not None
        assert (dynamic.operation, dynamic.value_path) == ("GetRecordSchema", "schema")
        assert {name: (a.parameter, a.value) for name, a in dynamic.parameters.items()} == {
            "app": ("app", None),
            "mode": (None, "event"),
            "guestSpaceId": ("guestSpaceId", None),
        }
    for trigger_id in ("OnRecordsAdded", "OnRecordsUpdated", "OnRecordStatusChanged"):
        responses = {r.status: r for r in triggers[trigger_id].responses}
        assert set(responses) == {"200", "202"} and responses["202"].schema is None
        schema = responses["200"].schema
        assert schema is not None and schema.dynamic_schema is not None
        arguments = schema.dynamic_schema.parameters
        assert {name: (a.parameter, a.value) for name, a in arguments.items()} == {
            "app": ("app", None),
            "mode": (None, "poll"),
            "guestSpaceId": ("guestSpaceId", None),
        }
    assert "PolledRecords" not in connector.definitions
    assert "RecordEvent" not in connector.definitions
