"""PKG-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.reproducers import png
from tests.validate.defects import DROP, PARAMS, case, defective, expand, overlay

CASES: list[Any] = [
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
    case(
        "description-missing",
        "PKG-07",
        [("S", "/info/description", DROP)],
        "error S#/info: 'description' (a string) is required",
    ),
    # other files
    overlay("icon-not-png", "PKG-02", "error I: not a PNG image (no PNG signature and IHDR chunk)"),
    case(
        "icon-rgb-of-4-bits",
        "PKG-02",
        [("I", None, png(4, 2, b"\x12", size=2))],
        "error I: the IHDR chunk gives bit depth 4 with colour type 2, which PNG does not allow",
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
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
