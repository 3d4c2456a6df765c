"""Creating articles outside the publishing workflow (a shell import, a city-wide notice), and sweeping files. Audited.

The publishing workflow (`core.publishing`) is how staff write; these are the
two other ways an item comes to exist. Flush, never commit: the caller owns the
transaction.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.content.files import ContentError, Upload, sweep_unreferenced
from core.content.models import Article
from core.content.sanitize import text_to_html
from core.content.store import insert_article
from core.extensions import db
from core.operations import audited
from core.sections.models import Section
from tenants.catalog import city
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

__all__ = ["ContentError", "Upload", "create_article", "push_city_notice", "sweep_files"]

NOTICE_SECTION_KEY = "notices"


@audited
def create_article(*, section: Section, title: str, status: str = "published", **fields) -> Article:
    """Create an article outside the workflow (`flask articles create`); the fields of `insert_article`.

    :raises ContentError: on a missing title, a wrong policy level or a refused file; nothing is written then.
    """
    article = insert_article(section=section, title=title, status=status, **fields)
    record("article.create", f"article:{article.id}", title=article.title, section=section.slug, status=status)
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
            article = insert_article(section=section, title=title, body_html=body_html, source=source)
            record("notice.receive", title, article_id=article.id, source=source)
            db.session.flush()  # while this site is active: the flush guard stamps the entry with it
        reached.append(site)
    record("notice.push", title, sites=len(reached), skipped=[s.slug for s in skipped])
    db.session.flush()
    return reached, skipped


@audited
def sweep_files(moment: datetime) -> list[str]:
    """Delete the active site's attachment files that no attachment and no revision names any more.

    Removing an attachment keeps its file while a revision lists it; a file
    that nothing names (its item deleted, or an upload whose transaction died
    with the process) is deleted once it is older than the grace period, so an
    upload in flight is never touched. Records what it deleted on the site's log.
    """
    swept = sweep_unreferenced(moment)
    if swept:
        record("attachment.sweep", "uploads", files=len(swept), platform=False)
    return swept
