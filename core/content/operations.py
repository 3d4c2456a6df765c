"""Creating and reading articles. Flush, never commit: the caller owns the transaction."""
from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from core.content.models import Article, Attachment
from core.content.sanitize import clean_html
from core.extensions import db
from core.sections.models import POLICY_LEVELS, Section
from core.timeutil import now
from tenants.scoping import current_tenant_id


class ContentError(ValueError):
    """Content refused, with a message for the user."""

    def __init__(self, message):
        # Translate now, while the request's (or the CLI's) locale is known.
        super().__init__(str(message))


@dataclass
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None
    alt_text: str = ""


def upload_dir(tenant_id: int) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / f"site-{tenant_id}"


def check_upload(upload: Upload) -> None:
    """Refuse a file of a type or size the platform does not take, saying which."""
    name = upload.filename.strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = current_app.config["ALLOWED_ATTACHMENT_EXTENSIONS"]
    if not name or "/" in name or "\\" in name:
        raise ContentError(_l("The file has no usable name."))
    if extension not in allowed:
        raise ContentError(_l("Files of type '%(ext)s' are not accepted; allowed: %(allowed)s.",
                              ext=extension or "?", allowed=", ".join(allowed)))
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(upload.data) > limit:
        raise ContentError(_l("'%(name)s' is %(size)s MB; the limit is %(limit)s MB.", name=name,
                              size=round(len(upload.data) / 1048576, 1), limit=round(limit / 1048576, 1)))


def create_article(*, section: Section, title: str, body_html: str = "", summary: str = "", source: str = "",
                   author: str = "", published_at: datetime | None = None, status: str = "published",
                   attachments: list[Upload] = (), policy_level: str | None = None, document_number: str = "",
                   issuing_body: str = "", issued_on: date | None = None, effective_on: date | None = None,
                   policy_status: str | None = None) -> Article:
    """Create an article in the current site's section; files are written last.

    :raises ContentError: on a missing title, a wrong policy level or a refused file;
        nothing is written then.
    """
    title = title.strip()
    if not title:
        raise ContentError(_l("An article needs a title."))
    if policy_level is not None and policy_level not in POLICY_LEVELS:
        raise ContentError(_l("Unknown policy level."))
    for upload in attachments:
        check_upload(upload)
    article = Article(section_id=section.id, title=title, body_html=clean_html(body_html), summary=summary.strip(),
                      source=source.strip(), author=author.strip(), status=status,
                      published_at=published_at or (now() if status == "published" else None),
                      policy_level=policy_level, document_number=document_number, issuing_body=issuing_body,
                      issued_on=issued_on, effective_on=effective_on, policy_status=policy_status)
    db.session.add(article)
    db.session.flush()
    for upload in attachments:
        store_upload(article, upload)
    db.session.flush()
    return article


def store_upload(article: Article, upload: Upload) -> Attachment:
    """Write a checked file under the site's folder and attach it to the article."""
    folder = upload_dir(current_tenant_id())
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{upload.filename.rsplit('.', 1)[-1].lower()}"
    (folder / stored).write_bytes(upload.data)
    content_type = upload.content_type or mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
    attachment = Attachment(filename=upload.filename.strip(), stored_name=stored, content_type=content_type,
                            size=len(upload.data), alt_text=upload.alt_text.strip())
    article.attachments.append(attachment)
    return attachment


def published():
    """The condition for what the public may see."""
    return (Article.status == "published") & (Article.published_at <= now())


def latest_by_section(section_ids: list[int], per_section: int) -> dict[int, list[Article]]:
    """The newest published items of several sections in one query."""
    if not section_ids:
        return {}
    rank = func.row_number().over(partition_by=Article.section_id,
                                  order_by=(Article.published_at.desc(), Article.id.desc())).label("rank")
    inner = (select(Article.id.label("id"), rank)
             .where(Article.section_id.in_(section_ids), published()).subquery())
    # Lists show titles and dates: never load the bodies.
    rows = db.session.execute(
        select(Article).options(defer(Article.body_html)).join(inner, inner.c.id == Article.id)
        .where(inner.c.rank <= per_section)
        .order_by(Article.published_at.desc(), Article.id.desc())
    ).scalars().all()
    blocks: dict[int, list[Article]] = {sid: [] for sid in section_ids}
    for article in rows:
        blocks[article.section_id].append(article)
    return blocks


def section_page(section: Section, page: int, per_page: int, policy_level: str | None = None):
    """One page of a section's published items, or None when the page does not exist."""
    query = select(Article).options(defer(Article.body_html)).where(Article.section_id == section.id, published())
    if section.kind == "forms":
        query = query.options(selectinload(Article.attachments))
    if policy_level:
        query = query.where(Article.policy_level == policy_level)
    return db.paginate(query.order_by(Article.published_at.desc(), Article.id.desc()),
                       page=page, per_page=per_page, error_out=False, count=True)


def public_article(article_id: int) -> Article | None:
    """A published article of the current site with its files (two queries)."""
    return db.session.execute(
        select(Article).where(Article.id == article_id, published()).options(selectinload(Article.attachments))
    ).scalar_one_or_none()
