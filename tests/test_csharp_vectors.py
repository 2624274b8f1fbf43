"""Shared vectors: the compiled script.csx and the Python reference must answer identically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.customcode import AUTH_HEADER_KEYS, poll_added
from generator.devtools.csharp import CompiledScript, ScriptSession, compile_source
from generator.devtools.csharp.reference import (
    ROLES,
    ScriptContext,
    context_from_script,
    reference_run,
)
from generator.devtools.csharp.vectors import (
    Outcome,
    Vector,
    VectorError,
    applies,
    load_file,
    load_vectors,
    run_folder,
    run_vectors,
)
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.parse import default_description, parse_description
from generator.render.properties import script_context
from generator.render.script import script_text
from tests.conftest import DATA, GOLDEN
from tests.test_csharp_engine import toolchain_or_skip

VECTORS = DATA / "vectors"
GOLDEN_SCRIPT = (GOLDEN / "script.csx").read_text(encoding="utf-8")
ALL_VECTORS = load_vectors(VECTORS)


def golden_context() -> ScriptContext:
    context = context_from_script(GOLDEN_SCRIPT)
    assert context is not None
    return context


def full_values() -> dict[str, Any]:
    """The shipped description's template values with every feature of the template on.

    Until connector/ is regenerated with polling triggers and the guest-space rewrite, this
    is the only script that has them; afterwards it equals the golden one.
    """
    values = dict(script_context(parse_description(default_description())))
    values.setdefault("guest_space_parameter", "guestSpaceId")
    values.setdefault("polling_operations", FULL_POLLING)
    return values


FULL_POLLING = [
    {"operation": "OnRecordsAdded", "kind": "added"},
    {"operation": "OnRecordsUpdated", "kind": "updated"},
    {"operation": "OnRecordStatusChanged", "kind": "status"},
]


def full_text() -> str:
    return script_text(full_values())


@pytest.fixture(scope="module")
def full() -> tuple[CompiledScript, ScriptContext]:
    toolchain_or_skip()
    values = full_values()
    text = full_text()
    result = compile_source(text)
    assert result.ok and result.warnings == (), [d.render() for d in result.diagnostics]
    context = context_from_script(text)
    assert context == ScriptContext.from_template_values(values)
    return result.script(), context


@pytest.fixture(scope="module")
def session(full: tuple[CompiledScript, ScriptContext]) -> Iterator[ScriptSession]:
    with full[0].session() as running:
        yield running


@pytest.fixture(scope="module")
def outcomes(
    session: ScriptSession, full: tuple[CompiledScript, ScriptContext]
) -> dict[str, Outcome]:
    """Every vector run once on both sides (one mono process for the whole module)."""
    return {o.vector.name: o for o in run_vectors(session, full[1], ALL_VECTORS)}


# ---- The vectors themselves -------------------------------------------------------------


def test_golden_script_context_is_the_rendered_one() -> None:
    values = script_context(parse_description(default_description()))
    assert golden_context() == ScriptContext.from_template_values(values)


def test_context_survives_a_render_with_unusual_names() -> None:
    values = {
        "record_schema_operation": 'Get"Schema\\',
        "app_picker_operation": "Pick ä",
        "fields_path": "/k/v1/app/form/fields.json",
        "webhook_operations": ["Hook ä", "Hook 2"],
        "remove_webhook_path": "/k/integration/v1/preview/app/webhook.json",
        "indexed_array_operations": [{"operation": "Two", "parameters": ["ids", "co,des"]}],
        "guest_space_parameter": "space id",
        "polling_operations": [
            {"operation": "Poll ö", "kind": "updated"},
            {"operation": "Poll 2", "kind": "added"},
            {"operation": "Poll 3", "kind": "status"},
        ],
        "auth_headers": {k: f"X-{k} ä" for k in AUTH_HEADER_KEYS},
        "bulk_operations": [
            {"operation": "Bulk ü", "kind": "request"},
            {"operation": 'Add "2000"', "kind": "add"},
            {"operation": "Up", "kind": "update"},
            {"operation": "Del", "kind": "delete"},
        ],
    }
    text = script_text(values)
    assert context_from_script(text) == ScriptContext.from_template_values(values)


def test_scripts_not_generated_by_us_have_no_context() -> None:
    assert context_from_script((DATA / "scripts" / "misbehaving.csx").read_text()) is None


def test_every_vector_applies_to_the_full_script(
    full: tuple[CompiledScript, ScriptContext],
) -> None:
    assert len(ALL_VECTORS) >= 80
    assert [v.name for v in ALL_VECTORS if not applies(v, full[1])] == []


def test_vectors_cover_every_custom_code_operation(
    full: tuple[CompiledScript, ScriptContext],
) -> None:
    context = full[1]
    covered = {v.operation_id for v in ALL_VECTORS}
    expected = {context.record_schema_operation, *context.webhook_operations}
    expected |= {op for op, _ in (*context.indexed_arrays, *context.polling_operations)}
    assert expected <= covered
    assert {v.role for v in ALL_VECTORS} == set(ROLES)


def test_vector_names_are_unique() -> None:
    names = [v.name for v in ALL_VECTORS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"role": "other", "cases": []}, "role must be one of"),
        ({"role": "forward", "cases": [{"name": "x"}]}, "x: KeyError: 'request'"),
        (
            {
                "role": "forward",
                "cases": [{"name": "y", "request": {"url": "u", "body": "", "body_json": 1}}],
            },
            "give one of",
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


# ---- Parity ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [v.name for v in ALL_VECTORS])
def test_csharp_matches_python(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = outcomes[name]
    assert outcome.problems == ()
    assert outcome.csharp.response is not None
    assert outcome.csharp.elapsed_ms < 5000


def test_committed_connector_matches_python() -> None:
    """connector/script.csx as shipped: every vector for what it handles agrees."""
    toolchain_or_skip()
    outcomes, skipped = run_folder(
        compile_source(GOLDEN_SCRIPT).script(), golden_context(), VECTORS
    )
    assert {o.vector.name: o.problems for o in outcomes if o.problems} == {}
    missing = {v.role for v in ALL_VECTORS if not applies(v, golden_context())}
    assert skipped == 0 or missing <= {"poll_added", "poll_updated", "poll_status"}


def test_reference_runs_out_of_canned_answers_like_the_host() -> None:
    request = HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json")
    run = reference_run(golden_context(), "ListApps", request, [])
    assert (run.response, run.error_type) == (None, "System.InvalidOperationException")


GUEST = "guestSpaceId"


def test_reference_rewrites_guest_spaces_before_dispatching() -> None:
    context = replace(golden_context(), guest_space_parameter=GUEST)
    request = HttpRequest("GET", f"https://h.cybozu.com/k/v1/apps.json?{GUEST}=3&ids=1")
    run = reference_run(context, "ListApps", request, [HttpResponse(200)])
    assert [r.url for r in run.sent] == ["https://h.cybozu.com/k/guest/3/v1/apps.json?ids=1"]


def test_reference_polls_through_customcode() -> None:
    context = replace(
        golden_context(),
        polling_operations=(("OnRecordsAdded", "poll_added"),),
        guest_space_parameter=GUEST,
    )
    url = f"https://h.cybozu.com/k/v1/records.json?app=5&{GUEST}=3"
    request = HttpRequest("GET", url, (("X-Cybozu-API-Token", "t"),))
    newest = b'{"records":[{"$id":{"type":"__ID__","value":"41"}}]}'
    run = reference_run(context, "OnRecordsAdded", request, [HttpResponse(200, (), newest)])
    expected = poll_added(url, lambda method, target: (200, newest), GUEST)
    assert run.response == HttpResponse(expected.status, tuple(expected.headers.items()))
    [sent] = run.sent
    assert sent.url.startswith("https://h.cybozu.com/k/guest/3/v1/records.json?app=5&query=")
    assert sent.header("X-Cybozu-API-Token") == "t"


def test_reference_polling_passes_kintone_errors_through() -> None:
    context = replace(golden_context(), polling_operations=(("OnRecordsAdded", "poll_added"),))
    error = HttpResponse(403, (("Content-Type", "application/json"),), b'{"code":"CB_NO02"}')
    request = HttpRequest("GET", "https://h.cybozu.com/k/v1/records.json?app=5")
    assert reference_run(context, "OnRecordsAdded", request, [error]).response == error


def test_a_failure_on_both_sides_is_a_match(
    session: ScriptSession, full: tuple[CompiledScript, ScriptContext]
) -> None:
    vector = Vector(
        "inline/no answer",
        "forward",
        "ListApps",
        HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json"),
        (),
        {},
    )
    [outcome] = run_vectors(session, full[1], [vector])
    assert outcome.problems == ()


# ---- A script that drifts from the reference is caught -----------------------------------


@pytest.mark.parametrize(
    ("original", "changed", "vector", "problem"),
    [
        (
            "upstream.StatusCode = HttpStatusCode.Created;",
            "upstream.StatusCode = HttpStatusCode.OK;",
            "subscribe/record added: string id",
            "status: C# 200, Python 201",
        ),
        (
            "|| c == '-' || c == '.' || c == '_' || c == '~';",
            "|| c == '-' || c == '.' || c == '_';",
            "subscribe/comment added: reserved characters and non-ASCII are percent-encoded",
            "Location: C# ",
        ),
        (
            '{ "DATE", new[] { "string", "date", "A date as YYYY-MM-DD." } },',
            '{ "DATE", new[] { "string", "", "A date as YYYY-MM-DD." } },',
            "record_schema/all 28 field types, add",
            "body: first difference at byte",
        ),
        (
            'pairs.Add(name + "%5B" + index + "%5D=" + item);',
            'pairs.Add(name + "[" + index + "]=" + item);',
            "indexed/comma list",
            "request 1 url: C# ",
        ),
        (
            'private const string PollRetrySeconds = "60";',
            'private const string PollRetrySeconds = "30";',
            "poll_added/first call starts at the newest record",
            "Retry-After: C# '30', Python '60'",
        ),
    ],
)
def test_drift_from_the_reference_is_reported(
    full: tuple[CompiledScript, ScriptContext],
    original: str,
    changed: str,
    vector: str,
    problem: str,
) -> None:
    text = full_text()
    assert original in text
    drifted = compile_source(text.replace(original, changed)).script()
    found, skipped = run_folder(drifted, full[1], VECTORS)
    problems = {o.vector.name: o.problems for o in found}
    assert skipped == 0
    assert any(p.startswith(problem) for p in problems[vector]), problems[vector]


def test_unmet_expectations_are_reported_for_each_side(
    session: ScriptSession, full: tuple[CompiledScript, ScriptContext]
) -> None:
    vector = Vector(
        "inline/expect",
        "forward",
        "ListApps",
        HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json"),
        (HttpResponse(200, (), b"{}"),),
        {"status": 201, "headers": {"Location": "x"}, "sent_urls": []},
    )
    [outcome] = run_vectors(session, full[1], [vector])
    assert outcome.problems == (
        "C#: status 200, expected 201",
        "C#: Location None, expected 'x'",
        "C#: sent ['https://h.cybozu.com/k/v1/apps.json'], expected []",
        "Python: status 200, expected 201",
        "Python: Location None, expected 'x'",
        "Python: sent ['https://h.cybozu.com/k/v1/apps.json'], expected []",
    )
