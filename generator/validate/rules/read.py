"""READ: the reading stage, as a rule for listings and reports.

Every path is read before any rule runs (generator.validate.reader, bounded by generator.limits);
a path that cannot be read within those limits is one READ-01 error for that connector, and the
other paths are still validated.
"""

from __future__ import annotations

from generator.findings import Level
from generator.validate.reader import READ_REASON, READ_RULE, READ_SUMMARY
from generator.validate.rule import Change, Rule, reported_elsewhere

READING = reported_elsewhere(
    READ_RULE,
    Level.ERROR,
    READ_SUMMARY,
    "generator/limits.py",
    READ_REASON,
    reported_by="validate's reader",
    explanation="validate reads each path first, within the limits of generator/limits.py "
    "(file and package sizes, JSON depth and values, zip entries, symlinks that leave the "
    "folder); a path that cannot be read is reported as one error and the others go on.",
    example=(Change("apiDefinition.swagger.json", None, "{" * 300),),
)

RULES: tuple[Rule, ...] = (READING,)
