"""Writes the package folder atomically, compares it with a fresh build, and zips it."""

from __future__ import annotations

import difflib
import io
import json
import os
import shutil
import signal
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from generator.errors import PackageWriteError
from generator.outguard import ZIP_TIME, check_folder_replaceable, default_mode, with_manifest

ZipTarget = Literal["portal", "paconn"]
_ZIP_TIME = ZIP_TIME  # fixed so that zips are byte-identical across runs
_DIFF_LINES = 40


def write_package(files: Mapping[str, bytes], out: Path, force: bool = False) -> None:
    """Replace ``out`` with ``files`` and their manifest; on any error ``out`` stays intact.

    Only a missing or empty folder, or one a previous build wrote, is replaced (see outguard).
    """
    files = with_manifest(files)
    check_folder_replaceable(out, files, force)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=parent))
        staging.chmod(default_mode(folder=True))  # mkdtemp makes it 0700
    except OSError as exc:
        raise PackageWriteError(f"cannot create {out}: {exc.strerror or exc}") from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        with signals_held():
            _swap(staging, out.resolve())
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackageWriteError(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:  # Ctrl-C while writing the staging folder: leave nothing behind
        shutil.rmtree(staging, ignore_errors=True)
        raise


_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while the block runs; they arrive once it is done, so
    a swap of folders is never cut in half (the old folder renamed away, the new one not yet
    in place). Only the main thread can hold them; elsewhere the block just runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    backup.rmdir()
    out.rename(backup)
    try:
        staging.rename(out)
    except OSError:
        backup.rename(out)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def package_drift(files: Mapping[str, bytes], out: Path) -> list[str]:
    """Lines describing how ``out`` differs from ``files`` (and its manifest); empty when same."""
    files = with_manifest(files)
    if not out.is_dir():
        return [f"{out} does not exist"]
    present = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
    lines: list[str] = []
    for name in sorted(set(files) | set(present)):
        if name not in present:
            lines.append(f"missing: {name}")
        elif name not in files:
            lines.append(f"not generated: {name}")
        elif present[name] != files[name]:
            lines.extend(_changed(name, present[name], files[name]))
    return lines


def _changed(name: str, old: bytes, new: bytes) -> list[str]:
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return [f"changed: {name} (binary, {len(old)} → {len(new)} bytes)"]
    diff = difflib.unified_diff(
        old_text.splitlines(),
        new_text.splitlines(),
        f"{name} (on disk)",
        f"{name} (fresh)",
        lineterm="",
        n=1,
    )
    lines = [f"changed: {name}", *list(diff)]
    if len(lines) > _DIFF_LINES:
        lines = [*lines[:_DIFF_LINES], f"... ({len(lines) - _DIFF_LINES} more diff lines)"]
    return lines


def zip_bytes(files: Mapping[str, bytes], target: ZipTarget = "portal") -> bytes:
    """A deterministic zip of the package; the paconn variant drops stackOwner."""
    prepared = dict(files)
    if target == "paconn" and "apiProperties.json" in prepared:
        prepared["apiProperties.json"] = _without_stack_owner(prepared["apiProperties.json"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(prepared):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, prepared[name])
    return buffer.getvalue()


def _without_stack_owner(data: bytes) -> bytes:
    # paconn create/update fails on stackOwner ("Could not find member 'stackOwner'").
    document = json.loads(data.decode("utf-8-sig"))
    properties = document.get("properties") if isinstance(document, dict) else None
    if isinstance(properties, dict):
        properties.pop("stackOwner", None)
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    temp: str | None = None
    try:
        path.resolve().parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
        os.fchmod(fd, default_mode(folder=False))  # mkstemp makes it 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        raise PackageWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:  # Ctrl-C before the rename: no temporary file is left behind
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        raise
