"""The custom code in C#: compile script.csx with mcs against a platform stand-in, run it."""

from __future__ import annotations

from generator.devtools.csharp.compile import (
    CompileResult,
    Diagnostic,
    ScriptCompileError,
    compile_script,
    compile_source,
)
from generator.devtools.csharp.engine import (
    PLATFORM_LIMIT_MS,
    CompiledScript,
    ScriptError,
    ScriptRun,
    ScriptSession,
    ScriptTimeout,
)
from generator.devtools.csharp.toolchain import Toolchain, ToolchainMissing, find_toolchain

__all__ = [
    "PLATFORM_LIMIT_MS",
    "CompileResult",
    "CompiledScript",
    "Diagnostic",
    "ScriptCompileError",
    "ScriptError",
    "ScriptRun",
    "ScriptSession",
    "ScriptTimeout",
    "Toolchain",
    "ToolchainMissing",
    "compile_script",
    "compile_source",
    "find_toolchain",
]
