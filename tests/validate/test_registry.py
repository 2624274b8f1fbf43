"""The rule table: families by id prefix, gathered explicitly; every rule tested and explained."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from generator.findings import Level
from generator.validate import registry
from generator.validate.registry import FAMILIES, RULES, gather
from generator.validate.rule import Rule, rule

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
FAMILY_FOLDER = Path(registry.__file__).parent / "rules"


def _family_cases() -> list[object]:
    cases: list[object] = []
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(f"tests.validate.{path.stem}")
        cases += getattr(module, "CASES", [])
    return cases


def test_each_family_module_is_listed_and_named_by_its_prefix() -> None:
    modules = {p.stem for p in FAMILY_FOLDER.glob("*.py")} - {"__init__", "common"}
    assert sorted(m.__name__.rsplit(".", 1)[1] for m in FAMILIES) == sorted(modules)
    for family in FAMILIES:
        prefix = family.__name__.rsplit(".", 1)[1].upper()
        assert family.RULES and {r.id.split("-")[0] for r in family.RULES} == {prefix}


def test_rules_are_in_family_order_then_as_each_family_lists_them() -> None:
    assert list(RULES) == [r.id for family in FAMILIES for r in family.RULES]


def test_check_script_rules_are_listed_with_their_levels() -> None:
    listed = {r.id: (r.level, r.reported_by, r.check) for r in RULES.values() if not r.check}
    assert listed.pop("READ-01") == (Level.ERROR, "validate's reader", None)
    assert listed == {
        "CODE-10": (Level.ERROR, "check-script", None),
        "CODE-11": (Level.WARNING, "check-script", None),
        "CODE-12": (Level.ERROR, "check-script", None),
        "CODE-13": (Level.WARNING, "check-script", None),
    }


def _module(name: str, *rules: Rule) -> ModuleType:
    module = ModuleType(f"generator.validate.rules.{name}")
    module.RULES = rules  # type: ignore[attr-defined]
    return module


def test_gather_rejects_a_rule_outside_its_family_or_defined_twice() -> None:
    one = rule("ZZ-01", Level.WARNING, "summary", "source")(lambda ctx: iter(()))
    assert list(gather([_module("zz", one)])) == ["ZZ-01"]
    with pytest.raises(ValueError, match=r"rule ZZ-01 is in generator\.validate\.rules\.yy"):
        gather([_module("yy", one)])
    with pytest.raises(ValueError, match="rule ZZ-01 is defined twice"):
        gather([_module("zz", one), _module("zz", one)])


def test_defining_a_rule_registers_nothing() -> None:
    rule("ZZ-02", Level.WARNING, "summary", "source")(lambda ctx: iter(()))
    assert "ZZ-02" not in RULES


def test_every_error_says_what_it_breaks() -> None:
    """Each rule that reports an error for some defect states why an error (import or run)."""
    erring = {
        param.values[0]  # type: ignore[attr-defined]
        for param in _family_cases()
        for line in param.values[2]  # type: ignore[attr-defined]
        if line.startswith("error ")
    }
    assert erring and sorted(r for r in erring if not RULES[r].reason) == []


def test_every_rule_has_a_defect() -> None:
    """Each rule has a defect in a CASES table of tests/validate/, or an expected finding line
    in another test module (script.csx rules are tested with the C# ones)."""
    covered = {param.values[0] for param in _family_cases()}  # type: ignore[attr-defined]
    for path in sorted(TESTS.rglob("test_*.py")):
        if path.parent != HERE or path.stem == "test_agent":
            text = path.read_text(encoding="utf-8")
            covered |= set(re.findall(r'"\^?(?:error|warning|info) ([A-Z]+-\d{2}) ', text))
    assert sorted(set(RULES) - covered) == []


def test_every_family_has_its_test_module() -> None:
    tested = {p.stem.removeprefix("test_") for p in HERE.glob("test_*.py")}
    families = {m.__name__.rsplit(".", 1)[1] for m in FAMILIES}
    assert families - {"code"} <= tested  # CODE-xx: tests/test_csharp_rules.py, test_csharp_cli.py


def test_every_rule_explains_itself() -> None:
    """`rules --explain` has more to say than the summary: the check's docstring."""
    assert [r.id for r in RULES.values() if len(r.explanation) < 40] == []


def test_no_rule_is_defined_outside_the_registry() -> None:
    """A rule defined in any module of generator.validate (an old-style rules_*.py, a family
    module's rule missing from its RULES) is in the registry, or this fails: nothing is lost
    silently when a family is ported."""
    package = Path(registry.__file__).parent
    assert sorted(p.name for p in package.glob("rules_*.py")) == []
    stray = []
    for path in sorted(package.rglob("*.py")):
        dotted = ".".join(path.relative_to(package.parent.parent).with_suffix("").parts)
        module = importlib.import_module(dotted.removesuffix(".__init__"))
        for name, value in vars(module).items():
            if isinstance(value, Rule) and RULES.get(value.id) is not value:
                stray.append(f"{dotted}.{name} ({value.id})")
    assert stray == []


def test_validate_names_the_command_that_reports_a_check_script_rule() -> None:
    with pytest.raises(ValueError, match="not a validate rule: CODE-10 by check-script"):
        registry.select(["CODE-10", "CERT-01"])
    assert [r.id for r in registry.select(skip=["CODE-10"])] == [
        r.id for r in RULES.values() if r.check
    ]
