"""Long GETs as Cybozu's client sends them: past 4,096 characters, POST + X-HTTP-Method-Override.

@kintone/rest-api-client (packages/rest-api-client/src/KintoneRequestConfigBuilder.ts) sends a
GET whose URL exceeds 4,096 characters as a POST with `X-HTTP-Method-Override: GET` and the
parameters as a JSON body; kintone refuses request URIs over 8 KB ("Request URI Too Large",
kintone.dev "Kintone REST API Overview"), which the stand-in reproduces.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from click.testing import CliRunner

from generator.cli import main
from generator.devtools.csharp import compile_script
from generator.devtools.gateway import GatewayServer
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.gateway.test_serve import fetch
from tests.support.calls import TOKENS
from tests.support.toolchain import toolchain_or_skip as require_toolchain

FIELDS = ["$id", "Title", "Amount", "Priority", "Deal_code", "Customer_ID", "Created_by"]
FIELDS += [f"Unknown_{n}" for n in range(40)]  # many fields: the stand-in ignores unknown codes


def long_query(length: int = 10_000) -> str:
    """A valid query of ``length`` characters that matches every record with a title."""
    words: list[str] = []
    while len(_query([*words, f'"no such title {len(words):05d}"'])) <= length:
        words.append(f'"no such title {len(words):05d}"')
    query = _query(words)
    return query + " " * (length - len(query))


def _query(words: list[str]) -> str:
    return f"Title not in ({', '.join(words)}) order by $id asc"


def _standin_get(kintone: StandIn, target: str, **headers: str) -> tuple[int, Any]:
    request = urllib.request.Request(kintone.url + target, headers=headers)
    context = kintone.client_context()
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_stand_in_refuses_a_request_uri_over_8_kb_like_kintone(kintone: StandIn) -> None:
    query = urllib.parse.quote(long_query(9_000))
    status, body = _standin_get(
        kintone, f"/k/v1/records.json?app=2&query={query}", **{"X-Cybozu-API-Token": TOKENS}
    )
    assert status == 414
    assert set(body) == {"code", "id", "message"} and "Request URI Too Large" in body["message"]
    status, _ = _standin_get(kintone, "/k/v1/records.json?app=2", **{"X-Cybozu-API-Token": TOKENS})
    assert status == 200


def test_the_compiled_script_sends_a_long_get_as_cybozus_client_does() -> None:
    require_toolchain()
    script = compile_script(GOLDEN).script()
    query = long_query()
    fields = "&".join(f"fields={urllib.parse.quote(code)}" for code in FIELDS)
    url = f"https://example.cybozu.com/k/v1/records.json?app=2&query={urllib.parse.quote(query)}"
    url += f"&{fields}&totalCount=true"
    headers = (("X-Cybozu-API-Token", "t"),)
    run = script.run("GetRecords", HttpRequest("GET", url, headers), [HttpResponse(200)])
    [sent] = run.sent
    assert (sent.method, sent.url) == ("POST", "https://example.cybozu.com/k/v1/records.json")
    assert sent.header("X-HTTP-Method-Override") == "GET"
    assert sent.header("X-Cybozu-API-Token") == "t"
    assert (sent.header("Content-Type") or "").startswith("application/json")
    assert json.loads(sent.body) == {
        "app": "2",
        "query": query,
        "fields": FIELDS,
        "totalCount": True,
    }
    short = "https://example.cybozu.com/k/v1/records.json?app=2&query=limit%201"
    run = script.run("GetRecords", HttpRequest("GET", short, headers), [HttpResponse(200)])
    assert [(r.method, r.url, r.body) for r in run.sent] == [("GET", short, b"")]


def test_get_records_with_a_10000_character_query_through_serve(gateway: GatewayServer) -> None:
    query = long_query()
    assert len(query) == 10_000
    params = [("app", "2"), ("query", query), ("fields", ",".join(FIELDS)), ("totalCount", "true")]
    target = gateway.url + "/k/v1/records.json?" + urllib.parse.urlencode(params)
    status, _, body = fetch("GET", target)
    assert status == 200, body
    answer = json.loads(body)
    assert answer["records"] and int(answer["totalCount"]) == len(answer["records"])
    assert {"$id", "Title"} <= set(answer["records"][0])


def test_get_records_with_a_10000_character_query_through_call(kintone: StandIn) -> None:
    require_toolchain()
    arguments = ["call", "GetRecords", "--package", str(GOLDEN)]
    arguments += ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    arguments += ["--api-token", TOKENS, "--param", "app=2", "--param", f"query={long_query()}"]
    arguments += ["--param", f"fields={','.join(FIELDS)}"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["records"]
