"""What every module's operations share: the refusal they raise and the audit rule they obey.

An *operation* is a function that changes data on a user's behalf (a view, a
CLI command or a job calls it). It checks the rules, writes, flushes, never
commits, and records what it did in the audit log. Two things make that hold
without anyone remembering it:

- `OperationError` is the one refusal: it carries a message per field
  (`problems`), which `core.forms.show_problems` puts under the form's fields,
  and the CLI prints. `OperationForbidden` is the refusal of a role (403).
- `@audited` wraps every public function of a module's `operations.py` (a
  structural test checks that); when the call wrote anything and recorded no
  audit entry, it raises `AuditMissing`, so an operation cannot silently skip
  its trail. Reads live in the module's `queries.py`.
"""
from __future__ import annotations

import functools
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.orm import Session

#: Writes flushed and audit entries added in this context, ever increasing.
_writes: ContextVar[int] = ContextVar("govsites_writes", default=0)
_entries: ContextVar[int] = ContextVar("govsites_audit_entries", default=0)


class OperationError(ValueError):
    """An operation refused by a rule; `problems` maps each field ("" for none) to what is wrong.

    Built from a message (one problem, under no field) or from a dict. Messages
    are translated now, while the request's (or the CLI's) locale is known.
    """

    def __init__(self, problems: dict[str, object] | object):
        if not isinstance(problems, dict):
            problems = {"": problems}
        self.problems: dict[str, str] = {field: str(message) for field, message in problems.items()}
        super().__init__(" ".join(self.problems.values()))

    @property
    def message(self) -> str:
        return " ".join(self.problems.values())


class OperationForbidden(OperationError):
    """The actor's roles do not allow the operation: a 403, whatever the form says."""


class AuditMissing(RuntimeError):
    """An operation wrote data and recorded no audit entry: a programming error."""


def note_audit_entry() -> None:
    """Called by `core.audit.log.record` for every entry it adds."""
    _entries.set(_entries.get() + 1)


def is_audit_log(obj) -> bool:
    return bool(getattr(type(obj), "__audit_log__", False))


@event.listens_for(Session, "before_flush")
def _count_writes(session, _ctx, _instances) -> None:
    changed = [o for o in session.new if not is_audit_log(o)]
    changed += [o for o in session.deleted if not is_audit_log(o)]
    changed += [o for o in session.dirty if not is_audit_log(o) and session.is_modified(o)]
    if changed:
        _writes.set(_writes.get() + len(changed))


@event.listens_for(Session, "do_orm_execute")
def _count_bulk_writes(state) -> None:
    if state.is_update or state.is_delete:
        _writes.set(_writes.get() + 1)


def audited(fn):
    """Mark an operation, and check that if it wrote anything it also recorded an audit entry.

    :raises AuditMissing: after the call, when it flushed changes but added no entry.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from core.extensions import db

        writes, entries = _writes.get(), _entries.get()
        result = fn(*args, **kwargs)
        db.session.flush()
        if _writes.get() > writes and _entries.get() == entries:
            raise AuditMissing(f"{fn.__module__}.{fn.__qualname__} changed data without an audit entry")
        return result

    wrapper.__audited__ = True
    return wrapper
