"""The typed model of the connector description: frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Visibility = Literal["important", "advanced", "internal"]
ParameterLocation = Literal["query", "path", "header", "body", "formData"]
HttpMethod = Literal["get", "post", "put", "patch", "delete"]
ConnectionParameterType = Literal["string", "securestring", "int", "bool", "oauthSetting"]


def _key(name: str) -> dict[str, str]:
    """Field metadata naming the YAML key when it differs from the Python name."""
    return {"key": name}


@dataclass(frozen=True)
class Contact:
    """Who answers for the connector."""

    name: str
    url: str
    email: str


@dataclass(frozen=True)
class Info:
    """Connector metadata shown in the maker portal and required for certification."""

    title: str
    description: str
    version: str
    contact: Contact
    website: str
    privacy_policy: str
    categories: tuple[str, ...]
    host: str
    brand_color: str
    publisher: str
    stack_owner: str
    base_path: str = "/"
    status: Literal["Preview", "Production"] = "Preview"


@dataclass(frozen=True)
class OAuthSettings:
    """The OAuth 2.0 client of an oauthSetting connection parameter."""

    identity_provider: Literal["oauth2", "oauth2generic"]
    client_id: str
    scopes: tuple[str, ...]
    redirect_url: str
    custom_parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionParameter:
    """One value the user enters (or signs in for) when creating a connection."""

    name: str
    type: ConnectionParameterType
    display_name: str
    description: str
    tooltip: str = ""
    required: bool = True
    oauth: OAuthSettings | None = None


@dataclass(frozen=True)
class AuthMethod:
    """One way to authenticate; several become connection parameter sets."""

    name: str
    display_name: str
    description: str
    kind: Literal["api_key", "password", "oauth2"]
    parameters: tuple[ConnectionParameter, ...]
    header: str = ""


@dataclass(frozen=True)
class Connection:
    """Connection parameters shared by every auth method, and the auth methods."""

    parameters: tuple[ConnectionParameter, ...]
    auth: tuple[AuthMethod, ...]

    def parameters_of(self, method: AuthMethod | None) -> tuple[ConnectionParameter, ...]:
        """One connection parameter set, in the order the dialog shows it.

        Required shared values, the method's own, then optional shared ones. A method parameter
        named ``token:<name>`` takes the place of the shared ``<name>``: the platform hands
        ``token:`` values to the OAuth sign-in (certified ServiceDeskPlus Cloud, 3E Events).
        OAuth drops the optional Basic pair: both need the Authorization header.
        """
        own = method.parameters if method is not None else ()
        replaced = {p.name.removeprefix("token:") for p in own if p.name.startswith("token:")}
        shared = [p for p in self.parameters if p.name not in replaced]
        required = [p for p in shared if p.required]
        optional = [p for p in shared if not p.required]
        if method is not None and method.kind == "oauth2":
            optional = []
        tokens = [p for p in own if p.name.startswith("token:")]
        rest = [p for p in own if not p.name.startswith("token:")]
        return (*tokens, *required, *rest, *optional)


@dataclass(frozen=True)
class Policy:
    """A policy template instance, e.g. the dynamic host URL."""

    template: str
    title: str
    parameters: dict[str, str]
    operations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Throttling:
    """A platform-side call limit; no artifact field carries it, the README states it."""

    name: str
    calls: int
    renewal_period_seconds: int
    scope: Literal["connection"]


@dataclass(frozen=True)
class DynamicArgument:
    """A value passed to a dynamic operation: another parameter or a literal."""

    parameter: str | None = None
    value: str | int | bool | None = None


@dataclass(frozen=True)
class DynamicValues:
    """A drop-down filled by another operation (x-ms-dynamic-values + x-ms-dynamic-list)."""

    operation: str
    collection: str
    value: str
    title: str
    parameters: dict[str, DynamicArgument] = field(default_factory=dict)


@dataclass(frozen=True)
class DynamicSchema:
    """A schema produced by another operation (x-ms-dynamic-schema + -properties)."""

    operation: str
    value_path: str
    parameters: dict[str, DynamicArgument] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    """A JSON Schema fragment with the Power Platform extensions as plain fields."""

    type: str | None = None
    ref: str | None = None
    format: str | None = None
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    visibility: Visibility | None = None
    enum: tuple[str, ...] | None = None
    default: Any = None
    nullable: bool = False
    items: Schema | None = None
    properties: dict[str, Schema] | None = None
    required: tuple[str, ...] = ()
    additional_properties: Schema | None = None
    dynamic_values: DynamicValues | None = None
    dynamic_schema: DynamicSchema | None = None
    notification_url: bool = False


@dataclass(frozen=True)
class Parameter:
    """An operation parameter; body parameters carry a schema."""

    name: str
    location: ParameterLocation = field(metadata=_key("in"))
    summary: str
    description: str
    required: bool = False
    type: str | None = None
    format: str | None = None
    enum: tuple[str, ...] | None = None
    default: Any = None
    visibility: Visibility | None = None
    items: Schema | None = None
    collection_format: Literal["csv", "multi"] | None = None
    schema: Schema | None = None
    dynamic_values: DynamicValues | None = None


@dataclass(frozen=True)
class Response:
    """One declared response of an operation."""

    status: str
    description: str
    schema: Schema | None = None


@dataclass(frozen=True)
class Notification:
    """What kintone posts to the callback URL of a webhook trigger."""

    description: str
    schema: Schema


@dataclass(frozen=True)
class TriggerInfo:
    """Trigger-only settings of an operation; webhooks describe their notification."""

    kind: Literal["single", "batch"]
    hint: str
    notification: Notification | None = None


# How script.csx handles an operation (every operation runs it: the script builds kintone's
# authentication headers from the private ones the policies fill). "forward" sends the request
# on with those headers; the others are the script's own branches (templates/script/*.cs).
ScriptKind = Literal[
    "forward",
    "record_schema",
    "app_picker",
    "mcp",
    "subscribe",
    "indexed",
    "bulk_request",
    "bulk_add",
    "bulk_update",
    "bulk_delete",
    "poll_added",
    "poll_updated",
    "poll_status",
]
SCRIPT_KINDS: tuple[ScriptKind, ...] = get_args(ScriptKind)


@dataclass(frozen=True)
class ScriptRole:
    """How the custom code handles one operation: the one value parse derives from the flags.

    ``indexed_arrays`` are the query parameters kind "indexed" rewrites to kintone's
    ``name[0]=…`` form; ``guest_space`` adds the optional guest space ID input that the script
    turns into kintone's ``/k/guest/{id}/`` paths (for any kind).
    """

    kind: ScriptKind = "forward"
    indexed_arrays: tuple[str, ...] = ()
    guest_space: bool = False

    @property
    def polls(self) -> bool:
        """Whether this is a polling trigger's check."""
        return self.kind.startswith("poll_")


@dataclass(frozen=True)
class Operation:
    """An action, an internal helper or a trigger."""

    id: str
    method: HttpMethod
    path: str
    summary: str
    description: str
    visibility: Visibility
    responses: tuple[Response, ...]
    parameters: tuple[Parameter, ...] = ()
    produces: tuple[str, ...] = ("application/json",)
    trigger: TriggerInfo | None = None
    # Derived by parse (generator.derive.script_roles) from the description's custom_code,
    # indexed_arrays, bulk, polling and guest_space keys; no YAML key of its own.
    script: ScriptRole = field(default_factory=ScriptRole, metadata={"derived": True})
    # x-ms-agentic-protocol: the operation is an agent's server (MCP), answered by the script.
    agentic_protocol: Literal["mcp-streamable-1.0"] | None = None


@dataclass(frozen=True)
class CustomCode:
    """What script.csx does beyond forwarding: the record schema and webhook removal."""

    record_schema_operation: str
    fields_path: str
    remove_webhook_operation: str
    guest_space_parameter: str = "guestSpaceId"
    # The picker behind every App input; "" for none (templates/script/AppPicker.cs).
    app_picker_operation: str = ""
    # Private headers the policies fill from connection values; the script turns them into
    # kintone's auth headers (it can compute base64, policies cannot).
    auth_headers: dict[str, str] = field(
        default_factory=lambda: {
            "token": "X-Cybozu-API-Token",
            "username": "X-Kintone-Username",
            "password": "X-Kintone-Password",
            "basic_username": "X-Kintone-Basic-Username",
            "basic_password": "X-Kintone-Basic-Password",
        }
    )


@dataclass(frozen=True)
class Connector:
    """The whole connector: the single source the renderers read."""

    info: Info
    connection: Connection
    policies: tuple[Policy, ...]
    throttling: tuple[Throttling, ...]
    operations: tuple[Operation, ...]
    triggers: tuple[Operation, ...]
    definitions: dict[str, Schema]
    custom_code: CustomCode
    limitations: tuple[str, ...] = ()
    certified_operations: tuple[str, ...] = ()
    mcp: Mcp | None = None

    @property
    def all_operations(self) -> tuple[Operation, ...]:
        """Actions and helpers first, then triggers, in description order."""
        return self.operations + self.triggers


McpType = Literal["string", "integer", "number", "boolean", "array", "object"]


@dataclass(frozen=True)
class McpArgument:
    """One input of an agent tool: a flat JSON Schema property and where the script sends it."""

    name: str
    type: McpType
    description: str
    required: bool = False
    items: McpType | None = None
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_items: int | None = None
    # query / body: kintone's parameter (default: query for GET, body otherwise); preview: true
    # moves the path under /k/v1/preview/; local: read by the tool's handler only.
    send: Literal["query", "body", "preview", "local"] | None = None
    # The body object this argument goes under (comment → {"comment": {"text": …}}); name[]
    # is the one object of an array (query[] → {"query": [{"keywords": …}]}).
    nest: str | None = None


@dataclass(frozen=True)
class McpTool:
    """One agent tool: a kintone REST call the script makes with the connection's auth."""

    name: str
    title: str
    description: str
    method: HttpMethod
    path: str
    arguments: tuple[McpArgument, ...] = ()
    # any: API tokens work; user: kintone accepts only a user (password or OAuth).
    auth: Literal["any", "user"] = "any"
    read_only: bool = False
    destructive: bool = False
    handler: Literal[
        "plain", "records", "record", "add", "update", "delete", "upload", "download"
    ] = "plain"
    # A response member whose keys the `fields` argument narrows (form field properties).
    select: str | None = None


@dataclass(frozen=True)
class Mcp:
    """The MCP server the script answers on the agentic operation."""

    operation: str
    server_name: str
    instructions: str
    tools: tuple[McpTool, ...]
