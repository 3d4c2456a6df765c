"""The audit log's words for the evaluation: its action codes and details."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.evaluation.labels import GRADE_LABELS, TRIGGER_LABELS
from core.evaluation.settings import SETTINGS
from core.evaluation.yearly_layout import MANUAL_LINES


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("evaluation", _l("Evaluation"), ("evaluation.",))
    describe_actions({
        "evaluation.settings": _l("Changed the evaluation's thresholds or weights"),
        "evaluation.snapshot": _l("Kept a snapshot of the site's evaluation"),
        "evaluation.snapshot_all": _l("Took a snapshot of every site's evaluation"),
        "evaluation.snapshot_request": _l("Asked for a snapshot of every site's evaluation now"),
        "evaluation.snapshot_start": _l("Started the snapshot of every site's evaluation that was asked for"),
    }, {"evaluation": _l("Evaluation")})
    describe_details({
        "settings_changed": lazy_pgettext("audit detail", "Settings changed (before, after)"),
        "score": lazy_pgettext("audit detail", "Score"),
        "grade": lazy_pgettext("audit detail", "Grade"),
        "snapshot_trigger": lazy_pgettext("audit detail", "Taken by"),
        "as_of": lazy_pgettext("audit detail", "Evaluated as of"),
    })
    describe_details({key: setting.label for key, setting in SETTINGS.items()})
    describe_group("website_report", _l("Yearly website reports"), ("website_report.",))
    describe_actions({
        "website_report.create": _l("Prepared the yearly website report"),
        "website_report.generate": _l("Counted the yearly website report's figures again"),
        "website_report.save": _l("Changed the lines of the yearly website report the office enters"),
        "website_report.publish": _l("Published the yearly website report"),
        "website_report.withdraw": _l("Withdrew the yearly website report to correct it"),
    }, {"website_report": _l("Yearly website reports")})
    describe_details({"year": lazy_pgettext("audit detail", "Year"),
                      "reason": lazy_pgettext("audit detail", "Reason")})
    describe_values("website_report.", "changed", {line.key: line.label_en for line in MANUAL_LINES})
    describe_values("evaluation.", "grade", GRADE_LABELS)
    describe_values("evaluation.", "snapshot_trigger", TRIGGER_LABELS)
