"""Defects made from the clean connector (tests/data/validate/clean) for the rule tests.

Each test module of tests/validate/ holds the CASES of one rule family; ``case`` and
``overlay`` build them, ``defective`` applies the changes, ``expand`` spells the findings.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from generator.validate import read_connector

DATA = Path(__file__).resolve().parents[1] / "data" / "validate"

FILES = {
    "S": "apiDefinition.swagger.json",
    "P": "apiProperties.json",
    "T": "settings.json",
    "I": "icon.png",
    "C": "script.csx",
    "R": "readme.md",
}

DROP = object()  # as a value: delete the key or file

# JSON pointers into the clean swagger
ADD = "/paths/~1k~1v1~1record.json/post"

BODY = ADD + "/parameters/0"

APP = BODY + "/schema/properties/app"

RECORD = BODY + "/schema/properties/record"

APPS = "/paths/~1k~1v1~1apps.json/get"

FIELDS = "/paths/~1k~1v1~1app~1form~1fields.json/get"

HOOKS = "/paths/~1k~1v1~1webhooks.json"

HOOK = HOOKS + "/post"

HOOK_BODY = HOOK + "/parameters/0"

CALLBACK = HOOK_BODY + "/schema/properties/callbackUrl"

UNHOOK_PATH = "/paths/~1k~1v1~1webhooks~1{webhookId}"

UNHOOK = UNHOOK_PATH + "/delete"

META = "/x-ms-connector-metadata"

# JSON pointers into the clean apiProperties
PARAMS = "/properties/connectionParameters"

CONSTRAINTS = PARAMS + "/domain/uiDefinition/constraints"

POLICY = "/properties/policyTemplateInstances/0"

URL_TEMPLATE = POLICY + "/parameters/x-ms-apimTemplateParameter.urlTemplate"

PARAMETER_SETS = {
    "uiDefinition": {"displayName": "Authentication", "description": "How to sign in."},
    "values": [
        {
            "name": "key",
            "uiDefinition": {"displayName": "API token", "description": "Use an API token."},
            "parameters": {
                "api_key": {
                    "type": "securestring",
                    "uiDefinition": {"constraints": {"required": "yes"}},
                }
            },
        }
    ],
}

SET_HEADER = {
    "templateId": "SetHeader",
    "title": "Trace header",
    "parameters": {"x-ms-apimTemplateParameter.name": "X-Trace"},
}


def case(defect: str, rule: str, changes: list[tuple[str, str | None, Any]], *lines: str) -> Any:
    """A defect: changes to the clean files, and the exact findings of ``rule`` it must give."""
    return pytest.param(rule, changes, list(lines), id=f"{rule}:{defect}")


def overlay(defect: str, rule: str, *lines: str) -> Any:
    """A defect kept as files in tests/data/validate/<defect>/ that replace the clean ones."""
    folder = DATA / defect
    changes = [
        (name, None, (folder / name).read_bytes()) for name in sorted(read_connector(folder))
    ]
    return pytest.param(rule, changes, list(lines), id=f"{rule}:{defect}")


def _apply(document: Any, pointer: str, value: Any) -> Any:
    """Set (or with DROP delete) the value at a JSON pointer; returns the new document."""
    if pointer == "":
        return value
    *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    parent = document
    for token in parents:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    if isinstance(parent, list):
        if value is DROP:
            del parent[int(last)]
        elif int(last) == len(parent):
            parent.append(value)
        else:
            parent[int(last)] = value
    elif value is DROP:
        del parent[last]
    else:
        parent[last] = value
    return document


def defective(changes: list[tuple[str, str | None, Any]]) -> dict[str, bytes]:
    """The clean files with the changes applied."""
    files = read_connector(DATA / "clean")
    for alias, pointer, value in changes:
        name = FILES.get(alias, alias)
        if pointer is None and value is DROP:
            del files[name]
        elif pointer is None:
            files[name] = value
        else:
            files[name] = json.dumps(_apply(json.loads(files[name]), pointer, value)).encode()
    return files


def expand(rule: str, line: str) -> str:
    """'error S#/x: message' -> 'error RULE apiDefinition.swagger.json#/x: message'."""
    level, rest = line.split(" ", 1)
    where, message = rest.split(": ", 1)
    return f"{level} {rule} {FILES[where[0]]}{where[1:]}: {message}"


CLEAN_SWAGGER = (DATA / "clean" / "apiDefinition.swagger.json").read_bytes()

TITLE = b'"title": "kintone",'


def rgba_png(width: int, height: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A one-colour RGBA PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(rgba) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


QUERY = {
    "name": "lang",
    "in": "query",
    "type": "string",
    "x-ms-visibility": "internal",
    "default": "en",
    "required": True,
    "x-ms-summary": "Language",
    "description": "The language of the names.",
}

TENANT = {
    "type": "string",
    "metadata": {"sourceType": "AzureActiveDirectoryTenant"},
    "uiDefinition": {
        "displayName": "Tenant",
        "description": "The tenant ID of for the Azure Active Directory application",
        "constraints": {"hidden": "true", "required": "false"},
    },
}

OAUTH = {
    "type": "oauthSetting",
    "oAuthSettings": {
        "identityProvider": "oauth2",
        "clientId": "client",
        "redirectMode": "Local",
        "customParameters": {"loginUri": {"value": "https://login.example.com"}},
    },
}

POLLING_POLICY = {
    "templateId": "pollingtrigger",
    "title": "Poll",
    "parameters": {
        "x-ms-apimTemplateParameter.triggerConfig": {},
        "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().value",
        "x-ms-apimTemplate-operationName": ["ListApps"],
    },
}

GET_WEBHOOK = {
    "operationId": "GetWebhook",
    "summary": "Get a webhook",
    "description": "Gets a webhook.",
    "x-ms-visibility": "internal",
    "parameters": [
        {
            "name": "webhookId",
            "in": "path",
            "required": True,
            "type": "integer",
            "x-ms-url-encoding": "single",
            "x-ms-summary": "Webhook ID",
            "description": "The webhook.",
        }
    ],
    "responses": {"200": {"description": "The webhook.", "schema": {"type": "object"}}},
}

MANY_PATHS = {
    f"/p{i}": {"get": {"operationId": f"Op{i}", "responses": {"200": {"description": "OK."}}}}
    for i in range(257)
}
