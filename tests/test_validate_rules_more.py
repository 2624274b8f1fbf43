"""The rules added for certification-grade checks: one defect each, exact findings."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from generator.validate import validate_files
from tests.test_validate_rules import (
    ADD,
    APP,
    APPS,
    BODY,
    DATA,
    DROP,
    FIELDS,
    PARAMS,
    RECORD,
    UNHOOK_PATH,
    _expand,
    case,
    defective,
)

CLEAN_SWAGGER = (DATA / "clean" / "apiDefinition.swagger.json").read_bytes()
TITLE = b'"title": "kintone",'


def png(width: int, height: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A one-colour RGBA PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(rgba) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


QUERY = {
    "name": "lang",
    "in": "query",
    "type": "string",
    "x-ms-visibility": "internal",
    "default": "en",
    "required": True,
    "x-ms-summary": "Language",
    "description": "The language of the names.",
}
TENANT = {
    "type": "string",
    "metadata": {"sourceType": "AzureActiveDirectoryTenant"},
    "uiDefinition": {
        "displayName": "Tenant",
        "description": "The tenant ID of for the Azure Active Directory application",
        "constraints": {"hidden": "true", "required": "false"},
    },
}
OAUTH = {
    "type": "oauthSetting",
    "oAuthSettings": {
        "identityProvider": "oauth2",
        "clientId": "client",
        "redirectMode": "Local",
        "customParameters": {"loginUri": {"value": "https://login.example.com"}},
    },
}
# A per-domain sign-in as certified ServiceDeskPlus Cloud writes it, with one placeholder wrong.
GENERIC = {
    "type": "oauthSetting",
    "oAuthSettings": {
        "identityProvider": "oauth2generic",
        "clientId": "client",
        "customParameters": {
            "authorizationUrlTemplate": {"value": "https://{Domain}/oauth2/authorization"},
            "tokenUrlTemplate": {"value": "https://{host}/oauth2/token?c={clientId}"},
        },
    },
}
POLLING_POLICY = {
    "templateId": "pollingtrigger",
    "title": "Poll",
    "parameters": {
        "x-ms-apimTemplateParameter.triggerConfig": {},
        "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().value",
        "x-ms-apimTemplate-operationName": ["ListApps"],
    },
}
GET_WEBHOOK = {
    "operationId": "GetWebhook",
    "summary": "Get a webhook",
    "description": "Gets a webhook.",
    "x-ms-visibility": "internal",
    "parameters": [
        {
            "name": "webhookId",
            "in": "path",
            "required": True,
            "type": "integer",
            "x-ms-url-encoding": "single",
            "x-ms-summary": "Webhook ID",
            "description": "The webhook.",
        }
    ],
    "responses": {"200": {"description": "The webhook.", "schema": {"type": "object"}}},
}
MANY_PATHS = {
    f"/p{i}": {"get": {"operationId": f"Op{i}", "responses": {"200": {"description": "OK."}}}}
    for i in range(257)
}

CASES: list[Any] = [
    case(
        "swagger-duplicate-key",
        "JSON-02",
        [("S", None, CLEAN_SWAGGER.replace(TITLE, TITLE + b'\n    "title": "kintone",', 1))],
        "warning S#/info/title: key 'title' appears more than once in this object",
    ),
    case(
        "swagger-trailing-comma",
        "JSON-01",
        [
            (
                "S",
                None,
                CLEAN_SWAGGER.replace(b'"version": "1.0.0",', b'"version": "1.0.0",\n  },', 1),
            )
        ],
        "error S#L6C23: not valid JSON: a trailing comma before '}' at line 6, column 23",
    ),
    case(
        "swagger-with-comment",
        "JSON-01",
        [("S", None, CLEAN_SWAGGER.replace(TITLE, TITLE + b" // the name", 1))],
        "error S#L4C25: not valid JSON: a comment (JSON has no comments) at line 4, column 25",
    ),
    case(
        "tenant-not-hidden",
        "AP-05",
        [
            (
                "P",
                PARAMS + "/token:TenantId",
                {
                    "type": "string",
                    "uiDefinition": {"constraints": {"hidden": "false", "required": "false"}},
                },
            )
        ],
        "error P#/properties/connectionParameters/token:TenantId:"
        " token:TenantId needs metadata.sourceType 'AzureActiveDirectoryTenant'",
        "warning P#/properties/connectionParameters/token:TenantId:"
        " token:TenantId is usually hidden",
    ),
    case(
        "oauth-unknown-redirect-mode",
        "AP-06",
        [("P", PARAMS + "/token", OAUTH)],
        "warning P#/properties/connectionParameters/token/oAuthSettings/customP"
        "arameters/loginUri: customParameters 'loginUri' is not one of the"
        " oauth2 parameters",
        "warning P#/properties/connectionParameters/token/oAuthSettings/redirec"
        "tMode: redirectMode 'Local' is not Global, GlobalPerConnector or"
        " Direct",
    ),
    case(
        "oauth-template-placeholder-without-parameter",
        "AP-12",
        [("P", PARAMS + "/token", GENERIC), ("P", PARAMS + "/token:domain", {"type": "string"})],
        "warning P#/properties/connectionParameters/token/oAuthSettings: oauth2generic without "
        "refreshUrlTemplate: the platform has no URL for it",
        "error P#/properties/connectionParameters/token/oAuthSettings/customParameters/tokenUrlTe"
        "mplate/value: {host} names no token: parameter of this set",
    ),
    case(
        "publisher-email",
        "AP-10",
        [("P", "/properties/publisher", "jane@example.com")],
        "warning P#/properties/publisher: 'publisher' should be a company name, not an address",
    ),
    case(
        "tenant-hidden-string",
        "AP-11",
        [("P", PARAMS + "/token:TenantId", TENANT)],
        "warning P#/properties/connectionParameters/token:TenantId/uiDefinition"
        "/constraints/hidden: 'hidden' should be a boolean here (the service"
        " rejects a string)",
    ),
    case(
        "title-ends-with-punctuation",
        "CERT-03",
        [("S", "/info/title", "kintone!")],
        "warning S#/info/title: title must end with a letter or a digit",
    ),
    case(
        "description-repeats-summary",
        "CERT-12",
        [("S", APPS + "/description", "List apps")],
        "warning S#/paths/~1k~1v1~1apps.json/get/description: the description repeats the summary",
    ),
    case(
        "description-not-a-sentence",
        "CERT-12",
        [("S", APPS + "/description", "Lists the apps the connection can see")],
        "warning S#/paths/~1k~1v1~1apps.json/get/description: the description"
        " should be a sentence ending in '.'",
    ),
    case(
        "empty-response-schema",
        "CERT-15",
        [("S", FIELDS + "/responses/200/schema", {})],
        "warning S#/paths/~1k~1v1~1app~1form~1fields.json/get/responses/200/sch"
        "ema: empty response schema; describe the response or drop the schema",
    ),
    case(
        "staging-host",
        "CERT-17",
        [("S", "/host", "staging.cybozu.com")],
        "warning S#/host: host 'staging.cybozu.com' does not look like a production host",
    ),
    case(
        "icon-transparent",
        "CERT-21",
        [("I", None, png(230, 230, (245, 180, 0, 0)))],
        "warning I: the icon background is transparent; fill it with the brand colour",
    ),
    case(
        "icon-other-colour",
        "CERT-21",
        [("I", None, png(100, 100, (0, 0, 255, 255)))],
        "warning I: the icon background #0000ff does not match iconBrandColor #f5b400",
        "warning I: the icon is 100x100; certification expects 230x230",
    ),
    case(
        "readme-template-title",
        "CERT-22",
        [("readme.md", None, b"# Title\n\n## Publisher: Example\n\n## Prerequisites\n")],
        "warning R: the readme has no '## Known Issues and Limitations' section",
        "warning R: the readme has no '## Obtaining Credentials' section",
        "warning R: the readme has no '## Supported Operations' section",
        "warning R: the readme should start with '# <connector name>'",
    ),
    case(
        "aws-key-in-tooltip",
        "PKG-06",
        [("P", PARAMS + "/api_key/uiDefinition/tooltip", "AKIAABCDEFGHIJKLMNOP")],
        "warning P#/properties/connectionParameters/api_key/uiDefinition/tooltip:"
        " contains an AWS access key; remove it and rotate the credential",
    ),
    case(
        "aws-documentation-example-key",
        "PKG-06",
        [("P", PARAMS + "/api_key/uiDefinition/tooltip", "e.g. AKIAIOSFODNN7EXAMPLE")],
    ),
    case(
        "client-secret-in-settings",
        "PKG-06",
        [("T", "/clientSecret", "Zq3v9XkL2mP8rT5wY7bN1cF4hJ6dS0aE")],
        "warning T#/clientSecret: this looks like a real secret; use a placeholder",
    ),
    case(
        "polling-trigger-without-output",
        "TRIG-01",
        [("S", APPS + "/x-ms-trigger", "batch"), ("S", APPS + "/responses/200/schema", DROP)],
        "warning S#/paths/~1k~1v1~1apps.json/get/responses: a polling trigger"
        " needs a 2xx response schema (its output)",
    ),
    case(
        "polling-policy-on-action",
        "TRIG-01",
        [("P", "/properties/policyTemplateInstances/1", POLLING_POLICY)],
        "warning P#/properties/policyTemplateInstances/1/parameters/x-ms-apimTemp"
        "late-operationName/0: the pollingtrigger policy names 'ListApps',"
        " which is not a trigger",
    ),
    case(
        "polling-policy-lists-an-object",
        "TRIG-01",
        [
            (
                "P",
                "/properties/policyTemplateInstances/1",
                {
                    **POLLING_POLICY,
                    "parameters": {
                        **POLLING_POLICY["parameters"],  # type: ignore[dict-item]
                        "x-ms-apimTemplate-operationName": [{"an": "object"}],
                    },
                },
            )
        ],
        "warning P#/properties/policyTemplateInstances/1/parameters/x-ms-apimTemp"
        "late-operationName/0: the pollingtrigger policy lists something that is not an"
        " operation name",
    ),
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
    assert findings == [_expand(rule, line) for line in expected]


def test_oauth_settings_key_is_matched_in_any_case() -> None:
    lower = {"type": "oauthSetting", "oauthSettings": {"identityProvider": "aad"}}
    files = defective([("P", PARAMS + "/token", lower)])
    assert [f.render() for f in validate_files(files, rules=["AP-06"])] == [
        "warning AP-06 apiProperties.json#/properties/connectionParameters/token/oauthSettings: "
        "aad needs customParameters.resourceUri"
    ]
