"""build --settings: organisation values merged into the model, checked with file:line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import DescriptionError
from generator.parse import default_description
from generator.pipeline import build
from generator.settings import load_settings
from tests.conftest import DATA, GOLDEN

BAD = DATA / "settings"
EXAMPLE = default_description().parent / "settings.example.yaml"

CASES = {
    "unknown-key": (
        2, "unknown key 'brand_colour' (allowed: brand_color, contact, oauth, publisher)"
    ),
    "colour-without-hash": (2, "'0b6a8f' is not a colour like #f5b400"),
    "colour-reserved": (1, "#007EE5 is reserved by the platform"),
    "oauth-domain-key-removed": (
        3,
        "remove this key: OAuth connections sign in to the kintone domain each connection "
        "names (the connector's URL templates are filled from it)",
    ),
    "oauth-client-placeholder": (2, "'your-client-id' is not the client ID kintone showed"),
    "oauth-without-client-id": (1, "missing required key 'client_id' in OAuthClientSettings"),
    "contact-email-invalid": (3, "'it-at-contoso' is not an e-mail address"),
    "contact-url-not-https": (2, "'http://contoso.example' is not an https:// URL"),
    "not-a-mapping": (1, "the top level must be a mapping"),
}  # fmt: skip


@pytest.mark.parametrize("defect", sorted(CASES))
def test_bad_settings_name_file_and_line(defect: str) -> None:
    line, message = CASES[defect]
    path = BAD / f"{defect}.yaml"
    with pytest.raises(DescriptionError) as caught:
        load_settings(path)
    assert caught.value.detail == message
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: {message}")


def test_every_bad_settings_file_has_a_case() -> None:
    assert {p.stem for p in BAD.glob("*.yaml")} == set(CASES)


def test_build_cli_reports_a_bad_settings_file(tmp_path: Path) -> None:
    path = BAD / "colour-reserved.yaml"
    result = CliRunner().invoke(
        main, ["build", "--settings", str(path), "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 1
    assert f"{path}:1: #007EE5 is reserved by the platform" in result.output
    assert not (tmp_path / "c").exists()


@pytest.fixture(scope="module")
def organisation() -> dict[str, bytes]:
    result = build(settings=EXAMPLE)
    assert result.findings == []
    return result.files


def test_settings_reach_every_file(organisation: dict[str, bytes]) -> None:
    properties = json.loads(organisation["apiProperties.json"])["properties"]
    assert properties["publisher"] == "Contoso Ltd"
    assert properties["iconBrandColor"] == "#0b6a8f"
    oauth = next(
        value["parameters"]["token"]["oAuthSettings"]
        for value in properties["connectionParameterSets"]["values"]
        if value["name"] == "oauth"
    )
    assert oauth["clientId"] == "l.1.abcdefghij0123456789"
    assert oauth["identityProvider"] == "oauth2generic"
    assert oauth["customParameters"]["authorizationUrlTemplate"] == {
        "value": "https://{domain}/oauth2/authorization"
    }
    contact = json.loads(organisation["apiDefinition.swagger.json"])["info"]["contact"]
    assert contact == {
        "name": "Contoso IT service desk",
        "url": "https://contoso.example/it/kintone",
        "email": "it-help@contoso.example",
    }
    assert organisation["icon.png"] != (GOLDEN / "icon.png").read_bytes()


def test_settings_leave_no_placeholder_in_the_readme(organisation: dict[str, bytes]) -> None:
    readme = organisation["README.md"].decode()
    assert "## Publisher: Contoso Ltd" in readme
    assert "it-help@contoso.example" in readme
    assert "https://{domain}/oauth2/authorization" in readme
    for placeholder in ("example.com", "your-client-id", "kintone connector project"):
        assert placeholder not in readme


def test_settings_build_a_different_valid_connector(tmp_path: Path) -> None:
    out = tmp_path / "contoso"
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--settings", str(EXAMPLE), "--out", str(out)])
    assert built.exit_code == 0, built.output
    checked = runner.invoke(main, ["validate", str(out), "--strict"])
    assert checked.exit_code == 0, checked.output
    assert (out / "apiProperties.json").read_bytes() != (GOLDEN / "apiProperties.json").read_bytes()
    again = runner.invoke(main, ["build", "--settings", str(EXAMPLE), "--out", str(out), "--check"])
    assert again.exit_code == 0, again.output
    solution = tmp_path / "contoso.zip"
    packaged = runner.invoke(
        main,
        ["package", "--from", str(out), "--target", "solution", "--publisher-prefix", "contoso",
         "--out", str(solution)],
    )  # fmt: skip
    assert packaged.exit_code == 0, packaged.output
    assert runner.invoke(main, ["validate", str(solution), "--strict"]).exit_code == 0
    with zipfile.ZipFile(solution) as archive:
        publisher = ET.fromstring(archive.read("solution.xml")).find("./SolutionManifest/Publisher")
    assert publisher is not None
    name = publisher.find("./LocalizedNames/LocalizedName")
    assert name is not None and name.get("description") == "Contoso Ltd"
    assert publisher.findtext("EMailAddress") == "it-help@contoso.example"
    assert publisher.findtext("CustomizationPrefix") == "contoso"


def test_without_settings_the_golden_record_is_reproduced() -> None:
    files = build().files
    assert files == {name: (GOLDEN / name).read_bytes() for name in files}
