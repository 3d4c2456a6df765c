"""Figures of online services: a site's applications and the whole city's, month by month; the bureau's coverage.

What is counted, for a period of whole months (the last N, this one included):

- **applications**: those submitted in the period, by the state they are in now;
- **completed**, **on time** and **handling time**: those completed in the period.
  On time means completed by the due date (`Application.due_on`, the promised
  limit in working days, already moved on by the days spent in correction).
  Handling time is the working days from submission to completion, less the
  working days the application spent returned for correction (补正), as the
  holiday calendar counts them (core.workdays);
- **satisfaction**: the ratings given in the period: the share of 5 (非常满意)
  and 4 (满意), and the average out of 5.

A site reads its own rows (the tenant scope); the city's figures and the
coverage read every site's through the two functions marked
`@crosses_tenants`, and nothing else here crosses.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import defer, selectinload

from core.extensions import db
from core.i18n import localized
from core.services.guide import missing_elements
from core.services.models import (APPLICATION_STATES, Application, ApplicationEvent, Feedback, ServiceItem)
from core.workdays.queries import working_calendar
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

#: How many months back the pages offer; the first is the default.
PERIODS = (6, 3, 12, 24)
#: Ratings that count as satisfied (非常满意, 满意).
SATISFIED = (5, 4)
#: The states an application is in once handled to the end (办结), or turned away.
FINISHED = ("completed", "not_accepted")

#: An application's state, worded as the officers' queue words it (core.services.applications).
STATE_LABELS = {
    "submitted": _l("Waiting to be accepted"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted, being handled"),
    "not_accepted": _l("Not accepted"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "completed": _l("Completed"),
}


# --------------------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """Whole calendar months, oldest first; the last is the current one."""

    months: tuple[tuple[int, int], ...]

    @classmethod
    def last(cls, count: int, today: date) -> "Period":
        year, month = today.year, today.month
        months = []
        for _month in range(count):
            months.append((year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return cls(tuple(reversed(months)))

    @property
    def start(self) -> datetime:
        year, month = self.months[0]
        return datetime(year, month, 1)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        year, month = self.months[-1]
        return datetime(year + 1, 1, 1) if month == 12 else datetime(year, month + 1, 1)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def month_label(month: tuple[int, int]) -> str:
    return f"{month[0]}-{month[1]:02d}"


# --------------------------------------------------------------------------- the tallies


@dataclass
class Tally:
    """The figures of one group of applications (an item, a site, a month, everything)."""

    submitted: int = 0
    states: Counter = field(default_factory=Counter)
    completed: int = 0
    timed: int = 0  # completed with a due date
    on_time: int = 0
    handling_days: int = 0  # summed over the completed
    ratings: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.submitted += other.submitted
        self.states.update(other.states)
        self.completed += other.completed
        self.timed += other.timed
        self.on_time += other.on_time
        self.handling_days += other.handling_days
        self.ratings.update(other.ratings)

    @property
    def on_time_rate(self) -> float | None:
        """Completed by the due date, of those completed with one (0 to 1); None when nothing was."""
        return self.on_time / self.timed if self.timed else None

    @property
    def average_days(self) -> float | None:
        return self.handling_days / self.completed if self.completed else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfied(self) -> int:
        return sum(self.ratings[r] for r in SATISFIED)

    @property
    def satisfaction(self) -> float | None:
        """The share of ratings that are 5 or 4 (0 to 1); None when nobody rated."""
        return self.satisfied / self.rated if self.rated else None

    @property
    def average_rating(self) -> float | None:
        return sum(r * n for r, n in self.ratings.items()) / self.rated if self.rated else None


@dataclass
class Row:
    """One line of a report's table: an item (with its site, city-wide) or a site."""

    label: str
    code: str
    site: str = ""
    tally: Tally = field(default_factory=Tally)


@dataclass
class Report:
    period: Period
    total: Tally
    by_month: dict[tuple[int, int], Tally]
    by_item: list[Row]
    by_site: list[Row] = field(default_factory=list)  # the city's report only

    @property
    def monthly(self) -> list[tuple[tuple[int, int], Tally]]:
        return [(m, self.by_month[m]) for m in self.period.months]


class _DayCounter:
    """Working days between dates over one stretch of the calendar, by prefix sums (one query)."""

    def __init__(self, first: date, last: date):
        calendar = working_calendar(first, last)
        self.first = first
        self.counts = [0]
        day = first
        while day < last:
            day += timedelta(days=1)
            self.counts.append(self.counts[-1] + calendar.is_working_day(day))

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        if end <= start:
            return 0
        last = self.first + timedelta(days=len(self.counts) - 1)
        start, end = min(max(start, self.first), last), min(max(end, self.first), last)
        return self.counts[(end - self.first).days] - self.counts[(start - self.first).days]


# --------------------------------------------------------------------------- reading the rows


def _applications(period: Period, options: dict) -> list:
    touched = or_(and_(Application.submitted_at >= period.start, Application.submitted_at < period.end),
                  and_(Application.completed_at >= period.start, Application.completed_at < period.end))
    query = (select(Application.id, Application.tenant_id, Application.item_id, Application.status,
                    Application.submitted_at, Application.completed_at, Application.due_on)
             .where(touched).execution_options(**options))
    return list(db.session.execute(query))


def _correction_events(period: Period, options: dict) -> list:
    """The steps into and out of correction of the applications completed in the period, in order."""
    query = (select(ApplicationEvent.tenant_id, ApplicationEvent.application_id, ApplicationEvent.at,
                    ApplicationEvent.to_status)
             .join(Application, and_(Application.tenant_id == ApplicationEvent.tenant_id,
                                     Application.id == ApplicationEvent.application_id))
             .where(Application.completed_at >= period.start, Application.completed_at < period.end,
                    or_(ApplicationEvent.to_status == "returned", ApplicationEvent.from_status == "returned"))
             .order_by(ApplicationEvent.tenant_id, ApplicationEvent.application_id, ApplicationEvent.at,
                       ApplicationEvent.id)
             .execution_options(**options))
    return list(db.session.execute(query))


def _ratings(period: Period, options: dict) -> list:
    query = (select(Feedback.tenant_id, Application.item_id, Feedback.rating, Feedback.rated_at)
             .join(Application, and_(Application.tenant_id == Feedback.tenant_id,
                                     Application.id == Feedback.application_id))
             .where(Feedback.rated_at >= period.start, Feedback.rated_at < period.end)
             .execution_options(**options))
    return list(db.session.execute(query))


def _items(options: dict) -> dict[tuple[int, int], tuple[str, str, bool]]:
    """(tenant, item) -> (name, code, whether the public can apply for it online now), for every item."""
    query = (select(ServiceItem.tenant_id, ServiceItem.id, ServiceItem.name, ServiceItem.code,
                    ServiceItem.online_level, ServiceItem.published_guide.is_not(None).label("published"),
                    ServiceItem.catalogue_status)
             .order_by(ServiceItem.tenant_id, ServiceItem.position, ServiceItem.id)
             .execution_options(**options))
    return {(row.tenant_id, row.id): (row.name, row.code, row.online_level == "online" and row.published
                                      and row.catalogue_status != "removed")
            for row in db.session.execute(query)}


def _report(period: Period, options: dict, today: date) -> tuple[Report, dict[tuple[int, int], Tally]]:
    """The report of every row the scope (`options`) lets through; also the tallies by (tenant, item)."""
    applications = _applications(period, options)
    events = _correction_events(period, options)
    ratings = _ratings(period, options)
    by_month = {m: Tally() for m in period.months}
    by_item: dict[tuple[int, int], Tally] = defaultdict(Tally)
    total = Tally()

    first = min([a.submitted_at.date() for a in applications] + [period.start.date()])
    last = max([a.completed_at.date() for a in applications if a.completed_at] + [today, period.end.date()])
    days = _DayCounter(first, last)
    corrections: dict[tuple[int, int], list] = defaultdict(list)
    for event in events:
        corrections[(event.tenant_id, event.application_id)].append(event)

    for a in applications:
        key = (a.tenant_id, a.item_id)
        tallies = (total, by_item[key])
        if period.holds(a.submitted_at):
            month = by_month[(a.submitted_at.year, a.submitted_at.month)]
            for tally in (*tallies, month):
                tally.submitted += 1
                tally.states[a.status] += 1
        if period.holds(a.completed_at):
            spent = days.between(a.submitted_at.date(), a.completed_at.date())
            spent -= _days_in_correction(corrections.get((a.tenant_id, a.id), ()), a.completed_at, days)
            on_time = None if a.due_on is None else a.completed_at.date() <= a.due_on
            month = by_month[(a.completed_at.year, a.completed_at.month)]
            for tally in (*tallies, month):
                tally.completed += 1
                tally.handling_days += max(spent, 0)
                if on_time is not None:
                    tally.timed += 1
                    tally.on_time += on_time
    for tenant_id, item_id, rating, rated_at in ratings:
        for tally in (total, by_item[(tenant_id, item_id)], by_month[(rated_at.year, rated_at.month)]):
            tally.ratings[rating] += 1
    return Report(period, total, by_month, []), by_item


def _days_in_correction(events, completed_at: datetime, days: _DayCounter) -> int:
    """Working days between each return for correction and the resubmission that ended it (or the completion)."""
    spent, since = 0, None
    for event in events:
        if event.to_status == "returned":
            since = since or event.at
        elif since is not None:
            spent += days.between(since.date(), event.at.date())
            since = None
    if since is not None:
        spent += days.between(since.date(), completed_at.date())
    return spent


def _item_rows(by_item: dict, items: dict, site_names: dict[int, str] | None = None) -> list[Row]:
    """Every item with applications in the period, and every item offered online (with its zeros)."""
    keys = [k for k in items if k in by_item or items[k][2]]
    keys += sorted(k for k in by_item if k not in items)  # an item removed since: still counted
    rows = []
    for key in keys:
        name, code, _online = items.get(key, ("", "", False))
        rows.append(Row(label=name or _("(removed item)"), code=code,
                        site=site_names.get(key[0], "") if site_names else "", tally=by_item.get(key, Tally())))
    return rows


def site_report(months: int, today: date) -> Report:
    """The active site's figures for the last `months` months."""
    period = Period.last(months, today)
    report, by_item = _report(period, {}, today)
    report.by_item = _item_rows(by_item, _items({}))
    return report


@crosses_tenants("the information bureau's statistics count every site's applications, items and ratings")
def city_report(months: int, today: date) -> Report:
    """Every site's figures for the last `months` months: the city's totals, each site's, each item's.

    The sites listed are those with applications or an item offered online, the busiest first.
    """
    period = Period.last(months, today)
    options = {"all_tenants": True}
    report, by_item = _report(period, options, today)
    items = _items(options)
    sites: dict[int, Tally] = defaultdict(Tally)
    for (tenant_id, _item_id), tally in by_item.items():
        sites[tenant_id].add(tally)
    for tenant_id, _item_id in (key for key, (_name, _code, online) in items.items() if online):
        sites.setdefault(tenant_id, Tally())
    tenants = sorted(db.session.execute(select(Tenant).where(Tenant.id.in_(list(sites)))).scalars(),
                     key=lambda t: (-sites[t.id].submitted, t.slug))
    names = {t.id: localized(t) for t in tenants}
    rank = {t.id: n for n, t in enumerate(tenants)}
    ordered = dict(sorted(((k, v) for k, v in items.items() if k[0] in rank), key=lambda pair: rank[pair[0][0]]))
    report.by_item = _item_rows(by_item, ordered, names)
    report.by_site = [Row(label=names[t.id], code=t.slug, tally=sites[t.id]) for t in tenants]
    return report


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """One site's catalogue as the bureau evaluates it."""

    tenant: Tenant
    items: int = 0
    complete: int = 0  # guides with every key element (core.services.guide.missing_elements)
    published: int = 0  # guides the public sees
    online: int = 0  # published and offered for application online
    licensing: int = 0
    licensing_online: int = 0

    @property
    def flagged(self) -> bool:
        """A window department with a licensing item the public cannot apply for online."""
        return self.tenant.is_window_department and self.licensing_online < self.licensing

    def share(self, part: int) -> float | None:
        return part / self.items if self.items else None


@crosses_tenants("the information bureau's coverage page weighs every site's service catalogue")
def coverage() -> list[Coverage]:
    """Every site (suspended ones too) with its items not removed: the flagged first, then window departments,
    other departments and county portals, each by the catalogue's group order then address name."""
    tenants = list(db.session.execute(select(Tenant).options(selectinload(Tenant.group))).scalars())
    by_tenant = {t.id: Coverage(t) for t in tenants}
    # The published snapshots and form definitions are not needed here, only whether there is a snapshot.
    items = db.session.execute(
        select(ServiceItem, ServiceItem.published_guide.is_not(None).label("published"))
        .where(ServiceItem.catalogue_status != "removed")
        .options(defer(ServiceItem.published_guide), defer(ServiceItem.application_fields),
                 selectinload(ServiceItem.materials), selectinload(ServiceItem.steps))
        .execution_options(all_tenants=True))
    for item, published in items:
        row = by_tenant[item.tenant_id]
        online = bool(published) and item.online_level == "online"
        row.items += 1
        row.complete += not missing_elements(item)
        row.published += bool(published)
        row.online += online
        if item.kind == "licensing":
            row.licensing += 1
            row.licensing_online += online
    return sorted(by_tenant.values(), key=lambda c: (not c.flagged, not c.tenant.is_window_department,
                                                     c.tenant.kind != "department",
                                                     c.tenant.group.position if c.tenant.group else 0,
                                                     c.tenant.slug))


@crosses_tenants("the console's home counts the window departments whose licensing items are not all online")
def flagged_window_departments() -> int:
    """How many window departments have a licensing item the public cannot apply for online (one query)."""
    offline = (select(ServiceItem.tenant_id)
               .where(ServiceItem.kind == "licensing", ServiceItem.catalogue_status != "removed",
                      or_(ServiceItem.online_level != "online", ServiceItem.published_guide.is_(None)))
               .distinct().execution_options(all_tenants=True).subquery())
    return db.session.execute(select(func.count()).select_from(Tenant)
                              .where(Tenant.is_window_department, Tenant.id.in_(select(offline.c.tenant_id))))\
        .scalar_one()


def coverage_panel() -> dict:
    """For the console home's card: the flagged window departments."""
    return {"flagged": flagged_window_departments()}


# --------------------------------------------------------------------------- exports


@dataclass
class Table:
    """One table of an export: a sheet of the workbook, or the whole CSV file."""

    title: str
    header: list[str]
    rows: list[list]
    #: Columns (0-based) holding shares from 0 to 1, written as percentages.
    percent: frozenset[int] = frozenset()


def _measures_header() -> list[str]:
    return ([_("Applications")] + [str(STATE_LABELS[s]) for s in APPLICATION_STATES]
            + [_("Completed"), _("Completed on time"), _("On-time rate"), _("Average handling time (working days)"),
               _("Ratings"), _("Satisfied (5 or 4)"), _("Satisfaction"), _("Average rating (out of 5)")])


def _measures(t: Tally) -> list:
    return ([t.submitted] + [t.states[s] for s in APPLICATION_STATES]
            + [t.completed, t.on_time, t.on_time_rate, _round(t.average_days), t.rated, t.satisfied, t.satisfaction,
               _round(t.average_rating)])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _percent_columns(offset: int) -> frozenset[int]:
    base = offset + 1 + len(APPLICATION_STATES)
    return frozenset({base + 2, base + 6})


def report_tables(report: Report, *, city: bool) -> list[Table]:
    """The report as tables: by site (the city's), by item, month by month."""
    tables = []
    if city:
        tables.append(Table(_("By site"), [_("Site"), _("Address name")] + _measures_header(),
                            [[r.label, r.code] + _measures(r.tally) for r in report.by_site], _percent_columns(2)))
        tables.append(Table(_("By item"), [_("Site"), _("Item code"), _("Item")] + _measures_header(),
                            [[r.site, r.code, r.label] + _measures(r.tally) for r in report.by_item],
                            _percent_columns(3)))
    else:
        tables.append(Table(_("By item"), [_("Item code"), _("Item")] + _measures_header(),
                            [[r.code, r.label] + _measures(r.tally) for r in report.by_item], _percent_columns(2)))
    tables.append(Table(_("Month by month"), [_("Month")] + _measures_header(),
                        [[month_label(m)] + _measures(t) for m, t in report.monthly], _percent_columns(1)))
    return tables


def coverage_table(rows: list[Coverage]) -> Table:
    header = [_("Site"), _("Address name"), _("Window department"), _("Service items"), _("Complete guides"),
              _("Share complete"), _("Guides published"), _("Share published"), _("Online"), _("Share online"),
              _("Licensing items"), _("Licensing items online"), _("Flagged")]
    body = [[localized(c.tenant), c.tenant.slug, _("Yes") if c.tenant.is_window_department else _("No"), c.items,
             c.complete, c.share(c.complete), c.published, c.share(c.published), c.online, c.share(c.online),
             c.licensing, c.licensing_online, _("Yes") if c.flagged else ""] for c in rows]
    return Table(_("Service coverage"), header, body, frozenset({5, 7, 9}))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value) -> str:
    """A value as a CSV cell: a share as a percentage, nothing for no figure, text that no spreadsheet runs."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_cell_text(round(v * 100, 1) if i in table.percent and v is not None else v)
                         for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table: a bold, frozen header, shares as percentages, text kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
            for i, value in enumerate(row):
                cell = sheet.cell(row=sheet.max_row, column=i + 1)
                if isinstance(value, str):
                    cell.data_type = "s"  # a name beginning with "=" stays a name, never a formula
                elif i in table.percent and value is not None:
                    cell.number_format = "0.0%"
        sheet.freeze_panes = "A2"
        for i, title in enumerate(table.header, start=1):
            longest = max([len(str(title))] + [len(str(r[i - 1] or "")) for r in table.rows])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(8, longest * 1.6 + 2), 50)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    return "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]
