"""Public consultations, the reads: where a consultation stands, its counts, the public's lists, the officers' lists.

Where a consultation stands (`phase`) follows from its state, its days and the
city's clock (`core.timeutil.now`, China time), so nothing has to run at
midnight for a window to open or close: "upcoming" before its open day,
"open" from 00:00 of the open day through 23:59:59 of the close day, "closed"
after that until its summary is published, then "concluded".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask import url_for
from sqlalchemy import case, func, or_, select

from core import timeutil
from core.auth.permissions import site_roles
from core.extensions import db
from core.interaction.models_consultations import COUNTED_DECISIONS, DECISIONS, Consultation, Opinion
from core.web.sitemaps import PublicPage
from tenants.scoping import active_tenant_id

#: The phases, in the order the officers' list offers them.
PHASES = ("draft", "upcoming", "open", "closed", "concluded", "withdrawn")


def window_start(consultation: Consultation) -> datetime:
    """The first moment opinions are taken: 00:00 of the open day, city time."""
    return datetime.combine(consultation.open_on, time.min)


def window_end(consultation: Consultation) -> datetime:
    """The first moment opinions are no longer taken: 00:00 of the day after the close day, city time."""
    return datetime.combine(consultation.close_on + timedelta(days=1), time.min)


def phase(consultation: Consultation, moment: datetime | None = None) -> str:
    """Where the consultation stands at `moment` (default: now, city time): one of PHASES."""
    if consultation.status != "published":
        return consultation.status  # "draft" or "withdrawn"
    if consultation.summary_published_at is not None:
        return "concluded"
    moment = moment or timeutil.now()
    if moment < window_start(consultation):
        return "upcoming"
    if moment < window_end(consultation):
        return "open"
    return "closed"


def days_left(consultation: Consultation, today: date | None = None) -> int:
    """Calendar days the window still has, today included (1 on the close day)."""
    today = today or timeutil.now().date()
    return max(0, (consultation.close_on - today).days + 1)


def opinion_counts(consultation_ids: list[int]) -> dict[int, dict[str | None, int]]:
    """{consultation id: {decision (None: undecided): count}} for the given consultations."""
    counts: dict[int, dict[str | None, int]] = {i: {} for i in consultation_ids}
    if not consultation_ids:
        return counts
    rows = db.session.execute(select(Opinion.consultation_id, Opinion.decision, func.count())
                              .where(Opinion.consultation_id.in_(consultation_ids))
                              .group_by(Opinion.consultation_id, Opinion.decision))
    for consultation_id, decision, count in rows:
        counts[consultation_id][decision] = count
    return counts


def decision_counts(consultation_id: int) -> dict[str, int]:
    """What the summary shows: "total" (opinions on the draft, those set aside left out) and each decision's count."""
    found = opinion_counts([consultation_id])[consultation_id]
    counts = {decision: found.get(decision, 0) for decision in DECISIONS}
    return {"total": sum(counts[d] for d in COUNTED_DECISIONS) + found.get(None, 0), **counts}


def received_count(consultation_id: int) -> int:
    """Opinions received on the draft, as the public page says (those set aside as not opinions left out)."""
    return decision_counts(consultation_id)["total"]


def undecided_count(consultation: Consultation) -> int:
    return db.session.execute(select(func.count()).select_from(Opinion).where(
        Opinion.consultation_id == consultation.id, Opinion.decision.is_(None))).scalar_one()


# --- the public's pages ------------------------------------------------------------------------

@dataclass
class PublicConsultation:
    """A published consultation as the public lists it."""

    consultation: Consultation
    phase: str
    opinions: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.consultation.id


def public_consultation(consultation_id: int) -> Consultation | None:
    """A consultation the public may see (published, on the active site), or None."""
    return db.session.execute(select(Consultation).where(Consultation.id == consultation_id,
                                                         Consultation.status == "published")).scalar_one_or_none()


def public_consultations(limit: int | None = None) -> list[PublicConsultation]:
    """The site's published consultations, the latest window first, with their phase and opinion counts."""
    query = select(Consultation).where(Consultation.status == "published") \
        .order_by(Consultation.open_on.desc(), Consultation.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = list(db.session.execute(query).scalars())
    counts = opinion_counts([c.id for c in rows])
    moment = timeutil.now()
    shown = []
    for c in rows:
        found = counts[c.id]
        by_decision = {d: found.get(d, 0) for d in DECISIONS}
        total = sum(by_decision[d] for d in COUNTED_DECISIONS) + found.get(None, 0)
        shown.append(PublicConsultation(c, phase(c, moment), total, {"total": total, **by_decision}))
    return shown


def consultation_lists(limit: int | None = None) -> dict[str, list[PublicConsultation]]:
    """The public's consultations in two lists: "open" (taking opinions, or soon to) and "closed" (the rest).

    For the interaction section's page and the consultations page; `limit` caps each list.
    """
    found = public_consultations()
    lists = {"open": [p for p in found if p.phase in ("open", "upcoming")],
             "closed": [p for p in found if p.phase in ("closed", "concluded")]}
    lists["open"].sort(key=lambda p: (p.phase != "open", p.consultation.close_on))
    if limit is not None:
        lists = {key: rows[:limit] for key, rows in lists.items()}
    return lists


def sitemap_pages() -> list[PublicPage]:
    """The consultations page and each published consultation (意见征集), for the sitemaps (core.web.sitemaps):
    [PublicPage], the latest window first (one query). Each page last changed at the latest of its publication,
    an edit, its window opening or closing (the form comes and goes) and its feedback summary; the list page when
    any of them did."""
    moment = timeutil.now()
    rows = db.session.execute(select(Consultation.id, Consultation.published_at, Consultation.updated_at,
                                     Consultation.summary_published_at, Consultation.open_on, Consultation.close_on)
                              .where(Consultation.status == "published")
                              .order_by(Consultation.open_on.desc(), Consultation.id.desc())).all()
    pages = []
    for consultation_id, published_at, updated_at, summary_at, open_on, close_on in rows:
        window = (datetime.combine(open_on, time.min), datetime.combine(close_on + timedelta(days=1), time.min))
        changed = [published_at, updated_at, summary_at, *(m for m in window if m <= moment)]
        pages.append(PublicPage(url_for("interaction_consultations.public_detail", consultation_id=consultation_id),
                                max((m for m in changed if m is not None), default=None)))
    newest = max((page.lastmod for page in pages if page.lastmod is not None), default=None)
    return [PublicPage(url_for("interaction_consultations.public_list"), newest), *pages]


def next_window_change() -> datetime | None:
    """The next moment a published consultation of the active site opens or closes (for the page cache), or None.

    The city portal (no site active) shows no consultation: None there.
    """
    if active_tenant_id() is None:
        return None
    moment = timeutil.now()
    today = moment.date()
    opens, closes = db.session.execute(select(
        func.min(case((Consultation.open_on > today, Consultation.open_on))),
        func.min(case((Consultation.close_on >= today, Consultation.close_on))),
    ).where(Consultation.status == "published")).one()
    moments = [datetime.combine(opens, time.min)] if opens else []
    if closes:
        moments.append(datetime.combine(closes + timedelta(days=1), time.min))
    return min((m for m in moments if m > moment), default=None)


class PublishedText(NamedTuple):
    """A published consultation's text as the public page shows it (for the security checks)."""

    id: int
    title: str
    #: The draft's text, cleaned rich text ("" when only a document is given).
    body_html: str
    #: The plain text shown around the draft: the office and how else to take part.
    details: str
    #: The feedback summary, plain text; "" until it is published.
    summary: str


def published_texts() -> list[PublishedText]:
    """The active site's published consultations (upcoming, open, closed or concluded), by id: what the public
    reads of each, its feedback summary only once published (the security checks read these)."""
    rows = db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.body_html, Consultation.office, Consultation.how_to,
               Consultation.summary_text, Consultation.summary_published_at)
        .where(Consultation.status == "published").order_by(Consultation.id)).all()
    return [PublishedText(cid, title, body or "", f"{office or ''}\n{how_to or ''}".strip(),
                          (summary or "") if summary_at is not None else "")
            for cid, title, body, office, how_to, summary, summary_at in rows]


def referenced_documents() -> set[str]:
    """The stored names of the active site's draft documents (the upload sweep keeps them)."""
    return set(db.session.execute(select(Consultation.document_stored_name).where(
        Consultation.document_stored_name.is_not(None))).scalars())


# --- the officers' pages -----------------------------------------------------------------------

def is_interaction_officer(user) -> bool:
    """Whether `user` is one of this site's interaction officers (by role on the site, not by permission)."""
    return bool(getattr(user, "is_authenticated", False)) and "interaction_officer" in site_roles(user)


def may_see_personal_data(user) -> bool:
    """Whether `user` sees the senders' names and mobile numbers in full: the site's interaction officers only.

    Holding the permission is not enough (the bureau's administrators hold every site permission).
    """
    return is_interaction_officer(user)


def admin_consultations(phase_filter: str | None = None) -> list[tuple[Consultation, str, dict[str | None, int]]]:
    """Every consultation of the site, the newest first: (consultation, phase, opinion counts by decision)."""
    rows = list(db.session.execute(select(Consultation).order_by(Consultation.created_at.desc(),
                                                                 Consultation.id.desc())).scalars())
    counts = opinion_counts([c.id for c in rows])
    moment = timeutil.now()
    found = [(c, phase(c, moment), counts[c.id]) for c in rows]
    if phase_filter:
        found = [row for row in found if row[1] == phase_filter]
    return found


def opinions_query(consultation: Consultation, *, decision: str = "", search: str = ""):
    """The consultation's opinions, oldest first; `decision` "none" for undecided; `search` in the text and part."""
    query = select(Opinion).where(Opinion.consultation_id == consultation.id)
    if decision == "none":
        query = query.where(Opinion.decision.is_(None))
    elif decision in DECISIONS:
        query = query.where(Opinion.decision == decision)
    if search:  # "50%" looks for "50%", "_" for an underscore: the wildcards are taken as typed
        query = query.where(or_(Opinion.body.contains(search, autoescape=True),
                                Opinion.part.contains(search, autoescape=True)))
    return query.order_by(Opinion.submitted_at, Opinion.id)


def opinion_of(consultation: Consultation, opinion_id: int) -> Opinion | None:
    return db.session.execute(select(Opinion).where(Opinion.id == opinion_id,
                                                    Opinion.consultation_id == consultation.id)).scalar_one_or_none()


def all_opinions(consultation: Consultation) -> list[Opinion]:
    return list(db.session.execute(opinions_query(consultation)).scalars())


def user_names(ids) -> dict[int, str]:
    """Display names of the staff who decided, by id."""
    from core.auth.models import User

    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def awaiting_summary() -> int:
    """Published consultations of the site that have closed and have no summary yet (the officers' to-do)."""
    today = timeutil.now().date()
    return db.session.execute(select(func.count()).select_from(Consultation).where(
        Consultation.status == "published", Consultation.summary_published_at.is_(None),
        Consultation.close_on < today)).scalar_one()


def closed_consultations(since: date, today: date) -> list[tuple[int, str, date, bool]]:
    """The active site's published consultations that closed between `since` and `today` (before today): [(id,
    title, closing day, whether their feedback summary is published)], the oldest first (one query; the
    evaluation's consultations answered with a published summary)."""
    return [(cid, title, close_on, published is not None) for cid, title, close_on, published in db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.close_on, Consultation.summary_published_at)
        .where(Consultation.status == "published", Consultation.close_on < today, Consultation.close_on >= since)
        .order_by(Consultation.close_on, Consultation.id)).all()]
