"""Unbound extensions; `create_app` binds them. Nothing here imports the app."""
from __future__ import annotations

import logging

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as _FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints from the first migration on, so later ones can drop them
# by name on both SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: The request environ's key that says a request only reads (a public page's GET: `core.web.cache` sets it when
#: the request starts).
READ_ONLY_REQUEST = "govsites.read_only_request"


class ReadOnlyRequestError(RuntimeError):
    """Something tried to write to the database while answering a request that only reads (a public page)."""


def read_only_request() -> bool:
    """Whether the request being answered only reads the database (`READ_ONLY_REQUEST`): False outside one."""
    return has_request_context() and request.environ.get(READ_ONLY_REQUEST) is True


#: The attribute of an engine that holds its reader: the same engine (its pool shared) handing out connections in
#: autocommit. On the engine itself, so that it goes with the engine (a mapping keyed by the engine would keep
#: it alive: the reader refers to it).
_READER = "_govsites_reader"


class Session(_FlaskSession):
    """Flask-SQLAlchemy's session, which reads a public page's data without a transaction on a database server.

    Why: on PostgreSQL each transaction is a BEGIN and a ROLLBACK, two round trips to the server besides the
    query, for a page that writes nothing; on this machine's loopback each costs 0.2-0.25 ms, more than the query
    (2026-12-03). Such a request's statements run in autocommit instead, each seeing what was committed when it
    ran, as it does in a transaction at PostgreSQL's default level (READ COMMITTED): nothing a page shows
    changes. Nothing may be written then: the session refuses a flush and an ORM change on any database
    (`_refuse_writes`), and on the server the connection refuses any statement but a read (`_reads_only`).
    SQLite, in the same process, has no round trip to save: it keeps its transactions (a change in text SQL is
    rolled back with them). A session used before the request started (an app context pushed around a test's
    client) would hold a second connection for the page: the app never does so.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and isinstance(engine, Engine) and engine.dialect.name != "sqlite" and read_only_request():
            return _reader(engine)
        return engine


def _reader(engine: Engine) -> Engine:
    """`engine` handing out connections in autocommit that run nothing but reads (`_reads_only`)."""
    reader = getattr(engine, _READER, None)
    if reader is None:
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        event.listen(reader, "before_cursor_execute", _reads_only)  # this engine's own: the parent has none
        setattr(engine, _READER, reader)
    return reader


#: How a statement that only reads starts (a `WITH` is a list's ranking, never a change, in this app).
_READS = ("SELECT", "WITH")


def _reads_only(_conn, _cursor, statement: str, *_args) -> None:
    """On a reader's connection, refuse any statement but a read: a change made through text SQL or on the
    connection itself (which the session's guards do not see) would be kept at once in autocommit."""
    if not statement.lstrip().upper().startswith(_READS):
        raise ReadOnlyRequestError("a request that only reads (a public page) tried to change the database")


@event.listens_for(Session, "before_flush")
def _refuse_flush(session, _flush_context, _instances) -> None:
    _refuse_writes()


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_writes()


def _refuse_writes() -> None:
    """A request that only reads may not write, on any database: in autocommit, each statement of a change would
    be kept on its own, a change half made when a later one fails."""
    if read_only_request():
        raise ReadOnlyRequestError("a request that only reads (a public page) tried to write to the database")


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
#: Limits are declared per route (login, public forms); none applies by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def show_limiter_warnings() -> None:
    """Let Flask-Limiter's warnings reach stderr (gunicorn's error log): "Rate limit storage unreachable - falling
    back to in-memory storage" when Redis goes away. The library gives its logger a NullHandler, which keeps
    Python's last-resort handler from printing them, so without this they went nowhere."""
    logger = logging.getLogger("flask-limiter")
    if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s [flask-limiter] %(levelname)s %(message)s"))
        logger.addHandler(handler)
