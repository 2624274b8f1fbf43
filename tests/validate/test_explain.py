"""`rules --explain ID`, and every rule's minimal failing example really fails that rule."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.validate import RULES, read_connector, validate_files
from generator.validate.examples import ExampleError, apply_example, describe
from generator.validate.rule import REMOVE, Change, Edit, Rule
from tests.validate.defects import DATA

CLEAN = DATA / "clean"
RUN_BY_VALIDATE = [r for r in RULES.values() if r.check is not None]
COMPILED = [r for r in RULES.values() if r.reported_by == "check-script" and r.example]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="kintone-connector")
    return result.exit_code, result.stdout, result.stderr


def test_the_clean_fixture_passes() -> None:
    assert validate_files(read_connector(CLEAN)) == []


@pytest.mark.parametrize("item", RUN_BY_VALIDATE, ids=[r.id for r in RUN_BY_VALIDATE])
def test_the_example_fails_its_rule(item: Rule) -> None:
    assert item.example, f"{item.id} has no minimal failing example"
    files = apply_example(read_connector(CLEAN), item.example)
    assert item.id in {f.rule for f in validate_files(files)}


def _toolchain_or_skip() -> None:
    from generator.devtools.csharp.toolchain import ToolchainMissing, find_toolchain

    try:
        find_toolchain()
    except ToolchainMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"C# toolchain required in CI: {exc}")
        pytest.skip(f"C# toolchain missing: {exc}")


@pytest.mark.parametrize("item", COMPILED, ids=[r.id for r in COMPILED])
def test_the_example_fails_its_rule_in_check_script(item: Rule, tmp_path: Path) -> None:
    """CODE-10 and CODE-11: the example script compiled by check-script gives that rule.
    (CODE-12 and CODE-13 need a whole generated script and its vectors: no minimal example.)"""
    _toolchain_or_skip()
    for name, content in apply_example(read_connector(CLEAN), item.example).items():
        (tmp_path / name).write_bytes(content)
    code, _, stderr = run("check-script", str(tmp_path), "--strict")
    assert code == 1
    assert [
        line.split()[1] for line in stderr.splitlines() if line.startswith(("error", "warn"))
    ] == [item.id]


def test_only_check_script_rules_that_need_a_generated_script_lack_an_example() -> None:
    assert sorted(r.id for r in RULES.values() if not r.example) == ["CODE-12", "CODE-13"]


def test_examples_apply_in_order_and_name_what_is_missing() -> None:
    files = {"a.json": b'{"x": [1, 2], "y": {"z": 1}}', "b.txt": b"one two"}
    changed = apply_example(
        files,
        (
            Change("a.json", "/x/-", 3),
            Change("a.json", "/x/0", REMOVE),
            Change("a.json", "/y/z", REMOVE),
            Change("a.json", "/w/v", "new"),
            Edit("b.txt", "two", "2"),
            Change("c.txt", None, "whole"),
        ),
    )
    assert json.loads(changed["a.json"]) == {"x": [2, 3], "y": {}, "w": {"v": "new"}}
    assert (changed["b.txt"], changed["c.txt"]) == (b"one 2", b"whole")
    assert files["b.txt"] == b"one two"  # the input is left as it was
    assert "b.txt" not in apply_example(files, (Change("b.txt", None, REMOVE),))
    with pytest.raises(ExampleError, match=r"b\.txt: no 'three' to replace"):
        apply_example(files, (Edit("b.txt", "three", "3"),))
    with pytest.raises(ExampleError, match=r"d\.json: not in the connector"):
        apply_example(files, (Change("d.json", "/x", 1),))


def test_examples_are_described_for_people() -> None:
    lines = describe(
        (
            Change("a.json", "/x", REMOVE),
            Change("a.json", "/y", "z" * 1000),
            Edit("s.csx", "a", "b\nc"),
        )
    )
    assert lines[0] == "in a.json, delete /x"
    assert lines[1].startswith('in a.json, set /y to "zzz') and lines[1].endswith(
        "… (1,002 characters)"
    )
    assert lines[2:] == ["in s.csx, replace", "    a", "with", "    b", "    c"]


def test_explain_prints_checks_why_source_and_example() -> None:
    code, out, _ = run("rules", "--explain", "VAL-45")
    assert code == 0
    item = RULES["VAL-45"]
    assert out.startswith(f"VAL-45 (error): {item.summary}\n")
    sections = ["What it checks", "Why it matters", "Minimal failing example"]
    assert [line for line in out.splitlines() if line in sections] == sections
    assert "Source: D-VAL (SchemeNotSupported" in out
    assert "the connector fails at run time: the request URL" in out
    assert "certification-swagger-validator-rules" in out
    assert "in apiDefinition.swagger.json, set /schemes to " in out
    assert "generator/validate/rules/val.py" in out


def test_explain_accepts_any_case_and_a_missing_zero() -> None:
    assert run("rules", "--explain", "val-4")[1] == run("rules", "--explain", "VAL-04")[1]


def test_explain_a_check_script_rule() -> None:
    code, out, _ = run("rules", "--explain", "CODE-10")
    assert code == 0
    assert "reported by kintone-connector check-script" in out
    assert 'int count = "x";' in out
    assert "kintone-connector check-script then reports CODE-10." in out


def test_explain_an_unknown_id_exits_2_with_the_nearest_ids() -> None:
    code, out, err = run("rules", "--explain", "VAL-99")
    assert (code, out) == (2, "")
    assert "unknown rule id 'VAL-99'; did you mean VAL-39 or VAL-29 or VAL-19?" in err
    code, _, err = run("rules", "--explain", "NOTHING")
    assert code == 2 and "see kintone-connector rules" in err


def test_explain_as_json() -> None:
    code, out, _ = run("rules", "--explain", "CERT-01", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert (document["id"], document["level"], document["reportedBy"]) == (
        "CERT-01",
        "warning",
        "validate",
    )
    assert document["why"][0].startswith("A warning: the platform imports the connector")
    assert document["example"] == describe(RULES["CERT-01"].example)


def test_rules_lists_check_script_rules_marked() -> None:
    code, out, _ = run("rules")
    line = next(line for line in out.splitlines() if line.startswith("CODE-12 "))
    assert code == 0 and "(check-script)" in line
