"""Swagger structure the Power Platform validator checks beyond Swagger 2.0 (VAL-04 ... VAL-53)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    elements,
    is_success_code,
    members,
    operations,
    parameters,
)
from generator.validate.walk import Role, of_role, role_list

MAX_OPERATIONS = 256
MIME_TYPES = frozenset(
    {
        "application/json",
        "text/plain",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    }
)
_VARIABLE = re.compile(r"\{[^{}/]*\}")


def _consumes(swagger: JsonObject | None, op: Operation) -> list[str] | None:
    value = op.node.value.get("consumes", (swagger or {}).get("consumes"))
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else None


def _kinds(swagger: JsonObject | None, op: Operation) -> Counter[str]:
    return Counter(str(p.value.get("in")) for p in parameters(swagger, op))


@rule(
    "VAL-04",
    Level.WARNING,
    "GET and HEAD operations take no body or formData parameter",
    "D-VAL (BodyOrFormDataParameterInFetchOperationNotAllowed)",
)
def fetch_without_body(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        if op.method not in ("get", "head"):
            continue
        for param in parameters(ctx.swagger, op):
            if param.value.get("in") in ("body", "formData"):
                message = f"a {op.method.upper()} operation cannot send a {param.value['in']}"
                yield ctx.report(SWAGGER, param.pointer, message)


@rule(
    "VAL-06",
    Level.WARNING,
    "operations with a body or formData declare a supported MIME type in 'consumes'",
    "D-VAL (ConsumesMissing); PR#1095",
)
def consumes(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        kinds = _kinds(ctx.swagger, op)
        if not (kinds["body"] or kinds["formData"]):
            continue
        declared = _consumes(ctx.swagger, op)
        if not declared or not MIME_TYPES & set(declared):
            message = "no supported MIME type in 'consumes' (e.g. application/json)"
            yield ctx.report(SWAGGER, op.at(), message)


@rule(
    "VAL-08",
    Level.WARNING,
    "path templates differ in more than variable names or letter case",
    "D-VAL (DuplicateOperationPath, PathRedefined)",
)
def duplicate_paths(ctx: Context) -> Iterator[Finding]:
    paths = as_object((ctx.swagger or {}).get("paths"))
    first: dict[str, str] = {}
    for path, _ in members(paths):
        if path.startswith("x-"):
            continue
        shape = _VARIABLE.sub("{}", path.split("#")[0]).lower().rstrip("/")
        if shape in first:
            message = f"'{path}' cannot be told apart from '{first[shape]}'"
            yield ctx.report(SWAGGER, pointer("paths", path), message)
        else:
            first[shape] = path


@rule(
    "VAL-21",
    Level.INFO,
    "at most one response of an operation carries a schema",
    "D-VAL (OperationHasManyResponsesWithSchema)",
)
def responses_with_schema(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        responses = op.node.child("responses")
        with_schema = [
            code
            for code, value in members(responses.value if responses else None)
            if isinstance(value, dict) and "schema" in value
        ]
        if responses is not None and len(with_schema) > 1:
            message = f"responses {', '.join(with_schema)} all carry a schema"
            yield ctx.report(SWAGGER, responses.pointer, message)


@rule(
    "VAL-26",
    Level.WARNING,
    "every operation's responses include a 2xx (SWAGGER-01: the responses key is present)",
    "D-VAL (OperationMustHaveResponse, OperationShouldHaveSuccessfulResponse); D-CERT",
)
def success_response(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        node = op.node.child("responses")
        if node is None:
            continue  # Swagger 2.0 requires the key: SWAGGER-01 reports it as an error
        if not node.value:
            # certified webhook triggers declare "responses": {} (the platform accepts it)
            yield ctx.report(SWAGGER, node.pointer, "no responses (an empty object)")
        elif not any(is_success_code(code) for code in node.value):
            yield ctx.report(SWAGGER, node.pointer, "no 2xx (successful) response")


@rule(
    "VAL-27",
    Level.ERROR,
    "parameters are unique by name and location; at most one body; body and formData never mixed",
    "D-VAL (OperationParametersAreNotUnique, ...ContainMultipleBodyParameters); D-VAL (VAL-37)",
    "run time: inputs are sent by name and place and as one body; the request cannot be built",
)
def unique_parameters(ctx: Context) -> Iterator[Finding]:
    for holder in of_role(ctx.swagger, Role.PATH, Role.OPERATION):
        seen: set[tuple[str, str]] = set()
        for index, raw in elements(holder.value.get("parameters")):
            key = _parameter_key(raw)
            if key is not None and key in seen:
                message = f"parameter '{key[0]}' in {key[1]} is declared twice"
                yield ctx.report(SWAGGER, holder.at("parameters", index), message)
            if key is not None:
                seen.add(key)
    for op in operations(ctx.swagger):
        kinds = _kinds(ctx.swagger, op)
        if kinds["body"] > 1:
            yield ctx.report(SWAGGER, op.at("parameters"), "more than one body parameter")
        if kinds["body"] and kinds["formData"]:
            yield ctx.report(SWAGGER, op.at("parameters"), "body and formData parameters mixed")


def _parameter_key(raw: object) -> tuple[str, str] | None:
    if not isinstance(raw, dict) or "$ref" in raw:
        return None
    name, where = raw.get("name"), raw.get("in")
    return (name, where) if isinstance(name, str) and isinstance(where, str) else None


@rule(
    "VAL-28",
    Level.ERROR,
    "paths start with '/', have balanced {variables} without defaults; no '?' or '#' (warning)",
    "D-VAL (OperationPathMustStartWithSlash, ...TemplateNotValid, ...MayNotContainQueryOrFragment)",
    "run time: the request URL is built from the path template, which cannot be filled",
)
def path_shape(ctx: Context) -> Iterator[Finding]:
    paths = as_object((ctx.swagger or {}).get("paths"))
    for path, _ in members(paths):
        if path.startswith("x-"):
            continue
        where = pointer("paths", path)
        if not path.startswith("/"):
            yield ctx.report(SWAGGER, where, f"'{path}' does not start with '/'")
        if _VARIABLE.sub("", path).count("{") or _VARIABLE.sub("", path).count("}"):
            yield ctx.report(SWAGGER, where, f"'{path}' has unbalanced or nested braces")
        if any("=" in v for v in _VARIABLE.findall(path)):
            yield ctx.report(SWAGGER, where, f"'{path}' gives a path variable a default")
        for char in sorted({c for c in path if c in "?#*"}):
            message = f"'{path}' contains '{char}'"
            yield ctx.report(SWAGGER, where, message, Level.WARNING)


@rule(
    "VAL-29",
    Level.ERROR,
    f"at most {MAX_OPERATIONS} operations per connector",
    "D-FAQ; D-VAL (TotalOperationsCountExceedsMaxAllowed)",
    "import: the platform limits a connector to 256 operations (D-FAQ)",
)
def operation_count(ctx: Context) -> Iterator[Finding]:
    count = sum(1 for _ in operations(ctx.swagger))
    if count > MAX_OPERATIONS:
        message = f"{count} operations; at most {MAX_OPERATIONS} allowed"
        yield ctx.report(SWAGGER, pointer("paths"), message)


@rule(
    "VAL-36",
    Level.WARNING,
    "consumes/produces use supported MIME types; path items are not $refs",
    "D-VAL (MimeTypeNotSupported, PathItemRefNotSuppored); PR#1095",
)
def mime_types(ctx: Context) -> Iterator[Finding]:
    for holder in of_role(ctx.swagger, Role.ROOT, Role.OPERATION):
        for key in ("consumes", "produces"):
            for index, value in elements(holder.value.get(key)):
                if isinstance(value, str) and not _supported_mime(key, value):
                    message = f"MIME type '{value}' is not supported"
                    yield ctx.report(SWAGGER, holder.at(key, index), message)
    for item in of_role(ctx.swagger, Role.PATH):
        if "$ref" in item.value:
            yield ctx.report(SWAGGER, item.at("$ref"), "path item $refs are not supported")


def _supported_mime(key: str, value: str) -> bool:
    base = value.split(";")[0].strip().lower()
    if key == "produces":  # responses of any type are passed through
        return "/" in base
    return base in MIME_TYPES or base.endswith("+json") or base.startswith("application/octet")


@rule(
    "VAL-37",
    Level.WARNING,
    "type 'file' only on formData parameters or a response's root schema",
    "D-VAL (FileParameterMustBeInFormData, SchemaTypeFileNotValid)",
)
def file_type(ctx: Context) -> Iterator[Finding]:
    for role, node in _file_typed(ctx.swagger):
        if role is Role.PARAMETER and node.value.get("in") == "formData":
            continue
        if role is Role.SCHEMA and _is_response_root(node):
            continue
        yield ctx.report(SWAGGER, node.at("type"), "type 'file' is not allowed here")


def _file_typed(swagger: JsonObject | None) -> Iterator[tuple[Role, Node]]:
    for node in of_role(swagger, Role.PARAMETER):
        if node.value.get("type") == "file":
            yield Role.PARAMETER, node
    for node in of_role(swagger, Role.SCHEMA, Role.ITEMS):
        if node.value.get("type") == "file":
            yield Role.SCHEMA, node


def _is_response_root(node: Node) -> bool:
    tokens = node.tokens
    return len(tokens) >= 2 and tokens[-1] == "schema" and "responses" in tokens[-3:-1]


_REF_SECTIONS = {
    Role.PARAMETER: "parameters",
    Role.RESPONSE: "responses",
    Role.SCHEMA: "definitions",
}


@rule(
    "VAL-38",
    Level.WARNING,
    "$refs point into the section of their kind (#/parameters, #/responses, #/definitions)",
    "D-VAL (ParameterReferenceNotValid, ResponseReferenceNotValid, SchemaReferenceNotValid)",
)
def ref_sections(ctx: Context) -> Iterator[Finding]:
    for role, node in _with_refs(ctx.swagger):
        ref = node.value["$ref"]
        section = _REF_SECTIONS[role]
        if isinstance(ref, str) and not ref.startswith(f"#/{section}/"):
            message = f"a {role.value} $ref should point into #/{section}/, not {ref!r}"
            yield ctx.report(SWAGGER, node.at("$ref"), message)


def _with_refs(swagger: JsonObject | None) -> Iterator[tuple[Role, Node]]:
    for role, node in role_list(swagger):
        if role in _REF_SECTIONS and "$ref" in node.value:
            yield role, node


@rule(
    "VAL-45",
    Level.ERROR,
    "schemes are http or https; host is a bare host name; basePath starts with '/'",
    "D-VAL (SchemeNotSupported, HostNameNotValid, BasePathNotValid)",
    "run time: the request URL is scheme://host/basePath/path; these values break it",
)
def host_and_schemes(ctx: Context) -> Iterator[Finding]:
    swagger = ctx.swagger or {}
    for index, scheme in elements(swagger.get("schemes")):
        if scheme not in ("http", "https"):
            message = f"scheme {scheme!r} is not supported (http or https)"
            yield ctx.report(SWAGGER, pointer("schemes", index), message)
    host = swagger.get("host")
    if isinstance(host, str) and ("://" in host or "/" in host):
        yield ctx.report(SWAGGER, pointer("host"), f"host {host!r} must be a bare host name")
    base = swagger.get("basePath")
    if isinstance(base, str) and not base.startswith("/"):
        yield ctx.report(SWAGGER, pointer("basePath"), f"basePath {base!r} must start with '/'")


@rule(
    "VAL-46",
    Level.ERROR,
    "body parameters have a schema (a type too: warning); other parameters a type and no schema",
    "D-VAL (BodyParameterSchemaRequired, NonBodyParameterSchemaNotValid)",
    "import: the platform reads a body's shape from 'schema' and other inputs from 'type'",
)
def parameter_kinds(ctx: Context) -> Iterator[Finding]:
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if "$ref" in param.value or not isinstance(param.value.get("in"), str):
            continue
        if param.value["in"] == "body":
            if not isinstance(param.value.get("schema"), dict):
                yield ctx.report(SWAGGER, param.pointer, "a body parameter needs a 'schema'")
            if "type" in param.value:
                # the shape comes from 'schema'; the stray key is ignored like other unknown keys
                message = "a body parameter has no 'type' (its 'schema' says it); it is ignored"
                yield ctx.report(SWAGGER, param.at("type"), message, Level.WARNING)
        elif "schema" in param.value:
            message = f"an 'in: {param.value['in']}' parameter has no 'schema' (use 'type')"
            yield ctx.report(SWAGGER, param.at("schema"), message)


@rule(
    "VAL-52",
    Level.WARNING,
    "security requirements name defined security schemes; only OAuth lists scopes",
    "D-VAL (SecurityRequirementMustBeDefined, ...MustHaveEmptyValue)",
)
def security(ctx: Context) -> Iterator[Finding]:
    swagger = ctx.swagger or {}
    defined = as_object(swagger.get("securityDefinitions")) or {}
    for holder in of_role(ctx.swagger, Role.ROOT, Role.OPERATION):
        for index, requirement in elements(holder.value.get("security")):
            for name, scopes in members(requirement):
                where = holder.at("security", index, name)
                scheme = as_object(defined.get(name))
                if scheme is None:
                    # The platform takes auth from apiProperties (connectionParameters), not
                    # from these requirements; 17 certified connectors name undefined schemes.
                    message = f"security scheme '{name}' is not defined, so it is ignored"
                    yield ctx.report(SWAGGER, where, message)
                elif scheme.get("type") != "oauth2" and scopes not in ([], None):
                    message = f"'{name}' is not OAuth 2.0; its requirement must be []"
                    yield ctx.report(SWAGGER, where, message)


@rule(
    "VAL-53",
    Level.WARNING,
    "tags are declared once; response headers are unique (ignoring case)",
    "D-VAL (TagRedefined, ResponseHeadersAreNotUnique)",
)
def unique_names(ctx: Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, tag in elements((ctx.swagger or {}).get("tags")):
        name = tag.get("name") if isinstance(tag, dict) else None
        if isinstance(name, str) and name in seen:
            yield ctx.report(SWAGGER, pointer("tags", index), f"tag {name!r} is declared twice")
        if isinstance(name, str):
            seen.add(name)
    for response in of_role(ctx.swagger, Role.RESPONSE):
        headers = response.child("headers")
        counted = Counter(name.lower() for name in (headers.value if headers else {}))
        for name in sorted(n for n, count in counted.items() if count > 1):
            message = f"header '{name}' is declared more than once"
            yield ctx.report(SWAGGER, response.at("headers"), message)


@rule(
    "VAL-03",
    Level.WARNING,
    "enum, required, schemes, consumes, produces and tag lists have no duplicates",
    "D-VAL (ArrayDuplicateValue)",
)
def duplicate_values(ctx: Context) -> Iterator[Finding]:
    for role, node in _list_holders(ctx.swagger):
        for key in _LISTS[role]:
            values = node.value.get(key)
            seen: list[object] = []
            for index, value in elements(values):
                if value in seen:
                    message = f"{value!r} appears more than once in '{key}'"
                    yield ctx.report(SWAGGER, node.at(key, index), message)
                seen.append(value)


_LISTS = {
    Role.ROOT: ("schemes", "consumes", "produces"),
    Role.OPERATION: ("schemes", "consumes", "produces", "tags"),
    Role.PARAMETER: ("enum",),
    Role.ITEMS: ("enum",),
    Role.SCHEMA: ("enum", "required"),
}


def _list_holders(swagger: JsonObject | None) -> Iterator[tuple[Role, Node]]:
    for role, node in role_list(swagger):
        if role in _LISTS:
            yield role, node
