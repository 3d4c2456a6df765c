"""The audit log cannot be changed or removed: not by any code of the application, not by SQL on its connection.

A site's log goes only with the site itself (`core.backups.archive_sites.delete_site`, the guard lifted for
that one statement: tests/backups/test_archive_delete.py); the platform's log, which records that deletion, is
never removed. Everything else is refused here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.audit.log import record
from core.audit.models import AuditEntry, PlatformAuditEntry
from core.audit.triggers import APPEND_ONLY
from core.extensions import db
from tenants.scoping import activate_tenant

ROOT = Path(__file__).resolve().parents[2]
#: The one file allowed to lift the audit tables' guard (and why: see its docstring), and the files that define,
#: install or register it.
MAY_LIFT_THE_GUARD = {"core/backups/archive_sites.py", "core/audit/triggers.py", "core/audit/__init__.py",
                      "core/database.py", "core/evaluation/__init__.py", "core/evaluation/triggers.py"}
CHANGES = re.compile(r"\b(?:update|delete)\(\s*(?:Platform)?AuditEntry\b"
                     r"|\b(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(?:platform_)?audit_entries\b"
                     r"|\bsession\.delete\(\s*(?:entry|audit)", re.IGNORECASE)


def _sources():
    for folder in ("core", "jobs", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_code_of_the_application_changes_or_deletes_an_audit_entry():
    found = [(name, m.group(0)) for name, source in _sources() for m in CHANGES.finditer(source)]
    assert found == []


def test_only_the_deletion_of_a_site_lifts_the_guard():
    lifting = {name for name, source in _sources() if re.search(r"\bGUARDED_TABLES\b|\bdrop_sql\(", source)}
    assert lifting <= MAY_LIFT_THE_GUARD, lifting - MAY_LIFT_THE_GUARD


@pytest.fixture
def entries(app, create_site):
    """One entry in a site's log and one in the platform's."""
    site = create_site("rsj")
    with app.app_context():
        with activate_tenant(site.id):
            record("section.create", "topics", slug="topics")
        record("site.create", "rsj", platform=True)
        db.session.commit()
    return site


def _still_there():
    """Both entries, as written (read on the engine: no site's scope)."""
    with db.engine.connect() as conn:
        assert conn.execute(select(AuditEntry.action)).scalars().all() == ["section.create"]
        assert conn.execute(select(PlatformAuditEntry.action)).scalars().all() == ["site.create"]


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET action = 'forged'", "DELETE FROM {t}",
                                       "DELETE FROM {t} WHERE id = (SELECT max(id) FROM {t})"])
def test_sql_on_the_apps_own_connection_cannot_change_or_delete_an_entry(app, entries, table, statement):
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement.format(t=table)))
        _still_there()


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_on_postgresql_is_refused(app, entries, table):
    """Row triggers do not see a TRUNCATE: a statement trigger does (migration 0033). SQLite has no TRUNCATE."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite has no TRUNCATE")
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {table}"))
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {table} CASCADE"))
        _still_there()
