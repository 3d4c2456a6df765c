"""Index numbers (索引号): `<organisation code>/<year>-<serial>`, given once to a filed item when it first goes public.

A number is unique on its site, stays with its item for good (withdrawn and published again, corrected,
re-filed) and is never given again, even after its item is deleted: the serial comes from a per-site,
per-year counter row that is only ever incremented, by one conditional UPDATE in the publishing transaction.
On PostgreSQL that UPDATE locks the row until the transaction ends, so two workers publishing at once take
turns; on SQLite the database's single writer does the same. The unique constraint on (site, index number)
is the last guard.

The number is given at flush when the item actually goes public, whatever made it so (the workflow's publish,
the scheduled job at a scheduled item's time, `flask articles create`, the demo city): every filed item that is
published and has no number gets one, in the order they went public, with the year it went public
(`published_at`). Scheduling gives none: an item scheduled for next January and then unscheduled takes no
serial of next year, and published now it takes this year's. The year is kept apart too (`Article.index_year`):
the catalogue's year filter and the yearly report count a filed item in the year of its number, its first
publication, whatever happens to it later (withdrawn and published again, it keeps both).
"""
from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.content.models import Article
from core.disclosure.models import IndexCounter
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

#: The states in which an item is (or is about to be, at its time) on the public site.
PUBLIC_STATES = ("published", "scheduled")
#: The state in which an item is given its number: published (a scheduled one gets it when its time comes).
NUMBERED_STATE = "published"
SERIAL_DIGITS = 5


def format_index_number(prefix: str, year: int, serial: int) -> str:
    """`11131000000000000X/2026-00042`: the site's prefix, the year, the serial in at least five digits."""
    return f"{prefix}/{year}-{serial:0{SERIAL_DIGITS}d}"


def fallback_prefix(slug: str) -> str:
    """The prefix of a site that has not given its organisation code: its address name in small letters and a
    dash ("rsj-"), which no code looks like (a code has 18 capitals and digits), so a provisional number is never
    mistaken for a department's."""
    return f"{slug.lower()}-"


def site_prefix(session: Session, tenant_id: int) -> str:
    """What a site's index numbers begin with: its organisation code (统一社会信用代码).

    A site that has not given it yet uses `fallback_prefix`, so publishing never waits for a setting (its
    disclosure page warns); the numbers already given keep the prefix they were given with.
    """
    row = session.execute(select(Tenant.organisation_code, Tenant.slug).where(Tenant.id == tenant_id)).one()
    return (row.organisation_code or "").strip() or fallback_prefix(row.slug)


def next_serial(session: Session, tenant_id: int, year: int) -> int:
    """Take the site's next serial of `year`: increment its counter row (made at 0 the first time) and return it.

    Runs inside the caller's transaction; the row stays locked until it ends, so a concurrent caller gets the
    next serial, never the same one.
    """
    bump = (update(IndexCounter).where(IndexCounter.tenant_id == tenant_id, IndexCounter.year == year)
            .values(last_serial=IndexCounter.last_serial + 1).returning(IndexCounter.last_serial)
            .execution_options(synchronize_session=False))
    serial = session.execute(bump).scalar_one_or_none()
    if serial is not None:
        return serial
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(IndexCounter).values(tenant_id=tenant_id, year=year, last_serial=0)
                    .on_conflict_do_nothing(index_elements=["tenant_id", "year"]))
    return session.execute(bump).scalar_one()


def _needs_number(obj) -> bool:
    return (isinstance(obj, Article) and obj.status == NUMBERED_STATE and obj.disclosure_category_id is not None
            and obj.index_number is None)


@event.listens_for(Session, "before_flush")
def _number_items_going_public(session: Session, _ctx, _instances) -> None:
    """Give every filed item that goes public in this flush its index number, in the order they went public, with
    the year they did (`published_at`, else now)."""
    waiting = [obj for obj in (*session.new, *session.dirty) if _needs_number(obj)]
    if not waiting:
        return
    moment = now()
    waiting.sort(key=lambda a: (a.published_at or moment, a.id or 0))
    prefixes: dict[int, str] = {}
    for article in waiting:
        tenant_id = article.tenant_id or current_tenant_id()
        if tenant_id not in prefixes:
            prefixes[tenant_id] = site_prefix(session, tenant_id)
        year = (article.published_at or moment).year
        article.index_number = format_index_number(prefixes[tenant_id], year, next_serial(session, tenant_id, year))
        article.index_year = year
