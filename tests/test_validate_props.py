"""Property-based robustness: any JSON value in any position yields findings, never an exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.validate import RULES, read_connector, validate_files
from generator.validate.diff import diff_files
from generator.validate.reader import ICON, JSON_FILES, PROPERTIES, SETTINGS, SWAGGER
from generator.validate.report import locate, render_sarif
from tests.test_validate import _positions, _replaced
from tests.validate.defects import DATA

CLEAN = read_connector(DATA / "clean")
DOCUMENTS = {name: json.loads(CLEAN[name]) for name in (SWAGGER, PROPERTIES, SETTINGS)}
POSITIONS = [(name, tokens) for name, doc in DOCUMENTS.items() for tokens in _positions(doc)]
KEYS = st.sampled_from(
    [
        "x-ms-trigger",
        "x-ms-visibility",
        "x-ms-notification-url",
        "x-ms-dynamic-values",
        "x-ms-enum-values",
        "$ref",
        "type",
        "items",
        "properties",
        "required",
        "default",
        "enum",
        "in",
        "name",
        "schema",
        "parameters",
        "operationId",
        "minLength",
        "maxLength",
        "pattern",
        "security",
        "oAuthSettings",
        "templateId",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["#/definitions/AddedRecord", "#/paths", "#", "internal", "single", "[("])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
SETTINGS_ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutated(name: str, tokens: tuple[str, ...], value: Any) -> dict[str, bytes]:
    document = _replaced(DOCUMENTS[name], tokens, value)
    return {**CLEAN, name: json.dumps(document).encode()}


@SETTINGS_
@given(st.sampled_from(POSITIONS), JSON_VALUES)
def test_any_value_anywhere_gives_findings(place: tuple[str, tuple[str, ...]], value: Any) -> None:
    files = mutated(*place, value)
    findings = validate_files(files, skip=["SWAGGER-01"])
    assert all(f.rule in RULES for f in findings)
    render_sarif(locate(findings, files), list(RULES.values()), "connector")


@SETTINGS_
@given(st.sampled_from(POSITIONS), JSON_VALUES)
def test_diff_of_any_mutation_never_raises(place: tuple[str, tuple[str, ...]], value: Any) -> None:
    files = mutated(*place, value)
    diff_files(CLEAN, files)
    diff_files(files, CLEAN)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(JSON_FILES), st.binary(max_size=200))
def test_any_bytes_in_a_json_file_never_raise(name: str, data: bytes) -> None:
    findings = validate_files({**CLEAN, name: data}, skip=["SWAGGER-01"])
    assert all(f.rule in RULES for f in findings)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=120))
def test_any_icon_bytes_never_raise(tail: bytes) -> None:
    for data in (tail, CLEAN[ICON][:40] + tail):
        validate_files({**CLEAN, ICON: data}, rules=["PKG-02", "CERT-21"])
