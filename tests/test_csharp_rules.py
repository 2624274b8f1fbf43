"""Static script.csx rules CODE-01…06 and the C# scanner under them (no compiler needed)."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest

from generator.validate import RULES, read_connector, validate_files
from generator.validate.csharp_source import scan
from generator.validate.rules.code import disallowed_namespace, dispatches
from tests.conftest import DATA, GOLDEN

SCRIPTS = DATA / "scripts"
CLEAN = DATA / "validate" / "clean"
CODE_RULES = sorted(r.id for r in RULES.values() if r.id.startswith("CODE-") and r.check)
HEADER = "public class Script : ScriptBase\n{\n"
EXECUTE = "    public override async Task<HttpResponseMessage> ExecuteAsync()\n    {\n"


def findings(
    script: str,
    operations: list[str] | None = None,
    swagger_ids: list[str] | None = None,
    rules: list[str] | None = None,
) -> list[str]:
    """Rendered findings of the CODE rules (or the given ones) for one script."""
    files: dict[str, bytes] = {"script.csx": script.encode("utf-8")}
    if operations is not None:
        properties = {"properties": {"scriptOperations": operations}}
        files["apiProperties.json"] = json.dumps(properties).encode()
    if swagger_ids is not None:
        files["apiDefinition.swagger.json"] = json.dumps(_swagger(swagger_ids)).encode()
    return [f.render() for f in validate_files(files, rules=rules or CODE_RULES)]


def _swagger(ids: list[str]) -> dict[str, Any]:
    paths = {f"/p{i}": {"get": {"operationId": op}} for i, op in enumerate(ids)}
    return {"swagger": "2.0", "paths": paths}


def script_file(name: str) -> str:
    return (SCRIPTS / name).read_text(encoding="utf-8")


def test_rules_are_registered_with_levels() -> None:
    levels = {rule_id: RULES[rule_id].level.value for rule_id in CODE_RULES}
    assert levels == {
        "CODE-01": "warning",
        "CODE-02": "warning",
        "CODE-03": "warning",
        "CODE-04": "error",
        "CODE-05": "warning",
        "CODE-06": "warning",
    }
    by_check_script = {
        r.id: r.level.value for r in RULES.values() if r.reported_by == "check-script"
    }
    assert by_check_script == {
        "CODE-10": "error",
        "CODE-11": "warning",
        "CODE-12": "error",
        "CODE-13": "warning",
    }


@pytest.mark.parametrize("folder", [GOLDEN, CLEAN], ids=["golden", "clean"])
def test_good_connectors_have_no_script_findings(folder: Any) -> None:
    files = read_connector(folder)
    assert [f.render() for f in validate_files(files, rules=CODE_RULES)] == []


# ---- The broken scripts ------------------------------------------------------------------


def test_unknown_namespace() -> None:
    assert findings(script_file("unknown_namespace.csx")) == [
        "warning CODE-01 script.csx#L6: 'using Contoso.Internal;': Contoso.Internal is not a "
        "namespace custom code may use; certification rejects the script"
    ]


def test_http_client_in_code_but_not_in_comments_or_strings() -> None:
    assert findings(script_file("http_client.csx")) == [
        "warning CODE-03 script.csx#L12: the script creates its own HttpClient; send requests "
        "with this.Context.SendAsync (Microsoft: own HttpClient instances may be blocked, and "
        "they bypass the connection's policies)"
    ]


def test_wrong_execute_signature() -> None:
    assert findings(script_file("wrong_signature.csx")) == [
        "error CODE-04 script.csx#L10: ExecuteAsync takes no parameters: 'public override "
        "async Task<HttpResponseMessage> ExecuteAsync(…)'; expected 'public override async "
        "Task<HttpResponseMessage> ExecuteAsync()'"
    ]


def test_missing_override_is_left_to_pkg_03() -> None:
    text = script_file("missing_override.csx")
    assert findings(text) == []
    assert findings(text, rules=["PKG-03"]) == [
        "error PKG-03 script.csx: no override of ExecuteAsync()"
    ]


@pytest.mark.parametrize("name", ["compile_error.csx", "allowed_namespaces.csx", "misbehaving.csx"])
def test_scripts_without_static_problems(name: str) -> None:
    assert findings(script_file(name)) == []


# ---- CODE-01 / CODE-02: namespaces ------------------------------------------------------


def test_using_directives_and_aliases() -> None:
    script = (
        "using System;\n"
        "using System.Reflection;\n"
        "using IO = System.IO;\n"
        "using Cfg = System.Configuration.ConfigurationManager;\n"
        "using static System.Math;\n"
        "using Microsoft.Win32;\n"
        "// using System.Data;\n"
        "using Newtonsoft.Json.Linq;\n"
        "global using System.Runtime.InteropServices;\n"
    )
    assert [line.split(":")[0] for line in findings(script)] == [
        "warning CODE-01 script.csx#L2",
        "warning CODE-02 script.csx#L4",
        "warning CODE-01 script.csx#L6",
        "warning CODE-01 script.csx#L9",
    ]


def test_qualified_names_in_code() -> None:
    script = (
        HEADER + EXECUTE + "        var a = System.Text.Encoding.UTF8;\n"
        "        var b = System.Globalization.CultureInfo.InvariantCulture;\n"
        '        var c = "System.Reflection.Assembly";\n'
        "        var d = global::System.Security.Principal.WindowsIdentity.GetCurrent();\n"
        "        var e = System.Security.Cryptography.SHA256.Create();\n"
        "        var f = System.Web.HttpUtility.UrlEncode(x);\n"
        "        var g = Microsoft.Extensions.Logging.LogLevel.Information;\n"
        "        var h = Microsoft.CSharp.RuntimeBinder.Binder.IsEvent(0, null, null);\n"
        "        return null;\n    }\n}\n"
    )
    assert findings(script) == [
        "warning CODE-02 script.csx#L12: 'Microsoft.CSharp.RuntimeBinder.Binder.IsEvent' uses "
        "the namespace Microsoft.CSharp, which custom code may not use",
        "warning CODE-02 script.csx#L6: 'System.Globalization.CultureInfo.InvariantCulture' uses "
        "the namespace System.Globalization, which custom code may not use",
        "warning CODE-02 script.csx#L8: 'System.Security.Principal.WindowsIdentity.GetCurrent' "
        "uses the namespace System.Security.Principal, which custom code may not use",
    ]


@pytest.mark.parametrize(
    ("name", "namespace"),
    [
        ("System.Text.Encoding.UTF8", None),
        ("System.Net.Http.Headers.MediaTypeHeaderValue", None),
        ("System.Linq.Expressions.Expression", "System.Linq.Expressions"),
        ("System.Collections.Concurrent.ConcurrentDictionary", "System.Collections.Concurrent"),
        ("System.Security.Cryptography.X509Certificates.X509Certificate2", None),
        ("System.Reflection", "System.Reflection"),
        ("System.Environment.NewLine", None),
        ("Microsoft.Extensions.Logging", None),
        ("Microsoft.Extensions.Http.HttpClientFactory", "Microsoft.Extensions"),
    ],
)
def test_disallowed_namespace(name: str, namespace: str | None) -> None:
    expected = namespace
    if name.startswith("System.Security.Cryptography.X509"):
        expected = "System.Security.Cryptography.X509Certificates"
    assert disallowed_namespace(name) == expected


# ---- CODE-03 / CODE-04 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "var c = new HttpClient();",
        "var c = new System.Net.Http.HttpClient(handler);",
        "var c = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };",
        "HttpClient c = new();",
    ],
)
def test_every_way_to_create_an_http_client(line: str) -> None:
    script = HEADER + EXECUTE + f"        {line}\n        return null;\n    }}\n}}\n"
    [finding] = findings(script)
    assert finding.startswith("warning CODE-03 script.csx#L5: ")


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ("public override async Task<HttpResponseMessage> ExecuteAsync()", None),
        (
            "public override Task<System.Net.Http.HttpResponseMessage> ExecuteAsync()",
            None,
        ),
        ("protected override async Task<HttpResponseMessage> ExecuteAsync()", "must be public"),
        ("public override async Task<string> ExecuteAsync()", "not Task<string>"),
        ("public override async Task ExecuteAsync()", "not Task"),
        ("public static override Task<HttpResponseMessage> ExecuteAsync()", "cannot be static"),
    ],
)
def test_execute_signatures(declaration: str, problem: str | None) -> None:
    script = HEADER + f"    {declaration}\n    {{\n        return null;\n    }}\n}}\n"
    found = findings(script, rules=["CODE-04"])
    if problem is None:
        assert found == []
    else:
        [finding] = found
        assert finding.startswith("error CODE-04 script.csx#L3: ") and problem in finding


# ---- CODE-05: dispatched operations -----------------------------------------------------

DISPATCH = (
    HEADER + EXECUTE + "        var op = this.Context.OperationId;\n"  # line 5
    "        switch (this.Context.OperationId)\n"
    "        {\n"
    '            case "A": break;\n'  # line 8
    '            case "D":\n'
    '                switch (kind) { case "NUMBER": break; }\n'
    "                break;\n"
    "        }\n"
    '        switch (kind) { case "TEXT": break; }\n'
    '        if (op == "B" || "C" != this.Context.OperationId) { }\n'  # line 14
    '        if (this.Context.OperationId.Equals("E")) { }\n'
    '        if (string.Equals(op, "F", StringComparison.Ordinal)) { }\n'
    '        var r = this.Context.OperationId switch { "G" => 1, _ => 2 };\n'
    '        // case "H":\n'
    '        var s = "OperationId == \\"I\\"";\n'
    '        if (kind == "J") { }\n'
    "        return null;\n    }\n}\n"
)


def test_dispatches_found_in_every_form() -> None:
    found = [(d.operation, scan(DISPATCH).line(d.offset)) for d in dispatches(scan(DISPATCH))]
    assert found == [
        ("A", 8),
        ("D", 9),
        ("B", 14),
        ("C", 14),
        ("E", 15),
        ("F", 16),
        ("G", 17),
    ]


def test_cases_not_in_script_operations_are_dead_code() -> None:
    assert findings(DISPATCH, ["A", "B", "C", "E", "F", "G"], rules=["CODE-05"]) == [
        "warning CODE-05 script.csx#L9: 'D' is dead code here: it is not in scriptOperations "
        "of apiProperties.json, so the script never runs for it"
    ]


def test_with_all_operations_routed_unknown_operation_ids_are_dead_code() -> None:
    result = findings(DISPATCH, [], list("ABCDEF"), rules=["CODE-05"])
    assert result == [
        "warning CODE-05 script.csx#L17: 'G' is dead code here: "
        "no swagger operation has this operationId"
    ]


def test_nothing_to_compare_without_properties_or_swagger() -> None:
    assert findings(DISPATCH, rules=["CODE-05"]) == []
    assert findings(DISPATCH, [], rules=["CODE-05"]) == []


def test_listed_operation_missing_from_swagger_is_left_to_ap_08() -> None:
    script = HEADER + EXECUTE + '        if (this.Context.OperationId == "A") { }\n    }\n}\n'
    result = findings(script, ["A", "Z"], ["A"], rules=[*CODE_RULES, "AP-08"])
    assert result == [
        "warning AP-08 apiProperties.json#/properties/scriptOperations/1: "
        "no swagger operation has the operationId 'Z'; it is unused"
    ]


# ---- CODE-06: headers the script consumes --------------------------------------------------


def _with_policy(operations: list[str], header: str, scope: list[str] | None = None) -> bytes:
    parameters: dict[str, Any] = {"x-ms-apimTemplateParameter.name": header}
    if scope is not None:
        parameters["x-ms-apimTemplate-operationName"] = scope
    policy = {"templateId": "setheader", "title": "t", "parameters": parameters}
    properties = {"scriptOperations": operations, "policyTemplateInstances": [policy]}
    return json.dumps({"properties": properties}).encode()


def _consumed(operations: list[str], header: str, scope: list[str] | None = None) -> list[str]:
    script = (
        HEADER + EXECUTE + '        var p = "X-Private-Password";\n        return null;\n    }\n}\n'
    )
    files = {
        "script.csx": script.encode(),
        "apiProperties.json": _with_policy(operations, header, scope),
        "apiDefinition.swagger.json": json.dumps(_swagger(["A", "B", "C"])).encode(),
    }
    return [f.render() for f in validate_files(files, rules=["CODE-06"])]


def test_operation_outside_script_operations_sends_a_private_header_raw() -> None:
    assert _consumed(["A", "C"], "x-private-password") == [
        "warning CODE-06 apiProperties.json#/properties/scriptOperations: 'B' is not in "
        "scriptOperations, but the script reads the header 'x-private-password' a setheader "
        "policy adds: that operation sends it to the backend as it is, without what the script "
        "builds from it"
    ]


def test_consumed_header_is_fine_when_every_reached_operation_runs_the_script() -> None:
    assert _consumed(["A", "B", "C"], "X-Private-Password") == []
    assert _consumed([], "X-Private-Password") == []  # empty: every operation
    assert _consumed(["A"], "X-Private-Password", ["A"]) == []  # the policy reaches A only
    assert _consumed(["A"], "X-Other") == []  # a header the script never names


def test_golden_connector_without_remove_webhook_in_script_operations_is_flagged() -> None:
    # The defect this rule was written for: RemoveWebhook sent the raw password headers.
    files = dict(read_connector(GOLDEN))
    document = json.loads(files["apiProperties.json"])
    document["properties"]["scriptOperations"].remove("RemoveWebhook")
    files["apiProperties.json"] = json.dumps(document).encode()
    result = [f.render() for f in validate_files(files, rules=["CODE-06"])]
    assert len(result) == 5 and all(
        "'RemoveWebhook' is not in scriptOperations" in f for f in result
    )


# ---- The scanner -------------------------------------------------------------------------


def test_scanner_blanks_comments_and_literals_but_keeps_lines() -> None:
    text = (
        "using System; // using Foo;\n"
        '/* "x" */ var s = "a\\"b{" + @"c""d" + $"x{(y ? "q" : "r")}z";\n'
        'var c = \'\\\'\' + \'"\'; var r = """raw "x" """;\n'
        'var v = @"multi\nline";\n'
        'case "Op1": return"x";\n'
    )
    source = scan(text)
    assert len(source.code) == len(text)
    assert source.code.count("\n") == text.count("\n")
    assert "Foo" not in source.code and "q" not in source.code and "raw" not in source.code
    assert sorted(source.strings.values()) == ["Op1", 'a"b{', 'c"d', "multi\nline", 'raw "x" ', "x"]
    assert [source.line(offset) for offset in sorted(source.strings)] == [2, 2, 3, 4, 6, 6]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r'"\u00e9\t\x41"', "é\tA"),
        (r'"\\"', "\\"),
        ('@"C:\\path"', "C:\\path"),
    ],
)
def test_scanner_decodes_escapes(literal: str, value: str) -> None:
    assert scan(f"var x = {literal};").strings == {8: value}


def test_any_text_scans_and_validates_without_errors() -> None:
    # Unterminated strings, comments and interpolations must neither raise nor hang.
    pieces = ['"', "'", "$", "@", "{", "}", "/", "*", "\\", "\n", " ", "case ", "switch (", "x"]
    pieces += ["OperationId", "using System.", "new HttpClient(", "override ExecuteAsync("]
    chooser = random.Random(7)
    for _ in range(300):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 60)))
        assert len(scan(text).code) == len(text)
        validate_files({"script.csx": text.encode()}, rules=CODE_RULES)


def test_a_one_megabyte_script_is_checked_quickly() -> None:
    text = (GOLDEN / "script.csx").read_text(encoding="utf-8") * 38
    started = time.perf_counter()
    validate_files({"script.csx": text.encode()}, rules=CODE_RULES)
    assert time.perf_counter() - started < 5


def test_the_platforms_own_namespace_is_allowed() -> None:
    # Certified connectors' scripts import the namespace ScriptBase lives in.
    script = (
        "using Microsoft.PowerPlatform.Connectors.CustomCode.CSharp;\n"
        + HEADER
        + EXECUTE
        + "    }\n}\n"
    )
    assert findings(script, ["A"], ["A"], rules=["CODE-01"]) == []
