"""Read a connector folder or package zip into bytes, and decode its JSON files."""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConnectorPathError, ConnectorReadError
from generator.findings import Finding, Level
from generator.limits import (
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_JSON_DEPTH,
    MAX_JSON_VALUES,
    MAX_RUN_BYTES,
    MAX_TOTAL_BYTES,
    MAX_ZIP_MEMBERS,
)

SWAGGER = "apiDefinition.swagger.json"
PROPERTIES = "apiProperties.json"
SETTINGS = "settings.json"
ICON = "icon.png"
SCRIPT = "script.csx"
KNOWN_FILES = (SWAGGER, PROPERTIES, SETTINGS, ICON, SCRIPT)
JSON_FILES = (SWAGGER, PROPERTIES, SETTINGS)
README = "readme.md"  # matched case-insensitively: README.md, Readme.md, readme.md

_BOM = b"\xef\xbb\xbf"
# A JSON string written so that a long one is matched in one step. The quantifiers are
# possessive: the regex engine keeps no backtracking state per escape (a string of 5,000,000
# backslashes took 300 MB with plain ones, the alternation form gigabytes on a 60 MB string).
STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_CONSTANT = re.compile(rf"{STRING}|(-?Infinity|NaN)")
_STRINGS = re.compile(STRING)
_NUMBER = re.compile(rf"{STRING}|(-?\d+)([.eE])?")

ConnectorFiles = dict[str, bytes]


def is_known(name: str) -> bool:
    """Whether a file name is one of the connector files we read."""
    return name in KNOWN_FILES or is_readme(name)


def is_readme(name: str) -> bool:
    """Whether a file name is the readme (any case)."""
    return name.lower() == README


def read_connector(path: Path) -> ConnectorFiles:
    """Map file name to bytes for the known files of a connector folder or package zip.

    A Power Platform solution (zip or folder) with one custom connector reads as that connector.
    Raises ConnectorReadError for what cannot be read, or what would take more than the limits
    of generator.limits (file and total size, zip entries) to read.
    """
    from generator.validate.solution import is_solution, single_connector

    if is_solution(path):
        return single_connector(path)
    if path.is_dir():
        return _read_folder(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _read_zip(path)
    if not path.exists():
        raise ConnectorPathError(f"{path}: no such folder or file")
    raise ConnectorPathError(f"{path}: neither a connector folder nor a .zip package")


READ_RULE = "READ-01"
"""The rule id of a path that could not be read: every reader's refusals (limits, damage,
links out of the folder) become one error finding of this rule for that path."""
READ_SUMMARY = "every path is a connector that can be read within the limits of generator.limits"
READ_REASON = "import: a package that cannot be read cannot be imported either"


def read_finding(message: str) -> Finding:
    """The error finding that stands for a path the readers refused."""
    return Finding("", "", READ_RULE, Level.ERROR, message)


def _read_folder(folder: Path) -> ConnectorFiles:
    try:
        entries = sorted(e for e in folder.iterdir() if is_known(e.name) and e.is_file())
        for entry in entries:
            refuse_outside(folder, entry)
        check_sizes(folder, [(e.name, e.stat().st_size) for e in entries])
        return {e.name: e.read_bytes() for e in entries}
    except OSError as exc:
        raise ConnectorReadError(f"{folder}: cannot read the folder: {exc}") from exc


def refuse_outside(folder: Path, entry: Path) -> None:
    """Refuse, before reading it, a file whose path (through symbolic links) leaves ``folder``:
    its content would be validated and quoted in findings as if it belonged to the connector."""
    real = entry.resolve()
    if not real.is_relative_to(folder.resolve()):
        name = entry.relative_to(folder).as_posix()
        raise ConnectorReadError(
            f"{folder}: {name} is a symbolic link out of the folder (to {real}); it is not read"
        )


class RunBudget:
    """Bytes of connector files one run holds at once, all paths together (MAX_RUN_BYTES)."""

    def __init__(self) -> None:
        self.spent = 0

    def spend(self, path: Path, files: Mapping[str, bytes]) -> None:
        """Count the files of one path; ConnectorReadError once the run holds too much."""
        self.spent += sum(len(data) for data in files.values())
        if self.spent > MAX_RUN_BYTES:
            raise ConnectorReadError(
                f"{path}: the paths so far hold more than {MAX_RUN_BYTES:,} bytes of connector "
                "files; validate fewer at a time"
            )


def check_sizes(where: Path, sizes: list[tuple[str, int]]) -> None:
    """Refuse, before reading anything, a file or a package too large to validate."""
    for name, size in sizes:
        if size > MAX_FILE_BYTES:
            raise ConnectorReadError(
                f"{where}: {name} has {size:,} bytes; files over {MAX_FILE_BYTES:,} bytes are "
                "not read"
            )
    total = sum(size for _, size in sizes)
    if total > MAX_TOTAL_BYTES:
        raise ConnectorReadError(
            f"{where}: the connector files have {total:,} bytes together; at most "
            f"{MAX_TOTAL_BYTES:,} are read"
        )


def _read_zip(path: Path) -> ConnectorFiles:
    try:
        with zipfile.ZipFile(path) as archive:
            chosen = _zip_members(archive, path)
            check_sizes(path, [(name, info.file_size) for name, info in chosen.items()])
            return {name: archive.read(info) for name, info in chosen.items()}
    except ZIP_ERRORS as exc:
        raise ConnectorReadError(f"{path}: cannot read the zip: {exc}") from exc


# zlib.error and EOFError come from damaged compressed data, not from zipfile itself.
ZIP_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    NotImplementedError,
)


def _zip_members(archive: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    """The entries holding connector files, by file name; only these are unpacked."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ConnectorReadError(
            f"{path}: the zip has {len(infos):,} entries; at most {MAX_ZIP_MEMBERS:,} are read"
        )
    infos = [info for info in infos if not info.is_dir()]
    prefix = _zip_prefix([info.filename for info in infos])
    chosen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = _zip_member_name(info.filename, prefix)
        if name is None:
            continue
        if name in chosen:
            raise ConnectorReadError(f"{path}: the zip holds {info.filename} more than once")
        chosen[name] = info
    return chosen


def _zip_prefix(names: list[str]) -> str:
    """Empty when known files sit at the root, else the one top folder holding everything."""
    if any(is_known(name) for name in names):
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    return f"{tops.pop()}/" if len(tops) == 1 and all("/" in name for name in names) else ""


def _zip_member_name(filename: str, prefix: str) -> str | None:
    if not filename.startswith(prefix):
        return None
    name = filename[len(prefix) :]
    return name if "/" not in name and is_known(name) else None


@dataclass(frozen=True)
class Decoded:
    """One JSON file decoded: its text, its value or the problem, and whether a key repeats."""

    text: str | None
    value: object
    problem: str | None
    duplicate_keys: bool = False


def decode_json(data: bytes) -> tuple[object, str | None]:
    """Parse strict JSON from UTF-8 (a BOM is accepted); (value, None) or (None, problem)."""
    decoded = decode(data)
    return decoded.value, decoded.problem


def decode(data: bytes) -> Decoded:
    """Decode and parse one JSON file; problems carry a line and column."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        source = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Decoded(None, None, _not_utf8(body, exc))
    if _surely_too_many(source):
        return Decoded(source, None, _TOO_MANY)
    hook = _PairsHook()
    try:
        value = json.loads(
            source, parse_constant=_reject_constant, parse_int=_parse_int, object_pairs_hook=hook
        )
    except json.JSONDecodeError as exc:
        return Decoded(source, None, _syntax_problem(source, exc))
    except _ConstantError as exc:
        line, column = _constant_position(source)
        return Decoded(source, None, f"not valid JSON: {exc} at line {line}, column {column}")
    except _LongIntegerError as exc:
        line, column = _long_integer_position(source)
        return Decoded(source, None, f"not valid JSON here: {exc} at line {line}, column {column}")
    except RecursionError:
        return Decoded(source, None, _TOO_DEEP)
    problem = _too_large(value)
    if problem is not None:
        return Decoded(source, None, problem)
    return Decoded(source, value, None, hook.repeated)


def _too_large(value: object) -> str | None:
    """Why a parsed document is too deep or has too many values to validate, or None.

    Walks with one iterator per open array or object, so a flat array of millions of values
    takes no extra memory.
    """
    stack: list[Iterator[object]] = [iter((value,))]
    count = 0
    while stack:
        for child in stack[-1]:
            count += 1
            if count > MAX_JSON_VALUES:
                return _TOO_MANY
            if isinstance(child, (dict, list)):
                if len(stack) > MAX_JSON_DEPTH:
                    return _TOO_DEEP
                stack.append(iter(child.values() if isinstance(child, dict) else child))
                break
        else:
            stack.pop()
    return None


def _surely_too_many(source: str) -> bool:
    """Whether the text certainly holds more than MAX_JSON_VALUES values, told before parsing
    (parsing millions of values takes seconds and hundreds of MB).

    Outside strings, every ``,`` starts one more value, every ``:`` one more member, every ``[``
    and ``{`` one more container: the values are at least the largest of these counts. They are
    also at most their sum plus one (every value but the root follows ``[``, ``,`` or ``:``), so
    a text this lets through parses into at most three times MAX_JSON_VALUES values. The text is
    scanned a chunk at a time and the scan stops as soon as a count is over the limit.
    """
    if max(_separators(source)) <= MAX_JSON_VALUES:
        return False  # the counts with strings included already stay under the limit
    counts = (0, 0, 0)
    position = 0
    while position < len(source):
        end = _chunk_end(source, position)
        if end is None:
            return False  # an unterminated string: the parser reports it
        more = _separators(_STRINGS.sub("", source[position:end]))
        counts = (counts[0] + more[0], counts[1] + more[1], counts[2] + more[2])
        if max(counts) > MAX_JSON_VALUES:
            return True
        position = end
    return False


def _separators(text: str) -> tuple[int, int, int]:
    """The commas, the colons and the opening brackets of ``text``."""
    return text.count(","), text.count(":"), text.count("[") + text.count("{")


_SCAN_CHUNK = 1 << 20
# Text outside strings and whole strings, as far as they go within a chunk; possessive, so a
# string cut by the chunk's end is left for the next chunk without backtracking.
_WHOLE_STRINGS = re.compile(rf'(?:[^"]*+{STRING})*+[^"]*+')


def _chunk_end(source: str, start: int) -> int | None:
    """Where the chunk that starts at ``start`` (outside any string) ends, outside any string;
    None when the string that opens there never ends."""
    found = _WHOLE_STRINGS.match(source, start, min(start + _SCAN_CHUNK, len(source)))
    end = found.end() if found is not None else start
    if end > start:
        return end
    whole = _STRINGS.match(source, start)  # one string longer than a chunk
    return whole.end() if whole is not None else None


_TOO_MANY = f"too large to validate: more than {MAX_JSON_VALUES:,} values"
_TOO_DEEP = f"not valid JSON here: arrays and objects nested more than {MAX_JSON_DEPTH} levels deep"


def utf8_problem(data: bytes) -> str | None:
    """Why the bytes are not UTF-8 text (a BOM is accepted), with line and column; or None."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_utf8(body, exc)
    return None


def _not_utf8(body: bytes, exc: UnicodeDecodeError) -> str:
    line, column = _line_column(body[: exc.start].decode("utf-8", "replace"))
    return f"not UTF-8: byte 0x{body[exc.start]:02x} at line {line}, column {column}"


class _PairsHook:
    """Builds objects like json does and notes whether any object repeats a key."""

    def __init__(self) -> None:
        self.repeated = False

    def __call__(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.repeated = True
        return result


def _syntax_problem(source: str, exc: json.JSONDecodeError) -> str:
    """The decoder's message, named better for comments and trailing commas."""
    position, message = exc.pos, exc.msg
    if source.startswith(("//", "/*"), position):
        message = "a comment (JSON has no comments)"
    elif source[position : position + 1] in ("}", "]"):
        before = source[:position].rstrip()
        if before.endswith(","):
            position, message = len(before) - 1, f"a trailing comma before '{source[exc.pos]}'"
    line, column = _line_column(source[:position])
    return f"not valid JSON: {message} at line {line}, column {column}"


class _ConstantError(ValueError):
    """Raised inside json.loads for NaN and Infinity, which strict JSON forbids."""


def _reject_constant(name: str) -> object:
    raise _ConstantError(f"{name} is not a JSON value")


class _LongIntegerError(ValueError):
    """Raised inside json.loads for an integer too long to convert (int_max_str_digits)."""


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongIntegerError(
            f"an integer of {len(digits.lstrip('-')):,} digits (at most {MAX_INT_DIGITS:,})"
        )
    return int(digits)


def _long_integer_position(source: str) -> tuple[int, int]:
    for match in _NUMBER.finditer(source):
        whole = match.group(1)
        if whole and not match.group(2) and len(whole.lstrip("-")) > MAX_INT_DIGITS:
            return _line_column(source[: match.start(1)])
    return 1, 1


def _constant_position(source: str) -> tuple[int, int]:
    for match in _CONSTANT.finditer(source):
        if match.group(1):
            return _line_column(source[: match.start(1)])
    return 1, 1


def _line_column(before: str) -> tuple[int, int]:
    """1-based line and column of the character that follows ``before``."""
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


_PROBLEM_POSITION = re.compile(r" at line ([1-9][0-9]*), column ([1-9][0-9]*)$")


def problem_position(problem: str) -> tuple[int, int] | None:
    """(line, column) that a problem from ``decode`` ends with, when it names one."""
    match = _PROBLEM_POSITION.search(problem)
    return (int(match.group(1)), int(match.group(2))) if match is not None else None
