"""TRIG-xx: triggers declare their output."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import (
    PROPERTIES,
    SWAGGER,
)
from generator.validate.rule import REMOVE, Change, Rule, rule
from generator.validate.rules.common import NOTIFICATION_CONTENT, notification_urls, policies
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    elements,
    operation_index,
    operations,
    strings,
    success_schema,
    text,
)

OPERATION_NAME = "x-ms-apimTemplate-operationName"


def is_polling(swagger: JsonObject | None, op: Operation) -> bool:
    """A trigger that is not a webhook (no notification url, no notification content)."""
    if not op.is_trigger or NOTIFICATION_CONTENT in op.path_item.value:
        return False
    return not notification_urls(swagger, op)


@rule(
    "TRIG-01",
    Level.WARNING,
    "polling triggers declare their output: a 2xx response schema, trigger metadata or a policy",
    "D-EXT (x-ms-trigger, x-ms-trigger-metadata); PPC schema (pollingtrigger)",
    example=(
        Change("apiDefinition.swagger.json", "/paths/~1k~1v1~1apps.json/get/x-ms-trigger", "batch"),
        Change(
            "apiDefinition.swagger.json",
            "/paths/~1k~1v1~1apps.json/get/responses/200/schema",
            REMOVE,
        ),
    ),
)
def polling_triggers(ctx: Context) -> Iterator[Finding]:
    """The designer shows a polling trigger's outputs from its 2xx response schema, x-ms-
    trigger-metadata or its polling policy; without any of them the trigger has no
    outputs.
    """
    covered, all_covered = _polling_policy_operations(ctx)
    for op in operations(ctx.swagger):
        if not is_polling(ctx.swagger, op):
            continue
        has_output = success_schema(ctx.swagger, op) is not None
        described = "x-ms-trigger-metadata" in op.node.value
        if not (has_output or described or all_covered or op.operation_id in covered):
            message = "a polling trigger needs a 2xx response schema (its output)"
            yield ctx.report(SWAGGER, op.at("responses"), message)
    index = operation_index(ctx.swagger)
    for name, where in _policy_targets(ctx):
        if not isinstance(name, str):
            message = "the pollingtrigger policy lists something that is not an operation name"
            yield ctx.report(PROPERTIES, where, message)
            continue
        target = index.get(name)
        if target is not None and not target.is_trigger:
            # nothing shows that this breaks the action (our inference only): a warning
            message = f"the pollingtrigger policy names '{name}', which is not a trigger"
            yield ctx.report(PROPERTIES, where, message)


def _polling_policy_operations(ctx: Context) -> tuple[set[str], bool]:
    names, everything = set(), False
    for policy in _polling_policies(ctx):
        params = policy.child("parameters")
        listed = params.value.get(OPERATION_NAME) if params is not None else None
        everything = everything or listed is None
        names |= {listed} if isinstance(listed, str) else strings(listed)
    return names, everything


def _polling_policies(ctx: Context) -> Iterator[Node]:
    for policy in policies(ctx):
        template = text(policy.value.get("templateId"))
        if template is not None and template.lower() == "pollingtrigger":
            yield policy


def _policy_targets(ctx: Context) -> Iterator[tuple[object, str]]:
    for policy in _polling_policies(ctx):
        params = policy.child("parameters")
        listed = params.value.get(OPERATION_NAME) if params is not None else None
        for index, name in elements(listed):
            if params is not None:
                yield name, params.at(OPERATION_NAME, index)


RULES: tuple[Rule, ...] = (polling_triggers,)
