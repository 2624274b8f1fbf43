"""Python reference of script.csx: the same algorithms, so both can be diffed on shared vectors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import quote

# GetRecordSchema's mode: add / update describe a record body to write, add-list the records
# array of AddRecords, update-list the records array of UpdateRecords, record / records the
# typed outputs of the read operations, event the payload of the record webhooks and poll the
# 200 body of the polling triggers.
Mode = Literal["add", "update", "add-list", "update-list", "record", "records", "event", "poll"]
MODES: tuple[Mode, ...] = (
    "add",
    "update",
    "add-list",
    "update-list",
    "record",
    "records",
    "event",
    "poll",
)

# Context.SendAsync for the polling operations: (method, url) -> (status, body). Every call
# carries the incoming request's headers (authentication), so only these two vary.
Send = Callable[[str, str], tuple[int, bytes]]

# Bytes on the wire. Bodies the script builds are compact JSON (no spaces), keys in insertion
# order, non-ASCII as raw UTF-8. That is what Newtonsoft's JToken.ToString(Formatting.None) writes;
# json.dumps(ensure_ascii=False) agrees except that Newtonsoft also escapes U+0085, U+2028 and
# U+2029 (as \u0085, \u2028, \u2029), so dump_json escapes those three as well. Lone surrogates
# become U+FFFD, as .NET's UTF-8 encoder does. Upstream bodies the script passes on stay untouched.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_NEWTONSOFT_EXTRA_ESCAPES = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}

WEBHOOK_ID_MISSING = {
    "code": "CONNECTOR_WH01",
    "id": "",
    "message": "kintone did not return a webhook id; the subscription cannot be removed later.",
}
FIELDS_UNREADABLE = {
    "code": "CONNECTOR_RS01",
    "id": "",
    "message": "kintone returned a form fields response without a properties object.",
}
NO_UPDATED_TIME = {
    "code": "CONNECTOR_PL01",
    "id": "",
    "message": "The app has no Updated datetime field (UPDATED_TIME), so updated records "
    "cannot be watched.",
}
RECORDS_UNREADABLE = {
    "code": "CONNECTOR_PL02",
    "id": "",
    "message": "kintone returned a records response without a records array.",
}
TIME_UNREADABLE = {
    "code": "CONNECTOR_PL03",
    "id": "",
    "message": "kintone returned an updated time that is not in the form YYYY-MM-DDTHH:MM:SSZ.",
}
NO_STATUS = {
    "code": "CONNECTOR_PL04",
    "id": "",
    "message": "The app has no Status field or its process management is off, so status "
    "changes cannot be watched.",
}

# Writable field types: the noun used in descriptions. Everything else (system fields, CALC,
# STATUS, GROUP, REFERENCE_TABLE, future types) is left out of the record schema.
_NOUNS = {
    "SINGLE_LINE_TEXT": "Text field",
    "MULTI_LINE_TEXT": "Text area field",
    "RICH_TEXT": "Rich text field",
    "LINK": "Link field",
    "NUMBER": "Number field",
    "DATE": "Date field",
    "TIME": "Time field",
    "DATETIME": "Date and time field",
    "DROP_DOWN": "Drop-down field",
    "RADIO_BUTTON": "Radio button field",
    "CHECK_BOX": "Check box field",
    "MULTI_SELECT": "Multi-choice field",
    "USER_SELECT": "User selection field",
    "ORGANIZATION_SELECT": "Department selection field",
    "GROUP_SELECT": "Group selection field",
    "FILE": "Attachment field",
    "SUBTABLE": "Table",
}

# Types whose value is one scalar: JSON type, JSON Schema format ("" for none), description.
_SCALARS = {
    "SINGLE_LINE_TEXT": ("string", "", "One line of text."),
    "MULTI_LINE_TEXT": ("string", "", "Text; it may span several lines."),
    "RICH_TEXT": ("string", "", "Formatted text as HTML."),
    "NUMBER": ("number", "", "A number, e.g. 42 or 3.5."),
    "DATE": ("string", "date", "A date as YYYY-MM-DD."),
    "TIME": ("string", "", "A time of day as HH:MM (24-hour clock)."),
    "DATETIME": ("string", "date-time", "A date and time in ISO 8601, e.g. 2024-05-01T09:30:00Z."),
}

# LINK protocol: JSON Schema format and description.
_LINKS = {
    "WEB": ("", "A web address (URL)."),
    "CALL": ("", "A phone number."),
    "MAIL": ("email", "An e-mail address."),
}
_LINK_OTHER = ("", "A link.")

_CHOICES = {
    "DROP_DOWN": "One of the field's options.",
    "RADIO_BUTTON": "One of the field's options.",
}
_MULTI_CHOICES = {
    "CHECK_BOX": "Any of the field's options.",
    "MULTI_SELECT": "Any of the field's options.",
}

# Entity pickers: description of the list, description of each entry's code.
_ENTITIES = {
    "USER_SELECT": ("Users, each given by login name (code).", "Login name of the user."),
    "ORGANIZATION_SELECT": ("Departments, each given by department code.", "Department code."),
    "GROUP_SELECT": ("Groups, each given by group code.", "Group code."),
}

_FILE_TEXT = "Files, each given by a fileKey. Upload a file first to get a fileKey."
_FILE_KEY_TEXT = "The fileKey returned by the file upload."
_ROWS_TEXT = (
    "Rows of the table. On update, rows left out are removed; give a row's id to keep or change it."
)
_ROW_ID_TEXT = "ID of an existing row to change; leave it out to add a new row."
_ROW_VALUE_TEXT = "Field values of the row."
_MAX_SMALL_INT = 999_999_999

GUEST_SPACE_PARAMETER = "guestSpaceId"
DEFAULT_FIELDS_PATH = "/k/v1/app/form/fields.json"
RECORDS_PATH = "/k/v1/records.json"

# Private request headers the connection's policies fill with raw connection values (policies
# can copy values but not compute base64), by role; the script turns them into kintone's own
# headers. The keys are fixed; the names come from the model (CustomCode.auth_headers).
AUTH_HEADER_KEYS = ("token", "username", "password", "basic_username", "basic_password")
DEFAULT_AUTH_HEADERS: Mapping[str, str] = MappingProxyType(
    {
        "token": "X-Cybozu-API-Token",
        "username": "X-Kintone-Username",
        "password": "X-Kintone-Password",
        "basic_username": "X-Kintone-Basic-Username",
        "basic_password": "X-Kintone-Basic-Password",
    }
)
CYBOZU_AUTHORIZATION = "X-Cybozu-Authorization"
AUTHORIZATION = "Authorization"


@dataclass(frozen=True)
class ScriptResponse:
    """What the script answers. headers: only those the script sets itself."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# ---- JSON helpers -------------------------------------------------------------------------


def utf8(text: str) -> bytes:
    """UTF-8 bytes of text; lone surrogates become U+FFFD like .NET's encoder."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def dump_json(value: Any) -> bytes:
    """Serialise value byte-for-byte as the C# script does (see the rule at the top)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # These characters can only occur inside string literals, so a plain replace is safe.
    for char, escaped in _NEWTONSOFT_EXTRA_ESCAPES.items():
        text = text.replace(char, escaped)
    return utf8(text)


def parse_json_object(body: bytes) -> dict[str, Any] | None:
    """The JSON object in body (UTF-8, optional BOM), or None if body is anything else."""
    # Valid JSON parses alike on both sides (duplicate keys: first position, last value). Only
    # malformed bodies can differ: Newtonsoft also takes single quotes and comments.
    try:
        value = json.loads(body.decode("utf-8-sig"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are both ValueErrors
        return None
    return value if isinstance(value, dict) else None


def _small_int(value: Any) -> int | None:
    """A non-negative integer given as JSON integer or digit string (kintone sends strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= _MAX_SMALL_INT else None
    if isinstance(value, str) and 0 < len(value) <= 9 and all("0" <= c <= "9" for c in value):
        return int(value)
    return None


def _id_text(value: Any) -> str:
    """A webhook id or app id as text: a string as is, an integer in decimal; otherwise ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# ---- URL helpers (plain string work on the incoming absolute URL) --------------------------


def _split_fragment(url: str) -> tuple[str, str]:
    """(url without fragment, "#fragment" or "")."""
    hash_at = url.find("#")
    return (url, "") if hash_at < 0 else (url[:hash_at], url[hash_at:])


def _split_query(url: str) -> tuple[str, str]:
    """(url before "?", query without "?"); url has no fragment."""
    mark = url.find("?")
    return (url, "") if mark < 0 else (url[:mark], url[mark + 1 :])


def _authority_end(url: str) -> int:
    """Index where scheme://authority ends (0 when url has no "://")."""
    start = url.find("://")
    if start < 0:
        return 0
    end = start + 3
    while end < len(url) and url[end] not in "/?#":
        end += 1
    return end


def _authority(url: str) -> str:
    """host[:port] of url, without user info."""
    start = url.find("://")
    authority = url[start + 3 : _authority_end(url)] if start >= 0 else ""
    return authority[authority.rfind("@") + 1 :]


def _query_value(query: str, name: str) -> str | None:
    """Raw (still percent-encoded) value of the first name=value pair, or None."""
    for pair in query.split("&"):
        key, has_value, value = pair.partition("=")
        if key == name:
            return value if has_value else ""
    return None


def percent_encode(value: str) -> str:
    """RFC 3986 encoding of a query value: only A-Z a-z 0-9 - . _ ~ stay as they are."""
    return quote(utf8(value), safe="")


def _percent_decode(raw: str) -> bytes:
    """The bytes a raw query value stands for: %XX decoded, everything else (also "+") kept.

    Bytes, not text, so that invalid UTF-8 cannot be repaired differently by .NET and Python.
    """
    data = utf8(raw)
    result = bytearray()
    i = 0
    while i < len(data):
        pair = data[i + 1 : i + 3]
        if data[i] == 0x25 and len(pair) == 2 and all(chr(b) in _HEX for b in pair):
            result.append(int(pair, 16))
            i += 3
        else:
            result.append(data[i])
            i += 1
    return bytes(result)


_HEX = "0123456789abcdefABCDEF"


def _guest_prefix(path: str) -> str:
    """The "/k/guest/<spaceId>" start of a guest-space path, else ""."""
    head = "/k/guest/"
    if not path.startswith(head):
        return ""
    slash = path.find("/", len(head))
    return path[:slash] if slash > len(head) else ""


def kintone_url(request_url: str, path: str, query: str) -> str:
    """origin of request_url + path (under its guest-space prefix, if any) + "?" + query."""
    base = _split_query(_split_fragment(request_url)[0])[0]
    end = _authority_end(base)
    prefix = _guest_prefix(base[end:])
    if prefix and path.startswith("/k/"):
        path = prefix + path[2:]
    return f"{base[:end]}{path}?{query}"


def _request_query(url: str) -> str:
    return _split_query(_split_fragment(url)[0])[1]


def record_schema_upstream_url(request_url: str, fields_path: str) -> str:
    """The form-fields URL for a GetRecordSchema request: same origin, guest prefix, app."""
    app = _query_value(_request_query(request_url), "app") or ""
    return kintone_url(request_url, fields_path, "app=" + app)


def schema_mode(request_url: str) -> Mode:
    """The mode query value when it is one of MODES; anything else means add."""
    mode = _query_value(_request_query(request_url), "mode")
    return next((m for m in MODES if m == mode), "add")


# ---- Authentication -----------------------------------------------------------------------

HeaderPairs = tuple[tuple[str, str], ...]
_PRIVATE_AUTH_KEYS = ("username", "password", "basic_username", "basic_password")
# HTTP's optional whitespace (RFC 9110, 5.6.3). Only these make a token blank: a full-width
# space is not padding, and sending it lets kintone report the token as invalid.
_OWS = " \t"


def normalize_auth(headers: Sequence[tuple[str, str]], names: Mapping[str, str]) -> HeaderPairs:
    """The request headers with kintone's authentication built from the private ones.

    names maps AUTH_HEADER_KEYS to header names (DEFAULT_AUTH_HEADERS). Header names compare
    case-insensitively; a header given more than once counts as its values joined by ", ".
    1. The four private headers always go: kintone must never see a password in clear.
    2. A token header whose values are all empty or whitespace goes.
    3. A non-empty user name sets X-Cybozu-Authorization to base64(UTF-8 "user:password") and
       drops the token: kintone prefers the password anyway, and both only confuse.
    4. A non-empty Basic user name sets Authorization to "Basic " + base64(UTF-8 "user:password")
       unless the request has an Authorization header: OAuth's Bearer token wins, as kintone
       cannot take both in one header.
    The other headers keep their order; X-Cybozu-Authorization, then Authorization, are
    appended after them (replacing an X-Cybozu-Authorization the request had).
    """
    found = {key: _joined_values(headers, names[key]) for key in _PRIVATE_AUTH_KEYS}
    kept = _without(headers, [names[key] for key in _PRIVATE_AUTH_KEYS])
    tokens = _values(kept, names["token"])
    if tokens and all(not value.strip(_OWS) for value in tokens):
        kept = _without(kept, [names["token"]])
    if found["username"]:
        kept = _without(kept, [names["token"], CYBOZU_AUTHORIZATION])
        kept.append((CYBOZU_AUTHORIZATION, _base64_pair(found["username"], found["password"])))
    if found["basic_username"] and not _values(kept, AUTHORIZATION):
        basic = _base64_pair(found["basic_username"], found["basic_password"])
        kept.append((AUTHORIZATION, "Basic " + basic))
    return tuple(kept)


def _values(headers: Sequence[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def _joined_values(headers: Sequence[tuple[str, str]], name: str) -> str:
    """All values of a header joined by ", " (as HTTP combines repeated fields); "" if absent."""
    return ", ".join(_values(headers, name))


def _without(headers: Sequence[tuple[str, str]], names: Sequence[str]) -> list[tuple[str, str]]:
    dropped = {name.lower() for name in names}
    return [(key, value) for key, value in headers if key.lower() not in dropped]


def _base64_pair(user: str, password: str) -> str:
    return base64.b64encode(utf8(user + ":" + password)).decode("ascii")


# ---- Guest spaces -------------------------------------------------------------------------


def guest_rewrite(url: str, parameter: str) -> str:
    """Move a guest-space id from the query into the path, for every script operation.

    Every pair named parameter is dropped (an empty one too, so kintone never sees a
    parameter it does not know). When the first one has a value, /k/v1/... becomes
    /k/guest/<id>/v1/... (and /k/integration/v1/... becomes /k/guest/<id>/integration/v1/...)
    with the id re-encoded (RFC 3986), so "/" or "?" in it cannot change the path. Other
    paths (already /k/guest/...) stay as they are.
    """
    rest, fragment = _split_fragment(url)
    base, query = _split_query(rest)
    pairs = query.split("&") if query else []
    kept = [pair for pair in pairs if pair.partition("=")[0] != parameter]
    if len(kept) == len(pairs):
        return url
    space = _query_value(query, parameter) or ""
    end = _authority_end(base)
    path = base[end:]
    if space and path.startswith(_GUEST_CAPABLE):
        path = "/k/guest/" + quote(_percent_decode(space), safe="") + path[len("/k") :]
    new_query = "&".join(kept)
    return base[:end] + path + ("?" + new_query if new_query else "") + fragment


_GUEST_CAPABLE = ("/k/v1/", "/k/integration/v1/")


def _indexed_pairs(pair: str, parameters: Sequence[str], counters: dict[str, int]) -> list[str]:
    """One query pair, rewritten to name%5Bi%5D=item pairs when it is a listed parameter."""
    name, _, value = pair.partition("=")
    if name not in parameters:
        return [pair]
    # Items are split on raw or encoded commas; each item keeps its own encoding.
    items = value.replace("%2C", ",").replace("%2c", ",").split(",") if value else []
    pairs = []
    for item in items:
        index = counters.get(name, 0)
        counters[name] = index + 1
        pairs.append(f"{name}%5B{index}%5D={item}")
    return pairs


def indexed_query(url: str, parameters: Sequence[str]) -> str:
    """Rewrite apps=1,2 into apps%5B0%5D=1&apps%5B1%5D=2 (kintone's apps[0]=1&apps[1]=2)."""
    rest, fragment = _split_fragment(url)
    base, query = _split_query(rest)
    counters: dict[str, int] = {}
    pairs: list[str] = []
    for pair in query.split("&") if query else []:
        pairs.extend(_indexed_pairs(pair, parameters, counters))
    new_query = "&".join(pairs)
    return base + ("?" + new_query if new_query else "") + fragment


# ---- Webhook subscription -----------------------------------------------------------------


def subscribe_location(
    request_url: str,
    request_body: Mapping[str, Any],
    upstream_body: Mapping[str, Any],
    remove_webhook_path: str,
    guest_parameter: str = GUEST_SPACE_PARAMETER,
) -> str | None:
    """The URL the platform will DELETE later, or None when kintone gave no webhook id.

    request_url is the guest-rewritten URL: a webhook of a guest-space app is removed through
    the same guest space, so its id goes back into the query where RemoveWebhook reads it.
    """
    webhook_id = _id_text(upstream_body.get("id"))
    if not webhook_id:
        return None
    app = percent_encode(_id_text(request_body.get("app")))
    end = _authority_end(request_url)
    prefix = _guest_prefix(_split_query(_split_fragment(request_url)[0])[0][end:])
    guest = f"&{guest_parameter}={prefix[len('/k/guest/') :]}" if prefix else ""
    host = _authority(request_url)
    return f"https://{host}{remove_webhook_path}?app={app}&id={percent_encode(webhook_id)}{guest}"


def subscribe_result(
    request_url: str,
    request_body: Mapping[str, Any],
    upstream_status: int,
    upstream_body: bytes,
    remove_webhook_path: str,
    upstream_location: str | None = None,
    guest_parameter: str = GUEST_SPACE_PARAMETER,
) -> ScriptResponse:
    """The answer to a subscribe operation, given kintone's answer to the forwarded request.

    kintone's integration endpoint is undocumented: a Location it sends is kept as it is; only
    without one is a Location built from the webhook id in its body.
    """
    if not 200 <= upstream_status < 300:
        return ScriptResponse(upstream_status, {}, upstream_body)
    if upstream_location:
        return ScriptResponse(201, {"Location": upstream_location}, upstream_body)
    parsed = parse_json_object(upstream_body) or {}
    location = subscribe_location(
        request_url, request_body, parsed, remove_webhook_path, guest_parameter
    )
    if location is None:
        error = dump_json(WEBHOOK_ID_MISSING)
        return ScriptResponse(502, {"Content-Type": JSON_CONTENT_TYPE}, error)
    return ScriptResponse(201, {"Location": location}, upstream_body)


# ---- Record schema ------------------------------------------------------------------------


def _label(code: str, prop: Mapping[str, Any]) -> str:
    label = prop.get("label")
    return label if isinstance(label, str) and label else code


def _described(json_type: str, summary: str, description: str) -> dict[str, Any]:
    """A schema node starting with type, x-ms-summary and description (the order in C#)."""
    return {"type": json_type, "x-ms-summary": summary, "description": description}


def lookup_copy_targets(properties: Mapping[str, Any]) -> set[str]:
    """Codes filled in by lookups (read-only for writes), also inside subtables."""
    targets: set[str] = set()
    for prop in properties.values():
        prop = _mapping(prop)
        mappings = _mapping(prop.get("lookup")).get("fieldMappings")
        for mapping in mappings if isinstance(mappings, list) else []:
            target = _mapping(mapping).get("field")
            if isinstance(target, str):
                targets.add(target)
        if prop.get("type") == "SUBTABLE":
            targets |= lookup_copy_targets(_mapping(prop.get("fields")))
    return targets


def _option_keys(prop: Mapping[str, Any]) -> list[str]:
    """Option keys ordered by numeric index; options without a usable index go last."""
    options = _mapping(prop.get("options"))

    def order(key: str) -> int:
        index = _small_int(_mapping(options[key]).get("index"))
        return _MAX_SMALL_INT + 1 if index is None else index

    return sorted(options, key=order)  # sorted() is stable, like LINQ OrderBy in C#


def _add_lengths(schema: dict[str, Any], prop: Mapping[str, Any]) -> None:
    for key in ("minLength", "maxLength"):
        length = _small_int(prop.get(key))
        if length is not None:
            schema[key] = length


def _scalar_value(field_type: str, label: str, prop: Mapping[str, Any]) -> dict[str, Any]:
    json_type, fmt, text = _SCALARS[field_type]
    schema = _described(json_type, label, text)
    if fmt:
        schema["format"] = fmt
    if field_type == "SINGLE_LINE_TEXT":
        _add_lengths(schema, prop)
    return schema


def _link_value(label: str, prop: Mapping[str, Any]) -> dict[str, Any]:
    protocol = prop.get("protocol")
    fmt, text = _LINKS.get(protocol, _LINK_OTHER) if isinstance(protocol, str) else _LINK_OTHER
    schema = _described("string", label, text)
    if fmt:
        schema["format"] = fmt
    _add_lengths(schema, prop)
    return schema


def _choice_value(label: str, prop: Mapping[str, Any], text: str) -> dict[str, Any]:
    schema = _described("string", label, text)
    keys = _option_keys(prop)
    if keys:
        schema["enum"] = keys
    return schema


def _multi_choice_value(label: str, prop: Mapping[str, Any], text: str) -> dict[str, Any]:
    schema = _described("array", label, text)
    items: dict[str, Any] = {"type": "string"}
    keys = _option_keys(prop)
    if keys:
        items["enum"] = keys
    schema["items"] = items
    return schema


def _keyed_list(label: str, text: str, key: str, key_summary: str, key_text: str) -> dict[str, Any]:
    """An array of objects with one required string property (entity code or fileKey)."""
    schema = _described("array", label, text)
    schema["items"] = {
        "type": "object",
        "properties": {key: _described("string", key_summary, key_text)},
        "required": [key],
    }
    return schema


def _table_value(
    label: str, prop: Mapping[str, Any], copy_targets: set[str], add: bool
) -> dict[str, Any]:
    row_value = _described("object", "Row fields", _ROW_VALUE_TEXT)
    _fill_object(row_value, _mapping(prop.get("fields")), copy_targets, add)
    schema = _described("array", label, _ROWS_TEXT)
    schema["items"] = {
        "type": "object",
        "properties": {"id": _described("string", "Row ID", _ROW_ID_TEXT), "value": row_value},
    }
    return schema


def _value_schema(
    field_type: str, label: str, prop: Mapping[str, Any], copy_targets: set[str], add: bool
) -> dict[str, Any]:
    """The schema of a field's value (the part sent as {"value": ...})."""
    if field_type == "LINK":
        return _link_value(label, prop)
    if field_type in _SCALARS:
        return _scalar_value(field_type, label, prop)
    if field_type in _CHOICES:
        return _choice_value(label, prop, _CHOICES[field_type])
    if field_type in _MULTI_CHOICES:
        return _multi_choice_value(label, prop, _MULTI_CHOICES[field_type])
    if field_type in _ENTITIES:
        text, code_text = _ENTITIES[field_type]
        return _keyed_list(label, text, "code", "Code", code_text)
    if field_type == "FILE":
        return _keyed_list(label, _FILE_TEXT, "fileKey", "File key", _FILE_KEY_TEXT)
    return _table_value(label, prop, copy_targets, add)


def _is_writable(code: str, prop: Mapping[str, Any], copy_targets: set[str]) -> bool:
    field_type = prop.get("type")
    if not isinstance(field_type, str) or field_type not in _NOUNS or code in copy_targets:
        return False
    expression = prop.get("expression")
    # A text field with a formula is filled in by kintone; writes to it are rejected.
    return not (field_type == "SINGLE_LINE_TEXT" and isinstance(expression, str) and expression)


def _field_schema(
    code: str, prop: Mapping[str, Any], copy_targets: set[str], add: bool
) -> dict[str, Any]:
    field_type: str = prop["type"]
    label = _label(code, prop)
    description = f'{_NOUNS[field_type]} "{label}" ({field_type}).'
    schema = _described("object", label, description)
    schema["properties"] = {"value": _value_schema(field_type, label, prop, copy_targets, add)}
    schema["required"] = ["value"]
    return schema


def _fill_object(
    schema: dict[str, Any], properties: Mapping[str, Any], copy_targets: set[str], add: bool
) -> None:
    """Add "properties" (writable fields, input order) and "required" (if any) to schema."""
    fields: dict[str, Any] = {}
    required: list[str] = []
    for code, prop in properties.items():
        if not isinstance(prop, Mapping) or not _is_writable(code, prop, copy_targets):
            continue
        fields[code] = _field_schema(code, prop, copy_targets, add)
        if add and prop.get("required") is True:
            required.append(code)
    schema["properties"] = fields
    if required:
        schema["required"] = required


def write_record_schema(fields_response: Mapping[str, Any], add: bool) -> dict[str, Any]:
    """JSON Schema of a record body to add (add=True) or to update."""
    properties = _mapping(fields_response.get("properties"))
    schema: dict[str, Any] = {"type": "object"}
    _fill_object(schema, properties, lookup_copy_targets(properties), add)
    return schema


def update_item_schema(fields_response: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of UpdateRecords' records: the record to change, and its typed fields."""
    key = _described("object", "Update key", _UPDATE_KEY_TEXT)
    key["properties"] = {
        "field": _described("string", "Update key field code", "The code of the unique field."),
        "value": _described("string", "Update key value", "The value that identifies the record."),
    }
    key["required"] = ["field", "value"]
    record = write_record_schema(fields_response, False)
    record["x-ms-summary"] = "Fields"
    record["description"] = "The field values to change, by field code."
    properties = {
        "id": _described("string", "Record ID", _UPDATE_ID_TEXT),
        "updateKey": key,
        "revision": _described("string", "Expected revision", _UPDATE_REVISION_TEXT),
        "record": record,
    }
    return {"type": "object", "properties": properties}


_UPDATE_KEY_TEXT = (
    "A field that prohibits duplicate values, and the value that identifies the record."
)
_UPDATE_ID_TEXT = "The ID of the record to update; or use an update key."
_UPDATE_REVISION_TEXT = "The record's current revision; empty or -1 skips the check."


def record_schema(fields_response: Mapping[str, Any], mode: Mode) -> dict[str, Any]:
    """{"schema": JSON Schema for mode} for a kintone form-fields response."""
    if mode in ("add", "update"):
        return {"schema": write_record_schema(fields_response, mode == "add")}
    if mode == "add-list":
        items = write_record_schema(fields_response, True)
        return {"schema": {"type": "array", "items": items}}
    if mode == "update-list":
        return {"schema": {"type": "array", "items": update_item_schema(fields_response)}}
    record = read_record_schema(fields_response)
    if mode == "record":
        return {"schema": {"type": "object", "properties": {"record": record}}}
    if mode == "event":
        return {"schema": _record_event(record)}
    if mode == "poll":
        value = {"type": "array", "items": record}
        return {"schema": {"type": "object", "properties": {"value": value}}}
    return {"schema": _records_page(record)}


def _records_page(record: dict[str, Any]) -> dict[str, Any]:
    """A Get Records answer: the records and the total count (null unless asked for)."""
    properties = {
        "records": {"type": "array", "items": record},
        "totalCount": {"type": "string", "x-nullable": True},
    }
    return {"type": "object", "properties": properties}


_EVENT_TYPES = ["ADD_RECORD", "UPDATE_RECORD", "UPDATE_STATUS"]
_EVENT_RECORD_TEXT = "The record with the fields of the app, each field as type and value."


def _record_event(record: dict[str, Any]) -> dict[str, Any]:
    """What kintone posts for ADD_RECORD, UPDATE_RECORD and UPDATE_STATUS, with the app's fields.

    The record has the read record's properties, with a summary and description added.
    """
    event_type = _described("string", "Event type", "The kind of event.")
    event_type["enum"] = list(_EVENT_TYPES)
    app = _described("object", "App", "The app where the event happened.")
    app["properties"] = {
        "id": _described("string", "App ID", "The ID of the app."),
        "name": _described("string", "App name", "The name of the app."),
    }
    event_record = _described("object", "Record", _EVENT_RECORD_TEXT)
    event_record["properties"] = record["properties"]
    title = _described("string", "Record title", "The record's title as set in the app.")
    url = _described("string", "Record URL", "The address of the record.")
    url["format"] = "uri"
    properties = {
        "id": _described("string", "Notification ID", "The unique ID of this notification."),
        "type": event_type,
        "app": app,
        "record": event_record,
        "recordTitle": title,
        "url": url,
    }
    return {"type": "object", "properties": properties}


# ---- Read record schema -------------------------------------------------------------------
# What kintone returns for a record (kintone-api.md section 4.1): every field with a record
# value, each {"type", "value"}. Labels become x-ms-summary so the flow designer names the
# tokens after the fields; "type" is internal, as nobody needs a token for it.

# Types read as one string: JSON Schema format ("" for none) and whether null occurs.
# NUMBER and CALC are strings on reads. DATETIME has no format: kintone sends "" when empty.
_READ_STRINGS: dict[str, tuple[str, bool]] = {
    "__ID__": ("", False),
    "__REVISION__": ("", False),
    "RECORD_NUMBER": ("", False),
    "SINGLE_LINE_TEXT": ("", False),
    "MULTI_LINE_TEXT": ("", False),
    "RICH_TEXT": ("", False),
    "LINK": ("", False),
    "NUMBER": ("", False),
    "CALC": ("", False),
    "RADIO_BUTTON": ("", False),
    "STATUS": ("", False),
    "DATETIME": ("", False),
    "CREATED_TIME": ("date-time", False),
    "UPDATED_TIME": ("date-time", False),
    "DROP_DOWN": ("", True),
    "DATE": ("date", True),
    "TIME": ("", True),
}
_READ_STRING_LISTS = frozenset({"CHECK_BOX", "MULTI_SELECT", "CATEGORY"})
_READ_ENTITY_LISTS = frozenset(
    {"USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "STATUS_ASSIGNEE"}
)
_READ_ENTITIES = frozenset({"CREATOR", "MODIFIER"})
# The two system entries every record has, though the form fields never list them.
_READ_SYSTEM = (("$id", "__ID__", "Record ID"), ("$revision", "__REVISION__", "Revision"))


def _summarised(json_type: str, summary: str) -> dict[str, Any]:
    return {"type": json_type, "x-ms-summary": summary}


def _read_object(summaries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """An object of string properties, each (name, summary)."""
    properties = {name: _summarised("string", summary) for name, summary in summaries}
    return {"type": "object", "properties": properties}


def _read_string(field_type: str, label: str) -> dict[str, Any]:
    fmt, nullable = _READ_STRINGS[field_type]
    schema = _summarised("string", label)
    if fmt:
        schema["format"] = fmt
    if nullable:
        schema["x-nullable"] = True
    return schema


def _read_list(label: str, items: dict[str, Any]) -> dict[str, Any]:
    schema = _summarised("array", label)
    schema["items"] = items
    return schema


_ENTITY_PARTS = (("code", "Code"), ("name", "Name"))
_FILE_PARTS = (
    ("contentType", "Content type"),
    ("fileKey", "File key"),
    ("name", "File name"),
    ("size", "Size in bytes"),
)


def _read_table(label: str, prop: Mapping[str, Any]) -> dict[str, Any]:
    row_fields = _read_fields(_mapping(prop.get("fields")), {})
    row_value = {"type": "object", "properties": row_fields}
    row = {
        "type": "object",
        "properties": {"id": _summarised("string", "Row ID"), "value": row_value},
    }
    return _read_list(label, row)


def _read_value(field_type: str, label: str, prop: Mapping[str, Any]) -> dict[str, Any] | None:
    """The schema of a field's value as kintone returns it; None for types without one."""
    if field_type in _READ_STRINGS:
        return _read_string(field_type, label)
    if field_type in _READ_STRING_LISTS:
        return _read_list(label, {"type": "string"})
    if field_type in _READ_ENTITY_LISTS:
        return _read_list(label, _read_object(_ENTITY_PARTS))
    if field_type in _READ_ENTITIES:
        entity = _read_object(_ENTITY_PARTS)
        return {"type": "object", "x-ms-summary": label, "properties": entity["properties"]}
    if field_type == "FILE":
        return _read_list(label, _read_object(_FILE_PARTS))
    if field_type == "SUBTABLE":
        return _read_table(label, prop)
    return None  # GROUP, REFERENCE_TABLE and types this connector does not know yet


def _read_field(label: str, value: dict[str, Any]) -> dict[str, Any]:
    field_type = {"type": "string", "x-ms-visibility": "internal"}
    return {
        "type": "object",
        "x-ms-summary": label,
        "properties": {"type": field_type, "value": value},
    }


def _read_fields(properties: Mapping[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """Add read schemas of the fields that have a record value to into, in input order."""
    for code, prop in properties.items():
        field_type = _mapping(prop).get("type")
        if not isinstance(field_type, str):
            continue
        label = _label(code, prop)
        value = _read_value(field_type, label, prop)
        if value is not None:
            into[code] = _read_field(label, value)
    return into


def read_record_schema(fields_response: Mapping[str, Any]) -> dict[str, Any]:
    """JSON Schema of one record as kintone returns it: $id and $revision, then the fields."""
    fields = {
        code: _read_field(summary, _read_string(field_type, summary))
        for code, field_type, summary in _READ_SYSTEM
    }
    _read_fields(_mapping(fields_response.get("properties")), fields)
    return {"type": "object", "properties": fields}


def record_schema_result(
    request_url: str, upstream_status: int, upstream_body: bytes
) -> ScriptResponse:
    """The answer to GetRecordSchema, given kintone's answer to the form-fields request."""
    if not 200 <= upstream_status < 300:
        return ScriptResponse(upstream_status, {}, upstream_body)
    parsed = parse_json_object(upstream_body)
    if parsed is None or not isinstance(parsed.get("properties"), dict):
        error = dump_json(FIELDS_UNREADABLE)
        return ScriptResponse(502, {"Content-Type": JSON_CONTENT_TYPE}, error)
    schema = record_schema(parsed, schema_mode(request_url))
    return ScriptResponse(200, {"Content-Type": JSON_CONTENT_TYPE}, dump_json(schema))


# ---- Polling triggers ---------------------------------------------------------------------
# The platform's polling contract: the trigger calls the operation, then keeps calling the URL
# in the answer's Location header. 200 + {"value": [...]} fires the flow for each record; 202
# means nothing new and Retry-After says when to look again. The watermark therefore lives in
# the Location URL's state parameter; the script keeps nothing between calls.
#
# Added records: state is the highest $id delivered, in decimal.
# Updated records and status changes: state is an UpdatedToken (see encode_updated_token).
#
# Records are re-serialised (dump_json), so parity with C# holds for kintone's records, whose
# values are strings, arrays, objects and null; a JSON number with a fraction could be written
# differently by Newtonsoft (1E+20 against 1e+20).

POLL_LIMIT = 500  # kintone's maximum per Get Records call
POLL_RETRY_SECONDS = "60"
_MAX_ID = 999_999_999_999_999_999  # 18 digits: fits .NET's long with room for one addition
_MAX_DELIVERED = 100_000  # pairs one token may expand to; more means the token is forged
_EPOCH = "197001010000"  # the watermark of an app without records: every record is newer


def _digits(text: Any) -> int | None:
    """1 to 18 ASCII digits as a number; None for anything else (also signs and spaces)."""
    if not isinstance(text, str) or not 0 < len(text) <= 18:
        return None
    return int(text) if all("0" <= c <= "9" for c in text) else None


def _record_number(record: Any, key: str) -> int | None:
    """$id or $revision of a record as a number."""
    return _digits(_mapping(_mapping(record).get(key)).get("value"))


def _is_kintone_time(text: str) -> bool:
    """Exactly YYYY-MM-DDTHH:MM:SSZ, the form kintone gives record times in."""
    shape = "dddd-dd-ddTdd:dd:ddZ"
    return len(text) == len(shape) and all(
        ("0" <= c <= "9") if s == "d" else c == s for c, s in zip(text, shape, strict=True)
    )


def _record_time(record: Any, code: str) -> str | None:
    value = _mapping(_mapping(record).get(code)).get("value")
    return value if isinstance(value, str) and _is_kintone_time(value) else None


def polling_location(request_url: str, state: str) -> str:
    """request_url with its state parameter set to state (replaced in place, else appended)."""
    base, query = _split_query(_split_fragment(request_url)[0])
    pair = "state=" + percent_encode(state)
    pairs: list[str] = []
    for item in query.split("&") if query else []:
        if item.partition("=")[0] != "state":
            pairs.append(item)
        elif pair not in pairs:
            pairs.append(pair)
    if pair not in pairs:
        pairs.append(pair)
    return base + "?" + "&".join(pairs)


def records_query(app: str, query: str, fields: Sequence[str] = ()) -> str:
    """The query string of a Get Records call; app is still encoded, the rest gets encoded."""
    return encoded_records_query(app, percent_encode(query), fields)


def encoded_records_query(app: str, query: str, fields: Sequence[str] = ()) -> str:
    """records_query for a query that is percent-encoded already."""
    text = f"app={app}&query={query}"
    for index, code in enumerate(fields):
        text += f"&fields%5B{index}%5D={percent_encode(code)}"
    return text


def _waiting(location: str) -> ScriptResponse:
    return ScriptResponse(202, {"Location": location, "Retry-After": POLL_RETRY_SECONDS})


def _delivered(location: str, records: Sequence[Any]) -> ScriptResponse:
    headers = {"Content-Type": JSON_CONTENT_TYPE, "Location": location}
    return ScriptResponse(200, headers, dump_json({"value": list(records)}))


def _error(status: int, error: Mapping[str, str]) -> ScriptResponse:
    return ScriptResponse(status, {"Content-Type": JSON_CONTENT_TYPE}, dump_json(error))


def _fetch_records(send: Send, url: str) -> list[Any] | ScriptResponse:
    """The records of a Get Records answer, or the answer to give instead."""
    status, body = send("GET", url)
    if not 200 <= status < 300:
        return ScriptResponse(status, {}, body)  # kintone's own error, unchanged
    records = (parse_json_object(body) or {}).get("records")
    return records if isinstance(records, list) else _error(502, RECORDS_UNREADABLE)


def _poll_request(request_url: str, guest_parameter: str) -> tuple[str, str, str | None]:
    """(the guest-rewritten URL, the raw app value, the raw state value or None)."""
    url = guest_rewrite(request_url, guest_parameter)
    query = _request_query(url)
    return url, _query_value(query, "app") or "", _query_value(query, "state")


# ---- Polling: added records ---------------------------------------------------------------


def poll_added(
    request_url: str, send: Send, guest_parameter: str = GUEST_SPACE_PARAMETER
) -> ScriptResponse:
    """The answer to the added-records trigger (watermark: the highest $id delivered).

    Without a state (or with one this script did not write) it only looks up the newest
    record and answers 202 with its $id: a new trigger starts now, with no backfill.
    """
    url, app, raw_state = _poll_request(request_url, guest_parameter)
    state = _digits(raw_state)
    if state is None:
        newest = "order by $id desc limit 1"
        fetched = _fetch_records(
            send, kintone_url(url, RECORDS_PATH, records_query(app, newest, ["$id"]))
        )
        if isinstance(fetched, ScriptResponse):
            return fetched
        return _waiting(polling_location(request_url, str(_highest_id(fetched, 0))))
    query = f"$id > {state} order by $id asc limit {POLL_LIMIT}"
    fetched = _fetch_records(send, kintone_url(url, RECORDS_PATH, records_query(app, query)))
    if isinstance(fetched, ScriptResponse):
        return fetched
    location = polling_location(request_url, str(_highest_id(fetched, state)))
    return _delivered(location, fetched) if fetched else _waiting(location)


def _highest_id(records: Sequence[Any], floor: int) -> int:
    ids = (_record_number(record, "$id") for record in records)
    return max([floor, *(i for i in ids if i is not None)])


# ---- Polling: updated records -------------------------------------------------------------
# kintone compares date-times in queries by the minute (DATETIME values have no seconds; the
# stand-in cuts the seconds off record times before comparing), so the watermark is a minute:
# the last minute with delivered records plus $id and $revision of the records delivered in
# it. The next call asks for ">= that minute" again and drops those: neither a record updated
# later in the same minute is lost nor one repeated. Queries only use minute-aligned literals
# (:00, and :59 as the minute's end), which mean the same whether the server compares by the
# minute or by the second.


@dataclass(frozen=True)
class UpdatedToken:
    """Watermark of the updated-records trigger: a minute, and {$id: $revision} delivered in it."""

    time: str  # YYYY-MM-DDTHH:MM:00Z, the start of the minute
    delivered: dict[int, int] = field(default_factory=dict)


def encode_updated_token(token: UpdatedToken) -> str:
    """The state text: URL-safe (digits, "." and "-"), short for runs of consecutive ids.

    Format: MINUTE *("." RUN), MINUTE = the 12 digits YYYYMMDDHHMM of the UTC minute,
    RUN = STEP "-" REVISION ["-" COUNT]: COUNT (default 1) consecutive ids, all delivered at
    REVISION, the first STEP after the previous run's last id (after 0 for the first run).
    Example: 202405010310.101-2-100.5-3 = 03:10, ids 101-200 at revision 2, 205 at revision 3.
    """
    parts = ["".join(c for c in token.time[:16] if "0" <= c <= "9")]
    ids = sorted(token.delivered)
    previous, start = 0, 0
    while start < len(ids):
        end = start
        revision = token.delivered[ids[start]]
        while (
            end + 1 < len(ids)
            and ids[end + 1] == ids[end] + 1
            and token.delivered[ids[end + 1]] == revision
        ):
            end += 1
        count = f"-{end - start + 1}" if end > start else ""
        parts.append(f"{ids[start] - previous}-{revision}{count}")
        previous, start = ids[end], end + 1
    return ".".join(parts)


def decode_updated_token(text: str) -> UpdatedToken | None:
    """The token encode_updated_token wrote, or None for any other text."""
    parts = text.split(".")
    if len(parts[0]) != 12 or _digits(parts[0]) is None:
        return None
    delivered: dict[int, int] = {}
    previous = 0
    for part in parts[1:]:
        run = _decode_run(part)
        if run is None:
            return None
        step, revision, count = run
        first = previous + step
        previous = first + count - 1
        # Bounds keep C#'s long from overflowing and a forged token from growing unbounded.
        if previous > _MAX_ID or len(delivered) + count > _MAX_DELIVERED:
            return None
        for record_id in range(first, previous + 1):
            delivered[record_id] = revision
    return UpdatedToken(decode_minute(parts[0]), delivered)


def _decode_run(run: str) -> tuple[int, int, int] | None:
    """(step, revision, count) of one run; None unless 2 or 3 numbers with step, count >= 1."""
    numbers = [_digits(n) for n in run.split("-")]
    values = [n for n in numbers if n is not None]
    if len(values) != len(numbers) or not 2 <= len(values) <= 3:
        return None
    count = values[2] if len(values) == 3 else 1
    return (values[0], values[1], count) if values[0] >= 1 and count >= 1 else None


def updated_time_code(fields_response: Mapping[str, Any]) -> str | None:
    """The code of the app's UPDATED_TIME field (the first, in input order), or None."""
    properties = _mapping(fields_response.get("properties"))
    return next(
        (code for code, prop in properties.items() if _mapping(prop).get("type") == "UPDATED_TIME"),
        None,
    )


def poll_updated(
    request_url: str,
    send: Send,
    fields_path: str = DEFAULT_FIELDS_PATH,
    guest_parameter: str = GUEST_SPACE_PARAMETER,
) -> ScriptResponse:
    """The answer to the updated-records trigger (watermark: an UpdatedToken).

    It first reads the form fields for the UPDATED_TIME field's code. Without a state (or
    with one this script did not write) it answers 202 with the newest updated minute: no
    backfill. A record added after the trigger started counts as updated, as kintone sets
    its updated time when it is created.
    """
    return _poll_changes(request_url, send, fields_path, guest_parameter, by_status=False)


def _poll_changes(
    request_url: str, send: Send, fields_path: str, guest_parameter: str, *, by_status: bool
) -> ScriptResponse:
    """poll_updated, or poll_status when by_status: one form-fields read, then the records."""
    url, app, raw_state = _poll_request(request_url, guest_parameter)
    status, body = send("GET", kintone_url(url, fields_path, "app=" + app))
    if not 200 <= status < 300:
        return ScriptResponse(status, {}, body)
    fields = parse_json_object(body)
    if fields is None or not isinstance(fields.get("properties"), dict):
        return _error(502, FIELDS_UNREADABLE)
    code = updated_time_code(fields)
    if code is None:
        return _error(400, NO_UPDATED_TIME)
    where = ""
    if by_status:
        status_code = status_field_code(fields)
        if status_code is None:
            return _error(400, NO_STATUS)
        wanted = _query_value(_request_query(url), "status")
        where = status_condition(status_code, wanted) if wanted else ""
    token = decode_updated_token(raw_state) if raw_state is not None else None
    poll = _UpdatedPoll(request_url, url, app, code, send, where)
    return poll.start() if token is None else poll.next(token)


@dataclass(frozen=True)
class _UpdatedPoll:
    """One call of the updated-records trigger, once the UPDATED_TIME code is known."""

    request_url: str
    url: str  # guest-rewritten
    app: str
    code: str
    send: Send
    where: str = ""  # a percent-encoded condition every query must also meet ("" for none)

    def fetch(
        self, condition: str, order: str, fields: Sequence[str] = ()
    ) -> list[Any] | ScriptResponse:
        """Get Records for "[where and (condition)] order" (condition may be "")."""
        if not self.where:
            query = percent_encode(f"{condition} {order}" if condition else order)
        elif condition:
            query = self.where + percent_encode(f" and ({condition}) {order}")
        else:
            query = self.where + percent_encode(" " + order)
        upstream = kintone_url(
            self.url, RECORDS_PATH, encoded_records_query(self.app, query, fields)
        )
        return _fetch_records(self.send, upstream)

    def start(self) -> ScriptResponse:
        """202 with the newest minute and the records updated in it."""
        order = f"order by {self.code} desc, $id desc limit {POLL_LIMIT}"
        fetched = self.fetch("", order, ["$id", "$revision", self.code])
        if isinstance(fetched, ScriptResponse):
            return fetched
        if not fetched:
            return self.waiting(UpdatedToken(decode_minute(_EPOCH)))
        minute = _record_minute(fetched[0], self.code)
        if minute is None:
            return _error(502, TIME_UNREADABLE)
        return self.waiting(_advance(UpdatedToken(minute), fetched, self.code, minute))

    def next(self, token: UpdatedToken) -> ScriptResponse:
        """200 with the records updated since token, or 202 with token unchanged."""
        start, code = token.time, self.code
        order = f"order by {code} asc, $id asc limit {POLL_LIMIT}"
        fetched = self.fetch(f'{code} >= "{start}"', order)
        if isinstance(fetched, ScriptResponse):
            return fetched
        fresh = [r for r in fetched if not _already_delivered(r, code, token)]
        if not fresh and len(fetched) >= POLL_LIMIT:
            # A full page of records delivered already: more than a page share the minute.
            # Seek past the highest id delivered in it (ids are ordered within one minute).
            end = start[:17] + "59Z"
            after = max(token.delivered, default=0)
            fetched = self.fetch(
                f'({code} >= "{start}" and {code} <= "{end}" and $id > {after}) '
                f'or {code} > "{end}"',
                order,
            )
            if isinstance(fetched, ScriptResponse):
                return fetched
            fresh = [r for r in fetched if not _already_delivered(r, code, token)]
        if not fresh:
            return self.waiting(token)
        last = _record_minute(fresh[-1], code)
        if last is None:
            return _error(502, TIME_UNREADABLE)
        state = encode_updated_token(_advance(token, fresh, code, last))
        return _delivered(polling_location(self.request_url, state), fresh)

    def waiting(self, token: UpdatedToken) -> ScriptResponse:
        return _waiting(polling_location(self.request_url, encode_updated_token(token)))


def decode_minute(stamp: str) -> str:
    """YYYY-MM-DDTHH:MM:00Z for 12 digits YYYYMMDDHHMM."""
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:00Z"


def _record_minute(record: Any, code: str) -> str | None:
    """The start of the minute of a record's updated time (YYYY-MM-DDTHH:MM:00Z), or None."""
    time = _record_time(record, code)
    return None if time is None else time[:17] + "00Z"


def _already_delivered(record: Any, code: str, token: UpdatedToken) -> bool:
    """Whether record was delivered in token's minute with this revision (or a later one)."""
    if _record_minute(record, code) != token.time:
        return False
    record_id = _record_number(record, "$id")
    revision = _record_number(record, "$revision")
    delivered = token.delivered.get(record_id) if record_id is not None else None
    return delivered is not None and revision is not None and revision <= delivered


def _advance(token: UpdatedToken, records: Sequence[Any], code: str, minute: str) -> UpdatedToken:
    """The token after delivering records whose last updated minute is minute."""
    delivered = dict(token.delivered) if minute == token.time else {}
    for record in records:
        record_id = _record_number(record, "$id")
        revision = _record_number(record, "$revision")
        in_minute = _record_minute(record, code) == minute
        if in_minute and record_id is not None and revision is not None:
            delivered[record_id] = revision
    return UpdatedToken(minute, delivered)


# ---- Polling: status changes --------------------------------------------------------------
# kintone keeps no status history, and a status action raises a record's $revision by 2 but an
# edit raises it too, so whether a record's status changed cannot be read from the record
# alone. The status trigger is therefore the updated-records trigger on a narrower query, with
# the same UpdatedToken, the same queries and the same dedupe:
# - with a status input, every query also asks for `<Status code> in ("<status>")`, so
#   kintone itself keeps only records now in that status (pages stay full; no client-side
#   filter). The trigger fires when a record enters the status, and again when a record in
#   that status is edited. The watermark moves exactly as the updated trigger's would for the
#   filtered query, also when nothing matches (202, token advanced or unchanged).
# - without a status input, every updated record is delivered, each with its current Status
#   field (Get Records includes it): the updated trigger, for apps with process management.
# The Status field's code comes from the form fields, like UPDATED_TIME's; an app without one,
# or with process management off (kintone then sends the field with enabled: false), is a 400.


def status_field_code(fields_response: Mapping[str, Any]) -> str | None:
    """The code of the app's STATUS field (the first) when process management is on, or None."""
    properties = _mapping(fields_response.get("properties"))
    return next(
        (
            code
            for code, prop in properties.items()
            if _mapping(prop).get("type") == "STATUS" and _mapping(prop).get("enabled") is True
        ),
        None,
    )


def status_condition(code: str, raw_status: str) -> str:
    """`code in ("status")` percent-encoded, for a raw (still percent-encoded) status value.

    The status is a kintone query string: in double quotes, with `"` and `\\` escaped by a
    backslash. It is worked on as bytes (both are ASCII, so no UTF-8 sequence is split), so
    that an invalid UTF-8 value cannot be repaired differently by .NET and Python.
    """
    literal = _percent_decode(raw_status).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return percent_encode(f'{code} in ("') + quote(literal, safe="") + percent_encode('")')


def poll_status(
    request_url: str,
    send: Send,
    fields_path: str = DEFAULT_FIELDS_PATH,
    guest_parameter: str = GUEST_SPACE_PARAMETER,
) -> ScriptResponse:
    """The answer to the status trigger (watermark: an UpdatedToken); see the comment above.

    The optional status query value (empty counts as none) narrows every records query to
    records in that status. Errors: no UPDATED_TIME field (CONNECTOR_PL01), then no enabled
    STATUS field (CONNECTOR_PL04), both 400 and before any records query.
    """
    return _poll_changes(request_url, send, fields_path, guest_parameter, by_status=True)


# ---- Bulk writes through bulkRequest ------------------------------------------------------
# "Add / Update / Delete records (up to 2,000)" turn one connector call into ONE kintone call:
# the records (or ids) are cut into chunks of 100 (kintone's limit per records.json call) and
# sent as up to 20 requests of one bulkRequest (kintone's limit), which kintone runs all or
# nothing. The answer merges the 20 results back into the shape of the 100-record action. On
# failure kintone puts the error object at the failing request's index; the script answers
# that error, with kintone's status, and error keys such as records[5].Title.value renumbered
# to the position in the caller's whole list (records[105]... for the second chunk).
#
# "Run requests in one transaction" (BulkRequest) forwards the caller's requests; only for a
# guest space does it move each inner /k/v1/ path into the guest space, as it does the outer one.

BulkKind = Literal["add", "update", "delete"]
BULK_KINDS: tuple[BulkKind, ...] = ("add", "update", "delete")
BULK_CHUNK = 100  # records per records.json call
BULK_REQUESTS = 20  # requests per bulkRequest
BULK_MAX = BULK_CHUNK * BULK_REQUESTS
BULK_PATH = "/k/v1/bulkRequest.json"
_BULK_METHODS: dict[BulkKind, str] = {"add": "POST", "update": "PUT", "delete": "DELETE"}
_BULK_LISTS: dict[BulkKind, str] = {"add": "records", "update": "records", "delete": "ids"}
_RENUMBERED = ("records[", "ids[", "revisions[")

BULK_BODY_UNREADABLE = {
    "code": "CONNECTOR_BK01",
    "id": "",
    "message": "The request body is not a JSON object.",
}
BULK_RESULTS_UNREADABLE = {
    "code": "CONNECTOR_BK03",
    "id": "",
    "message": "kintone returned a bulkRequest response without results.",
}


def bulk_too_many(name: str) -> dict[str, str]:
    """The error for a list that is missing, not an array, or longer than BULK_MAX."""
    return {
        "code": "CONNECTOR_BK02",
        "id": "",
        "message": f"{name} must be an array of at most {BULK_MAX} items.",
    }


# Send for a JSON body: (method, url, body) -> (status, body); headers as in Send.
SendBody = Callable[[str, str, bytes], tuple[int, bytes]]


def bulk_records(
    kind: BulkKind, request_url: str, request_body: bytes, send: SendBody
) -> ScriptResponse:
    """The answer to Add / Update / Delete records (up to 2,000); request_url is guest-rewritten."""
    body = parse_json_object(request_body)
    if body is None:
        return _error(400, BULK_BODY_UNREADABLE)
    name = _BULK_LISTS[kind]
    items = body.get(name)
    if not isinstance(items, list) or len(items) > BULK_MAX:
        return _error(400, bulk_too_many(name))
    if not items:
        return ScriptResponse(
            200, {"Content-Type": JSON_CONTENT_TYPE}, dump_json(_merged(kind, []))
        )
    api = kintone_url(request_url, RECORDS_PATH, "").rstrip("?")
    api = api[_authority_end(api) :]
    requests = [
        {"method": _BULK_METHODS[kind], "api": api, "payload": _payload(kind, body, start)}
        for start in range(0, len(items), BULK_CHUNK)
    ]
    url = kintone_url(request_url, BULK_PATH, "").rstrip("?")
    status, answer = send("POST", url, dump_json({"requests": requests}))
    if not 200 <= status < 300:
        return _bulk_failure(status, answer)
    results = (parse_json_object(answer) or {}).get("results")
    if not isinstance(results, list) or len(results) != len(requests):
        return _error(502, BULK_RESULTS_UNREADABLE)
    merged = _merged(kind, [_mapping(result) for result in results])
    return ScriptResponse(200, {"Content-Type": JSON_CONTENT_TYPE}, dump_json(merged))


def _payload(kind: BulkKind, body: Mapping[str, Any], start: int) -> dict[str, Any]:
    """One records.json payload: the app, this chunk, and the options that apply to it."""
    chunk = slice(start, start + BULK_CHUNK)
    payload: dict[str, Any] = {"app": body.get("app")}
    if kind == "update" and "upsert" in body:
        payload["upsert"] = body["upsert"]
    payload[_BULK_LISTS[kind]] = body[_BULK_LISTS[kind]][chunk]
    revisions = body.get("revisions")
    if kind == "delete" and isinstance(revisions, list):
        payload["revisions"] = revisions[chunk]
    return payload


def _merged(kind: BulkKind, results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The results of the chunks as one answer of the 100-record action."""
    if kind == "add":
        return {
            "ids": [i for r in results for i in _list(r.get("ids"))],
            "revisions": [v for r in results for v in _list(r.get("revisions"))],
        }
    if kind == "update":
        return {"records": [item for r in results for item in _list(r.get("records"))]}
    return {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _bulk_failure(status: int, answer: bytes) -> ScriptResponse:
    """kintone's error of the failing chunk, keys renumbered; other answers pass unchanged."""
    results = (parse_json_object(answer) or {}).get("results")
    if not isinstance(results, list):
        return ScriptResponse(status, {}, answer)
    for index, result in enumerate(results):
        if isinstance(result, dict) and result:
            error = dict(result)
            errors = result.get("errors")
            if isinstance(errors, dict):
                offset = index * BULK_CHUNK
                error["errors"] = {renumber(k, offset): v for k, v in errors.items()}
            return ScriptResponse(status, {"Content-Type": JSON_CONTENT_TYPE}, dump_json(error))
    return ScriptResponse(status, {}, answer)


def renumber(key: str, offset: int) -> str:
    """records[5].Title.value with offset 100 → records[105].Title.value; other keys as they are."""
    for prefix in _RENUMBERED:
        end = key.find("]", len(prefix))
        if key.startswith(prefix) and end > len(prefix):
            number = _digits(key[len(prefix) : end])
            if number is not None:
                return f"{prefix}{number + offset}{key[end:]}"
    return key


def bulk_request_body(request_url: str, request_body: bytes) -> bytes | None:
    """BulkRequest's body with inner /k/v1/ paths in the guest space; None: send it unchanged."""
    end = _authority_end(request_url)
    prefix = _guest_prefix(_split_query(_split_fragment(request_url)[0])[0][end:])
    body = parse_json_object(request_body) if prefix else None
    requests = body.get("requests") if body is not None else None
    if body is None or not isinstance(requests, list):
        return None
    for item in requests:
        api = item.get("api") if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(api, str) and api.startswith("/k/v1/"):
            item["api"] = prefix + api[2:]
    return dump_json(body)
