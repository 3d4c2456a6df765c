"""The audit log's words for items and files: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("articles", _l("Items and publishing"), ("article.", "attachment."))
    describe_group("notices", _l("Notices"), ("notice.",))
    describe_actions({
        "article.create": _l("Created an item"),
        "notice.push": _l("Sent a notice to every site"),
        "notice.receive": _l("Received a notice from the information bureau"),
        "attachment.sweep": _l("Deleted files no item or revision refers to any more"),
    }, {
        "article": _l("Items"),
        "notice": _l("Notices"),
        "attachment": _l("Files"),
    })
    describe_details({"files": lazy_pgettext("audit detail", "Files deleted")})
