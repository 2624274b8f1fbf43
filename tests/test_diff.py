"""Breaking-change report between two versions of a connector: each kind of change, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.validate import read_connector
from generator.validate.diff import diff_files
from tests.validate.defects import (
    ADD,
    APPS,
    CALLBACK,
    DATA,
    DROP,
    FIELDS,
    HOOK,
    PARAMS,
    UNHOOK,
    defective,
)

CLEAN = DATA / "clean"
S = "apiDefinition.swagger.json"
LANG = {
    "name": "lang",
    "in": "query",
    "type": "string",
    "x-ms-summary": "Language",
    "description": "The language.",
}
REGION = {
    "type": "string",
    "uiDefinition": {"displayName": "Region", "constraints": {"required": "true"}},
}
FIELDS_PARAM = f"{S}#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters"
ADDED = f"{S}#/definitions/AddedRecord/properties"


def changes_of(
    changes: list[tuple[str, str | None, Any]], base: list[tuple[str, str | None, Any]] = ()
) -> list[str]:
    """The rendered changes from the clean connector (plus ``base``) to a changed copy."""
    before = defective(list(base))
    return [c.render() for c in diff_files(before, defective([*base, *changes]))]


CASES = [
    pytest.param(
        [("S", UNHOOK, DROP)],
        [],
        f"breaking operation-removed DeleteWebhook old:{S}#{UNHOOK}: "
        "operation 'DeleteWebhook' (DELETE /k/v1/webhooks/{webhookId}) was removed",
        id="operation-removed",
    ),
    pytest.param(
        [("S", APPS + "/operationId", "GetApps")],
        [],
        f"breaking operation-renamed ListApps old:{S}#{APPS}/operationId: "
        "operationId 'ListApps' became 'GetApps'; flows using it break",
        id="operation-renamed",
    ),
    pytest.param(
        [("S", FIELDS + "/parameters/1", {**LANG, "required": True})],
        [],
        f"breaking input-added-required GetRecordSchema new:{FIELDS_PARAM}/1: "
        "new required input 'query/lang' without a default",
        id="new-required-parameter",
    ),
    pytest.param(
        [("S", FIELDS + "/parameters/1/required", True)],
        [("S", FIELDS + "/parameters/1", LANG)],
        f"breaking input-now-required GetRecordSchema new:{FIELDS_PARAM}/1: "
        "'query/lang' became required",
        id="parameter-became-required",
    ),
    pytest.param(
        [("S", FIELDS + "/parameters/1", DROP)],
        [("S", FIELDS + "/parameters/1", LANG)],
        f"breaking input-removed GetRecordSchema old:{FIELDS_PARAM}/1: 'query/lang' was removed",
        id="parameter-removed",
    ),
    pytest.param(
        [("S", FIELDS + "/parameters/0/type", "integer")],
        [],
        f"breaking input-type-changed GetRecordSchema new:{FIELDS_PARAM}/0: "
        "input 'query/app' changed type from string to integer",
        id="parameter-type-changed",
    ),
    pytest.param(
        [("S", "/definitions/AddedRecord/properties/revision", DROP)],
        [],
        f"breaking response-property-removed AddRecord old:{ADDED}/revision: "
        "response property 'revision' was removed",
        id="response-property-removed",
    ),
    pytest.param(
        [("S", "/definitions/AddedRecord/properties/revision/type", "integer")],
        [],
        f"breaking response-type-changed AddRecord new:{ADDED}/revision: "
        "response property 'revision' changed type from string to integer",
        id="response-property-type-changed",
    ),
    pytest.param(
        [("S", CALLBACK + "/x-ms-notification-url", DROP)],
        [],
        f"breaking trigger-changed OnRecordAdded new:{S}#{HOOK}: webhook became polling",
        id="webhook-became-polling",
    ),
    pytest.param(
        [("S", HOOK + "/x-ms-trigger", "batch")],
        [],
        f"breaking trigger-changed OnRecordAdded new:{S}#{HOOK}/x-ms-trigger: "
        "x-ms-trigger changed from single to batch",
        id="trigger-single-to-batch",
    ),
    pytest.param(
        [("S", "/definitions/RecordEvent/properties/url", DROP)],
        [],
        f"breaking notification-property-removed OnRecordAdded old:{S}#"
        "/definitions/RecordEvent/properties/url: notification property 'url' was removed",
        id="notification-property-removed",
    ),
    pytest.param(
        [("S", ADD + "/x-ms-visibility", "internal")],
        [],
        f"breaking visibility-changed AddRecord new:{S}#{ADD}: "
        "operation visibility changed from important to internal",
        id="operation-became-internal",
    ),
    pytest.param(
        [("P", PARAMS + "/region", REGION)],
        [],
        "breaking connection-added new:apiProperties.json#/properties/connectionParameters/region: "
        "new required connection parameter 'region'; existing connections lack it",
        id="new-required-connection-parameter",
    ),
    pytest.param(
        [("S", FIELDS + "/parameters/1", LANG)],
        [],
        f"non-breaking input-added GetRecordSchema new:{FIELDS_PARAM}/1: 'query/lang' was added",
        id="optional-parameter-added",
    ),
    pytest.param(
        [("S", ADD + "/x-ms-visibility", "advanced")],
        [],
        f"non-breaking visibility-changed AddRecord new:{S}#{ADD}: "
        "operation visibility changed from important to advanced",
        id="operation-became-advanced",
    ),
    pytest.param(
        [("S", "/definitions/AddedRecord/properties/url", {"type": "string"})],
        [],
        f"non-breaking response-property-added AddRecord new:{ADDED}/url: "
        "response property 'url' was added",
        id="response-property-added",
    ),
    pytest.param(
        [("S", ADD + "/parameters/0/schema/required", ["app"])],
        [],
        f"non-breaking input-now-optional AddRecord new:{S}#{ADD}/parameters/0/schema/properties/"
        "record: 'body/record' became optional",
        id="body-property-became-optional",
    ),
]


@pytest.mark.parametrize(("changes", "base", "expected"), CASES)
def test_each_change_is_reported_with_its_impact(
    changes: list[tuple[str, str | None, Any]],
    base: list[tuple[str, str | None, Any]],
    expected: str,
) -> None:
    assert changes_of(changes, base) == [expected]


def test_identical_connectors_have_no_changes() -> None:
    files = read_connector(CLEAN)
    assert diff_files(files, files) == []


def test_breaking_changes_come_first() -> None:
    rendered = changes_of([("S", FIELDS + "/parameters/1", LANG), ("S", UNHOOK, DROP)])
    assert [line.split()[0] for line in rendered] == ["breaking", "non-breaking"]


def test_garbage_on_either_side_gives_changes_not_exceptions() -> None:
    clean = read_connector(CLEAN)
    for broken in ({}, {S: b"[]"}, {S: b'{"paths": {"/a": {"get": 1}}}'}, {S: b"not json"}):
        diff_files(clean, broken)
        diff_files(broken, clean)


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_cli_exits_1_on_a_removed_operation_and_a_new_required_parameter(tmp_path: Path) -> None:
    new = _write(
        tmp_path / "new",
        defective(
            [("S", UNHOOK, DROP), ("S", FIELDS + "/parameters/1", {**LANG, "required": True})]
        ),
    )
    result = CliRunner().invoke(main, ["diff", str(CLEAN), str(new)])
    assert result.exit_code == 1
    assert "breaking operation-removed DeleteWebhook" in result.output
    assert "breaking input-added-required GetRecordSchema" in result.output
    assert "2 breaking, 0 non-breaking changes" in result.output
    assert "Error: 2 breaking changes" in result.output


def test_cli_json_and_a_clean_exit(tmp_path: Path) -> None:
    same = tmp_path / "same"
    shutil.copytree(CLEAN, same)
    result = CliRunner().invoke(main, ["diff", str(CLEAN), str(same), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "summary": {"breaking": 0, "non-breaking": 0},
        "changes": [],
    }


def test_cli_unreadable_side_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "nope"), str(CLEAN)])
    assert result.exit_code == 2
    assert "OLD" in result.output and "no such folder or file" in result.output
