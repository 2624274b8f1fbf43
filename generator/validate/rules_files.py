"""Rules about reading the package: JSON-01 (decodable JSON) and PKG-01 (required files)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import JSON_FILES, PROPERTIES, SWAGGER, problem_position
from generator.validate.registry import rule


@rule(
    "JSON-01",
    Level.ERROR,
    "JSON files are UTF-8 (BOM accepted) strict JSON",
    "RFC 8259",
    "import: the platform parses both files as JSON and refuses a file that does not parse",
)
def json_decodes(ctx: Context) -> Iterator[Finding]:
    for name in JSON_FILES:
        if name in ctx.json_errors:
            problem = ctx.json_errors[name]
            position = problem_position(problem)
            # no JSON pointer into a file that does not parse: a line-and-column place instead
            where = f"L{position[0]}C{position[1]}" if position is not None else ""
            yield ctx.report(name, where, problem)


@rule(
    "PKG-01",
    Level.ERROR,
    "apiDefinition.swagger.json and apiProperties.json are present",
    "PPC README",
    "import: paconn and pac upload the definition and the properties together; nothing to import",
)
def required_files(ctx: Context) -> Iterator[Finding]:
    for name in (SWAGGER, PROPERTIES):
        if name not in ctx.files:
            yield ctx.report(name, "", f"{name} is missing from the connector")
