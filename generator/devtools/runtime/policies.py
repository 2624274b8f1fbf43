"""Policy templates as the platform applies them: host URL, headers, query parameters, routes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import ConnectorError

_EXPRESSION = re.compile(
    r"@(connectionParameters|headers|header|queryParameters)"
    r"\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)"
)
_PARAMETER = "x-ms-apimTemplateParameter."
_OPERATIONS = "x-ms-apimTemplate-operationName"


@dataclass(frozen=True)
class PolicyInput:
    """What a policy expression can read: connection values, request headers and query."""

    connection: Mapping[str, str]
    headers: Mapping[str, str]
    query: Mapping[str, str]


@dataclass(frozen=True)
class Policy:
    """One policy template instance of apiProperties.json."""

    template: str
    parameters: Mapping[str, Any]
    operations: tuple[str, ...]

    def applies_to(self, operation_id: str) -> bool:
        """Without an operation list a policy covers every operation."""
        return not self.operations or operation_id in self.operations

    def value(self, name: str) -> str:
        """A template parameter's value (x-ms-apimTemplateParameter.<name>)."""
        raw = self.parameters.get(_PARAMETER + name)
        if not isinstance(raw, str):
            raise ConnectorError(f"policy {self.template}: parameter {name!r} is missing")
        return raw


def policies_of(properties: Mapping[str, Any]) -> list[Policy]:
    """The policy template instances of apiProperties ``properties``."""
    result = []
    for item in properties.get("policyTemplateInstances") or []:
        if not isinstance(item, Mapping):
            continue
        parameters = item.get("parameters") if isinstance(item.get("parameters"), Mapping) else {}
        operations = parameters.get(_OPERATIONS) if isinstance(parameters, Mapping) else None
        names = tuple(str(o) for o in operations) if isinstance(operations, list) else ()
        result.append(Policy(str(item.get("templateId", "")).lower(), parameters or {}, names))
    return result


def evaluate(template: str, source: PolicyInput) -> str:
    """Replace every @connectionParameters / @headers / @queryParameters expression."""

    def replace(match: re.Match[str]) -> str:
        kind, name, default = match.group(1), match.group(2), match.group(3)
        table = {
            "connectionParameters": source.connection,
            "headers": source.headers,
            "header": source.headers,
            "queryParameters": source.query,
        }[kind]
        value = _lookup(table, name, kind == "connectionParameters")
        if value is None:
            if default is None:
                raise ConnectorError(f"policy expression needs {kind} {name!r}, which is not set")
            return default
        return value

    return _EXPRESSION.sub(replace, template)


def _lookup(table: Mapping[str, str], name: str, exact: bool) -> str | None:
    if exact:
        return table.get(name)
    wanted = name.lower()
    return next((v for k, v in table.items() if k.lower() == wanted), None)


def base_url(url: str) -> str:
    """A host URL as the connector declares it; a bare host gets https, as on the platform."""
    if "://" not in url:
        url = "https://" + url
    return url.rstrip("/")
