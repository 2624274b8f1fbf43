"""The stand-in as an HTTP server: raw framing, refusals as kintone JSON, timeouts, keep-alive."""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.devtools.standin import StandIn

from .helpers import request, token_headers

RECORD = "/k/v1/record.json?app=2&id=1"
TOKEN = b"X-Cybozu-API-Token: deals-full\r\n"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    interim: list[int] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def exchange(
    standin: StandIn, data: bytes, *, hang_up: bool = True, head: bool = False
) -> list[Answer]:
    """Send raw bytes on a fresh connection; every response until the server closes it."""
    host, port = standin.domain.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        if hang_up:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := _recv(sock):
            received += chunk
    return parse(received, head)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def parse(data: bytes, head: bool = False) -> list[Answer]:
    """Responses in a byte stream; AssertionError when it is not well-framed HTTP/1.1."""
    answers: list[Answer] = []
    interim: list[int] = []
    while data:
        head_text, sep, data = data.partition(b"\r\n\r\n")
        assert sep, f"truncated response head: {head_text[:200]!r}"
        status_line, *lines = head_text.decode("iso-8859-1").split("\r\n")
        version, status, *_ = status_line.split(" ", 2)
        assert version == "HTTP/1.1", status_line
        headers = dict(line.split(": ", 1) for line in lines)
        if 100 <= int(status) < 200:
            interim.append(int(status))
            continue
        length = 0 if head else int(headers["Content-Length"])
        body, data = data[:length], data[length:]
        assert len(body) == length, "body shorter than its Content-Length"
        answers.append(Answer(int(status), headers, body, interim))
        interim = []
    return answers


def assert_kintone_error(answer: Answer, status: int | None = None, code: str | None = None) -> Any:
    """A JSON error body shaped like kintone's: code, id, message."""
    assert answer.headers["Content-Type"].startswith("application/json"), answer.headers
    body = answer.json
    assert {"code", "id", "message"} <= set(body), body
    assert len(body["id"]) == 20
    if status is not None:
        assert answer.status == status, body
    if code is not None:
        assert body["code"] == code, body
    return body


def still_serving(standin: StandIn) -> None:
    reply = request(f"{standin.url}{RECORD}", headers=token_headers("deals-full"))
    assert reply.status == 200 and reply.body["record"]["$id"]["value"] == "1"


@pytest.fixture
def quick() -> Iterator[StandIn]:
    """A stand-in that gives up on a silent connection after half a second."""
    with StandIn(socket_timeout=0.5) as standin:
        yield standin


# ---- regressions: each reproducer of issue 9 --------------------------------------------------


@pytest.mark.parametrize(
    ("framing", "status", "code"),
    [
        (b"Content-Length: abc\r\n\r\n", 400, "STANDIN_BR01"),
        (b"Content-Length: -5\r\n\r\n", 400, "STANDIN_BR01"),
        (b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "STANDIN_BR01"),
        (b"Content-Length: 99999999999999999999\r\n\r\n", 413, "STANDIN_TL01"),
        (b"Content-Length: 10\r\n\r\n{}", 400, "STANDIN_BR01"),
        (b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, "STANDIN_BR01"),
        (b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX\r\n0\r\n\r\n", 400, "STANDIN_BR01"),
        (b"Transfer-Encoding: chunked\r\n\r\n5\r\n{}", 400, "STANDIN_BR01"),
        (b"Transfer-Encoding: gzip\r\n\r\n", 400, "STANDIN_BR01"),
    ],
)
def test_malformed_body_framing_is_a_kintone_error_and_the_connection_closes(
    kintone: StandIn, framing: bytes, status: int, code: str
) -> None:
    answers = exchange(kintone, b"POST /k/v1/record.json HTTP/1.1\r\nHost: x\r\n" + TOKEN + framing)
    assert len(answers) == 1
    assert_kintone_error(answers[0], status, code)
    assert answers[0].headers["Connection"] == "close"
    still_serving(kintone)


def test_bodies_past_the_size_limit_are_refused(kintone: StandIn, monkeypatch: Any) -> None:
    from generator.devtools.standin import framing

    monkeypatch.setattr(framing, "MAX_BODY", 16)
    start = b"POST /k/v1/record.json HTTP/1.1\r\nHost: x\r\n" + TOKEN
    chunked = b"Transfer-Encoding: chunked\r\n\r\n" + b"a\r\n0123456789\r\n" * 2 + b"0\r\n\r\n"
    sized = b"Content-Length: 17\r\n\r\n" + b"x" * 17
    for framing_bytes in (chunked, sized):
        (answer,) = exchange(kintone, start + framing_bytes)
        assert_kintone_error(answer, 413, "STANDIN_TL01")


def test_expect_100_continue_is_answered_before_the_body_is_sent(kintone: StandIn) -> None:
    host, port = kintone.domain.rsplit(":", 1)
    body = b'{"app": 2, "id": 1}'
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"GET /k/v1/record.json HTTP/1.1\r\nHost: x\r\n"
            + TOKEN
            + b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
            + b"Content-Length: %d\r\n\r\n" % len(body)
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    (answer,) = parse(received)
    assert answer.status == 200 and answer.json["record"]["$id"]["value"] == "1"


def test_a_chunked_body_is_read(kintone: StandIn) -> None:
    body = json.dumps({"app": 2, "id": 1}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:]))
    answers = exchange(
        kintone,
        b"GET /k/v1/record.json HTTP/1.1\r\nHost: x\r\n"
        + TOKEN
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunks
        + b"0\r\nX-Trailer: y\r\n\r\n",
    )
    assert answers[0].status == 200 and answers[0].json["record"]["$id"]["value"] == "1"


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE", "CONNECT", "FOO"])
def test_unsupported_methods_get_a_405_in_kintone_shape(kintone: StandIn, method: str) -> None:
    head = method == "HEAD"
    data = f"{method} /k/v1/record.json?app=2&id=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    (answer,) = exchange(kintone, data, head=head)
    assert answer.status == 405
    if head:  # a HEAD answer has the headers of the error and no body
        assert answer.headers["Content-Type"].startswith("application/json")
        assert int(answer.headers["Content-Length"]) > 0
    else:
        assert_kintone_error(answer, 405, "STANDIN_MA01")
    still_serving(kintone)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"y" * 70000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),  # HTTP/0.9
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),  # TLS to a plain port
    ],
)
def test_oversized_or_malformed_requests_are_kintone_errors(
    kintone: StandIn, data: bytes, status: int
) -> None:
    (answer,) = exchange(kintone, data)
    assert_kintone_error(answer, status)
    still_serving(kintone)


def test_an_id_of_5000_digits_is_kintones_validation_error(kintone: StandIn) -> None:
    headers = token_headers("deals-full")
    huge = "9" * 5000
    reply = request(f"{kintone.url}/k/v1/record.json?app=2&id={huge}", headers=headers)
    assert (reply.status, reply.code) == (400, "CB_VA01")
    assert "id" in reply.errors
    for query in (f"app={huge}", f"app=2&id=0{'0' * 5000}1", "app=2&id=9223372036854775808"):
        reply = request(f"{kintone.url}/k/v1/record.json?{query}", headers=headers)
        assert (reply.status, reply.code) == (400, "CB_VA01"), query
    limit = request(f"{kintone.url}/k/v1/records.json?app=2&query=limit%20{huge}", headers=headers)
    assert limit.status == 400 and limit.code is not None
    today = request(
        f"{kintone.url}/k/v1/records.json?app=2&query=Due%20%3D%20FROM_TODAY(99999999999,DAYS)",
        headers=headers,
    )
    assert today.status == 400 and today.code is not None
    nested = request(
        f"{kintone.url}/k/v1/record.json",
        "POST",
        headers={**headers, "Content-Type": "application/json"},
        raw=b"[" * 100000,
    )
    assert (nested.status, nested.code) == (400, "CB_IJ01")


def test_a_non_ascii_password_header_is_a_failed_login(kintone: StandIn) -> None:
    """Found by the fuzz below: base64 of a non-ASCII text raised ValueError, a 500."""
    data = b"GET /k/v1/record.json?app=2&id=1 HTTP/1.1\r\nX-Cybozu-Authorization: \x80\r\n\r\n"
    (answer,) = exchange(kintone, data)
    assert_kintone_error(answer, 401, "CB_WA01")


def test_a_short_body_cannot_hold_a_connection(quick: StandIn) -> None:
    started = time.monotonic()
    (answer,) = exchange(
        quick,
        b"POST /k/v1/record.json HTTP/1.1\r\nHost: x\r\n" + TOKEN + b"Content-Length: 10\r\n\r\n{}",
        hang_up=False,
    )
    assert time.monotonic() - started < 5
    assert_kintone_error(answer, 408, "STANDIN_TO01")
    assert answer.headers["Connection"] == "close"
    silent_started = time.monotonic()
    assert exchange(quick, b"GET /k/v1/rec", hang_up=False) == []  # half a request line
    assert time.monotonic() - silent_started < 5
    still_serving(quick)


def test_keep_alive_requests_do_not_wait_for_a_delayed_ack(kintone: StandIn) -> None:
    host, port = kintone.domain.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"X-Cybozu-API-Token": "deals-full", "Content-Type": "application/json"}
    timings = []
    try:
        for _ in range(25):
            started = time.perf_counter()
            connection.request("GET", "/k/v1/record.json", b'{"app": 2, "id": 1}', headers)
            response = connection.getresponse()
            assert response.status == 200 and response.read()
            timings.append(time.perf_counter() - started)
    finally:
        connection.close()
    # Headers and body in two writes with Nagle on cost a ~40 ms delayed ACK per request.
    assert statistics.median(timings) < 0.025, timings


def test_many_clients_connect_at_once(kintone: StandIn) -> None:
    host, port = kintone.domain.rsplit(":", 1)
    sockets = [socket.create_connection((host, int(port)), timeout=10) for _ in range(150)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /_standin/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        for sock in sockets:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            assert parse(received)[0].status == 200
    finally:
        for sock in sockets:
            sock.close()


def test_support_lists_its_actions_and_refuses_in_kintone_shape(kintone: StandIn) -> None:
    summary = request(f"{kintone.url}/_standin/").body
    listed = {(a["method"], a["path"]) for a in summary["actions"]}
    assert {
        ("GET", "/_standin/"),
        ("POST", "/_standin/faults"),
        ("DELETE", "/_standin/faults"),
        ("POST", "/_standin/delete-record"),
        ("GET", "/_standin/webhooks"),
        ("POST", "/_standin/wait-for-deliveries"),
    } <= listed
    assert all(a["description"] for a in summary["actions"])
    missing = request(f"{kintone.url}/_standin/nothing")
    assert (
        missing.status == 404 and missing.code == "STANDIN_NF01" and len(missing.body["id"]) == 20
    )
    bad = request(f"{kintone.url}/_standin/wait-for-deliveries", "POST", {"timeout": [1]})
    assert bad.status == 400 and bad.code == "STANDIN_VA01"


# ---- fuzz: malformed raw requests ------------------------------------------------------------

METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW", ""])
TARGETS = st.one_of(
    st.sampled_from(
        [
            RECORD,
            "/k/v1/records.json",
            "/_standin/",
            "/_standin/faults",
            "*",
            "/k/v1/bulkRequest.json",
        ]
    ),
    st.text(st.characters(codec="latin-1", exclude_characters="\r\n "), max_size=40).map(
        lambda s: "/k/v1/record.json?" + s
    ),
)
VERSIONS = st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/x", "", "HTTP/1.1 x"])
HEADER_VALUES = st.one_of(
    st.sampled_from(
        ["0", "5", "-1", "abc", "1e3", " 7 ", "99999999999999", "chunked", "gzip", "100-continue"]
    ),
    st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=20),
)
HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "Content-Length",
                "Transfer-Encoding",
                "Content-Type",
                "X-Cybozu-API-Token",
                "X-Cybozu-Authorization",
                "Authorization",
                "X-HTTP-Method-Override",
                "Expect",
                "Connection",
                "Bad Header",
                "",
            ]
        ),
        HEADER_VALUES,
    ),
    max_size=5,
)
BODIES = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b'{"app": 2, "id": 1}', b"[" * 3000, b"0\r\n\r\n", b"zz\r\nab\r\n", b"{}"]),
)


@st.composite
def raw_requests(draw: st.DrawFn) -> bytes:
    line = f"{draw(METHODS)} {draw(TARGETS)} {draw(VERSIONS)}".encode("latin-1")
    headers = b"".join(f"{n}: {v}\r\n".encode("latin-1") for n, v in draw(HEADERS))
    if draw(st.booleans()):
        return draw(st.binary(max_size=80))  # anything at all
    return line + b"\r\n" + headers + b"\r\n" + draw(BODIES)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[StandIn]:
    with StandIn(socket_timeout=0.3) as standin:
        yield standin


@settings(
    max_examples=60,
    deadline=5000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=raw_requests(), hang_up=st.booleans())
def test_malformed_raw_requests_get_kintone_errors_or_a_clean_close(
    fuzzed: StandIn, data: bytes, hang_up: bool
) -> None:
    head = data.startswith(b"HEAD ")
    for answer in exchange(fuzzed, data, hang_up=hang_up, head=head):
        assert answer.status != 500, answer.body
        if answer.status >= 400 and not head:
            assert_kintone_error(answer)
        elif not head:
            assert answer.headers["Content-Type"].startswith("application/json")
            json.loads(answer.body)
    still_serving(fuzzed)
