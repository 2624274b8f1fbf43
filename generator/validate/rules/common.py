"""Helpers that more than one rule family (or diff.py) uses; no rules here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.limits import MAX_OPERATION_ALIASES
from generator.validate.context import Context
from generator.validate.csharp_source import (
    Source,
)
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    body_schema,
    elements,
    schema_properties,
)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def matches_type(value: object, kind: object) -> bool:
    """Whether a JSON value fits a schema type (unknown types match anything)."""
    if not isinstance(kind, str) or kind not in _TYPES:
        return True
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, _TYPES[kind])


NOTIFICATION_URL = "x-ms-notification-url"


NOTIFICATION_CONTENT = "x-ms-notification-content"


@dataclass(frozen=True)
class Link:
    """One step from an object schema to one of its properties."""

    parent: Node
    name: str
    child: Node


def notification_urls(swagger: JsonObject | None, op: Operation) -> list[list[Link]]:
    """Chains of links from the body schema down to each x-ms-notification-url property."""
    body = body_schema(swagger, op)
    found: list[list[Link]] = []
    stack: list[tuple[Node, list[Link]]] = [(body, [])] if body is not None else []
    seen: set[tuple[str | int, ...]] = set()
    while stack:
        schema, chain = stack.pop()
        if schema.tokens in seen:
            continue
        seen.add(schema.tokens)
        for name, prop in schema_properties(swagger, schema).items():
            link = [*chain, Link(schema, name, prop)]
            if prop.value.get(NOTIFICATION_URL) is True:
                found.append(link)
            else:
                stack.append((prop, link))
    return found


def _properties(ctx: Context) -> Node | None:
    value = ctx.properties
    return Node(value, ("properties",)) if value is not None else None


def policies(ctx: Context) -> Iterator[Node]:
    """Each policyTemplateInstances item that is an object."""
    props = ctx.properties
    for index, item in elements(props.get("policyTemplateInstances") if props else None):
        if isinstance(item, dict):
            yield Node(item, ("properties", "policyTemplateInstances", index))


def parameter_maps(props: JsonObject | None) -> Iterator[Node]:
    """connectionParameters and each connectionParameterSets value's parameters, as objects."""
    if props is None:
        return
    node = Node(props, ("properties",))
    direct = node.child("connectionParameters")
    if direct is not None:
        yield direct
    sets = node.child("connectionParameterSets")
    values = sets.value.get("values") if sets is not None else None
    for index, value in elements(values):
        params = as_object(value.get("parameters")) if isinstance(value, dict) else None
        if sets is not None and params is not None:
            yield Node(params, (*sets.tokens, "values", index, "parameters"))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# Bit depths PNG allows for each colour type (PNG specification, 11.2.2 IHDR).
PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk of a PNG, or None when it is not a PNG."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


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
