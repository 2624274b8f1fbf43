"""The official MCP Python SDK (PyPI `mcp`) against the connector's MCP server and the stand-in."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from generator.devtools.standin import StandIn
from tests.mcp_clients.conftest import Endpoint
from tests.mcp_clients.plan import CHECKS, PLAN, answers_of, resolve

HAZARDS = ("$ref", "anyOf", "oneOf", "allOf", "exclusiveMinimum", "exclusiveMaximum")


async def _walk(urls: dict[str, str]) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    """Initialize and list on the token connection, then run the plan on both connections."""
    results: list[dict[str, Any]] = []
    answers: dict[str, Any] = {}
    async with (
        streamable_http_client(urls["token"]) as (tread, twrite),
        ClientSession(tread, twrite) as token,
        streamable_http_client(urls["user"]) as (uread, uwrite),
        ClientSession(uread, uwrite) as user,
    ):
        init = await token.initialize()
        await user.initialize()
        tools = (await token.list_tools()).tools
        sessions = {"token": token, "user": user}
        for item in PLAN:
            arguments = resolve(item["arguments"], answers)
            result = await sessions[item["connection"]].call_tool(item["tool"], arguments)
            text = result.content[0].text  # type: ignore[union-attr]
            results.append({"id": item["id"], "isError": result.is_error, "text": text})
            assert not result.is_error, f"{item['id']} ({item['tool']}): {text}"
            answers[item["id"]] = json.loads(text)
    return init, tools, results


def test_python_sdk_lists_and_calls_every_tool(kintone: StandIn, plan_urls: dict[str, str]) -> None:
    init, tools, results = anyio.run(_walk, plan_urls)
    assert init.protocol_version == "2025-11-25"  # the SDK's newest handshake version
    assert init.server_info.name == "kintone"
    names = {tool.name for tool in tools}
    assert len(names) >= 34 and {item["tool"] for item in PLAN} == names
    for tool in tools:
        text = json.dumps(tool.input_schema)
        assert not any(f'"{hazard}"' in text for hazard in HAZARDS), tool.name
        for prop in tool.input_schema["properties"].values():
            assert isinstance(prop["type"], str), tool.name
        assert "Authentication:" in (tool.description or "")
    answers = answers_of(results)
    for check in CHECKS:
        check(kintone, answers)


async def _call(url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        return await s.call_tool(tool, arguments)


def _error(url: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = anyio.run(_call, url, tool, arguments)
    assert result.is_error
    return json.loads(result.content[0].text)  # type: ignore[no-any-return]


def test_kintone_refusals_are_tool_errors_with_kintones_code(
    kintone: StandIn, endpoint: Endpoint
) -> None:
    before = len(kintone.store.apps["2"].records)
    wrong = _error(endpoint({"api_key": "not-a-token"}), "kintone-get-records", {"app": 3})
    # kintone's own status, code and message come through (the code names the cause).
    assert 400 <= wrong["status"] < 500 and wrong["code"] == "GAIA_IA02" and wrong["message"]
    viewer = endpoint({"api_key": "deals-view"})
    refused = _error(viewer, "kintone-add-records", {"app": 2, "records": [{"Title": "x"}]})
    assert refused["status"] == 403 and refused["code"] == "GAIA_NO01"
    token_only = _error(viewer, "kintone-get-apps", {})
    assert token_only["status"] == 403 and token_only["code"] == "GAIA_NO01"
    assert len(kintone.store.apps["2"].records) == before  # nothing was added


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"app": 3, "limit": 501}, "Argument 'limit' must be at most 500."),
        ({"app": "three"}, "Argument 'app' must be an integer."),
        ({}, "Missing required argument 'app'."),
        ({"app": 3, "limt": 5}, "Unknown argument 'limt'"),
        ({"app": 3, "fields": [1]}, "Each item of 'fields' must be of type string."),
        ({"app": 3, "guestSpaceId": "../1"}, "guestSpaceId must be the digits"),
    ],
)
def test_bad_input_is_a_tool_error(
    endpoint: Endpoint, arguments: dict[str, Any], message: str
) -> None:
    error = _error(endpoint({"api_key": "invoices-full"}), "kintone-get-records", arguments)
    assert error["code"] == "CONNECTOR_MCP01" and error["message"].startswith(message)


def test_enum_is_checked_by_the_server(endpoint: Endpoint) -> None:
    url = endpoint({"api_key": "invoices-full"})
    error = _error(url, "kintone-get-record-comments", {"app": 3, "record": 1, "order": "up"})
    assert error["message"] == "Argument 'order' must be one of asc, desc."


async def _refused_code(url: str, tool: str) -> int:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        try:
            await s.call_tool(tool, {})
        except MCPError as error:
            return error.error.code
    return 0


def test_unknown_tool_is_a_json_rpc_error(endpoint: Endpoint) -> None:
    url = endpoint({"api_key": "invoices-full"})
    assert anyio.run(_refused_code, url, "kintone-no-such-tool") == -32602


class _Answer:
    def __init__(self, status: int, headers: Any, content: bytes) -> None:
        self.status_code, self.headers, self.content = status, headers, content

    def json(self) -> Any:
        return json.loads(self.content)


def _post(url: str, body: bytes) -> _Answer:
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return _Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return _Answer(error.code, error.headers, error.read())


def test_json_rpc_errors_and_negotiation_on_the_wire(endpoint: Endpoint) -> None:
    url = endpoint({"api_key": "invoices-full"})
    parse = _post(url, b"{not json")
    assert parse.status_code == 400 and parse.json()["error"]["code"] == -32700
    invalid = _post(url, b'{"jsonrpc": "1.0", "id": 1, "method": "ping"}')
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == -32600
    missing = _post(url, b'{"jsonrpc": "2.0", "id": 2, "method": "resources/list"}')
    error = missing.json()["error"]
    assert error == {"code": -32601, "message": "Method not found: resources/list"}
    params = _post(url, b'{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": []}')
    assert params.json()["error"]["code"] == -32602
    ping = _post(url, b'{"jsonrpc": "2.0", "id": "p", "method": "ping"}')
    assert ping.json() == {"jsonrpc": "2.0", "id": "p", "result": {}}
    assert ping.headers["Content-Type"].startswith("application/json")
    note = _post(url, b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
    assert note.status_code == 202 and note.content == b""
    for asked, answered in (("2025-03-26", "2025-03-26"), ("2099-01-01", "2025-11-25")):
        body = {"jsonrpc": "2.0", "id": 4, "method": "initialize",
                "params": {"protocolVersion": asked, "capabilities": {},
                           "clientInfo": {"name": "t", "version": "1"}}}
        answer = _post(url, json.dumps(body).encode()).json()["result"]
        assert answer["protocolVersion"] == answered
