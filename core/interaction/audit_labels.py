"""The audit log's words for letters: what each action code core.interaction.letters records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_targets, describe_values


def register() -> None:
    """Name this module's letter actions in the audit log (called from its `init_app`)."""
    from core.interaction.labels import HOLD_LABELS, KIND_LABELS, NOT_ACCEPTED_LABELS, RATING_LABELS

    describe_group("interaction", _l("Letters"), ("letter.", "mailbox."))
    describe_actions({
        "letter.submit": _l("A citizen wrote a letter to a mailbox"),
        "letter.submit_again": _l("The same letter form was sent again (nothing new was filed)"),
        "letter.release": _l("Released a held letter into the queue"),
        "letter.assign": _l("Assigned a letter"),
        "letter.draft": _l("Drafted a reply for review"),
        "letter.reply": _l("Replied to a letter"),
        "letter.approve": _l("Approved a reply, which went out"),
        "letter.send_back": _l("Sent a drafted reply back"),
        "letter.request_info": _l("Asked a writer for more information"),
        "letter.add_info": _l("A writer added information to a letter"),
        "letter.not_accept": _l("Did not accept a letter"),
        "letter.forward": _l("Forwarded a letter to another department"),
        "letter.forwarded_in": _l("Received a letter forwarded by another department"),
        "letter.publish": _l("Published a letter and its reply"),
        "letter.unpublish": _l("Took a letter off the published letters"),
        "letter.rate": _l("A writer rated a reply"),
        "letter.attachment_download": _l("Downloaded a writer's attachment"),
        "letter.platform_reply_days": _l("Set the reply limit of every mailbox"),
        "letter.early_warning": _l("Letters were found past the early-warning line (the daily check)"),
        "mailbox.update": _l("Changed a mailbox"),
        "mailbox.review_replies": _l("Turned second-officer review of replies on or off"),
    }, {"letter": _l("Letters"), "mailbox": _l("Mailboxes")})
    describe_details({
        "held": lazy_pgettext("audit detail", "Held for checking"),
        "attachment": lazy_pgettext("audit detail", "With an attachment"),
        "officer": lazy_pgettext("audit detail", "Officer"),
        "late": lazy_pgettext("audit detail", "After the limit"),
        "waited_days": lazy_pgettext("audit detail", "Working days waiting for the writer"),
        "to_site": lazy_pgettext("audit detail", "Forwarded to"),
        "from_site": lazy_pgettext("audit detail", "Forwarded from"),
        "enabled": lazy_pgettext("audit detail", "Turned on"),
        "reply_days": lazy_pgettext("audit detail", "Reply limit (working days)"),
        "previous_days": lazy_pgettext("audit detail", "Limit before (working days)"),
        "days": lazy_pgettext("audit detail", "Working days"),
        "unreviewed": lazy_pgettext("audit detail", "Sent without a second officer's review (fewer than two officers)"),
        "warned": lazy_pgettext("audit detail", "Letters past the early-warning line"),
        "overdue": lazy_pgettext("audit detail", "Letters overdue"),
        "veto": lazy_pgettext("audit detail", "Letters past the veto line"),
        "warning_months": lazy_pgettext("audit detail", "Early-warning line (months unanswered)"),
        "veto_months": lazy_pgettext("audit detail", "Veto line (months unanswered)"),
    })
    for prefix in ("letter.", "mailbox."):
        describe_values(prefix, "kind", KIND_LABELS)
    describe_values("letter.", "reason", NOT_ACCEPTED_LABELS)
    describe_values("letter.", "held", {**HOLD_LABELS, "": _l("no")})
    describe_values("letter.", "rating", RATING_LABELS)
    describe_targets("mailbox.update", KIND_LABELS)
