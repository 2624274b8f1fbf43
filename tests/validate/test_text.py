"""TEXT-xx rules against defects made from the clean fixture: exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate import validate_files
from tests.validate.defects import case, defective, expand, overlay

CASES: list[Any] = [
    case(  # inline, not a file: ruff format stops at a .md file that is not UTF-8
        "readme-not-utf8",
        "TEXT-01",
        [("R", None, "# kintone\n\n## Publisher: Exemple Société\n".encode("latin-1"))],
        "warning R#L3C27: not UTF-8: byte 0xe9 at line 3, column 27; save the file as UTF-8",
    ),
    overlay(
        "script-not-utf8",
        "TEXT-01",
        "error C#L1C7: not UTF-8: byte 0xe9 at line 1, column 7; save the file as UTF-8",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_defect_gives_exactly_these_findings(
    rule: str, changes: list[tuple[str, str | None, Any]], expected: list[str]
) -> None:
    findings = [f.render() for f in validate_files(defective(changes)) if f.rule == rule]
    assert findings == [expand(rule, line) for line in expected]
