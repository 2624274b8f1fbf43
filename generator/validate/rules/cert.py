"""CERT-xx: Microsoft's certification guidelines.

The info block, texts, operations, parameters, publisher, icon and readme.
"""

from __future__ import annotations

import ipaddress
import re
import zlib
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import (
    ICON,
    PROPERTIES,
    SWAGGER,
)
from generator.validate.rule import REMOVE, Change, Rule, rule
from generator.validate.rules.common import PNG_DEPTHS, PNG_SIGNATURE, _properties, png_size
from generator.validate.shapes import (
    JsonObject,
    Node,
    as_object,
    elements,
    is_success_code,
    operations,
    parameter_definitions,
    text,
)
from generator.validate.walk import Role, of_role

MAX_SWAGGER_BYTES = 1_048_576


# D-CERT: "should not exceed 1 MB", a certification guideline; a published certified
# connector ships 1.1 MB.
@rule(
    "CERT-18",
    Level.WARNING,
    "apiDefinition.swagger.json is at most 1 MB",
    "D-CERT",
    example=(Change("apiDefinition.swagger.json", "/info/x-padding", "x" * 1_048_576),),
)
def swagger_size(ctx: Context) -> Iterator[Finding]:
    """Certification refuses a definition larger than 1 MB."""
    size = ctx.sizes.get(SWAGGER, 0)
    if size > MAX_SWAGGER_BYTES:
        yield ctx.report(
            SWAGGER, "", f"the file has {size} bytes; at most {MAX_SWAGGER_BYTES:,} allowed"
        )


@rule(
    "CERT-15",
    Level.WARNING,
    "2xx response schemas are not empty ({}) unless dynamic",
    "D-CERT; PR#1316; PR#1610",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1app~1form~1fields.json/get/responses/200/schema",
            {},
        ),
    ),
)
def empty_schemas(ctx: Context) -> Iterator[Finding]:
    """An empty schema gives the designer no outputs; certification reviews ask for the real
    shape (or a dynamic schema).
    """
    for response in of_role(ctx.swagger, Role.RESPONSE):
        code = response.tokens[-1] if response.tokens else ""
        schema = response.value.get("schema")
        if isinstance(code, str) and is_success_code(code) and schema == {}:
            message = "empty response schema; describe the response or drop the schema"
            yield ctx.report(SWAGGER, response.at("schema"), message)


MAX_TITLE = 30


DESCRIPTION_RANGE = (30, 500)


MAX_CATEGORIES = 2


CATEGORIES = frozenset(
    {
        "AI",
        "Business Management",
        "Business Intelligence",
        "Collaboration",
        "Commerce",
        "Communication",
        "Content and Files",
        "Finance",
        "Data",
        "Human Resources",
        "Internet of Things",
        "IT Operations",
        "Lifestyle and Entertainment",
        "Marketing",
        "Productivity",
        "Sales and CRM",
        "Security",
        "Social Media",
        "Website",
    }
)


METADATA = "x-ms-connector-metadata"


REQUIRED_METADATA = ("Website", "Privacy policy", "Categories")


_TITLE_WORDS = re.compile(r"\b(api|connector)\b", re.IGNORECASE)


_PRODUCTS = re.compile(r"\b(power\s*apps|power\s*automate|logic\s*apps)\b", re.IGNORECASE)


def _info(ctx: Context) -> Node | None:
    swagger = ctx.swagger
    info = as_object(swagger.get("info")) if swagger is not None else None
    return Node(info, ("info",)) if info is not None else None


# Certification reviews enforce the title rules; the platform imports longer titles and titles
# with these words (certified connectors carry 32 characters, 'API' and 'Connector').
@rule(
    "CERT-01",
    Level.WARNING,
    "info.title is at most 30 characters (SWAGGER-01: it is present)",
    "D-CERT; PR#3407",
    example=(
        Change("apiDefinition.swagger.json", "/info/title", "kintone records and apps manager"),
    ),
)
def title_length(ctx: Context) -> Iterator[Finding]:
    """The title is the connector's name in the designer; certification keeps it to 30
    characters.
    """
    info = _info(ctx)
    title = text(info.value.get("title")) if info is not None else None
    if info is not None and title is not None and len(title) > MAX_TITLE:
        message = f"title has {len(title)} characters; at most {MAX_TITLE} allowed"
        yield ctx.report(SWAGGER, info.at("title"), message)


@rule(
    "CERT-02",
    Level.WARNING,
    "info.title has no word 'API' or 'Connector'",
    "D-CERT; PR#3407",
    example=(Change("apiDefinition.swagger.json", "/info/title", "kintone API"),),
)
def title_words(ctx: Context) -> Iterator[Finding]:
    """Certification asks for the product's name alone: the words 'API' and 'Connector' are
    redundant in a connector's name.
    """
    info = _info(ctx)
    title = text(info.value.get("title")) if info is not None else None
    match = _TITLE_WORDS.search(title) if title is not None else None
    if info is not None and match is not None:
        message = f"title contains the restricted word '{match.group(1)}'"
        yield ctx.report(SWAGGER, info.at("title"), message)


@rule(
    "CERT-05",
    Level.WARNING,
    "info.description has 30 to 500 characters (PKG-07: it is present)",
    "D-CERT; PR#550; PR#4181",
    example=(Change("apiDefinition.swagger.json", "/info/description", "kintone records."),),
)
def description_length(ctx: Context) -> Iterator[Finding]:
    """The description is shown on the connector's page; certification asks for 30 to 500
    characters.
    """
    info = _info(ctx)
    if info is None:
        return
    description = info.value.get("description")
    low, high = DESCRIPTION_RANGE
    if isinstance(description, str) and not low <= len(description.strip()) <= high:
        message = f"description has {len(description)} characters; {low} to {high} allowed"
        yield ctx.report(SWAGGER, info.at("description"), message)


@rule(
    "CERT-06",
    Level.WARNING,
    "info.description names no product (Power Apps, Power Automate, Logic Apps)",
    "D-CERT; PR#550",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/info/description",
            "Use kintone records in Power Automate flows.",
        ),
    ),
)
def description_products(ctx: Context) -> Iterator[Finding]:
    """A connector works in Power Automate, Power Apps and Logic Apps alike; certification asks
    not to name one of them in the description.
    """
    info = _info(ctx)
    description = text(info.value.get("description")) if info is not None else None
    match = _PRODUCTS.search(description) if description is not None else None
    if info is not None and match is not None:
        message = f"description names the product '{match.group(1)}'"
        yield ctx.report(SWAGGER, info.at("description"), message)


@rule(
    "CERT-07",
    Level.WARNING,
    "info.contact has name, url and email",
    "D-CERT; PR#683; PR#1095",
    example=(Change("apiDefinition.swagger.json", "/info/contact", REMOVE),),
)
def contact(ctx: Context) -> Iterator[Finding]:
    """Certification asks for the publisher's contact: name, URL and e-mail."""
    info = _info(ctx)
    if info is None:
        return
    node = info.child("contact")
    if node is None:
        yield ctx.report(SWAGGER, info.pointer, "'contact' with name, url and email is required")
        return
    for key in ("name", "url", "email"):
        if text(node.value.get(key)) is None:
            yield ctx.report(SWAGGER, node.pointer, f"contact '{key}' is required")


def _metadata(swagger: JsonObject | None) -> dict[str, tuple[int, object]]:
    """propertyName -> (index, propertyValue) of the connector metadata entries."""
    found: dict[str, tuple[int, object]] = {}
    entries = swagger.get(METADATA) if swagger is not None else None
    for index, raw in elements(entries):
        entry = as_object(raw)
        name = text(entry.get("propertyName")) if entry is not None else None
        if entry is not None and name is not None:
            found.setdefault(name, (index, entry.get("propertyValue")))
    return found


@rule(
    "CERT-08",
    Level.WARNING,
    "x-ms-connector-metadata has Website, Privacy policy and Categories",
    "D-CERT; PR#4077; PR#683",
    example=(Change("apiDefinition.swagger.json", "/x-ms-connector-metadata", REMOVE),),
)
def connector_metadata(ctx: Context) -> Iterator[Finding]:
    """Certification asks for the Website, Privacy policy and Categories entries of x-ms-
    connector-metadata; they are shown on the connector's page.
    """
    swagger = ctx.swagger
    if swagger is None:
        return
    if not isinstance(swagger.get(METADATA), list):
        yield ctx.report(SWAGGER, "", f"'{METADATA}' (an array) is required")
        return
    found = _metadata(swagger)
    spelled = {name.lower(): name for name in found}
    for name in REQUIRED_METADATA:
        if name not in found and name.lower() in spelled:
            message = f"metadata '{name}' is spelled '{spelled[name.lower()]}'"
            yield ctx.report(SWAGGER, pointer(METADATA), message)
        elif name not in found:
            yield ctx.report(SWAGGER, pointer(METADATA), f"metadata '{name}' is required")
        elif text(found[name][1]) is None:
            where = pointer(METADATA, found[name][0], "propertyValue")
            yield ctx.report(SWAGGER, where, f"metadata '{name}' needs a value")


@rule(
    "CERT-09",
    Level.WARNING,
    "Categories: at most 2, separated by ';', each from the certification list",
    "D-CERT; PR#4077; D-VAL",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/x-ms-connector-metadata/2/propertyValue",
            "AI;Data;Finance",
        ),
    ),
)
def categories(ctx: Context) -> Iterator[Finding]:
    """The connector is listed under its categories: at most two, from Microsoft's list,
    separated by ';'.
    """
    entry = _metadata(ctx.swagger).get("Categories")
    value = text(entry[1]) if entry is not None else None
    if entry is None or value is None:
        return
    where = pointer(METADATA, entry[0], "propertyValue")
    names = [name.strip() for name in value.split(";")]
    if len(names) > MAX_CATEGORIES:
        yield ctx.report(SWAGGER, where, f"{len(names)} categories; at most {MAX_CATEGORIES}")
    for name in names:
        if name not in CATEGORIES:
            yield ctx.report(SWAGGER, where, f"'{name}' is not a certification category")


_SENTENCE_END = (".", "!", "?", ")", '"', "'", ":")


_NON_PRODUCTION = re.compile(
    r"(^|[.\-_])(dev|develop|development|test|testing|staging|stage|sandbox|qa|uat|localhost)"
    r"($|[.\-_0-9])",
    re.IGNORECASE,
)


@rule(
    "CERT-03",
    Level.WARNING,
    "info.title ends with a letter or digit (no punctuation, space or newline)",
    "D-CERT",
    example=(Change("apiDefinition.swagger.json", "/info/title", "kintone!"),),
)
def title_end(ctx: Context) -> Iterator[Finding]:
    """Certification asks for a title that ends with a letter or digit."""
    info = as_object((ctx.swagger or {}).get("info"))
    title = info.get("title") if info is not None else None
    if isinstance(title, str) and title and not title[-1].isalnum():
        message = "title must end with a letter or a digit"
        yield ctx.report(SWAGGER, pointer("info", "title"), message)


@rule(
    "CERT-12",
    Level.WARNING,
    "operation descriptions are sentences (end with punctuation) and differ from the summary",
    "D-CERT; D-STD",
    example=(
        Change(
            "apiDefinition.swagger.json", "/paths/~1k~1v1~1apps.json/get/description", "List apps"
        ),
    ),
)
def descriptions(ctx: Context) -> Iterator[Finding]:
    """A description is help text: a sentence that says more than the summary."""
    for op in operations(ctx.swagger):
        description = text(op.node.value.get("description"))
        summary = text(op.node.value.get("summary"))
        if description is None:
            continue
        where = op.at("description")
        if summary is not None and description.strip().lower() == summary.strip().lower():
            yield ctx.report(SWAGGER, where, "the description repeats the summary")
        elif not description.rstrip().endswith(_SENTENCE_END):
            yield ctx.report(SWAGGER, where, "the description should be a sentence ending in '.'")


@rule(
    "CERT-17",
    Level.WARNING,
    "host is a production host (no dev, test, staging, localhost or IP address)",
    "D-CERT",
    example=(Change("apiDefinition.swagger.json", "/host", "staging.cybozu.com"),),
)
def production_host(ctx: Context) -> Iterator[Finding]:
    """A certified connector calls the production service; a dev, test or staging host or an IP
    address in the definition usually means it was left from testing.
    """
    host = (ctx.swagger or {}).get("host")
    if not isinstance(host, str) or not host:
        return
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if _is_ip(name) or _NON_PRODUCTION.search(name):
        message = f"host '{host}' does not look like a production host"
        yield ctx.report(SWAGGER, pointer("host"), message)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


MAX_SUMMARY = 80


_RESTRICTED = "/\\<>*%&?"


_PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


@rule(
    "CERT-10",
    Level.WARNING,
    "every operation has summary, description and x-ms-visibility",
    "D-CERT",
    example=(
        Change("apiDefinition.swagger.json", "/paths/~1k~1v1~1apps.json/get/description", REMOVE),
    ),
)
def operation_texts(ctx: Context) -> Iterator[Finding]:
    """The summary is the action's name, the description its help text and x-ms-visibility where
    it is shown; certification asks for all three.
    """
    for op in operations(ctx.swagger):
        for key in ("summary", "description"):
            if text(op.node.value.get(key)) is None:
                yield ctx.report(SWAGGER, op.at(), f"'{key}' is required")
        if "x-ms-visibility" not in op.node.value:
            yield ctx.report(SWAGGER, op.at(), "'x-ms-visibility' is missing", Level.WARNING)


@rule(
    "CERT-11",
    Level.WARNING,
    "operation summaries: at most 80 characters, none of / \\ < > * % & ?, no trailing punctuation",
    "D-CERT; D-STR; PR#1095",
    example=(
        Change("apiDefinition.swagger.json", "/paths/~1k~1v1~1apps.json/get/summary", "List apps."),
    ),
)
def summary_style(ctx: Context) -> Iterator[Finding]:
    """Summaries are action names in the designer: certification keeps them short, without
    special characters or trailing punctuation.
    """
    for op in operations(ctx.swagger):
        summary = op.node.value.get("summary")
        if isinstance(summary, str) and summary:
            for problem in _summary_problems(summary):
                yield ctx.report(SWAGGER, op.at("summary"), problem)


def _summary_problems(summary: str) -> Iterator[str]:
    if len(summary) > MAX_SUMMARY:
        yield f"summary has {len(summary)} characters; at most {MAX_SUMMARY} allowed"
    restricted = sorted({char for char in summary if char in _RESTRICTED})
    if restricted:
        yield f"summary contains restricted characters: {' '.join(restricted)}"
    if not (summary[-1].isalnum() or summary[-1] == ")"):
        yield "summary must end with a letter, a digit or ')'"


@rule(
    "CERT-13",
    Level.WARNING,
    "every parameter (body included) has x-ms-summary and description",
    "PR#3407; PR#550; PR#3841",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/parameters/0/description",
            REMOVE,
        ),
    ),
)
def parameter_texts(ctx: Context) -> Iterator[Finding]:
    """x-ms-summary is an input's label and description its help text; certification asks for
    both on every input.
    """
    for param in parameter_definitions(ctx.swagger):
        for key in ("x-ms-summary", "description"):
            if text(param.value.get(key)) is None:
                yield ctx.report(SWAGGER, param.pointer, f"'{key}' is required")


@rule(
    "CERT-14",
    Level.WARNING,
    "no schema on a 'default' response (VAL-26: a 2xx response exists)",
    "D-CERT; D-STD; PR#3841; PR#4181",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/responses/default",
            {"description": "Error.", "schema": {}},
        ),
    ),
)
def responses(ctx: Context) -> Iterator[Finding]:
    """Certification reviews ask not to give the 'default' response a schema (PR#3841,
    PR#4181): the designer's outputs come from the 2xx response.
    """
    for op in operations(ctx.swagger):
        node = op.node.child("responses")
        default = node.child("default") if node is not None else None
        if default is not None and "schema" in default.value:
            yield ctx.report(SWAGGER, default.at("schema"), "the 'default' response has a schema")


@rule(
    "CERT-16",
    Level.WARNING,
    "operationIds are PascalCase without '-' or '_'",
    "D-STD; D-VAL",
    example=(
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1record.json/post/operationId",
            "add_record",
        ),
    ),
)
def operation_id_style(ctx: Context) -> Iterator[Finding]:
    """Microsoft's coding standards ask for PascalCase operationIds without '-' or '_'."""
    for op in operations(ctx.swagger):
        op_id = op.operation_id
        if op_id is not None and not _PASCAL_CASE.match(op_id):
            message = f"operationId '{op_id}' is not PascalCase (letters and digits only)"
            yield ctx.report(SWAGGER, op.at("operationId"), message)


FORBIDDEN_COLORS = frozenset({"#ffffff", "#007ee5"})


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@rule(
    "CERT-19",
    Level.WARNING,
    "publisher and stackOwner are present",
    "D-CERT; PR#918; PR#523",
    example=(Change("apiProperties.json", "/properties/publisher", REMOVE),),
)
def publisher(ctx: Context) -> Iterator[Finding]:
    """The publisher and the stack owner are shown on the connector's page; certification
    requires both.
    """
    props = _properties(ctx)
    if props is None:
        return
    for key in ("publisher", "stackOwner"):
        if text(props.value.get(key)) is None:
            yield ctx.report(PROPERTIES, props.pointer, f"'{key}' is required for certification")


@rule(
    "CERT-20",
    Level.ERROR,
    "iconBrandColor is #RRGGBB (error) and not #ffffff or #007ee5 (warning)",
    "PPC pull_request_template; PPC README",
    "import: the apiProperties schema requires a #RRGGBB colour",
    example=(Change("apiProperties.json", "/properties/iconBrandColor", "orange"),),
)
def brand_color(ctx: Context) -> Iterator[Finding]:
    """The icon's background colour: a #RRGGBB value (the schema's requirement), not white and
    not the default blue (certification).
    """
    props = _properties(ctx)
    color = props.value.get("iconBrandColor") if props is not None else None
    if props is None or not isinstance(color, str):
        return
    if not _COLOR.match(color):
        yield ctx.report(PROPERTIES, props.at("iconBrandColor"), f"'{color}' is not #RRGGBB")
    elif color.lower() in FORBIDDEN_COLORS:
        message = f"'{color}' is reserved; certified connectors use their own brand colour"
        yield ctx.report(PROPERTIES, props.at("iconBrandColor"), message, Level.WARNING)


ICON_SIZE = 230


COLOUR_TOLERANCE = 24  # per channel: anti-aliased or re-encoded backgrounds still match


README_SECTIONS = (
    "Publisher",
    "Prerequisites",
    "Supported Operations",
    "Obtaining Credentials",
    "Known Issues and Limitations",
)


# The closing "#"s are stripped in Python: a lazy title before "\s*#*\s*$" was quadratic on a
# heading of many "#".
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def corner_colour(data: bytes) -> tuple[int, int, int, int] | None:
    """RGBA of the top-left pixel of a PNG (its background), or None if it cannot be read."""
    chunks = dict(_chunks(data, wanted=(b"IHDR", b"PLTE", b"tRNS")))
    header = chunks.get(b"IHDR", b"")
    if len(header) < 13:
        return None
    depth, kind = header[8], header[9]
    if depth not in PNG_DEPTHS.get(kind, ()):
        return None  # PKG-02 reports the format
    raw = _first_bytes(data, 1 + max(1, _CHANNELS[kind] * depth // 8))
    if raw is None:
        return None
    samples = _samples(raw[1:], depth, _CHANNELS[kind])
    return _rgba(kind, samples, chunks.get(b"PLTE", b""), chunks.get(b"tRNS", b""))


def _chunks(data: bytes, wanted: tuple[bytes, ...]) -> Iterator[tuple[bytes, bytes]]:
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        if kind in wanted:
            yield kind, data[offset + 8 : offset + 8 + length]
        offset += 12 + length


def _first_bytes(data: bytes, count: int) -> bytes | None:
    inflater = zlib.decompressobj()
    out = b""
    try:
        for _, body in _chunks(data, wanted=(b"IDAT",)):
            out += inflater.decompress(body, count - len(out))
            if len(out) >= count:
                return out
    except zlib.error:
        return None
    return None


def _samples(raw: bytes, depth: int, channels: int) -> list[int]:
    if depth == 16:
        return [raw[2 * i] for i in range(channels)]
    if depth == 8:
        return list(raw[:channels])
    return [raw[0] >> (8 - depth)]  # one sample below 8 bits: gray or palette index


def _rgba(kind: int, s: list[int], palette: bytes, alpha: bytes) -> tuple[int, int, int, int]:
    if kind == 3:
        i = s[0]
        rgb = palette[3 * i : 3 * i + 3] if 3 * i + 3 <= len(palette) else b"\0\0\0"
        return rgb[0], rgb[1], rgb[2], alpha[i] if i < len(alpha) else 255
    if kind in (0, 4):
        return s[0], s[0], s[0], s[1] if kind == 4 else 255
    return s[0], s[1], s[2], s[3] if kind == 6 else 255


def _hex(colour: str) -> tuple[int, int, int] | None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return None
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@rule(
    "CERT-21",
    Level.WARNING,
    "icon.png is 230x230 with an opaque, non-white background of the iconBrandColor",
    "D-CERT; PR#3473",
    example=(
        Change(
            "icon.png",
            None,
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1M\x00\x00\x00\x10IDATx\x9cc\xf8\xba\x85\x01\x82\x18\xe0,\x00in\t\xf7L\x97@\x16\x00\x00\x00\x00IEND\xaeB`\x82",
        ),
    ),
)
def icon_background(ctx: Context) -> Iterator[Finding]:
    """Certification asks for a 230x230 icon whose opaque background is the iconBrandColor, so
    that it looks the same in every list.
    """
    if ctx.icon is None or png_size(ctx.icon) is None:
        return
    size = png_size(ctx.icon) or (0, 0)
    if size != (ICON_SIZE, ICON_SIZE):
        message = f"the icon is {size[0]}x{size[1]}; certification expects {ICON_SIZE}x{ICON_SIZE}"
        yield ctx.report(ICON, "", message)
    colour = corner_colour(ctx.icon)
    if colour is None:
        return
    yield from _background(ctx, colour)


def _background(ctx: Context, colour: tuple[int, int, int, int]) -> Iterator[Finding]:
    red, green, blue, alpha = colour
    shown = f"#{red:02x}{green:02x}{blue:02x}"
    if alpha < 255:
        message = "the icon background is transparent; fill it with the brand colour"
        yield ctx.report(ICON, "", message)
        return
    if min(red, green, blue) >= 250:
        yield ctx.report(ICON, "", "the icon background is white; use the brand colour")
    props = ctx.properties
    brand = props.get("iconBrandColor") if props is not None else None
    expected = _hex(brand) if isinstance(brand, str) else None
    if expected is not None and _distance(expected, colour) > COLOUR_TOLERANCE:
        message = f"the icon background {shown} does not match iconBrandColor {brand}"
        yield ctx.report(ICON, "", message)


def _distance(expected: tuple[int, int, int], colour: tuple[int, int, int, int]) -> int:
    return max(abs(a - b) for a, b in zip(expected, colour[:3], strict=False))


@rule(
    "CERT-22",
    Level.WARNING,
    "readme.md has the template's required sections and a real title",
    "PPC templates/certified-connectors/readme.md; PR#2133",
    example=(Change("readme.md", None, "# Title\n\n## Publisher: Example\n\n## Prerequisites\n"),),
)
def readme_sections(ctx: Context) -> Iterator[Finding]:
    """Microsoft's readme template lists the sections a certified connector's readme has."""
    readme = ctx.readme
    if readme is None:
        return
    name, content = readme
    headings = [(len(m[1]), _heading_text(m[2])) for m in _HEADING.finditer(content)]
    titles = [heading for level, heading in headings if level == 1]
    if not titles or titles[0].strip().lower() == "title":
        yield ctx.report(name, "", "the readme should start with '# <connector name>'")
    found = {heading.lower() for level, heading in headings if level >= 2}
    for section in README_SECTIONS:
        if not any(h == section.lower() or h.startswith(section.lower() + ":") for h in found):
            yield ctx.report(name, "", f"the readme has no '## {section}' section")


def _heading_text(line: str) -> str:
    """A heading's text without its closing "#"s and the white space around them."""
    return line.rstrip().rstrip("#").rstrip()


RULES: tuple[Rule, ...] = (
    title_length,
    title_words,
    title_end,
    description_length,
    description_products,
    contact,
    connector_metadata,
    categories,
    operation_texts,
    summary_style,
    descriptions,
    parameter_texts,
    responses,
    empty_schemas,
    operation_id_style,
    production_host,
    swagger_size,
    publisher,
    brand_color,
    icon_background,
    readme_sections,
)
