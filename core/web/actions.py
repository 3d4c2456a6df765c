"""Calling an operation from a view: a refusal is shown, a forbidden step is a 403, written once."""
from __future__ import annotations

from flask import flash

from core.extensions import db
from core.forms import show_problems
from core.operations import OperationError, OperationForbidden


def attempt(operation, *args, form=None, aliases: dict[str, str] | None = None, **kwargs) -> tuple[bool, object]:
    """Call `operation(*args, **kwargs)`; return (True, its result), or (False, the refusal) when it refused.

    A refusal (`OperationError`) rolls the transaction back and is shown under
    the form's fields (`form`) or flashed; `OperationForbidden` rolls back and
    answers 403 with its reason (the app's error handler draws it). The caller commits on success.
    """
    try:
        return True, operation(*args, **kwargs)
    except OperationForbidden:
        db.session.rollback()
        raise
    except OperationError as error:
        db.session.rollback()
        if form is not None:
            show_problems(form, error, aliases)
        else:
            flash(error.message, "error")
        return False, error
