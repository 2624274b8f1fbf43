"""Rules on operations, parameters and responses (CERT-10 to CERT-16, VAL-22, VAL-23, VAL-39)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.shapes import (
    Operation,
    operations,
    parameter_definitions,
    parameters,
    text,
)

MAX_SUMMARY = 80
_RESTRICTED = "/\\<>*%&?"
_PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]*)\}")


@rule(
    "CERT-10",
    Level.WARNING,
    "every operation has summary, description and x-ms-visibility",
    "D-CERT",
)
def operation_texts(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        for key in ("summary", "description"):
            if text(op.node.value.get(key)) is None:
                yield ctx.report(SWAGGER, op.at(), f"'{key}' is required")
        if "x-ms-visibility" not in op.node.value:
            yield ctx.report(SWAGGER, op.at(), "'x-ms-visibility' is missing", Level.WARNING)


@rule(
    "CERT-11",
    Level.WARNING,
    "operation summaries: at most 80 characters, none of / \\ < > * % & ?, no trailing punctuation",
    "D-CERT; D-STR; PR#1095",
)
def summary_style(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        summary = op.node.value.get("summary")
        if isinstance(summary, str) and summary:
            for problem in _summary_problems(summary):
                yield ctx.report(SWAGGER, op.at("summary"), problem)


def _summary_problems(summary: str) -> Iterator[str]:
    if len(summary) > MAX_SUMMARY:
        yield f"summary has {len(summary)} characters; at most {MAX_SUMMARY} allowed"
    restricted = sorted({char for char in summary if char in _RESTRICTED})
    if restricted:
        yield f"summary contains restricted characters: {' '.join(restricted)}"
    if not (summary[-1].isalnum() or summary[-1] == ")"):
        yield "summary must end with a letter, a digit or ')'"


@rule(
    "CERT-13",
    Level.WARNING,
    "every parameter (body included) has x-ms-summary and description",
    "PR#3407; PR#550; PR#3841",
)
def parameter_texts(ctx: Context) -> Iterator[Finding]:
    for param in parameter_definitions(ctx.swagger):
        for key in ("x-ms-summary", "description"):
            if text(param.value.get(key)) is None:
                yield ctx.report(SWAGGER, param.pointer, f"'{key}' is required")


@rule(
    "CERT-14",
    Level.WARNING,
    "no schema on a 'default' response (VAL-26: a 2xx response exists)",
    "D-CERT; D-STD; PR#3841; PR#4181",
)
def responses(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        node = op.node.child("responses")
        default = node.child("default") if node is not None else None
        if default is not None and "schema" in default.value:
            yield ctx.report(SWAGGER, default.at("schema"), "the 'default' response has a schema")


@rule("CERT-16", Level.WARNING, "operationIds are PascalCase without '-' or '_'", "D-STD; D-VAL")
def operation_id_style(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        op_id = op.operation_id
        if op_id is not None and not _PASCAL_CASE.match(op_id):
            message = f"operationId '{op_id}' is not PascalCase (letters and digits only)"
            yield ctx.report(SWAGGER, op.at("operationId"), message)


@rule(
    "VAL-22",
    Level.ERROR,
    "every operation has an operationId, and they are unique",
    "D-VAL",
    "import: the platform names each action and trigger by its operationId",
)
def operation_ids(ctx: Context) -> Iterator[Finding]:
    first: dict[str, Operation] = {}
    for op in operations(ctx.swagger):
        op_id = op.operation_id
        if op_id is None:
            yield ctx.report(SWAGGER, op.at(), "'operationId' is required")
        elif op_id in first:
            message = f"operationId '{op_id}' is already used by {first[op_id].at()}"
            yield ctx.report(SWAGGER, op.at("operationId"), message)
        else:
            first[op_id] = op


@rule(
    "VAL-23",
    Level.ERROR,
    "path variables have required 'in: path' parameters (parameters without a variable: warning)",
    "D-VAL",
    "run time: a {variable} without its parameter (or an optional one) leaves the URL unfilled",
)
def path_parameters(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        variables = set(_TEMPLATE_VARIABLE.findall(op.path))
        declared: set[str] = set()
        for param in parameters(ctx.swagger, op):
            name = param.value.get("name")
            if param.value.get("in") != "path" or not isinstance(name, str):
                continue
            declared.add(name)
            if name not in variables:
                # its value is not used, which the call survives: a warning
                message = f"path parameter '{name}' is not in the path template {op.path}"
                yield ctx.report(SWAGGER, param.pointer, message, Level.WARNING)
            if param.value.get("required") is not True:
                message = f"path parameter '{name}' must be required"
                yield ctx.report(SWAGGER, param.pointer, message)
        for name in sorted(variables - declared):
            message = f"path variable '{{{name}}}' has no 'in: path' parameter"
            yield ctx.report(SWAGGER, op.at(), message)


@rule("VAL-39", Level.WARNING, "path parameters declare x-ms-url-encoding", "D-VAL; PR#1095")
def path_encoding(ctx: Context) -> Iterator[Finding]:
    for param in parameter_definitions(ctx.swagger):
        if param.value.get("in") == "path" and "x-ms-url-encoding" not in param.value:
            message = "path parameter has no 'x-ms-url-encoding' (use 'single')"
            yield ctx.report(SWAGGER, param.pointer, message)
