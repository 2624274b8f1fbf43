"""Rules about reading the package: JSON-01 (decodable JSON), PKG-01 (required files), TEXT-01."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import (
    JSON_FILES,
    PROPERTIES,
    SCRIPT,
    SWAGGER,
    is_readme,
    utf8_problem,
)
from generator.validate.registry import rule


@rule("JSON-01", Level.ERROR, "JSON files are UTF-8 (BOM accepted) strict JSON", "RFC 8259")
def json_decodes(ctx: Context) -> Iterator[Finding]:
    for name in JSON_FILES:
        if name in ctx.json_errors:
            yield ctx.report(name, "", ctx.json_errors[name])


@rule(
    "PKG-01",
    Level.ERROR,
    "apiDefinition.swagger.json and apiProperties.json are present",
    "PPC README",
)
def required_files(ctx: Context) -> Iterator[Finding]:
    for name in (SWAGGER, PROPERTIES):
        if name not in ctx.files:
            yield ctx.report(name, "", f"{name} is missing from the connector")


@rule(
    "TEXT-01",
    Level.ERROR,
    "readme.md and script.csx are UTF-8 text (BOM accepted)",
    "PPC templates/certified-connectors/readme.md; D-CODE",
)
def text_is_utf8(ctx: Context) -> Iterator[Finding]:
    for name, data in ctx.files.items():
        if name == SCRIPT or is_readme(name):
            problem = utf8_problem(data)
            if problem is not None:
                line, message = problem
                yield ctx.report(name, f"L{line}", f"{message}; save the file as UTF-8")
