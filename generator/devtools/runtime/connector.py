"""A connector package as the runtime sees it: operations by id, policies, security."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ConnectorError
from generator.validate import read_connector

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class OperationSpec:
    """One operation of the Swagger document with its path item."""

    id: str
    method: str
    path: str
    operation: Mapping[str, Any]
    path_item: Mapping[str, Any]

    @property
    def is_trigger(self) -> bool:
        """Whether the operation is a trigger (x-ms-trigger)."""
        return "x-ms-trigger" in self.operation


@dataclass(frozen=True)
class ConnectorPackage:
    """The parsed files of a connector package."""

    swagger: Mapping[str, Any]
    properties: Mapping[str, Any]
    operations: Mapping[str, OperationSpec]

    @classmethod
    def load(cls, path: Path) -> ConnectorPackage:
        """Read a connector folder or zip; raise ConnectorError if it is unusable."""
        return cls.from_files(read_connector(path), str(path))

    @classmethod
    def from_files(cls, files: Mapping[str, bytes], source: str = "package") -> ConnectorPackage:
        """Build from file name → bytes."""
        swagger = _json_object(files, "apiDefinition.swagger.json", source)
        document = _json_object(files, "apiProperties.json", source)
        properties = document.get("properties")
        if not isinstance(properties, dict):
            raise ConnectorError(f"{source}: apiProperties.json has no properties object")
        return cls(swagger, properties, _operations(swagger))

    def operation(self, operation_id: str) -> OperationSpec:
        """The operation with this id; ConnectorError naming the known ids otherwise."""
        try:
            return self.operations[operation_id]
        except KeyError:
            close = difflib.get_close_matches(operation_id, list(self.operations), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            known = f" ({len(self.operations)} operations; see the connector README)"
            raise ConnectorError(f"no operation {operation_id!r}{hint}{known}") from None

    def resolve(self, value: Any) -> Any:
        """Follow a local $ref (#/definitions/…, #/parameters/…) until a plain value."""
        seen: set[str] = set()
        while isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if ref in seen or not ref.startswith("#/"):
                raise ConnectorError(f"cannot resolve $ref {ref!r}")
            seen.add(ref)
            value = self._pointer(ref[2:])
        return value

    def _pointer(self, path: str) -> Any:
        node: Any = self.swagger
        for token in path.split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or token not in node:
                raise ConnectorError(f"cannot resolve $ref '#/{path}'")
            node = node[token]
        return node

    def parameters(self, spec: OperationSpec) -> list[Mapping[str, Any]]:
        """The operation's parameters, path-level ones included, references resolved."""
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*spec.path_item.get("parameters", []), *spec.operation.get("parameters", [])]:
            param = self.resolve(raw)
            if isinstance(param, Mapping):
                merged[(str(param.get("name")), str(param.get("in")))] = param
        return list(merged.values())

    @property
    def script_operations(self) -> frozenset[str] | None:
        """Operations routed through script.csx; None when there is no custom code list."""
        listed = self.properties.get("scriptOperations")
        if not isinstance(listed, list):
            return None
        return frozenset(str(x) for x in listed) if listed else frozenset(self.operations)


def _json_object(files: Mapping[str, bytes], name: str, source: str) -> dict[str, Any]:
    if name not in files:
        raise ConnectorError(f"{source}: {name} is missing")
    try:
        value = json.loads(files[name].decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConnectorError(f"{source}: {name} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ConnectorError(f"{source}: {name} is not a JSON object")
    return value


def _operations(swagger: Mapping[str, Any]) -> dict[str, OperationSpec]:
    found: dict[str, OperationSpec] = {}
    paths = swagger.get("paths")
    for path, item in paths.items() if isinstance(paths, Mapping) else []:
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, Mapping) and isinstance(op.get("operationId"), str):
                found[op["operationId"]] = OperationSpec(op["operationId"], method, path, op, item)
    return found
