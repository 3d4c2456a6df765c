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


# --- a change to a published item ----------------------------------------------------------------
#
# A published item is corrected as Wagtail corrects a live page: the correction is a draft over the
# live text, which the public keeps seeing until the draft has gone the same way as a new item
# (edit → review → approve → publish, or a publisher's urgent "past review") and is published.

#: The state of a change; "none" is a published item without one (where a change begins).
NO_CHANGE = "none"
CHANGE_STATUS_LABELS = {
    "editing": lazy_pgettext("change state", "Being edited"),
    "reviewing": lazy_pgettext("change state", "Waiting for review"),
    "approved": lazy_pgettext("change state", "Approved, waiting to be published"),
}
#: Who may change the pending text in which state of the change (an editor, or a publisher correcting).
CHANGE_EDITABLE_IN = {"editing": ("content.edit", "content.publish")}
#: Where a change goes when it is published or discarded: no change any more.
CHANGE_ENDS = ("live", NO_CHANGE)

CHANGE_TRANSITIONS = (
    Transition("change_start", (NO_CHANGE,), "editing", "content.edit", _l("Correct the published text")),
    Transition("change_start", (NO_CHANGE,), "editing", "content.publish", _l("Correct the published text")),
    Transition("change_submit", ("editing",), "reviewing", "content.edit", _l("Send the correction for review")),
    Transition("change_submit", ("editing",), "reviewing", "content.publish", _l("Send the correction for review")),
    Transition("change_return", ("reviewing",), "editing", "content.review",
               _l("Send the correction back to the editor"), True),
    Transition("change_approve", ("reviewing",), "approved", "content.review", _l("Approve the correction")),
    Transition("change_return", ("approved",), "reviewing", "content.publish",
               _l("Send the correction back to the reviewer"), True),
    Transition("change_publish", ("approved",), "live", "content.publish", _l("Publish the correction")),
    Transition("change_force_publish", ("editing", "reviewing"), "live", "content.publish",
               _l("Publish the correction now, past review (urgent)"), True),
    Transition("change_discard", ("editing",), NO_CHANGE, "content.edit", _l("Discard the correction")),
    Transition("change_discard", ("editing", "reviewing", "approved"), NO_CHANGE, "content.publish",
               _l("Discard the correction")),
)
CHANGE_ACTIONS = frozenset(t.action for t in CHANGE_TRANSITIONS)


def editing_permissions(status: str, change_status: str | None) -> tuple[str, ...]:
    """The permissions any one of which lets someone change the text now (a published item's: its change's)."""
    if status == "published":
        if change_status is None:
            return ()
        return CHANGE_EDITABLE_IN.get(change_status, ())
    permission = EDITABLE_IN.get(status)
    return (permission,) if permission else ()


def change_steps(change_status: str | None) -> list[Transition]:
    """The change steps that exist from a change state (None: no change yet), one per action and permission."""
    state = change_status or NO_CHANGE
    return [t for t in CHANGE_TRANSITIONS if state in t.source]


def step_rows(action: str, status: str) -> list[Transition]:
    """Every row of either table that takes `action` from `status` (a step some roles share has one each)."""
    table = CHANGE_TRANSITIONS if action in CHANGE_ACTIONS else TRANSITIONS
    return [t for t in table if t.action == action and status in t.source]


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
    ("change_editing", "content.edit", _l("Corrections of published items being edited")),
    ("change_reviewing", "content.review", _l("Corrections of published items waiting for review")),
    ("change_approved", "content.publish", _l("Corrections of published items waiting to be published")),
)
