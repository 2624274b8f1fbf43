"""What `call` and `listen` take from the user, checked: the domain, input names, the body file."""

from __future__ import annotations

import difflib
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
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
    try:
        parts = urllib.parse.urlsplit(text if "://" in text else "//" + text)
    except ValueError as exc:  # an unbalanced [ or ] ("Invalid IPv6 URL")
        raise _bad_domain(value, f"{exc}; {DOMAIN_EXAMPLE}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("", "http", "https"):
        raise _bad_domain(value, f"{scheme}:// is not a kintone address; {DOMAIN_EXAMPLE}")
    if scheme == "http":
        raise _bad_domain(value, f"kintone is HTTPS-only; {DOMAIN_EXAMPLE}{STAND_IN_HINT}")
    if "@" in parts.netloc:
        raise _bad_domain(value, f"no user name or password in the domain; {DOMAIN_EXAMPLE}")
    if not parts.netloc:
        raise _bad_domain(value, f"no host; {DOMAIN_EXAMPLE}")
    if not _HOST.fullmatch(parts.netloc):
        why = "a host name has only letters, digits, '-' and '.' (and an optional :PORT)"
        raise _bad_domain(value, f"{why}; {DOMAIN_EXAMPLE}")
    return parts.netloc


# A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port: no space,
# control character or other text that would change the request line.
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?",
    re.ASCII,
)
_TOKEN_OPTIONS = {"api_token": "--api-token", "oauth_token": "--oauth-token"}
_TEXT_OPTIONS = {
    "username": "--username",
    "password": "--password",
    "basic_user": "--basic-user",
    "basic_password": "--basic-password",
}


def check_credentials(options: Mapping[str, str | None]) -> None:
    """Refuse credentials that cannot travel in an HTTP header: tokens are visible ASCII (kintone
    API tokens and OAuth tokens are), names and passwords UTF-8 text without control characters
    (a newline in a header would end it and start another)."""
    for key, value in options.items():
        if not value:
            continue
        if key in _TOKEN_OPTIONS and not _VISIBLE_ASCII.fullmatch(value):
            message = "a token has only visible ASCII characters (no space, newline or other)"
            raise click.BadParameter(message, param_hint=_TOKEN_OPTIONS[key])
        if key in _TEXT_OPTIONS and not _is_text(value):
            message = "no control characters (newline, tab ...) and only UTF-8 text"
            raise click.BadParameter(message, param_hint=_TEXT_OPTIONS[key])


_VISIBLE_ASCII = re.compile(r"[!-~]+")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, or bytes that were not UTF-8 on argv
        return False
    return _CONTROL.search(value) is None


def check_params(pairs: Iterable[str]) -> None:
    """Refuse --param values that are not UTF-8 text (a lone surrogate cannot be sent)."""
    for pair in pairs:
        if not _encodes(pair):
            raise click.BadParameter(f"{_shown(pair)} is not UTF-8 text", param_hint="--param")


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(text: str) -> str:
    return repr(text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace"))


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
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"{source} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            param_hint="--body",
        ) from None
    except RecursionError:
        raise click.BadParameter(f"{source} is nested too deeply", param_hint="--body") from None
    try:  # "\ud800" parses to a lone surrogate, which no UTF-8 request body can carry
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        where = (
            exc.object[max(0, exc.start - 20) : exc.start] if isinstance(exc.object, str) else ""
        )
        code = ord(exc.object[exc.start])
        message = (
            f"{source} holds a lone surrogate (\\u{code:04x}) after {_shown(where)}; the JSON "
            "text sent to kintone must be UTF-8"
        )
        raise click.BadParameter(message, param_hint="--body") from None
    return value


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
    except ValueError:  # a NUL character, which no file system takes in a path
        why = "a path cannot hold a NUL character (\\x00)"
    shown = str(path) if str(path).isprintable() else _shown(str(path))
    raise click.BadParameter(f"{shown}: {why}", param_hint="--body")
