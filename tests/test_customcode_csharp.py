"""script.csx with guest spaces, read schemas and polling: the template and the C# harness.

The other test_customcode_* modules import the harness from here: the script rendered with a
context that has every feature, compiled once with mcs, and run in the mono host on canned
upstream answers, next to the Python reference on the same answers.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import jinja2
import pytest

from generator.customcode import DEFAULT_AUTH_HEADERS, ScriptResponse
from generator.devtools.csharp import CompiledScript, ScriptRun, ScriptSession, compile_source
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.render.script import script_text
from tests.test_csharp_engine import toolchain_or_skip
from tests.test_customcode import ALLOWED_NAMESPACES

FIELDS_PATH = "/k/v1/app/form/fields.json"
POLL_ADDED = "GetAddedRecordsForTrigger"
POLL_UPDATED = "GetUpdatedRecordsForTrigger"
POLL_STATUS = "GetStatusChangesForTrigger"
TOKEN = ("X-Cybozu-API-Token", "test-token")
JSON_TYPE = "application/json; charset=utf-8"

CONTEXT: dict[str, Any] = {
    "record_schema_operation": "GetRecordSchema",
    "app_picker_operation": "GetAppPicker",
    "fields_path": FIELDS_PATH,
    "webhook_operations": ["AddWebhookForAddingRecord"],
    "remove_webhook_path": "/k/integration/v1/preview/app/webhook.json",
    "indexed_array_operations": [{"operation": "GetPreviewAppDeploy", "parameters": ["apps"]}],
    "guest_space_parameter": "guestSpaceId",
    "polling_operations": [
        {"operation": POLL_ADDED, "kind": "added"},
        {"operation": POLL_UPDATED, "kind": "updated"},
        {"operation": POLL_STATUS, "kind": "status"},
    ],
    "auth_headers": dict(DEFAULT_AUTH_HEADERS),
    "bulk_operations": [
        {"operation": "AddRecordsBulk", "kind": "add"},
        {"operation": "BulkRequest", "kind": "request"},
    ],
}


def render_script(context: dict[str, Any] | None = None) -> str:
    return script_text(CONTEXT if context is None else context)


@cache
def compiled() -> CompiledScript:
    """The script rendered with CONTEXT, compiled (mcs results are cached on disk too)."""
    result = compile_source(render_script())
    assert result.ok, "\n".join(d.render() for d in result.diagnostics)
    # mcs -warnaserror+ would fail on any warning; the platform's compiler is stricter still.
    assert result.warnings == (), "\n".join(d.render() for d in result.warnings)
    return result.script()


def open_session() -> Iterator[ScriptSession]:
    """One mono host for a whole module; fails (not skips) without mono when CI is set.

    Each module wraps it in its own module-scoped ``session`` fixture.
    """
    toolchain_or_skip()
    with compiled().session() as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


# ---- Running both sides on the same canned answers ---------------------------------------

Canned = Sequence[tuple[int, bytes]]


class Upstream:
    """Context.SendAsync for the Python reference: canned answers in order, calls recorded."""

    def __init__(self, canned: Canned) -> None:
        self.canned = list(canned)
        self.sent: list[tuple[str, str]] = []

    def __call__(self, method: str, url: str) -> tuple[int, bytes]:
        self.sent.append((method, url))
        assert self.canned, "the Python reference sent more requests than there are answers"
        return self.canned.pop(0)


def run_csharp(
    session: ScriptSession,
    operation: str,
    url: str,
    canned: Canned,
    method: str = "GET",
    body: bytes = b"",
) -> ScriptRun:
    answers = [HttpResponse(s, (("Content-Type", "application/json"),), b) for s, b in canned]
    run = session.run(operation, HttpRequest(method, url, (TOKEN,), body), answers)
    assert run.response is not None, f"{run.error_type}: {run.error}"
    return run


# mono's System.Uri unescapes some escapes in AbsoluteUri (%3A becomes ":", %7E "~"), and not
# always: it depends on the rest of the URL. Servers read both forms alike, so URLs are compared
# with these characters unescaped; escapes that change meaning (& = + # % / ? space) stay.
_HARMLESS = frozenset("!'()*:~-._" + string.ascii_letters + string.digits)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def comparable_url(url: str) -> str:
    def unescape(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _HARMLESS else match[0].upper()

    return _ESCAPE.sub(unescape, url)


def sent_by(run: ScriptRun) -> list[tuple[str, str]]:
    """(method, url) of every upstream call; each must carry the connection's credentials."""
    for request in run.sent:
        assert request.header(TOKEN[0]) == TOKEN[1], request
    return [(r.method, comparable_url(r.url)) for r in run.sent]


def assert_same_answer(run: ScriptRun, expected: ScriptResponse) -> None:
    """Status, body and the headers the script sets are equal on both sides."""
    response = run.response
    assert response is not None
    assert (response.status, response.body) == (expected.status, expected.body)
    for name in ("Location", "Retry-After"):
        assert response.header(name) == expected.headers.get(name), name
    if "Content-Type" in expected.headers:
        assert response.header("Content-Type") == expected.headers["Content-Type"]


def assert_parity(
    session: ScriptSession,
    operation: str,
    url: str,
    canned: Canned,
    python: Callable[[Upstream], ScriptResponse],
) -> ScriptResponse:
    """Run C# and python(upstream) on canned; both must call and answer alike."""
    upstream = Upstream(canned)
    expected = python(upstream)
    run = run_csharp(session, operation, url, canned)
    assert sent_by(run) == [(method, comparable_url(url)) for method, url in upstream.sent]
    assert_same_answer(run, expected)
    return expected


# ---- Template -----------------------------------------------------------------------------


def test_script_compiles_without_warnings() -> None:
    toolchain_or_skip()
    assert compiled().assembly.is_file()


def test_polling_operations_get_their_own_cases() -> None:
    cases = re.findall(r'case (".*?"):\s*\n\s*return await this\.(\w+)\(', render_script())
    assert cases[-3:] == [
        (f'"{POLL_ADDED}"', "PollAddedAsync"),
        ('"' + POLL_UPDATED + '"', "PollUpdatedAsync"),
        (f'"{POLL_STATUS}"', "PollStatusAsync"),
    ]


def test_unknown_polling_kind_is_a_render_error() -> None:
    context = dict(CONTEXT, polling_operations=[{"operation": "X", "kind": "deleted"}])
    with pytest.raises(jinja2.UndefinedError):
        render_script(context)


def test_guest_parameter_is_a_string_literal() -> None:
    text = render_script(dict(CONTEXT, guest_space_parameter='space"Id'))
    assert 'private const string GuestSpaceParameter = "space\\"Id";' in text


def test_contexts_without_the_new_values_are_refused() -> None:
    # The renderer always passes every value; a missing one is a bug, not a default.
    for name in ("guest_space_parameter", "polling_operations", "bulk_operations"):
        partial = {k: v for k, v in CONTEXT.items() if k != name}
        with pytest.raises(jinja2.UndefinedError):
            render_script(partial)


def test_guest_rewrite_runs_before_the_switch() -> None:
    text = render_script()
    execute = text[text.index("ExecuteAsync()") : text.index("switch (this.Context.OperationId)")]
    assert "GuestRewrite(this.incomingUrl, GuestSpaceParameter)" in execute


def test_script_stays_small_and_in_allowed_namespaces() -> None:
    text = render_script()
    assert set(re.findall(r"^using ([\w.]+);", text, re.M)) <= ALLOWED_NAMESPACES
    assert "HttpClient" not in text
    assert len(text.encode("utf-8")) < 200_000
