"""How text becomes search terms, how a query becomes a match expression, and how hits are highlighted.

Chinese is written without spaces, and a search for 社保 must find 社保卡 and 城乡居民社保; 公积金 must find
住房公积金. The index therefore holds, for every run of Chinese (or Japanese, Korean) characters, its overlapping
two-character pieces (bigrams: 住房公积金 → 住房 房公 公积 积金) and the run's last character on its own; runs of
letters and digits are words, matched as words (``tax`` finds "tax" and not "taxi"). A query is cut the same way,
and a Chinese run of the query is a *phrase* of its bigrams (公积 followed by 积金), so it matches exactly the texts
that hold it as a substring; a single Chinese character matches any piece that starts with it. This is the scheme
of Lucene's CJK analyzer and the one search engines have used for Chinese since the 1990s: it needs no dictionary
(a segmenter such as jieba would miss names and new words, and cuts 社保 differently in different sentences), and it
is the same on SQLite (FTS5) and PostgreSQL (tsvector): `core.search.backend` stores what `index_terms` gives.

Before any cutting, text is brought to one form (Unicode NFKC, then case-folded): full-width ＡＢＣ１２３ is abc123,
a ligature its letters. The highlighter works on the original text, mapping each normalised character back, so
what is marked is exactly what the reader typed, in the text's own spelling, and everything else is escaped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Scripts written without spaces: CJK ideographs (with extensions and compatibility forms), kana, Hangul.
_CJK = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
        "\U00020000-\U0002ebef\U00030000-\U0003134f")
_RUN = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
#: A query longer than this is cut: nobody types more, and each part becomes a phrase to match.
MAX_QUERY_CHARS = 60
#: At most this many parts of a query count (the rest are ignored rather than building an unbounded match).
MAX_QUERY_PARTS = 8


def normalise(text: str) -> str:
    """`text` in the one form the index and the queries use: NFKC (full-width to half-width), case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _runs(normalised: str) -> list[tuple[bool, str]]:
    """(is Chinese, run) for each run of characters that is searchable, in order."""
    return [(bool(m.group(1)), m.group(0)) for m in _RUN.finditer(normalised)]


def index_terms(text: str) -> list[str]:
    """The terms stored for `text`, in order: words, and each Chinese run's bigrams then its last character.

    Positions matter (a query's bigrams must be adjacent): the list's order is the terms' positions.
    """
    terms: list[str] = []
    for chinese, run in _runs(normalise(text)):
        if chinese:
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
            terms.append(run[-1])
        else:
            terms.append(run)
    return terms


@dataclass(frozen=True)
class Part:
    """One thing a hit must contain: a word, or a Chinese string matched as a substring (its bigram phrase)."""

    text: str
    chinese: bool

    @property
    def terms(self) -> list[str]:
        """The index terms the part is made of: one word; a Chinese string's bigrams; a single character."""
        if not self.chinese or len(self.text) == 1:
            return [self.text]
        return [self.text[i:i + 2] for i in range(len(self.text) - 1)]

    @property
    def prefix(self) -> bool:
        """A single Chinese character matches any term starting with it (in the middle of a run it only begins a
        bigram)."""
        return self.chinese and len(self.text) == 1


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match; a group matches when any of its alternatives does (a part as typed,
    or its synonyms). `words` is what the highlighter marks."""

    groups: tuple[tuple[tuple[Part, ...], ...], ...]
    text: str

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def needles(self) -> list[str]:
        """Every normalised string the highlighter marks, longest first (so 社会保险 is marked whole, not as 社会)."""
        found = {part.text for group in self.groups for alternative in group for part in alternative}
        return sorted(found, key=lambda s: (-len(s), s))


def _parts(normalised: str) -> tuple[Part, ...]:
    return tuple(Part(run, chinese) for chinese, run in _runs(normalised))


def parse(raw: str, synonyms: dict[str, list[str]] | None = None) -> Query:
    """The query as typed (any length: the first MAX_QUERY_CHARS characters count) to what the index is asked.

    Spaces separate groups that must all match. Within a group, a synonym (the bureau's list: {term: [other terms]},
    normalised) offers alternatives: 社保政策 with 社保 ↔ 社会保险 matches 社保政策 or 社会保险政策.
    Returns an empty Query when nothing searchable is left (only punctuation, say).
    """
    text = (raw or "").strip()[:MAX_QUERY_CHARS]
    groups = []
    for chunk in normalise(text).split():
        parts = _parts(chunk)
        if not parts:
            continue
        alternatives = [parts]
        joined = "".join(p.text if p.chinese else f" {p.text} " for p in parts).strip()
        for term, others in (synonyms or {}).items():
            if term and term in joined:
                for other in others:
                    variant = _parts(joined.replace(term, other))
                    if variant and variant not in alternatives:
                        alternatives.append(variant)
        groups.append(tuple(alternatives[:6]))
        if len(groups) >= MAX_QUERY_PARTS:
            break
    return Query(tuple(groups), text)


# --- highlighting ---------------------------------------------------------------------------------------------

def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """`text` normalised character by character, and for each character of the result the index of its source."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for piece in normalise(char):
            out.append(piece)
            where.append(index)
    return "".join(out), where


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """The (start, end) spans of `text` (original indices) where a needle occurs, merged, in order."""
    if not text or not needles:
        return []
    normalised, where = _normalised_with_map(text)
    found = []
    for needle in needles:
        if _RUN.fullmatch(needle) and not re.match(rf"[{_CJK}]", needle):
            pattern = re.compile(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])")  # a word: whole words only
        else:
            pattern = re.compile(re.escape(needle))
        for m in pattern.finditer(normalised):
            found.append((where[m.start()], where[m.end() - 1] + 1))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: Query) -> Markup:
    """`text` escaped, with what the query matched wrapped in <mark>: safe whatever the text or the query hold."""
    text = text or ""
    out, last = [], 0
    for start, end in _spans(text, query.needles):
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, query: Query, width: int = 120) -> Markup:
    """About `width` characters of `text` around its first match (its start when none), highlighted; an ellipsis
    where text was left out."""
    text = " ".join((text or "").split())
    spans = _spans(text, query.needles)
    start = 0
    if spans:
        start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = highlight(text[start:end], query)
    return (Markup("…") if start > 0 else Markup("")) + piece + (Markup("…") if end < len(text) else Markup(""))
