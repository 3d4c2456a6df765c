"""Row checksums: the same rows give the same figures on SQLite and PostgreSQL; any change in a row shows."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, text

from core.backups.checksums import canonical, reflect, row_line, table_checksums
from core.database import is_unmapped
from core.extensions import db
from tests.backups.conftest import is_postgres, own_app


def test_the_canonical_form_of_values():
    assert row_line((1, True, None, "廊坊", datetime(2026, 1, 2, 3, 4, 5), date(2026, 1, 2), b"\x00\xff")) == (
        '[1,true,null,"廊坊","2026-01-02 03:04:05.000000","2026-01-02",{"b":"00ff"}]\n').encode()
    assert canonical(False) is False and canonical(0) == 0  # a boolean is not the number 0


def test_a_changed_row_changes_its_table_and_its_site_only(app, two_sites):
    rsj, czj, articles = two_sites
    with app.app_context():
        with db.engine.connect() as connection:
            before = table_checksums(connection)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE articles SET title = 'changed' WHERE id = :id"),
                               {"id": articles["rsj"][0]})
        with db.engine.connect() as connection:
            after = table_checksums(connection)
        db.session.remove()
    changed = {t for t in before["tables"] if before["tables"][t] != after["tables"][t]}
    assert changed == {"articles"}
    assert before["sites"][str(rsj.id)]["articles"] != after["sites"][str(rsj.id)]["articles"]
    assert before["sites"][str(czj.id)] == after["sites"][str(czj.id)]


@pytest.mark.postgres
def test_the_same_rows_give_the_same_checksums_on_sqlite_and_postgresql(app, two_sites, tmp_path):
    """Every row of the PostgreSQL test database copied into a SQLite one: every table's figures are equal.

    Except the full-text index (core.search): each database keeps its own native one (a tsvector table on
    PostgreSQL, FTS5 on SQLite), so those tables are neither copied nor compared; the entries they index are."""
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    with app.app_context():
        with db.engine.connect() as source:
            postgres = table_checksums(source)
            rows = {table.name: [dict(row._mapping) for row in source.execute(table.select())]
                    for table in reflect(source)}
        db.session.remove()
    with own_app("sqlite", tmp_path) as (sqlite_app, url):
        engine = create_engine(url)
        with engine.begin() as target:
            target.exec_driver_sql("PRAGMA foreign_keys=OFF")
            tables = {t.name: t for t in reflect(target)}
            for name, found in rows.items():
                if is_unmapped(name):
                    continue
                if name in ("alembic_version", "registry_versions"):  # rows the migrations wrote
                    target.execute(tables[name].delete())
                if found:
                    target.execute(tables[name].insert(), found)
        with engine.connect() as copy:
            sqlite = table_checksums(copy)
        engine.dispose()
    def common(tables):
        return {name: figures for name, figures in tables.items() if not is_unmapped(name)}
    assert "search_vectors" in postgres["tables"] and "search_vectors" not in common(postgres["tables"])
    assert common(sqlite["tables"]) == common(postgres["tables"])
    assert postgres["tables"]["search_entries"]["rows"] > 0
    assert sqlite["sites"] == postgres["sites"] and len(postgres["sites"]) == 2
