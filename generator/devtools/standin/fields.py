"""Field types: which carry values, their defaults, validation of written values, output shapes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.devtools.standin.errors import JsonObj, Problems

FIELD_TYPES = frozenset(
    [
        "CALC",
        "CATEGORY",
        "CHECK_BOX",
        "CREATED_TIME",
        "CREATOR",
        "DATE",
        "DATETIME",
        "DROP_DOWN",
        "FILE",
        "GROUP",
        "GROUP_SELECT",
        "LINK",
        "MODIFIER",
        "MULTI_LINE_TEXT",
        "MULTI_SELECT",
        "NUMBER",
        "ORGANIZATION_SELECT",
        "RADIO_BUTTON",
        "RECORD_NUMBER",
        "REFERENCE_TABLE",
        "RICH_TEXT",
        "SINGLE_LINE_TEXT",
        "STATUS",
        "STATUS_ASSIGNEE",
        "SUBTABLE",
        "TIME",
        "UPDATED_TIME",
        "USER_SELECT",
    ]
)
# Form entries that never carry a record value.
NO_VALUE = frozenset({"GROUP", "REFERENCE_TABLE"})
# Values kintone computes itself; written values are ignored.
COMPUTED = frozenset({"RECORD_NUMBER", "CALC", "STATUS", "STATUS_ASSIGNEE", "CATEGORY"})
# Settable only when adding, and only with app-management permission.
META = frozenset({"CREATOR", "MODIFIER", "CREATED_TIME", "UPDATED_TIME"})
UNIQUE_CAPABLE = frozenset({"SINGLE_LINE_TEXT", "NUMBER", "LINK", "DATE", "DATETIME"})
IN_SUBTABLE = frozenset(
    [
        "SINGLE_LINE_TEXT",
        "NUMBER",
        "CALC",
        "MULTI_LINE_TEXT",
        "RICH_TEXT",
        "LINK",
        "CHECK_BOX",
        "RADIO_BUTTON",
        "DROP_DOWN",
        "MULTI_SELECT",
        "FILE",
        "DATE",
        "TIME",
        "DATETIME",
        "USER_SELECT",
        "ORGANIZATION_SELECT",
        "GROUP_SELECT",
    ]
)
LIST_TYPES = frozenset(
    [
        "CHECK_BOX",
        "MULTI_SELECT",
        "CATEGORY",
        "USER_SELECT",
        "ORGANIZATION_SELECT",
        "GROUP_SELECT",
        "FILE",
        "STATUS_ASSIGNEE",
        "SUBTABLE",
    ]
)
ENTITY_KIND = {
    "USER_SELECT": "USER",
    "ORGANIZATION_SELECT": "ORGANIZATION",
    "GROUP_SELECT": "GROUP",
}
# RADIO_BUTTON always shows a choice and CALC is computed: kintone does not enforce `required`.
NOT_REQUIRED = COMPUTED | META | frozenset({"RADIO_BUTTON", "SUBTABLE", "GROUP", "REFERENCE_TABLE"})

_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class Invalid:
    """Marks a value that failed validation (its messages are already recorded)."""


INVALID = Invalid()


@dataclass
class Env:
    """What value checks need from the domain: the clock, the caller, users, files."""

    now: datetime
    login: str | None
    entity_name: Callable[[str, str], str | None]
    file_known: Callable[[str], bool]
    primary_organization: str | None = None


def value_fields(properties: Mapping[str, JsonObj]) -> dict[str, JsonObj]:
    """The form properties that carry a record value, in form order."""
    return {code: p for code, p in properties.items() if p.get("type") not in NO_VALUE}


def empty_value(field_type: str) -> Any:
    return [] if field_type in LIST_TYPES else ""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def datetime_text(moment: datetime) -> str:
    """kintone's DATETIME text: UTC, minute precision, seconds shown as 00."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:00Z")


def timestamp_text(moment: datetime) -> str:
    """System timestamps (createdAt, comment times): UTC with seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_value(prop: JsonObj, env: Env) -> Any:
    """The value kintone fills in on add for a field left out of the request."""
    kind = prop["type"]
    if kind in ("DATE", "TIME", "DATETIME") and prop.get("defaultNowValue"):
        return {
            "DATE": env.now.astimezone(UTC).strftime("%Y-%m-%d"),
            "TIME": env.now.astimezone(UTC).strftime("%H:%M"),
            "DATETIME": datetime_text(env.now),
        }[kind]
    if kind in ENTITY_KIND:
        return _default_entities(prop, env)
    if kind == "SUBTABLE":
        return []
    default = prop.get("defaultValue", empty_value(kind))
    return list(default) if isinstance(default, list) else ("" if default is None else default)


def _default_entities(prop: JsonObj, env: Env) -> list[str]:
    codes: list[str] = []
    for item in prop.get("defaultValue") or []:
        code = item.get("code")
        if item.get("type") == "FUNCTION":
            code = {
                "LOGINUSER()": env.login,
                "PRIMARY_ORGANIZATION()": env.primary_organization,
            }.get(str(code))
        if code and code not in codes:
            codes.append(str(code))
    return codes


def check_value(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    """Validate and normalise one written value; `base` is the error key without suffix."""
    kind = prop["type"]
    checker = _CHECKERS.get(kind)
    if checker is None:
        return INVALID
    return checker(prop, raw, base, problems, env)


def _check_text(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        problems.add(f"{base}.value", "The value must be a string.")
        return INVALID
    text = str(raw)
    if text and prop["type"] in ("SINGLE_LINE_TEXT", "LINK"):
        _check_length(prop, text, f"{base}.value", problems)
    return text


def _check_length(prop: JsonObj, text: str, key: str, problems: Problems) -> None:
    low, high = _int_or_none(prop.get("minLength")), _int_or_none(prop.get("maxLength"))
    if high is not None and len(text) > high:
        problems.add(key, f"Enter less than {high + 1} characters.")
    if low is not None and len(text) < low:
        problems.add(key, f"Enter more than {low - 1} characters.")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def normalise_number(raw: Any) -> str | None:
    """kintone stores numbers as their shortest decimal text; None when not a number."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _check_number(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    text = normalise_number(raw)
    if text is None:
        problems.add(number_key(base), "Only numbers are allowed.")
        return INVALID
    low, high = _decimal(prop.get("minValue")), _decimal(prop.get("maxValue"))
    if high is not None and Decimal(text) > high:
        problems.add(f"{base}.value", f"The value must be {prop['maxValue']} or less.")
    if low is not None and Decimal(text) < low:
        problems.add(f"{base}.value", f"The value must be {prop['minValue']} or more.")
    return text


def number_key(base: str) -> str:
    """Where kintone reports a value that is not a number: `record[Amount].value` at top level
    (SonicGarden/kintone-emulator doc/kintone-behavior-notes.md §5, observed), the row's own key
    `record.Items.value[0].value.Qty.value` inside a table (issue 17: rows are checked like
    top-level values, under the key every other row error uses)."""
    if ".value[" in base:
        return f"{base}.value"
    root, _, code = base.rpartition(".")
    return f"{root}[{code}].value"


def _decimal(value: Any) -> Decimal | None:
    text = normalise_number(value) if value not in (None, "") else None
    return Decimal(text) if text is not None else None


def _check_choice(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None or raw == "":
        return ""
    if not isinstance(raw, str) or raw not in (prop.get("options") or {}):
        problems.add(f"{base}.value", f'The value, "{raw}", is not in options.')
        return INVALID
    return raw


def _check_choices(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"{base}.values", "The value must be an array.")
        return INVALID
    options = prop.get("options") or {}
    for index, item in enumerate(raw):
        if not isinstance(item, str) or item not in options:
            problems.add(
                f"{base}.values[{index}].value", f'The value, "{item}", is not in options.'
            )
    return list(dict.fromkeys(str(item) for item in raw))


def _check_date(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None or raw == "":
        return ""
    parsed = parse_date(raw) if isinstance(raw, str) else None
    if parsed is None:
        problems.add(f"{base}.value", "Enter the date in the format YYYY-MM-DD.")
        return INVALID
    return parsed.isoformat()


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD; kintone also takes partial dates such as 2015-7 and pads them."""
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or "1"))
    except ValueError:
        return None


def _check_time(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None or raw == "":
        return ""
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        problems.add(f"{base}.value", "Enter the time in the format HH:MM.")
        return INVALID
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_datetime(text: str) -> datetime | None:
    """ISO date-time with Z or an offset (no offset means UTC); None when unreadable."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_datetime(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None or raw == "":
        return ""
    moment = parse_datetime(raw) if isinstance(raw, str) and "T" in raw else None
    if moment is None:
        problems.add(f"{base}.value", "Enter the date and time in the format YYYY-MM-DDTHH:MM:SSZ.")
        return INVALID
    return datetime_text(moment)


def _check_entities(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"{base}.values.value", "The value must be an array.")
        return INVALID
    kind = ENTITY_KIND[prop["type"]]
    codes: list[str] = []
    for index, item in enumerate(raw):
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or env.entity_name(kind, code) is None:
            problems.add(
                f"{base}.values[{index}].value", f"The {kind.lower()} ({code}) is not found."
            )
        elif code not in codes:
            codes.append(code)
    return codes


def _check_files(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"{base}.values", "The value must be an array.")
        return INVALID
    keys: list[str] = []
    for index, item in enumerate(raw):
        key = item.get("fileKey") if isinstance(item, dict) else None
        if not isinstance(key, str) or not env.file_known(key):
            problems.add(f"{base}.values[{index}].fileKey", f"The file ({key}) is not found.")
        else:
            keys.append(key)
    return keys


def _check_meta_user(prop: JsonObj, raw: Any, base: str, problems: Problems, env: Env) -> Any:
    code = raw.get("code") if isinstance(raw, dict) else None
    if not isinstance(code, str) or env.entity_name("USER", code) is None:
        problems.add(f"{base}.value", f"The user ({code}) is not found.")
        return INVALID
    return code


_Checker = Callable[[JsonObj, Any, str, Problems, Env], Any]
_CHECKERS: dict[str, _Checker] = {
    "SINGLE_LINE_TEXT": _check_text,
    "MULTI_LINE_TEXT": _check_text,
    "RICH_TEXT": _check_text,
    "LINK": _check_text,
    "NUMBER": _check_number,
    "RADIO_BUTTON": _check_choice,
    "DROP_DOWN": _check_choice,
    "CHECK_BOX": _check_choices,
    "MULTI_SELECT": _check_choices,
    "DATE": _check_date,
    "TIME": _check_time,
    "DATETIME": _check_datetime,
    "CREATED_TIME": _check_datetime,
    "UPDATED_TIME": _check_datetime,
    "USER_SELECT": _check_entities,
    "ORGANIZATION_SELECT": _check_entities,
    "GROUP_SELECT": _check_entities,
    "FILE": _check_files,
    "CREATOR": _check_meta_user,
    "MODIFIER": _check_meta_user,
}


def required_key(field_type: str, base: str) -> str:
    """The error key kintone uses for a missing required value of this type."""
    if field_type in ENTITY_KIND:
        return f"{base}.values.value"
    if field_type in ("CHECK_BOX", "MULTI_SELECT", "FILE"):
        return f"{base}.values"
    return f"{base}.value"
