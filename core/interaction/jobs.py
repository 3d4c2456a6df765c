"""The early warning on letters: each working day, every site's letters past the early-warning line are recorded.

The lines (two months for the warning, three for the national inspection's veto, unless the bureau set others with
the evaluation's thresholds) are core.interaction.lines'; each record and each run's summary says which applied.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.interaction.letters import record_early_warning
from core.workdays.queries import is_working_day
from jobs import cron, for_each_site, scheduled


@scheduled(id="interaction.warn_unanswered", trigger=cron("0 9 * * *"),
           title=_l("Warn of letters left unanswered too long"),
           description=_l("On each working day of the holiday calendar (make-up working days included), records in "
                          "each site's audit log how many of its letters have waited past the early-warning line "
                          "without an answer (two months unless the bureau set another with the evaluation's "
                          "thresholds), and how many past the veto line (three months: the national inspection "
                          "vetoes a site with one). The site's admin home, its queue and the console's home show "
                          "the same warning."),
           summary=_l("letters unanswered for %(warning_months)s months or more: %(warned)s; for more than "
                      "%(veto_months)s months: %(veto)s"))
def warn_unanswered(now):
    """Each site's early warning, recorded on working days only (a holiday's run does nothing); the summary names the
    sites with letters in trouble. Recording again on a repeated run adds an entry with the same counts, no more."""
    today = now.date()
    if not is_working_day(today):
        return None
    return for_each_site(lambda site: record_early_warning(today))
