"""The audit log's words for the inbox: messages delivered."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    describe_group("inbox", _l("Inbox messages"), ("inbox.",))
    describe_actions({"inbox.deliver": _l("Delivered a message to people's inboxes")},
                     {"inbox": _l("Inbox")})
    describe_details({"people": _l("People it reached")})
    describe_values("inbox.", "kind", {"training": _l("Training"), "reminder": _l("Reminder"), "alert": _l("Alert"),
                                      "security": _l("Security")})
