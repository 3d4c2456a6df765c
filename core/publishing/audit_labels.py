"""The audit log's words for the publishing process: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_values
from core.publishing.workflow import CHANGE_STATUS_LABELS, NO_CHANGE


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_actions({
        "article.save": _l("Saved an item"),
        "article.restore": _l("Restored an earlier revision of an item"),
        "article.submit": _l("Sent an item on"),
        "article.return": _l("Sent an item back"),
        "article.approve": _l("Approved an item"),
        "article.publish": _l("Published an item"),
        "article.unschedule": _l("Cancelled an item's scheduled publication"),
        "article.force_publish": _l("Published an item past review (urgent)"),
        "article.post_approve": _l("Approved an item after its publication"),
        "article.withdraw": _l("Withdrew an item"),
        "article.reopen": _l("Reopened an item for editing"),
        "article.scheduled_publish": _l("Published an item at its scheduled time"),
        "article.schedule_held": _l("Held back a scheduled item that is not filed in the disclosure catalogue"),
        "article.expire": _l("Took an item down at its expiry"),
        "article.change_start": _l("Started a correction of a published item"),
        "article.change_save": _l("Saved a correction"),
        "article.change_submit": _l("Sent a correction for review"),
        "article.change_return": _l("Sent a correction back"),
        "article.change_approve": _l("Approved a correction"),
        "article.change_publish": _l("Published a correction"),
        "article.change_force_publish": _l("Published a correction past review (urgent)"),
        "article.change_discard": _l("Discarded a correction"),
    })
    # A correction's states: "none" before it starts or after it is discarded, "live" once published.
    describe_values("article.change_", ("from", "to"), {
        **CHANGE_STATUS_LABELS, NO_CHANGE: _l("no correction"), "live": _l("published as the live text")})
    describe_details({
        "missing_files": lazy_pgettext("audit detail", "Files no longer kept"),
        "pending": lazy_pgettext("audit detail", "As a correction of the published text"),
        "correction_set_aside": lazy_pgettext("audit detail", "Correction set aside (its revision)"),
        "restoring": lazy_pgettext("audit detail", "Restoring revision"),
        "backdated_to": lazy_pgettext("audit detail", "Dated"),
        "backdate_reason": lazy_pgettext("audit detail", "Why it is dated earlier"),
    })
