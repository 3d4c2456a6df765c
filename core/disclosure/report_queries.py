"""Reading the yearly disclosure reports: a site's reports and where each stands against its deadline, the
figures a report is generated from, and every site's report of a year (the portal's list and the bureau's).

The rule (《中华人民共和国政府信息公开条例》 Art. 49): the report for year Y is published by 31 January of Y + 1.
Before 1 January of Y + 1 it is not yet due; in January it is due; after 31 January, a report not published is
overdue. A report counts as published while the public sees its article (core.content.queries.published).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, false, func, or_, select, true
from sqlalchemy.orm import defer

from core.content.models import Article
from core.content.queries import published
from core.disclosure.defaults import REPORTS_SLUG
from core.disclosure.models import PolicyInterpretation
from core.disclosure.models_report import DisclosureReport
from core.disclosure.queries import disclosure_categories
from core.disclosure.queries_applications import year_counts
from core.disclosure.queries_catalogue import counts_by_category, filed, in_year
from core.disclosure.report_layout import (APPLICANT_COLUMNS, APPLICATION_ROWS, APPLICATION_SOURCES,
                                           NORMATIVE_CATEGORY, OWN_POLICY_LEVEL)
from core.extensions import db
from core.sections.models import Section
from core.sections.queries import site_sections
from core.timeutil import now
from tenants.scoping import crosses_tenants

#: The first year a report may be prepared for (the regulation took effect on 1 May 2008).
FIRST_YEAR = 2008


def due_on(year: int) -> date:
    """The last day to publish the report for `year`: 31 January of the next year."""
    return date(year + 1, 1, 31)


def reporting_year(today: date | None = None) -> int:
    """The year whose report the sites owe now: last year's (due in January, overdue after it)."""
    return (today or now().date()).year - 1


def report_years(today: date | None = None) -> list[int]:
    """The years a report may be prepared for today, newest first: finished years only (a report counts a whole
    year; this year's figures are not final until it ends)."""
    return list(range(reporting_year(today), FIRST_YEAR - 1, -1))


# --- a site's reports --------------------------------------------------------------------------

def reports_section(sections: list[Section] | None = None) -> Section | None:
    """The active site's annual reports column (a part of its disclosure column), or None."""
    sections = site_sections() if sections is None else sections
    return next((s for s in sections if s.slug == REPORTS_SLUG), None)


def report(report_id: int | None) -> DisclosureReport | None:
    """This site's report with this id, or None."""
    if report_id is None:
        return None
    return db.session.execute(select(DisclosureReport).where(DisclosureReport.id == report_id)).scalar_one_or_none()


def report_for_year(year: int) -> DisclosureReport | None:
    return db.session.execute(select(DisclosureReport).where(DisclosureReport.year == year)).scalar_one_or_none()


def report_article(found: DisclosureReport) -> Article | None:
    return db.session.execute(select(Article).where(Article.id == found.article_id)).scalar_one_or_none()


def is_public(article: Article | None) -> bool:
    """Whether the public sees the item now."""
    return article is not None and db.session.execute(
        select(Article.id).where(Article.id == article.id, published())).first() is not None


@dataclass(frozen=True)
class Standing:
    """Where a site's report for a year stands against its deadline.

    `kind`: "published" (the public sees it; `late` when it went out after the deadline), "not_due" (the year
    has not ended), "due" (January of the next year: `days_left` calendar days to the deadline, 0 on the day),
    or "overdue" (`days_over` days past it).
    """

    year: int
    due_on: date
    kind: str
    published_at: datetime | None = None
    late: bool = False
    days_left: int | None = None
    days_over: int | None = None


def standing(year: int, published_at: datetime | None, today: date | None = None) -> Standing:
    """Where the report for `year` stands today, given when it was published (None: the public does not see it)."""
    today = today or now().date()
    deadline = due_on(year)
    if published_at is not None:
        return Standing(year, deadline, "published", published_at, late=published_at.date() > deadline)
    if today.year <= year:
        return Standing(year, deadline, "not_due")
    if today <= deadline:
        return Standing(year, deadline, "due", days_left=(deadline - today).days)
    return Standing(year, deadline, "overdue", days_over=(today - deadline).days)


def site_reports() -> list[tuple[DisclosureReport, Article, Standing]]:
    """The active site's reports, newest year first, with their articles and standing."""
    public = case((published(), true()), else_=false())
    rows = db.session.execute(
        select(DisclosureReport, Article, public)
        .join(Article, (Article.id == DisclosureReport.article_id) & (Article.tenant_id == DisclosureReport.tenant_id))
        .options(defer(Article.body_html)).order_by(DisclosureReport.year.desc())).all()
    return [(found, article, standing(found.year, article.public_at if shown else None))
            for found, article, shown in rows]


def site_standing(year: int | None = None) -> tuple[Standing, DisclosureReport | None, Article | None]:
    """Where the active site's report for `year` (default: the year owed now) stands, with the report and its
    article when it has been started."""
    year = reporting_year() if year is None else year
    found = report_for_year(year)
    article = report_article(found) if found is not None else None
    return standing(year, article.public_at if is_public(article) else None), found, article


# --- the figures a report is generated from ----------------------------------------------------

def own_normative(category_id: int):
    """The condition for one of the active site's own normative documents the public sees now: filed under the
    regulation's 规范性文件 category, a policy of the site's own level (`OWN_POLICY_LEVEL`), and not an
    interpretation of a policy (an item linked as one: the category holds "规范性文件及其解读", and an
    interpretation, whatever level it was given, is no document of its own)."""
    interpretations = select(PolicyInterpretation.interpretation_id)
    return (filed() & (Article.disclosure_category_id == category_id) & (Article.policy_level == OWN_POLICY_LEVEL)
            & Article.id.not_in(interpretations))


def issued_in(year: int):
    """The condition for a document made in `year`: dated (成文日期, `issued_on`) in it; one without that date by the
    year it first went public (`queries_catalogue.in_year`)."""
    return or_(Article.issued_on.between(date(year, 1, 1), date(year, 12, 31)),
               Article.issued_on.is_(None) & in_year(year))


def normative_counts(category_id: int, year: int) -> tuple[int, int]:
    """(made in `year`, in force at its end) of the active site's own normative documents (`own_normative`).

    In force: made by 31 December of `year` (dated by then; without a date, public before 1 January after it)
    and not marked repealed now. The platform keeps no date of repeal, only the state (`policy_status`), so a
    document repealed after 31 December counts as not in force; the report of a year is prepared in the
    January after it, which leaves few such documents.
    """
    made_by_end = or_(Article.issued_on <= date(year, 12, 31),
                      Article.issued_on.is_(None) & (Article.public_at < datetime(year + 1, 1, 1)))
    made = func.sum(case((issued_in(year), 1), else_=0))
    in_force = func.sum(case((made_by_end & Article.policy_status.is_distinct_from("repealed"), 1), else_=0))
    row = db.session.execute(select(made, in_force).select_from(Article).where(own_normative(category_id))).one()
    return row[0] or 0, row[1] or 0


def compute_figures(year: int) -> dict:
    """What the platform counts for the active site's report for `year`, as stored in `DisclosureReport.computed`.

    Returns {"proactive": {figure: count}, "categories": [[name_zh, name_en, count]], "catalogue_total": count,
    "applications": {row: {column: count}}, "late_replies": count}: table 二's normative documents (the site's
    own, not their interpretations: `normative_counts`), the year's filed items by category, table 三 from the
    yearly counts of applications (`year_counts`) as the template's rows group them, and how many of the year's
    replies were given after their due date.
    """
    categories = disclosure_categories()
    by_category = counts_by_category(year)
    normative = next((c for c in categories if c.name_zh == NORMATIVE_CATEGORY), None)
    new, in_force = normative_counts(normative.id, year) if normative else (0, 0)
    proactive = {"normative_new": new, "normative_in_force": in_force}
    counts = year_counts(year)
    applications = {row: {column: sum(counts.count(source, column) for source in APPLICATION_SOURCES.get(row, ()))
                          for column in APPLICANT_COLUMNS} for row in APPLICATION_ROWS}
    return {"proactive": proactive,
            "categories": [[c.name_zh, c.name_en, by_category.get(c.id, 0)] for c in categories],
            "catalogue_total": sum(by_category.values()),
            "applications": applications,
            "late_replies": counts.count("late")}


def figures_of(found: DisclosureReport) -> tuple[dict, dict]:
    """A report's stored figures: (computed, manual)."""
    return json.loads(found.computed or "{}"), json.loads(found.manual or "{}")


# --- every site's report of a year -------------------------------------------------------------

@dataclass(frozen=True)
class CityReport:
    """One site's report of the year as the portal and the bureau list it."""

    site_id: int
    article_id: int
    title: str
    status: str  # the article's state (core.content.models.STATUSES)
    standing: Standing


@crosses_tenants("the city portal and the bureau list every site's yearly disclosure report, and the missing ones")
def city_reports(year: int, today: date | None = None) -> dict[int, CityReport]:
    """Every site's report for `year` that has been started: {site id: CityReport}. Public pages show only those
    whose standing is "published"."""
    public = case((published(), true()), else_=false())
    rows = db.session.execute(
        select(DisclosureReport.tenant_id, Article.id, Article.title, Article.status, Article.public_at, public)
        .join(Article, (Article.id == DisclosureReport.article_id) & (Article.tenant_id == DisclosureReport.tenant_id))
        .where(DisclosureReport.year == year).execution_options(all_tenants=True)).all()
    return {site_id: CityReport(site_id, article_id, title, status,
                                standing(year, public_at if shown else None, today))
            for site_id, article_id, title, status, public_at, shown in rows}
