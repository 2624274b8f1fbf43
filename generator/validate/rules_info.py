"""Certification rules on the swagger's info block and connector metadata (CERT-01 to CERT-09)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.shapes import JsonObject, Node, as_object, elements, text

MAX_TITLE = 30
DESCRIPTION_RANGE = (30, 500)
MAX_CATEGORIES = 2
CATEGORIES = frozenset(
    {
        "AI",
        "Business Management",
        "Business Intelligence",
        "Collaboration",
        "Commerce",
        "Communication",
        "Content and Files",
        "Finance",
        "Data",
        "Human Resources",
        "Internet of Things",
        "IT Operations",
        "Lifestyle and Entertainment",
        "Marketing",
        "Productivity",
        "Sales and CRM",
        "Security",
        "Social Media",
        "Website",
    }
)
METADATA = "x-ms-connector-metadata"
REQUIRED_METADATA = ("Website", "Privacy policy", "Categories")
_TITLE_WORDS = re.compile(r"\b(api|connector)\b", re.IGNORECASE)
_PRODUCTS = re.compile(r"\b(power\s*apps|power\s*automate|logic\s*apps)\b", re.IGNORECASE)


def _info(ctx: Context) -> Node | None:
    swagger = ctx.swagger
    info = as_object(swagger.get("info")) if swagger is not None else None
    return Node(info, ("info",)) if info is not None else None


# Certification reviews enforce the title rules; the platform imports longer titles and titles
# with these words (certified connectors carry 32 characters, 'API' and 'Connector').
@rule(
    "CERT-01",
    Level.WARNING,
    "info.title is at most 30 characters (SWAGGER-01: it is present)",
    "D-CERT; PR#3407",
)
def title_length(ctx: Context) -> Iterator[Finding]:
    info = _info(ctx)
    title = text(info.value.get("title")) if info is not None else None
    if info is not None and title is not None and len(title) > MAX_TITLE:
        message = f"title has {len(title)} characters; at most {MAX_TITLE} allowed"
        yield ctx.report(SWAGGER, info.at("title"), message)


@rule("CERT-02", Level.WARNING, "info.title has no word 'API' or 'Connector'", "D-CERT; PR#3407")
def title_words(ctx: Context) -> Iterator[Finding]:
    info = _info(ctx)
    title = text(info.value.get("title")) if info is not None else None
    match = _TITLE_WORDS.search(title) if title is not None else None
    if info is not None and match is not None:
        message = f"title contains the restricted word '{match.group(1)}'"
        yield ctx.report(SWAGGER, info.at("title"), message)


@rule(
    "CERT-05",
    Level.WARNING,
    "info.description has 30 to 500 characters (PKG-07: it is present)",
    "D-CERT; PR#550; PR#4181",
)
def description_length(ctx: Context) -> Iterator[Finding]:
    info = _info(ctx)
    if info is None:
        return
    description = info.value.get("description")
    low, high = DESCRIPTION_RANGE
    if isinstance(description, str) and not low <= len(description.strip()) <= high:
        message = f"description has {len(description)} characters; {low} to {high} allowed"
        yield ctx.report(SWAGGER, info.at("description"), message)


@rule(
    "CERT-06",
    Level.WARNING,
    "info.description names no product (Power Apps, Power Automate, Logic Apps)",
    "D-CERT; PR#550",
)
def description_products(ctx: Context) -> Iterator[Finding]:
    info = _info(ctx)
    description = text(info.value.get("description")) if info is not None else None
    match = _PRODUCTS.search(description) if description is not None else None
    if info is not None and match is not None:
        message = f"description names the product '{match.group(1)}'"
        yield ctx.report(SWAGGER, info.at("description"), message)


@rule("CERT-07", Level.WARNING, "info.contact has name, url and email", "D-CERT; PR#683; PR#1095")
def contact(ctx: Context) -> Iterator[Finding]:
    info = _info(ctx)
    if info is None:
        return
    node = info.child("contact")
    if node is None:
        yield ctx.report(SWAGGER, info.pointer, "'contact' with name, url and email is required")
        return
    for key in ("name", "url", "email"):
        if text(node.value.get(key)) is None:
            yield ctx.report(SWAGGER, node.pointer, f"contact '{key}' is required")


def _metadata(swagger: JsonObject | None) -> dict[str, tuple[int, object]]:
    """propertyName -> (index, propertyValue) of the connector metadata entries."""
    found: dict[str, tuple[int, object]] = {}
    entries = swagger.get(METADATA) if swagger is not None else None
    for index, raw in elements(entries):
        entry = as_object(raw)
        name = text(entry.get("propertyName")) if entry is not None else None
        if entry is not None and name is not None:
            found.setdefault(name, (index, entry.get("propertyValue")))
    return found


@rule(
    "CERT-08",
    Level.WARNING,
    "x-ms-connector-metadata has Website, Privacy policy and Categories",
    "D-CERT; PR#4077; PR#683",
)
def connector_metadata(ctx: Context) -> Iterator[Finding]:
    swagger = ctx.swagger
    if swagger is None:
        return
    if not isinstance(swagger.get(METADATA), list):
        yield ctx.report(SWAGGER, "", f"'{METADATA}' (an array) is required")
        return
    found = _metadata(swagger)
    spelled = {name.lower(): name for name in found}
    for name in REQUIRED_METADATA:
        if name not in found and name.lower() in spelled:
            message = f"metadata '{name}' is spelled '{spelled[name.lower()]}'"
            yield ctx.report(SWAGGER, pointer(METADATA), message)
        elif name not in found:
            yield ctx.report(SWAGGER, pointer(METADATA), f"metadata '{name}' is required")
        elif text(found[name][1]) is None:
            where = pointer(METADATA, found[name][0], "propertyValue")
            yield ctx.report(SWAGGER, where, f"metadata '{name}' needs a value")


@rule(
    "CERT-09",
    Level.WARNING,
    "Categories: at most 2, separated by ';', each from the certification list",
    "D-CERT; PR#4077; D-VAL",
)
def categories(ctx: Context) -> Iterator[Finding]:
    entry = _metadata(ctx.swagger).get("Categories")
    value = text(entry[1]) if entry is not None else None
    if entry is None or value is None:
        return
    where = pointer(METADATA, entry[0], "propertyValue")
    names = [name.strip() for name in value.split(";")]
    if len(names) > MAX_CATEGORIES:
        yield ctx.report(SWAGGER, where, f"{len(names)} categories; at most {MAX_CATEGORIES}")
    for name in names:
        if name not in CATEGORIES:
            yield ctx.report(SWAGGER, where, f"'{name}' is not a certification category")
