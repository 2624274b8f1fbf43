"""Commands ``validate``, ``rules`` and ``diff``: thin click wrappers over the validator."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import click

from generator.cliparams import PathType
from generator.errors import ConnectorPathError, ConnectorReadError
from generator.findings import Finding, Level, printable
from generator.validate import RULES, Rule, read_connector
from generator.validate.batch import check_many
from generator.validate.reader import ConnectorFiles, RunBudget, read_finding
from generator.validate.registry import select
from generator.validate.report import (
    FORMATS,
    Located,
    counts,
    help_uri,
    render_json,
    render_json_many,
    render_sarif,
    render_sarif_many,
    render_text,
    render_text_many,
)
from generator.validate.solution import (
    SOLUTION_RULE_IDS,
    SOLUTION_RULES,
    Solution,
    is_solution,
    locate_solution,
    read_solution,
)

DEFAULT_PATH = Path("connector")


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
@click.argument("paths", nargs=-1, type=PathType(path_type=Path), metavar="[PATH]...")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text for people, json for scripts, sarif for GitHub code scanning.",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--rule", "only", multiple=True, metavar="RULE", help="Run only this rule.")
@click.option("--skip", multiple=True, metavar="RULE", help="Do not run this rule.")
@click.option(
    "--output", "-o", type=PathType(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)  # fmt: skip
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
    help="Validate this many connectors at a time, each in its own process.",
)  # fmt: skip
def validate_command(
    paths: tuple[Path, ...],
    fmt: str,
    strict: bool,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    output: Path | None,
    jobs: int,
) -> None:
    """Validate connector folders, package zips or solutions offline (default: connector).

    Reads apiDefinition.swagger.json, apiProperties.json, settings.json, icon.png,
    script.csx and readme.md, and checks Swagger 2.0, Power Platform shapes,
    certification rules and cross-references. A solution (zip or folder, exported or
    unpacked) has each of its connectors validated; findings name the solution's files
    (Connector/<name>_openapidefinition.json). Several paths are validated in one
    process (--jobs N spreads them over N processes), with a summary line for each
    and a total. Exit 0 clean, 1 failing findings in any connector (errors; with
    --strict warnings too), 2 usage error or an unreadable path.

    \b
    Example: kintone-connector validate connector --format sarif -o validate.sarif
    Example: kintone-connector validate connectors/*/ --jobs 2
    """
    try:
        rules = _select(only, skip)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rule/--skip") from None
    targets = list(paths) or [DEFAULT_PATH]
    items = _read_all(targets)
    located = _check_all(items, [r.id for r in rules], jobs)
    reports = [(str(path), found) for path, found in zip(targets, located, strict=True)]
    # The report is written whatever happened to each path: a CI upload step always has it.
    if len(reports) == 1:
        _emit(_render_one(fmt, reports[0], rules), output)
    else:
        _emit(_render_many(fmt, reports, rules), output)
    # Summaries go with the report when it is the text on stdout; else to stderr, unless a
    # machine format holds stdout.
    if fmt == "text" or output is not None:
        for line in _summaries(reports, strict):
            click.echo(line, err=output is not None)
    _conclude(items, reports, strict)


def _select(only: tuple[str, ...], skip: tuple[str, ...]) -> list[Rule]:
    """The package rules and the solution rules (SOL-xx) that --rule/--skip choose."""
    solution = [r.rule for r in SOLUTION_RULES]
    package_only = [r for r in only if r not in SOLUTION_RULE_IDS]
    package_skip = [r for r in skip if r not in SOLUTION_RULE_IDS]
    package = select(package_only or None, package_skip) if package_only or not only else []
    chosen = [r for r in solution if (not only or r.id in only) and r.id not in skip]
    return [*package, *chosen]


class Refused(NamedTuple):
    """A path the readers refused: why, and whether it is no connector at all (usage, exit 2)."""

    message: str
    usage: bool


def _read_all(paths: list[Path]) -> list[ConnectorFiles | Solution | Refused]:
    """Each connector or solution, or why it could not be read; the others are still read."""
    connectors: list[ConnectorFiles | Solution | Refused] = []
    budget = RunBudget()
    for path in paths:
        try:
            item = read_solution(path) if is_solution(path) else read_connector(path)
            budget.spend(path, item.members if isinstance(item, Solution) else item)
            connectors.append(item)
        except ConnectorReadError as exc:
            message = str(exc)
            prefix = f"{path}: "
            message = message[len(prefix) :] if message.startswith(prefix) else message
            connectors.append(Refused(message, isinstance(exc, ConnectorPathError)))
    return connectors


def _check_all(
    items: list[ConnectorFiles | Solution | Refused], rules: list[str], jobs: int
) -> list[list[Located]]:
    """Located findings per path: plain connectors through check_many, solutions one by one,
    a refused path as its one READ-01 error."""
    found: list[list[Located]] = [[] for _ in items]
    plain = [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]
    package_rules = [r for r in rules if r not in SOLUTION_RULE_IDS]
    checked = check_many([item for _, item in plain], package_rules, jobs)
    for (i, _), located in zip(plain, checked, strict=True):
        found[i] = located
    for i, item in enumerate(items):
        if isinstance(item, Solution):
            found[i] = locate_solution(item, rules)
        elif isinstance(item, Refused):
            found[i] = [Located(read_finding(item.message), None, None)]
    return found


def _render_one(fmt: str, report: tuple[str, list[Located]], rules: list[Rule]) -> str:
    base, located = report
    if fmt == "json":
        return render_json(located, base)
    if fmt == "sarif":
        return render_sarif(located, rules, base)
    return render_text(located)


def _render_many(fmt: str, reports: list[tuple[str, list[Located]]], rules: list[Rule]) -> str:
    if fmt == "json":
        return render_json_many(reports)
    if fmt == "sarif":
        return render_sarif_many([(_relative(base), found) for base, found in reports], rules)
    return render_text_many(reports)


def _relative(base: str) -> str:
    """The path from the working folder (SARIF viewers resolve artifacts against it)."""
    try:
        return Path(os.path.relpath(base)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(base).as_posix()


def _summaries(reports: list[tuple[str, list[Located]]], strict: bool) -> list[str]:
    """One line per connector and, for several, the total."""
    lines = []
    for base, located in reports:
        failing, summary = _judge([item.finding for item in located], strict)
        if failing and len(reports) == 1:
            return []  # the error message says it
        verdict = f"{failing} failing findings" if failing else "no errors"
        lines.append(f"{printable(base)}: {verdict} ({summary})")
    failed = any(_judge([i.finding for i in found], strict)[0] for _, found in reports)
    if len(reports) > 1 and not failed:  # else the error message gives it
        lines.append(_total(reports, strict))
    return lines


def _total(reports: list[tuple[str, list[Located]]], strict: bool) -> str:
    failed = sum(bool(_judge([i.finding for i in found], strict)[0]) for _, found in reports)
    _, summary = _judge([item.finding for _, found in reports for item in found], strict)
    return f"{len(reports)} connectors, {failed} failing ({summary})"


def _conclude(
    items: list[ConnectorFiles | Solution | Refused],
    reports: list[tuple[str, list[Located]]],
    strict: bool,
) -> None:
    """The worst that happened, as the exit code: 2 a path that is no connector, 1 failing
    findings (a refused connector among them), else 0."""
    usage = [
        f"{printable(base)}: {item.message}"
        for (base, _), item in zip(reports, items, strict=True)
        if isinstance(item, Refused) and item.usage
    ]
    if usage:
        raise click.BadParameter("; ".join(usage), param_hint="PATH")
    failing = [base for base, found in reports if _judge([i.finding for i in found], strict)[0]]
    if failing and len(reports) == 1:
        _, summary = _judge([item.finding for item in reports[0][1]], strict)
        count = _judge([item.finding for item in reports[0][1]], strict)[0]
        raise click.ClickException(
            f"{printable(reports[0][0])}: {count} failing findings ({summary})"
        )
    if failing:
        raise click.ClickException(_total(reports, strict))


def _judge(findings: list[Finding], strict: bool) -> tuple[int, str]:
    """How many findings fail, and the count of each level as text."""
    summary = ", ".join(f"{n} {level}s" for level, n in counts(findings).items())
    return len(_failing(findings, strict)), summary


@click.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: a table; json: a list of objects.",
)  # fmt: skip
@click.option(
    "--explain", "explained", metavar="ID",
    help="Explain one rule: what it checks, why it matters, a minimal failing example.",
)  # fmt: skip
def rules_command(fmt: str, explained: str | None) -> None:
    """List every validation rule with its id, level, what it checks and its source.

    An error means the platform refuses the import or the connector fails at run time;
    each rule that can report one says which ("breaks:"). A warning is a certification
    guideline, style, or something the platform tolerates. Rules that check-script
    reports (it compiles and runs script.csx) are marked "(check-script)". Exit 0; 2 for
    an unknown --explain ID.

    \b
    Example: kintone-connector rules --format json
    Example: kintone-connector rules --explain VAL-45
    """
    if explained is not None:
        _explain(explained, fmt)
        return
    if fmt == "json":
        click.echo(json.dumps([_as_json(r) for r in _listed()], indent=2, ensure_ascii=False))
        return
    width = max(len(r.id) for r in _listed())
    for r in _listed():
        breaks = f"  breaks: {r.reason}" if r.reason else ""
        by = f" ({r.reported_by})" if r.reported_by != "validate" else ""
        click.echo(f"{r.id:<{width}}  {r.level.value:<7}  {r.summary}{by}  [{r.source}]{breaks}")


def _as_json(r: Rule) -> dict[str, str | None]:
    return {
        "id": r.id,
        "level": r.level.value,
        "summary": r.summary,
        "source": r.source,
        "reason": r.reason or None,
        "helpUri": help_uri(r.source),
        "reportedBy": r.reported_by,
    }


def _explain(wanted: str, fmt: str) -> None:
    from generator.validate.examples import describe
    from generator.validate.explain import explain, find_rule, why

    try:
        item = find_rule(RULES, wanted)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--explain") from None
    if fmt == "text":
        click.echo(explain(item), nl=False)
        return
    document = {
        **_as_json(item),
        "explanation": item.explanation or None,
        "why": why(item),
        "example": describe(item.example),
    }
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _listed() -> list[Rule]:
    """Every rule: the package rules, then those about a solution's own files (SOL-xx)."""
    return [*RULES.values(), *(r.rule for r in SOLUTION_RULES)]


@click.command("diff")
@click.argument("old", type=PathType(path_type=Path))
@click.argument("new", type=PathType(path_type=Path))
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
    from generator.validate.diff import Impact, diff_files
    from generator.validate.diff import render_json as diff_json
    from generator.validate.diff import render_text as diff_text

    changes = diff_files(_read_side(old, "OLD"), _read_side(new, "NEW"))
    click.echo(diff_json(changes) if fmt == "json" else diff_text(changes), nl=False)
    breaking = [c for c in changes if c.impact is Impact.BREAKING]
    if breaking:
        raise click.ClickException(f"{len(breaking)} breaking changes")


def _read_side(path: Path, hint: str) -> ConnectorFiles:
    from generator.validate.diff import comparable

    try:
        return dict(comparable(read_connector(path), str(path)))
    except ConnectorReadError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None
