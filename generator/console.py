"""The console entry of ``kintone-connector`` and ``python -m generator``.

A Ctrl-C at any moment ends the tool with 130 and one line, "Interrupted": while its modules
load (this module imports nothing slow before it can answer one), while a command runs (the
command cleans up as the exception unwinds it), or as click finishes after the command (a SIGINT
held during build's folder swap is delivered then). Once the command has ended, SIGINT is
ignored: Python gives SIGINT back its default action as it shuts down, and a late one would
otherwise kill the process by the signal (-2) after its work was done and reported.
"""

from __future__ import annotations

import signal
import sys
import threading

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a tool that Ctrl-C ended


def run() -> None:
    """Run the CLI and exit with its code (see the module's docstring for Ctrl-C)."""
    code: int | str | None = 0
    try:
        try:
            from generator.cli import main

            main()
        finally:
            _ignore_interrupts()
    except SystemExit as exit_:
        code = exit_.code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        code = EXIT_INTERRUPTED
    _forget_caught_interrupts()
    sys.exit(code)


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forget_caught_interrupts() -> None:
    """CPython notes a KeyboardInterrupt that ends a string ``exec`` or ``eval`` (dataclasses and
    namedtuples build their methods so, as modules load) as unhandled even when it is caught, and
    under ``python -m`` it then kills the process by SIGINT after the exit code was chosen. Each
    string eval clears the note as it starts; SIGINT is ignored by now, so none can set it again.
    """
    exec("")
