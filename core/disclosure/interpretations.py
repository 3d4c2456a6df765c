"""Policy interpretation (政策解读): linking an item to the policies it interprets. Operations, audited on the site.

The guideline wants every policy the city issues explained to the public: in words, as a graphic (图解) or in a
video. An interpretation is an item of its own (written and published through the workflow); the link says
which policy it explains and how, and both public pages show it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.content.models import Article
from core.disclosure.models import INTERPRETATION_KINDS, PolicyInterpretation
from core.extensions import db
from core.operations import OperationError, audited


class InterpretationError(OperationError):
    """A link refused, with the field to blame."""


@audited
def link_interpretation(interpretation: Article, policy: Article, *, kind: str) -> PolicyInterpretation:
    """Record that `interpretation` explains `policy`, in words ("text"), a graphic or a video.

    :raises InterpretationError: under "policy_id" (the item itself, not a policy: it has no policy level,
        or already linked) or "kind" (not one of INTERPRETATION_KINDS).
    """
    problems: dict = {}
    if kind not in INTERPRETATION_KINDS:
        problems["kind"] = _l("Choose how the item interprets the policy: text, graphic or video.")
    if policy.id == interpretation.id:
        problems["policy_id"] = _l("An item cannot interpret itself.")
    elif policy.policy_level is None:
        problems["policy_id"] = _l("Only a policy (an item with a policy level) is interpreted.")
    elif db.session.execute(select(PolicyInterpretation.id).where(
            PolicyInterpretation.policy_id == policy.id,
            PolicyInterpretation.interpretation_id == interpretation.id)).first():
        problems["policy_id"] = _l("This item is already linked to that policy.")
    if problems:
        raise InterpretationError(problems)
    link = PolicyInterpretation(policy_id=policy.id, interpretation_id=interpretation.id, kind=kind)
    db.session.add(link)
    db.session.flush()
    record("interpretation.link", f"article:{interpretation.id}", policy=f"article:{policy.id}",
           policy_title=policy.title, kind=kind)
    return link


@audited
def unlink_interpretation(link: PolicyInterpretation) -> None:
    """Remove a link; both items stay as they are."""
    policy_id, interpretation_id = link.policy_id, link.interpretation_id
    db.session.delete(link)
    record("interpretation.unlink", f"article:{interpretation_id}", policy=f"article:{policy_id}")
    db.session.flush()
