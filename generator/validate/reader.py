"""Read a connector folder or package zip into bytes, and decode its JSON files."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConnectorReadError

SWAGGER = "apiDefinition.swagger.json"
PROPERTIES = "apiProperties.json"
SETTINGS = "settings.json"
ICON = "icon.png"
SCRIPT = "script.csx"
KNOWN_FILES = (SWAGGER, PROPERTIES, SETTINGS, ICON, SCRIPT)
JSON_FILES = (SWAGGER, PROPERTIES, SETTINGS)
README = "readme.md"  # matched case-insensitively: README.md, Readme.md, readme.md

MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any real connector file; guards zip bombs
_BOM = b"\xef\xbb\xbf"
_CONSTANT = re.compile(r'"(?:\\.|[^"\\])*"|(-?Infinity|NaN)')

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
    """
    from generator.validate.solution import is_solution, single_connector

    if is_solution(path):
        return single_connector(path)
    if path.is_dir():
        return _read_folder(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _read_zip(path)
    if not path.exists():
        raise ConnectorReadError(f"{path}: no such folder or file")
    raise ConnectorReadError(f"{path}: neither a connector folder nor a .zip package")


def _read_folder(folder: Path) -> ConnectorFiles:
    try:
        entries = sorted(folder.iterdir())
        return {e.name: _read_file(e) for e in entries if e.is_file() and is_known(e.name)}
    except OSError as exc:
        raise ConnectorReadError(f"{folder}: cannot read the folder: {exc}") from exc


def _read_file(path: Path) -> bytes:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ConnectorReadError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    return path.read_bytes()


def _read_zip(path: Path) -> ConnectorFiles:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            prefix = _zip_prefix([info.filename for info in infos])
            chosen = [i for i in infos if _zip_member_name(i.filename, prefix) is not None]
            return {i.filename[len(prefix) :]: _read_member(archive, i, path) for i in chosen}
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        raise ConnectorReadError(f"{path}: cannot read the zip: {exc}") from exc


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


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    if info.file_size > MAX_FILE_BYTES:
        raise ConnectorReadError(f"{path}: {info.filename} is larger than {MAX_FILE_BYTES} bytes")
    return archive.read(info)


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
        line, column = _line_column(body[: exc.start].decode("utf-8", "replace"))
        problem = f"not UTF-8: byte 0x{body[exc.start]:02x} at line {line}, column {column}"
        return Decoded(None, None, problem)
    hook = _PairsHook()
    try:
        value = json.loads(source, parse_constant=_reject_constant, object_pairs_hook=hook)
        return Decoded(source, value, None, hook.repeated)
    except json.JSONDecodeError as exc:
        return Decoded(source, None, _syntax_problem(source, exc))
    except _ConstantError as exc:
        line, column = _constant_position(source)
        return Decoded(source, None, f"not valid JSON: {exc} at line {line}, column {column}")
    except RecursionError:
        return Decoded(source, None, "not valid JSON here: nested too deeply to read")


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
