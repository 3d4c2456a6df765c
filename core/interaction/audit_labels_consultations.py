"""The audit log's words for public consultations: what each action code of core.interaction.consultations says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    """Name the consultations' actions, details and values in the audit log (called from the module's `init_app`)."""
    from core.interaction.consultations import DECISION_LABELS, EDIT_FIELDS, STATE_LABELS

    describe_group("consultations", _l("Public consultations"), ("consultation.",))
    describe_actions({
        "consultation.create": _l("Drafted a public consultation"),
        "consultation.update": _l("Changed a public consultation's draft"),
        "consultation.publish": _l("Published a public consultation"),
        "consultation.withdraw": _l("Withdrew a public consultation from the public site"),
        "consultation.opinion": _l("A member of the public sent an opinion on a consultation"),
        "consultation.decide": _l("Decided on an opinion of a consultation"),
        "consultation.summary": _l("Published a consultation's feedback summary"),
        "consultation.export": _l("Exported a consultation's opinions"),
    }, {"consultation": _l("Public consultations")})
    describe_details({
        "opens": lazy_pgettext("audit detail", "First day of opinions"),
        "closes": lazy_pgettext("audit detail", "Last day of opinions"),
        "opinion": lazy_pgettext("audit detail", "Opinion number"),
        "opinions": lazy_pgettext("audit detail", "Opinions"),
        "total": lazy_pgettext("audit detail", "Opinions on the draft"),
        "adopted": lazy_pgettext("audit detail", "Adopted"),
        "partly_adopted": lazy_pgettext("audit detail", "Partly adopted"),
        "not_adopted": lazy_pgettext("audit detail", "Not adopted"),
        "set_aside": lazy_pgettext("audit detail", "Set aside"),
        "format": lazy_pgettext("audit detail", "File format"),
    })
    describe_values("consultation.", ("from", "to"), {**STATE_LABELS, **DECISION_LABELS,
                                                      None: _l("no decision yet")})
    describe_values("consultation.update", "changed", dict(zip(EDIT_FIELDS, (
        _l("title"), _l("drafting office"), _l("first day"), _l("last day"), _l("text"), _l("other ways to take part"),
        _l("document")))))
    describe_values("consultation.export", "format", {"csv": "CSV", "xlsx": "Excel"})
