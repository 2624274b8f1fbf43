"""PKG-xx: the package's files.

Present files, icon.png, script.csx, settings.json, what paconn needs, no secrets.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.csharp_source import execute_overrides
from generator.validate.reader import (
    ICON,
    JSON_FILES,
    PROPERTIES,
    SCRIPT,
    SETTINGS,
    SWAGGER,
)
from generator.validate.rule import REMOVE, Change, Rule, rule
from generator.validate.rules.common import PNG_DEPTHS, png_size
from generator.validate.shapes import (
    as_list,
    as_object,
    parameter_definitions,
    walk_strings,
)


@rule(
    "PKG-01",
    Level.ERROR,
    "apiDefinition.swagger.json and apiProperties.json are present",
    "PPC README",
    "import: paconn and pac upload the definition and the properties together; nothing to import",
    example=(Change("apiProperties.json", None, REMOVE),),
)
def required_files(ctx: Context) -> Iterator[Finding]:
    """A connector is at least its definition and its properties."""
    for name in (SWAGGER, PROPERTIES):
        if name not in ctx.files:
            yield ctx.report(name, "", f"{name} is missing from the connector")


@rule(
    "PKG-07",
    Level.ERROR,
    "info.description is present (paconn create reads it unconditionally)",
    "PPC tools/paconn-cli/paconn/operations/upsert.py",
    "import: paconn create reads info.description and fails without it",
    example=(Change("apiDefinition.swagger.json", "/info/description", REMOVE),),
)
def paconn_description(ctx: Context) -> Iterator[Finding]:
    """paconn create reads info.description without checking that it exists."""
    swagger = ctx.swagger
    info = as_object(swagger.get("info")) if swagger is not None else None
    if info is not None and not isinstance(info.get("description"), str):
        yield ctx.report(SWAGGER, pointer("info"), "'description' (a string) is required")


MAX_SCRIPT_BYTES = 1_048_576


SETTINGS_KEYS = frozenset(
    {
        "connectorId",
        "environment",
        "apiProperties",
        "apiDefinition",
        "icon",
        "script",
        "powerAppsUrl",
        "powerAppsApiVersion",
        "flowUrl",
        "flowApiVersion",
    }
)


# A default environment's id is "Default-" followed by the tenant's GUID.
_ENVIRONMENT_ID = re.compile(
    r"^(?:Default-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)


JPEG_SIGNATURE = b"\xff\xd8\xff"


_SCRIPT_CLASS = re.compile(r"\bclass\s+Script\s*:\s*ScriptBase\b")


@rule(
    "PKG-02",
    Level.ERROR,
    "icon.png is a PNG image (a JPEG: warning; its size: CERT-21)",
    "PPC pull_request_template; D-CERT",
    "import: the icon is uploaded with the connector; a file that is no image is refused",
    example=(Change("icon.png", None, "GIF89a\x02\x00\x02\x00"),),
)
def icon(ctx: Context) -> Iterator[Finding]:
    """The icon is uploaded with the connector and shown in every list."""
    if ctx.icon is None:
        return
    size = png_size(ctx.icon)
    if size is not None and 0 in size:
        yield ctx.report(ICON, "", f"the PNG image is {size[0]}x{size[1]}")
    elif size is None and ctx.icon.startswith(JPEG_SIGNATURE):
        # the maker portal takes PNG or JPG; certification asks for PNG
        yield ctx.report(ICON, "", "a JPEG image, not a PNG", Level.WARNING)
    elif size is None:
        yield ctx.report(ICON, "", "not a PNG image (no PNG signature and IHDR chunk)")
    if size is not None:
        depth, kind = png_format(ctx.icon)
        if depth not in PNG_DEPTHS.get(kind, ()):
            message = f"the IHDR chunk gives bit depth {depth} with colour type {kind}"
            yield ctx.report(ICON, "", message + ", which PNG does not allow")


def png_format(data: bytes) -> tuple[int, int]:
    """(bit depth, colour type) from the IHDR chunk of a PNG; (0, 0) when it is cut short."""
    return (data[24], data[25]) if len(data) >= 26 else (0, 0)


@rule(
    "PKG-03",
    Level.ERROR,
    "script.csx: at most 1 MB, Script : ScriptBase with ExecuteAsync; scriptOperations (warning)",
    "D-CODE; PPC tools/paconn-cli/README.md",
    "run time: the platform runs class Script's ExecuteAsync, and takes code of at most 1 MB",
    example=(Change("script.csx", None, REMOVE),),
)
def script(ctx: Context) -> Iterator[Finding]:
    """The platform runs class Script's ExecuteAsync for the operations in scriptOperations, and
    refuses code larger than 1 MB.
    """
    yield from _script_operations(ctx)
    if ctx.script is None:
        return
    size = ctx.sizes.get(SCRIPT, 0)
    if size > MAX_SCRIPT_BYTES:
        message = f"the file has {size} bytes; at most {MAX_SCRIPT_BYTES:,} allowed"
        yield ctx.report(SCRIPT, "", message)
    if not _SCRIPT_CLASS.search(ctx.script):
        yield ctx.report(SCRIPT, "", "no 'class Script : ScriptBase'")
    if next(execute_overrides(ctx.script, stops=";{}()"), None) is None:
        yield ctx.report(SCRIPT, "", "no override of ExecuteAsync()")


def _script_operations(ctx: Context) -> Iterator[Finding]:
    props = ctx.properties
    listed = as_list(props.get("scriptOperations")) if props is not None else None
    if listed and ctx.script is None:
        where = pointer("properties", "scriptOperations")
        # the listed operations then run without code (certified connectors ship this)
        message = "scriptOperations are listed but script.csx is missing"
        yield ctx.report(PROPERTIES, where, message, Level.WARNING)


@rule(
    "PKG-04",
    Level.ERROR,
    "settings.json: environment is an environment id (GUID); other keys are paconn's (warning)",
    "PPC schemas/paconn-settings.schema.json; settingsserializer.py",
    "import: paconn sends the environment id to the service, which refuses a malformed one",
    example=(Change("settings.json", "", []),),
)
def settings(ctx: Context) -> Iterator[Finding]:
    """paconn reads settings.json; its environment is an environment id."""
    if SETTINGS not in ctx.documents:
        return
    values = ctx.settings
    if values is None:
        yield ctx.report(SETTINGS, "", "the root must be an object")
        return
    for key in sorted(values.keys() - SETTINGS_KEYS):
        # paconn reads the keys it knows and ignores the rest (settingsserializer.py)
        message = f"'{key}' is not a paconn setting and is ignored"
        yield ctx.report(SETTINGS, pointer(key), message, Level.WARNING)
    environment = values.get("environment")
    valid = isinstance(environment, str) and _ENVIRONMENT_ID.match(environment)
    if "environment" in values and not valid:
        message = "'environment' must be an environment id (a GUID, or Default-<GUID>)"
        yield ctx.report(SETTINGS, pointer("environment"), message)


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


_SECRET_WORDS = r"secret|password|passwd|api[_-]?key|token|code|signature"
_SECRET_NAMES = re.compile(_SECRET_WORDS, re.I)


# A member whose name (1 to 100 characters) holds a secret word and whose value is a string;
# the lookahead keeps the members of other names out of the Python loop below.
_STRING_MEMBER = re.compile(
    rf'"(?=[^"\\\n]{{0,100}}?(?:{_SECRET_WORDS}))([^"\\\n]{{1,100}})"\s*:\s*"', re.I
)


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
    example=(Change("settings.json", "/clientSecret", "Zq3v9XkL2mP8rT5wY7bN1cF4hJ6dS0aE"),),
)
def secrets(ctx: Context) -> Iterator[Finding]:
    """Looks for known credential formats and secret-like values in the strings of the files
    (documentation example keys are not reported). A connector package is shared and often
    published; Microsoft's repository scans every submission with CredScan.
    """
    for name in JSON_FILES:
        if name in ctx.documents and _may_hold_secrets(ctx.texts.get(name, "")):
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


RULES: tuple[Rule, ...] = (
    required_files,
    icon,
    script,
    settings,
    secrets,
    paconn_description,
)
