"""What the open-data API reads: the public's lists of one site, or of every active site for the city portal.

Only what a visitor of the site may read is ever returned: articles that are published and inside their public
window (`core.content.queries.published`: a scheduled item from its time, an expired or withdrawn one never),
policies (articles with a policy level), the disclosure catalogue (filed articles:
`core.disclosure.queries_catalogue.filed`), service items whose guide was approved and that are in the catalogue
(`core.services.guide.LISTED_STATES`), and the sections. No column naming a person (an article's author, who
created or edited it) is selected by the views: see `core.api.views`.

A list is built once as a statement; on a site's host it runs under the site's tenant scope, on the portal it runs
through `_across_sites`, the one place this module crosses sites, restricted to the active sites the portal names.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, defer

from core.content.models import Article
from core.content.queries import published
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.queries_catalogue import filed
from core.extensions import db
from core.sections.models import Section
from core.sections.queries import ordering
from core.services.guide import LISTED_STATES
from core.services.models import ServiceItem
from core.timeutil import day_bounds, now
from tenants.scoping import crosses_tenants

#: Items a page holds unless `per_page` says otherwise, and the most it may say.
PER_PAGE = 20
MAX_PER_PAGE = 100

#: The lists of articles the API serves: every published article, the policies, the disclosure catalogue.
ARTICLE_KINDS = ("articles", "policies", "disclosure")


@dataclass(frozen=True)
class Scope:
    """Whose rows a list reads: the active site's (`site_ids` None), or these sites' (the portal's active ones)."""

    site_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ArticleFilters:
    """What narrows a list of articles. Dates are days of publication, both ends included."""

    section: str | None = None
    since: date | None = None
    until: date | None = None
    policy_level: str | None = None
    policy_status: str | None = None
    issuing_body: str = ""
    document_number: str = ""
    category_id: int | None = None
    subject_id: int | None = None


@dataclass(frozen=True)
class ServiceFilters:
    kind: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class Page:
    """One page of a list: its rows, how many the whole list holds, and when anything in it last changed."""

    rows: list
    total: int
    page: int
    per_page: int
    last_modified: datetime | None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@crosses_tenants("the city portal's open-data API lists the public items of every active site, each naming its site")
def _across_sites(statement, tenant_column, site_ids: tuple[int, ...], shape):
    """Run a list's statement over the given sites (the portal passes the active ones), never wider than those;
    `shape` makes the restricted statement a count or a page."""
    restricted = statement.where(tenant_column.in_(site_ids))
    return db.session.execute(shape(restricted).execution_options(all_tenants=True))


def _as_is(statement):
    return statement


def _run(statement, tenant_column, scope: Scope, shape=_as_is):
    if scope.site_ids is None:
        return db.session.execute(shape(statement))
    return _across_sites(statement, tenant_column, scope.site_ids, shape)


def _day_range(statement, column, since: date | None, until: date | None):
    """Rows whose `column` falls on the days `since` through `until` (any day the calendar has: 0001-01-01 and
    9999-12-31 included)."""
    start, end = day_bounds(since, until)
    if start is not None:
        statement = statement.where(column >= start)
    if end is not None:
        statement = statement.where(column < end)
    return statement


def _paged(statement, order, tenant_column, scope: Scope, page: int, per_page: int, changed) -> Page:
    """Count, then read one page of `statement`; `changed` is a statement of the moments the list last changed
    (None: the rows keep no time)."""
    total = _run(statement, tenant_column, scope,
                 lambda s: select(func.count()).select_from(s.order_by(None).subquery())).scalar_one()
    rows = []
    if total and (page - 1) * per_page < total:
        rows = list(_run(statement, tenant_column, scope,
                         lambda s: s.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all())
    moments = [m for m in _run(changed, tenant_column, scope).one() if m is not None] if changed is not None else []
    return Page(rows, total, page, per_page, max(moments, default=None))


# --- articles, policies, the disclosure catalogue ----------------------------------------------------------

def _with_section():
    return (select(Article, Section).options(defer(Article.body_html))
            .join(Section, (Section.id == Article.section_id) & (Section.tenant_id == Article.tenant_id)))


def _kind_condition(kind: str):
    if kind == "policies":
        return published() & Article.policy_level.is_not(None)
    if kind == "disclosure":
        return filed()
    return published()


def _articles_changed(moment: datetime):
    """When a list of articles last changed: any article's last write (a withdrawal, an edit, a new one), or a
    moment the clock alone changed it (an item's time to go out, its take-down time) that has passed."""
    def passed(column):
        return func.max(case((column <= moment, column)))

    return select(func.max(Article.updated_at), passed(Article.published_at), passed(Article.publish_at),
                  passed(Article.expires_at)).select_from(Article)


def article_page(kind: str, filters: ArticleFilters, scope: Scope, page: int, per_page: int) -> Page:
    """One page of the articles of `kind` (ARTICLE_KINDS), newest first: rows of (article, its section)."""
    statement = _with_section().where(_kind_condition(kind))
    if filters.section:
        statement = statement.where(Section.slug == filters.section)
    statement = _day_range(statement, Article.public_at, filters.since, filters.until)
    if filters.policy_level:
        statement = statement.where(Article.policy_level == filters.policy_level)
    if filters.policy_status:
        statement = statement.where(Article.policy_status == filters.policy_status)
    if filters.issuing_body:
        statement = statement.where(Article.issuing_body.contains(filters.issuing_body, autoescape=True))
    if filters.document_number:
        statement = statement.where(Article.document_number.contains(filters.document_number, autoescape=True))
    if filters.category_id is not None:
        statement = statement.where(Article.disclosure_category_id == filters.category_id)
    if filters.subject_id is not None:
        statement = statement.where(Article.subject_id == filters.subject_id)
    return _paged(statement, (Article.public_at.desc(), Article.id.desc()), Article.tenant_id, scope, page,
                  per_page, _articles_changed(now()))


def public_article(kind: str, article_id: int) -> tuple[Article, Section] | None:
    """One article of the active site as the list of `kind` shows it, with its section and files; or None (not
    public, not of that kind, another site's)."""
    row = db.session.execute(select(Article, Section)
                             .join(Section, (Section.id == Article.section_id)
                                   & (Section.tenant_id == Article.tenant_id))
                             .where(Article.id == article_id, _kind_condition(kind))).first()
    return (row[0], row[1]) if row is not None else None


def disclosure_lists() -> tuple[dict[int, DisclosureCategory], dict[int, DisclosureSubject]]:
    """The platform's disclosure categories and subjects by id (two short lists every site shares)."""
    categories = {c.id: c for c in db.session.execute(select(DisclosureCategory)).scalars()}
    subjects = {s.id: s for s in db.session.execute(select(DisclosureSubject)).scalars()}
    return categories, subjects


# --- service items ---------------------------------------------------------------------------------------

def _listed():
    return ServiceItem.published_guide.is_not(None) & ServiceItem.catalogue_status.in_(LISTED_STATES)


def service_page(filters: ServiceFilters, scope: Scope, page: int, per_page: int) -> Page:
    """One page of the service items the public sees, in each site's catalogue order: rows of (item,)."""
    statement = select(ServiceItem).where(_listed())
    if filters.kind:
        statement = statement.where(ServiceItem.kind == filters.kind)
    statement = _day_range(statement, ServiceItem.published_at, filters.since, filters.until)
    changed = select(func.max(ServiceItem.updated_at)).select_from(ServiceItem)
    return _paged(statement, (ServiceItem.tenant_id, ServiceItem.position, ServiceItem.code, ServiceItem.id),
                  ServiceItem.tenant_id, scope, page, per_page, changed)


# --- sections ----------------------------------------------------------------------------------------------

def section_page(scope: Scope, page: int, per_page: int, slug: str | None = None) -> Page:
    """One page of the sections, each site's in its navigation order: rows of (section, its parent's address name
    or None). Sections keep no time of change: the page's `last_modified` is None (its ETag alone revalidates it)."""
    parent = aliased(Section)
    statement = select(Section, parent.slug).outerjoin(
        parent, (parent.id == Section.parent_id) & (parent.tenant_id == Section.tenant_id))
    if slug is not None:
        statement = statement.where(Section.slug == slug)
    return _paged(statement, (Section.tenant_id, *ordering()), Section.tenant_id, scope, page, per_page, None)


def section_exists(slug: str, scope: Scope) -> bool:
    """Whether any site of the scope has a section with this address name."""
    return section_page(scope, 1, 1, slug).total > 0
