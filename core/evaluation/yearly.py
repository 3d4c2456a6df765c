"""The yearly website report (政府网站工作年度报表): preparing, saving, publishing and withdrawing it. Audited.

The rule (《政府网站发展指引》, 国办发〔2017〕47号): every government website publishes its report for year Y, in
the national template, by 31 January of Y + 1. Here an editor prepares it (the platform counts what it can,
`yearly_figures`), enters what only the office knows (`yearly_layout.MANUAL_LINES`), and a publisher — someone
else, as a review — publishes it; the public then reads it on the site, and the city portal lists every site's
report and the missing ones. A published report is read exactly as it was published; to correct one, a publisher
withdraws it (with the reason, audited), and it is a draft again.

Two people acting on one report from pages opened at the same time are kept apart by the row's `version`: each
change is a conditional UPDATE on the version the page showed, so the second is refused, not merged silently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.disclosure.report_queries import Standing, reporting_year, standing
from core.evaluation.yearly_figures import compute_figures
from core.evaluation.yearly_layout import (COUNT, FIRST_YEAR, LINES, MANUAL_LINES, MAX_COUNT, MAX_TEXT, YES_NO,
                                          line_label)
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.publishing.queries import review_own_forbidden
from core.text import text_problem
from core.timeutil import now
from tenants.scoping import crosses_tenants

#: The longest reason for withdrawing a published report, in characters.
MAX_REASON = 500
STALE = _l("Someone changed this report after you opened it. Open it again and make your change there.")


class YearlyReportError(OperationError):
    """A step on the yearly website report refused, with a message for the user."""


class YearlyReportForbidden(YearlyReportError, OperationForbidden):
    """The actor's roles do not include this step."""


@read_only
def report_years(today=None) -> list[int]:
    """The years a report may be prepared for, newest first: finished years from the template's first."""
    return list(range(reporting_year(today), FIRST_YEAR - 1, -1))


@read_only
def report(report_id: int | None) -> WebsiteReport | None:
    """The active site's report with this id, or None."""
    if report_id is None:
        return None
    return db.session.execute(select(WebsiteReport).where(WebsiteReport.id == report_id)).scalar_one_or_none()


@read_only
def report_for_year(year: int) -> WebsiteReport | None:
    """The active site's report for `year`, or None."""
    return db.session.execute(select(WebsiteReport).where(WebsiteReport.year == year)).scalar_one_or_none()


@read_only
def values_of(found: WebsiteReport) -> dict:
    """Every line's value as the report shows it: the counted ones, then the entered ones ({key: value})."""
    values = json.loads(found.computed or "{}")
    values.update({key: value for key, value in json.loads(found.manual or "{}").items() if key in LINES})
    return values


@read_only
def missing_required(found: WebsiteReport) -> list[str]:
    """The keys of the lines that must be filled before publication and are empty, in the template's order."""
    manual = json.loads(found.manual or "{}")
    return [line.key for line in MANUAL_LINES if line.required and not str(manual.get(line.key) or "").strip()]


def _check(actor: User, permission: str, refusal) -> None:
    if not can(actor, permission):
        raise YearlyReportForbidden(refusal)


def _claim(found: WebsiteReport, expected_version: int | None) -> None:
    """Count the report's version up if it is still `expected_version` (None: the version just read).

    :raises YearlyReportError: someone changed the report meanwhile.
    """
    expected = found.version if expected_version is None else expected_version
    claimed = db.session.execute(
        update(WebsiteReport).where(WebsiteReport.id == found.id, WebsiteReport.version == expected)
        .values(version=WebsiteReport.version + 1).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise YearlyReportError(STALE)
    set_committed_value(found, "version", expected + 1)


@read_only
def checked_manual(manual: dict, computed: dict | None = None) -> tuple[dict, dict]:
    """The entered lines as kept, and the problems by line key.

    `manual` maps a key of `yearly_layout.MANUAL_LINES` to an int (a count: 0 to MAX_COUNT), a bool (yes / no) or
    a str (text: at most MAX_TEXT characters, no control characters); a missing or empty one is left out. An
    "of which" line may not exceed its total: the applications for natural and for legal persons together the
    applications the platform counted (`computed`), the questions answered in interviews those sent in.
    """
    kept, problems = {}, {}
    for line in MANUAL_LINES:
        value = manual.get(line.key)
        if value is None or value == "":
            continue
        if line.kind == COUNT:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
                problems[line.key] = _l("A whole number from 0 up to %(max)s.", max="{:,}".format(MAX_COUNT))
            else:
                kept[line.key] = value
        elif line.kind == YES_NO:
            if not isinstance(value, bool):
                problems[line.key] = _l("Choose yes or no.")
            else:
                kept[line.key] = value
        else:
            text = str(value).strip()
            problem = text_problem(text, max_length=MAX_TEXT)
            if problem:
                problems[line.key] = problem
            elif text:
                kept[line.key] = text
    total = (computed or {}).get("applications_total")
    parts = kept.get("applications_people", 0) + kept.get("applications_bodies", 0)
    if total is not None and parts > total:
        message = _l("The applications for natural and for legal persons add up to %(parts)s, more than the "
                     "%(total)s applications handled.", parts="{:,}".format(parts), total="{:,}".format(total))
        for key in ("applications_people", "applications_bodies"):
            if kept.get(key):
                problems.setdefault(key, message)
    if kept.get("interview_answers", 0) > kept.get("interview_messages", 0):
        problems.setdefault("interview_answers", _l("More questions answered than were sent in (%(n)s).",
                                                    n="{:,}".format(kept.get("interview_messages", 0))))
    return kept, problems


# --- the operations ----------------------------------------------------------------------------

@audited
def prepare_report(year: int, *, actor: User) -> WebsiteReport:
    """Prepare the active site's report for `year`, or count its figures again while it is a draft; return it.

    The entered lines stay as they are. The platform's figures are those of `yearly_figures.compute_figures`.

    :raises YearlyReportForbidden: the actor may not edit items (preparing the report is an editor's work).
    :raises YearlyReportError: under "year", a year outside FIRST_YEAR to last year (a report covers a finished
        year); the report is published (withdraw it first to correct it); someone prepared it at the same time.
    """
    _check(actor, "content.edit", _l("Your roles here do not include editing items, which preparing the report "
                                     "takes."))
    if not FIRST_YEAR <= year <= reporting_year():
        raise YearlyReportError({"year": _l("Choose a year from %(first)s to %(last)s: a report covers a whole "
                                            "year, so this year's is prepared once it has ended.",
                                            first=FIRST_YEAR, last=reporting_year())})
    found = report_for_year(year)
    if found is not None and found.status == "published":
        raise YearlyReportError(_l("The report for %(year)s is published: the public reads it as it was "
                                   "published. To correct it, withdraw it first.", year=year))
    figures = json.dumps(compute_figures(year))
    if found is None:
        try:
            with db.session.begin_nested():
                found = WebsiteReport(year=year, status="draft", computed=figures, manual="{}",
                                      created_by_id=actor.id, saved_by_id=actor.id, generated_at=now())
                db.session.add(found)
                db.session.flush()
        except IntegrityError:
            raise YearlyReportError(_l("The report for %(year)s was prepared by someone else just now: open it "
                                       "from the list.", year=year)) from None
        record("website_report.create", f"website_report:{found.id}", year=year)
        return found
    _claim(found, None)
    found.computed, found.generated_at = figures, now()
    record("website_report.generate", f"website_report:{found.id}", year=year)
    db.session.flush()
    return found


@audited
def save_report(found: WebsiteReport, *, actor: User, manual: dict, expected_version: int) -> None:
    """Keep the lines the site entered (see `checked_manual` for what each may hold) on a draft report.

    :raises YearlyReportForbidden: the actor may not edit items.
    :raises YearlyReportError: a line's value out of range, under its key; the report is published; someone
        changed it since `expected_version`.
    """
    _check(actor, "content.edit", _l("Your roles here do not include editing items, which preparing the report "
                                     "takes."))
    if found.status == "published":
        raise YearlyReportError(_l("The report for %(year)s is published: to correct it, withdraw it first.",
                                   year=found.year))
    kept, problems = checked_manual(manual, json.loads(found.computed or "{}"))
    if problems:
        raise YearlyReportError(problems)
    _claim(found, expected_version)
    before = json.loads(found.manual or "{}")
    changed = sorted(key for key in set(before) | set(kept) if before.get(key) != kept.get(key))
    found.manual = json.dumps(kept, ensure_ascii=False)
    if changed:
        found.saved_by_id = actor.id
    record("website_report.save", f"website_report:{found.id}", year=found.year, changed=changed)
    db.session.flush()


@audited
def publish_report(found: WebsiteReport, *, actor: User, expected_version: int) -> None:
    """Publish a draft report as it stands: the public reads it on the site, and the portal lists it.

    A publisher publishes it, and not the person who prepared it or last changed what it says when the site
    forbids reviewing one's own work (`core.publishing.queries.review_own_forbidden`): the report is reviewed as
    an item is.

    :raises YearlyReportForbidden: the actor may not publish items.
    :raises YearlyReportError: the report is already published; the actor prepared it or last changed it and the
        site forbids reviewing one's own work; a line it needs (the people who sign it and the contact telephone)
        is empty; someone changed it since `expected_version`.
    """
    _check(actor, "content.publish", _l("Your roles here do not include publishing, which the report takes: "
                                        "ask a publisher to review and publish it."))
    if found.status == "published":
        raise YearlyReportError(_l("The report for %(year)s is already published.", year=found.year))
    if review_own_forbidden() and found.saved_by_id == actor.id:
        raise YearlyReportError(_l("You prepared this report or last changed what it says: another publisher "
                                   "reviews and publishes it, as this site has work reviewed by someone else."))
    missing = missing_required(found)
    if missing:
        raise YearlyReportError(_l("Fill in these lines before it is published: %(lines)s.",
                                   lines=", ".join(line_label(LINES[key]) for key in missing)))
    _claim(found, expected_version)
    found.status, found.published_at, found.published_by_id = "published", now(), actor.id
    record("website_report.publish", f"website_report:{found.id}", year=found.year)
    db.session.flush()


@audited
def withdraw_report(found: WebsiteReport, *, actor: User, reason: str, expected_version: int) -> None:
    """Take a published report off the site to correct it: it is a draft again, and the portal counts it missing
    until it is published again.

    :raises YearlyReportForbidden: the actor may not publish items.
    :raises YearlyReportError: the report is not published; under "reason", no reason or a longer one than
        MAX_REASON characters; someone changed it since `expected_version`.
    """
    _check(actor, "content.publish", _l("Your roles here do not include publishing, which withdrawing the report "
                                        "takes."))
    if found.status != "published":
        raise YearlyReportError(_l("The report for %(year)s is not published.", year=found.year))
    reason = (reason or "").strip()
    if not reason:
        raise YearlyReportError({"reason": _l("Say why it is withdrawn: the reason is kept in the site's log.")})
    if len(reason) > MAX_REASON:
        raise YearlyReportError({"reason": _l("At most %(max)s characters.", max=MAX_REASON)})
    _claim(found, expected_version)
    found.status, found.published_at, found.published_by_id = "draft", None, None
    record("website_report.withdraw", f"website_report:{found.id}", year=found.year, reason=reason)
    db.session.flush()


# --- reading: a site's reports and the city's ----------------------------------------------------

@read_only
def site_reports() -> list[tuple[WebsiteReport, Standing]]:
    """The active site's reports, newest year first, each with where it stands against its deadline."""
    rows = db.session.execute(select(WebsiteReport).order_by(WebsiteReport.year.desc())).scalars()
    return [(found, standing(found.year, found.published_at)) for found in rows]


@read_only
def published_reports() -> list[WebsiteReport]:
    """The active site's published reports, newest year first (the public list)."""
    return list(db.session.execute(select(WebsiteReport).where(WebsiteReport.status == "published")
                                   .order_by(WebsiteReport.year.desc())).scalars())


@dataclass(frozen=True)
class CityEntry:
    """One site's report of a year as the portal and the bureau list it."""

    site_id: int
    status: str
    standing: Standing


@crosses_tenants("the city portal and the bureau list every site's yearly website report, and the missing ones")
@read_only
def city_reports(year: int) -> dict[int, CityEntry]:
    """Every site's report for `year` that has been prepared: {site id: CityEntry} (one statement)."""
    rows = db.session.execute(
        select(WebsiteReport.tenant_id, WebsiteReport.status, WebsiteReport.published_at)
        .where(WebsiteReport.year == year).execution_options(all_tenants=True)).all()
    return {site_id: CityEntry(site_id, status, standing(year, published_at))
            for site_id, status, published_at in rows}
