"""The daily job of disclosure on application: applications not clarified in time are closed as withdrawn."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.disclosure.applications import close_unclarified
from jobs import cron, for_each_site, scheduled


@scheduled(id="disclosure.close_unclarified", trigger=cron("30 0 * * *"),
           title=_l("Close applications for disclosure not clarified in time"),
           description=_l("Each night, closes every site's applications for disclosure whose applicant was asked to "
                          "clarify and did not by the day given: the regulation deems them withdrawn (Art. 30). "
                          "Each closing is recorded in the site's audit log and the applicant reads it when "
                          "checking the application."),
           summary=_l("applications closed for want of a clarification: %(closed)s"))
def close_unclarified_applications(now):
    """Every site's applications past their day to clarify, closed (idempotent: a closed one is not touched again)."""
    today = now.date()
    return for_each_site(lambda site: {"closed": close_unclarified(today)})
