"""The three connection types and the Basic-auth layer, against the stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import DEFAULT_SEED, StandIn
from tests.support.calls import ok
from tests.support.standin import SessionCA, https_standin


def _runtime(
    package: ConnectorPackage, script: CompiledScriptEngine, kintone: StandIn, **values: str
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, **values}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=script, transport=transport)


def test_password_connection_acts_as_the_user(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, username="sato", password="sato-pass")
    apps = ok(runtime.call("GetApps"))["apps"]  # refused to API tokens, allowed to users
    assert {"1", "2", "3"} <= {a["appId"] for a in apps}
    sent = runtime.sent[-1]
    assert sent.header("X-Cybozu-Authorization") is not None
    assert sent.header("X-Kintone-Username") is None and sent.header("X-Kintone-Password") is None


def test_wrong_password_gives_kintones_code(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, username="sato", password="nope")
    result = runtime.call("GetApp", {"id": "2"})
    assert result.response.status == 401 and result.body["code"] == "CB_WA01"


def test_oauth_connection_sends_its_bearer_token(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, token="oauth-sato-all")
    assert ok(runtime.call("GetRecord", {"app": "2", "id": "1"}))["record"]["$id"]["value"] == "1"
    read_only = _runtime(package, script_engine, kintone, token="oauth-sato-read")
    refused = read_only.call("AddRecord", body={"app": "3", "record": {"Title": {"value": "x"}}})
    assert refused.response.status == 403 and refused.body["code"] == "CB_NO02"


@pytest.fixture
def basic_kintone(standin_certificates: SessionCA) -> Iterator[StandIn]:
    seed = yaml.safe_load(DEFAULT_SEED.read_text(encoding="utf-8"))
    seed.setdefault("domain", {})["basicAuth"] = {"user": "gate", "password": "gate-pass"}
    with https_standin(standin_certificates, seed) as standin:
        yield standin


def test_basic_authentication_layer(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, basic_kintone: StandIn
) -> None:
    without = _runtime(package, script_engine, basic_kintone, api_key="deals-full")
    assert without.call("GetApp", {"id": "2"}).response.status == 401
    with_basic = _runtime(
        package,
        script_engine,
        basic_kintone,
        api_key="deals-full",
        basic_username="gate",
        basic_password="gate-pass",
    )
    assert ok(with_basic.call("GetApp", {"id": "2"}))["appId"] == "2"


def test_get_apps_filters_by_ids_and_codes(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, username="sato", password="sato-pass")
    by_ids = ok(runtime.call("GetApps", {"ids": ["1", "3"]}))["apps"]
    assert sorted(a["appId"] for a in by_ids) == ["1", "3"]
    by_code = ok(runtime.call("GetApps", {"codes": ["DEALS"]}))["apps"]
    assert [a["appId"] for a in by_code] == ["2"]
