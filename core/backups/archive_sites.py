"""What the bureau does to a whole site: take it out as one archive, and delete it.

Both are platform acts, recorded on the platform's log: an export hands a
site's whole record to whoever holds the file (its personal data to whoever
also knows the passphrase), a deletion ends a site. The import is
`core.backups.archive_import.import_site`.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, text

from core.audit.log import record
from core.backups.archive import ExportResult, remove_after_commit, rows_where, site_files, site_plan, write_archive
from core.backups.archive_crypt import passphrase_problem
from core.database import GUARDED_TABLES
from core.extensions import db
from core.operations import OperationError, audited
from tenants.models import Tenant
from tenants.provisioning import upload_folder
from tenants.scoping import crosses_tenants


class SiteDeletionRefused(OperationError):
    """The deletion was not confirmed; nothing was deleted."""


class ExportRefused(OperationError):
    """The export was not made (a passphrase too short, or none); nothing was written."""


@audited
def export_site(tenant: Tenant, destination: Path, *, passphrase: str) -> ExportResult:
    """Write the site's archive (`core.backups.archive`) to `destination` and record who took it.

    The rule: the site's personal data is sealed with a key made from `passphrase`, which must be at least
    `archive_crypt.MIN_PASSPHRASE` characters long; without it, nobody can import the archive. The file is
    readable by its owner only (0600).

    :raises ExportRefused: under "passphrase", when there is none or it is too short (nothing is written).
    :raises OSError: the destination cannot be written (nothing is left behind).
    """
    problem = passphrase_problem(passphrase)
    if problem:
        raise ExportRefused({"passphrase": problem})
    result = write_archive(tenant, destination, passphrase)
    record("site.export", tenant.slug, archive_rows=result.total_rows, archive_files=result.files,
           archive_accounts=result.users)
    return result


@audited
@crosses_tenants("deleting a site removes its rows from every table by its id, with no site active")
def delete_site(tenant: Tenant, *, confirm_slug: str) -> dict[str, int]:
    """Delete a site: its rows in every table of the archive's plan, its record and domains, its sign-in
    sessions, and (once the transaction commits) its upload folder. Returns the rows removed per table.

    The rule: only when `confirm_slug` is the site's short name, typed again. Accounts stay (a person may
    work for other sites); their roles on this site go. The site's own audit log goes with it (the audit
    tables refuse deletions: their guard is lifted for this one statement, inside the transaction, and put
    back before it ends; on PostgreSQL that holds a lock on the audit table until the commit). Another
    site's letter forwarded to or from this one loses the site it names (the database sets it to none) and
    keeps the letter's id beside it: the other site's page says the site was deleted, and the site's archive,
    imported again, links the two letters again (`archive_import`).

    :raises SiteDeletionRefused: under "confirm_slug" when the short name typed is not the site's.
    """
    if (confirm_slug or "").strip().lower() != tenant.slug:
        raise SiteDeletionRefused({"confirm_slug": _l(
            "Type the site's short name, %(slug)s, exactly as it is written to confirm: nothing was deleted.",
            slug=tenant.slug)})
    plan = site_plan()
    dialect = db.session.get_bind().dialect.name
    tenant_id, slug = tenant.id, tenant.slug
    files = len(site_files(tenant_id))
    removed: dict[str, int] = {}
    for name in reversed(list(plan.tables)):  # children before their parents
        table = plan.tables[name].table
        guard = GUARDED_TABLES.get(name)  # the audit log's append-only triggers, the snapshots' immutability
        if guard:
            for statement in guard[1](name, dialect):
                db.session.execute(text(statement))
        condition = rows_where(plan, name, tenant_id)
        # Counted first: a row deleted by its parent's cascade (a section's child) is not in a DELETE's count.
        removed[name] = db.session.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
        db.session.execute(delete(table).where(condition))
        if guard:
            for statement in guard[0](name, dialect):
                db.session.execute(text(statement))
    domains = [d.hostname for d in tenant.domains]
    name_zh = tenant.name_zh
    db.session.delete(tenant)  # its domains with it; its sessions by the database's cascade
    db.session.flush()
    remove_after_commit(upload_folder(tenant_id))
    record("site.delete", slug, name_zh=name_zh, domains=domains, archive_rows=sum(removed.values()),
           archive_files=files)
    return removed
