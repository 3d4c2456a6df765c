"""The bureau's changes to search: the synonym groups every site's search uses.

A group is two or more words that mean the same to the public (社保 社会保险 社会保障; 公积金 住房公积金): a
search for any finds the others (`core.search.terms.parse`). A word belongs to one group at most, so the list
stays readable and a query's alternatives stay few.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.extensions import db
from core.operations import OperationError, audited
from core.search.models import SynonymGroup
from core.search.terms import normalise, parse
from core.text import column_problems

#: Words of a group are separated by white space or by commas, Chinese or not, or 、.
_SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_WORDS = 10
MAX_WORD_CHARS = 20


class SynonymError(OperationError):
    """A synonym group that cannot be saved; problems by form field ("words")."""


def _words(raw: str, *, keep: SynonymGroup | None) -> list[str]:
    words: list[str] = []
    for word in _SEPARATORS.split(normalise(raw or "")):
        if word and word not in words:
            words.append(word)
    if len(words) < 2:
        raise SynonymError({"words": _l("Give at least two words that mean the same, separated by spaces or "
                                        "commas.")})
    if len(words) > MAX_WORDS:
        raise SynonymError({"words": _l("A group holds at most %(n)s words.", n=MAX_WORDS)})
    for word in words:
        if len(word) > MAX_WORD_CHARS:
            raise SynonymError({"words": _l("“%(word)s” is too long: a word has at most %(n)s characters.",
                                            word=word, n=MAX_WORD_CHARS)})
        if parse(word).empty:
            raise SynonymError({"words": _l("“%(word)s” has no letter, digit or Chinese character to search for.",
                                            word=word)})
    problems = column_problems(SynonymGroup, {"words": " ".join(words)})
    if problems:
        raise SynonymError(problems)
    others = db.session.execute(select(SynonymGroup).where(SynonymGroup.id != (keep.id if keep else -1))
                                ).scalars().all()
    for other in others:
        shared = [w for w in words if w in other.words.split()]
        if shared:
            raise SynonymError({"words": _l("“%(word)s” is already in the group “%(group)s”: change that group "
                                            "instead.", word=shared[0], group=other.words)})
    return words


@audited
def add_synonyms(raw: str) -> SynonymGroup:
    """Add a group from the words as typed; returns it.

    :raises SynonymError: fewer than two words, a word too long or with nothing searchable, a word already in
        another group.
    """
    words = _words(raw, keep=None)
    group = SynonymGroup(words=" ".join(words))
    db.session.add(group)
    db.session.flush()
    record("search.synonyms_add", str(group.id), words=group.words)
    return group


@audited
def update_synonyms(group: SynonymGroup, raw: str) -> bool:
    """Change a group's words; returns whether anything changed. Raises SynonymError as `add_synonyms`."""
    words = " ".join(_words(raw, keep=group))
    if words == group.words:
        return False
    before, group.words = group.words, words
    db.session.flush()
    record("search.synonyms_update", str(group.id), before=before, words=words)
    return True


@audited
def delete_synonyms(group: SynonymGroup) -> None:
    """Remove a group: its words are searched as typed again."""
    record("search.synonyms_delete", str(group.id), words=group.words)
    db.session.delete(group)
    db.session.flush()


@audited
def rebuild_index(progress=None) -> int:
    """Rebuild every site's search entries (`core.search.indexing.reindex_all`); returns how many were written.
    Recorded on the platform's log."""
    from core.search.indexing import reindex_all

    done = reindex_all(progress)
    total = sum(done.values())
    record("search.reindex", "", platform=True, entries=total, sites=len(done))
    return total
