"""Uploaded files of a site: what is accepted, where they are kept, and when one may go.

Two rules keep the upload folder true to the database:

- **A file is kept only if its row commits.** `write_upload` writes the file
  and ties it to the session's transaction that is open at that moment; when
  that transaction ends without committing (an operation refused after
  writing, a rollback, a commit that failed, a session closed unfinished) the
  file is removed again (`_forget_uncommitted`). A savepoint that is released
  hands its files to the transaction around it.
- **A file stays while anything refers to it.** Removing an attachment
  deletes its row, never its file: a revision may still list it, and
  restoring that revision brings it back. `sweep_unreferenced` deletes, from
  a site's folder, the attachment files that neither a row nor any revision
  names, once they are older than a grace period (so an upload in flight,
  written but not yet committed, is never swept).
"""
from __future__ import annotations

import io
import json
import mimetypes
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.content.labels import human_size
from core.content.models import Article, ArticleRevision, Attachment
from core.extensions import db
from core.operations import OperationError
from core.text import text_problem
from core.timeutil import CITY_TZ
from tenants.provisioning import upload_folder
from tenants.scoping import current_tenant_id


#: The bytes a file of each type the public sends (a service's materials, a letter's attachment, an application
#: for disclosure and its reply) begins with. Office Open XML and OFD are ZIP packages; the older Office and WPS
#: formats are OLE compound files.
FILE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "wps": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"),
    "et": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"),
}
#: A ZIP package is the type its name says only with the part that type must have: any ZIP renamed .docx or .ofd
#: (an archive of anything) is refused. An OLE file's signature is already specific to the Office formats.
PACKAGE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}
#: A WPS or ET file saved as a package is an Office Open XML one.
PACKAGE_PARTS_ANY = {"wps": ("[Content_Types].xml",), "et": ("[Content_Types].xml",)}

#: The types a file people uploaded is served with as it is: documents, pictures, plain text, archives. Any other
#: type (a page, markup, a vector image, a script or style sheet: what a browser runs or renders) is served as
#: bytes, whatever the file's name says: the allowed extensions are configuration, and a bureau may widen them.
DOWNLOAD_TYPES = frozenset({
    "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/zip", "application/x-rar-compressed", "application/vnd.rar", "application/ofd",
    "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv",
})


def download_type(stored_name: str) -> str:
    """The Content-Type an uploaded file is served with: the type its stored name says when that is one of
    DOWNLOAD_TYPES, else application/octet-stream (never text/html, image/svg+xml, a script: see DOWNLOAD_TYPES)."""
    guessed = mimetypes.guess_type(stored_name)[0]
    return guessed if guessed in DOWNLOAD_TYPES else "application/octet-stream"


def package_matches(extension: str, data: bytes) -> bool:
    """Whether a file whose content is a ZIP package holds the part its type must have (PACKAGE_PARTS:
    word/document.xml for .docx, OFD.xml for .ofd …); True for a file that is no ZIP package."""
    if not data.startswith(b"PK\x03\x04"):
        return True
    wanted = (PACKAGE_PARTS[extension],) if extension in PACKAGE_PARTS else PACKAGE_PARTS_ANY.get(extension)
    if not wanted:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return any(part in names for part in wanted)


def content_matches(extension: str, data: bytes) -> bool:
    """Whether `data` is a file of type `extension` (one of FILE_SIGNATURES): it begins as that type does and, a
    ZIP package, holds that type's part. The one content check of every module that takes files from the public."""
    return extension in FILE_SIGNATURES and data.startswith(FILE_SIGNATURES[extension]) \
        and package_matches(extension, data)


#: The longest file name kept (the column's length).
MAX_FILENAME = 255
#: The name an attachment is stored under: a random hex name and the extension (a site's logo never matches).
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,10}$")
#: A file being written (renamed to its stored name when complete); left behind only by a crash.
PARTIAL_NAME = re.compile(r"^\.[0-9a-f]{32}\.[a-z0-9]{1,10}\.part$")
#: How old an unreferenced file must be before the sweep deletes it: far longer than any upload takes.
SWEEP_GRACE = timedelta(hours=6)
#: session.info key: [(path, the transaction it belongs to)] of files written and not yet committed.
_UNCOMMITTED = "govsites.uncommitted_files"


class ContentError(OperationError):
    """Content refused, with a message for the user."""


@dataclass
class Upload:
    """A file as it arrived: its name, its bytes (size = len(data)), the type the client claimed."""

    filename: str
    data: bytes
    content_type: str | None = None
    alt_text: str = ""


def upload_dir(tenant_id: int) -> Path:
    """The site's folder under UPLOAD_FOLDER."""
    return upload_folder(tenant_id)


def check_upload(upload: Upload) -> None:
    """Refuse a file of a type or size the platform does not take, saying which.

    :raises ContentError: no usable name (none at all, a folder in it, a control or direction-reversing
        character, or nothing before the extension: ".pdf"), an
        extension outside ALLOWED_ATTACHMENT_EXTENSIONS, an empty file, or more than MAX_ATTACHMENT_BYTES.
    """
    name = upload.filename.strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = current_app.config["ALLOWED_ATTACHMENT_EXTENSIONS"]
    if not name or "/" in name or "\\" in name:
        raise ContentError(_l("The file has no usable name."))
    problem = text_problem(name)
    if problem:  # a control character, or one that reverses the reading direction ("课件\u202efdp.exe")
        raise ContentError(_l("The file's name cannot be used: %(problem)s", problem=problem))
    if len(name) > MAX_FILENAME:
        raise ContentError(_l("The file's name is longer than %(n)s characters; rename it and try again.",
                              n=MAX_FILENAME))
    if "." in name and not name.rsplit(".", 1)[0].strip(" ."):
        raise ContentError(_l("The file '%(name)s' has no name before its extension: rename it to say what it is "
                              "(visitors download it under that name) and try again.", name=name))
    if extension not in allowed:
        raise ContentError(_l("Files of type '%(ext)s' are not accepted; allowed: %(allowed)s.",
                              ext=extension or "?", allowed=", ".join(allowed)))
    if not upload.data:
        raise ContentError(_l("The file '%(name)s' is empty (0 bytes): it may not have been saved, or not been "
                              "copied whole. Check it opens, then choose it again.", name=name))
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(upload.data) > limit:
        raise ContentError(_l("'%(name)s' is %(size)s; the limit is %(limit)s.", name=name,
                              size=human_size(len(upload.data)), limit=human_size(limit)))


# --- writing, and forgetting what did not commit -----------------------------------------------

def _current_transaction(session: Session):
    """The innermost transaction open in the session (beginning one if none is)."""
    if session.get_transaction() is None:
        session.connection()  # begins the transaction the file will belong to
    return session.get_nested_transaction() or session.get_transaction()


def write_upload(upload: Upload, *, subfolder: str = "", folder: Path | None = None) -> dict:
    """Write a checked file under the active site's folder; return its entry (as a revision lists it, no id).

    The file belongs to the transaction open now: it is removed again unless
    that transaction commits. `subfolder` keeps a module's files apart (the
    materials applicants upload): the sweep reads only the site's folder itself.
    `folder`, when given, is where the file goes instead of the site's folder:
    the platform's own files, which belong to no site (the bureau's training material).
    """
    if folder is None:
        folder = upload_dir(current_tenant_id()) / subfolder if subfolder else upload_dir(current_tenant_id())
    folder.mkdir(parents=True, exist_ok=True)
    name = upload.filename.strip()
    stored = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[-1].lower()}"
    path = folder / stored
    session = db.session()
    session.info.setdefault(_UNCOMMITTED, []).append((path, _current_transaction(session)))
    partial = folder / f".{stored}.part"
    try:
        partial.write_bytes(upload.data)
        os.replace(partial, path)  # never a half-written file under the real name
    finally:
        partial.unlink(missing_ok=True)
    # The type comes from the name the file is stored under, never from what the client claimed.
    return {"id": None, "filename": name, "stored_name": stored,
            "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "size": len(upload.data), "alt_text": upload.alt_text.strip()}


def keep_with_transaction(path: Path) -> None:
    """Tie a file written by other means (a site archive's import) to the transaction open now, as
    `write_upload` ties its own: removed again unless that transaction commits."""
    session = db.session()
    session.info.setdefault(_UNCOMMITTED, []).append((Path(path), _current_transaction(session)))


def store_upload(article: Article, upload: Upload) -> Attachment:
    """Write a checked file under the site's folder and attach it to the article (part of an operation)."""
    entry = write_upload(upload)
    attachment = Attachment(**{k: v for k, v in entry.items() if k != "id"})
    article.attachments.append(attachment)
    return attachment


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    """A commit keeps the files of the whole transaction; a released savepoint gives them to its parent."""
    files = session.info.get(_UNCOMMITTED)
    if not files:
        return
    nested = session.get_nested_transaction()
    if nested is None:  # the outermost transaction committed
        files.clear()
        return
    parent = nested.parent
    files[:] = [(path, parent if owner is nested else owner) for path, owner in files]


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction) -> None:
    """Remove the files of a transaction that ended without committing (rolled back, failed, or closed)."""
    files = session.info.get(_UNCOMMITTED)
    if not files:
        return
    if transaction.parent is not None and not transaction.nested:
        return  # an inner unit of work (a flush): its files belong to the transaction around it
    ended = [path for path, owner in files if owner is transaction]
    files[:] = [(path, owner) for path, owner in files if owner is not transaction]
    for path in ended:
        path.unlink(missing_ok=True)


# --- the attachment list of a revision ---------------------------------------------------------

ENTRY_FIELDS = ("id", "filename", "stored_name", "content_type", "size", "alt_text")


def attachment_entries(article: Article) -> list[dict]:
    """The article's files as a revision keeps them."""
    return [{field: getattr(a, field) for field in ENTRY_FIELDS} for a in article.attachments]


def apply_attachment_entries(article: Article, entries: list[dict]) -> list[str]:
    """Make the article's files those of `entries` (a revision's list), matched by stored name.

    A file not attached now gets its row back when its file is still on disk,
    under the id it had (`_restore_row`); a file attached now and not listed
    loses its row (its file stays). Returns the names of listed files that are
    no longer on disk (left out).
    """
    folder = upload_dir(current_tenant_id())
    current = {a.stored_name: a for a in article.attachments}
    listed = {entry["stored_name"] for entry in entries}
    for attachment in list(article.attachments):
        if attachment.stored_name not in listed:
            article.attachments.remove(attachment)  # the row goes; the file stays for the revisions
    missing, restored = [], False
    for entry in entries:
        row = current.get(entry["stored_name"])
        if row is None:
            if not STORED_NAME.match(entry["stored_name"]) or not (folder / entry["stored_name"]).is_file():
                missing.append(entry["filename"])
                continue
            row, restored = _restore_row(article, entry), True
        row.filename, row.alt_text = entry["filename"], entry.get("alt_text") or ""
    if restored:
        db.session.flush()
        db.session.expire(article, ["attachments"])  # read again, with the rows brought back, in id order
    return missing


def _restore_row(article: Article, entry: dict) -> Attachment:
    """Bring back the row of a file a revision lists: under its old id while no row holds that id.

    The public link of a file is /attachments/<id>/<name>, and a list shows files
    in id order: the same id keeps old links working and the file in its place.
    Should another row hold the id now (a database that hands out freed ids
    again), the row gets a new one.
    """
    values = dict(article_id=article.id, stored_name=entry["stored_name"], content_type=entry["content_type"],
                  size=entry["size"], filename=entry["filename"], alt_text=entry.get("alt_text") or "")
    old_id = entry.get("id")
    if isinstance(old_id, int) and not isinstance(old_id, bool) and old_id > 0:
        db.session.flush()  # what came before is written outside the savepoint below
        try:
            with db.session.begin_nested():
                row = Attachment(id=old_id, **values)
                db.session.add(row)
            return row
        except IntegrityError:
            pass  # the id is taken: the savepoint went back, and only it
    row = Attachment(**values)
    db.session.add(row)
    return row


# --- the sweep ---------------------------------------------------------------------------------

#: Functions that name, for the active site, the stored files their module's rows still refer to: () -> names.
#: Modules that keep uploads in the site's folder through `write_upload` (online services: items' blank forms,
#: applicants' materials) add theirs with `add_file_referrer`, so the sweep never deletes a file they use.
_REFERRERS: list = []


def add_file_referrer(referrer) -> None:
    if referrer not in _REFERRERS:
        _REFERRERS.append(referrer)


def referenced_files() -> set[str]:
    """Every stored name the active site's rows or revisions refer to (every module's that keeps files)."""
    names = set(db.session.execute(select(Attachment.stored_name)).scalars())
    for referrer in _REFERRERS:
        names.update(referrer())
    for data in db.session.execute(select(ArticleRevision.data)).scalars():
        try:
            listed = json.loads(data).get("attachments") or []
        except (ValueError, AttributeError):
            continue
        names.update(entry.get("stored_name") for entry in listed if isinstance(entry, dict))
    return names


def sweep_unreferenced(moment: datetime, grace: timedelta = SWEEP_GRACE) -> list[str]:
    """Delete the active site's attachment files nothing refers to and older than `grace`; return their names."""
    folder = upload_dir(current_tenant_id())
    if not folder.is_dir():
        return []
    referenced = referenced_files()
    cutoff = moment - grace
    swept = []
    for path in sorted(folder.iterdir()):
        ours = STORED_NAME.match(path.name) or PARTIAL_NAME.match(path.name)
        if not path.is_file() or not ours or path.name in referenced:
            continue
        written = datetime.fromtimestamp(path.stat().st_mtime, CITY_TZ).replace(tzinfo=None)
        if written <= cutoff:
            path.unlink(missing_ok=True)
            swept.append(path.name)
    return swept
