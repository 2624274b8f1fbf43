"""Running the compiled script.csx in tests: canned kintone answers, or a fake backend."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from generator.devtools.csharp import ScriptRun, ScriptSession
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.script import ScriptAnswer
from generator.devtools.runtime.transport import Transport

JSON_TYPE = "application/json; charset=utf-8"
OUT_OF_ANSWERS = "System.InvalidOperationException"  # Host.cs: more requests than canned answers


def answer(status: int, body: Any = None, headers: Iterable[tuple[str, str]] = ()) -> HttpResponse:
    """A kintone answer: a JSON body (bytes are sent as they are)."""
    data = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    kinds = () if body is None or isinstance(body, bytes) else (("Content-Type", JSON_TYPE),)
    return HttpResponse(status, (*kinds, *headers), data)


def run(
    session: ScriptSession,
    operation_id: str,
    url: str,
    upstream: Sequence[HttpResponse] = (),
    *,
    method: str = "GET",
    headers: Iterable[tuple[str, str]] = (),
    body: Any = None,
) -> ScriptRun:
    """One run of the compiled script; SendAsync answers from ``upstream`` in order."""
    data = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    request = HttpRequest(method, url, tuple(headers), data)
    return session.run(operation_id, request, tuple(upstream))


def record_schema(session: ScriptSession, fields: Any, mode: str) -> Any:
    """The schema GetRecordSchema answers in ``mode`` for an app with these form fields."""
    url = f"https://example.cybozu.com/k/v1/connector/record-schema.json?app=5&mode={mode}"
    response = run(session, "GetRecordSchema", url, [answer(200, fields)]).raise_for_error()
    assert response.status == 200, response.body[:300]
    return response.json()["schema"]


class ReplayedScript:
    """The compiled script with its SendAsync answered by a Python transport (a fake backend).

    The host takes its upstream answers up front, so the script is run again with one more
    answer each time it asks for one: the script is deterministic, so each run repeats the
    requests of the one before. ``send`` is called once per distinct upstream request.
    """

    def __init__(self, session: ScriptSession, limit: int = 50) -> None:
        self.session = session
        self.limit = limit

    def execute(
        self,
        operation_id: str,
        request: HttpRequest,
        send: Transport,
        original_url: str | None = None,
    ) -> ScriptAnswer:
        """The script's response, every upstream request answered (and so sent) by ``send``."""
        answers: list[HttpResponse] = []
        for _ in range(self.limit):
            result = self.session.run(operation_id, request, answers, original_url=original_url)
            if result.error_type != OUT_OF_ANSWERS or len(result.sent) <= len(answers):
                return result.raise_for_error(), ()
            answers.append(send(result.sent[len(answers)]))
        raise AssertionError(f"{operation_id}: more than {self.limit} upstream requests")
