"""package --target solution and validate on solutions: structure, determinism, findings."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import ConnectorError
from generator.solution import SolutionOptions, capability_values, logical_name, solution_files
from generator.solution_icon import Image, dataverse_icon, decode_png, encode_png, scale
from generator.validate import read_connector, validate_files
from generator.validate.rules.common import png_size
from generator.validate.solution import is_solution, read_solution, validate_solution
from tests.conftest import DATA, GOLDEN

# A minimised export written after real ones (see its README.md for the repositories it follows).
EXPORT = DATA / "solution" / "export"
EXPORT_NAME = "cr123_5Fexample"
_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@pytest.fixture(scope="module")
def members() -> dict[str, bytes]:
    """Our solution's members, built from the golden connector with the default options."""
    return solution_files(read_connector(GOLDEN), SolutionOptions())


@pytest.fixture(scope="module")
def with_reference() -> dict[str, bytes]:
    """The same with --with-connection-reference."""
    return solution_files(read_connector(GOLDEN), SolutionOptions(connection_reference=True))


def _fixture_members() -> dict[str, bytes]:
    return {
        p.relative_to(EXPORT).as_posix(): p.read_bytes()
        for p in EXPORT.rglob("*")
        if p.is_file() and p.name != "README.md"
    }


def _layout(names: list[str], connector: str) -> set[str]:
    return {name.replace(connector, "<connector>") for name in names}


def _shape(data: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """(element path, attribute names) of every element in document order, each path once.

    xsi:nil is left out: it says whether a value is empty (a publisher with or without e-mail).
    """
    found: dict[tuple[str, tuple[str, ...]], None] = {}

    def walk(element: ET.Element, path: str) -> None:
        here = f"{path}/{element.tag}"
        found[(here, tuple(sorted(a for a in element.attrib if a != _NIL)))] = None
        for child in element:
            walk(child, here)

    walk(ET.fromstring(data), "")
    return list(found)


def test_member_layout_matches_the_export(members: dict[str, bytes]) -> None:
    ours = _layout(list(members), logical_name("kintone", "kintone"))
    assert ours == _layout(list(_fixture_members()), EXPORT_NAME)


@pytest.mark.parametrize("member", ["customizations.xml", "solution.xml", "[Content_Types].xml"])
def test_xml_elements_and_attributes_match_the_export(
    with_reference: dict[str, bytes], member: str
) -> None:
    assert _shape(with_reference[member]) == _shape(_fixture_members()[member])


def test_by_default_the_connector_is_alone_in_its_solution(members: dict[str, bytes]) -> None:
    # Microsoft's ALM guidance: the custom connector in a solution of its own, the flows and
    # their connection references in another.
    export = [
        item
        for item in _shape(_fixture_members()["customizations.xml"])
        if "/connectionreferences" not in item[0]
    ]
    assert _shape(members["customizations.xml"]) == export
    assert b"connectionreference" not in members["customizations.xml"]


def test_connector_files_carry_the_package(members: dict[str, bytes]) -> None:
    golden = read_connector(GOLDEN)
    properties = json.loads(golden["apiProperties.json"])["properties"]
    prefix = "Connector/kintone_5Fkintone_"
    assert members[prefix + "openapidefinition.json"] == golden["apiDefinition.swagger.json"]
    assert members[prefix + "customcodeblobcontent.csx"] == golden["script.csx"]
    assert members[prefix + "iconblob.Png"] == dataverse_icon(golden["icon.png"])
    assert png_size(members[prefix + "iconblob.Png"]) == (144, 144)  # Dataverse's iconblob
    sets = json.loads(members[prefix + "connectionparametersets.json"])
    assert sets == properties["connectionParameterSets"]
    policies = json.loads(members[prefix + "policytemplateinstances.json"])
    assert policies[0]["templateId"] == "dynamichosturl"
    connector = ET.fromstring(members["customizations.xml"]).find("./Connectors/Connector")
    assert connector is not None
    assert (
        json.loads(connector.findtext("scriptoperations") or "") == (properties["scriptOperations"])
    )
    assert connector.findtext("iconbrandcolor") == properties["iconBrandColor"]


def test_connection_reference_points_at_the_connector(with_reference: dict[str, bytes]) -> None:
    root = ET.fromstring(with_reference["customizations.xml"])
    connector_id = root.findtext("./Connectors/Connector/connectorid")
    reference = root.find("./connectionreferences/connectionreference")
    assert reference is not None
    assert reference.findtext("./customconnectorid/connectorid") == connector_id
    component = ET.fromstring(with_reference["solution.xml"]).find(
        "./SolutionManifest/RootComponents/RootComponent"
    )
    assert component is not None
    assert component.attrib == {
        "type": "372",
        "id": "{" + str(connector_id) + "}",
        "schemaName": "kintone_5Fkintone",
        "behavior": "0",
    }


def _package(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    out = tmp_path / "solution.zip"
    result = CliRunner().invoke(
        main,
        ["package", "--from", str(GOLDEN), "--target", "solution", "--out", str(out), *args],
    )
    return result.exit_code, result.output, out


def test_package_cli_is_deterministic(tmp_path: Path) -> None:
    code, output, out = _package(tmp_path)
    first = out.read_bytes()
    code2, _, out2 = _package(tmp_path)
    assert (code, code2) == (0, 0), output
    assert f"wrote {out} (9 files)" in output
    assert out2.read_bytes() == first


def test_package_cli_options_name_the_solution(tmp_path: Path) -> None:
    code, output, out = _package(
        tmp_path, "--publisher-prefix", "contoso", "--solution-name", "Kintone_Flows", "--version",
        "2.1.0.7",
    )  # fmt: skip
    assert code == 0, output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = ET.fromstring(archive.read("solution.xml")).find("./SolutionManifest")
    assert "Connector/contoso_5Fkintone_openapidefinition.json" in names
    assert manifest is not None
    assert manifest.findtext("UniqueName") == "Kintone_Flows"
    assert manifest.findtext("Version") == "2.1.0.7"
    assert manifest.findtext("./Publisher/CustomizationPrefix") == "contoso"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--publisher-prefix", "Contoso", "publisher prefix 'Contoso' must be 2 to 8 lowercase"),
        ("--publisher-prefix", "mscrmx", "not start with mscrm"),
        ("--solution-name", "1st", "solution name '1st' must start with a letter"),
        ("--version", "v1", "version 'v1' must look like 1.0 to 1.0.0.0"),
    ],
)
def test_package_cli_rejects_bad_solution_options(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    code, output, out = _package(tmp_path, option, value)
    assert code == 2
    assert message in output
    assert not out.exists()


def _zip(files: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(path), "--strict"])
    return result.exit_code, result.output


def test_validate_finds_the_connector_in_our_zip(members: dict[str, bytes], tmp_path: Path) -> None:
    code, output = _validate(_zip(members, tmp_path / "s.zip"))
    assert code == 0, output
    assert "no errors (0 errors, 0 warnings, 0 infos)" in output


def test_validate_reads_an_extracted_solution_folder(
    members: dict[str, bytes], tmp_path: Path
) -> None:
    for name, data in members.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    assert _validate(tmp_path)[0] == 0


def _unpacked(members: dict[str, bytes], root: Path) -> Path:
    """The solution packager's layout: Other/*.xml, Connectors/<name>.xml and its files beside."""
    customizations = ET.fromstring(members["customizations.xml"])
    connectors = customizations.find("Connectors")
    assert connectors is not None
    (root / "Connectors").mkdir(parents=True)
    (root / "Other").mkdir()
    for connector in list(connectors):
        name = connector.findtext("name")
        (root / "Connectors" / f"{name}.xml").write_bytes(ET.tostring(connector))
        connectors.remove(connector)
    (root / "Other" / "Customizations.xml").write_bytes(ET.tostring(customizations))
    (root / "Other" / "Solution.xml").write_bytes(members["solution.xml"])
    for name, data in members.items():
        if name.startswith("Connector/"):
            (root / "Connectors" / name.split("/", 1)[1]).write_bytes(data)
    return root


def test_validate_reads_an_unpacked_solution(members: dict[str, bytes], tmp_path: Path) -> None:
    root = _unpacked(members, tmp_path / "src")
    solution = read_solution(root)
    assert [c.name for c in solution.connectors] == ["kintone_5Fkintone"]
    assert solution.connectors[0].sources["openapidefinition"] == (
        "Connectors/kintone_5Fkintone_openapidefinition.json"
    )
    assert _validate(root)[0] == 0


def test_solution_reads_back_as_the_package(members: dict[str, bytes], tmp_path: Path) -> None:
    golden = read_connector(GOLDEN)
    back = read_connector(_zip(members, tmp_path / "s.zip"))
    for name in ("apiDefinition.swagger.json", "script.csx"):
        assert back[name] == golden[name]
    assert back["icon.png"] == dataverse_icon(golden["icon.png"])
    expected = json.loads(golden["apiProperties.json"])["properties"]
    expected.pop("stackOwner")  # a solution has no column for it
    assert json.loads(back["apiProperties.json"])["properties"] == expected


def test_findings_point_into_the_solution_files(members: dict[str, bytes], tmp_path: Path) -> None:
    name = "Connector/kintone_5Fkintone_openapidefinition.json"
    swagger = json.loads(members[name])
    operation = swagger["paths"]["/k/v1/record.json"]["post"]
    del operation["summary"]
    broken = dict(members)
    broken[name] = json.dumps(swagger).encode()
    sets = "Connector/kintone_5Fkintone_connectionparametersets.json"
    parameter_sets = json.loads(members[sets])
    parameter_sets["values"][0]["parameters"]["api_key"]["type"] = "secret"
    broken[sets] = json.dumps(parameter_sets).encode()
    path = _zip(broken, tmp_path / "s.zip")
    findings = validate_solution(read_solution(path))
    output = CliRunner().invoke(main, ["validate", str(path)]).output
    # The swagger is the package's own bytes, so its findings keep their line and column.
    assert re.search(re.escape(name) + r"#/paths/~1k~1v1~1record\.json/post \(\d+:\d+\)", output)
    places = {(f.file, f.pointer) for f in findings}
    assert (name, "/paths/~1k~1v1~1record.json/post") in places
    assert any(f == sets and p.startswith("/values/0/parameters/api_key") for f, p in places)
    assert all(f.file.startswith(("Connector/", "customizations.xml")) for f in findings)


def test_validate_walks_the_fixture_export() -> None:
    solution = read_solution(EXPORT)
    assert [c.name for c in solution.connectors] == [EXPORT_NAME]
    findings = validate_solution(solution)
    assert any(
        f.rule == "PKG-02" and f.file == "Connector/cr123_5Fexample_iconblob.Png" for f in findings
    )
    assert any(
        f.rule == "AP-08" and f.file.startswith("customizations.xml <Connector> cr123_5Fexample")
        for f in findings
    )
    # The export keeps its connection reference beside its connector, and a placeholder icon.
    assert {f.rule for f in findings} >= {"SOL-02", "SOL-03"}


def test_a_solution_without_a_connector_is_a_usage_error(tmp_path: Path) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("solution.xml", "<ImportExportXml/>")
        archive.writestr("customizations.xml", "<ImportExportXml><Connectors/></ImportExportXml>")
    path = tmp_path / "empty.zip"
    path.write_bytes(data.getvalue())
    code, output = _validate(path)
    assert code == 2
    assert re.search(r"the solution holds no custom connector", output)


def test_validate_files_of_the_golden_record_do_not_change() -> None:
    # The hook in read_connector leaves a plain connector folder alone.
    assert validate_files(read_connector(GOLDEN)) == []


def test_every_connector_of_a_solution_is_validated(
    members: dict[str, bytes], tmp_path: Path
) -> None:
    """A second connector (a copy whose swagger lost its info) is found and checked too."""
    both = dict(members)
    root = ET.fromstring(members["customizations.xml"])
    connectors = root.find("Connectors")
    assert connectors is not None
    second = ET.fromstring(
        ET.tostring(connectors[0]).replace(b"kintone_5Fkintone", b"kintone_5Fcopy")
    )
    connectors.append(second)
    both["customizations.xml"] = ET.tostring(root)
    for name, data in members.items():
        if name.startswith("Connector/"):
            both[name.replace("kintone_5Fkintone", "kintone_5Fcopy")] = data
    swagger = json.loads(members["Connector/kintone_5Fkintone_openapidefinition.json"])
    del swagger["info"]["description"]
    both["Connector/kintone_5Fcopy_openapidefinition.json"] = json.dumps(swagger).encode()
    solution = read_solution(_zip(both, tmp_path / "two.zip"))
    assert [c.name for c in solution.connectors] == ["kintone_5Fkintone", "kintone_5Fcopy"]
    files = {f.file for f in validate_solution(solution)}
    assert files == {"Connector/kintone_5Fcopy_openapidefinition.json"}
    result = CliRunner().invoke(main, ["package", "--from", str(tmp_path / "two.zip")])
    assert result.exit_code == 1
    assert "the solution holds 2 connectors (kintone_5Fkintone, kintone_5Fcopy)" in result.output


def test_validate_json_report_of_a_solution(members: dict[str, bytes], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", str(_zip(members, tmp_path / "s.zip")), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_two_processes_write_the_same_solution(tmp_path: Path) -> None:
    import subprocess
    import sys

    outs = [tmp_path / "a.zip", tmp_path / "b.zip"]
    for out in outs:
        command = [
            sys.executable, "-m", "generator", "package", "--from", str(GOLDEN),
            "--target", "solution", "--out", str(out),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_a_solution_deep_inside_a_folder_does_not_make_it_one() -> None:
    assert is_solution(EXPORT)
    assert is_solution(EXPORT.parent)  # a zip or folder holding the export's folder
    assert not is_solution(DATA)  # tests/data/solution/export/solution.xml is too deep
    assert not is_solution(GOLDEN)


def test_capabilities_are_dataverse_choice_values() -> None:
    # learn.microsoft.com .../reference/entities/connector: Capabilities Choices/Options.
    assert capability_values(["actions"]) == "118690005"
    assert capability_values(["cloud", "gateway", "tabular"]) == "118690001,118690003,118690004"
    with pytest.raises(ConnectorError, match="capabilities teleport: not one of composite"):
        capability_values(["teleport"])


def _with_capabilities(capabilities: list[str]) -> dict[str, bytes]:
    files = dict(read_connector(GOLDEN))
    document = json.loads(files["apiProperties.json"])
    document["properties"]["capabilities"] = capabilities
    files["apiProperties.json"] = json.dumps(document).encode()
    return solution_files(files, SolutionOptions())


def test_capabilities_reach_the_solution_and_read_back(tmp_path: Path) -> None:
    built = _with_capabilities(["actions", "cloud"])
    connector = ET.fromstring(built["customizations.xml"]).find("./Connectors/Connector")
    assert connector is not None and connector.findtext("capabilities") == "118690004,118690005"
    back = read_connector(_zip(built, tmp_path / "s.zip"))
    assert json.loads(back["apiProperties.json"])["properties"]["capabilities"] == [
        "cloud",
        "actions",
    ]
    assert not [
        f for f in validate_solution(read_solution(tmp_path / "s.zip")) if f.rule == "SOL-01"
    ]


def test_sol01_capabilities_as_json_text_are_an_error(tmp_path: Path) -> None:
    built = _with_capabilities(["actions"])
    text = built["customizations.xml"].replace(
        b"<capabilities>118690005</capabilities>", b'<capabilities>["actions"]</capabilities>'
    )
    path = _zip({**built, "customizations.xml": text}, tmp_path / "s.zip")
    [finding] = [f for f in validate_solution(read_solution(path)) if f.rule == "SOL-01"]
    assert finding.render() == (
        "error SOL-01 customizations.xml <Connector> kintone_5Fkintone#/capabilities: "
        "capabilities '[\"actions\"]' is no list of choice values (118690000 composite to "
        "118690005 actions, comma-separated): Dataverse stores a multi-select choice, not the "
        "JSON of apiProperties.json"
    )
    code, output = _validate(path)
    assert code == 1 and "SOL-01" in output


def test_sol02_an_icon_larger_than_dataverse_keeps_is_a_warning(
    members: dict[str, bytes], tmp_path: Path
) -> None:
    icon = "Connector/kintone_5Fkintone_iconblob.Png"
    path = _zip({**members, icon: read_connector(GOLDEN)["icon.png"]}, tmp_path / "s.zip")
    [finding] = [f for f in validate_solution(read_solution(path)) if f.rule == "SOL-02"]
    assert finding.render() == (
        f"warning SOL-02 {icon}: the icon is 230 x 230; Dataverse stores connector icons of at "
        "most 144 x 144 and keeps no full image, and larger icons are known to fall back to the "
        "default icon"
    )


def test_sol03_a_connection_reference_beside_its_connector_is_a_warning(
    with_reference: dict[str, bytes], tmp_path: Path
) -> None:
    path = _zip(with_reference, tmp_path / "s.zip")
    findings = [f for f in validate_solution(read_solution(path)) if f.rule == "SOL-03"]
    assert [(f.file, f.pointer, f.level.value) for f in findings] == [
        ("customizations.xml", "/connectionreferences/kintone_sharedkintone5fkintone", "warning")
    ]
    assert _validate(path)[0] == 1  # --strict
    only = CliRunner().invoke(main, ["validate", str(path), "--rule", "SOL-03"])
    assert only.exit_code == 0 and "SOL-03" in only.output and "SOL-01" not in only.output
    skipped = CliRunner().invoke(main, ["validate", str(path), "--strict", "--skip", "SOL-03"])
    assert skipped.exit_code == 0, skipped.output


def test_package_cli_adds_the_reference_only_on_request(tmp_path: Path) -> None:
    code, output, out = _package(tmp_path, "--with-connection-reference")
    assert code == 0, output
    with zipfile.ZipFile(out) as archive:
        assert b"<connectionreference " in archive.read("customizations.xml")
    wrong = CliRunner().invoke(
        main, ["package", "--from", str(GOLDEN), "--with-connection-reference", "--out",
               str(tmp_path / "p.zip")],
    )  # fmt: skip
    assert wrong.exit_code == 2 and "--with-connection-reference needs --target solution" in (
        wrong.output
    )


def test_solution_rules_are_listed_and_in_sarif(members: dict[str, bytes], tmp_path: Path) -> None:
    listed = CliRunner().invoke(main, ["rules", "--format", "json"])
    ids = [r["id"] for r in json.loads(listed.output)]
    assert ids[-3:] == ["SOL-01", "SOL-02", "SOL-03"]
    sarif = CliRunner().invoke(
        main, ["validate", str(_zip(members, tmp_path / "s.zip")), "--format", "sarif"]
    )
    driver = json.loads(sarif.output)["runs"][0]["tool"]["driver"]
    assert {"SOL-01", "SOL-02", "SOL-03"} <= {r["id"] for r in driver["rules"]}


def test_icon_scaling_averages_areas_and_keeps_transparency() -> None:
    # A 4 x 2 image: left half opaque red, right half transparent; scaled to 2 x 1.
    red, clear = (255, 0, 0, 255), (0, 0, 0, 0)
    image = decode_png(encode_png(scale_source([[red, red, clear, clear]] * 2)))
    assert image is not None
    small = scale(image, 2, 1)
    assert small.pixels == [[red, clear]]
    half = scale(image, 1, 1).pixels[0][0]
    assert half == (255, 0, 0, 128)  # premultiplied: no dark fringe from the clear pixels


def scale_source(rows: list[list[tuple[int, int, int, int]]]) -> Image:
    return Image(len(rows[0]), len(rows), rows)


def test_a_png_that_cannot_be_read_is_carried_as_it_is() -> None:
    assert dataverse_icon(b"not a png") == b"not a png"
