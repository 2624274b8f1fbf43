"""Script.cs.j2 and the script context: the dispatch comes from the model's role table."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest

from generator.model import SCRIPT_KINDS
from generator.parse import default_description, parse_description
from generator.render.properties import SCRIPT_CALLS, script_context
from generator.render.script import script_text
from generator.validate.rules.code import ALLOWED_NAMESPACES
from tests.conftest import GOLDEN

CONNECTOR = parse_description(default_description())
CONTEXT = script_context(CONNECTOR)
CASE = re.compile(r'^\s*case (".*?"):\s*\n\s*return await this\.(\w+)\((.*?)\)\.', re.M)


def test_every_script_kind_but_forward_has_a_csharp_method() -> None:
    assert set(SCRIPT_CALLS) == set(SCRIPT_KINDS) - {"forward"}


def _dispatch(text: str) -> str:
    """ExecuteAsync's switch on the operation id (other switches, e.g. MCP methods, aside)."""
    start = text.index("switch (this.Context.OperationId)")
    return text[start : text.index("default:", start)]


def test_one_case_per_scripted_operation_in_model_order() -> None:
    cases = CASE.findall(_dispatch(script_text(CONTEXT)))
    expected = [op for op in CONNECTOR.all_operations if op.script.kind != "forward"]
    assert [json_id for json_id, _, _ in cases] == [f'"{op.id}"' for op in expected]
    for (_, method, _), op in zip(cases, expected, strict=True):
        assert method == SCRIPT_CALLS[op.script.kind][0], op.id


def test_indexed_arrays_and_bulk_kinds_are_the_arguments() -> None:
    calls = {
        name: arguments for name, _, arguments in CASE.findall(_dispatch(script_text(CONTEXT)))
    }
    for op in CONNECTOR.all_operations:
        if op.script.kind == "indexed":
            assert calls[f'"{op.id}"'] == ", ".join(f'"{a}"' for a in op.script.indexed_arrays)
        if op.script.kind in ("bulk_add", "bulk_update", "bulk_delete"):
            assert calls[f'"{op.id}"'] == f'"{op.script.kind.removeprefix("bulk_")}"'


def test_the_template_has_no_operation_names_of_its_own() -> None:
    from generator.render.environment import templates_dir

    source = (templates_dir() / "script" / "Script.cs.j2").read_text(encoding="utf-8")
    for op in CONNECTOR.all_operations:
        assert f'"{op.id}"' not in source
    assert "Async" not in source.split("switch", 1)[1].split("default:", 1)[0]


def test_the_golden_script_is_the_rendered_one() -> None:
    assert (GOLDEN / "script.csx").read_text(encoding="utf-8") == script_text(CONTEXT)


def test_constants_are_json_string_literals() -> None:
    context: dict[str, Any] = {
        **CONTEXT,
        "fields_path": '/k/"v1"\\fields.json',
        "guest_space_parameter": "guest\u00e9",
        "cases": [{"operation": 'Get"Schema\\', "method": "GetRecordSchemaAsync", "arguments": []}],
    }
    text = script_text(context)
    assert 'private const string FieldsPath = "/k/\\"v1\\"\\\\fields.json";' in text
    assert 'private const string GuestSpaceParameter = "guest\u00e9";' in text
    assert 'case "Get\\"Schema\\\\":' in text


@pytest.mark.parametrize("name", sorted(CONTEXT))
def test_every_context_value_is_required(name: str) -> None:
    context = {k: v for k, v in CONTEXT.items() if k != name}
    # |tojson hands StrictUndefined to json.dumps, which raises TypeError, not UndefinedError.
    with pytest.raises((jinja2.UndefinedError, TypeError)):
        script_text(context)


def test_auth_header_names_come_from_the_model() -> None:
    text = script_text(CONTEXT)
    for key, header in CONNECTOR.custom_code.auth_headers.items():
        constant = "".join(part.title() for part in key.split("_")) + "Header"
        assert f'private const string {constant} = "{header}";' in text


def test_authentication_and_guest_rewrite_run_before_the_dispatch() -> None:
    body = script_text(CONTEXT).split("ExecuteAsync()", 1)[1]
    assert (
        body.index("NormalizeAuth(request);") < body.index("GuestRewrite(") < body.index("switch")
    )


def test_script_uses_only_allowed_namespaces_and_stays_small() -> None:
    text = script_text(CONTEXT)
    usings = re.findall(r"^using ([\w.]+);", text, re.M)
    assert usings and set(usings) <= ALLOWED_NAMESPACES
    assert "new HttpClient" not in text
    assert len(text.encode("utf-8")) < 1_000_000
    assert text.count("class Script : ScriptBase") == 1
    assert "public override async Task<HttpResponseMessage> ExecuteAsync()" in text
