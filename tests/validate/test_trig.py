"""TRIG-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import APPS, DROP, POLLING_POLICY, case, defective, expand

CASES: list[Any] = [
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
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
