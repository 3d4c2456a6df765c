"""The full-text index beside `search_entries`, one way per database, asked the same way.

Both databases store the terms of `core.search.terms.index_terms` (Chinese bigrams and words) and answer the same
match expressions, so a query finds the same entries on either; only ranking differs in its figures.

- **SQLite**: a contentless FTS5 table ``search_index(title, body)`` whose rowid is the entry's id. Triggers on
  ``search_entries`` keep it in step (an insert adds the entry's terms, a delete, a site's cascade included, takes
  them out), computing the terms with the SQL function ``search_terms(text)`` that every connection of the app
  registers (`register_sqlite_function`). Ranked with FTS5's BM25, the title weighing `TITLE_WEIGHT` times
  the body. The table holds only the index, not the terms' text: nothing is stored twice.
- **PostgreSQL**: ``search_vectors(entry_id, vector tsvector)`` with a GIN index, written here from the same terms
  (title at weight A, body at D) as a tsvector literal, so no text-search parser or locale decides what a Chinese
  term is. A delete of the entry cascades. Ranked with ``ts_rank_cd``.

PostgreSQL keeps a term's positions only up to 16,383, so phrases are matched within an entry's first
`MAX_TERMS` terms on both databases (a text longer than about 16,000 characters is searched in its beginning).

When `core.search.terms` changes how text is cut, the stored terms no longer match: `flask search reindex`
rebuilds every entry (`core.search.indexing.reindex_all`).
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import (Column, Integer, MetaData, Table, TypeDecorator, cast, event, func, insert, literal_column,
                        select)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Engine

from core.database import register_unmapped
from core.search.terms import Part, Query, index_terms

#: Terms of one entry the index holds (PostgreSQL's position limit is 16,383).
MAX_TERMS = 16000
#: How much more a match in the title counts than one in the text.
TITLE_WEIGHT = 5.0

register_unmapped("search_index", "search_vectors")


class _VectorLiteral(TypeDecorator):
    """A tsvector written as its literal text (`vector_literal`) and cast by the database."""

    impl = TSVECTOR
    cache_ok = True

    def bind_expression(self, bindvalue):
        return cast(bindvalue, TSVECTOR)


_side = MetaData()
#: SQLite's FTS5 table, as far as queries need it (created by the migration, never by the ORM).
fts = Table("search_index", _side, Column("rowid", Integer, primary_key=True))
#: PostgreSQL's vectors.
vectors = Table("search_vectors", _side, Column("entry_id", Integer, primary_key=True),
                Column("vector", _VectorLiteral))


def terms_text(text: str | None) -> str:
    """The terms of `text` as FTS5 reads them: space-separated, at most MAX_TERMS."""
    return " ".join(index_terms(text or "")[:MAX_TERMS])


@event.listens_for(Engine, "connect")
def register_sqlite_function(dbapi_connection, _record) -> None:
    """Give every SQLite connection `search_terms(text)`, which the index's triggers call."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("search_terms", 1, terms_text, deterministic=True)


def dialect(session) -> str:
    return session.get_bind().dialect.name


# --- writing (PostgreSQL only: SQLite's triggers do it) ------------------------------------------------------

def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def vector_literal(title: str, text: str) -> str:
    """A tsvector literal of the entry's terms with their positions: the title's at weight A, the text's at D
    (after a gap, so that no phrase runs from the title into the text)."""
    positions: dict[str, list[str]] = {}
    title_terms = index_terms(title)[:MAX_TERMS]
    for at, term in enumerate(title_terms, start=1):
        positions.setdefault(term, []).append(f"{at}A")
    start = len(title_terms) + 2
    for at, term in enumerate(index_terms(text)[:max(0, MAX_TERMS - start)], start=start):
        positions.setdefault(term, []).append(f"{min(at, 16383)}")
    # At most 256 positions of one term are kept by PostgreSQL; more would only be dropped.
    return " ".join(f"{_lexeme(term)}:{','.join(where[:256])}" for term, where in positions.items())


def write_vectors(connection, rows: list[tuple[int, str, str]]) -> None:
    """Store the vectors of entries just inserted: [(entry id, title, text)]."""
    if rows:
        connection.execute(insert(vectors), [{"entry_id": entry_id, "vector": vector_literal(title, text)}
                                             for entry_id, title, text in rows])


# --- asking ------------------------------------------------------------------------------------------------

def _fts5_part(part: Part) -> str:
    phrase = '"' + " ".join(t.replace('"', '""') for t in part.terms) + '"'
    return phrase + "*" if part.prefix else phrase


def _tsquery_part(part: Part) -> str:
    if part.prefix:
        return _lexeme(part.text) + ":*"
    return " <-> ".join(_lexeme(t) for t in part.terms)


def expression(query: Query, name: str) -> str:
    """The match expression of `query` in the database's syntax: FTS5's for SQLite, a tsquery for PostgreSQL.
    Every group must match (AND); within a group any alternative (OR); within an alternative every part."""
    if name == "postgresql":
        part, both, either = _tsquery_part, " & ", " | "
    else:
        part, both, either = _fts5_part, " AND ", " OR "
    groups = ["(" + either.join("(" + both.join(part(p) for p in alternative) + ")" for alternative in group) + ")"
              for group in query.groups]
    return both.join(groups)


def newest_matches(statement, entry_id_column, published_column, query: Query, name: str, limit: int):
    """`statement` (a select over search entries, with its filters) narrowed to the entries matching `query`,
    the `limit` most recently published of them (`published_column`, then the newest id), each row with its score
    (higher is better) as its last column, in no particular order.

    Ranking costs in proportion to `limit`, not to how many match: the matches are found and sorted by date
    first, then scored — on SQLite BM25 for the rows kept only (the outer query reads the full-text index once
    more, joined on `rowid + 0` so that it is not asked once per row), on PostgreSQL ts_rank_cd (which reads each
    one's whole vector) for those only. Both sorts go by an expression no index has: by the columns themselves
    the planners walked an index from the newest, testing each entry, which for a word few or no entries have
    means the whole table (0.7 s on 200,000 on PostgreSQL).
    """
    expr = expression(query, name)
    if name == "postgresql":
        tsquery = cast(expr, TSQUERY)
        # The matches first, by the GIN index, as a fence the planner cannot see through (MATERIALIZED): else it
        # may sort every visible entry by date and test each one's vector until it has `limit` (0.7 s).
        matches = (select(vectors.c.entry_id).where(vectors.c.vector.op("@@")(tsquery)).cte("matches")
                   .prefix_with("MATERIALIZED"))
        newest = (statement.join(matches, matches.c.entry_id == entry_id_column)
                  .order_by(published_column.op("+")(literal_column("interval '0 s'")).desc(),
                            (entry_id_column + 0).desc())
                  .limit(limit).subquery())
        ranked = vectors.alias("ranked_vectors")
        return (select(newest, func.ts_rank_cd(ranked.c.vector, tsquery))
                .join(ranked, ranked.c.entry_id == newest.c[entry_id_column.key]))
    index = literal_column("search_index")
    newest = (statement.join(fts, fts.c.rowid == entry_id_column).where(index.op("MATCH")(expr))
              .order_by(func.coalesce(published_column, published_column).desc(), (entry_id_column + 0).desc())
              .limit(limit).subquery())
    return (select(newest, -func.bm25(index, TITLE_WEIGHT, 1.0))
            .select_from(fts.join(newest, newest.c[entry_id_column.key] == fts.c.rowid + 0))
            .where(index.op("MATCH")(expr)))
