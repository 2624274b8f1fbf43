"""The App dropdown: kintone's apps for users, one "type the app ID" entry for API tokens.

kintone refuses Get apps to API tokens ("API Tokens cannot be used with this API",
kintone-api.md section 2.2; the stand-in answers the same). Every App input's
x-ms-dynamic-values therefore calls the picker operation, which the compiled script answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.support.toolchain import toolchain_or_skip as require_toolchain

PICKER = "GetAppPicker"


@pytest.fixture
def engine(kintone: StandIn) -> Iterator[CompiledScriptEngine]:
    require_toolchain()
    with CompiledScriptEngine.open(GOLDEN, ca_file=kintone.ca_file) as compiled:
        yield compiled


def _dynamic_values(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if isinstance(node.get("x-ms-dynamic-values"), Mapping):
            yield node["x-ms-dynamic-values"]
        for value in node.values():
            yield from _dynamic_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dynamic_values(value)


def _app_pickers(package: ConnectorPackage) -> list[Mapping[str, Any]]:
    found = [v for v in _dynamic_values(package.swagger) if v.get("value-path") == "appId"]
    return found


def _dropdown(
    runtime: ConnectorRuntime, picker: Mapping[str, Any], **inputs: str
) -> list[tuple[str, str]]:
    """What the designer lists: value-collection items as (value-path, value-title).

    {"parameter": name} arguments take the value of the action's input ``name``, if set.
    """
    arguments = {
        name: inputs[spec["parameter"]]
        for name, spec in (picker.get("parameters") or {}).items()
        if spec["parameter"] in inputs
    }
    result = runtime.call(str(picker["operationId"]), arguments)
    assert result.response.status == 200, result.response.body
    items = result.body[picker["value-collection"]]
    return [(item[picker["value-path"]], item[picker["value-title"]]) for item in items]


def _runtime(
    package: ConnectorPackage, engine: CompiledScriptEngine, kintone: StandIn, **values: str
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, **values}
    transport = trusting_transport(kintone.ca_file)
    return ConnectorRuntime(package, connection, script=engine, transport=transport)


def test_every_app_input_uses_the_picker(package: ConnectorPackage) -> None:
    pickers = _app_pickers(package)
    assert len(pickers) >= 20  # every App input of actions and triggers
    assert {p["operationId"] for p in pickers} == {PICKER}
    assert package.operation(PICKER).operation["x-ms-visibility"] == "internal"


def test_api_token_connections_get_one_entry_saying_to_type_the_id(
    package: ConnectorPackage, engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, engine, kintone, api_key="deals-full")
    [(value, title)] = _dropdown(runtime, _app_pickers(package)[0])
    assert value == ""
    assert title.startswith("Type the app ID: API token connections cannot list apps")
    # kintone itself still refuses the list: the action Get apps keeps kintone's error.
    refused = runtime.call("GetApps")
    assert refused.response.status == 403 and "API token" in refused.body["message"]


def test_password_and_oauth_connections_get_kintones_apps(
    package: ConnectorPackage, engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    picker = _app_pickers(package)[0]
    for values in ({"username": "sato", "password": "sato-pass"}, {"token": "oauth-sato-all"}):
        entries = _dropdown(_runtime(package, engine, kintone, **values), picker)
        assert ("2", "Deals") in entries and ("1", "Customers") in entries


def test_a_wrong_password_keeps_kintones_error(
    package: ConnectorPackage, engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, engine, kintone, username="sato", password="nope")
    result = runtime.call(PICKER)
    assert result.response.status == 401 and result.body["code"] == "CB_WA01"


def test_a_guest_space_app_input_lists_the_guest_spaces_apps(
    package: ConnectorPackage, engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    picker = _app_pickers(package)[0]
    assert picker["parameters"] == {"guestSpaceId": {"parameter": "guestSpaceId"}}
    runtime = _runtime(package, engine, kintone, username="sato", password="sato-pass")
    entries = _dropdown(runtime, picker, guestSpaceId="5")
    assert entries == [("4", "Guest tasks")]
