"""The audit log's words for applications for disclosure (依申请公开): what each action code says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    from core.disclosure.applications import GROUND_LABELS, KIND_LABELS, REPLY_LABELS, STATE_LABELS

    describe_group("disclosure_applications", _l("Applications for disclosure"), ("disclosure_application.",))
    describe_actions({
        "disclosure_application.submit": _l("An applicant applied for disclosure online"),
        "disclosure_application.submit_again": _l("The same application form for disclosure was sent again "
                                                  "(nothing new was filed)"),
        "disclosure_application.register": _l("Registered an application for disclosure"),
        "disclosure_application.clarify": _l("Asked an applicant for disclosure to clarify the application"),
        "disclosure_application.clarified": _l("An applicant sent the clarification of an application for "
                                               "disclosure"),
        "disclosure_application.extend": _l("Extended the time limit of an application for disclosure"),
        "disclosure_application.answer": _l("Answered an application for disclosure"),
        "disclosure_application.file_download": _l("Opened a file of an application for disclosure"),
        "disclosure_application.lapse": _l("Closed an application for disclosure not clarified in time (deemed "
                                           "withdrawn)"),
    }, {"disclosure_application": _l("Applications for disclosure")})
    describe_details({
        "applicant": lazy_pgettext("audit detail", "Applicant"),
        "received_on": lazy_pgettext("audit detail", "Received on"),
        "due_on": lazy_pgettext("audit detail", "Reply due"),
        "restarted_on": lazy_pgettext("audit detail", "Time limit counted again from"),
        "days": lazy_pgettext("audit detail", "Working days"),
        "reply": lazy_pgettext("audit detail", "Reply"),
        "ground": lazy_pgettext("audit detail", "Legal ground"),
        "on_time": lazy_pgettext("audit detail", "Within the time limit"),
        "file": lazy_pgettext("audit detail", "File"),
        "clarify_due_on": lazy_pgettext("audit detail", "Clarification due by"),
    })
    describe_values("disclosure_application.", ("from", "to"), STATE_LABELS)
    describe_values("disclosure_application.", "applicant", KIND_LABELS)
    describe_values("disclosure_application.", "reply", REPLY_LABELS)
    describe_values("disclosure_application.", "ground", GROUND_LABELS)
    describe_values("disclosure_application.", "file", {"applicant": _l("The applicant's file"),
                                                         "reply": _l("A file of the reply")})
