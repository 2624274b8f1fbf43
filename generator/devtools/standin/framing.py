"""HTTP/1.1 message framing for the stand-in: request bodies read strictly, refusals as values."""

from __future__ import annotations

import re
from email.message import Message
from typing import Protocol

from generator.devtools.standin.errors import KintoneError

# Not a kintone limit (kintone documents 1 GB per uploaded file, nothing for the message);
# a stand-in keeps everything in memory, so it refuses bodies past this size.
MAX_BODY = 100 * 1024 * 1024
MAX_CHUNK_LINE = 1024
MAX_TRAILERS = 100
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")

# The request line and each header line, as http.server reads them (its _MAXLINE), and the
# number of header fields (its _MAXHEADERS): past them the answer is 414 or 431. This is the
# HTTP front end's limit, apart from kintone's own rule for the length of a GET URL.
MAX_REQUEST_LINE = 65536
MAX_HEADER_LINE = 65536
MAX_HEADERS = 100
# After a 414 or 431 the rest of the oversized request is read and dropped, up to this many
# bytes, so that the client (still sending) is not reset before it reads the answer.
MAX_DRAIN = 64 * 1024 * 1024
DRAIN_TIMEOUT = 1.0

# Codes for refusals before any kintone API runs (the front end answers them, not an API).
BAD_FRAMING = "STANDIN_BR01"
TOO_LARGE = "STANDIN_TL01"
TIMED_OUT = "STANDIN_TO01"


class Stream(Protocol):
    """The request's input: a buffered socket reader."""

    def read(self, size: int, /) -> bytes: ...

    def readline(self, size: int, /) -> bytes: ...


def bad_request(message: str) -> KintoneError:
    return KintoneError(400, BAD_FRAMING, message)


def too_large(message: str, status: int = 413) -> KintoneError:
    return KintoneError(status, TOO_LARGE, message)


def too_long_message(code: int) -> str:
    """What a 414 or 431 answer says, naming the limit that was crossed."""
    if code == 414:
        return f"The request line is longer than {MAX_REQUEST_LINE:,} bytes."
    return (
        f"The request header fields are too large (a line over {MAX_HEADER_LINE:,} bytes, or "
        f"more than {MAX_HEADERS} fields)."
    )


def drain(stream: Stream) -> None:
    """Read and drop what is left of a refused request's head (up to MAX_DRAIN bytes): until the
    blank line that ends the header block, the client going quiet, or the limit."""
    tail = b""
    for _ in range(MAX_DRAIN // 65536):
        try:
            chunk = stream.readline(65536)
        except (OSError, ValueError):  # the client went quiet (timeout) or away
            return
        if not chunk or (chunk in (b"\r\n", b"\n") and tail.endswith(b"\n")):
            return
        tail = chunk[-2:]


def read_body(headers: Message, stream: Stream) -> bytes:
    """The body as framed by Transfer-Encoding or Content-Length; KintoneError when malformed.

    Raises TimeoutError when the client stops sending before the body is complete.
    """
    encoding = headers.get("Transfer-Encoding")
    if encoding is not None:
        if encoding.strip().lower() != "chunked":
            raise bad_request(f"Transfer-Encoding {encoding!r} is not supported; use chunked.")
        return _read_chunked(stream)
    length = content_length(headers)
    data = stream.read(length) if length else b""
    if len(data) < length:
        raise bad_request(f"The body ended after {len(data)} of {length} bytes.")
    return data


def content_length(headers: Message) -> int:
    """The one Content-Length of a request (0 when absent); KintoneError when not a size."""
    values = {value.strip() for value in headers.get_all("Content-Length") or []}
    if not values:
        return 0
    if len(values) > 1:
        raise bad_request("The request has conflicting Content-Length headers.")
    text = values.pop()
    if not (text.isascii() and text.isdigit()):
        raise bad_request(f"Content-Length {text[:40]!r} is not a number of bytes.")
    if len(text) > 12 or int(text) > MAX_BODY:
        raise too_large(f"The body is larger than {MAX_BODY} bytes.")
    return int(text)


def _read_chunked(stream: Stream) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size = _chunk_size(stream)
        total += size
        if total > MAX_BODY:
            raise too_large(f"The body is larger than {MAX_BODY} bytes.")
        if size == 0:
            _skip_trailers(stream)
            return b"".join(parts)
        chunk = stream.read(size)
        if len(chunk) < size:
            raise bad_request("The body ended inside a chunk.")
        parts.append(chunk)
        if _line(stream) != b"":
            raise bad_request("A chunk is longer than its size says.")


def _chunk_size(stream: Stream) -> int:
    text = _line(stream).split(b";", 1)[0].strip()
    if not _CHUNK_SIZE.fullmatch(text):
        raise bad_request(f"Bad chunk size {text[:40]!r}.")
    return int(text, 16)


def _skip_trailers(stream: Stream) -> None:
    for _ in range(MAX_TRAILERS):
        if _line(stream) == b"":
            return
    raise too_large("Too many trailer fields.", 431)


def _line(stream: Stream) -> bytes:
    """One CRLF- (or LF-) terminated line without its end; KintoneError if cut or too long."""
    line = stream.readline(MAX_CHUNK_LINE + 2)
    if not line.endswith(b"\n"):
        if len(line) > MAX_CHUNK_LINE:
            raise too_large("A chunk line is too long.", 431)
        raise bad_request("The body ended inside the chunked framing.")
    return line.rstrip(b"\r\n")
