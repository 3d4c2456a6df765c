"""The information publishing process: collect → edit → review → publish, as data.

One table says which action moves an item from which state to which, and what
permission it takes; the operations consult it and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

#: An item's state; "article state" keeps these apart from the same English words elsewhere.
STATUS_LABELS = {
    "collecting": lazy_pgettext("article state", "Being collected"),
    "editing": lazy_pgettext("article state", "Being edited"),
    "reviewing": lazy_pgettext("article state", "Waiting for review"),
    "approved": lazy_pgettext("article state", "Approved, waiting to be published"),
    "scheduled": lazy_pgettext("article state", "Scheduled"),
    "published": lazy_pgettext("article state", "Published"),
    "withdrawn": lazy_pgettext("article state", "Withdrawn"),
}
#: Who may change the text in which state (everyone else only reads).
EDITABLE_IN = {"collecting": "content.collect", "editing": "content.edit"}
PRE_PUBLICATION = ("collecting", "editing", "reviewing", "approved", "scheduled")


@dataclass(frozen=True)
class Transition:
    action: str
    source: tuple[str, ...]
    target: str
    permission: str
    label: object
    needs_comment: bool = False


TRANSITIONS = (
    Transition("submit", ("collecting",), "editing", "content.collect", _l("Send to the editor")),
    Transition("return", ("editing",), "collecting", "content.edit", _l("Send back to the collector"), True),
    Transition("submit", ("editing",), "reviewing", "content.edit", _l("Send for review")),
    Transition("return", ("reviewing",), "editing", "content.review", _l("Send back to the editor"), True),
    Transition("approve", ("reviewing",), "approved", "content.review", _l("Approve")),
    Transition("return", ("approved",), "reviewing", "content.publish", _l("Send back to the reviewer"), True),
    Transition("publish", ("approved",), "published", "content.publish", _l("Publish")),
    Transition("unschedule", ("scheduled",), "approved", "content.publish", _l("Cancel the schedule")),
    Transition("force_publish", ("collecting", "editing", "reviewing"), "published", "content.publish",
               _l("Publish now, past review (urgent)"), True),
    Transition("post_approve", ("published",), "published", "content.review", _l("Approve after publication")),
    Transition("withdraw", ("published", "scheduled"), "withdrawn", "content.publish", _l("Withdraw"), True),
    Transition("reopen", ("withdrawn",), "editing", "content.edit", _l("Reopen for editing")),
)


def transition_for(action: str, status: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.action == action and status in t.source), None)


def available(status: str, needs_post_review: bool) -> list[Transition]:
    """The transitions that exist from a state (permissions are checked separately)."""
    found = [t for t in TRANSITIONS if status in t.source]
    if not needs_post_review:
        found = [t for t in found if t.action != "post_approve"]
    return found


#: The queues of the admin home: which items wait for which permission.
QUEUES = (
    ("collecting", "content.collect", _l("Drafts being collected")),
    ("editing", "content.edit", _l("Waiting for editing")),
    ("reviewing", "content.review", _l("Waiting for review")),
    ("approved", "content.publish", _l("Waiting to be published")),
    ("post_review", "content.review", _l("Published past review, to approve")),
)
