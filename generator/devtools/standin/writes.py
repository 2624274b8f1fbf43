"""Turning a written record into stored values: defaults, checks, lookups, formulas, uniqueness."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.auth import MANAGE_WRITE, VIEW, Principal, may
from generator.devtools.standin.calc import Resolver, evaluate
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import (
    COMPUTED,
    INVALID,
    META,
    NOT_REQUIRED,
    Env,
    check_value,
    default_value,
    empty_value,
    is_empty,
    number_key,
    required_key,
    value_fields,
)
from generator.devtools.standin.store import App, Record, Store


@dataclass
class Write:
    """One record write: the app, the caller, where errors go, and the record it changes."""

    app: App
    principal: Principal
    prefix: str  # "record.", "records[3]." or "records[3].record."
    existing: Record | None = None

    @property
    def adding(self) -> bool:
        return self.existing is None


def make_env(store: Store, principal: Principal) -> Env:
    login = principal.user.login if principal.user and principal.user.login in store.users else None
    return Env(
        now=store.now(),
        login=login,
        entity_name=store.entity_name,
        file_known=lambda key: key in store.uploads or key in store.files,
        primary_organization=store.primary_organization(login),
    )


def build_values(store: Store, write: Write, given: Any, problems: Problems) -> dict[str, Any]:
    """The record's values after this write (not yet stored); problems collect CB_VA01 keys."""
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        problems.add(write.prefix.rstrip("."), "The record must be an object.")
        return {}
    env = make_env(store, write.principal)
    fields = value_fields(write.app.fields)
    targets = copy_targets(write.app.fields)
    values = copy.deepcopy(write.existing.values) if write.existing else {}
    for code, prop in fields.items():
        settable = _settable(store, write, prop, code in targets)
        if code in given and settable:
            _write_field(write, prop, _unwrap(given[code]), values, env, problems)
        elif write.adding and prop["type"] not in META:
            values[code] = default_value(prop, env) if settable else empty_value(prop["type"])
    _apply_lookups(store, write, given, values)
    compute_formulas(fields, values)
    check_required(fields, values, write.prefix, problems)
    return values


def _settable(store: Store, write: Write, prop: JsonObj, is_copy_target: bool) -> bool:
    kind = prop["type"]
    if kind in COMPUTED or is_copy_target:
        return False
    if kind in META:
        # Creator and times can be given on add only, and only with app-management rights.
        return write.adding and may(store, write.principal, write.app, MANAGE_WRITE)
    return True


def _unwrap(cell: Any) -> Any:
    """kintone writes `{"code": {"value": ...}}`; anything else counts as no value."""
    return cell.get("value") if isinstance(cell, Mapping) else None


def _write_field(
    write: Write, prop: JsonObj, raw: Any, values: dict[str, Any], env: Env, problems: Problems
) -> None:
    code = prop["code"]
    base = f"{write.prefix}{code}"
    if prop["type"] == "SUBTABLE":
        value = _table(prop, raw, base, values.get(code) or [], env, problems)
    else:
        value = check_value(prop, raw, base, problems, env)
    if value is not INVALID:
        values[code] = value
    elif write.adding:
        values[code] = empty_value(prop["type"])


def _table(
    prop: JsonObj, raw: Any, base: str, old_rows: list[JsonObj], env: Env, problems: Problems
) -> Any:
    """Rows with a known id are merged into that row; others are new; rows left out go."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"{base}.value", "The value must be an array.")
        return INVALID
    old = {row["id"]: row for row in old_rows}
    rows = []
    for index, item in enumerate(raw):
        row_base = f"{base}.value[{index}].value"
        if not isinstance(item, Mapping):
            problems.add(row_base, "The row must be an object.")
            continue
        previous = old.get(str(item.get("id", "")))
        cells = _row_cells(prop["fields"], item.get("value"), previous, row_base, env, problems)
        rows.append({"id": previous["id"] if previous else None, "value": cells})
    return rows


def _row_cells(
    inner: Mapping[str, JsonObj],
    given: Any,
    previous: JsonObj | None,
    row_base: str,
    env: Env,
    problems: Problems,
) -> dict[str, Any]:
    given = given if isinstance(given, Mapping) else {}
    cells = copy.deepcopy(previous["value"]) if previous else {}
    for code, prop in inner.items():
        if code in given and prop["type"] != "CALC":
            value = check_value(prop, _unwrap(given[code]), f"{row_base}.{code}", problems, env)
            cells[code] = empty_value(prop["type"]) if value is INVALID else value
        elif previous is None:
            cells[code] = default_value(prop, env) if prop["type"] != "CALC" else ""
    return cells


def copy_targets(properties: Mapping[str, JsonObj]) -> set[str]:
    """Fields filled by a lookup: kintone ignores values written to them."""
    return {
        mapping["field"]
        for prop in properties.values()
        for mapping in (prop.get("lookup") or {}).get("fieldMappings") or []
    }


def _apply_lookups(store: Store, write: Write, given: Mapping[str, Any], values: JsonObj) -> None:
    for code, prop in write.app.fields.items():
        lookup = prop.get("lookup")
        if not lookup or code not in given or code not in values:
            continue
        mappings = lookup.get("fieldMappings") or []
        key = values[code]
        if is_empty(key):
            for mapping in mappings:
                values[mapping["field"]] = empty_value(write.app.fields[mapping["field"]]["type"])
            continue
        source = _lookup_source(store, write, lookup, code, str(key))
        for mapping in mappings:
            values[mapping["field"]] = _source_value(source, mapping["relatedField"])


def _lookup_source(store: Store, write: Write, lookup: JsonObj, code: str, key: str) -> Record:
    related = store.apps.get(str(lookup["relatedApp"]["app"]))
    # With API tokens the caller also needs a token of the source app (kintone-api.md §2.1).
    if related is None or not may(store, write.principal, related, VIEW):
        raise errors.lookup_not_found(code, key)
    key_field = lookup["relatedKeyField"]
    key_type = related.fields.get(key_field, {}).get("type")
    for record in sorted(related.records.values(), key=lambda r: r.id):
        candidate = str(record.id) if key_type == "RECORD_NUMBER" else record.values.get(key_field)
        if candidate == key:
            return record
    raise errors.lookup_not_found(code, key)


def _source_value(record: Record, code: str) -> Any:
    if code not in record.values:
        return str(record.id)  # RECORD_NUMBER is not stored: it is the record ID
    return copy.deepcopy(record.values[code])


def compute_formulas(fields: Mapping[str, JsonObj], values: JsonObj) -> None:
    """CALC fields, top level and in table rows (a subset of kintone's formula language)."""
    for code, prop in fields.items():
        if prop["type"] == "SUBTABLE":
            for row in values.get(code) or []:
                _row_formulas(prop["fields"], row["value"], fields, values)
    for code, prop in fields.items():
        if prop["type"] == "CALC" and prop.get("format", "NUMBER") in ("NUMBER", "NUMBER_DIGIT"):
            values[code] = evaluate(str(prop.get("expression", "")), _resolver(fields, values))


def _row_formulas(
    inner: Mapping[str, JsonObj], cells: JsonObj, fields: Mapping[str, JsonObj], values: JsonObj
) -> None:
    outer = _resolver(fields, values)
    for code, prop in inner.items():
        if prop["type"] == "CALC":

            def resolve(name: str) -> Decimal | list[Decimal] | None:
                if name in inner and inner[name]["type"] in ("NUMBER", "CALC"):
                    return Decimal(cells.get(name) or 0)
                return outer(name)

            cells[code] = evaluate(str(prop.get("expression", "")), resolve)


def _resolver(fields: Mapping[str, JsonObj], values: JsonObj) -> Resolver:
    def resolve(name: str) -> Decimal | list[Decimal] | None:
        prop = fields.get(name)
        if prop is not None and prop["type"] in ("NUMBER", "CALC"):
            return Decimal(values.get(name) or 0)
        for code, table in fields.items():
            inner = table.get("fields") or {}
            if table["type"] == "SUBTABLE" and inner.get(name, {}).get("type") in (
                "NUMBER",
                "CALC",
            ):
                rows = values.get(code) or []
                return [Decimal(row["value"].get(name) or 0) for row in rows]
        return None

    return resolve


def check_required(
    fields: Mapping[str, JsonObj], values: JsonObj, prefix: str, problems: Problems
) -> None:
    """kintone checks `required` on the record as it will be stored (add and update alike)."""
    for code, prop in fields.items():
        kind = prop["type"]
        missing = prop.get("required") and kind not in NOT_REQUIRED and is_empty(values.get(code))
        if missing and not _reported(problems, f"{prefix}{code}"):
            problems.add(required_key(kind, f"{prefix}{code}"), errors.REQUIRED_VALUE)
        if kind == "SUBTABLE":
            for index, row in enumerate(values.get(code) or []):
                row_base = f"{prefix}{code}.value[{index}].value."
                check_required(prop["fields"], row["value"], row_base, problems)


def _reported(problems: Problems, base: str) -> bool:
    """A number refused as written is not reported again as missing (issue 17: no extra
    `Required` next to "Only numbers are allowed.")."""
    return number_key(base) in problems.items


class Uniques:
    """Values taken in fields that prohibit duplicates, for one request (bulk calls included)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.codes = [code for code, prop in app.fields.items() if prop.get("unique")]
        self._owners: dict[str, dict[Any, set[int | None]]] | None = None

    def _index(self) -> dict[str, dict[Any, set[int | None]]]:
        # Built once per request: bulk writes check 100 records against the whole app.
        if self._owners is None:
            self._owners = {code: {} for code in self.codes}
            for record in self.app.records.values():
                self.claim(record.values, record.id)
        return self._owners

    def claim(self, values: JsonObj, record_id: int | None) -> None:
        """Mark a record's values as taken (also records still to be stored in this request)."""
        owners = self._index() if self._owners is None else self._owners
        for code in self.codes:
            value = values.get(code)
            if not is_empty(value):
                owners[code].setdefault(value, set()).add(record_id)

    def check(
        self, values: JsonObj, record_id: int | None, prefix: str, problems: Problems
    ) -> None:
        """ "" never counts as a duplicate; the record itself is left out."""
        owners = self._index()
        for code in self.codes:
            value = values.get(code)
            if is_empty(value):
                continue
            others = owners[code].get(value, set()) - ({record_id} if record_id else set())
            if others:
                problems.add(
                    f"{prefix}{code}.value", "This value already exists in another record."
                )


def check_unique(
    app: App, values: JsonObj, record_id: int | None, prefix: str, problems: Problems
) -> None:
    """Uniqueness for a single-record write."""
    Uniques(app).check(values, record_id, prefix, problems)


def store_values(store: Store, app: App, values: JsonObj) -> JsonObj:
    """Final touches at commit: table rows get IDs and uploaded files become record files."""
    for code, prop in app.fields.items():
        if prop["type"] == "SUBTABLE":
            for row in values.get(code) or []:
                row["id"] = row["id"] or str(store.next_number("row"))
                _attach_files(store, app, prop["fields"], row["value"])
    _attach_files(store, app, app.fields, values)
    return values


def _attach_files(store: Store, app: App, fields: Mapping[str, JsonObj], values: JsonObj) -> None:
    for code, prop in fields.items():
        if prop["type"] == "FILE":
            values[code] = [_attach(store, app, key) for key in values.get(code) or []]


def _attach(store: Store, app: App, key: str) -> str:
    """An upload key becomes a new download key; download keys already attached stay."""
    blob = store.uploads.pop(key, None)
    if blob is None:
        return key
    download = store.new_key("file").replace("-", "")
    blob.app = app.id
    store.files[download] = blob
    return download
