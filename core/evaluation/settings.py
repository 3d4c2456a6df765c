"""The evaluation's thresholds, weights and grade bands: defaults from the code, the bureau's changes in the database.

Every figure the rules use is here, by key, with its default, the range it may take and what the console's
settings page calls it. The bureau changes them on /platform/evaluation/settings (an audited operation); a key
without a row in `evaluation_settings` is its default. Everything is a whole number: days, months, counts,
points out of 100.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.evaluation.models import EvaluationSetting
from core.extensions import db

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
    # Early warnings.
    Setting("homepage_warning_days", 10, 1, 365, "warning", _l("Days without anything new on the homepage")),
    Setting("empty_warning", 2, 0, 100, "warning", _l("More empty sections than")),
    Setting("stale_warning", 6, 0, 100, "warning", _l("More long-stale sections than")),
    # Deductions: the weights add up to 100 by default.
    Setting("weight_news", 15, 0, 100, "weight", _l("Work news every month")),
    Setting("weight_disclosure", 10, 0, 100, "weight", _l("Disclosure of every category")),
    Setting("weight_policy_filing", 5, 0, 100, "weight", _l("Policies with level, document number and issuing body")),
    Setting("weight_interpretation", 5, 0, 100, "weight", _l("Municipal policies interpreted")),
    Setting("weight_guides", 10, 0, 100, "weight", _l("Service guides complete")),
    Setting("weight_online", 10, 0, 100, "weight", _l("Services online, or forms to download")),
    Setting("weight_letters_on_time", 10, 0, 100, "weight", _l("Letters answered on time")),
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
    return problems
