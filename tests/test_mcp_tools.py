"""The MCP tools as described: Cybozu's 27 covered, flat schemas, the README's lists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.parse import default_description, parse_description
from generator.render.mcp import tools_list

ROOT = Path(__file__).resolve().parents[1]
# The 27 tools of kintone/mcp-server 1.9 (README tool table).
CYBOZU = [
    "get-apps",
    "get-app",
    "get-form-fields",
    "get-form-layout",
    "update-form-fields",
    "update-form-layout",
    "delete-form-fields",
    "add-form-fields",
    "get-process-management",
    "get-app-deploy-status",
    "get-general-settings",
    "update-general-settings",
    "add-app",
    "deploy-app",
    "get-records",
    "add-records",
    "update-records",
    "delete-records",
    "update-statuses",
    "get-record-comments",
    "add-record-comment",
    "download-file",
    "search",
    "add-space-from-template",
    "get-space",
    "update-space",
    "delete-space",
]


def _tools() -> list[dict[str, object]]:
    connector = parse_description(default_description())
    assert connector.mcp is not None
    return tools_list(connector.mcp, connector.custom_code.guest_space_parameter)


def test_every_cybozu_tool_has_a_counterpart() -> None:
    names = {str(tool["name"]) for tool in _tools()}
    assert len(CYBOZU) == 27 and {f"kintone-{name}" for name in CYBOZU} <= names


def test_input_schemas_are_flat_with_one_type_each() -> None:
    for tool in _tools():
        schema = tool["inputSchema"]
        assert isinstance(schema, dict) and schema["type"] == "object"
        for name, prop in schema["properties"].items():
            assert isinstance(prop["type"], str) and prop["description"], (tool["name"], name)
            assert set(prop) <= {
                "type",
                "description",
                "items",
                "enum",
                "minimum",
                "maximum",
                "maxItems",
            }, (tool["name"], name)
            if prop["type"] == "array":
                assert set(prop["items"]) == {"type"} and isinstance(prop["items"]["type"], str)
        assert "$ref" not in json.dumps(schema)


def test_every_description_names_its_authentication() -> None:
    for tool in _tools():
        assert re.search(r"Authentication: (any|a user)", str(tool["description"])), tool["name"]


def test_the_readme_lists_each_tool_under_its_authentication() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use kintone in Copilot Studio", 1)[1].split("\n## ", 1)[0]
    any_part, user_part = section.split("- **Any authentication**")[1].split(
        "- **User authentication only**"
    )
    user_part = user_part.split("\n\n")[0]
    listed_any = set(re.findall(r"`(kintone-[a-z-]+)`", any_part))
    listed_user = set(re.findall(r"`(kintone-[a-z-]+)`", user_part))
    tools = _tools()
    users = {str(t["name"]) for t in tools if "Authentication: a user" in str(t["description"])}
    assert listed_user == users
    assert listed_any == {str(t["name"]) for t in tools} - users
