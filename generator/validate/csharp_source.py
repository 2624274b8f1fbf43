"""C# source as static checks need it: comments and literal contents blanked, string values kept."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_STRING_PREFIX = re.compile(r'[$@]*"')
_QUOTES = re.compile(r'"+')
_INTERESTING = re.compile(r"""//|/\*|[$@]*"|'""")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass(frozen=True)
class Source:
    """``code`` is ``text`` with comments and the insides of literals replaced by spaces.

    Offsets and line breaks are the same in both, so a regex match on ``code`` (which cannot be
    fooled by comments or strings) is located in the original text. ``strings`` maps the offset
    of each plain or verbatim string literal to its value.
    """

    text: str
    code: str
    strings: dict[int, str]
    _line_starts: list[int] = field(repr=False, compare=False)

    def line(self, offset: int) -> int:
        """1-based line number of an offset."""
        return bisect_right(self._line_starts, offset)

    def string_at(self, offset: int) -> str | None:
        """The value of the string literal starting at offset (its quote or prefix), if any."""
        return self.strings.get(offset)


def scan(text: str) -> Source:
    """Lex just enough C# to tell code from comments and literals."""
    code = list(text)
    strings: dict[int, str] = {}
    index = 0
    # Jump from one comment or literal start to the next; plain code needs no look.
    while (found := _INTERESTING.search(text, index)) is not None:
        index = _step(text, found.start(), code, strings)
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    return Source(text, "".join(code), strings, starts)


def _step(text: str, index: int, code: list[str], strings: dict[int, str]) -> int:
    """Handle what starts at index; the offset after it."""
    if text.startswith("//", index):
        end = _end_of(text, "\n", index)
        _blank(code, index, end)
        return end
    if text.startswith("/*", index):
        close = text.find("*/", index + 2)
        end = len(text) if close < 0 else close + 2
        _blank(code, index, end)
        return end
    prefix = _STRING_PREFIX.match(text, index)
    if prefix:
        end, value = _string(text, index, prefix.end() - index - 1)
        _blank(code, prefix.end(), end - 1)
        if value is not None:
            strings[index] = value
        return end
    if text[index] == "'":
        end = _char_end(text, index)
        _blank(code, index + 1, end - 1)
        return end
    return index + 1


def _string(text: str, start: int, prefix_length: int) -> tuple[int, str | None]:
    """(offset after the literal, its value or None for interpolated strings)."""
    prefix = text[start : start + prefix_length]
    quote = start + prefix_length
    run = _QUOTES.match(text, quote)
    quotes = run.end() - quote if run else 0
    if quotes >= 3:  # raw string literal (C# 11): ends at the same number of quotes
        close = text.find('"' * quotes, quote + quotes)
        end = len(text) if close < 0 else close + quotes
        return end, None if "$" in prefix else text[quote + quotes : close]
    if "@" in prefix:
        return _verbatim(text, quote + 1, "$" in prefix)
    return _regular(text, quote + 1, "$" in prefix)


def _verbatim(text: str, index: int, interpolated: bool) -> tuple[int, str | None]:
    value: list[str] = []
    while index < len(text):
        char = text[index]
        if char == '"' and text.startswith('""', index):
            value.append('"')
            index += 2
        elif char == '"':
            return index + 1, None if interpolated else "".join(value)
        elif interpolated and char == "{" and not text.startswith("{{", index):
            index = _hole_end(text, index + 1)
        else:
            value.append(char)
            index += 2 if interpolated and text.startswith(("{{", "}}"), index) else 1
    return len(text), None


def _regular(text: str, index: int, interpolated: bool) -> tuple[int, str | None]:
    value: list[str] = []
    while index < len(text) and text[index] != "\n":
        char = text[index]
        if char == "\\":
            escaped, index = _escape(text, index)
            value.append(escaped)
        elif char == '"':
            return index + 1, None if interpolated else "".join(value)
        elif interpolated and char == "{" and not text.startswith("{{", index):
            index = _hole_end(text, index + 1)
        else:
            value.append(char)
            index += 2 if interpolated and text.startswith(("{{", "}}"), index) else 1
    return index, None  # unterminated: the compiler reports it


def _escape(text: str, index: int) -> tuple[str, int]:
    """(character, offset after) for the escape sequence at index."""
    letter = text[index + 1 : index + 2]
    if letter in ("u", "x"):
        digits = (
            re.match(r"[0-9a-fA-F]{1,4}", text[index + 2 : index + 6]) if letter == "x" else None
        )
        width = len(digits.group()) if digits else 4
        hex_text = text[index + 2 : index + 2 + width]
        try:
            return chr(int(hex_text, 16)), index + 2 + width
        except ValueError:
            return letter, index + 2
    return _ESCAPES.get(letter, letter), index + 2


def _hole_end(text: str, index: int) -> int:
    """Offset after the "}" closing an interpolation hole; nested strings and braces skipped."""
    depth = 1
    while index < len(text) and depth:
        prefix = _STRING_PREFIX.match(text, index)
        if prefix:
            index, _ = _string(text, index, prefix.end() - index - 1)
            continue
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        index += 1
    return index


def _char_end(text: str, index: int) -> int:
    """Offset after a character literal ('x', '\\'', '\\u0041')."""
    probe = index + 1
    if text.startswith("\\", probe):
        probe += 2
    close = text.find("'", probe)
    newline = _end_of(text, "\n", index)
    return close + 1 if 0 <= close < newline else index + 1


def _end_of(text: str, needle: str, index: int) -> int:
    found = text.find(needle, index)
    return len(text) if found < 0 else found


def _blank(code: list[str], start: int, end: int) -> None:
    """Spaces over code[start:end], keeping line breaks so line numbers stay put."""
    for index in range(start, min(end, len(code))):
        if code[index] not in "\r\n":
            code[index] = " "


def matching_brace(code: str, open_at: int) -> int:
    """Offset of the "}" matching the "{" at open_at in blanked code (len(code) if none)."""
    depth = 0
    for index in range(open_at, len(code)):
        depth += {"{": 1, "}": -1}.get(code[index], 0)
        if depth == 0:
            return index
    return len(code)


def brace_depth(code: str, start: int, offset: int) -> int:
    """How many "{" are open at offset, counting from start (blanked code)."""
    part = code[start:offset]
    return part.count("{") - part.count("}")
