"""What every module's operations share: the refusal they raise and the audit rule they obey.

An *operation* is a function that changes data on a user's behalf (a view, a
CLI command or a job calls it). It checks the rules, writes, flushes, never
commits, and records what it did in the audit log. Two things make that hold
without anyone remembering it:

- `OperationError` is the one refusal: it carries a message per field
  (`problems`), which `core.forms.show_problems` puts under the form's fields,
  and the CLI prints. `OperationForbidden` is the refusal of a role (403).
- `@audited` wraps every public function of a file that holds operations (a
  module's `operations.py`, or any file of the module with an `@audited`
  function: `core/interaction/letters.py`, `core/services/guides.py`, …; a
  structural test checks that); when the call wrote anything (through the
  ORM or a statement sent through the session) and recorded no audit entry
  itself, it raises `AuditMissing`, so an operation cannot silently skip its
  trail. An operation that calls another answers for its own writes only: the
  inner one answers for its. Reads live in the module's `queries.py`.
- `@read_only` declares a public function kept beside the operations that
  changes nothing (a check, a code, a text built for a form or a page); it is
  held to that at run time: a call that wrote raises `ReadOnlyWrote`.
"""
from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

_RAW_WRITE = re.compile(r"^\s*(insert|update|delete)\b", re.IGNORECASE)


@dataclass
class _Frame:
    """What one running operation wrote and recorded itself (its inner operations answer for their own)."""

    writes: int = 0
    entries: int = 0


#: The operations running in this context, innermost last; writes and entries count on the innermost.
_frames: ContextVar[tuple[_Frame, ...]] = ContextVar("govsites_operations", default=())


class OperationError(ValueError):
    """An operation refused by a rule; `problems` maps each field ("" for none) to what is wrong.

    Built from a message (one problem, under no field) or from a dict. Messages
    are translated now, while the request's (or the CLI's) locale is known; a `markupsafe.Markup` message
    (escaped when built) stays Markup.
    """

    def __init__(self, problems: dict[str, object] | object):
        if not isinstance(problems, dict):
            problems = {"": problems}
        # A message built as Markup (one with a link to what is to blame) stays Markup, so the page shows its link.
        self.problems: dict[str, str] = {field: message if isinstance(message, Markup) else str(message)
                                         for field, message in problems.items()}
        super().__init__(" ".join(self.problems.values()))

    @property
    def message(self) -> str:
        return " ".join(self.problems.values())


class OperationForbidden(OperationError):
    """The actor's roles do not allow the operation: a 403, whatever the form says."""


class AuditMissing(RuntimeError):
    """An operation wrote data and recorded no audit entry: a programming error."""


class ReadOnlyWrote(RuntimeError):
    """A function declared `@read_only` changed data: a programming error (make it an operation)."""


def note_audit_entry() -> None:
    """Called by `core.audit.log.record` for every entry it adds."""
    frames = _frames.get()
    if frames:
        frames[-1].entries += 1


def _note_writes(count: int) -> None:
    frames = _frames.get()
    if frames and count:
        frames[-1].writes += count


def is_audit_log(obj) -> bool:
    return bool(getattr(type(obj), "__audit_log__", False))


def _changed(session) -> list:
    """The objects a flush of `session` now would write (the audit log's entries left out)."""
    changed = [o for o in session.new if not is_audit_log(o)]
    changed += [o for o in session.deleted if not is_audit_log(o)]
    changed += [o for o in session.dirty if not is_audit_log(o) and session.is_modified(o)]
    return changed


@event.listens_for(Session, "before_flush")
def _count_writes(session, _ctx, _instances) -> None:
    _note_writes(len(_changed(session)))


@event.listens_for(Session, "do_orm_execute")
def _count_bulk_writes(state) -> None:
    """INSERT, UPDATE and DELETE statements sent through the session, ORM or raw SQL."""
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete or (
            isinstance(statement, TextClause) and _RAW_WRITE.match(statement.text)):
        _note_writes(1)


def audited(fn):
    """Mark an operation, and check that if it wrote anything it also recorded an audit entry.

    :raises AuditMissing: after the call, when it flushed changes but added no entry.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from core.extensions import db

        db.session.flush()  # what the caller changed before this call is the caller's, not this operation's
        frame = _Frame()
        token = _frames.set((*_frames.get(), frame))
        try:
            result = fn(*args, **kwargs)
            db.session.flush()
        finally:
            _frames.reset(token)
        if frame.writes and not frame.entries:
            raise AuditMissing(f"{fn.__module__}.{fn.__qualname__} changed data without an audit entry")
        return result

    wrapper.__audited__ = True
    return wrapper


def read_only(fn):
    """Declare that a public function kept among operations changes nothing, and hold it to that.

    The structural test asks every public function of a file holding operations to be `@audited` or
    `@read_only`. At run time (inside an application context) the call must write nothing through the session;
    what the caller changed before is flushed first, as `@audited` does, so it stays the caller's.

    :raises ReadOnlyWrote: after the call, when it changed data (flushed, or left to flush).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from flask import has_app_context

        if not has_app_context():
            return fn(*args, **kwargs)
        from core.extensions import db

        db.session.flush()  # what the caller changed before this call is the caller's
        frame = _Frame()
        token = _frames.set((*_frames.get(), frame))
        try:
            result = fn(*args, **kwargs)
        finally:
            _frames.reset(token)
        if frame.writes or _changed(db.session):
            raise ReadOnlyWrote(f"{fn.__module__}.{fn.__qualname__} is declared read-only and changed data")
        return result

    wrapper.__read_only__ = True
    return wrapper
