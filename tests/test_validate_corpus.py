"""Constructs that Microsoft's certified connectors ship (they import and run) are not errors."""

# Each tests/data/validate/corpus/<construct>.json holds a minimised copy of one construct as
# changes to the clean fixture, the certified connectors it was seen in, the rule that looks at
# it and the level that rule reports it at (null: no finding at all). The calibration over the
# whole corpus is tests/benchmarks/bench_corpus.py.

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.findings import Level
from generator.validate import RULES, read_connector, validate_files

DATA = Path(__file__).resolve().parent / "data" / "validate"
CORPUS = sorted((DATA / "corpus").glob("*.json"))


def _apply(document: Any, pointer: str, change: dict[str, Any]) -> Any:
    *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    parent = document
    for token in parents:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    key: int | str = int(last) if isinstance(parent, list) else last
    if change.get("drop"):
        del parent[key]
    else:
        parent[key] = change["value"]
    return document


def construct_files(case: dict[str, Any]) -> dict[str, bytes]:
    """The clean connector with the construct's changes applied."""
    files = read_connector(DATA / "clean")
    for change in case["changes"]:
        name = change["file"]
        if "replace" in change:
            old, new = change["replace"]
            text = files[name].decode("utf-8")
            assert text.count(old) == 1, f"{old!r} must occur once in {name}"
            files[name] = text.replace(old, new).encode("utf-8")
        elif "pointer" not in change:
            del files[name]
        else:
            document = _apply(json.loads(files[name]), change["pointer"], change)
            files[name] = json.dumps(document).encode("utf-8")
    return files


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_certified_construct_is_not_an_error(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["seen_in"] and case["rule"] in RULES
    findings = validate_files(construct_files(case))
    assert [f.render() for f in findings if f.level is Level.ERROR] == []
    levels = {f.level.value for f in findings if f.rule == case["rule"]}
    assert levels == ({case["level"]} if case["level"] else set())


def test_the_corpus_cases_cover_each_rule_that_erred_on_certified_connectors() -> None:
    """Rules that reported errors on certified connectors before calibration (issue 11)."""
    covered = {json.loads(p.read_text(encoding="utf-8"))["rule"] for p in CORPUS}
    erred = {"VAL-52", "VAL-17", "PKG-03", "CODE-02", "AP-08", "VAL-44", "CERT-02", "VAL-24"}
    erred |= {"PKG-04", "CODE-04", "PKG-06", "SWAGGER-01", "AP-04", "CERT-01", "VAL-56", "CODE-01"}
    assert erred - covered == set()


def test_a_swagger_over_1_mb_is_a_warning() -> None:
    """Certification asks for at most 1 MB; a published certified connector ships 1.1 MB."""
    files = read_connector(DATA / "clean")
    swagger = json.loads(files["apiDefinition.swagger.json"])
    swagger["info"]["x-ms-padding"] = "x" * 1_100_000
    files["apiDefinition.swagger.json"] = json.dumps(swagger).encode()
    found = [f for f in validate_files(files, rules=["CERT-18"])]
    assert [(f.rule, f.level) for f in found] == [("CERT-18", Level.WARNING)]


def test_the_calibration_script_separates_parse_failures_and_counts_errors() -> None:
    """bench_corpus.py over the fixture folders: parse failures apart, then the error rate."""
    script = Path(__file__).resolve().parent / "benchmarks" / "bench_corpus.py"
    result = subprocess.run(
        [sys.executable, str(script), str(DATA), "--json"], capture_output=True, check=True
    )
    numbers = json.loads(result.stdout)
    broken = {"properties-not-utf8", "settings-with-nan", "swagger-not-json"}
    assert set(numbers["parse_failures"]) == broken
    assert numbers["parseable"] == numbers["connectors"] - len(broken)
    assert "clean" not in numbers["remaining"]
    assert numbers["error_rate"] == round(numbers["with_errors"] / numbers["parseable"], 4)
    assert numbers["by_rule"]["PKG-02"]["examples"] == ["icon-not-png"]
    assert set(numbers["validate"]) == {"median_s", "p95_s", "total_s"}
