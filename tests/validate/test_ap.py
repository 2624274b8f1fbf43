"""AP-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import (
    CONSTRAINTS,
    DROP,
    OAUTH,
    PARAMETER_SETS,
    PARAMS,
    POLICY,
    SET_HEADER,
    TENANT,
    URL_TEMPLATE,
    case,
    defective,
    expand,
)

CASES: list[Any] = [
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
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]


def test_oauth_settings_key_is_matched_in_any_case() -> None:
    lower = {"type": "oauthSetting", "oauthSettings": {"identityProvider": "aad"}}
    files = defective([("P", PARAMS + "/token", lower)])
    assert [f.render() for f in validate_files(files, rules=["AP-06"])] == [
        "warning AP-06 apiProperties.json#/properties/connectionParameters/token/oauthSettings: "
        "aad needs customParameters.resourceUri"
    ]
