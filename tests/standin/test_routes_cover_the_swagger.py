"""Every path of the connector's swagger reaches a stand-in route, as kintone would answer it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from generator.devtools.csharp.vectors import load_vectors
from generator.devtools.standin import routes
from generator.parse import default_description, parse_description
from tests.conftest import GOLDEN

SWAGGER = json.loads((GOLDEN / "apiDefinition.swagger.json").read_text(encoding="utf-8"))
ROLES = {op.id: op.script.kind for op in parse_description(default_description()).all_operations}
# The script answers these itself and calls other kintone APIs (form fields, records, bulkRequest).
OWN_PATHS = {"record_schema", "poll_added", "poll_updated", "poll_status", "bulk_add"}
OWN_PATHS |= {"bulk_update", "bulk_delete", "app_picker", "mcp"}
OPERATIONS = [
    (method.upper(), path, operation["operationId"])
    for path, item in SWAGGER["paths"].items()
    for method, operation in item.items()
    if isinstance(operation, dict) and "operationId" in operation
]


def _sent_paths(operation_id: str) -> set[tuple[str, str]]:
    """The kintone calls the vectors expect the script to make for an operation."""
    return {
        (str(sent["method"]), urlsplit(str(sent["url"])).path)
        for vector in VECTORS
        if vector.operation_id == operation_id
        for sent in vector.expect.get("sent", [])
    }


VECTORS = load_vectors()


def test_the_swagger_has_every_operation_of_the_model() -> None:
    assert sorted(op for _, _, op in OPERATIONS) == sorted(ROLES)


# The MCP operation's kintone APIs are its tools' routes; tests/mcp_clients calls every tool
# against the stand-in through serve.
ROUTED = [item for item in OPERATIONS if ROLES[item[2]] != "mcp"]


@pytest.mark.parametrize(("method", "path", "operation_id"), ROUTED, ids=lambda v: str(v))
def test_swagger_path_resolves_to_a_stand_in_route(
    method: str, path: str, operation_id: str
) -> None:
    if ROLES[operation_id] in OWN_PATHS:
        calls = _sent_paths(operation_id)
        assert calls, f"{operation_id}: no vector shows which kintone APIs the script calls"
        targets = calls
    else:
        guest = path.replace("/k/v1/", "/k/guest/5/v1/").replace(
            "/k/integration/", "/k/guest/5/integration/"
        )
        targets = {(method, path), (method, guest)}
    for verb, target in sorted(targets):
        try:
            routes.resolve(verb, target)
        except Exception as exc:  # the stand-in's kintone error for an unknown API
            pytest.fail(f"{operation_id}: {verb} {target} has no stand-in route ({exc})")
