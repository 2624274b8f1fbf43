"""The `stand-in` command: serve a kintone stand-in on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from generator.cliparams import PathType
from generator.devtools.standin.seed import DEFAULT_SEED, Seed, SeedError
from generator.devtools.standin.server import StandIn


def describe(standin: StandIn) -> list[str]:
    """What a user needs to connect: the URL, the domain and each app's API tokens."""
    seed: Seed = standin.seed
    lines = [
        f"kintone stand-in running at {standin.url}",
        f"kintone domain to enter: {standin.domain}",
    ]
    if standin.ca_file is not None:
        lines.append(f"CA certificate (PEM) to trust: {standin.ca_file}")
    else:
        lines.append("Plain HTTP: `call` and `listen` speak https; start with --https for them.")
    lines.append("API tokens:")
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
    type=PathType(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Seed fixture (YAML or JSON). Default: the seed shipped with the tool.",
)
@click.option(
    "--https",
    is_flag=True,
    help="Serve TLS with a certificate made at start for 127.0.0.1 and localhost.",
)
@click.option(
    "--cert-file",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="With --https: where to write the CA certificate (PEM) clients should trust. "
    "Default: a temporary file.",
)
def stand_in_command(
    port: int, host: str, seed_path: Path | None, https: bool, cert_file: Path | None
) -> None:
    """Run a kintone stand-in: a local, in-memory kintone seeded from a fixture.

    Prints the URL, the domain to enter in the connection and the API tokens of the seed,
    then serves until Ctrl-C.

    With --https the CA certificate to trust is written as PEM (to --cert-file or a temporary
    file) and its path printed; give it to `call` and `listen` as --ca-file.

    Example: kintone-connector stand-in --port 8089 --seed my-apps.yaml --https
    """
    if cert_file is not None and not https:
        raise click.UsageError("--cert-file needs --https")
    # Started in the background by a script (`… &`, nohup), a process inherits SIGINT ignored;
    # Ctrl-C and `kill -INT` must still stop the stand-in, so the default handler comes back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        standin = StandIn(
            seed_path or DEFAULT_SEED, host=host, port=port, https=https, cert_file=cert_file
        )
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
