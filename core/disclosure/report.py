"""Preparing the yearly government information disclosure report (政府信息公开工作年度报告). Operations, audited.

A site's report for a year is an article in its annual reports column, so it goes the way every item goes
(edited, sent for review, approved, published; a published one corrected by a change that is reviewed in turn),
with its revisions. Its text is generated, in the national template's sections and tables
(`report_layout`), from a `DisclosureReport` row: the figures the platform counts (`compute_figures`), the
figures only the site knows, entered by hand, and the site's paragraphs. Generating again refreshes the counted
figures and keeps the rest; every write of the text goes through the publishing workflow's save
(core.publishing.operations.save_article), so the workflow's rules on who may change the text when hold here.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.content.models import Article
from core.content.operations import create_article
from core.content.sanitize import clean_body, text_to_html
from core.disclosure.models_report import DisclosureReport
from core.disclosure.report_layout import (AMOUNT_FIGURES, APPLICANT_COLUMNS, APPLICATION_ROWS, CASE_BLOCKS,
                                           CASE_OUTCOMES, COLUMN_NAMES, COMPUTED_PROACTIVE, ENTERED_COLUMNS,
                                           ENTERED_OUTCOMES, ENTERED_ROWS, HEADINGS, MANUAL_FIGURES, OUTCOMES,
                                           ORGANISATION_HEADINGS, PENDING_ROW, PROACTIVE, RECEIVED_ROWS,
                                           OUTCOMES_HEADING, entered_field)
from core.disclosure.report_queries import (FIRST_YEAR, reporting_year, compute_figures, figures_of, report_article,
                                            report_for_year, reports_section)
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.publishing.operations import apply_change_step, save_article
from core.publishing.queries import TEXT_FIELDS, as_form_values, edit_refusal, may_edit, may_start_change, pending_data
from core.text import column_problems
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

#: The largest count, and the largest amount (10,000 yuan), a hand-entered figure may hold.
MAX_COUNT = 10_000_000
MAX_AMOUNT = Decimal("100000000")
#: The paragraphs the site writes, with the column each is kept in.
TEXT_PARTS = ("overview", "problems", "other")


class ReportError(OperationError):
    """A step on the yearly report refused, with a message for the user."""


class ReportForbidden(ReportError, OperationForbidden):
    """The actor's roles do not include preparing the report (editing items)."""


def _check_actor(actor: User) -> None:
    if not can(actor, "content.edit"):
        raise ReportForbidden(_l("Your roles here do not include editing items, which preparing the report takes."))


def _site() -> Tenant:
    return db.session.execute(select(Tenant).where(Tenant.id == current_tenant_id())).scalar_one()


@read_only
def default_title(year: int) -> str:
    """`廊坊市人力资源和社会保障局2025年政府信息公开工作年度报告`: the title the template's practice gives it."""
    return f"{_site().name_zh}{year}年政府信息公开工作年度报告"


@read_only
def draft_overview(year: int, computed: dict) -> str:
    """A first paragraph for 一、总体情况 with the year's figures, for the site to rewrite and complete."""
    rows = computed["applications"]
    late = computed.get("late_replies", 0)
    return (f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，在门户网站政府信息公开目录中主动公开"
            f"政府信息{computed['catalogue_total']}条，其中行政规范性文件{computed['proactive']['normative_new']}件；"
            f"新收政府信息公开申请{rows['received']['total']}件，上年结转{rows['carried_over']['total']}件，"
            f"本年度办结{rows['answered']['total']}件" + (f"（其中超过答复期限{late}件）" if late else "")
            + f"，结转下年度继续办理{rows['pending']['total']}件。")


# --- the text ----------------------------------------------------------------------------------

def _amount(value) -> str:
    """An amount in 10,000 yuan as the report writes it: two decimals, no trailing zeros past them."""
    return f"{Decimal(str(value)):.2f}" if value not in (None, "") else "0.00"


@read_only
def entered_cell(entered: dict, row: str, column: str) -> int:
    """One hand-entered cell of table 三 (0 when nothing was entered)."""
    return int(entered.get(row, {}).get(column, 0) or 0)


@read_only
def application_rows(computed: dict, entered: dict) -> dict[str, list[int]]:
    """Table 三 as printed: {row: [one figure per column of APPLICANT_COLUMNS]}, each the platform's count plus
    what the office entered. 总计 (the outcomes' total) adds the entered outcomes; 结转下年度 adds what was entered
    as received or carried over and not entered as handled; the 总计 column adds the entered columns."""
    counted = computed.get("applications", {})
    rows = {row: [counted.get(row, {}).get(column, 0) for column in APPLICANT_COLUMNS] for row in APPLICATION_ROWS}
    last = len(APPLICANT_COLUMNS) - 1
    for index, column in enumerate(ENTERED_COLUMNS):
        outcomes = sum(entered_cell(entered, row, column) for row in ENTERED_OUTCOMES)
        came = entered_cell(entered, "received", column) + entered_cell(entered, "carried_over", column)
        adds = {row: entered_cell(entered, row, column) for row in ENTERED_ROWS}
        adds.update({"answered": outcomes, PENDING_ROW[0]: came - outcomes})
        for row, value in adds.items():
            rows[row][index] += value
            rows[row][last] += value
    return rows


@read_only
def report_cells(found: DisclosureReport) -> dict:
    """Everything the report's text shows: the layout and the figures (computed and manual), ready to draw."""
    computed, manual = figures_of(found)
    figures = {key: manual.get(key, 0) for key in MANUAL_FIGURES}
    figures.update({key: computed.get("proactive", {}).get(key, 0) for key in COMPUTED_PROACTIVE})
    for key in AMOUNT_FIGURES:
        figures[key] = _amount(manual.get(key))
    cases = {block: [manual.get(f"{block}_{outcome}", 0) for outcome, _ in CASE_OUTCOMES] for block, _ in CASE_BLOCKS}
    cases = {block: values + [sum(values)] for block, values in cases.items()}
    rows = application_rows(computed, manual.get("applications", {}))
    return {"year": found.year, "headings": HEADINGS, "proactive": PROACTIVE, "figures": figures,
            "categories": computed.get("categories", []), "catalogue_total": computed.get("catalogue_total", 0),
            "received_rows": RECEIVED_ROWS, "outcomes": OUTCOMES, "outcomes_heading": OUTCOMES_HEADING,
            "pending_row": PENDING_ROW, "organisation_headings": ORGANISATION_HEADINGS, "rows": rows,
            "outcome_count": sum(len(group_rows) for _group, group_rows in OUTCOMES),
            "case_blocks": CASE_BLOCKS, "case_outcomes": CASE_OUTCOMES, "cases": cases,
            "counted_rows": computed.get("applications", {}), "late_replies": computed.get("late_replies", 0),
            "texts": {part: text_to_html(getattr(found, part) or "") for part in TEXT_PARTS}}


@read_only
def report_html(found: DisclosureReport) -> str:
    """The report's text as the article keeps it: the six sections, the three tables in the national layout."""
    return render_template("disclosure/report_body.html", **report_cells(found))


def _write_article(found: DisclosureReport, article: Article, actor: User) -> None:
    """Give the report's article the generated text, as an edit of the item (of a published one: its correction).

    :raises ReportError: the workflow does not let the actor change the item's text now (the message says why).
    """
    if article.status == "published" and article.change_status is None:
        if not may_start_change(article, actor):
            raise ReportError(edit_refusal(article, actor) or _l("You cannot change this item's text now."))
        apply_change_step(article, "change_start", actor=actor)
    if not may_edit(article, actor):
        raise ReportError(edit_refusal(article, actor) or _l("You cannot change this item's text now."))
    values = as_form_values(pending_data(article) or {f: getattr(article, f) for f in TEXT_FIELDS})
    values["body_html"] = report_html(found)
    save_article(article, actor=actor, fields=values, expected_version=article.version)


# --- a report's inputs and a correction of its published text ---------------------------------

#: What a report's text is generated from.
INPUT_PARTS = ("computed", "manual", "overview", "problems", "other")
STALE = _l("Someone changed this report after you opened it. Open it again and enter your changes there.")


def _inputs(found: DisclosureReport) -> dict:
    return {part: getattr(found, part) for part in INPUT_PARTS}


def _settle(found: DisclosureReport, article: Article) -> bool:
    """After a correction of the published report ended, put the inputs in step with the live text.

    Applied, the inputs are the live text's (the kept copy is dropped); discarded, the live text is still the one
    generated from the kept copy, which comes back. Returns True when inputs were given back.
    """
    if found.published_inputs is None or article.change_status is not None:
        return False
    restore = (article.body_html or "") != clean_body(report_html(found)).html
    if restore:
        for part, value in json.loads(found.published_inputs).items():
            if part in INPUT_PARTS:
                setattr(found, part, value)
    found.published_inputs = None
    return restore


def _before_change(found: DisclosureReport, article: Article) -> None:
    """Claim the report for this change (of two at once, the second is refused), settle an ended correction, and
    keep the published text's inputs when this change opens a correction.

    :raises ReportError: someone saved or generated the report meanwhile.
    """
    claimed = db.session.execute(
        update(DisclosureReport).where(DisclosureReport.id == found.id, DisclosureReport.version == found.version)
        .values(version=DisclosureReport.version + 1).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ReportError(STALE)
    set_committed_value(found, "version", found.version + 1)
    _settle(found, article)
    if article.status == "published" and article.change_status is None:
        found.published_inputs = json.dumps(_inputs(found))


# --- the operations ----------------------------------------------------------------------------

@audited
def settle_report(found: DisclosureReport, *, actor: User) -> bool:
    """Give back the inputs of the published text when a correction of it was discarded; True when it did.

    Called when the report is opened, so the form never shows figures of a correction nobody published.
    """
    article = report_article(found)
    if article is None or found.published_inputs is None or article.change_status is not None:
        return False
    if (article.body_html or "") == clean_body(report_html(found)).html:
        return False  # the correction was published: nothing to give back (the kept copy goes at the next save)
    _settle(found, article)
    record("disclosure_report.restore", f"article:{article.id}", year=found.year, title=article.title)
    db.session.flush()
    return True


@audited
def generate_report(year: int, *, actor: User) -> DisclosureReport:
    """Prepare the active site's report for `year`, or generate an existing one again; return it.

    The first time, the report's article is created in the annual reports column, being edited (an editor
    prepares it, then sends it for review as any item), with a first paragraph of the overview drafted from the
    figures. Each time, the figures the platform counts are counted again and the text is generated anew; the
    figures and paragraphs the site entered stay as they are.

    :raises ReportForbidden: the actor may not edit items.
    :raises ReportError: under "year", a year outside 2008 to last year (a report covers a finished year); the
        site has no annual reports column; the item's state does not let the actor change its text (being
        reviewed, approved, withdrawn).
    """
    _check_actor(actor)
    if not FIRST_YEAR <= year <= reporting_year():
        raise ReportError({"year": _l("Choose a year from %(first)s to %(last)s: a report covers a whole year, so "
                                      "this year's is prepared once it has ended.", first=FIRST_YEAR,
                                      last=reporting_year())})
    section = reports_section()
    if section is None:
        raise ReportError(_l("This site has no annual reports column in its disclosure column: add the column's "
                             "missing parts first."))
    computed = compute_figures(year)
    found = report_for_year(year)
    if found is None:
        try:
            with db.session.begin_nested():  # two editors preparing the year at once: the second is told so
                article = create_article(section=section, title=default_title(year), status="editing",
                                         source=_site().name_zh)
                article.created_by_id = actor.id
                found = DisclosureReport(year=year, article_id=article.id, computed=json.dumps(computed),
                                         manual="{}", overview=draft_overview(year, computed), created_by_id=actor.id,
                                         generated_at=now())
                db.session.add(found)
                db.session.flush()
        except IntegrityError:
            raise ReportError(_l("The report for %(year)s was prepared by someone else just now: open it from the "
                                 "list.", year=year)) from None
        _write_article(found, article, actor)
        record("disclosure_report.create", f"article:{article.id}", year=year, title=article.title)
    else:
        article = report_article(found)
        if article is None:  # the row goes with its article (ON DELETE CASCADE): not reached
            raise ReportError(_l("This report's item is gone."))
        _before_change(found, article)
        found.computed, found.generated_at = json.dumps(computed), now()
        _write_article(found, article, actor)
        record("disclosure_report.generate", f"article:{article.id}", year=year, title=article.title)
    db.session.flush()
    return found


def _checked_figures(manual: dict) -> tuple[dict, dict]:
    """The hand-entered figures as kept (counts as int, amounts as a string of two decimals), and the problems."""
    kept, problems = {}, {}
    for key in MANUAL_FIGURES:
        value = manual.get(key)
        if value in (None, ""):
            kept[key] = "0.00" if key in AMOUNT_FIGURES else 0
            continue
        if key in AMOUNT_FIGURES:
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
                problems[key] = _l("An amount in 10,000 yuan, from 0 up to 100,000,000, with at most two decimals.")
            elif amount != amount.quantize(Decimal("0.01")):
                problems[key] = _l("At most two decimals (the report gives amounts to the hundred yuan).")
            else:
                kept[key] = f"{abs(amount) if amount == 0 else amount:.2f}"  # never "-0.00"
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            problems[key] = _l("A whole number from 0 up to %(max)s.", max=MAX_COUNT)
        else:
            kept[key] = value
    return kept, problems


@read_only
def unbalanced_columns(rows: dict[str, list[int]]) -> list[tuple[str, int]]:
    """The columns of table 三 whose 结转下年度 would be negative (more entered as handled than came in), with it."""
    return [(COLUMN_NAMES[column], rows[PENDING_ROW[0]][index])
            for index, column in enumerate(ENTERED_COLUMNS) if rows[PENDING_ROW[0]][index] < 0]


@read_only
def unbalanced_message(column: str, pending: int):
    """Why a column of table 三 does not add up, in words for the office."""
    return _l("In the column “%(column)s”, more applications are entered as handled than came in: "
              "四、结转下年度继续办理 would be %(n)s. Enter the applications received on paper, by post or in "
              "person (or carried over from last year) under 一 or 二 as well.", column=column, n=pending)


def _checked_applications(entered: dict | None, computed: dict, before: dict) -> tuple[dict, dict]:
    """Table 三's hand-entered cells as kept ({row: {column: count}}, the cells above 0 only), and the problems
    (under each cell's form field; a column that does not add up, above the form). None keeps what was entered."""
    if entered is None:
        return before, {}
    kept: dict[str, dict[str, int]] = {}
    problems: dict = {}
    for row in ENTERED_ROWS:
        for column in ENTERED_COLUMNS:
            value = (entered.get(row) or {}).get(column)
            if value in (None, "", 0):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
                problems[entered_field(row, column)] = _l("A whole number from 0 up to %(max)s.", max=MAX_COUNT)
            else:
                kept.setdefault(row, {})[column] = value
    if not problems:
        for column, pending in unbalanced_columns(application_rows(computed, kept)):
            problems[f"applications:{column}"] = unbalanced_message(column, pending)
    return kept, problems


@audited
def save_report(found: DisclosureReport, *, actor: User, manual: dict, overview: str, problems: str, other: str,
                expected_version: int, applications: dict | None = None) -> None:
    """Keep the figures and paragraphs the site wrote for its report, and generate the text with them.

    The counted figures stay as they were last generated (generating again refreshes them). `manual` maps the
    figures of `report_layout.MANUAL_FIGURES` to counts (int) or, for the fees, an amount in 10,000 yuan; a
    missing one is 0. `applications` is what the office adds to table 三, {row: {column: count}} over
    `report_layout.ENTERED_ROWS` and `ENTERED_COLUMNS` (a missing cell is 0; None keeps what was entered): the
    entered applications must add up, none handled that did not come in. `expected_version` is the article's
    version when the form was opened.

    :raises ReportForbidden: the actor may not edit items.
    :raises ReportError: a figure out of range or a paragraph with a character no page can hold, under its
        field; a column of table 三 that does not add up; the item was saved by someone else meanwhile; the
        item's state does not let the actor change it.
    """
    _check_actor(actor)
    article = report_article(found)
    if article is None:
        raise ReportError(_l("This report's item is gone."))
    if article.version != expected_version:
        raise ReportError(STALE)
    computed, before = figures_of(found)
    kept, wrong = _checked_figures(manual)
    entered, unbalanced = _checked_applications(applications, computed, before.get("applications", {}))
    wrong.update(unbalanced)
    texts = {"overview": (overview or "").strip(), "problems": (problems or "").strip(), "other": (other or "").strip()}
    wrong.update(column_problems(DisclosureReport, texts, multiline=TEXT_PARTS))
    if wrong:
        raise ReportError(wrong)
    _before_change(found, article)
    before = json.loads(found.manual or "{}")
    if applications is None:
        entered = before.get("applications", {})
    changed = sorted([key for key in MANUAL_FIGURES
                      if before.get(key, "0.00" if key in AMOUNT_FIGURES else 0) != kept[key]]
                     + [part for part in TEXT_PARTS if getattr(found, part) != texts[part]]
                     + (["applications"] if before.get("applications", {}) != entered else []))
    if entered:
        kept["applications"] = entered
    found.manual = json.dumps(kept)
    for part, value in texts.items():
        setattr(found, part, value)
    _write_article(found, article, actor)
    record("disclosure_report.save", f"article:{article.id}", year=found.year, changed=changed)
    db.session.flush()
