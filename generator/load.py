"""YAML description → plain data, remembering the source line of every value."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DescriptionError
from generator.findings import pointer as make_pointer
from generator.limits import (
    MAX_DESCRIPTION_BYTES,
    MAX_INT_DIGITS,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
)


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
        with path.open("rb") as stream:  # read at most one byte past the limit (/dev/zero ...)
            data = stream.read(MAX_DESCRIPTION_BYTES + 1)
        if len(data) > MAX_DESCRIPTION_BYTES:
            message = f"the description has more than {MAX_DESCRIPTION_BYTES:,} bytes"
            raise DescriptionError(source, None, "", message)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise DescriptionError(source, None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DescriptionError(source, None, "", f"cannot read file: {exc}") from None
    return load_text(text, source)


def load_text(text: str, source: str) -> Loaded:
    """Parse YAML text into plain data with a pointer → line map.

    The events are checked first, which takes no recursion: nesting, aliases that contain
    themselves, alias expansion (the generator.limits caps) and tags, so composing and
    converting the nodes afterwards stay bounded.
    """
    if len(text) > MAX_DESCRIPTION_BYTES:
        message = f"the description has {len(text):,} characters; at most {MAX_DESCRIPTION_BYTES:,}"
        raise DescriptionError(source, None, "", message)
    try:
        _check_events(_events(text), source)
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


def _events(text: str) -> Iterator[yaml.Event]:
    """The parse events, pulled one at a time: a limit stops the parser at the event that
    crosses it, before the rest of the text is scanned (the scanner's cost per token grows with
    the nesting, so a 30,000-level ``[[[...]]]`` would take tens of seconds to scan whole)."""
    try:
        yield from yaml.parse(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        yield from yaml.parse(text, Loader=_Loader)  # raises again, with the Python messages


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
        return self.scalar(node, at)

    def scalar(self, node: yaml.Node, at: str) -> Any:
        """The value of a scalar node; integers too long for Python and bad values refused."""
        line = node.start_mark.line + 1
        if node.tag == _INT_TAG:
            digits = sum(char.isdigit() for char in str(node.value))
            if digits > MAX_INT_DIGITS:
                message = f"an integer of {digits:,} digits (at most {MAX_INT_DIGITS:,})"
                raise DescriptionError(self.source, line, at, message)
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            message = f"cannot read the value {_shorten(str(node.value))}: {exc}"
            raise DescriptionError(self.source, line, at, message) from None

    def mapping(self, node: yaml.MappingNode, at: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG or key_node.value == "<<":
                raise DescriptionError(
                    self.source, line, at, "YAML merge keys (<<) are not supported"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise DescriptionError(self.source, line, at, "a mapping key must be a string")
            key = self.scalar(key_node, at)
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


_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Tags a description may spell out; others (!!binary, !!python/..., !custom) are refused.
_TAGS = frozenset(
    {None, "!"}
    | {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}
    | {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
)


def _check_events(events: Iterable[yaml.Event], source: str) -> None:
    """Refuse deep nesting, recursive aliases, alias bombs and unknown tags, event by event.

    ``expanded`` counts the values read so far with every alias expanded; ``sizes`` holds how
    many values each anchor stands for; ``open`` holds the anchor and start count of each
    mapping or sequence not yet closed.
    """
    sizes: dict[str, int] = {}
    open_: list[tuple[str | None, int]] = []
    expanded = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and (
            event.tag not in _TAGS
        ):
            raise DescriptionError(source, line, "", f"unsupported YAML tag {event.tag}")
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_) >= MAX_YAML_DEPTH:
                message = f"mappings and sequences nested more than {MAX_YAML_DEPTH} levels deep"
                raise DescriptionError(source, line, "", message)
            open_.append((event.anchor, expanded))
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = open_.pop()
            if anchor is not None:
                sizes[anchor] = expanded - start
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            expanded += _alias_size(event.anchor, sizes, open_, (source, line))
        if expanded > MAX_YAML_NODES:
            message = f"the description has more than {MAX_YAML_NODES:,} values once aliases"
            raise DescriptionError(source, line, "", message + " are expanded (an alias bomb?)")


def _alias_size(
    anchor: str | None,
    sizes: dict[str, int],
    open_: list[tuple[str | None, int]],
    where: tuple[str, int | None],
) -> int:
    """How many values the alias *anchor stands for; refuses one inside its own anchor."""
    if any(anchor == name for name, _ in open_):
        message = f"the alias *{anchor} refers to a value that contains it (a recursive alias)"
        raise DescriptionError(*where, "", message)
    if anchor is None or anchor not in sizes:
        raise DescriptionError(*where, "", f"the alias *{anchor} has no anchor before it")
    return sizes[anchor]


def _shorten(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
