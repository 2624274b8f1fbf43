"""Each rule against defects made from the clean fixture: exact rule, level, place and message."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.validate import RULES, read_connector, validate_files

DATA = Path(__file__).resolve().parent / "data" / "validate"
FILES = {
    "S": "apiDefinition.swagger.json",
    "P": "apiProperties.json",
    "T": "settings.json",
    "I": "icon.png",
    "C": "script.csx",
    "R": "readme.md",
}
DROP = object()  # as a value: delete the key or file

# JSON pointers into the clean swagger
ADD = "/paths/~1k~1v1~1record.json/post"
BODY = ADD + "/parameters/0"
APP = BODY + "/schema/properties/app"
RECORD = BODY + "/schema/properties/record"
APPS = "/paths/~1k~1v1~1apps.json/get"
FIELDS = "/paths/~1k~1v1~1app~1form~1fields.json/get"
HOOKS = "/paths/~1k~1v1~1webhooks.json"
HOOK = HOOKS + "/post"
HOOK_BODY = HOOK + "/parameters/0"
CALLBACK = HOOK_BODY + "/schema/properties/callbackUrl"
UNHOOK_PATH = "/paths/~1k~1v1~1webhooks~1{webhookId}"
UNHOOK = UNHOOK_PATH + "/delete"
META = "/x-ms-connector-metadata"
# JSON pointers into the clean apiProperties
PARAMS = "/properties/connectionParameters"
CONSTRAINTS = PARAMS + "/domain/uiDefinition/constraints"
POLICY = "/properties/policyTemplateInstances/0"
URL_TEMPLATE = POLICY + "/parameters/x-ms-apimTemplateParameter.urlTemplate"
PARAMETER_SETS = {
    "uiDefinition": {"displayName": "Authentication", "description": "How to sign in."},
    "values": [
        {
            "name": "key",
            "uiDefinition": {"displayName": "API token", "description": "Use an API token."},
            "parameters": {
                "api_key": {
                    "type": "securestring",
                    "uiDefinition": {"constraints": {"required": "yes"}},
                }
            },
        }
    ],
}
SET_HEADER = {
    "templateId": "SetHeader",
    "title": "Trace header",
    "parameters": {"x-ms-apimTemplateParameter.name": "X-Trace"},
}


def case(defect: str, rule: str, changes: list[tuple[str, str | None, Any]], *lines: str) -> Any:
    """A defect: changes to the clean files, and the exact findings of ``rule`` it must give."""
    return pytest.param(rule, changes, list(lines), id=f"{rule}:{defect}")


def overlay(defect: str, rule: str, *lines: str) -> Any:
    """A defect kept as files in tests/data/validate/<defect>/ that replace the clean ones."""
    folder = DATA / defect
    changes = [
        (name, None, (folder / name).read_bytes()) for name in sorted(read_connector(folder))
    ]
    return pytest.param(rule, changes, list(lines), id=f"{rule}:{defect}")


CASES = [
    # reading
    overlay(
        "swagger-not-json",
        "JSON-01",
        "error S#L3C31: not valid JSON: Expecting ',' delimiter at line 3, column 31",
    ),
    overlay(
        "properties-not-utf8", "JSON-01", "error P#L3C22: not UTF-8: byte 0xe9 at line 3, column 22"
    ),
    overlay(
        "settings-with-nan",
        "JSON-01",
        "error T#L2C18: not valid JSON: NaN is not a JSON value at line 2, column 18",
    ),
    case(
        "swagger-missing",
        "PKG-01",
        [("S", None, DROP)],
        "error S: apiDefinition.swagger.json is missing from the connector",
    ),
    case(
        "properties-missing",
        "PKG-01",
        [("P", None, DROP)],
        "error P: apiProperties.json is missing from the connector",
    ),
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
        "unresolved-path-parameter",
        "VAL-23",
        [("S", UNHOOK + "/parameters", DROP)],
        f"error S#{UNHOOK}: path variable '{{webhookId}}' has no 'in: path' parameter",
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
        "swagger-too-large",
        "CERT-18",
        [("S", "/info/x-padding", "x" * 1_048_576)],
        "warning S: the file has 1054147 bytes; at most 1,048,576 allowed",
    ),
    # info and metadata
    case(
        "title-too-long",
        "CERT-01",
        [("S", "/info/title", "kintone records and apps manager")],
        "warning S#/info/title: title has 32 characters; at most 30 allowed",
    ),
    case(
        "title-missing",
        "SWAGGER-01",
        [("S", "/info/title", DROP)],
        "error S#/info: 'title' is a required property",
    ),
    case(
        "title-with-api",
        "CERT-02",
        [("S", "/info/title", "kintone API")],
        "warning S#/info/title: title contains the restricted word 'API'",
    ),
    case(
        "title-with-connector",
        "CERT-02",
        [("S", "/info/title", "Kintone Connector")],
        "warning S#/info/title: title contains the restricted word 'Connector'",
    ),
    case(
        "description-too-short",
        "CERT-05",
        [("S", "/info/description", "kintone records.")],
        "warning S#/info/description: description has 16 characters; 30 to 500 allowed",
    ),
    case(
        "description-missing",
        "PKG-07",
        [("S", "/info/description", DROP)],
        "error S#/info: 'description' (a string) is required",
    ),
    case(
        "description-names-product",
        "CERT-06",
        [("S", "/info/description", "Use kintone records in Power Automate flows.")],
        "warning S#/info/description: description names the product 'Power Automate'",
    ),
    case(
        "contact-missing",
        "CERT-07",
        [("S", "/info/contact", DROP)],
        "warning S#/info: 'contact' with name, url and email is required",
    ),
    case(
        "contact-without-email",
        "CERT-07",
        [("S", "/info/contact/email", DROP)],
        "warning S#/info/contact: contact 'email' is required",
    ),
    case(
        "metadata-missing",
        "CERT-08",
        [("S", META, DROP)],
        "warning S: 'x-ms-connector-metadata' (an array) is required",
    ),
    case(
        "metadata-without-privacy-policy",
        "CERT-08",
        [("S", META + "/1", DROP)],
        f"warning S#{META}: metadata 'Privacy policy' is required",
    ),
    case(
        "metadata-website-empty",
        "CERT-08",
        [("S", META + "/0/propertyValue", "")],
        f"warning S#{META}/0/propertyValue: metadata 'Website' needs a value",
    ),
    case(
        "too-many-categories",
        "CERT-09",
        [("S", META + "/2/propertyValue", "AI;Data;Finance")],
        f"warning S#{META}/2/propertyValue: 3 categories; at most 2",
    ),
    case(
        "unknown-category",
        "CERT-09",
        [("S", META + "/2/propertyValue", "Data;Spreadsheets")],
        f"warning S#{META}/2/propertyValue: 'Spreadsheets' is not a certification category",
    ),
    # operations
    case(
        "operation-without-description",
        "CERT-10",
        [("S", APPS + "/description", DROP)],
        f"warning S#{APPS}: 'description' is required",
    ),
    case(
        "operation-without-visibility",
        "CERT-10",
        [("S", APPS + "/x-ms-visibility", DROP)],
        f"warning S#{APPS}: 'x-ms-visibility' is missing",
    ),
    case(
        "summary-too-long",
        "CERT-11",
        [("S", APPS + "/summary", "List " + "all " * 20 + "apps")],
        f"warning S#{APPS}/summary: summary has 89 characters; at most 80 allowed",
    ),
    case(
        "summary-with-slash",
        "CERT-11",
        [("S", APPS + "/summary", "List apps / spaces")],
        f"warning S#{APPS}/summary: summary contains restricted characters: /",
    ),
    case(
        "summary-ends-with-period",
        "CERT-11",
        [("S", APPS + "/summary", "List apps.")],
        f"warning S#{APPS}/summary: summary must end with a letter, a digit or ')'",
    ),
    case(
        "parameter-without-summary",
        "CERT-13",
        [("S", FIELDS + "/parameters/0/x-ms-summary", DROP)],
        f"warning S#{FIELDS}/parameters/0: 'x-ms-summary' is required",
    ),
    case(
        "body-parameter-without-description",
        "CERT-13",
        [("S", BODY + "/description", DROP)],
        f"warning S#{BODY}: 'description' is required",
    ),
    case(
        "default-response-with-schema",
        "CERT-14",
        [("S", APPS + "/responses/default", {"description": "Error.", "schema": {}})],
        f"warning S#{APPS}/responses/default/schema: the 'default' response has a schema",
    ),
    case(
        "no-success-response",
        "VAL-26",
        [("S", UNHOOK + "/responses", {"404": {"description": "Not found."}})],
        f"warning S#{UNHOOK}/responses: no 2xx (successful) response",
    ),
    case(
        "responses-missing",
        "SWAGGER-01",
        [("S", UNHOOK + "/responses", DROP)],
        f"error S#{UNHOOK}: 'responses' is a required property",
    ),
    case(
        "responses-empty-object",
        "VAL-26",
        [("S", UNHOOK + "/responses", {})],
        f"warning S#{UNHOOK}/responses: no responses (an empty object)",
    ),
    case(
        "operation-id-snake-case",
        "CERT-16",
        [("S", ADD + "/operationId", "add_record")],
        f"warning S#{ADD}/operationId: operationId 'add_record' is not PascalCase "
        "(letters and digits only)",
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
    # apiProperties
    case(
        "properties-root-array",
        "AP-01",
        [("P", "", [])],
        "error P: the root must be an object",
    ),
    case(
        "properties-extra-root-key",
        "AP-01",
        [("P", "/connectionParameters", {})],
        "error P#/connectionParameters: 'connectionParameters' is not allowed here",
    ),
    case(
        "properties-stray-descriptive-root-key",
        "AP-01",
        [("P", "/publisher", "Cybozu")],
        "warning P#/publisher: 'publisher' is not allowed here and is ignored",
    ),
    case(
        "properties-missing-with-parameters-at-root",
        "AP-01",
        [("P", "", {"api_key": {"type": "securestring"}})],
        "error P: 'properties' is required",
        "warning P#/api_key: 'api_key' is not allowed here and is ignored",
    ),
    case(
        "properties-not-an-object",
        "AP-01",
        [("P", "/properties", [])],
        "error P#/properties: 'properties' must be an object",
    ),
    case(
        "brand-color-missing",
        "AP-02",
        [("P", "/properties/iconBrandColor", DROP)],
        "error P#/properties: 'iconBrandColor' (a string) is required",
    ),
    case(
        "properties-unknown-key",
        "AP-03",
        [("P", "/properties/displayName", "kintone")],
        "warning P#/properties/displayName: 'displayName' is not a known apiProperties key",
    ),
    case(
        "connection-parameter-bad-name",
        "AP-04",
        [("P", PARAMS + "/api key", {"type": "securestring"})],
        f"error P#{PARAMS}/api key: 'api key' is not a valid connection parameter name",
    ),
    case(
        "connection-parameter-hyphenated-name",
        "AP-04",
        [("P", PARAMS + "/api-key", {"type": "securestring"})],
        f"warning P#{PARAMS}/api-key: 'api-key' is not a valid connection parameter name "
        "(letters, digits and '_'); certified connectors use '-' too",
    ),
    case(
        "connection-parameter-bad-type",
        "AP-04",
        [("P", PARAMS + "/api_key/type", "password")],
        f"error P#{PARAMS}/api_key/type: 'type' must be one of: "
        "bool, gatewaySetting, int, oauthSetting, securestring, string",
    ),
    case(
        "constraint-required-boolean",
        "AP-04",
        [("P", CONSTRAINTS + "/required", True)],
        f'warning P#{CONSTRAINTS}/required: \'required\' must be the string "true" or "false", '
        "not the boolean true",
    ),
    case(
        "constraint-required-number",
        "AP-04",
        [("P", CONSTRAINTS + "/required", 1)],
        f'error P#{CONSTRAINTS}/required: \'required\' must be the string "true" or "false"',
    ),
    case(
        "constraint-clear-text-string",
        "AP-04",
        [("P", CONSTRAINTS + "/clearText", "true")],
        f"error P#{CONSTRAINTS}/clearText: 'clearText' must be a boolean",
    ),
    case(
        "constraint-tab-index-string",
        "AP-04",
        [("P", CONSTRAINTS + "/tabIndex", "1")],
        f"error P#{CONSTRAINTS}/tabIndex: 'tabIndex' must be an integer",
    ),
    case(
        "ui-definition-unknown-key",
        "AP-04",
        [("P", PARAMS + "/domain/uiDefinition/placeholder", "example.cybozu.com")],
        f"warning P#{PARAMS}/domain/uiDefinition/placeholder: "
        "'placeholder' is not allowed in uiDefinition and is ignored",
    ),
    case(
        "constraint-unknown-key",
        "AP-04",
        [("P", CONSTRAINTS + "/minLength", 3)],
        f"warning P#{CONSTRAINTS}/minLength: 'minLength' is not allowed in constraints "
        "and is ignored",
    ),
    case(
        "parameter-set-with-bad-constraint",
        "AP-04",
        [("P", "/properties/connectionParameterSets", PARAMETER_SETS)],
        "error P#/properties/connectionParameterSets/values/0/parameters/api_key/uiDefinition"
        '/constraints/required: \'required\' must be the string "true" or "false"',
    ),
    case(
        "policy-without-url-template",
        "AP-07",
        [("P", POLICY + "/parameters/x-ms-apimTemplateParameter.urlTemplate", DROP)],
        f"error P#{POLICY}/parameters: template 'dynamichosturl' needs "
        "'x-ms-apimTemplateParameter.urlTemplate'",
    ),
    case(
        "policy-without-template-id",
        "AP-07",
        [("P", POLICY + "/templateId", DROP)],
        f"error P#{POLICY}: 'templateId' is required",
    ),
    case(
        "set-header-without-value",
        "AP-07",
        [("P", "/properties/policyTemplateInstances/1", SET_HEADER)],
        "error P#/properties/policyTemplateInstances/1/parameters: template 'SetHeader' needs "
        "'x-ms-apimTemplateParameter.value'",
    ),
    case(
        "policy-unknown-operation",
        "AP-08",
        [("P", POLICY + "/parameters/x-ms-apimTemplate-operationName/1", "ListSpaces")],
        f"warning P#{POLICY}/parameters/x-ms-apimTemplate-operationName/1: "
        "no swagger operation has the operationId 'ListSpaces'; it is unused",
    ),
    case(
        "script-operation-unknown",
        "AP-08",
        [("P", "/properties/scriptOperations/0", "GetSchema")],
        "warning P#/properties/scriptOperations/0: "
        "no swagger operation has the operationId 'GetSchema'; it is unused",
    ),
    case(
        "policy-connection-parameter-other-case",
        "AP-09",
        [("P", URL_TEMPLATE, "https://@connectionParameters('Domain')")],
        f"warning P#{URL_TEMPLATE}: connection parameter 'Domain' is not defined; "
        "'domain' differs only in case",
    ),
    case(
        "policy-unknown-connection-parameter",
        "AP-09",
        [("P", URL_TEMPLATE, "https://@connectionParameters('subdomain').cybozu.com")],
        f"error P#{URL_TEMPLATE}: connection parameter 'subdomain' is not defined",
    ),
    case(
        "publisher-missing",
        "CERT-19",
        [("P", "/properties/publisher", DROP)],
        "warning P#/properties: 'publisher' is required for certification",
    ),
    case(
        "stack-owner-missing",
        "CERT-19",
        [("P", "/properties/stackOwner", DROP)],
        "warning P#/properties: 'stackOwner' is required for certification",
    ),
    case(
        "brand-color-white",
        "CERT-20",
        [("P", "/properties/iconBrandColor", "#FFFFFF")],
        "warning P#/properties/iconBrandColor: "
        "'#FFFFFF' is reserved; certified connectors use their own brand colour",
    ),
    case(
        "brand-color-not-hex",
        "CERT-20",
        [("P", "/properties/iconBrandColor", "orange")],
        "error P#/properties/iconBrandColor: 'orange' is not #RRGGBB",
    ),
    # other files
    overlay("icon-not-png", "PKG-02", "error I: not a PNG image (no PNG signature and IHDR chunk)"),
    overlay(
        "icon-not-square", "CERT-21", "warning I: the icon is 3x2; certification expects 230x230"
    ),
    overlay("script-without-script-class", "PKG-03", "error C: no 'class Script : ScriptBase'"),
    overlay("script-without-execute-async", "PKG-03", "error C: no override of ExecuteAsync()"),
    case(
        "script-too-large",
        "PKG-03",
        [("C", None, b"public class Script : ScriptBase {}" + b"//" * 524_288)],
        "error C: no override of ExecuteAsync()",
        "error C: the file has 1048611 bytes; at most 1,048,576 allowed",
    ),
    case(
        "script-operations-without-script",
        "PKG-03",
        [("C", None, DROP)],
        "warning P#/properties/scriptOperations: "
        "scriptOperations are listed but script.csx is missing",
    ),
    case(
        "settings-unknown-key",
        "PKG-04",
        [("T", "/clientSecret", "secret")],
        "warning T#/clientSecret: 'clientSecret' is not a paconn setting and is ignored",
    ),
    case(
        "settings-environment-not-guid",
        "PKG-04",
        [("T", "/environment", "Default-0d6a4f2b")],
        "error T#/environment: 'environment' must be an environment id (a GUID, or Default-<GUID>)",
    ),
    case(
        "settings-environment-default",
        "PKG-04",
        [("T", "/environment", "Default-0d6a4f2b-57b1-4c0f-9d5e-2f0c8a1b7e44")],
    ),
    case(
        "settings-root-array",
        "PKG-04",
        [("T", "", [])],
        "error T: the root must be an object",
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
]


def _apply(document: Any, pointer: str, value: Any) -> Any:
    """Set (or with DROP delete) the value at a JSON pointer; returns the new document."""
    if pointer == "":
        return value
    *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    parent = document
    for token in parents:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    if isinstance(parent, list):
        if value is DROP:
            del parent[int(last)]
        elif int(last) == len(parent):
            parent.append(value)
        else:
            parent[int(last)] = value
    elif value is DROP:
        del parent[last]
    else:
        parent[last] = value
    return document


def defective(changes: list[tuple[str, str | None, Any]]) -> dict[str, bytes]:
    """The clean files with the changes applied."""
    files = read_connector(DATA / "clean")
    for alias, pointer, value in changes:
        name = FILES.get(alias, alias)
        if pointer is None and value is DROP:
            del files[name]
        elif pointer is None:
            files[name] = value
        else:
            files[name] = json.dumps(_apply(json.loads(files[name]), pointer, value)).encode()
    return files


def _expand(rule: str, line: str) -> str:
    """'error S#/x: message' -> 'error RULE apiDefinition.swagger.json#/x: message'."""
    level, rest = line.split(" ", 1)
    where, message = rest.split(": ", 1)
    return f"{level} {rule} {FILES[where[0]]}{where[1:]}: {message}"


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [_expand(rule, line) for line in expected]


def test_every_error_says_what_it_breaks() -> None:
    """Each rule that reports an error for some defect states why an error (import or run)."""
    erring = set()
    for path in sorted(Path(__file__).parent.glob("test_validate*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        for param in getattr(module, "CASES", []):
            erring |= {param.values[0] for line in param.values[2] if line.startswith("error ")}
    assert erring and sorted(r for r in erring if not RULES[r].reason) == []


def test_every_rule_has_a_defect() -> None:
    """Each rule has a defect in a CASES table of a tests/test_validate*.py module, or an
    expected finding line in another test module (script.csx rules are tested with the C# ones)."""
    covered: set[object] = set()
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        if path.name.startswith("test_validate"):
            module = importlib.import_module(f"tests.{path.stem}")
            covered |= {param.values[0] for param in getattr(module, "CASES", [])}
        else:
            covered |= set(re.findall(r'"(?:error|warning|info) ([A-Z]+-\d{2}) ', path.read_text()))
    assert sorted(set(RULES) - covered) == []
