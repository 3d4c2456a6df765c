"""Creating articles outside the publishing workflow: a shell import, a city-wide notice. Audited.

The publishing workflow (`core.publishing`) is how staff write; these are the
two other ways an item comes to exist. Flush, never commit: the caller owns the
transaction.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.content.files import ContentError, Upload, check_upload, store_upload
from core.content.models import Article
from core.content.sanitize import clean_html, text_to_html
from core.extensions import db
from core.operations import audited
from core.sections.models import POLICY_LEVELS, Section
from core.timeutil import now
from tenants.catalog import city
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

__all__ = ["ContentError", "Upload", "create_article", "push_city_notice"]

NOTICE_SECTION_KEY = "notices"


@audited
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
        raise ContentError({"title": _l("An article needs a title.")})
    if policy_level is not None and policy_level not in POLICY_LEVELS:
        raise ContentError({"policy_level": _l("Unknown policy level.")})
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
    record("article.create", f"article:{article.id}", title=article.title, section=section.slug, status=status)
    db.session.flush()
    return article


def _notice_source() -> str:
    """Who a city-wide notice comes from: the city's information bureau (廊坊市信息产业局)."""
    return f"{city()['name_zh']}信息产业局"


@audited
@crosses_tenants("a city-wide notice is published in every active site's notices section")
def push_city_notice(*, title: str, body: str) -> tuple[list[Tenant], list[Tenant]]:
    """Publish a notice in the mandatory notices section of every active site.

    Each site gets its own article, written inside that site's scope, and an
    audit entry in its own log; the platform's log records the push. Returns
    (sites that got it, active sites that have no notices section).

    :raises ContentError: under "title" or "body" when either is empty.
    """
    problems: dict = {}
    if not title.strip():
        problems["title"] = _l("A notice needs a title.")
    if not body.strip():
        problems["body"] = _l("A notice needs a text.")
    if problems:
        raise ContentError(problems)
    body_html, source = text_to_html(body), _notice_source()
    reached, skipped = [], []
    sites = db.session.execute(select(Tenant).where(Tenant.status == "active").order_by(Tenant.id)).scalars().all()
    for site in sites:
        with activate_tenant(site.id):
            section = db.session.execute(
                select(Section).where(Section.mandatory_key == NOTICE_SECTION_KEY)).scalar_one_or_none()
            if section is None:
                skipped.append(site)
                continue
            article = create_article(section=section, title=title, body_html=body_html, source=source)
            record("notice.receive", title, article_id=article.id, source=source)
            db.session.flush()  # while this site is active: the flush guard stamps the entry with it
        reached.append(site)
    record("notice.push", title, sites=len(reached), skipped=[s.slug for s in skipped])
    db.session.flush()
    return reached, skipped
