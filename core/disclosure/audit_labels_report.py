"""The audit log's words for the yearly disclosure report: its actions, and what a saved change names."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.disclosure.report_layout import MANUAL_LABELS

#: The report's paragraphs and table 三's hand-entered cells, as the "changed" detail names them.
TEXT_LABELS = {
    "overview": _l("Overview (section 1)"),
    "problems": _l("Main problems and improvements (section 5)"),
    "other": _l("Other matters to report (section 6)"),
    "applications": _l("Applications entered by hand (section 3)"),
}


def register() -> None:
    """Name this part's actions in the audit log (called from the module's `init_app`)."""
    describe_group("disclosure_report", _l("Yearly disclosure reports"), ("disclosure_report.",))
    describe_actions({
        "disclosure_report.create": _l("Prepared the yearly disclosure report"),
        "disclosure_report.generate": _l("Generated the yearly disclosure report again from the platform's data"),
        "disclosure_report.restore": _l("Gave the yearly disclosure report back its published figures (a correction "
                                        "was discarded)"),
        "disclosure_report.save": _l("Changed the figures or text of the yearly disclosure report"),
    }, {"disclosure_report": _l("Yearly disclosure reports")})
    describe_details({"year": _l("Year")})
    describe_values("disclosure_report.", "changed", {**MANUAL_LABELS, **TEXT_LABELS})
