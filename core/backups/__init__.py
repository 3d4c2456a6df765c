"""Backups you can restore: the nightly full backup with its manifest, verify and restore, and per-site archives.

`flask backup …` (cli.py) and the console's backup page (views.py). The
nightly and weekly jobs are in jobs.py.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.backups import cli

    cli.init_app(app)
