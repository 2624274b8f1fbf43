"""Validator API: reading folders and zips, the rule registry, selection, and robustness."""

from __future__ import annotations

import copy
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from generator.errors import ConnectorReadError
from generator.findings import Level
from generator.validate import RULES, Context, Rule, read_connector, rule, validate_files
from generator.validate.reader import JSON_FILES, PROPERTIES, SETTINGS, SWAGGER

DATA = Path(__file__).resolve().parent / "data" / "validate"
CLEAN = DATA / "clean"
CLEAN_NAMES = [
    "apiDefinition.swagger.json",
    "apiProperties.json",
    "icon.png",
    "readme.md",
    "script.csx",
    "settings.json",
]


def clean_files() -> dict[str, bytes]:
    return read_connector(CLEAN)


def test_clean_connector_has_no_findings() -> None:
    assert validate_files(clean_files()) == []


def test_reads_the_known_files_of_a_folder(tmp_path: Path) -> None:
    for name, data in clean_files().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "notes.txt").write_text("not part of a connector")
    (tmp_path / "icon.png.bak").write_bytes(b"")
    assert sorted(read_connector(tmp_path)) == CLEAN_NAMES


def test_readme_name_is_matched_case_insensitively(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# kintone\n")
    assert read_connector(tmp_path) == {"README.md": b"# kintone\n"}


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_reads_a_zip_with_files_at_the_root(tmp_path: Path) -> None:
    package = _zip(tmp_path / "kintone.zip", clean_files())
    assert read_connector(package) == clean_files()


def test_reads_a_zip_with_one_top_folder(tmp_path: Path) -> None:
    files = {f"kintone/{name}": data for name, data in clean_files().items()}
    package = _zip(tmp_path / "kintone.zip", {**files, "kintone/extra/icon.png": b"x"})
    assert read_connector(package) == clean_files()


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ConnectorReadError, match="no such folder or file"):
        read_connector(tmp_path / "nowhere")


@pytest.mark.parametrize("content", [b"plain text", b"PK\x03\x04 broken zip"])
def test_a_file_that_is_not_a_zip_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "connector.zip"
    path.write_bytes(content)
    with pytest.raises(ConnectorReadError, match=r"neither a connector folder nor a \.zip"):
        read_connector(path)


def test_an_empty_folder_reports_the_required_files(tmp_path: Path) -> None:
    rendered = [f.render() for f in validate_files(read_connector(tmp_path))]
    assert rendered == [
        "error PKG-01 apiDefinition.swagger.json: apiDefinition.swagger.json is missing "
        "from the connector",
        "error PKG-01 apiProperties.json: apiProperties.json is missing from the connector",
    ]


def test_a_utf8_bom_is_accepted() -> None:
    files = clean_files()
    bommed = {
        name: b"\xef\xbb\xbf" + data if name in JSON_FILES else data for name, data in files.items()
    }
    assert validate_files(bommed) == []


def test_findings_are_sorted_and_unique() -> None:
    files = clean_files()
    swagger = json.loads(files[SWAGGER])
    swagger["info"] = {"version": "1"}
    del swagger["paths"]["/k/v1/apps.json"]["get"]["summary"]
    files[SWAGGER] = json.dumps(swagger).encode()
    files[PROPERTIES] = b"[]"
    findings = validate_files(files)
    assert findings == sorted(set(findings))
    assert [f.file for f in findings] == sorted(f.file for f in findings)


def test_rules_selects_and_skip_removes() -> None:
    files = {SWAGGER: b'{"info": {"title": "' + b"x" * 31 + b'"}}'}
    assert {f.rule for f in validate_files(files, rules=["CERT-01", "PKG-01"])} == {
        "CERT-01",
        "PKG-01",
    }
    assert "PKG-01" not in {f.rule for f in validate_files(files, skip=["PKG-01"])}
    assert validate_files(files, rules=[]) == []


def test_an_unknown_rule_id_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown rule id: NOPE-1"):
        validate_files({}, rules=["NOPE-1"])
    with pytest.raises(ValueError, match="unknown rule id: NOPE-2"):
        validate_files({}, skip=["NOPE-2"])


@pytest.mark.parametrize("item", list(RULES.values()), ids=list(RULES))
def test_every_rule_is_described(item: Rule) -> None:
    assert re.fullmatch(r"[A-Z]+-\d{2}", item.id)
    assert isinstance(item.level, Level)
    assert item.summary and "\n" not in item.summary and len(item.summary) <= 100
    assert item.source.strip()
    assert callable(item.check) if item.reported_by == "validate" else item.check is None
    if item.level is Level.ERROR:
        assert item.reason.startswith(("import: ", "run time: "))


def test_an_error_rule_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="TEST-01 is an error rule without a reason"):
        rule("TEST-01", Level.ERROR, "summary", "source")(lambda ctx: iter(()))
    with pytest.raises(ValueError, match="reason must start with"):
        rule("TEST-02", Level.WARNING, "summary", "source", "because")(lambda ctx: iter(()))
    assert "TEST-01" not in RULES and "TEST-02" not in RULES


def test_a_rule_can_run_on_its_own() -> None:
    ctx = Context.from_files({SWAGGER: b'{"info": {"title": "kintone connector"}}'})
    [finding] = RULES["CERT-02"].run(ctx)
    assert (finding.rule, finding.pointer, finding.level) == (
        "CERT-02",
        "/info/title",
        Level.WARNING,
    )


# --- robustness: any JSON value in any position gives findings, never an exception ----------

GARBAGE: list[Any] = [
    None,
    True,
    0,
    -3.5,
    "x",
    "",
    [],
    [None, 1, "a", {}],
    {},
    {"$ref": "#/definitions/Nowhere"},
    {"$ref": "#"},
    {"a": {"b": []}},
]


def _positions(value: Any, tokens: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The reference tokens of every value inside a JSON document, the root included."""
    found = [tokens]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _positions(child, (*tokens, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _positions(child, (*tokens, str(index)))
    return found


def _replaced(document: Any, tokens: tuple[str, ...], value: Any) -> Any:
    if not tokens:
        return copy.deepcopy(value)
    result = copy.deepcopy(document)
    parent = result
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    if isinstance(parent, list):
        parent[int(tokens[-1])] = copy.deepcopy(value)
    else:
        parent[tokens[-1]] = copy.deepcopy(value)
    return result


def _garbage_cases() -> list[tuple[str, tuple[str, ...], Any]]:
    files = clean_files()
    cases = []
    for name in (SWAGGER, PROPERTIES, SETTINGS):
        for tokens in _positions(json.loads(files[name])):
            cases += [(name, tokens, value) for value in GARBAGE]
    return cases


GARBAGE_CASES = _garbage_cases()


@pytest.mark.parametrize("name", [SWAGGER, PROPERTIES, SETTINGS])
def test_garbage_in_every_position_never_raises(name: str) -> None:
    files = clean_files()
    for file, tokens, value in (case for case in GARBAGE_CASES if case[0] == name):
        document = _replaced(json.loads(files[file]), tokens, value)
        mutated = {**files, file: json.dumps(document).encode()}
        findings = validate_files(mutated, skip=["SWAGGER-01"])
        assert all(f.rule in RULES for f in findings), (file, tokens, value)


def test_garbage_never_breaks_the_swagger_conformance_rule() -> None:
    files = clean_files()
    swagger_cases = [case for case in GARBAGE_CASES if case[0] == SWAGGER]
    for _, tokens, value in random.Random(7).sample(swagger_cases, 300):
        document = _replaced(json.loads(files[SWAGGER]), tokens, value)
        findings = validate_files({**files, SWAGGER: json.dumps(document).encode()})
        gave_up = [f for f in findings if "could not finish" in f.message]
        assert all(f.level is Level.WARNING for f in gave_up), (tokens, value)


@pytest.mark.parametrize(
    ("file", "tokens", "value"),
    [
        (SWAGGER, ("paths",), 3),
        (SWAGGER, ("paths", "/k/v1/apps.json", "get"), []),
        (SWAGGER, ("paths", "/k/v1/record.json", "post", "parameters"), "x"),
        (SWAGGER, ("paths", "/k/v1/webhooks.json", "post", "parameters", "0", "schema"), 1),
        (SWAGGER, ("definitions", "RecordEvent"), {"$ref": "#/definitions/RecordEvent"}),
        (PROPERTIES, (), None),
        (PROPERTIES, ("properties", "connectionParameters"), ["domain"]),
        (PROPERTIES, ("properties", "policyTemplateInstances", "0", "parameters"), "x"),
        (SETTINGS, (), "settings"),
    ],
)
def test_wrong_shapes_give_findings_not_exceptions(
    file: str, tokens: tuple[str, ...], value: Any
) -> None:
    files = clean_files()
    document = _replaced(json.loads(files[file]), tokens, value)
    findings = validate_files({**files, file: json.dumps(document).encode()})
    assert findings and all(f.file in CLEAN_NAMES for f in findings)


def test_random_documents_never_raise() -> None:
    rng = random.Random(2024)
    for _ in range(300):
        files = {name: json.dumps(_random_json(rng, 4)).encode() for name in JSON_FILES}
        validate_files({**files, "icon.png": rng.randbytes(30), "script.csx": b"\xff"})


def _random_json(rng: random.Random, depth: int) -> Any:
    keys = [
        "paths",
        "/a/{b}",
        "get",
        "post",
        "parameters",
        "in",
        "body",
        "schema",
        "properties",
        "x-ms-trigger",
        "x-ms-notification-url",
        "x-ms-dynamic-schema",
        "operationId",
        "responses",
        "200",
        "$ref",
        "info",
        "title",
        "connectionParameters",
        "type",
        "policyTemplateInstances",
        "templateId",
        "uiDefinition",
        "constraints",
    ]
    pick = rng.randrange(8 if depth > 0 else 5)
    if pick < 5:
        return [None, True, 1, "#/paths", "x"][pick]
    if pick == 5:
        return [_random_json(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {rng.choice(keys): _random_json(rng, depth - 1) for _ in range(rng.randrange(5))}


def test_deeply_nested_json_is_a_finding() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    findings = validate_files({SWAGGER: deep, PROPERTIES: b"{}"}, rules=["JSON-01"])
    assert [f.render() for f in findings] == [
        "error JSON-01 apiDefinition.swagger.json: not valid JSON here: arrays and objects"
        " nested more than 256 levels deep"
    ]
