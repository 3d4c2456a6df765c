"""Keeping the search entries in step with what they stand for, in the same transaction.

At every flush of the ORM session, the articles, service items and published letters that were added, changed
or deleted get their entry written again (or removed) before the flush ends: a withdrawn item is gone from search
in the transaction that withdrew it, and a rolled-back change leaves no trace, because the entry's write rolls
back with it. Deleting a section removes its items' entries (the database cascades the items themselves).
What changes with the clock alone (a scheduled item's time to go out, a take-down time) needs no write: each
search checks the entry's `public_from` and `public_until`.

`reindex_site` and `reindex_all` rebuild the entries from scratch: after a site's archive is imported, after the
way text is cut changed, or to repair (`flask search reindex`).
"""
from __future__ import annotations

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.search.backend import dialect, write_vectors
from core.search.documents import SOURCES
from core.search.models import SearchEntry
from core.sections.models import Section
from core.timeutil import now
from core.web.cache import content_changed
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

_PENDING = "govsites.search.pending"
_entries = SearchEntry.__table__


@event.listens_for(Session, "before_flush")
def _collect(session, _ctx, _instances) -> None:
    pending = session.info.setdefault(_PENDING, {})
    for obj in (*session.new, *session.dirty):
        if type(obj) in SOURCES or isinstance(obj, Section):
            pending[id(obj)] = ("write", obj)
    for obj in session.deleted:
        if type(obj) in SOURCES or isinstance(obj, Section):
            pending[id(obj)] = ("delete", obj)


@event.listens_for(Session, "after_flush_postexec")
def _write(session, _ctx) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    inserted = []
    for action, obj in pending.values():
        if isinstance(obj, Section):
            if action == "delete":
                connection.execute(delete(_entries).where(_entries.c.tenant_id == obj.tenant_id,
                                                          _entries.c.section_id == obj.id))
            continue
        kinds, entry_of = SOURCES[type(obj)]
        connection.execute(delete(_entries).where(_entries.c.tenant_id == obj.tenant_id,
                                                  _entries.c.kind.in_(kinds), _entries.c.ref_id == obj.id))
        values = entry_of(obj) if action == "write" else None
        if values is not None:
            entry_id = connection.execute(insert(_entries).returning(_entries.c.id),
                                          {**values, "tenant_id": obj.tenant_id, "indexed_at": now()}).scalar_one()
            inserted.append((entry_id, values["title"], values["text"]))
    if dialect(session) == "postgresql":
        write_vectors(connection, inserted)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous) -> None:
    session.info.pop(_PENDING, None)


def _site_values(tenant_id: int) -> list[dict]:
    rows = []
    for model, (_kinds, entry_of) in SOURCES.items():
        for obj in db.session.execute(select(model)).scalars():
            values = entry_of(obj)
            if values is not None:
                rows.append({**values, "tenant_id": tenant_id, "indexed_at": now()})
    return rows


@crosses_tenants("rebuilding a site's search entries reads that site's public things, by its id")
def reindex_site(tenant_id: int) -> int:
    """Write every search entry of the site again from its articles, service items and letters; returns how many.

    In the caller's transaction; no site needs to be active.
    """
    connection = db.session.connection()
    with activate_tenant(tenant_id):
        db.session.flush()
        content_changed(db.session, [tenant_id])  # what the site's search finds changes: kept results are dropped
        connection.execute(delete(_entries).where(_entries.c.tenant_id == tenant_id))
        rows = _site_values(tenant_id)
    written = 0
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        ids = connection.execute(insert(_entries).returning(_entries.c.id, sort_by_parameter_order=True),
                                 chunk).scalars().all()
        if dialect(db.session) == "postgresql":
            write_vectors(connection, [(i, r["title"], r["text"]) for i, r in zip(ids, chunk)])
        written += len(chunk)
    return written


@crosses_tenants("rebuilding the search entries goes through every site")
def reindex_all(progress=None) -> dict[str, int]:
    """Rebuild every site's entries (see reindex_site); `progress(slug)` is called before each site.

    Returns {site slug: entries written}. On SQLite the full-text table is emptied first, so terms written by an
    older way of cutting text cannot linger.
    """
    if dialect(db.session) == "sqlite":
        db.session.execute(delete(SearchEntry).execution_options(all_tenants=True))
        db.session.connection().exec_driver_sql("INSERT INTO search_index(search_index) VALUES ('delete-all')")
    done = {}
    for tenant_id, slug in db.session.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all():
        if progress is not None:
            progress(slug)
        done[slug] = reindex_site(tenant_id)
    return done


@crosses_tenants("whether any site has search entries yet (a database from before search has none)")
def any_entries() -> bool:
    return db.session.execute(select(SearchEntry.id).limit(1).execution_options(all_tenants=True)).first() is not None
