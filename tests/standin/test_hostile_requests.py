"""Oversized request lines and headers, lone surrogates in any field, SIGINT inherited ignored."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.devtools.standin import StandIn
from generator.devtools.standin.framing import MAX_HEADERS, MAX_REQUEST_LINE

ROOT = Path(__file__).resolve().parents[2]
TOKEN = {"X-Cybozu-API-Token": "deals-full", "Content-Type": "application/json"}


def _ask(
    kintone: StandIn, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    address = urlsplit(kintone.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_1_mb_url_is_answered_414_in_kintones_shape(kintone: StandIn) -> None:
    status, body = _ask(kintone, "GET", "/k/v1/app.json?id=1&q=" + "a" * 1024 * 1024, {})
    assert status == 414
    assert body["code"] == "STANDIN_TL01" and body["id"]
    assert f"longer than {MAX_REQUEST_LINE:,} bytes" in body["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Big": "a" * 10 * 1024 * 1024},
        {f"X-H{i}": "v" for i in range(MAX_HEADERS + 1)},
    ],
    ids=["a-10-mb-header", "too-many-headers"],
)
def test_oversized_headers_are_answered_431(kintone: StandIn, headers: dict[str, str]) -> None:
    status, body = _ask(kintone, "GET", "/k/v1/app.json?id=1", headers)
    assert status == 431
    assert body["code"] == "STANDIN_TL01" and "header fields are too large" in body["message"]


def test_the_stand_in_still_serves_after_refusals(kintone: StandIn) -> None:
    _ask(kintone, "GET", "/k/v1/app.json?q=" + "a" * 200_000, {})
    reply = _ask(kintone, "GET", "/k/v1/app.json?id=2", {"X-Cybozu-API-Token": "deals-full"})
    assert reply[0] == 200, reply


@pytest.mark.parametrize("field", ["method", "api"])
@pytest.mark.parametrize("value", ["\ud800", "\x00", "POST\r\nX: y"])
def test_odd_text_in_a_bulk_request_gets_kintones_error(
    kintone: StandIn, field: str, value: str
) -> None:
    item = {"method": "POST", "api": "/k/v1/record.json", "payload": {"app": 2, "record": {}}}
    item[field] = value
    data = json.dumps({"requests": [item]}).encode()  # ASCII, with \ud800 as a JSON escape
    status, body = _ask(kintone, "POST", "/k/v1/bulkRequest.json", TOKEN, data)
    assert status == 400
    [error] = body["results"]
    assert error["code"] == "CB_VA01"
    assert f"requests[0].{field}" in error["errors"] or "requests[0].api" in error["errors"]


def test_lone_surrogates_in_record_fields_are_answered(kintone: StandIn) -> None:
    record = {"\ud800": {"value": "\udfff"}, "Title": {"value": "\ud800\u0001"}}
    data = json.dumps({"app": 2, "record": record}).encode()
    status, body = _ask(kintone, "POST", "/k/v1/record.json", TOKEN, data)
    assert status in (200, 400), body
    assert "code" in body or "id" in body


def test_the_command_stops_on_sigint_even_when_started_with_it_ignored() -> None:
    def ignore_sigint() -> None:  # what `nohup … &` from a script hands down
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "stand-in", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=ignore_sigint,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("kintone stand-in running at ")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
