"""Offline validation of a connector package: ``read_connector`` then ``validate_files``."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from generator.findings import Finding
from generator.validate.context import Context
from generator.validate.reader import ConnectorFiles, read_connector
from generator.validate.registry import RULES, Rule, iter_findings, rule, select

__all__ = [
    "RULES",
    "ConnectorFiles",
    "Context",
    "Rule",
    "read_connector",
    "rule",
    "validate_context",
    "validate_files",
]


def validate_files(
    files: Mapping[str, bytes],
    *,
    rules: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[Finding]:
    """Run the registered rules (or only ``rules``, minus ``skip``); findings sorted by place.

    Any content gives findings, never an exception; an unknown rule id raises ValueError.
    """
    return validate_context(Context.from_files(files), rules=rules, skip=skip)


def validate_context(
    ctx: Context,
    *,
    rules: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[Finding]:
    """``validate_files`` on files already decoded into a Context (decoded once per run)."""
    return sorted(set(iter_findings(ctx, select(rules, skip))))
