"""The rule table, gathered explicitly: each family module lists its rules in ``RULES``.

A family is one module of generator/validate/rules/ named by its id prefix (VAL-xx in
rules/val.py). To add a family, write the module and add it to ``FAMILIES``; the order of
``FAMILIES`` (then of each module's ``RULES``) is the order of ``kintone-connector rules``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType, ModuleType

from generator.findings import Finding
from generator.validate.context import Context
from generator.validate.rule import REASON_KINDS, Check, Rule, rule
from generator.validate.rules import (
    agent,
    ap,
    cert,
    code,
    json,
    pkg,
    read,
    swagger,
    text,
    trig,
    val,
)

__all__ = ["FAMILIES", "REASON_KINDS", "RULES", "Check", "Rule", "iter_findings", "rule", "select"]

FAMILIES: tuple[ModuleType, ...] = (
    json, pkg, text, swagger, val, cert, ap, trig, code, agent, read
)


def gather(families: Sequence[ModuleType]) -> dict[str, Rule]:
    """Every family's rules by id; a rule whose prefix is not its module's, or an id defined
    twice, is a programming error."""
    table: dict[str, Rule] = {}
    for family in families:
        prefix = family.__name__.rsplit(".", 1)[1].upper() + "-"
        rules: tuple[Rule, ...] = family.RULES
        for item in rules:
            if not item.id.startswith(prefix):
                raise ValueError(f"rule {item.id} is in {family.__name__}, not its family")
            if item.id in table:
                raise ValueError(f"rule {item.id} is defined twice")
            table[item.id] = item
    return table


RULES: Mapping[str, Rule] = MappingProxyType(gather(FAMILIES))


def select(rules: Collection[str] | None = None, skip: Collection[str] = ()) -> list[Rule]:
    """The rules ``validate`` runs, in registry order; raises ValueError for an unknown rule id
    or one that another command reports (CODE-10…13: check-script)."""
    unknown = sorted({*(rules or ()), *skip} - RULES.keys())
    if unknown:
        raise ValueError(f"unknown rule id: {', '.join(unknown)}")
    elsewhere = sorted(r for r in rules or () if RULES[r].check is None)
    if elsewhere:
        by = ", ".join(f"{r} by {RULES[r].reported_by}" for r in elsewhere)
        raise ValueError(f"not a validate rule: {by}")
    runnable = [r for r in RULES.values() if r.check is not None]
    wanted = {r.id for r in runnable} if rules is None else set(rules)
    return [r for r in runnable if r.id in wanted and r.id not in skip]


def iter_findings(ctx: Context, rules: Iterable[Rule]) -> Iterable[Finding]:
    """Every finding of the given rules, rule by rule."""
    for item in rules:
        yield from item.run(ctx)
