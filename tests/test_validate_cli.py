"""validate and rules on the command line: formats, selection, exit codes, SARIF locations."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.findings import Finding, Level
from generator.validate import RULES
from generator.validate.positions import scan
from generator.validate.registry import select
from generator.validate.report import help_uri, locate
from generator.validate.solution import SOLUTION_RULES
from tests.validate.defects import DATA

RUN = [r.id for r in select()]  # what validate runs: every rule but check-script's
SOLUTION = [r.rule.id for r in SOLUTION_RULES]

CLEAN = DATA / "clean"
SWAGGER = "apiDefinition.swagger.json"


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """The clean connector with a URL as host (an error), a long title and a reserved colour
    (three warnings)."""
    folder = tmp_path / "broken"
    shutil.copytree(CLEAN, folder)
    swagger = (folder / SWAGGER).read_text()
    swagger = swagger.replace('"title": "kintone"', '"title": "k' + "x" * 40 + '"')
    (folder / SWAGGER).write_text(
        swagger.replace('"host": "placeholder.cybozu.com"', '"host": "https://x.cybozu.com"')
    )
    props = (folder / "apiProperties.json").read_text()
    (folder / "apiProperties.json").write_text(props.replace("#f5b400", "#ffffff"))
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_clean_connector_exits_0() -> None:
    code, output = run("validate", str(CLEAN), "--strict")
    assert code == 0, output
    assert output == f"{CLEAN}: no errors (0 errors, 0 warnings, 0 infos)\n"


def test_text_lines_have_rule_pointer_line_and_column(broken: Path) -> None:
    code, output = run("validate", str(broken))
    assert code == 1
    assert (
        "error VAL-45 apiDefinition.swagger.json#/host (13:11): "
        "host 'https://x.cybozu.com' must be a bare host name"
    ) in output
    assert (
        "warning CERT-01 apiDefinition.swagger.json#/info/title (4:14): "
        "title has 41 characters; at most 30 allowed"
    ) in output
    assert "warning CERT-20 apiProperties.json#/properties/iconBrandColor (23:23)" in output
    assert "Error: " in output and "1 failing findings (1 errors, 3 warnings, 0 infos)" in output


def test_warnings_fail_only_with_strict(broken: Path) -> None:
    assert run("validate", str(broken), "--skip", "VAL-45")[0] == 0
    assert run("validate", str(broken), "--skip", "VAL-45", "--strict")[0] == 1


def test_rule_selects_and_unknown_rule_is_a_usage_error(broken: Path) -> None:
    code, output = run("validate", str(broken), "--rule", "CERT-20", "--format", "json")
    assert code == 0
    assert [f["rule"] for f in json.loads(output)["findings"]] == ["CERT-20"]
    code, output = run("validate", str(broken), "--rule", "NOPE-01")
    assert code == 2 and "unknown rule id: NOPE-01" in output


def test_unreadable_path_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "not.zip").write_text("plain text")
    code, output = run("validate", str(tmp_path / "not.zip"))
    assert code == 2 and "neither a connector folder nor a .zip package" in output


def test_json_report(broken: Path) -> None:
    code, output = run("validate", str(broken), "--format", "json")
    document = json.loads(output.split("Error:")[0])
    assert code == 1
    assert document["summary"] == {"error": 1, "warning": 3, "info": 0}
    assert {
        "rule": "VAL-45",
        "level": "error",
        "file": SWAGGER,
        "path": f"{broken}/{SWAGGER}",
        "pointer": "/host",
        "line": 13,
        "column": 11,
        "message": "host 'https://x.cybozu.com' must be a bare host name",
    } in document["findings"]


def test_sarif_report_has_rules_results_and_regions(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    code, _ = run("validate", str(broken), "--format", "sarif", "-o", str(out))
    log = json.loads(out.read_text())
    assert code == 1
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [*RUN, *SOLUTION]
    cert01 = rules[RUN.index("CERT-01")]
    assert cert01["defaultConfiguration"] == {"level": "warning"}
    assert "breaks" not in cert01["properties"]
    val45 = rules[RUN.index("VAL-45")]
    assert val45["properties"]["breaks"] == RULES["VAL-45"].reason
    assert cert01["helpUri"].endswith("certification-submission")
    result = next(r for r in run_["results"] if r["ruleId"] == "VAL-45")
    assert result["level"] == "error"
    assert result["ruleIndex"] == RUN.index("VAL-45")
    location = result["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": f"{broken}/{SWAGGER}"},
        "region": {"startLine": 13, "startColumn": 11},
    }
    warning = next(r for r in run_["results"] if r["ruleId"] == "CERT-20")
    assert warning["level"] == "warning"


def test_sarif_region_of_a_json_parse_error(tmp_path: Path) -> None:
    """A file that does not parse has no JSON pointers; its finding still has line and column."""
    out = tmp_path / "report.sarif"
    code, _ = run("validate", str(DATA / "swagger-not-json"), "--format", "sarif", "-o", str(out))
    results = json.loads(out.read_text())["runs"][0]["results"]
    result = next(r for r in results if r["ruleId"] == "JSON-01")
    assert code == 1
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 31,
    }
    code, output = run("validate", str(DATA / "swagger-not-json"))
    assert "error JSON-01 apiDefinition.swagger.json#L3C31 (3:31): not valid JSON" in output


def test_sarif_for_a_zip_names_the_zip(broken: Path, tmp_path: Path) -> None:
    package = tmp_path / "broken.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in broken.iterdir():
            archive.write(path, path.name)
    code, output = run("validate", str(package), "--format", "sarif", "--rule", "VAL-45")
    result = json.loads(output.split("Error:")[0])["runs"][0]["results"][0]
    assert code == 1
    assert result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": str(package)}}
    assert result["message"]["text"].endswith("(/host)")


def test_rules_lists_every_rule() -> None:
    code, output = run("rules")
    assert code == 0
    lines = output.splitlines()
    assert len(lines) == len(RULES) + len(SOLUTION_RULES)
    assert lines[0].split()[:2] == [next(iter(RULES)), RULES[next(iter(RULES))].level.value]
    assert lines[0].endswith("  breaks: " + RULES["JSON-01"].reason)
    code, output = run("rules", "--format", "json")
    listed = json.loads(output)
    assert [r["id"] for r in listed] == [*RULES, *SOLUTION]
    assert set(listed[0]) == {"id", "level", "summary", "source", "reason", "helpUri", "reportedBy"}
    assert listed[0]["reason"].startswith("import: ")
    cert01 = listed[list(RULES).index("CERT-01")]
    assert (cert01["level"], cert01["reason"]) == ("warning", None)


def test_help_uris() -> None:
    assert help_uri("D-VAL (ArrayHasNoItems)").endswith("certification-swagger-validator-rules")
    assert help_uri("PR#1421") == "https://github.com/microsoft/PowerPlatformConnectors/pull/1421"
    assert help_uri("MIRROR-STATS") is None


def test_positions_of_values_and_duplicate_keys() -> None:
    source = '{\n  "a": [1, {"b": 2, "b": 3}],\n  "c": "x\\"y"\n}'
    positions = scan(source)
    assert positions.locate(("a", "1", "b")) == (2, 26)
    assert positions.locate(("c",)) == (3, 8)
    assert positions.locate(("a", "9")) == (2, 8)  # nearest located ancestor
    assert positions.duplicates == [(("a", "1", "b"), 22)]


def test_script_line_pointers_become_regions() -> None:
    finding = Finding("script.csx", "L3", "CODE-01", Level.ERROR, "bad namespace")
    [located] = locate([finding], {"script.csx": b"a\nb\nusing Contoso;\n"})
    assert (located.line, located.column) == (3, 1)
