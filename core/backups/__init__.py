"""Backups you can restore: the nightly full backup with its manifest, verify and restore, and per-site archives.

`flask backup …` (cli.py) and the console's backup page (views.py). The
nightly and weekly jobs are in jobs.py. A whole site's export, import and
deletion: archive.py, archive_import.py, archive_sites.py (cli_sites.py, views_sites.py).
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.backups import cli

    cli.init_app(app)
    from core.backups import audit_labels_sites, cli_sites, views_sites

    audit_labels_sites.register()
    cli_sites.init_app(app)
    views_sites.init_app(app)
