"""Connector package → the files of an unmanaged Power Platform solution zip, deterministic."""

# The layout follows real exports, element by element (a minimised copy is tests/data/solution):
# - KarolFilipKozlowski/Power-Automate---Konektor-api.nbp.pl: an exported solution zip, unzipped
#   (solution.xml, customizations.xml with <Connectors><Connector>, [Content_Types].xml,
#   Connector/cre80_5Fkursy-20walut-20nbp_openapidefinition.json, ..._iconblob.Jpeg).
# - microsoft/coe-starter-kit, CenterofExcellenceCoreComponents/SolutionPackage/src/: the same
#   solution unpacked by the solution packager (Other/Solution.xml with RootComponent type 372,
#   Other/Customizations.xml with <connectionreferences>, Connectors/<name>.xml and
#   Connectors/<name>_connectionparameters.json).
# - The Dataverse "connector" table (learn.microsoft.com/power-apps/developer/data-platform/
#   reference/entities/connector) names the columns connectionparametersets, scriptoperations and
#   customcodeblobcontent that a connector with auth choices and custom code adds.

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import ConnectorError
from generator.solution_icon import dataverse_icon
from generator.validate.reader import ICON, PROPERTIES, SCRIPT, SWAGGER, decode_json
from generator.validate.solution import CAPABILITY_VALUES

# Fixed namespace: ids depend only on the names below, so every build gives the same bytes and a
# newer version of the solution upgrades the same connector instead of adding a second one.
_NAMESPACE = uuid.UUID("6f1c2a7e-9a53-5b8e-8f1e-4b2d3c1a0e77")
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
LANGUAGE = "1033"
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,7}$")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+){1,3}$")
# Component type of a custom connector in solution.xml RootComponents.
CONNECTOR_COMPONENT = "372"
_ADDRESS_FIELDS = (
    "AddressTypeCode", "City", "County", "Country", "Fax", "FreightTermsCode",
    "ImportSequenceNumber", "Latitude", "Line1", "Line2", "Line3", "Longitude", "Name",
    "PostalCode", "PostOfficeBox", "PrimaryContactName", "ShippingMethodCode",
    "StateOrProvince", "Telephone1", "Telephone2", "Telephone3", "TimeZoneRuleVersionNumber",
    "UPSZone", "UTCOffset", "UTCConversionTimeZoneCode",
)  # fmt: skip


@dataclass(frozen=True)
class SolutionOptions:
    """What names the solution: publisher prefix, unique name and version."""

    publisher_prefix: str = "kintone"
    solution_name: str = "KintoneConnector"
    version: str | None = None  # default: the connector's info.version, four parts
    # Off by default: Microsoft's ALM guidance keeps the custom connector in a solution of its
    # own and the flows with their connection references in another.
    connection_reference: bool = False

    def problems(self) -> list[str]:
        """What is wrong with these options, as sentences; empty when they are usable."""
        found = []
        if not PREFIX_PATTERN.match(self.publisher_prefix) or self.publisher_prefix.startswith(
            "mscrm"
        ):
            found.append(
                f"publisher prefix {self.publisher_prefix!r} must be 2 to 8 lowercase letters "
                "or digits, start with a letter and not start with mscrm"
            )
        if not NAME_PATTERN.match(self.solution_name):
            found.append(
                f"solution name {self.solution_name!r} must start with a letter and hold only "
                "letters, digits and underscores"
            )
        if self.version is not None and not VERSION_PATTERN.match(self.version):
            found.append(f"version {self.version!r} must look like 1.0 to 1.0.0.0")
        return found


@dataclass(frozen=True)
class _Connector:
    """What the solution needs from the connector package, decoded."""

    title: str
    description: str
    version: str
    contact: dict[str, str]
    properties: dict[str, Any]
    publisher: str
    files: Mapping[str, bytes]


def logical_name(prefix: str, title: str) -> str:
    """The connector's schema name as the platform writes it: prefix_5F + the encoded title."""
    encoded = "".join(c if c.isascii() and c.isalnum() else f"-{ord(c):02X}" for c in title.lower())
    return f"{prefix}_5F{encoded}"


def solution_files(files: Mapping[str, bytes], options: SolutionOptions) -> dict[str, bytes]:
    """Every member of the solution zip, path → bytes; raises ConnectorError on bad input."""
    problems = options.problems()
    if problems:
        raise ConnectorError("; ".join(problems))
    connector = _decode(files)
    name = logical_name(options.publisher_prefix, connector.title)
    members = _connector_members(name, connector)
    version = options.version or _four_parts(connector.version)
    members["customizations.xml"] = _xml(_customizations(name, connector, options, members))
    members["solution.xml"] = _xml(_solution(name, connector, options, version))
    members["[Content_Types].xml"] = _content_types(members)
    return dict(sorted(members.items()))


def _decode(files: Mapping[str, bytes]) -> _Connector:
    swagger = _json_object(files, SWAGGER)
    properties = _json_object(files, PROPERTIES).get("properties")
    if not isinstance(properties, dict):
        raise ConnectorError(f"{PROPERTIES} has no properties object")
    info = _object(swagger.get("info"))
    contact = _object(info.get("contact"))
    return _Connector(
        title=str(info.get("title") or "Custom connector"),
        description=str(info.get("description") or ""),
        version=str(info.get("version") or "1.0.0"),
        contact={k: str(v) for k, v in contact.items() if isinstance(v, str)},
        properties=properties,
        publisher=str(properties.get("publisher") or contact.get("name") or "Publisher"),
        files=files,
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _json_object(files: Mapping[str, bytes], name: str) -> dict[str, Any]:
    if name not in files:
        raise ConnectorError(f"the connector has no {name}")
    value, problem = decode_json(files[name])
    if problem is not None or not isinstance(value, dict):
        raise ConnectorError(f"{name}: {problem or 'the root is not an object'}")
    return value


def _four_parts(version: str) -> str:
    parts = [p for p in re.split(r"[^0-9]+", version) if p][:4]
    return ".".join(parts + ["0"] * (4 - len(parts)))


def member_names(name: str) -> dict[str, str]:
    """Customizations element → member path of each connector file (script and sets optional)."""
    return {
        "openapidefinition": f"Connector/{name}_openapidefinition.json",
        "connectionparameters": f"Connector/{name}_connectionparameters.json",
        "connectionparametersets": f"Connector/{name}_connectionparametersets.json",
        "policytemplateinstances": f"Connector/{name}_policytemplateinstances.json",
        "customcodeblobcontent": f"Connector/{name}_customcodeblobcontent.csx",
        "iconblob": f"Connector/{name}_iconblob.Png",
    }


def _connector_members(name: str, connector: _Connector) -> dict[str, bytes]:
    paths = member_names(name)
    props = connector.properties
    members = {
        paths["openapidefinition"]: connector.files[SWAGGER],
        paths["connectionparameters"]: _json(props.get("connectionParameters") or {}),
        paths["policytemplateinstances"]: _json(props.get("policyTemplateInstances") or []),
    }
    if "connectionParameterSets" in props:
        members[paths["connectionparametersets"]] = _json(props["connectionParameterSets"])
    if SCRIPT in connector.files:
        members[paths["customcodeblobcontent"]] = connector.files[SCRIPT]
    if ICON in connector.files:
        members[paths["iconblob"]] = dataverse_icon(connector.files[ICON])
    return members


def capability_values(capabilities: Any) -> str:
    """apiProperties capabilities as the choice values Dataverse stores, comma-separated."""
    names = capabilities if isinstance(capabilities, list) else [capabilities]
    unknown = [str(n) for n in names if n not in CAPABILITY_VALUES]
    if unknown:
        known = ", ".join(CAPABILITY_VALUES)
        raise ConnectorError(f"capabilities {', '.join(unknown)}: not one of {known}")
    return ",".join(str(v) for v in sorted({CAPABILITY_VALUES[n] for n in names}))


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def connector_id(prefix: str, name: str) -> str:
    """The connector's fixed GUID: derived from the publisher prefix and its schema name."""
    return str(uuid.uuid5(_NAMESPACE, f"connector/{prefix}/{name}"))


def _customizations(
    name: str, connector: _Connector, options: SolutionOptions, members: Mapping[str, bytes]
) -> ET.Element:
    root = ET.Element("ImportExportXml", {"xmlns:xsi": _XSI})
    for tag in (
        "Entities", "Roles", "Workflows", "FieldSecurityProfiles", "Templates", "EntityMaps",
        "EntityRelationships", "OrganizationSettings", "optionsets", "CustomControls",
        "EntityDataProviders",
    ):  # fmt: skip
        ET.SubElement(root, tag)
    if options.connection_reference:
        references = ET.SubElement(root, "connectionreferences")
        references.append(_connection_reference(name, connector, options))
    ET.SubElement(root, "Connectors").append(_connector(name, connector, options, members))
    ET.SubElement(ET.SubElement(root, "Languages"), "Language").text = LANGUAGE
    return root


def _connection_reference(name: str, connector: _Connector, options: SolutionOptions) -> ET.Element:
    # Flows in the same solution bind to this reference; importing asks for a connection. The
    # elements are those of the references in microsoft/coe-starter-kit's Customizations.xml,
    # plus customconnectorid (a column of the connectionreference table): a custom connector's
    # api name ends in a suffix each environment picks, so the reference also names it by GUID.
    api = name.lower().replace("_5f", "-5f", 1)
    alnum = re.sub(r"[^a-z0-9]", "", name.lower())
    reference = ET.Element(
        "connectionreference",
        {"connectionreferencelogicalname": f"{options.publisher_prefix}_shared{alnum}"},
    )
    _text(reference, "connectionreferencedisplayname", f"{connector.title} connection")
    _text(reference, "connectorid", f"/providers/Microsoft.PowerApps/apis/shared_{api}")
    custom = ET.SubElement(reference, "customconnectorid")
    _text(custom, "connectorid", connector_id(options.publisher_prefix, name))
    description = f"The {connector.title} connection the flows of this solution use."
    _text(reference, "description", description)
    _text(reference, "iscustomizable", "1")
    _text(reference, "statecode", "0")
    _text(reference, "statuscode", "1")
    return reference


def _connector(
    name: str, connector: _Connector, options: SolutionOptions, members: Mapping[str, bytes]
) -> ET.Element:
    props = connector.properties
    element = ET.Element("Connector")
    _text(element, "connectorid", connector_id(options.publisher_prefix, name))
    _text(element, "description", connector.description)
    _text(element, "displayname", connector.title)
    _text(element, "iconbrandcolor", str(props.get("iconBrandColor") or "#007ee5"))
    _text(element, "name", name)
    _text(element, "connectortype", "1")
    if props.get("capabilities"):
        _text(element, "capabilities", capability_values(props["capabilities"]))
    paths = member_names(name)
    for tag in ("openapidefinition", "connectionparameters", "connectionparametersets"):
        if paths[tag] in members:
            _text(element, tag, "/" + paths[tag])
    _text(element, "policytemplateinstances", "/" + paths["policytemplateinstances"])
    if paths["customcodeblobcontent"] in members:
        _text(element, "scriptoperations", json.dumps(props.get("scriptOperations") or []))
        _text(element, "customcodeblobcontent", "/" + paths["customcodeblobcontent"])
    if paths["iconblob"] in members:
        _text(element, "iconblob", "/" + paths["iconblob"])
    return element


def _solution(
    name: str, connector: _Connector, options: SolutionOptions, version: str
) -> ET.Element:
    root = ET.Element(
        "ImportExportXml",
        {
            "version": "9.2.24012.196",
            "SolutionPackageVersion": "9.2",
            "languagecode": LANGUAGE,
            "generatedBy": "CrmLive",
            "xmlns:xsi": _XSI,
        },
    )
    manifest = ET.SubElement(root, "SolutionManifest")
    _text(manifest, "UniqueName", options.solution_name)
    _localized(manifest, connector.title)
    _descriptions(manifest, connector.description)
    _text(manifest, "Version", version)
    _text(manifest, "Managed", "0")
    manifest.append(_publisher(connector, options))
    components = ET.SubElement(manifest, "RootComponents")
    ET.SubElement(
        components,
        "RootComponent",
        {
            "type": CONNECTOR_COMPONENT,
            "id": "{" + connector_id(options.publisher_prefix, name) + "}",
            "schemaName": name,
            "behavior": "0",
        },
    )
    ET.SubElement(manifest, "MissingDependencies")
    return root


def _publisher(connector: _Connector, options: SolutionOptions) -> ET.Element:
    publisher = ET.Element("Publisher")
    unique = re.sub(r"[^a-z0-9]", "", connector.publisher.lower()) or options.publisher_prefix
    _text(publisher, "UniqueName", unique[:64])
    _localized(publisher, connector.publisher)
    _descriptions(publisher, "")
    _nillable(publisher, "EMailAddress", connector.contact.get("email"))
    _nillable(publisher, "SupportingWebsiteUrl", connector.contact.get("url"))
    _text(publisher, "CustomizationPrefix", options.publisher_prefix)
    _text(publisher, "CustomizationOptionValuePrefix", _option_value_prefix(options))
    addresses = ET.SubElement(publisher, "Addresses")
    for number in ("1", "2"):
        address = ET.SubElement(addresses, "Address")
        _text(address, "AddressNumber", number)
        for tag in _ADDRESS_FIELDS:
            _nillable(address, tag, None)
    return publisher


def _option_value_prefix(options: SolutionOptions) -> str:
    # The portal picks a number from 10000 to 99999 per publisher; derive one from the prefix.
    return str(10000 + uuid.uuid5(_NAMESPACE, options.publisher_prefix).int % 90000)


def _localized(parent: ET.Element, description: str) -> None:
    names = ET.SubElement(parent, "LocalizedNames")
    ET.SubElement(names, "LocalizedName", {"description": description, "languagecode": LANGUAGE})


def _descriptions(parent: ET.Element, description: str) -> None:
    descriptions = ET.SubElement(parent, "Descriptions")
    if description:
        ET.SubElement(
            descriptions, "Description", {"description": description, "languagecode": LANGUAGE}
        )


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def _nillable(parent: ET.Element, tag: str, value: str | None) -> None:
    if value:
        _text(parent, tag, value)
    else:
        ET.SubElement(parent, tag, {"xsi:nil": "true"}).text = ""


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return (ET.tostring(root, encoding="unicode", short_empty_elements=True) + "\n").encode("utf-8")


def _content_types(members: Mapping[str, bytes]) -> bytes:
    root = ET.Element("Types", {"xmlns": _CONTENT_TYPES})
    extensions = sorted({path.rsplit(".", 1)[-1] for path in members} | {"xml"})
    for extension in extensions:
        ET.SubElement(
            root,
            "Default",
            {"Extension": extension, "ContentType": "application/octet-stream"},
        )
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8")
