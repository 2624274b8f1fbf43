"""READ-01: a path that cannot be read is one error for that connector; the others go on."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.limits import MAX_FILE_BYTES
from generator.validate.registry import RULES
from tests.validate.defects import DATA


def test_an_oversized_file_is_a_read_error_and_the_other_connector_is_validated(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(DATA / "clean", broken)
    (broken / "icon.png").write_bytes(b"\x89PNG" + b"\0" * (MAX_FILE_BYTES + 1))
    report = tmp_path / "report.sarif"
    arguments = ["validate", str(broken), str(DATA / "clean"), "--format", "sarif"]
    result = CliRunner().invoke(main, [*arguments, "-o", str(report)])
    assert result.exit_code == 1, result.output
    text = report.read_text(encoding="utf-8")
    assert '"ruleId": "READ-01"' in text
    assert RULES["READ-01"].reported_by != "validate"
