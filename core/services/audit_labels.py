"""The audit log's words for online services: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("services", _l("Online services"), ("service.", "application."))
    describe_actions({}, {"service": _l("Service items"), "application": _l("Applications")})
    _applications()


def _applications() -> None:
    """Applications: filed and corrected by the public, handled by the service officers (core.services.applications)."""
    from core.services.applications import STATE_LABELS
    from core.services.feedback import RATING_LABELS

    describe_actions({
        "application.submit": _l("An applicant filed an application online"),
        "application.submit_again": _l("The same application form was sent again (nothing new was filed)"),
        "application.resubmit": _l("An applicant sent a corrected application"),
        "application.accept": _l("Accepted an application"),
        "application.return": _l("Returned an application for correction"),
        "application.not_accept": _l("Did not accept an application"),
        "application.approve": _l("Approved an application"),
        "application.refuse": _l("Refused an application"),
        "application.complete": _l("Completed an application"),
        "application.rate": _l("An applicant rated a completed application"),
        "application.follow_up": _l("Answered an applicant's poor rating"),
        "application.file_download": _l("Downloaded an applicant's material"),
    })
    describe_details({
        "item": lazy_pgettext("audit detail", "Service item"),
        "files": lazy_pgettext("audit detail", "Files"),
        "paused": lazy_pgettext("audit detail", "Working days with the applicant"),
        "rating": lazy_pgettext("audit detail", "Rating"),
        "follow_up": lazy_pgettext("audit detail", "Needs a follow-up"),
        "material": lazy_pgettext("audit detail", "Material"),
    })
    describe_values("application.", ("from", "to"), STATE_LABELS)
    describe_values("application.", "rating", RATING_LABELS)
