"""Python reference of script.csx: the same algorithms, so both can be diffed on shared vectors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

Mode = Literal["add", "update"]

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


def _guest_prefix(path: str) -> str:
    """The "/k/guest/<spaceId>" start of a guest-space path, else ""."""
    head = "/k/guest/"
    if not path.startswith(head):
        return ""
    slash = path.find("/", len(head))
    return path[:slash] if slash > len(head) else ""


def record_schema_upstream_url(request_url: str, fields_path: str) -> str:
    """The form-fields URL for a GetRecordSchema request: same origin, guest prefix, app."""
    base, query = _split_query(_split_fragment(request_url)[0])
    end = _authority_end(base)
    prefix = _guest_prefix(base[end:])
    path = prefix + fields_path[2:] if prefix and fields_path.startswith("/k/") else fields_path
    app = _query_value(query, "app") or ""
    return f"{base[:end]}{path}?app={app}"


def schema_mode(request_url: str) -> Mode:
    """mode=update in the query selects update; anything else means add."""
    query = _split_query(_split_fragment(request_url)[0])[1]
    return "update" if _query_value(query, "mode") == "update" else "add"


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
) -> str | None:
    """The URL the platform will DELETE later, or None when kintone gave no webhook id."""
    webhook_id = _id_text(upstream_body.get("id"))
    if not webhook_id:
        return None
    app = percent_encode(_id_text(request_body.get("app")))
    host = _authority(request_url)
    return f"https://{host}{remove_webhook_path}?app={app}&id={percent_encode(webhook_id)}"


def subscribe_result(
    request_url: str,
    request_body: Mapping[str, Any],
    upstream_status: int,
    upstream_body: bytes,
    remove_webhook_path: str,
) -> ScriptResponse:
    """The answer to a subscribe operation, given kintone's answer to the forwarded request."""
    if not 200 <= upstream_status < 300:
        return ScriptResponse(upstream_status, {}, upstream_body)
    parsed = parse_json_object(upstream_body) or {}
    location = subscribe_location(request_url, request_body, parsed, remove_webhook_path)
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


def record_schema(fields_response: Mapping[str, Any], mode: Mode) -> dict[str, Any]:
    """{"schema": JSON Schema of a record body} for a kintone form-fields response."""
    properties = _mapping(fields_response.get("properties"))
    schema: dict[str, Any] = {"type": "object"}
    _fill_object(schema, properties, lookup_copy_targets(properties), mode == "add")
    return {"schema": schema}


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
