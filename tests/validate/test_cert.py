"""CERT-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import (
    ADD,
    APPS,
    BODY,
    DROP,
    FIELDS,
    META,
    case,
    defective,
    expand,
    overlay,
    rgba_png,
)

CASES: list[Any] = [
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
        "operation-id-snake-case",
        "CERT-16",
        [("S", ADD + "/operationId", "add_record")],
        f"warning S#{ADD}/operationId: operationId 'add_record' is not PascalCase "
        "(letters and digits only)",
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
    overlay(
        "icon-not-square", "CERT-21", "warning I: the icon is 3x2; certification expects 230x230"
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
        [("I", None, rgba_png(230, 230, (245, 180, 0, 0)))],
        "warning I: the icon background is transparent; fill it with the brand colour",
    ),
    case(
        "icon-other-colour",
        "CERT-21",
        [("I", None, rgba_png(100, 100, (0, 0, 255, 255)))],
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
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
