"""Inputs found by fuzzing that once crashed, hung or blew up: each one written into a folder.

Shared by tests/test_bounded.py (one regression test each) and tests/benchmarks/bench_bounded.py
(time and peak memory each). ``Case.make(folder)`` writes the input and returns the command line.
"""

from __future__ import annotations

import functools
import json
import shutil
import signal
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "tests" / "data" / "validate" / "clean"
DESCRIPTION = ROOT / "generator" / "description" / "kintone.yaml"
SWAGGER = "apiDefinition.swagger.json"
PROPERTIES = "apiProperties.json"
SCRIPT = "script.csx"
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One reproducer: how to write it, the exit code it must give and text the output holds."""

    name: str
    make: Callable[[Path], list[str]]
    exit_code: int
    expected: str


CASES: list[Case] = []


def case(name: str, exit_code: int, expected: str) -> Callable[[Callable[[Path], list[str]]], None]:
    """Register the decorated writer as a reproducer."""

    def register(make: Callable[[Path], list[str]]) -> None:
        CASES.append(Case(name, make, exit_code, expected))

    return register


def clean_copy(folder: Path) -> Path:
    """The clean test connector copied into ``folder/connector``."""
    target = folder / "connector"
    shutil.copytree(CLEAN, target)
    return target


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load a JSON file, change it in place and write it back."""
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")


Member = tuple[str, bytes, int, int]  # name, raw deflate data, unpacked size, CRC-32


def member(name: str, content: bytes) -> Member:
    """A zip member holding ``content``."""
    return name, deflate(content), len(content), zlib.crc32(content)


def zeros(name: str, size: int) -> Member:
    """A zip member of ``size`` zero bytes (compressed once, however often it is used)."""
    return (name, *_zero_stream(size))


@functools.cache
def _zero_stream(size: int) -> tuple[bytes, int, int]:
    content = b"\0" * size
    return deflate(content), size, zlib.crc32(content)


def stored_zip(path: Path, members: list[Member]) -> None:
    """Write a zip of members given as they are stored: nothing is compressed or checked here,
    so one compressed stream can stand for many members (gigabytes unpacked) and data can be
    damaged on purpose."""
    out, central = bytearray(), bytearray()
    for name, data, size, crc in members:
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size,
                             len(encoded), 0)  # fmt: skip
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, len(out))  # fmt: skip
        central += encoded
        out += header + encoded + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(out), 0)  # fmt: skip
    path.write_bytes(bytes(out + central + end))


def deflate(data: bytes) -> bytes:
    """Raw deflate data, as a zip member holds it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


# ---- validate ---------------------------------------------------------------------------------


@case("clean-connector (baseline)", 0, "no errors")
def _clean(folder: Path) -> list[str]:
    return ["validate", str(clean_copy(folder))]


@case("zip-corrupt-deflate", 1, "cannot read the zip")
def _zip_corrupt(folder: Path) -> list[str]:
    package = folder / "broken.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(CLEAN.iterdir()):
            archive.write(file, file.name)
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo(SWAGGER)
    start = info.header_offset + 30 + len(SWAGGER)
    data[start : start + 64] = b"\xff" * 64  # a deflate block type that does not exist
    package.write_bytes(bytes(data))
    return ["validate", str(package)]


@case("json-integer-5000-digits", 1, "an integer of 5,000 digits (at most 4,300)")
def _long_integer(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    text = (connector / PROPERTIES).read_text()
    (connector / PROPERTIES).write_text(text.replace("{", '{"n": ' + "9" * 5000 + ",", 1))
    return ["validate", str(connector)]


@case(
    "pollingtrigger-operation-object",
    0,
    "warning TRIG-01 apiProperties.json#/properties/policyTemplateInstances/1/parameters/"
    "x-ms-apimTemplate-operationName/0",
)
def _polling_object(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    policy = {
        "templateId": "pollingtrigger",
        "title": "Poll",
        "parameters": {
            "x-ms-apimTemplateParameter.triggerConfig": {},
            "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().value",
            "x-ms-apimTemplate-operationName": [{"an": "object"}],
        },
    }

    def add(value: dict[str, object]) -> None:
        props = value["properties"]
        assert isinstance(props, dict)
        props.setdefault("policyTemplateInstances", []).append(policy)

    edit_json(connector / PROPERTIES, add)
    return ["validate", str(connector)]


def png(depth: int, kind: int, pixel: bytes, size: int = 230) -> bytes:
    """A PNG whose IHDR says ``depth`` and ``kind``, with ``pixel`` as its first row's start."""

    def chunk(name: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(name + body)
        return struct.pack(">I", len(body)) + name + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, depth, kind, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" + pixel))
        + chunk(b"IEND", b"")
    )


def _icon_case(name: str, depth: int, kind: int, pixel: bytes) -> None:
    @case(name, 1, f"bit depth {depth} with colour type {kind}")
    def make(folder: Path) -> list[str]:
        connector = clean_copy(folder)
        (connector / "icon.png").write_bytes(png(depth, kind, pixel))
        return ["validate", str(connector)]


_icon_case("icon-rgb-4-bit", 4, 2, b"\x12")  # once IndexError
_icon_case("icon-gray-32-bit", 32, 0, b"\x12\x34\x56\x78")  # once negative shift count
_icon_case("icon-palette-16-bit", 16, 3, b"\x00\x01")
_icon_case("icon-colour-type-5", 8, 5, b"\x01\x02")


@case("output-into-missing-folder", 2, "cannot write the report")
def _output_missing(folder: Path) -> list[str]:
    return ["validate", str(CLEAN), "-o", str(folder / "missing" / "report.txt")]


@case("output-below-a-file", 2, "cannot write the report")
def _output_below_file(folder: Path) -> list[str]:
    (folder / "file").write_text("x")
    return ["validate", str(CLEAN), "-o", str(folder / "file" / "report.txt")]


@case("swagger-ref-chain-5000", 1, "SWAGGER-01")
def _ref_chain(folder: Path) -> list[str]:
    connector = clean_copy(folder)

    def chain(value: dict[str, object]) -> None:
        count = 5000
        definitions = {f"d{i}": {"$ref": f"#/definitions/d{i + 1}"} for i in range(count)}
        definitions[f"d{count}"] = {"type": "object", "properties": {"x": {"type": "string"}}}
        value["definitions"] = definitions
        # An error elsewhere keeps the run honest: the chain must not hide it.
        value["info"] = {**value["info"], "title": "k" * 40}  # type: ignore[dict-item]

    edit_json(connector / SWAGGER, chain)
    return ["validate", str(connector)]


@case("swagger-redos-pattern-with-default", 0, "no errors")
def _redos(folder: Path) -> list[str]:
    connector = clean_copy(folder)

    def evil(value: dict[str, Any]) -> None:
        for item in value["paths"].values():
            for operation in item.values():
                evil_parameter = {"name": "evil", "in": "query", "type": "string"}
                evil_parameter |= {"pattern": "^(a+)+$", "default": "a" * 40 + "!"}
                operation.setdefault("parameters", []).append(evil_parameter)
                return

    edit_json(connector / SWAGGER, evil)
    return ["validate", str(connector)]


@case("script-identifier-40kb", 1, "PKG-03")
def _long_identifier(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    (connector / SCRIPT).write_text("var x = " + "a" * 40_000 + " ;\n")
    return ["validate", str(connector)]


@case("script-override-20000", 1, "no override of ExecuteAsync()")
def _many_overrides(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    (connector / SCRIPT).write_text("public class Script : ScriptBase { " + "override " * 20_000)
    return ["validate", str(connector)]


@case("properties-string-60mb", 1, "files over 16,777,216 bytes are not read")
def _string_60mb(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    text = (connector / PROPERTIES).read_text()
    (connector / PROPERTIES).write_text(text.replace("{", '{"big": "' + "x" * (60 * MB) + '",', 1))
    return ["validate", str(connector)]


@case("properties-string-9mb", 0, "warning JSON-02")
def _string_9mb(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    text = (connector / PROPERTIES).read_text()
    big = '"big": "' + "x" * (9 * MB // 2) + '",'
    (connector / PROPERTIES).write_text(text.replace("{", "{" + big + big, 1))  # a repeated key
    return ["validate", str(connector)]


@case("swagger-9mb-of-empty-arrays", 1, "too large to validate: more than 100,000 values")
def _dense_arrays(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    text = (connector / SWAGGER).read_text()
    dense = '"x-dense": [' + "[]," * (3 * MB) + "[]],"
    (connector / SWAGGER).write_text(text.replace("{", "{" + dense, 1))
    return ["validate", str(connector)]


@case("swagger-9mb-of-bad-paths", 1, "too large to validate")
def _bad_paths(folder: Path) -> list[str]:
    connector = clean_copy(folder)

    def many(value: dict[str, object]) -> None:
        value["paths"] = {f"/p{i}": 1 for i in range(MB // 2)}

    edit_json(connector / SWAGGER, many)
    return ["validate", str(connector)]


@case("swagger-95k-empty-arrays", 0, "no errors")
def _arrays_below_limit(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    text = (connector / SWAGGER).read_text()
    dense = '"x-dense": [' + "[]," * 95_000 + "[]],"
    (connector / SWAGGER).write_text(text.replace("{", "{" + dense, 1))
    return ["validate", str(connector)]


@case("swagger-95k-bad-paths", 1, "more than 1,000 findings; the rest are not reported")
def _bad_paths_below_limit(folder: Path) -> list[str]:
    connector = clean_copy(folder)

    def many(value: dict[str, object]) -> None:
        value["paths"] = {f"/p{i}": 1 for i in range(95_000)}

    edit_json(connector / SWAGGER, many)
    return ["validate", str(connector)]


@case("zip-100-members-of-60mb", 1, "files over 16,777,216 bytes are not read")
def _zip_bomb(folder: Path) -> list[str]:
    package = folder / "bomb.zip"
    names = [SWAGGER, PROPERTIES, "settings.json", "icon.png", SCRIPT]
    names += [f"extra/{i}.bin" for i in range(95)]
    stored_zip(package, [zeros(name, 60 * MB) for name in names])
    return ["validate", str(package)]


@case("solution-zip-of-600-members-of-15mb", 1, "bytes together; at most 33,554,432 are read")
def _solution_bomb(folder: Path) -> list[str]:
    package = folder / "solution.zip"
    solution = member("solution.xml", b"<ImportExportXml/>")
    stored_zip(package, [solution, *(zeros(f"Connector/{i}.bin", 15 * MB) for i in range(600))])
    return ["validate", str(package)]


@case("solution-zip-of-1001-connector-files", 1, "1,002 files to read for its connectors")
def _solution_many_files(folder: Path) -> list[str]:
    # Too many is refused, never cut to the first thousand.
    package = folder / "solution.zip"
    solution = member("solution.xml", b"<ImportExportXml/>")
    stored_zip(package, [solution, *(member(f"Connector/{i}.json", b"{}") for i in range(1001))])
    return ["validate", str(package)]


@case("solution-zip-of-600-unrelated-members-of-15mb", 2, "the solution holds no custom connector")
def _solution_unrelated(folder: Path) -> list[str]:
    # Flows, tables and web resources of a solution are neither counted nor unpacked.
    package = folder / "solution.zip"
    solution = member("solution.xml", b"<ImportExportXml/>")
    stored_zip(package, [solution, *(zeros(f"Other/{i}.bin", 15 * MB) for i in range(600))])
    return ["validate", str(package)]


@case("solution-zip-corrupt-deflate", 1, "cannot read the zip")
def _solution_corrupt(folder: Path) -> list[str]:
    package = folder / "solution.zip"
    name, data, size, crc = member("customizations.xml", b"<ImportExportXml>" + b" " * 4000)
    broken = b"\xff" * 16 + data[16:]  # a deflate block type that does not exist
    stored_zip(package, [member("solution.xml", b"<x/>"), (name, broken, size, crc)])
    return ["validate", str(package)]


@case("validate-six-paths-of-30mb-each", 1, "validate fewer at a time")
def _many_paths(folder: Path) -> list[str]:
    paths = []
    for index in range(6):
        package = folder / f"p{index}.zip"
        stored_zip(package, [zeros(SWAGGER, 15 * MB), zeros(PROPERTIES, 15 * MB)])
        paths.append(str(package))
    return ["validate", *paths]


@case("zip-same-member-twice", 1, "holds script.csx more than once")
def _zip_twice(folder: Path) -> list[str]:
    package = folder / "twice.zip"
    members = [member(f.name, f.read_bytes()) for f in sorted(CLEAN.iterdir())]
    stored_zip(package, [*members, member(SCRIPT, b"// another script")])
    return ["validate", str(package)]


@case("zip-one-member-of-60mb-among-others", 1, "files over 16,777,216 bytes are not read")
def _zip_one_big(folder: Path) -> list[str]:
    package = folder / "big.zip"
    members = [member(f.name, f.read_bytes()) for f in sorted(CLEAN.iterdir())]
    stored_zip(package, [m for m in members if m[0] != SCRIPT] + [zeros(SCRIPT, 60 * MB)])
    return ["validate", str(package)]


@case("zip-5000-entries", 1, "at most 1,000 are read")
def _zip_entries(folder: Path) -> list[str]:
    package = folder / "entries.zip"
    stored_zip(package, [member(f"junk/{i}.txt", b"") for i in range(5000)])
    return ["validate", str(package)]


@case("readme-latin-1", 0, "warning TEXT-01 readme.md#L29C4")
def _readme_latin1(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    readme = connector / "readme.md"
    readme.write_bytes(readme.read_bytes() + "\nCafé crème\n".encode("latin-1"))
    return ["validate", str(connector)]


@case("script-latin-1", 1, "error TEXT-01 script.csx#L36C7")
def _script_latin1(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    script = connector / SCRIPT
    script.write_bytes(script.read_bytes() + "\n// Café\n".encode("latin-1"))
    return ["validate", str(connector)]


# ---- diff -------------------------------------------------------------------------------------


@case("diff-empty-new", 2, "NEW")
def _diff_empty(folder: Path) -> list[str]:
    (folder / "empty").mkdir()
    return ["diff", str(CLEAN), str(folder / "empty")]


@case("diff-new-swagger-not-json", 2, "NEW")
def _diff_garbage(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    (connector / SWAGGER).write_text("{ not json")
    return ["diff", str(CLEAN), str(connector)]


@case("diff-old-swagger-not-an-object", 2, "OLD")
def _diff_old_list(folder: Path) -> list[str]:
    connector = clean_copy(folder)
    (connector / SWAGGER).write_text("[]")
    return ["diff", str(connector), str(CLEAN)]


# ---- build --description ----------------------------------------------------------------------


def _description(folder: Path, text: str) -> list[str]:
    path = folder / "description.yaml"
    path.write_text(text, encoding="utf-8")
    return ["build", "--description", str(path), "--out", str(folder / "out")]


def _build_case(name: str, expected: str, text: Callable[[], str]) -> None:
    @case(name, 1, expected)
    def make(folder: Path) -> list[str]:
        return _description(folder, text())


_build_case(
    "yaml-recursive-alias", "description.yaml:1: the alias *r refers to", lambda: "x: &r [*r]\n"
)
_build_case(
    "yaml-nesting-1000",
    "description.yaml:1: mappings and sequences nested more than 64 levels deep",
    lambda: "a: " + "[" * 1000 + "]" * 1000 + "\n",
)
_build_case(
    "yaml-unknown-tag",
    "description.yaml:2: unsupported YAML tag !python/object",
    lambda: "info:\n  title: !python/object {}\n",
)
_build_case(
    "yaml-merge-key",
    "description.yaml:3: YAML merge keys (<<) are not supported",
    lambda: "base: &b {a: 1}\ninfo:\n  <<: *b\n",
)
_build_case(
    "yaml-integer-5000-digits",
    "description.yaml:1: an integer of 5,000 digits (at most 4,300)",
    lambda: "n: " + "9" * 5000 + "\n",
)
_build_case(
    "yaml-billion-laughs",
    "values once aliases are expanded",
    lambda: (
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    ),
)
_build_case(
    "yaml-aliases-expanding-to-79k-values",
    "description.yaml:1: unknown key 'a0'",
    lambda: (
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 4))
        + f"bomb: [{', '.join(['*a3'] * 6)}]\n"
    ),
)
_build_case(
    "yaml-description-5mb",
    "description.yaml: the description has more than 4,194,304 bytes",
    lambda: "# " + "x" * (5 * MB) + "\n",
)


def as_at_a_terminal() -> None:
    """A child's SIGINT as a terminal gives it, even when the suite itself runs with SIGINT
    ignored (`nohup … &` in a script): for ``preexec_fn`` of a child a test interrupts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

