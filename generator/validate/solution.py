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
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.errors import ConnectorPathError, ConnectorReadError
from generator.findings import Finding, Level
from generator.limits import MAX_XML_ELEMENTS, MAX_ZIP_MEMBERS
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
from generator.validate.report import Located, locate

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
    data = members[name]
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no entity expansion from untrusted input
        raise ConnectorReadError(f"{name}: a DOCTYPE is not allowed in a solution file")
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start",))
    started: list[ET.Element] = []
    try:
        for start in range(0, len(data) or 1, _XML_CHUNK):  # counted as parsed: no huge tree
            parser.feed(data[start : start + _XML_CHUNK])
            started += (e[-1] for e in parser.read_events() if isinstance(e[-1], ET.Element))
            if len(started) > MAX_XML_ELEMENTS:
                raise ConnectorReadError(
                    f"{name}: more than {MAX_XML_ELEMENTS:,} XML elements; it is not read"
                )
        parser.close()
    except ET.ParseError as exc:
        raise ConnectorReadError(f"{name}: not well-formed XML: {exc}") from None
    return started[0]


_XML_CHUNK = 64 * 1024


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
    properties["capabilities"] = _json_text(element, "capabilities", [])
    if publisher:
        properties["publisher"] = publisher  # a solution's publisher is its solution.xml's
    if _child(element, "scriptoperations"):
        properties["scriptOperations"] = _json_text(element, "scriptoperations", [])
    document = {"properties": properties}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


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
    return finding.rule == "CERT-19" and "stackOwner" in finding.message


def _under(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def _element_for(pointer: str) -> str:
    parts = pointer.split("/")
    key = parts[2] if len(parts) > 2 else ""
    return {"iconBrandColor": "iconbrandcolor", "scriptOperations": "scriptoperations"}.get(
        key, key.lower()
    )


def validate_solution(solution: Solution, rules: Collection[str] | None = None) -> list[Finding]:
    """Every connector of the solution validated with the package rules, findings relocated."""
    return sorted({item.finding for item in locate_solution(solution, rules)})


def locate_solution(solution: Solution, rules: Collection[str] | None = None) -> list[Located]:
    """The relocated findings, with line and column where the solution holds the package's bytes."""
    from generator.validate import validate_files  # the package imports this module's reader

    located: dict[Finding, Located] = {f: Located(f, None, None) for f in solution.repeated}
    for connector in solution.connectors:
        found = [f for f in validate_files(connector.files, rules=rules) if not _stack_owner(f)]
        for item in locate(found, connector.files):
            moved = locate_finding(connector, item.finding)
            # Only the swagger is carried byte for byte; the other parts were re-serialised.
            exact = item.finding.file == SWAGGER
            located[moved] = Located(moved, *((item.line, item.column) if exact else (None, None)))
    return [located[f] for f in sorted(located)]
