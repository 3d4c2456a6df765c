"""Counting what people search for, per site and day, so a department sees what is looked for and not found.

A search adds one to its query's count of the day (and to the count of searches that found nothing, when so) in
one upsert, so any number of workers count at once without losing a search. Nothing about the person is kept: no
address, no session, no time finer than the day; an ID number, bank card or mobile number typed into the box is
masked before it is counted (core.privacy.masking), so the department's list never shows one.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.extensions import db
from core.privacy.masking import mask_personal_text
from core.search.backend import dialect
from core.search.models import PortalSearchTermDay, SearchTermDay
from core.timeutil import now
from tenants.scoping import active_tenant_id

#: The longest query counted, in characters (a longer one is counted by its beginning).
TERM_CHARS = 60


def counted_term(raw: str) -> str:
    """The query as it is counted: white space made single, personal numbers masked, at most TERM_CHARS."""
    return mask_personal_text(" ".join((raw or "").split()))[:TERM_CHARS]


def count_search(raw: str, found: bool) -> None:
    """Count one search of the active site (the city portal's when no site is active), in the caller's
    transaction. An empty query is not counted."""
    term = counted_term(raw)
    if not term:
        return
    day = now().date()
    site = active_tenant_id()
    table = (SearchTermDay if site is not None else PortalSearchTermDay).__table__
    values = {"day": day, "term": term, "searches": 1, "empty_searches": 0 if found else 1}
    keys = ["day", "term"]
    if site is not None:
        values["tenant_id"] = site
        keys = ["tenant_id", "day", "term"]
    insert = pg_insert if dialect(db.session) == "postgresql" else sqlite_insert
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(index_elements=keys, set_={
        "searches": table.c.searches + 1,
        "empty_searches": table.c.empty_searches + (0 if found else 1)})
    db.session.connection().execute(statement)


def term_figures(days: int = 30, *, limit: int = 20, empty_only: bool = False,
                 portal: bool = False) -> list[tuple[str, int, int]]:
    """The active site's (or the portal's) most searched queries of the last `days` days, counting today:
    [(query, searches, searches that found nothing)], most searched first. `empty_only`: only queries whose
    searches found nothing at least once, ordered by those."""
    model = PortalSearchTermDay if portal else SearchTermDay
    since: date = now().date() - timedelta(days=days - 1)
    searches = func.sum(model.searches).label("searches")
    empty = func.sum(model.empty_searches).label("empty")
    statement = select(model.term, searches, empty).where(model.day >= since).group_by(model.term)
    if empty_only:
        statement = statement.having(func.sum(model.empty_searches) > 0).order_by(empty.desc(), model.term)
    else:
        statement = statement.order_by(searches.desc(), model.term)
    return [(term, int(n), int(e)) for term, n, e in db.session.execute(statement.limit(limit)).all()]


def totals(days: int = 30, *, portal: bool = False) -> tuple[int, int]:
    """(searches, searches that found nothing) of the active site (or the portal) in the last `days` days."""
    model = PortalSearchTermDay if portal else SearchTermDay
    since = now().date() - timedelta(days=days - 1)
    row = db.session.execute(select(func.coalesce(func.sum(model.searches), 0),
                                    func.coalesce(func.sum(model.empty_searches), 0))
                             .where(model.day >= since)).one()
    return int(row[0]), int(row[1])
