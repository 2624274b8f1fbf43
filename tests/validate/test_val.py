"""VAL-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import (
    ADD,
    APP,
    APPS,
    BODY,
    CALLBACK,
    DROP,
    FIELDS,
    GET_WEBHOOK,
    HOOK,
    HOOK_BODY,
    HOOKS,
    MANY_PATHS,
    QUERY,
    RECORD,
    UNHOOK,
    UNHOOK_PATH,
    case,
    defective,
    expand,
)

CASES: list[Any] = [
    case(
        "unresolved-path-parameter",
        "VAL-23",
        [("S", UNHOOK + "/parameters", DROP)],
        f"error S#{UNHOOK}: path variable '{{webhookId}}' has no 'in: path' parameter",
    ),
    case(
        "no-success-response",
        "VAL-26",
        [("S", UNHOOK + "/responses", {"404": {"description": "Not found."}})],
        f"warning S#{UNHOOK}/responses: no 2xx (successful) response",
    ),
    case(
        "responses-empty-object",
        "VAL-26",
        [("S", UNHOOK + "/responses", {})],
        f"warning S#{UNHOOK}/responses: no responses (an empty object)",
    ),
    case(
        "operation-id-missing",
        "VAL-22",
        [("S", UNHOOK + "/operationId", DROP)],
        f"error S#{UNHOOK}: 'operationId' is required",
    ),
    case(
        "operation-id-duplicate",
        "VAL-22",
        [("S", UNHOOK + "/operationId", "ListApps")],
        f"error S#{UNHOOK}/operationId: operationId 'ListApps' is already used by {APPS}",
    ),
    case(
        "path-parameter-not-required",
        "VAL-23",
        [("S", UNHOOK + "/parameters/0/required", False)],
        f"error S#{UNHOOK}/parameters/0: path parameter 'webhookId' must be required",
    ),
    case(
        "path-parameter-renamed",
        "VAL-23",
        [("S", UNHOOK + "/parameters/0/name", "id")],
        f"error S#{UNHOOK}: path variable '{{webhookId}}' has no 'in: path' parameter",
        f"warning S#{UNHOOK}/parameters/0: path parameter 'id' is not in the path template "
        "/k/v1/webhooks/{webhookId}",
    ),
    case(
        "path-parameter-without-encoding",
        "VAL-39",
        [("S", UNHOOK + "/parameters/0/x-ms-url-encoding", DROP)],
        f"warning S#{UNHOOK}/parameters/0: path parameter has no 'x-ms-url-encoding' "
        "(use 'single')",
    ),
    # dynamic calls
    case(
        "dynamic-values-unknown-operation",
        "VAL-17",
        [("S", APP + "/x-ms-dynamic-values/operationId", "ListSpaces")],
        f"error S#{APP}/x-ms-dynamic-values/operationId: "
        "no operation has the operationId 'ListSpaces'",
    ),
    case(
        "dynamic-values-without-operation",
        "VAL-17",
        [("S", APP + "/x-ms-dynamic-values/operationId", DROP)],
        f"error S#{APP}/x-ms-dynamic-values: 'operationId' is required",
    ),
    case(
        "dynamic-list-items-path-undeclared",
        "VAL-17",
        [("S", APP + "/x-ms-dynamic-list/itemsPath", "applications")],
        f"warning S#{APP}/x-ms-dynamic-list/itemsPath: "
        "'applications' is not declared in the 2xx response of 'ListApps'",
    ),
    case(
        "dynamic-list-items-path-not-array",
        "VAL-17",
        [("S", APPS + "/responses/200/schema/properties/apps/type", "object")],
        f"warning S#{APP}/x-ms-dynamic-list/itemsPath: "
        "'apps' in the response of 'ListApps' is not an array",
        f"warning S#{APP}/x-ms-dynamic-values/value-collection: "
        "'apps' in the response of 'ListApps' is not an array",
        f"warning S#{HOOK_BODY}/schema/properties/app/x-ms-dynamic-values/value-collection: "
        "'apps' in the response of 'ListApps' is not an array",
    ),
    case(
        "dynamic-schema-value-path-undeclared",
        "VAL-17",
        [("S", RECORD + "/x-ms-dynamic-schema/value-path", "fields")],
        f"warning S#{RECORD}/x-ms-dynamic-schema/value-path: "
        "'fields' is not declared in the 2xx response of 'GetRecordSchema'",
    ),
    case(
        "dynamic-schema-operation-without-response-schema",
        "VAL-17",
        [("S", FIELDS + "/responses/200/schema", DROP)],
        f"warning S#{RECORD}/x-ms-dynamic-properties/itemValuePath: "
        "'GetRecordSchema' declares no 2xx response schema, so 'schema' cannot be checked",
        f"warning S#{RECORD}/x-ms-dynamic-schema/value-path: "
        "'GetRecordSchema' declares no 2xx response schema, so 'schema' cannot be checked",
    ),
    case(
        "item-value-path-mismatch",
        "VAL-12",
        [
            ("S", RECORD + "/x-ms-dynamic-schema/value-path", "schema/properties"),
            ("S", RECORD + "/x-ms-dynamic-properties/itemValuePath", "schema/properties"),
        ],
        f"warning S#{RECORD}/x-ms-dynamic-properties/itemValuePath: "
        "itemValuePath 'schema/properties' should be 'schema' to match value-path",
    ),
    case(
        "dynamic-schema-parameter-unknown-to-invoked",
        "VAL-24",
        [("S", RECORD + "/x-ms-dynamic-schema/parameters", {"appId": {"parameter": "app"}})],
        f"warning S#{RECORD}/x-ms-dynamic-schema/parameters/appId: "
        "'appId' is not a parameter of 'GetRecordSchema'",
    ),
    case(
        "dynamic-schema-reference-unknown",
        "VAL-24",
        [("S", RECORD + "/x-ms-dynamic-schema/parameters/app/parameter", "application")],
        f"error S#{RECORD}/x-ms-dynamic-schema/parameters/app/parameter: "
        "'application' is not a parameter or body property of 'AddRecord'",
    ),
    case(
        "dynamic-schema-dotted-reference-next-to-dynamic-properties",
        "VAL-24",
        [("S", RECORD + "/x-ms-dynamic-schema/parameters/app/parameter", "body.app")],
        f"warning S#{RECORD}/x-ms-dynamic-schema/parameters/app/parameter: "
        "'body.app' is not a parameter or body property of 'AddRecord' "
        "(as 'body/app' it is; x-ms-dynamic-properties next to it is what designers use)",
    ),
    case(
        "dynamic-schema-dotted-reference-alone",
        "VAL-24",
        [
            ("S", RECORD + "/x-ms-dynamic-schema/parameters/app/parameter", "body.app"),
            ("S", RECORD + "/x-ms-dynamic-properties", DROP),
        ],
        f"error S#{RECORD}/x-ms-dynamic-schema/parameters/app/parameter: "
        "'body.app' is not a parameter or body property of 'AddRecord'",
    ),
    case(
        "dynamic-properties-reference-unknown",
        "VAL-24",
        [("S", RECORD + "/x-ms-dynamic-properties/parameters/app/parameterReference", "body/x")],
        f"error S#{RECORD}/x-ms-dynamic-properties/parameters/app/parameterReference: "
        "'body/x' is not a parameter or body property of 'AddRecord'",
    ),
    # webhooks
    case(
        "webhook-without-notification-content",
        "VAL-25",
        [("S", HOOKS + "/x-ms-notification-content", DROP)],
        f"warning S#{HOOKS}: webhook trigger 'OnRecordAdded' needs path-level "
        "'x-ms-notification-content'",
    ),
    case(
        "notification-content-without-schema",
        "VAL-25",
        [("S", HOOKS + "/x-ms-notification-content/schema", DROP)],
        f"warning S#{HOOKS}/x-ms-notification-content: 'schema' (an object) is required",
    ),
    case(
        "webhook-without-notification-url",
        "VAL-25",
        [("S", CALLBACK + "/x-ms-notification-url", DROP)],
        f"error S#{HOOK}: a webhook trigger needs a body property marked 'x-ms-notification-url'",
    ),
    case(
        "webhook-without-delete",
        "VAL-25",
        [("S", UNHOOK_PATH, DROP)],
        "warning S#/paths: webhook triggers need a DELETE operation to remove their subscription",
    ),
    case(
        "notification-url-not-string",
        "VAL-56",
        [("S", CALLBACK + "/type", "object")],
        f"error S#{CALLBACK}: the 'x-ms-notification-url' property must be a string, not 'object'",
    ),
    case(
        "notification-url-untyped",
        "VAL-56",
        [("S", CALLBACK + "/type", DROP)],
        f"warning S#{CALLBACK}: the 'x-ms-notification-url' property should say 'type: string'",
    ),
    case(
        "notification-url-not-internal",
        "VAL-56",
        [("S", CALLBACK + "/x-ms-visibility", "advanced")],
        f"warning S#{CALLBACK}: the 'x-ms-notification-url' property must be "
        "'x-ms-visibility: internal'",
    ),
    case(
        "notification-url-not-required",
        "VAL-56",
        [("S", HOOK_BODY + "/schema/required", ["app"])],
        f"warning S#{HOOK_BODY}/schema: "
        "'callbackUrl' must be listed in 'required' (it leads to the callback url)",
    ),
    case(
        "webhook-body-not-required",
        "VAL-56",
        [("S", HOOK_BODY + "/required", False)],
        f"warning S#{HOOK_BODY}: the webhook body parameter should be required",
    ),
    case(
        "webhook-with-response-schema",
        "VAL-54",
        [("S", HOOK + "/responses/201/schema", {"type": "object"})],
        f"warning S#{HOOK}/responses/201/schema: "
        "the webhook's output belongs in 'x-ms-notification-content'",
    ),
    # an empty schema is CERT-15's finding, not output in the wrong place
    case("webhook-empty-response-schema", "VAL-54", [("S", HOOK + "/responses/201/schema", {})]),
    case(
        "required-listed-twice",
        "VAL-03",
        [("S", BODY + "/schema/required", ["app", "record", "app"])],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/schema/require"
        "d/2: 'app' appears more than once in 'required'",
    ),
    case(
        "get-with-body",
        "VAL-04",
        [
            (
                "S",
                APPS + "/parameters",
                [
                    {
                        "name": "body",
                        "in": "body",
                        "schema": {"type": "object"},
                        "x-ms-summary": "Body",
                        "description": "A body.",
                    }
                ],
            )
        ],
        "warning S#/paths/~1k~1v1~1apps.json/get/parameters/0: a GET operation cannot send a body",
    ),
    case(
        "consumes-missing",
        "VAL-06",
        [("S", "/consumes", DROP)],
        "warning S#/paths/~1k~1v1~1record.json/post: no supported MIME type in"
        " 'consumes' (e.g. application/json)",
        "warning S#/paths/~1k~1v1~1webhooks.json/post: no supported MIME type"
        " in 'consumes' (e.g. application/json)",
    ),
    case(
        "enum-values-twice",
        "VAL-07",
        [
            (
                "S",
                FIELDS + "/parameters/0/x-ms-enum-values",
                [{"value": "1", "displayName": "One"}, {"value": "1", "displayName": "Uno"}],
            )
        ],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms"
        "-enum-values/1: value '1' is listed twice",
    ),
    case(
        "path-differs-in-case",
        "VAL-08",
        [("S", "/paths/~1K~1v1~1Apps.json", {})],
        "warning S#/paths/~1K~1v1~1Apps.json: '/K/v1/Apps.json' cannot be told"
        " apart from '/k/v1/apps.json'",
    ),
    case(
        "dynamic-schema-on-body-parameter",
        "VAL-09",
        [
            (
                "S",
                BODY + "/x-ms-dynamic-schema",
                {"operationId": "GetRecordSchema", "parameters": {}},
            )
        ],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/x-ms-dynamic-s"
        "chema: 'x-ms-dynamic-schema' belongs in the body parameter's 'schema'",
    ),
    case(
        "dynamic-values-without-list",
        "VAL-10",
        [
            ("S", APP + "/x-ms-dynamic-values/parameters", {"app": {"parameter": "record"}}),
            ("S", APP + "/x-ms-dynamic-list", DROP),
        ],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/schema/propert"
        "ies/app/x-ms-dynamic-values: add 'x-ms-dynamic-list': the references"
        " here need the newer form",
    ),
    case(
        "dynamic-schema-without-properties",
        "VAL-11",
        [("S", RECORD + "/x-ms-dynamic-properties", DROP)],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/schema/propert"
        "ies/record/x-ms-dynamic-schema: add 'x-ms-dynamic-properties': the"
        " references here need the newer form",
    ),
    case(
        "enum-value-wrong-type",
        "VAL-14",
        [("S", FIELDS + "/parameters/0/enum", ["1", 2])],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/enum"
        "/1: enum value 2 is not of type string",
    ),
    case(
        "next-link-name",
        "VAL-16",
        [("S", APPS + "/x-ms-pageable", {"nextLinkName": "next"})],
        "warning S#/paths/~1k~1v1~1apps.json/get/x-ms-pageable/nextLinkName:"
        " nextLinkName 'next' is not one of: nextLink, @odata.nextLink",
    ),
    case(
        "notification-on-action",
        "VAL-19",
        [("S", APPS + "/x-ms-notification", {"operationId": "Nowhere"})],
        "warning S#/paths/~1k~1v1~1apps.json/get/x-ms-notification:"
        " 'x-ms-notification' belongs on a polling trigger",
        "error S#/paths/~1k~1v1~1apps.json/get/x-ms-notification/operationId:"
        " no operation has the operationId 'Nowhere'",
    ),
    case(
        "two-responses-with-schema",
        "VAL-21",
        [("S", APPS + "/responses/400", {"description": "Bad.", "schema": {"type": "object"}})],
        "info S#/paths/~1k~1v1~1apps.json/get/responses: responses 200, 400 all carry a schema",
    ),
    case(
        "parameter-declared-twice",
        "VAL-27",
        [
            (
                "S",
                FIELDS + "/parameters/1",
                {
                    "name": "app",
                    "in": "query",
                    "type": "string",
                    "x-ms-summary": "App",
                    "description": "The app.",
                },
            )
        ],
        "error S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/1:"
        " parameter 'app' in query is declared twice",
    ),
    case(
        "path-with-unbalanced-brace",
        "VAL-28",
        [("S", "/paths/~1k~1v1~1{app", {})],
        "error S#/paths/~1k~1v1~1{app: '/k/v1/{app' has unbalanced or nested braces",
    ),
    case(
        "too-many-operations",
        "VAL-29",
        [("S", "/paths", MANY_PATHS)],
        "error S#/paths: 257 operations; at most 256 allowed",
    ),
    case(
        "parameter-summary-too-long",
        "VAL-31",
        [("S", FIELDS + "/parameters/0/x-ms-summary", "A" * 81)],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms"
        "-summary: x-ms-summary has 81 characters; at most 80",
    ),
    case(
        "array-without-items",
        "VAL-35",
        [("S", FIELDS + "/responses/200/schema/properties/list", {"type": "array"})],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/responses/200/sch"
        "ema/properties/list: an array needs 'items'",
    ),
    case(
        "consumes-xml",
        "VAL-36",
        [("S", ADD + "/consumes", ["application/xml"])],
        "warning S#/paths/~1k~1v1~1record.json/post/consumes/0: MIME type"
        " 'application/xml' is not supported",
    ),
    case(
        "file-in-query",
        "VAL-37",
        [("S", FIELDS + "/parameters/0/type", "file")],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/type"
        ": type 'file' is not allowed here",
    ),
    case(
        "schema-ref-to-parameters",
        "VAL-38",
        [
            ("S", "/parameters", {"App": QUERY}),
            ("S", ADD + "/responses/200/schema/$ref", "#/parameters/App"),
        ],
        "warning S#/paths/~1k~1v1~1record.json/post/responses/200/schema/$ref:"
        " a schema $ref should point into #/definitions/, not"
        " '#/parameters/App'",
    ),
    case(
        "query-with-encoding",
        "VAL-40",
        [("S", FIELDS + "/parameters/0/x-ms-url-encoding", "single")],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms"
        "-url-encoding: 'x-ms-url-encoding' is not supported on query"
        " parameters",
    ),
    case(
        "reference-to-internal",
        "VAL-42",
        [
            ("S", FIELDS + "/parameters/1", QUERY),
            (
                "S",
                FIELDS + "/parameters/0/x-ms-dynamic-values",
                {
                    "operationId": "ListApps",
                    "parameters": {"lang": {"parameter": "lang"}},
                    "value-collection": "apps",
                    "value-path": "appId",
                    "value-title": "name",
                },
            ),
        ],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms"
        "-dynamic-values/parameters/lang: 'lang' is internal; pass a static"
        " value instead",
    ),
    case(
        "same-name-other-type",
        "VAL-43",
        [("S", UNHOOK_PATH + "/get", GET_WEBHOOK)],
        "warning S#/paths/~1k~1v1~1webhooks~1{webhookId}/delete/parameters/0:"
        " 'webhookId' has type 'string' here but 'integer' at"
        " /paths/~1k~1v1~1webhooks~1{webhookId}/get/parameters/0",
    ),
    case(
        "unknown-extension",
        "VAL-44",
        [("S", APPS + "/x-ms-foo", 1)],
        "warning S#/paths/~1k~1v1~1apps.json/get/x-ms-foo: 'x-ms-foo' is not a known extension",
    ),
    case(
        "trigger-on-info",
        "VAL-44",
        [("S", "/info/x-ms-trigger", "single")],
        "warning S#/info/x-ms-trigger: 'x-ms-trigger' is not allowed in info"
        " (allowed in: operation)",
    ),
    case(
        "visibility-hidden",
        "VAL-44",
        [("S", APPS + "/x-ms-visibility", "hidden")],
        "warning S#/paths/~1k~1v1~1apps.json/get/x-ms-visibility:"
        " 'x-ms-visibility' must be one of: important, advanced, internal",
    ),
    case(
        "websocket-scheme",
        "VAL-45",
        [("S", "/schemes", ["wss"])],
        "error S#/schemes/0: scheme 'wss' is not supported (http or https)",
    ),
    case(
        "host-with-scheme",
        "VAL-45",
        [("S", "/host", "https://x.cybozu.com")],
        "error S#/host: host 'https://x.cybozu.com' must be a bare host name",
    ),
    case(
        "body-with-type",
        "VAL-46",
        [("S", "/paths/~1k~1v1~1record.json/post/parameters/0/type", "object")],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/type"
        ": a body parameter has no 'type' (its 'schema' says it); it is ignored",
    ),
    case(
        "trigger-kind-unknown",
        "VAL-44",
        [("S", "/paths/~1k~1v1~1webhooks.json/post/x-ms-trigger", "sometimes")],
        "error S#/paths/~1k~1v1~1webhooks.json/post/x-ms-trigger"
        ": 'x-ms-trigger' must be one of: single, batch",
    ),
    case(
        "query-with-schema",
        "VAL-46",
        [("S", FIELDS + "/parameters/0/schema", {"type": "string"})],
        "error S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/schema"
        ": an 'in: query' parameter has no 'schema' (use 'type')",
    ),
    case(
        "default-wrong-type",
        "VAL-48",
        [("S", FIELDS + "/parameters/0/default", 5)],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/defa"
        "ult: default 5 is not of type string",
    ),
    case(
        "internal-required-without-default",
        "VAL-50",
        [("S", FIELDS + "/parameters/0/x-ms-visibility", "internal")],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0:"
        " internal and required, but no 'default'",
    ),
    case(
        "required-undeclared",
        "VAL-51",
        [("S", BODY + "/schema/required", ["app", "record", "fields"])],
        "warning S#/paths/~1k~1v1~1record.json/post/parameters/0/schema/require"
        "d/2: required property 'fields' is not declared in 'properties'",
    ),
    case(
        "security-undefined",
        "VAL-52",
        [("S", "/security", [{"oauth": []}])],
        "warning S#/security/0/oauth: security scheme 'oauth' is not defined, so it is ignored",
    ),
    case(
        "security-without-any-scheme",
        "VAL-52",
        [("S", "/securityDefinitions", DROP)],
        "warning S#/security/0/api_key: security scheme 'api_key' is not defined, so it is ignored",
    ),
    case(
        "tag-twice",
        "VAL-53",
        [("S", "/tags", [{"name": "Records"}, {"name": "Records"}])],
        "warning S#/tags/1: tag 'Records' is declared twice",
    ),
    case(
        "min-length-above-max",
        "VAL-57",
        [
            ("S", FIELDS + "/parameters/0/minLength", 5),
            ("S", FIELDS + "/parameters/0/maxLength", 2),
        ],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/minL"
        "ength: 'minLength' 5 is above 'maxLength' 2",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
