"""Shared test vectors: requests, kintone's answers and what the compiled script must do."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from generator.devtools.csharp.engine import CompiledScript, ScriptRun, ScriptSession
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.errors import ConnectorError
from generator.model import SCRIPT_KINDS, ScriptKind

# The vectors ship with the package (the wheel includes this folder).
VECTORS = Path(__file__).resolve().parent / "vectors"
# The response headers a vector states: what the platform reads (Retry-After: polling). Others
# (Date, Server) are kintone's and pass through untouched.
COMPARED_HEADERS = ("Location", "Content-Type", "Retry-After")
_BODY_KEYS = ("body", "body_json", "body_base64", "body_file")
_EXPECTED_BODY_KEYS = ("body", "body_json", "body_base64", "body_sha256")


class VectorError(ConnectorError):
    """Raised when a vector file is malformed or missing; the message names the file and case."""


@dataclass(frozen=True)
class Vector:
    """One case: a request to the script, the upstream answers SendAsync gets, the outcome."""

    name: str  # "<file stem>/<case name>"
    role: ScriptKind
    operation_id: str
    request: HttpRequest
    upstream: tuple[HttpResponse, ...]
    expect: Mapping[str, Any]
    original_url: str | None = None  # Context.OriginalRequestUri: the connection's own URL


@dataclass(frozen=True)
class Outcome:
    """A vector run in the compiled script; problems is empty when it did what was expected."""

    vector: Vector
    run: ScriptRun
    problems: tuple[str, ...]


def load_vectors(folder: Path = VECTORS) -> list[Vector]:
    """Every case of every *.json vector file in folder, in file order; none is an error."""
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise VectorError(f"no test vectors (*.json) in {folder}")
    return [vector for path in paths for vector in load_file(path)]


def load_file(path: Path) -> list[Vector]:
    """The cases of one vector file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        role = data["role"]
        if role not in SCRIPT_KINDS:
            raise ValueError(f"role must be one of {', '.join(SCRIPT_KINDS)}")
        return [_vector(path, data, role, case) for case in data["cases"]]
    except VectorError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorError(f"{path}: {type(exc).__name__}: {exc}") from exc


def _vector(path: Path, data: Mapping[str, Any], role: str, case: Mapping[str, Any]) -> Vector:
    name = f"{path.stem}/{case['name']}"
    try:
        raw = case["request"]
        request = HttpRequest(
            raw.get("method", "GET"), raw["url"], _headers(raw), _body(path.parent, raw)
        )
        upstream = tuple(_response(path.parent, item) for item in case["upstream"])
        expect = case["expect"]
        if "sent" not in expect or not ({"status", "error"} & expect.keys()):
            raise ValueError("expect must give 'sent' and 'status' (or 'error')")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorError(f"{name}: {type(exc).__name__}: {exc}") from exc
    operation = case.get("operation", data.get("operation"))
    original = raw.get("original_url")
    original_url = None if original is None else str(original)
    kind = cast(ScriptKind, role)
    return Vector(name, kind, str(operation), request, upstream, expect, original_url)


def _response(folder: Path, raw: Mapping[str, Any]) -> HttpResponse:
    return HttpResponse(int(raw["status"]), _headers(raw), _body(folder, raw))


def _headers(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in raw.get("headers", {}).items())


def _body(folder: Path, raw: Mapping[str, Any]) -> bytes:
    """The body given as text, JSON value, base64 or a file next to the vectors."""
    given = [key for key in _BODY_KEYS if key in raw]
    if len(given) > 1:
        raise ValueError(f"give one of {', '.join(_BODY_KEYS)}, not {', '.join(given)}")
    if "body" in raw:
        return str(raw["body"]).encode("utf-8")
    if "body_json" in raw:
        return json.dumps(raw["body_json"], ensure_ascii=False, separators=(",", ":")).encode()
    if "body_base64" in raw:
        return base64.b64decode(str(raw["body_base64"]), validate=True)
    if "body_file" in raw:
        return (folder / str(raw["body_file"])).read_bytes()
    return b""


def applies(vector: Vector, roles: Mapping[str, ScriptKind]) -> bool:
    """Whether the model gives the vector's operation the role the vector is written for."""
    return roles.get(vector.operation_id, "forward") == vector.role


def run_folder(
    script: CompiledScript, roles: Mapping[str, ScriptKind], folder: Path = VECTORS
) -> tuple[list[Outcome], int]:
    """Run every vector in folder whose role the model confirms; (outcomes, number skipped)."""
    every = load_vectors(folder)
    chosen = [vector for vector in every if applies(vector, roles)]
    with script.session() as session:
        return run_vectors(session, chosen), len(every) - len(chosen)


def run_vectors(session: ScriptSession, vectors: Iterable[Vector]) -> list[Outcome]:
    """Run each vector in the compiled script and check what it answered and sent."""
    outcomes = []
    for vector in vectors:
        run = session.run(
            vector.operation_id, vector.request, vector.upstream, original_url=vector.original_url
        )
        outcomes.append(Outcome(vector, run, tuple(unmet(vector.expect, run))))
    return outcomes


def unmet(expect: Mapping[str, Any], run: ScriptRun) -> list[str]:
    """The expectations of a vector that the run does not meet."""
    response = run.response
    if response is None:
        if expect.get("error") == run.error_type:
            return _sent_problems(expect.get("sent", []), run.sent)
        return [
            f"expected {_expected(expect)}, but the script failed: {run.error_type}: {run.error}"
        ]
    found = []
    if "error" in expect:
        found.append(f"expected the script to fail ({expect['error']}), got {response.status}")
    if "status" in expect and response.status != expect["status"]:
        found.append(f"status {response.status}, expected {expect['status']}")
    for name, value in expect.get("headers", {}).items():
        if response.header(name) != value:
            found.append(f"{name} {response.header(name)!r}, expected {value!r}")
    found += _body_problems("body", expect, response.body)
    if "sent" in expect:
        found += _sent_problems(expect["sent"], run.sent)
    return found


def _expected(expect: Mapping[str, Any]) -> str:
    return f"status {expect['status']}" if "status" in expect else f"error {expect.get('error')}"


def _body_problems(what: str, expect: Mapping[str, Any], body: bytes) -> list[str]:
    """A body against the one form of it the expectation gives (none given: must be empty)."""
    given = [key for key in _EXPECTED_BODY_KEYS if key in expect]
    if not given:
        return [] if not body else [f"{what}: {_shown(body)}, expected none"]
    key = given[0]
    if key == "body_json":
        wanted = json.dumps(expect[key], ensure_ascii=False, separators=(",", ":")).encode()
    elif key == "body":
        wanted = str(expect[key]).encode("utf-8")
    elif key == "body_base64":
        wanted = base64.b64decode(str(expect[key]))
    else:
        digest = hashlib.sha256(body).hexdigest()
        ok = digest == expect[key] and len(body) == expect.get("body_length", len(body))
        return [] if ok else [f"{what}: {len(body)} bytes (sha256 {digest}) differ"]
    return [] if body == wanted else [f"{what}: " + _first_difference(body, wanted)]


def _sent_problems(expected: Sequence[Mapping[str, Any]], sent: Sequence[HttpRequest]) -> list[str]:
    if len(expected) != len(sent):
        urls = [request.url for request in sent]
        return [f"sent {len(sent)} requests {urls}, expected {len(expected)}"]
    found = []
    for index, (want, request) in enumerate(zip(expected, sent, strict=True), start=1):
        for part in ("method", "url"):
            if getattr(request, part) != want[part]:
                found.append(
                    f"request {index} {part}: {getattr(request, part)!r}, want {want[part]!r}"
                )
        if _header_set(request.headers) != _header_set(want.get("headers", [])):
            found.append(f"request {index} headers: {request.headers}, expected {want['headers']}")
        found += _body_problems(f"request {index} body", want, request.body)
    return found


def _header_set(headers: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    return sorted((name.lower(), value) for name, value in headers)


def _shown(body: bytes) -> str:
    return repr(body[:80]) + ("…" if len(body) > 80 else "")


def _first_difference(ours: bytes, wanted: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(ours, wanted, strict=False)) if a != b),
        min(len(ours), len(wanted)),
    )
    window = slice(max(at - 30, 0), at + 30)
    return (
        f"first difference at byte {at} ({len(ours)} bytes, expected {len(wanted)}): "
        f"…{ours[window]!r}… expected …{wanted[window]!r}…"
    )
