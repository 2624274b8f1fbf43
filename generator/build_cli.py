"""Commands ``build`` and ``package``: thin click wrappers over the pipeline and the packager."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from generator.clierrors import our_errors
from generator.cliparams import PathType
from generator.findings import Finding, Level
from generator.outguard import check_zip_replaceable
from generator.package import package_drift, write_file_atomically, write_package, zip_bytes
from generator.pipeline import build, summary_lines
from generator.solution import SolutionOptions, solution_files
from generator.validate import read_connector, validate_files

DEFAULT_OUT = Path("connector")
REGENERATE = "kintone-connector build"


@click.command("build")
@click.option(
    "--description",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="Connector description (YAML). Default: the kintone description shipped with the tool.",
)
@click.option(
    "--out",
    type=PathType(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write the connector package to.",
)
@click.option(
    "--settings",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="Your organisation's settings (YAML): publisher, contact, brand_color, oauth "
    "(client_id, domain). Default: the description's values.",
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if --out differs from a fresh build."
)
@click.option(
    "--agent-only",
    is_flag=True,
    help="Build the MCP-only connector: the Copilot Studio agent server (InvokeMCP) with the same "
    "connection, without the flow actions and triggers; its title ends in ' MCP'.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace --out even if it holds files this tool did not write; never a folder holding "
    ".git or pyproject.toml, your home, the current folder, this tool's source, a mount point, "
    "/ or a folder directly under /.",
)
def build_command(
    description: Path | None,
    out: Path,
    settings: Path | None,
    check: bool,
    agent_only: bool,
    force: bool,
) -> None:
    """Render the connector package, validate it and write it atomically.

    --out must be missing, empty, or a package a previous build wrote (it keeps a
    .kintone-connector manifest of its files); anything else is refused, untouched, exit 1.

    Example: kintone-connector build --settings contoso.yaml --out contoso-connector
    """
    with our_errors():
        result = build(description, settings, agent_only=agent_only)
        _echo_findings(result.findings)
        if result.errors:
            raise click.ClickException(
                f"validation failed: {len(result.errors)} errors; nothing written"
            )
        if check:
            given = [("--description", description), ("--settings", settings)]
            extra = "".join(f" {flag} {_quoted(p)}" for flag, p in given if p is not None)
            extra += " --agent-only" if agent_only else ""
            _check(result.files, out, extra)
            return
        write_package(result.files, out, force=force)
    for line in summary_lines(result):
        click.echo(line)
    click.echo(f"wrote {out}")


def _quoted(path: Path) -> str:
    """A path as a shell word: the hint can be pasted whatever the path holds (spaces, quotes)."""
    return shlex.quote(str(path))


def _check(files: dict[str, bytes], out: Path, extra: str = "") -> None:
    drift = package_drift(files, out)
    if drift:
        for line in drift:
            click.echo(line, err=True)
        raise click.ClickException(
            f"{out} is out of date; regenerate it with: {REGENERATE}{extra} --out {_quoted(out)}"
        )
    click.echo(f"{out} is up to date")


@click.command("package")
@click.option(
    "--from",
    "source",
    type=PathType(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Connector folder to package.",
)
@click.option(
    "--out",
    type=PathType(dir_okay=False, path_type=Path),
    default=Path("kintone-connector.zip"),
    show_default=True,
    help="Zip file to write.",
)
@click.option(
    "--target",
    type=click.Choice(["portal", "paconn", "solution"]),
    default="portal",
    show_default=True,
    help="paconn: drop stackOwner, which paconn create cannot handle. solution: an unmanaged "
    "Power Platform solution holding the connector alone (auth types, policies, icon, code).",
)
@click.option(
    "--publisher-prefix",
    default=SolutionOptions.publisher_prefix,
    show_default=True,
    help="solution: the customization prefix of your publisher (2-8 lowercase letters/digits).",
)
@click.option(
    "--solution-name",
    default=SolutionOptions.solution_name,
    show_default=True,
    help="solution: the solution's unique name.",
)
@click.option(
    "--version",
    "version",
    default=None,
    help="solution: the solution version (default: the connector's version, e.g. 1.0.0.0).",
)
@click.option(
    "--with-connection-reference",
    "connection_reference",
    is_flag=True,
    help="solution: add a connection reference to the connector (off: Microsoft's ALM guidance "
    "keeps connection references with the flows, in another solution).",
)
def package_command(
    source: Path,
    out: Path,
    target: str,
    publisher_prefix: str,
    solution_name: str,
    version: str | None,
    connection_reference: bool,
) -> None:
    """Zip a validated connector folder for import (maker portal, pac, paconn, solution).

    An existing --out is overwritten only if it is a zip this tool wrote; else exit 1.

    Example: kintone-connector package --target solution --publisher-prefix contoso
    --out KintoneConnector.zip
    """
    options = SolutionOptions(publisher_prefix, solution_name, version, connection_reference)
    if connection_reference and target != "solution":
        raise click.UsageError("--with-connection-reference needs --target solution")
    if target == "solution" and options.problems():
        raise click.BadParameter("; ".join(options.problems()), param_hint="--target solution")
    with our_errors():
        files = read_connector(source)
        errors = [f for f in validate_files(files) if f.level is Level.ERROR]
        _echo_findings(errors)
        if errors:
            raise click.ClickException(f"{source} has {len(errors)} errors; nothing packaged")
        check_zip_replaceable(out)
        if target == "solution":
            members = solution_files(files, options)
            data = zip_bytes(members)
        else:
            members = files
            data = zip_bytes(files, "paconn" if target == "paconn" else "portal")
        write_file_atomically(out, data)
    click.echo(f"wrote {out} ({len(members)} files)")
    if target == "paconn":
        click.echo(paconn_next_step(files))


def paconn_next_step(files: dict[str, bytes]) -> str:
    """The paconn command to run next; --secret when the connector has an OAuth setting.

    paconn create stops with "Please provide OAuth2 client secret using the --secret argument."
    when a connection parameter (or parameter set) holds an oauthSetting (PowerPlatformConnectors
    tools/paconn-cli/paconn/operations/upsert.py).
    """
    command = "unzip it, paconn login, then: paconn create --settings settings.json"
    if not has_oauth_setting(files.get("apiProperties.json", b"")):
        return command
    return command + " --secret <OAuth client secret> (required: the connector has OAuth 2.0)"


def has_oauth_setting(properties_json: bytes) -> bool:
    """Whether any connection parameter of apiProperties.json is an oauthSetting."""
    try:
        document = json.loads(properties_json.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    properties = document.get("properties") if isinstance(document, dict) else None
    if not isinstance(properties, dict):
        return False
    groups = [properties.get("connectionParameters")]
    sets = properties.get("connectionParameterSets")
    if isinstance(sets, dict) and isinstance(sets.get("values"), list):
        groups += [v.get("parameters") for v in sets["values"] if isinstance(v, dict)]
    return any(
        isinstance(p, dict) and p.get("type") == "oauthSetting"
        for group in groups
        if isinstance(group, dict)
        for p in group.values()
    )


def _echo_findings(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(finding.render(), err=True)
