"""Guards --out: replace only what this tool wrote, never a project or home, with normal modes."""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.errors import PackageWriteError

MANIFEST = ".kintone-connector"
MANIFEST_MARK = "# Written by kintone-connector"  # how any version's manifest starts
MANIFEST_HEADER = f"{MANIFEST_MARK} build; the next build may replace these files:"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry of a zip this tool writes carries this time
_SHOWN = 10  # foreign names listed in a refusal
_WALK_LIMIT = 10_000  # a connector folder is flat and small; a bigger tree is not one
_PROJECT_MARKERS = (".git", "pyproject.toml")


def with_manifest(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The folder form of a package: its files plus the manifest naming them."""
    names = sorted(name for name in files if name != MANIFEST)
    text = "\n".join([MANIFEST_HEADER, *names]) + "\n"
    return {**files, MANIFEST: text.encode("utf-8")}


def manifest_names(folder: Path) -> set[str] | None:
    """The names a previous build recorded in ``folder``; None without a valid manifest."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.splitlines()
    if not lines or not lines[0].startswith(MANIFEST_MARK):
        return None
    names = {line for line in lines[1:] if line}
    if any("/" in name or "\\" in name or name in (".", "..") for name in names):
        return None
    return names


def check_folder_replaceable(out: Path, names: Iterable[str], force: bool = False) -> None:
    """Raise unless ``out`` is missing, empty or a package this tool wrote (or --force allows it).

    Raised errors name the foreign files; --force never applies to the filesystem root, a home
    folder, a folder holding .git or pyproject.toml, or the tool's own source.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise PackageWriteError(f"{out} exists and is not a folder; nothing written")
    foreign = foreign_entries(out, set(names))
    if not foreign:
        return
    reason = protected_reason(out)
    if reason is not None:
        raise PackageWriteError(
            f"refusing to replace {out}: {reason}; nothing written — choose a new or empty "
            "folder for --out"
        )
    if not force:
        unrecorded = "" if manifest_names(out) is not None else f" (it has no {MANIFEST} manifest)"
        raise PackageWriteError(
            f"refusing to replace {out}: it holds files kintone-connector did not write"
            f"{unrecorded}: {_listing(foreign)}; nothing written — move them away, choose a new "
            "or empty folder, or pass --force to replace the folder"
        )


def foreign_entries(folder: Path, names: set[str]) -> list[str]:
    """Entries of ``folder`` that no previous build of this tool wrote (sorted)."""
    entries = sorted(entry.name for entry in folder.iterdir())
    recorded = manifest_names(folder)
    if recorded is None:
        # No manifest: a package written before manifests existed has exactly the files.
        if set(entries) == names - {MANIFEST} and all(_is_plain_file(folder / e) for e in entries):
            return []
        return entries
    ours = recorded | {MANIFEST}
    return [e for e in entries if e not in ours or not _is_plain_file(folder / e)]


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    more = len(names) - _SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def protected_reason(out: Path) -> str | None:
    """Why ``out`` may never be replaced, even with --force; None when it may."""
    target = out.resolve()
    if target == Path(target.anchor):
        return "it is the filesystem root"
    if target.parent == Path(target.anchor):
        return "it sits directly under the filesystem root (a system folder such as /tmp or /home)"
    if os.path.ismount(target):
        return "it is a mount point"
    for label, place in _protected_places():
        if place == target:
            return f"it is {label}"
        if target in place.parents:
            return f"it holds {label}"
    return _project_marker(target)


def _protected_places() -> list[tuple[str, Path]]:
    places = [("kintone-connector's own source", Path(__file__).resolve().parent)]
    places.append(("the current folder", Path.cwd().resolve()))
    with contextlib.suppress(RuntimeError):  # no home folder known: nothing to protect there
        places.append(("your home folder", Path.home().resolve()))
    return places


def _project_marker(folder: Path) -> str | None:
    """A .git or pyproject.toml anywhere in ``folder``: it is (or holds) a project."""
    if not folder.is_dir():
        return None
    seen = 0
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable.append):
        for marker in _PROJECT_MARKERS:
            if marker in dirs or marker in files:
                where = Path(root, marker).relative_to(folder)
                return f"it holds {where}, so it is or contains a project"
        seen += len(dirs) + len(files)
        if seen > _WALK_LIMIT:
            return f"it holds more than {_WALK_LIMIT:,} entries, so it is no connector folder"
    if unreadable:
        where = unreadable[0].filename or folder
        return f"it holds {where}, which cannot be read to check it is no project"
    return None


def check_zip_replaceable(out: Path) -> None:
    """Raise unless ``out`` is missing or a zip this tool wrote (every entry at ZIP_TIME)."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_dir():
        raise PackageWriteError(f"refusing to write {out}: it is a folder; nothing written")
    if not _is_our_zip(out):
        raise PackageWriteError(
            f"refusing to overwrite {out}: it is not a zip written by kintone-connector; "
            "nothing written — delete it or choose another --out"
        )


def _is_our_zip(path: Path) -> bool:
    if not _is_plain_file(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        return False
    return bool(infos) and all(info.date_time == ZIP_TIME for info in infos)


def default_mode(folder: bool) -> int:
    """0o755 for folders, 0o644 for files under umask 022: what the user's umask allows."""
    mask = os.umask(0o022)
    os.umask(mask)
    return (0o777 if folder else 0o666) & ~mask
