"""The tamper check's baseline (页面篡改): SHA-256 hashes of the deployed code, templates and static files.

`flask security baseline` hashes every file under core/, tenants/, themes/
and jobs/, and wsgi.py (never a cache: __pycache__, compiled .pyc files, the
editor's node_modules) and writes the result to
instance/integrity-manifest.json (SECURITY_INTEGRITY_MANIFEST). scripts/serve
takes it when there is none. The daily check hashes the tree again and names
every file changed, added or removed since: a template or a static file
changed on the server is how a defaced page (页面篡改) begins.

Take a new baseline after every deployment, and keep a copy of the manifest
(or the SHA-256 that `flask security baseline` prints) off the server: a
person who can change the code can change the manifest next to it too.
For the same reason the manifest's own SHA-256 is kept in the database
(a platform setting, `MANIFEST_DIGEST`), which in production is on another
host: a manifest replaced or removed other than by `flask security baseline`
is itself a serious finding, and `--if-missing` (scripts/serve) does not
quietly write a new one over a removed one.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

#: The deployed tree: the folder holding core/, tenants/, themes/, jobs/ and wsgi.py.
ROOT = Path(__file__).resolve().parents[2]

#: What is hashed, relative to the code root.
TREES = ("core", "tenants", "themes", "jobs")
FILES = ("wsgi.py",)
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", ".pytest_cache", ".git"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
MANIFEST_VERSION = 1
#: The PlatformSetting key keeping the SHA-256 of the manifest `flask security baseline` last wrote.
MANIFEST_DIGEST = "security_manifest_sha256"


class ManifestError(ValueError):
    """A manifest that cannot be read (not JSON, not ours, or from a newer version of the platform)."""


def code_root() -> Path:
    """The folder whose files are checked: SECURITY_CODE_ROOT, by default the deployed tree itself."""
    configured = current_app.config.get("SECURITY_CODE_ROOT")
    return Path(configured) if configured else ROOT


def manifest_path() -> Path:
    """SECURITY_INTEGRITY_MANIFEST, by default instance/integrity-manifest.json."""
    configured = current_app.config.get("SECURITY_INTEGRITY_MANIFEST")
    return Path(configured) if configured else Path(current_app.instance_path) / "integrity-manifest.json"


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at `path` (hex), as `write_manifest` returns it for the manifest it wrote."""
    return _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    """{path relative to `root`, with "/": SHA-256} of every file the check covers, sorted by path."""
    found: dict[str, str] = {}
    for name in FILES:
        if (root / name).is_file():
            found[name] = _sha256(root / name)
    for tree in TREES:
        for folder, directories, files in os.walk(root / tree):
            directories[:] = sorted(d for d in directories if d not in SKIPPED_DIRECTORIES)
            for name in sorted(files):
                path = Path(folder) / name
                if name.endswith(SKIPPED_SUFFIXES) or not path.is_file():
                    continue
                found[path.relative_to(root).as_posix()] = _sha256(path)
    return dict(sorted(found.items()))


def write_manifest(root: Path, path: Path, *, moment: datetime) -> tuple[int, str]:
    """Hash the tree under `root` and write the manifest to `path`, whole or not at all (a temporary name,
    renamed). Returns (files hashed, the manifest's own SHA-256, to keep off the server)."""
    files = hash_tree(root)
    text = json.dumps({"version": MANIFEST_VERSION, "taken_at": moment.isoformat(timespec="seconds"),
                       "files": files}, indent=1, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        partial.write_text(text, "utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return len(files), hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    path: str
    how: str  # "changed", "added", "removed"


def read_manifest(path: Path) -> dict:
    """The manifest's data: {"version", "taken_at", "files"}.

    :raises FileNotFoundError: when there is none.
    :raises ManifestError: when it cannot be read as one.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError(str(error)) from error
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict) \
            or data.get("version") != MANIFEST_VERSION:
        raise ManifestError("not an integrity manifest of this version")
    return data


def compare(root: Path, manifest: dict) -> list[Change]:
    """Every file changed, added or removed under `root` since the manifest was taken, by path."""
    before: dict[str, str] = manifest["files"]
    now = hash_tree(root)
    changes = [Change(p, "changed") for p in now if p in before and before[p] != now[p]]
    changes += [Change(p, "added") for p in now if p not in before]
    changes += [Change(p, "removed") for p in before if p not in now]
    return sorted(changes, key=lambda c: c.path)
