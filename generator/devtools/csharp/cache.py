"""Build outputs cached by content hash in a private folder, written atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator.errors import ConnectorError

CACHE_VARIABLE = "KINTONE_CONNECTOR_CACHE"


def content_key(*parts: bytes | str) -> str:
    """A short hex digest of the parts (lengths included, so parts cannot run together)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:24]


def cache_root() -> Path:
    """$KINTONE_CONNECTOR_CACHE, else a per-user folder in the temp directory."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        root = Path(configured)
        root.mkdir(parents=True, exist_ok=True)
        return root
    root = Path(tempfile.gettempdir()) / f"kintone-connector-csharp-{_user()}"
    root.mkdir(mode=0o700, exist_ok=True)
    _check_private(root)
    return root


def cached_dir(name: str, build: Callable[[Path], bool]) -> tuple[Path, bool]:
    """(folder, True) for cache entry name, built by build(tmp) into a fresh folder if absent.

    build returns False when it failed: then the folder is not cached and (tmp, False) is
    returned; the caller may read what build left there.
    """
    root = cache_root()
    final = root / name
    if final.is_dir():
        return final, True
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    if not build(work):
        return work, False
    try:
        work.rename(final)
    except OSError:
        # Another process finished the same entry first; its result is equivalent.
        shutil.rmtree(work, ignore_errors=True)
    return final, True


def _user() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else os.environ.get("USERNAME", "user")


def _check_private(root: Path) -> None:
    """Refuse a shared temp folder someone else could have planted executables in."""
    getuid = getattr(os, "getuid", None)
    info = root.stat()
    if getuid is None:
        return
    if info.st_uid != getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConnectorError(
            f"{root} is not a private folder of this user; set {CACHE_VARIABLE} to another folder"
        )
