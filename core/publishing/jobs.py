"""Scheduled publishing: items go out at their time and come down at their expiry."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.publishing.operations import run_due
from jobs import every, for_each_site, scheduled


@scheduled(id="publishing.publish_due", trigger=every(minutes=1), title=_l("Publish scheduled items"),
           description=_l("Publishes every site's scheduled items whose time has come, and takes down the items "
                          "whose expiry has passed. A scheduled item of the disclosure column that is not "
                          "filed goes back to approved instead."),
           summary=_l("%(published)s published, %(expired)s taken down at their expiry"))
def publish_due(now):
    """Publish every site's scheduled items that are due and withdraw expired ones (idempotent)."""
    return for_each_site(lambda site: run_due(now), include_suspended=True)
