"""SWAGGER-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import ADD, APPS, BODY, DROP, FIELDS, UNHOOK, case, defective, expand

CASES: list[Any] = [
    # swagger conformance and size
    case(
        "swagger-version-3",
        "SWAGGER-01",
        [("S", "/swagger", "3.0")],
        "error S#/swagger: '3.0' is not one of ['2.0']",
    ),
    case(
        "response-without-description",
        "SWAGGER-01",
        [("S", APPS + "/responses/200/description", DROP)],
        f"error S#{APPS}/responses/200: 'description' is a required property",
    ),
    case(
        "security-empty-object",
        "SWAGGER-01",
        [("S", "/security", {})],
        "warning S#/security: {} is not of type 'array'",
    ),
    # one construct, one finding: SWAGGER-01 leaves these to the rule named in the id
    case("responses-empty-object-left-to-val-26", "SWAGGER-01", [("S", UNHOOK + "/responses", {})]),
    case("body-without-schema-left-to-val-46", "SWAGGER-01", [("S", BODY + "/schema", DROP)]),
    case(
        "query-with-schema-left-to-val-46",
        "SWAGGER-01",
        [("S", APPS + "/parameters", [{"name": "q", "in": "query", "schema": {"type": "string"}}])],
    ),
    case(
        "optional-path-parameter-left-to-val-23",
        "SWAGGER-01",
        [("S", UNHOOK + "/parameters/0/required", False)],
    ),
    case(
        "path-variable-unresolved-left-to-val-23", "SWAGGER-01", [("S", UNHOOK + "/parameters", [])]
    ),
    case(
        "duplicate-operation-id-left-to-val-22",
        "SWAGGER-01",
        [("S", APPS + "/operationId", "AddRecord")],
    ),
    case("base-path-without-slash-left-to-val-45", "SWAGGER-01", [("S", "/basePath", "k")]),
    case("body-with-type-left-to-val-46", "SWAGGER-01", [("S", BODY + "/type", "object")]),
    case(
        "repeated-parameter-left-to-val-27",
        "SWAGGER-01",
        [("S", APPS + "/parameters", [{"name": "q", "in": "query", "type": "string"}] * 2)],
    ),
    case(
        "path-without-slash-left-to-val-28",
        "SWAGGER-01",
        [
            (
                "S",
                "/paths/k~1x",
                {"get": {"operationId": "X", "responses": {"200": {"description": "ok"}}}},
            )
        ],
    ),
    case(
        "parameter-type-list-with-null",
        "SWAGGER-01",
        [("S", FIELDS + "/parameters/0/type", ["string", "null"])],
        f"warning S#{FIELDS}/parameters/0/type: ['string', 'null'] is not of type 'string'; "
        "write the one type (and x-nullable) instead of a list with 'null'",
    ),
    case(
        "parameter-type-list",
        "SWAGGER-01",
        [("S", FIELDS + "/parameters/0/type", ["string", "integer"])],
        f"error S#{FIELDS}/parameters/0/type: ['string', 'integer'] is not of type 'string'",
    ),
    case(
        "schema-unknown-keyword",
        "SWAGGER-01",
        [("S", APPS + "/responses/200/schema/nullable", True)],
        f"warning S#{APPS}/responses/200/schema: 'nullable' does not match any of the regexes: "
        "'^x-' (not a schema keyword, so it is ignored)",
    ),
    case(
        "operation-unknown-key",
        "SWAGGER-01",
        [("S", APPS + "/nullable", True)],
        f"warning S#{APPS}: 'nullable' does not match any of the regexes: '^x-' "
        "(not a Swagger 2.0 key, so it is ignored)",
    ),
    case(
        "required-empty-array",
        "SWAGGER-01",
        [("S", BODY + "/schema/required", [])],
        f"warning S#{BODY}/schema/required: [] should be non-empty",
    ),
    case(
        "response-schema-of-type-file",
        "SWAGGER-01",
        [("S", APPS + "/responses/200/schema", {"type": "file"})],
    ),
    case(
        "swagger-root-array",
        "SWAGGER-01",
        [("S", "", [])],
        "error S: the root must be an object, not an array",
    ),
    case(
        "parameter-with-unknown-in",
        "SWAGGER-01",
        [("S", FIELDS + "/parameters/0/in", "cookie")],
        f"error S#{FIELDS}/parameters/0: an object is not valid under any of the given schemas",
    ),
    case(
        "ref-to-nowhere",
        "SWAGGER-01",
        [("S", ADD + "/responses/200/schema/$ref", "#/definitions/Nowhere")],
        f"error S#{ADD}/responses/200/schema/$ref: "
        "'#/definitions/Nowhere' points at nothing in this file",
    ),
    case(
        "ref-to-another-file",
        "SWAGGER-01",
        [("S", ADD + "/responses/200/schema/$ref", "other.json#/A")],
        f"error S#{ADD}/responses/200/schema/$ref: "
        "'other.json#/A' is not a local reference ('#/...')",
    ),
    case(
        "ref-loop",
        "SWAGGER-01",
        [("S", "/definitions/AddedRecord", {"$ref": "#/definitions/AddedRecord"})],
        "error S#/definitions/AddedRecord/$ref: "
        "'#/definitions/AddedRecord' leads to a $ref loop or to a value that is not an object",
        f"error S#{ADD}/responses/200/schema/$ref: "
        "'#/definitions/AddedRecord' leads to a $ref loop or to a value that is not an object",
    ),
    case(
        "default-not-fitting-schema",
        "SWAGGER-01",
        [("S", BODY + "/schema/default", {})],
        "warning S: a default or example value does not fit its schema: "
        "'app' is a required property",
        "warning S: a default or example value does not fit its schema: "
        "'record' is a required property",
    ),
    case(
        "title-missing",
        "SWAGGER-01",
        [("S", "/info/title", DROP)],
        "error S#/info: 'title' is a required property",
    ),
    case(
        "responses-missing",
        "SWAGGER-01",
        [("S", UNHOOK + "/responses", DROP)],
        f"error S#{UNHOOK}: 'responses' is a required property",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
