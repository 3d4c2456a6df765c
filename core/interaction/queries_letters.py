"""Reading letters: mailboxes and limits, the writer's query, the officers' queue and deadlines, published letters.

Deadlines are counted in working days (core.workdays) on one loaded calendar
per page. A letter's clock runs while the office has it (held, received,
assigned, reply under review), stands still while it waits for the writer's
additional information (the working days are added to its due date when the
information comes), and stops when it is replied, not accepted or forwarded.
"""
from __future__ import annotations

import hmac
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import url_for
from sqlalchemy import false, func, or_, select

from core.auth.models import Membership, User
from core.auth.permissions import site_roles
from core.extensions import db
from core.interaction.labels import DEFAULT_RULES
from core.interaction.lines import letter_lines
from core.interaction.models import (
    LETTER_STATES,
    MAILBOX_KINDS,
    NEVER_PUBLISHED_KINDS,
    Letter,
    LetterEvent,
    LetterOptions,
    Mailbox,
    PublishedLetter,
)
from core.privacy.checks import normalise_mobile
from core.privacy.crypto import lookup_hash
from core.services.queries_applications import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    format_tracking_code,
    normalise_tracking_code,
)
from core.timeutil import now
from core.workdays.queries import working_calendar
from core.web.loading import parse_int
from core.web.sitemaps import PublicPage
from tenants.models import Tenant
from tenants.provisioning import get_setting
from tenants.scoping import activate_tenant, crosses_tenants

#: The platform's reply limit in working days when the bureau has not set one (the issue's "default 5").
DEFAULT_REPLY_DAYS = 5
#: The longest limit the bureau may set, in working days (the national inspection's three months is far beyond).
MAX_REPLY_DAYS = 60
#: The platform setting holding the bureau's limit.
REPLY_DAYS_SETTING = "interaction.reply_days"
#: States in which the office has the letter and the clock runs.
RUNNING_STATES = ("held", "new", "assigned", "reviewing")
#: States in which nothing more happens on this site.
CLOSED_STATES = ("replied", "not_accepted", "forwarded")
#: States in which the letter is not answered yet: the office has it, or it waits for the writer.
OPEN_STATES = (*RUNNING_STATES, "info_requested")
#: A letter whose due date is this many working days away or fewer is "due soon".
DUE_SOON_DAYS = 1
PHONE_PURPOSE = "letter.phone"
TEXT_PURPOSE = "letter.text"
#: Query codes: the same alphabet and length as application tracking codes (no 0/O, 1/I/L).
CODE_ALPHABET, CODE_LENGTH = TRACKING_ALPHABET, TRACKING_LENGTH
#: How many sites a letter may be followed through when it was forwarded on and on.
FOLLOW_HOPS = 5

normalise_query_code = normalise_tracking_code
format_query_code = format_tracking_code


def is_query_code(value: str) -> bool:
    return len(value) == CODE_LENGTH and all(c in CODE_ALPHABET for c in value)


def phone_lookup(phone: str) -> str:
    return lookup_hash(normalise_mobile(phone), PHONE_PURPOSE)


_SPACE = re.compile(r"\s+")


def normalised_text(subject: str, body: str) -> str:
    """Subject and body as compared for repeats: compatibility forms folded (full-width letters and digits), case
    folded, all white space and punctuation removed."""
    text = unicodedata.normalize("NFKC", f"{subject}\n{body}").casefold()
    return "".join(c for c in _SPACE.sub("", text) if not unicodedata.category(c).startswith("P"))


def text_lookup(subject: str, body: str) -> str:
    return lookup_hash(normalised_text(subject, body), TEXT_PURPOSE)


# --- mailboxes and limits ----------------------------------------------------------------------

def platform_reply_days() -> int:
    """The bureau's reply limit for every mailbox, in working days (DEFAULT_REPLY_DAYS until it sets one)."""
    days = parse_int(get_setting(REPLY_DAYS_SETTING, ""), minimum=1, maximum=MAX_REPLY_DAYS)
    return DEFAULT_REPLY_DAYS if days is None else days


@dataclass(frozen=True)
class MailboxView:
    """A mailbox of the active site as it stands: the site's changes over the platform's defaults."""

    kind: str
    enabled: bool
    #: The site's own rules ("" when it uses the default ones) and the rules shown.
    own_rules: str
    rules: str
    #: The site's shortened limit (None: the platform's), and the limit that applies, in working days.
    site_days: int | None
    reply_days: int


def mailboxes() -> list[MailboxView]:
    """Every kind of mailbox of the active site, in the public's order."""
    rows = {m.kind: m for m in db.session.execute(select(Mailbox)).scalars()}
    platform = platform_reply_days()
    found = []
    for kind in MAILBOX_KINDS:
        row = rows.get(kind)
        own = row.rules.strip() if row is not None else ""
        days = row.reply_days if row is not None else None
        found.append(MailboxView(kind, row.enabled if row is not None else True, own,
                                 own or str(DEFAULT_RULES[kind]), days,
                                 min(days, platform) if days else platform))
    return found


def mailbox(kind: str) -> MailboxView | None:
    return next((m for m in mailboxes() if m.kind == kind), None)


def mailbox_row(kind: str) -> Mailbox | None:
    return db.session.execute(select(Mailbox).where(Mailbox.kind == kind)).scalar_one_or_none()


def options_row() -> LetterOptions | None:
    return db.session.execute(select(LetterOptions)).scalar_one_or_none()


def review_replies() -> bool:
    """Whether the active site has switched on a second officer's approval of every reply (see `review_in_force`)."""
    row = options_row()
    return bool(row and row.review_replies)


#: Second-officer review needs this many of the site's interaction officers (the drafter and another).
REVIEW_OFFICERS = 2


def review_in_force() -> bool:
    """Whether a reply waits for a second officer now: review is on and the site has two officers or more.

    Review cannot be switched on with fewer (core.interaction.letters.set_review_replies);
    when officers leave or lose the role afterwards, replies go out unreviewed
    (the audit log says so) and a draft already waiting may be approved by its
    drafter, rather than wait for an officer who is not there. The mailboxes
    page warns the site's administrator meanwhile.
    """
    return review_replies() and len(officers()) >= REVIEW_OFFICERS


# --- the writer's query ------------------------------------------------------------------------

def find_for_writer(code: str, phone: str) -> Letter | None:
    """The letter of this site with this query code and this mobile, or None (whichever was wrong).

    The phone's hash is compared in constant time whether or not the code
    exists, so the answer takes as long either way.
    """
    wanted = phone_lookup(phone)
    found = db.session.execute(select(Letter).where(
        Letter.query_code == normalise_query_code(code))).scalar_one_or_none()
    stored = found.phone_hash if found is not None else "0" * 64
    matches = hmac.compare_digest(stored, wanted)
    return found if found is not None and matches else None


def by_submission_key(key: str) -> Letter | None:
    return db.session.execute(select(Letter).where(Letter.submission_key == key)).scalar_one_or_none()


def code_taken(code: str) -> bool:
    return db.session.execute(select(Letter.id).where(Letter.query_code == code)).first() is not None


def same_letter_since(phone_hash: str, text_hash: str, since: datetime) -> bool:
    """Whether this mobile sent a letter with the same text to this site since `since`."""
    return db.session.execute(select(Letter.id).where(Letter.phone_hash == phone_hash,
                                                      Letter.text_hash == text_hash,
                                                      Letter.received_at >= since)).first() is not None


@dataclass(frozen=True)
class FollowedCopy:
    """Where a forwarded letter went and how it stands there, as its writer may read it (no personal data)."""

    site_name_zh: str
    site_name_en: str
    site: Tenant
    status: str
    received_at: datetime
    reply: str
    reply_office: str
    replied_at: datetime | None
    info_request: str
    not_accepted_reason: str | None
    not_accepted_note: str
    same_code: bool


@crosses_tenants("the writer's query on the site that forwarded a letter follows it to the sites it went to")
def follow_forwarded(letter: Letter) -> list[FollowedCopy]:
    """The copies of a forwarded letter on the sites it went to, in order (read only, inside each site).

    Follows at most FOLLOW_HOPS forwards; what it returns holds no personal
    data, only what the writer reads of the copy: its state and reply.
    """
    hops: list[FollowedCopy] = []
    site_id, letter_id, code = letter.forwarded_to_id, letter.forwarded_letter_id, letter.query_code
    while site_id and letter_id and len(hops) < FOLLOW_HOPS:
        site = db.session.get(Tenant, site_id)
        if site is None:
            break
        with activate_tenant(site_id):
            copy = db.session.execute(select(Letter).where(Letter.id == letter_id)).scalar_one_or_none()
            if copy is None:
                break
            hops.append(FollowedCopy(site.name_zh, site.name_en, site, copy.status, copy.received_at,
                                     copy.reply if copy.replied_at else "", copy.reply_office if copy.replied_at
                                     else "", copy.replied_at, copy.info_request, copy.not_accepted_reason,
                                     copy.not_accepted_note, copy.query_code == code))
            site_id, letter_id = copy.forwarded_to_id, copy.forwarded_letter_id
    return hops


# --- history, people ---------------------------------------------------------------------------

def history(letter: Letter, *, public_only: bool = False) -> list[LetterEvent]:
    query = select(LetterEvent).where(LetterEvent.letter_id == letter.id)
    if public_only:
        query = query.where(LetterEvent.public.is_(True))
    return list(db.session.execute(query.order_by(LetterEvent.at, LetterEvent.id)).scalars())


def last_event(letter: Letter, action: str) -> LetterEvent | None:
    return db.session.execute(select(LetterEvent).where(LetterEvent.letter_id == letter.id,
                                                        LetterEvent.action == action)
                              .order_by(LetterEvent.at.desc(), LetterEvent.id.desc())).scalars().first()


def user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def is_interaction_officer(user) -> bool:
    """Whether `user` is one of this site's interaction officers (by role on the site, not by permission)."""
    return bool(getattr(user, "is_authenticated", False)) and "interaction_officer" in site_roles(user)


def may_see_personal_data(user) -> bool:
    """Whether `user` sees writers' personal data in full and opens attachments: the site's own interaction officers
    only. Holding the permission is not enough (the bureau's administrators hold every site permission)."""
    return is_interaction_officer(user)


def officers() -> list[tuple[int, str]]:
    """(id, name) of the active site's interaction officers, for the assignment list."""
    return list(db.session.execute(
        select(User.id, User.display_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.role == "interaction_officer", User.is_locked.is_(False))
        .order_by(User.display_name, User.id)).all())


def forward_targets(site_id: int) -> list[Tenant]:
    """The active sites a letter may be forwarded to: every one but this."""
    return list(db.session.execute(select(Tenant).where(Tenant.status == "active", Tenant.id != site_id)
                                   .order_by(Tenant.kind, Tenant.name_zh)).scalars())


def site_of(site_id: int | None) -> Tenant | None:
    return db.session.get(Tenant, site_id) if site_id else None


# --- deadlines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """Where a letter stands against its due date: `kind` and, while it runs, working days left."""

    kind: str  # "overdue", "due_soon", "running", "paused", "on_time", "late" or "closed"
    days_left: int | None = None
    days_over: int | None = None


def deadlines(letters: list[Letter], today: date | None = None) -> dict[int, Deadline]:
    """{id: Deadline} for many letters, on one calendar (one query)."""
    today = today or now().date()
    if not letters:
        return {}
    dues = [letter.due_on for letter in letters]
    calendar = working_calendar(min([today, *dues]), max([today, *dues]) + timedelta(days=10))
    found = {}
    for letter in letters:
        if letter.status == "info_requested":
            found[letter.id] = Deadline("paused")
        elif letter.status == "replied" and letter.replied_at is not None:
            found[letter.id] = Deadline("on_time" if letter.replied_at.date() <= letter.due_on else "late")
        elif letter.status in CLOSED_STATES:
            found[letter.id] = Deadline("closed")
        elif today > letter.due_on:
            found[letter.id] = Deadline("overdue", days_over=calendar.between(letter.due_on, today))
        else:
            left = calendar.between(today, letter.due_on)
            found[letter.id] = Deadline("due_soon" if left <= DUE_SOON_DAYS else "running", days_left=left)
    return found


def _due_soon_limit(today: date) -> date:
    return working_calendar(today, today + timedelta(days=30)).add(today, DUE_SOON_DAYS)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it is shorter: 31 May - 3 = 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def warning_cutoff(today: date | None = None, months: int | None = None) -> datetime:
    """The first moment a letter may have come and not yet raise the early warning today.

    A letter of an open state raises it `months` calendar months after it came (default: the bureau's line,
    core.interaction.lines, two unless changed): with two, a letter received on 15 January raises it from
    15 March on (it came before the day after two months back).
    """
    today = today or now().date()
    months = letter_lines().warning_months if months is None else months
    return datetime.combine(months_before(today, months) + timedelta(days=1), datetime.min.time())


# --- the officers' queue -----------------------------------------------------------------------

#: overdue, due soon, unanswered past the early-warning line (core.interaction.lines: two months unless the bureau
#: changed it), assigned to me.
QUEUE_FLAGS = ("overdue", "due_soon", "two_months", "mine")


def state_counts() -> dict[str, int]:
    counts = dict(db.session.execute(select(Letter.status, func.count()).group_by(Letter.status)).all())
    return {state: counts.get(state, 0) for state in LETTER_STATES}


def _overdue(query, today: date):
    return query.where(Letter.status.in_(RUNNING_STATES), Letter.due_on < today)


def _due_soon(query, today: date):
    return query.where(Letter.status.in_(RUNNING_STATES), Letter.due_on >= today,
                       Letter.due_on <= _due_soon_limit(today))


def _two_months(query, today: date):
    """Letters not answered yet (not replied, not accepted or forwarded: still open, paused ones too) that came
    the early-warning line's calendar months ago or earlier (core.interaction.lines): the early warning."""
    return query.where(Letter.status.in_(OPEN_STATES), Letter.received_at < warning_cutoff(today))


def flag_counts(user=None, today: date | None = None) -> dict[str, int]:
    today = today or now().date()
    count = select(func.count()).select_from(Letter)
    found = {"overdue": db.session.execute(_overdue(count, today)).scalar_one(),
             "due_soon": db.session.execute(_due_soon(count, today)).scalar_one(),
             "two_months": db.session.execute(_two_months(count, today)).scalar_one(), "mine": 0}
    if user is not None and getattr(user, "is_authenticated", False):
        found["mine"] = db.session.execute(count.where(Letter.assigned_to_id == user.id,
                                                       Letter.status.in_(("assigned", "reviewing",
                                                                          "info_requested")))).scalar_one()
    return found


def queue_query(*, state: str = "", flag: str = "", kind: str = "", search: str = "", user=None,
                today: date | None = None, by_phone: bool = True):
    """The officers' list: by state (or "open": the office has it), or overdue / due soon / unanswered for two
    months / assigned to `user`.

    `search` is a query code or the writer's mobile (matched by its hash), or words of the subject.
    Without `by_phone` (a reader who sees writers' data masked: the site's administrator) a mobile number
    or a query code finds nothing: trying mobile numbers one by one would unmask who wrote which letter,
    and a query code is the writer's key. Soonest due first; closed letters newest first.
    """
    today = today or now().date()
    query = select(Letter)
    if state in LETTER_STATES:
        query = query.where(Letter.status == state)
    elif state == "open":
        query = query.where(Letter.status.in_(OPEN_STATES))
    if flag == "overdue":
        query = _overdue(query, today)
    elif flag == "due_soon":
        query = _due_soon(query, today)
    elif flag == "two_months":
        query = _two_months(query, today)
    elif flag == "mine" and user is not None:
        query = query.where(Letter.assigned_to_id == user.id,
                            Letter.status.in_(("assigned", "reviewing", "info_requested")))
    if kind in MAILBOX_KINDS:
        query = query.where(Letter.kind == kind)
    search = search.strip()
    if search:
        code = normalise_query_code(search)
        mobile = normalise_mobile(search)
        if mobile.isdigit() and len(mobile) == 11:
            query = query.where(Letter.phone_hash == phone_lookup(mobile) if by_phone else false())
        elif is_query_code(code):
            query = query.where(Letter.query_code == code if by_phone else false())
        else:
            query = query.where(Letter.subject.contains(search, autoescape=True))
    if state in CLOSED_STATES:
        return query.order_by(Letter.updated_at.desc(), Letter.id.desc())
    return query.order_by(Letter.due_on, Letter.received_at, Letter.id)


def queue_panel() -> dict:
    """For the admin home's card: letters waiting by state, overdue, due soon, unanswered for two months."""
    return {"letter_counts": state_counts(), "letter_flags": flag_counts()}


# --- published letters -------------------------------------------------------------------------

def published_of(letter: Letter) -> PublishedLetter | None:
    return db.session.execute(select(PublishedLetter).where(PublishedLetter.letter_id == letter.id)
                              ).scalar_one_or_none()


def _public():
    """The published letters the public may read: never a report, even one a row holds (an imported archive or
    data from before the rule): every public read of published letters goes through this."""
    return PublishedLetter.kind.not_in(NEVER_PUBLISHED_KINDS)


def published_query(search: str = "", kind: str = ""):
    """The site's published letters, newest reply first; `search` finds words in the subject, letter or reply."""
    query = select(PublishedLetter).where(_public())
    if kind in MAILBOX_KINDS:
        query = query.where(PublishedLetter.kind == kind)
    search = search.strip()
    if search:
        query = query.where(or_(PublishedLetter.subject.contains(search, autoescape=True),
                                PublishedLetter.body.contains(search, autoescape=True),
                                PublishedLetter.reply.contains(search, autoescape=True)))
    return query.order_by(PublishedLetter.replied_on.desc(), PublishedLetter.id.desc())


def published_letter(published_id: int) -> PublishedLetter | None:
    return db.session.execute(select(PublishedLetter).where(PublishedLetter.id == published_id, _public())
                              ).scalar_one_or_none()


class PublishedText(NamedTuple):
    """A published letter as its public page shows it (for the security checks): masked plain text."""

    id: int  # the PublishedLetter's, in its public address
    letter_id: int  # the letter's, where its officers publish it again or take it off
    subject: str
    #: The letter, the reply and the replying office, as shown.
    text: str


def published_texts() -> list[PublishedText]:
    """The active site's published letters (来信选登), by id: the subject, letter, reply and replying office the
    public reads (the security checks read these)."""
    rows = db.session.execute(select(PublishedLetter.id, PublishedLetter.letter_id, PublishedLetter.subject,
                                     PublishedLetter.body, PublishedLetter.reply, PublishedLetter.reply_office)
                              .where(_public()).order_by(PublishedLetter.id)).all()
    return [PublishedText(pid, letter_id, subject, "\n".join(t for t in (body, reply, office) if t))
            for pid, letter_id, subject, body, reply, office in rows]


def sitemap_pages() -> list[PublicPage]:
    """The published letters page and each published letter (来信选登), for the sitemaps (core.web.sitemaps):
    [PublicPage], newest reply first (one query). Only the masked text a letter's public page shows is public."""
    rows = db.session.execute(select(PublishedLetter.id, PublishedLetter.published_at).where(_public())
                              .order_by(PublishedLetter.replied_on.desc(), PublishedLetter.id.desc())).all()
    newest = max((published_at for _id, published_at in rows), default=None)
    return [PublicPage(url_for("interaction_letters.published"), newest)] + [
        PublicPage(url_for("interaction_letters.published_one", published_id=letter_id), published_at)
        for letter_id, published_at in rows]


def published_by_section() -> dict[int, int]:
    """The site's published letters, counted for its interaction sections: a section that shows them is not empty
    (虚设栏目), whatever articles it holds (core.sections.queries.add_item_counter)."""
    from core.sections.models import Section

    total = db.session.execute(select(func.count()).select_from(PublishedLetter).where(_public())).scalar_one()
    if not total:
        return {}
    return {section_id: total for section_id in db.session.execute(
        select(Section.id).where(Section.kind == "interaction")).scalars()}


def published_counts() -> dict[str, int]:
    return dict(db.session.execute(select(PublishedLetter.kind, func.count()).where(_public())
                                   .group_by(PublishedLetter.kind)).all())


@crosses_tenants("the calendar is the city's: a change to it moves every site's open letters' due dates")
def open_deadlines() -> list[tuple[Letter, str, date]]:
    """Every site's letters not yet answered, with where their reply limit starts: the day each came (or was
    forwarded here). core.workdays.deadlines counts the stored due date again on a calendar change."""
    rows = db.session.execute(select(Letter).where(Letter.status.in_(OPEN_STATES))
                              .execution_options(all_tenants=True)).scalars()
    return [(row, "due_on", row.received_at.date()) for row in rows]


def reply_publication(since: datetime, until: datetime) -> tuple[int, int]:
    """Of the active site's letters replied between `since` and `until` whose writers agreed to publication (and that
    the public may read: not reports), how many there are and how many the site published (来信选登): (agreed,
    published) (one query; the evaluation's share of replies published)."""
    agreed, published = db.session.execute(
        select(func.count(Letter.id), func.count(PublishedLetter.id))
        .select_from(Letter).outerjoin(PublishedLetter, (PublishedLetter.letter_id == Letter.id)
                                       & (PublishedLetter.tenant_id == Letter.tenant_id))
        .where(Letter.status == "replied", Letter.may_publish.is_(True), Letter.kind != "report",
               Letter.replied_at >= since, Letter.replied_at <= until)).one()
    return agreed, published
