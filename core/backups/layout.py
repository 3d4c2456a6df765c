"""Where backups live on disk, what they are called, and the lock that keeps two runs apart.

A backup is one folder in BACKUP_FOLDER named ``govsites-YYYYMMDD-HHMMSS``
(the city time it started)::

    govsites-20261201-020000/
        manifest.json           what is in it: schema revision, row counts and checksums, every file's SHA-256
        database.sqlite3.gz     the SQLite copy (gzip), or database.pgdump (pg_dump -Fc)
        uploads/site-3/…        the uploaded files, as they are in UPLOAD_FOLDER

It is written as ``.partial-<name>`` and renamed when complete, so a folder
under a backup's name is always whole; a run that fails removes its partial
folder, and the next run removes any a crash left. The same holds in the copy
folder (BACKUP_COPY_FOLDER).
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from flask import current_app

from core.backups.errors import BackupError

PREFIX = "govsites-"
NAME = re.compile(r"^govsites-(\d{8}-\d{6})(?:-(\d+))?$")
PARTIAL = ".partial-"
MANIFEST = "manifest.json"
UPLOADS = "uploads"
LOCK = ".lock"


def backup_folder() -> Path:
    """BACKUP_FOLDER, created (readable by this account only) when missing.

    :raises BackupError: ("folder") when it cannot be created.
    """
    return _ensure(Path(current_app.config["BACKUP_FOLDER"]))


def copy_folder() -> Path | None:
    """BACKUP_COPY_FOLDER when configured (created when missing), else None."""
    configured = str(current_app.config.get("BACKUP_COPY_FOLDER") or "").strip()
    return _ensure(Path(configured)) if configured else None


def _ensure(folder: Path) -> Path:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError("folder", path=str(folder), detail=error.strerror or str(error)) from error
    return folder


def new_name(now: datetime, folder: Path) -> str:
    """The name of a backup started at `now` (city time); a second one in the same second gets -2, -3, …"""
    base = f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    name, n = base, 1
    while (folder / name).exists() or (folder / f"{PARTIAL}{name}").exists():
        n += 1
        name = f"{base}-{n}"
    return name


def started_at(name: str) -> datetime | None:
    """When the backup called `name` started (from its name), or None for a name that is not a backup's."""
    match = NAME.match(name)
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S") if match else None


def complete_backups(folder: Path) -> list[str]:
    """The names of the whole backups in `folder` (a folder with its manifest), oldest first."""
    if not folder.is_dir():
        return []
    names = [entry.name for entry in os.scandir(folder)
             if entry.is_dir() and NAME.match(entry.name) and (Path(entry.path) / MANIFEST).is_file()]
    return sorted(names, key=lambda n: (started_at(n), n))


def remove_partials(folder: Path) -> int:
    """Delete what interrupted runs left (``.partial-*``, ``.verify-*``); call while holding the lock."""
    removed = 0
    if folder.is_dir():
        for entry in os.scandir(folder):
            if entry.name.startswith((PARTIAL, ".verify-")):
                remove(Path(entry.path))
                removed += 1
    return removed


def remove(path: Path) -> None:
    """Delete a file or a folder tree, whichever it is; nothing when it is gone already."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass


def folder_size(path: Path) -> int:
    """Bytes of every file under `path` (hard links counted each time: what a copy of it would take)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(root, name)).st_size
    return total


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the backup folder's lock: one backup, verify or restore at a time on this folder.

    An advisory lock (flock) on ``<folder>/.lock``, released when the process ends, however it ends.

    :raises BackupError: ("busy") when another process holds it.
    """
    path = folder / LOCK
    handle = open(path, "a+")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError("busy", path=str(path)) from None
        yield
    finally:
        handle.close()
