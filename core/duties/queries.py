"""Reading a site's duty assignments, gaps included."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.auth.models import User
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


def duty_gaps() -> dict:
    """For the admin home's panel: the duties nobody answers for."""
    return {"gaps": [row for row in duty_table() if row.responsible is None]}


def assigned_duties() -> set[str]:
    """The duties of the active site someone answers for (one query; the evaluation's duty assignments)."""
    return set(db.session.execute(select(DutyAssignment.duty).where(DutyAssignment.responsible_id.is_not(None)))
               .scalars())
