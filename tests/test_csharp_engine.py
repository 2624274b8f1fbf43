"""The C# toolchain, compiler diagnostics and the mono host: live HTTP, canned answers, failures."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from generator.devtools.csharp import (
    CompiledScript,
    ScriptCompileError,
    ScriptError,
    ScriptTimeout,
    Toolchain,
    ToolchainMissing,
    compile_script,
    compile_source,
    find_toolchain,
)
from generator.devtools.csharp.cache import CACHE_VARIABLE, cache_root
from generator.devtools.csharp.compile import parse_diagnostics
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.errors import ConnectorError
from tests.conftest import DATA, GOLDEN

SCRIPTS = DATA / "scripts"
FIELDS = DATA / "fields"
SCHEMA_URL = "/k/v1/connector/record-schema.json?app=5&mode=add"
HOOK_PATH = "/k/integration/v1/preview/app/webhook.json"
JSON_TYPE = "application/json; charset=utf-8"


def toolchain_or_skip() -> Toolchain:
    """The toolchain; without it the test fails in CI (CI is set) and is skipped elsewhere."""
    try:
        return find_toolchain()
    except ToolchainMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"C# toolchain required in CI: {exc}")
        pytest.skip(f"C# toolchain missing: {exc}")


@pytest.fixture(scope="module")
def golden() -> CompiledScript:
    """The committed connector/script.csx, compiled (cached by content across sessions)."""
    toolchain_or_skip()
    result = compile_script(GOLDEN)
    assert result.ok, "\n".join(d.render() for d in result.diagnostics)
    return result.script()


def compile_broken(name: str) -> list[tuple[str, int, str]]:
    toolchain_or_skip()
    result = compile_script(SCRIPTS / name)
    assert not result.ok
    with pytest.raises(ScriptCompileError, match="does not compile"):
        result.script()
    return [(d.level, d.line, d.code) for d in result.diagnostics]


# ---- Toolchain --------------------------------------------------------------------------


def test_missing_compiler_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCS", "no-such-mcs-here")
    with pytest.raises(ToolchainMissing) as caught:
        find_toolchain()
    assert caught.value.packages == ("mono-mcs",)
    assert "apt-get install mono-mcs" in str(caught.value)


def test_missing_newtonsoft_names_its_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWTONSOFT_JSON_DLL", str(tmp_path / "absent.dll"))
    monkeypatch.setenv("MONO", "no-such-mono-here")
    with pytest.raises(ToolchainMissing) as caught:
        find_toolchain()
    assert caught.value.packages[:1] == ("mono-runtime",)
    assert "libnewtonsoft-json-cil-dev" in caught.value.packages


def test_missing_toolchain_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCS", "no-such-mcs-here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="C# toolchain required in CI"):
        toolchain_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="C# toolchain missing"):
        toolchain_or_skip()


def test_compile_without_toolchain_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONO", "no-such-mono-here")
    with pytest.raises(ToolchainMissing, match="mono-runtime"):
        compile_script(GOLDEN)


def test_cache_folder_can_be_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    assert cache_root() == tmp_path / "cache"
    assert cache_root().is_dir()


def test_shared_temp_cache_folder_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Someone else could plant executables in a world-writable cache folder.
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    assert cache_root().parent == tmp_path
    cache_root().chmod(0o777)
    with pytest.raises(ConnectorError, match="not a private folder"):
        cache_root()


# ---- Compiling ---------------------------------------------------------------------------


def test_diagnostics_parse_located_and_bare_lines() -> None:
    output = (
        "script.csx(2,7): error CS0246: The type or namespace name `Contoso' could not be found.\n"
        "script.csx(4,90): warning CS1998: Async block lacks `await' operator\n"
        "error CS2001: Source file `x.cs' could not be found\n"
        "Compilation failed: 2 error(s), 1 warnings\n"
    )
    found = [(d.level, d.line, d.column, d.code) for d in parse_diagnostics(output)]
    assert found == [
        ("error", 2, 7, "CS0246"),
        ("warning", 4, 90, "CS1998"),
        ("error", 0, 0, "CS2001"),
    ]
    assert parse_diagnostics(output)[0].render().startswith("script.csx(2,7): error CS0246: ")


def test_golden_script_compiles_without_warnings(golden: CompiledScript) -> None:
    result = compile_script(GOLDEN)
    assert result.ok and result.cached
    assert result.diagnostics == ()
    assert result.script().assembly == golden.assembly


def test_unknown_namespace_is_located_in_the_script() -> None:
    assert compile_broken("unknown_namespace.csx") == [("error", 6, "CS0246")]


def test_compile_error_is_located_in_the_script() -> None:
    assert compile_broken("compile_error.csx") == [("error", 13, "CS0029")]


def test_missing_override_is_a_compile_error() -> None:
    assert compile_broken("missing_override.csx") == [
        ("warning", 8, "CS0114"),
        ("error", 8, "CS0533"),
    ]


def test_wrong_signature_is_a_compile_error() -> None:
    assert compile_broken("wrong_signature.csx") == [("error", 10, "CS0115")]


def test_http_client_compiles_but_runs_through_the_engine() -> None:
    # Static rule CODE-03 flags it; the compiler cannot.
    toolchain_or_skip()
    assert compile_script(SCRIPTS / "http_client.csx").ok


def test_every_allowed_namespace_compiles() -> None:
    absent = toolchain_or_skip().absent
    if absent and not os.environ.get("CI"):
        pytest.skip(f"optional assemblies missing (bash .ci/setup installs them): {absent}")
    result = compile_script(SCRIPTS / "allowed_namespaces.csx")
    assert result.errors == (), [d.render() for d in result.errors]


def test_script_line_numbers_do_not_depend_on_the_harness() -> None:
    toolchain_or_skip()
    body = 'public class Script : ScriptBase\n{\n    int x = "a";\n}\n'
    for padding in ("", "\n\n\n"):
        result = compile_source(padding + body)
        assert [(d.code, d.line) for d in result.errors][:1] == [("CS0029", 3 + len(padding))]


# ---- Running: canned answers ------------------------------------------------------------


def schema_request(host: str = "https://example.cybozu.com") -> HttpRequest:
    return HttpRequest("GET", host + SCHEMA_URL, (("X-Cybozu-API-Token", "t"),))


def test_canned_run_reports_response_and_sent_request(golden: CompiledScript) -> None:
    upstream = HttpResponse(200, (), (FIELDS / "empty.json").read_bytes())
    run = golden.run("GetRecordSchema", schema_request(), [upstream])
    assert run.response is not None
    assert run.response.status == 200
    assert run.response.header("content-type") == JSON_TYPE
    assert json.loads(run.response.body) == {"schema": {"type": "object", "properties": {}}}
    [sent] = run.sent
    assert (sent.method, sent.url) == (
        "GET",
        "https://example.cybozu.com/k/v1/app/form/fields.json?app=5",
    )
    assert sent.header("X-Cybozu-API-Token") == "t"
    assert 0 < run.elapsed_ms == run.response.elapsed_ms


def test_subscribe_sets_location_and_keeps_upstream_headers(golden: CompiledScript) -> None:
    request = HttpRequest(
        "POST",
        "https://example.cybozu.com" + HOOK_PATH,
        (("Content-Type", "application/json"),),
        b'{"app":"5"}',
    )
    upstream = HttpResponse(
        200, (("Content-Type", "application/json"), ("Server", "a b")), b'{"id":"9"}'
    )
    response = golden.run("AddWebhookForAddingRecord", request, [upstream]).raise_for_error()
    assert response.status == 201
    assert response.header("Location") == f"https://example.cybozu.com{HOOK_PATH}?app=5&id=9"
    assert response.header("Server") == "a b"
    assert response.header("Content-Type") == "application/json"


def test_running_out_of_canned_answers_is_a_script_error(golden: CompiledScript) -> None:
    run = golden.run("GetRecordSchema", schema_request(), [])
    assert run.response is None
    assert run.error_type == "System.InvalidOperationException"
    with pytest.raises(ScriptError, match="more requests than there are canned responses"):
        run.raise_for_error()


def test_session_runs_many_requests_in_one_process(golden: CompiledScript) -> None:
    upstream = [HttpResponse(200, (), b'{"properties":{}}')]
    with golden.session() as session:
        first = session.run("GetRecordSchema", schema_request(), upstream)
        runs = [session.run("GetRecordSchema", schema_request(), upstream) for _ in range(5)]
    assert {r.response.status for r in [first, *runs] if r.response} == {200}
    assert len(runs) == 5


# ---- Running: failures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def misbehaving() -> CompiledScript:
    toolchain_or_skip()
    return compile_script(SCRIPTS / "misbehaving.csx").script().with_timeout(1500)


def test_exception_in_the_script_is_reported(misbehaving: CompiledScript) -> None:
    with pytest.raises(ScriptError, match="ArgumentException: thrown on purpose") as caught:
        misbehaving.execute("Throw", schema_request())
    assert caught.value.run is not None
    assert "at Script.ExecuteAsync" in (caught.value.run.error_detail or "")


def test_null_response_is_reported(misbehaving: CompiledScript) -> None:
    with pytest.raises(ScriptError, match="ExecuteAsync returned null"):
        misbehaving.execute("Null", schema_request())


def test_logs_and_console_output_do_not_disturb_the_protocol(misbehaving: CompiledScript) -> None:
    run = misbehaving.run("Log", schema_request())
    assert run.response is not None and run.response.status == 202
    assert run.logs == ("Information: operation Log for app 5",)


def test_a_dying_host_is_reported_and_the_session_recovers(misbehaving: CompiledScript) -> None:
    with misbehaving.session() as session:
        with pytest.raises(ScriptError, match="exited with code 7 without an answer"):
            session.execute("Exit", schema_request())
        assert session.execute("Log", schema_request()).status == 202


def test_timeout_stops_the_script_and_the_session_recovers(misbehaving: CompiledScript) -> None:
    with misbehaving.session() as session:
        with pytest.raises(ScriptTimeout, match="within 1500 ms"):
            session.execute("Spin", schema_request())
        assert session.execute("Log", schema_request()).status == 202


# ---- Running: live HTTP against a local kintone stand-in ---------------------------------


class _Kintone(BaseHTTPRequestHandler):
    """Answers form fields and webhook registrations; records what it received."""

    received: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def do_GET(self) -> None:
        self._record(b"")
        self._answer(200, (FIELDS / "options.json").read_bytes())

    def do_POST(self) -> None:
        self._record(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self._answer(200, b'{"id":"77"}')

    def _record(self, body: bytes) -> None:
        self.received.append((self.command, self.path, dict(self.headers), body))

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def kintone() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Kintone)
    _Kintone.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_live_record_schema_calls_the_stand_in(golden: CompiledScript, kintone: str) -> None:
    response = golden.execute("GetRecordSchema", schema_request(kintone))
    assert response.status == 200
    assert response.header("Content-Type") == JSON_TYPE
    assert list(json.loads(response.body)["schema"]["properties"]) == [
        "Size",
        "Colours",
        "Empty_choice",
    ]
    [(method, path, headers, _)] = _Kintone.received
    assert (method, path) == ("GET", "/k/v1/app/form/fields.json?app=5")
    assert headers["X-Cybozu-API-Token"] == "t"


def test_live_subscribe_forwards_the_body(golden: CompiledScript, kintone: str) -> None:
    request = HttpRequest(
        "POST", kintone + HOOK_PATH, (("Content-Type", "application/json"),), b'{"app":"3"}'
    )
    response = golden.execute("AddWebhookForAddingRecord", request)
    assert response.status == 201
    # No originalUrl given: OriginalRequestUri is the request's own URL, and the Location is on it.
    assert response.header("Location") == f"{kintone}{HOOK_PATH}?app=3&id=77"
    [(method, path, headers, body)] = _Kintone.received
    assert (method, path, body) == ("POST", HOOK_PATH, b'{"app":"3"}')
    assert headers["Content-Type"] == "application/json"
    assert "Expect" not in headers


def test_live_connection_refused_is_a_script_error(golden: CompiledScript) -> None:
    request = HttpRequest("GET", "http://127.0.0.1:9/k/v1/records.json?app=1")
    with pytest.raises(ScriptError, match="HttpRequestException"):
        golden.execute("GetRecords", request)
