"""What the rules read of one site, gathered through the owning modules' queries: a fixed number per site.

`SiteFacts` holds the active site's figures as of one moment. Each property is read once, when a rule first asks
for it, by one (or a few) bulk queries of the module that owns the rows (core.content, core.sections,
core.disclosure, core.services, core.interaction, core.duties): never a query per item or per section, so the
statements per site stay the same however much a site holds and however many sites the city has
(bench/evaluation.py measures it).

The moment matters: a snapshot of a past month is computed as of then. Published content, the homepage and the
letters are read as they stood at that moment; the service catalogue, the duties, the mailboxes and the footer
are read as they are now (the platform keeps no history of them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from core.content.queries import newest_items, policy_rows, publication_dates, section_activity
from core.content.queries import backdated_items
from core.disclosure.queries import disclosure_categories
from core.disclosure.queries_catalogue import coverage, policies_lacking_interpretation
from core.duties.queries import assigned_duties
from core.evaluation.settings import letter_lines_of
from core.extensions import db
from core.security.queries import evaluation_figures
from core.interaction.queries_consultations import closed_consultations
from core.interaction.queries_letters import mailboxes, months_before, platform_reply_days, reply_publication
from core.interaction.stats import late_letters, letter_figures, overdue_letters
from core.sections.models import Section
from core.sections.queries import descendants, site_sections
from core.services.queries_guide import catalogue_items
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

#: Section kinds whose content is items: these can be empty. (The interaction section offers the mailboxes, the
#: service sections the catalogue: the interaction and services rules read those.)
ITEM_KINDS = ("article_list", "policy_list")
#: Section kinds that hold dated items (articles): these can be overdue or long stale.
DATED_KINDS = ("article_list", "policy_list")


@dataclass(frozen=True)
class SectionState:
    """One section of the site as the section rules see it, as of the facts' moment."""

    section: Section
    #: Items the public saw in the section and everything under it.
    items: int
    #: The newest of them, or None.
    newest: datetime | None


@dataclass(frozen=True)
class SecurityCounts:
    """What the security checks (core.security) found on the active site: the evaluation's two security rules.

    `checked_at` None: the checks have not run on this site yet (the rules are then not applied).
    """

    broken_links: int
    missing_attachments: int
    open_findings: int
    checked_at: datetime | None = None


def security_counts(moment: datetime) -> SecurityCounts | None:
    """The active site's security figures from the daily checks (core.security), or None when they never ran.

    The findings are those reported now (new or still open): a snapshot of a past month reads today's, as the
    checks keep no history of counts. `moment` is kept for that reason in the signature, unused.
    """
    figures = evaluation_figures()
    if figures.checked_at is None:
        return None
    return SecurityCounts(broken_links=figures.broken_links, missing_attachments=figures.missing_attachments,
                          open_findings=figures.reported, checked_at=figures.checked_at)


class SiteFacts:
    """The active site's figures as of `moment`, each read once, when first asked for."""

    def __init__(self, moment: datetime, settings: dict[str, int]):
        self.moment = moment
        self.today: date = moment.date()
        self.settings = settings

    # --- the site and its sections ---------------------------------------------------------------------

    @cached_property
    def site(self) -> Tenant:
        return db.session.get(Tenant, current_tenant_id())

    @cached_property
    def sections(self) -> list[Section]:
        return site_sections()

    @cached_property
    def _activity(self) -> dict[int, tuple[int, datetime]]:
        return section_activity(self.moment)

    @cached_property
    def section_states(self) -> list[SectionState]:
        """Every section with what it and its sub-sections showed the public at the moment."""
        states = []
        for section in self.sections:
            branch = [section.id] + sorted(descendants(section.id, self.sections))
            count, newest = 0, None
            for section_id in branch:
                found = self._activity.get(section_id)
                if found is not None:
                    count += found[0]
                    newest = found[1] if newest is None or found[1] > newest else newest
            states.append(SectionState(section, count, newest))
        return states

    def branch_ids(self, mandatory_key: str) -> list[int]:
        """The set's section `mandatory_key` and every section under it: [] when the site has none."""
        top = next((s for s in self.sections if s.mandatory_key == mandatory_key), None)
        return [] if top is None else [top.id] + sorted(descendants(top.id, self.sections))

    @cached_property
    def homepage_section_ids(self) -> list[int]:
        """The sections whose newest items the homepage shows (a homepage priority), with their sub-sections."""
        found: set[int] = set()
        for s in self.sections:
            if s.homepage_priority is not None and s.kind not in ("single_page", "external_link"):
                found |= {s.id} | descendants(s.id, self.sections)
        return sorted(found)

    @cached_property
    def homepage_newest(self):
        """The newest item the homepage showed at the moment (an Article), or None."""
        found = newest_items(self.homepage_section_ids, self.moment)
        return found[0] if found else None

    # --- content ---------------------------------------------------------------------------------------

    def month_start(self, back: int) -> datetime:
        """The first moment of the calendar month `back` months before the moment's."""
        first = months_before(self.today.replace(day=1), back)
        return datetime.combine(first, time.min)

    @cached_property
    def news_dates(self) -> list[datetime]:
        """Publication moments of the work news (the set's news section and below) over the counted months."""
        start = self.month_start(self.settings["news_months"])
        return publication_dates(self.branch_ids("news"), start, self.moment)

    @cached_property
    def backdated(self) -> list[tuple[int, str, datetime, datetime]]:
        """Items dated earlier than written beyond the margin (`backdate_margin_days`), with no reason:
        [(id, title, published, written)]."""
        margin = timedelta(days=self.settings["backdate_margin_days"])
        return [row for row in backdated_items(self.moment) if row[2] < row[3] - margin]

    @cached_property
    def policies(self) -> list[tuple[int, str, str | None, str, str]]:
        ids = [s.id for s in self.sections if s.kind == "policy_list"]
        return policy_rows(ids, self.moment)

    @cached_property
    def uninterpreted(self) -> list:
        """The published municipal policies with no published interpretation (now)."""
        return policies_lacking_interpretation()

    @cached_property
    def disclosure(self) -> list:
        """Every category of the platform's list with what the site has published in it (now)."""
        return coverage(disclosure_categories())

    # --- services ------------------------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> list:
        """The site's service items (not removed) with what each guide lacks (core.services ItemState)."""
        return catalogue_items()

    # --- interaction -----------------------------------------------------------------------------------

    @cached_property
    def consultation_mailbox(self):
        return next((m for m in mailboxes() if m.kind == "consultation"), None)

    @cached_property
    def late_letters(self) -> list:
        """The letters past the early-warning or the veto line, by the lines of these settings."""
        return late_letters(self.today, letter_lines_of(self.settings))

    @cached_property
    def letters(self):
        """The letters' tally over the counted months (answered, on time, reply days)."""
        return letter_figures(self.today, self.settings["letters_months"])

    @cached_property
    def overdue_letters(self) -> int:
        """Letters the office has, past their due date and still unanswered (late, for the on-time share)."""
        return overdue_letters(self.today)

    @cached_property
    def reply_limit(self) -> int:
        return platform_reply_days()

    @cached_property
    def publication(self) -> tuple[int, int]:
        since = datetime.combine(months_before(self.today, self.settings["letters_months"]), time.min)
        return reply_publication(since, self.moment)

    @cached_property
    def consultations(self) -> list[tuple[int, str, date, bool]]:
        return closed_consultations(months_before(self.today, self.settings["letters_months"]), self.today)

    # --- management ------------------------------------------------------------------------------------

    @cached_property
    def duties(self) -> set[str]:
        return assigned_duties()

    @cached_property
    def security(self) -> SecurityCounts | None:
        return security_counts(self.moment)
