"""What the end-to-end tests send and how they read a successful call."""

from __future__ import annotations

from typing import Any

from generator.devtools.runtime.runtime import CallResult

# The lookup reads the Customers app, so the connection carries that app's token too, as
# kintone requires (comma-separated tokens).
TOKENS = "deals-full,customers-view"

DEAL = {
    "Title": {"value": "Support contract"},
    "Deal_code": {"value": "D-900"},
    "Customer_ID": {"value": "C-003"},
    "Amount": {"value": 2500},
    "Stage": {"value": "Lead"},
    "Priority": {"value": "High"},
    "Tags": {"value": ["red"]},
    "Due": {"value": "2026-01-31"},
    "Owner": {"value": [{"code": "sato"}]},
}


def ok(result: CallResult) -> Any:
    """The JSON body of a successful call without schema findings."""
    assert 200 <= result.response.status < 300, result.response.body[:500]
    assert [f.render() for f in result.findings] == []
    return result.body
