"""The shared vectors, run in the compiled connector/script.csx: the custom code's behaviour."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from generator.devtools.csharp import ScriptSession, compile_source
from generator.devtools.csharp.vectors import (
    VECTORS,
    Vector,
    VectorError,
    applies,
    load_file,
    load_vectors,
    run_folder,
    run_vectors,
)
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.model import SCRIPT_KINDS, ScriptKind
from generator.parse import default_description, parse_description
from tests.conftest import GOLDEN
from tests.support.toolchain import toolchain_or_skip

ALL_VECTORS = load_vectors()
CONNECTOR = parse_description(default_description())
ROLES: dict[str, ScriptKind] = {op.id: op.script.kind for op in CONNECTOR.all_operations}
GOLDEN_SCRIPT = (GOLDEN / "script.csx").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outcomes(script_session: ScriptSession) -> dict[str, tuple[str, ...]]:
    """Every vector run once in the session's script host."""
    return {o.vector.name: o.problems for o in run_vectors(script_session, ALL_VECTORS)}


@pytest.mark.parametrize("name", [v.name for v in ALL_VECTORS])
def test_vector(outcomes: dict[str, tuple[str, ...]], name: str) -> None:
    assert outcomes[name] == ()


def test_vectors_ship_inside_the_package() -> None:
    assert VECTORS.parent.name == "csharp" and VECTORS.parent.parent.name == "devtools"
    assert len(list(VECTORS.glob("*.json"))) > 0


def test_every_vector_is_for_its_operations_role_in_the_model() -> None:
    assert [v.name for v in ALL_VECTORS if not applies(v, ROLES)] == []


def test_vectors_cover_every_script_kind_and_every_scripted_operation() -> None:
    assert {v.role for v in ALL_VECTORS} == set(SCRIPT_KINDS)
    scripted = {op for op, kind in ROLES.items() if kind != "forward"}
    missing = scripted - {v.operation_id for v in ALL_VECTORS}
    assert missing == set(), f"no vector for the scripted operations {sorted(missing)}"


def test_vector_names_are_unique() -> None:
    repeated = [name for name, n in Counter(v.name for v in ALL_VECTORS).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"cases": []}, "KeyError: 'role'"),
        ({"role": "nope", "cases": []}, "role must be one of forward, record_schema"),
        ({"role": "forward", "cases": [{"name": "n"}]}, "bad/n: KeyError: 'request'"),
        (
            {
                "role": "forward",
                "cases": [{"name": "n", "request": {"url": "u"}, "upstream": [], "expect": {}}],
            },
            "expect must give 'sent' and 'status'",
        ),
        (
            {
                "role": "forward",
                "cases": [
                    {"name": "n", "request": {"url": "u", "body": "a", "body_json": 1}},
                ],
            },
            "give one of body, body_json, body_base64, body_file, not body, body_json",
        ),
    ],
)
def test_malformed_vector_files_name_the_problem(
    tmp_path: Path, case: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    with pytest.raises(VectorError, match=message):
        load_file(path)


def test_a_folder_without_vectors_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(VectorError, match="no test vectors"):
        load_vectors(tmp_path)


# ---- A script that drifts is caught -------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "changed", "vector", "problem"),
    [
        (
            "upstream.StatusCode = HttpStatusCode.Created;",
            "upstream.StatusCode = HttpStatusCode.OK;",
            "subscribe/record added: string id",
            "status 200, expected 201",
        ),
        (
            "|| c == '-' || c == '.' || c == '_' || c == '~';",
            "|| c == '-' || c == '.' || c == '_';",
            "subscribe/comment added: reserved characters and non-ASCII are percent-encoded",
            "Location ",
        ),
        (
            '{ "DATE", new[] { "string", "date", "A date as YYYY-MM-DD." } },',
            '{ "DATE", new[] { "string", "", "A date as YYYY-MM-DD." } },',
            "record_schema/all 28 field types, add",
            "body: ",
        ),
        (
            'pairs.Add(name + "%5B" + index + "%5D=" + item);',
            'pairs.Add(name + "[" + index + "]=" + item);',
            "indexed/comma list",
            "request 1 url: ",
        ),
        (
            'private const string PollRetrySeconds = "60";',
            'private const string PollRetrySeconds = "30";',
            "poll_added/first call starts at the newest record",
            "Retry-After '30', expected '60'",
        ),
    ],
)
def test_drift_in_the_script_is_reported(
    original: str, changed: str, vector: str, problem: str
) -> None:
    toolchain_or_skip()
    assert original in GOLDEN_SCRIPT
    drifted = compile_source(GOLDEN_SCRIPT.replace(original, changed)).script()
    found, skipped = run_folder(drifted, ROLES)
    problems = {o.vector.name: o.problems for o in found}
    assert skipped == 0
    assert any(p.startswith(problem) for p in problems[vector]), problems[vector]


def test_unmet_expectations_are_each_reported(script_session: ScriptSession) -> None:
    vector = Vector(
        "inline/expect",
        "forward",
        "ListApps",
        HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json"),
        (HttpResponse(200, (), b"{}"),),
        {"status": 201, "headers": {"Location": "x"}, "body_json": [], "sent": []},
    )
    [outcome] = run_vectors(script_session, [vector])
    assert outcome.problems == (
        "status 200, expected 201",
        "Location None, expected 'x'",
        "body: first difference at byte 0 (2 bytes, expected 2): …b'{}'… expected …b'[]'…",
        "sent 1 requests ['https://h.cybozu.com/k/v1/apps.json'], expected 0",
    )


def test_an_expected_failure_is_met_by_the_same_failure(script_session: ScriptSession) -> None:
    vector = Vector(
        "inline/no answer",
        "forward",
        "ListApps",
        HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json"),
        (),
        {
            "error": "System.InvalidOperationException",
            "sent": [
                {"method": "GET", "url": "https://h.cybozu.com/k/v1/apps.json", "headers": []}
            ],
        },
    )
    [outcome] = run_vectors(script_session, [vector])
    assert outcome.problems == ()
