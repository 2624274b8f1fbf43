"""Compile script.csx with mcs against the platform stand-in; diagnostics located in the script."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from generator.devtools.csharp.cache import cached_dir, content_key
from generator.devtools.csharp.engine import CompiledScript
from generator.devtools.csharp.toolchain import OPTIONAL_PACKAGES, Toolchain, find_toolchain
from generator.errors import ConnectorError

SCRIPT_FILE = "script.csx"
SCRIPT_ASSEMBLY = "Script.dll"
COMPILE_LOG = "mcs.log"
COMPILE_TIMEOUT_S = 300
_LOCATED = re.compile(
    r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<column>\d+)\): "
    r"(?P<level>error|warning) (?P<code>CS\d+): (?P<message>.*)$"
)
_UNLOCATED = re.compile(r"^(?P<level>error|warning) (?P<code>CS\d+): (?P<message>.*)$")


class ScriptCompileError(ConnectorError):
    """Raised by CompileResult.script() when the script did not compile."""

    def __init__(self, result: CompileResult) -> None:
        self.result = result
        lines = [d.render() for d in result.errors] or [result.output.strip() or "no output"]
        super().__init__("script.csx does not compile:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Diagnostic:
    """One compiler message; line and column are 1-based in script.csx, 0 when not given."""

    level: str  # "error" or "warning"
    code: str  # e.g. "CS0246"
    message: str
    line: int = 0
    column: int = 0
    file: str = SCRIPT_FILE

    def render(self) -> str:
        """The compiler's own format: ``script.csx(3,7): error CS0246: message``."""
        where = f"{self.file}({self.line},{self.column}): " if self.line else ""
        return f"{where}{self.level} {self.code}: {self.message}"


@dataclass(frozen=True)
class CompileResult:
    """What mcs said about one script, and the compiled assembly when it compiled."""

    diagnostics: tuple[Diagnostic, ...]
    output: str
    compiled: CompiledScript | None
    cached: bool = False

    @property
    def ok(self) -> bool:
        """Whether the script compiled (warnings allowed)."""
        return self.compiled is not None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "warning")

    def script(self) -> CompiledScript:
        """The runnable script; ScriptCompileError listing the errors if it did not compile."""
        if self.compiled is None:
            raise ScriptCompileError(self)
        return self.compiled


def compile_script(script: Path | str, toolchain: Toolchain | None = None) -> CompileResult:
    """Compile the script.csx at path ``script`` (or the script.csx inside a connector folder).

    Raises ToolchainMissing when mcs/mono are not installed, ConnectorReadError-like
    ConnectorError when the file cannot be read. Compiled scripts are cached by content hash.
    """
    path = Path(script)
    if path.is_dir():
        path = path / SCRIPT_FILE
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise ConnectorError(f"{path}: cannot read the script: {exc}") from exc
    return compile_source(source, toolchain)


def compile_source(source: str | bytes, toolchain: Toolchain | None = None) -> CompileResult:
    """Compile script text as script.csx; see compile_script."""
    tools = toolchain or find_toolchain()
    data = source.encode("utf-8") if isinstance(source, str) else source
    harness = build_harness(tools)
    key = content_key(data, harness.name)
    outcome: list[str] = []

    def build(work: Path) -> bool:
        (work / SCRIPT_FILE).write_bytes(data)
        ok, output = _mcs(tools, work, _script_arguments(tools, harness))
        (work / COMPILE_LOG).write_text(output, encoding="utf-8")
        outcome.append(output)
        return ok

    folder, ok = cached_dir(f"script-{key}", build)
    output = outcome[0] if outcome else (folder / COMPILE_LOG).read_text(encoding="utf-8")
    if not ok:
        shutil.rmtree(folder, ignore_errors=True)
    diagnostics = tuple(_with_hint(d, tools) for d in parse_diagnostics(output))
    compiled = (
        CompiledScript(tools.mono, harness / HOST_EXE, folder / SCRIPT_ASSEMBLY) if ok else None
    )
    return CompileResult(diagnostics, output, compiled, cached=not outcome)


def parse_diagnostics(output: str) -> list[Diagnostic]:
    """Compiler messages of mcs output, in order; other lines (summaries) are left out."""
    found: list[Diagnostic] = []
    for raw in output.splitlines():
        line = raw.strip()
        located = _LOCATED.match(line)
        if located:
            found.append(
                Diagnostic(
                    located["level"],
                    located["code"],
                    located["message"],
                    int(located["line"]),
                    int(located["column"]),
                    Path(located["file"]).name,
                )
            )
            continue
        bare = _UNLOCATED.match(line)
        if bare:
            found.append(Diagnostic(bare["level"], bare["code"], bare["message"]))
    return found


# ---- The harness: platform stand-in and host, compiled once per toolchain -----------------

STUB_SOURCE = "ScriptBase.cs"
HOST_SOURCE = "Host.cs"
STUB_DLL = "ScriptBase.dll"
HOST_EXE = "ScriptHost.exe"
NEWTONSOFT_DLL = "Newtonsoft.Json.dll"


def harness_source(name: str) -> bytes:
    """A C# file shipped with the package (ScriptBase.cs or Host.cs)."""
    return resources.files("generator.devtools.csharp").joinpath(name).read_bytes()


def build_harness(tools: Toolchain) -> Path:
    """Folder with ScriptBase.dll, ScriptHost.exe and Newtonsoft.Json.dll, built if needed."""
    stub, host = harness_source(STUB_SOURCE), harness_source(HOST_SOURCE)
    key = content_key(stub, host, tools.identity())
    failure: list[str] = []

    def build(work: Path) -> bool:
        (work / STUB_SOURCE).write_bytes(stub)
        (work / HOST_SOURCE).write_bytes(host)
        shutil.copyfile(tools.newtonsoft, work / NEWTONSOFT_DLL)
        for arguments in _harness_arguments(tools):
            ok, output = _mcs(tools, work, arguments)
            if not ok:
                failure.append(output)
                return False
        return True

    folder, ok = cached_dir(f"harness-{key}", build)
    if not ok:
        shutil.rmtree(folder, ignore_errors=True)
        raise ConnectorError("the C# script host does not compile:\n" + failure[0])
    return folder


def _harness_arguments(tools: Toolchain) -> list[list[str]]:
    base = ["-r:System.Net.Http.dll"]
    stub = ["-target:library", f"-out:{STUB_DLL}", *base, STUB_SOURCE]
    host = ["-target:exe", f"-out:{HOST_EXE}", f"-r:{STUB_DLL}", f"-r:{NEWTONSOFT_DLL}", *base]
    return [stub, [*host, HOST_SOURCE]]


def _script_arguments(tools: Toolchain, harness: Path) -> list[str]:
    references = [f"-r:{harness / STUB_DLL}", f"-r:{harness / NEWTONSOFT_DLL}"]
    references += [f"-r:{name}" for name in tools.references]
    return ["-target:library", f"-out:{SCRIPT_ASSEMBLY}", *references, SCRIPT_FILE]


def _mcs(tools: Toolchain, work: Path, arguments: list[str]) -> tuple[bool, str]:
    """Run mcs in work; (succeeded, everything it printed)."""
    # utf8: scripts are UTF-8 (with or without BOM) whatever the machine's locale.
    command = [str(tools.mcs), "-codepage:utf8", "-optimize+", *arguments]
    try:
        done = subprocess.run(
            command, cwd=work, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        raise ConnectorError(f"mcs did not finish within {COMPILE_TIMEOUT_S} s") from exc
    return done.returncode == 0, done.stderr + done.stdout


def _with_hint(diagnostic: Diagnostic, tools: Toolchain) -> Diagnostic:
    """Name the Debian package when an error is about an assembly that is not installed."""
    for assembly in tools.absent:
        namespace = assembly.removesuffix(".dll")
        parent, _, last = namespace.rpartition(".")
        if f"`{last}' does not exist in the namespace `{parent}'" in diagnostic.message:
            hint = f" ({assembly} is not installed: apt-get install {OPTIONAL_PACKAGES[assembly]})"
            return replace(diagnostic, message=diagnostic.message + hint)
    return diagnostic
