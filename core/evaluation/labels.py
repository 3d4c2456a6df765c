"""The evaluation in words: grades, rules, their verdicts, their evidence and the things to do, in the reader's
language. Results are stored as data (core.evaluation.rules); these turn them into sentences when a page, an
export or the audit log shows them.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.duties.queries import DUTY_LABELS
from core.evaluation.rules import RuleResult
from core.i18n import is_english
from core.interaction.labels import KIND_LABELS as MAILBOX_LABELS
from core.interaction.labels import STATE_LABELS as LETTER_STATE_LABELS
from core.interaction.lines import VETO_MONTHS, WARNING_MONTHS
from core.sections.forms import UPDATE_CLASS_SHORT
from core.services.guide import FIELD_LABELS as GUIDE_FIELD_LABELS
from core.sites.footer import LABELS as FOOTER_LABELS

GRADE_LABELS = {
    "excellent": lazy_pgettext("evaluation grade", "Excellent"),
    "good": lazy_pgettext("evaluation grade", "Good"),
    "poor": lazy_pgettext("evaluation grade", "Poor"),
    "failed": lazy_pgettext("evaluation grade", "Failed (veto)"),
}
TRIGGER_LABELS = {
    "monthly": _l("the monthly job"),
    "on_demand": _l("the bureau, on demand"),
    "demo": _l("the demo city's history"),
}
SOURCE_LABELS = {
    "national": _l("National inspection index (国办秘函〔2019〕19号)"),
    "city": _l("The city's guideline on department websites"),
}
KIND_LABELS = {"veto": _l("Veto"), "deduction": _l("Deduction")}
STATUS_LABELS = {
    "ok": _l("Passed"),
    "veto": _l("Fails the site"),
    "lost": _l("Points lost"),
    "not_applied": _l("Not applied"),
}

#: Each rule's name.
RULE_TITLES = {
    "homepage": _l("Homepage updated"),
    "overdue_sections": _l("Sections updated by their class"),
    "long_stale_sections": _l("No long-stale sections"),
    "empty_sections": _l("No empty sections"),
    "consultation_mailbox": _l("A working consultation mailbox"),
    "late_letters": _l("No letter left unanswered too long"),
    "services_usable": _l("Service items with complete key guide elements"),
    "forged_dates": _l("No forged publication dates"),
    "news_cadence": _l("Work news every month"),
    "disclosure_coverage": _l("Disclosure of every category"),
    "policy_filing": _l("Policies filed with level, number and issuing body"),
    "policy_interpretation": _l("Municipal policies interpreted"),
    "guide_completeness": _l("Service guides complete"),
    "online_services": _l("Services online, or forms to download"),
    "letters_on_time": _l("Letters answered on time, overdue ones included"),
    "reply_time": _l("Median reply time"),
    "replies_published": _l("Replies published"),
    "consultation_summaries": _l("Consultations with a published summary"),
    "duty_assignments": _l("Duty assignments complete"),
    "broken_links": _l("No broken links or missing attachments"),
    "footer_identity": _l("Footer identity complete"),
    "security_findings": _l("No open security findings"),
}
#: What each rule checks, for the rules page (its thresholds are shown beside it from the settings).
RULE_DESCRIPTIONS = {
    "homepage": _l("Something new on the homepage (the sections with a place on it) within the set number of days. "
                   "An item without a publication date counts as nothing new. Early warning a few days before."),
    "overdue_sections": _l("Each section is updated by its class: news-like sections within the set days, notices "
                           "and policy documents within the set months. Too many overdue sections fail the site."),
    "long_stale_sections": _l("Any section that is updated at all, with nothing new for a year (the set days). Too "
                              "many fail the site; an early warning comes before."),
    "empty_sections": _l("Sections with nothing in them (虚设栏目). A section that rightly has nothing can carry a "
                         "note saying why, and is not counted. Too many fail the site; early warning before."),
    "consultation_mailbox": _l("The consultation mailbox (咨询) is open to the public."),
    "late_letters": _l("No valid letter waited more than the set months for its answer, its wait ending within "
                       "the set window (calendar months, pauses included). A letter unanswered for the warning's "
                       "months is an early warning. The officers' queue, the letter statistics and the daily warning "
                       "use the same lines."),
    "services_usable": _l("The site has service items, and their guides carry all ten key elements: name, legal "
                          "basis, conditions, materials, where, office, fees, hours, phone, procedure."),
    "forged_dates": _l("No published item shows a publication date earlier than the day it was written by more "
                       "than the allowed margin without a recorded reason."),
    "news_cadence": _l("At least the set number of work news items in each of the last complete calendar months; "
                       "each month short loses its share, in proportion to what it lacks."),
    "disclosure_coverage": _l("Something published in every category of government information disclosure; each "
                              "empty category loses its share."),
    "policy_filing": _l("Each published policy carries its level, document number and issuing body; each one "
                        "lacking loses its share."),
    "policy_interpretation": _l("Each municipal policy has a published interpretation; each one without loses its "
                                "share."),
    "guide_completeness": _l("Beyond the key elements, each guide gives the basis of its fees and its time limits; "
                             "each one lacking loses its share."),
    "online_services": _l("A window department offers every licensing item for application online; other "
                          "departments at least forms to download. The share not offered is lost."),
    "letters_on_time": _l("Of the letters answered in the counted months and those past their due date still "
                          "unanswered, the share answered late or not at all is lost: a site with overdue letters "
                          "and no answer loses all."),
    "reply_time": _l("The median reply time, in working days: over the mailboxes' limit loses all, over half of "
                     "it half."),
    "replies_published": _l("Of the replies whose writers agreed to publication, the share not published is lost."),
    "consultation_summaries": _l("Of the public consultations closed in the counted months, the share without a "
                                 "published summary of the opinions is lost."),
    "duty_assignments": _l("Someone answers for each of the five duties (岗位责任制); each duty without loses its "
                           "share."),
    "broken_links": _l("No broken internal link or missing attachment found by the security checks: the set "
                       "number of them lose the whole weight, each fewer its share. Not applied until the security "
                       "checks have run."),
    "footer_identity": _l("The footer gives the sponsor, address, telephone, ICP record, public security record "
                          "and site identifier code; each one missing loses its share."),
    "security_findings": _l("No open finding of the security checks: the set number of them lose the whole "
                            "weight, each fewer its share. Not applied until the security checks have run."),
}
#: What to do about each rule, for the list of things to do next.
RULE_ADVICE = {
    "homepage": _l("Publish something new on the homepage"),
    "overdue_sections": _l("Update the overdue sections"),
    "long_stale_sections": _l("Update or retire the long-stale sections"),
    "empty_sections": _l("Fill the empty sections, or explain why they are empty"),
    "consultation_mailbox": _l("Open the consultation mailbox"),
    "late_letters": _l("Answer the letters waiting longest"),
    "services_usable": _l("Complete the key elements of the service guides"),
    "forged_dates": _l("Correct or explain the back-dated items"),
    "news_cadence": _l("Publish more work news each month"),
    "disclosure_coverage": _l("Publish in the empty disclosure categories"),
    "policy_filing": _l("Complete the policies' level, number and issuing body"),
    "policy_interpretation": _l("Interpret the municipal policies"),
    "guide_completeness": _l("Add the fee basis and time limits to the guides"),
    "online_services": _l("Offer the service items online, or their forms"),
    "letters_on_time": _l("Answer letters within their limit"),
    "reply_time": _l("Answer letters sooner"),
    "replies_published": _l("Publish the replies the writers agreed to"),
    "consultation_summaries": _l("Publish the summaries of closed consultations"),
    "duty_assignments": _l("Name someone for every duty"),
    "broken_links": _l("Mend the broken links and missing attachments"),
    "footer_identity": _l("Complete the footer"),
    "security_findings": _l("Fix the open security findings"),
}


def _when(value) -> str:
    return value or "—"


def _joined(items) -> str:
    return (", " if is_english() else "、").join(str(i) for i in items)


def verdict(result: RuleResult) -> str:
    """What a rule found, in one sentence of the reader's language."""
    m, key = result.measures, result.key
    if result.status == "not_applied":
        return _("Not applied: the security checks have not run on this site yet.")
    if key == "homepage":
        if m.get("days") is None:
            return _("Nothing dated has ever been published on the homepage.")
        return _("The newest item on the homepage is %(days)s days old (the line is %(limit)s).", days=m["days"],
                 limit=m["limit"])
    if key in ("overdue_sections", "long_stale_sections", "empty_sections"):
        return _("%(count)s sections (the line is %(limit)s).", count=m.get("count", 0), limit=m.get("limit", 0))
    if key == "consultation_mailbox":
        return _("The consultation mailbox is open.") if m.get("working") else \
            _("The consultation mailbox is switched off.")
    if key == "late_letters":  # a snapshot taken before the lines were settings kept the default ones
        return _("%(count)s letters unanswered for more than %(months)s months; %(warned)s for %(warning)s months.",
                 count=m.get("count", 0), warned=m.get("warned", 0), months=m.get("months", VETO_MONTHS),
                 warning=m.get("warning_months", WARNING_MONTHS))
    if key == "services_usable":
        if not m.get("items"):
            return _("The site has no service item at all.")
        return _("%(count)s of %(items)s service items lack a key element (the line is %(limit)s).",
                 count=m.get("count", 0), items=m.get("items", 0), limit=m.get("limit", 0))
    if key == "forged_dates":
        return _("%(count)s items dated earlier than they were written, without a reason.", count=m.get("count", 0))
    if key == "news_cadence":
        return _("%(short)s of the last %(months)s months had fewer than %(wanted)s work news items.",
                 short=m.get("months_short", 0), months=m.get("months", 0), wanted=m.get("wanted", 0))
    if key in ("disclosure_coverage", "policy_filing", "policy_interpretation", "guide_completeness",
               "online_services", "consultation_summaries", "duty_assignments", "footer_identity"):
        return _("%(count)s of %(total)s lacking.", count=m.get("count", 0), total=m.get("total", 0))
    if key == "letters_on_time":
        overdue = m.get("overdue", 0)  # snapshots taken before overdue letters counted have none
        if not m.get("answered") and not overdue:
            return _("No letter answered or overdue in the counted months.")
        if not overdue:
            return _("%(on_time)s of %(answered)s letters answered on time.", on_time=m["on_time"],
                     answered=m["answered"])
        return _("%(on_time)s of %(due)s letters due answered on time; %(overdue)s past their due date unanswered.",
                 on_time=m.get("on_time", 0), due=m.get("answered", 0) + overdue, overdue=overdue)
    if key == "reply_time":
        if m.get("median") is None:
            return _("No letter answered in the counted months.")
        return _("Median %(median)s working days (the limit is %(limit)s).", median=m["median"], limit=m["limit"])
    if key == "replies_published":
        return _("%(published)s of %(agreed)s replies the writers agreed to are published.",
                 published=m.get("published", 0), agreed=m.get("agreed", 0))
    if key == "broken_links":
        return _("%(links)s broken links, %(files)s missing attachments.", links=m.get("links", 0),
                 files=m.get("files", 0))
    if key == "security_findings":
        return _("%(count)s open findings.", count=m.get("count", 0))
    return ""


def _guide_fields(names) -> str:
    return _joined(GUIDE_FIELD_LABELS.get(n, n) for n in names)


_POLICY_FIELDS = {"policy_level": _l("level"), "document_number": _l("document number"),
                  "issuing_body": _l("issuing body")}


def evidence_text(note: str, p: dict) -> str:
    """A piece of evidence's note (core.evaluation.rules.Evidence) in words."""
    if note == "newest_item":
        return _("The newest item, of %(when)s (%(days)s days ago).", when=_when(p.get("when")), days=p.get("days"))
    if note == "homepage_nothing":
        return _("Nothing dated on the homepage: publish work news.")
    if note == "publish_news":
        return _("Publish a new item of work news.")
    if note == "section_since":
        return _("Nothing new since %(when)s (%(update_class)s).", when=_when(p.get("when")),
                 update_class=UPDATE_CLASS_SHORT.get(p.get("update_class"), p.get("update_class")))
    if note == "section_empty":
        return _("Nothing in it: fill it, or say why it is empty.")
    if note == "mailbox_off":
        return _("The consultation mailbox is switched off: open it on the mailboxes page.")
    if note in ("letter_veto", "letter_warned"):
        words = _("Came on %(when)s to the %(kind)s mailbox; now: %(status)s.", when=_when(p.get("when")),
                  kind=MAILBOX_LABELS.get(p.get("kind"), p.get("kind")),
                  status=LETTER_STATE_LABELS.get(p.get("status"), p.get("status")))
        if note == "letter_veto":
            return words + " " + _("Past %(n)s months.", n=p.get("months", VETO_MONTHS))
        return words + " " + _("%(n)s months unanswered.", n=p.get("months", WARNING_MONTHS))
    if note == "guide_missing":
        return _("Lacks: %(what)s.", what=_guide_fields(p.get("elements") or []))
    if note == "no_items":
        return _("No service item in the site's catalogue.")
    if note == "backdated":
        return _("Dated %(when)s, written on %(written)s, with no reason given.", when=_when(p.get("when")),
                 written=_when(p.get("written")))
    if note == "news_month":
        return _("%(month)s: %(count)s items of work news (%(wanted)s wanted).", month=p.get("month"),
                 count=p.get("count"), wanted=p.get("wanted"))
    if note == "category_empty":
        return _("Nothing published in this category.")
    if note == "policy_missing":
        return _("Lacks: %(what)s.", what=_joined(_POLICY_FIELDS.get(f, f) for f in p.get("fields") or []))
    if note == "not_interpreted":
        return _("Published %(when)s, no interpretation yet.", when=_when(p.get("when")))
    if note == "not_online":
        return _("A licensing item the public cannot apply for online.")
    if note == "no_forms":
        return _("Neither online nor a form to download.")
    if note == "on_time":
        return _("%(on_time)s of %(answered)s answered on time.", on_time=p.get("on_time"), answered=p.get("answered"))
    if note == "overdue_letters":
        return _("%(count)s letters past their due date are still unanswered.", count=p.get("count"))
    if note == "median":
        return _("Median %(median)s working days, limit %(limit)s.", median=p.get("median"), limit=p.get("limit"))
    if note == "unpublished_replies":
        return _("%(n)s replies the writers agreed to are not published.",
                 n=(p.get("agreed") or 0) - (p.get("published") or 0))
    if note == "no_summary":
        return _("Closed on %(when)s, no summary published.", when=_when(p.get("when")))
    if note == "duty_unassigned":
        return _("Nobody answers for “%(duty)s”.", duty=DUTY_LABELS.get(p.get("duty"), p.get("duty")))
    if note == "footer_missing":
        return _("The footer lacks: %(what)s.", what=FOOTER_LABELS.get(p.get("field"), p.get("field")))
    if note == "broken_links":
        return _("%(links)s broken links, %(files)s missing attachments.", links=p.get("links"),
                 files=p.get("files"))
    if note == "open_findings":
        return _("%(count)s open findings.", count=p.get("count"))
    return ""


def todo_text(todo) -> str:
    """A thing to do next, in words: what, and why (a veto, an early warning, or the points it wins back)."""
    advice = str(RULE_ADVICE.get(todo.rule, todo.rule))
    if todo.why == "veto":
        return _("%(advice)s — this fails the site now.", advice=advice)
    if todo.why == "warning":
        return _("%(advice)s — close to failing the site.", advice=advice)
    return _("%(advice)s — up to %(points)s points.", advice=advice, points=todo.points)
