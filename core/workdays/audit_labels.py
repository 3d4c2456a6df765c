"""The audit log's words for the working-day calendar: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_targets, describe_values
from core.workdays.forms import KIND_LABELS


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("calendar", _l("Holiday calendar"), ("calendar.",))
    describe_actions({
        "calendar.load_year": _l("Entered a year's holidays from the State Council's schedule"),
        "calendar.set_day": _l("Entered a day in the holiday calendar"),
        "calendar.confirm_year": _l("Marked a year of the holiday calendar complete"),
    }, {"calendar": _l("Holiday calendar")})
    describe_details({
        "year": lazy_pgettext("audit detail", "Year"),
        "days": lazy_pgettext("audit detail", "Days entered"),
        "day": lazy_pgettext("audit detail", "Date"),
        "deadlines_moved": lazy_pgettext("audit detail", "Open deadlines counted again and moved"),
    })
    describe_values("calendar.", "kind", KIND_LABELS)
    describe_targets("calendar.", _calendar_target)


def _calendar_target(target: str) -> str:
    """`calendar:2026` → "2026", `calendar:2027-02-08` → "2027-02-08": a year or a day of the calendar."""
    return target.split(":", 1)[1] if target.startswith("calendar:") else target
