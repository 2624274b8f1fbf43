"""Where each JSON value starts in its text: pointer to line and column, and duplicate keys."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

Path = tuple[str, ...]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


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
    """Offsets of every value of one JSON text, and the members whose key repeats."""

    source: str
    offsets: dict[Path, int]
    duplicates: list[tuple[Path, int]]
    line_starts: list[int]

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def locate(self, tokens: Path) -> tuple[int, int] | None:
        """Line and column of the value at ``tokens``, or of its nearest located ancestor."""
        for end in range(len(tokens), -1, -1):
            offset = self.offsets.get(tokens[:end])
            if offset is not None:
                return self.line_column(offset)
        return None


def scan(source: str) -> Positions:
    """Offsets of the values of a text that is valid JSON (a leading BOM is skipped)."""
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
            offsets[path] = offset
            if token in ("{", "["):
                stack.append(_Frame(path, token == "{"))
                expect_key = token == "{"
    starts = [0, *(m.end() for m in re.finditer("\n", source))]
    return Positions(source, offsets, duplicates, starts)


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
