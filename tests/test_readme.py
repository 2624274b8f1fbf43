"""The connector README tells a maker every input, output, connection step and import route."""

from __future__ import annotations

import re

import pytest

from generator.model import Connector
from generator.pipeline import Build


@pytest.fixture(scope="module")
def readme(kintone_build: Build) -> str:
    return kintone_build.files["README.md"].decode()


def _section(readme: str, heading: str) -> str:
    """The text under a ``####`` heading, up to the next heading of any level <= 4."""
    start = readme.index(f"#### {heading}\n")
    rest = readme[start + len(heading) + 6 :]
    end = re.search(r"^#{1,4} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_every_action_and_trigger_lists_its_inputs_and_outputs(
    kintone_build: Build, readme: str
) -> None:
    connector: Connector = kintone_build.connector
    visible = [op for op in connector.operations if op.visibility != "internal"]
    for op in [*visible, *connector.triggers]:
        section = _section(readme, op.summary)
        for parameter in op.parameters:
            if parameter.visibility == "internal" or parameter.location == "body":
                continue
            assert f"| {parameter.summary} |" in section, (op.id, parameter.name)
        assert "| Output | Type | Description |" in section or "Outputs: none" in section, op.id


def test_dynamic_outputs_are_the_apps_fields(readme: str) -> None:
    assert "| Record | the app's fields |" in _section(readme, "Get a record")
    trigger = _section(readme, "When a record is added to an app")
    assert "| App | string | yes |" in trigger
    assert "| Record | the app's fields |" in trigger


def test_each_authentication_type_has_connection_steps(kintone_build: Build, readme: str) -> None:
    for method in kintone_build.connector.connection.auth:
        section = _section(readme, method.display_name)
        assert "| Field | Required | What to enter |" in section
        assert "| kintone domain | yes |" in section
        for parameter in method.parameters:
            assert f"| {parameter.display_name} | yes |" in section


def test_oauth_registration_names_the_redirect_url(readme: str) -> None:
    assert "Add OAuth client" in readme
    assert "https://global.consent.azure-apim.net/redirect" in readme
    assert "Redirect endpoint" in readme
    assert "placeholder client ID (`your-client-id`)" in readme


def test_import_routes_start_with_the_solution(readme: str) -> None:
    routes = re.findall(r"^\| (\d)\. ", readme, re.MULTILINE)
    assert routes == ["1", "2", "3", "4"]
    assert "| 1. Solution import in the maker portal (recommended)" in readme
    assert "Route 4 carries no domain and no authentication." in readme
    assert "`X-Cybozu-API-Token`" in readme


def test_the_certification_sections_remain(readme: str) -> None:
    for heading in (
        "## Publisher: ",
        "## Prerequisites",
        "## Supported Operations",
        "## Obtaining Credentials",
        "## Getting Started",
        "## Throttling Limits",
        "## Known Issues and Limitations",
        "## Deployment Instructions",
    ):
        assert f"\n{heading}" in readme, heading
