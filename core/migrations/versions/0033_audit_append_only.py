"""the audit log refuses TRUNCATE on PostgreSQL too (its rows' UPDATE and DELETE were refused since 0003)

Row triggers do not fire on TRUNCATE, so until now `TRUNCATE audit_entries`
sent on the app's connection emptied a site's log. SQLite has no TRUNCATE (a
DELETE without WHERE fires the row triggers, which refuse it): nothing to add.

The paths that remove audit entries, decided one by one:
- deleting a site (`core.backups.archive_sites.delete_site`, the bureau's act,
  typed confirmation) takes the site's own log with it: the guard is lifted for
  that one statement in its transaction and put back before the commit; the
  platform's log records the deletion and is never deleted;
- importing a site's archive only inserts (a new site, a new log);
- no retention job deletes audit entries (the backups' retention deletes
  backup files, not rows); the test suite empties the tables with the guards
  lifted (tests/fixtures/database.py).

Revision ID: 0033
Revises: 0032

"""
from alembic import op

from core.audit.triggers import APPEND_ONLY, truncate_sql

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY:
        for statement in truncate_sql(table):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
