"""The files of training material: which types are taken, how each is checked, where they are kept.

The bureau's files are checked like any attachment (core.content.files:
a usable name, a type the platform takes, not empty, within
MAX_ATTACHMENT_BYTES) and then by content: a file must be what its extension
says (the signatures of core.content.files, plus PowerPoint and plain text,
which training often comes as). They are written through
`core.content.files.write_upload`, under a temporary name and renamed when
complete, and kept only if the transaction commits; the folder is the
platform's own (`<UPLOAD_FOLDER>/training`), not a site's, because a material
belongs to no site.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.content.files import FILE_SIGNATURES, STORED_NAME, ContentError, Upload, check_upload, content_matches
from core.content.labels import human_size

#: The types a training file may be: documents, slides, spreadsheets, plain text and pictures (those the
#: platform also takes as attachments, ALLOWED_ATTACHMENT_EXTENSIONS, are offered).
TRAINING_EXTENSIONS = ("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "wps", "et", "ofd", "txt", "jpg",
                       "jpeg", "png")
#: A ZIP package (docx, pptx, xlsx, ofd …) may unpack to at most this many times the largest file the platform
#: takes (MAX_ATTACHMENT_BYTES): slides full of pictures unpack to little more than their size, while a "zip
#: bomb" of a few hundred kilobytes unpacks to gigabytes and hangs every reader it is sent to.
UNPACKED_FACTOR = 10
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def training_folder() -> Path:
    """Where the platform keeps training files: ``<UPLOAD_FOLDER>/training``."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "training"


def stored_path(stored_name: str) -> Path | None:
    """The path of a stored training file, or None for a name that is not one of ours or a file that is gone."""
    if not STORED_NAME.match(stored_name or ""):
        return None
    path = training_folder() / stored_name
    return path if path.is_file() else None


def allowed_extensions() -> tuple[str, ...]:
    """The training types the platform's configuration takes (ALLOWED_ATTACHMENT_EXTENSIONS narrows them)."""
    allowed = set(current_app.config["ALLOWED_ATTACHMENT_EXTENSIONS"])
    return tuple(ext for ext in TRAINING_EXTENSIONS if ext in allowed)


def _is_text(data: bytes) -> bool:
    """Plain text in UTF-8 or GB 18030, with no control character but tab, line breaks and form feed."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 0x20 and c not in "\t\r\n\f" for c in text)
    return False


def _is_pptx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "ppt/presentation.xml" in package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def unpacked_size(data: bytes) -> int | None:
    """The bytes a ZIP package's parts take once unpacked, as its directory declares them (nothing is unpacked);
    None for a file that is no readable ZIP package."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def content_is(extension: str, data: bytes) -> bool:
    """Whether `data` is really a file of type `extension` (by its first bytes, and a package's parts)."""
    if extension in FILE_SIGNATURES:
        return content_matches(extension, data)
    if extension == "ppt":
        return data.startswith(_OLE)
    if extension == "pptx":
        return _is_pptx(data)
    if extension == "txt":
        return _is_text(data)
    return False


def check_training_file(upload: Upload) -> None:
    """Refuse a file the bureau cannot distribute, saying why.

    :raises ContentError: the attachment rules (core.content.files.check_upload: name, type, empty, size),
        a type that is not a training type, content that is not what the extension says, or a ZIP package that
        unpacks to more than UNPACKED_FACTOR times MAX_ATTACHMENT_BYTES.
    """
    check_upload(upload)
    name = upload.filename.strip()
    extension = name.rsplit(".", 1)[-1].lower()
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ContentError(_l("Files of type '%(ext)s' are not taken for training material; allowed: %(allowed)s.",
                              ext=extension, allowed=", ".join(allowed)))
    if not content_is(extension, upload.data):
        raise ContentError(_l("'%(name)s' is not a real %(ext)s file (its content is of another kind); save it "
                              "again as %(ext)s and upload it again.", name=name, ext=extension.upper()))
    limit = UNPACKED_FACTOR * int(current_app.config["MAX_ATTACHMENT_BYTES"])
    if (unpacked_size(upload.data) or 0) > limit:
        raise ContentError(_l("'%(name)s' unpacks to more than %(limit)s, far more than a document holds: it may be "
                              "made to overwhelm the readers' computers. Save the document again from its program "
                              "and upload that.", name=name, limit=human_size(limit)))
