"""Shared test vectors: requests and kintone answers, run in the C# script and its Python twin."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.devtools.csharp.engine import CompiledScript, ScriptRun, ScriptSession
from generator.devtools.csharp.reference import ROLES, Role, ScriptContext, reference_run
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.errors import ConnectorError

# The response headers whose difference matters to the platform (Retry-After: polling); others
# (Date, Server) are kintone's and pass through untouched on both sides.
COMPARED_HEADERS = ("Location", "Content-Type", "Retry-After")
_BODY_KEYS = ("body", "body_json", "body_base64", "body_file")


class VectorError(ConnectorError):
    """Raised when a vector file is malformed; the message names the file and case."""


@dataclass(frozen=True)
class Vector:
    """One case: a request to the script and the upstream answers SendAsync gets."""

    name: str  # "<file stem>/<case name>"
    role: Role
    operation_id: str
    request: HttpRequest
    upstream: tuple[HttpResponse, ...]
    expect: Mapping[str, Any]
    original_url: str | None = None  # Context.OriginalRequestUri: the connection's own URL


@dataclass(frozen=True)
class Outcome:
    """A vector run on both sides; problems is empty when they agree (and meet expect)."""

    vector: Vector
    csharp: ScriptRun
    python: ScriptRun
    problems: tuple[str, ...]


def load_vectors(folder: Path) -> list[Vector]:
    """Every case of every *.json vector file in folder, in file order."""
    return [vector for path in sorted(folder.glob("*.json")) for vector in load_file(path)]


def load_file(path: Path) -> list[Vector]:
    """The cases of one vector file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        role = data["role"]
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        return [_vector(path, data, role, case) for case in data["cases"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorError(f"{path}: {type(exc).__name__}: {exc}") from exc


def _vector(path: Path, data: Mapping[str, Any], role: Role, case: Mapping[str, Any]) -> Vector:
    name = f"{path.stem}/{case['name']}"
    try:
        raw = case["request"]
        request = HttpRequest(
            raw.get("method", "GET"), raw["url"], _headers(raw), _body(path.parent, raw)
        )
        upstream = tuple(_response(path.parent, item) for item in case["upstream"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorError(f"{name}: {type(exc).__name__}: {exc}") from exc
    operation = case.get("operation", data.get("operation"))
    original = raw.get("original_url")
    original_url = None if original is None else str(original)
    return Vector(
        name, role, str(operation), request, upstream, case.get("expect", {}), original_url
    )


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


def applies(vector: Vector, context: ScriptContext) -> bool:
    """Whether the script treats the vector's operation as the vector expects."""
    return context.role(vector.operation_id) == vector.role


def run_folder(
    script: CompiledScript, context: ScriptContext, folder: Path
) -> tuple[list[Outcome], int]:
    """Run every vector in folder that applies to the script; (outcomes, number skipped)."""
    every = load_vectors(folder)
    chosen = [vector for vector in every if applies(vector, context)]
    with script.session() as session:
        return run_vectors(session, context, chosen), len(every) - len(chosen)


def run_vectors(
    session: ScriptSession, context: ScriptContext, vectors: Iterable[Vector]
) -> list[Outcome]:
    """Run each vector in the C# session and in the Python reference, and compare."""
    outcomes = []
    for vector in vectors:
        original = vector.original_url
        csharp = session.run(vector.operation_id, vector.request, vector.upstream, original)
        python = reference_run(
            context, vector.operation_id, vector.request, vector.upstream, original
        )
        problems = [*differences(csharp, python), *unmet(vector.expect, "C#", csharp)]
        problems += unmet(vector.expect, "Python", python)
        outcomes.append(Outcome(vector, csharp, python, tuple(problems)))
    return outcomes


def differences(csharp: ScriptRun, python: ScriptRun) -> list[str]:
    """How the two runs differ: response status, compared headers, body, requests sent."""
    if csharp.response is None or python.response is None:
        if (csharp.error_type, csharp.response is None) == (python.error_type, True):
            return _sent_differences(csharp.sent, python.sent)
        return [f"C# {_summary(csharp)} but Python {_summary(python)}"]
    found = _response_differences(csharp.response, python.response)
    return found + _sent_differences(csharp.sent, python.sent)


def _summary(run: ScriptRun) -> str:
    if run.response is None:
        return f"failed ({run.error_type}: {run.error})"
    return f"answered {run.response.status}"


def _response_differences(csharp: HttpResponse, python: HttpResponse) -> list[str]:
    found = []
    if csharp.status != python.status:
        found.append(f"status: C# {csharp.status}, Python {python.status}")
    for name in COMPARED_HEADERS:
        ours, theirs = csharp.header(name), python.header(name)
        if ours != theirs:
            found.append(f"{name}: C# {ours!r}, Python {theirs!r}")
    if csharp.body != python.body:
        found.append("body: " + _first_difference(csharp.body, python.body))
    return found


def _sent_differences(csharp: Sequence[HttpRequest], python: Sequence[HttpRequest]) -> list[str]:
    if len(csharp) != len(python):
        return [f"requests sent: C# {len(csharp)}, Python {len(python)}"]
    found = []
    for index, (ours, theirs) in enumerate(zip(csharp, python, strict=True)):
        for part in ("method", "url", "body"):
            if getattr(ours, part) != getattr(theirs, part):
                mine, other = getattr(ours, part), getattr(theirs, part)
                found.append(f"request {index + 1} {part}: C# {mine!r}, Python {other!r}")
        if _header_set(ours.headers) != _header_set(theirs.headers):
            found.append(f"request {index + 1} headers: C# {ours.headers}, Python {theirs.headers}")
    return found


def _header_set(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((name.lower(), value) for name, value in headers)


def _first_difference(ours: bytes, theirs: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    window = slice(max(at - 30, 0), at + 30)
    return (
        f"first difference at byte {at} (C# {len(ours)} bytes, Python {len(theirs)} bytes): "
        f"C# …{ours[window]!r}… Python …{theirs[window]!r}…"
    )


def unmet(expect: Mapping[str, Any], side: str, run: ScriptRun) -> list[str]:
    """Expectations of a vector that one side's run does not meet."""
    response = run.response
    if response is None:
        return [f"{side}: expected a response, got {_summary(run)}"] if expect else []
    found = []
    if "status" in expect and response.status != expect["status"]:
        found.append(f"{side}: status {response.status}, expected {expect['status']}")
    for name, value in expect.get("headers", {}).items():
        if response.header(name) != value:
            found.append(f"{side}: {name} {response.header(name)!r}, expected {value!r}")
    if "body_json" in expect and response.json() != expect["body_json"]:
        found.append(f"{side}: body {response.body[:200]!r} is not the expected JSON")
    urls = [request.url for request in run.sent]
    if "sent_urls" in expect and urls != expect["sent_urls"]:
        found.append(f"{side}: sent {urls}, expected {expect['sent_urls']}")
    return found
