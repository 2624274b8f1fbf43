"""AP-12 through the validate command: an oauth2generic template placeholder nothing fills."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.validate.registry import RULES
from generator.validate.rule import Change
from tests.validate.defects import DATA


def test_an_unfilled_placeholder_is_an_error_at_its_template(tmp_path: Path) -> None:
    folder = tmp_path / "connector"
    shutil.copytree(DATA / "clean", folder)
    example = RULES["AP-12"].example[0]
    assert isinstance(example, Change)
    properties = json.loads((folder / "apiProperties.json").read_text(encoding="utf-8"))
    properties["properties"]["connectionParameters"]["token"] = example.value
    (folder / "apiProperties.json").write_text(json.dumps(properties), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "error AP-12 " in result.output
    assert "{host} names no token: parameter of this set" in result.output
