// Cybozu's @kintone/rest-api-client against the stand-in: one named step per kintone behaviour.
//
// Run by tests/conformance/test_rest_api_client.py with KINTONE_BASE_URL (https) and
// NODE_EXTRA_CA_CERTS (the stand-in's CA). Prints one JSON line: {"results": [{step, ok, error}]}.
// Every expectation cites Cybozu's documentation: kintone.dev / cybozu.dev (KDEV), the official
// OpenAPI description kintone/rest-api-spec (SPEC) or the client's own docs and code (SDK); a few
// error codes come from observations of real kintone recorded in the project's kintone-api.md
// (cli-kintone's end-to-end tests, which are Cybozu's). Where all are silent the comment says so
// and the step asserts only what they do say. Apps: the stand-in's default seed plus Items (10)
// from tests/conformance/seed.yaml.
// Steps share state through `ctx` and run in order; SCENARIO_ONLY=a,b runs only those steps.
"use strict";

const assert = require("node:assert/strict");
const { KintoneRestAPIClient, KintoneRestAPIError } = require("@kintone/rest-api-client");

const BASE_URL = process.env.KINTONE_BASE_URL;
const DEALS = "2";
const CUSTOMERS = "1";
const INVOICES = "3";
const GUEST_APP = "4";
const GUEST_SPACE = "5";
const ITEMS = "10";
const BULK_COUNT = 2500;

const steps = [];
const ctx = {};

/** Register a step; the pytest side finds the names with a regular expression on `step("`. */
function step(name, run) {
  steps.push({ name, run });
}

function client(auth, options = {}) {
  return new KintoneRestAPIClient({ baseUrl: BASE_URL, auth, ...options });
}

const admin = () => client({ username: "sato", password: "sato-pass" });
const token = (...tokens) => client({ apiToken: tokens.length === 1 ? tokens[0] : tokens });

/** Await a call that must fail with a KintoneRestAPIError; returns the error. */
async function rejects(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KintoneRestAPIError, `expected a KintoneRestAPIError, got ${error}`);
    // KDEV overview: an error body carries code, id and message (and errors for bad input).
    assert.match(error.code, /^[A-Z]+_[A-Z]+\d+$/, `code ${error.code}`);
    assert.ok(typeof error.id === "string" && error.id.length > 0, `id ${error.id}`);
    return error;
  }
  assert.fail("the call succeeded; kintone documents an error here");
}

const isNumericText = (value) => typeof value === "string" && /^\d+$/.test(value);

// ---- apps: form fields, layout, app info --------------------------------------------------

step("get_app", async () => {
  // KDEV get-app: appId, code, name, description, spaceId (null outside spaces), creator ...
  const app = await token("deals-full").app.getApp({ id: DEALS });
  assert.equal(app.appId, DEALS);
  assert.equal(app.code, "DEALS");
  assert.equal(app.name, "Deals");
  assert.equal(app.spaceId, null);
  assert.equal(app.threadId, null);
  for (const key of ["createdAt", "modifiedAt"]) assert.match(app[key], /^\d{4}-\d\d-\d\dT/);
  for (const key of ["creator", "modifier"]) assert.ok("code" in app[key] && "name" in app[key]);
});

step("get_apps", async () => {
  // KDEV get-apps: password (not API token) auth, filters by ids, answers {apps: [...]}.
  const { apps } = await admin().app.getApps({ ids: [CUSTOMERS, INVOICES] });
  assert.deepEqual(apps.map((a) => a.appId).sort(), [CUSTOMERS, INVOICES]);
  // SPEC: every API also exists under /k/guest/{guestSpaceId}/v1/, for apps in that space.
  const guestClient = client(
    { username: "sato", password: "sato-pass" },
    { guestSpaceId: GUEST_SPACE },
  );
  const guest = await guestClient.app.getApps({ spaceIds: [GUEST_SPACE] });
  assert.deepEqual(
    guest.apps.map((a) => a.appId),
    [GUEST_APP],
  );
  assert.equal(guest.apps[0].spaceId, GUEST_SPACE);
});

step("get_form_fields", async () => {
  // SPEC getAppFormFields: {properties: {code: {type, code, label, ...}}, revision: "N"}.
  const { properties, revision } = await token("deals-full").app.getFormFields({ app: DEALS });
  assert.ok(isNumericText(revision), `revision ${revision}`);
  for (const [code, property] of Object.entries(properties)) assert.equal(property.code, code);
  assert.equal(properties.Title.type, "SINGLE_LINE_TEXT");
  assert.equal(properties.Title.required, true);
  assert.equal(properties.Amount.type, "NUMBER");
  assert.deepEqual(Object.keys(properties.Stage.options).sort(), [
    "Lead",
    "Lost",
    "Qualified",
    "Won",
  ]);
  assert.equal(properties.Stage.options.Won.index, "2");
  assert.equal(properties.Items.type, "SUBTABLE");
  assert.deepEqual(Object.keys(properties.Items.fields).sort(), [
    "Item",
    "Qty",
    "Subtotal",
    "Unit_price",
  ]);
  assert.equal(properties.Customer_ID.lookup.relatedApp.app, CUSTOMERS);
  assert.equal(properties.Invoices.referenceTable.relatedApp.app, INVOICES);
  assert.equal(properties.Status.enabled, true);
  // SPEC: LABEL, SPACER and HR are layout elements, never form fields.
  for (const property of Object.values(properties)) {
    assert.ok(!["LABEL", "SPACER", "HR"].includes(property.type), property.code);
  }
  ctx.fieldCodes = Object.keys(properties).concat(Object.keys(properties.Items.fields));
});

step("get_preview_form_fields", async () => {
  // KDEV: pre-live settings equal the live ones until something is changed.
  const live = await token("deals-full").app.getFormFields({ app: DEALS });
  const preview = await token("deals-full").app.getFormFields({ app: DEALS, preview: true });
  assert.deepEqual(preview.properties, live.properties);
});

step("get_form_layout", async () => {
  // SDK layout.ts / SPEC AppFormLayoutGet*: top level ROW | SUBTABLE | GROUP; a GROUP holds rows.
  const { layout, revision } = await token("deals-full").app.getFormLayout({ app: DEALS });
  assert.ok(isNumericText(revision));
  const placed = [];
  const visitRow = (row) => {
    assert.equal(row.type, "ROW");
    for (const field of row.fields) {
      assert.equal(typeof field.type, "string");
      if (field.code) placed.push(field.code);
    }
  };
  for (const element of layout) {
    assert.ok(["ROW", "SUBTABLE", "GROUP"].includes(element.type), element.type);
    if (element.type === "ROW") visitRow(element);
    if (element.type === "GROUP") {
      placed.push(element.code);
      element.layout.forEach(visitRow);
    }
    if (element.type === "SUBTABLE") {
      placed.push(element.code);
      for (const field of element.fields) placed.push(field.code);
    }
  }
  const table = layout.find((element) => element.type === "SUBTABLE");
  assert.equal(table.code, "Items");
  assert.deepEqual(table.fields.map((f) => f.code).sort(), [
    "Item",
    "Qty",
    "Subtotal",
    "Unit_price",
  ]);
  for (const code of placed) assert.ok(ctx.fieldCodes.includes(code), `layout names ${code}`);
});

// ---- records: add, get, update, upsert, delete ---------------------------------------------

step("add_record", async () => {
  // KDEV add-record: {id, revision: "1"}; omitted fields take their defaults.
  const result = await token("deals-full").record.addRecord({
    app: DEALS,
    record: {
      Title: { value: "Conformance" },
      Deal_code: { value: "CF-1" },
      Amount: { value: "100" },
    },
  });
  assert.ok(isNumericText(result.id));
  assert.equal(result.revision, "1");
  ctx.recordId = result.id;
});

step("get_record", async () => {
  // KDEV get-record: every field as {type, value}, plus $id and $revision; NUMBER as a string.
  const { record } = await token("deals-full").record.getRecord({ app: DEALS, id: ctx.recordId });
  assert.deepEqual(record.$id, { type: "__ID__", value: ctx.recordId });
  assert.deepEqual(record.$revision, { type: "__REVISION__", value: "1" });
  assert.deepEqual(record.Title, { type: "SINGLE_LINE_TEXT", value: "Conformance" });
  assert.deepEqual(record.Amount, { type: "NUMBER", value: "100" });
  assert.equal(record.Stage.value, "Lead"); // the field's defaultValue
  assert.equal(record.Tax_rate.value, "10");
  assert.equal(record.Total.type, "CALC");
  assert.equal(record.Status.value, "Not started"); // the first status of the process
});

step("record_value_shapes", async () => {
  // KDEV field types (kintone-api.md §4.1): writes send {value}; reads answer {type, value} with
  // arrays for CHECK_BOX / MULTI_SELECT, [{code, name}] for pickers, DATETIME in UTC with "Z",
  // a partial DATE padded, SUBTABLE rows with string ids, CALC computed, lookups copied.
  const deals = token("deals-full", "customers-view");
  const { id } = await deals.record.addRecord({
    app: DEALS,
    record: {
      Title: { value: "Shapes" },
      Amount: { value: 200 }, // a number is accepted; it is stored as text
      Tags: { value: ["red", "green"] },
      Regions: { value: ["US"] },
      Owner: { value: [{ code: "suzuki" }] },
      Department: { value: [{ code: "sales" }] },
      Meeting: { value: "2025-01-01T09:00:00+09:00" },
      Due: { value: "2025-7" },
      Call_time: { value: "09:05" },
      Customer_ID: { value: "C-002" },
      Items: {
        value: [
          { value: { Item: { value: "Box" }, Qty: { value: "2" }, Unit_price: { value: "3" } } },
        ],
      },
    },
  });
  const { record } = await deals.record.getRecord({ app: DEALS, id });
  assert.deepEqual(record.Amount, { type: "NUMBER", value: "200" });
  assert.deepEqual(record.Total, { type: "CALC", value: "220" }); // Amount*(100+Tax_rate)/100
  assert.deepEqual(record.Tags, { type: "CHECK_BOX", value: ["red", "green"] });
  assert.deepEqual(record.Regions, { type: "MULTI_SELECT", value: ["US"] });
  assert.deepEqual(record.Owner.value, [{ code: "suzuki", name: "Suzuki Hanako" }]);
  assert.deepEqual(record.Department.value, [{ code: "sales", name: "Sales" }]);
  assert.deepEqual(record.Meeting, { type: "DATETIME", value: "2025-01-01T00:00:00Z" });
  assert.deepEqual(record.Due, { type: "DATE", value: "2025-07-01" });
  assert.deepEqual(record.Call_time, { type: "TIME", value: "09:05" });
  assert.equal(record.Customer_name.value, "Kintone Corporation"); // copied by the lookup
  assert.equal(record.Items.type, "SUBTABLE");
  assert.equal(record.Items.value.length, 1);
  assert.ok(isNumericText(record.Items.value[0].id));
  assert.deepEqual(record.Items.value[0].value.Subtotal, { type: "CALC", value: "6" });
  assert.deepEqual(record.Created_by.value, { code: "Administrator", name: "Administrator" });
});

step("update_record_by_id", async () => {
  // KDEV update-record: {revision} one higher; a matching `revision` is accepted.
  const deals = token("deals-full");
  const { revision } = await deals.record.updateRecord({
    app: DEALS,
    id: ctx.recordId,
    revision: "1",
    record: { Amount: { value: "250" } },
  });
  assert.equal(revision, "2");
  const { record } = await deals.record.getRecord({ app: DEALS, id: ctx.recordId });
  assert.equal(record.Amount.value, "250");
  assert.equal(record.Title.value, "Conformance"); // fields not sent are kept
});

step("update_record_stale_revision", async () => {
  // KDEV update-record: a revision that is not the latest fails with GAIA_CO02. The HTTP status
  // (409 in public client test-suites) is not in Cybozu's documentation, so it is not asserted.
  const deals = token("deals-full");
  const error = await rejects(
    deals.record.updateRecord({ app: DEALS, id: ctx.recordId, revision: "1", record: {} }),
  );
  assert.equal(error.code, "GAIA_CO02");
  const { record } = await deals.record.getRecord({ app: DEALS, id: ctx.recordId });
  assert.equal(record.$revision.value, "2");
});

step("update_record_by_update_key", async () => {
  // KDEV update-record: updateKey names a field with "prohibit duplicate values" and its value.
  const { revision } = await token("deals-full").record.updateRecord({
    app: DEALS,
    updateKey: { field: "Deal_code", value: "CF-1" },
    record: { Notes: { value: "by key" } },
  });
  assert.equal(revision, "3");
});

step("upsert_record", async () => {
  // SDK upsertRecord: updates the record whose key matches, otherwise adds one with the key.
  const deals = token("deals-full");
  const updated = await deals.record.upsertRecord({
    app: DEALS,
    updateKey: { field: "Deal_code", value: "CF-1" },
    record: { Amount: { value: "300" } },
  });
  assert.deepEqual(updated, { id: ctx.recordId, revision: "4" });
  const added = await deals.record.upsertRecord({
    app: DEALS,
    updateKey: { field: "Deal_code", value: "CF-2" },
    record: { Title: { value: "Upserted" }, Amount: { value: "1" } },
  });
  assert.notEqual(added.id, ctx.recordId);
  assert.equal(added.revision, "1");
  const { record } = await deals.record.getRecord({ app: DEALS, id: added.id });
  assert.equal(record.Deal_code.value, "CF-2");
  ctx.upsertedId = added.id;
});

step("update_records_upsert_mode", async () => {
  // KDEV update-records with upsert: true: {records: [{id, operation: INSERT|UPDATE, revision}]}.
  const result = await token("deals-full").record.updateRecords({
    app: DEALS,
    upsert: true,
    records: [
      { updateKey: { field: "Deal_code", value: "CF-2" }, record: { Amount: { value: "2" } } },
      {
        updateKey: { field: "Deal_code", value: "CF-3" },
        record: { Title: { value: "Inserted" }, Amount: { value: "3" } },
      },
    ],
  });
  assert.equal(result.records.length, 2);
  assert.deepEqual(result.records[0], { id: ctx.upsertedId, operation: "UPDATE", revision: "2" });
  assert.equal(result.records[1].operation, "INSERT");
  assert.equal(result.records[1].revision, "1");
  ctx.insertedId = result.records[1].id;
});

step("get_records_query_total_count", async () => {
  // KDEV get-records: query with `in`, order by, fields; totalCount is a string when asked for.
  const { records, totalCount } = await token("deals-full").record.getRecords({
    app: DEALS,
    query: 'Deal_code in ("CF-1", "CF-2", "CF-3") order by $id asc',
    fields: ["$id", "Deal_code"],
    totalCount: true,
  });
  assert.equal(totalCount, "3");
  assert.deepEqual(
    records.map((r) => r.Deal_code.value),
    ["CF-1", "CF-2", "CF-3"],
  );
  assert.deepEqual(Object.keys(records[0]).sort(), ["$id", "Deal_code"]);
  // KDEV query-string: without `order by`, records come by record ID, descending.
  const unordered = await token("deals-full").record.getRecords({
    app: DEALS,
    query: 'Deal_code in ("CF-1", "CF-2", "CF-3")',
    fields: ["Deal_code"],
  });
  assert.deepEqual(
    unordered.records.map((r) => r.Deal_code.value),
    ["CF-3", "CF-2", "CF-1"],
  );
  const plain = await token("deals-full").record.getRecords({ app: DEALS, query: "limit 1" });
  assert.equal(plain.totalCount, null); // null unless totalCount is requested
});

step("add_and_delete_records", async () => {
  // KDEV add-records: {ids, revisions} in order; delete-records: {}, the records are gone.
  const deals = token("deals-full");
  const added = await deals.record.addRecords({
    app: DEALS,
    records: [1, 2, 3].map((n) => ({ Title: { value: `Batch ${n}` }, Amount: { value: `${n}` } })),
  });
  assert.equal(added.ids.length, 3);
  assert.deepEqual(added.revisions, ["1", "1", "1"]);
  const ids = added.ids.map(Number);
  assert.deepEqual(
    [...ids].sort((a, b) => a - b),
    ids,
  );
  assert.deepEqual(await deals.record.deleteRecords({ app: DEALS, ids: added.ids }), {});
  const left = await deals.record.getRecords({
    app: DEALS,
    query: `$id in (${added.ids.join(", ")})`,
    totalCount: true,
  });
  assert.equal(left.totalCount, "0");
  const error = await rejects(deals.record.getRecord({ app: DEALS, id: added.ids[0] }));
  assert.equal(error.code, "GAIA_RE01"); // record not found
  assert.equal(error.status, 404);
});

step("get_records_long_query_method_override", async () => {
  // KDEV overview: a URI over 8 KB fails, so POST + X-HTTP-Method-Override: GET carries the
  // parameters in the body; the SDK switches to it once the URL passes 4,096 characters.
  const ids = Array.from({ length: 1200 }, (_, i) => i + 1);
  const { records, totalCount } = await token("deals-full").record.getRecords({
    app: DEALS,
    query: `$id in (${ids.join(", ")}) and Deal_code in ("CF-1", "CF-2") order by $id asc`,
    fields: ["Deal_code"],
    totalCount: true,
  });
  assert.equal(totalCount, "2");
  assert.deepEqual(
    records.map((r) => r.Deal_code.value),
    ["CF-1", "CF-2"],
  );
});

step("record_limits", async () => {
  // KDEV add-records: at most 100 records per call, all or nothing; KDEV get-records: `limit`
  // at most 500. The error codes are not in Cybozu's documentation, so only the refusal and the
  // unchanged app are checked.
  const deals = token("deals-full");
  const before = await deals.record.getRecords({ app: DEALS, totalCount: true, query: "limit 1" });
  const records = Array.from({ length: 101 }, (_, i) => ({
    Title: { value: `Too many ${i}` },
    Amount: { value: "1" },
  }));
  const tooMany = await rejects(deals.record.addRecords({ app: DEALS, records }));
  assert.equal(tooMany.status, 400);
  const after = await deals.record.getRecords({ app: DEALS, totalCount: true, query: "limit 1" });
  assert.equal(after.totalCount, before.totalCount);
  const tooLong = await rejects(deals.record.getRecords({ app: DEALS, query: "limit 501" }));
  assert.equal(tooLong.status, 400);
});

step("record_write_errors", async () => {
  // KDEV add-record: required fields must have a value (CB_VA01 with per-field `errors`), field
  // codes the app does not have are ignored. KDEV update-record: `id` and `updateKey` exclude
  // each other, and updateKey must name a field that prohibits duplicate values.
  const deals = token("deals-full");
  const missing = await rejects(
    deals.record.addRecord({ app: DEALS, record: { Amount: { value: "1" } } }),
  );
  assert.equal(missing.code, "CB_VA01");
  assert.equal(missing.status, 400);
  assert.ok(
    Object.keys(missing.errors).some((key) => key.includes("Title")),
    JSON.stringify(missing.errors),
  );
  const { id } = await deals.record.addRecord({
    app: DEALS,
    record: {
      Title: { value: "Extra key" },
      Amount: { value: "1" },
      No_such_field: { value: "x" },
    },
  });
  assert.ok(isNumericText(id));
  const both = await rejects(
    deals.record.updateRecord({
      app: DEALS,
      id,
      updateKey: { field: "Deal_code", value: "CF-1" },
      record: {},
    }),
  );
  assert.equal(both.status, 400);
  const notUnique = await rejects(
    deals.record.updateRecord({
      app: DEALS,
      updateKey: { field: "Title", value: "Extra key" },
      record: {},
    }),
  );
  assert.equal(notUnique.status, 400);
});

step("delete_records_with_revisions", async () => {
  // KDEV delete-records: `revisions` pairs with `ids`; a stale one deletes nothing (GAIA_CO02).
  const deals = token("deals-full");
  const { ids } = await deals.record.addRecords({
    app: DEALS,
    records: [
      { Title: { value: "Del 1" }, Amount: { value: "1" } },
      { Title: { value: "Del 2" }, Amount: { value: "1" } },
    ],
  });
  const stale = await rejects(
    deals.record.deleteRecords({ app: DEALS, ids, revisions: ["1", "7"] }),
  );
  assert.equal(stale.code, "GAIA_CO02");
  const left = await deals.record.getRecords({
    app: DEALS,
    query: `$id in (${ids.join(",")})`,
    totalCount: true,
  });
  assert.equal(left.totalCount, "2");
  assert.deepEqual(
    await deals.record.deleteRecords({ app: DEALS, ids, revisions: ["1", "-1"] }),
    {},
  );
});

// ---- 2,500 records: addAllRecords, the getAllRecords* family, update/deleteAllRecords -------

const itemCode = (prefix, n) => `${prefix}-${String(n).padStart(4, "0")}`;

step("add_records_2500", async () => {
  // The records the getAllRecords* steps page over, added 100 per call (KDEV add-records), so
  // that paging does not depend on bulkRequest.
  const items = token("items-full");
  ctx.pagedIds = [];
  for (let start = 0; start < BULK_COUNT; start += 100) {
    const records = Array.from({ length: 100 }, (_, i) => ({
      Code: { value: itemCode("IT", start + i + 1) },
      Name: { value: `Item ${start + i + 1}` },
      Qty: { value: String((start + i) % 7) },
    }));
    const { ids } = await items.record.addRecords({ app: ITEMS, records });
    ctx.pagedIds.push(...ids);
  }
  assert.equal(new Set(ctx.pagedIds).size, BULK_COUNT);
});

function assertAllItems(records, label) {
  assert.equal(records.length, BULK_COUNT, `${label}: record count`);
  const codes = new Set(records.map((r) => r.Code.value));
  assert.equal(codes.size, BULK_COUNT, `${label}: distinct records`);
}

step("get_all_records_with_id", async () => {
  // SDK getAllRecordsWithId: pages by `$id > last order by $id asc limit 500`.
  const records = await token("items-full").record.getAllRecordsWithId({ app: ITEMS });
  assertAllItems(records, "getAllRecordsWithId");
  assert.deepEqual(
    records.map((r) => r.$id.value),
    ctx.pagedIds,
  );
  const some = await token("items-full").record.getAllRecordsWithId({
    app: ITEMS,
    fields: ["Code"],
    condition: "Qty = 0",
  });
  assert.equal(some.length, Math.ceil(BULK_COUNT / 7));
  assert.deepEqual(Object.keys(some[0]).sort(), ["$id", "Code"]); // $id is added to `fields`
});

step("get_all_records_with_offset", async () => {
  // SDK getAllRecordsWithOffset: `order by ... limit 500 offset N` until a short page.
  const records = await token("items-full").record.getAllRecordsWithOffset({
    app: ITEMS,
    orderBy: "Code desc",
  });
  assertAllItems(records, "getAllRecordsWithOffset");
  assert.equal(records[0].Code.value, `IT-${BULK_COUNT}`);
  assert.equal(records[BULK_COUNT - 1].Code.value, "IT-0001");
});

step("get_all_records_with_cursor", async () => {
  // SDK getAllRecordsWithCursor: a cursor of size 500 read until `next` is false.
  const records = await token("items-full").record.getAllRecordsWithCursor({
    app: ITEMS,
    query: "order by Code asc",
  });
  assertAllItems(records, "getAllRecordsWithCursor");
  assert.equal(records[0].Code.value, "IT-0001");
  // KDEV: a cursor read to the end is deleted, so it does not count against the 10 per domain.
  for (let i = 0; i < 11; i += 1) {
    const rows = await token("items-full").record.getAllRecordsWithCursor({
      app: ITEMS,
      query: "Qty = 6",
    });
    assert.equal(rows.length, Math.floor(BULK_COUNT / 7));
  }
});

step("get_all_records", async () => {
  // SDK getAllRecords: no orderBy -> by $id; orderBy -> a cursor (withCursor defaults to true).
  const items = token("items-full");
  assertAllItems(await items.record.getAllRecords({ app: ITEMS }), "getAllRecords");
  const ordered = await items.record.getAllRecords({ app: ITEMS, orderBy: "Code desc" });
  assertAllItems(ordered, "getAllRecords orderBy");
  assert.equal(ordered[0].Code.value, `IT-${BULK_COUNT}`);
  const offset = await items.record.getAllRecords({
    app: ITEMS,
    condition: "Qty = 3",
    orderBy: "Code asc",
    withCursor: false,
  });
  assert.equal(offset.length, Math.floor(BULK_COUNT / 7));
  assert.equal(offset[0].Code.value, "IT-0004");
});

step("cursor_rules", async () => {
  // KDEV add-cursor: `query` may not hold limit/offset, `size` is at most 500, at most 10 cursors
  // per domain; get-cursor answers {records, next}; delete-cursor frees one ({}). Error codes are
  // not documented, so only the refusals are checked.
  const items = token("items-full");
  await rejects(items.record.createCursor({ app: ITEMS, query: "limit 10" }));
  await rejects(items.record.createCursor({ app: ITEMS, size: 501 }));
  const cursors = [];
  for (let i = 0; i < 10; i += 1) {
    const cursor = await items.record.createCursor({ app: ITEMS, query: "Qty = 1", size: 500 });
    assert.ok(isNumericText(cursor.totalCount));
    cursors.push(cursor.id);
  }
  try {
    await rejects(items.record.createCursor({ app: ITEMS }));
    const page = await items.record.getRecordsByCursor({ id: cursors[0] });
    assert.equal(page.next, false);
    assert.equal(
      page.records.length,
      Number(
        (await items.record.getRecords({ app: ITEMS, query: "Qty = 1", totalCount: true }))
          .totalCount,
      ),
    );
    await rejects(items.record.getRecordsByCursor({ id: cursors[0] })); // read to the end: gone
  } finally {
    for (const id of cursors.slice(1))
      assert.deepEqual(await items.record.deleteCursor({ id }), {});
  }
  // KDEV get-cursor: `next` is false on the page that holds the last record, also when the
  // count is an exact multiple of the size (2,500 = 5 x 500).
  const exact = await items.record.createCursor({ app: ITEMS, size: 500 });
  assert.equal(exact.totalCount, String(BULK_COUNT));
  const pages = [];
  for (let next = true; next;) {
    const page = await items.record.getRecordsByCursor({ id: exact.id });
    pages.push(page.records.length);
    next = page.next;
  }
  assert.deepEqual(pages, [500, 500, 500, 500, 500]);
});

step("add_all_records", async () => {
  // SDK addAllRecords: any number of records through bulkRequest (2,000 per call), in order.
  const records = Array.from({ length: BULK_COUNT }, (_, i) => ({
    Code: { value: itemCode("AL", i + 1) },
    Qty: { value: "1" },
  }));
  const result = await token("items-full").record.addAllRecords({ app: ITEMS, records });
  assert.equal(result.records.length, BULK_COUNT);
  for (const entry of result.records) assert.equal(entry.revision, "1");
  ctx.bulkIds = result.records.map((entry) => entry.id);
  assert.equal(new Set(ctx.bulkIds).size, BULK_COUNT);
  const ids = ctx.bulkIds.map(Number);
  assert.deepEqual(
    [...ids].sort((a, b) => a - b),
    ids,
  );
  const added = await token("items-full").record.getRecords({
    app: ITEMS,
    query: `$id > ${ctx.pagedIds[BULK_COUNT - 1]}`,
    totalCount: true,
  });
  assert.equal(added.totalCount, String(BULK_COUNT));
});

step("update_all_records", async () => {
  // SDK updateAllRecords: {records: [{id, revision}]} in request order, through bulkRequest.
  const result = await token("items-full").record.updateAllRecords({
    app: ITEMS,
    records: ctx.bulkIds.map((id) => ({ id, record: { Qty: { value: "42" } } })),
  });
  assert.equal(result.records.length, BULK_COUNT);
  assert.deepEqual(
    result.records.map((r) => r.id),
    ctx.bulkIds,
  );
  for (const entry of result.records) assert.equal(entry.revision, "2");
  const changed = await token("items-full").record.getRecords({
    app: ITEMS,
    query: "Qty = 42",
    totalCount: true,
  });
  assert.equal(changed.totalCount, String(BULK_COUNT));
});

step("delete_all_records", async () => {
  // SDK deleteAllRecords: {} once every record is gone.
  const items = token("items-full");
  const result = await items.record.deleteAllRecords({
    app: ITEMS,
    records: ctx.bulkIds.map((id) => ({ id })),
  });
  assert.deepEqual(result, {});
  const left = await items.record.getRecords({
    app: ITEMS,
    query: `$id > ${ctx.pagedIds[BULK_COUNT - 1]}`,
    totalCount: true,
  });
  assert.equal(left.totalCount, "0");
  const kept = await items.record.getRecords({ app: ITEMS, totalCount: true });
  assert.equal(kept.totalCount, String(BULK_COUNT)); // the paged records are untouched
});

step("add_all_records_partial_failure", async () => {
  // SDK addAllRecords (docs/record.md): chunks of 2,000 records, each one all-or-nothing
  // bulkRequest; on failure a KintoneAllRecordsError tells what was processed and, from the
  // `records[i]` keys of kintone's errors, the index of the failing record.
  const items = token("items-full");
  const records = Array.from({ length: 2100 }, (_, i) => ({
    Code: { value: i === 2049 ? "" : itemCode("PF", i + 1) }, // Code is required
  }));
  let failure;
  try {
    await items.record.addAllRecords({ app: ITEMS, records });
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, "addAllRecords succeeded with a record missing its required Code");
  assert.equal(failure.name, "KintoneAllRecordsError");
  assert.equal(failure.numOfProcessedRecords, 2000);
  assert.equal(failure.processedRecordsResult.records.length, 2000);
  assert.equal(failure.unprocessedRecords.length, 100);
  assert.equal(failure.errorIndex, 2049);
  assert.equal(failure.error.code, "CB_VA01");
  const stored = await items.record.getRecords({
    app: ITEMS,
    query: `$id > ${ctx.pagedIds[BULK_COUNT - 1]}`,
    totalCount: true,
  });
  assert.equal(stored.totalCount, "2000"); // the failed chunk left nothing behind
});

step("update_all_records_duplicate_value", async () => {
  // SDK updateAllRecords: one bulkRequest per 2,000 records, all or nothing; KDEV update-records:
  // a "prohibit duplicate values" field refuses a value another record has. errorIndex comes
  // from the `records[i]` keys of kintone's errors.
  const items = token("items-full");
  const records = ctx.pagedIds.slice(0, 200).map((id, i) => ({
    id,
    record: i === 150 ? { Code: { value: itemCode("IT", 1) } } : { Qty: { value: "99" } },
  }));
  let failure;
  try {
    await items.record.updateAllRecords({ app: ITEMS, records });
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, "updateAllRecords accepted a duplicate of a unique value");
  assert.equal(failure.name, "KintoneAllRecordsError");
  assert.equal(failure.numOfProcessedRecords, 0);
  assert.equal(failure.errorIndex, 150);
  const changed = await items.record.getRecords({
    app: ITEMS,
    query: "Qty = 99",
    totalCount: true,
  });
  assert.equal(changed.totalCount, "0");
});

// ---- bulkRequest --------------------------------------------------------------------------

async function snapshot(api, app, id) {
  const { record } = await api.record.getRecord({ app, id });
  return record;
}

step("bulk_request_two_apps", async () => {
  // SPEC postBulkRequest: requests run in order across apps; results in request order, each
  // the response of that API (record POST {id, revision}, records POST {ids, revisions} ...).
  const api = admin();
  const { results } = await api.bulkRequest({
    requests: [
      {
        method: "POST",
        api: "/k/v1/record.json",
        payload: {
          app: CUSTOMERS,
          record: { Customer_ID: { value: "C-900" }, Name: { value: "Bulk" } },
        },
      },
      {
        method: "POST",
        api: "/k/v1/records.json",
        payload: {
          app: INVOICES,
          records: [{ Title: { value: "Bulk A" } }, { Title: { value: "Bulk B" } }],
        },
      },
      {
        method: "PUT",
        api: "/k/v1/record.json",
        payload: { app: CUSTOMERS, id: "1", record: { Phone: { value: "03-9999-9999" } } },
      },
    ],
  });
  assert.equal(results.length, 3);
  assert.ok(isNumericText(results[0].id));
  assert.equal(results[0].revision, "1");
  assert.equal(results[1].ids.length, 2);
  assert.deepEqual(results[1].revisions, ["1", "1"]);
  assert.equal(results[2].revision, "2");
  const customer = await snapshot(api, CUSTOMERS, results[0].id);
  assert.equal(customer.Name.value, "Bulk");
  const invoice = await snapshot(api, INVOICES, results[1].ids[1]);
  assert.equal(invoice.Title.value, "Bulk B");
});

step("bulk_request_failure_changes_nothing", async () => {
  // SPEC postBulkRequest: if one request fails, its index holds the error and every other index
  // holds {}; KDEV bulkRequest: all requests are rolled back. The SDK turns that into a
  // KintoneRestAPIError with bulkRequestIndex.
  const api = admin();
  const before = await snapshot(api, CUSTOMERS, "1");
  const invoicesBefore = await api.record.getRecords({ app: INVOICES, totalCount: true });
  const error = await rejects(
    api.bulkRequest({
      requests: [
        {
          method: "PUT",
          api: "/k/v1/record.json",
          payload: { app: CUSTOMERS, id: "1", record: { Name: { value: "Must not stick" } } },
        },
        {
          method: "POST",
          api: "/k/v1/record.json",
          payload: { app: INVOICES, record: { Amount: { value: "5" } } }, // Title is required
        },
      ],
    }),
  );
  assert.equal(error.bulkRequestIndex, 1);
  assert.equal(error.code, "CB_VA01");
  assert.ok(error.errors && Object.keys(error.errors).length > 0, "field errors are reported");
  const after = await snapshot(api, CUSTOMERS, "1");
  assert.deepEqual(after, before); // value and $revision unchanged
  const invoicesAfter = await api.record.getRecords({ app: INVOICES, totalCount: true });
  assert.equal(invoicesAfter.totalCount, invoicesBefore.totalCount);
});

step("bulk_request_with_api_tokens_and_process", async () => {
  // KDEV authentication: several API tokens, comma-separated, reach several apps; SPEC
  // postBulkRequest: record/status and record/assignees are allowed inside a bulkRequest.
  const api = token("deals-full", "invoices-full");
  const { id } = await api.record.addRecord({
    app: DEALS,
    record: { Title: { value: "Bulk process" }, Amount: { value: "1" } },
  });
  const { results } = await api.bulkRequest({
    requests: [
      {
        method: "PUT",
        api: "/k/v1/record/status.json",
        payload: { app: DEALS, id, action: "Start", assignee: "suzuki" },
      },
      {
        method: "PUT",
        api: "/k/v1/record/assignees.json",
        payload: { app: DEALS, id, assignees: ["sato"] },
      },
      {
        method: "POST",
        api: "/k/v1/record.json",
        payload: { app: INVOICES, record: { Title: { value: "Tokens" } } },
      },
    ],
  });
  assert.deepEqual(results[0], { revision: "3" });
  assert.deepEqual(results[1], { revision: "4" });
  assert.equal(results[2].revision, "1");
  const record = await snapshot(api, DEALS, id);
  assert.equal(record.Status.value, "In progress");
  assert.deepEqual(
    record.Assignee.value.map((u) => u.code),
    ["sato"],
  );
});

step("bulk_request_guest_space", async () => {
  // SPEC: bulkRequest exists under /k/guest/{id}/v1/ too; its requests name guest-space paths.
  const guest = client({ apiToken: "guest-full" }, { guestSpaceId: GUEST_SPACE });
  const { results } = await guest.bulkRequest({
    requests: [
      {
        method: "POST",
        api: `/k/guest/${GUEST_SPACE}/v1/records.json`,
        payload: {
          app: GUEST_APP,
          records: [{ Task: { value: "Bulk 1" } }, { Task: { value: "Bulk 2" } }],
        },
      },
    ],
  });
  assert.equal(results[0].ids.length, 2);
  const { record } = await guest.record.getRecord({ app: GUEST_APP, id: results[0].ids[1] });
  assert.equal(record.Task.value, "Bulk 2");
});

// ---- comments ------------------------------------------------------------------------------

step("comments", async () => {
  // KDEV add-comment {id}; get-comments: newest first by default, 10 at most, older/newer flags;
  // delete-comment {}; deleting a missing comment: GAIA_RE02 (kintone-api.md §3.3, HTTP 400).
  const api = admin();
  const ids = [];
  for (let i = 1; i <= 3; i += 1) {
    const { id } = await api.record.addRecordComment({
      app: DEALS,
      record: ctx.recordId,
      comment: { text: `Comment ${i}`, mentions: [{ code: "suzuki", type: "USER" }] },
    });
    assert.ok(isNumericText(id));
    ids.push(id);
  }
  const desc = await api.record.getRecordComments({ app: DEALS, record: ctx.recordId });
  assert.deepEqual(
    desc.comments.map((c) => c.id),
    [...ids].reverse(),
  );
  const first = desc.comments[2];
  // cybozu.dev add-comment: mentions are inserted before the text; get-comments: without "@".
  // The separator is not documented, so only "mention first, text last" is checked.
  assert.match(first.text, /^(Suzuki Hanako|suzuki)\s[\s\S]*Comment 1$/);
  assert.equal(first.creator.code, "sato");
  assert.deepEqual(first.mentions, [{ code: "suzuki", type: "USER" }]);
  assert.match(first.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  assert.equal(desc.older, false);
  assert.equal(desc.newer, false);
  const page = await api.record.getRecordComments({
    app: DEALS,
    record: ctx.recordId,
    order: "asc",
    offset: 1,
    limit: 1,
  });
  assert.deepEqual(
    page.comments.map((c) => c.id),
    [ids[1]],
  );
  assert.equal(page.older, true);
  assert.equal(page.newer, true);
  const result = await api.record.deleteRecordComment({
    app: DEALS,
    record: ctx.recordId,
    comment: ids[0],
  });
  assert.deepEqual(result, {});
  const error = await rejects(
    api.record.deleteRecordComment({ app: DEALS, record: ctx.recordId, comment: ids[0] }),
  );
  assert.equal(error.code, "GAIA_RE02");
  assert.equal(error.status, 400);
});

// ---- process management on records: status, assignees -------------------------------------

step("status_requires_assignee", async () => {
  // SPEC putRecordStatus: `assignee` is required when the assignee list is "user chooses one"
  // and selectable assignees exist ("In progress" lists sato and suzuki). The error code for a
  // missing assignee is not documented: only the failure and the unchanged record are checked.
  const deals = token("deals-full");
  await rejects(deals.record.updateRecordStatus({ app: DEALS, id: ctx.recordId, action: "Start" }));
  const record = await snapshot(deals, DEALS, ctx.recordId);
  assert.equal(record.Status.value, "Not started");
  ctx.statusRevision = Number(record.$revision.value);
});

step("status_with_assignee", async () => {
  // SPEC putRecordStatus: {revision}; running an action adds 2 to the revision.
  const deals = token("deals-full");
  const { revision } = await deals.record.updateRecordStatus({
    app: DEALS,
    id: ctx.recordId,
    action: "Start",
    assignee: "suzuki",
    revision: String(ctx.statusRevision),
  });
  assert.equal(revision, String(ctx.statusRevision + 2));
  const record = await snapshot(deals, DEALS, ctx.recordId);
  assert.equal(record.Status.value, "In progress");
  assert.deepEqual(
    record.Assignee.value.map((u) => u.code),
    ["suzuki"],
  );
});

step("assignees", async () => {
  // SPEC putRecordAssignees: {revision}, one higher; STATUS_ASSIGNEE then lists the users.
  const deals = token("deals-full");
  const before = await snapshot(deals, DEALS, ctx.recordId);
  const { revision } = await deals.record.updateRecordAssignees({
    app: DEALS,
    id: ctx.recordId,
    assignees: ["sato"],
  });
  assert.equal(revision, String(Number(before.$revision.value) + 1));
  const record = await snapshot(deals, DEALS, ctx.recordId);
  assert.deepEqual(record.Assignee.value, [{ code: "sato", name: "Sato Taro" }]);
});

step("status_without_required_assignee", async () => {
  // SPEC putRecordsStatus: {records: [{id, revision}]}. "Finish" leads to "Done", whose assignee
  // list is empty, and "Reopen" leads back to "Not started" with one candidate: no choice to make,
  // so no `assignee` is sent. (For "Finish" the docs' "current status" wording could also mean
  // "In progress"; sato, a valid candidate there, is sent to satisfy both readings.)
  const deals = token("deals-full");
  const before = Number((await snapshot(deals, DEALS, ctx.recordId)).$revision.value);
  const done = await deals.record.updateRecordsStatus({
    app: DEALS,
    records: [{ id: ctx.recordId, action: "Finish", assignee: "sato" }],
  });
  assert.deepEqual(done.records, [{ id: ctx.recordId, revision: String(before + 2) }]);
  assert.equal((await snapshot(deals, DEALS, ctx.recordId)).Status.value, "Done");
  const reopened = await deals.record.updateRecordStatus({
    app: DEALS,
    id: ctx.recordId,
    action: "Reopen",
  });
  assert.equal(reopened.revision, String(before + 4));
  assert.equal((await snapshot(deals, DEALS, ctx.recordId)).Status.value, "Not started");
});

// ---- files ----------------------------------------------------------------------------------

step("file_upload_and_download", async () => {
  // KDEV upload-file {fileKey}; attaching it to a FILE field; the record's FILE value
  // [{contentType, fileKey, name, size}] (size a string); download-file returns the bytes.
  const deals = token("deals-full");
  const text = "見積書 / quotation\n".repeat(50);
  const { fileKey } = await deals.file.uploadFile({ file: { name: "見積書.txt", data: text } });
  assert.equal(typeof fileKey, "string");
  const { id } = await deals.record.addRecord({
    app: DEALS,
    record: {
      Title: { value: "With a file" },
      Amount: { value: "1" },
      Attachments: { value: [{ fileKey }] },
    },
  });
  const record = await snapshot(deals, DEALS, id);
  assert.equal(record.Attachments.value.length, 1);
  const file = record.Attachments.value[0];
  assert.equal(file.name, "見積書.txt");
  assert.equal(file.size, String(Buffer.byteLength(text)));
  assert.match(file.contentType, /^text\/plain/);
  const data = await deals.file.downloadFile({ fileKey: file.fileKey });
  assert.equal(Buffer.from(data).toString("utf8"), text);
});

// ---- guest space ----------------------------------------------------------------------------

step("guest_space_records", async () => {
  // SDK guestSpaceId: calls go to /k/guest/{id}/v1/...; KDEV: apps in a guest space must be
  // called through that path.
  const guest = client({ apiToken: "guest-full" }, { guestSpaceId: GUEST_SPACE });
  const { id } = await guest.record.addRecord({
    app: GUEST_APP,
    record: { Task: { value: "From the SDK" } },
  });
  const { record } = await guest.record.getRecord({ app: GUEST_APP, id });
  assert.equal(record.Task.value, "From the SDK");
  const { revision } = await guest.record.updateRecord({
    app: GUEST_APP,
    id,
    record: { Task: { value: "Changed" } },
  });
  assert.equal(revision, "2");
  const { records } = await guest.record.getRecords({ app: GUEST_APP, query: 'Task = "Changed"' });
  assert.deepEqual(
    records.map((r) => r.$id.value),
    [id],
  );
  const app = await guest.app.getApp({ id: GUEST_APP });
  assert.equal(app.spaceId, GUEST_SPACE);
  // kintone-api.md §1.2 (observed on real kintone): the normal path answers GAIA_IL23.
  const error = await rejects(token("guest-full").record.getRecord({ app: GUEST_APP, id }));
  assert.equal(error.code, "GAIA_IL23");
});

step("guest_space_files_comments_and_settings", async () => {
  // SPEC: file, comment and app-settings APIs exist under /k/guest/{id}/v1/ as well; an app
  // outside the guest space cannot be reached through the guest path (error code undocumented).
  const guest = client({ apiToken: "guest-full" }, { guestSpaceId: GUEST_SPACE });
  const { fileKey } = await guest.file.uploadFile({
    file: { name: "note.txt", data: "guest file" },
  });
  const { id } = await guest.record.addRecord({
    app: GUEST_APP,
    record: { Task: { value: "With a comment" } },
  });
  const comment = await guest.record.addRecordComment({
    app: GUEST_APP,
    record: id,
    comment: { text: "Hello guest" },
  });
  const { comments } = await guest.record.getRecordComments({ app: GUEST_APP, record: id });
  assert.deepEqual(
    comments.map((c) => c.id),
    [comment.id],
  );
  assert.equal(comments[0].text, "Hello guest");
  assert.ok(typeof fileKey === "string" && fileKey.length > 0);
  const { properties } = await guest.app.getFormFields({ app: GUEST_APP });
  assert.deepEqual(Object.keys(properties).sort(), ["Due", "Record_number", "Task"]);
  // KDEV deploy-app-settings: guest-space apps deploy through the guest path, and only with apps
  // of the same guest space.
  const guestAdmin = client(
    { username: "sato", password: "sato-pass" },
    { guestSpaceId: GUEST_SPACE },
  );
  assert.deepEqual(await guestAdmin.app.deployApp({ apps: [{ app: GUEST_APP }] }), {});
  const { apps } = await guestAdmin.app.getDeployStatus({ apps: [GUEST_APP] });
  assert.equal(apps[0].app, GUEST_APP);
  assert.ok(["PROCESSING", "SUCCESS"].includes(apps[0].status), apps[0].status);
  await rejects(guestAdmin.app.deployApp({ apps: [{ app: GUEST_APP }, { app: DEALS }] }));
  const wrongPath = client({ apiToken: "deals-full" }, { guestSpaceId: GUEST_SPACE });
  await rejects(wrongPath.record.getRecord({ app: DEALS, id: "1" }));
});

// ---- authentication and permissions ---------------------------------------------------------

step("wrong_api_token", async () => {
  // cli-kintone's end-to-end tests against real kintone (features/record/common.feature,
  // import.feature): a token the app did not issue -> 400 GAIA_IA02, also beside a valid one;
  // a token of another app beside the app's own is accepted.
  const message = "The specified API token does not match the API token generated via an app.";
  for (const tokens of [["customers-full"], ["no-such-token"], ["deals-full", "no-such-token"]]) {
    const error = await rejects(token(...tokens).record.getRecord({ app: DEALS, id: "1" }));
    assert.equal(error.code, "GAIA_IA02", tokens.join(","));
    assert.equal(error.status, 400);
    assert.ok(error.message.includes(message), error.message);
  }
  const both = await token("deals-view", "customers-view").record.getRecord({
    app: DEALS,
    id: "1",
  });
  assert.equal(both.record.$id.value, "1");
});

step("insufficient_permission", async () => {
  // cli-kintone's end-to-end tests: a token without the permission -> 403 GAIA_NO01.
  const error = await rejects(
    token("deals-view").record.addRecord({ app: DEALS, record: { Title: { value: "x" } } }),
  );
  assert.equal(error.code, "GAIA_NO01");
  assert.equal(error.status, 403);
  const view = await token("deals-view").record.getRecord({ app: DEALS, id: "1" });
  assert.equal(view.record.$id.value, "1");
});

step("wrong_password", async () => {
  // KDEV / cli-kintone end-to-end tests: failed password authentication -> 401 CB_WA01.
  const error = await rejects(
    client({ username: "sato", password: "wrong" }).record.getRecord({ app: DEALS, id: "1" }),
  );
  assert.equal(error.code, "CB_WA01");
  assert.equal(error.status, 401);
});

step("oauth_token_scopes", async () => {
  // SDK auth.oAuthToken sends "Authorization: Bearer"; cybozu.dev OAuth scopes: k:app_record:read
  // reads records, writing needs k:app_record:write. The refusal's code is not documented.
  const all = client({ oAuthToken: "oauth-sato-all" });
  const { id } = await all.record.addRecord({
    app: DEALS,
    record: { Title: { value: "By OAuth" }, Amount: { value: "1" } },
  });
  const { record } = await all.record.getRecord({ app: DEALS, id });
  assert.equal(record.Created_by.value.code, "sato"); // OAuth acts as the user who granted it
  const readOnly = client({ oAuthToken: "oauth-sato-read" });
  assert.equal((await readOnly.record.getRecord({ app: DEALS, id })).record.$id.value, id);
  await rejects(
    readOnly.record.updateRecord({ app: DEALS, id, record: { Notes: { value: "x" } } }),
  );
  assert.equal((await snapshot(all, DEALS, id)).$revision.value, "1");
});

// ---- app settings: actions and process management, pre-live and live, deploy --------------

async function deploy(api, app, revision) {
  // KDEV deploy-app-settings {} then get-deploy-status until the app is no longer PROCESSING.
  assert.deepEqual(await api.app.deployApp({ apps: [{ app, revision }] }), {});
  for (let i = 0; i < 100; i += 1) {
    const { apps } = await api.app.getDeployStatus({ apps: [app] });
    assert.equal(apps.length, 1);
    assert.equal(apps[0].app, app);
    if (apps[0].status !== "PROCESSING") return apps[0].status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail("the deployment is still PROCESSING");
}

step("app_actions_live_and_preview", async () => {
  // KDEV get-action-settings: {actions: {name: {name, id, index, destApp, mappings, entities}},
  // revision}; update-action-settings writes pre-live only; deploy makes it live.
  const api = admin();
  const live = await api.app.getAppActions({ app: DEALS });
  const action = live.actions["Create invoice"];
  assert.equal(action.name, "Create invoice");
  assert.equal(action.destApp.app, INVOICES);
  assert.ok(action.mappings.some((m) => m.srcType === "RECORD_URL"));
  const updated = await api.app.updateAppActions({
    app: DEALS,
    actions: {
      "Create invoice": {
        name: "Create invoice",
        index: "0",
        destApp: { app: INVOICES },
        mappings: [{ srcType: "FIELD", srcField: "Title", destField: "Title" }],
        entities: [{ type: "USER", code: "suzuki" }],
      },
    },
  });
  assert.ok(isNumericText(updated.revision));
  assert.ok(isNumericText(updated.actions["Create invoice"].id));
  const preview = await api.app.getAppActions({ app: DEALS, preview: true });
  assert.deepEqual(preview.actions["Create invoice"].entities, [{ type: "USER", code: "suzuki" }]);
  const stillLive = await api.app.getAppActions({ app: DEALS });
  assert.deepEqual(stillLive.actions["Create invoice"].entities, action.entities);
  assert.equal(await deploy(api, DEALS, updated.revision), "SUCCESS");
  const after = await api.app.getAppActions({ app: DEALS });
  assert.deepEqual(after.actions["Create invoice"].entities, [{ type: "USER", code: "suzuki" }]);
  assert.equal(after.actions["Create invoice"].mappings.length, 1);
  assert.equal(after.revision, updated.revision);
});

step("process_management_live_and_preview", async () => {
  // KDEV get/update-process-management-settings: {enable, states, actions, revision}; PUT
  // writes pre-live and answers {revision}; keys not sent stay as they are.
  const api = admin();
  const live = await api.app.getProcessManagement({ app: DEALS });
  assert.equal(live.enable, true);
  assert.deepEqual(Object.keys(live.states).sort(), ["Done", "In progress", "Not started"]);
  assert.equal(live.states["Not started"].index, "0");
  assert.equal(live.states["In progress"].assignee.type, "ONE");
  assert.deepEqual(
    live.actions.map((a) => a.name),
    ["Start", "Finish", "Reopen"],
  );
  const preview = await api.app.getProcessManagement({ app: DEALS, preview: true });
  assert.deepEqual(preview.states, live.states);
  const actions = [
    ...live.actions.map(({ name, from, to, filterCond }) => ({ name, from, to, filterCond })),
    { name: "Skip", from: "Not started", to: "Done", filterCond: "" },
  ];
  const { revision } = await api.app.updateProcessManagement({ app: DEALS, actions });
  assert.ok(isNumericText(revision));
  const pending = await api.app.getProcessManagement({ app: DEALS, preview: true });
  assert.deepEqual(
    pending.actions.map((a) => a.name),
    ["Start", "Finish", "Reopen", "Skip"],
  );
  assert.deepEqual(pending.states, live.states);
  const unchanged = await api.app.getProcessManagement({ app: DEALS });
  assert.equal(unchanged.actions.length, 3);
  assert.equal(await deploy(api, DEALS, revision), "SUCCESS");
  const deployed = await api.app.getProcessManagement({ app: DEALS });
  assert.deepEqual(
    deployed.actions.map((a) => a.name),
    ["Start", "Finish", "Reopen", "Skip"],
  );
  assert.equal(deployed.revision, revision);
  // The new action works on records once deployed.
  const deals = token("deals-full");
  const { id } = await deals.record.addRecord({
    app: DEALS,
    record: { Title: { value: "Skipped" }, Amount: { value: "1" } },
  });
  await deals.record.updateRecordStatus({ app: DEALS, id, action: "Skip" });
  assert.equal((await snapshot(deals, DEALS, id)).Status.value, "Done");
});

step("deploy_stale_revision", async () => {
  // KDEV deploy-app-settings: `revision` is the expected pre-live revision; when it is not the
  // latest the deployment fails and nothing changes (error code undocumented).
  const api = admin();
  const { revision } = await api.app.updateProcessManagement({
    app: DEALS,
    actions: (await api.app.getProcessManagement({ app: DEALS, preview: true })).actions.map(
      ({ name, from, to, filterCond }) => ({ name, from, to, filterCond }),
    ),
  });
  await rejects(
    api.app.deployApp({ apps: [{ app: DEALS, revision: String(Number(revision) - 1) }] }),
  );
  assert.equal(await deploy(api, DEALS, revision), "SUCCESS");
  assert.equal((await api.app.getProcessManagement({ app: DEALS })).revision, revision);
});

step("deploy_revert", async () => {
  // KDEV deploy-app-settings: revert: true discards the pre-live changes ("Discard changes").
  const api = admin();
  const live = await api.app.getProcessManagement({ app: DEALS });
  await api.app.updateProcessManagement({ app: DEALS, enable: false });
  assert.equal((await api.app.getProcessManagement({ app: DEALS, preview: true })).enable, false);
  assert.deepEqual(await api.app.deployApp({ apps: [{ app: DEALS }], revert: true }), {});
  for (let i = 0; i < 100; i += 1) {
    const { apps } = await api.app.getDeployStatus({ apps: [DEALS] });
    if (apps[0].status !== "PROCESSING") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const preview = await api.app.getProcessManagement({ app: DEALS, preview: true });
  assert.equal(preview.enable, true);
  assert.deepEqual(preview.actions, live.actions);
  assert.equal((await api.app.getProcessManagement({ app: DEALS })).enable, true);
});

// ---- app building: create an app, form fields, layout, general settings, views ------------

const TITLE_FIELD = { type: "SINGLE_LINE_TEXT", code: "Title", label: "Title" };
const PRIORITY_FIELD = {
  type: "DROP_DOWN",
  code: "Priority",
  label: "Priority",
  options: { High: { label: "High", index: "0" }, Low: { label: "Low", index: "1" } },
};

step("add_app_pre_live", async () => {
  // KDEV add-preview-app: {app, revision} as text; the app is in pre-live until deployed;
  // API tokens cannot be used with this API.
  const api = admin();
  const created = await api.app.addApp({ name: "Conformance tasks" });
  assert.ok(isNumericText(created.app), `app ${created.app}`);
  assert.ok(isNumericText(created.revision), `revision ${created.revision}`);
  ctx.newApp = created.app;
  await rejects(token("deals-full").app.addApp({ name: "Not with a token" }));
});

step("add_form_fields", async () => {
  // KDEV add-form-fields: pre-live only; answers {revision}; a used field code is refused.
  const api = admin();
  const app = ctx.newApp;
  const { revision } = await api.app.addFormFields({
    app,
    properties: { Title: TITLE_FIELD, Priority: PRIORITY_FIELD },
  });
  assert.ok(isNumericText(revision));
  const preview = await api.app.getFormFields({ app, preview: true });
  assert.equal(preview.properties.Title.type, "SINGLE_LINE_TEXT");
  assert.deepEqual(Object.keys(preview.properties.Priority.options).sort(), ["High", "Low"]);
  assert.equal(preview.revision, revision);
  const live = await api.app.getFormFields({ app });
  assert.ok(!("Title" in live.properties), "added fields stay pre-live until deployed");
  const error = await rejects(api.app.addFormFields({ app, properties: { Title: TITLE_FIELD } }));
  assert.equal(error.code, "CB_VA01");
  assert.equal(await deploy(api, app, revision), "SUCCESS");
  const deployed = await api.app.getFormFields({ app });
  assert.equal(deployed.properties.Title.label, "Title");
});

step("update_form_fields", async () => {
  // KDEV update-form-fields: changes the given settings of existing fields, {revision};
  // SPEC: the field type is not among the settings that change.
  const api = admin();
  const app = ctx.newApp;
  const { revision } = await api.app.updateFormFields({
    app,
    properties: { Title: { type: "SINGLE_LINE_TEXT", label: "Task", required: true } },
  });
  assert.ok(isNumericText(revision));
  const { properties } = await api.app.getFormFields({ app, preview: true });
  assert.equal(properties.Title.label, "Task");
  assert.equal(properties.Title.required, true);
  await rejects(api.app.updateFormFields({ app, properties: { Nope: { label: "x" } } }));
});

step("delete_form_fields", async () => {
  // KDEV delete-form-fields: fields by code (up to 100), {revision}; a stale revision fails.
  const api = admin();
  const app = ctx.newApp;
  const { revision } = await api.app.deleteFormFields({ app, fields: ["Priority"] });
  assert.ok(isNumericText(revision));
  const { properties } = await api.app.getFormFields({ app, preview: true });
  assert.ok(!("Priority" in properties));
  const stale = String(Number(revision) - 1);
  await rejects(api.app.deleteFormFields({ app, fields: ["Title"], revision: stale }));
  assert.ok("Title" in (await api.app.getFormFields({ app, preview: true })).properties);
});

step("update_form_layout", async () => {
  // KDEV update-form-layout: replaces the pre-live layout with ROW/SUBTABLE/GROUP rows,
  // answers {revision}; the layout comes back as sent (get-form-layout, preview: true).
  const api = admin();
  const app = ctx.newApp;
  const layout = [
    {
      type: "ROW",
      fields: [
        { type: "LABEL", label: "Task", size: { width: "100" } },
        { type: "SINGLE_LINE_TEXT", code: "Title", size: { width: "400" } },
      ],
    },
  ];
  const { revision } = await api.app.updateFormLayout({ app, layout });
  assert.ok(isNumericText(revision));
  const preview = await api.app.getFormLayout({ app, preview: true });
  assert.deepEqual(preview.layout, layout);
  assert.equal(preview.revision, revision);
  assert.equal(await deploy(api, app, revision), "SUCCESS");
  assert.deepEqual((await api.app.getFormLayout({ app })).layout, layout);
});

step("general_settings", async () => {
  // KDEV get-general-settings / update-general-settings: name, description, icon, theme,
  // titleField, the enable* switches, numberPrecision, firstMonthOfFiscalYear, revision as
  // text; the update goes to pre-live and answers {revision}.
  const api = admin();
  const app = ctx.newApp;
  const live = await api.app.getAppSettings({ app });
  assert.equal(live.name, "Conformance tasks");
  assert.ok(isNumericText(live.revision));
  for (const key of ["enableThumbnails", "enableComments", "enableBulkDeletion"]) {
    assert.equal(typeof live[key], "boolean", key);
  }
  assert.ok(["AUTO", "MANUAL"].includes(live.titleField.selectionMode));
  const { revision } = await api.app.updateAppSettings({
    app,
    name: "Conformance backlog",
    theme: "GREEN",
    titleField: { selectionMode: "MANUAL", code: "Title" },
  });
  assert.ok(isNumericText(revision));
  const preview = await api.app.getAppSettings({ app, preview: true });
  assert.equal(preview.name, "Conformance backlog");
  assert.equal(preview.theme, "GREEN");
  assert.deepEqual(preview.titleField, { selectionMode: "MANUAL", code: "Title" });
  assert.equal((await api.app.getAppSettings({ app })).name, "Conformance tasks");
  assert.equal(await deploy(api, app, revision), "SUCCESS");
  assert.equal((await api.app.getApp({ id: app })).name, "Conformance backlog");
  // SPEC putPreviewAppSettings: theme is one of an enum.
  await rejects(api.app.updateAppSettings({ app, theme: "PINK" }));
});

step("update_views", async () => {
  // KDEV update-views: the views keyed by name replace the pre-live views; the answer holds
  // each view's id and the revision.
  const api = admin();
  const app = ctx.newApp;
  const views = {
    Open: {
      type: "LIST",
      name: "Open",
      index: "0",
      fields: ["Title"],
      filterCond: 'Title != ""',
      sort: "Record_number desc",
    },
  };
  const updated = await api.app.updateViews({ app, views });
  assert.ok(isNumericText(updated.revision));
  assert.ok(isNumericText(updated.views.Open.id), `id ${updated.views.Open.id}`);
  const preview = await api.app.getViews({ app, preview: true });
  assert.deepEqual(Object.keys(preview.views), ["Open"]);
  assert.equal(preview.views.Open.filterCond, 'Title != ""');
  assert.equal(await deploy(api, app, updated.revision), "SUCCESS");
  const live = await api.app.getViews({ app });
  assert.equal(live.views.Open.id, updated.views.Open.id);
});

// ---- spaces ----------------------------------------------------------------------------------

const SALES_SPACE = "7";

step("get_and_update_space", async () => {
  // SPEC getSpace: id, name, defaultThread, isPrivate, isGuest, members count, body, the show*
  // switches; KDEV update-space answers {} and changes only what is sent.
  const api = admin();
  const space = await api.space.getSpace({ id: SALES_SPACE });
  assert.equal(space.id, SALES_SPACE);
  assert.equal(space.name, "Sales team");
  assert.ok(isNumericText(space.defaultThread));
  assert.equal(space.isGuest, false);
  assert.ok(Array.isArray(space.attachedApps));
  assert.deepEqual(await api.space.updateSpace({ id: SALES_SPACE, showAppList: false }), {});
  const after = await api.space.getSpace({ id: SALES_SPACE });
  assert.equal(after.showAppList, false);
  assert.equal(after.name, "Sales team");
  assert.deepEqual(await api.space.updateSpaceBody({ id: SALES_SPACE, body: "<b>Hi</b>" }), {});
  assert.equal((await api.space.getSpace({ id: SALES_SPACE })).body, "<b>Hi</b>");
  // Space APIs take password authentication, not API tokens (KDEV get-space: authentication).
  await rejects(token("deals-full").space.getSpace({ id: SALES_SPACE }));
});

step("space_members", async () => {
  // SPEC getSpaceMembers: {members: [{entity: {type, code}, isAdmin, ...}]}; KDEV
  // update-space-members replaces them and needs at least one space administrator.
  const api = admin();
  const { members } = await api.space.getSpaceMembers({ id: SALES_SPACE });
  assert.ok(members.some((m) => m.entity.type === "USER" && m.entity.code === "sato"));
  const next = [
    { entity: { type: "USER", code: "sato" }, isAdmin: true },
    { entity: { type: "USER", code: "suzuki" }, isAdmin: false },
    { entity: { type: "GROUP", code: "managers" }, isAdmin: false },
  ];
  assert.deepEqual(await api.space.updateSpaceMembers({ id: SALES_SPACE, members: next }), {});
  const after = await api.space.getSpaceMembers({ id: SALES_SPACE });
  assert.deepEqual(
    after.members.map((m) => `${m.entity.type}:${m.entity.code}:${m.isAdmin}`),
    ["USER:sato:true", "USER:suzuki:false", "GROUP:managers:false"],
  );
  const noAdmin = [{ entity: { type: "USER", code: "suzuki" }, isAdmin: false }];
  await rejects(api.space.updateSpaceMembers({ id: SALES_SPACE, members: noAdmin }));
});

step("threads", async () => {
  // SPEC postSpaceThread {space, name} → {id}; putSpaceThread {id, name?, body?} → {}.
  const api = admin();
  const { id } = await api.space.addThread({ space: SALES_SPACE, name: "Ideas" });
  assert.ok(isNumericText(id));
  assert.deepEqual(await api.space.updateThread({ id, name: "Backlog", body: "<p>x</p>" }), {});
  const posted = await api.space.addThreadComment({
    space: SALES_SPACE,
    thread: id,
    comment: { text: "First idea" },
  });
  assert.ok(isNumericText(posted.id));
});

step("space_from_template_and_delete", async () => {
  // KDEV add-space-from-template: {id: template, name, members (one admin at least)} → {id};
  // the client's addApp puts an app in the space's default thread; SPEC deleteSpace → {}.
  const api = admin();
  const members = [{ entity: { type: "USER", code: "sato" }, isAdmin: true }];
  const { id } = await api.space.addSpaceFromTemplate({ id: "1", name: "Launch", members });
  assert.ok(isNumericText(id));
  const space = await api.space.getSpace({ id });
  assert.equal(space.name, "Launch");
  const { app } = await api.app.addApp({ name: "Launch tasks", space: id });
  assert.equal(await deploy(api, app), "SUCCESS");
  const details = await api.app.getApp({ id: app });
  assert.equal(details.spaceId, id);
  assert.equal(details.threadId, space.defaultThread);
  assert.deepEqual(await api.space.deleteSpace({ id }), {});
  await rejects(api.space.getSpace({ id }));
  const nobody = [{ entity: { type: "USER", code: "suzuki" }, isAdmin: false }];
  await rejects(api.space.addSpaceFromTemplate({ id: "1", name: "x", members: nobody }));
});

step("guests", async () => {
  // KDEV add-guests {guests: [{code (e-mail), password, timezone, name}]} → {};
  // update-space-guests on the guest space's path {id, guests: [e-mail]} → {};
  // delete-guests {guests: [e-mail]} → {}. The client sends guests.json without a guest path.
  const api = admin();
  const members = [{ entity: { type: "USER", code: "sato" }, isAdmin: true }];
  const created = await api.space.addSpaceFromTemplate({
    id: "1",
    name: "Partners",
    members,
    isGuest: true,
  });
  const guestSpace = created.id;
  const code = "partner@example.com";
  const guest = { code, password: "p4ssword", timezone: "Asia/Tokyo", name: "Partner" };
  assert.deepEqual(await api.space.addGuests({ guests: [guest] }), {});
  const inGuestSpace = client(
    { username: "sato", password: "sato-pass" },
    { guestSpaceId: guestSpace },
  );
  const set = await inGuestSpace.space.updateSpaceGuests({ id: guestSpace, guests: [code] });
  assert.deepEqual(set, {});
  const space = await inGuestSpace.space.getSpace({ id: guestSpace });
  assert.equal(space.isGuest, true);
  assert.deepEqual(await api.space.deleteGuests({ guests: [code] }), {});
  await rejects(inGuestSpace.space.updateSpaceGuests({ id: guestSpace, guests: [code] }));
});

// ---- permissions and search ------------------------------------------------------------------

step("evaluate_records_acl", async () => {
  // KDEV evaluate-record-permissions: {rights: [{id, record: {viewable, editable, deletable},
  // fields: {code: {viewable, editable}}}]}; table fields at the same level; an ID that does
  // not exist is an error; password authentication only.
  const api = admin();
  const { records } = await api.record.getRecords({ app: DEALS, fields: ["$id"], query: "limit 2" });
  const ids = records.map((r) => r.$id.value);
  const { rights } = await api.app.evaluateRecordsAcl({ app: DEALS, ids });
  assert.deepEqual(
    rights.map((r) => r.id),
    ids,
  );
  for (const right of rights) {
    for (const key of ["viewable", "editable", "deletable"]) {
      assert.equal(typeof right.record[key], "boolean", key);
    }
    assert.equal(typeof right.fields.Title.viewable, "boolean");
    assert.ok("Item" in right.fields, "table fields come at the same level");
  }
  await rejects(api.app.evaluateRecordsAcl({ app: DEALS, ids: ["999999"] }));
  await rejects(token("deals-full").app.evaluateRecordsAcl({ app: DEALS, ids }));
});

step("permission_settings", async () => {
  // KDEV get-app-permissions / get-record-permissions / get-field-permissions:
  // {rights: [...], revision} as text; app permissions name an entity per entry.
  const api = token("deals-full");
  const appAcl = await api.app.getAppAcl({ app: DEALS });
  assert.ok(isNumericText(appAcl.revision));
  for (const right of appAcl.rights) {
    assert.ok(["USER", "GROUP", "ORGANIZATION", "CREATOR"].includes(right.entity.type));
    assert.equal(typeof right.recordViewable, "boolean");
  }
  const recordAcl = await api.app.getRecordAcl({ app: DEALS });
  assert.ok(Array.isArray(recordAcl.rights) && isNumericText(recordAcl.revision));
  const fieldAcl = await api.app.getFieldAcl({ app: DEALS });
  assert.ok(Array.isArray(fieldAcl.rights) && isNumericText(fieldAcl.revision));
});

step("search", async () => {
  // SDK docs/search.md: POST /k/v1/search.json; {hits: [{type, url, snippets, <type key>}],
  // nextPageToken: string | null}; limit 1 to 20; no AND/OR entry → empty result;
  // {by: RELEVANCE, order: ASC} is rejected; an empty query is CB_VA01 (types/search).
  const api = admin();
  const { id } = await api.record.addRecord({
    app: DEALS,
    record: {
      Title: { value: "Zeppelin hangar lease" },
      Amount: { value: "1" },
      Priority: { value: "Low" },
    },
  });
  const found = await api.search({ query: [{ operator: "AND", keywords: ["zeppelin"] }] });
  assert.ok(Array.isArray(found.hits));
  const hit = found.hits.find((h) => h.type === "RECORD" && h.record.recordId === id);
  assert.ok(hit, `record ${id} not found: ${JSON.stringify(found)}`);
  assert.equal(hit.record.appId, DEALS);
  assert.equal(typeof hit.url, "string");
  assert.ok(Array.isArray(hit.snippets) && hit.snippets.length <= 3);
  assert.ok("nextPageToken" in found);
  const onlyNot = await api.search({ query: [{ operator: "NOT", keywords: ["zeppelin"] }] });
  assert.deepEqual(onlyNot, { hits: [], nextPageToken: null });
  const paged = await api.search({
    query: [{ operator: "OR", keywords: ["zeppelin", "a", "e"] }],
    limit: 1,
  });
  assert.ok(paged.hits.length <= 1);
  if (paged.nextPageToken !== null) {
    const next = await api.search({
      query: [{ operator: "OR", keywords: ["zeppelin", "a", "e"] }],
      limit: 1,
      pageToken: paged.nextPageToken,
    });
    assert.ok(Array.isArray(next.hits));
  }
  const wrongSort = { by: "RELEVANCE", order: "ASC" };
  await rejects(api.search({ query: [{ operator: "AND", keywords: ["x"] }], sort: wrongSort }));
  const empty = await rejects(api.search({ query: [] }));
  assert.equal(empty.code, "CB_VA01");
  await rejects(api.search({ query: [{ operator: "AND", keywords: ["x"] }], limit: 21 }));
});

// ---- runner ----------------------------------------------------------------------------------

function describe(error) {
  if (error instanceof KintoneRestAPIError) {
    const detail = error.errors ? ` ${JSON.stringify(error.errors)}` : "";
    return `${error.message}${detail}`;
  }
  const text = error && error.stack ? error.stack : String(error);
  // KintoneAllRecordsError wraps the failure of the bulkRequest it stopped at.
  return error && error.error ? `${text}\ncaused by: ${describe(error.error)}` : text;
}

async function main() {
  assert.ok(BASE_URL, "KINTONE_BASE_URL is not set");
  const only = (process.env.SCENARIO_ONLY || "").split(",").filter(Boolean);
  const results = [];
  for (const { name, run } of steps) {
    if (only.length && !only.includes(name)) continue;
    const started = Date.now();
    try {
      await run();
      results.push({ step: name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ step: name, ok: false, ms: Date.now() - started, error: describe(error) });
    }
  }
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(2);
});
