"""Checks of the files: what sits in each site's upload folder, and whether the deployed code is as installed.

A site's folder holds every file its people and the public uploaded (items'
attachments, service forms, applicants' materials, files of applications for
disclosure). Each is read by its bytes, never by its name: a file that is not
what its extension says, a program or a server script among documents (a web
shell uploaded as a picture is how a site is taken over), or a file larger
than the platform accepts. Only the stored name and, for an item's
attachment, its title are put on a finding; the content is never copied.

Each file rule runs twice, as the account rules do: on every site's folder
("files.…", a finding on that site) and once on the folders of files that
belong to no site ("platform_files.…", a finding on the console). A module
that keeps such files under UPLOAD_FOLDER names its folder with
`add_platform_files` from its `init_app` (the bureau's training material does).
"""
from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content.files import FILE_SIGNATURES, PARTIAL_NAME, content_matches, upload_dir
from core.content.labels import human_size
from core.content.models import Article, Attachment
from core.extensions import db
from core.security.integrity import (MANIFEST_DIGEST, ManifestError, code_root, compare, file_digest, manifest_path,
                                     read_manifest)
from core.security.registry import CheckContext, Found, check
from tenants.provisioning import get_setting
from tenants.scoping import current_tenant_id

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Types the upload allow-list has beyond those core.content.files checks for the public's uploads.
MORE_SIGNATURES = {
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "rar": (b"Rar!\x1a\x07",),
    "ppt": (_OLE,),
    "pptx": (b"PK\x03\x04",),
}
MORE_PACKAGE_PARTS = {"pptx": "ppt/presentation.xml"}
#: Plain text: any bytes but NUL.
TEXT_TYPES = ("txt", "csv")
#: The beginnings of programs: (bytes, what they are).
PROGRAMS = (
    (b"\x7fELF", "ELF"),
    (b"#!/", "script"),
    (b"\xfe\xed\xfa\xce", "Mach-O"), (b"\xfe\xed\xfa\xcf", "Mach-O"), (b"\xce\xfa\xed\xfe", "Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"), (b"\xca\xfe\xba\xbe", "Mach-O/Java"),
)
#: Server-side script tags (PHP, JSP, ASP) inside a file that is not text: a web shell in disguise.
SCRIPT_TAGS = re.compile(rb"<\?php|<%@\s*page|<jsp:|<%\s*(eval|execute)\b|runat\s*=\s*[\"']?server", re.IGNORECASE)


def type_matches(extension: str, data: bytes, *, whole: bool = True) -> bool | None:
    """Whether `data` is what `extension` says: True, False, or None for a type the check does not know.

    `whole=False`: `data` is only the file's beginning (a file too large to read whole), so a package's parts
    are not looked for, only its first bytes.
    """
    if not whole:
        starts = FILE_SIGNATURES.get(extension) or MORE_SIGNATURES.get(extension)
        return data.startswith(starts) if starts else None
    if extension in FILE_SIGNATURES:
        return content_matches(extension, data)
    if extension in MORE_SIGNATURES:
        if not data.startswith(MORE_SIGNATURES[extension]):
            return False
        part = MORE_PACKAGE_PARTS.get(extension)
        if part is None:
            return True
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                return part in package.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return False
    if extension in TEXT_TYPES:
        return b"\x00" not in data[:65536]
    return None


def program_kind(extension: str, data: bytes) -> str:
    """What program or script `data` is ("PE", "ELF", "script", "server script", …), or "" when none."""
    if data[:2] == b"MZ" and len(data) >= 0x40:
        offset = int.from_bytes(data[0x3C:0x40], "little")
        if data[offset:offset + 4] == b"PE\x00\x00":
            return "PE"
    for start, kind in PROGRAMS:
        if data.startswith(start):
            return kind
    if extension not in TEXT_TYPES and SCRIPT_TAGS.search(data):
        return "server script"
    return ""


@dataclass(frozen=True)
class PlatformFiles:
    """A folder of files that belong to no site, and what a finding calls each of them."""

    #: The folder, read when the checks run (UPLOAD_FOLDER may differ between apps).
    folder: Callable[[], Path]
    #: path relative to the folder -> (the name people know the file by, the console page where it is fixed,
    #: more figures to keep on the finding); a file it does not name is named by its path.
    names: Callable[[], dict[str, tuple[str, str, dict]]]
    #: The console page where the folder's files are managed (the link of a file `names` does not know).
    page: str = ""


#: name -> the platform's folders of files (the name starts the findings' keys: "file:<name>/<path>").
PLATFORM_FILES: dict[str, PlatformFiles] = {}


def add_platform_files(name: str, folder: Callable[[], Path], names: Callable[[], dict[str, tuple[str, str, dict]]],
                       *, page: str = "") -> None:
    """Have the daily file checks read a folder of files that belong to no site (see PlatformFiles)."""
    PLATFORM_FILES[name] = PlatformFiles(folder, names, page)


@dataclass(frozen=True)
class _File:
    """One file the checks read: its key on a finding, where it is, its size, and how a finding names it."""

    key: str
    path: Path
    size: int
    name: str
    link: str = ""
    values: dict = field(default_factory=dict)

    @property
    def extension(self) -> str:
        base = self.path.name
        return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _walk(folder: Path) -> list[tuple[str, Path, int]]:
    """(path relative to `folder`, path, size) of every file in it, by path; files being written are left out."""
    found = []
    for parent, directories, files in os.walk(folder):
        directories.sort()
        for name in sorted(files):
            path = Path(parent) / name
            if PARTIAL_NAME.match(name) or not path.is_file():
                continue
            found.append((path.relative_to(folder).as_posix(), path, path.stat().st_size))
    return found


def site_files(ctx: CheckContext) -> list[tuple[str, Path, int]]:
    """(path relative to the site's folder, path, size) of every file in it, by path; files being written are
    left out."""
    return ctx.once("files", lambda: _walk(upload_dir(current_tenant_id())))


def _attachments(ctx: CheckContext) -> dict[str, tuple[str, int, str]]:
    """stored name -> (file name, item id, item title) of the site's attachments: a finding names them."""
    def read():
        rows = db.session.execute(
            select(Attachment.stored_name, Attachment.filename, Article.id, Article.title)
            .join(Article, (Article.id == Attachment.article_id) & (Article.tenant_id == Attachment.tenant_id)))
        return {stored: (filename, article_id, title) for stored, filename, article_id, title in rows}

    return ctx.once("attachments", read)


def _site_entries(ctx: CheckContext) -> list[_File]:
    """The active site's files: an item's attachment named by its file name, with the item's page."""
    attachments = _attachments(ctx)
    entries = []
    for relative, path, size in site_files(ctx):
        known = attachments.get(relative)
        if known is None:
            entries.append(_File(f"file:{relative}", path, size, relative))
        else:
            filename, article_id, title = known
            entries.append(_File(f"file:{relative}", path, size, filename, f"/admin/articles/{article_id}",
                                 {"item": title}))
    return entries


def _platform_entries(ctx: CheckContext) -> list[_File]:
    """The files of the platform's folders (PLATFORM_FILES), each named as its module names it."""
    def read() -> list[_File]:
        entries = []
        for name, source in sorted(PLATFORM_FILES.items()):
            files = _walk(source.folder())
            known = source.names() if files else {}
            for relative, path, size in files:
                shown, link, values = known.get(relative, (f"{name}/{relative}", source.page, {}))
                entries.append(_File(f"file:{name}/{relative}"[:200], path, size, shown, link, dict(values)))
        return entries

    return ctx.once("platform_files", read)


def _read(path: Path, limit: int) -> bytes:
    """The file's bytes: whole up to `limit` (a package is read by its end), its first `limit` beyond."""
    with path.open("rb") as handle:
        return handle.read(limit)


def _found(entry: _File, **values) -> Found:
    return Found(entry.key, entry.name, link=entry.link, values={**values, **entry.values})


def _facts(ctx: CheckContext, entries: list[_File], memo: str) -> list[tuple[_File, bool | None, str]]:
    """(file, whether its type matches its extension, what program it is) of each file: every file read once per
    run, its bytes dropped as soon as they are judged."""
    limit = int(current_app.config["MAX_ATTACHMENT_BYTES"])

    def read():
        facts = []
        for entry in entries:
            try:
                data = _read(entry.path, limit)
            except OSError:
                continue  # removed while the check ran
            facts.append((entry, type_matches(entry.extension, data, whole=entry.size <= limit),
                          program_kind(entry.extension, data)))
        return facts

    return ctx.once(memo, read)


def _on_both(key: str, **declared):
    """Declare a file rule for each site's folder ("files.<key>") and for the platform's folders
    ("platform_files.<key>"): the rule takes (ctx, files, facts) and yields findings."""
    def decorator(rule):
        @functools.wraps(rule)
        def on_site(ctx):
            entries = _site_entries(ctx)
            return rule(ctx, entries, lambda: _facts(ctx, entries, "file_facts"))

        @functools.wraps(rule)
        def on_platform(ctx):
            entries = _platform_entries(ctx)
            return rule(ctx, entries, lambda: _facts(ctx, entries, "platform_file_facts"))

        on_site.__qualname__ = f"{rule.__qualname__}.site"
        on_platform.__qualname__ = f"{rule.__qualname__}.platform"
        check(key=f"files.{key}", scope="site", **declared)(on_site)
        check(key=f"platform_files.{key}", scope="platform", **declared)(on_platform)
        return rule

    return decorator


@_on_both("type_mismatch", severity="medium",
          title=_l("Files that are not what their name says"),
          fix=_l("Open the file: if it is a document saved under the wrong type, save it again as that type and "
                 "replace it; if nobody knows it, delete it and find out who uploaded it (the audit log)."),
          details=_l("Named as a .%(extension)s file, but its content is not one."))
def type_mismatch(ctx: CheckContext, _entries, facts):
    """An uploaded file whose first bytes (and, for Office and OFD packages, its parts) are not those of the
    type its extension names: core.content.files.content_matches, plus the picture, archive and PowerPoint
    types of the allow-list. Files of types the check does not know are left alone."""
    for entry, matches, _kind in facts():
        if matches is False:
            yield _found(entry, extension=entry.extension)


@_on_both("executable", severity="high",
          title=_l("Programs and server scripts among the uploads"),
          fix=_l("Delete the file at once and find out who uploaded it and how (the audit log): a server script in "
                 "the upload folder is how a site is taken over."),
          details=_l("The content is a program or script (%(kind)s)."),
          words={"kind": {"PE": _l("a Windows program"), "ELF": _l("a Linux program"),
                          "Mach-O": _l("a macOS program"), "Mach-O/Java": _l("a macOS program or Java class"),
                          "script": _l("a script that runs by itself"),
                          "server script": _l("a PHP, JSP or ASP server script")}})
def executable(ctx: CheckContext, _entries, facts):
    """An uploaded file whose bytes are a program (Windows PE, ELF, Mach-O), a script (#!/), or, in a file that
    is not plain text, a PHP, JSP or ASP server tag (a web shell hidden in a picture or a document)."""
    for entry, _matches, kind in facts():
        if kind:
            yield _found(entry, kind=kind)


@_on_both("oversize", severity="low",
          title=_l("Files larger than the platform accepts"),
          fix=_l("Replace the file with a smaller one (a scan at a lower resolution, a PDF instead of pictures), or "
                 "split it."),
          details=_l("%(size)s; the limit is %(limit)s."))
def oversize(ctx: CheckContext, entries, _facts):
    """An uploaded file larger than MAX_ATTACHMENT_BYTES: put there some other way than the upload forms, or
    kept from before the limit was lowered."""
    limit = int(current_app.config["MAX_ATTACHMENT_BYTES"])
    for entry in entries:
        if entry.size > limit:
            yield _found(entry, size=human_size(entry.size), limit=human_size(limit))


@check(key="files.tampered", scope="platform", severity="high",
       title=_l("Deployed files changed since installation (页面篡改)"),
       fix=_l("Compare the file with the release that was installed. If nobody deployed a change, restore the "
              "release's files and find out who changed them. After a real deployment, take a new baseline: "
              "flask security baseline."),
       details={"changed": _l("Changed since the baseline of %(taken)s."),
                "added": _l("Added since the baseline of %(taken)s."),
                "removed": _l("Removed since the baseline of %(taken)s."),
                "missing": _l("There is no baseline to compare the deployed files with. Take one: "
                              "flask security baseline."),
                "gone": _l("The baseline that flask security baseline wrote is gone: the deployed files can no "
                           "longer be compared. Find out who removed it; take a new one only once the files are known "
                           "to be as released."),
                "replaced": _l("The baseline was changed since flask security baseline wrote it: whoever changed it "
                               "may have changed the files too. Compare the files with the release, then take a new "
                               "baseline."),
                "unreadable": _l("The baseline cannot be read (%(problem)s). Take a new one: "
                                 "flask security baseline.")})
def tampered(ctx: CheckContext):
    """Every file under core/, tenants/, themes/ and jobs/, and wsgi.py, whose SHA-256 differs from the
    manifest taken at installation (core.security.integrity), or that was added or removed since; and the
    manifest itself, changed or removed since `flask security baseline` wrote it (its SHA-256 is kept in the
    database)."""
    path = manifest_path()
    recorded = get_setting(MANIFEST_DIGEST)
    try:
        manifest = read_manifest(path)
    except FileNotFoundError:
        yield Found("manifest", path.name, says="gone" if recorded else "missing",
                    severity=None if recorded else "medium")
        return
    except (ManifestError, OSError) as error:
        yield Found("manifest", path.name, says="unreadable", values={"problem": str(error)[:200]})
        return
    if recorded and file_digest(path) != recorded:
        yield Found("manifest", path.name, says="replaced")
        return
    taken = str(manifest.get("taken_at", "")).replace("T", " ")[:16]
    for change in compare(code_root(), manifest):
        yield Found(f"file:{change.path}"[:200], change.path, says=change.how, values={"taken": taken})
