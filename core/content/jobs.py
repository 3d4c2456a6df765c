"""Keeping each site's upload folder true to its content: files nothing refers to any more are deleted."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.content.operations import sweep_files
from jobs import cron, for_each_site, scheduled


@scheduled(id="content.sweep_files", trigger=cron("30 3 * * *"), title=_l("Delete files nothing refers to"),
           description=_l("Deletes, site by site, the uploaded files that no item and no revision refers to any "
                          "more, once they are six hours old (an upload still being saved is never touched)."),
           summary=_l("%(deleted)s files deleted"))
def sweep_unreferenced_files(now):
    """Delete, site by site, attachment files no attachment and no revision names, once past the grace period."""
    return for_each_site(lambda site: {"deleted": len(sweep_files(now))}, include_suspended=True)
