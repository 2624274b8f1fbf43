"""Values the description implies but does not spell out, added to the model before checks."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

from generator.model import Connector, Operation, Parameter, ScriptKind, ScriptRole

Problem = tuple[str, str]  # (JSON pointer below the operation, message)


@dataclass(frozen=True)
class ScriptFlags:
    """The description's keys on an operation that say how the custom code handles it.

    parse turns them into the one ScriptRole on the operation (``script_role``); nothing else
    reads them. bulk: "request" forwards the caller's bulkRequest; add, update and delete split
    up to 2,000 records into one bulkRequest of records.json calls.
    """

    custom_code: bool = False
    indexed_arrays: tuple[str, ...] = ()
    guest_space: bool = False
    polling: Literal["added", "updated", "status"] | None = None
    bulk: Literal["request", "add", "update", "delete"] | None = None


FLAG_KEYS = tuple(f.name for f in fields(ScriptFlags))


def script_role(
    flags: ScriptFlags, *, trigger: bool, named: ScriptKind | None = None
) -> tuple[ScriptRole, Problem | None]:
    """The operation's role, or a problem when its keys ask for no branch or for several."""
    chosen: list[tuple[str, ScriptKind]] = []
    if flags.polling is not None:
        chosen.append(("/polling", _POLLING[flags.polling]))
    if flags.bulk is not None:
        chosen.append(("/bulk", _BULK[flags.bulk]))
    if flags.indexed_arrays:
        chosen.append(("/indexed_arrays", "indexed"))
    if flags.custom_code and named is not None:
        chosen.append(("/custom_code", named))
    elif flags.custom_code and trigger and flags.polling is None:
        chosen.append(("/custom_code", "subscribe"))
    role = ScriptRole(
        kind=chosen[0][1] if chosen else "forward",
        indexed_arrays=flags.indexed_arrays,
        guest_space=flags.guest_space,
    )
    if len(chosen) > 1:
        names = " and ".join(at[1:] for at, _ in chosen)
        message = f"{names} cannot combine: the script handles an operation one way"
        return role, (chosen[1][0], message)
    if flags.polling is not None and not trigger:
        return role, ("/polling", "polling belongs to triggers")
    if flags.custom_code and not chosen:
        message = (
            "custom_code: true names no branch of the script (an operation"
            " custom_code names, a webhook trigger, indexed_arrays, bulk or polling)"
        )
        return role, ("/custom_code", message)
    return role, None


_POLLING: dict[str, ScriptKind] = {
    "added": "poll_added",
    "updated": "poll_updated",
    "status": "poll_status",
}
_BULK: dict[str, ScriptKind] = {
    "request": "bulk_request",
    "add": "bulk_add",
    "update": "bulk_update",
    "delete": "bulk_delete",
}


def with_derived(connector: Connector) -> Connector:
    """The connector with derived parameters added (the guest space ID, for now)."""
    name = connector.custom_code.guest_space_parameter
    return replace(
        connector,
        operations=tuple(_with_guest_space(op, name) for op in connector.operations),
        triggers=tuple(_with_guest_space(op, name) for op in connector.triggers),
    )


def _with_guest_space(op: Operation, name: str) -> Operation:
    if not op.script.guest_space or any(p.name == name for p in op.parameters):
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
