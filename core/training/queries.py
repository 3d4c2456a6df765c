"""Reads of training material: who it is for, what a person has to read on a site, how far each site has got.

The audience of a material is computed, never stored: every unlocked person
who holds one of its roles (or any role) on one of its sites (every active
site, the sites of a group, or the sites ticked) *now*. A person given the role
tomorrow, a new account, a site added to the list: each is in the audience from
that moment, so the distribution job reaches them on its next run and the
bureau's figures count them. Suspended sites are left out (their staff cannot
work on them).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.auth.models import Membership, User
from core.content.queries import public_article
from core.extensions import db
from core.inbox.models import InboxMessage
from core.training.models import GoodPractice, TrainingAcknowledgement, TrainingFile, TrainingMaterial
from core.workdays.queries import is_working_day, working_days_between
from tenants.models import SiteGroup, Tenant
from tenants.scoping import activate_tenant, crosses_tenants


def message_key(material_id: int) -> str:
    """The inbox key of a material's delivery: once per person."""
    return f"training:{material_id}"


def reminder_key(material_id: int) -> str:
    """The inbox key of a material's reminder: once per person."""
    return f"training-reminder:{material_id}"


# --- materials ---------------------------------------------------------------------------------

def all_materials() -> list[TrainingMaterial]:
    """Every material, drafts included, the newest first (the bureau's list)."""
    return list(db.session.execute(select(TrainingMaterial).options(selectinload(TrainingMaterial.files))
                                   .order_by(TrainingMaterial.created_at.desc(), TrainingMaterial.id.desc()))
                .scalars())


def stored_files() -> dict[str, tuple[str, str, dict]]:
    """stored name -> (the file's name, its material's console page, {"material": its title}) of every training
    file: what the daily file checks call a file of the training folder (core.security.checks_files)."""
    rows = db.session.execute(select(TrainingFile.stored_name, TrainingFile.filename, TrainingMaterial.id,
                                     TrainingMaterial.title)
                              .join(TrainingMaterial, TrainingMaterial.id == TrainingFile.material_id))
    return {stored: (filename, f"/platform/training/{material_id}", {"material": title})
            for stored, filename, material_id, title in rows}


def published_materials() -> list[TrainingMaterial]:
    """The materials being distributed now, by due date."""
    return list(db.session.execute(
        select(TrainingMaterial).where(TrainingMaterial.status == "published")
        .options(selectinload(TrainingMaterial.files), selectinload(TrainingMaterial.chosen_sites))
        .order_by(TrainingMaterial.due_on, TrainingMaterial.id)).scalars())


def site_in_scope(material: TrainingMaterial, site: Tenant) -> bool:
    """Whether the material is for people of `site` (by its site audience only; roles aside)."""
    if material.site_scope == "all":
        return True
    if material.site_scope == "group":
        return material.group_id is not None and site.group_id == material.group_id
    return site.id in material.site_ids


def sites_in_scope(material: TrainingMaterial) -> list[Tenant]:
    """The active sites the material is for, by address name."""
    query = select(Tenant).where(Tenant.status != "suspended").options(selectinload(Tenant.domains))
    if material.site_scope == "group":
        query = query.where(Tenant.group_id == material.group_id) if material.group_id else query.where(False)
    elif material.site_scope == "sites":
        query = query.where(Tenant.id.in_(material.site_ids or [0]))
    return list(db.session.execute(query.order_by(Tenant.slug)).scalars())


@dataclass(frozen=True)
class Seat:
    """One person in a material's audience on one site, with the roles that put them there."""

    user_id: int
    site_id: int
    roles: tuple[str, ...]


@crosses_tenants("a training material's audience is staff of many sites: their roles are read on each site it is for")
def audience(material: TrainingMaterial) -> list[Seat]:
    """Everyone the material is for now, one entry per person and site (a person on two sites: two entries).

    :returns: seats ordered by site id then user id; locked accounts and suspended sites left out.
    """
    query = (select(Membership.user_id, Membership.tenant_id, Membership.role)
             .join(User, User.id == Membership.user_id).join(Tenant, Tenant.id == Membership.tenant_id)
             .where(User.is_locked.is_(False), Tenant.status != "suspended"))
    if not material.all_roles:
        query = query.where(Membership.role.in_(material.role_list or [""]))
    if material.site_scope == "group":
        query = query.where(Tenant.group_id == material.group_id) if material.group_id else query.where(False)
    elif material.site_scope == "sites":
        query = query.where(Membership.tenant_id.in_(material.site_ids or [0]))
    seats: dict[tuple[int, int], list[str]] = {}
    for user_id, site_id, role in db.session.execute(query.execution_options(all_tenants=True)):
        seats.setdefault((site_id, user_id), []).append(role)
    return [Seat(user_id, site_id, tuple(sorted(roles))) for (site_id, user_id), roles in sorted(seats.items())]


def audience_people(material: TrainingMaterial) -> dict[int, list[int]]:
    """user id -> the ids of the sites where the person is in the material's audience (in site-id order)."""
    people: dict[int, list[int]] = {}
    for seat in audience(material):
        people.setdefault(seat.user_id, []).append(seat.site_id)
    return people


def acknowledged(material_id: int) -> dict[int, datetime]:
    """user id -> when the person acknowledged the material."""
    return dict(db.session.execute(select(TrainingAcknowledgement.user_id, TrainingAcknowledgement.acknowledged_at)
                                   .where(TrainingAcknowledgement.material_id == material_id)).all())


def acknowledgement_of(material_id: int, user_id: int) -> TrainingAcknowledgement | None:
    return db.session.scalar(select(TrainingAcknowledgement).where(TrainingAcknowledgement.material_id == material_id,
                                                                   TrainingAcknowledgement.user_id == user_id))


def delivered_count(material_id: int) -> int:
    """How many people have the material in their inbox (the distribution job's work so far)."""
    return db.session.scalar(select(func.count()).select_from(InboxMessage)
                             .where(InboxMessage.key == message_key(material_id))) or 0


def holders(key: str) -> set[int]:
    """The people who already have the inbox message `key` (whom a distribution run need not load again)."""
    return set(db.session.execute(select(InboxMessage.user_id).where(InboxMessage.key == key)).scalars())


def group_of(material: TrainingMaterial) -> SiteGroup | None:
    return db.session.get(SiteGroup, material.group_id) if material.group_id else None


# --- the bureau's figures ----------------------------------------------------------------------

@dataclass
class Person:
    """One person of a site's audience, for the bureau's table."""

    user: User
    roles: tuple[str, ...]
    acknowledged_at: datetime | None


@dataclass
class SiteProgress:
    """A site's part of the audience: how many people, how many acknowledged, and who."""

    site: Tenant
    people: list[Person] = field(default_factory=list)

    @property
    def audience(self) -> int:
        return len(self.people)

    @property
    def acknowledged(self) -> int:
        return sum(1 for p in self.people if p.acknowledged_at is not None)

    @property
    def not_yet(self) -> int:
        return self.audience - self.acknowledged

    @property
    def rate(self) -> float | None:
        """The share acknowledged, 0 to 1; None for a site with nobody in the audience."""
        return self.acknowledged / self.audience if self.audience else None


@dataclass
class Progress:
    """A material's acknowledgements: per site, and over the distinct people of the whole audience."""

    sites: list[SiteProgress]
    people: int
    acknowledged: int
    delivered: int

    @property
    def not_yet(self) -> int:
        return self.people - self.acknowledged

    @property
    def rate(self) -> float | None:
        return self.acknowledged / self.people if self.people else None


def progress(material: TrainingMaterial) -> Progress:
    """Who of the material's audience has acknowledged it, site by site (sites by address name, people by name).

    A person on two of its sites counts on each site's line, and once in the totals. Sites are listed furthest
    behind first; those the material is for with nobody in its audience come last, with zero people, so that a
    gap shows.
    """
    seats = audience(material)
    done = acknowledged(material.id)
    users = {u.id: u for u in db.session.execute(
        select(User).where(User.id.in_({s.user_id for s in seats} or {0}))).scalars()}
    by_site = {site.id: SiteProgress(site) for site in sites_in_scope(material)}
    for seat in seats:
        if seat.site_id in by_site and seat.user_id in users:
            by_site[seat.site_id].people.append(Person(users[seat.user_id], seat.roles, done.get(seat.user_id)))
    for row in by_site.values():
        row.people.sort(key=lambda p: (p.acknowledged_at is not None, p.user.display_name, p.user.id))
    people = {s.user_id for s in seats}
    # Furthest behind first: the lowest share acknowledged, then the most people still to read; sites with
    # nobody in the audience last.
    rows = sorted(by_site.values(), key=lambda r: (r.rate is None, r.rate or 0, -r.not_yet, r.site.slug))
    return Progress(sites=rows, people=len(people), acknowledged=len(people & set(done)),
                    delivered=delivered_count(material.id))


def overview_rates(materials: list[TrainingMaterial]) -> dict[int, tuple[int, int]]:
    """material id -> (people in its audience, of them acknowledged), for the published and withdrawn ones."""
    rates = {}
    for material in materials:
        if material.status == "draft":
            continue
        people = set(audience_people(material))
        rates[material.id] = (len(people), len(people & set(acknowledged(material.id))))
    return rates


# --- a person on a site ------------------------------------------------------------------------

def in_audience_here(material: TrainingMaterial, roles: set[str], site: Tenant) -> bool:
    """Whether someone with `roles` on `site` is in the material's audience there (and it is published)."""
    if material.status != "published" or not roles or not site_in_scope(material, site):
        return False
    return material.all_roles or bool(roles & set(material.role_list))


def readable_here(material: TrainingMaterial, user: User, roles: set[str], site: Tenant) -> bool:
    """Whether the person may open the material on this site: its audience here, or the bureau's people (the
    administrators and the evaluator read what a site was sent, without being its audience)."""
    if in_audience_here(material, roles, site):
        return True
    return material.status == "published" and user.platform_role is not None and site_in_scope(material, site)


@dataclass
class Assigned:
    """A material as a person sees it on a site: whether they are its audience, and when they acknowledged."""

    material: TrainingMaterial
    mine: bool
    acknowledged_at: datetime | None


def materials_here(user: User, roles: set[str], site: Tenant) -> list[Assigned]:
    """The published materials the person may read on this site: those not yet acknowledged first, each group by
    due date."""
    shown = [m for m in published_materials() if readable_here(m, user, roles, site)]
    done = dict(db.session.execute(select(TrainingAcknowledgement.material_id, TrainingAcknowledgement.acknowledged_at)
                                   .where(TrainingAcknowledgement.user_id == user.id)).all())
    rows = [Assigned(m, in_audience_here(m, roles, site), done.get(m.id)) for m in shown]
    rows.sort(key=lambda a: (not a.mine or a.acknowledged_at is not None, a.material.due_on, a.material.id))
    return rows


def reached(user: User, material_id: int) -> bool:
    """Whether the material was delivered to the person's inbox (whatever has become of it since)."""
    return db.session.scalar(select(InboxMessage.id).where(InboxMessage.user_id == user.id,
                                                           InboxMessage.key == message_key(material_id))) is not None


def sites_for_person(material: TrainingMaterial, user_id: int) -> list[Tenant]:
    """The sites where the person is in the material's audience now, by address name."""
    site_ids = audience_people(material).get(user_id, [])
    return list(db.session.execute(select(Tenant).where(Tenant.id.in_(site_ids or [0]))
                                   .options(selectinload(Tenant.domains)).order_by(Tenant.slug)).scalars())


def inbox_message_ids(user: User, material_id: int) -> list[int]:
    """The person's unread inbox messages about the material (its delivery and its reminder)."""
    return list(db.session.execute(select(InboxMessage.id).where(
        InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None),
        InboxMessage.key.in_((message_key(material_id), reminder_key(material_id))))).scalars())


# --- reminders ---------------------------------------------------------------------------------

def reminder_due(due_on: date, today: date, remind_days: int) -> bool:
    """Whether today is a day to send a material's reminder.

    From the day on which at most `remind_days` working days are left up to
    the due date (the due date counted, today not) through the due date
    itself, on working days of the calendar (and on the due date whatever it
    is); never after it. The job sends each person one reminder, on the first
    such run: so with 3, a material due on a Friday is reminded on the
    Tuesday before, unless a holiday moves it.
    """
    if today > due_on:
        return False
    if today == due_on:
        return True
    return working_days_between(today, due_on) <= remind_days and is_working_day(today)


# --- good-practice examples --------------------------------------------------------------------

def good_practices() -> list[GoodPractice]:
    """Every example, the newest first, with its site."""
    return list(db.session.execute(select(GoodPractice).options(selectinload(GoodPractice.site))
                                   .order_by(GoodPractice.created_at.desc(), GoodPractice.id.desc())).scalars())


@crosses_tenants("the bureau marks a site's published item as an example: it reads that item on that site")
def published_item_title(site_id: int, article_id: int) -> str | None:
    """The title of the item `article_id` when it is published on site `site_id` now, else None."""
    with activate_tenant(site_id):
        article = public_article(article_id)
        return article.title if article is not None else None
