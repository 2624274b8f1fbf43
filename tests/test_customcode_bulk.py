"""Bulk writes in the Python reference: chunks, merged answers, renumbered errors (no mono)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.customcode import BULK_MAX, bulk_records, bulk_request_body, renumber
from generator.devtools.csharp.reference import reference_run
from generator.devtools.csharp.vectors import Vector, unmet
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from tests.test_csharp_vectors import ALL_VECTORS, golden_context

URL = "https://example.cybozu.com/k/v1/connector/bulk/add-records.json"


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_python_reference_meets_every_vector_expectation(vector: Vector) -> None:
    run = reference_run(golden_context(), vector.operation_id, vector.request, vector.upstream)
    assert unmet(vector.expect, "Python", run) == []


@pytest.mark.parametrize(
    ("key", "offset", "expected"),
    [
        ("records[5].Title.value", 100, "records[105].Title.value"),
        ("records[0]", 1900, "records[1900]"),
        ("ids[3]", 200, "ids[203]"),
        ("revisions[9]", 100, "revisions[109]"),
        ("records[007].x", 100, "records[107].x"),
        ("records[x].y", 100, "records[x].y"),
        ("records[].y", 100, "records[].y"),
        ("record.Title.value", 100, "record.Title.value"),
        ("app", 100, "app"),
        ("records[5", 100, "records[5"),
    ],
)
def test_renumber(key: str, offset: int, expected: str) -> None:
    assert renumber(key, offset) == expected


class Recorder:
    """Context.SendAsync with a fixed answer; keeps what was sent."""

    def __init__(self, status: int, answer: Any) -> None:
        self.status, self.answer = status, json.dumps(answer).encode()
        self.sent: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, url: str, body: bytes) -> tuple[int, bytes]:
        self.sent.append((method, url, json.loads(body)))
        return self.status, self.answer


def test_update_keeps_upsert_in_every_chunk_and_merges_in_order() -> None:
    records = [{"id": str(i)} for i in range(1, 206)]
    results = [
        {"records": [{"id": r["id"], "revision": "2"} for r in records[s : s + 100]]}
        for s in (0, 100, 200)
    ]
    send = Recorder(200, {"results": results})
    body = json.dumps({"app": 3, "upsert": False, "records": records}).encode()
    answer = bulk_records("update", URL, body, send)
    [(method, url, sent)] = send.sent
    assert (method, url) == ("POST", "https://example.cybozu.com/k/v1/bulkRequest.json")
    assert [len(r["payload"]["records"]) for r in sent["requests"]] == [100, 100, 5]
    assert all(
        r["payload"]["upsert"] is False and r["payload"]["app"] == 3 for r in sent["requests"]
    )
    assert {(r["method"], r["api"]) for r in sent["requests"]} == {("PUT", "/k/v1/records.json")}
    assert [r["id"] for r in json.loads(answer.body)["records"]] == [str(i) for i in range(1, 206)]


def test_delete_slices_revisions_with_the_ids() -> None:
    send = Recorder(200, {"results": [{}, {}]})
    ids = [str(i) for i in range(150)]
    body = json.dumps({"app": "3", "ids": ids, "revisions": ["-1"] * 120}).encode()
    assert json.loads(bulk_records("delete", URL, body, send).body) == {}
    payloads = [r["payload"] for r in send.sent[0][2]["requests"]]
    assert [len(p["ids"]) for p in payloads] == [100, 50]
    assert [len(p["revisions"]) for p in payloads] == [100, 20]


def test_limit_is_twenty_chunks_of_a_hundred() -> None:
    assert BULK_MAX == 2000
    send = Recorder(200, {})
    body = json.dumps({"app": "3", "records": [{}] * 2001}).encode()
    assert bulk_records("add", URL, body, send).status == 400 and send.sent == []


def test_bulk_request_body_only_changes_guest_requests() -> None:
    body = b'{"requests":[{"method":"PUT","api":"/k/v1/records/status.json","payload":{}}]}'
    assert bulk_request_body("https://h/k/v1/bulkRequest.json", body) is None
    moved = bulk_request_body("https://h/k/guest/12/v1/bulkRequest.json?x=1", body)
    assert moved is not None
    assert json.loads(moved)["requests"][0]["api"] == "/k/guest/12/v1/records/status.json"


def test_guest_request_through_the_reference_sends_json() -> None:
    request = HttpRequest(
        "POST",
        URL + "?guestSpaceId=5",
        (("Content-Type", "application/json"),),
        b'{"app":"4","records":[{}]}',
    )
    ok = HttpResponse(200, (), b'{"results":[{"ids":["1"],"revisions":["1"]}]}')
    run = reference_run(golden_context(), "AddRecordsBulk", request, [ok])
    [sent] = run.sent
    assert sent.url == "https://example.cybozu.com/k/guest/5/v1/bulkRequest.json"
    assert sent.header("Content-Type") == "application/json; charset=utf-8"
    assert json.loads(sent.body)["requests"][0]["api"] == "/k/guest/5/v1/records.json"
