"""The evaluation's thresholds, weights and grade bands: defaults from the code, the bureau's changes in the database.

Every figure the rules use is here, by key, with its default, the range it may take and what the console's
settings page calls it. The bureau changes them on /platform/evaluation/settings (an audited operation); a key
without a row in `evaluation_settings` is its default. Everything is a whole number: days, months, counts,
points out of 100.

Three of the lines are read below the evaluation too: the lines of late letters (the officers' queue, the daily
warning job and the letter statistics of core.interaction) and the back-dating margin (the publish step of
core.publishing). Those modules sit below this one (tests/test_layers.py) and may not import it, so each offers a
hook (core.interaction.lines, core.content.backdating) that this module fills from its `init_app`
(`fill_hooks`): the settings stay in one place, on one page, audited, and every reader applies the same value.
Their defaults are the hooks' own, so a module without the evaluation keeps the national inspection's lines.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content.backdating import DEFAULT_MARGIN_DAYS, set_margin_source
from core.evaluation.models import EvaluationSetting
from core.extensions import db
from core.interaction.lines import VETO_MONTHS, VETO_WINDOW_MONTHS, WARNING_MONTHS, LetterLines, set_lines_source

#: The groups the settings page shows, in order.
GROUPS = {
    "veto": _l("Veto lines (any one fails the site)"),
    "warning": _l("Early warnings (shown, not scored)"),
    "weight": _l("Deductions: points out of 100"),
    "measure": _l("What the deductions measure"),
    "grade": _l("Grade bands"),
}


@dataclass(frozen=True)
class Setting:
    key: str
    default: int
    minimum: int
    maximum: int
    group: str
    label: object  # a lazy string


_ALL = (
    # Veto lines.
    Setting("homepage_days", 14, 1, 365, "veto", _l("Days without anything new on the homepage")),
    Setting("news_section_days", 14, 1, 365, "veto", _l("Days a news-like section may go without an update")),
    Setting("notice_section_months", 6, 1, 36, "veto",
            _l("Months a notices or policy documents section may go without an update")),
    Setting("overdue_sections", 5, 1, 100, "veto", _l("Sections overdue by their update class")),
    Setting("long_stale_days", 365, 30, 3650, "veto", _l("Days after which any section counts as long stale")),
    Setting("long_stale_sections", 10, 1, 100, "veto", _l("Long-stale sections")),
    Setting("empty_sections", 5, 1, 100, "veto", _l("Empty sections without a note")),
    Setting("incomplete_guides", 1, 1, 1000, "veto", _l("Service items whose guide lacks a key element")),
    Setting("forged_dates", 1, 1, 1000, "veto", _l("Items dated earlier than written, without a reason")),
    Setting("backdate_margin_days", DEFAULT_MARGIN_DAYS, 0, 365, "veto",
            _l("Days an item may be dated earlier than it was written without a reason")),
    Setting("letter_veto_months", VETO_MONTHS, 1, 12, "veto",
            _l("Months a valid letter may wait for its answer (more fails the site)")),
    Setting("letter_window_months", VETO_WINDOW_MONTHS, 1, 36, "veto",
            _l("Months back in which a letter that waited too long fails the site")),
    # Early warnings.
    Setting("homepage_warning_days", 10, 1, 365, "warning", _l("Days without anything new on the homepage")),
    Setting("empty_warning", 2, 0, 100, "warning", _l("More empty sections than")),
    Setting("stale_warning", 6, 0, 100, "warning", _l("More long-stale sections than")),
    Setting("letter_warning_months", WARNING_MONTHS, 1, 12, "warning",
            _l("Months a letter waits unanswered before the early warning")),
    # Deductions: the weights add up to 100 by default.
    Setting("weight_news", 15, 0, 100, "weight", _l("Work news every month")),
    Setting("weight_disclosure", 10, 0, 100, "weight", _l("Disclosure of every category")),
    Setting("weight_policy_filing", 5, 0, 100, "weight", _l("Policies with level, document number and issuing body")),
    Setting("weight_interpretation", 5, 0, 100, "weight", _l("Municipal policies interpreted")),
    Setting("weight_guides", 10, 0, 100, "weight", _l("Service guides complete")),
    Setting("weight_online", 10, 0, 100, "weight", _l("Services online, or forms to download")),
    Setting("weight_letters_on_time", 10, 0, 100, "weight", _l("Letters answered on time, overdue ones included")),
    Setting("weight_reply_time", 5, 0, 100, "weight", _l("Median reply time")),
    Setting("weight_replies_published", 5, 0, 100, "weight", _l("Replies published")),
    Setting("weight_consultations", 5, 0, 100, "weight", _l("Consultations with a published summary")),
    Setting("weight_duties", 5, 0, 100, "weight", _l("Duty assignments complete")),
    Setting("weight_links", 5, 0, 100, "weight", _l("No broken links or missing attachments")),
    Setting("weight_footer", 5, 0, 100, "weight", _l("Footer identity complete")),
    Setting("weight_security", 5, 0, 100, "weight", _l("No open security findings")),
    # What the deductions measure.
    Setting("news_per_month", 20, 1, 1000, "measure", _l("Work news items each calendar month")),
    Setting("news_months", 3, 1, 12, "measure", _l("Complete calendar months the work news is counted over")),
    Setting("letters_months", 12, 1, 24, "measure", _l("Months of letters and consultations counted")),
    Setting("links_full", 5, 1, 1000, "measure",
            _l("Broken links and missing attachments that take the whole weight")),
    Setting("findings_full", 5, 1, 1000, "measure", _l("Open security findings that take the whole weight")),
    # Grade bands.
    Setting("excellent_from", 85, 1, 100, "grade", _l("Excellent from (points)")),
    Setting("good_from", 70, 0, 100, "grade", _l("Good from (points)")),
)
SETTINGS: dict[str, Setting] = {s.key: s for s in _ALL}
DEFAULTS: dict[str, int] = {s.key: s.default for s in _ALL}


def current_settings() -> dict[str, int]:
    """Every setting's value now: the bureau's where it changed one, else the default (one query)."""
    values = dict(DEFAULTS)
    for key, value in db.session.execute(select(EvaluationSetting.key, EvaluationSetting.value)).all():
        if key in values:
            values[key] = value
    return values


def settings_problems(values: dict[str, int]) -> dict[str, object]:
    """Why a set of values cannot be used: {key: message} for a value out of its range, and bands out of order."""
    problems: dict[str, object] = {}
    for key, value in values.items():
        setting = SETTINGS.get(key)
        if setting is None:
            problems[key] = _l("Unknown setting.")
        elif not isinstance(value, int) or not setting.minimum <= value <= setting.maximum:
            problems[key] = _l("A whole number from %(low)s to %(high)s.", low=setting.minimum, high=setting.maximum)
    merged = {**DEFAULTS, **values}
    if "good_from" not in problems and "excellent_from" not in problems \
            and merged["good_from"] >= merged["excellent_from"]:
        problems["good_from"] = _l("The good band must start below the excellent one.")
    if "letter_warning_months" not in problems and "letter_veto_months" not in problems \
            and merged["letter_warning_months"] >= merged["letter_veto_months"]:
        problems["letter_warning_months"] = _l("The early warning must come before the veto line: fewer months.")
    return problems


def letter_lines_of(values: dict[str, int]) -> LetterLines:
    """The lines of late letters in a set of settings (core.interaction.lines)."""
    return LetterLines(warning_months=values["letter_warning_months"], veto_months=values["letter_veto_months"],
                       window_months=values["letter_window_months"])


def fill_hooks() -> None:
    """Let the modules below read the lines kept here: the lines of late letters and the back-dating margin (each
    read with one query, when asked for)."""
    set_lines_source(lambda: letter_lines_of(current_settings()))
    set_margin_source(lambda: current_settings()["backdate_margin_days"])
