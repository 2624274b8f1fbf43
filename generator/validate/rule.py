"""What a rule is: an id, a level, what it checks, its source, the check and a failing example.

A family module (generator/validate/rules/<prefix>.py) defines its rules with ``@rule`` and lists
them in its ``RULES`` tuple; generator/validate/registry.py gathers the families. Nothing here
registers anything: defining a rule has no side effect.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from itertools import islice

from generator.findings import Finding, Level
from generator.limits import MAX_FINDINGS_PER_RULE
from generator.validate.context import Context

Check = Callable[[Context], Iterable[Finding]]

# An error means the platform refuses the import or the connector fails when it runs.
REASON_KINDS = ("import: ", "run time: ")


class Remove(Enum):
    """The value of a ``Change`` that deletes the key (or, without a pointer, the file)."""

    REMOVE = "remove"


REMOVE = Remove.REMOVE
Json = object  # any value json.dumps accepts


@dataclass(frozen=True)
class Change:
    """One edit of a clean connector: in ``file``, set the value at the JSON ``pointer``.

    Without a pointer ``value`` is the whole file (text or bytes); ``REMOVE`` deletes the key
    or the file. A rule's example is the few changes that make a clean connector fail it.
    """

    file: str
    pointer: str | None
    value: Json | Remove


@dataclass(frozen=True)
class Edit:
    """One edit of a clean connector's text: replace the first ``old`` in ``file`` by ``new``
    (for what a JSON value cannot say: a repeated key, a line of C#)."""

    file: str
    old: str
    new: str


Example = tuple[Change | Edit, ...]


@dataclass(frozen=True)
class Rule:
    """One rule: what it checks (one line), where the rule comes from, the check.

    ``reason`` says what an error of this rule breaks: the import ("import: ...") or the
    connector at run time ("run time: ..."). Rules that can report an error must give one.
    ``explanation`` (the check's docstring) says more about what it checks and why;
    ``example`` is a minimal failing example as changes to a clean connector. A rule without a
    check is reported by another command (``reported_by``), listed here so that ``rules``
    shows it.
    """

    id: str
    level: Level
    summary: str
    source: str
    check: Check | None
    reason: str = ""
    explanation: str = ""
    example: Example = ()
    reported_by: str = "validate"

    def run(self, ctx: Context) -> list[Finding]:
        """The findings of this rule for one connector; past MAX_FINDINGS_PER_RULE, one last
        finding says the rest were not looked for (a file of 100,000 bad paths stays fast)."""
        if self.check is None:
            return []
        found = list(
            islice(self.check(ctx.for_rule(self.id, self.level)), MAX_FINDINGS_PER_RULE + 1)
        )
        if len(found) > MAX_FINDINGS_PER_RULE:
            last = found[-1]
            del found[MAX_FINDINGS_PER_RULE - 1 :]
            message = f"more than {MAX_FINDINGS_PER_RULE:,} findings; the rest are not reported"
            found.append(Finding(last.file, "", self.id, self.level, message))
        return found


def _checked(rule_id: str, level: Level, reason: str) -> None:
    if reason and not reason.startswith(REASON_KINDS):
        raise ValueError(f"rule {rule_id}: reason must start with {' or '.join(REASON_KINDS)}")
    if level is Level.ERROR and not reason:
        raise ValueError(f"rule {rule_id} is an error rule without a reason")


def rule(
    rule_id: str,
    level: Level,
    summary: str,
    source: str,
    reason: str = "",
    *,
    example: Iterable[Change | Edit] = (),
) -> Callable[[Check], Rule]:
    """Make the decorated check the rule ``rule_id``; its findings default to ``level``.

    An error-level rule needs a ``reason`` starting "import:" or "run time:" (see ``Rule``).
    The check's docstring is the rule's explanation.
    """
    _checked(rule_id, level, reason)

    def define(check: Check) -> Rule:
        explanation = inspect.cleandoc(check.__doc__ or "")
        return Rule(rule_id, level, summary, source, check, reason, explanation, tuple(example))

    return define


def reported_elsewhere(
    rule_id: str,
    level: Level,
    summary: str,
    source: str,
    reason: str = "",
    *,
    reported_by: str,
    explanation: str = "",
    example: Iterable[Change | Edit] = (),
) -> Rule:
    """A rule that another command reports (``check-script``): listed, explained, not run."""
    _checked(rule_id, level, reason)
    return Rule(
        rule_id, level, summary, source, None, reason, explanation, tuple(example), reported_by
    )
