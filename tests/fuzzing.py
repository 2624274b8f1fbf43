"""Fuzz targets for each reader and each CLI entry point: a strategy and a check per target.

Shared by tests/test_fuzz.py (a few derandomized seconds each, in the suite) and
tests/benchmarks/fuzz_long.py (minutes per target, fresh seeds). A check raises AssertionError
when the target misbehaves: an exception other than the documented one, an exit code outside
the documented set, a traceback, or output that cannot be written as UTF-8.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import ConnectorReadError, DescriptionError
from generator.findings import Finding, Level
from generator.load import load_text
from generator.validate.positions import scan
from generator.validate.reader import decode
from generator.validate.registry import RULES
from generator.validate.report import (
    Located,
    render_json_many,
    render_sarif_many,
    render_text_many,
)
from generator.validate.solution import read_solution

EXIT_CODES = {0, 1, 2}
# Characters that broke something once, or could: escapes, surrogates, controls, quotes.
NASTY = ["\\", '"', "\ud800", "\udfff", "\x00", "\r\n", "\x1b", "\u2028", "\ufeff", "&", "<", "%"]
nasty_text = st.lists(st.sampled_from(NASTY) | st.text(max_size=4), max_size=12).map("".join)


@dataclass(frozen=True)
class Target:
    """One thing to fuzz: inputs from ``strategy``, each given to ``check``."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


# ---- worst cases by shape: deep, wide, long, repeated, escaped ----------------------------


def json_shape(kind: str, n: int) -> bytes:
    """A JSON text of one worst-case shape and size ``n``."""
    shapes: dict[str, Callable[[int], str]] = {
        "deep": lambda n: "[" * n + "]" * n,
        "deep-objects": lambda n: '{"a":' * n + "1" + "}" * n,
        "wide": lambda n: "[" + ",".join(["0"] * n) + "]",
        "long": lambda n: '"' + "a" * n + '"',
        "escaped": lambda n: '"' + "\\\\" * n + '"',
        "unicode-escapes": lambda n: '"' + "\\ud800" * n + '"',
        "repeated-keys": lambda n: "{" + ",".join(['"k": 1'] * n) + "}",
        "digits": lambda n: "1" * n,
    }
    return shapes[kind](n).encode()


JSON_KINDS = [
    "deep",
    "deep-objects",
    "wide",
    "long",
    "escaped",
    "unicode-escapes",
    "repeated-keys",
    "digits",
]


def yaml_shape(kind: str, n: int) -> str:
    """A YAML text of one worst-case shape and size ``n``."""
    shapes: dict[str, Callable[[int], str]] = {
        "deep-flow": lambda n: "a: " + "[" * n + "]" * n + "\n",
        "deep-flow-maps": lambda n: "a: " + "{a: " * n + "1" + "}" * n + "\n",
        "deep-block": lambda n: "".join(" " * i + "a:\n" for i in range(min(n, 2000))),
        "deep-dashes": lambda n: "- " * n + "x\n",
        "wide": lambda n: "a: [" + "1," * n + "1]\n",
        "long": lambda n: "a: " + "x" * n + "\n",
        "escaped": lambda n: 'a: "' + "\\\\" * n + '"\n',
        "repeated-keys": lambda n: "a: 1\n" * n,
        "anchors": lambda n: "".join(f"a{i}: &x{i} [1]\n" for i in range(n)),
        "aliases": lambda n: "a: &a [1, 2, 3]\nb: [" + ", ".join(["*a"] * n) + "]\n",
    }
    return shapes[kind](n)


YAML_KINDS = [
    "deep-flow",
    "deep-flow-maps",
    "deep-block",
    "deep-dashes",
    "wide",
    "long",
    "escaped",
    "repeated-keys",
    "anchors",
    "aliases",
]


def xml_shape(kind: str, n: int) -> bytes:
    """A customizations.xml of one worst-case shape and size ``n``."""
    connector = "<Connector><name>c</name><displayname>c</displayname></Connector>"
    shapes: dict[str, Callable[[int], str]] = {
        "deep": lambda n: "<a>" * n + "</a>" * n,
        "wide": lambda n: "<a>" + "<b/>" * n + "</a>",
        "long": lambda n: "<a>" + "x" * n + "</a>",
        "repeated-connectors": lambda n: f"<I><Connectors>{connector * n}</Connectors></I>",
        "escaped": lambda n: "<a>" + "&amp;" * n + "</a>",
        "attributes": lambda n: "<a " + " ".join(f"x{i}='1'" for i in range(n)) + "/>",
        "quoted-gt": lambda n: "<a x='" + ">" * n + "'/>",  # a `>` does not end this tag
        "comment-gt": lambda n: "<a><!--" + ">" * n + "--></a>",
        "cdata": lambda n: "<a><![CDATA[" + "<]>" * n + "]]></a>",
        "open-brackets": lambda n: "<" * n + ">",
    }
    return shapes[kind](n).encode()


XML_KINDS = [
    "deep", "wide", "long", "repeated-connectors", "escaped", "attributes", "quoted-gt",
    "comment-gt", "cdata", "open-brackets",
]  # fmt: skip

sizes = st.integers(0, 3) | st.integers(0, 70) | st.integers(0, 200_000)

# ---- readers ------------------------------------------------------------------------------


def check_decode(data: bytes) -> None:
    decoded = decode(data)  # never raises
    assert (decoded.value is None) or decoded.problem is None
    if decoded.text is not None and decoded.problem is None:
        scan(decoded.text)  # positions of any valid document


json_bytes = (
    st.binary(max_size=200)
    | st.builds(json_shape, st.sampled_from(JSON_KINDS), sizes)
    | st.lists(st.sampled_from(['"', "\\", "[", "{", "}", "]", ":", ",", "1", "\\u"]), max_size=40)
    .map("".join)
    .map(str.encode)
    | nasty_text.map(lambda t: json.dumps({t: [t]}).encode())
)


def check_load(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except DescriptionError as exc:
        assert str(exc).startswith("fuzz.yaml")


yaml_texts = (
    st.text(max_size=200)
    | st.builds(yaml_shape, st.sampled_from(YAML_KINDS), sizes)
    | st.lists(st.sampled_from(["[", "]", "{", "}", ": ", "- ", "&a ", "*a", "\n", " "])).map(
        "".join
    )
    | nasty_text.map(lambda t: f"a: {json.dumps(t)}\n")
)


def check_solution(xml: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("solution.xml", "<ImportExportXml/>")
        archive.writestr("customizations.xml", xml)
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "solution.zip"
        path.write_bytes(buffer.getvalue())
        with contextlib.suppress(ConnectorReadError):
            read_solution(path)


xml_bytes = st.binary(max_size=200) | st.builds(xml_shape, st.sampled_from(XML_KINDS), sizes)


def check_reports(findings: list[Finding]) -> None:
    reports = [("fuzz\ud800", [Located(f, None, None) for f in findings])]
    rules = list(RULES.values())[:3]
    for text in (
        render_text_many(reports),
        render_json_many(reports),
        render_sarif_many(reports, rules),
    ):
        text.encode("utf-8")  # no lone surrogate left
    assert render_text_many(reports).count("\n") == len(findings)


findings = st.lists(
    st.builds(Finding, nasty_text, nasty_text, st.sampled_from(["JSON-01", "READ-01", "X\x00"]),
              st.sampled_from(list(Level)), nasty_text),
    max_size=5,
)  # fmt: skip

# ---- CLI entry points ---------------------------------------------------------------------


def invoke(args: list[str]) -> str:
    """Run the CLI; assert a documented exit code, no crash, no traceback; the output."""
    result = CliRunner().invoke(main, args)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{args!r}: {result.exc_info!r}\n{result.output}"
    assert result.exit_code in EXIT_CODES, (args, result.output)
    assert "Traceback" not in result.output
    return result.output


def check_call_inputs(inputs: tuple[str, str, str, str]) -> None:
    """``call`` with any domain, token, body and param: exit 2 with a message, or inputs that
    reach the runtime (then kintone's host is unreachable here: a port nothing listens on)."""
    from generator.devtools.runtime.cli import connection_values
    from generator.devtools.runtime.cliinputs import check_params, read_body

    domain, token, body, param = inputs
    try:
        connection = connection_values(domain, {"api_token": token})
        read_body(body)
        check_params([param])
    except click.UsageError as exc:
        exc.format_message().encode("utf-8", "backslashreplace")
        output = invoke(["call", "GetApp", "--domain", domain, "--api-token", token,
                         "--body", body, "--param", param])  # fmt: skip
        assert "Error:" in output
        return
    host = connection["domain"]
    assert host.isascii() and " " not in host and "\n" not in host
    for value in connection.values():
        value.encode("latin-1")  # fits in an HTTP header


call_inputs = st.tuples(
    nasty_text | st.sampled_from(["example.cybozu.com", "127.0.0.1:8089", "https://a.b/k/"]),
    nasty_text | st.just("token"),
    nasty_text | st.sampled_from(['{"app": 1}', "[" * 5000, '"\\ud800"']),
    nasty_text.map(lambda t: f"app={t}"),
)


def check_rules_and_help(argv: list[str]) -> None:
    """Any argv, run in an empty folder: ``-o NAME`` writes nothing beside the project."""
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        invoke(argv)


cli_argv = st.lists(
    st.sampled_from(["validate", "rules", "diff", "--format", "json", "--strict",
                     "--rule", "X", "-o", "/proc/none", "--jobs", "0", "--help"]) | nasty_text,
    min_size=1, max_size=4,
)  # fmt: skip

# ---- the stand-in -------------------------------------------------------------------------


class StandInTarget:
    """Raw HTTP requests to one running stand-in: each gets a whole answer, never a 500."""

    def __init__(self, url: str) -> None:
        host, port = url.split("//", 1)[1].rsplit(":", 1)
        self.address = (host, int(port))

    def check(self, request: tuple[str, str, list[tuple[str, str]], bytes]) -> None:
        method, path, headers, body = request
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        with socket.create_connection(self.address, timeout=10) as connection:
            connection.sendall(head.encode("utf-8", "surrogatepass") + body)
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1."), (request, answer[:200])
        status = int(answer.split(b" ", 2)[1])
        assert status != 500, (request, answer[:400])


APIS = ["/k/v1/record.json", "/k/v1/records.json", "/k/v1/bulkRequest.json", "/k/v1/app.json"]
standin_requests = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "G\x00T", "\ud800"]),
    st.sampled_from(APIS) | nasty_text.map(lambda t: "/k/v1/" + t),
    st.lists(
        st.tuples(
            st.sampled_from(["X-Cybozu-API-Token", "Content-Type", "X-HTTP-Method-Override"]),
            st.sampled_from(["deals-full", "application/json", "GET", "\ud800"]) | nasty_text,
        ),
        max_size=3,
    ),
    st.builds(
        lambda app, api, method, text: json.dumps(
            {"app": app, "id": 1, "record": {"Title": {"value": text}},
             "requests": [{"method": method, "api": api, "payload": {"app": app}}]}
        ).encode(),
        st.sampled_from([2, "2", "\ud800", None]), st.sampled_from(APIS) | nasty_text,
        st.sampled_from(["POST", "PUT", "\ud800"]) | nasty_text, nasty_text,
    ) | st.binary(max_size=40),
)  # fmt: skip


READERS = [
    Target("json-reader", json_bytes, check_decode),
    Target("yaml-reader", yaml_texts, check_load),
    Target("solution-xml-reader", xml_bytes, check_solution),
    Target("reports", findings, check_reports),
    Target("call-inputs", call_inputs, check_call_inputs),
    Target("cli-argv", cli_argv, check_rules_and_help),
]
