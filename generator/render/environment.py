"""The jinja2 environment: strict undefined, JSON values only through |tojson."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2


def templates_dir() -> Path:
    """Where the templates live: the checkout's templates/ or the copy inside the wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "templates", here / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("templates/ folder not found next to the generator package")


def _tojson(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()  # report the missing variable, not a TypeError
    # Keep model order (no key sorting); non-ASCII stays readable; output is re-serialised later.
    return json.dumps(value, ensure_ascii=False)


def make_environment() -> jinja2.Environment:
    """A jinja2 environment where an undefined variable is an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["tojson"] = _tojson
    return env
