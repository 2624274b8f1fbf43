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
        node = yaml.compose(text, Loader=_Loader)
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
    data = _convert(node, "", lines, source)
    if not isinstance(data, dict):
        raise DescriptionError(source, lines[""], "", "the top level must be a mapping")
    return Loaded(source, data, lines)


def _convert(node: yaml.Node, at: str, lines: dict[str, int], source: str) -> Any:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, at, lines, source)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, f"{at}/{i}", lines, source) for i, item in enumerate(node.value)]
    return _Loader(" ").construct_object(node)


def _convert_mapping(
    node: yaml.MappingNode, at: str, lines: dict[str, int], source: str
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _Loader(" ").construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key == "<<":
            raise DescriptionError(source, line, at, "YAML merge keys (<<) are not supported")
        if not isinstance(key, str):
            raise DescriptionError(source, line, at, f"mapping key {key!r} is not a string")
        if key in result:
            raise DescriptionError(source, line, at, f"duplicate key {key!r}")
        child = at + make_pointer(key)
        result[key] = _convert(value_node, child, lines, source)
        lines[child] = line
    return result
