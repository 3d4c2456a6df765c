"""Duty assignments of the active site. Flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.operations import record
from core.auth.models import User
from core.auth.operations import AccountError, member_of_site
from core.duties.models import DUTIES, DutyAssignment
from core.extensions import db

DUTY_LABELS = {
    "publishing": _l("Content publishing"),
    "online_services": _l("Online services"),
    "interaction": _l("Interaction"),
    "security": _l("Network security"),
    "maintenance": _l("Maintenance"),
}


@dataclass
class DutyRow:
    duty: str
    label: str
    responsible: User | None
    deputy: User | None


def duty_table() -> list[DutyRow]:
    """Every duty of the site in the guideline's order; unassigned ones have no responsible."""
    assigned = {a.duty: a for a in db.session.execute(select(DutyAssignment)).scalars()}
    return [DutyRow(d, str(DUTY_LABELS[d]), getattr(assigned.get(d), "responsible", None),
                    getattr(assigned.get(d), "deputy", None)) for d in DUTIES]


def assign_duty(duty: str, responsible_id: int | None, deputy_id: int | None) -> None:
    """Name who answers for a duty and their deputy; both must hold a role on this site."""
    if duty not in DUTIES:
        raise AccountError(_l("Unknown duty."))
    people = {}
    for key, user_id in (("responsible", responsible_id), ("deputy", deputy_id)):
        if user_id is not None:
            people[key] = member_of_site(user_id)
            if people[key] is None:
                raise AccountError(_l("Only people with a role on this site can take a duty."))
    if responsible_id is not None and responsible_id == deputy_id:
        raise AccountError(_l("The deputy must be someone other than the person responsible."))
    if responsible_id is None and deputy_id is not None:
        raise AccountError(_l("Name the person responsible before a deputy."))
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
