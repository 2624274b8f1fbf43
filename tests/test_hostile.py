"""Issue 19's cases, one regression test each: bounds, text, multi-connector runs, symlinks."""

from __future__ import annotations

import io
import json
import shutil
import signal
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.errors import DescriptionError
from generator.load import load_text
from generator.package import signals_held
from generator.validate.reader import decode
from generator.validate.solution import read_solution, validate_solution
from tests.reproducers import CLEAN, ROOT

SWAGGER = "apiDefinition.swagger.json"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_30000_level_flow_sequence_is_refused_at_the_65th_level() -> None:
    text = "a: " + "[" * 30_000 + "]" * 30_000 + "\n"
    with pytest.raises(DescriptionError, match="nested more than 64 levels deep"):
        load_text(text, "deep.yaml")


def test_build_refuses_a_deep_description_with_exit_1(tmp_path: Path) -> None:
    description = tmp_path / "deep.yaml"
    description.write_text("a: " + "[" * 30_000 + "]" * 30_000 + "\n")
    result = invoke("build", "--description", str(description), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "nested more than 64 levels deep" in result.output
    assert not (tmp_path / "out").exists()


def test_a_string_of_5_million_backslashes_decodes_in_little_memory() -> None:
    data = b'{"info": {"description": "' + b"\\" * 5_000_000 + b'"}}'
    tracemalloc.start()
    try:
        decoded = decode(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert decoded.problem is None
    assert isinstance(decoded.value, dict)
    # the text itself is 10 MB; the escapes once cost 30 bytes each in the regex engine
    assert peak < 40 * 1024 * 1024, peak


def _solution(tmp_path: Path, copies: int) -> Path:
    packaged = invoke(
        "package", "--from", str(CLEAN), "--target", "solution", "--out", str(tmp_path / "s.zip")
    )
    assert packaged.exit_code == 0, packaged.output
    with zipfile.ZipFile(tmp_path / "s.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["customizations.xml"].decode()
    start, end = xml.index("<Connector>"), xml.index("</Connector>") + len("</Connector>")
    members["customizations.xml"] = (xml[:end] + xml[start:end] * (copies - 1) + xml[end:]).encode()
    path = tmp_path / "repeated.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_connector_repeated_301_times_is_one_finding_and_one_validation(tmp_path: Path) -> None:
    path = _solution(tmp_path, 301)
    solution = read_solution(path)
    assert len(solution.connectors) == 1
    findings = validate_solution(solution)
    [repeated] = [f for f in findings if f.rule == "READ-01"]
    assert repeated.file == "customizations.xml"
    assert "301 times; it is validated once" in repeated.message
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert "error READ-01 customizations.xml: the solution holds the <Connector>" in result.output


def test_solution_xml_elements_are_counted_while_parsed(tmp_path: Path) -> None:
    path = tmp_path / "wide.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("solution.xml", "<ImportExportXml/>")
        archive.writestr("customizations.xml", "<a>" + "<b/>" * 200_000 + "</a>")
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert "customizations.xml: more than 100,000 XML elements; it is not read" in result.output


def test_a_tag_of_300000_attributes_is_refused_before_expat_reparses_it(tmp_path: Path) -> None:
    """Found by bench_worst.py: one 3 MB start tag fed in chunks took 5 s of CPU and 430 MB."""
    path = tmp_path / "attributes.zip"
    tag = "<a " + " ".join(f"x{i}='1'" for i in range(300_000)) + "/>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("solution.xml", "<ImportExportXml/>")
        archive.writestr("customizations.xml", tag)
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "customizations.xml: a tag, comment or instruction longer than 262,144 bytes" in (
        result.output
    )


def _connector(tmp_path: Path, name: str = "connector") -> Path:
    target = tmp_path / name
    shutil.copytree(CLEAN, target)
    return target


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_lone_surrogate_in_a_finding_is_escaped_in_every_format(tmp_path: Path, fmt: str) -> None:
    folder = _connector(tmp_path)
    swagger = json.loads((folder / SWAGGER).read_text())
    swagger["paths"]["/\ud800\u0007"] = {"get": {"responses": {}}}
    swagger["x-\ud800"] = "\ud800"
    (folder / SWAGGER).write_text(json.dumps(swagger), encoding="utf-8", errors="surrogatepass")
    out = tmp_path / "report"
    result = invoke("validate", str(folder), "--format", fmt, "-o", str(out))
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    assert "\\ud800" in text and "\ud800" not in text
    assert "\x07" not in text
    if fmt != "text":
        json.loads(text)
    screen = invoke("validate", str(folder), "--format", fmt)
    assert screen.exit_code == 1 and "internal error" not in screen.output


def test_a_multi_connector_run_with_an_oversized_icon_still_writes_its_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _connector(tmp_path, "good")
    big = _connector(tmp_path, "big")
    with (big / "icon.png").open("wb") as icon:
        icon.truncate(17 * 1024 * 1024)
    broken = _connector(tmp_path, "broken")
    swagger = (broken / SWAGGER).read_text().replace('"swagger": "2.0"', '"swagger": "3.0"', 1)
    (broken / SWAGGER).write_text(swagger)
    result = invoke("validate", "good", "big", "broken", "--format", "sarif", "-o", "v.sarif")
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads((tmp_path / "v.sarif").read_text())
    results = log["runs"][0]["results"]
    read = [r for r in results if r["ruleId"] == "READ-01"]
    assert len(read) == 1
    assert read[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "big"
    assert "icon.png has 17,825,792 bytes" in read[0]["message"]["text"]
    assert any(r["ruleId"] == "SWAGGER-01" for r in results)  # the others were validated
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[read[0]["ruleIndex"]]["id"] == "READ-01"
    text = invoke("validate", "good", "big", "broken")
    assert "big: error READ-01 icon.png has 17,825,792 bytes" in text.stdout
    as_json = json.loads(invoke("validate", "good", "big", "--format", "json").stdout)
    assert [d["summary"]["error"] for d in as_json] == [0, 1]


def test_a_missing_path_is_usage_but_the_report_is_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _connector(tmp_path, "good")
    result = invoke("validate", "good", "gone", "--format", "sarif", "-o", "v.sarif")
    assert result.exit_code == 2
    assert "gone: no such folder or file" in result.stderr
    results = json.loads((tmp_path / "v.sarif").read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["READ-01"]


@pytest.mark.parametrize("name", ["script.csx", "apiProperties.json"])
def test_a_symlink_out_of_the_connector_is_refused_and_never_read(
    tmp_path: Path, name: str
) -> None:
    folder = _connector(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    (folder / name).unlink(missing_ok=True)
    (folder / name).symlink_to(secret)
    result = invoke("validate", str(folder))
    assert result.exit_code == 1
    assert f"error READ-01 {name} is a symbolic link out of the folder" in result.output
    assert "TOP-SECRET-CONTENT" not in result.output


def test_a_symlink_inside_the_connector_is_read(tmp_path: Path) -> None:
    folder = _connector(tmp_path)
    (folder / "readme-source.md").write_bytes((folder / "readme.md").read_bytes())
    (folder / "readme.md").unlink()
    (folder / "readme.md").symlink_to(folder / "readme-source.md")
    assert invoke("validate", str(folder)).exit_code == 0


def test_a_symlink_out_of_an_unpacked_solution_is_refused(tmp_path: Path) -> None:
    path = _solution(tmp_path, 1)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    [swagger] = folder.glob("Connector/*openapidefinition*")
    swagger.unlink()
    swagger.symlink_to(ROOT / "connector" / SWAGGER)
    result = invoke("validate", str(folder))
    assert result.exit_code == 1
    assert "is a symbolic link out of the folder" in result.output


CALL = ["call", "GetApp", "--param", "id=1"]
HOST = "example.cybozu.com"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "exa mple.cybozu.com", "--api-token", "t"], "a host name has only"),
        (["--domain", "example.cybozu.com\r\nX: y", "--api-token", "t"], "a host name has only"),
        (["--domain", "[example.cybozu.com", "--api-token", "t"], "Invalid IPv6 URL"),
        (["--domain", "https://[::1", "--api-token", "t"], "Invalid IPv6 URL"),
        (["--domain", HOST, "--api-token", "a\nb"], "visible ASCII"),
        (["--domain", HOST, "--oauth-token", "a b"], "visible ASCII"),
        (["--domain", HOST, "--username", "u\r\n", "--password", "p"], "control"),
        (["--domain", HOST, "--api-token", "t", "--body", '"\\ud800"'], "surrogate"),
        (["--domain", HOST, "--api-token", "t", "--body", "[" * 100_000], "body"),
        (["--domain", HOST, "--api-token", "t", "--body", "@a\x00b"], "NUL character"),
        (["--domain", HOST, "--api-token", "t", "--param", "x=\udcff"], "UTF-8"),
    ],
)
def test_call_inputs_are_checked_with_exit_2(args: list[str], message: str) -> None:
    result = invoke(*CALL, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "internal error" not in result.output


def test_an_unknown_operation_id_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("call", "NoSuchOperation", "--domain", HOST, "--api-token", "t")
    assert result.exit_code == 2
    assert "Invalid value for OPERATION_ID: no operation 'NoSuchOperation'" in result.output


def test_listen_without_app_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    trigger = "AddWebhookForAddingRecord"
    result = invoke("listen", trigger, "--domain", "127.0.0.1:1", "--api-token", "t")
    assert result.exit_code == 2
    assert "misses required property 'app'" in result.output


def test_ctrl_c_inside_a_command_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.validate.cli as validate_cli

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_cli, "check_many", interrupted)
    result = invoke("validate", str(CLEAN))
    assert result.exit_code == 130
    assert "Interrupted" in result.stderr


@pytest.mark.usefixtures("interruptible")
def test_signals_held_delivers_ctrl_c_only_after_the_block() -> None:
    finished = False
    with pytest.raises(KeyboardInterrupt), signals_held():
        signal.raise_signal(signal.SIGINT)
        finished = True  # not cut short by the signal
    assert finished


def test_check_hint_quotes_paths(tmp_path: Path) -> None:
    out = tmp_path / "with space"
    out.mkdir()
    result = invoke("build", "--check", "--out", str(out))
    assert result.exit_code == 1
    assert f"regenerate it with: kintone-connector build --out '{out}'" in result.output


def test_standin_ca_pem_is_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "standin-ca.pem" in ignored


def test_a_damaged_zip_among_paths_is_a_read_error_not_a_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(CLEAN.iterdir()):
            archive.write(file, file.name)
    raw = bytearray(buffer.getvalue())
    raw[40:60] = b"\xff" * 20
    (tmp_path / "damaged.zip").write_bytes(bytes(raw))
    _connector(tmp_path, "good")
    result = invoke("validate", "damaged.zip", "good", "--format", "json")
    assert result.exit_code == 1
    documents = json.loads(result.stdout)
    assert documents[0]["findings"][0]["rule"] == "READ-01"
    assert documents[1]["summary"]["error"] == 0


def test_a_zip_of_an_unsupported_version_is_a_read_error(tmp_path: Path) -> None:
    """Found by the fuzz suite: zipfile raises NotImplementedError for it (once exit 70)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(SWAGGER, "{}")
    raw = bytearray(buffer.getvalue())
    central = raw.index(b"PK\x01\x02")
    raw[central + 6] = 84  # "version needed to extract": 8.4
    path = tmp_path / "new.zip"
    path.write_bytes(bytes(raw))
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "error READ-01 cannot read the zip: zip file version 8.4" in result.output


def test_a_line_separator_in_a_finding_stays_on_its_line(tmp_path: Path) -> None:
    """Found by the fuzz suite: U+2028 split one finding into two lines of a multi-path run."""
    folder = _connector(tmp_path)
    swagger = json.loads((folder / SWAGGER).read_text())
    swagger["paths"]["/a\u2028b"] = {"get": {"responses": {}}}
    (folder / SWAGGER).write_text(json.dumps(swagger, ensure_ascii=False))
    result = invoke("validate", str(folder), str(CLEAN))
    lines = result.stdout.splitlines()
    assert any("~1a\\u2028b" in line for line in lines)
    assert all(line.startswith((str(folder), str(CLEAN))) for line in lines)


def test_an_argument_that_cannot_be_encoded_is_a_usage_error() -> None:
    """Found by the long fuzz run: a lone surrogate in a path reached click.Path (exit 70)."""
    result = invoke("validate", "\ud800")
    assert result.exit_code == 2
    assert "argument 2 ('\\\\ud800') is not text this system can encode" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "\x00"],
        ["validate", "connector", "--format", "sarif", "-o", "a\x00.sarif"],
        ["diff", "a\x00", "b"],
        ["build", "--out", "out\x00"],
        ["check-script", "vectors\x00"],
    ],
)
def test_a_nul_in_any_path_is_a_usage_error(args: list[str]) -> None:
    """Found by the long fuzz run: click stats a path while converting it, and a NUL character
    raised ValueError there (exit 70)."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "a path cannot hold a NUL character" in result.output
