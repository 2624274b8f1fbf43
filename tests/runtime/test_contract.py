"""Contract: requests generated from the connector's own definition never break the stand-in.

Hypothesis builds inputs from each operation's Swagger parameters; whatever they are, the
stand-in must answer like kintone: a success, or an error with kintone's {code, id, message}
body, and never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.requests import FileInput, InputError
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from tests.conftest import GOLDEN
from tests.support.standin import SessionCA, https_standin

PACKAGE = ConnectorPackage.load(GOLDEN)
TOKENS = "deals-full,customers-full,invoices-full"
IDS = st.sampled_from(["1", "2", "3", "4", "999", "0", "-1", "abc", ""])
TEXT = st.one_of(IDS, st.text(max_size=12))
FIELD_VALUES = st.one_of(TEXT, st.integers(-10, 10**6), st.lists(TEXT, max_size=2))


def _schema_strategy(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    schema = PACKAGE.resolve(schema)
    if not isinstance(schema, Mapping) or depth > 4:
        return st.none()
    if "x-ms-dynamic-schema" in schema:
        codes = st.sampled_from(["Title", "Amount", "Priority", "Items", "Nope", "$id"])
        return st.dictionaries(codes, st.fixed_dictionaries({"value": FIELD_VALUES}), max_size=3)
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    kind = schema.get("type")
    if kind == "object":
        return _object_strategy(schema, depth)
    if kind == "array":
        return st.lists(_schema_strategy(schema.get("items", {}), depth + 1), max_size=3)
    return {
        "integer": st.integers(-5, 600),
        "number": st.integers(-5, 10**6),
        "boolean": st.booleans(),
    }.get(str(kind), TEXT)


def _object_strategy(schema: Mapping[str, Any], depth: int) -> st.SearchStrategy[Any]:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    fields = {
        k: _schema_strategy(v, depth + 1)
        for k, v in properties.items()
        if PACKAGE.resolve(v).get("x-ms-visibility") != "internal"
    }
    return st.fixed_dictionaries(
        {k: v for k, v in fields.items() if k in required},
        optional={k: v for k, v in fields.items() if k not in required},
    )


def _inputs(operation_id: str) -> st.SearchStrategy[tuple[dict[str, Any], Any]]:
    spec = PACKAGE.operation(operation_id)
    params: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    body: st.SearchStrategy[Any] = st.none()
    for param in PACKAGE.parameters(spec):
        name = str(param["name"])
        if param["in"] == "body":
            body = _schema_strategy(param.get("schema"))
        elif param.get("x-ms-visibility") == "internal":
            continue
        else:
            strategy = (
                st.builds(FileInput, st.text(min_size=1, max_size=8), st.binary(max_size=64))
                if param.get("type") == "file"
                else _schema_strategy(param)
            )
            (params if param.get("required") else optional)[name] = strategy
    return st.tuples(st.fixed_dictionaries(params, optional=optional), body)


@pytest.fixture(scope="module")
def runtime(
    standin_certificates: SessionCA, script_engine: CompiledScriptEngine
) -> Iterator[ConnectorRuntime]:
    with https_standin(standin_certificates) as kintone:
        connection = {"domain": kintone.domain, "api_key": TOKENS}
        transport = trusting_transport(kintone.ca_file)
        yield ConnectorRuntime(PACKAGE, connection, script=script_engine, transport=transport)


# The MCP operation answers JSON-RPC, not kintone: tests/mcp_clients checks it with the SDKs.
ACTIONS = sorted(
    op
    for op, spec in PACKAGE.operations.items()
    if not spec.is_trigger and "x-ms-agentic-protocol" not in spec.operation
)


@pytest.mark.parametrize("operation_id", ACTIONS)
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_requests_get_kintone_shaped_answers(
    runtime: ConnectorRuntime, operation_id: str, data: st.DataObject
) -> None:
    params, body = data.draw(_inputs(operation_id))
    try:
        result = runtime.call(operation_id, params, body)
    except InputError:
        return  # the platform would not send it either
    status, answer = result.response.status, result.body
    assert status != 500, result.response.body[:300]
    if status >= 400 and isinstance(answer, dict) and isinstance(answer.get("results"), list):
        # A failed bulkRequest: kintone's error at the failing index, {} at the others.
        answer = next((r for r in answer["results"] if r), None)
    if status >= 400:
        assert isinstance(answer, dict) and {"code", "id", "message"} <= set(answer), answer
