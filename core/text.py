"""Text that a column, a header or a reader cannot hold, refused (or stripped) before the database sees it.

PostgreSQL refuses a NUL character in text (SQLite stores it, and then a
download header with it fails); a column has a length; a right-to-left
override (U+202E) makes "gpj.exe" read as "exe.jpg". One set of rules, used by
every form (`core.forms.Form`) and every operation that stores text, so a
page, the CLI and an import refuse the same input with the same words.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import String

#: C0 and C1 controls and DEL (U+009B starts a terminal escape; U+0085 is a line break some systems honour);
#: a line of text allows none, a block of text allows tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Line breaks, including the Unicode line and paragraph separators: a line of text (a title) holds none.
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")
#: Embeddings, overrides and isolates, which change the order text is shown in (not the LRM/RLM marks).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str, *, multiline: bool = False, max_length: int | None = None) -> str | None:
    """What is wrong with `value` as stored text, in words for its author; None when nothing is.

    A line (`multiline=False`) takes no control character at all; a block takes
    tabs and line breaks. No direction override anywhere. `max_length` is in
    characters, as the column counts them.
    """
    if _CONTROL.search(value) or (not multiline and _LINE_BREAK.search(value)):
        return str(_l("This text contains a control character that cannot be stored; type it again without it."))
    if _BIDI.search(value):
        return str(_l("This text contains a character that reverses the reading direction; remove it."))
    if max_length is not None and len(value) > max_length:
        return str(_l("At most %(n)s characters (this has %(length)s).", n=max_length, length=len(value)))
    return None


def strip_format_characters(value: str) -> str:
    """`value` without the invisible Unicode format characters (category Cf): zero-width spaces and joiners, the
    word joiner, the byte order mark, soft hyphens, direction marks. Text that holds only them looks empty, and
    two names that differ only by them look the same. Every form strips them (core.forms.Form). The embeddings,
    overrides and isolates that reorder text are left for `text_problem` to refuse with a message: they are not
    a slip but a trick ("gpj.exe")."""
    if not isinstance(value, str) or value.isascii():
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf" or _BIDI.match(c))


def same_name_key(value: str) -> str:
    """What two names are compared by, so that names a reader takes for the same are: format characters dropped,
    NFKC (full-width letters and digits; the ideographic space becomes a space), all white space dropped, case
    folded. "综合\u3000政务", "综合 政务" and "综合政务\u200b" are all "综合政务"."""
    folded = unicodedata.normalize("NFKC", strip_format_characters(value or ""))
    return "".join(folded.split()).casefold()


def strip_controls(value: str) -> str:
    """A block of text (a body, HTML) with the characters no column holds removed: NUL and the other controls.

    A Unicode line or paragraph separator becomes an ordinary line break.
    """
    return _BIDI.sub("", _CONTROL.sub("", value or "")).replace("\u2028", "\n").replace("\u2029", "\n")


def column_problems(model, values: dict[str, object], *, multiline: tuple[str, ...] = ()) -> dict[str, str]:
    """For each text value of `model`'s columns, what is wrong with it: {field: problem}.

    The length comes from the column (`String(300)` allows 300 characters);
    fields named in `multiline` may hold line breaks.
    """
    problems: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(value, str) or name not in model.__table__.c:
            continue
        column_type = model.__table__.c[name].type
        length = column_type.length if isinstance(column_type, String) else None
        problem = text_problem(value, multiline=name in multiline, max_length=length)
        if problem:
            problems[name] = problem
    return problems
