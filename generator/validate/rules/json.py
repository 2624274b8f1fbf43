"""JSON-xx: the JSON files decode (JSON-01) and repeat no key (JSON-02)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.positions import scan
from generator.validate.reader import (
    JSON_FILES,
    problem_position,
)
from generator.validate.rule import Change, Edit, Rule, rule


@rule(
    "JSON-01",
    Level.ERROR,
    "JSON files are UTF-8 (BOM accepted) strict JSON",
    "RFC 8259",
    "import: the platform parses both files as JSON and refuses a file that does not parse",
    example=(Change("settings.json", None, '{\n  "environment": NaN\n}\n'),),
)
def json_decodes(ctx: Context) -> Iterator[Finding]:
    """UTF-8 (a BOM is accepted), strict JSON: no comments, trailing commas, NaN or Infinity,
    and no number or document beyond the reader's limits (an integer of 5,000 digits).
    """
    for name in JSON_FILES:
        if name in ctx.json_errors:
            problem = ctx.json_errors[name]
            position = problem_position(problem)
            # no JSON pointer into a file that does not parse: a line-and-column place instead
            where = f"L{position[0]}C{position[1]}" if position is not None else ""
            yield ctx.report(name, where, problem)


@rule(
    "JSON-02",
    Level.WARNING,
    "no object repeats a key (the last one silently wins)",
    "RFC 8259",
    example=(
        Edit(
            "apiDefinition.swagger.json",
            '"swagger": "2.0",',
            '"swagger": "2.0",\n  "swagger": "2.0",',
        ),
    ),
)
def duplicate_keys(ctx: Context) -> Iterator[Finding]:
    """A JSON object with a key twice is valid to some parsers and refused by others; the one
    that reads it keeps only the last value, so what you see in the file is not what the
    platform reads.
    """
    for name in JSON_FILES:
        if name in ctx.duplicated and name in ctx.texts:
            for tokens, _ in scan(ctx.texts[name]).duplicates:
                message = f"key '{tokens[-1]}' appears more than once in this object"
                yield ctx.report(name, pointer(*tokens), message)


RULES: tuple[Rule, ...] = (
    json_decodes,
    duplicate_keys,
)
