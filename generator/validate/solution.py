"""Find the connectors inside a Power Platform solution (zip or folder) and validate each one."""

# A solution holds each connector as one <Connector> element (customizations.xml, or
# Connectors/<name>.xml once unpacked by the solution packager) naming its files: the swagger,
# the connection parameters and parameter sets, the policies, the script and the icon. We turn
# them back into the package files the rules read, and point findings at the solution's files.

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.errors import ConnectorPathError, ConnectorReadError
from generator.findings import Finding, Level
from generator.limits import MAX_ZIP_MEMBERS
from generator.validate.context import Context
from generator.validate.reader import (
    ICON,
    PROPERTIES,
    READ_RULE,
    SCRIPT,
    SWAGGER,
    ZIP_ERRORS,
    ConnectorFiles,
    check_sizes,
    decode_json,
    refuse_outside,
)
from generator.validate.registry import Rule
from generator.validate.report import Located, locate
from generator.validate.rules.common import png_size
from generator.validate.xmlread import read_xml

CUSTOMIZATIONS = "customizations.xml"
SOLUTION = "solution.xml"
_MAX_MEMBERS = MAX_ZIP_MEMBERS
# apiProperties.json key → <Connector> element holding the file with that value.
_PROPERTY_FILES = {
    "connectionParameters": "connectionparameters",
    "connectionParameterSets": "connectionparametersets",
    "policyTemplateInstances": "policytemplateinstances",
}
# package file → <Connector> element naming the solution file that holds it as is.
_AS_IS = {SWAGGER: "openapidefinition", SCRIPT: "customcodeblobcontent", ICON: "iconblob"}


@dataclass(frozen=True)
class SolutionConnector:
    """One connector of a solution: its package files and where each part came from."""

    name: str
    files: ConnectorFiles
    sources: dict[str, str] = field(default_factory=dict)  # element name → member path
    element_source: str = CUSTOMIZATIONS


@dataclass(frozen=True)
class Solution:
    """The members of a solution (path → bytes) and the connectors found in them."""

    members: dict[str, bytes]
    connectors: list[SolutionConnector]
    repeated: tuple[Finding, ...] = ()  # a <Connector> the solution holds more than once


def is_solution(path: Path) -> bool:
    """Whether ``path`` is a solution zip or folder: solution.xml or customizations.xml at its top,
    in one folder below it (a zip of a folder) or in Other/ (unpacked by the solution packager).
    """
    try:
        names = _zip_names(path) if path.is_file() else _folder_names(path) if path.is_dir() else []
    except ZIP_ERRORS:  # damaged (an unsupported version, a bad header ...): not a solution
        return False
    return any(
        posixpath.basename(n).lower() in (SOLUTION, CUSTOMIZATIONS) and n.count("/") <= 1
        for n in names
    )


def _zip_names(path: Path) -> list[str]:
    if not zipfile.is_zipfile(path):
        return []
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _folder_names(folder: Path) -> list[str]:
    near = [*folder.glob("*"), *folder.glob("*/*")]  # no deeper: a repository is no solution
    return [p.relative_to(folder).as_posix() for p in near if p.is_file()]


def read_solution(path: Path) -> Solution:
    """Read a solution zip or folder and find its connectors; raise ConnectorReadError if none."""
    members = _read_zip(path) if path.is_file() else _read_folder(path)
    publisher = _publisher(members)
    elements, repeated = _distinct(_connector_elements(members))
    connectors = [_connector(members, source, element, publisher) for source, element in elements]
    if not connectors:
        raise ConnectorPathError(f"{path}: the solution holds no custom connector")
    return Solution(members, connectors, repeated)


def _distinct(
    elements: list[tuple[str, ET.Element]],
) -> tuple[list[tuple[str, ET.Element]], tuple[Finding, ...]]:
    """Each connector once (by name), and one finding for each name the solution repeats: a
    solution's connectors have unique names, and N copies must not cost N validations."""
    kept: dict[str, tuple[str, ET.Element]] = {}
    copies: dict[str, int] = {}
    for source, element in elements:
        name = _child(element, "name") or _child(element, "displayname")
        kept.setdefault(name, (source, element))
        copies[name] = copies.get(name, 0) + 1
    repeated = tuple(
        Finding(
            kept[name][0],
            "",
            READ_RULE,
            Level.ERROR,
            f"the solution holds the <Connector> {name!r} {count:,} times; it is validated once",
        )
        for name, count in copies.items()
        if count > 1
    )
    return list(kept.values()), repeated


def single_connector(path: Path) -> ConnectorFiles:
    """The package files of the one connector of a solution; raise if it holds several."""
    connectors = read_solution(path).connectors
    if len(connectors) > 1:
        names = ", ".join(c.name for c in connectors)
        count = len(connectors)
        raise ConnectorReadError(f"{path}: the solution holds {count} connectors ({names})")
    return connectors[0].files


def _needed(name: str) -> bool:
    """Whether a solution member matters for its connectors: the solution and customizations
    manifests, and what sits in a Connector/ (exported) or Connectors/ (unpacked) folder. Flows,
    tables and web resources of a large solution are neither counted nor unpacked."""
    parts = name.lower().split("/")
    return parts[-1] in (SOLUTION, CUSTOMIZATIONS) or any(
        part in ("connector", "connectors") for part in parts[:-1]
    )


def _at_most(where: Path, names: list[str]) -> None:
    if len(names) > _MAX_MEMBERS:
        raise ConnectorReadError(
            f"{where}: the solution has {len(names):,} files to read for its connectors; at most "
            f"{_MAX_MEMBERS:,} are read"
        )


def _read_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir() and _needed(i.filename)]
            _at_most(path, [i.filename for i in infos])
            check_sizes(path, [(i.filename, i.file_size) for i in infos])  # before unpacking
            return {i.filename: archive.read(i) for i in infos}
    except ZIP_ERRORS as exc:
        raise ConnectorReadError(f"{path}: cannot read the zip: {exc}") from exc


def _read_folder(folder: Path) -> dict[str, bytes]:
    try:
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and _needed(p.relative_to(folder).as_posix())
        )
        _at_most(folder, [f.name for f in files])
        for file in files:
            refuse_outside(folder, file)
        check_sizes(folder, [(f.relative_to(folder).as_posix(), f.stat().st_size) for f in files])
        return {f.relative_to(folder).as_posix(): f.read_bytes() for f in files}
    except OSError as exc:
        raise ConnectorReadError(f"{folder}: cannot read the folder: {exc}") from exc


def _parse(members: Mapping[str, bytes], name: str) -> ET.Element:
    return read_xml(members[name], name)


def _connector_elements(members: Mapping[str, bytes]) -> list[tuple[str, ET.Element]]:
    """(member path, <Connector>) from customizations.xml and from unpacked Connectors/*.xml."""
    found: list[tuple[str, ET.Element]] = []
    for name in sorted(members):
        base = posixpath.basename(name).lower()
        if base == CUSTOMIZATIONS:
            root = _parse(members, name)
            found += [(name, el) for el in root.findall("./Connectors/Connector")]
        elif base.endswith(".xml") and posixpath.basename(posixpath.dirname(name)) == "Connectors":
            root = _parse(members, name)
            if root.tag == "Connector":
                found.append((name, root))
    return found


def _publisher(members: Mapping[str, bytes]) -> str:
    """The display name of the solution's publisher (solution.xml), or empty."""
    for name in sorted(members):
        if posixpath.basename(name).lower() == SOLUTION:
            found = _parse(members, name).find(
                "./SolutionManifest/Publisher/LocalizedNames/LocalizedName"
            )
            if found is not None:
                return found.get("description", "")
    return ""


def _connector(
    members: Mapping[str, bytes], source: str, element: ET.Element, publisher: str
) -> SolutionConnector:
    name = _child(element, "name") or _child(element, "displayname") or "connector"
    sources = {
        tag: _resolve(members, source, _child(element, tag))
        for tag in (*_AS_IS.values(), *_PROPERTY_FILES.values())
        if _child(element, tag)
    }
    files: dict[str, bytes] = {
        package: members[sources[tag]] for package, tag in _AS_IS.items() if tag in sources
    }
    files[PROPERTIES] = _api_properties(members, element, sources, publisher)
    return SolutionConnector(name, files, sources, source)


def _child(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _resolve(members: Mapping[str, bytes], source: str, reference: str) -> str:
    """The member a /Connector/... reference names: as written, or by file name when unpacked."""
    wanted = reference.lstrip("/")
    candidates = [wanted, posixpath.join(posixpath.dirname(source), wanted)]
    for candidate in candidates:
        if candidate in members:
            return candidate
    base = posixpath.basename(wanted)
    matches = [m for m in members if posixpath.basename(m) == base]
    if len(matches) == 1:
        return matches[0]
    raise ConnectorReadError(f"{source}: {reference} is not in the solution")


def _api_properties(
    members: Mapping[str, bytes], element: ET.Element, sources: Mapping[str, str], publisher: str
) -> bytes:
    """apiProperties.json as the package would hold it, rebuilt from the solution's parts."""
    properties: dict[str, object] = {}
    for key, tag in _PROPERTY_FILES.items():
        if tag in sources:
            value, problem = decode_json(members[sources[tag]])
            if problem is not None:
                raise ConnectorReadError(f"{sources[tag]}: {problem}")
            if key != "connectionParameters" or value or "connectionparametersets" not in sources:
                properties[key] = value
    properties["iconBrandColor"] = _child(element, "iconbrandcolor")
    properties["capabilities"] = _capabilities(element)
    if publisher:
        properties["publisher"] = publisher  # a solution's publisher is its solution.xml's
    if _child(element, "scriptoperations"):
        properties["scriptOperations"] = _json_text(element, "scriptoperations", [])
    document = {"properties": properties}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# The connector table's capabilities column is a multi-select choice (global choice
# "capability"; learn.microsoft.com power-apps/developer/data-platform/reference/entities/
# connector, Capabilities Choices/Options), not the JSON list apiProperties.json holds.
CAPABILITY_VALUES = {
    "composite": 118690000,
    "tabular": 118690001,
    "blob": 118690002,
    "gateway": 118690003,
    "cloud": 118690004,
    "actions": 118690005,
}
CAPABILITY_NAMES = {str(value): name for name, value in CAPABILITY_VALUES.items()}
# The connector table's iconblob: an image column of at most 144 x 144, no full image kept.
DATAVERSE_ICON_SIZE = 144


def _capabilities(element: ET.Element) -> object:
    """Choice values back to apiProperties names; anything else as written (SOL-01 reports it)."""
    values = [v.strip() for v in _child(element, "capabilities").split(",") if v.strip()]
    if all(v in CAPABILITY_NAMES for v in values):
        return [CAPABILITY_NAMES[v] for v in values]
    return _json_text(element, "capabilities", [])


def _json_text(element: ET.Element, tag: str, default: object) -> object:
    text = _child(element, tag)
    if not text:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # the rules report a scriptOperations that is not a list


def locate_finding(connector: SolutionConnector, finding: Finding) -> Finding:
    """The finding pointed at the solution file that holds what it is about."""
    for package, tag in _AS_IS.items():
        if finding.file == package and tag in connector.sources:
            return replace(finding, file=connector.sources[tag])
    if finding.file == PROPERTIES:
        for key, tag in _PROPERTY_FILES.items():
            prefix = f"/properties/{key}"
            if tag in connector.sources and _under(finding.pointer, prefix):
                rest = finding.pointer[len(prefix) :]
                return replace(finding, file=connector.sources[tag], pointer=rest)
        element = _element_for(finding.pointer)
        where = f"{connector.element_source} <Connector> {connector.name}"
        return replace(finding, file=where, pointer=f"/{element}" if element else "")
    return finding


def _stack_owner(finding: Finding) -> bool:
    # A solution has no stackOwner column: the stack owner is declared when the solution is
    # submitted for certification (Partner Center), so CERT-19 cannot ask for it here.
    # Its icon is Dataverse's iconblob, 144 x 144 (SOL-02), not the package's 230 x 230.
    if finding.rule == "CERT-21" and "certification expects" in finding.message:
        return True
    return finding.rule == "CERT-19" and "stackOwner" in finding.message


def _under(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def _element_for(pointer: str) -> str:
    parts = pointer.split("/")
    key = parts[2] if len(parts) > 2 else ""
    return {"iconBrandColor": "iconbrandcolor", "scriptOperations": "scriptoperations"}.get(
        key, key.lower()
    )


# ---- Rules on the solution itself (the package rules run on each connector's files) ---------
# Levelled as the package rules are: an error only when the import is refused or the connector
# fails when it runs.


@dataclass(frozen=True)
class SolutionRule:
    """A rule about a solution's own files: its registry-shaped description and its check.

    ``rule.check`` is never run on a package (it finds nothing there); ``check`` reads the
    solution.
    """

    rule: Rule
    check: Callable[[Solution, Rule], Iterator[Finding]]


def _nothing_in_a_package(ctx: Context) -> Iterator[Finding]:
    return iter(())


def _solution_rule(
    rule_id: str,
    level: Level,
    summary: str,
    source: str,
    check: Callable[[Solution, Rule], Iterator[Finding]],
    reason: str = "",
) -> SolutionRule:
    return SolutionRule(Rule(rule_id, level, summary, source, _nothing_in_a_package, reason), check)


def _capability_values(solution: Solution, rule: Rule) -> Iterator[Finding]:
    for connector in solution.connectors:
        for element in _elements(solution, connector):
            text = _child(element, "capabilities")
            values = [v.strip() for v in text.split(",")]
            if text and not all(v in CAPABILITY_NAMES for v in values):
                message = (
                    f"capabilities {text!r} is no list of choice values (118690000 composite "
                    "to 118690005 actions, comma-separated): Dataverse stores a multi-select "
                    "choice, not the JSON of apiProperties.json"
                )
                yield _finding(rule, connector, "capabilities", message)


def _icon_size(solution: Solution, rule: Rule) -> Iterator[Finding]:
    for connector in solution.connectors:
        source = connector.sources.get("iconblob")
        size = png_size(solution.members[source]) if source else None
        if source and (size is None or max(size) > DATAVERSE_ICON_SIZE):
            shown = "not a PNG" if size is None else f"{size[0]} x {size[1]}"
            message = (
                f"the icon is {shown}; Dataverse stores connector icons of at most "
                f"{DATAVERSE_ICON_SIZE} x {DATAVERSE_ICON_SIZE} and keeps no full image, and "
                "larger icons are known to fall back to the default icon"
            )
            yield Finding(source, "", rule.id, rule.level, message)


def _connection_references(solution: Solution, rule: Rule) -> Iterator[Finding]:
    ids = {
        _child(element, "connectorid").strip("{}").lower()
        for connector in solution.connectors
        for element in _elements(solution, connector)
    }
    for source, reference in _references(solution.members):
        custom = (reference.findtext("./customconnectorid/connectorid") or "").strip("{}").lower()
        if custom and custom in ids:
            name = reference.get("connectionreferencelogicalname", "")
            message = (
                f"connection reference {name!r} sits in the solution of the custom connector it "
                "uses: Microsoft's ALM guidance keeps the connector in a solution of its own and "
                "connection references with the flows; its connectorid carries a suffix the "
                "service generates in each environment"
            )
            yield Finding(source, f"/connectionreferences/{name}", rule.id, rule.level, message)


def _elements(solution: Solution, connector: SolutionConnector) -> list[ET.Element]:
    return [
        element
        for source, element in _connector_elements(solution.members)
        if source == connector.element_source
        and (_child(element, "name") or _child(element, "displayname") or "connector")
        == connector.name
    ]


def _references(members: Mapping[str, bytes]) -> list[tuple[str, ET.Element]]:
    found: list[tuple[str, ET.Element]] = []
    for name in sorted(members):
        if posixpath.basename(name).lower() == CUSTOMIZATIONS:
            root = _parse(members, name)
            found += [(name, r) for r in root.findall("./connectionreferences/connectionreference")]
    return found


def _finding(rule: Rule, connector: SolutionConnector, tag: str, message: str) -> Finding:
    where = f"{connector.element_source} <Connector> {connector.name}"
    return Finding(where, f"/{tag}", rule.id, rule.level, message)


_DATAVERSE = "learn.microsoft.com power-apps/developer/data-platform/reference/entities/connector"
SOLUTION_RULES: tuple[SolutionRule, ...] = (
    _solution_rule(
        "SOL-01",
        Level.ERROR,
        "<Connector> capabilities are Dataverse choice values (118690000-118690005)",
        f"{_DATAVERSE} (Capabilities: MultiSelectPicklist, choice 'capability')",
        _capability_values,
        "import: the column is a multi-select choice; text that is no choice value is refused",
    ),
    _solution_rule(
        "SOL-02",
        Level.WARNING,
        "the connector icon (iconblob) is a PNG of at most 144 x 144",
        f"{_DATAVERSE} (IconBlob: MaxWidth/MaxHeight 144, CanStoreFullImage False); "
        "PowerPlatformConnectors#597, coe-starter-kit#4925",
        _icon_size,
    ),
    _solution_rule(
        "SOL-03",
        Level.WARNING,
        "no connection reference beside the custom connector it uses (ALM: separate solutions)",
        "learn.microsoft.com training custom-connector-lifecycle-management, unit 'solutions'",
        _connection_references,
    ),
)
SOLUTION_RULE_IDS = frozenset(r.rule.id for r in SOLUTION_RULES)


def solution_findings(solution: Solution, rules: Collection[str] | None = None) -> list[Finding]:
    """The findings of the solution rules (all, or those of ``rules``)."""
    chosen = [r for r in SOLUTION_RULES if rules is None or r.rule.id in rules]
    return sorted({f for r in chosen for f in r.check(solution, r.rule)})


def validate_solution(solution: Solution, rules: Collection[str] | None = None) -> list[Finding]:
    """Every connector of the solution validated with the package rules, findings relocated."""
    return sorted({item.finding for item in locate_solution(solution, rules)})


def locate_solution(solution: Solution, rules: Collection[str] | None = None) -> list[Located]:
    """The relocated findings, with line and column where the solution holds the package's bytes."""
    from generator.validate import (  # the package imports this module's reader
        Context,
        validate_context,
    )

    located: dict[Finding, Located] = {
        f: Located(f, None, None) for f in (*solution.repeated, *solution_findings(solution, rules))
    }
    package_rules = None if rules is None else [r for r in rules if r not in SOLUTION_RULE_IDS]
    for connector in solution.connectors:
        if package_rules == [] and rules:
            break  # only solution rules asked for
        ctx = Context.from_files(connector.files)
        found = validate_context(ctx, rules=package_rules)
        found = [f for f in found if not _stack_owner(f)]
        for item in locate(found, connector.files, ctx.parsed_texts):
            moved = locate_finding(connector, item.finding)
            # Only the swagger is carried byte for byte; the other parts were re-serialised.
            exact = item.finding.file == SWAGGER
            located[moved] = Located(moved, *((item.line, item.column) if exact else (None, None)))
    return [located[f] for f in sorted(located)]
