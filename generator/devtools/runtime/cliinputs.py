"""What `call` and `listen` take from the user, checked: the domain, input names, the body file."""

from __future__ import annotations

import difflib
import json
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

DOMAIN_EXAMPLE = "give the host name only, e.g. example.cybozu.com"
STAND_IN_HINT = " (for a local stand-in: `stand-in --https`, then --ca-file with its PEM)"


def normalize_domain(value: str) -> str:
    """The host[:port] of ``value``: a scheme, path, query or trailing slash is dropped.

    Raised as a usage error: ``http://`` (kintone is HTTPS only, and so is the connector; a local
    stand-in serves HTTPS with ``stand-in --https``), another scheme, user info, or no host.
    """
    text = value.strip()
    parts = urllib.parse.urlsplit(text if "://" in text else "//" + text)
    scheme = parts.scheme.lower()
    if scheme not in ("", "http", "https"):
        raise _bad_domain(value, f"{scheme}:// is not a kintone address; {DOMAIN_EXAMPLE}")
    if scheme == "http":
        raise _bad_domain(value, f"kintone is HTTPS-only; {DOMAIN_EXAMPLE}{STAND_IN_HINT}")
    if "@" in parts.netloc:
        raise _bad_domain(value, f"no user name or password in the domain; {DOMAIN_EXAMPLE}")
    if not parts.netloc:
        raise _bad_domain(value, f"no host; {DOMAIN_EXAMPLE}")
    return parts.netloc


def _bad_domain(value: str, why: str) -> click.BadParameter:
    return click.BadParameter(f"{value!r}: {why}", param_hint="--domain")


def unknown_input(name: str, operation_id: str, inputs: Iterable[str]) -> click.BadParameter:
    """The usage error for a --param NAME the operation does not have, with a did-you-mean."""
    known = sorted(set(inputs))
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    listed = ", ".join(known) if known else "none"
    return click.BadParameter(
        f"{operation_id} has no input {name!r}{hint}; its inputs: {listed}", param_hint="--param"
    )


def read_body(text: str | None) -> Any:
    """The --body value as JSON: inline text, or ``@FILE`` read as UTF-8; usage errors name it."""
    if text is None:
        return None
    source = "the value"
    if text.startswith("@"):
        path = Path(text[1:])
        source = str(path)
        text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"{source} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            param_hint="--body",
        ) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        why = "no such file"
    except IsADirectoryError:
        why = "is a folder, not a JSON file"
    except OSError as exc:
        why = f"cannot read it: {exc.strerror or exc}"
    except UnicodeDecodeError:
        why = "is not UTF-8 text"
    raise click.BadParameter(f"{path}: {why}", param_hint="--body")
