"""sessions.end_idle, called with a fixed clock."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.auth.models import UserSession
from core.extensions import db
from core.auth.jobs import end_idle_sessions
from tests.jobs.conftest import NOW


def _sessions(app, create_account, site=None) -> dict[str, int]:
    """Three logins of one user: idle for 31 minutes, seen 10 minutes ago, and one ended long ago."""
    account = create_account("wu.admin", platform_role="platform_admin")
    with app.app_context():
        rows = {
            "idle": UserSession(token="idle", user_id=account.id, last_seen_at=NOW - timedelta(minutes=31)),
            "fresh": UserSession(token="fresh", user_id=account.id, last_seen_at=NOW - timedelta(minutes=10)),
            "ended": UserSession(token="ended", user_id=account.id, last_seen_at=NOW - timedelta(days=2),
                                 ended_at=NOW - timedelta(days=2)),
        }
        if site is not None:
            rows["idle_on_site"] = UserSession(token="idle-site", user_id=account.id, tenant_id=site.id,
                                               last_seen_at=NOW - timedelta(hours=3))
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {name: row.id for name, row in rows.items()}
        db.session.remove()
        return ids


def _ended(app) -> dict[int, object]:
    with app.app_context():
        found = dict(db.session.execute(select(UserSession.id, UserSession.ended_at)).all())
        db.session.remove()
        return found


def test_idle_sessions_are_ended_on_every_host_and_the_others_left_alone(app, create_account, create_site):
    site = create_site("rsj")
    ids = _sessions(app, create_account, site)
    with app.app_context():
        summary = end_idle_sessions(now=NOW)
        db.session.commit()
    ended = _ended(app)
    assert summary == {"ended": 2}
    assert ended[ids["idle"]] == NOW and ended[ids["idle_on_site"]] == NOW
    assert ended[ids["fresh"]] is None
    assert ended[ids["ended"]] == NOW - timedelta(days=2)  # its end is not rewritten


def test_running_it_again_ends_nothing_more(app, create_account):
    _sessions(app, create_account)
    with app.app_context():
        end_idle_sessions(now=NOW)
        db.session.commit()
    before = _ended(app)
    with app.app_context():
        assert end_idle_sessions(now=NOW + timedelta(minutes=1)) == {"ended": 0}
        db.session.commit()
    assert _ended(app) == before


def test_the_idle_limit_comes_from_the_configuration(app, create_account, monkeypatch):
    ids = _sessions(app, create_account)
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 60)
    with app.app_context():
        assert end_idle_sessions(now=NOW) == {"ended": 0}
        db.session.commit()
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    with app.app_context():
        assert end_idle_sessions(now=NOW) == {"ended": 2}
        db.session.commit()
    assert _ended(app)[ids["fresh"]] == NOW


def test_a_session_exactly_at_the_limit_is_kept(app, create_account):
    """The same boundary as the request's own check: idle for longer than the limit, not as long."""
    account = create_account("wu.admin", platform_role="platform_admin")
    with app.app_context():
        db.session.add(UserSession(token="edge", user_id=account.id, last_seen_at=NOW - timedelta(minutes=30)))
        db.session.commit()
        assert end_idle_sessions(now=NOW) == {"ended": 0}
        db.session.rollback()
