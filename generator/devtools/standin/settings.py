"""Process-management and action settings: checking writes, storing them as GET returns them."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.query import condition_problem
from generator.devtools.standin.store import App, Store

ASSIGNEE_TYPES = ("ONE", "ALL", "ANY")
ASSIGNEE_ENTITIES = ("USER", "GROUP", "ORGANIZATION", "FIELD_ENTITY", "CUSTOM_FIELD", "CREATOR")
ACTION_ENTITIES = ("USER", "GROUP", "ORGANIZATION")
NEVER_CONFIGURED: JsonObj = {"enable": False, "states": None, "actions": None}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _is_int(value: Any) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | str)
        and bool(re.fullmatch(r"[0-9]+", str(value)))
    )


def merge_status(
    current: JsonObj, body: Mapping[str, Any], problems: Problems, app: App | None = None
) -> JsonObj:
    """Apply a PUT preview/app/status body: omitted keys stay, listed states replace all states.

    With `app`, action conditions are checked against its fields."""
    result = copy.deepcopy(current) if current else copy.deepcopy(NEVER_CONFIGURED)
    if "enable" in body:
        if not isinstance(body["enable"], bool):
            problems.add("enable", "The value must be true or false.")
        result["enable"] = body["enable"] is True
    if "states" in body:
        result["states"] = _states(body["states"], current.get("states") or {}, problems)
    if "actions" in body:
        result["actions"] = _actions(body["actions"], problems, app)
    _check_status_consistency(result, problems)
    return result


def _states(raw: Any, current: Mapping[str, Any], problems: Problems) -> JsonObj:
    if not isinstance(raw, Mapping) or not raw:
        problems.add("states", "Specify at least one status.")
        return {}
    states: JsonObj = {}
    for key, item in raw.items():
        where = f"states.{key}"
        if not isinstance(item, Mapping):
            problems.add(where, "The value must be an object.")
            continue
        name = _text(item.get("name", key))
        if not 1 <= len(name) <= 64:
            problems.add(f"{where}.name", "Enter between 1 and 64 characters.")
        index = item.get("index", (current.get(key) or {}).get("index"))
        if not _is_int(index):
            problems.add(f"{where}.index", "Required.")
        assignee = item.get("assignee", (current.get(key) or {}).get("assignee"))
        states[name] = {
            "name": name,
            "index": _text(index),
            "assignee": _assignee(assignee, f"{where}.assignee", problems),
        }
    indexes = [state["index"] for state in states.values()]
    if len(set(indexes)) != len(indexes):
        problems.add("states", "The index of each status must be unique.")
    return states


def _assignee(raw: Any, where: str, problems: Problems) -> JsonObj:
    if raw is None:
        return {"type": "ONE", "entities": []}
    if not isinstance(raw, Mapping) or raw.get("type") not in ASSIGNEE_TYPES:
        problems.add(f"{where}.type", f"Specify one of {', '.join(ASSIGNEE_TYPES)}.")
        return {"type": "ONE", "entities": []}
    entities: list[JsonObj] = []
    listed = raw.get("entities") or []
    if not isinstance(listed, list):
        problems.add(f"{where}.entities", "The value must be an array.")
        listed = []
    for index, item in enumerate(listed):
        entity = item.get("entity") if isinstance(item, Mapping) else None
        if not isinstance(entity, Mapping) or entity.get("type") not in ASSIGNEE_ENTITIES:
            problems.add(f"{where}.entities[{index}].entity.type", "The entity type is not valid.")
            continue
        code = None if entity.get("type") == "CREATOR" else _text(entity.get("code"))
        entities.append(
            {
                "entity": {"type": entity["type"], "code": code},
                "includeSubs": bool(item.get("includeSubs", False)),
            }
        )
    return {"type": raw["type"], "entities": entities}


def _actions(raw: Any, problems: Problems, app: App | None) -> list[JsonObj]:
    if not isinstance(raw, list):
        problems.add("actions", "The value must be an array.")
        return []
    actions = []
    for index, item in enumerate(raw):
        where = f"actions[{index}]"
        if not isinstance(item, Mapping):
            problems.add(where, "The value must be an object.")
            continue
        for key in ("name", "from", "to"):
            if not _text(item.get(key)):
                problems.add(f"{where}.{key}", "Required.")
        action = {
            "name": _text(item.get("name")),
            "from": _text(item.get("from")),
            "to": _text(item.get("to")),
            "filterCond": _text(item.get("filterCond")),
            "type": _text(item.get("type") or "PRIMARY"),
        }
        if "executableUser" in item:
            action["executableUser"] = copy.deepcopy(item["executableUser"])
        if app is not None:
            _check_condition(app, action["filterCond"], f"{where}.filterCond", False, problems)
        actions.append(action)
    return actions


def _check_condition(
    app: App, text: str, where: str, status_allowed: bool, problems: Problems
) -> None:
    """Conditions go through the records-query parser (code assumed: CB_VA01 at the parameter,
    with the parser's message; kintone's own code for a bad condition is not documented)."""
    problem = condition_problem(text, app, status_allowed=status_allowed)
    if problem is not None:
        problems.add(where, problem)


def _check_status_consistency(status: JsonObj, problems: Problems) -> None:
    states = status.get("states") or {}
    for index, action in enumerate(status.get("actions") or []):
        for key in ("from", "to"):
            if action[key] and action[key] not in states:
                problems.add(
                    f"actions[{index}].{key}", f'The status "{action[key]}" does not exist.'
                )
    if status.get("enable") and not states:
        problems.add("enable", "Process management needs at least one status.")


def first_state(status: JsonObj) -> JsonObj | None:
    states = list((status.get("states") or {}).values())
    return min(states, key=lambda s: int(s["index"])) if states else None


def merge_actions(
    store: Store, app: App, raw: Any, problems: Problems
) -> tuple[JsonObj, dict[str, str]]:
    """Apply a PUT preview/app/actions body: listed actions are kept or created, others deleted."""
    if not isinstance(raw, Mapping):
        problems.add("actions", "Required.")
        return copy.deepcopy(app.preview_actions), {}
    result: JsonObj = {}
    for key, item in raw.items():
        where = f"actions.{key}"
        if not isinstance(item, Mapping):
            problems.add(where, "The value must be an object.")
            continue
        existing = app.preview_actions.get(key)
        merged = {**copy.deepcopy(existing or {}), **copy.deepcopy(dict(item))}
        result[key] = _action(store, app, key, merged, existing is None, problems)
    indexes = [action["index"] for action in result.values()]
    if len(set(indexes)) != len(indexes):
        problems.add("actions", "The index of each action must be unique.")
    if problems:
        return result, {}
    for action in result.values():
        action["id"] = action.get("id") or str(store.next_number("action"))
    return result, {key: action["id"] for key, action in result.items()}


def _action(
    store: Store, app: App, key: str, item: JsonObj, new: bool, problems: Problems
) -> JsonObj:
    where = f"actions.{key}"
    if new:
        for required in ("name", "index", "destApp", "mappings", "entities"):
            if required not in item:
                problems.add(f"{where}.{required}", "Required.")
    name = _text(item.get("name", key))
    if not 1 <= len(name) <= 32:
        problems.add(f"{where}.name", "Enter between 1 and 32 characters.")
    elif new and name != key:
        problems.add(f"{where}.name", "The name of a new action must equal its key.")
    if "index" in item and not _is_int(item["index"]):
        problems.add(f"{where}.index", "Enter an integer.")
    dest = _dest_app(store, item.get("destApp"), f"{where}.destApp", problems)
    _check_condition(app, _text(item.get("filterCond")), f"{where}.filterCond", True, problems)
    return {
        "name": name,
        "id": _text(item.get("id")),
        "index": _text(item.get("index")),
        "destApp": {"app": dest.id, "code": dest.code} if dest else {"app": "", "code": ""},
        "mappings": _mappings(app, dest, item.get("mappings"), f"{where}.mappings", problems),
        "entities": _action_entities(store, item.get("entities"), f"{where}.entities", problems),
        "filterCond": _text(item.get("filterCond")),
    }


def _dest_app(store: Store, raw: Any, where: str, problems: Problems) -> App | None:
    """The copy destination: by app code when one is given, which wins over the app ID as
    Cybozu documents (kintone.dev update-action-settings, actions.{name}.destApp.code)."""
    if not isinstance(raw, Mapping):
        return None
    code = _text(raw.get("code"))
    if code:
        found = next((a for a in store.apps.values() if a.code == code), None)
    else:
        found = store.apps.get(_text(raw.get("app")))
    if found is None:
        problems.add(f"{where}.{'code' if code else 'app'}", "The app is not found.")
    return found


def _mappings(
    app: App, dest: App | None, raw: Any, where: str, problems: Problems
) -> list[JsonObj]:
    out = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        at = f"{where}[{index}]"
        src_type = item.get("srcType") if isinstance(item, Mapping) else None
        if src_type not in ("FIELD", "RECORD_URL"):
            problems.add(f"{at}.srcType", "Specify FIELD or RECORD_URL.")
            continue
        mapping = {"srcType": src_type, "destField": _text(item.get("destField"))}
        if src_type == "FIELD":
            mapping["srcField"] = _text(item.get("srcField"))
            if mapping["srcField"] not in app.fields:
                problems.add(f"{at}.srcField", f'The field "{mapping["srcField"]}" is not found.')
        if dest is not None and mapping["destField"] not in dest.fields:
            problems.add(f"{at}.destField", f'The field "{mapping["destField"]}" is not found.')
        out.append(mapping)
    return out


def _action_entities(store: Store, raw: Any, where: str, problems: Problems) -> list[JsonObj]:
    out = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        kind = item.get("type") if isinstance(item, Mapping) else None
        code = _text(item.get("code")) if isinstance(item, Mapping) else ""
        if kind not in ACTION_ENTITIES or store.entity_name(str(kind), code) is None:
            problems.add(f"{where}[{index}]", f"The {str(kind).lower()} ({code}) is not found.")
            continue
        out.append({"type": kind, "code": code})
    return out
