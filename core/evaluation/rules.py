"""The evaluation's rules: each a small, named unit with its source, its settings and its evidence.

Veto items (单项否决) fail a site whatever its score; deductions (扣分) take points off 100. Both come from the
national inspection index for government websites (国办秘函〔2019〕19号, 《政府网站与政务新媒体检查指标》) or the
city's guideline on department websites; each rule says which (`source`). A rule reads a site's facts
(core.evaluation.facts.SiteFacts, gathered in bulk) and the settings (core.evaluation.settings), and returns a
`RuleResult`: its verdict, the points it takes off, an early warning where the rule has one, the figures it
measured, and its EVIDENCE: the sections, items, letters or settings behind the verdict, each with the admin page
that fixes it.

Results are plain data (`RuleResult.to_data`), so a snapshot keeps them as they were; the words are chosen when a
page shows them (core.evaluation.labels), in the reader's language.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from core.duties.models import DUTIES
from core.evaluation.facts import DATED_KINDS, ITEM_KINDS, SiteFacts
from core.interaction.queries_letters import months_before
from core.sites.footer import gaps as footer_gaps

#: Where a rule comes from.
SOURCES = ("national", "city")
#: How many pieces of evidence a result keeps (the rest are counted).
EVIDENCE_LIMIT = 50
#: The guide's parts beyond the ten key elements that the completeness deduction asks for.
FURTHER_GUIDE_FIELDS = ("fee_basis", "statutory_days", "promised_days")
#: Words of a fee standard that says the item is free: it needs no basis for fees then.
FREE_WORDS = ("不收费", "免费", "free")


@dataclass
class Evidence:
    """One thing behind a verdict: a section, an item, a letter, a missing fact; and where to fix it.

    `label` is the thing's own name (a section's or an item's title, as the site wrote it); `note` a key of
    core.evaluation.labels.NOTES with its `params` (dates as ISO strings); `endpoint` and `values` the admin page
    (on the site's host) that fixes it, or None.
    """

    label: str
    note: str
    params: dict = field(default_factory=dict)
    endpoint: str | None = None
    values: dict = field(default_factory=dict)

    def to_data(self) -> dict:
        return {"label": self.label, "note": self.note, "params": self.params, "endpoint": self.endpoint,
                "values": self.values}

    @classmethod
    def from_data(cls, data: dict) -> "Evidence":
        return cls(data.get("label", ""), data.get("note", ""), data.get("params") or {}, data.get("endpoint"),
                   data.get("values") or {})


#: A rule's verdict: passed; failed its veto line; lost points; not applied (what it reads is not available).
STATUSES = ("ok", "veto", "lost", "not_applied")


@dataclass
class RuleResult:
    key: str
    status: str
    #: Points taken off (deductions only), and the rule's weight.
    lost: float = 0.0
    weight: int = 0
    #: An early warning (a veto rule below its line).
    warning: bool = False
    #: What was measured, by name: the words for the verdict are chosen from these (core.evaluation.labels).
    measures: dict = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    #: Pieces of evidence beyond EVIDENCE_LIMIT, counted only.
    more: int = 0

    @property
    def vetoed(self) -> bool:
        return self.status == "veto"

    def to_data(self) -> dict:
        return {"key": self.key, "status": self.status, "lost": round(self.lost, 2), "weight": self.weight,
                "warning": self.warning, "measures": self.measures, "more": self.more,
                "evidence": [e.to_data() for e in self.evidence]}

    @classmethod
    def from_data(cls, data: dict) -> "RuleResult":
        return cls(data["key"], data["status"], data.get("lost", 0.0), data.get("weight", 0),
                   data.get("warning", False), data.get("measures") or {},
                   [Evidence.from_data(e) for e in data.get("evidence") or []], data.get("more", 0))


@dataclass(frozen=True)
class Rule:
    """A rule: its key, kind ("veto" or "deduction"), source, the settings it reads, and its check."""

    key: str
    kind: str
    source: str
    settings: tuple[str, ...]
    check: Callable[[SiteFacts, dict], RuleResult]
    #: The setting holding a deduction's weight.
    weight: str | None = None


def _kept(result: RuleResult, evidence: list[Evidence]) -> RuleResult:
    result.evidence = evidence[:EVIDENCE_LIMIT]
    result.more = max(len(evidence) - EVIDENCE_LIMIT, 0)
    return result


def _iso(moment) -> str | None:
    return None if moment is None else moment.date().isoformat() if isinstance(moment, datetime) else moment.isoformat()


def _days(facts: SiteFacts, moment: datetime | None) -> int | None:
    return None if moment is None else (facts.today - moment.date()).days


def _new_item(section_id: int | None = None) -> tuple[str, dict]:
    return "publishing.new", ({"section": section_id} if section_id else {})


# ------------------------------------------------------------------------------------------------------- vetoes


def homepage(facts: SiteFacts, s: dict) -> RuleResult:
    """Homepage not updated (首页不更新): nothing new on the homepage for `homepage_days` days (14) fails the site;
    an item without a publication date counts as nothing new. Early warning from `homepage_warning_days` (10).

    The homepage is every section with a place on it, and their sub-sections.
    """
    newest = facts.homepage_newest
    days = _days(facts, newest.public_at if newest else None)
    endpoint, values = _new_item(next((s_.id for s_ in facts.sections if s_.mandatory_key == "news"), None))
    if newest is None:
        evidence = [Evidence("", "homepage_nothing", {}, endpoint, values)]
    else:
        evidence = [Evidence(newest.title, "newest_item", {"when": _iso(newest.public_at), "days": days},
                             "publishing.edit", {"article_id": newest.id}),
                    Evidence("", "publish_news", {}, endpoint, values)]
    vetoed = days is None or days >= s["homepage_days"]
    return _kept(RuleResult("homepage", "veto" if vetoed else "ok",
                            warning=not vetoed and days >= s["homepage_warning_days"],
                            measures={"days": days, "limit": s["homepage_days"]}), evidence)


def _due(facts: SiteFacts, update_class: str, s: dict) -> date | None:
    """The day by which a section of this class must have had something new, or None (no such rule)."""
    if update_class == "news":
        return facts.today.fromordinal(facts.today.toordinal() - s["news_section_days"])
    if update_class == "notices":
        return months_before(facts.today, s["notice_section_months"])
    return None


def _fix_section(state) -> tuple[str, dict]:
    return _new_item(state.section.id)


def overdue_sections(facts: SiteFacts, s: dict) -> RuleResult:
    """Sections overdue by their update class (栏目不更新): a news-like section with nothing new in
    `news_section_days` days (14), a notices or policy documents section with nothing new in
    `notice_section_months` months (6). `overdue_sections` (5) of them fail the site.

    A section with nothing at all in it is counted by `empty_sections` instead.
    """
    evidence = []
    for state in facts.section_states:
        due = _due(facts, state.section.update_class, s)
        if due is None or state.section.kind not in DATED_KINDS or state.newest is None:
            continue
        if state.newest.date() <= due:
            endpoint, values = _fix_section(state)
            evidence.append(Evidence(_name(state.section), "section_since", {"when": _iso(state.newest),
                                     "update_class": state.section.update_class}, endpoint, values))
    count = len(evidence)
    return _kept(RuleResult("overdue_sections", "veto" if count >= s["overdue_sections"] else "ok",
                            measures={"count": count, "limit": s["overdue_sections"]}), evidence)


def long_stale_sections(facts: SiteFacts, s: dict) -> RuleResult:
    """Long-stale sections (长期未更新): any section that is updated at all (not "never") with nothing new for
    `long_stale_days` days (365). `long_stale_sections` (10) of them fail the site; more than `stale_warning` (6)
    is an early warning."""
    cutoff = facts.today.toordinal() - s["long_stale_days"]
    evidence = []
    for state in facts.section_states:
        if state.section.update_class == "never" or state.section.kind not in DATED_KINDS or state.newest is None:
            continue
        if state.newest.date().toordinal() <= cutoff:
            endpoint, values = _fix_section(state)
            evidence.append(Evidence(_name(state.section), "section_since", {"when": _iso(state.newest),
                                     "update_class": state.section.update_class}, endpoint, values))
    count = len(evidence)
    vetoed = count >= s["long_stale_sections"]
    return _kept(RuleResult("long_stale_sections", "veto" if vetoed else "ok",
                            warning=not vetoed and count > s["stale_warning"],
                            measures={"count": count, "limit": s["long_stale_sections"]}), evidence)


def _is_empty(state) -> bool:
    section = state.section
    if section.empty_note.strip():
        return False
    if section.kind == "single_page":
        return not section.page_html.strip()
    if section.kind in ITEM_KINDS or section.kind == "disclosure":
        return state.items == 0
    return False  # external links; the service and form sections show the catalogue (the services rules read it)


def empty_sections(facts: SiteFacts, s: dict) -> RuleResult:
    """Empty sections (空白栏目, 虚设栏目): a section with nothing in it, nor under it, and no note explaining why.
    `empty_sections` (5) of them fail the site; more than `empty_warning` (2) is an early warning.

    A single page is empty without text; the service, form and online-service sections show the service catalogue
    and are left to the services rules.
    """
    evidence = [Evidence(_name(state.section), "section_empty", {}, "sections.note", {"section_id": state.section.id})
                for state in facts.section_states if _is_empty(state)]
    count = len(evidence)
    vetoed = count >= s["empty_sections"]
    return _kept(RuleResult("empty_sections", "veto" if vetoed else "ok",
                            warning=not vetoed and count > s["empty_warning"],
                            measures={"count": count, "limit": s["empty_sections"]}), evidence)


def consultation_mailbox(facts: SiteFacts, s: dict) -> RuleResult:
    """No working consultation mailbox (互动回应差): the site's consultation mailbox (咨询) is switched off."""
    box = facts.consultation_mailbox
    working = box is not None and box.enabled
    evidence = [] if working else [Evidence("", "mailbox_off", {}, "interaction_letters.mailboxes_page", {})]
    return _kept(RuleResult("consultation_mailbox", "ok" if working else "veto", measures={"working": working}),
                 evidence)


def late_letters(facts: SiteFacts, s: dict) -> RuleResult:
    """A valid letter unanswered for more than `letter_veto_months` (3) months, its wait ended or going on in the last
    `letter_window_months` (12) (留言办理超过3个月未回复), fails the site; a letter unanswered for
    `letter_warning_months` (2) is an early warning. Calendar months, pauses included; the interaction module counts
    them (core.interaction.stats.late_letters) by these settings, as its queue, statistics and daily job do."""
    vetoed = [letter for letter in facts.late_letters if letter.veto]
    warned = [letter for letter in facts.late_letters if letter.warned and not letter.veto]
    evidence = [Evidence(_letter_label(letter), "letter_veto" if letter.veto else "letter_warned",
                         {"when": _iso(letter.received_at), "kind": letter.kind, "status": letter.status,
                          "months": s["letter_veto_months"] if letter.veto else s["letter_warning_months"]},
                         "interaction_letters.detail", {"letter_id": letter.id}) for letter in vetoed + warned]
    return _kept(RuleResult("late_letters", "veto" if vetoed else "ok", warning=bool(warned),
                            measures={"count": len(vetoed), "warned": len(warned), "months": s["letter_veto_months"],
                                      "warning_months": s["letter_warning_months"]}), evidence)


def _letter_label(letter) -> str:
    return f"#{letter.id}"


def services_usable(facts: SiteFacts, s: dict) -> RuleResult:
    """Services unusable (办事服务不实用): no service item at all, or `incomplete_guides` (1) items whose guide lacks
    one of the ten key elements of the national index (core.services.models.GUIDE_ELEMENTS)."""
    items = facts.catalogue
    lacking = [state for state in items if state.missing]
    evidence = [Evidence(state.item.name, "guide_missing", {"elements": state.missing}, "services_guide.admin_item",
                         {"item_id": state.item.id}) for state in lacking]
    if not items:
        evidence = [Evidence("", "no_items", {}, "services_guide.admin_items", {})]
    vetoed = not items or len(lacking) >= s["incomplete_guides"]
    return _kept(RuleResult("services_usable", "veto" if vetoed else "ok",
                            measures={"items": len(items), "count": len(lacking), "limit": s["incomplete_guides"]}),
                 evidence)


def forged_dates(facts: SiteFacts, s: dict) -> RuleResult:
    """Forged dates (虚假日期): a published item whose publication date is earlier than the day it was written by
    more than `backdate_margin_days` (3), with no recorded reason. `forged_dates` (1) of them fail the site."""
    evidence = [Evidence(title, "backdated", {"when": _iso(published), "written": _iso(written)},
                         "publishing.edit", {"article_id": article_id})
                for article_id, title, published, written in facts.backdated]
    count = len(evidence)
    return _kept(RuleResult("forged_dates", "veto" if count >= s["forged_dates"] else "ok",
                            measures={"count": count, "limit": s["forged_dates"],
                                      "margin": s["backdate_margin_days"]}), evidence)


# --------------------------------------------------------------------------------------------------- deductions


def _lose(key: str, weight: int, share: float, measures: dict, evidence: list[Evidence]) -> RuleResult:
    """A deduction that takes `share` (0 to 1) of its weight."""
    share = min(max(share, 0.0), 1.0)
    lost = weight * share
    return _kept(RuleResult(key, "lost" if lost > 0.005 else "ok", lost=lost, weight=weight, measures=measures),
                 evidence)


def news_cadence(facts: SiteFacts, s: dict) -> RuleResult:
    """Work news every month (the city's guideline): at least `news_per_month` (20) dated items of work news in
    each of the last `news_months` (3) complete calendar months; each month short takes its share of the weight,
    in proportion to what it lacks."""
    wanted, months = s["news_per_month"], s["news_months"]
    counted = Counter((d.year, d.month) for d in facts.news_dates)
    short = 0.0
    evidence = []
    for back in range(months, 0, -1):
        start = facts.month_start(back)
        count = counted.get((start.year, start.month), 0)
        if count < wanted:
            short += (wanted - count) / wanted
            section = next((x.id for x in facts.sections if x.mandatory_key == "news"), None)
            endpoint, values = _new_item(section)
            evidence.append(Evidence("", "news_month", {"month": f"{start.year}-{start.month:02d}", "count": count,
                                                        "wanted": wanted}, endpoint, values))
    return _lose("news_cadence", s["weight_news"], short / months,
                 {"months_short": len(evidence), "months": months, "wanted": wanted}, evidence)


def disclosure_coverage(facts: SiteFacts, s: dict) -> RuleResult:
    """Disclosure of every category (the city's regulation lists them; platform data): each category with nothing
    published takes its share of the weight."""
    rows = facts.disclosure
    empty = [row for row in rows if row.empty]
    evidence = [Evidence(row.category.name_zh, "category_empty", {"name_en": row.category.name_en},
                         "disclosure_coverage.site_overview", {}) for row in empty]
    return _lose("disclosure_coverage", s["weight_disclosure"], len(empty) / len(rows) if rows else 0.0,
                 {"count": len(empty), "total": len(rows)}, evidence)


def policy_filing(facts: SiteFacts, s: dict) -> RuleResult:
    """Policies filed by level, with document number and issuing body (the city's guideline): each policy lacking
    one takes its share of the weight."""
    lacking = []
    for article_id, title, level, number, body, _published in facts.policies:
        missing = [name for name, value in (("policy_level", level), ("document_number", number),
                                            ("issuing_body", body)) if not (value or "").strip()]
        if missing:
            lacking.append(Evidence(title, "policy_missing", {"fields": missing}, "publishing.edit",
                                    {"article_id": article_id}))
    total = len(facts.policies)
    return _lose("policy_filing", s["weight_policy_filing"], len(lacking) / total if total else 0.0,
                 {"count": len(lacking), "total": total}, lacking)


def policy_interpretation(facts: SiteFacts, s: dict) -> RuleResult:
    """Municipal policies interpreted (政策解读, the city's guideline): each municipal policy published in the
    counted months (`letters_months`, 12) without a published interpretation takes its share of the weight."""
    since = datetime.combine(months_before(facts.today, s["letters_months"]), time.min)
    municipal = sum(1 for row in facts.policies if row[2] == "municipal" and row[5] is not None and row[5] >= since)
    lacking = [a for a in facts.uninterpreted if a.public_at is not None and a.public_at >= since]
    evidence = [Evidence(a.title, "not_interpreted", {"when": _iso(a.public_at)}, "publishing.edit",
                         {"article_id": a.id}) for a in lacking]
    total = max(municipal, len(lacking))
    return _lose("policy_interpretation", s["weight_interpretation"], len(lacking) / total if total else 0.0,
                 {"count": len(lacking), "total": total}, evidence)


def guide_completeness(facts: SiteFacts, s: dict) -> RuleResult:
    """Service guides complete (the city's guideline: name, legal basis, conditions, procedure, fee basis and
    standard, time limit): each item lacking the basis of its fees (unless it is free) or a time limit (beyond the
    ten key elements, which `services_usable` checks) takes its share of the weight."""
    lacking = []
    for state in facts.catalogue:
        item = state.item
        free = any(word in (item.fee_standard or "").lower() for word in FREE_WORDS)
        missing = [name for name in FURTHER_GUIDE_FIELDS if not (name == "fee_basis" and free)
                   and (getattr(item, name) is None or not str(getattr(item, name)).strip())]
        if missing:
            lacking.append(Evidence(item.name, "guide_missing", {"elements": missing}, "services_guide.admin_item",
                                    {"item_id": item.id}))
    total = len(facts.catalogue)
    return _lose("guide_completeness", s["weight_guides"], len(lacking) / total if total else 0.0,
                 {"count": len(lacking), "total": total}, lacking)


def online_services(facts: SiteFacts, s: dict) -> RuleResult:
    """Online service capability (the city's guideline): a window department offers every licensing item for
    application online; any other department at least forms to download for each item. The share not offered
    takes that share of the weight."""
    window = facts.site.is_window_department
    considered = [st for st in facts.catalogue if st.item.kind == "licensing"] if window else list(facts.catalogue)
    lacking = []
    for state in considered:
        level = state.published_level
        offered = level == "online" if window else (level == "online" or bool(state.item.forms))
        if not offered:
            lacking.append(Evidence(state.item.name, "not_online" if window else "no_forms", {},
                                    "services_guide.admin_item", {"item_id": state.item.id}))
    total = len(considered)
    return _lose("online_services", s["weight_online"], len(lacking) / total if total else 0.0,
                 {"count": len(lacking), "total": total, "window": window}, lacking)


def letters_on_time(facts: SiteFacts, s: dict) -> RuleResult:
    """Letters answered on time (the city's guideline): of the letters that came due, the share late takes that
    share of the weight. The letters that came due are those answered in the counted months (`letters_months`,
    12) and those the office still has past their due date (overdue: late, whenever they came). A site with
    overdue letters and no answer loses the whole weight; one with no letter answered or overdue (none has come
    due) loses nothing."""
    tally, overdue = facts.letters, facts.overdue_letters
    due = tally.answered + overdue
    evidence = []
    if tally.on_time < tally.answered:
        evidence.append(Evidence("", "on_time", {"on_time": tally.on_time, "answered": tally.answered},
                                 "interaction_letters.queue", {}))
    if overdue:
        evidence.append(Evidence("", "overdue_letters", {"count": overdue}, "interaction_letters.queue",
                                 {"flag": "overdue"}))
    return _lose("letters_on_time", s["weight_letters_on_time"], (due - tally.on_time) / due if due else 0.0,
                 {"answered": tally.answered, "on_time": tally.on_time, "overdue": overdue}, evidence)


def reply_time(facts: SiteFacts, s: dict) -> RuleResult:
    """Median reply time (the city's guideline): a median over the mailboxes' limit (the platform's, in working
    days) takes the whole weight; over half of it, half."""
    median, limit = facts.letters.median_days, facts.reply_limit
    share = 0.0 if median is None else 1.0 if median > limit else 0.5 if median > limit / 2 else 0.0
    evidence = [] if not share else [Evidence("", "median", {"median": median, "limit": limit},
                                              "interaction_letters.queue", {})]
    return _lose("reply_time", s["weight_reply_time"], share, {"median": median, "limit": limit}, evidence)


def replies_published(facts: SiteFacts, s: dict) -> RuleResult:
    """Replies published (来信选登, the city's guideline): of the replies whose writers agreed, the share not
    published takes that share of the weight."""
    agreed, published = facts.publication
    evidence = [] if agreed == published else [Evidence("", "unpublished_replies", {"agreed": agreed,
                                                                                      "published": published},
                                                        "interaction_letters.queue", {})]
    return _lose("replies_published", s["weight_replies_published"], (agreed - published) / agreed if agreed else 0.0,
                 {"agreed": agreed, "published": published}, evidence)


def consultation_summaries(facts: SiteFacts, s: dict) -> RuleResult:
    """Consultations answered with a published summary (意见征集反馈, the city's guideline): of the consultations
    closed in the counted months, the share without a published summary takes that share of the weight."""
    closed = facts.consultations
    lacking = [Evidence(title, "no_summary", {"when": close_on.isoformat()}, "interaction_consultations.admin_detail",
                        {"consultation_id": cid}) for cid, title, close_on, summarised in closed if not summarised]
    return _lose("consultation_summaries", s["weight_consultations"], len(lacking) / len(closed) if closed else 0.0,
                 {"count": len(lacking), "total": len(closed)}, lacking)


def duty_assignments(facts: SiteFacts, s: dict) -> RuleResult:
    """Duty assignments complete (岗位责任制, the city's guideline): each of the five duties nobody answers for takes
    its share of the weight."""
    missing = [duty for duty in DUTIES if duty not in facts.duties]
    evidence = [Evidence("", "duty_unassigned", {"duty": duty}, "duties.index", {}) for duty in missing]
    return _lose("duty_assignments", s["weight_duties"], len(missing) / len(DUTIES),
                 {"count": len(missing), "total": len(DUTIES)}, evidence)


def footer_identity(facts: SiteFacts, s: dict) -> RuleResult:
    """Footer identity (the national index: 网站标识): sponsor, address, telephone, ICP record, public security
    record and site identifier code; each one missing takes its share of the weight."""
    from core.sites.footer import REQUIRED

    missing = [name for name, _label in footer_gaps(facts.site)]
    evidence = [Evidence("", "footer_missing", {"field": name}, "sites.settings", {}) for name in missing]
    return _lose("footer_identity", s["weight_footer"], len(missing) / len(REQUIRED),
                 {"count": len(missing), "total": len(REQUIRED)}, evidence)


def _not_applied(key: str, weight: int) -> RuleResult:
    return RuleResult(key, "not_applied", weight=weight)


def broken_links(facts: SiteFacts, s: dict) -> RuleResult:
    """Broken internal links and missing attachments (the national index: 链接不可用), from the security checks:
    `links_full` (5) of them take the whole weight, each fewer its share. Not applied while the security checks
    are not available (core.evaluation.facts.security_counts). The evidence links to the site's security page,
    where each one is listed with where it is."""
    counts = facts.security
    if counts is None or counts.checked_at is None:
        return _not_applied("broken_links", s["weight_links"])
    found = counts.broken_links + counts.missing_attachments
    evidence = [] if not found else [Evidence("", "broken_links", {"links": counts.broken_links,
                                                                   "files": counts.missing_attachments},
                                              "security.index", _findings_of(counts))]
    return _lose("broken_links", s["weight_links"], found / s["links_full"],
                 {"links": counts.broken_links, "files": counts.missing_attachments, "full": s["links_full"]},
                 evidence)


def _findings_of(counts) -> dict:
    """The site's security page (its URL values) filtered on the one check behind the broken-links deduction, when
    only one of the two found something."""
    if not counts.missing_attachments:
        return {"rule": "content.broken_links"}
    return {"rule": "content.missing_attachments"} if not counts.broken_links else {}


def security_findings(facts: SiteFacts, s: dict) -> RuleResult:
    """Open security findings (the national index: 安全防护), from the security checks: `findings_full` (5) of them
    take the whole weight, each fewer its share. Not applied while the security checks are not available. The
    evidence links to the site's security page (the findings reported now)."""
    counts = facts.security
    if counts is None or counts.checked_at is None:
        return _not_applied("security_findings", s["weight_security"])
    evidence = [] if not counts.open_findings else [Evidence("", "open_findings", {"count": counts.open_findings},
                                                             "security.index", {})]
    return _lose("security_findings", s["weight_security"], counts.open_findings / s["findings_full"],
                 {"count": counts.open_findings, "full": s["findings_full"]}, evidence)


def _name(section) -> str:
    return section.name_zh


RULES: tuple[Rule, ...] = (
    Rule("homepage", "veto", "national", ("homepage_days", "homepage_warning_days"), homepage),
    Rule("overdue_sections", "veto", "national", ("news_section_days", "notice_section_months", "overdue_sections"),
         overdue_sections),
    Rule("long_stale_sections", "veto", "national", ("long_stale_days", "long_stale_sections", "stale_warning"),
         long_stale_sections),
    Rule("empty_sections", "veto", "national", ("empty_sections", "empty_warning"), empty_sections),
    Rule("consultation_mailbox", "veto", "national", (), consultation_mailbox),
    Rule("late_letters", "veto", "national", ("letter_veto_months", "letter_window_months", "letter_warning_months"),
         late_letters),
    Rule("services_usable", "veto", "national", ("incomplete_guides",), services_usable),
    Rule("forged_dates", "veto", "national", ("backdate_margin_days", "forged_dates"), forged_dates),
    Rule("news_cadence", "deduction", "city", ("news_per_month", "news_months"), news_cadence, "weight_news"),
    Rule("disclosure_coverage", "deduction", "city", (), disclosure_coverage, "weight_disclosure"),
    Rule("policy_filing", "deduction", "city", (), policy_filing, "weight_policy_filing"),
    Rule("policy_interpretation", "deduction", "city", ("letters_months",), policy_interpretation,
         "weight_interpretation"),
    Rule("guide_completeness", "deduction", "city", (), guide_completeness, "weight_guides"),
    Rule("online_services", "deduction", "city", (), online_services, "weight_online"),
    Rule("letters_on_time", "deduction", "city", ("letters_months",), letters_on_time, "weight_letters_on_time"),
    Rule("reply_time", "deduction", "city", ("letters_months",), reply_time, "weight_reply_time"),
    Rule("replies_published", "deduction", "city", ("letters_months",), replies_published,
         "weight_replies_published"),
    Rule("consultation_summaries", "deduction", "city", ("letters_months",), consultation_summaries,
         "weight_consultations"),
    Rule("duty_assignments", "deduction", "city", (), duty_assignments, "weight_duties"),
    Rule("broken_links", "deduction", "national", ("links_full",), broken_links, "weight_links"),
    Rule("footer_identity", "deduction", "national", (), footer_identity, "weight_footer"),
    Rule("security_findings", "deduction", "national", ("findings_full",), security_findings, "weight_security"),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
