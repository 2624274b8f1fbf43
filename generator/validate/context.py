"""What every rule sees: the decoded connector files, and a way to report findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.findings import Finding, Level
from generator.validate.reader import (
    ICON,
    JSON_FILES,
    PROPERTIES,
    SCRIPT,
    SETTINGS,
    SWAGGER,
    decode,
    is_readme,
)
from generator.validate.shapes import JsonObject, as_object


@dataclass(frozen=True)
class Context:
    """Decoded connector files; ``rule`` and ``level`` are set for the rule being run."""

    files: Mapping[str, bytes]
    documents: Mapping[str, object]
    json_errors: Mapping[str, str]
    sizes: Mapping[str, int]
    texts: Mapping[str, str] = field(default_factory=dict)
    duplicated: frozenset[str] = frozenset()
    script: str | None = None
    icon: bytes | None = None
    rule: str = field(default="", compare=False)
    level: Level = field(default=Level.ERROR, compare=False)

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> Context:
        """Decode the JSON files and the script; problems become JSON-01 findings later."""
        documents: dict[str, object] = {}
        errors: dict[str, str] = {}
        texts: dict[str, str] = {}
        duplicated: set[str] = set()
        for name in JSON_FILES:
            if name in files:
                decoded = decode(files[name])
                if decoded.text is not None:
                    texts[name] = decoded.text
                if decoded.problem is None:
                    documents[name] = decoded.value
                else:
                    errors[name] = decoded.problem
                if decoded.duplicate_keys:
                    duplicated.add(name)
        return cls(
            files=files,
            documents=documents,
            json_errors=errors,
            sizes={name: len(data) for name, data in files.items()},
            texts=texts,
            duplicated=frozenset(duplicated),
            script=_text(files.get(SCRIPT)),
            icon=files.get(ICON),
        )

    @property
    def parsed_texts(self) -> dict[str, str]:
        """The text of each JSON file that parsed (the files report positions point into)."""
        return {name: text for name, text in self.texts.items() if name in self.documents}

    @property
    def readme(self) -> tuple[str, str] | None:
        """(file name, text) of the readme, when there is one."""
        for name, data in self.files.items():
            if is_readme(name):
                return name, data.decode("utf-8-sig", "replace")
        return None

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
        """A copy that reports as ``rule`` with ``level`` by default (cheaper than replace())."""
        clone = object.__new__(Context)
        clone.__dict__.update(self.__dict__)
        object.__setattr__(clone, "rule", rule)
        object.__setattr__(clone, "level", level)
        return clone

    def report(self, file: str, pointer: str, message: str, level: Level | None = None) -> Finding:
        """A finding of the current rule at ``file#pointer``."""
        return Finding(file, pointer, self.rule, level or self.level, message)


def _text(data: bytes | None) -> str | None:
    return data.decode("utf-8-sig", "replace") if data is not None else None
