"""Property-based fuzzing: validate on mutated connectors and build on mutated descriptions.

Whatever the input, the commands end with an exit code of the documented set (0, 1, 2) and a
message, never a traceback; a failed build leaves the out folder as it was, byte for byte. The
seeds are the committed golden record, the validator's fixtures and the shipped description;
hypothesis mutates JSON values and structure, raw bytes, zips and YAML text. Each reader and
CLI entry point of tests/fuzzing.py (JSON, YAML, solution XML, reports, call inputs, argv, the
stand-in's HTTP front end) gets its own few seconds. Few examples, a deadline and a fixed
derandomized seed keep the module to seconds and CI stable; a failure prints the example to
reproduce it. Deeper: FUZZ_EXAMPLES=500, or tests/benchmarks/fuzz_long.py --minutes N (fresh
seeds each run).
"""

from __future__ import annotations

import copy
import io
import json
import os
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.devtools.standin import StandIn
from generator.validate import read_connector
from tests.fuzzing import READERS, StandInTarget, Target, standin_requests
from tests.reproducers import DESCRIPTION, ROOT

EXIT_CODES = {0, 1, 2}
FIXTURES = ROOT / "tests" / "data" / "validate"
CLEAN = read_connector(FIXTURES / "clean")
SEEDS = [
    read_connector(ROOT / "connector"),
    CLEAN,
    *(
        {**CLEAN, **read_connector(folder)}
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and folder.name != "clean"
    ),
]
YAML_TEXT = DESCRIPTION.read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=20),  # generous on a shared machine; a hang still fails
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    derandomize=os.environ.get("FUZZ_RANDOM", "") == "",  # the same examples on every CI run
    database=None,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["#/definitions/x", "#/", "string", "object", "pollingtrigger", "$ref"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _places(value: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every value inside a JSON document, in a fixed order."""
    found: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        current = stack.pop()
        items = (
            current.items()
            if isinstance(current, dict)
            else enumerate(current)
            if isinstance(current, list)
            else ()
        )
        for key, child in items:
            found.append((current, key))
            stack.append(child)
    return found


@st.composite
def mutate_json(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace, delete or copy one value of a JSON file (structure-aware)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except ValueError:
        return data
    places = _places(document)
    if not places:
        return json.dumps(draw(json_values)).encode()
    container, key = draw(st.sampled_from(places))
    action = draw(st.sampled_from(["replace", "delete", "copy-elsewhere", "wrap"]))
    if action == "replace":
        container[key] = draw(json_values)
    elif action == "delete":
        del container[key]
    elif action == "wrap":
        container[key] = [container[key]] if draw(st.booleans()) else {"$ref": container[key]}
    else:
        target, target_key = draw(st.sampled_from(places))
        if isinstance(target, dict):  # a copy: the value may be an ancestor of ``target``
            target[str(target_key) + draw(st.text(max_size=3))] = copy.deepcopy(container[key])
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


@st.composite
def mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip, insert, delete or cut bytes (not structure-aware)."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif action == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 16)) :]
        else:
            data = data[:at]
    return data


@st.composite
def mutated_connectors(draw: st.DrawFn) -> dict[str, bytes]:
    """A seed connector with one to three of its files mutated, dropped or added."""
    files = dict(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files) or ["apiDefinition.swagger.json"]))
        kind = draw(st.sampled_from(["json", "json", "json", "bytes", "drop"]))
        if name not in files:
            files[name] = b"{}"
        elif kind == "drop":
            del files[name]
        elif kind == "json" and name.endswith(".json"):
            files[name] = draw(mutate_json(files[name]))
        else:
            files[name] = draw(mutate_bytes(files[name]))
    return files


def _invoke(args: list[str]) -> Result:
    result = CliRunner().invoke(main, args)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{args}: {result.exc_info!r}\n{result.output}"
    assert result.exit_code in EXIT_CODES, result.output
    assert "Traceback" not in result.output
    return result


@FUZZ
@given(
    files=mutated_connectors(), as_zip=st.booleans(), fmt=st.sampled_from(["text", "json", "sarif"])
)
def test_validate_never_crashes(files: dict[str, bytes], as_zip: bool, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / ("connector.zip" if as_zip else "connector")
        if as_zip:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for file, data in files.items():
                    archive.writestr(file, data)
            path.write_bytes(buffer.getvalue())
        else:
            path.mkdir()
            for file, data in files.items():
                (path / file).write_bytes(data)
        _invoke(["validate", str(path), "--format", fmt])
        _invoke(["diff", str(ROOT / "connector"), str(path)])


@FUZZ
@given(data=mutate_bytes(b""), zip_bytes=st.binary(max_size=64))
def test_validate_survives_damaged_zips(data: bytes, zip_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file, content in CLEAN.items():
            archive.writestr(file, content)
    raw = bytearray(buffer.getvalue())
    for index, byte in enumerate(zip_bytes):  # overwrite bytes spread through the archive
        raw[(index * 7919 + byte) % len(raw)] = byte
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "connector.zip"
        path.write_bytes(bytes(raw) + data)
        _invoke(["validate", str(path)])


YAML_SPECIALS = [
    "&a ",
    "*a",
    "<<: ",
    "!!binary ",
    "!x ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "\t",
    "\n",
    "#",
    "%",
    "@",
    "9" * 5000,
    "\ufeff",
    "\x00",
]


@st.composite
def mutated_descriptions(draw: st.DrawFn) -> str:
    """The shipped description with a few line- and character-level edits."""
    lines = YAML_TEXT.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "swap", "cut"]))
        if action == "delete":
            del lines[at : at + draw(st.integers(1, 5))]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "insert":
            column = draw(st.integers(0, len(lines[at])))
            token = draw(st.sampled_from(YAML_SPECIALS) | st.text(max_size=6))
            lines[at] = lines[at][:column] + token + lines[at][column:]
        elif action == "indent":
            lines[at] = " " * draw(st.integers(1, 3)) + lines[at]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines = lines[:at]
        if not lines:
            break
    return "".join(lines)


@settings(FUZZ, max_examples=max(1, EXAMPLES // 2))
@given(text=mutated_descriptions())
def test_build_never_crashes_and_keeps_out_on_failure(text: str) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        description, out = folder / "description.yaml", folder / "out"
        description.write_text(text, encoding="utf-8", errors="surrogatepass")
        out.mkdir()
        (out / "README.md").write_bytes(b"# an earlier build\n")
        (out / "apiProperties.json").write_bytes(b'{"keep": "me"}\n')
        before = _snapshot(out)
        result = _invoke(["build", "--description", str(description), "--out", str(out)])
        if result.exit_code != 0:
            assert _snapshot(out) == before, result.output
            assert result.output.strip(), "a failed build says why"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("target", READERS, ids=[t.name for t in READERS])
def test_reader_and_entry_point_fuzz(target: Target) -> None:
    @settings(FUZZ, max_examples=max(1, EXAMPLES * 2), deadline=timedelta(seconds=5))
    @given(value=target.strategy)
    def run(value: object) -> None:
        target.check(value)

    run()


def test_copying_a_value_into_itself_makes_no_cycle() -> None:
    @settings(FUZZ, max_examples=max(1, EXAMPLES * 2))
    @given(data=mutate_json(b'{"a": {"b": [1, {"c": 2}]}}'))
    def run(data: bytes) -> None:
        json.loads(data)

    run()


def test_standin_front_end_fuzz() -> None:
    with StandIn() as standin:
        target = StandInTarget(standin.url)

        @settings(FUZZ, max_examples=max(1, EXAMPLES * 2), deadline=timedelta(seconds=10))
        @given(request=standin_requests)
        def run(request: tuple[str, str, list[tuple[str, str]], bytes]) -> None:
            target.check(request)

        run()
