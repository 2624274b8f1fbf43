"""The whole job as library calls: parse → render → validate; the CLI only wraps these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.agentonly import agent_only as reduce_to_agent
from generator.findings import Finding, Level
from generator.model import Connector
from generator.parse import default_description, parse_description
from generator.render import render_package
from generator.settings import apply_settings, load_settings
from generator.validate import validate_files


@dataclass(frozen=True)
class Build:
    """A rendered package and what validation found in it."""

    connector: Connector
    files: dict[str, bytes]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        """Findings at error level."""
        return [f for f in self.findings if f.level is Level.ERROR]


def build(
    description: Path | None = None, settings: Path | None = None, *, agent_only: bool = False
) -> Build:
    """Parse the description (and the organisation's settings), render and validate, in memory.

    ``agent_only``: the MCP-only connector (generator.agentonly).
    """
    connector = parse_description(description or default_description())
    if settings is not None:
        connector = apply_settings(connector, load_settings(settings))
    if agent_only:
        connector = reduce_to_agent(connector)
    files = render_package(connector)
    return Build(connector, files, validate_files(files))


def summary_lines(result: Build) -> list[str]:
    """A short human summary: operations, triggers, file sizes, findings."""
    connector = result.connector
    visible = [op for op in connector.operations if op.visibility != "internal"]
    lines = [
        f"{len(visible)} actions, {len(connector.triggers)} triggers, "
        f"{len(connector.operations) - len(visible)} internal operations",
    ]
    lines += [f"  {name:<28} {len(data):>8,} bytes" for name, data in result.files.items()]
    errors = len(result.errors)
    lines.append(f"{len(result.findings)} findings ({errors} errors)")
    return lines
