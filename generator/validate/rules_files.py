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
    problem_position,
    utf8_problem,
)
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


@rule(
    "TEXT-01",
    Level.ERROR,
    "readme.md and script.csx are UTF-8 text (BOM accepted)",
    "PPC templates/certified-connectors/readme.md; D-CODE",
    "import: paconn and pac read script.csx as UTF-8 text; a readme is only a warning",
)
def text_is_utf8(ctx: Context) -> Iterator[Finding]:
    for name, data in ctx.files.items():
        if name == SCRIPT or is_readme(name):
            problem = utf8_problem(data)
            if problem is not None:
                position = problem_position(problem)
                where = f"L{position[0]}C{position[1]}" if position is not None else ""
                level = Level.WARNING if is_readme(name) else None  # the readme is not imported
                yield ctx.report(name, where, f"{problem}; save the file as UTF-8", level)
