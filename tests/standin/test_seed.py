"""Seeds: the shipped default covers what the issue asks; bad seeds name their file and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.devtools.standin import DEFAULT_SEED, SeedError, StandIn, load_seed
from generator.devtools.standin.fields import FIELD_TYPES
from generator.errors import ConnectorError

from .helpers import Client, token_headers

DATA = Path(__file__).resolve().parent.parent / "data" / "standin"
BAD = DATA / "bad"

EXPECTED = {
    "not-a-mapping.yaml": ": expected a mapping, found list",
    "broken-yaml.yaml": ": not valid yaml: ",
    "unknown-top-key.yaml": ": unknown keys: extra",
    "unknown-field-type.yaml": (
        ": apps[0].fields.Summary.type: unsupported field type 'AI_SUMMARY' here"
    ),
    "code-not-key.yaml": ": apps[0].fields.Title.code: must equal the key 'Title'",
    "unique-checkbox.yaml": (
        ": apps[0].fields.Tags.unique: CHECK_BOX fields cannot prohibit duplicate values"
    ),
    "unknown-permission.yaml": ": apps[0].tokens[0].permissions: unknown permissions: admin",
    "duplicate-token.yaml": ": apps[].tokens: duplicate values: same",
    "lookup-unknown-app.yaml": ": apps[0].fields.Key.lookup.relatedApp.app: no app '9' in the seed",
    "record-missing-required.yaml": (
        ": apps[0].records[1]: Missing or invalid input. record.Title.value: Required."
    ),
    "action-to-unknown-status.yaml": (
        ": apps[0].status: Missing or invalid input. "
        'actions[0].to: The status "Closed" does not exist.'
    ),
    "oauth-unknown-user.yaml": ": oauthTokens[0].user: unknown user 'ghost'",
    "webhook-unknown-event.yaml": ": apps[0].webhooks[0].events: expected a non-empty list of",
    "record-unknown-status.yaml": ": apps[0].records[0].$status: no status 'Closed'",
    "space-template-unknown-key.yaml": ": spaceTemplates[0]: unknown keys: threads",
}


def test_every_bad_seed_has_an_expected_message() -> None:
    assert sorted(path.name for path in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_seeds_name_file_and_key(name: str) -> None:
    with pytest.raises(SeedError) as caught:
        StandIn(BAD / name)
    message = str(caught.value)
    assert message.startswith(str(BAD / name) + ":")
    assert EXPECTED[name] in message
    assert isinstance(caught.value, ConnectorError)


def test_missing_seed_file(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read the seed"):
        load_seed(tmp_path / "absent.yaml")


def test_default_seed_covers_the_issue() -> None:
    seed = load_seed(None)
    assert seed.source == str(DEFAULT_SEED)
    deals = next(app for app in seed.apps if app.name == "Deals")
    assert {prop["type"] for prop in deals.fields.values()} == FIELD_TYPES
    assert any("lookup" in prop for prop in deals.fields.values())
    assert deals.status and deals.status["enable"] and deals.actions
    assert any(app.space_id for app in seed.apps)
    permissions = {token.permissions for app in seed.apps for token in app.tokens}
    assert len(permissions) >= 3
    assert seed.users and seed.oauth_tokens and all(app.records for app in seed.apps)
    assert load_seed(DEFAULT_SEED) is seed  # parsed once per file version


def test_json_seed_with_bare_and_wrapped_values() -> None:
    with StandIn(DATA / "minimal.json") as kintone:
        client = Client(kintone.url, token_headers("notes"))
        records = client.get("records", app=10).body["records"]
        assert [(r["$id"]["value"], r["Text"]["value"]) for r in records] == [
            ("6", "world"),
            ("5", "hello"),
        ]
        assert (
            client.post("record", {"app": 10, "record": {"Text": {"value": "x"}}}).body["id"] == "7"
        )
    assert kintone.seed.concurrency_limit == 100 and kintone.seed.basic_auth is None


def test_mapping_seed(seed_doc: dict[str, Any]) -> None:
    seed_doc["apps"] = seed_doc["apps"][:1]
    seed = load_seed(seed_doc)
    assert seed.source == "<seed>" and [app.id for app in seed.apps] == ["1"]
    assert load_seed(seed) is seed
