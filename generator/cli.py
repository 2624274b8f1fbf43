"""Command line: a lazy click group; each command's module is imported only when it runs.

Exit codes (one place maps exceptions to them, ``generator.clierrors``): 0 success, 1 findings or
bad input, 2 usage or an unreadable path, 70 an internal error (a bug, reported in one line).
"""

from __future__ import annotations

import importlib
import os
from typing import Any, NamedTuple

import click

from generator import __version__
from generator.clierrors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    as_click_error,
    debugging,
    safe_streams,
    silence_stdout,
)


class LazyCommand(NamedTuple):
    """Where a command lives and the one-line help ``--help`` lists without importing it."""

    target: str  # "module:attribute"
    short_help: str


COMMANDS: dict[str, LazyCommand] = {
    "build": LazyCommand(
        "generator.build_cli:build_command",
        "Render the connector package, validate it and write it atomically.",
    ),
    "package": LazyCommand(
        "generator.build_cli:package_command",
        "Zip a validated connector folder for import (maker portal, pac, paconn, solution).",
    ),
    "validate": LazyCommand(
        "generator.validate.cli:validate_command",
        "Validate connector folders, package zips or solutions offline (default: connector).",
    ),
    "rules": LazyCommand(
        "generator.validate.cli:rules_command",
        "List every validation rule with its id, level, what it checks and its source.",
    ),
    "diff": LazyCommand(
        "generator.validate.cli:diff_command",
        "Report breaking changes between two versions of a connector (folders or zips).",
    ),
    "check-script": LazyCommand(
        "generator.devtools.csharp.cli:check_script_command",
        "Compile a connector's script.csx with mono's mcs and run it as the platform would.",
    ),
    "stand-in": LazyCommand(
        "generator.devtools.standin.cli:stand_in_command",
        "Run a kintone stand-in: a local, in-memory kintone seeded from a fixture.",
    ),
    "call": LazyCommand(
        "generator.devtools.runtime.cli:call_command",
        "Run one operation of the connector and print kintone's answer.",
    ),
    "listen": LazyCommand(
        "generator.devtools.runtime.cli:listen_command",
        "Subscribe a trigger, print each notification, unsubscribe on Ctrl-C.",
    ),
    "serve": LazyCommand(
        "generator.devtools.gateway.cli:serve_command",
        "Serve the connector's operations on 127.0.0.1, as a connection's endpoint does.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the module of command ``name`` and return its click command."""
    module_name, attribute = COMMANDS[name].target.split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].target} is not a click command")
    return command


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.short_help) for name, command in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for index, arg in enumerate(args, start=1):
            try:
                os.fsencode(arg)  # what every path option does with its value
            except UnicodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
                message = f"argument {index} ({shown!r}) is not text this system can encode"
                raise click.UsageError(message, ctx) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        safe_streams()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            # Ctrl-C: the command's cleanup ran as the exception unwound it (temporary files
            # removed, a folder swap finished); exit as a shell expects of an interrupted tool.
            click.echo("Interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader went away (`… | head`): no error to report, like any Unix filter.
            silence_stdout()
            raise click.exceptions.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:
            if debugging():
                raise
            raise as_click_error(exc) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kintone-connector")
def main() -> None:
    """Generate, validate and package the kintone custom connector for Power Platform.

    Exit codes: 0 success, 1 findings or bad input, 2 usage or a path that is no
    connector, 70 an internal error (a bug; set KINTONE_CONNECTOR_DEBUG=1 for the
    traceback), 130 interrupted (Ctrl-C), 141 the reader of the output went away (a
    closed pipe, as with `| head`).
    """

