"""Load, then check: one way to read an id or a page number and to load an object or answer 404.

Integers from URLs are ASCII digits within the database's 32-bit range, with no leading zero:
`<int:...>` in every rule is the bounded converter below, and `int_arg` reads
query arguments the same way. Anything else is a 404, never a 500 from the
database; `int_choice` reads one of a few numbers offered (a wrong one gives
the default), and `parse_int` is the same reading for any other text (a
form's hidden version, a stored setting). `get_or_404` goes through the ORM,
so a site's object of another site is not found (tenant scoping), and the
permission check comes after it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from flask import Flask, abort, request
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from core.extensions import db

#: The largest id the database holds (PostgreSQL INTEGER, 2**31 - 1).
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


class BoundedInt(IntegerConverter):
    """`<int:name>`: ASCII digits only, from 0 to MAX_ID (a larger number is a 404, not an overflow), written as
    `url_for` writes it: no leading zero, so "/articles/007" is no second address of "/articles/7" (nor
    "/sitemap-01.xml" of "/sitemap-1.xml") for a crawler to count twice."""

    regex = r"(?:0|[1-9][0-9]{0,9})"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=False)


def parse_int(raw: str | None, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """An integer from text that is ASCII digits within [minimum, maximum], or None."""
    if raw is None or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def int_arg(name: str, *, minimum: int = 1) -> int | None:
    """The query argument `name` as a bounded integer; absent or empty -> None; anything else -> 404."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    value = parse_int(raw, minimum=minimum)
    if value is None:
        abort(404)
    return value


def int_choice(name: str, offered: Sequence[int]) -> int:
    """The query argument `name` when it is one of the numbers `offered` (ASCII digits); absent or anything else:
    the first offered (a period's `?months=` or `?days=`: a wrong value shows the default, never an error)."""
    value = parse_int(request.args.get(name))
    return value if value in offered else offered[0]


def page_number() -> int:
    """`?page=`: 1 when absent; a positive ASCII integer within range, else (empty included) 404."""
    if "page" not in request.args:
        return 1
    value = parse_int(request.args["page"], minimum=1)
    if value is None:
        abort(404)
    return value


def get_or_404(model, object_id: int, *options):
    """The `model` row with this id as the active scope sees it, or a 404.

    Site-owned models are filtered by the active site (another site's id is
    not found); platform models are read as they are.
    """
    found = db.session.execute(select(model).where(model.id == object_id).options(*options)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
