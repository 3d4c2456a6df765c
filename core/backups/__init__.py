"""Backups you can restore: the nightly full backup with its manifest, verify and restore, and per-site archives.

Full backups: a consistent copy of the database (SQLite's online backup API,
or pg_dump -Fc) and the uploaded files, in one folder per backup with a
manifest of row counts and checksums (layout.py, engines.py, uploads.py,
manifest.py, checksums.py); retention (retention.py); a copy to a second
location; verify and restore (runner.py). The record of each backup and its
changes are models.py and operations.py; the reads other modules use (the
security checks' "backups older than two days": `queries.newest_good_backup`,
`queries.backup_age`) are queries.py. `flask backup …` (cli.py), the console's
backup page (views.py), the jobs (jobs.py), the alerts (alerts.py).

A whole site's export, import and deletion: archive.py, archive_import.py,
archive_sites.py, with their command (cli_sites.py) and console pages (views_sites.py).
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.backups import audit_labels, checks, cli, jobs, views  # noqa: F401  (jobs, checks: declarations)

    audit_labels.register()
    cli.init_app(app)
    views.init_app(app)
    from core.backups import audit_labels_sites, cli_sites, views_sites

    audit_labels_sites.register()
    cli_sites.init_app(app)
    views_sites.init_app(app)
