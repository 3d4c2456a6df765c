"""The scheduler lease: one row that says which scheduler process may run jobs, and until when.

Taking and renewing are the same single UPDATE, guarded so that it only
succeeds for the holder itself or once the lease has expired; the database
makes it atomic on SQLite (one writer) and PostgreSQL (row lock, then the
WHERE is checked again). The very first take is an INSERT, and of two
schedulers racing to make it, the primary key lets only one win.
"""
from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import case, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from jobs.models import SchedulerLease

#: The one lease of the deployment.
LEASE_NAME = "scheduler"


def new_holder_id() -> str:
    """host:pid:random: unique to this process, readable by an operator."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[:200]


def acquire_lease(holder: str, *, now: datetime, seconds: float, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease until now + seconds; True when `holder` has it now.

    Runs in a transaction of its own, beside any ORM session.
    """
    expires_at = now + timedelta(seconds=seconds)
    table = SchedulerLease.__table__
    with db.engine.begin() as conn:
        taken = conn.execute(
            update(table)
            .where(table.c.name == name, or_(table.c.expires_at < now, table.c.holder == holder))
            .values(holder=holder, expires_at=expires_at,
                    # A renewal keeps the moment the lease was first taken.
                    acquired_at=_keep_if_same(table, holder, now))
        ).rowcount
        if taken == 1:
            return True
        if conn.execute(select(table.c.name).where(table.c.name == name)).first() is not None:
            return False  # held by another scheduler, not yet expired
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(table).values(name=name, holder=holder, acquired_at=now, expires_at=expires_at))
    except IntegrityError:
        return False  # another scheduler inserted it first
    return True


def _keep_if_same(table, holder: str, now: datetime):
    return case((table.c.holder == holder, table.c.acquired_at), else_=now)


def release_lease(holder: str, *, now: datetime, name: str = LEASE_NAME) -> bool:
    """Give the lease up at once (on a clean stop), so another scheduler need not wait for it to expire."""
    table = SchedulerLease.__table__
    with db.engine.begin() as conn:
        return conn.execute(update(table).where(table.c.name == name, table.c.holder == holder)
                            .values(expires_at=now)).rowcount == 1


def current_lease(name: str = LEASE_NAME) -> SchedulerLease | None:
    """The lease row as it stands (expired or not), for the console and `flask jobs list`."""
    return db.session.get(SchedulerLease, name)


def scheduler_running(now: datetime, name: str = LEASE_NAME) -> bool:
    """Whether some scheduler holds the lease now (naive city time), so scheduled work is being done."""
    lease = current_lease(name)
    return lease is not None and lease.expires_at > now
