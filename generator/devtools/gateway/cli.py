"""`serve`: the connection's endpoint on 127.0.0.1, for curl, Postman or an MCP client."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from generator.clierrors import our_errors
from generator.devtools.gateway.server import GatewayServer, describe
from generator.devtools.runtime.cli import connection_options, connection_values, open_runtime
from generator.devtools.runtime.stopsignals import stop_signals
from generator.devtools.runtime.throttlestate import share_throttle


@click.command("serve")
@connection_options
@click.option(
    "--port", type=int, default=8090, show_default=True, help="Port on 127.0.0.1 (0: any free one)."
)
def serve_command(
    package_path: Path | None,
    domain: str,
    port: int,
    ca_file: Path | None,
    **credentials: str | None,
) -> None:
    """Serve the connector's operations on 127.0.0.1, as a connection's endpoint does.

    Every operation answers at its swagger path (basePath + path) with its method, as the
    platform's gateway answers for a connection: the connection's credentials and policies,
    the 100-calls-per-60-s throttle (shared with `call` on the same connection), the compiled
    script.csx (mono), dynamic schemas, and trigger Locations that point back here. A webhook
    trigger subscribed without a notification URL gets a callback on this server; what kintone
    posts there is printed as JSON lines. Prints the address (with --port 0, the port chosen)
    and each operation's URL, then serves until Ctrl-C, SIGTERM or SIGHUP.

    \b
    Example:
      kintone-connector serve --domain 127.0.0.1:8089 --api-token T --ca-file standin-ca.pem
      curl -s 'http://127.0.0.1:8090/k/v1/record.json?app=2&id=1'
    """
    connection = connection_values(domain, credentials)
    with our_errors(), open_runtime(package_path, connection, "csharp", ca_file) as runtime:
        runtime.throttle = share_throttle(runtime.throttle, runtime.connection)
        try:
            server = GatewayServer(runtime, port=port)
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror}"
            ) from None
        with stop_signals(), server:
            for line in describe(server):
                click.echo(line, err=True)
            click.echo(server.url)  # stdout's first line: the address, for scripts
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                click.echo("stopping", err=True)
