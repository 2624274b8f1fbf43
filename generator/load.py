"""YAML description → plain data, remembering the source line of every value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DescriptionError
from generator.findings import pointer as make_pointer


@dataclass(frozen=True)
class Loaded:
    """Plain data from one YAML file plus the line of every JSON pointer in it."""

    source: str
    data: Any
    lines: dict[str, int]

    def line_of(self, pointer: str) -> int | None:
        """The line of the value at ``pointer``, or of its nearest located ancestor."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def error(self, pointer: str, message: str) -> DescriptionError:
        """A DescriptionError located at ``pointer`` in this file."""
        return DescriptionError(self.source, self.line_of(pointer), pointer, message)


class _Loader(yaml.SafeLoader):
    """Safe loader; composing nodes ourselves keeps their marks."""


# libyaml composes the same nodes several times faster; its messages differ, so a malformed
# file is parsed again by the Python loader to report the error the same way everywhere.
_FAST_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", _Loader)


def load_description(path: Path) -> Loaded:
    """Read a YAML description file; raise DescriptionError with file:line on any problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DescriptionError(source, None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DescriptionError(source, None, "", f"cannot read file: {exc}") from None
    return load_text(text, source)


def load_text(text: str, source: str) -> Loaded:
    """Parse YAML text into plain data with a pointer → line map."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        context = ""
        if exc.context and exc.context_mark:
            context = f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise DescriptionError(
            source, line, "", f"malformed YAML: {exc.problem}{context}"
        ) from None
    except yaml.YAMLError as exc:
        raise DescriptionError(source, None, "", f"malformed YAML: {exc}") from None
    if node is None:
        raise DescriptionError(source, None, "", "the description is empty")
    lines: dict[str, int] = {}
    data = _Converter(source, lines).convert(node, "")
    if not isinstance(data, dict):
        raise DescriptionError(source, lines[""], "", "the top level must be a mapping")
    return Loaded(source, data, lines)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_Loader)  # raises again, with the Python messages


class _Converter:
    """Nodes → plain data, noting the line of each pointer; one constructor for all scalars."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, at: str) -> Any:
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, f"{at}/{i}") for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node)

    def mapping(self, node: yaml.MappingNode, at: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key == "<<":
                raise DescriptionError(
                    self.source, line, at, "YAML merge keys (<<) are not supported"
                )
            if not isinstance(key, str):
                raise DescriptionError(
                    self.source, line, at, f"mapping key {key!r} is not a string"
                )
            if key in result:
                raise DescriptionError(self.source, line, at, f"duplicate key {key!r}")
            child = at + make_pointer(key)
            result[key] = self.convert(value_node, child)
            self.lines[child] = line
        return result
