"""Reading the disclosure catalogue: a site's filed items as the public browses them, what each category holds
(coverage; the yearly report's counts), and the policy interpretation links.

"Published" is what the public sees now (core.content.queries.published). A filed item's year (the catalogue's
year filter, the coverage and the yearly report by year) is the year of its index number, the year it first
went public (`Article.index_year`): an item withdrawn and published again stays in its first year, as its number
does. An item with no number yet (a scheduled one the job has not reached) counts in the year it went public.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, defer

from core.content.models import Article
from core.content.queries import published, went_up_between
from core.disclosure.column_parts import column_section
from core.disclosure.filing import column_section_ids, unfiled_public
from core.disclosure.index_numbers import fallback_prefix
from core.disclosure.models import DisclosureCategory, PolicyInterpretation
from core.extensions import db
from core.sections.models import Section
from core.timeutil import now
from core.web.cache import site_memo
from core.web.sitemaps import PublicPage
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

#: The policy level whose policies the bureau wants every one interpreted (政策解读).
INTERPRETED_LEVEL = "municipal"


def in_year(year: int):
    """The condition for a filed item of `year`: its index number's year, else (no number yet) its publication's."""
    return or_(Article.index_year == year,
               and_(Article.index_year.is_(None), Article.public_at >= datetime(year, 1, 1),
                    Article.public_at < datetime(year + 1, 1, 1)))


def filed():
    """The condition for a filed item the public sees now: in the catalogue."""
    return Article.disclosure_category_id.is_not(None) & published()


def catalogue_page(*, page: int, per_page: int, category_id: int | None = None, subject_id: int | None = None,
                   year: int | None = None):
    """One page of the active site's catalogue, newest first (a Flask-SQLAlchemy pagination; past the end: empty)."""
    query = select(Article).options(defer(Article.body_html)).where(filed())
    if category_id is not None:
        query = query.where(Article.disclosure_category_id == category_id)
    if subject_id is not None:
        query = query.where(Article.subject_id == subject_id)
    if year is not None:
        query = query.where(in_year(year))
    return db.paginate(query.order_by(Article.public_at.desc(), Article.id.desc()), page=page, per_page=per_page,
                       error_out=False, count=True)


def sitemap_pages() -> list[PublicPage]:
    """The catalogue's page, when the active site has its disclosure column, with when its newest entry went up,
    for the sitemaps (core.web.sitemaps; the entries themselves are articles, listed by content)."""
    if column_section() is None:
        return []
    newest = db.session.execute(select(func.max(Article.public_at)).where(filed())).scalar_one_or_none()
    return [PublicPage(url_for("disclosure_public.catalogue"), newest)]


def portal_sitemap_pages() -> list[PublicPage]:
    """The city portal's page of every site's yearly disclosure report, for the portal's sitemap."""
    return [PublicPage(url_for("disclosure_report.portal_reports"))]


def catalogue_years() -> list[int]:
    """The years the active site's catalogue has items of (as `in_year` counts them), newest first: every year
    between its first and last."""
    first, last, unnumbered_first, unnumbered_last = db.session.execute(select(
        func.min(Article.index_year), func.max(Article.index_year),
        func.min(case((Article.index_year.is_(None), Article.public_at))),
        func.max(case((Article.index_year.is_(None), Article.public_at)))).where(filed())).one()
    years = {y for y in (first, last) if y is not None}
    years |= {moment.year for moment in (unnumbered_first, unnumbered_last) if moment is not None}
    if not years:
        return []
    return list(range(max(years), min(years) - 1, -1))


def counts_by_category(year: int | None = None) -> dict[int, int]:
    """How many filed items the active site shows the public in each category: {category id: count}.

    With `year`, only the items published that year (the yearly report's proactive disclosure counts).
    """
    query = select(Article.disclosure_category_id, func.count()).where(filed())
    if year is not None:
        query = query.where(in_year(year))
    return dict(db.session.execute(query.group_by(Article.disclosure_category_id)).all())


def counts_by_subject(year: int | None = None) -> dict[int, int]:
    """The same by subject: {subject id: count}."""
    query = select(Article.subject_id, func.count()).where(filed(), Article.subject_id.is_not(None))
    if year is not None:
        query = query.where(in_year(year))
    return dict(db.session.execute(query.group_by(Article.subject_id)).all())


@dataclass
class CoverageRow:
    """What one category of the platform's list holds on a site: how many items, the newest one's date."""

    category: DisclosureCategory
    count: int
    newest: datetime | None

    @property
    def empty(self) -> bool:
        return self.count == 0


def _coverage_statement(year: int | None):
    query = (select(Article.tenant_id, Article.disclosure_category_id, func.count(), func.max(Article.public_at))
             .where(filed()))
    if year is not None:
        query = query.where(in_year(year))
    return query.group_by(Article.tenant_id, Article.disclosure_category_id)


def coverage(categories: list[DisclosureCategory], year: int | None = None) -> list[CoverageRow]:
    """For every category of the platform's list, what the active site has published in it (in `year`)."""
    found = {row[1]: (row[2], row[3]) for row in db.session.execute(_coverage_statement(year)).all()}
    return [CoverageRow(c, *found.get(c.id, (0, None))) for c in categories]


@crosses_tenants("the bureau's coverage matrix and the yearly report compare every site's catalogue")
def city_coverage(year: int | None = None) -> dict[int, dict[int, tuple[int, datetime]]]:
    """Every site's published filed items per category: {site id: {category id: (count, newest)}} (in `year`)."""
    matrix: dict[int, dict[int, tuple[int, datetime]]] = {}
    for tenant_id, category_id, count, newest in db.session.execute(
            _coverage_statement(year).execution_options(all_tenants=True)).all():
        matrix.setdefault(tenant_id, {})[category_id] = (count, newest)
    return matrix


def active_sites() -> list[Tenant]:
    """The sites the bureau's pages list: the active ones, by name."""
    return list(db.session.execute(select(Tenant).where(Tenant.status == "active")
                                   .order_by(Tenant.kind, Tenant.id)).scalars())


def provisional_numbers(slug: str) -> int:
    """How many of the active site's items carry an index number with the provisional prefix (no code yet)."""
    return db.session.execute(select(func.count()).select_from(Article).where(
        Article.index_number.startswith(f"{fallback_prefix(slug)}/", autoescape=True))).scalar_one()


# --- unfiled items in the column --------------------------------------------------------------------

def unfiled_in_column() -> list[Article]:
    """The active site's items of the disclosure column that are public (or scheduled) and not filed, newest first.

    None should be there (every path refuses to put one there); any that is, from before filing was required
    or put there by a path not yet closed, is listed on the site's disclosure page to be filed.
    """
    return list(db.session.execute(select(Article).options(defer(Article.body_html))
                                   .where(unfiled_public(column_section_ids()))
                                   .order_by(Article.updated_at.desc(), Article.id.desc())).scalars())


@crosses_tenants("the bureau's coverage page counts every site's unfiled items in its disclosure column")
def city_unfiled_counts() -> dict[int, int]:
    """How many public items each site's disclosure column holds unfiled: {site id: count} (none: left out)."""
    by_site: dict[int, list[Section]] = {}
    for section in db.session.execute(select(Section).execution_options(all_tenants=True)).scalars():
        by_site.setdefault(section.tenant_id, []).append(section)
    column = {tenant_id: column_section_ids(sections) for tenant_id, sections in by_site.items()}
    found: dict[int, int] = {}
    every_section = set().union(*column.values()) if column else set()
    for tenant_id, section_id, count in db.session.execute(
            select(Article.tenant_id, Article.section_id, func.count()).where(unfiled_public(every_section))
            .group_by(Article.tenant_id, Article.section_id).execution_options(all_tenants=True)).all():
        if section_id in column.get(tenant_id, ()):
            found[tenant_id] = found.get(tenant_id, 0) + count
    return found


# --- policy interpretation (政策解读) ----------------------------------------------------------------

def linked_article_ids() -> frozenset[int]:
    """Every item of the active site that a link names, policy or interpretation, whatever its state: read once
    per content version of the site (`core.web.cache.site_memo`), so that an item in no link (most of them)
    costs its page no query."""
    def read() -> frozenset[int]:
        rows = db.session.execute(select(PolicyInterpretation.policy_id, PolicyInterpretation.interpretation_id))
        return frozenset(article_id for row in rows for article_id in row)

    return site_memo("disclosure.linked_article_ids", read)


def interpretation_links(article_id: int) -> tuple[list, list]:
    """An item's links both ways, published items only, newest first (one query; none for an item in no link):
    ([(link, interpretation)] when it is a policy, [(link, policy)] when it interprets one)."""
    if article_id not in linked_article_ids():
        return [], []
    other = case((PolicyInterpretation.policy_id == article_id, PolicyInterpretation.interpretation_id),
                 else_=PolicyInterpretation.policy_id)
    rows = db.session.execute(
        select(PolicyInterpretation, Article).join(Article, Article.id == other)
        .where(or_(PolicyInterpretation.policy_id == article_id, PolicyInterpretation.interpretation_id == article_id),
               published())
        .options(defer(Article.body_html)).order_by(Article.public_at.desc(), Article.id.desc())).all()
    interpretations = [(link, item) for link, item in rows if link.policy_id == article_id]
    policies = [(link, item) for link, item in rows if link.interpretation_id == article_id]
    return interpretations, policies


def site_links() -> list[tuple[PolicyInterpretation, Article, Article]]:
    """Every link of the active site, whatever state its items are in: [(link, interpretation, policy)]."""
    interpretation, policy = aliased(Article), aliased(Article)
    return [tuple(row) for row in db.session.execute(
        select(PolicyInterpretation, interpretation, policy)
        .join(interpretation, interpretation.id == PolicyInterpretation.interpretation_id)
        .join(policy, policy.id == PolicyInterpretation.policy_id)
        .options(defer(interpretation.body_html), defer(policy.body_html))
        .order_by(PolicyInterpretation.id.desc())).all()]


def _public(item):
    """`published()` for an aliased article: what the public sees at this moment (a scheduled item only once due)."""
    moment = now()
    live = (item.status == "published") & (item.published_at <= moment)
    due = (item.status == "scheduled") & (item.publish_at <= moment)
    return (live | due) & (item.expires_at.is_(None) | (item.expires_at > moment))


def _lacking_statement():
    """Published policies of the interpreted level that no published item interprets: an interpretation still in
    draft, scheduled for later, withdrawn or expired explains nothing to the public yet."""
    item = aliased(Article)
    interpreted = (select(PolicyInterpretation.policy_id)
                   .join(item, (item.id == PolicyInterpretation.interpretation_id)
                         & (item.tenant_id == PolicyInterpretation.tenant_id))
                   .where(_public(item)))
    return (select(Article).options(defer(Article.body_html))
            .where(Article.policy_level == INTERPRETED_LEVEL, published(), Article.id.not_in(interpreted))
            .order_by(Article.public_at.desc(), Article.id.desc()))


def policies_lacking_interpretation() -> list[Article]:
    """The active site's published municipal policies with no published interpretation, newest first."""
    return list(db.session.execute(_lacking_statement()).scalars())


@crosses_tenants("the bureau sees which municipal policies of every site lack an interpretation")
def city_policies_lacking_interpretation() -> dict[int, list[Article]]:
    """Every site's published municipal policies with no published interpretation: {site id: [policies]}."""
    found: dict[int, list[Article]] = {}
    for article in db.session.execute(_lacking_statement().execution_options(all_tenants=True)).scalars():
        found.setdefault(article.tenant_id, []).append(article)
    return found


@crosses_tenants("the bureau's interpretation page counts every site's municipal policies")
def city_policy_counts() -> dict[int, int]:
    """How many published municipal policies each site shows: {site id: count}."""
    return dict(db.session.execute(
        select(Article.tenant_id, func.count()).where(Article.policy_level == INTERPRETED_LEVEL, published())
        .group_by(Article.tenant_id).execution_options(all_tenants=True)).all())


def interpretations_of_year(year: int) -> dict[str, int]:
    """The active site's policy interpretations that went up for the public in calendar `year` (whatever became
    of them after: `core.content.queries.went_up_between`), by kind (`core.disclosure.models.INTERPRETATION_KINDS`):
    {kind: count}, each interpretation once however many policies it explains (one statement; the yearly website
    report's 解读回应 line)."""
    rows = db.session.execute(
        select(PolicyInterpretation.kind, func.count(func.distinct(PolicyInterpretation.interpretation_id)))
        .join(Article, (Article.id == PolicyInterpretation.interpretation_id)
              & (Article.tenant_id == PolicyInterpretation.tenant_id))
        .where(went_up_between(datetime(year, 1, 1), datetime(year + 1, 1, 1)))
        .group_by(PolicyInterpretation.kind)).all()
    return dict(rows)
