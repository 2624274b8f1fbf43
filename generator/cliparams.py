"""Parameter types shared by the commands."""

from __future__ import annotations

from typing import Any

import click


class PathType(click.Path):
    """click.Path that refuses, as a usage error, what no file system takes as a path.

    click stats the path while converting it; a NUL character there raises ValueError inside
    click (an internal error) instead of a message.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        if "\x00" in text:
            self.fail("a path cannot hold a NUL character (\\x00)", param, ctx)
        return super().convert(value, param, ctx)
