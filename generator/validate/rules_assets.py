"""Duplicate JSON keys, the icon, the readme and secrets (JSON-02, CERT-21, CERT-22, PKG-06)."""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.positions import scan
from generator.validate.reader import ICON, JSON_FILES, SCRIPT, SWAGGER
from generator.validate.registry import rule
from generator.validate.rules_package import PNG_SIGNATURE, png_size
from generator.validate.shapes import parameter_definitions, walk_strings

ICON_SIZE = 230
COLOUR_TOLERANCE = 24  # per channel: anti-aliased or re-encoded backgrounds still match
README_SECTIONS = (
    "Publisher",
    "Prerequisites",
    "Supported Operations",
    "Obtaining Credentials",
    "Known Issues and Limitations",
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


@rule("JSON-02", Level.WARNING, "no object repeats a key (the last one silently wins)", "RFC 8259")
def duplicate_keys(ctx: Context) -> Iterator[Finding]:
    for name in JSON_FILES:
        if name in ctx.duplicated and name in ctx.texts:
            for tokens, _ in scan(ctx.texts[name]).duplicates:
                message = f"key '{tokens[-1]}' appears more than once in this object"
                yield ctx.report(name, pointer(*tokens), message)


def corner_colour(data: bytes) -> tuple[int, int, int, int] | None:
    """RGBA of the top-left pixel of a PNG (its background), or None if it cannot be read."""
    chunks = dict(_chunks(data, wanted=(b"IHDR", b"PLTE", b"tRNS")))
    header = chunks.get(b"IHDR", b"")
    if len(header) < 13:
        return None
    depth, kind = header[8], header[9]
    raw = _first_bytes(data, 1 + max(1, _CHANNELS.get(kind, 4) * depth // 8))
    if raw is None or kind not in _CHANNELS:
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
)
def icon_background(ctx: Context) -> Iterator[Finding]:
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
)
def readme_sections(ctx: Context) -> Iterator[Finding]:
    readme = ctx.readme
    if readme is None:
        return
    name, content = readme
    headings = [(len(m.group(1)), m.group(2)) for m in _HEADING.finditer(content)]
    titles = [heading for level, heading in headings if level == 1]
    if not titles or titles[0].strip().lower() == "title":
        yield ctx.report(name, "", "the readme should start with '# <connector name>'")
    found = {heading.lower() for level, heading in headings if level >= 2}
    for section in README_SECTIONS:
        if not any(h == section.lower() or h.startswith(section.lower() + ":") for h in found):
            yield ctx.report(name, "", f"the readme has no '## {section}' section")


_SECRET_FORMATS = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("an AWS access key", re.compile(r"AKIA[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"gh[pousr]_[A-Za-z0-9]{36}\b")),
    ("a Slack token", re.compile(r"xox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"AIza[0-9A-Za-z_\-]{35}\b")),
    ("a storage account key", re.compile(r"AccountKey=[A-Za-z0-9+/]{40,}={0,2}")),
)
# Keys vendors publish in their documentation as examples; they grant nothing.
EXAMPLE_KEYS = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",  # AWS access key id
        "AKIAI44QH8DHBEXAMPLE",  # AWS access key id
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS secret access key
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",  # AWS secret access key
    }
)
_SECRET_NAMES = re.compile(r"secret|password|passwd|api[_-]?key|token|code|signature", re.I)
_STRING_MEMBER = re.compile(r'"([^"\\\n]{1,100})"\s*:\s*"')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*')
_PLACEHOLDER = re.compile(
    r"^(|[*x.]+|<.*>|\{.*\}|\$\{.*\}|@.*|dummy|secret|placeholder|your.*)$", re.I
)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _looks_random(value: str) -> bool:
    if len(value) < 20 or " " in value or "://" in value or value.startswith(("@", "/")):
        return False
    return _entropy(value) >= 3.5


@rule(
    "PKG-06",
    Level.WARNING,
    "no credentials in the files: known key formats, secret-like values (not the docs' examples)",
    "PPC README; PPC .pipelines/security.yml (CredScan)",
)
def secrets(ctx: Context) -> Iterator[Finding]:
    for name in JSON_FILES:
        if _may_hold_secrets(ctx.texts.get(name, "")):
            yield from _file_secrets(ctx, name)
    yield from _secret_defaults(ctx)
    if ctx.script is not None:
        yield from _known_formats(ctx, SCRIPT, "", ctx.script)


def _may_hold_secrets(source: str) -> bool:
    """A fast look at the raw text; the walk below runs only when this finds something."""
    if _has_known_format(source):
        return True
    for match in _STRING_MEMBER.finditer(source):
        if _SECRET_NAMES.search(match.group(1)) and _secret_like(_string_at(source, match.end())):
            return True
    return False


def _has_known_format(value: str) -> bool:
    return any(pattern.search(value) for _, pattern in _SECRET_FORMATS)


def _string_at(source: str, start: int) -> str:
    """The JSON string whose text starts at ``start`` (after its opening quote)."""
    end = _STRING_BODY.match(source, start)
    try:
        return str(json.loads(f'"{end.group()}"')) if end is not None else ""
    except ValueError:
        return ""


def _file_secrets(ctx: Context, name: str) -> Iterator[Finding]:
    for value, tokens in walk_strings(ctx.documents.get(name)):
        if _has_known_format(value):
            yield from _known_formats(ctx, name, pointer(*tokens), value)
        if _secret_value(tokens, value):
            message = "this looks like a real secret; use a placeholder"
            yield ctx.report(name, pointer(*tokens), message, Level.WARNING)


def _known_formats(ctx: Context, name: str, where: str, value: str) -> Iterator[Finding]:
    for what, pattern in _SECRET_FORMATS:
        if any(match.group() not in EXAMPLE_KEYS for match in pattern.finditer(value)):
            yield ctx.report(name, where, f"contains {what}; remove it and rotate the credential")


def _secret_value(tokens: tuple[str | int, ...], value: str) -> bool:
    """A random-looking value under a secret-sounding key."""
    key = tokens[-1] if tokens else None
    if not isinstance(key, str) or not _SECRET_NAMES.search(key):
        return False
    return _secret_like(value)


def _secret_like(value: str) -> bool:
    stripped = value.strip()
    if _PLACEHOLDER.match(stripped) or stripped in EXAMPLE_KEYS:
        return False
    return _looks_random(value)


def _secret_defaults(ctx: Context) -> Iterator[Finding]:
    """Parameters named like a secret whose default looks like a real one."""
    for param in parameter_definitions(ctx.swagger):
        name, default = param.value.get("name"), param.value.get("default")
        named = isinstance(name, str) and _SECRET_NAMES.search(name) is not None
        if named and isinstance(default, str) and _secret_like(default):
            message = f"the default of '{name}' looks like a real secret; use a placeholder"
            yield ctx.report(SWAGGER, param.at("default"), message, Level.WARNING)
