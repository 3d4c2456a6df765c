"""Reading applications for disclosure: the tracking query, the officers' queue and deadlines, the yearly counts.

Deadlines are counted in working days (core.workdays) on one loaded calendar
per page. The clock runs while the office has the application (submitted and
not yet registered: provisionally from the day it was sent; registered: from
the day of receipt, or from the day the clarified application came), stands
still while the applicant is asked to clarify, and stops with the reply.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import false, func, select

from core.auth.models import User
from core.auth.permissions import site_roles
from core.disclosure.models_applications import (CLOSED_STATES, GROUNDS, ORGANISATION_TYPES, REPLY_TYPES, STATES,
                                                 DisclosureApplication, DisclosureApplicationEvent,
                                                 DisclosureApplicationFile)
from core.extensions import db
from core.privacy.checks import normalise_mobile
from core.privacy.crypto import lookup_hash
from core.timeutil import now
from core.workdays.queries import known_years, working_calendar
from tenants.scoping import crosses_tenants

#: The time limit of a reply, and the longest extension (Art. 33), in working days.
LIMIT_DAYS = 20
MAX_EXTENSION_DAYS = 20
#: Clarification is asked within this many working days of receipt (Art. 30): the officer's page says so.
CLARIFY_WITHIN_DAYS = 7
#: States in which the office has the application and the clock runs.
RUNNING_STATES = ("submitted", "registered")
#: An application due in this many working days or fewer is "due soon".
DUE_SOON_DAYS = 3
#: The purpose of the phone's lookup hash (core.privacy.crypto.lookup_hash).
PHONE_PURPOSE = "disclosure.phone"
#: Tracking codes: no 0/O, 1/I/L, so a code read out over the phone is not misheard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12


# --- tracking codes and the public's query -----------------------------------------------------

def normalise_tracking_code(value: str | None) -> str:
    """A code as typed (any case, with spaces or dashes) as stored."""
    return "".join(c for c in (value or "").upper() if c not in " -_\t")


def is_tracking_code(value: str) -> bool:
    return len(value) == TRACKING_LENGTH and all(c in TRACKING_ALPHABET for c in value)


def format_tracking_code(code: str) -> str:
    """`K7M2Q9XW4RTP` → `K7M2-Q9XW-4RTP`: easier to read out and copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def phone_lookup(phone: str) -> str:
    return lookup_hash(normalise_mobile(phone), PHONE_PURPOSE)


def find_for_applicant(code: str, phone: str) -> DisclosureApplication | None:
    """This site's application with this tracking code and this phone, or None (whichever was wrong).

    The phone's hash is compared in constant time whether or not the code exists, and nothing is decrypted
    until both match.
    """
    wanted = phone_lookup(phone)
    row = db.session.execute(select(DisclosureApplication.id, DisclosureApplication.phone_hash).where(
        DisclosureApplication.tracking_code == normalise_tracking_code(code))).one_or_none()
    matches = hmac.compare_digest(row.phone_hash if row is not None else "0" * 64, wanted)
    if row is None or not matches:
        return None
    return db.session.get(DisclosureApplication, row.id)


def by_submission_key(key: str) -> DisclosureApplication | None:
    return db.session.execute(select(DisclosureApplication).where(
        DisclosureApplication.submission_key == key)).scalar_one_or_none()


def application(application_id: int | None) -> DisclosureApplication | None:
    """This site's application with this id, or None."""
    if application_id is None:
        return None
    return db.session.execute(select(DisclosureApplication).where(
        DisclosureApplication.id == application_id)).scalar_one_or_none()


# --- history and files -------------------------------------------------------------------------

def history(found: DisclosureApplication) -> list[DisclosureApplicationEvent]:
    return list(db.session.execute(select(DisclosureApplicationEvent).where(
        DisclosureApplicationEvent.application_id == found.id).order_by(DisclosureApplicationEvent.at,
                                                                       DisclosureApplicationEvent.id)).scalars())


def has_step(found: DisclosureApplication, step: str) -> bool:
    return db.session.execute(select(DisclosureApplicationEvent.id).where(
        DisclosureApplicationEvent.application_id == found.id, DisclosureApplicationEvent.step == step)
    ).first() is not None


def files_of(found: DisclosureApplication, kind: str | None = None) -> list[DisclosureApplicationFile]:
    query = select(DisclosureApplicationFile).where(DisclosureApplicationFile.application_id == found.id)
    if kind:
        query = query.where(DisclosureApplicationFile.kind == kind)
    return list(db.session.execute(query.order_by(DisclosureApplicationFile.id)).scalars())


def file_of(found: DisclosureApplication, file_id: int, kind: str | None = None) -> DisclosureApplicationFile | None:
    """One file of this application (of this site): another application's file is not found."""
    query = select(DisclosureApplicationFile).where(DisclosureApplicationFile.id == file_id,
                                                    DisclosureApplicationFile.application_id == found.id)
    if kind:
        query = query.where(DisclosureApplicationFile.kind == kind)
    return db.session.execute(query).scalar_one_or_none()


def actor_names(events: list[DisclosureApplicationEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# --- who sees personal data --------------------------------------------------------------------

def is_disclosure_officer(user) -> bool:
    """Whether `user` is one of this site's disclosure officers (by role on the site, not by permission: the
    bureau's administrators hold every site permission, and see applicants' data masked)."""
    return bool(getattr(user, "is_authenticated", False)) and "disclosure_officer" in site_roles(user)


# --- deadlines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """Where an application stands against its due date: `kind` and, while it runs, working days left."""

    kind: str  # "overdue", "due_soon", "running", "paused", "on_time", "late", "withdrawn" or "none"
    days_left: int | None = None
    days_over: int | None = None


def deadlines(rows: list[DisclosureApplication], today: date | None = None) -> dict[int, Deadline]:
    """{id: Deadline} for many applications, on one calendar (one query)."""
    today = today or now().date()
    dues = [a.due_on for a in rows if a.due_on]
    if not dues:
        return {a.id: Deadline("none") for a in rows}
    calendar = working_calendar(min([today, *dues]), max([today, *dues]) + timedelta(days=10))
    found = {}
    for a in rows:
        if a.status == "withdrawn":
            found[a.id] = Deadline("withdrawn")
        elif a.due_on is None:
            found[a.id] = Deadline("none")
        elif a.status == "clarifying":
            found[a.id] = Deadline("paused")
        elif a.status == "answered":
            found[a.id] = Deadline("on_time" if a.answered_at and a.answered_at.date() <= a.due_on else "late")
        elif today > a.due_on:
            found[a.id] = Deadline("overdue", days_over=calendar.between(a.due_on, today))
        else:
            left = calendar.between(today, a.due_on)
            found[a.id] = Deadline("due_soon" if left <= DUE_SOON_DAYS else "running", days_left=left)
    return found


def clarified_late(rows: list[DisclosureApplication]) -> set[int]:
    """The ids of those applications whose clarification was asked more than CLARIFY_WITHIN_DAYS working days
    after their receipt (Art. 30 wants it within 7): the queue and the application's page flag them."""
    asked = [a for a in rows if a.clarify_asked_at is not None and a.received_on is not None]
    if not asked:
        return set()
    calendar = working_calendar(min(a.received_on for a in asked), max(a.clarify_asked_at.date() for a in asked))
    return {a.id for a in asked if calendar.between(a.received_on, a.clarify_asked_at.date()) > CLARIFY_WITHIN_DAYS}


def due_soon_limit(today: date) -> date:
    """The last due date that counts as "due soon" today."""
    return working_calendar(today, today + timedelta(days=30)).add(today, DUE_SOON_DAYS)


@crosses_tenants("the calendar is the city's: a change to it moves every site's open applications' due dates")
def open_deadlines() -> list[tuple[DisclosureApplication, str, date]]:
    """Every site's open applications with each stored last day and the day its count starts, for
    core.workdays.deadlines: the reply's (from the day sent, until registered; then from `clock_from`, the
    extension's days included) and, while clarification is asked, the applicant's (from the request)."""
    found: list[tuple[DisclosureApplication, str, date]] = []
    for row in db.session.execute(select(DisclosureApplication).where(
            DisclosureApplication.status.in_((*RUNNING_STATES, "clarifying")))
            .execution_options(all_tenants=True)).scalars():
        if row.status == "submitted":
            found.append((row, "due_on", row.submitted_at.date()))
        elif row.status == "registered" and row.clock_from is not None:
            found.append((row, "due_on", row.clock_from))
        elif row.status == "clarifying" and row.clarify_asked_at is not None:
            found.append((row, "clarify_due_on", row.clarify_asked_at.date()))
    return found


def calendar_gaps(rows: list[DisclosureApplication], today: date | None = None) -> list[int]:
    """The years that the open applications' time limits run into and the platform's calendar does not hold:
    their due dates are counted Monday to Friday there, and may be wrong across that year's holidays."""
    today = today or now().date()
    open_rows = [a for a in rows if a.status in (*RUNNING_STATES, "clarifying")]
    lasts = [d for a in open_rows for d in (a.due_on, a.clarify_due_on) if d is not None]
    if not lasts:
        return []
    known = known_years()
    return [year for year in range(today.year, max(lasts).year + 1) if year not in known]


def open_calendar_gaps(today: date | None = None) -> list[int]:
    """`calendar_gaps` of every open application of the active site (the queue's warning)."""
    today = today or now().date()
    lasts = [d for d in db.session.execute(select(func.max(DisclosureApplication.due_on),
                                                  func.max(DisclosureApplication.clarify_due_on)).where(
        DisclosureApplication.status.in_((*RUNNING_STATES, "clarifying")))).one() if d is not None]
    if not lasts:
        return []
    known = known_years()
    return [year for year in range(today.year, max(lasts).year + 1) if year not in known]


# --- the officers' queue -----------------------------------------------------------------------

QUEUE_FLAGS = ("overdue", "due_soon")


def state_counts() -> dict[str, int]:
    counts = dict(db.session.execute(select(DisclosureApplication.status, func.count())
                                     .group_by(DisclosureApplication.status)).all())
    return {state: counts.get(state, 0) for state in STATES}


def _overdue(query, today: date):
    return query.where(DisclosureApplication.status.in_(RUNNING_STATES), DisclosureApplication.due_on < today)


def _due_soon(query, today: date):
    return query.where(DisclosureApplication.status.in_(RUNNING_STATES), DisclosureApplication.due_on >= today,
                       DisclosureApplication.due_on <= due_soon_limit(today))


def flag_counts(today: date | None = None) -> dict[str, int]:
    today = today or now().date()
    count = select(func.count()).select_from(DisclosureApplication)
    return {"overdue": db.session.execute(_overdue(count, today)).scalar_one(),
            "due_soon": db.session.execute(_due_soon(count, today)).scalar_one()}


def queue_query(*, state: str = "", flag: str = "", search: str = "", today: date | None = None,
                by_phone: bool = True):
    """The officers' list: by state ("open": not yet replied), or overdue / due soon; soonest due first.

    `search` is a tracking code or the applicant's mobile number (matched by its hash, never by reading).
    Without `by_phone` (a reader who sees personal data masked) a mobile number finds nothing.
    """
    today = today or now().date()
    query = select(DisclosureApplication)
    if state in STATES:
        query = query.where(DisclosureApplication.status == state)
    elif state == "open":
        query = query.where(DisclosureApplication.status.not_in(CLOSED_STATES))
    if flag == "overdue":
        query = _overdue(query, today)
    elif flag == "due_soon":
        query = _due_soon(query, today)
    search = search.strip()
    if search:
        mobile = normalise_mobile(search)
        if mobile.isdigit() and len(mobile) == 11:
            query = query.where(DisclosureApplication.phone_hash == phone_lookup(mobile) if by_phone else false())
        else:
            query = query.where(DisclosureApplication.tracking_code == normalise_tracking_code(search))
    if state in CLOSED_STATES:
        return query.order_by(DisclosureApplication.answered_at.desc(), DisclosureApplication.id.desc())
    return query.order_by(DisclosureApplication.due_on.is_(None), DisclosureApplication.due_on,
                          DisclosureApplication.submitted_at, DisclosureApplication.id)


def queue_panel() -> dict:
    """For the admin home's card: how many wait for registration, are being handled or clarified; overdue, soon."""
    return {"disclosure_counts": state_counts(), "disclosure_flags": flag_counts()}


# --- the yearly report (table 3 of the national template) ------------------------------------

#: The columns of table 3: natural persons, the five kinds of organisation, and the total.
REPORT_COLUMNS = ("person", *ORGANISATION_TYPES, "total")


def _column(row: DisclosureApplication) -> str:
    if row.applicant_kind == "organisation":
        return row.organisation_type if row.organisation_type in ORGANISATION_TYPES else "other"
    return "person"


def received_date(row: DisclosureApplication) -> date:
    """The day the application counts as received: confirmed at registration, else the day it was sent."""
    return row.received_on or row.submitted_at.date()


@dataclass
class YearCounts:
    """Table 3 of the yearly report for one site and year: {row: {column: count}} (REPORT_COLUMNS).

    Rows: "received" (new this year), "carried_over" (from last year), each reply type of REPLY_TYPES,
    "not_disclosed:<ground>" for each ground, "no_clarification" (其他处理: closed because the applicant did not
    clarify in time, Art. 30), "answered" (all outcomes: the replies and those closed), "pending" (carried into
    next year), "late" (the replies of the year given after their due date: the limit, with an extension given
    while it ran).
    """

    year: int
    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, row: str, column: str = "total") -> int:
        return self.rows.get(row, {}).get(column, 0)


def year_counts(year: int) -> YearCounts:
    """The applications of the active site in `year`, counted as the national template's table 3 asks.

    Received: received (or, not yet registered, sent) from 1 January to 31 December. Carried over: received
    before the year and not answered by its first day. Outcomes: replies given in the year, by reply type
    (refusals also by legal ground), whenever the application came. Pending: received by 31 December and not
    answered by then. An application is counted by its applicant's kind (a person, or the organisation's type).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = datetime(year, 1, 1)
    end = datetime(year + 1, 1, 1)
    keys = ["received", "carried_over", *REPLY_TYPES, *(f"not_disclosed:{g}" for g in GROUNDS),
            "no_clarification", "answered", "pending", "late"]
    counts = YearCounts(year, {key: {column: 0 for column in REPORT_COLUMNS} for key in keys})

    def add(key: str, row: DisclosureApplication) -> None:
        counts.rows[key][_column(row)] += 1
        counts.rows[key]["total"] += 1

    candidates = db.session.execute(select(DisclosureApplication).where(
        DisclosureApplication.submitted_at < end,
        (DisclosureApplication.answered_at.is_(None)) | (DisclosureApplication.answered_at >= start))).scalars()
    for row in candidates:
        received = received_date(row)
        if received > last:
            continue
        answered = row.answered_at
        if first <= received:
            add("received", row)
        elif answered is None or answered >= start:
            add("carried_over", row)
        if answered is not None and start <= answered < end and row.status == "withdrawn":
            add("no_clarification", row)
            add("answered", row)
        elif answered is not None and start <= answered < end and row.reply_type in REPLY_TYPES:
            add(row.reply_type, row)
            add("answered", row)
            if row.due_on is not None and answered.date() > row.due_on:
                add("late", row)
            if row.reply_type == "not_disclosed" and row.reply_ground in GROUNDS:
                add(f"not_disclosed:{row.reply_ground}", row)
        if answered is None or answered >= end:
            add("pending", row)
    return counts
