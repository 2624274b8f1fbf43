"""Checks JSON values against Swagger schemas (x-nullable honoured) and reports findings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema

from generator.devtools.runtime.connector import ConnectorPackage
from generator.findings import Finding, Level, pointer

_KEYWORDS = ("type", "enum", "required", "minimum", "maximum", "minLength", "maxLength")
_MAX_DEPTH = 40


def to_json_schema(package: ConnectorPackage, schema: Any, depth: int = 0) -> dict[str, Any]:
    """A Draft 4 JSON Schema for a Swagger schema: refs inlined, extensions dropped."""
    schema = package.resolve(schema)
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return {}
    result: dict[str, Any] = {k: schema[k] for k in _KEYWORDS if k in schema}
    if isinstance(schema.get("required"), list) and not schema["required"]:
        result.pop("required")
    if isinstance(schema.get("properties"), Mapping):
        result["properties"] = {
            name: to_json_schema(package, prop, depth + 1)
            for name, prop in schema["properties"].items()
        }
    if "items" in schema:
        result["items"] = to_json_schema(package, schema["items"], depth + 1)
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping):
        result["additionalProperties"] = to_json_schema(package, extra, depth + 1)
    if schema.get("x-nullable") is True:
        _allow_null(result)
    return result


def _allow_null(result: dict[str, Any]) -> None:
    if isinstance(result.get("type"), str):
        result["type"] = [result["type"], "null"]
    if isinstance(result.get("enum"), list):
        result["enum"] = [*result["enum"], None]


def check_value(schema: Mapping[str, Any], value: Any, where: str, rule: str) -> list[Finding]:
    """Findings for every place where ``value`` does not fit ``schema``."""
    validator = jsonschema.Draft4Validator(schema)
    return [
        Finding(where, pointer(*error.absolute_path), rule, Level.ERROR, error.message)
        for error in _errors(validator, value)
    ]


def _errors(validator: Any, value: Any) -> Iterator[Any]:
    yield from sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path)))
