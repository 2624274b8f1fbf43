"""SWAGGER-xx: Swagger 2.0 conformance (openapi-spec-validator, loaded only when run)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from generator.findings import Finding, Level, pointer
from generator.limits import MAX_FINDINGS_PER_RULE
from generator.validate.context import Context
from generator.validate.reader import (
    SWAGGER,
)
from generator.validate.rule import Change, Rule, rule
from generator.validate.shapes import (
    Node,
    Tokens,
    exists,
    objects_with,
    parse_pointer,
    resolve,
)

_REF = frozenset({"$ref"})


_PATTERN = frozenset({"pattern"})


_MAX_MESSAGE = 200


_SHAPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


@rule(
    "SWAGGER-01",
    Level.ERROR,
    "apiDefinition.swagger.json conforms to Swagger 2.0 (openapi-spec-validator)",
    "OpenAPI 2.0 specification; PPC schemas/apiDefinition.swagger.schema.json",
    "import: the platform reads the definition as Swagger 2.0; a wrong shape is refused",
    example=(Change("apiDefinition.swagger.json", "", []),),
)
def swagger_conforms(ctx: Context) -> Iterator[Finding]:
    """The definition is checked against Swagger 2.0 with openapi-spec-validator; constructs
    that dedicated rules report (host, paths, parameters, operationIds) are left to them.
    """
    if SWAGGER not in ctx.documents:
        return
    document = ctx.documents[SWAGGER]
    if not isinstance(document, dict):
        yield ctx.report(SWAGGER, "", f"the root must be an object, not {_shape(document)}")
        return
    # Imported here: the library and pydantic take ~0.25 s, which `rules` and `diff` never need.
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    broken = list(_broken_refs(document))
    for where, message in broken:
        yield ctx.report(SWAGGER, pointer(*where), message)
    try:
        errors = _schema_errors(document)
        leaves = [_explain(error) for error in errors]
        for leaf in leaves:
            if _owned_elsewhere(leaf):
                continue
            level = Level.WARNING if _tolerated(leaf) else None
            message = _message(leaf)
            if _nullable_type(leaf):
                message += "; write the one type (and x-nullable) instead of a list with 'null'"
            elif _unknown_schema_keyword(leaf):
                message += " (not a schema keyword, so it is ignored)"
            elif _unknown_key(leaf):
                message += " (not a Swagger 2.0 key, so it is ignored)"
            yield ctx.report(SWAGGER, pointer(*leaf.absolute_path), message, level)
        if all(_tolerated(leaf) for leaf in leaves) and not broken:
            for error in _semantic_errors(document):
                if _file_type(error) or _tolerated(error):
                    continue  # allowed by Swagger 2.0, or already reported above
                if isinstance(error, OpenAPIValidationError):
                    leaf = _explain(error)
                    yield ctx.report(SWAGGER, pointer(*leaf.absolute_path), _message(leaf))
                else:
                    yield ctx.report(SWAGGER, "", _value_message(error), Level.WARNING)
    except Exception as exc:  # the library gave up on this document (e.g. nested too deeply)
        message = f"openapi-spec-validator could not finish: {type(exc).__name__}: {exc}"
        yield ctx.report(SWAGGER, "", _shorten(message), Level.WARNING)


def _tolerated(error: Any) -> bool:
    """Departures from the Swagger 2.0 schema that certified connectors ship: warnings."""
    return (
        _empty_for_empty(error)
        or _nullable_type(error)
        or _unknown_schema_keyword(error)
        or _unknown_key(error)
        or _owned_elsewhere(error)
    )


def _unknown_key(error: Any) -> bool:
    """A key Swagger 2.0 does not define (e.g. 'basepath' for 'basePath'): the platform ignores
    it, as it ignores unknown keys elsewhere (a certified connector ships one at the root)."""
    return bool(
        getattr(error, "validator", None) == "additionalProperties"
        and "regexes" in str(getattr(error, "message", ""))
    )


def _owned_elsewhere(error: Any) -> bool:
    """Constructs a dedicated rule reports with its own level and message, so one construct is
    not reported twice: host and basePath (VAL-45; a placeholder host replaced by dynamichosturl
    is fine), path keys (VAL-28), an empty 'responses' (VAL-26), a body without 'schema' or
    another input with one (VAL-46), an optional path parameter (VAL-23), and the library's
    duplicate operationIds (VAL-22), unresolved path variables (VAL-23) and repeated parameters
    (VAL-27)."""
    path = list(getattr(error, "absolute_path", ()))
    validator = getattr(error, "validator", None)
    if path in (["host"], ["basePath"]) and validator == "pattern":
        return True
    if path == ["paths"] and validator == "additionalProperties":
        return True
    if path[-1:] == ["responses"] and getattr(error, "instance", None) == {}:
        return True
    if len(path) >= 2 and path[-2] == "parameters" and _parameter_kind_error(error):
        return True
    if path[-1:] == ["parameters"] and validator == "uniqueItems":
        return True  # VAL-27 names the repeated parameter
    if len(path) >= 3 and path[-3] == "parameters" and path[-1] == "required":
        return validator == "enum" and getattr(error, "validator_value", None) == [True]
    return _SEMANTIC_OWNED.search(str(getattr(error, "message", ""))) is not None


# openapi-spec-validator's messages for what VAL-22, VAL-23 and VAL-27 report
_SEMANTIC_OWNED = re.compile(
    r"^Operation ID .* is not unique|^Path parameter .* was not resolved|^Duplicate parameter "
)


def _parameter_kind_error(error: Any) -> bool:
    """'schema' missing on a body parameter, 'type' missing because there is a 'schema', or
    'type' next to a body parameter's 'schema'."""
    instance = getattr(error, "instance", None)
    if not isinstance(instance, dict):
        return False
    if getattr(error, "validator", None) == "additionalProperties":
        return instance.get("in") == "body" and "'type'" in str(getattr(error, "message", ""))
    if getattr(error, "validator", None) != "required":
        return False
    missing = getattr(error, "validator_value", None)
    if instance.get("in") == "body":
        return "schema" in (missing or ()) and "schema" not in instance
    return "type" in (missing or ()) and "schema" in instance


def _unknown_schema_keyword(error: Any) -> bool:
    """An unknown key inside a Schema Object (a misplaced property name, an OpenAPI 3 keyword):
    JSON Schema ignores unknown keywords and so does the platform (certified connectors)."""
    schema = getattr(error, "schema", None)
    known = schema.get("properties") if isinstance(schema, dict) else None
    return bool(
        getattr(error, "validator", None) == "additionalProperties"
        and isinstance(known, dict)
        and "discriminator" in known
        and "readOnly" in known
    )


def _nullable_type(error: Any) -> bool:
    """``"type": ["array", "null"]`` on a parameter: one type plus "null", as generators write
    for a nullable value; Swagger 2.0 wants the single type name."""
    instance = getattr(error, "instance", None)
    return bool(
        getattr(error, "validator", None) == "type"
        and isinstance(instance, list)
        and "null" in instance
        and len([kind for kind in instance if kind != "null"]) == 1
    )


def _file_type(error: Any) -> bool:
    """The library checks every schema against JSON Schema, which has no type 'file'; Swagger 2.0
    allows it in response schemas (certified connectors return files so)."""
    path = list(getattr(error, "relative_path", ()))
    return getattr(error, "instance", None) == "file" and path[-1:] == ["type"]


def _empty_for_empty(error: Any) -> bool:
    """An empty {} or [] where the schema wants an array, an object or something non-empty: it
    means "none", and the platform accepts it (certified connectors write ``"security": {}``,
    ``"responses": {}`` and ``"required": []``)."""
    instance = getattr(error, "instance", None)
    if not isinstance(instance, (dict, list)) or instance:
        return False
    if error.validator == "type":
        return error.validator_value in ("array", "object")
    return error.validator in ("minProperties", "minItems", "not")


def _value_message(error: Any) -> str:
    """A default or example value that does not fit its schema; the platform does not check."""
    return _shorten(f"a default or example value does not fit its schema: {error.message}")


def _schema_errors(document: dict[str, Any]) -> list[Any]:
    """Errors against the Swagger 2.0 JSON schema."""
    from openapi_spec_validator import OpenAPIV2SpecValidator

    errors = OpenAPIV2SpecValidator.schema_validator.iter_errors(document)
    return list(islice(errors, MAX_FINDINGS_PER_RULE + 1))  # the rule reports no more anyway


def _broken_refs(document: dict[str, Any]) -> Iterator[tuple[Tokens, str]]:
    """Each ``$ref`` that does not lead to an object in this file."""
    for node in objects_with(document, _REF):
        problem = _ref_problem(document, node)
        if problem is not None:
            yield (*node.tokens, "$ref"), problem


def _ref_problem(document: dict[str, Any], node: Node) -> str | None:
    ref = node.value["$ref"]
    tokens = parse_pointer(ref[1:]) if isinstance(ref, str) and ref.startswith("#") else None
    if tokens is None:
        return f"{ref!r} is not a local reference ('#/...')"
    if not exists(document, tokens):
        return f"{ref!r} points at nothing in this file"
    if resolve(document, node) is None:
        return f"{ref!r} leads to a $ref loop or to a value that is not an object"
    return None


def _semantic_errors(document: dict[str, Any]) -> list[Any]:
    """The library's checks beyond the schema; they assume a schema-valid document."""
    from openapi_spec_validator import OpenAPIV2SpecValidator

    validator = OpenAPIV2SpecValidator(_without_patterns(document))
    return list(islice(validator.root_validator(validator.schema_path), MAX_FINDINGS_PER_RULE + 1))


def _without_patterns(document: dict[str, Any]) -> Any:
    """The document without its "pattern" strings, for the library's checks of default and
    example values: a pattern like ``^(a+)+$`` takes exponential time on a 30-character default
    (ReDoS). Whether a pattern compiles is VAL-57's business; whether a default
    matches it goes unchecked."""
    if next(objects_with(document, _PATTERN), None) is None:
        return document
    return _copy_without_patterns(document)


def _copy_without_patterns(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _copy_without_patterns(child)
            for key, child in value.items()
            if key != "pattern" or not isinstance(child, str)
        }
    if isinstance(value, list):
        return [_copy_without_patterns(child) for child in value]
    return value


def _explain(error: Any) -> Any:
    """The most telling leaf of a oneOf/anyOf failure, from the alternative that came closest."""
    if not error.context:
        return error
    branches: dict[object, list[Any]] = {}
    for sub in error.context:
        alternative = sub.relative_schema_path[0] if sub.relative_schema_path else None
        branches.setdefault(alternative, []).append(sub)
    closest = min(branches.values(), key=_distance)
    leaf = _explain(max(closest, key=lambda e: len(e.absolute_path)))
    return error if _is_weak(leaf) else leaf


def _distance(errors: Sequence[Any]) -> tuple[bool, int, int]:
    return (
        any(_is_weak(e) for e in errors),
        len(errors),
        -max(len(e.absolute_path) for e in errors),
    )


def _is_weak(error: Any) -> bool:
    """Errors that only say "this is not that alternative" (a $ref, or another ``in``)."""
    if error.validator == "required" and error.validator_value == ["$ref"]:
        return True
    return bool(error.validator == "enum" and list(error.absolute_path)[-1:] == ["in"])


def _message(error: Any) -> str:
    if error.validator in ("oneOf", "anyOf"):
        return f"{_shape(error.instance)} is not valid under any of the given schemas"
    if error.validator == "not":
        return f"{_shape(error.instance)} is not allowed here"
    return _shorten(str(error.message))


def _shape(value: object) -> str:
    if value is None:
        return "null"
    return _SHAPES.get(type(value), "a number")


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


RULES: tuple[Rule, ...] = (swagger_conforms,)
