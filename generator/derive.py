"""Values the description implies but does not spell out, added to the model before checks."""

from __future__ import annotations

from dataclasses import replace

from generator.model import Connector, Operation, Parameter


def with_derived(connector: Connector) -> Connector:
    """The connector with derived parameters added (the guest space ID, for now)."""
    name = connector.custom_code.guest_space_parameter
    return replace(
        connector,
        operations=tuple(_with_guest_space(op, name) for op in connector.operations),
        triggers=tuple(_with_guest_space(op, name) for op in connector.triggers),
    )


def _with_guest_space(op: Operation, name: str) -> Operation:
    if not op.guest_space or any(p.name == name for p in op.parameters):
        return op
    guest = Parameter(
        name=name,
        location="query",
        summary="Guest space ID",
        description="Only for apps in a guest space: the ID of the guest space.",
        type="string",
        visibility="advanced",
    )
    return replace(op, parameters=(*op.parameters, guest))
