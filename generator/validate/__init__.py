"""Offline validation of a connector package: ``read_connector`` then ``validate_files``."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from generator.findings import Finding

# isort: off
# Importing a rule module registers its rules; this order is the order of RULES.
from generator.validate import rules_files  # noqa: F401
from generator.validate import rules_swagger  # noqa: F401
from generator.validate import rules_structure  # noqa: F401
from generator.validate import rules_extensions  # noqa: F401
from generator.validate import rules_schema  # noqa: F401
from generator.validate import rules_info  # noqa: F401
from generator.validate import rules_text  # noqa: F401
from generator.validate import rules_operations  # noqa: F401
from generator.validate import rules_webhook  # noqa: F401
from generator.validate import rules_xref  # noqa: F401
from generator.validate import rules_contracts  # noqa: F401
from generator.validate import rules_properties  # noqa: F401
from generator.validate import rules_auth  # noqa: F401
from generator.validate import rules_package  # noqa: F401
from generator.validate import rules_assets  # noqa: F401
from generator.validate import rules_script  # noqa: F401
from generator.validate import rules_agent  # noqa: F401

# isort: on
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
    selected = select(rules, skip)
    ctx = Context.from_files(files)
    return sorted(set(iter_findings(ctx, selected)))
