"""Find the C# toolchain: mono's mcs and runtime, Newtonsoft.Json and System.Net.Http."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConnectorError

# Debian package for each piece; ToolchainMissing names these so the fix is one apt-get line.
PACKAGES = {
    "mcs": "mono-mcs",
    "mono": "mono-runtime",
    "Newtonsoft.Json.dll": "libnewtonsoft-json-cil-dev",
    "System.Net.Http.dll": "libmono-system-net-http4.0-cil",
}
# Assemblies behind allowed namespaces (power-platform.md §3.6) that scripts may use. Referenced
# when present; a script using one that is missing gets a compiler error with this hint.
OPTIONAL_PACKAGES = {
    "System.Web.dll": "libmono-system-web4.0-cil",
    "System.Drawing.dll": "libmono-system-drawing4.0-cil",
    "System.IO.Compression.dll": "libmono-system-io-compression4.0-cil",
    "System.Xml.Linq.dll": "libmono-system-xml-linq4.0-cil",
    "System.Xml.dll": "libmono-system-xml4.0-cil",
    "Microsoft.CSharp.dll": "libmono-microsoft-csharp4.0-cil",
}
_NEWTONSOFT_CANDIDATES = (
    "/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll",
    "/usr/lib/cli/Newtonsoft.Json/Newtonsoft.Json.dll",
)


class ToolchainMissing(ConnectorError):
    """Raised when mcs, mono or a required assembly is missing; names the packages to install."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = tuple(missing)
        self.packages = tuple(dict.fromkeys(PACKAGES[name] for name in missing))
        super().__init__(
            f"C# toolchain incomplete: {', '.join(missing)} not found. Install it with: "
            f"sudo apt-get install {' '.join(self.packages)} (or run bash .ci/setup)"
        )


@dataclass(frozen=True)
class Toolchain:
    """Paths of the tools and the assemblies every compile references."""

    mcs: Path
    mono: Path
    newtonsoft: Path
    # -r: arguments for mcs: names resolved in mono's library folder.
    references: tuple[str, ...]
    # Optional assemblies that are not installed, e.g. ("System.Drawing.dll",).
    absent: tuple[str, ...]

    def identity(self) -> str:
        """A text that changes when any part of the toolchain changes (for cache keys)."""
        parts = [self.mcs, self.mono, self.newtonsoft]
        return "|".join(f"{p}:{_stamp(p)}" for p in parts) + "|" + ",".join(self.references)


def find_toolchain() -> Toolchain:
    """The installed toolchain; MCS, MONO and NEWTONSOFT_JSON_DLL override the search."""
    mcs = _tool("MCS", "mcs")
    mono = _tool("MONO", "mono")
    newtonsoft = _newtonsoft()
    library = _mono_library(mono)
    missing = [
        name
        for name, found in (("mcs", mcs), ("mono", mono), ("Newtonsoft.Json.dll", newtonsoft))
        if found is None
    ]
    if library is not None and not (library / "System.Net.Http.dll").is_file():
        missing.append("System.Net.Http.dll")
    if missing or mcs is None or mono is None or newtonsoft is None:
        raise ToolchainMissing(missing)
    # With an unknown layout, referencing a missing assembly would break every compile.
    present = [n for n in OPTIONAL_PACKAGES if library is not None and (library / n).is_file()]
    absent = tuple(n for n in OPTIONAL_PACKAGES if n not in present)
    return Toolchain(mcs, mono, newtonsoft, ("System.Net.Http.dll", *present), absent)


def _tool(variable: str, name: str) -> Path | None:
    override = os.environ.get(variable)
    found = shutil.which(override or name)
    return Path(found) if found else None


def _newtonsoft() -> Path | None:
    override = os.environ.get("NEWTONSOFT_JSON_DLL")
    candidates = [Path(override)] if override else [Path(c) for c in _NEWTONSOFT_CANDIDATES]
    if not override:
        gac = Path("/usr/lib/mono/gac/Newtonsoft.Json")
        candidates.extend(sorted(gac.glob("*/Newtonsoft.Json.dll"), reverse=True))
    return next((path for path in candidates if path.is_file()), None)


def _mono_library(mono: Path | None) -> Path | None:
    """mono's 4.5 profile folder (…/lib/mono/4.5), or None when the layout is unknown."""
    if mono is None:
        return None
    library = mono.resolve().parent.parent / "lib" / "mono" / "4.5"
    return library if library.is_dir() else None


def _stamp(path: Path) -> str:
    try:
        stat = path.resolve().stat()
    except OSError:
        return "?"
    return f"{stat.st_size}-{stat.st_mtime_ns}"
