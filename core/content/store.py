"""Writing a new article with its files: the one building block of the operations that create items.

It checks and writes, and records nothing: an operation that uses it
(`create_article`, `push_city_notice`) records what it did in its own words,
and the demo loader, which writes a whole city, records nothing.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from core.content.files import ContentError, Upload, check_upload, store_upload
from core.content.filing import filing_problems
from core.content.models import Article
from core.content.sanitize import clean_body
from core.extensions import db
from core.sections.models import POLICY_LEVELS, Section
from core.text import column_problems
from core.timeutil import now


def insert_article(*, section: Section, title: str, body_html: str = "", summary: str = "", source: str = "",
                   author: str = "", published_at: datetime | None = None, status: str = "published",
                   attachments: list[Upload] = (), policy_level: str | None = None, document_number: str = "",
                   issuing_body: str = "", issued_on: date | None = None, effective_on: date | None = None,
                   policy_status: str | None = None, disclosure_category_id: int | None = None,
                   subject_id: int | None = None, backdate_reason: str = "") -> Article:
    """Create an article in the current site's section; files are written last. Records nothing.

    `backdate_reason`: why `published_at` is earlier than today (an old page moved over, a document signed
    earlier); the evaluation counts an item dated beyond the back-dating margin (core.content.backdating) without
    one as a forged date.

    :raises ContentError: under "title" (missing), "policy_level" (unknown), "disclosure_category_id" or
        "subject_id" (not filed where the section requires it, or an unknown entry: core.content.filing) or ""
        (a refused file); nothing is written then.
    """
    title = title.strip()
    if not title:
        raise ContentError({"title": _l("An article needs a title.")})
    if policy_level is not None and policy_level not in POLICY_LEVELS:
        raise ContentError({"policy_level": _l("Unknown policy level.")})
    problems = column_problems(Article, {"title": title, "summary": summary, "source": source, "author": author,
                                         "document_number": document_number, "issuing_body": issuing_body,
                                         "backdate_reason": backdate_reason},
                               multiline=("summary",))
    problems.update(filing_problems(section.id, {"disclosure_category_id": disclosure_category_id,
                                                 "subject_id": subject_id}))
    if problems:
        raise ContentError(problems)
    for upload in attachments:
        check_upload(upload)
    article = Article(section_id=section.id, title=title, body_html=clean_body(body_html).html,
                      summary=summary.strip(), source=source.strip(), author=author.strip(), status=status,
                      published_at=published_at or (now() if status == "published" else None),
                      policy_level=policy_level, document_number=document_number, issuing_body=issuing_body,
                      issued_on=issued_on, effective_on=effective_on, policy_status=policy_status,
                      disclosure_category_id=disclosure_category_id, subject_id=subject_id,
                      backdate_reason=backdate_reason.strip())
    db.session.add(article)
    db.session.flush()
    for upload in attachments:
        store_upload(article, upload)
    return article
