"""The rule table: each rule is a small registered function with an id, a level and a source."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from generator.findings import Finding, Level
from generator.validate.context import Context

Check = Callable[[Context], Iterable[Finding]]

# An error means the platform refuses the import or the connector fails when it runs.
REASON_KINDS = ("import: ", "run time: ")
_RULES: dict[str, Rule] = {}
RULES: Mapping[str, Rule] = MappingProxyType(_RULES)


@dataclass(frozen=True)
class Rule:
    """One registered rule: what it checks (one line), where the rule comes from, the check.

    ``reason`` says what an error of this rule breaks: the import ("import: ...") or the
    connector at run time ("run time: ..."). Rules that can report an error must give one.
    """

    id: str
    level: Level
    summary: str
    source: str
    check: Check
    reason: str = ""

    def run(self, ctx: Context) -> list[Finding]:
        """All findings of this rule for one connector."""
        return list(self.check(ctx.for_rule(self.id, self.level)))


def rule(
    rule_id: str, level: Level, summary: str, source: str, reason: str = ""
) -> Callable[[Check], Check]:
    """Register the decorated check under ``rule_id``; its findings default to ``level``.

    An error-level rule needs a ``reason`` starting "import:" or "run time:" (see ``Rule``).
    """

    def register(check: Check) -> Check:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        if reason and not reason.startswith(REASON_KINDS):
            raise ValueError(f"rule {rule_id}: reason must start with {' or '.join(REASON_KINDS)}")
        if level is Level.ERROR and not reason:
            raise ValueError(f"rule {rule_id} is an error rule without a reason")
        _RULES[rule_id] = Rule(rule_id, level, summary, source, check, reason)
        return check

    return register


def select(rules: Collection[str] | None = None, skip: Collection[str] = ()) -> list[Rule]:
    """The rules to run, in registry order; raises ValueError for an unknown rule id."""
    unknown = sorted({*(rules or ()), *skip} - _RULES.keys())
    if unknown:
        raise ValueError(f"unknown rule id: {', '.join(unknown)}")
    wanted = _RULES.keys() if rules is None else set(rules)
    return [r for r in _RULES.values() if r.id in wanted and r.id not in skip]


def iter_findings(ctx: Context, rules: Iterable[Rule]) -> Iterable[Finding]:
    """Every finding of the given rules, rule by rule."""
    for item in rules:
        yield from item.run(ctx)
