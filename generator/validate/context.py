"""What every rule sees: the decoded connector files, and a way to report findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from generator.findings import Finding, Level
from generator.validate.reader import (
    ICON,
    JSON_FILES,
    PROPERTIES,
    SCRIPT,
    SETTINGS,
    SWAGGER,
    decode_json,
)
from generator.validate.shapes import JsonObject, as_object


@dataclass(frozen=True)
class Context:
    """Decoded connector files; ``rule`` and ``level`` are set for the rule being run."""

    files: Mapping[str, bytes]
    documents: Mapping[str, object]
    json_errors: Mapping[str, str]
    sizes: Mapping[str, int]
    script: str | None = None
    icon: bytes | None = None
    rule: str = field(default="", compare=False)
    level: Level = field(default=Level.ERROR, compare=False)

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> Context:
        """Decode the JSON files and the script; problems become JSON-01 findings later."""
        documents: dict[str, object] = {}
        errors: dict[str, str] = {}
        for name in JSON_FILES:
            if name in files:
                value, problem = decode_json(files[name])
                if problem is None:
                    documents[name] = value
                else:
                    errors[name] = problem
        script = files.get(SCRIPT)
        return cls(
            files=files,
            documents=documents,
            json_errors=errors,
            sizes={name: len(data) for name, data in files.items()},
            script=script.decode("utf-8-sig", "replace") if script is not None else None,
            icon=files.get(ICON),
        )

    @property
    def swagger(self) -> JsonObject | None:
        """The parsed apiDefinition.swagger.json when its root is an object."""
        return as_object(self.documents.get(SWAGGER))

    @property
    def api_properties(self) -> JsonObject | None:
        """The parsed apiProperties.json when its root is an object."""
        return as_object(self.documents.get(PROPERTIES))

    @property
    def properties(self) -> JsonObject | None:
        """The ``properties`` object of apiProperties.json, if it is one."""
        root = self.api_properties
        return as_object(root.get("properties")) if root is not None else None

    @property
    def settings(self) -> JsonObject | None:
        """The parsed settings.json when its root is an object."""
        return as_object(self.documents.get(SETTINGS))

    def for_rule(self, rule: str, level: Level) -> Context:
        """A copy that reports as ``rule`` with ``level`` by default."""
        return replace(self, rule=rule, level=level)

    def report(self, file: str, pointer: str, message: str, level: Level | None = None) -> Finding:
        """A finding of the current rule at ``file#pointer``."""
        return Finding(file, pointer, self.rule, level or self.level, message)
