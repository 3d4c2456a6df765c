"""The scheduler lease, with a fixed clock: one holder at a time, taken over only once expired."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from core.extensions import db
from jobs.lease import (
    LEASE_NAME,
    acquire_lease,
    current_lease,
    new_holder_id,
    release_lease,
)
from jobs.models import SchedulerLease
from tests.jobs.conftest import NOW

A, B = "host-a:100:aaaa", "host-b:200:bbbb"
T = NOW


def _lease(app) -> tuple[str, object, object]:
    with app.app_context():
        lease = current_lease()
        found = (lease.holder, lease.acquired_at, lease.expires_at)
        db.session.remove()
        return found


def _at(seconds: float):
    return T + timedelta(seconds=seconds)


def test_the_first_scheduler_takes_the_lease(app):
    with app.app_context():
        assert acquire_lease(A, now=T, seconds=30) is True
    assert _lease(app) == (A, T, _at(30))


def test_the_holder_renews_it_and_keeps_when_it_was_taken(app):
    with app.app_context():
        acquire_lease(A, now=T, seconds=30)
        assert acquire_lease(A, now=_at(10), seconds=30) is True
        assert acquire_lease(A, now=_at(20), seconds=30) is True
    assert _lease(app) == (A, T, _at(50))


def test_another_scheduler_is_refused_while_it_is_held(app):
    with app.app_context():
        acquire_lease(A, now=T, seconds=30)
        assert acquire_lease(B, now=_at(1), seconds=30) is False
        assert acquire_lease(B, now=_at(30), seconds=30) is False  # expiring this very moment is not expired
    assert _lease(app) == (A, T, _at(30))


def test_another_scheduler_takes_over_once_it_expired_and_the_old_holder_is_then_refused(app):
    with app.app_context():
        acquire_lease(A, now=T, seconds=30)
        acquire_lease(A, now=_at(10), seconds=30)  # A's last renewal: then A dies
        assert acquire_lease(B, now=_at(39), seconds=30) is False
        assert acquire_lease(B, now=_at(41), seconds=30) is True
        assert acquire_lease(A, now=_at(42), seconds=30) is False  # A woke up: it must not run jobs
    assert _lease(app) == (B, _at(41), _at(71))


def test_releasing_lets_another_take_it_at_once(app):
    with app.app_context():
        acquire_lease(A, now=T, seconds=30)
        assert release_lease(B, now=_at(1)) is False  # only the holder can give it up
        assert acquire_lease(B, now=_at(2), seconds=30) is False
        assert release_lease(A, now=_at(3)) is True
        assert acquire_lease(B, now=_at(3.5), seconds=30) is True
    assert _lease(app)[0] == B


def test_of_two_schedulers_racing_for_the_first_lease_only_one_gets_it(app):
    """B finds no row, but A inserts one before B's INSERT lands: B is refused, not an error."""
    with app.app_context():
        engine, fired = db.engine, []

        def a_gets_there_first(conn, _cursor, statement, *_args):
            if not fired and statement.lstrip().upper().startswith("INSERT INTO SCHEDULER_LEASES"):
                fired.append(statement)
                with engine.begin() as other:
                    other.execute(insert(SchedulerLease).values(name=LEASE_NAME, holder=A, acquired_at=T,
                                                                expires_at=_at(30)))

        event.listen(engine, "before_cursor_execute", a_gets_there_first)
        try:
            assert acquire_lease(B, now=T, seconds=30) is False
        finally:
            event.remove(engine, "before_cursor_execute", a_gets_there_first)
        assert fired  # the race really happened
    assert _lease(app)[0] == A


def test_holder_ids_name_the_host_and_process_and_differ_each_time():
    import os
    import socket

    first, second = new_holder_id(), new_holder_id()
    assert first != second
    host, pid, _ = first.rsplit(":", 2)
    assert (host, pid) == (socket.gethostname(), str(os.getpid()))


@pytest.mark.parametrize("lease, renew", [(30.0, 30.0), (30.0, 0.0), (10.0, 20.0)])
def test_the_scheduler_refuses_a_renewal_period_that_would_let_its_lease_lapse(app, monkeypatch, lease, renew):
    from jobs.scheduler import SchedulerProcess

    monkeypatch.setitem(app.config, "SCHEDULER_LEASE_SECONDS", lease)
    monkeypatch.setitem(app.config, "SCHEDULER_RENEW_SECONDS", renew)
    with pytest.raises(ValueError):
        SchedulerProcess(app)
