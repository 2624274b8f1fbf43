"""Plain description data → the typed model, with located errors for every defect."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from generator.derive import FLAG_KEYS, ScriptFlags, script_role, with_derived
from generator.findings import pointer as make_pointer
from generator.load import Loaded, load_description
from generator.model import Connector, Operation, ScriptKind
from generator.semantics import check_connector

T = TypeVar("T")


def default_description() -> Path:
    """The kintone description shipped with the package."""
    return Path(__file__).resolve().parent / "description" / "kintone.yaml"


def parse_description(path: Path) -> Connector:
    """Load, type and check a description file; raise DescriptionError on the first defect."""
    loaded = load_description(path)
    connector = with_derived(Builder(loaded).build(Connector, loaded.data, ""))
    for at, message in check_connector(connector):
        raise loaded.error(at, message)
    return connector


class Builder:
    """Builds dataclasses from plain data, following their type hints."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded

    def build(self, cls: type[T], data: Any, at: str, also: tuple[str, ...] = ()) -> T:
        """Build ``cls`` from a mapping, rejecting unknown and missing keys (``also``: allowed)."""
        if not isinstance(data, dict):
            raise self.loaded.error(at, f"expected a mapping for {cls.__name__}, got {_kind(data)}")
        if cls is Operation and not also:
            return self._operation(data, at)  # type: ignore[return-value]
        hints, fields = _shape(cls)
        unknown = sorted(set(data) - set(fields) - set(also))
        if unknown:
            allowed = ", ".join(sorted({*fields, *also}))
            raise self.loaded.error(
                at + make_pointer(unknown[0]), f"unknown key {unknown[0]!r} (allowed: {allowed})"
            )
        values: dict[str, Any] = {}
        for key, f in fields.items():
            if key in data:
                values[f.name] = self.value(hints[f.name], data[key], at + make_pointer(key))
            elif _is_required(f):
                raise self.loaded.error(at, f"missing required key {key!r} in {cls.__name__}")
        return cls(**values)

    def _operation(self, data: dict[str, Any], at: str) -> Operation:
        """An operation, its script role derived from the description's flags (derive.py)."""
        flags = self.build(ScriptFlags, {k: v for k, v in data.items() if k in FLAG_KEYS}, at)
        rest = {k: v for k, v in data.items() if k not in FLAG_KEYS}
        op = self.build(Operation, rest, at, also=FLAG_KEYS)
        named = _named_operations(self.loaded.data).get(op.id)
        trigger = op.trigger is not None or at.startswith("/triggers/")
        role, problem = script_role(flags, trigger=trigger, named=named)
        if problem is not None:
            raise self.loaded.error(at + problem[0], f"{op.id}: {problem[1]}")
        return dataclasses.replace(op, script=role)

    def value(self, hint: Any, data: Any, at: str) -> Any:
        """Convert one value to the type ``hint`` describes."""
        origin = get_origin(hint)
        if origin in (Union, types.UnionType):
            return self._optional(hint, data, at)
        if origin is Literal:
            return self._literal(hint, data, at)
        if origin is tuple:
            return tuple(
                self.value(get_args(hint)[0], item, f"{at}/{i}")
                for i, item in enumerate(self._list(data, at))
            )
        if origin is dict:
            return {
                k: self.value(get_args(hint)[1], v, at + make_pointer(k))
                for k, v in self._mapping(data, at).items()
            }
        if dataclasses.is_dataclass(hint):
            return self.build(hint, data, at)  # type: ignore[arg-type]
        return self._scalar(hint, data, at)

    def _optional(self, hint: Any, data: Any, at: str) -> Any:
        options = [a for a in get_args(hint) if a is not type(None)]
        if data is None:
            return None
        if len(options) == 1:
            return self.value(options[0], data, at)
        for option in options:  # scalar unions such as str | int | bool
            if _scalar_matches(option, data):
                return data
        names = " or ".join(getattr(o, "__name__", str(o)) for o in options)
        raise self.loaded.error(at, f"expected {names}, got {_kind(data)}")

    def _literal(self, hint: Any, data: Any, at: str) -> Any:
        allowed = get_args(hint)
        if data not in allowed:
            choices = ", ".join(repr(a) for a in allowed)
            raise self.loaded.error(at, f"{data!r} is not one of {choices}")
        return data

    def _scalar(self, hint: Any, data: Any, at: str) -> Any:
        if hint is Any or _scalar_matches(hint, data):
            return data
        raise self.loaded.error(at, f"expected {hint.__name__}, got {_kind(data)}")

    def _list(self, data: Any, at: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.loaded.error(at, f"expected a list, got {_kind(data)}")
        return data

    def _mapping(self, data: Any, at: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.loaded.error(at, f"expected a mapping, got {_kind(data)}")
        return data


_Shape = tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]
_SHAPES: dict[type[Any], _Shape] = {}


# custom_code keys that name the one operation a script branch serves, and that branch.
_NAMED_KINDS: dict[str, ScriptKind] = {
    "record_schema_operation": "record_schema",
    "app_picker_operation": "app_picker",
}


def _named_operations(data: Any) -> dict[Any, ScriptKind]:
    """Operation id → the script branch a custom_code key assigns to it."""
    code = data.get("custom_code") if isinstance(data, dict) else None
    named: dict[Any, ScriptKind] = {}
    if isinstance(code, dict):
        named = {code[k]: kind for k, kind in _NAMED_KINDS.items() if isinstance(code.get(k), str)}
    mcp = data.get("mcp") if isinstance(data, dict) else None
    if isinstance(mcp, dict) and isinstance(mcp.get("operation"), str):
        named[mcp["operation"]] = "mcp"  # the MCP server's operation (McpServer.cs)
    return named


def _shape(cls: type[Any]) -> _Shape:
    """The type hints of a dataclass and its fields by YAML key, once per class (hints are slow).

    Derived fields (metadata ``derived``) have no YAML key: parse computes them.
    """
    if cls not in _SHAPES:
        fields = {_yaml_key(f): f for f in dataclasses.fields(cls) if not f.metadata.get("derived")}
        _SHAPES[cls] = typing.get_type_hints(cls), fields
    return _SHAPES[cls]


def _scalar_matches(hint: Any, data: Any) -> bool:
    if hint is bool:
        return isinstance(data, bool)
    if hint is int:
        return isinstance(data, int) and not isinstance(data, bool)
    if hint is str:
        return isinstance(data, str)
    return False


def _yaml_key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("key", f.name))


def _is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _kind(data: Any) -> str:
    if data is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(data), type(data).__name__
    )
