"""Commands ``validate``, ``rules`` and ``diff``: thin click wrappers over the validator."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.errors import ConnectorReadError
from generator.findings import Finding, Level
from generator.validate import RULES, read_connector, validate_files
from generator.validate.diff import Impact, comparable, diff_files
from generator.validate.diff import render_json as diff_json
from generator.validate.diff import render_text as diff_text
from generator.validate.reader import ConnectorFiles
from generator.validate.registry import select
from generator.validate.report import (
    FORMATS,
    counts,
    help_uri,
    locate,
    render_json,
    render_sarif,
    render_text,
)
from generator.validate.solution import Solution, is_solution, locate_solution, read_solution

DEFAULT_PATH = Path("connector")


def _read(path: Path) -> ConnectorFiles:
    """The connector files; an unreadable path is a usage problem (exit 2)."""
    try:
        return read_connector(path)
    except ConnectorReadError as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from None


def _read_solution(path: Path) -> Solution:
    try:
        return read_solution(path)
    except ConnectorReadError as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from None


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:  # a missing or read-only folder: the user's to fix (exit 2)
            message = f"cannot write the report to {output}: {exc.strerror or exc}"
            raise click.BadParameter(message, param_hint="'--output' / '-o'") from None


def _failing(findings: list[Finding], strict: bool) -> list[Finding]:
    levels = {Level.ERROR, Level.WARNING} if strict else {Level.ERROR}
    return [f for f in findings if f.level in levels]


@click.command("validate")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text for people, json for scripts, sarif for GitHub code scanning.",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--rule", "only", multiple=True, metavar="RULE", help="Run only this rule.")
@click.option("--skip", multiple=True, metavar="RULE", help="Do not run this rule.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)  # fmt: skip
def validate_command(
    path: Path,
    fmt: str,
    strict: bool,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    output: Path | None,
) -> None:
    """Validate a connector folder, package zip or Power Platform solution offline.

    Reads apiDefinition.swagger.json, apiProperties.json, settings.json, icon.png,
    script.csx and readme.md, and checks Swagger 2.0, Power Platform shapes,
    certification rules and cross-references. Exit 0 clean, 1 failing findings
    (errors; with --strict warnings too), 2 usage error or unreadable input.
    A solution (zip or folder, exported or unpacked) has each of its connectors
    validated; findings name the solution's files (Connector/<name>_openapidefinition.json).

    Example: kintone-connector validate connector --format sarif -o validate.sarif
    """
    try:
        rules = select(only or None, skip)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rule/--skip") from None
    if is_solution(path):
        located = locate_solution(_read_solution(path), [r.id for r in rules])
        findings = [item.finding for item in located]
    else:
        files = _read(path)
        findings = validate_files(files, rules=[r.id for r in rules])
        located = locate(findings, files)
    base = str(path)
    if fmt == "json":
        _emit(render_json(located, base), output)
    elif fmt == "sarif":
        _emit(render_sarif(located, rules, base), output)
    else:
        _emit(render_text(located), output)
    _conclude(findings, strict, base, quiet=fmt != "text" and output is None)


def _conclude(findings: list[Finding], strict: bool, base: str, *, quiet: bool) -> None:
    tally = counts(findings)
    summary = ", ".join(f"{n} {level}s" for level, n in tally.items())
    failing = _failing(findings, strict)
    if failing:
        raise click.ClickException(f"{base}: {len(failing)} failing findings ({summary})")
    if not quiet:
        click.echo(f"{base}: no errors ({summary})")


@click.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: a table; json: a list of objects.",
)  # fmt: skip
def rules_command(fmt: str) -> None:
    """List every validation rule with its id, level, what it checks and its source.

    An error means the platform refuses the import or the connector fails at run time;
    each rule that can report one says which ("breaks:"). A warning is a certification
    guideline, style, or something the platform tolerates.

    Example: kintone-connector rules --format json
    """
    if fmt == "json":
        listed = [
            {
                "id": r.id,
                "level": r.level.value,
                "summary": r.summary,
                "source": r.source,
                "reason": r.reason or None,
                "helpUri": help_uri(r.source),
            }
            for r in RULES.values()
        ]
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    width = max(len(r.id) for r in RULES.values())
    for r in RULES.values():
        breaks = f"  breaks: {r.reason}" if r.reason else ""
        click.echo(f"{r.id:<{width}}  {r.level.value:<7}  {r.summary}  [{r.source}]{breaks}")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text for people, json for scripts.",
)  # fmt: skip
def diff_command(old: Path, new: Path, fmt: str) -> None:
    """Report breaking changes between two versions of a connector (folders or zips).

    Flags removed or renamed operations, inputs that were removed or became
    required, type changes, removed response properties, trigger and visibility
    changes and new required connection parameters. Exit 1 when something breaks.

    Example: kintone-connector diff released/ connector/
    """
    changes = diff_files(_read_side(old, "OLD"), _read_side(new, "NEW"))
    click.echo(diff_json(changes) if fmt == "json" else diff_text(changes), nl=False)
    breaking = [c for c in changes if c.impact is Impact.BREAKING]
    if breaking:
        raise click.ClickException(f"{len(breaking)} breaking changes")


def _read_side(path: Path, hint: str) -> ConnectorFiles:
    try:
        return dict(comparable(read_connector(path), str(path)))
    except ConnectorReadError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None
