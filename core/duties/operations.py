"""Duty assignments of the active site (岗位责任制). Flush, never commit; audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.auth.queries import member_of_site
from core.duties.models import DUTIES, DutyAssignment
from core.extensions import db
from core.operations import OperationError, audited


class DutyError(OperationError):
    """A duty assignment refused."""


@audited
def assign_duties(assignments: dict[str, tuple[int | None, int | None]]) -> None:
    """Set who answers for each duty and their deputy: duty -> (responsible id, deputy id).

    :raises DutyError: under "<duty>.responsible" or "<duty>.deputy" (the duty's name for an unknown duty):
        someone without a role on this site, a deputy who is the person responsible, or a deputy with
        nobody responsible.
    """
    for duty, (responsible_id, deputy_id) in assignments.items():
        assign_duty(duty, responsible_id, deputy_id)


@audited
def assign_duty(duty: str, responsible_id: int | None, deputy_id: int | None) -> None:
    """Name who answers for a duty and their deputy; both must hold a role on this site."""
    if duty not in DUTIES:
        raise DutyError({duty: _l("Unknown duty.")})
    people = {}
    for key, user_id in (("responsible", responsible_id), ("deputy", deputy_id)):
        if user_id is not None:
            people[key] = member_of_site(user_id)
            if people[key] is None:
                raise DutyError({f"{duty}.{key}": _l("Only people with a role on this site can take a duty.")})
    if responsible_id is not None and responsible_id == deputy_id:
        raise DutyError({f"{duty}.deputy": _l("The deputy must be someone other than the person responsible.")})
    if responsible_id is None and deputy_id is not None:
        raise DutyError({f"{duty}.responsible": _l("Name the person responsible before a deputy.")})
    assignment = db.session.execute(select(DutyAssignment).where(DutyAssignment.duty == duty)).scalar_one_or_none()
    if assignment is None:
        if responsible_id is None:
            return  # nothing to record: the duty stays a gap
        assignment = DutyAssignment(duty=duty)
        db.session.add(assignment)
    before = (assignment.responsible_id, assignment.deputy_id)
    assignment.responsible_id, assignment.deputy_id = responsible_id, deputy_id
    if before != (responsible_id, deputy_id):
        record("duty.assign", duty,
               responsible=people["responsible"].username if "responsible" in people else None,
               deputy=people["deputy"].username if "deputy" in people else None)
    db.session.flush()
