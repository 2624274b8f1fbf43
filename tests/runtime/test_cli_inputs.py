"""`call` refuses what it would ignore or crash on: unknown names, bad body files, URLs."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.devtools.runtime.cliinputs import normalize_domain
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN


def _call(kintone: StandIn, *args: str, domain: str | None = None) -> list[str]:
    return [
        "call",
        *args,
        "--package",
        str(GOLDEN),
        "--domain",
        domain or kintone.domain,
        "--ca-file",
        str(kintone.ca_file),
        "--api-token",
        "deals-full",
    ]


def test_an_unknown_param_is_a_usage_error_with_did_you_mean(
    kintone: StandIn, throttle_state: Path
) -> None:
    result = CliRunner().invoke(
        main, _call(kintone, "GetRecords", "--param", "app=2", "--param", "qeury=Amount > 5")
    )
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for --param: GetRecords has no input 'qeury' (did you mean query?); "
        "its inputs: app, fields, guestSpaceId, query, totalCount"
    ) in result.output
    assert list(throttle_state.iterdir()) == []  # refused before anything was sent or counted


def test_an_unknown_body_param_is_refused_too(kintone: StandIn) -> None:
    result = CliRunner().invoke(main, _call(kintone, "AddRecord", "--param", "ap=2"))
    assert result.exit_code == 2
    assert (
        "AddRecord has no input 'ap' (did you mean app?); its inputs: app, guestSpaceId, record"
    ) in result.output


def test_a_missing_body_file_is_a_usage_error_naming_it(kintone: StandIn, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = CliRunner().invoke(main, _call(kintone, "AddRecord", "--body", f"@{missing}"))
    assert result.exit_code == 2
    assert f"Error: Invalid value for --body: {missing}: no such file" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"app": 2,\n "record": }', "is not JSON: Expecting value (line 2, column 12)"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
    ],
)
def test_a_body_file_that_is_not_json_names_the_file(
    kintone: StandIn, tmp_path: Path, content: bytes, message: str
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(content)
    result = CliRunner().invoke(main, _call(kintone, "AddRecord", "--body", f"@{body}"))
    assert result.exit_code == 2
    assert f"Error: Invalid value for --body: {body}" in result.output and message in result.output


def test_a_body_folder_is_a_usage_error(kintone: StandIn, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, _call(kintone, "AddRecord", "--body", f"@{tmp_path}"))
    assert result.exit_code == 2
    assert f"{tmp_path}: is a folder, not a JSON file" in result.output


def test_a_body_file_that_is_json_is_sent(kintone: StandIn, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    record = {
        "Title": {"value": "From a file"},
        "Amount": {"value": 3},
        "Priority": {"value": "Low"},
    }
    body.write_text(json.dumps({"app": "2", "record": record}))
    result = CliRunner().invoke(main, _call(kintone, "AddRecord", "--body", f"@{body}"))
    assert result.exit_code == 0, result.output
    assert "id" in json.loads(result.stdout)


@pytest.mark.parametrize(
    ("given", "host"),
    [
        ("example.cybozu.com", "example.cybozu.com"),
        ("https://example.cybozu.com", "example.cybozu.com"),
        ("https://example.cybozu.com/", "example.cybozu.com"),
        ("HTTPS://example.cybozu.com/k/12/?q=1#top", "example.cybozu.com"),
        ("example.cybozu.com/k/", "example.cybozu.com"),
        (" example.kintone.com ", "example.kintone.com"),
        ("https://localhost:8443", "localhost:8443"),
    ],
)
def test_a_scheme_or_path_in_the_domain_is_dropped(given: str, host: str) -> None:
    assert normalize_domain(given) == host


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://example.cybozu.com", "kintone is HTTPS-only; give the host name only"),
        ("http://127.0.0.1:8089/", "kintone is HTTPS-only.*stand-in --https"),
        ("ftp://example.cybozu.com", "ftp:// is not a kintone address"),
        ("https://sato:secret@example.cybozu.com", "no user name or password in the domain"),
        ("https://", "no host"),
    ],
)
def test_a_domain_that_is_no_kintone_address_is_refused(given: str, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        normalize_domain(given)


def test_the_domain_as_a_url_reaches_kintone(kintone: StandIn) -> None:
    for domain in (f"https://{kintone.domain}/", f"HTTPS://{kintone.domain}/k/2/"):
        result = CliRunner().invoke(
            main, _call(kintone, "GetApp", "--param", "id=2", domain=domain)
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["appId"] == "2"


def test_http_to_a_real_kintone_is_a_usage_error(kintone: StandIn) -> None:
    result = CliRunner().invoke(
        main, _call(kintone, "GetApp", "--param", "id=2", domain="http://example.cybozu.com")
    )
    assert result.exit_code == 2
    assert "Invalid value for --domain: 'http://example.cybozu.com': kintone is HTTPS-only" in (
        result.output
    )
