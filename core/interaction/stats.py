"""Figures of letters: a site's and the whole city's, month by month; the warnings; what the evaluation reads.

What is counted, for a period of whole months (the last N, this one included):

- **received**: letters that came in the period, by mailbox and by the state
  they are in now;
- **answered**, **on time** and **reply time**: letters replied in the period.
  Reply time is the working days from the day the letter came to the day of
  the reply (core.workdays, the holiday calendar), less the working days it
  waited for the writer's additional information (`Letter.paused_days`). On
  time means replied by the due date, which is the mailbox's limit in working
  days already moved on by those paused days: the pause never counts;
- **satisfaction**: the ratings given in the period: the share of "satisfied"
  and "basically satisfied" of all ratings.

Forwarded letters: a letter forwarded to another department's site counts at
the sender as received and, in its state, as "forwarded", never as answered;
on the receiving site the copy counts as received on the day it arrived, and
as answered, on time or late there, against the limit that site gave it. The
city's total counts each citizen's letter once (the copies forwarded in are
left out of its "received") and its answer once (only the copy is answered).

Now, whatever the period: **overdue** (the office has it and its due date
has passed), the **early warning** (not answered `warning_months` calendar
months after it came, the paused ones included: see
core.interaction.queries_letters), and the national inspection's veto
figure (`veto_letters`). The lines are the bureau's (core.interaction.lines),
read once per call.

The evaluation (core.evaluation.facts) reads three of these, for the site it
evaluates: `letter_figures` (answered, on time, reply times), `overdue_letters`
(counted as late with the answers) and `late_letters` (the veto and the early
warning, letter by letter).

A site reads its own rows (the tenant scope); the city's figures and the
console's warnings read every site's through the two functions marked
`@crosses_tenants`, and nothing else here crosses.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from core.extensions import db
from core.i18n import localized
from core.interaction.labels import KIND_LABELS, RATING_LABELS, STATE_LABELS
from core.interaction.lines import VETO_WINDOW_MONTHS, LetterLines, letter_lines
from core.interaction.models import LETTER_STATES, MAILBOX_KINDS, RATINGS, Letter
from core.interaction.queries_letters import OPEN_STATES, RUNNING_STATES, months_before, warning_cutoff
from core.services.stats import PERIODS, Period, Table, month_label, to_csv, to_xlsx
from core.timeutil import now
from core.workdays.queries import working_calendar
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

__all__ = ["PERIODS", "Period", "month_label", "to_csv", "to_xlsx"]  # the views' helpers, from the services' stats

#: Ratings that count as satisfied: 满意 and 基本满意.
SATISFIED = ("satisfied", "basically_satisfied")
#: The city's table of sites can be sorted by these (the first is the default).
SITE_SORTS = ("overdue", "on_time", "received", "warned", "name")


# --------------------------------------------------------------------------- the tallies


@dataclass
class Tally:
    """The figures of one group of letters (a mailbox, a site, a month, everything) over the period."""

    received: int = 0
    #: Of those received, copies forwarded in from another site (the city counts their letter once).
    forwarded_in: int = 0
    states: Counter = field(default_factory=Counter)
    answered: int = 0
    on_time: int = 0
    #: The reply time of each letter answered, in working days, pauses excluded.
    reply_days: list[int] = field(default_factory=list)
    ratings: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.received += other.received
        self.forwarded_in += other.forwarded_in
        self.states.update(other.states)
        self.answered += other.answered
        self.on_time += other.on_time
        self.reply_days += other.reply_days
        self.ratings.update(other.ratings)

    @property
    def written(self) -> int:
        """Letters citizens wrote to these sites: received, less the copies forwarded in."""
        return self.received - self.forwarded_in

    @property
    def forwarded(self) -> int:
        """Of those received, how many this site forwarded on."""
        return self.states["forwarded"]

    @property
    def on_time_rate(self) -> float | None:
        """Answered by the due date, of those answered (0 to 1); None when none was."""
        return self.on_time / self.answered if self.answered else None

    @property
    def average_days(self) -> float | None:
        return sum(self.reply_days) / len(self.reply_days) if self.reply_days else None

    @property
    def median_days(self) -> float | None:
        return float(median(self.reply_days)) if self.reply_days else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfied(self) -> int:
        return sum(self.ratings[r] for r in SATISFIED)

    @property
    def satisfaction(self) -> float | None:
        """The share of ratings that are "satisfied" or "basically satisfied" (0 to 1); None when nobody rated."""
        return self.satisfied / self.rated if self.rated else None


@dataclass
class Alerts:
    """A site's (or the city's) letters in trouble now, whatever the period."""

    #: The office has them and their due date has passed.
    overdue: int = 0
    #: Not answered `warning_months` months after they came (the early warning; core.interaction.lines).
    warned: int = 0
    #: Valid letters left unanswered for more than `veto_months` months in the last `window_months` (the veto).
    veto: int = 0

    def add(self, other: "Alerts") -> None:
        self.overdue += other.overdue
        self.warned += other.warned
        self.veto += other.veto


@dataclass
class Row:
    """One line of a report's table: a mailbox, or a site (the city's)."""

    label: str
    code: str
    tally: Tally = field(default_factory=Tally)
    alerts: Alerts = field(default_factory=Alerts)
    site: Tenant | None = None


@dataclass
class Report:
    period: Period
    total: Tally
    alerts: Alerts
    by_month: dict[tuple[int, int], Tally]
    by_kind: list[Row]
    by_site: list[Row] = field(default_factory=list)  # the city's report only
    today: date | None = None

    @property
    def monthly(self) -> list[tuple[tuple[int, int], Tally]]:
        return [(m, self.by_month[m]) for m in self.period.months]


# --------------------------------------------------------------------------- reading the rows


def _rows(period: Period, options: dict) -> list:
    """The letters received, replied or rated in the period (no text, no personal data)."""
    def within(column):
        return and_(column >= period.start, column < period.end)

    query = (select(Letter.tenant_id, Letter.id, Letter.kind, Letter.status, Letter.received_at, Letter.replied_at,
                    Letter.due_on, Letter.paused_days, Letter.forwarded_from_id, Letter.rating, Letter.rated_at)
             .where(or_(within(Letter.received_at), within(Letter.replied_at), within(Letter.rated_at)))
             .execution_options(**options))
    return list(db.session.execute(query))


def reply_time(received: datetime, replied: datetime, paused_days: int, calendar) -> int:
    """Working days from the day a letter came to the day it was replied, less those it waited for the writer.

    A letter replied the day it came took 0 days; the days counted are those
    after the day it came up to and including the reply's (as the due date
    counts them), on `calendar` (core.workdays.queries.working_calendar).
    """
    return max(calendar.between(received.date(), replied.date()) - (paused_days or 0), 0)


def _tallies(period: Period, rows: list, today: date) -> tuple[Tally, dict, dict]:
    """(the total, by month, by (tenant, kind)) of the rows."""
    total = Tally()
    by_month = {m: Tally() for m in period.months}
    by_key: dict[tuple[int, str], Tally] = defaultdict(Tally)
    replied = [r for r in rows if period.holds(r.replied_at) and r.status == "replied"]
    first = min([r.received_at.date() for r in replied] + [period.start.date()])
    calendar = working_calendar(first, max(today, period.end.date()))
    for r in rows:
        tallies = (total, by_key[(r.tenant_id, r.kind)])
        if period.holds(r.received_at):
            for tally in (*tallies, by_month[(r.received_at.year, r.received_at.month)]):
                tally.received += 1
                tally.forwarded_in += r.forwarded_from_id is not None
                tally.states[r.status] += 1
        if r.status == "replied" and period.holds(r.replied_at):
            days = reply_time(r.received_at, r.replied_at, r.paused_days, calendar)
            on_time = r.replied_at.date() <= r.due_on
            for tally in (*tallies, by_month[(r.replied_at.year, r.replied_at.month)]):
                tally.answered += 1
                tally.on_time += on_time
                tally.reply_days.append(days)
        if r.rating in RATINGS and period.holds(r.rated_at):
            for tally in (*tallies, by_month[(r.rated_at.year, r.rated_at.month)]):
                tally.ratings[r.rating] += 1
    return total, by_month, by_key


def _kind_rows(by_key: dict) -> list[Row]:
    """Every mailbox, in the public's order, with its figures (zeros included)."""
    by_kind: dict[str, Tally] = defaultdict(Tally)
    for (_tenant, kind), tally in by_key.items():
        by_kind[kind].add(tally)
    return [Row(label=str(KIND_LABELS[k]), code=k, tally=by_kind.get(k, Tally())) for k in MAILBOX_KINDS]


# --------------------------------------------------------------------------- now: overdue, warnings, the veto


def veto_start(today: date, lines: LetterLines | None = None) -> datetime:
    """The first moment of the inspection's window: `window_months` calendar months before today."""
    return datetime.combine(months_before(today, (lines or letter_lines()).window_months), time.min)


def _waited_too_long(received: datetime, until: datetime, lines: LetterLines) -> bool:
    """Whether a letter that came at `received` had waited more than `veto_months` months by `until` (from the day
    after the same day `veto_months` months on)."""
    return received < datetime.combine(months_before(until.date(), lines.veto_months), time.min)


def _overdue_on(today: date) -> tuple:
    """The conditions of an overdue letter: the office has it and its due date was before `today`."""
    return Letter.status.in_(RUNNING_STATES), Letter.due_on < today


def _alerts(options: dict, today: date) -> dict[int, Alerts]:
    """Alerts by tenant id, for the rows the scope (`options`) lets through (three queries, and the lines')."""
    found: dict[int, Alerts] = defaultdict(Alerts)
    lines = letter_lines()
    overdue = (select(Letter.tenant_id, func.count()).where(*_overdue_on(today))
               .group_by(Letter.tenant_id).execution_options(**options))
    for tenant_id, count in db.session.execute(overdue):
        found[tenant_id].overdue = count
    warned = (select(Letter.tenant_id, func.count())
              .where(Letter.status.in_(OPEN_STATES), Letter.received_at < warning_cutoff(today, lines.warning_months))
              .group_by(Letter.tenant_id).execution_options(**options))
    for tenant_id, count in db.session.execute(warned):
        found[tenant_id].warned = count
    moment = datetime.combine(today, time.max)
    start = veto_start(today, lines)
    # A wait that ended in the window (answered, or handed to another site) or goes on today; not accepted
    # letters are not valid ones (duplicates, out of remit, abusive).
    candidates = (select(Letter.tenant_id, Letter.status, Letter.received_at, Letter.replied_at, Letter.closed_at)
                  .where(Letter.status != "not_accepted",
                         Letter.received_at < datetime.combine(months_before(today, lines.veto_months), time.min),
                         or_(Letter.status.in_(OPEN_STATES), Letter.closed_at >= start))
                  .execution_options(**options))
    for tenant_id, status, received, replied, closed in db.session.execute(candidates):
        ended = moment if status in OPEN_STATES else (replied if status == "replied" else closed) or moment
        if ended >= start and _waited_too_long(received, ended, lines):
            found[tenant_id].veto += 1
    return found


@dataclass(frozen=True)
class LateLetter:
    """A letter of the active site in trouble: unanswered two months (`warned`), or past the veto line (`veto`)."""

    id: int
    kind: str
    received_at: datetime
    status: str
    veto: bool
    warned: bool


def late_letters(today: date, lines: LetterLines | None = None) -> list[LateLetter]:
    """The active site's letters behind the veto figure and the early warning of `_alerts`, one by one, the
    longest waiting first (two queries; the evaluation's evidence: which letters, since when).

    A letter is `veto` on the same terms as `veto_letters` and `warned` on those of the early warning, so the
    list and the counts of `site_alerts` always agree. `lines`: those in force unless given (the evaluation
    passes the settings it evaluates with).
    """
    lines = lines or letter_lines()
    moment = datetime.combine(today, time.max)
    start = veto_start(today, lines)
    found: dict[int, LateLetter] = {}
    candidates = (select(Letter.id, Letter.kind, Letter.status, Letter.received_at, Letter.replied_at,
                         Letter.closed_at)
                  .where(Letter.status != "not_accepted",
                         Letter.received_at < datetime.combine(months_before(today, lines.veto_months), time.min),
                         or_(Letter.status.in_(OPEN_STATES), Letter.closed_at >= start)))
    for letter_id, kind, status, received, replied, closed in db.session.execute(candidates):
        ended = moment if status in OPEN_STATES else (replied if status == "replied" else closed) or moment
        if ended >= start and _waited_too_long(received, ended, lines):
            found[letter_id] = LateLetter(letter_id, kind, received, status, veto=True, warned=False)
    warned = select(Letter.id, Letter.kind, Letter.status, Letter.received_at).where(
        Letter.status.in_(OPEN_STATES), Letter.received_at < warning_cutoff(today, lines.warning_months))
    for letter_id, kind, status, received in db.session.execute(warned):
        veto = letter_id in found
        found[letter_id] = LateLetter(letter_id, kind, received, status, veto=veto, warned=True)
    return sorted(found.values(), key=lambda letter: (letter.received_at, letter.id))


def letter_figures(today: date, months: int = VETO_WINDOW_MONTHS) -> Tally:
    """The active site's figures of the last `months` months (this one included): answered, on time, reply times
    (the evaluation's letters answered on time and median reply time; without the alerts' queries)."""
    period = Period.last(months, today)
    total, _by_month, _by_key = _tallies(period, _rows(period, {}), today)
    return total


def site_alerts(today: date) -> Alerts:
    """The active site's letters overdue, warned (two months unanswered) and vetoed now."""
    return next(iter(_alerts({}, today).values()), Alerts())


def overdue_letters(today: date) -> int:
    """How many of the active site's letters are overdue: the office has them (held, received, assigned, reply
    under review; not those waiting for the writer) and their due date, in working days, was before `today`.

    The same letters as the officers' list filtered on overdue (`?flag=overdue`) and the alerts' `overdue`, in one
    query: the evaluation's letters answered on time counts them as late. Letters are read as they stand now, so
    for a past day those answered since are left out (their reply counts, late, where it falls).
    """
    return db.session.execute(select(func.count()).select_from(Letter).where(*_overdue_on(today))).scalar_one()


def unanswered_over(days: int, today: date) -> int:
    """How many of the active site's letters are not answered yet (any open state, waiting for the writer
    included) and came more than `days` calendar days before `today`."""
    cutoff = datetime.combine(today - timedelta(days=days), time.min)
    return db.session.execute(select(func.count()).select_from(Letter).where(
        Letter.status.in_(OPEN_STATES), Letter.received_at < cutoff)).scalar_one()


def veto_letters(today: date) -> int:
    """The national inspection's veto figure for the active site (0: no veto).

    Valid letters (all but those not accepted) left unanswered for more than
    `veto_months` calendar months, counted from the day the letter came to this
    site to its reply (or its forwarding to another site), whose wait ended in
    the last `window_months` months or goes on today (core.interaction.lines). Calendar months, not
    working days, and pauses count: the inspection reads the public's wait.
    """
    return site_alerts(today).veto


@crosses_tenants("the console's home reads every site's overdue and long-unanswered letters")
def city_alerts(today: date) -> list[tuple[Tenant, Alerts]]:
    """Every site with a letter overdue, warned or vetoed now, the most warned first (the console home's card:
    `warnings_panel`). The evaluation reads none of this: it evaluates one site at a time, inside it, through
    `late_letters`, `letter_figures` and `overdue_letters`."""
    alerts = {k: v for k, v in _alerts({"all_tenants": True}, today).items() if v.overdue or v.warned or v.veto}
    tenants = db.session.execute(select(Tenant).where(Tenant.id.in_(list(alerts)))).scalars()
    return sorted(((t, alerts[t.id]) for t in tenants),
                  key=lambda pair: (-pair[1].warned, -pair[1].veto, -pair[1].overdue, pair[0].slug))


def warnings_panel() -> dict:
    """For the console home's card: the sites with letters unanswered for two months, and how many."""
    rows = [(t, a) for t, a in city_alerts(now().date()) if a.warned]
    return {"warned_sites": rows, "warned_total": sum(a.warned for _t, a in rows)}


# --------------------------------------------------------------------------- the reports


def site_report(months: int, today: date) -> Report:
    """The active site's figures for the last `months` months (this one included), and its alerts now."""
    period = Period.last(months, today)
    total, by_month, by_key = _tallies(period, _rows(period, {}), today)
    return Report(period, total, site_alerts(today), by_month, _kind_rows(by_key), today=today)


def year_report(today: date) -> Report:
    """The active site's figures from 1 January to `today` (the public figures page)."""
    return site_report(today.month, today)


@crosses_tenants("the information bureau's statistics count every site's letters, answers and ratings")
def city_report(months: int, today: date, sort: str = SITE_SORTS[0]) -> Report:
    """Every site's figures for the last `months` months: the city's totals, each mailbox's, each site's.

    The sites listed are the active ones and any other with letters in the
    period or alerts now, sorted by `sort` (SITE_SORTS: most overdue, lowest
    on-time share, most received, most warned, or by address name).
    """
    period = Period.last(months, today)
    options = {"all_tenants": True}
    total, by_month, by_key = _tallies(period, _rows(period, options), today)
    alerts = _alerts(options, today)
    sites: dict[int, Tally] = defaultdict(Tally)
    for (tenant_id, _kind), tally in by_key.items():
        sites[tenant_id].add(tally)
    tenants = db.session.execute(select(Tenant).where(or_(Tenant.status == "active",
                                                          Tenant.id.in_(list(sites) + list(alerts))))).scalars()
    rows = [Row(label=localized(t), code=t.slug, tally=sites.get(t.id, Tally()), alerts=alerts.get(t.id, Alerts()),
                site=t) for t in tenants]
    report = Report(period, total, Alerts(), by_month, _kind_rows(by_key), sort_sites(rows, sort), today=today)
    for row in rows:
        report.alerts.add(row.alerts)
    return report


def sort_sites(rows: list[Row], sort: str) -> list[Row]:
    """The city's rows in the order `sort` asks (ties by address name)."""
    keys = {
        "overdue": lambda r: (-r.alerts.overdue, -r.alerts.warned, r.code),
        "warned": lambda r: (-r.alerts.warned, -r.alerts.veto, r.code),
        "on_time": lambda r: (r.tally.on_time_rate is None, r.tally.on_time_rate or 0, r.code),
        "received": lambda r: (-r.tally.received, r.code),
        "name": lambda r: r.code,
    }
    return sorted(rows, key=keys.get(sort, keys[SITE_SORTS[0]]))


# --------------------------------------------------------------------------- exports


def _measures_header() -> list[str]:
    return ([_("Letters received")] + [str(STATE_LABELS[s]) for s in LETTER_STATES]
            + [_("Answered letters"), _("Answered on time"), _("On-time share"), _("Median reply time (working days)"),
               _("Average reply time (working days)"), _("Ratings")] + [str(RATING_LABELS[r]) for r in RATINGS]
            + [_("Satisfaction")])


def _measures(t: Tally) -> list:
    return ([t.received] + [t.states[s] for s in LETTER_STATES]
            + [t.answered, t.on_time, t.on_time_rate, _round(t.median_days), _round(t.average_days), t.rated]
            + [t.ratings[r] for r in RATINGS] + [t.satisfaction])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _percent_columns(offset: int) -> frozenset[int]:
    base = offset + 1 + len(LETTER_STATES)
    return frozenset({base + 2, base + 6 + len(RATINGS)})


def report_tables(report: Report, *, city: bool) -> list[Table]:
    """The report as tables: by site (the city's), by mailbox, month by month."""
    tables = []
    if city:
        lines = letter_lines()
        header = [_("Site"), _("Address name")] + _measures_header() + [
            _("Forwarded in from other sites"), _("Overdue now"), _("Unanswered for %(n)s months or more",
                                                                     n=lines.warning_months),
            _("Unanswered for more than %(n)s months in the last %(window)s months", n=lines.veto_months,
              window=lines.window_months)]
        tables.append(Table(_("By site"), header, [[r.label, r.code] + _measures(r.tally) + [
            r.tally.forwarded_in, r.alerts.overdue, r.alerts.warned, r.alerts.veto] for r in report.by_site],
            _percent_columns(2)))
    tables.append(Table(_("By mailbox"), [_("Mailbox")] + _measures_header(),
                        [[r.label] + _measures(r.tally) for r in report.by_kind], _percent_columns(1)))
    tables.append(Table(_("Month by month"), [_("Month")] + _measures_header(),
                        [[month_label(m)] + _measures(t) for m, t in report.monthly], _percent_columns(1)))
    return tables
