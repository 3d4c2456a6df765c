"""A public page's GET only reads: on PostgreSQL its statements run without a transaction (no BEGIN and no
ROLLBACK, two round trips saved: core.extensions.Session), on any database it may write nothing, and every
other request keeps its transaction.

The page cache is off here: every page is drawn, so every page asks the database.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import has_request_context, request_finished
from flask_login import current_user
from sqlalchemy import event, select, text, update

from core.auth.models import UserSession
from core.content.models import Article
from core.extensions import READ_ONLY_REQUEST, ReadOnlyRequestError, db, read_only_request
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form


@pytest.fixture
def statements(app):
    """Each statement the app sends for a request it answers, while the test runs: (whether the driver's
    connection is in autocommit, the isolation level SQLAlchemy was asked for or None, the SQL). Left out: a
    counter's thread writing meanwhile, and the replay's read of the versions before the request starts (in
    an app context of its own, core.web.replay), neither of them the page's."""
    seen: list[tuple[bool, str | None, str]] = []
    thread = threading.get_ident()

    def record(conn, _cursor, statement, *_args):
        if threading.get_ident() != thread or not has_request_context():
            return
        driver = conn.connection.dbapi_connection
        autocommit = bool(getattr(driver, "autocommit", False)) if conn.dialect.name != "sqlite" else False
        seen.append((autocommit, conn.get_execution_options().get("isolation_level"), statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def checkouts(app):
    """The connections the pool hands out for a request the app answers while the test runs."""
    taken: list[int] = []

    def record(dbapi_connection, _record, _proxy):
        if has_request_context():
            taken.append(id(dbapi_connection))

    with app.app_context():
        pool = db.engine.pool
    event.listen(pool, "checkout", record)
    yield taken
    event.remove(pool, "checkout", record)


def dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.mark.parametrize("path", ["/articles/{id}", "/sections/news/", "/", "/feeds/news.atom", "/sitemap.xml"])
def test_a_public_pages_get_reads_without_a_transaction_on_a_database_server(app, two_sites, client_for,
                                                                            drawn_every_time, statements,
                                                                            checkouts, path):
    _, _, articles = two_sites
    response = client_for("rsj.localhost").get(path.format(id=articles["rsj"][0]))
    assert response.status_code == 200
    assert statements, "the page asked the database nothing: this test would prove nothing"
    assert len(checkouts) == 1  # one connection for the whole page, not one for the hooks and one for the view
    if dialect(app) == "sqlite":  # no server, no round trip: transactions as before
        assert all(level is None for _, level, _ in statements)
    else:
        assert all(autocommit and level == "AUTOCOMMIT" for autocommit, level, _ in statements), statements


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/search?q=会议"),  # a GET that is not a public page: it counts the search
    ("GET", "/interaction/write/consultation"),  # a form
    ("POST", "/interaction/write/consultation"),  # sent with a missing field: shown again with the problem
])
def test_every_other_request_keeps_its_transaction(app, two_sites, client_for, drawn_every_time, statements,
                                                    method, path):
    client = client_for("rsj.localhost")
    if method == "GET":
        response = client.get(path)
    else:
        response = post_form(client, path, {"title": "关于社保转移的咨询"})
        statements.clear()  # the form's page, asked for its CSRF token, is a GET of its own
        response = post_form(client, path, {"title": "关于社保转移的咨询"})
    assert response.status_code == 200
    assert statements
    assert not any(autocommit or level == "AUTOCOMMIT" for autocommit, level, _ in statements), statements


def test_a_request_that_only_reads_refuses_to_write_and_changes_nothing(app, two_sites):
    site, _, articles = two_sites
    article_id, site_id = articles["rsj"][0], site.id
    with app.test_request_context(f"/articles/{article_id}", base_url="http://rsj.localhost/") as ctx:
        ctx.request.environ[READ_ONLY_REQUEST] = True
        assert read_only_request()
        with activate_tenant(site_id):
            article = db.session.get(Article, article_id)
            article.title = "changed by a page"
            with pytest.raises(ReadOnlyRequestError):
                db.session.flush()
            db.session.rollback()
            with pytest.raises(ReadOnlyRequestError):
                db.session.execute(update(Article).where(Article.id == article_id).values(title="changed"))
            db.session.rollback()
            # Text SQL and a change on the connection itself: refused by the server's reader; on SQLite undone
            # with the transaction they are in.
            for write in (lambda: db.session.execute(text("UPDATE articles SET title = 'changed' WHERE id = :id"),
                                                     {"id": article_id}),
                          lambda: db.session.connection().execute(
                              update(Article.__table__).where(Article.__table__.c.id == article_id)
                              .values(title="changed"))):
                if dialect(app) == "sqlite":
                    write()
                else:
                    with pytest.raises(ReadOnlyRequestError):
                        write()
                db.session.rollback()
        db.session.remove()
    with app.app_context(), activate_tenant(site_id):
        assert db.session.scalar(select(Article.title).where(Article.id == article_id)) != "changed by a page"
        assert db.session.scalar(select(Article.title).where(Article.id == article_id)) != "changed"
        db.session.remove()


def test_only_a_request_being_answered_is_marked(app, two_sites, client_for, drawn_every_time):
    """A request context made by code (a job, a test, the demo's loader) is not a visitor's page: it may write."""
    _, _, articles = two_sites
    with app.test_request_context(f"/articles/{articles['rsj'][0]}", base_url="http://rsj.localhost/"):
        assert not read_only_request()
    marks = []

    def look(_sender, **_extra):
        marks.append(read_only_request())

    request_finished.connect(look, app)
    try:
        client = client_for("rsj.localhost")
        client.get(f"/articles/{articles['rsj'][0]}")
        client.get("/search?q=x")
        client.post(f"/articles/{articles['rsj'][0]}")  # not a GET: never marked, whatever it answers
    finally:
        request_finished.disconnect(look, app)
    assert marks == [True, False, False]


def _sessions_of(app, account_id):
    with app.app_context():
        found = db.session.execute(select(UserSession).where(UserSession.user_id == account_id)).scalars().all()
        db.session.expunge_all()
        return found


def _age_sessions(app, account_id, minutes: int):
    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_id == account_id)
                           .values(last_seen_at=now() - timedelta(minutes=minutes)))
        db.session.commit()


def test_a_signed_in_officer_on_a_public_page_neither_ends_nor_extends_the_login(app, two_sites, signed_in,
                                                                                drawn_every_time):
    """A public page that asks who is signed in (the user is looked up: core.auth.sessions.load_user) writes
    nothing: the login's last-seen time is the admin's, and an idle login is ended by the job or the next admin
    page, not by a page that only reads."""
    client, account = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    article_id = two_sites[2]["rsj"][0]
    seen = []

    def who(_sender, **_extra):
        seen.append(current_user.is_authenticated)

    request_finished.connect(who, app)
    try:
        _age_sessions(app, account.id, 2)
        before = [s.last_seen_at for s in _sessions_of(app, account.id)]
        assert client.get(f"/articles/{article_id}").status_code == 200
        assert [s.last_seen_at for s in _sessions_of(app, account.id)] == before
        _age_sessions(app, account.id, 31)
        assert client.get(f"/articles/{article_id}").status_code == 200
        assert all(s.ended_at is None for s in _sessions_of(app, account.id))
    finally:
        request_finished.disconnect(who, app)
    assert seen == [True, False]
    response = client.get("/admin/")  # an admin page ends the idle login, as it always did
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert all(s.ended_at is not None for s in _sessions_of(app, account.id))
