"""Keeping each site's upload folder true to its content: files nothing refers to any more are deleted."""
from __future__ import annotations

from core.content.operations import sweep_files
from jobs import cron, for_each_site, scheduled


@scheduled(id="content.sweep_files", trigger=cron("30 3 * * *"))
def sweep_unreferenced_files(now):
    """Delete, site by site, attachment files no attachment and no revision names, once past the grace period."""
    return for_each_site(lambda site: f"{len(sweep_files(now))} files deleted", include_suspended=True)
