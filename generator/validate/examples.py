"""A rule's minimal failing example: edits of a clean connector, applied and described.

``rules --explain ID`` prints the description; the tests apply each example to a clean
connector and check that validating it reports the rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from generator.validate.rule import REMOVE, Change, Edit, Example
from generator.validate.shapes import parse_pointer

SHOWN_CHARACTERS = 400  # a longer value is shown cut, with its full length


class ExampleError(ValueError):
    """An example that does not apply to the connector (a pointer or text it lacks)."""


def apply_example(files: Mapping[str, bytes], example: Iterable[Change | Edit]) -> dict[str, bytes]:
    """The files with each change of ``example`` made, in order."""
    result = dict(files)
    for change in example:
        if isinstance(change, Edit):
            result[change.file] = _edited(result, change)
        elif change.pointer is None and change.value is REMOVE:
            result.pop(change.file, None)
        elif change.pointer is None:
            value = change.value
            result[change.file] = value if isinstance(value, bytes) else str(value).encode()
        else:
            if change.file not in result:
                raise ExampleError(f"{change.file}: not in the connector")
            document = json.loads(result[change.file])
            updated = _set(document, change.pointer, change.value)
            result[change.file] = json.dumps(updated, ensure_ascii=False, indent=2).encode()
    return result


def _edited(files: Mapping[str, bytes], edit: Edit) -> bytes:
    text = files.get(edit.file, b"").decode("utf-8")
    if edit.old not in text:
        raise ExampleError(f"{edit.file}: no {edit.old!r} to replace")
    return text.replace(edit.old, edit.new, 1).encode()


def _set(document: Any, pointer: str, value: object) -> Any:
    """Set (or with REMOVE delete) the value at a JSON pointer; '/-' or the length appends."""
    tokens = parse_pointer(pointer)
    if tokens is None:
        raise ExampleError(f"{pointer!r} is not a JSON pointer")
    if not tokens:
        return value
    *parents, last = tokens
    parent = document
    for token in parents:
        parent = parent[int(token)] if isinstance(parent, list) else parent.setdefault(token, {})
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if value is REMOVE:
            del parent[index]
        elif index == len(parent):
            parent.append(value)
        else:
            parent[index] = value
    elif value is REMOVE:
        del parent[last]
    else:
        parent[last] = value
    return document


def describe(example: Example) -> list[str]:
    """The example as lines a person can follow by hand."""
    lines: list[str] = []
    for change in example:
        if isinstance(change, Edit):
            lines += [f"in {change.file}, replace", *_block(change.old)]
            lines += ["with", *_block(change.new)]
        elif change.pointer is None and change.value is REMOVE:
            lines.append(f"delete {change.file}")
        elif change.pointer is None and isinstance(change.value, str):
            lines += [f"replace {change.file} with", *_block(change.value)]
        elif change.pointer is None:
            lines.append(f"replace {change.file} with {_shown(change.value)}")
        elif change.value is REMOVE:
            lines.append(f"in {change.file}, delete {change.pointer}")
        else:
            lines.append(f"in {change.file}, set {change.pointer} to {_shown(change.value)}")
    return lines


def _block(text: str) -> list[str]:
    """Text shown as indented lines, cut past SHOWN_CHARACTERS."""
    shown = text if len(text) <= SHOWN_CHARACTERS else f"{text[:SHOWN_CHARACTERS]}…"
    return [("    " + line).rstrip() for line in shown.splitlines()]


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        shown = value[:16].hex(" ")
        return f"bytes {shown}" if len(value) <= 16 else f"{len(value):,} bytes {shown} …"
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"
