"""The server: lifecycle, concurrency limit, fault injection, test-support endpoints, the CLI."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner

from generator.devtools.standin import StandIn
from generator.devtools.standin.cli import describe, stand_in_command

from .helpers import Client, Reply, request, token_headers


def test_start_and_stop_many_times() -> None:
    before = set(threading.enumerate())  # other tests' threads may end meanwhile
    standin = StandIn()
    for _ in range(5):
        with standin as kintone:
            assert kintone.url == f"http://{kintone.domain}"
            assert Client(kintone.url, token_headers("deals-view")).get("app", id=2).status == 200
    for _ in range(3):
        with StandIn(port=0) as other:
            assert other.domain.startswith("127.0.0.1:")
    assert set(threading.enumerate()) - before == set()


def test_url_needs_a_running_server() -> None:
    import pytest

    with pytest.raises(RuntimeError, match="not running"):
        _ = StandIn().url


def test_every_response_reports_concurrency(deals: Client) -> None:
    reply = deals.get("record", app=2, id=1)
    assert reply.headers["X-ConcurrencyLimit-Limit"] == "100"
    assert reply.headers["X-ConcurrencyLimit-Running"] == "1"
    assert deals.get("record", app=2, id=99).headers["X-ConcurrencyLimit-Limit"] == "100"


def test_too_many_concurrent_requests(
    start: Callable[..., StandIn], seed_doc: dict[str, Any]
) -> None:
    seed_doc["domain"]["concurrencyLimit"] = 1
    kintone = start(seed_doc)
    deals = Client(kintone.url, token_headers("deals-view"))
    hold = kintone.hold_next("GET", "/k/v1/record.json")
    first: list[Reply] = []
    worker = threading.Thread(target=lambda: first.append(deals.get("record", app=2, id=1)))
    worker.start()
    assert hold.arrived.wait(5)
    refused = deals.get("app", id=2)
    assert (refused.status, refused.code) == (429, "GAIA_TO04")
    assert refused.headers["X-Cybozu-Error"] == "GAIA_TO04"
    assert refused.headers["X-ConcurrencyLimit-Limit"] == "1"
    assert refused.headers["X-ConcurrencyLimit-Running"] == "2"
    hold.release()
    worker.join(5)
    assert first[0].status == 200
    assert deals.get("app", id=2).status == 200


def test_fail_next(kintone: StandIn, deals: Client) -> None:
    record = {"Title": {"value": "x"}, "Amount": {"value": "1"}}
    kintone.fail_next(
        "POST", "/k/v1/record.json", count=2, status=503, body="<html>Maintenance</html>"
    )
    for _ in range(2):
        reply = deals.post("record", {"app": 2, "record": record})
        assert reply.status == 503 and reply.body == b"<html>Maintenance</html>"
    assert deals.post("record", {"app": 2, "record": record}).status == 200
    kintone.fail_next(
        "GET", "/k/v1/record.json", status=520, body={"code": "GAIA_IA02", "message": "m"}
    )
    assert deals.get("record", app=2, id=1).body == {"code": "GAIA_IA02", "message": "m"}
    kintone.fail_next("PUT", "/k/v1/record.json", headers={"Retry-After": "3"})
    failed = deals.put("record", {"app": 2, "id": 1})
    assert (failed.status, failed.code, failed.headers["Retry-After"]) == (
        500,
        "STANDIN_FAULT",
        "3",
    )
    assert len(kintone.store.apps["2"].records) == 3  # faults never reach the domain


def test_faults_over_http(kintone: StandIn, deals: Client) -> None:
    base = f"{kintone.url}/_standin/faults"
    fault = {"method": "get", "path": "/k/v1/app.json", "count": 1, "status": 502}
    assert request(base, "POST", fault).body["faults"][0]["method"] == "GET"
    assert request(base).body["faults"][0]["status"] == 502
    assert deals.get("app", id=2).status == 502
    assert request(base).body == {"faults": []}
    request(base, "POST", fault)
    assert request(base, "DELETE").body == {"faults": []}
    assert deals.get("app", id=2).status == 200
    assert request(base, "POST", {"method": "GET", "path": "no-slash"}).status == 400
    assert request(f"{kintone.url}/_standin/nothing").status == 404


def test_support_summary_and_wait(kintone: StandIn) -> None:
    summary = request(f"{kintone.url}/_standin/").body
    assert summary["domain"] == kintone.domain
    assert [app["records"] for app in summary["apps"]] == [3, 2, 1, 1]
    assert request(f"{kintone.url}/_standin/wait-for-deliveries", "POST", {"timeout": 1}).body == {
        "done": True
    }


def test_unknown_paths_methods_and_bodies(kintone: StandIn, deals: Client) -> None:
    assert (
        request(f"{kintone.url}/k/v1/nothing.json", headers=token_headers("deals-view")).code
        == "STANDIN_NF01"
    )
    assert request(f"{kintone.url}/somewhere").status == 404
    patch = deals.send("PATCH", "record", {"app": 2})
    assert (patch.status, patch.code) == (405, "STANDIN_MA01")
    raw = request(
        deals.url("record"),
        "POST",
        headers={**deals.headers, "Content-Type": "application/json"},
        raw=b"{oops",
    )
    assert (raw.status, raw.code) == (400, "CB_IJ01")
    listed = request(deals.url("record"), "POST", headers=deals.headers, raw=b"[1, 2]")
    assert listed.code == "CB_IJ01"
    body_get = request(
        deals.url("record"),
        "GET",
        headers=deals.headers,
        raw=json.dumps({"app": 2, "id": 1}).encode(),
    )
    assert body_get.status == 200


def test_error_ids_look_random_and_repeat_from_run_to_run(deals: Client) -> None:
    first, second = deals.get("record", app=2, id=99), deals.get("record", app=2, id=99)
    assert len(first.body["id"]) == 20 and first.body["id"] != second.body["id"]
    with StandIn() as again:
        repeat = Client(again.url, token_headers("deals-view")).get("record", app=2, id=99)
    assert repeat.body["id"] == first.body["id"]


def test_a_bug_in_a_handler_is_a_kintone_shaped_500(
    kintone: StandIn, deals: Client, monkeypatch: Any
) -> None:
    from generator.devtools.standin import routes

    def broken(store: Any, req: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(routes.ROUTES, ("GET", "app"), broken)
    reply = deals.get("app", id=2)
    assert (reply.status, reply.code) == (500, "STANDIN_IE01")


def test_cli_help_and_description() -> None:
    result = CliRunner().invoke(stand_in_command, ["--help"])
    assert result.exit_code == 0
    assert "Example: kintone-connector stand-in" in result.output
    assert "--seed" in result.output and "8089" in result.output
    with StandIn() as kintone:
        lines, domain = describe(kintone), kintone.domain
    assert lines[1] == f"kintone domain to enter: {domain}"
    assert "    deals-full  (view, add, edit, delete, manage)" in lines
    assert "  app 4 Guest tasks, guest space 5" in lines
    assert "Plain HTTP: `call` and `listen` speak https; start with --https for them." in lines


def test_cli_reports_a_bad_seed(tmp_path: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apps: 3\n", encoding="utf-8")
    result = CliRunner().invoke(stand_in_command, ["--seed", str(bad), "--port", "0"])
    assert result.exit_code == 1
    assert f"Error: {bad}: apps: expected a list, found int" in result.output
