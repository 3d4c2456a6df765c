"""What the platform counts for a site's yearly website report, read through the owning modules' queries.

Every figure is of calendar year Y (1 January to 31 December, city time), except the lines the platform holds no
history of (the service catalogue, the duties, the mailboxes, the footer's facts), which are read as they are
when the report is generated: the report is prepared in January, so that is how they stood at the year's end.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from core.content.queries import published_between
from core.disclosure.queries_catalogue import interpretations_of_year
from core.duties.queries import assigned_duties
from core.evaluation.visits_queries import visits_of_year
from core.extensions import db
from core.interaction.models_consultations import COUNTED_DECISIONS
from core.interaction.queries_consultations import closed_consultations, opinion_counts
from core.interaction.queries_letters import mailboxes, reply_publication
from core.interaction.stats import letter_figures
from core.security.queries import year_figures
from core.sections.queries import descendants, site_sections
from core.services.queries_guide import catalogue_items
from core.services.stats import site_report as services_report
from tenants.models import Tenant
from tenants.scoping import current_tenant_id
from themes import site_url

#: Section kinds that hold items: a site's own top-level column of these is a special column (专栏专题).
TOPIC_KINDS = ("article_list", "policy_list")


def _branch(sections, mandatory_key: str) -> list[int]:
    top = next((s for s in sections if s.mandatory_key == mandatory_key), None)
    return [] if top is None else [top.id] + sorted(descendants(top.id, sections))


def compute_figures(year: int) -> dict:
    """The active site's computed lines (`yearly_layout.COMPUTED_KEYS`) for calendar `year`: {key: value}.

    Counts are ints; yes/no lines are bools; the site's kind is its key (`yearly_layout.SITE_KINDS` names it); the
    average reply time is in working days (one decimal, None when no letter was answered). Items and
    interpretations count when they went up for the public in the year, whatever became of them after (the
    template counts what was published); for this year, up to now. Unique visitors are the days' unique
    visitors added up: the platform recognises no visitor from one day to the next (it keeps no cookie and no
    address), so this is the sum the template's daily-counted figure gives.
    """
    site = db.session.get(Tenant, current_tenant_id())
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    sections = site_sections()
    visits = visits_of_year(year)
    interpretations = interpretations_of_year(year)
    published_items = [state for state in catalogue_items() if state.published_level is not None]
    applications = services_report(12, date(year, 12, 31)).total
    letters = letter_figures(date(year, 12, 31), 12)
    consultations = closed_consultations(date(year, 1, 1), date(year + 1, 1, 1))
    opinions = opinion_counts([cid for cid, _title, _closed, _summary in consultations])
    security = year_figures(year, site_since=site.created_at, slug=site.slug)
    average = letters.average_days
    return {
        "site_name": site.name_zh,
        "home_url": site_url(site) if site.primary_domain else "",
        "sponsor": site.sponsor_zh or site.name_zh,
        "site_kind": site.kind,
        "site_code": site.site_code,
        "icp_record": site.icp_record,
        "psb_record": site.psb_record,
        "unique_visitors": visits.unique_visitors,
        "page_views": visits.page_views,
        "items_total": published_between(start, end),
        "overview_items": published_between(start, end, section_ids=_branch(sections, "about")),
        "news_items": published_between(start, end, section_ids=_branch(sections, "news")),
        "catalogue_items": published_between(start, end, filed=True),
        "topics_maintained": sum(1 for s in sections if s.parent_id is None and s.mandatory_key is None
                                 and s.kind in TOPIC_KINDS),
        "interpretations_total": sum(interpretations.values()),
        "interpretation_texts": interpretations.get("text", 0),
        "interpretation_products": interpretations.get("graphic", 0) + interpretations.get("video", 0),
        "catalogue_published": bool(published_items),
        "service_items": len(published_items),
        "online_items": sum(1 for state in published_items if state.published_level == "online"),
        "applications_total": applications.submitted,
        # Letters reach the site through the city's one platform whenever it offers a mailbox at all.
        "unified_platform": any(m.enabled for m in mailboxes()),
        "letters_received": letters.received,
        "letters_answered": letters.answered,
        "letters_average_days": None if average is None else round(average, 1),
        "letters_published": reply_publication(start, end - timedelta(microseconds=1))[1],
        "consultations": len(consultations),
        # As the site's public page counts them: opinions set aside (spam, off the subject) are not counted.
        "opinions": sum(sum(n for decision, n in by_decision.items() if decision is None or decision in
                            COUNTED_DECISIONS) for by_decision in opinions.values()),
        "consultation_results": sum(1 for *_rest, summary in consultations if summary),
        "security_checks": security.checks,
        "findings_found": security.found,
        "findings_fixed": security.fixed,
        "monitoring": security.checks > 0,
        "security_officer": "security" in assigned_duties(),
    }
