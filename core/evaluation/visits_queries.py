"""Reading the visit counts: a site's (the active one's, by the tenant scope) and, for the bureau, the city's.

For other modules (the yearly website report, the evaluation):

- `visits_of_year(year) -> (unique_visitors, page_views)` of the active site, a calendar year;
- `visits_between(start, end) -> (unique_visitors, page_views)` of the active site, both days included
  (a `Totals`, a named tuple: `.unique_visitors`, `.page_views`).

Both raise `tenants.scoping.TenantScopeError` when no site is active. Unique
visitors over several days are the sum of each day's: a visitor is told apart
for one day only (the salt changes every day, core.evaluation.visits), so the
same person on two days counts on each, as the national yearly form's
"unique visitors" is commonly filled in. The figures are what has been flushed:
with the memory store up to VISITS_FLUSH_SECONDS behind, with Redis up to the
job's minute.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from core.content.models import Article
from core.content.queries import published
from core.evaluation.visits_models import PortalVisitDay, VisitDay, VisitItemDay
from core.extensions import db
from core.timeutil import now
from tenants.models import SiteGroup, Tenant
from tenants.scoping import crosses_tenants

#: The periods the pages offer, in days (the first is the default).
PERIODS = (30, 90, 365)
#: The console's table of sites can be sorted by these (the first is the default).
SITE_SORTS = ("views", "visitors", "name")
#: Items listed as the most read.
MOST_READ = 10


class Totals(NamedTuple):
    """(unique visitors, page views): a tuple, so `visitors, views = visits_between(...)` reads as it says."""

    unique_visitors: int = 0
    page_views: int = 0

    def __add__(self, other: Totals) -> Totals:  # adds up, not a tuple's concatenation
        return Totals(self.unique_visitors + other.unique_visitors, self.page_views + other.page_views)


@dataclass(frozen=True)
class Period:
    """`days` whole days ending yesterday (today is still being counted: shown on its own)."""

    days: int
    start: date
    end: date

    @classmethod
    def ending_before(cls, today: date, days: int) -> Period:
        return cls(days, today - timedelta(days=days), today - timedelta(days=1))

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def months(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    @property
    def partial_months(self) -> set[date]:
        """The months the period covers only in part (its first and last, when it starts or ends inside them)."""
        partial = set()
        if self.start.day != 1:
            partial.add(self.start.replace(day=1))
        if (self.end + timedelta(days=1)).day != 1:
            partial.add(self.end.replace(day=1))
        return partial


@dataclass(frozen=True)
class Day:
    day: date
    totals: Totals


@dataclass(frozen=True)
class ReadItem:
    article_id: int
    title: str
    views: int
    public: bool  # still on the public site: the title links to it


@dataclass
class Report:
    """One site's (or the city's) figures for a period."""

    period: Period
    daily: list[Day]
    total: Totals
    today: Totals
    monthly: list[tuple[date, Totals]] = field(default_factory=list)
    most_read: list[ReadItem] = field(default_factory=list)

    @property
    def average_views(self) -> float:
        return self.total.page_views / self.period.days if self.period.days else 0.0


def _totals(row) -> Totals:
    return Totals(int(row[0] or 0), int(row[1] or 0))


# --------------------------------------------------------------------------- the active site


def visits_between(start: date, end: date) -> Totals:
    """The active site's unique visitors and page views from `start` to `end`, both included (0 when none)."""
    return _totals(db.session.execute(
        select(func.sum(VisitDay.unique_visitors), func.sum(VisitDay.page_views))
        .where(VisitDay.day >= start, VisitDay.day <= end)).one())


def visits_of_year(year: int) -> Totals:
    """The active site's (unique visitors, page views) of a calendar year, for the yearly website report."""
    return visits_between(date(year, 1, 1), date(year, 12, 31))


def _daily(model, start: date, end: date) -> list[Day]:
    """Every day from start to end, zero where nothing was counted (the active site's, or the portal's)."""
    rows = db.session.execute(select(model.day, model.unique_visitors, model.page_views)
                              .where(model.day >= start, model.day <= end)).all()
    found = {day: Totals(uv, pv) for day, uv, pv in rows}
    return [Day(day, found.get(day, Totals())) for day in Period(0, start, end).dates]


def monthly(period: Period, daily: list[Day]) -> list[tuple[date, Totals]]:
    """The period's days added up by calendar month (the first and last month only in part)."""
    sums = {month: Totals() for month in period.months}
    for day in daily:
        month = day.day.replace(day=1)
        sums[month] = sums[month] + day.totals
    return list(sums.items())


def most_read(start: date, end: date, limit: int = MOST_READ) -> list[ReadItem]:
    """The active site's most viewed items from start to end: still-existing articles, most views first."""
    views = func.sum(VisitItemDay.views).label("views")
    rows = db.session.execute(
        select(Article.id, Article.title, views, published().label("public"))
        .join(VisitItemDay, VisitItemDay.article_id == Article.id)
        .where(VisitItemDay.day >= start, VisitItemDay.day <= end)
        .group_by(Article.id, Article.title, Article.status, Article.published_at, Article.publish_at,
                  Article.expires_at)
        .order_by(views.desc(), Article.id.desc()).limit(limit)).all()
    return [ReadItem(row.id, row.title, int(row.views), bool(row.public)) for row in rows]


def site_report(days: int, today: date) -> Report:
    """The active site's figures: the `days` whole days before today, day by day and by month, the most read."""
    period = Period.ending_before(today, days)
    daily = _daily(VisitDay, period.start, period.end)
    return Report(period=period, daily=daily, total=sum((d.totals for d in daily), Totals()),
                  today=visits_between(today, today), monthly=monthly(period, daily),
                  most_read=most_read(period.start, period.end))


def site_panel() -> dict:
    """For the admin home's card: yesterday's figures, this month's so far (today included), today's so far."""
    today = now().date()
    return {"visits_yesterday": visits_between(today - timedelta(days=1), today - timedelta(days=1)),
            "visits_month": visits_between(today.replace(day=1), today),
            "visits_today": visits_between(today, today)}


# --------------------------------------------------------------------------- the city


@dataclass(frozen=True)
class SiteRow:
    site: Tenant
    group: SiteGroup | None
    total: Totals
    share: float  # of the city's page views (sites and portal) in the period


@dataclass
class CityReport(Report):
    rows: list[SiteRow] = field(default_factory=list)
    portal: Totals = Totals()
    groups: list[SiteGroup] = field(default_factory=list)


@crosses_tenants("the information bureau's visit statistics add up every site's daily counts")
def city_report(days: int, today: date, group: str | None = None, sort: str = SITE_SORTS[0]) -> CityReport:
    """Every site's visits in the period, and the city's day by day (sites of `group` only, when given).

    The city's figure is the sum of the sites' and, without a group, the portal's: a person who visits two
    sites on a day is two unique visitors of the city that day. Rows: every active site, and any suspended one
    with visits in the period; sorted by `sort` (SITE_SORTS: most page views, most visitors, by address name).
    """
    period = Period.ending_before(today, days)
    groups = list(db.session.execute(select(SiteGroup).order_by(SiteGroup.position, SiteGroup.key)).scalars())
    chosen = next((g for g in groups if g.key == group), None)
    conditions = [VisitDay.day >= period.start, VisitDay.day <= period.end]
    sites = select(Tenant).order_by(Tenant.slug)
    if chosen is not None:
        conditions.append(VisitDay.tenant_id.in_(select(Tenant.id).where(Tenant.group_id == chosen.id)))
        sites = sites.where(Tenant.group_id == chosen.id)

    def summed(by, *where) -> dict:
        statement = (select(by, func.sum(VisitDay.unique_visitors), func.sum(VisitDay.page_views))
                     .where(*where).group_by(by).execution_options(all_tenants=True))
        return {row[0]: _totals(row[1:]) for row in db.session.execute(statement).all()}

    per_site = summed(VisitDay.tenant_id, *conditions)
    per_day = summed(VisitDay.day, *conditions)
    today_sites = sum(summed(VisitDay.day, VisitDay.day == today, *conditions[2:]).values(), Totals())
    portal = today_portal = Totals()
    if chosen is None:
        portal_days = {d.day: d.totals for d in _portal_daily(period.start, today)}
        today_portal = portal_days.pop(today, Totals())
        portal = sum(portal_days.values(), Totals())
        per_day = {day: per_day.get(day, Totals()) + portal_days.get(day, Totals()) for day in period.dates}
    daily = [Day(day, per_day.get(day, Totals())) for day in period.dates]
    total = sum((d.totals for d in daily), Totals())
    group_of = {g.id: g for g in groups}
    rows = [SiteRow(t, group_of.get(t.group_id), per_site.get(t.id, Totals()),
                    per_site.get(t.id, Totals()).page_views / total.page_views if total.page_views else 0.0)
            for t in db.session.execute(sites).scalars() if t.status == "active" or t.id in per_site]
    key = {"views": lambda r: -r.total.page_views,
           "visitors": lambda r: -r.total.unique_visitors,
           "name": lambda r: 0}[sort if sort in SITE_SORTS else SITE_SORTS[0]]
    return CityReport(period=period, daily=daily, total=total, today=today_sites + today_portal,
                      monthly=monthly(period, daily), rows=sorted(rows, key=key), portal=portal, groups=groups)


def _portal_daily(start: date, end: date) -> list[Day]:
    """The city portal's days from start to end (platform data: no site scope)."""
    return _daily(PortalVisitDay, start, end)
