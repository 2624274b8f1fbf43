"""Model → the files of the connector package, as bytes, deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jinja2

from generator.errors import ConnectorError
from generator.model import Connector
from generator.render.environment import make_environment
from generator.render.icon import icon_png
from generator.render.properties import properties_context, script_context, settings_context
from generator.render.readme import readme_context
from generator.render.script import HEAD_TEMPLATE, SCRIPT_DIR, script_text
from generator.render.swagger import swagger_context

SWAGGER = "apiDefinition.swagger.json"
PROPERTIES = "apiProperties.json"
SETTINGS = "settings.json"
ICON = "icon.png"
SCRIPT = "script.csx"
README = "README.md"

# file name → (template, context builder); the icon is drawn in code instead.
_TEMPLATES: dict[str, tuple[str, Callable[[Connector], dict[str, Any]]]] = {
    SWAGGER: ("apiDefinition.swagger.json.j2", swagger_context),
    PROPERTIES: ("apiProperties.json.j2", properties_context),
    SETTINGS: ("settings.json.j2", settings_context),
    README: ("README.md.j2", readme_context),
}


def render_package(connector: Connector) -> dict[str, bytes]:
    """Every file of the package, name → bytes, in a fixed order."""
    env = make_environment()
    files = {
        name: _render(env, name, template, build(connector))
        for name, (template, build) in _TEMPLATES.items()
    }
    files[SCRIPT] = render_script(connector)
    files[ICON] = icon_png(connector.info.brand_color)
    return dict(sorted(files.items()))


def render_script(connector: Connector) -> bytes:
    """script.csx: the rendered head (constants, dispatch) joined with the plain C# parts."""
    try:
        return script_text(script_context(connector)).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise ConnectorError(f"template {SCRIPT_DIR}/{HEAD_TEMPLATE}: {exc}") from None


def _render(env: jinja2.Environment, name: str, template: str, context: dict[str, Any]) -> bytes:
    try:
        text = env.get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise ConnectorError(f"template {template}: {exc}") from None
    if name.endswith(".json"):
        text = canonical_json(text, template)
    return text.encode("utf-8")


def canonical_json(text: str, source: str) -> str:
    """Parse rendered JSON and write it in the one fixed format of the package."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConnectorError(f"template {source} rendered invalid JSON: {exc}") from None
    return dumps(value)


def dumps(value: Any) -> str:
    """The package's JSON format: two-space indent, UTF-8 text, final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
