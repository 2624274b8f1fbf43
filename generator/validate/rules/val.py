"""VAL-xx: what Power Platform's connector validator checks beyond Swagger 2.0.

Structure, the x-ms-* extension catalogue, schemas and values, operations, webhooks,
dynamic values and schemas and the cross-references between them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.dynamic import (
    Extension,
    Reach,
    carriers,
    extensions,
    follow,
    is_array,
    sibling_names,
)
from generator.validate.reader import (
    SWAGGER,
)
from generator.validate.rule import REMOVE, Change, Rule, rule
from generator.validate.rules.common import (
    NOTIFICATION_CONTENT,
    NOTIFICATION_URL,
    Link,
    matches_type,
    notification_urls,
)
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    body_schema,
    elements,
    is_success_code,
    members,
    operation_index,
    operations,
    parameter_definitions,
    parameters,
    resolve,
    schema_properties,
    strings,
    success_schema,
    text,
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


# An internal, required query parameter with a default: the examples' shared parameter.
_LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "type": "string",
    "x-ms-visibility": "internal",
    "default": "en",
    "required": True,
    "x-ms-summary": "Language",
    "description": "The language of the names.",
}


@rule(
    "VAL-04",
    Level.WARNING,
    "GET and HEAD operations take no body or formData parameter",
    "D-VAL (BodyOrFormDataParameterInFetchOperationNotAllowed)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/parameters",
            [
                {
                    "name": "body",
                    "in": "body",
                    "schema": {"type": "object"},
                    "x-ms-summary": "Body",
                    "description": "A body.",
                }
            ],
        ),
    ),
)
def fetch_without_body(ctx: Context) -> Iterator[Finding]:
    """HTTP clients and gateways drop or refuse the body of a GET or HEAD request, so such an
    input never reaches the service.
    """
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
    example=(Change("apiDefinition.swagger.json", "/consumes", REMOVE),),
)
def consumes(ctx: Context) -> Iterator[Finding]:
    """Without 'consumes' the platform does not know how to encode the body it sends;
    Microsoft's validator asks for a supported MIME type.
    """
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
    example=(Change("apiDefinition.swagger.json", "/paths/~1K~1v1~1Apps.json", {}),),
)
def duplicate_paths(ctx: Context) -> Iterator[Finding]:
    """Two path templates that differ only in variable names or letter case match the same URLs:
    the platform cannot tell the operations apart.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/responses/400",
            {"description": "Bad.", "schema": {"type": "object"}},
        ),
    ),
)
def responses_with_schema(ctx: Context) -> Iterator[Finding]:
    """The designer takes its outputs from one response; a second response with a schema is not
    shown.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks~1{webhookId}/delete/responses",
            {},
        ),
    ),
)
def success_response(ctx: Context) -> Iterator[Finding]:
    """The designer takes an operation's outputs from its 2xx response; without one the action
    has no outputs, and Microsoft's validator reports it.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/1",
            {
                "name": "app",
                "in": "query",
                "type": "string",
                "x-ms-summary": "App",
                "description": "The app.",
            },
        ),
    ),
)
def unique_parameters(ctx: Context) -> Iterator[Finding]:
    """The platform sends each input by its name and place; two inputs with the same name and
    place, two bodies, or a body mixed with formData cannot be sent as one request.
    """
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
    example=(Change("apiDefinition.swagger.json", "/paths/~1k~1v1~1{app", {}),),
)
def path_shape(ctx: Context) -> Iterator[Finding]:
    """The request URL is the path template with its variables filled: it must start with '/',
    have balanced braces without defaults, and carry no query or fragment (warning).
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths",
            {
                f"/p{i}": {
                    "get": {"operationId": f"Op{i}", "responses": {"200": {"description": "OK."}}}
                }
                for i in range(257)
            },
        ),
    ),
)
def operation_count(ctx: Context) -> Iterator[Finding]:
    """The platform refuses a connector with more than 256 operations."""
    count = sum(1 for _ in operations(ctx.swagger))
    if count > MAX_OPERATIONS:
        message = f"{count} operations; at most {MAX_OPERATIONS} allowed"
        yield ctx.report(SWAGGER, pointer("paths"), message)


@rule(
    "VAL-36",
    Level.WARNING,
    "consumes/produces use supported MIME types; path items are not $refs",
    "D-VAL (MimeTypeNotSupported, PathItemRefNotSuppored); PR#1095",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/consumes",
            ["application/xml"],
        ),
    ),
)
def mime_types(ctx: Context) -> Iterator[Finding]:
    """The platform encodes and decodes only the MIME types it supports, and does not resolve a
    path item given as a $ref.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/type",
            "file",
        ),
    ),
)
def file_type(ctx: Context) -> Iterator[Finding]:
    """Swagger 2.0 allows type 'file' only for formData parameters and response schemas;
    elsewhere the platform cannot send or show it.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/parameters",
            {"App": _LANG_PARAMETER},
        ),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/responses/200/schema/$ref",
            "#/parameters/App",
        ),
    ),
)
def ref_sections(ctx: Context) -> Iterator[Finding]:
    """A $ref must point into the section of its kind: a parameter into #/parameters, a response
    into #/responses, a schema into #/definitions.
    """
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
    example=(Change("apiDefinition.swagger.json", "/schemes", ["wss"]),),
)
def host_and_schemes(ctx: Context) -> Iterator[Finding]:
    """The platform builds each request URL as scheme://host/basePath/path."""
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/type",
            "object",
        ),
    ),
)
def parameter_kinds(ctx: Context) -> Iterator[Finding]:
    """Swagger 2.0 describes a body by its schema and every other input by its type."""
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
    example=(Change("apiDefinition.swagger.json", "/security", [{"oauth": []}]),),
)
def security(ctx: Context) -> Iterator[Finding]:
    """Security requirements name security schemes defined in securityDefinitions, and only
    OAuth 2.0 lists scopes. The platform takes auth from apiProperties.json, so it
    imports the connector anyway.
    """
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
    example=(
        Change("apiDefinition.swagger.json", "/tags", [{"name": "Records"}, {"name": "Records"}]),
    ),
)
def unique_names(ctx: Context) -> Iterator[Finding]:
    """A tag declared twice, or two response headers that differ only in letter case, are one
    thing described twice.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/required",
            ["app", "record", "app"],
        ),
    ),
)
def duplicate_values(ctx: Context) -> Iterator[Finding]:
    """A repeated value in enum, required, schemes, consumes, produces or a tag list means
    nothing more than one, and Microsoft's validator reports it (ArrayDuplicateValue).
    """
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


Shape = Callable[[object], str | None]


def _string(value: object) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _object(value: object) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


def _array(value: object) -> str | None:
    return None if isinstance(value, list) else "must be an array"


def _any(value: object) -> str | None:
    return None


def _one_of(*allowed: object) -> Shape:
    def check(value: object) -> str | None:
        if value in allowed and type(value) in {type(a) for a in allowed}:
            return None
        return "must be one of: " + ", ".join(str(a) for a in allowed)

    return check


def _object_with(*keys: str) -> Shape:
    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return "must be an object"
        missing = [key for key in keys if key not in value]
        return f"needs {', '.join(repr(k) for k in missing)}" if missing else None

    return check


@dataclass(frozen=True)
class Placement:
    """Where an extension may appear, the shape of its value, and how bad a wrong shape is."""

    roles: frozenset[Role]
    shape: Shape
    level: Level = Level.WARNING


_P, _S, _O = Role.PARAMETER, Role.SCHEMA, Role.OPERATION


_PS = frozenset({_P, _S, Role.ITEMS})


def _at(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


# Positions and shapes from D-EXT, the PPC swagger schema and certified connectors (newer ones).
CATALOGUE: dict[str, Placement] = {
    "x-ms-summary": Placement(_at(_P, _S, _O, Role.RESPONSE, Role.HEADER, Role.ITEMS), _string),
    "x-ms-visibility": Placement(
        _at(_P, _S, _O, Role.ITEMS, Role.PATH), _one_of("important", "advanced", "internal")
    ),
    "x-ms-trigger": Placement(_at(_O), _one_of("single", "batch")),
    "x-ms-trigger-hint": Placement(_at(_O), _string),
    "x-ms-trigger-metadata": Placement(_at(_O), _object),
    "x-ms-notification-content": Placement(_at(Role.PATH), _object_with("schema")),
    "x-ms-notification-url": Placement(_at(_S, _P), _one_of(True)),
    "x-ms-notification": Placement(_at(_O), _object_with("operationId")),
    "x-ms-url-encoding": Placement(_at(_P), _one_of("single", "double")),
    "x-ms-dynamic-values": Placement(_PS, _object),
    "x-ms-dynamic-list": Placement(_PS, _object),
    "x-ms-dynamic-schema": Placement(_PS, _object_with("operationId")),
    "x-ms-dynamic-properties": Placement(_PS, _object_with("operationId")),
    "x-ms-dynamic-tree": Placement(_PS, _object),
    "x-ms-capabilities": Placement(_at(Role.ROOT, _O, _P, _S), _object),
    "x-ms-api-annotation": Placement(_at(Role.INFO, _O), _object),
    "x-ms-operation-context": Placement(_at(_O), _object),
    "x-ms-connector-metadata": Placement(_at(Role.ROOT), _array),
    "x-ms-enum-values": Placement(_PS, _array),
    "x-ms-pageable": Placement(_at(_O), _object),
    "x-ms-openai-data": Placement(_at(_O), _object),
    "x-ms-openai-manifest": Placement(_at(Role.ROOT), _object),
    "x-ms-openai-component": Placement(_at(_O, _P, _S), _any),
    "x-ms-no-generic-test": Placement(_at(_O), _boolean),
    "x-ms-safe-operation": Placement(_at(_O), _boolean),
    "x-ms-test-value": Placement(_PS, _any),
    "x-ms-localizeDefaultValue": Placement(_PS, _boolean),
    "x-ms-trigger-value": Placement(_PS, _any),
    "x-ms-media-kind": Placement(_PS, _one_of("image", "audio")),
    "x-ms-docs": Placement(_at(Role.ROOT, _O), _any),
    "x-ms-deployment-version": Placement(_at(Role.INFO), _string),
    "x-ms-keywords": Placement(_at(Role.ROOT, Role.INFO, _O), _any),
    "x-ms-editor": Placement(_PS, _string),
    "x-ms-editor-options": Placement(_PS, _object),
    "x-ms-property-name-alias": Placement(_at(_S), _string),
    "x-ms-require-user-confirmation": Placement(_at(_O), _boolean),
    "x-ms-explicit-input": Placement(_PS, _boolean),
    "x-ms-dynamic-values-ext": Placement(_PS, _object),
    "x-ms-sort": Placement(_PS, _any),
    "x-ms-permission": Placement(_PS, _any),
    "x-ms-content-hint": Placement(_PS, _any),
    "x-ms-agentic-protocol": Placement(_at(_O), _any),
    "x-ms-mcp": Placement(_at(_O, Role.ROOT), _any),
}

# A wrong x-ms-trigger value leaves the operation no trigger kind, so it is an error. A wrong
# x-ms-visibility or x-ms-url-encoding falls back to the default (certified connectors ship
# "Advanced" and ""): a warning. A webhook without a true x-ms-notification-url is VAL-25's error.
for _name in ("x-ms-trigger",):
    CATALOGUE[_name] = Placement(CATALOGUE[_name].roles, CATALOGUE[_name].shape, Level.ERROR)


@rule(
    "VAL-44",
    Level.WARNING,
    "x-ms-* extensions are known, in an allowed position, with an allowed value shape",
    "D-EXT; D-VAL (AdditionalPropertyNotAllowed); PPC schemas/apiDefinition.swagger.schema.json",
    "run time: an x-ms-trigger value other than single or batch leaves the operation no trigger "
    "kind (error; other extensions: warning)",
    example=(Change("apiDefinition.swagger.json", "/info/x-ms-trigger", "single"),),
)
def extension_catalogue(ctx: Context) -> Iterator[Finding]:
    """Checks every x-ms-* key against the catalogue of extensions Microsoft documents: the key
    is known, in a place it may appear, with a value of its shape. An unknown or
    misplaced extension is ignored by the platform.
    """
    for role, node in role_list(ctx.swagger):
        for key, value in node.value.items():
            if isinstance(key, str) and key.startswith("x-ms-"):
                yield from _extension(ctx, role, node, key, value)


def _extension(ctx: Context, role: Role, node: Node, key: str, value: object) -> Iterator[Finding]:
    known = CATALOGUE.get(key)
    where = node.at(key)
    if known is None:
        yield ctx.report(SWAGGER, where, f"'{key}' is not a known extension")
        return
    if role not in known.roles:
        allowed = ", ".join(sorted(r.value for r in known.roles))
        message = f"'{key}' is not allowed in {role.value} (allowed in: {allowed})"
        yield ctx.report(SWAGGER, where, message)
    problem = known.shape(value)
    if problem is not None:
        yield ctx.report(SWAGGER, where, f"'{key}' {problem}", known.level)


@rule(
    "VAL-09",
    Level.WARNING,
    "x-ms-dynamic-schema/-properties sit in the body parameter's schema, not on the parameter",
    "D-VAL (DynamicExtensionDefinitionNotAllowedInParameter); PPC schema",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/x-ms-dynamic-schema",
            {"operationId": "GetRecordSchema", "parameters": {}},
        ),
    ),
)
def dynamic_on_body_parameter(ctx: Context) -> Iterator[Finding]:
    """The platform reads x-ms-dynamic-schema and x-ms-dynamic-properties from the body
    parameter's schema; on the parameter itself they are ignored and the body has no
    dynamic fields.
    """
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("in") != "body":
            continue
        for key in ("x-ms-dynamic-schema", "x-ms-dynamic-properties"):
            if key in param.value:
                message = f"'{key}' belongs in the body parameter's 'schema'"
                yield ctx.report(SWAGGER, param.at(key), message)


NEXT_LINK_NAMES = ("nextLink", "@odata.nextLink")


@rule(
    "VAL-16",
    Level.WARNING,
    "x-ms-pageable nextLinkName is 'nextLink' or '@odata.nextLink'",
    "D-VAL (InvalidNextLinkNameValue)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/x-ms-pageable",
            {"nextLinkName": "next"},
        ),
    ),
)
def next_link_name(ctx: Context) -> Iterator[Finding]:
    """The platform follows pages only through a next link it recognises; another name stops
    paging after the first page.
    """
    for op in operations(ctx.swagger):
        pageable = op.node.child("x-ms-pageable")
        name = pageable.value.get("nextLinkName") if pageable is not None else None
        if pageable is not None and name not in NEXT_LINK_NAMES:
            message = f"nextLinkName {name!r} is not one of: {', '.join(NEXT_LINK_NAMES)}"
            yield ctx.report(SWAGGER, pageable.at("nextLinkName"), message)


@rule(
    "VAL-19",
    Level.ERROR,
    "x-ms-notification only on polling triggers, naming an existing webhook trigger",
    "D-VAL (NotificationExtensionNotSupportedInWebhookOperation, ...MustBeWebhook)",
    "run time: the polling trigger hands over to an operation that is not a webhook trigger",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/x-ms-notification",
            {"operationId": "Nowhere"},
        ),
    ),
)
def notification_extension(ctx: Context) -> Iterator[Finding]:
    """x-ms-notification tells a polling trigger which webhook trigger takes over; on another
    kind of operation, or naming an operation that is not a webhook trigger, the hand-
    over cannot happen.
    """
    index = operation_index(ctx.swagger)
    for op in operations(ctx.swagger):
        node = op.node.child("x-ms-notification")
        if node is None:
            continue
        if not op.is_trigger or notification_urls(ctx.swagger, op):
            message = "'x-ms-notification' belongs on a polling trigger"
            yield ctx.report(SWAGGER, node.pointer, message, Level.WARNING)
        target = index.get(text(node.value.get("operationId")) or "")
        if target is None:
            message = f"no operation has the operationId {node.value.get('operationId')!r}"
            yield ctx.report(SWAGGER, node.at("operationId"), message)
        elif not (target.is_trigger and notification_urls(ctx.swagger, target)):
            message = f"'{target.operation_id}' is not a webhook trigger"
            yield ctx.report(SWAGGER, node.at("operationId"), message)


@rule(
    "VAL-40",
    Level.WARNING,
    "no x-ms-url-encoding on query parameters",
    "D-VAL (QueryParameterEncodingNotSupported)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms-url-encoding",
            "single",
        ),
    ),
)
def query_encoding(ctx: Context) -> Iterator[Finding]:
    """x-ms-url-encoding applies to path parameters only; on a query parameter the platform
    ignores it, and Microsoft's validator reports it.
    """
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("in") == "query" and "x-ms-url-encoding" in param.value:
            message = "'x-ms-url-encoding' is not supported on query parameters"
            yield ctx.report(SWAGGER, param.at("x-ms-url-encoding"), message)


@rule(
    "VAL-07",
    Level.WARNING,
    "x-ms-enum-values lists each value once",
    "D-VAL (DuplicateEnumValuesInExtension)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms-enum-values",
            [{"value": "1", "displayName": "One"}, {"value": "1", "displayName": "Uno"}],
        ),
    ),
)
def enum_values_unique(ctx: Context) -> Iterator[Finding]:
    """The designer shows one entry per x-ms-enum-values item; a value listed twice shows two
    entries that mean the same thing.
    """
    for node in of_role(ctx.swagger, Role.PARAMETER, Role.SCHEMA, Role.ITEMS):
        seen: set[str] = set()
        for index, entry in elements(node.value.get("x-ms-enum-values")):
            value = entry.get("value") if isinstance(entry, dict) else None
            key = repr(value)
            if isinstance(entry, dict) and key in seen:
                message = f"value {value!r} is listed twice"
                yield ctx.report(SWAGGER, node.at("x-ms-enum-values", index), message)
            seen.add(key)


@rule(
    "VAL-14",
    Level.WARNING,
    "enum values fit the type; x-ms-enum-values values are in 'enum'",
    "D-VAL (InvalidEnumValue, InvalidEnumValuesExtensionValue)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/enum",
            ["1", 2],
        ),
    ),
)
def enum_values(ctx: Context) -> Iterator[Finding]:
    """An enum value of another type than the parameter's, or an x-ms-enum-values entry outside
    'enum', is a choice the service refuses or the designer cannot show.
    """
    for node in of_role(ctx.swagger, Role.PARAMETER, Role.SCHEMA, Role.ITEMS):
        kind = node.value.get("type")
        enum = node.value.get("enum")
        for index, value in elements(enum):
            if not matches_type(value, kind):
                message = f"enum value {value!r} is not of type {kind}"
                yield ctx.report(SWAGGER, node.at("enum", index), message)
        if not isinstance(enum, list):
            continue
        for index, entry in elements(node.value.get("x-ms-enum-values")):
            value = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(entry, dict) and value not in enum:
                message = f"x-ms-enum-values value {value!r} is not in 'enum'"
                yield ctx.report(SWAGGER, node.at("x-ms-enum-values", index, "value"), message)


MAX_SUMMARY = 80


_VALUED = (Role.PARAMETER, Role.SCHEMA, Role.ITEMS, Role.HEADER)


_RANGES = (("minLength", "maxLength"), ("minimum", "maximum"), ("minItems", "maxItems"))


_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


@rule(
    "VAL-35",
    Level.WARNING,
    "arrays declare 'items'; 'required' lists are not empty; 'schemes' is not empty",
    "D-VAL (ArrayHasNoItems, RequiredPropertyArrayEmpty, SchemesArrayEmpty)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/responses/200/schema/properties/list",
            {"type": "array"},
        ),
    ),
)
def arrays(ctx: Context) -> Iterator[Finding]:
    """An array without 'items' has no element type for the designer; an empty 'required' or
    'schemes' list is a mistake Microsoft's validator reports.
    """
    for node in of_role(ctx.swagger, *_VALUED):
        if node.value.get("type") == "array" and not isinstance(node.value.get("items"), dict):
            yield ctx.report(SWAGGER, node.pointer, "an array needs 'items'")
        if node.value.get("required") == []:
            yield ctx.report(SWAGGER, node.at("required"), "'required' is empty; drop it")
    if (ctx.swagger or {}).get("schemes") == []:
        yield ctx.report(SWAGGER, "/schemes", "'schemes' is empty")


@rule(
    "VAL-48",
    Level.WARNING,
    "defaults fit their type and enum; enums are not empty; multipleOf is above zero",
    "D-VAL (DefaultValueMustMatchType, JsonValueNotInEnum, EnumMustContainAtLeastOneElement)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/default",
            5,
        ),
    ),
)
def values(ctx: Context) -> Iterator[Finding]:
    """A default outside its type or enum, an empty enum, or a multipleOf of zero or less is a
    value the designer offers and the service refuses.
    """
    for node in of_role(ctx.swagger, *_VALUED):
        kind, enum = node.value.get("type"), node.value.get("enum")
        if "default" in node.value:
            yield from _default(ctx, node, kind, enum)
        if enum == []:
            yield ctx.report(SWAGGER, node.at("enum"), "'enum' must list at least one value")
        step = node.value.get("multipleOf")
        if _is_number(step) and step <= 0:
            yield ctx.report(SWAGGER, node.at("multipleOf"), "'multipleOf' must be above zero")


def _default(ctx: Context, node: Node, kind: object, enum: object) -> Iterator[Finding]:
    default = node.value["default"]
    if not matches_type(default, kind):
        message = f"default {default!r} is not of type {kind}"
        yield ctx.report(SWAGGER, node.at("default"), message)
    elif isinstance(enum, list) and enum and default not in enum:
        message = f"default {default!r} is not one of the enum values"
        yield ctx.report(SWAGGER, node.at("default"), message)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


@rule(
    "VAL-50",
    Level.WARNING,
    "internal inputs are required and have a default (or are the notification url)",
    "D-EXT (x-ms-visibility); D-VAL (InternalPropertyWithDefaultOptional, PropertyMustBeRequired)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms-visibility",
            "internal",
        ),
    ),
)
def internal_inputs(ctx: Context) -> Iterator[Finding]:
    """The user never sees an internal input, so it is sent only with its default; without a
    default or 'required' it is never sent.
    """
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("x-ms-visibility") != "internal" or param.value.get("in") == "body":
            continue
        required = param.value.get("required") is True
        yield from _internal(ctx, param, required)
    for schema, name, prop in _input_properties(ctx):
        if prop.value.get("x-ms-visibility") == "internal":
            required = name in strings(schema.value.get("required"))
            yield from _internal(ctx, prop, required)


def _internal(ctx: Context, node: Node, required: bool) -> Iterator[Finding]:
    if node.value.get("x-ms-notification-url") is True:
        return
    has_default = "default" in node.value
    if required and not has_default:
        yield ctx.report(SWAGGER, node.pointer, "internal and required, but no 'default'")
    elif has_default and not required:
        message = "internal with a default but optional: the platform drops it; make it required"
        yield ctx.report(SWAGGER, node.pointer, message)


def _input_properties(ctx: Context) -> Iterator[tuple[Node, str, Node]]:
    """(object schema, property name, property) inside body parameter schemas, as written."""
    for node in of_role(ctx.swagger, Role.SCHEMA):
        if "parameters" not in node.tokens or "responses" in node.tokens:
            continue
        props = node.child("properties")
        for name in props.value if props is not None else ():
            prop = props.child(name) if props is not None else None
            if prop is not None:
                yield node, name, prop


@rule(
    "VAL-51",
    Level.WARNING,
    "'required' names declared properties of an object schema",
    "D-VAL (RequiredPropertyMissing, RequiredPropertyNotOnObject)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/required",
            ["app", "record", "fields"],
        ),
    ),
)
def required_properties(ctx: Context) -> Iterator[Finding]:
    """A 'required' entry that names no declared property, or a 'required' on a schema that is
    not an object, makes the designer ask for a field that does not exist.
    """
    for node in of_role(ctx.swagger, Role.SCHEMA):
        required = node.value.get("required")
        props = node.value.get("properties")
        if not isinstance(required, list) or not isinstance(props, dict):
            continue
        if _is_open(node):
            continue
        for index, name in elements(required):
            if isinstance(name, str) and name not in props:
                message = f"required property '{name}' is not declared in 'properties'"
                yield ctx.report(SWAGGER, node.at("required", index), message)


def _is_open(node: Node) -> bool:
    """Schemas that take properties from elsewhere (allOf, dynamic schema, free-form)."""
    keys = ("allOf", "x-ms-dynamic-schema", "x-ms-dynamic-properties", "additionalProperties")
    return any(node.value.get(key) not in (None, False) for key in keys)


@rule(
    "VAL-57",
    Level.WARNING,
    "keyword sanity: min <= max, counts >= 0, patterns compile, allowEmptyValue on query/formData",
    "D-VAL (MinimumMustBeLessThanMaximum, PatternShouldBeValidRegularExpression, ...)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/minLength",
            5,
        ),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/maxLength",
            2,
        ),
    ),
)
def keywords(ctx: Context) -> Iterator[Finding]:
    """Keyword sanity: a minimum above its maximum, a negative count, a pattern that does not
    compile or allowEmptyValue outside query and formData are values no input can satisfy
    or the platform ignores.
    """
    for node in of_role(ctx.swagger, *_VALUED):
        yield from _ranges(ctx, node)
        pattern = node.value.get("pattern")
        if isinstance(pattern, str) and not _compiles(pattern):
            yield ctx.report(SWAGGER, node.at("pattern"), f"pattern {pattern!r} does not compile")
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if "allowEmptyValue" in param.value and param.value.get("in") not in ("query", "formData"):
            message = "'allowEmptyValue' is only for query and formData parameters"
            yield ctx.report(SWAGGER, param.at("allowEmptyValue"), message)


def _ranges(ctx: Context, node: Node) -> Iterator[Finding]:
    for low, high in _RANGES:
        a, b = node.value.get(low), node.value.get(high)
        if _is_number(a) and _is_number(b) and a > b:
            yield ctx.report(SWAGGER, node.at(low), f"'{low}' {a} is above '{high}' {b}")
    for key in _COUNTS:
        count = node.value.get(key)
        if _is_number(count) and count < 0:
            yield ctx.report(SWAGGER, node.at(key), f"'{key}' must not be negative")


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


@rule(
    "VAL-31",
    Level.WARNING,
    "x-ms-summary of inputs and outputs: at most 80 characters",
    "D-VAL (OperationSummaryTooLong); D-CERT; D-STR",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms-summary",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ),
    ),
)
def field_summaries(ctx: Context) -> Iterator[Finding]:
    """x-ms-summary is the label the designer shows for an input or output; Microsoft's string
    guidance keeps it to 80 characters.
    """
    for role, node in role_list(ctx.swagger):
        summary = text(node.value.get("x-ms-summary")) if role in _VALUED else None
        if summary is None:
            continue
        where = node.at("x-ms-summary")
        if len(summary) > MAX_SUMMARY:
            message = f"x-ms-summary has {len(summary)} characters; at most {MAX_SUMMARY}"
            yield ctx.report(SWAGGER, where, message)


_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]*)\}")


@rule(
    "VAL-22",
    Level.ERROR,
    "every operation has an operationId, and they are unique",
    "D-VAL",
    "import: the platform names each action and trigger by its operationId",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks~1{webhookId}/delete/operationId",
            REMOVE,
        ),
    ),
)
def operation_ids(ctx: Context) -> Iterator[Finding]:
    """Flows and apps refer to actions and triggers by operationId: a missing or repeated one
    cannot be referred to.
    """
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
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks~1{webhookId}/delete/parameters",
            REMOVE,
        ),
    ),
)
def path_parameters(ctx: Context) -> Iterator[Finding]:
    """Each {variable} of a path is filled from a required 'in: path' parameter of the same
    name; a parameter without its variable is never sent (warning).
    """
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


@rule(
    "VAL-39",
    Level.WARNING,
    "path parameters declare x-ms-url-encoding",
    "D-VAL; PR#1095",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks~1{webhookId}/delete/parameters/0/x-ms-url-encoding",
            REMOVE,
        ),
    ),
)
def path_encoding(ctx: Context) -> Iterator[Finding]:
    """The platform encodes path values as x-ms-url-encoding says ('single' or 'double');
    without it a value with '/' or '%' may reach the wrong URL.
    """
    for param in parameter_definitions(ctx.swagger):
        if param.value.get("in") == "path" and "x-ms-url-encoding" not in param.value:
            message = "path parameter has no 'x-ms-url-encoding' (use 'single')"
            yield ctx.report(SWAGGER, param.pointer, message)


def webhooks(swagger: JsonObject | None) -> Iterator[tuple[Operation, list[list[Link]]]]:
    """Trigger operations whose body carries a notification url property."""
    for op in operations(swagger):
        urls = notification_urls(swagger, op) if op.is_trigger else []
        if urls:
            yield op, urls


@rule(
    "VAL-25",
    Level.ERROR,
    "webhook triggers: notification url; path-level notification content and a DELETE (warnings)",
    "D-VAL; D-WH",
    "run time: without a notification url property the platform cannot hand the service its "
    "callback, so the trigger never fires",
    example=(
        Change("apiDefinition.swagger.json", "/paths/~1k~1v1~1webhooks~1{webhookId}", REMOVE),
    ),
)
def webhook_pieces(ctx: Context) -> Iterator[Finding]:
    """A webhook trigger needs an input marked x-ms-notification-url for the platform's callback
    URL; without notification content or a DELETE on the returned Location it works less
    well (warnings).
    """
    found = [op for op, _ in webhooks(ctx.swagger)]
    for op in found:
        yield from _notification_content(ctx, op)
    hooked = {(op.path, op.method) for op in found}
    for op in operations(ctx.swagger):
        has_content = NOTIFICATION_CONTENT in op.path_item.value
        if op.is_trigger and has_content and (op.path, op.method) not in hooked:
            message = f"a webhook trigger needs a body property marked '{NOTIFICATION_URL}'"
            yield ctx.report(SWAGGER, op.at(), message)
    if found and not any(op.method == "delete" for op in operations(ctx.swagger)):
        message = "webhook triggers need a DELETE operation to remove their subscription"
        yield ctx.report(SWAGGER, pointer("paths"), message, Level.WARNING)


def _notification_content(ctx: Context, op: Operation) -> Iterator[Finding]:
    content = op.path_item.value.get(NOTIFICATION_CONTENT)
    if content is None:
        # the trigger still fires; only the designer's knowledge of its output is missing
        message = f"webhook trigger '{op.operation_id}' needs path-level '{NOTIFICATION_CONTENT}'"
        yield ctx.report(SWAGGER, op.path_item.pointer, message, Level.WARNING)
    elif not isinstance((as_object(content) or {}).get("schema"), dict):
        where = op.path_item.at(NOTIFICATION_CONTENT)
        yield ctx.report(SWAGGER, where, "'schema' (an object) is required", Level.WARNING)


@rule(
    "VAL-56",
    Level.WARNING,
    "the notification url property is a string (another type: error), internal and required",
    "D-VAL; D-EXT",
    "run time: the platform writes its callback URL, a string, into the property",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks.json/post/parameters/0/required",
            False,
        ),
    ),
)
def notification_url_property(ctx: Context) -> Iterator[Finding]:
    """The platform writes its callback URL into the input marked x-ms-notification-url; it must
    be a string the user does not see and that is always sent.
    """
    for op, chains in webhooks(ctx.swagger):
        yield from _body_required(ctx, op)
        for chain in chains:
            yield from _url_property(ctx, chain)


def _body_required(ctx: Context, op: Operation) -> Iterator[Finding]:
    for param in parameters(ctx.swagger, op):
        if param.value.get("in") == "body" and param.value.get("required") is not True:
            message = "the webhook body parameter should be required"
            yield ctx.report(SWAGGER, param.pointer, message, Level.WARNING)


def _url_property(ctx: Context, chain: list[Link]) -> Iterator[Finding]:
    prop = chain[-1].child
    kind = prop.value.get("type")
    if kind is None:
        # untyped accepts the URL string (a certified connector ships it so)
        message = f"the '{NOTIFICATION_URL}' property should say 'type: string'"
        yield ctx.report(SWAGGER, prop.pointer, message)
    elif kind != "string":
        message = f"the '{NOTIFICATION_URL}' property must be a string, not {kind!r}"
        yield ctx.report(SWAGGER, prop.pointer, message, Level.ERROR)
    if not any(link.child.value.get("x-ms-visibility") == "internal" for link in chain):
        message = f"the '{NOTIFICATION_URL}' property must be 'x-ms-visibility: internal'"
        yield ctx.report(SWAGGER, prop.pointer, message)
    for link in chain:
        if link.name not in strings(link.parent.value.get("required")):
            message = f"'{link.name}' must be listed in 'required' (it leads to the callback url)"
            yield ctx.report(SWAGGER, link.parent.pointer, message)


@rule(
    "VAL-54",
    Level.WARNING,
    "webhook triggers put their output in x-ms-notification-content, not a 2xx response schema",
    "D-VAL (SchemaDefinitionSetIncorrectly)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks.json/post/responses/201/schema",
            {"type": "object"},
        ),
    ),
)
def webhook_output(ctx: Context) -> Iterator[Finding]:
    """The platform shows a webhook trigger's outputs from x-ms-notification-content; a 2xx
    response schema describes the subscription answer instead.
    """
    for op, _ in webhooks(ctx.swagger):
        responses = op.node.child("responses")
        for code in responses.value if responses is not None else ():
            response = resolve(ctx.swagger, responses.child(code)) if responses else None
            # an empty schema describes no output: CERT-15 reports it, once
            schema = response.value.get("schema") if response is not None else None
            if is_success_code(code) and response is not None and schema not in (None, {}):
                message = f"the webhook's output belongs in '{NOTIFICATION_CONTENT}'"
                yield ctx.report(SWAGGER, response.at("schema"), message)


# Which path string of each extension must exist in the invoked operation's 2xx response.
RESPONSE_PATHS = {
    "x-ms-dynamic-values": ("value-collection", True),
    "x-ms-dynamic-list": ("itemsPath", True),
    "x-ms-dynamic-schema": ("value-path", False),
    "x-ms-dynamic-properties": ("itemValuePath", False),
}


# The extension current designers read in place of each legacy one.
MODERN = {
    "x-ms-dynamic-values": "x-ms-dynamic-list",
    "x-ms-dynamic-schema": "x-ms-dynamic-properties",
}


@rule(
    "VAL-17",
    Level.ERROR,
    "x-ms-dynamic-* name an existing operation (its 2xx response declaring the path: warning)",
    "D-VAL; D-EXT",
    "run time: the designer calls the named operation to fill the field; it does not exist",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/responses/200/schema",
            REMOVE,
        ),
    ),
)
def invoked_operations(ctx: Context) -> Iterator[Finding]:
    """Every x-ms-dynamic-values, -list, -schema and -properties names the operation the
    designer calls to fill a field. When that operation's 2xx response does not declare
    the value path, the designer may find nothing there (warning).
    """
    index = operation_index(ctx.swagger)
    for ext in extensions(ctx.swagger):
        op_id = ext.operation_id
        if op_id is None:
            if not {"builtInOperation", "capability"} & ext.node.value.keys():
                yield ctx.report(SWAGGER, ext.node.pointer, "'operationId' is required")
        elif op_id not in index:
            message = f"no operation has the operationId '{op_id}'"
            yield ctx.report(SWAGGER, ext.node.at("operationId"), message)
        else:
            yield from _response_path(ctx, ext, index[op_id])


def _response_path(ctx: Context, ext: Extension, invoked: Operation) -> Iterator[Finding]:
    field, wants_array = RESPONSE_PATHS[ext.kind]
    path = text(ext.node.value.get(field))
    if path is None:
        return
    where, op_id = ext.node.at(field), invoked.operation_id
    # The path is read from the actual response at run time, so a path the declared schema
    # lacks is a documentation gap, not a failure (16 certified connectors ship one).
    schema = success_schema(ctx.swagger, invoked)
    if schema is None:
        message = f"'{op_id}' declares no 2xx response schema, so '{path}' cannot be checked"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)
        return
    reach, target = follow(ctx.swagger, schema, path)
    if reach is Reach.MISSING:
        message = f"'{path}' is not declared in the 2xx response of '{op_id}'"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)
    elif wants_array and target is not None and not is_array(target):
        message = f"'{path}' in the response of '{op_id}' is not an array"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)


# The legacy designer reads value-path, the current one itemValuePath; each works on its own.
@rule(
    "VAL-12",
    Level.WARNING,
    "dynamic-properties itemValuePath equals dynamic-schema value-path without a last 'properties'",
    "D-VAL",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/record/x-ms-dynamic-schema/value-path",
            "schema/properties",
        ),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/record/x-ms-dynamic-properties/itemValuePath",
            "schema/properties",
        ),
    ),
)
def item_value_path(ctx: Context) -> Iterator[Finding]:
    """x-ms-dynamic-properties' itemValuePath must point at the same place as x-ms-dynamic-
    schema's value-path (without its last 'properties'), or the two describe different
    schemas.
    """
    for ext in extensions(ctx.swagger):
        if ext.kind != "x-ms-dynamic-properties":
            continue
        schema = ext.holder.child("x-ms-dynamic-schema")
        value_path = schema.value.get("value-path") if schema is not None else None
        item_path = ext.node.value.get("itemValuePath")
        if isinstance(value_path, str) and isinstance(item_path, str):
            expected = _without_properties(value_path)
            if item_path.strip("/") != expected:
                message = f"itemValuePath '{item_path}' should be '{expected}' to match value-path"
                yield ctx.report(SWAGGER, ext.node.at("itemValuePath"), message)


def _without_properties(path: str) -> str:
    segments = [part for part in path.split("/") if part]
    return "/".join(segments[:-1] if segments[-1:] == ["properties"] else segments)


@rule(
    "VAL-24",
    Level.ERROR,
    "dynamic-call references name real inputs; parameters are inputs of the invoked operation",
    "D-VAL; D-EXT",
    "run time: a reference to no input gives the dynamic call no value (error; an unknown "
    "parameter name of the invoked operation is not sent: warning)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/record/x-ms-dynamic-schema/parameters/app/parameter",
            "body.app",
        ),
    ),
)
def dynamic_parameters(ctx: Context) -> Iterator[Finding]:
    """The parameters of a dynamic call are filled from this operation's inputs ({parameter:
    name}) and sent to the invoked operation under its own input names.
    """
    index = operation_index(ctx.swagger)
    for ext in extensions(ctx.swagger):
        invoked = index.get(ext.operation_id or "")
        params = ext.node.child("parameters")
        for name, value in params.value.items() if params is not None else ():
            where = ext.node.at("parameters", name)
            if invoked is not None and not _is_input(ctx.swagger, invoked, name):
                message = f"'{name}' is not a parameter of '{invoked.operation_id}'"
                yield ctx.report(SWAGGER, where, message, Level.WARNING)
            yield from _reference(ctx, ext, name, value)


def _is_input(swagger: JsonObject | None, op: Operation, wanted: str) -> bool:
    """Whether a dynamic-call parameter name is an input of ``op``: a parameter, a top-level body
    property, or a "body/x/y" path into the body (as x-ms-dynamic-properties writes them)."""
    names = {name for p in parameters(swagger, op) if (name := text(p.value.get("name")))}
    if wanted in names | set(schema_properties(swagger, body_schema(swagger, op))):
        return True
    segments = [part for part in wanted.split("/") if part]
    return len(segments) > 1 and _resolves_in(swagger, op, segments)


def _reference(ctx: Context, ext: Extension, name: str, value: object) -> Iterator[Finding]:
    if not isinstance(value, dict):
        return
    for key in ("parameter", "parameterReference"):
        reference = text(value.get(key))
        ops = carriers(ctx.swagger, ext)
        if reference is None or not ops or _resolves(ctx, ext, ops, reference):
            continue
        where = ext.node.at("parameters", name, key)
        ids = ", ".join(f"'{op.operation_id}'" for op in ops)
        message = f"'{reference}' is not a parameter or body property of {ids}"
        modern = MODERN.get(ext.kind)
        dotted = reference.replace(".", "/")
        if modern in ext.holder.value and _resolves(ctx, ext, ops, dotted):
            # A legacy extension cannot name a body property; certified connectors write
            # 'a.b' there and let the modern sibling carry the real reference.
            message += f" (as '{dotted}' it is; {modern} next to it is what designers use)"
            yield ctx.report(SWAGGER, where, message, Level.WARNING)
        else:
            yield ctx.report(SWAGGER, where, message)


def _resolves(ctx: Context, ext: Extension, ops: list[Operation], reference: str) -> bool:
    """Whether "x" or "body/x/y" names an input of one of the carrying operations."""
    segments = [part for part in reference.split("/") if part]
    if len(segments) == 1 and segments[0] in sibling_names(ctx.swagger, ext.holder):
        return True
    return any(_resolves_in(ctx.swagger, op, segments) for op in ops)


def _resolves_in(swagger: JsonObject | None, op: Operation, segments: list[str]) -> bool:
    rest = "/".join(segments[1:])
    for param in parameters(swagger, op):
        if segments and param.value.get("name") == segments[0]:
            if not rest:
                return True
            if param.value.get("in") == "body":
                return follow(swagger, param.child("schema"), rest)[0] is not Reach.MISSING
    body = body_schema(swagger, op)
    return body is not None and follow(swagger, body, "/".join(segments))[0] is Reach.FOUND


PAIRS = {
    "x-ms-dynamic-values": "x-ms-dynamic-list",
    "x-ms-dynamic-schema": "x-ms-dynamic-properties",
}


def _references(ext: Extension) -> Iterator[tuple[str, str]]:
    """(parameter name in the call, referenced input) for each reference of an extension."""
    params = ext.node.child("parameters")
    for name, value in params.value.items() if params is not None else ():
        if isinstance(value, dict):
            for key in ("parameter", "parameterReference"):
                reference = text(value.get(key))
                if reference is not None:
                    yield name, reference


def _in_body(ext: Extension) -> bool:
    """Whether the extension sits on a schema (a body property), not on a parameter."""
    return "schema" in ext.holder.tokens or ext.holder.tokens[:1] == ("definitions",)


@rule(
    "VAL-10",
    Level.WARNING,
    "x-ms-dynamic-values on a body property or with ambiguous references has an x-ms-dynamic-list",
    "D-VAL (DynamicListExtensionRequiredForAmbiguousReferences, ...ForNonParameterReferences)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/app/x-ms-dynamic-values/parameters",
            {"app": {"parameter": "record"}},
        ),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/app/x-ms-dynamic-list",
            REMOVE,
        ),
    ),
)
def dynamic_list_pairs(ctx: Context) -> Iterator[Finding]:
    """Where x-ms-dynamic-values cannot say which input it depends on (a body property, an
    ambiguous reference), the platform needs x-ms-dynamic-list beside it to fill the
    list.
    """
    yield from _pairs(ctx, "x-ms-dynamic-values")


@rule(
    "VAL-11",
    Level.WARNING,
    "x-ms-dynamic-schema on a body property or with ambiguous references has -properties",
    "D-VAL (DynamicPropertiesExtensionRequiredForAmbiguousReferences, ...NonParameterReferences)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/schema/properties/record/x-ms-dynamic-properties",
            REMOVE,
        ),
    ),
)
def dynamic_properties_pairs(ctx: Context) -> Iterator[Finding]:
    """Where x-ms-dynamic-schema cannot say which input it depends on, the platform needs x-ms-
    dynamic-properties beside it to build the fields.
    """
    yield from _pairs(ctx, "x-ms-dynamic-schema")


def _pairs(ctx: Context, kind: str) -> Iterator[Finding]:
    partner = PAIRS[kind]
    for ext in extensions(ctx.swagger):
        if ext.kind != kind or partner in ext.holder.value:
            continue
        if any(_needs_partner(ctx.swagger, ext, ref) for _, ref in _references(ext)):
            message = f"add '{partner}': the references here need the newer form"
            yield ctx.report(SWAGGER, ext.node.pointer, message)


def _needs_partner(swagger: JsonObject | None, ext: Extension, reference: str) -> bool:
    """A reference into a body, to a body property, or to a name that is both."""
    ops = carriers(swagger, ext)
    if not ops:
        return False
    names = {text(p.value.get("name")) for op in ops for p in parameters(swagger, op)}
    bodies = {
        text(p.value.get("name"))
        for op in ops
        for p in parameters(swagger, op)
        if p.value.get("in") == "body"
    }
    if "/" in reference or reference not in names - bodies:
        return True
    return _in_body(ext) and reference in sibling_names(swagger, ext.holder)


@rule(
    "VAL-42",
    Level.WARNING,
    "dynamic-call references do not point at internal inputs (use a static value)",
    "D-VAL (SourcePropertyInternal)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/1",
            _LANG_PARAMETER,
        ),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/parameters/0/x-ms-dynamic-values",
            {
                "operationId": "ListApps",
                "parameters": {"lang": {"parameter": "lang"}},
                "value-collection": "apps",
                "value-path": "appId",
                "value-title": "name",
            },
        ),
    ),
)
def internal_sources(ctx: Context) -> Iterator[Finding]:
    """An internal input has a fixed default that the user never sets; a dynamic call that
    refers to it should give that value directly.
    """
    for ext in extensions(ctx.swagger):
        for name, reference in _references(ext):
            source = _source(ctx.swagger, ext, reference)
            if source is not None and source.value.get("x-ms-visibility") == "internal":
                message = f"'{reference}' is internal; pass a static value instead"
                yield ctx.report(SWAGGER, ext.node.at("parameters", name), message)


def _source(swagger: JsonObject | None, ext: Extension, reference: str) -> Node | None:
    first = reference.split("/")[0]
    for op in carriers(swagger, ext):
        for param in parameters(swagger, op):
            if param.value.get("name") == first and param.value.get("in") != "body":
                return param
    return None


@rule(
    "VAL-43",
    Level.WARNING,
    "same-named parameters of the operations of one path agree in type and visibility",
    "D-VAL (ParamtersWithSameNameMustHaveSameTypeAndVisibility)",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1webhooks~1{webhookId}/get",
            {
                "operationId": "GetWebhook",
                "summary": "Get a webhook",
                "description": "Gets a webhook.",
                "x-ms-visibility": "internal",
                "parameters": [
                    {
                        "name": "webhookId",
                        "in": "path",
                        "required": True,
                        "type": "integer",
                        "x-ms-url-encoding": "single",
                        "x-ms-summary": "Webhook ID",
                        "description": "The webhook.",
                    }
                ],
                "responses": {"200": {"description": "The webhook.", "schema": {"type": "object"}}},
            },
        ),
    ),
)
def same_named(ctx: Context) -> Iterator[Finding]:
    """Operations of one path share the designer's view of a same-named input; different types
    or visibilities make the form change under the user.
    """
    first: dict[tuple[str, str], Node] = {}
    for op in operations(ctx.swagger):
        for param in parameters(ctx.swagger, op):
            name = text(param.value.get("name"))
            if name is None or param.value.get("in") == "body":
                continue
            key = (op.path, name)
            other = first.setdefault(key, param)
            if other is not param:
                yield from _agree(ctx, name, other, param)


def _agree(ctx: Context, name: str, first: Node, second: Node) -> Iterator[Finding]:
    for key in ("type", "x-ms-visibility"):
        if first.value.get(key) != second.value.get(key):
            message = f"'{name}' has {key} {second.value.get(key)!r} here but "
            message += f"{first.value.get(key)!r} at {first.pointer}"
            yield ctx.report(SWAGGER, second.pointer, message)


RULES: tuple[Rule, ...] = (
    duplicate_values,
    fetch_without_body,
    consumes,
    enum_values_unique,
    duplicate_paths,
    dynamic_on_body_parameter,
    dynamic_list_pairs,
    dynamic_properties_pairs,
    item_value_path,
    enum_values,
    next_link_name,
    invoked_operations,
    notification_extension,
    responses_with_schema,
    operation_ids,
    path_parameters,
    dynamic_parameters,
    webhook_pieces,
    success_response,
    unique_parameters,
    path_shape,
    operation_count,
    field_summaries,
    arrays,
    mime_types,
    file_type,
    ref_sections,
    path_encoding,
    query_encoding,
    internal_sources,
    same_named,
    extension_catalogue,
    host_and_schemes,
    parameter_kinds,
    values,
    internal_inputs,
    required_properties,
    security,
    unique_names,
    webhook_output,
    notification_url_property,
    keywords,
)
