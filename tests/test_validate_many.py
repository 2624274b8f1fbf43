"""validate with several paths: per-connector lines and summaries, a total, --jobs, formats."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from tests.validate.defects import DATA

CLEAN = DATA / "clean"
SWAGGER = "apiDefinition.swagger.json"
VERSION_ERROR = (
    "error SWAGGER-01 apiDefinition.swagger.json#/swagger (2:14): '3.0' is not one of ['2.0']"
)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of three connectors, the working folder: clean, broken, and clean zipped."""
    shutil.copytree(CLEAN, tmp_path / "clean")
    broken = tmp_path / "broken"
    shutil.copytree(CLEAN, broken)
    swagger = (broken / SWAGGER).read_text()
    (broken / SWAGGER).write_text(swagger.replace('"swagger": "2.0"', '"swagger": "3.0"', 1))
    with zipfile.ZipFile(tmp_path / "zipped.zip", "w") as archive:
        for file in sorted(CLEAN.iterdir()):
            archive.write(file, file.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


def test_text_prefixes_findings_and_summarises_each_connector_then_the_total(repo: Path) -> None:
    result = invoke("clean", "broken", "zipped.zip")
    assert result.exit_code == 1
    assert result.stdout == (
        f"broken: {VERSION_ERROR}\n"
        "clean: no errors (0 errors, 0 warnings, 0 infos)\n"
        "broken: 1 failing findings (1 errors, 0 warnings, 0 infos)\n"
        "zipped.zip: no errors (0 errors, 0 warnings, 0 infos)\n"
    )
    assert result.stderr == "Error: 3 connectors, 1 failing (1 errors, 0 warnings, 0 infos)\n"


def test_all_clean_exits_0_with_the_total_on_stdout(repo: Path) -> None:
    result = invoke("clean", "zipped.zip", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("2 connectors, 0 failing (0 errors, 0 warnings, 0 infos)\n")


def test_unreadable_paths_are_a_usage_error_naming_each_and_the_others_are_reported(
    repo: Path,
) -> None:
    (repo / "notes.txt").write_text("not a connector")
    result = invoke("clean", "missing", "notes.txt", "broken")
    assert result.exit_code == 2
    assert "missing: no such folder or file" in result.stderr
    assert "notes.txt: neither a connector folder nor a .zip package" in result.stderr
    assert result.stdout == (
        "missing: error READ-01 no such folder or file\n"
        "notes.txt: error READ-01 neither a connector folder nor a .zip package\n"
        f"broken: {VERSION_ERROR}\n"
        "clean: no errors (0 errors, 0 warnings, 0 infos)\n"
        "missing: 1 failing findings (1 errors, 0 warnings, 0 infos)\n"
        "notes.txt: 1 failing findings (1 errors, 0 warnings, 0 infos)\n"
        "broken: 1 failing findings (1 errors, 0 warnings, 0 infos)\n"
    )


def test_json_is_a_list_of_the_single_path_documents(repo: Path) -> None:
    result = invoke("clean", "broken", "--format", "json")
    assert result.exit_code == 1
    documents = json.loads(result.stdout)
    singles = [json.loads(invoke(path, "--format", "json").stdout) for path in ("clean", "broken")]
    assert documents == singles
    assert [d["path"] for d in documents] == ["clean", "broken"]


def test_sarif_has_one_run_with_paths_relative_to_the_working_folder(repo: Path) -> None:
    result = invoke(str(repo / "broken"), str(repo / "clean"), "zipped.zip", "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert len(log["runs"]) == 1
    [finding] = log["runs"][0]["results"]
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "broken/apiDefinition.swagger.json"
    assert location["region"] == {"startLine": 2, "startColumn": 14}


def test_jobs_gives_the_same_report_as_one_process(repo: Path) -> None:
    paths = ["clean", "broken", "zipped.zip", "broken"]
    for fmt in ("text", "json", "sarif"):
        alone = invoke(*paths, "--format", fmt)
        pooled = invoke(*paths, "--format", fmt, "--jobs", "2")
        assert (pooled.exit_code, pooled.stdout) == (alone.exit_code, alone.stdout), fmt


def test_jobs_must_be_positive(repo: Path) -> None:
    result = invoke("clean", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_output_file_holds_the_whole_report(repo: Path) -> None:
    result = invoke("clean", "broken", "--format", "json", "-o", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""  # -o: the summaries go to stderr, before the total
    assert result.stderr == (
        "clean: no errors (0 errors, 0 warnings, 0 infos)\n"
        "broken: 1 failing findings (1 errors, 0 warnings, 0 infos)\n"
        "Error: 2 connectors, 1 failing (1 errors, 0 warnings, 0 infos)\n"
    )
    assert len(json.loads((repo / "report.json").read_text())) == 2


def test_a_solution_among_the_paths_is_validated_with_its_connectors(repo: Path) -> None:
    packaged = CliRunner().invoke(
        main, ["package", "--from", "clean", "--target", "solution", "--out", "solution.zip"]
    )
    assert packaged.exit_code == 0, packaged.output
    result = invoke("broken", "solution.zip")
    assert result.exit_code == 1
    assert "solution.zip: no errors (0 errors, 0 warnings, 0 infos)\n" in result.stdout
    assert "broken: 1 failing findings (1 errors, 0 warnings, 0 infos)\n" in result.stdout
    assert result.stderr == "Error: 2 connectors, 1 failing (1 errors, 0 warnings, 0 infos)\n"
