"""Reading articles as the public sees them: published, newest first, a page at a time."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import DateTime, bindparam, case, func, or_, select
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from core.content.models import Article, Attachment
from core.extensions import db
from core.sections.models import Section
from core.timeutil import now
from core.web.cache import site_memo
from core.web.sitemaps import PublicPage
from tenants.scoping import active_tenant_id, crosses_tenants, prebuilt


def _published_condition():
    # The moment is a parameter whose value is asked when the statement runs (`now` looked up then, so a test
    # that sets the clock sets it here too): the condition is built once, not on every query of every page.
    moment = bindparam("public_moment", callable_=lambda: now(), type_=DateTime())
    live = (Article.status == "published") & (Article.published_at <= moment)
    due = (Article.status == "scheduled") & (Article.publish_at <= moment)
    return (live | due) & (Article.expires_at.is_(None) | (Article.expires_at > moment))


_PUBLISHED = _published_condition()


def published():
    """The condition for what the public may see, read at this moment (when the statement runs).

    Published and not yet expired; or scheduled and due. The public pages do
    not wait for the scheduled job (`publishing.publish_due`): it only brings
    the items' states in step, so an expired item is gone and a due one is
    up at once, with or without a scheduler running.
    """
    return _PUBLISHED


def _next_change_statement(moment: datetime):
    """The soonest moment after `moment` that an item appears (its time to go out) or goes (its take-down time)."""
    def after(condition, column):
        return func.min(case((condition & (column > moment), column)))

    return (select(after(Article.status == "scheduled", Article.publish_at),
                   after(Article.status == "published", Article.published_at),
                   after(Article.expires_at.is_not(None), Article.expires_at))
            .select_from(Article).where(Article.status.in_(("published", "scheduled"))))


def next_public_change() -> datetime | None:
    """When the active site's public pages next change by the clock alone: the page cache keeps none past it.

    With no site active (the city portal, which shows every site's news), the next such moment of any site.
    """
    if active_tenant_id() is None:
        return _next_change_of_any_site()
    return min((m for m in db.session.execute(_next_change_statement(now())).one() if m is not None), default=None)


@crosses_tenants("the city portal shows every site's news: its page changes when any site's item comes or goes")
def _next_change_of_any_site() -> datetime | None:
    row = db.session.execute(_next_change_statement(now()).execution_options(all_tenants=True)).one()
    return min((m for m in row if m is not None), default=None)


def latest_by_section(section_ids: list[int], per_section: int) -> dict[int, list[Article]]:
    """The newest published items of several sections in one query: {section id: [articles]}."""
    if not section_ids:
        return {}
    rank = func.row_number().over(partition_by=Article.section_id,
                                  order_by=(Article.public_at.desc(), Article.id.desc())).label("rank")
    inner = (select(Article.id.label("id"), rank)
             .where(Article.section_id.in_(section_ids), published()).subquery())
    # Lists show titles and dates: never load the bodies.
    rows = db.session.execute(
        select(Article).options(defer(Article.body_html)).join(inner, inner.c.id == Article.id)
        .where(inner.c.rank <= per_section)
        .order_by(Article.public_at.desc(), Article.id.desc())
    ).scalars().all()
    blocks: dict[int, list[Article]] = {sid: [] for sid in section_ids}
    for article in rows:
        blocks[article.section_id].append(article)
    return blocks


def section_page(section: Section, page: int, per_page: int, policy_level: str | None = None):
    """One page of a section's published items (a Flask-SQLAlchemy pagination; past the end: no items)."""
    query = select(Article).options(defer(Article.body_html)).where(Article.section_id == section.id, published())
    if section.kind == "forms":
        query = query.options(selectinload(Article.attachments))
    if policy_level:
        query = query.where(Article.policy_level == policy_level)
    return db.paginate(query.order_by(Article.public_at.desc(), Article.id.desc()),
                       page=page, per_page=per_page, error_out=False, count=True)


#: An article the public may see: one statement, built once (its moment is asked when it runs, see `published`).
_PUBLIC_ARTICLE = prebuilt(select(Article).where(Article.id == bindparam("article_id"), published()))
_WITH_FILES = select(Attachment.article_id).distinct()


def articles_with_files() -> frozenset[int]:
    """The ids of the active site's items that have files, read once per content version of the site (a
    `core.web.cache.site_memo`): an item with none, most of them, costs its page no query for its files."""
    return site_memo("content.articles_with_files",
                     lambda: frozenset(db.session.execute(_WITH_FILES).scalars()))


def public_article(article_id: int) -> Article | None:
    """A published article of the current site (None: none the public may see), with its files.

    One query; a second, when the page asks for `article.attachments`, only for an article that has files
    (`articles_with_files`). It was one statement for the article and one for its files, every time; then the
    files' test was a subquery of the article's, which doubled the tenant's criteria in the statement and made
    SQLAlchemy's binding of its values cost more than the rest of it (profile of 2026-12-03).
    """
    article = db.session.execute(_PUBLIC_ARTICLE, {"article_id": article_id}).scalar_one_or_none()
    if article is not None and article.id not in articles_with_files():
        set_committed_value(article, "attachments", [])
    return article


def articles_by_section() -> dict[int, int]:
    """How many items (any state) each section of the active site holds: the sections module's item counter."""
    return dict(db.session.execute(select(Article.section_id, func.count()).group_by(Article.section_id)).all())


def public_articles_by_section() -> dict[int, int]:
    """How many items each section shows the public now or will when their time comes (published or scheduled).

    The sections module's published counter: a section holding any of them is not deleted.
    """
    moment = now()
    public = Article.status.in_(("published", "scheduled")) & (Article.expires_at.is_(None)
                                                                | (Article.expires_at > moment))
    return dict(db.session.execute(select(Article.section_id, func.count()).where(public)
                                   .group_by(Article.section_id)).all())


@crosses_tenants("the city portal shows the latest public news of every active site")
def city_news(active_site_ids: list[int], limit: int) -> list[tuple[Article, int]]:
    """The latest work news of the given sites, and items they shared to the portal: [(article, site id)]."""
    if not active_site_ids:
        return []
    rows = db.session.execute(
        select(Article, Article.tenant_id)
        .join(Section, (Section.id == Article.section_id) & (Section.tenant_id == Article.tenant_id))
        .where(or_(Section.mandatory_key == "news", Article.share_to_portal.is_(True)), published(),
               Article.tenant_id.in_(active_site_ids))
        .order_by(Article.public_at.desc(), Article.id.desc())
        .limit(limit)
        .execution_options(all_tenants=True)
    ).all()
    return [(row[0], row[1]) for row in rows]


def sitemap_pages() -> list:
    """The active site's articles the public reads now, for the sitemaps (core.web.sitemaps): [PublicPage], each
    with when it last changed (a change that went live, or its publication), newest first (one query)."""
    rows = db.session.execute(select(Article.id, Article.public_at, Article.revised_at).where(published())
                              .order_by(Article.public_at.desc(), Article.id.desc())).all()
    return [PublicPage(url_for("content.article", article_id=article_id),
                       max(public_at, revised_at) if revised_at else public_at)
            for article_id, public_at, revised_at in rows]

# --- what the evaluation reads (core.evaluation) ----------------------------------------------------------------

def public_as_of(moment: datetime):
    """The condition for an item the public saw at `moment`: gone up by then (its publication date, or a scheduled
    item's time), not yet taken down or expired. An item without a publication date is never counted."""
    went_up = Article.public_at <= moment
    return (Article.status.in_(("published", "scheduled", "withdrawn")) & went_up
            & (Article.withdrawn_at.is_(None) | (Article.withdrawn_at > moment))
            & (Article.expires_at.is_(None) | (Article.expires_at > moment)))


def section_activity(moment: datetime) -> dict[int, tuple[int, datetime]]:
    """For each section of the active site that showed anything at `moment`: (how many items, the newest one's
    publication date) (one query). Sections showing nothing are left out."""
    rows = db.session.execute(select(Article.section_id, func.count(), func.max(Article.public_at))
                              .where(public_as_of(moment)).group_by(Article.section_id)).all()
    return {section_id: (count, newest) for section_id, count, newest in rows}


def newest_items(section_ids: list[int], moment: datetime, limit: int = 1) -> list[Article]:
    """The newest items of these sections the public saw at `moment`, titles and dates only (one query)."""
    if not section_ids:
        return []
    return list(db.session.execute(
        select(Article).options(defer(Article.body_html), defer(Article.summary))
        .where(Article.section_id.in_(section_ids), public_as_of(moment))
        .order_by(Article.public_at.desc(), Article.id.desc()).limit(limit)).scalars())


def publication_dates(section_ids: list[int], start: datetime, moment: datetime) -> list[datetime]:
    """When each item of these sections that the public saw at `moment` was published, from `start` on (one query):
    the work news counted per calendar month."""
    if not section_ids:
        return []
    return list(db.session.execute(select(Article.public_at).where(
        Article.section_id.in_(section_ids), public_as_of(moment), Article.public_at >= start)).scalars())


def backdated_items(moment: datetime) -> list[tuple[int, str, datetime, datetime]]:
    """Items the public saw at `moment` whose publication date is earlier than the moment they were written and
    that carry no reason for it: [(id, title, published at, written at)], oldest publication first (one query).

    How much earlier is allowed (core.content.backdating) is the caller's to judge: the dialects differ on date
    arithmetic, and these rows are few on a site that records its reasons.
    """
    return [tuple(row) for row in db.session.execute(
        select(Article.id, Article.title, Article.published_at, Article.created_at)
        .where(public_as_of(moment), Article.published_at < Article.created_at, Article.backdate_reason == "")
        .order_by(Article.published_at, Article.id)).all()]


def policy_rows(section_ids: list[int], moment: datetime) -> list[tuple[int, str, str | None, str, str, datetime]]:
    """The policies of these sections the public saw at `moment`: [(id, title, level, document number, issuing
    body, publication date)] (one query)."""
    if not section_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(Article.id, Article.title, Article.policy_level, Article.document_number, Article.issuing_body,
               Article.public_at)
        .where(Article.section_id.in_(section_ids), public_as_of(moment))
        .order_by(Article.public_at.desc(), Article.id.desc())).all()]


def went_up_between(start: datetime, end: datetime):
    """The condition for an item that went up for the public from `start` (included) to `end` (excluded), and
    before now: whatever became of it after (withdrawn, expired), it was published then. An item taken down
    before its time came (a scheduled one withdrawn first) never went up. (The yearly website report's counts.)"""
    went_up = Article.public_at
    return (Article.status.in_(("published", "scheduled", "withdrawn")) & (went_up >= start) & (went_up < end)
            & (went_up <= now()) & (Article.withdrawn_at.is_(None) | (Article.withdrawn_at > went_up)))


def published_between(start: datetime, end: datetime, *, section_ids: list[int] | None = None,
                      filed: bool = False) -> int:
    """How many of the active site's items went up from `start` to `end` (`went_up_between`), in these sections
    (None: any) and, with `filed`, filed under a disclosure category (one statement)."""
    if section_ids is not None and not section_ids:
        return 0
    query = select(func.count()).select_from(Article).where(went_up_between(start, end))
    if section_ids is not None:
        query = query.where(Article.section_id.in_(section_ids))
    if filed:
        query = query.where(Article.disclosure_category_id.is_not(None))
    return db.session.execute(query).scalar_one()
