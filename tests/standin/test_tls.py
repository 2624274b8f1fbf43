"""The stand-in over HTTPS: a certificate for 127.0.0.1 and localhost, signed by a fresh CA."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509

from generator.cli import main
from generator.devtools.messages import HttpRequest
from generator.devtools.runtime.cli import call_command
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from generator.devtools.standin.cli import describe
from generator.errors import ConnectorError
from tests.conftest import GOLDEN

APPS = "/k/v1/app.json?id=2"
TOKEN = {"X-Cybozu-API-Token": "deals-full"}


def _get(url: str, context: ssl.SSLContext | None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers=TOKEN)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    with opener.open(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def test_https_serves_127_0_0_1_and_localhost_to_a_client_trusting_the_ca() -> None:
    with StandIn(https=True) as kintone:
        assert kintone.url.startswith("https://127.0.0.1:")
        port = kintone.domain.rsplit(":", 1)[1]
        context = kintone.client_context()
        for host in ("127.0.0.1", "localhost"):
            status, body = _get(f"https://{host}:{port}{APPS}", context)
            assert (status, body["name"]) == (200, "Deals")


def test_the_certificate_names_both_hosts_and_chains_to_the_ca_file() -> None:
    with StandIn(https=True) as kintone:
        assert kintone.ca_file is not None
        ca = x509.load_pem_x509_certificate(kintone.ca_file.read_bytes())
        host, port = kintone.domain.rsplit(":", 1)
        leaf_pem = ssl.get_server_certificate((host, int(port)))
        leaf = x509.load_pem_x509_certificate(leaf_pem.encode())
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert leaf.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    leaf.verify_directly_issued_by(ca)


def test_a_client_that_does_not_trust_the_ca_is_refused() -> None:
    with StandIn(https=True) as kintone, pytest.raises(urllib.error.URLError) as refused:
        _get(kintone.url + APPS, ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)


def test_the_ca_goes_to_the_cert_file_given_and_a_temporary_one_is_removed(tmp_path: Path) -> None:
    chosen = tmp_path / "standin-ca.pem"
    with StandIn(https=True, cert_file=chosen) as kintone:
        assert kintone.ca_file == chosen
        assert chosen.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert chosen.exists()  # the user's file stays
    with StandIn(https=True) as kintone:
        temporary = kintone.ca_file
        assert temporary is not None and temporary.exists()
    assert not temporary.exists()


def test_plain_http_stays_the_default() -> None:
    with StandIn() as kintone:
        assert kintone.url.startswith("http://") and kintone.ca_file is None
        assert _get(kintone.url + APPS, None)[0] == 200


def test_describe_prints_the_ca_file_to_trust(tmp_path: Path) -> None:
    with StandIn(https=True, cert_file=tmp_path / "ca.pem") as kintone:
        lines = describe(kintone)
    assert lines[0].startswith("kintone stand-in running at https://127.0.0.1:")
    assert f"CA certificate (PEM) to trust: {tmp_path / 'ca.pem'}" in lines


def test_cert_file_without_https_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stand-in", "--cert-file", str(tmp_path / "ca.pem")])
    assert result.exit_code == 2
    assert "--cert-file needs --https" in result.output


def test_runtime_transport_trusts_only_the_ca_it_is_given() -> None:
    with StandIn(https=True) as kintone:
        request = HttpRequest("GET", kintone.url + APPS, tuple(TOKEN.items()), b"")
        assert trusting_transport(kintone.ca_file)(request).status == 200
        with pytest.raises(ConnectorError, match="CERTIFICATE_VERIFY_FAILED"):
            trusting_transport(None)(request)


def test_a_ca_file_that_is_not_a_certificate_is_a_connector_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConnectorError, match=r"cannot use .*junk\.pem as a CA certificate"):
        trusting_transport(junk)


def test_call_needs_ca_file_for_the_https_stand_in() -> None:
    with StandIn(https=True) as kintone:
        base = ["GetApp", "--package", str(GOLDEN), "--domain", kintone.domain]
        base += ["--api-token", "deals-full", "--param", "id=2"]
        refused = CliRunner().invoke(call_command, base)
        trusted = CliRunner().invoke(call_command, [*base, "--ca-file", str(kintone.ca_file)])
    assert refused.exit_code == 1
    # The compiled script's SendAsync refuses the stand-in's certificate without the CA.
    assert "The SSL connection could not be established" in refused.output
    assert trusted.exit_code == 0, trusted.output
    assert json.loads(trusted.stdout)["name"] == "Deals"


def test_a_silent_or_plain_http_client_does_not_block_the_tls_server() -> None:
    with StandIn(https=True, socket_timeout=0.5) as kintone:
        host, port = kintone.domain.rsplit(":", 1)
        silent = socket.create_connection((host, int(port)), timeout=10)
        plain = socket.create_connection((host, int(port)), timeout=10)
        try:
            started = time.monotonic()
            assert _get(kintone.url + APPS, kintone.client_context())[0] == 200
            assert time.monotonic() - started < 2  # the silent handshake waits on its own thread
            plain.sendall(b"GET /k/v1/app.json?id=2 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert not plain.recv(100).startswith(b"HTTP")  # closed (maybe after a TLS alert)
            assert silent.recv(100) == b""  # closed after the socket timeout
        finally:
            silent.close()
            plain.close()
        assert _get(kintone.url + APPS, kintone.client_context())[0] == 200


def test_the_stand_in_command_serves_https_and_prints_the_ca_file(tmp_path: Path) -> None:
    ca_file = tmp_path / "ca.pem"
    command = [sys.executable, "-m", "generator", "stand-in", "--https", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--cert-file", str(ca_file)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(3)]
        url = lines[0].removeprefix("kintone stand-in running at ")
        assert url.startswith("https://127.0.0.1:")
        assert lines[2] == f"CA certificate (PEM) to trust: {ca_file}"
        assert _get(url + APPS, ssl.create_default_context(cafile=str(ca_file)))[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
