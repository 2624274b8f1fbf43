"""Findings as text, JSON or SARIF 2.1.0, with JSON pointers mapped to lines and columns."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import __version__
from generator.findings import Finding, Level, printable
from generator.validate.positions import Positions, scan
from generator.validate.reader import (
    JSON_FILES,
    READ_RULE,
    decode,
)
from generator.validate.registry import Rule
from generator.validate.shapes import parse_pointer

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LINE_POINTER = re.compile(r"L([1-9][0-9]*)(?:C([1-9][0-9]*))?")
_SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
_LEARN = "https://learn.microsoft.com/en-us/connectors/custom-connectors/"
_PPC = "https://github.com/microsoft/PowerPlatformConnectors"
# Source keys of the rule catalogue and the page each one stands for.
HELP_URIS = {
    "D-VAL": _LEARN + "certification-swagger-validator-rules",
    "D-CERT": _LEARN + "certification-submission",
    "D-EXT": _LEARN + "openapi-extensions",
    "D-STR": _LEARN + "connector-string-guidance",
    "D-STD": _LEARN + "coding-standards",
    "D-WH": _LEARN + "create-webhook-trigger",
    "D-CODE": _LEARN + "write-code",
    "D-DHU": _LEARN + "policy-templates/dynamichosturl/dynamichosturl",
    "D-FAQ": _LEARN + "faq",
    "D-PACONN": _LEARN + "paconn-cli",
    "D-MCP": "https://learn.microsoft.com/en-us/microsoft-copilot-studio/agent-extend-action-mcp",
    "MCP-SPEC": "https://modelcontextprotocol.io/specification/2025-11-25",
    "PPC": _PPC,
    "OpenAPI 2.0": "https://swagger.io/specification/v2/",
    "RFC 8259": "https://www.rfc-editor.org/rfc/rfc8259",
}


def help_uri(source: str) -> str | None:
    """The page of the first source key of a rule that has a known address."""
    for part in source.replace(",", ";").split(";"):
        part = part.strip()
        if part.startswith("PR#") and part[3:].isdigit():
            return f"{_PPC}/pull/{part[3:]}"
        for key, uri in HELP_URIS.items():
            if part.startswith(key):
                return uri
    return None


@dataclass(frozen=True)
class Located:
    """A finding with the line and column its pointer leads to (None when unknown)."""

    finding: Finding
    line: int | None
    column: int | None


def locate(
    findings: Iterable[Finding],
    files: Mapping[str, bytes],
    parsed: Mapping[str, str] | None = None,
) -> list[Located]:
    """Each finding with the line and column of its pointer in its JSON file.

    ``parsed`` maps the JSON files that parsed to their text, when the caller has decoded them
    already (Context.parsed_texts); otherwise they are decoded here.
    """
    findings = list(findings)
    wanted: dict[str, set[tuple[str, ...]]] = {}
    for finding in findings:
        tokens = parse_pointer(finding.pointer)
        if tokens is not None:
            wanted.setdefault(finding.file, set()).add(tuple(str(t) for t in tokens))
    if parsed is None:
        parsed = _parsed_texts(files)
    cache = {
        name: scan(parsed[name], paths) if name in parsed else None
        for name, paths in wanted.items()
    }
    return [Located(f, *_where(cache.get(f.file), f)) for f in findings]


def _parsed_texts(files: Mapping[str, bytes]) -> dict[str, str]:
    """The text of each JSON file that parses."""
    texts: dict[str, str] = {}
    for name in JSON_FILES:
        if name in files:
            decoded = decode(files[name])
            if decoded.text is not None and decoded.problem is None:
                texts[name] = decoded.text
    return texts


def _where(positions: Positions | None, finding: Finding) -> tuple[int | None, int | None]:
    line = _LINE_POINTER.fullmatch(finding.pointer)
    if line is not None:  # text files point at a line (script.csx: L12), unparsed JSON: L3C7
        return int(line.group(1)), int(line.group(2) or 1)
    if positions is None:
        return None, None
    tokens = parse_pointer(finding.pointer)
    found = positions.locate(tuple(str(t) for t in tokens)) if tokens is not None else None
    return found if found is not None else (None, None)


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings of each level."""
    tally = Counter(f.level.value for f in findings)
    return {level.value: tally.get(level.value, 0) for level in Level}


def shown(finding: Finding) -> Finding:
    """The finding as reports print it: no control character or lone surrogate in any field."""
    return Finding(
        printable(finding.file),
        printable(finding.pointer),
        printable(finding.rule),
        finding.level,
        printable(finding.message),
    )


def render_text(located: Sequence[Located]) -> str:
    """One line per finding: ``level RULE file#pointer (line:column): message``."""
    lines = []
    for item in located:
        f = shown(item.finding)
        where = f"{f.file}#{f.pointer}" if f.pointer else f.file
        if item.line is not None:
            where += f" ({item.line}:{item.column})"
        lines.append(
            f"{f.level.value} {f.rule} {where}: {f.message}"
            if where
            else f"{f.level.value} {f.rule} {f.message}"
        )
    return "".join(line + "\n" for line in lines)


def render_json(located: Sequence[Located], base: str) -> str:
    """A JSON document with the findings and a count per level."""
    return json.dumps(_json_document(located, base), indent=2, ensure_ascii=False) + "\n"


def _json_document(located: Sequence[Located], base: str) -> dict[str, Any]:
    return {
        "path": printable(base),
        "summary": counts([item.finding for item in located]),
        "findings": [_json_finding(item, base) for item in located],
    }


def _json_finding(item: Located, base: str) -> dict[str, Any]:
    f = shown(item.finding)
    base = printable(base)
    return {
        "rule": f.rule,
        "level": f.level.value,
        "file": f.file,
        "path": _display_path(base, f.file),
        "pointer": f.pointer,
        "line": item.line,
        "column": item.column,
        "message": f.message,
    }


def render_text_many(reports: Sequence[tuple[str, Sequence[Located]]]) -> str:
    """Each connector's finding lines, prefixed by its path."""
    return "".join(
        f"{printable(base)}: {line}\n"
        for base, located in reports
        for line in render_text(located).split("\n")[:-1]
    )


def render_json_many(reports: Sequence[tuple[str, Sequence[Located]]]) -> str:
    """A JSON list with one document per connector, each as ``render_json`` writes it."""
    documents = [_json_document(located, base) for base, located in reports]
    return json.dumps(documents, indent=2, ensure_ascii=False) + "\n"


def render_sarif(located: Sequence[Located], rules: Sequence[Rule], base: str) -> str:
    """A SARIF 2.1.0 log with one run: the rules that ran and their results."""
    return render_sarif_many([(base, located)], rules)


def render_sarif_many(
    reports: Sequence[tuple[str, Sequence[Located]]], rules: Sequence[Rule]
) -> str:
    """A SARIF 2.1.0 log with one run holding the results of every connector."""
    read = any(item.finding.rule == READ_RULE for _, located in reports for item in located)
    described = [*rules, READING] if read else list(rules)
    index = {r.id: i for i, r in enumerate(described)}
    run = {
        "tool": {"driver": _driver(described)},
        "columnKind": "unicodeCodePoints",
        "results": [
            _sarif_result(item, index, base) for base, located in reports for item in located
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _driver(rules: Sequence[Rule]) -> dict[str, Any]:
    return {
        "name": "kintone-connector",
        "version": __version__,
        "rules": [_sarif_rule(r) for r in rules],
    }


def _sarif_rule(item: Rule) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": item.id,
        "shortDescription": {"text": item.summary},
        "defaultConfiguration": {"level": _SARIF_LEVELS[item.level]},
        "properties": {"source": item.source},
    }
    if item.reason:  # what an error of this rule breaks: the import or the run
        described["properties"]["breaks"] = item.reason
    uri = help_uri(item.source)
    if uri is not None:
        described["helpUri"] = uri
    return described


def _sarif_result(item: Located, index: Mapping[str, int], base: str) -> dict[str, Any]:
    f = shown(item.finding)
    base = printable(base)
    zipped = _is_zip(base)
    uri = base if zipped else _display_path(base, f.file)
    location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if item.line is not None and not zipped:
        location["region"] = {"startLine": item.line, "startColumn": item.column}
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _SARIF_LEVELS[f.level],
        "message": {"text": f"{f.message} ({f.pointer})" if f.pointer else f.message},
        "locations": [
            {
                "physicalLocation": location,
                "logicalLocations": [{"fullyQualifiedName": f"{f.file}#{f.pointer}"}],
            }
        ],
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    return result


def _is_zip(base: str) -> bool:
    return base.lower().endswith(".zip")


def _display_path(base: str, file: str) -> str:
    """The file as a path from where the tool ran; ``package.zip!/file`` inside a zip."""
    if not file:  # the path itself (READ-01)
        return base
    if _is_zip(base):
        return f"{base}!/{file}"
    return f"{base.rstrip('/')}/{file}" if base not in ("", ".") else file


def _nothing(_: object) -> list[Finding]:
    return []


from generator.validate.rules.read import READING  # noqa: E402

"""The reading stage as a rule, for reports: it runs before the registry's rules, on the path."""
