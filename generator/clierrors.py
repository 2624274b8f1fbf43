"""Our exceptions become click errors: the message, exit code 1, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from generator.errors import ConnectorError


@contextmanager
def our_errors() -> Iterator[None]:
    """Turn project exceptions into click errors (exit 1) with their message."""
    try:
        yield
    except ConnectorError as exc:
        raise click.ClickException(str(exc)) from None
