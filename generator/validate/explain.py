"""``rules --explain ID``: what a rule checks, why it matters (with its source), an example."""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterable, Mapping

from generator.findings import Level
from generator.validate.examples import describe
from generator.validate.report import help_uri
from generator.validate.rule import Rule

WIDTH = 88
# What each source key of the catalogue stands for, as the reason a rule exists.
SOURCE_MEANINGS = {
    "D-VAL": "Microsoft's connector validator reports it on import and for certification "
    "(names in parentheses are its messages)",
    "D-CERT": "Microsoft's certification submission guidelines ask for it",
    "D-EXT": "Microsoft's reference of the x-ms-* OpenAPI extensions defines it",
    "D-STR": "Microsoft's connector string guidance asks for it",
    "D-STD": "Microsoft's connector coding standards ask for it",
    "D-WH": "Microsoft's webhook trigger documentation describes it",
    "D-CODE": "Microsoft's custom code documentation sets these limits",
    "D-DHU": "Microsoft's dynamic host URL policy documentation describes it",
    "D-FAQ": "Microsoft's custom connector FAQ states the limit",
    "D-PACONN": "Microsoft's paconn documentation describes it",
    "PPC": "Microsoft's PowerPlatformConnectors repository (schemas, tools, templates) requires it",
    "PR#": "Microsoft's reviewers asked for it in PowerPlatformConnectors pull requests",
    "MIRROR-STATS": "the certified connectors of Microsoft's repository do it this way",
    "OpenAPI 2.0": "the Swagger 2.0 specification requires it",
    "RFC 8259": "the JSON standard (RFC 8259) leaves it to each parser",
}
_LEVEL_MEANINGS = {
    Level.ERROR: "An error: {reason}.",
    Level.WARNING: "A warning: the platform imports the connector and it runs, but the "
    "connector is not what Microsoft asks for; certification review reports it.",
    Level.INFO: "A note: nothing fails; the connector may not behave as its author expects.",
}


def find_rule(rules: Mapping[str, Rule], wanted: str) -> Rule:
    """The rule ``wanted`` (any letter case); a ValueError with the nearest ids otherwise."""
    key = wanted.strip().upper()
    if key in rules:
        return rules[key]
    match = re.fullmatch(r"([A-Z]+)-?(\d+)", key)
    if match and f"{match[1]}-{int(match[2]):02d}" in rules:
        return rules[f"{match[1]}-{int(match[2]):02d}"]
    near = difflib.get_close_matches(key, list(rules), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(near)}?" if near else "; see kintone-connector rules"
    raise ValueError(f"unknown rule id {wanted!r}{hint}")


def why(item: Rule) -> list[str]:
    """Why the rule matters: what its level means for this rule, then what its sources say."""
    reason = item.reason.replace("import: ", "the platform refuses the import: ", 1)
    reason = reason.replace("run time: ", "the connector fails at run time: ", 1)
    first = _LEVEL_MEANINGS[item.level].format(reason=reason)
    if item.level is not Level.ERROR and item.reason:
        first += f" When it is an error: {item.reason}."
    meanings = list(dict.fromkeys(_meanings(item.source)))
    return [first, *[m[0].upper() + m[1:] + "." for m in meanings]]


def _meanings(source: str) -> Iterable[str]:
    for part in source.replace(",", ";").split(";"):
        part = part.strip()
        for key, meaning in SOURCE_MEANINGS.items():
            if part.startswith(key):
                yield meaning


def explain(item: Rule) -> str:
    """The rule as ruff documents its rules: checks, why, source, a minimal failing example."""
    family = item.id.split("-")[0]
    lines = [
        f"{item.id} ({item.level.value}): {item.summary}",
        f"Family {family}: generator/validate/rules/{family.lower()}.py; "
        f"reported by kintone-connector {item.reported_by}",
        "",
        "What it checks",
        *_wrapped(_sentence(item.summary)),
        *(line for paragraph in _paragraphs(item.explanation) for line in _wrapped(paragraph)),
        "",
        "Why it matters",
        *(line for text in why(item) for line in _wrapped(text)),
        *_wrapped(f"Source: {item.source}"),
    ]
    uri = help_uri(item.source)
    if uri:
        lines.append(f"    See {uri}")
    lines += ["", "Minimal failing example"]
    if item.example:
        lines.append("    Start from a connector that passes, then:")
        lines += [f"      {line}" for line in describe(item.example)]
        lines.append(f"    kintone-connector {item.reported_by} then reports {item.id}.")
    else:
        lines.append("    None that fits a few changes (see What it checks).")
    return "\n".join(lines) + "\n"


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent="    ", subsequent_indent="    ") or [""]
