"""`call` and `listen`: run the connector's actions and triggers from the command line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from generator.clierrors import our_errors
from generator.cliparams import PathType
from generator.devtools.csharp import ToolchainMissing
from generator.devtools.runtime.cliinputs import (
    check_credentials,
    check_params,
    normalize_domain,
    read_body,
    unknown_input,
)
from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec
from generator.devtools.runtime.requests import InputError
from generator.devtools.runtime.runtime import CallResult, ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.stopsignals import stop_signals
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.throttlestate import share_throttle
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.runtime.triggers import (
    CallbackServer,
    Poller,
    Subscription,
    check_notification,
    subscribe,
    unsubscribe,
)
from generator.errors import ConnectorError

DEFAULT_PACKAGE = Path("connector")


def connection_options(command: Any) -> Any:
    """The options that describe a connection: package, domain, credentials, CA file."""
    for option in reversed(_CONNECTION_OPTIONS):
        command = option(command)
    return command


def _connection_options(command: Any) -> Any:
    for option in reversed([*_CONNECTION_OPTIONS, *_RUN_OPTIONS]):
        command = option(command)
    return command


_CONNECTION_OPTIONS = [
    click.option(
        "--package",
        "package_path",
        type=PathType(path_type=Path),
        default=None,
        help="Connector folder or zip to run. Default: ./connector if it exists, else the "
        "package built from the description shipped with the tool.",
    ),
    click.option(
        "--domain",
        envvar="KINTONE_DOMAIN",
        required=True,
        help="kintone domain, e.g. example.cybozu.com (https:// and a path are dropped), "
        "or a stand-in's 127.0.0.1:PORT.",
    ),
    click.option(
        "--api-token",
        envvar="KINTONE_API_TOKEN",
        default=None,
        help="API token(s), comma-separated (the API token connection).",
    ),
    click.option(
        "--username",
        envvar="KINTONE_USERNAME",
        default=None,
        help="Login name (the user name and password connection).",
    ),
    click.option(
        "--password", envvar="KINTONE_PASSWORD", default=None, help="Password of --username."
    ),
    click.option(
        "--oauth-token",
        envvar="KINTONE_OAUTH_TOKEN",
        default=None,
        help="OAuth 2.0 access token (the OAuth connection).",
    ),
    click.option(
        "--basic-user",
        envvar="KINTONE_BASIC_USER",
        default=None,
        help="Basic authentication user, for domains behind it.",
    ),
    click.option(
        "--basic-password",
        envvar="KINTONE_BASIC_PASSWORD",
        default=None,
        help="Basic authentication password.",
    ),
    click.option(
        "--ca-file",
        envvar="KINTONE_CA_FILE",
        type=PathType(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Also trust this CA certificate (PEM), e.g. the one `stand-in --https` prints.",
    ),
]
_RUN_OPTIONS = [
    click.option(
        "--param",
        "params",
        multiple=True,
        metavar="NAME=VALUE",
        help="An input; body properties are accepted by name too. Repeatable.",
    ),
]


_CONNECTION_VALUES = {
    "api_token": "api_key",
    "username": "username",
    "password": "password",
    "oauth_token": "token",
    "basic_user": "basic_username",
    "basic_password": "basic_password",
}


def connection_values(domain: str, options: Mapping[str, str | None]) -> dict[str, str]:
    """The connection as the platform holds it: connection parameter name → value."""
    values = {"domain": normalize_domain(domain)}
    check_credentials(options)
    values.update({_CONNECTION_VALUES[k]: v for k, v in options.items() if v})
    chosen = [k for k in ("api_key", "username", "token") if k in values]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --api-token, --username or --oauth-token")
    return values


@contextmanager
def open_runtime(
    package_path: Path | None, connection: dict[str, str], ca_file: Path | None
) -> Iterator[ConnectorRuntime]:
    """A runtime for the connection: the package, its throttle, the chosen script engine."""
    from generator.parse import default_description, parse_description

    limits = tuple(
        Limit(t.calls, t.renewal_period_seconds)
        for t in parse_description(default_description()).throttling
    )
    with _package_folder(package_path) as folder:
        package = ConnectorPackage.load(folder)
        transport = trusting_transport(ca_file)
        with _compiled_script(folder, ca_file) as script:
            yield ConnectorRuntime(
                package, connection, limits=limits, script=script, transport=transport
            )


@contextmanager
def _package_folder(given: Path | None) -> Iterator[Path]:
    """The package to run: the one given, ./connector, or a fresh build in a temporary folder."""
    if given is not None or DEFAULT_PACKAGE.is_dir():
        yield given or DEFAULT_PACKAGE
        return
    import tempfile

    from generator.pipeline import build

    with tempfile.TemporaryDirectory(prefix="kintone-connector-") as temporary:
        for name, data in build().files.items():
            (Path(temporary) / name).write_bytes(data)
        yield Path(temporary)


class ToolchainUsageError(click.ClickException):
    """Raised when call or listen cannot run the custom code: mono is not installed."""

    exit_code = 2


@contextmanager
def _compiled_script(package_path: Path, ca_file: Path | None) -> Iterator[CompiledScriptEngine]:
    """The package's script.csx compiled with mono (cached), in one long-lived host process."""
    with ExitStack() as stack:
        try:
            engine = CompiledScriptEngine.open(package_path, ca_file=ca_file)
            compiled = stack.enter_context(engine)
        except ToolchainMissing as exc:
            message = f"call and listen run the custom code with mono: {exc}"
            raise ToolchainUsageError(message) from None
        yield compiled


@click.command("call")
@click.argument("operation_id")
@_connection_options
@click.option(
    "--body",
    "body_text",
    default=None,
    metavar="JSON",
    help="The request body as JSON (or @file.json); merged with body --param values.",
)
def call_command(
    operation_id: str,
    package_path: Path | None,
    domain: str,
    params: tuple[str, ...],
    body_text: str | None,
    ca_file: Path | None,
    **credentials: str | None,
) -> None:
    """Run one operation of the connector and print kintone's answer.

    Throttling (100 calls per 60 seconds) and the custom code apply as on the platform. Separate
    runs share the count: a state file per connection (domain and a hash of the credential) in
    $KINTONE_CONNECTOR_STATE_DIR, else $XDG_STATE_HOME/kintone-connector, else
    ~/.local/state/kintone-connector. An unknown --param or an unreadable --body @FILE is a
    usage error (exit 2).

    \b
    Example:
      kintone-connector call GetAppStatus --domain 127.0.0.1:8089 --api-token T --param app=1
    """
    connection = connection_values(domain, credentials)
    body_value = read_body(body_text)
    check_params(params)
    with (
        our_errors(),
        open_runtime(package_path, connection, ca_file) as runtime,
        _inputs_are_usage(),
    ):
        runtime.throttle = share_throttle(runtime.throttle, runtime.connection)
        spec = _operation(runtime.package, operation_id, "OPERATION_ID")
        query, body = split_inputs(runtime.package, spec, params, body_value)
        result = runtime.call(operation_id, query, body)
    _print_result(result)
    if not 200 <= result.response.status < 300:
        raise click.ClickException(f"{operation_id} answered HTTP {result.response.status}")


@click.command("listen")
@click.argument("trigger_id")
@_connection_options
@click.option("--callback-port", type=int, default=0, help="Local port for the callback (0: any).")
@click.option(
    "--callback-url",
    default=None,
    help="Public URL that forwards to the local callback (needed for a real kintone).",
)
@click.option("--count", type=int, default=0, help="Stop after this many notifications (0: never).")
@click.option("--timeout", type=float, default=0.0, help="Stop after this many seconds (0: never).")
@click.option(
    "--interval",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds between checks of a polling trigger.",
)
def listen_command(
    trigger_id: str,
    package_path: Path | None,
    domain: str,
    params: tuple[str, ...],
    callback_port: int,
    callback_url: str | None,
    count: int,
    timeout: float,
    interval: float,
    ca_file: Path | None,
    **credentials: str | None,
) -> None:
    """Subscribe a trigger, print each notification, unsubscribe on Ctrl-C.

    Each notification is printed as one JSON line, checked against the trigger's schema.
    Polling triggers are checked every --interval seconds instead, as the platform would.
    Ctrl-C, SIGTERM and SIGHUP stop it the same way: it unsubscribes, then exits 0 (1 if
    kintone refuses the unsubscription; the message says so).

    \b
    Example:
      kintone-connector listen AddWebhookForAddingRecord --domain 127.0.0.1:8089 \\
        --api-token T --param app=1
    """
    connection = connection_values(domain, credentials)
    check_params(params)
    with (
        our_errors(),
        open_runtime(package_path, connection, ca_file) as runtime,
        _inputs_are_usage(),
        stop_signals() as stop,
    ):
        spec = _operation(runtime.package, trigger_id, "TRIGGER_ID")
        query, body = split_inputs(runtime.package, spec, params, None)
        if spec.operation.get("x-ms-trigger") == "batch":
            _poll_loop(Poller(runtime, trigger_id, query), count, timeout, interval)
            return
        with CallbackServer(port=callback_port) as server:
            subscription: Subscription | None = None
            try:
                with stop.deferred():  # a stop signal waits until kintone answered
                    subscription = subscribe(
                        runtime, trigger_id, callback_url or server.url, query, body
                    )
                click.echo(
                    f"subscribed; kintone will post to {subscription.callback_url}", err=True
                )
                stop.raise_pending()
                _print_notifications(runtime, subscription, server, count, timeout)
            except KeyboardInterrupt:
                pass
            finally:
                if subscription is not None:
                    with stop.deferred():
                        unsubscribe(runtime, subscription)
                    click.echo("unsubscribed", err=True)


def _operation(package: ConnectorPackage, operation_id: str, hint: str) -> OperationSpec:
    """The operation named on the command line; an unknown id is a usage error (exit 2)."""
    try:
        return package.operation(operation_id)
    except ConnectorError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


@contextmanager
def _inputs_are_usage() -> Iterator[None]:
    """Inputs that do not fit the operation (a required one missing, a wrong type) are a usage
    error (exit 2), like an unknown --param: the command line is to fix, not kintone."""
    try:
        yield
    except InputError as exc:
        raise click.UsageError(str(exc)) from None


def _poll_loop(poller: Poller, count: int, timeout: float, interval: float) -> None:
    """Check, print new items, wait; until --count items, --timeout or Ctrl-C."""
    seen = 0
    deadline = time.monotonic() + timeout if timeout else None
    click.echo(f"polling {poller.trigger_id} every {interval:g} s", err=True)
    try:
        while (not count or seen < count) and (deadline is None or time.monotonic() < deadline):
            for item in poller.poll():
                click.echo(json.dumps(item, ensure_ascii=False))
                seen += 1
            for finding in poller.findings:
                click.echo(finding.render(), err=True)
            if not count or seen < count:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass


def _print_notifications(
    runtime: ConnectorRuntime,
    subscription: Subscription,
    server: CallbackServer,
    count: int,
    timeout: float,
) -> None:
    seen = 0
    deadline = time.monotonic() + timeout if timeout else None
    body = subscription.body
    while (not count or seen < count) and (deadline is None or time.monotonic() < deadline):
        payloads = server.wait_for(seen + 1, timeout=0.2)
        for payload in payloads[seen:]:
            checked = check_notification(runtime, subscription.trigger_id, payload, body)
            click.echo(json.dumps(payload, ensure_ascii=False))
            for finding in checked.findings:
                click.echo(finding.render(), err=True)
        seen = len(payloads)


def split_inputs(
    package: ConnectorPackage, spec: OperationSpec, pairs: tuple[str, ...], body: Any
) -> tuple[dict[str, Any], Any]:
    """NAME=VALUE pairs → (parameters, body); body properties go into the body object."""
    declared = {str(p.get("name")): p for p in package.parameters(spec) if p.get("in") != "body"}
    properties = _body_properties(package, spec)
    query: dict[str, Any] = {}
    merged = dict(body) if isinstance(body, Mapping) else body
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        if name in declared:
            query[name] = _typed(declared[name].get("type"), value)
        elif name in properties or _open_body(package, spec, properties):
            kind = properties.get(name, {}).get("type")
            merged = {**(merged or {}), name: _typed(kind, value)}
        else:
            raise unknown_input(name, spec.id, [*declared, *properties])
    return query, merged


def _open_body(
    package: ConnectorPackage, spec: OperationSpec, properties: Mapping[str, Any]
) -> bool:
    """True when the operation takes a body that declares no properties: any name may go in."""
    return not properties and any(p.get("in") == "body" for p in package.parameters(spec))


def _body_properties(package: ConnectorPackage, spec: OperationSpec) -> dict[str, Any]:
    for param in package.parameters(spec):
        if param.get("in") == "body":
            schema = package.resolve(param.get("schema"))
            props = schema.get("properties") if isinstance(schema, Mapping) else None
            return {k: package.resolve(v) for k, v in (props or {}).items()}
    return {}


def _typed(kind: Any, value: str) -> Any:
    """A --param value as the declared type wants it: lists, booleans, numbers, JSON objects."""
    if kind == "array":
        return value.split(",") if value[:1] != "[" else _maybe_json(value)
    if kind in ("boolean", "integer", "number") or value[:1] in "{[":
        return _maybe_json(value)
    return value


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _print_result(result: CallResult) -> None:
    response = result.response
    click.echo(f"HTTP {response.status}", err=True)
    location = response.header("Location")
    if location:
        click.echo(f"Location: {location}", err=True)
    body = response.json()
    text = json.dumps(body, indent=2, ensure_ascii=False) if body is not None else ""
    click.echo(text or response.body.decode("utf-8", "replace"))
    for finding in result.findings:
        click.echo(finding.render(), err=True)
