"""Authentication: the private headers the policies fill become kintone's own headers.

Policies can copy connection values into headers but cannot compute base64, so the script
does it, for every operation. customcode.normalize_auth is the reference; the C# script must
send exactly the same headers upstream (tests/data/vectors/auth_*.json, expect.sent_headers).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import jinja2
import pytest

from generator.customcode import AUTH_HEADER_KEYS, DEFAULT_AUTH_HEADERS, normalize_auth
from generator.devtools.csharp import CompiledScript, ScriptRun, ScriptSession, compile_source
from generator.devtools.csharp.reference import (
    ROLES,
    ScriptContext,
    context_from_script,
    reference_run,
)
from generator.devtools.csharp.vectors import Vector, load_file, run_folder, run_vectors
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.parse import default_description, parse_description
from generator.render.properties import script_context
from generator.render.script import script_text
from tests.test_csharp_engine import toolchain_or_skip
from tests.test_csharp_vectors import VECTORS, full_text, full_values

NAMES = dict(DEFAULT_AUTH_HEADERS)
TOKEN, USER, PASSWORD = NAMES["token"], NAMES["username"], NAMES["password"]
BASIC_USER, BASIC_PASSWORD = NAMES["basic_username"], NAMES["basic_password"]
PRIVATE = (USER, PASSWORD, BASIC_USER, BASIC_PASSWORD)
AUTH_VECTORS = [v for path in sorted(VECTORS.glob("auth*.json")) for v in load_file(path)]

# "taro:s3cret", "taro:" and "b:p w" in base64.
TARO = "dGFybzpzM2NyZXQ="
TARO_EMPTY = "dGFybzo="
BASIC = "Basic YjpwIHc="


# ---- Python reference ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # Token auth: nothing to do.
        ([(TOKEN, "t1,t2"), ("Accept", "*/*")], [(TOKEN, "t1,t2"), ("Accept", "*/*")]),
        ([("Accept", "*/*")], [("Accept", "*/*")]),
        # Blank tokens go: empty, spaces and tabs, repeated.
        ([(TOKEN, ""), ("Accept", "*/*")], [("Accept", "*/*")]),
        ([(TOKEN.lower(), " \t ")], []),
        ([(TOKEN, ""), (TOKEN.upper(), " ")], []),
        # A blank value next to a real one is kept: kintone reports the bad value.
        ([(TOKEN, ""), (TOKEN, "t")], [(TOKEN, ""), (TOKEN, "t")]),
        # Only HTTP whitespace is padding; a full-width space is a (wrong) token.
        ([(TOKEN, "\u3000")], [(TOKEN, "\u3000")]),
        # Password auth: X-Cybozu-Authorization, appended; the token goes.
        (
            [("A", "1"), (USER, "taro"), (PASSWORD, "s3cret")],
            [("A", "1"), ("X-Cybozu-Authorization", TARO)],
        ),
        ([(USER, "taro"), (PASSWORD, "")], [("X-Cybozu-Authorization", TARO_EMPTY)]),
        ([(USER, "taro")], [("X-Cybozu-Authorization", TARO_EMPTY)]),
        ([(TOKEN, "t"), (USER, "taro"), (PASSWORD, "s3cret")], [("X-Cybozu-Authorization", TARO)]),
        # An X-Cybozu-Authorization already there is replaced (at the end).
        (
            [("x-cybozu-authorization", "old"), ("A", "1"), (USER, "taro"), (PASSWORD, "s3cret")],
            [("A", "1"), ("X-Cybozu-Authorization", TARO)],
        ),
        # An empty user name is no password auth; the password header still goes.
        ([(TOKEN, "t"), (USER, ""), (PASSWORD, "s3cret")], [(TOKEN, "t")]),
        # Basic auth: appended after X-Cybozu-Authorization; never over an Authorization.
        (
            [(BASIC_USER, "b"), (BASIC_PASSWORD, "p w"), (TOKEN, "t")],
            [(TOKEN, "t"), ("Authorization", BASIC)],
        ),
        (
            [(BASIC_USER, "b"), (BASIC_PASSWORD, "p w"), (USER, "taro"), (PASSWORD, "s3cret")],
            [("X-Cybozu-Authorization", TARO), ("Authorization", BASIC)],
        ),
        (
            [("authorization", "Bearer x"), (BASIC_USER, "b"), (BASIC_PASSWORD, "p w")],
            [("authorization", "Bearer x")],
        ),
        ([(BASIC_USER, ""), (BASIC_PASSWORD, "p w")], []),
        # Names compare case-insensitively.
        (
            [(USER.upper(), "taro"), (PASSWORD.lower(), "s3cret")],
            [("X-Cybozu-Authorization", TARO)],
        ),
    ],
)
def test_normalize_auth(headers: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert normalize_auth(headers, NAMES) == tuple(expected)


def test_non_ascii_credentials_are_utf8() -> None:
    headers = [(USER, "ユーザー"), (PASSWORD, "pässwörd")]
    # base64(UTF-8 "ユーザー:pässwörd")
    expected = "44Om44O844K244O8OnDDpHNzd8O2cmQ="
    assert normalize_auth(headers, NAMES) == (("X-Cybozu-Authorization", expected),)


def test_a_repeated_private_header_counts_as_its_values_joined() -> None:
    headers = [(USER, "a"), (USER.lower(), "b"), (PASSWORD, "c")]
    # base64("a, b:c"), as .NET's TryGetValues + string.Join(", ") sees it.
    assert normalize_auth(headers, NAMES) == (("X-Cybozu-Authorization", "YSwgYjpj"),)


def test_the_names_come_from_the_mapping() -> None:
    names = dict(NAMES, username="X-User", password="X-Pass")
    headers = [("X-User", "taro"), ("X-Pass", "s3cret"), (USER, "ignored")]
    assert normalize_auth(headers, names) == (
        (USER, "ignored"),
        ("X-Cybozu-Authorization", TARO),
    )


def test_default_names_have_exactly_the_keys() -> None:
    assert tuple(DEFAULT_AUTH_HEADERS) == AUTH_HEADER_KEYS


# ---- Template and context -----------------------------------------------------------------

UNUSUAL = {
    "token": 'Token"Q',
    "username": "X-User\\",
    "password": "X-Pass",
    "basic_username": "X-B-User",
    "basic_password": "X-B-Pass",
}


def render(auth: object) -> str:
    values = dict(full_values(), auth_headers=auth)
    return script_text(values)


def test_renderer_gives_the_default_names() -> None:
    values = script_context(parse_description(default_description()))
    assert values["auth_headers"] == NAMES


def test_names_are_string_literals_and_read_back_from_the_script() -> None:
    text = render(UNUSUAL)
    assert 'private const string TokenHeader = "Token\\"Q";' in text
    assert 'private const string UsernameHeader = "X-User\\\\";' in text
    context = context_from_script(text)
    assert context is not None
    assert context.auth_headers == tuple(UNUSUAL.items())
    assert context == ScriptContext.from_template_values(dict(full_values(), auth_headers=UNUSUAL))


def test_a_missing_name_is_a_render_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render({k: v for k, v in NAMES.items() if k != "basic_password"})


def test_auth_runs_first_for_every_operation() -> None:
    text = full_text()
    execute = text[text.index("ExecuteAsync()") : text.index("switch (this.Context.OperationId)")]
    assert execute.index("NormalizeAuth(request);") < execute.index("GuestRewrite(")


def test_scripts_without_the_auth_step_are_not_normalized() -> None:
    # Scripts from before the auth step (no TokenHeader constant) forward headers unchanged.
    text = full_text().replace("private const string TokenHeader", "private const string Other")
    context = context_from_script(text)
    assert context is not None and context.auth_headers is None
    request = HttpRequest("GET", "https://h.cybozu.com/k/v1/apps.json", ((USER, "taro"),))
    [sent] = reference_run(context, "GetApps", request, [HttpResponse(200)]).sent
    assert sent.headers == ((USER, "taro"),)


def test_reference_polling_calls_carry_the_normalized_headers() -> None:
    context = ScriptContext.from_template_values(full_values())
    headers = ((TOKEN, "t"), (USER, "taro"), (PASSWORD, "s3cret"))
    request = HttpRequest("GET", "https://h.cybozu.com/k/v1/x.json?app=5", headers)
    newest = b'{"records":[{"$id":{"type":"__ID__","value":"41"}}]}'
    run = reference_run(context, "OnRecordsAdded", request, [HttpResponse(200, (), newest)])
    assert [r.headers for r in run.sent] == [(("X-Cybozu-Authorization", TARO),)]


# ---- C# parity ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def script() -> tuple[CompiledScript, ScriptContext]:
    """The script with every feature (auth included); fails without mono when CI is set."""
    toolchain_or_skip()
    result = compile_source(full_text())
    assert result.ok and result.warnings == (), [d.render() for d in result.diagnostics]
    context = ScriptContext.from_template_values(full_values())
    assert context.auth_headers == tuple(NAMES.items())
    return result.script(), context


@pytest.fixture(scope="module")
def session(script: tuple[CompiledScript, ScriptContext]) -> Iterator[ScriptSession]:
    with script[0].session() as running:
        yield running


def header_set(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((name.lower(), value) for name, value in headers)


def sent_header_problems(vector: Vector, side: str, run: ScriptRun) -> list[str]:
    """Requests of one side that do not carry exactly the vector's sent_headers."""
    expected = header_set(vector.expect["sent_headers"].items())
    return [
        f"{side}: request {index + 1} sent {request.headers}"
        for index, request in enumerate(run.sent)
        if header_set(request.headers) != expected
    ]


def test_auth_vectors_cover_every_role() -> None:
    assert {v.role for v in AUTH_VECTORS} == set(ROLES)
    assert all("sent_headers" in v.expect for v in AUTH_VECTORS)


@pytest.mark.parametrize("name", [v.name for v in AUTH_VECTORS])
def test_auth_vector(
    session: ScriptSession, script: tuple[CompiledScript, ScriptContext], name: str
) -> None:
    vector = next(v for v in AUTH_VECTORS if v.name == name)
    [outcome] = run_vectors(session, script[1], [vector])
    assert outcome.problems == ()
    assert outcome.python.sent, "the vector must send something upstream"
    problems = sent_header_problems(vector, "Python", outcome.python)
    assert problems + sent_header_problems(vector, "C#", outcome.csharp) == []


def combinations() -> list[Vector]:
    """Every mix of absent, empty, blank and real values, names in alternating case."""
    choices: Sequence[tuple[str, Sequence[str | None]]] = (
        (TOKEN, (None, "", " \t", "tok")),
        (USER, (None, "", "u", "ユーザー")),
        (PASSWORD, (None, "", "p:w, ü")),
        (BASIC_USER, (None, "", "b")),
        (BASIC_PASSWORD, (None, "x")),
        ("Authorization", (None, "Bearer z")),
    )
    names = [name for name, _ in choices]
    vectors = []
    for index, values in enumerate(itertools.product(*(options for _, options in choices))):
        cased = [name.lower() if index % 2 else name for name in names]
        given = [(n, v) for n, v in zip(cased, values, strict=True) if v is not None]
        headers = (("Accept", "*/*"), *given)
        request = HttpRequest("GET", "https://h.cybozu.com/k/v1/record.json?app=1&id=1", headers)
        vectors.append(
            Vector(
                f"combination {index}", "forward", "GetRecord", request, (HttpResponse(200),), {}
            )
        )
    return vectors


def test_every_header_combination_agrees(
    session: ScriptSession, script: tuple[CompiledScript, ScriptContext]
) -> None:
    outcomes = run_vectors(session, script[1], combinations())
    assert len(outcomes) == 576
    assert {o.vector.name: o.problems for o in outcomes if o.problems} == {}
    private = {name.lower() for name in PRIVATE}
    for outcome in outcomes:
        [sent] = outcome.csharp.sent
        assert not private & {name.lower() for name, _ in sent.headers}, outcome.vector.name


@pytest.mark.parametrize(
    ("original", "changed", "vector"),
    [
        (
            "Remove(TokenHeader);\n            request.Headers.Remove(CybozuAuthorization);",
            "Remove(CybozuAuthorization);",
            "auth_forward/user name and token: the token is removed",
        ),
        (
            'basicUsername.Length > 0 && !request.Headers.Contains("Authorization")',
            "basicUsername.Length > 0",
            "auth_forward/OAuth Bearer token is not overwritten by Basic auth",
        ),
        (
            "        NormalizeAuth(request);\n",
            "",
            "auth_poll_updated/password auth on the form fields and the records",
        ),
    ],
)
def test_drift_in_the_auth_step_is_reported(
    script: tuple[CompiledScript, ScriptContext], original: str, changed: str, vector: str
) -> None:
    text = full_text()
    assert text.count(original) == 1
    result = compile_source(text.replace(original, changed))
    assert result.ok, [d.render() for d in result.diagnostics]
    found, _ = run_folder(result.script(), script[1], VECTORS)
    problems = {o.vector.name: o.problems for o in found}
    assert any(p.startswith("request 1 headers: C# ") for p in problems[vector]), problems[vector]


def test_polling_requests_copy_the_normalized_request(
    session: ScriptSession, script: tuple[CompiledScript, ScriptContext]
) -> None:
    # Each polling query is a new message built from the incoming request's headers.
    vector = next(v for v in AUTH_VECTORS if v.name.startswith("auth_poll_updated/password"))
    headers = ((USER, "taro"), (PASSWORD, "s3cret"), (BASIC_USER, "b"), (BASIC_PASSWORD, "p w"))
    changed = replace(vector, request=replace(vector.request, headers=headers))
    [outcome] = run_vectors(session, script[1], [changed])
    assert outcome.problems == ()
    expected = header_set([("X-Cybozu-Authorization", TARO), ("Authorization", BASIC)])
    assert [header_set(r.headers) for r in outcome.csharp.sent] == [expected, expected]
