"""TEXT-xx: the text files (readme.md, script.csx) are UTF-8."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import (
    SCRIPT,
    is_readme,
    problem_position,
    utf8_problem,
)
from generator.validate.rule import Change, Rule, rule


@rule(
    "TEXT-01",
    Level.ERROR,
    "readme.md and script.csx are UTF-8 text (BOM accepted)",
    "PPC templates/certified-connectors/readme.md; D-CODE",
    "import: paconn and pac read script.csx as UTF-8 text; a readme is only a warning",
    example=(Change("readme.md", None, b"# kintone\n\n## Publisher: Exemple Soci\xe9t\xe9\n"),),
)
def text_is_utf8(ctx: Context) -> Iterator[Finding]:
    """The platform and its tools read script.csx and readme.md as UTF-8."""
    for name, data in ctx.files.items():
        if name == SCRIPT or is_readme(name):
            problem = utf8_problem(data)
            if problem is not None:
                position = problem_position(problem)
                where = f"L{position[0]}C{position[1]}" if position is not None else ""
                level = Level.WARNING if is_readme(name) else None  # the readme is not imported
                yield ctx.report(name, where, f"{problem}; save the file as UTF-8", level)


RULES: tuple[Rule, ...] = (text_is_utf8,)
