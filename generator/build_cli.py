"""Commands ``build`` and ``package``: thin click wrappers over the pipeline and the packager."""

from __future__ import annotations

from pathlib import Path

import click

from generator.clierrors import our_errors
from generator.findings import Finding, Level
from generator.package import package_drift, write_file_atomically, write_package, zip_bytes
from generator.pipeline import build, summary_lines
from generator.validate import read_connector, validate_files

DEFAULT_OUT = Path("connector")
REGENERATE = "kintone-connector build"


@click.command("build")
@click.option(
    "--description",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Connector description (YAML). Default: the kintone description shipped with the tool.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write the connector package to.",
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if --out differs from a fresh build."
)
def build_command(description: Path | None, out: Path, check: bool) -> None:
    """Render the connector package, validate it and write it atomically.

    Example: kintone-connector build --out connector
    """
    with our_errors():
        result = build(description)
        _echo_findings(result.findings)
        if result.errors:
            raise click.ClickException(
                f"validation failed: {len(result.errors)} errors; nothing written"
            )
        if check:
            _check(result.files, out)
            return
        write_package(result.files, out)
    for line in summary_lines(result):
        click.echo(line)
    click.echo(f"wrote {out}")


def _check(files: dict[str, bytes], out: Path) -> None:
    drift = package_drift(files, out)
    if drift:
        for line in drift:
            click.echo(line, err=True)
        raise click.ClickException(
            f"{out} is out of date; regenerate it with: {REGENERATE} --out {out}"
        )
    click.echo(f"{out} is up to date")


@click.command("package")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Connector folder to package.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("kintone-connector.zip"),
    show_default=True,
    help="Zip file to write.",
)
@click.option(
    "--target",
    type=click.Choice(["portal", "paconn"]),
    default="portal",
    show_default=True,
    help="paconn: drop stackOwner, which paconn create cannot handle.",
)
def package_command(source: Path, out: Path, target: str) -> None:
    """Zip a validated connector folder for import (maker portal, pac, paconn).

    Example: kintone-connector package --target paconn --out kintone-paconn.zip
    """
    with our_errors():
        files = read_connector(source)
        errors = [f for f in validate_files(files) if f.level is Level.ERROR]
        _echo_findings(errors)
        if errors:
            raise click.ClickException(f"{source} has {len(errors)} errors; nothing packaged")
        write_file_atomically(out, zip_bytes(files, "paconn" if target == "paconn" else "portal"))
    click.echo(f"wrote {out} ({len(files)} files)")


def _echo_findings(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(finding.render(), err=True)
