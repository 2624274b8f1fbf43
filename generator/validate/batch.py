"""Validate many connectors in one process, or spread over a pool of worker processes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from generator.validate import Context, validate_context
from generator.validate.reader import ConnectorFiles
from generator.validate.report import Located, locate

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# Libraries rules import on first use; loaded once before forking so each worker inherits them.
_LAZY_IMPORTS = ("openapi_spec_validator",)


def check(files: ConnectorFiles, rules: Collection[str] | None = None) -> list[Located]:
    """The findings of one connector, sorted by place, each with its line and column."""
    ctx = Context.from_files(files)
    return locate(validate_context(ctx, rules=rules), files, ctx.parsed_texts)


def check_many(
    connectors: Sequence[ConnectorFiles], rules: Collection[str] | None = None, jobs: int = 1
) -> list[list[Located]]:
    """The located findings of each connector, in order; ``jobs`` > 1 uses that many processes."""
    workers = min(jobs, len(connectors))
    if workers <= 1:
        return [check(files, rules) for files in connectors]
    from concurrent.futures import ProcessPoolExecutor  # only here: a single process needs no pool

    for name in _LAZY_IMPORTS:
        importlib.import_module(name)
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        return list(pool.map(check, connectors, [rules] * len(connectors)))


def _context() -> BaseContext | None:
    """Fork on Linux (this process runs no threads): workers start with every module loaded.

    Elsewhere the platform's default, since macOS system libraries are not fork-safe.
    """
    import multiprocessing

    return multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
