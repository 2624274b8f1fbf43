"""JSON-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import CLEAN_SWAGGER, TITLE, case, defective, expand, overlay

CASES: list[Any] = [
    # reading
    overlay(
        "swagger-not-json",
        "JSON-01",
        "error S#L3C31: not valid JSON: Expecting ',' delimiter at line 3, column 31",
    ),
    overlay(
        "properties-not-utf8", "JSON-01", "error P#L3C22: not UTF-8: byte 0xe9 at line 3, column 22"
    ),
    case(
        "integer-of-5000-digits",
        "JSON-01",
        [("T", None, b'{"n": ' + b"9" * 5000 + b"}")],
        "error T#L1C7: not valid JSON here: an integer of 5,000 digits (at most 4,300) at line 1,"
        " column 7",
    ),
    case(
        "more-than-100000-values",
        "JSON-01",
        [("T", None, b"[" + b"0," * 100_000 + b"0]")],
        "error T: too large to validate: more than 100,000 values",
    ),
    overlay(
        "settings-with-nan",
        "JSON-01",
        "error T#L2C18: not valid JSON: NaN is not a JSON value at line 2, column 18",
    ),
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
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
