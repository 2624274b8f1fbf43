"""Findings: problems reported as values with a rule id, a level and a location."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """How serious a finding is; errors fail validation, warnings fail only with --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a connector package, located by file and JSON pointer."""

    file: str
    pointer: str
    rule: str
    level: Level
    message: str

    def render(self) -> str:
        """One readable line: ``level RULE file#pointer: message``."""
        where = f"{self.file}#{self.pointer}" if self.pointer else self.file
        return f"{self.level.value} {self.rule} {where}: {self.message}"


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    """Build a JSON pointer from raw tokens, escaping each one."""
    return "".join("/" + escape_pointer_token(str(t)) for t in tokens)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters, line separators and lone surrogates written as
    escapes (``\\x0a``, ``\\u2028``, ``\\ud800``): a finding quotes what it found, and none of
    them may break a report's line or its UTF-8 encoding."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
