"""Every fuzzing reproducer gives its exit code and a clear message, never a traceback; limits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import DescriptionError
from generator.limits import MAX_FINDINGS_PER_RULE, MAX_YAML_NODES
from generator.load import load_text
from generator.validate import validate_files
from generator.validate.positions import scan
from generator.validate.reader import decode
from generator.validate.shapes import Node, resolve
from tests.reproducers import CASES, DESCRIPTION, ROOT, Case

# Cases that once hung or took tens of seconds: run in a real process with a deadline.
FORMER_HANGS = ("swagger-ref-chain-5000", "script-identifier-40kb", "script-override-20000")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reproducer(case: Case, tmp_path: Path) -> None:
    args = case.make(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == case.exit_code, result.output
    assert case.expected in result.output
    assert "Traceback" not in result.output
    if args[0] == "build":
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", FORMER_HANGS)
def test_former_hang_finishes_in_a_process(name: str, tmp_path: Path) -> None:
    [case] = [c for c in CASES if c.name == name]
    command = [sys.executable, "-m", "generator", *case.make(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert done.returncode == case.exit_code, done.stderr
    assert "Traceback" not in done.stderr


def test_read_only_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    # root may write into a 0500 folder; procfs refuses new files to everyone, root included.
    if os.geteuid() == 0:
        target = Path("/proc/self/report.txt")
    else:
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o500)
        target = folder / "r.txt"
    clean = ROOT / "tests" / "data" / "validate" / "clean"
    result = CliRunner().invoke(main, ["validate", str(clean), "-o", str(target)])
    assert result.exit_code == 2
    assert "cannot write the report" in result.output
    assert not target.exists()


def test_resolving_a_long_ref_chain_is_memoised() -> None:
    count = 20_000
    definitions: dict[str, object] = {
        f"d{i}": {"$ref": f"#/definitions/d{i + 1}"} for i in range(count)
    }
    definitions[f"d{count}"] = {"type": "string"}
    document = {"definitions": definitions}
    targets = [resolve(document, Node(v, ("definitions", k))) for k, v in definitions.items()]  # type: ignore[arg-type]
    assert all(t is not None and t.tokens == ("definitions", f"d{count}") for t in targets)


def test_a_ref_loop_resolves_to_none_from_anywhere_in_it() -> None:
    document = {"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"$ref": "#/b"}}
    for key in ("a", "b", "c"):
        assert resolve(document, Node(document[key], (key,))) is None


def test_positions_keep_only_the_pointers_asked_for() -> None:
    source = '{\n  "a": [1, {"b": 2}],\n  "c": "x"\n}'
    positions = scan(source, {("a", "1", "b")})
    assert set(positions.offsets) == {(), ("a",), ("a", "1"), ("a", "1", "b")}
    assert positions.locate(("a", "1", "b")) == (2, 18)
    assert positions.locate(("c",)) == (1, 1)  # not asked for: its nearest kept ancestor


def test_json_limits_are_json01_problems() -> None:
    assert decode(b"[" + b"7" * 4300 + b"]").problem is None
    assert decode(b"[" + b"7" * 4301 + b"]").problem == (
        "not valid JSON here: an integer of 4,301 digits (at most 4,300) at line 1, column 2"
    )
    assert decode(b"[1e" + b"7" * 5000 + b"]").problem is None  # a float: inf, not an error
    assert decode(b"[" * 257 + b"]" * 257).problem == (
        "not valid JSON here: arrays and objects nested more than 256 levels deep"
    )
    assert decode(b"[" + b"0," * 100_000 + b"0]").problem == (
        "too large to validate: more than 100,000 values"
    )


def test_a_rule_reports_at_most_its_limit() -> None:
    paths = ",".join(f'"/p{i}": 1' for i in range(MAX_FINDINGS_PER_RULE + 50))
    swagger = '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {' + paths + "}}"
    findings = validate_files(
        {"apiDefinition.swagger.json": swagger.encode()}, rules=["SWAGGER-01"]
    )
    assert len(findings) == MAX_FINDINGS_PER_RULE
    assert "more than 1,000 findings; the rest are not reported" in [f.message for f in findings]


def test_the_shipped_description_is_within_the_yaml_limits() -> None:
    loaded = load_text(DESCRIPTION.read_text(encoding="utf-8"), "kintone.yaml")
    assert 0 < len(loaded.lines) < MAX_YAML_NODES // 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: *nowhere\n", "x.yaml:1: the alias *nowhere has no anchor before it"),
        ("a: &s x\nb: [*s, *s]\n", None),  # aliases are fine within the limits
        ("a: !!binary aGk=\n", "x.yaml:1: unsupported YAML tag tag:yaml.org,2002:binary"),
        ("? [a]\n: 1\n", "x.yaml:1: a mapping key must be a string"),
        ("a: &m {b: *m}\n", "x.yaml:1: the alias *m refers to a value that contains it"),
    ],
)
def test_yaml_edge_cases(text: str, message: str | None) -> None:
    if message is None:
        assert load_text(text, "x.yaml").data == {"a": "x", "b": ["x", "x"]}
        return
    with pytest.raises(DescriptionError) as raised:
        load_text(text, "x.yaml")
    assert str(raised.value).startswith(message)
