"""Structural tenant isolation: no view has to remember it.

Every tenant-owned model mixes in `TenantScoped`. While a tenant is active
(`activate_tenant`, entered for each site request), an ORM event adds
``tenant_id = <current>`` to every SELECT, UPDATE and DELETE that touches such
a model, and a flush guard stamps the tenant on new rows and refuses to write a
row of another tenant. With no tenant active, a query on a tenant-owned model
raises unless it is marked with the execution option ``all_tenants=True``; that
mark is how platform code crosses tenants, on purpose and grep-ably.

Code that crosses sites on purpose (a city-wide notice, the portal's news, a
job's loop over every site, a CLI command naming its site) says so with
`@crosses_tenants("why")` on the function that does it; a structural test
fails on any `activate_tenant`, `enter_tenant` or ``all_tenants=True`` outside
such a function, and `CROSSINGS` lists them all, with their reasons.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria

_current_tenant_id: ContextVar[int | None] = ContextVar("govsites_tenant_id", default=None)


#: "module.function" -> why it crosses sites; filled by `crosses_tenants` as modules load.
CROSSINGS: dict[str, str] = {}


def crosses_tenants(why: str):
    """Declare that the decorated function reads or writes across sites on purpose, and why."""

    def decorator(fn):
        CROSSINGS[f"{fn.__module__}.{fn.__qualname__}"] = why
        fn.__crosses_tenants__ = why
        return fn

    return decorator


class TenantScopeError(RuntimeError):
    """A tenant-owned row was read or written without the right tenant active."""


class TenantScoped:
    """Mixin for every row that belongs to one site."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False)


def current_tenant_id() -> int:
    """Return the active tenant's id.

    :raises TenantScopeError: when no tenant is active, rather than returning
        None and letting a caller widen a query by accident.
    """
    tenant_id = _current_tenant_id.get()
    if tenant_id is None:
        raise TenantScopeError("no tenant is active")
    return tenant_id


def active_tenant_id() -> int | None:
    """Return the active tenant's id, or None outside any tenant (platform code)."""
    return _current_tenant_id.get()


@contextmanager
def activate_tenant(tenant_id: int) -> Iterator[None]:
    """Run a block as the given tenant: reads are filtered, inserts stamped."""
    token = _current_tenant_id.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant_id.reset(token)


def enter_tenant(tenant_id: int):
    """Activate a tenant until `leave_tenant(token)`; for request hooks that cannot use `with`."""
    return _current_tenant_id.set(tenant_id)


def leave_tenant(token) -> None:
    _current_tenant_id.reset(token)


def _touches_tenant_rows(state) -> bool:
    return any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("all_tenants", False):
        return
    # Lazy and refresh loads start from rows this scope already let through;
    # the criteria below propagate to them from the original statement.
    if state.is_column_load or state.is_relationship_load:
        return
    tenant_id = _current_tenant_id.get()
    if tenant_id is None:
        if _touches_tenant_rows(state):
            raise TenantScopeError(
                "query on tenant-owned rows with no tenant active; "
                "activate a tenant or mark the statement all_tenants=True"
            )
        return
    statement = state.statement
    if _PREBUILT.get(id(statement)) is not statement:
        state.statement = _scoped(statement, tenant_id)
        return
    key = (id(statement), tenant_id)
    scoped = _prebuilt_scoped.get(key)
    if scoped is None:
        scoped = _prebuilt_scoped[key] = _scoped(statement, tenant_id)
    state.statement = scoped


def _scoped(statement, tenant_id: int):
    return statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
        )
    )


#: The statements marked `prebuilt`, by identity (kept alive here: an id is never reused while listed).
_PREBUILT: dict[int, object] = {}
#: (a prebuilt statement's id, tenant id) -> that statement with the tenant's criteria, made once: as many as
#: prebuilt statements times sites.
_prebuilt_scoped: dict[tuple[int, int], object] = {}


def prebuilt(statement):
    """Mark `statement`, built once at import and run on many pages, so that the tenant's criteria are added to
    it once per tenant, not on every execution. Returns the statement itself. Only the very object marked is
    treated so: a statement built from it (`.where(...)`) is scoped as any other.

    Why: adding the criteria makes a new statement, whose cache key SQLAlchemy then computes by walking the whole
    statement, on every execution: a third of an article page's one query (profile of 2026-12-03). The statement
    with its criteria is the same each time for one tenant (the tenant's id is a bound value in it), so it is kept.
    For module-level constants only: each one marked is kept for the process's life, once per tenant.
    """
    _PREBUILT[id(statement)] = statement
    return statement


@event.listens_for(Session, "before_flush")
def _guard_flush(session, _flush_context, _instances) -> None:
    tenant_id = _current_tenant_id.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantScopeError(f"new {type(obj).__name__} with no tenant active")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"new {type(obj).__name__} stamped for another tenant")
    if tenant_id is None:
        return
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TenantScoped) and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} of another tenant cannot be changed here")
