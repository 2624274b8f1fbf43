"""Rules on the other files: icon.png (PKG-02), script.csx (PKG-03), settings.json (PKG-04)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import ICON, PROPERTIES, SCRIPT, SETTINGS
from generator.validate.registry import rule
from generator.validate.shapes import as_list

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
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
_EXECUTE = re.compile(r"\boverride\b[^;{}()]*\bExecuteAsync\s*\(")


@rule(
    "PKG-02",
    Level.ERROR,
    "icon.png is a PNG image (a JPEG: warning; its size: CERT-21)",
    "PPC pull_request_template; D-CERT",
    "import: the icon is uploaded with the connector; a file that is no image is refused",
)
def icon(ctx: Context) -> Iterator[Finding]:
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


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk of a PNG, or None when it is not a PNG."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@rule(
    "PKG-03",
    Level.ERROR,
    "script.csx: at most 1 MB, Script : ScriptBase with ExecuteAsync; scriptOperations (warning)",
    "D-CODE; PPC tools/paconn-cli/README.md",
    "run time: the platform runs class Script's ExecuteAsync, and takes code of at most 1 MB",
)
def script(ctx: Context) -> Iterator[Finding]:
    yield from _script_operations(ctx)
    if ctx.script is None:
        return
    size = ctx.sizes.get(SCRIPT, 0)
    if size > MAX_SCRIPT_BYTES:
        message = f"the file has {size} bytes; at most {MAX_SCRIPT_BYTES:,} allowed"
        yield ctx.report(SCRIPT, "", message)
    if not _SCRIPT_CLASS.search(ctx.script):
        yield ctx.report(SCRIPT, "", "no 'class Script : ScriptBase'")
    if not _EXECUTE.search(ctx.script):
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
)
def settings(ctx: Context) -> Iterator[Finding]:
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
