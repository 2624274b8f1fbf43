"""CODE-xx: the custom code script.csx.

CODE-01…06 are static checks run by ``validate``; CODE-10…13 are reported by ``check-script``
(it compiles the script with mono and runs it) and are listed here so that ``rules`` shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from generator.findings import Finding, Level, pointer
from generator.limits import MAX_OPERATION_ALIASES, MAX_SCRIPT_ANALYSED_BYTES
from generator.validate.context import Context
from generator.validate.csharp_source import (
    Source,
    execute_overrides,
    scan,
)
from generator.validate.reader import (
    PROPERTIES,
    SCRIPT,
)
from generator.validate.rule import Change, Edit, Rule, reported_elsewhere, rule
from generator.validate.shapes import (
    JsonObject,
    as_list,
)

# Namespaces custom code may use (power-platform.md §3.6); the platform rejects others on upload.
ALLOWED_NAMESPACES = frozenset(
    {
        "System",
        "System.Collections",
        "System.Collections.Generic",
        "System.Diagnostics",
        "System.IO",
        "System.IO.Compression",
        "System.Linq",
        "System.Net",
        "System.Net.Http",
        "System.Net.Http.Headers",
        "System.Net.Security",
        "System.Security.Authentication",
        "System.Security.Cryptography",
        "System.Text",
        "System.Text.RegularExpressions",
        "System.Threading",
        "System.Threading.Tasks",
        "System.Web",
        "System.Xml",
        "System.Xml.Linq",
        "System.Drawing",
        "System.Drawing.Drawing2D",
        "System.Drawing.Imaging",
        "Microsoft.Extensions.Logging",
        "Newtonsoft.Json",
        "Newtonsoft.Json.Linq",
        # The platform's own namespace for ScriptBase; certified connectors' scripts import it.
        "Microsoft.PowerPlatform.Connectors.CustomCode",
        "Microsoft.PowerPlatform.Connectors.CustomCode.CSharp",
    }
)


# Well-known .NET namespaces outside that list, directly below System or an allowed namespace.
# A qualified name like System.Reflection.Assembly is only flagged when it enters one of these,
# since System.Text.Encoding.UTF8 and System.Reflection.Assembly look alike to a scanner.
KNOWN_OTHER_NAMESPACES = frozenset(
    f"System.{name}"
    for name in (
        "AddIn",
        "ArgIterator",
        "Buffers",
        "CodeDom",
        "ComponentModel",
        "Configuration",
        "Data",
        "Deployment",
        "Device",
        "DirectoryServices",
        "Dynamic",
        "EnterpriseServices",
        "Globalization",
        "IdentityModel",
        "Management",
        "Media",
        "Messaging",
        "Numerics",
        "Printing",
        "Reflection",
        "Resources",
        "Runtime",
        "Security",
        "ServiceModel",
        "ServiceProcess",
        "Speech",
        "Timers",
        "Transactions",
        "Windows",
        "Workflow",
        "Collections.Concurrent",
        "Collections.Immutable",
        "Collections.ObjectModel",
        "Collections.Specialized",
        "Diagnostics.CodeAnalysis",
        "Diagnostics.Contracts",
        "Diagnostics.Eventing",
        "Diagnostics.SymbolStore",
        "Diagnostics.Tracing",
        "IO.IsolatedStorage",
        "IO.MemoryMappedFiles",
        "IO.Packaging",
        "IO.Pipelines",
        "IO.Pipes",
        "IO.Ports",
        "Linq.Expressions",
        "Net.Cache",
        "Net.Http.Json",
        "Net.Mail",
        "Net.Mime",
        "Net.NetworkInformation",
        "Net.PeerToPeer",
        "Net.Quic",
        "Net.Sockets",
        "Net.WebSockets",
        "Security.AccessControl",
        "Security.Claims",
        "Security.Cryptography.Pkcs",
        "Security.Cryptography.X509Certificates",
        "Security.Cryptography.Xml",
        "Security.Permissions",
        "Security.Policy",
        "Security.Principal",
        "Text.Encodings",
        "Text.Json",
        "Text.Unicode",
        "Threading.Channels",
        "Threading.Tasks.Dataflow",
        "Threading.Tasks.Sources",
        "Web.Caching",
        "Web.Configuration",
        "Web.Hosting",
        "Web.Http",
        "Web.Mvc",
        "Web.Routing",
        "Web.Script",
        "Web.Security",
        "Web.Services",
        "Web.SessionState",
        "Web.UI",
        "Xml.Resolvers",
        "Xml.Schema",
        "Xml.Serialization",
        "Xml.XPath",
        "Xml.Xsl",
        "Drawing.Design",
        "Drawing.Printing",
        "Drawing.Text",
    )
)


_SWITCH = re.compile(r"\bswitch\s*\(")


_SWITCH_END = re.compile(r"[{};]")


# The subject starts where a name starts: trying every offset inside a long name was quadratic.
_SWITCH_EXPRESSION = re.compile(r"(?<![\w.])(?P<subject>[\w.]++)\s+switch\s*\{")


_CASE = re.compile(r'\bcase\s+(?=[$@]*")')


_LITERAL = re.compile(r'[$@]*(?:"{3,}[^"]*"{3,}|"[^"]*")')


_ARM = re.compile(r"\s*(?:when\b[^=]{0,1000})?=>")


_EQUALS_OPEN = re.compile(r"Equals\s*\(\s*$")


_ALIAS = re.compile(
    r"\b(?:var|string)\s+(\w+)\s*=\s*(?:this\s*\.\s*)?(?:Context\s*\.\s*)?OperationId\b"
)


def disallowed_namespace(name: str) -> str | None:
    """The namespace a dotted name enters that custom code may not use, or None."""
    segments = name.split(".")
    if segments[0] == "Microsoft":
        allowed = segments[:3] == ["Microsoft", "Extensions", "Logging"]
        return None if allowed else ".".join(segments[:2])
    longest = min(len(segments), _MOST_SEGMENTS)  # a name of 30,000 segments stays cheap
    known = max(i for i in range(1, longest + 1) if ".".join(segments[:i]) in _ALLOWED_OR_ROOT)
    if known == len(segments):
        return None
    for end in range(longest, known, -1):
        candidate = ".".join(segments[:end])
        if candidate in KNOWN_OTHER_NAMESPACES:
            return candidate
    return None


_ALLOWED_OR_ROOT = ALLOWED_NAMESPACES | {"System"}


_MOST_SEGMENTS = max(n.count(".") + 1 for n in ALLOWED_NAMESPACES | KNOWN_OTHER_NAMESPACES)


@dataclass(frozen=True)
class Dispatch:
    """An operation id the script tests for, and where."""

    operation: str
    offset: int


def dispatches(source: Source) -> list[Dispatch]:
    """Operation ids the script compares Context.OperationId with, in order of appearance."""
    subject = _operation_subject(source.code)
    found = [*_switch_labels(source, subject), *_switch_arms(source, subject)]
    found += _comparisons(source, subject)
    return sorted(set(found), key=lambda d: d.offset)


def _operation_subject(code: str) -> str:
    """Regex of an expression holding the operation id: …OperationId or a local copy of it."""
    names = sorted(set(_ALIAS.findall(code)))[:MAX_OPERATION_ALIASES]
    aliases = "".join(f"|{re.escape(a)}\\b" for a in names)
    return rf"(?<![\w.])(?:(?:\w+\s*\.\s*)*OperationId\b{aliases})"


def _switch_labels(source: Source, subject: str) -> Iterator[Dispatch]:
    bodies = {body for body, text in _switch_statements(source.code) if re.search(subject, text)}
    if not bodies:
        return
    cases = [case.end() for case in _CASE.finditer(source.code)]
    for offset, brace in zip(cases, source.enclosing_braces(cases), strict=True):
        value = source.string_at(offset)
        if value is not None and brace in bodies:
            yield Dispatch(value, offset)


def _switch_statements(code: str) -> Iterator[tuple[int, str]]:
    """(offset of the body's "{", subject text) of each ``switch (subject) {``, in linear time."""
    end: re.Match[str] | None = None
    for switch in _SWITCH.finditer(code):
        if end is None or end.start() < switch.end():  # one search per stretch of code
            end = _SWITCH_END.search(code, switch.end())
        if end is None:
            return
        head = code[switch.end() : end.start()].rstrip()
        if end.group() == "{" and head.endswith(")"):
            yield end.start(), head[:-1]


def _switch_arms(source: Source, subject: str) -> Iterator[Dispatch]:
    """Arms of a switch expression (C# 8): OperationId switch { "A" => …, }."""
    bodies = {
        switch.end() - 1
        for switch in _SWITCH_EXPRESSION.finditer(source.code)
        if re.fullmatch(subject, switch["subject"])
    }
    if not bodies:
        return
    offsets = source.string_offsets
    for offset, brace in zip(offsets, source.enclosing_braces(offsets), strict=True):
        if brace in bodies and _ARM.match(source.code, _literal_end(source.code, offset)):
            yield Dispatch(source.strings[offset], offset)


def _comparisons(source: Source, subject: str) -> Iterator[Dispatch]:
    """Literals in OperationId == "A", "A" != op, OperationId.Equals("A"), Equals(op, "A")."""
    before_subject = re.compile(
        rf"(?:{subject}\s*(?:[!=]=|\.\s*Equals\s*\()|Equals\s*\(\s*{subject}\s*,)\s*$"
    )
    after_subject = re.compile(rf"\s*(?:[!=]=|\.\s*Equals\s*\()\s*{subject}")
    second_argument = re.compile(rf"\s*,\s*{subject}")
    code = source.code
    if not re.search(subject, code):
        return
    for offset, value in source.strings.items():
        before = code[max(0, offset - 300) : offset]
        end = _literal_end(code, offset)
        # What each pattern needs next to the literal, checked first: the regexes cost a search
        # over the 300 characters before every literal.
        left, right = before.rstrip()[-1:], code[end : end + 300].lstrip()[:1]
        if not ((left and left in "=(,") or (right and right in "=!.,")):
            continue
        first_argument = _EQUALS_OPEN.search(before) and second_argument.match(code, end)
        if before_subject.search(before) or after_subject.match(code, end) or first_argument:
            yield Dispatch(value, offset)


def _literal_end(code: str, offset: int) -> int:
    literal = _LITERAL.match(code, offset)
    return literal.end() if literal else offset + 1


SOURCE = "D-CODE (power-platform.md §3.6)"


EXECUTE_SIGNATURE = "public override async Task<HttpResponseMessage> ExecuteAsync()"


# Names are dotted identifiers (white space only around the dots) and type arguments are bounded:
# a free-form name ran on to the next ";" from every line of a script of "using a" lines.
_USING = re.compile(
    r"^[ \t]*(?:global[ \t]+)?using[ \t]+(?P<static>static\s+)?(?:(?P<alias>\w+)\s*=\s*)?"
    r"(?P<name>\w++(?:\s*+\.\s*+\w++)*+)\s*+(?:<[^;]{0,1000}>)?\s*;",
    re.MULTILINE,
)


_QUALIFIED = re.compile(r"(?<![\w.])(?:global\s*::\s*)?((?:System|Microsoft)(?:\s*\.\s*\w+)+)")


_NEW_HTTP_CLIENT = re.compile(
    r"\bnew\s+(?:global\s*::\s*)?(?:System\s*\.\s*Net\s*\.\s*Http\s*\.\s*)?HttpClient\s*[({]"
    r"|\bHttpClient\s+\w+\s*=\s*new\s*\("
)


_HEADER_LOOKBACK = 1000  # characters before "override" searched for the start of a declaration


_MODIFIERS = frozenset(
    {"public", "protected", "internal", "private", "override", "async", "virtual", "sealed"}
    | {"new", "static", "extern", "unsafe"}
)


# CODE-01 to CODE-03 are certification rules: the platform compiles the script against the
# .NET Framework (PPC discussion #2922), so other namespaces and an own HttpClient work
# (PR#3478: "my code works as custom connector"); certification reviews reject them.
@rule(
    "CODE-01",
    Level.WARNING,
    "script.csx: using directives import only the allowed namespaces",
    SOURCE + "; PR#3478",
    example=(
        Edit("script.csx", "public class Script", "using Contoso.Internal;\npublic class Script"),
    ),
)
def using_directives(ctx: Context) -> Iterator[Finding]:
    """The platform compiles script.csx with a fixed list of namespaces; a using of another one
    does not compile there, and certification rejects it.
    """
    source = _source(ctx)
    if source is None:
        return
    for match in _USING.finditer(source.code):
        name = _dotted(match["name"])
        if match["static"] or match["alias"] or name in ALLOWED_NAMESPACES:
            continue  # static and alias targets are type names: CODE-02 checks them
        message = (
            f"'using {name};': {name} is not a namespace custom code may use; "
            "certification rejects the script"
        )
        yield ctx.report(SCRIPT, _where(source, match.start("name")), message)


@rule(
    "CODE-02",
    Level.WARNING,
    "script.csx: qualified names (System.X.Y, using aliases) stay in allowed namespaces",
    SOURCE + "; PR#3478",
    example=(
        Edit(
            "script.csx",
            "var properties = new JObject();",
            "var culture = System.Globalization.CultureInfo.InvariantCulture;\n"
            "        var properties = new JObject();",
        ),
    ),
)
def qualified_names(ctx: Context) -> Iterator[Finding]:
    """A fully qualified name or a using alias reaches a namespace as surely as a using
    directive does.
    """
    source = _source(ctx)
    if source is None:
        return
    plain_usings = {
        m.start("name") for m in _USING.finditer(source.code) if not (m["static"] or m["alias"])
    }
    for match in _QUALIFIED.finditer(source.code):
        if match.start(1) in plain_usings:
            continue  # CODE-01 reports namespace imports
        name = _dotted(match[1])
        namespace = disallowed_namespace(name)
        if namespace is not None:
            message = f"'{name}' uses the namespace {namespace}, which custom code may not use"
            yield ctx.report(SCRIPT, _where(source, match.start(1)), message)


@rule(
    "CODE-03",
    Level.WARNING,
    "script.csx: no new HttpClient; outgoing calls use Context.SendAsync",
    SOURCE,
    example=(
        Edit(
            "script.csx",
            "var properties = new JObject();",
            "var client = new HttpClient();\n        var properties = new JObject();",
        ),
    ),
)
def no_http_client(ctx: Context) -> Iterator[Finding]:
    """Custom code sends its requests through Context.SendAsync, which applies the connection's
    policies and auth; its own HttpClient bypasses them.
    """
    source = _source(ctx)
    if source is None:
        return
    for match in _NEW_HTTP_CLIENT.finditer(source.code):
        message = (
            "the script creates its own HttpClient; send requests with this.Context.SendAsync "
            "(Microsoft: own HttpClient instances may be blocked, and they bypass the "
            "connection's policies)"
        )
        yield ctx.report(SCRIPT, _where(source, match.start()), message)


@rule(
    "CODE-04",
    Level.ERROR,
    "script.csx: the ExecuteAsync override is public Task<HttpResponseMessage> ExecuteAsync()",
    SOURCE,
    "run time: any other signature does not override ScriptBase.ExecuteAsync; no compile",
    example=(Edit("script.csx", "ExecuteAsync()", "ExecuteAsync(int attempt)"),),
)
def execute_signature(ctx: Context) -> Iterator[Finding]:
    """The platform calls ScriptBase.ExecuteAsync(); only that exact signature overrides it."""
    source = _source(ctx)
    if source is None:
        return
    # PKG-03 reports a script without any override; this rule checks the overrides there are.
    for override_at, paren_at, parameters in execute_overrides(source.code):
        if parameters is None:
            continue
        header = _declaration_header(source.code, override_at, paren_at)
        problems = _signature_problems(header, parameters)
        if problems:
            found = " ".join(header.split())
            message = f"{'; '.join(problems)}: '{found}(…)'; expected '{EXECUTE_SIGNATURE}'"
            yield ctx.report(SCRIPT, _where(source, override_at), message)


def _declaration_header(code: str, override_at: int, paren_at: int) -> str:
    """The declaration text before "(": from the end of the previous member to the name."""
    window = max(0, override_at - _HEADER_LOOKBACK)
    start = max(max(code.rfind(char, window, override_at) for char in ";{}]") + 1, window)
    lines = code[start:paren_at].splitlines()
    # preprocessor lines (#region, #endregion, #if ...) are not part of the declaration
    return "\n".join(line for line in lines if not line.lstrip().startswith("#")).strip()


def _signature_problems(header: str, parameters: str) -> list[str]:
    words = header.replace("<", " < ").replace(">", " > ").split()
    modifiers = {w for w in words if w in _MODIFIERS}
    return_type = "".join(w for w in words[:-1] if w not in _MODIFIERS)
    for qualifier in ("global::", "System.Threading.Tasks.", "System.Net.Http."):
        return_type = return_type.replace(qualifier, "")
    problems = []
    if "public" not in modifiers:
        problems.append("ExecuteAsync must be public")
    if "static" in modifiers:
        problems.append("ExecuteAsync cannot be static")
    if return_type != "Task<HttpResponseMessage>":
        problems.append(f"ExecuteAsync must return Task<HttpResponseMessage>, not {return_type}")
    if parameters.strip():
        problems.append("ExecuteAsync takes no parameters")
    return problems


@rule(
    "CODE-05",
    Level.WARNING,
    "script.csx: operations it dispatches on are routed to it (scriptOperations, swagger)",
    "D-CODE; PPC tools/paconn-cli/README.md (our inference)",
    example=(Edit("script.csx", '"GetRecordSchema")', '"GetRecordSchemaV2")'),),
)
def dispatched_operations(ctx: Context) -> Iterator[Finding]:
    """The script runs only for the operations routed to it (scriptOperations); a branch for
    another operation is dead code.
    """
    source = _source(ctx)
    props = ctx.properties
    if source is None or props is None:
        return
    listed = [op for op in as_list(props.get("scriptOperations")) or [] if isinstance(op, str)]
    defined = _operation_ids(ctx)
    # An empty or missing list routes every operation through the script.
    for dispatch in dispatches(source):
        reason = _unreachable(dispatch.operation, listed, defined)
        if reason:
            message = f"'{dispatch.operation}' is dead code here: {reason}"
            yield ctx.report(SCRIPT, _where(source, dispatch.offset), message)


def _unreachable(operation: str, listed: list[str], defined: set[str] | None) -> str | None:
    if listed and operation not in listed:
        return (
            "it is not in scriptOperations of apiProperties.json, so the script never runs for it"
        )
    if defined is not None and operation not in defined:
        return "no swagger operation has this operationId"
    return None


def _operation_ids(ctx: Context) -> set[str] | None:
    swagger = ctx.swagger
    paths = swagger.get("paths") if swagger is not None else None
    if not isinstance(paths, dict):
        return None
    return {
        op["operationId"]
        for item in paths.values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict) and isinstance(op.get("operationId"), str)
    }


@rule(
    "CODE-06",
    Level.WARNING,
    "script.csx: every operation a setheader policy reaches runs the script that reads the header",
    "D-CODE; power-platform.md §3.6 (our inference: unscripted operations send the raw header)",
    example=(
        Change(
            PROPERTIES,
            "/properties/policyTemplateInstances/-",
            {
                "templateId": "setheader",
                "title": "Password header",
                "parameters": {
                    "x-ms-apimTemplateParameter.name": "X-Private-Password",
                    "x-ms-apimTemplateParameter.value": "@connectionParameters('api_key')",
                    "x-ms-apimTemplateParameter.existsAction": "override",
                    "x-ms-apimTemplate-parameterTrigger": "request",
                },
            },
        ),
        Edit(
            SCRIPT,
            "var properties = new JObject();",
            'var password = this.Context.Request.Headers.GetValues("X-Private-Password");\n'
            "        var properties = new JObject();",
        ),
    ),
)
def consumed_headers(ctx: Context) -> Iterator[Finding]:
    """A setheader policy adds a header for the script to read (a password, a token); an
    operation outside scriptOperations sends that header to the service as it is.
    """
    source = _source(ctx)
    props = ctx.properties
    defined = _operation_ids(ctx)
    if source is None or props is None or defined is None:
        return
    listed = [op for op in as_list(props.get("scriptOperations")) or [] if isinstance(op, str)]
    if not listed:
        return  # an empty or missing list routes every operation through the script
    literals = {value.lower() for value in source.strings.values()}
    for header, scope in _set_headers(props, defined):
        if header.lower() not in literals:
            continue
        for operation in sorted(scope - set(listed)):
            message = (
                f"'{operation}' is not in scriptOperations, but the script reads the header "
                f"'{header}' a setheader policy adds: that operation sends it to the backend "
                "as it is, without what the script builds from it"
            )
            yield ctx.report(PROPERTIES, pointer("properties", "scriptOperations"), message)


def _set_headers(props: JsonObject, defined: set[str]) -> Iterator[tuple[str, set[str]]]:
    """(header name, operation ids it reaches) of each setheader policy instance."""
    for policy in as_list(props.get("policyTemplateInstances")) or []:
        if not isinstance(policy, dict) or policy.get("templateId") != "setheader":
            continue
        parameters = policy.get("parameters")
        if not isinstance(parameters, dict):
            continue
        name = parameters.get("x-ms-apimTemplateParameter.name")
        scope = as_list(parameters.get("x-ms-apimTemplate-operationName"))
        if isinstance(name, str) and name:
            yield name, {op for op in scope if isinstance(op, str)} if scope else set(defined)


def _source(ctx: Context) -> Source | None:
    """The scanned script; None without one, or when PKG-03 already rejects it for its size."""
    if ctx.script is None or ctx.sizes.get(SCRIPT, 0) > MAX_SCRIPT_ANALYSED_BYTES:
        return None
    return _scanned(ctx.script)


@lru_cache(maxsize=4)
def _scanned(text: str) -> Source:
    """One scan per script for all five rules (a 1 MB script takes a while to lex)."""
    return scan(text)


def _where(source: Source, offset: int) -> str:
    """The finding pointer of a script line: L<line>, as in script.csx#L12."""
    return f"L{source.line(offset)}"


def _dotted(name: str) -> str:
    return re.sub(r"\s+", "", name)


# The smallest script the platform accepts, for the examples of check-script's rules.
_MINIMAL_SCRIPT = """using System.Net.Http;
using System.Threading.Tasks;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        BODY
    }
}
"""


def _script(body: str) -> Change:
    """The whole script.csx: the minimal script with ``body`` in ExecuteAsync."""
    return Change(SCRIPT, None, _MINIMAL_SCRIPT.replace("BODY", body))


_FORWARD = "return await this.Context.SendAsync(this.Context.Request, this.CancellationToken);"

# Reported by check-script, which compiles script.csx with mono's mcs and runs it; listed here
# so that `rules` and `rules --explain` show them. check-script's findings use these ids.
CHECK_SCRIPT = "check-script"
COMPILE_ERROR = reported_elsewhere(
    "CODE-10",
    Level.ERROR,
    "script.csx compiles: every compiler error, at script.csx#L<line>",
    "D-CODE (power-platform.md §3.6: a compile error shows only as an internal server error)",
    "import: the platform compiles script.csx on upload and refuses the connector with an "
    "internal server error that names no line",
    reported_by=CHECK_SCRIPT,
    explanation="check-script compiles script.csx against a ScriptBase like the platform's, "
    "with only the assemblies the platform allows, and reports each compiler error (CSxxxx) "
    "at its line.",
    example=(_script('int count = "x";\n        ' + _FORWARD),),
)
COMPILE_WARNING = reported_elsewhere(
    "CODE-11",
    Level.WARNING,
    "script.csx compiles without compiler warnings",
    "D-CODE (power-platform.md §3.6)",
    reported_by=CHECK_SCRIPT,
    explanation="Each compiler warning (CSxxxx) at its line: it compiles, but the warning "
    "usually points at a real defect (an async method without await, a member hiding "
    "ScriptBase's).",
    example=(_script("return new HttpResponseMessage();"),),
)
VECTOR_MISMATCH = reported_elsewhere(
    "CODE-12",
    Level.ERROR,
    "the compiled script answers every shared test vector as expected",
    "tests/data/vectors (the shared request/response vectors of the custom code)",
    "run time: the script Power Platform runs transforms a request or response differently "
    "from the tested behaviour",
    reported_by=CHECK_SCRIPT,
    explanation="For a script generated by kintone-connector, check-script runs every shared "
    "vector (a request, kintone's canned answer, the expected output) through the compiled "
    "script and reports each difference in status, headers, body or upstream requests. "
    "No minimal example: it needs a whole generated script and its vectors; edit a generated "
    "connector's script.csx so that an operation drops a field of kintone's answer.",
)
RUN_TIME = reported_elsewhere(
    "CODE-13",
    Level.WARNING,
    "each operation's script run stays under the 5 s limit (warning past 2.5 s, error past 5 s)",
    "D-CODE (power-platform.md §3.6: execution must finish in 5 seconds)",
    "run time: the platform stops a script that runs longer than 5 seconds",
    reported_by=CHECK_SCRIPT,
    explanation="check-script times every vector's run per operation and prints p50 and max. "
    "A run past half the limit is a warning, past the limit an error. No minimal example: "
    "it needs a generated script and its vectors; an operation whose code waits "
    "(await Task.Delay(6000);) before answering fails it.",
)

RULES: tuple[Rule, ...] = (
    using_directives,
    qualified_names,
    no_http_client,
    execute_signature,
    dispatched_operations,
    consumed_headers,
    COMPILE_ERROR,
    COMPILE_WARNING,
    VECTOR_MISMATCH,
    RUN_TIME,
)
