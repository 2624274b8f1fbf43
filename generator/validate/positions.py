"""Where each JSON value starts in its text: pointer to line and column, and duplicate keys."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from generator.validate.reader import STRING

Path = tuple[str, ...]

_TOKEN = re.compile(rf'{STRING}|[{{}}\[\]:,]|[^\s{{}}\[\]:,"]+')


@dataclass
class _Frame:
    """An open object or array while scanning."""

    path: Path
    is_object: bool
    key: str | None = None
    index: int = -1
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Positions:
    """Offsets of the values of one JSON text (all, or those asked for), and repeated keys."""

    source: str
    offsets: dict[Path, int]
    duplicates: list[tuple[Path, int]]
    places: dict[int, tuple[int, int]] = field(default_factory=dict)

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        place = self.places.get(offset)
        if place is None:
            start = self.source.rfind("\n", 0, offset) + 1
            place = self.source.count("\n", 0, start) + 1, offset - start + 1
        return place

    def locate(self, tokens: Path) -> tuple[int, int] | None:
        """Line and column of the value at ``tokens``, or of its nearest located ancestor."""
        for end in range(len(tokens), -1, -1):
            offset = self.offsets.get(tokens[:end])
            if offset is not None:
                return self.line_column(offset)
        return None


def scan(source: str, wanted: Collection[Path] | None = None) -> Positions:
    """Offsets of the values of a text that is valid JSON (a leading BOM is skipped).

    With ``wanted``, only those values (and their ancestors) are kept, each with its line and
    column worked out in one pass: memory stays small on a large file.
    """
    keep = (
        None if wanted is None else {path[:end] for path in wanted for end in range(len(path) + 1)}
    )
    offsets: dict[Path, int] = {}
    duplicates: list[tuple[Path, int]] = []
    stack: list[_Frame] = []
    expect_key = False
    for match in _TOKEN.finditer(source):
        token, offset = match.group(), match.start()
        if token in (",", ":"):
            expect_key = token == "," and bool(stack) and stack[-1].is_object
        elif token in ("}", "]"):
            stack.pop()
        elif expect_key:
            _member_key(stack[-1], json.loads(token), offset, duplicates)
            expect_key = False
        else:
            path = _value_path(stack)
            if keep is None or path in keep:
                offsets[path] = offset
            if token in ("{", "["):
                stack.append(_Frame(path, token == "{"))
                expect_key = token == "{"
    places = _places(source, offsets.values()) if wanted is not None else {}
    return Positions(source, offsets, duplicates, places)


def _places(source: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Line and column of each offset, counting newlines once from start to end."""
    places: dict[int, tuple[int, int]] = {}
    line, line_start, previous = 1, 0, 0
    for offset in sorted(set(offsets)):
        newlines = source.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = source.rfind("\n", previous, offset) + 1
        places[offset] = line, offset - line_start + 1
        previous = offset
    return places


def _member_key(frame: _Frame, key: str, offset: int, found: list[tuple[Path, int]]) -> None:
    if key in frame.keys:
        found.append(((*frame.path, key), offset))
    frame.keys.add(key)
    frame.key = key


def _value_path(stack: list[_Frame]) -> Path:
    if not stack:
        return ()
    frame = stack[-1]
    if frame.is_object:
        return (*frame.path, frame.key or "")
    frame.index += 1
    return (*frame.path, str(frame.index))
