"""The uploaded files in a backup: copied (or linked to the previous backup's identical copy), checked, restored.

Uploads are written once under random names and never changed in place
(core.content.files), so a file with the same path, size and modification
time as in the previous backup is the same file: the new backup hard-links to
that copy instead of copying it again, and takes its SHA-256 from the previous
manifest. A night's backup then writes only the files uploaded since, and
every backup folder is still complete on its own (deleting one never takes a
file from another). Where the file system cannot link, the file is copied.
Names starting with a dot are left out: files still being written, and what a
restore set aside.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.backups.layout import UPLOADS, remove
from jobs import progress

CHUNK = 1024 * 1024


def _walk(root: Path) -> list[tuple[str, os.stat_result]]:
    """(path relative to `root` with "/", stat) of every file under it, dot names left out, sorted."""
    found = []
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            stat = path.lstat()
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), stat))
    return found


def sha256_of(path: Path, bar=None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if bar is not None:
                bar.advance(len(chunk))
    return digest.hexdigest()


def file_entries(root: Path) -> dict[str, dict]:
    """Every upload under `root` as a manifest lists it: ``{"uploads/<path>": {"size", "sha256"}}`` (read now).

    The same keys as a backup's manifest, so the uploads a restore put back compare with the backup's list
    (`core.backups.checksums.fold_sites`).
    """
    return {f"{UPLOADS}/{rel}": {"size": stat.st_size, "sha256": sha256_of(root / rel)} for rel, stat in _walk(root)}


def _copy_hashing(source: Path, target: Path, bar) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            bar.advance(len(chunk))
    shutil.copystat(source, target)  # the time too: the upload sweep's grace period counts from it
    return digest.hexdigest()


def copy_uploads(source: Path, backup: Path, previous: tuple[Path, dict] | None) -> dict[str, dict]:
    """Copy every upload under `source` into ``<backup>/uploads/``.

    :param previous: (folder, manifest files) of the newest earlier backup, whose unchanged files are linked.
    :returns: manifest entries ``{"uploads/<path>": {"size", "sha256", "mtime_ns", "linked"}}``.
    """
    files = _walk(source)
    entries: dict[str, dict] = {}
    target_root = backup / UPLOADS
    target_root.mkdir(exist_ok=True)
    with progress.phase(_l("Copying the uploaded files"), total=sum(s.st_size for _, s in files),
                        unit="bytes") as bar:
        for rel, stat in files:
            key = f"{UPLOADS}/{rel}"
            target = target_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            before = previous[1].get(key) if previous else None
            if before and before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns:
                try:
                    os.link(previous[0] / key, target)
                    entries[key] = {"size": stat.st_size, "sha256": before["sha256"], "mtime_ns": stat.st_mtime_ns}
                    bar.advance(stat.st_size)
                    continue
                except OSError:
                    pass  # gone from the previous backup, or no links here: copy it
            try:
                sha = _copy_hashing(source / rel, target, bar)
            except FileNotFoundError:
                continue  # deleted since the walk (an unreferenced file swept): not part of this backup
            entries[key] = {"size": stat.st_size, "sha256": sha, "mtime_ns": stat.st_mtime_ns}
    return entries


def check_files(folder: Path, expected: dict[str, dict], label=None) -> list[dict]:
    """Compare the files under `folder` with the manifest's list; return the differences (empty: all match).

    Each difference is ``{"what": "file_missing"|"file_size"|"file_changed"|"file_extra", "file": path, …}``.
    """
    problems = []
    with progress.phase(label or _l("Checking the files' checksums"),
                        total=sum(e["size"] for e in expected.values()), unit="bytes") as bar:
        for key, entry in sorted(expected.items()):
            path = folder / key
            if not path.is_file():
                problems.append({"what": "file_missing", "file": key})
                bar.advance(entry["size"])
                continue
            size = path.stat().st_size
            if size != entry["size"]:
                problems.append({"what": "file_size", "file": key, "expected": entry["size"], "found": size})
                bar.advance(entry["size"])
                continue
            if sha256_of(path, bar) != entry["sha256"]:
                problems.append({"what": "file_changed", "file": key})
    listed = set(expected) | {"manifest.json"}
    for rel, _stat in _walk(folder):
        if rel not in listed:
            problems.append({"what": "file_extra", "file": rel})
    return problems


def restore_uploads(backup: Path, upload_folder: Path, expected: dict[str, dict]) -> Path | None:
    """Make UPLOAD_FOLDER hold exactly the backup's uploads; return where the previous ones were set aside.

    The files are copied into ``<UPLOAD_FOLDER>/.restore-<time>/`` first (the upload folder may be a mount
    point, so everything moves inside it), then the folder's current entries are moved into
    ``.before-restore-<time>/`` and the restored ones up into their place: renames, no half state for long.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    upload_folder.mkdir(parents=True, exist_ok=True)
    incoming = upload_folder / f".restore-{stamp}"
    kept = upload_folder / f".before-restore-{stamp}"
    source = backup / UPLOADS
    try:
        with progress.phase(_l("Restoring the uploaded files"),
                            total=sum(e["size"] for k, e in expected.items() if k.startswith(UPLOADS + "/")),
                            unit="bytes") as bar:
            for key in sorted(expected):
                if not key.startswith(UPLOADS + "/"):
                    continue
                rel = key[len(UPLOADS) + 1:]
                target = incoming / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy_hashing(source / rel, target, bar)
    except BaseException:
        remove(incoming)
        raise
    incoming.mkdir(exist_ok=True)
    current = [entry for entry in os.scandir(upload_folder) if not entry.name.startswith(".")]
    if current:
        kept.mkdir()
        for entry in current:
            os.replace(entry.path, kept / entry.name)
    for entry in os.scandir(incoming):
        os.replace(entry.path, upload_folder / entry.name)
    incoming.rmdir()
    return kept if current else None
