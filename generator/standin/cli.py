"""The `stand-in` command: serve a kintone stand-in on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from generator.standin.seed import DEFAULT_SEED, Seed, SeedError
from generator.standin.server import StandIn


def describe(standin: StandIn) -> list[str]:
    """What a user needs to connect: the URL, the domain and each app's API tokens."""
    seed: Seed = standin.seed
    lines = [
        f"kintone stand-in running at {standin.url}",
        f"kintone domain to enter: {standin.domain}",
        "API tokens:",
    ]
    for app in seed.apps:
        space = f", guest space {app.space_id}" if app.space_id else ""
        lines.append(f"  app {app.id} {app.name}{space}")
        for token in app.tokens:
            allowed = [
                p for p in ("view", "add", "edit", "delete", "manage") if p in token.permissions
            ]
            lines.append(f"    {token.token}  ({', '.join(allowed)})")
    if seed.users:
        logins = ", ".join(f"{u.login}/{u.password}" for u in seed.users)
        lines.append(f"Users (login/password): {logins}")
    lines.append(f"Test support: {standin.url}/_standin/  (faults, webhooks, delete-record)")
    lines.append("Press Ctrl-C to stop.")
    return lines


@click.command("stand-in")
@click.option("--port", type=int, default=8089, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--seed",
    "seed_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Seed fixture (YAML or JSON). Default: the seed shipped with the tool.",
)
def stand_in_command(port: int, host: str, seed_path: Path | None) -> None:
    """Run a kintone stand-in: a local, in-memory kintone seeded from a fixture.

    Prints the URL, the domain to enter in the connection and the API tokens of the seed,
    then serves until Ctrl-C.

    Example: kintone-connector stand-in --port 8089 --seed my-apps.yaml
    """
    try:
        standin = StandIn(seed_path or DEFAULT_SEED, host=host, port=port)
        standin.start()
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    try:
        for line in describe(standin):
            click.echo(line)
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        standin.stop()
