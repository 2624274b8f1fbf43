"""Certification texts and host: title ending, sentences, production host; paconn's description."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.shapes import as_object, operations, text

_SENTENCE_END = (".", "!", "?", ")", '"', "'", ":")
_NON_PRODUCTION = re.compile(
    r"(^|[.\-_])(dev|develop|development|test|testing|staging|stage|sandbox|qa|uat|localhost)"
    r"($|[.\-_0-9])",
    re.IGNORECASE,
)


@rule(
    "CERT-03",
    Level.WARNING,
    "info.title ends with a letter or digit (no punctuation, space or newline)",
    "D-CERT",
)
def title_end(ctx: Context) -> Iterator[Finding]:
    info = as_object((ctx.swagger or {}).get("info"))
    title = info.get("title") if info is not None else None
    if isinstance(title, str) and title and not title[-1].isalnum():
        message = "title must end with a letter or a digit"
        yield ctx.report(SWAGGER, pointer("info", "title"), message)


@rule(
    "CERT-12",
    Level.WARNING,
    "operation descriptions are sentences (end with punctuation) and differ from the summary",
    "D-CERT; D-STD",
)
def descriptions(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        description = text(op.node.value.get("description"))
        summary = text(op.node.value.get("summary"))
        if description is None:
            continue
        where = op.at("description")
        if summary is not None and description.strip().lower() == summary.strip().lower():
            yield ctx.report(SWAGGER, where, "the description repeats the summary")
        elif not description.rstrip().endswith(_SENTENCE_END):
            yield ctx.report(SWAGGER, where, "the description should be a sentence ending in '.'")


@rule(
    "CERT-17",
    Level.WARNING,
    "host is a production host (no dev, test, staging, localhost or IP address)",
    "D-CERT",
)
def production_host(ctx: Context) -> Iterator[Finding]:
    host = (ctx.swagger or {}).get("host")
    if not isinstance(host, str) or not host:
        return
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if _is_ip(name) or _NON_PRODUCTION.search(name):
        message = f"host '{host}' does not look like a production host"
        yield ctx.report(SWAGGER, pointer("host"), message)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@rule(
    "PKG-07",
    Level.ERROR,
    "info.description is present (paconn create reads it unconditionally)",
    "PPC tools/paconn-cli/paconn/operations/upsert.py",
    "import: paconn create reads info.description and fails without it",
)
def paconn_description(ctx: Context) -> Iterator[Finding]:
    swagger = ctx.swagger
    info = as_object(swagger.get("info")) if swagger is not None else None
    if info is not None and not isinstance(info.get("description"), str):
        yield ctx.report(SWAGGER, pointer("info"), "'description' (a string) is required")
