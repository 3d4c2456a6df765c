"""Uploaded files of a site: what is accepted, and where they are kept."""
from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.content.models import Article, Attachment
from core.operations import OperationError
from core.text import text_problem
from tenants.provisioning import upload_folder
from tenants.scoping import current_tenant_id


#: The longest file name kept (the column's length).
MAX_FILENAME = 255


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

    :raises ContentError: no usable name, an extension outside ALLOWED_ATTACHMENT_EXTENSIONS,
        or more than MAX_ATTACHMENT_BYTES.
    """
    name = upload.filename.strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = current_app.config["ALLOWED_ATTACHMENT_EXTENSIONS"]
    if not name or "/" in name or "\\" in name or text_problem(name):
        raise ContentError(_l("The file has no usable name."))
    if len(name) > MAX_FILENAME:
        raise ContentError(_l("The file's name is longer than %(n)s characters; rename it and try again.",
                              n=MAX_FILENAME))
    if extension not in allowed:
        raise ContentError(_l("Files of type '%(ext)s' are not accepted; allowed: %(allowed)s.",
                              ext=extension or "?", allowed=", ".join(allowed)))
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(upload.data) > limit:
        raise ContentError(_l("'%(name)s' is %(size)s MB; the limit is %(limit)s MB.", name=name,
                              size=round(len(upload.data) / 1048576, 1), limit=round(limit / 1048576, 1)))


def store_upload(article: Article, upload: Upload) -> Attachment:
    """Write a checked file under the site's folder and attach it to the article (part of an operation)."""
    folder = upload_dir(current_tenant_id())
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{upload.filename.rsplit('.', 1)[-1].lower()}"
    (folder / stored).write_bytes(upload.data)
    # The type comes from the name the file is stored under, never from what the client claimed.
    content_type = mimetypes.guess_type(upload.filename.strip())[0] or "application/octet-stream"
    attachment = Attachment(filename=upload.filename.strip(), stored_name=stored, content_type=content_type,
                            size=len(upload.data), alt_text=upload.alt_text.strip())
    article.attachments.append(attachment)
    return attachment
