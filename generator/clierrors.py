"""The one place that turns exceptions into messages and exit codes.

0 clean, 1 findings or bad input (our errors), 2 usage or an unreadable path (click's usage
errors), 70 an internal error: a bug in this tool, reported in one line, never a bare traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from generator import __version__
from generator.console import EXIT_INTERRUPTED as EXIT_INTERRUPTED  # re-exported
from generator.errors import ConnectorError

EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a filter whose reader left
DEBUG_VARIABLE = "KINTONE_CONNECTOR_DEBUG"
ISSUES_HINT = "please report it with the command you ran"


class InternalError(click.ClickException):
    """Raised when an unexpected exception escapes a command: a bug in this tool."""

    exit_code = EXIT_INTERNAL

    def __init__(self, exc: BaseException) -> None:
        where = _innermost_frame(exc)
        super().__init__(
            f"internal error: {type(exc).__name__}: {exc}{where} — this is a bug in "
            f"kintone-connector {__version__}; {ISSUES_HINT} "
            f"(set {DEBUG_VARIABLE}=1 to see the traceback)"
        )


def _innermost_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return f" (in {os.path.basename(code.co_filename)}:{tb.tb_lineno}, {code.co_name})"


def as_click_error(exc: Exception) -> click.ClickException:
    """The click error that reports ``exc``: our errors exit 1, anything else is internal."""
    if isinstance(exc, click.ClickException):
        return exc
    if isinstance(exc, ConnectorError):
        return click.ClickException(str(exc))
    return InternalError(exc)


def safe_streams() -> None:
    """Make stdout and stderr write any text: a character the encoding lacks (a lone surrogate
    from a file or from argv) is written as an escape instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a closed or detached stream has nothing to protect
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass
    finally:
        os.close(devnull)


def debugging() -> bool:
    """True when the user asked for tracebacks of internal errors."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


@contextmanager
def our_errors() -> Iterator[None]:
    """Turn project exceptions into click errors (exit 1) with their message."""
    try:
        yield
    except ConnectorError as exc:
        raise as_click_error(exc) from None
