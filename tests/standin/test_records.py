"""Records: read, add, update, delete, with kintone's validation keys, revisions and limits."""

from __future__ import annotations

from typing import Any

import pytest

from generator.devtools.standin import StandIn

from .helpers import Client, Clock, token_headers


def new_deal(**values: Any) -> dict[str, Any]:
    fields = {"Title": "New deal", "Amount": "100", **values}
    return {code: {"value": value} for code, value in fields.items()}


def test_get_record_has_every_value_shape(deals: Client) -> None:
    record = deals.get("record", app=2, id=1).body["record"]
    assert record["$revision"] == {"type": "__REVISION__", "value": "1"}
    assert record["Record_number"]["value"] == "1"
    assert record["Created_by"]["value"] == {"code": "sato", "name": "Sato Taro"}
    assert record["Owner"]["value"] == [{"code": "sato", "name": "Sato Taro"}]
    assert record["Total"] == {"type": "CALC", "value": "1320"}
    assert record["Customer_name"]["value"] == "Cybozu, Inc."  # copied by the lookup
    row = record["Items"]["value"][0]
    assert set(row) == {"id", "value"} and row["value"]["Subtotal"]["value"] == "800"
    assert record["Status"]["value"] == "Not started"
    assert "Details" not in record and "Invoices" not in record  # GROUP, REFERENCE_TABLE


def test_get_record_not_found(deals: Client) -> None:
    reply = deals.get("record", app=2, id=99)
    assert (reply.status, reply.code) == (404, "GAIA_RE01")
    assert set(reply.body) == {"code", "id", "message"}
    assert reply.body["message"] == "The specified record (ID: 99) is not found."


def test_missing_and_bad_parameters(deals: Client) -> None:
    assert deals.get("record", app=2).errors == {"id": ["Required field."]}
    reply = deals.get("record", app=-1, id=1)
    assert reply.errors == {"app": ["must be greater than or equal to 1"]}
    assert deals.get("record", app=77, id=1).code == "GAIA_AP01"


def test_add_record_fills_defaults_and_system_fields(deals: Client, clock: Clock) -> None:
    reply = deals.post("record", {"app": "2", "record": new_deal()})
    assert reply.status == 200
    assert reply.body == {"id": "3", "revision": "1"}
    record = deals.get("record", app=2, id=3).body["record"]
    assert record["Priority"]["value"] == "Low"
    assert record["Stage"]["value"] == "Lead"
    assert record["Tax_rate"]["value"] == "10"
    assert record["Total"]["value"] == "110"
    assert record["Owner"]["value"] == []  # LOGINUSER() is nobody for an API token
    assert record["Created_by"]["value"] == {"code": "Administrator", "name": "Administrator"}
    assert record["Created_datetime"]["value"] == "2025-05-01T09:30:00Z"  # to the minute
    assert record["Due"]["value"] is None and record["Meeting"]["value"] == ""
    assert record["Status"]["value"] == "Not started"
    assert record["Assignee"]["value"] == [{"code": "sato", "name": "Sato Taro"}]


def test_add_record_ignores_computed_fields_and_copy_targets(deals: Client) -> None:
    record = new_deal(Total="999", Status="Done", Record_number="77", Customer_name="Forged")
    reply = deals.post("record", {"app": 2, "record": record})
    got = deals.get("record", app=2, id=reply.body["id"]).body["record"]
    assert got["Total"]["value"] == "110"
    assert got["Status"]["value"] == "Not started"
    assert got["Record_number"]["value"] == reply.body["id"]
    assert got["Customer_name"]["value"] == ""


def test_admin_token_may_set_creator_on_add(deals: Client, kintone: StandIn) -> None:
    record = new_deal(Created_by={"code": "suzuki"}, Created_datetime="2020-01-02T03:04:05Z")
    got = deals.get(
        "record", app=2, id=deals.post("record", {"app": 2, "record": record}).body["id"]
    )
    assert got.body["record"]["Created_by"]["value"]["code"] == "suzuki"
    assert got.body["record"]["Created_datetime"]["value"] == "2020-01-02T03:04:00Z"
    other = Client(kintone.url, token_headers("deals-records"))
    added = other.post("record", {"app": 2, "record": record}).body["id"]
    assert other.get("record", app=2, id=added).body["record"]["Created_by"]["value"]["code"] == (
        "Administrator"
    )


@pytest.mark.parametrize(
    ("record", "errors"),
    [
        (
            {"Amount": {"value": ""}},
            {"record.Title.value": ["Required."], "record.Amount.value": ["Required."]},
        ),
        (
            # Issue 17: the value is refused once, with no extra "Required." for the same value.
            new_deal(Amount="abc"),
            {"record[Amount].value": ["Only numbers are allowed."]},
        ),
        (new_deal(Amount="-5"), {"record.Amount.value": ["The value must be 0 or more."]}),
        (new_deal(Title="x" * 65), {"record.Title.value": ["Enter less than 65 characters."]}),
        (
            new_deal(Stage="Maybe"),
            {"record.Stage.value": ['The value, "Maybe", is not in options.']},
        ),
        (
            new_deal(Tags=["red", "pink"]),
            {"record.Tags.values[1].value": ['The value, "pink", is not in options.']},
        ),
        (
            new_deal(Owner=[{"code": "nobody"}]),
            {"record.Owner.values[0].value": ["The user (nobody) is not found."]},
        ),
        (
            new_deal(Due="2025-13-01"),
            {"record.Due.value": ["Enter the date in the format YYYY-MM-DD."]},
        ),
        (
            new_deal(Call_time="25:00"),
            {"record.Call_time.value": ["Enter the time in the format HH:MM."]},
        ),
        (
            new_deal(Deal_code="D-001"),
            {"record.Deal_code.value": ["This value already exists in another record."]},
        ),
        (
            new_deal(Items=[{"value": {"Qty": {"value": "2"}}}]),
            {"record.Items.value[0].value.Item.value": ["Required."]},
        ),
        (
            new_deal(Attachments=[{"fileKey": "nope"}]),
            {"record.Attachments.values[0].fileKey": ["The file (nope) is not found."]},
        ),
    ],
    ids=[
        "required",
        "nan",
        "min",
        "max-length",
        "option",
        "options",
        "user",
        "date",
        "time",
        "unique",
        "row",
        "file",
    ],
)
def test_add_record_validation_keys(
    deals: Client, record: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    reply = deals.post("record", {"app": 2, "record": record})
    assert (reply.status, reply.code) == (400, "CB_VA01")
    assert reply.body["message"] == "Missing or invalid input."
    assert reply.errors == errors


def test_values_are_normalised(deals: Client) -> None:
    record = new_deal(
        Amount=" 1.5e3 ", Due="2025-7", Call_time="9:05", Meeting="2025-05-01T18:30:45+09:00"
    )
    added = deals.post("record", {"app": 2, "record": record}).body["id"]
    got = deals.get("record", app=2, id=added).body["record"]
    assert got["Amount"]["value"] == "1500"
    assert got["Due"]["value"] == "2025-07-01"
    assert got["Call_time"]["value"] == "09:05"
    assert got["Meeting"]["value"] == "2025-05-01T09:30:00Z"


def _rows(*cells: dict[str, str]) -> list[dict[str, Any]]:
    return [{"value": {code: {"value": v} for code, v in row.items()}} for row in cells]


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        (
            _rows({"Item": "A", "Qty": "lots"}),
            {"record.Items.value[0].value.Qty.value": ["Only numbers are allowed."]},
        ),
        (
            _rows({"Item": "A", "Qty": "1"}, {"Item": "B", "Unit_price": "1,000"}),
            {"record.Items.value[1].value.Unit_price.value": ["Only numbers are allowed."]},
        ),
        (
            _rows({"Qty": "x"}),
            {
                "record.Items.value[0].value.Qty.value": ["Only numbers are allowed."],
                "record.Items.value[0].value.Item.value": ["Required."],
            },
        ),
    ],
    ids=["not-a-number", "second-row", "with-a-missing-required-cell"],
)
def test_table_rows_are_checked_like_top_level_values(
    deals: Client, rows: list[dict[str, Any]], errors: dict[str, list[str]]
) -> None:
    """Issue 17: a Number in a table row that is not a number gets CB_VA01 like one at top level
    (kintone validates every field value, in rows as elsewhere; the row's key is the one
    kintone uses for other row errors, e.g. Required in test_add_record_validation_keys)."""
    before = len(deals.get("records", app=2).body["records"])
    reply = deals.post("record", {"app": 2, "record": new_deal(Items=rows)})
    assert (reply.status, reply.code, reply.errors) == (400, "CB_VA01", errors)
    assert len(deals.get("records", app=2).body["records"]) == before  # nothing written


def test_table_rows_are_checked_on_update_too(deals: Client) -> None:
    record = {"Items": {"value": _rows({"Item": "A", "Qty": "many"})}}
    reply = deals.put("record", {"app": 2, "id": 1, "record": record})
    assert reply.errors == {"record.Items.value[0].value.Qty.value": ["Only numbers are allowed."]}
    row = deals.get("record", app=2, id=1).body["record"]["Items"]["value"][0]
    assert row["value"]["Item"]["value"] == "Design"  # the record is left as it was


def test_update_record_by_id_checks_the_revision(deals: Client) -> None:
    reply = deals.put(
        "record", {"app": 2, "id": 2, "revision": "1", "record": new_deal(Title="Renamed")}
    )
    assert reply.body == {"revision": "2"}
    stale = deals.put("record", {"app": 2, "id": 2, "revision": 1, "record": {}})
    assert (stale.status, stale.code) == (409, "GAIA_CO02")
    assert deals.put("record", {"app": 2, "id": 2, "revision": -1}).body == {"revision": "3"}
    got = deals.get("record", app=2, id=2).body["record"]
    assert got["Title"]["value"] == "Renamed"
    assert got["Updated_by"]["value"]["code"] == "Administrator"


def test_update_merges_table_rows_by_id(deals: Client) -> None:
    rows = [
        {"id": "1", "value": {"Qty": {"value": "3"}}},
        {"value": {"Item": {"value": "Support"}}},
        {"id": "9999", "value": {"Item": {"value": "Unknown id"}}},
    ]
    deals.put("record", {"app": 2, "id": 1, "record": {"Items": {"value": rows}}})
    items = deals.get("record", app=2, id=1).body["record"]["Items"]["value"]
    assert [row["value"]["Item"]["value"] for row in items] == ["Design", "Support", "Unknown id"]
    assert items[0]["id"] == "1" and items[0]["value"]["Subtotal"]["value"] == "2400"
    assert items[1]["value"]["Qty"]["value"] == "1"  # a new row gets the column default
    assert items[2]["id"] not in ("1", "2", "9999")


def test_update_by_update_key(deals: Client) -> None:
    key = {"field": "Deal_code", "value": "D-002"}
    reply = deals.put("record", {"app": 2, "updateKey": key, "record": new_deal(Title="By key")})
    assert reply.status == 200
    assert deals.get("record", app=2, id=2).body["record"]["Title"]["value"] == "By key"
    missing = deals.put("record", {"app": 2, "updateKey": {"field": "Deal_code", "value": "D-404"}})
    assert missing.code == "GAIA_RE20"
    not_unique = deals.put("record", {"app": 2, "updateKey": {"field": "Title", "value": "x"}})
    assert not_unique.errors == {
        "updateKey.field": ["Specify a field that prohibits duplicate values."]
    }
    both = deals.put("record", {"app": 2, "id": 1, "updateKey": key})
    assert both.code == "CB_VA01"


def test_required_is_checked_on_the_merged_record(deals: Client) -> None:
    reply = deals.put("record", {"app": 2, "id": 1, "record": {"Title": {"value": ""}}})
    assert reply.errors == {"record.Title.value": ["Required."]}
    assert (
        deals.put("record", {"app": 2, "id": 1, "record": {"Notes": {"value": "x"}}}).status == 200
    )


def test_lookup_copies_and_fails_like_kintone(kintone: StandIn) -> None:
    both = Client(kintone.url, token_headers("deals-full", "customers-view"))
    added = both.post("record", {"app": 2, "record": new_deal(Customer_ID="C-003")}).body["id"]
    got = both.get("record", app=2, id=added).body["record"]
    assert got["Customer_name"]["value"] == "Example LLC"
    missing = both.post("record", {"app": 2, "record": new_deal(Customer_ID="C-999")})
    assert (missing.status, missing.code, "errors" in missing.body) == (400, "GAIA_LO04", False)
    # One token is not enough: a lookup reads another app, which needs that app's token too.
    alone = Client(kintone.url, token_headers("deals-full"))
    assert (
        alone.post("record", {"app": 2, "record": new_deal(Customer_ID="C-003")}).code
        == "GAIA_LO04"
    )
    cleared = both.put("record", {"app": 2, "id": added, "record": {"Customer_ID": {"value": ""}}})
    assert cleared.status == 200
    assert both.get("record", app=2, id=added).body["record"]["Customer_name"]["value"] == ""


def test_get_records_with_fields_and_total(deals: Client) -> None:
    reply = deals.get("records", app=2, fields=["$id", "Title"], totalCount="true")
    assert reply.body["totalCount"] == "2"
    assert reply.body["records"] == [
        {
            "Title": {"type": "SINGLE_LINE_TEXT", "value": "Annual license"},
            "$id": {"type": "__ID__", "value": "2"},
        },
        {
            "Title": {"type": "SINGLE_LINE_TEXT", "value": "Website renewal"},
            "$id": {"type": "__ID__", "value": "1"},
        },
    ]
    assert deals.get("records", app=2).body["totalCount"] is None


def test_add_records_is_all_or_nothing_with_indexed_keys(deals: Client) -> None:
    ok = deals.post("records", {"app": 2, "records": [new_deal(), new_deal(Title="Second")]})
    assert ok.body == {"ids": ["3", "4"], "revisions": ["1", "1"]}
    bad = deals.post("records", {"app": 2, "records": [new_deal(), {"Amount": {"value": "1"}}]})
    assert bad.errors == {"records[1].Title.value": ["Required."]}
    dup = deals.post(
        "records", {"app": 2, "records": [new_deal(Deal_code="X"), new_deal(Deal_code="X")]}
    )
    assert dup.errors == {
        "records[1].Deal_code.value": ["This value already exists in another record."]
    }
    assert deals.get("records", app=2, totalCount="true").body["totalCount"] == "4"


def test_write_limits(deals: Client) -> None:
    too_many = deals.post("records", {"app": 2, "records": [new_deal()] * 101})
    assert too_many.errors == {"records": ["A maximum of 100 records can be added at one time."]}
    update = deals.put("records", {"app": 2, "records": [{"id": 1}] * 101})
    assert update.errors == {"records": ["A maximum of 100 records can be updated at one time."]}
    delete = deals.delete("records", {"app": 2, "ids": list(range(1, 102))})
    assert delete.errors == {"ids": ["Between 1 and 100 records can be deleted at one time."]}


def test_update_records_and_upsert(deals: Client) -> None:
    reply = deals.put(
        "records",
        {
            "app": 2,
            "records": [{"id": "1", "record": {"Notes": {"value": "a"}}}, {"id": 2, "revision": 1}],
        },
    )
    assert reply.body == {"records": [{"id": "1", "revision": "2"}, {"id": "2", "revision": "2"}]}
    missing = deals.put("records", {"app": 2, "records": [{"id": 1}, {"id": 50}]})
    assert (missing.status, missing.code) == (404, "GAIA_RE01")
    bad = deals.put(
        "records", {"app": 2, "records": [{"id": 1, "record": {"Title": {"value": ""}}}]}
    )
    assert bad.errors == {"records[0].record.Title.value": ["Required."]}
    upsert = deals.put(
        "records",
        {
            "app": 2,
            "upsert": True,
            "records": [
                {
                    "updateKey": {"field": "Deal_code", "value": "D-001"},
                    "record": {"Notes": {"value": "b"}},
                },
                {"updateKey": {"field": "Deal_code", "value": "D-009"}, "record": new_deal()},
            ],
        },
    )
    assert upsert.body == {
        "records": [
            {"id": "1", "revision": "3", "operation": "UPDATE"},
            {"id": "3", "operation": "INSERT", "revision": "1"},
        ]
    }
    assert deals.get("record", app=2, id=3).body["record"]["Deal_code"]["value"] == "D-009"


def test_delete_records_with_revisions(deals: Client) -> None:
    stale = deals.delete("records", {"app": 2, "ids": [1, 2], "revisions": [1, 5]})
    assert stale.code == "GAIA_CO02"
    assert deals.delete("records", {"app": 2, "ids": [1, 99]}).code == "GAIA_RE01"
    assert deals.delete("records", {"app": 2, "ids": [1], "revisions": [-1]}).body == {}
    assert deals.get("record", app=2, id=1).code == "GAIA_RE01"
    empty = deals.delete("records", {"app": 2, "ids": []})
    assert empty.errors == {
        "ids": ["Between 1 and 100 records can be deleted at one time.", "Required field."]
    }


def test_delete_with_indexed_query_parameters(kintone: StandIn) -> None:
    from .helpers import request

    url = f"{kintone.url}/k/v1/records.json?app=2&ids%5B0%5D=1&ids%5B1%5D=2"
    assert request(url, "DELETE", headers=token_headers("deals-full")).body == {}
    assert kintone.store.apps["2"].records == {}


def test_files_upload_attach_download(deals: Client, kintone: StandIn) -> None:
    from .helpers import request

    boundary = "b0undary"
    data = b"\x00\x01binary\xff"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="r\xe9sum\xe9.bin"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        **token_headers("deals-full"),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    upload = request(f"{kintone.url}/k/v1/file.json", "POST", headers=headers, raw=body)
    key = upload.body["fileKey"]
    assert request(
        f"{kintone.url}/k/v1/file.json?fileKey={key}", headers=token_headers("deals-full")
    ).code == ("GAIA_BL01")  # an upload key is not a download key
    added = deals.post(
        "record", {"app": 2, "record": new_deal(Attachments=[{"fileKey": key}])}
    ).body["id"]
    files = deals.get("record", app=2, id=added).body["record"]["Attachments"]["value"]
    assert files[0]["name"] == "résumé.bin" and files[0]["size"] == str(len(data))
    assert files[0]["contentType"] == "application/octet-stream" and files[0]["fileKey"] != key
    found = deals.get("records", app=2, query='Attachments like "sum"', fields=["$id"]).body
    assert [r["$id"]["value"] for r in found["records"]] == [added]
    download = request(
        f"{kintone.url}/k/v1/file.json?fileKey={files[0]['fileKey']}",
        headers=token_headers("deals-view"),
    )
    assert download.status == 200 and download.body == data
    other = request(
        f"{kintone.url}/k/v1/file.json?fileKey={files[0]['fileKey']}",
        headers=token_headers("invoices-full"),
    )
    assert other.code == "GAIA_IA02"
    no_part = request(
        f"{kintone.url}/k/v1/file.json", "POST", headers=headers, raw=f"--{boundary}--\r\n".encode()
    )
    assert no_part.errors == {"file": ["Required field."]}


def test_upsert_by_update_key_inserts_the_key_into_a_required_field(kintone: StandIn) -> None:
    # cybozu.dev update-records: in upsert mode an updateKey that matches nothing adds a record;
    # the key's value is the new record's value (cli-kintone's import --update-key leaves the key
    # field out of `record` and relies on this), so a required key field is not "missing".
    customers = Client(kintone.url, token_headers("customers-full"))
    reply = customers.put(
        "records",
        {
            "app": 1,
            "upsert": True,
            "records": [
                {
                    "updateKey": {"field": "Customer_ID", "value": "C-100"},
                    "record": {"Name": {"value": "New"}},
                }
            ],
        },
    )
    assert reply.body == {"records": [{"id": "4", "operation": "INSERT", "revision": "1"}]}
    record = customers.get("record", app=1, id=4).body["record"]
    assert (record["Customer_ID"]["value"], record["Name"]["value"]) == ("C-100", "New")
