"""The C# toolchain the tests need: fail under CI=true, skip elsewhere."""

from __future__ import annotations

import os

import pytest

from generator.devtools.csharp import Toolchain, ToolchainMissing, find_toolchain


def toolchain_or_skip() -> Toolchain:
    """The toolchain; without it the test fails in CI (CI is set) and is skipped elsewhere."""
    try:
        return find_toolchain()
    except ToolchainMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"C# toolchain required in CI: {exc}")
        pytest.skip(f"C# toolchain missing: {exc}")
