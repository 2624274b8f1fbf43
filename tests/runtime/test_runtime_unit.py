"""The runtime with an in-process backend: requests, policies, auth, throttle, schema checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.requests import InputError
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import ReferenceScript
from generator.devtools.runtime.throttle import Limit
from generator.errors import ConnectorError
from tests.conftest import GOLDEN

CONNECTION = {"domain": "example.cybozu.com", "api_key": "secret-token"}


class FakeClock:
    """Simulated time: tests move it, sleeping advances it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def backend(
    answer: Callable[[HttpRequest], tuple[int, Any]],
) -> Callable[[HttpRequest], HttpResponse]:
    def send(request: HttpRequest) -> HttpResponse:
        status, body = answer(request)
        data = json.dumps(body).encode() if body is not None else b""
        return HttpResponse(status, (("Content-Type", "application/json"),), data)

    return send


@pytest.fixture(scope="module")
def package() -> ConnectorPackage:
    return ConnectorPackage.load(GOLDEN)


def make_runtime(
    package: ConnectorPackage, answer: Callable[[HttpRequest], tuple[int, Any]], **kwargs: Any
) -> ConnectorRuntime:
    return ConnectorRuntime(
        package,
        CONNECTION,
        script=ReferenceScript.for_kintone(),
        transport=backend(answer),
        **kwargs,
    )


def test_host_comes_from_the_domain_policy_and_token_from_the_connection(
    package: ConnectorPackage,
) -> None:
    runtime = make_runtime(package, lambda r: (200, {"actions": {}, "revision": "3"}))
    result = runtime.call("GetAppActions", {"app": "7", "lang": "en"})
    assert result.request is not None
    assert result.request.method == "GET"
    assert result.request.url == "https://example.cybozu.com/k/v1/app/actions.json?app=7&lang=en"
    assert result.request.header("X-Cybozu-API-Token") == "secret-token"
    assert result.findings == ()


def test_loopback_domain_keeps_the_declared_https(package: ConnectorPackage) -> None:
    """No plain-http special case on the way to kintone, not even for a local stand-in."""
    runtime = ConnectorRuntime(
        package,
        {"domain": "127.0.0.1:8089", "api_key": "t"},
        script=ReferenceScript.for_kintone(),
        transport=backend(lambda r: (200, {"apps": []})),
    )
    result = runtime.call("GetApps")
    assert (
        result.request is not None and result.request.url == "https://127.0.0.1:8089/k/v1/apps.json"
    )


def test_internal_body_defaults_are_filled_like_the_platform(package: ConnectorPackage) -> None:
    runtime = make_runtime(package, lambda r: (200, {"id": "12"}))
    result = runtime.call(
        "AddWebhookForAddingRecord", body={"app": "1", "url": "http://127.0.0.1:1/cb"}
    )
    assert result.request is not None
    sent = json.loads(result.request.body)
    assert sent["type"] == "ADD_RECORD" and sent["schemaType"] == "TRIGGER_WEBHOOK_RECORD"
    assert result.response.status == 201
    # On the connection's own address, so that the platform's DELETE reaches the connector.
    assert result.response.header("Location") == (
        f"{runtime.base_url}/k/integration/v1/preview/app/webhook.json?app=1&id=12"
    )


def test_indexed_arrays_are_rewritten_by_the_custom_code(package: ConnectorPackage) -> None:
    runtime = make_runtime(package, lambda r: (200, {"apps": [{"app": "1", "status": "SUCCESS"}]}))
    runtime.call("GetPreviewAppDeploy", {"apps": ["1", "2"]})
    assert runtime.sent[-1].url.endswith(
        "/k/v1/preview/app/deploy.json?apps%5B0%5D=1&apps%5B1%5D=2"
    )


def test_missing_required_input_is_an_input_error(package: ConnectorPackage) -> None:
    runtime = make_runtime(package, lambda r: (200, {}))
    with pytest.raises(InputError, match="required parameter 'app' is missing"):
        runtime.call("GetAppStatus")
    with pytest.raises(InputError, match="unknown parameter 'bogus'"):
        runtime.call("GetAppStatus", {"app": "1", "bogus": "x"})
    assert runtime.sent == []


def test_unknown_operation_suggests_close_ids(package: ConnectorPackage) -> None:
    runtime = make_runtime(package, lambda r: (200, {}))
    with pytest.raises(ConnectorError, match="no operation 'AddRecrd'; did you mean AddRecord or"):
        runtime.call("AddRecrd")


def test_the_101st_call_in_the_window_is_refused_and_never_sent(package: ConnectorPackage) -> None:
    clock = FakeClock()
    runtime = make_runtime(
        package, lambda r: (200, {"apps": []}), limits=(Limit(100, 60),), clock=clock
    )
    for _ in range(100):
        assert runtime.call("GetApps").response.status == 200
        clock.now += 0.1
    refused = runtime.call("GetApps")
    assert refused.request is None and refused.response.status == 429
    assert refused.response.header("Retry-After") == "50"  # the first call leaves the window
    assert len(runtime.sent) == 100
    clock.now += 50
    assert runtime.call("GetApps").response.status == 200


def test_throttled_calls_can_wait_and_retry_on_a_simulated_clock(package: ConnectorPackage) -> None:
    clock = FakeClock()
    runtime = make_runtime(
        package,
        lambda r: (200, {"apps": []}),
        limits=(Limit(100, 60),),
        clock=clock,
        sleep=clock.sleep,
        retry_throttled=True,
    )
    for _ in range(250):
        assert runtime.call("GetApps").response.status == 200
    assert len(runtime.sent) == 250
    assert 120 <= clock.now - 1000.0 < 180  # three windows of 100 calls


def test_response_that_does_not_fit_the_schema_is_a_finding(package: ConnectorPackage) -> None:
    runtime = make_runtime(package, lambda r: (200, {"id": 5, "revision": "1"}))
    result = runtime.call("AddRecord", body={"app": "1"})
    [finding] = [f for f in result.findings if f.rule == "RUN-01"]
    assert finding.pointer == "/id" and "5 is not of type 'string'" in finding.message


FIELDS = {
    "properties": {
        "Title": {"type": "SINGLE_LINE_TEXT", "code": "Title", "label": "Title", "required": True},
        "Qty": {"type": "NUMBER", "code": "Qty", "label": "Qty"},
    },
    "revision": "2",
}


def test_record_body_is_checked_against_the_apps_dynamic_schema(package: ConnectorPackage) -> None:
    def answer(request: HttpRequest) -> tuple[int, Any]:
        if "/app/form/fields.json" in request.url:
            return 200, FIELDS
        return 200, {"id": "1", "revision": "1"}

    runtime = make_runtime(package, answer)
    good = runtime.call("AddRecord", body={"app": "1", "record": {"Title": {"value": "x"}}})
    assert good.findings == ()
    bad = runtime.call("AddRecord", body={"app": "1", "record": {"Qty": {"value": "many"}}})
    messages = sorted((f.pointer, f.message) for f in bad.findings)
    assert messages == [
        ("", "'Title' is a required property"),
        ("/Qty/value", "'many' is not of type 'number'"),
    ]
    fields_calls = [r for r in runtime.sent if "/app/form/fields.json" in r.url]
    assert len(fields_calls) == 1  # the schema is fetched once per app and mode


def test_script_operation_without_engine_is_refused(package: ConnectorPackage) -> None:
    runtime = ConnectorRuntime(package, CONNECTION, transport=backend(lambda r: (200, {})))
    with pytest.raises(ConnectorError, match="runs custom code"):
        runtime.call("GetRecordSchema", {"app": "1", "mode": "add"})
