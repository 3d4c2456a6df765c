"""Reading applications: the item the public applies for, a tracking query, the officers' queue and deadlines.

Deadlines are counted in working days (core.workdays) on one loaded
calendar per page, never as plain weekdays. An application's clock runs while
it waits for the office (submitted, accepted, decided and not yet completed),
stands still while it is back with the applicant for correction (the days are
added to its due date when it comes back), and stops when it is closed.
"""
from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select

from core.auth.models import User
from core.auth.permissions import site_roles
from core.extensions import db
from core.privacy.checks import normalise_mobile
from core.privacy.crypto import lookup_hash
from core.services.fields import FieldDefinitionError, FieldSpec, parse_fields
from core.services.models import (APPLICATION_STATES, Application, ApplicationEvent, ApplicationFile, Feedback,
                                  ServiceItem)
from core.timeutil import now
from core.workdays.queries import working_calendar
from tenants.scoping import crosses_tenants

log = logging.getLogger(__name__)

#: States in which the office has the application and the clock runs.
RUNNING_STATES = ("submitted", "accepted", "approved", "refused")
#: Closed: nothing more happens (a not-accepted application is closed at once).
CLOSED_STATES = ("not_accepted", "completed")
#: An application whose due date is this many working days away or fewer is "due soon".
DUE_SOON_DAYS = 2
#: The purpose of the phone's lookup hash (core.privacy.crypto.lookup_hash).
PHONE_PURPOSE = "application.phone"
#: The alphabet of tracking codes: no 0/O, 1/I/L, so a code read out over the phone is not misheard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12


# --- the item the public applies for -----------------------------------------------------------

@dataclass(frozen=True)
class ApplyItem:
    """An item open for online applications, as its published guide says."""

    item: ServiceItem
    name: str
    promised_days: int | None
    statutory_days: int | None
    fields: list[FieldSpec]

    @property
    def id(self) -> int:
        return self.item.id


def _published(item: ServiceItem) -> dict | None:
    if not item.published_guide:
        return None
    try:
        guide = json.loads(item.published_guide)
    except ValueError:
        return None
    return guide if isinstance(guide, dict) else None


def _days(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def apply_item(item: ServiceItem | None) -> ApplyItem | None:
    """The item as the public may apply for it, or None: unpublished, off the catalogue, or not online.

    What the public sees is the guide as last approved (`published_guide`): its
    name, limits, level of online service and form, falling back to the
    item's columns for what the published guide does not carry.
    """
    if item is None or item.catalogue_status != "active":
        return None
    guide = _published(item)
    if guide is None or guide.get("online_level", item.online_level) != "online":
        return None
    try:
        fields = parse_fields(guide.get("application_fields", item.application_fields))
    except FieldDefinitionError as error:
        log.warning("service item %s has an application form the platform cannot use: %s", item.id, error.message)
        return None
    return ApplyItem(item, str(guide.get("name") or item.name),
                     _days(guide.get("promised_days", item.promised_days)),
                     _days(guide.get("statutory_days", item.statutory_days)), fields)


def item_for_application(application: Application) -> ServiceItem:
    return db.session.execute(select(ServiceItem).where(ServiceItem.id == application.item_id)).scalar_one()


def fields_for(application: Application) -> list[FieldSpec]:
    """The fields of the application's item as published now; those it answered but no longer has come last."""
    item = item_for_application(application)
    guide = _published(item) or {}
    try:
        specs = parse_fields(guide.get("application_fields", item.application_fields))
    except FieldDefinitionError:
        specs = []
    known = {s.key for s in specs}
    answers = answers_of(application)
    specs += [FieldSpec(key=key, type="text", label=str(_l("A field since taken off the form (%(key)s)", key=key)))
              for key in answers if key not in known]
    return specs


def answers_of(application: Application) -> dict[str, str]:
    try:
        answers = json.loads(application.answers or "{}")
    except ValueError:
        return {}
    return answers if isinstance(answers, dict) else {}


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


def find_for_applicant(code: str, phone: str) -> Application | None:
    """The application of this site with this tracking code and this phone, or None (whichever was wrong).

    The phone's hash is computed and compared in constant time whether or not
    the code exists, so the answer takes as long either way.
    """
    wanted = phone_lookup(phone)
    # Only the id and the hash are read (nothing decrypted) until both match.
    row = db.session.execute(select(Application.id, Application.phone_hash).where(
        Application.tracking_code == normalise_tracking_code(code))).one_or_none()
    stored = row.phone_hash if row is not None else "0" * 64
    matches = hmac.compare_digest(stored, wanted)
    if row is None or not matches:
        return None
    return db.session.get(Application, row.id)


def by_submission_key(key: str) -> Application | None:
    return db.session.execute(select(Application).where(Application.submission_key == key)).scalar_one_or_none()


# --- history, files, rating --------------------------------------------------------------------

def history(application: Application) -> list[ApplicationEvent]:
    return list(db.session.execute(select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
                                   .order_by(ApplicationEvent.at, ApplicationEvent.id)).scalars())


def last_returned_at(application: Application):
    """When the application was last returned for correction (None if never)."""
    return db.session.execute(select(func.max(ApplicationEvent.at)).where(
        ApplicationEvent.application_id == application.id, ApplicationEvent.to_status == "returned")).scalar()


def files_of(application: Application, *, current_only: bool = False) -> list[ApplicationFile]:
    query = select(ApplicationFile).where(ApplicationFile.application_id == application.id)
    if current_only:
        query = query.where(ApplicationFile.superseded.is_(False))
    return list(db.session.execute(query.order_by(ApplicationFile.uploaded_at, ApplicationFile.id)).scalars())


def file_of(application: Application, file_id: int) -> ApplicationFile | None:
    """One file of this application (of this site): another application's file is not found."""
    return db.session.execute(select(ApplicationFile).where(ApplicationFile.id == file_id,
                                                            ApplicationFile.application_id == application.id)
                              ).scalar_one_or_none()


def feedback_of(application: Application) -> Feedback | None:
    return db.session.execute(select(Feedback).where(Feedback.application_id == application.id)).scalar_one_or_none()


def actor_names(events: list[ApplicationEvent], feedback: Feedback | None = None) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id} | ({feedback.follow_up_by_id} if feedback and
                                                        feedback.follow_up_by_id else set())
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# --- who sees personal data --------------------------------------------------------------------

def is_service_officer(user) -> bool:
    """Whether `user` is one of this site's service officers (by role on the site, not by permission)."""
    return bool(getattr(user, "is_authenticated", False)) and "service_officer" in site_roles(user)


def may_see_personal_data(user) -> bool:
    """Whether `user` sees applicants' personal data in full and opens their materials: the site's own service
    officers only. Holding the permission is not enough (the bureau's administrators hold every site permission).
    """
    return is_service_officer(user)


# --- deadlines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """Where an application stands against its due date: `kind` and, while it runs, working days left."""

    kind: str  # "overdue", "due_soon", "running", "paused", "on_time", "late" or "none"
    days_left: int | None = None
    days_over: int | None = None


def deadlines(applications: list[Application], today: date | None = None) -> dict[int, Deadline]:
    """{id: Deadline} for many applications, on one calendar (one query)."""
    today = today or now().date()
    dues = [a.due_on for a in applications if a.due_on]
    if not dues:
        return {a.id: Deadline("none") for a in applications}
    calendar = working_calendar(min([today, *dues]), max([today, *dues]) + timedelta(days=10))
    found = {}
    for a in applications:
        if a.due_on is None:
            found[a.id] = Deadline("none")
        elif a.status == "returned":
            found[a.id] = Deadline("paused")
        elif a.status in CLOSED_STATES:
            ended = (a.completed_at or a.decided_at or a.updated_at).date()
            found[a.id] = Deadline("on_time" if ended <= a.due_on else "late")
        elif today > a.due_on:
            found[a.id] = Deadline("overdue", days_over=calendar.between(a.due_on, today))
        else:
            left = calendar.between(today, a.due_on)
            found[a.id] = Deadline("due_soon" if left <= DUE_SOON_DAYS else "running", days_left=left)
    return found


def due_soon_limit(today: date) -> date:
    """The last due date that counts as "due soon" today."""
    return working_calendar(today, today + timedelta(days=30)).add(today, DUE_SOON_DAYS)


# --- the officers' queue -----------------------------------------------------------------------

QUEUE_FLAGS = ("overdue", "due_soon", "follow_up")


def state_counts() -> dict[str, int]:
    counts = dict(db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all())
    return {state: counts.get(state, 0) for state in APPLICATION_STATES}


def _overdue(query, today: date):
    return query.where(Application.status.in_(RUNNING_STATES), Application.due_on < today)


def _due_soon(query, today: date):
    return query.where(Application.status.in_(RUNNING_STATES), Application.due_on >= today,
                       Application.due_on <= due_soon_limit(today))


def _follow_ups(query):
    return query.where(Application.id.in_(select(Feedback.application_id).where(
        Feedback.rating <= 2, Feedback.follow_up_at.is_(None))))


def flag_counts(today: date | None = None) -> dict[str, int]:
    today = today or now().date()
    count = select(func.count()).select_from(Application)
    return {"overdue": db.session.execute(_overdue(count, today)).scalar_one(),
            "due_soon": db.session.execute(_due_soon(count, today)).scalar_one(),
            "follow_up": db.session.execute(_follow_ups(count)).scalar_one()}


def queue_query(*, state: str = "", flag: str = "", item_id: int | None = None, search: str = "",
                today: date | None = None, by_phone: bool = True):
    """The officers' list: by state, or overdue / due soon / waiting for a follow-up; soonest due first.

    `search` is a tracking code or the applicant's mobile number (matched by its hash, never by reading).
    Without `by_phone` (a reader who sees personal data masked) a mobile number finds nothing: otherwise
    the search would tell who applied for what.
    """
    today = today or now().date()
    query = select(Application)
    if state in APPLICATION_STATES:
        query = query.where(Application.status == state)
    elif state == "open":
        query = query.where(Application.status.in_(RUNNING_STATES))
    if flag == "overdue":
        query = _overdue(query, today)
    elif flag == "due_soon":
        query = _due_soon(query, today)
    elif flag == "follow_up":
        query = _follow_ups(query)
    if item_id:
        query = query.where(Application.item_id == item_id)
    search = search.strip()
    if search:
        code = normalise_tracking_code(search)
        mobile = normalise_mobile(search)
        if mobile.isdigit() and len(mobile) == 11:
            query = query.where(Application.phone_hash == phone_lookup(mobile) if by_phone else false())
        else:
            query = query.where(Application.tracking_code == code)
    return query.order_by(Application.due_on.is_(None), Application.due_on, Application.submitted_at,
                          Application.id)


def items_with_applications() -> list[tuple[int, str]]:
    """(id, name) of the items this site has applications for, for the queue's filter."""
    return list(db.session.execute(select(ServiceItem.id, ServiceItem.name).where(
        ServiceItem.id.in_(select(Application.item_id).distinct())).order_by(ServiceItem.position,
                                                                               ServiceItem.id)).all())


def item_names(applications: list[Application]) -> dict[int, str]:
    ids = {a.item_id for a in applications}
    if not ids:
        return {}
    return dict(db.session.execute(select(ServiceItem.id, ServiceItem.name).where(ServiceItem.id.in_(ids))).all())


def queue_panel() -> dict:
    """For the admin home's card: how many wait for acceptance, are being handled, are decided (approved or
    refused) and wait to be completed, are returned; overdue, due soon, to follow up."""
    counts = state_counts()
    return {"application_counts": counts, "application_flags": flag_counts(),
            "applications_waiting": counts["submitted"] + counts["accepted"] + counts["approved"]
            + counts["refused"]}



@crosses_tenants("the calendar is the city's: a change to it moves every site's open applications' due dates")
def open_deadlines() -> list[tuple[Application, str, date]]:
    """Every site's applications whose promised limit still runs (or waits for a correction), with where the count
    starts: the day each was sent (core.workdays.deadlines counts the stored due date again on a calendar change)."""
    rows = db.session.execute(select(Application).where(
        Application.status.in_((*RUNNING_STATES, "returned")), Application.due_on.is_not(None))
        .execution_options(all_tenants=True)).scalars()
    return [(row, "due_on", row.submitted_at.date()) for row in rows]
