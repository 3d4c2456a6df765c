"""The reminder: once, a few working days before the due date (counted with the holiday calendar), to those who
have not acknowledged; never twice, never after the due date."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.auth.models import User
from core.extensions import db
from core.training.models import TrainingMaterial
from core.training.operations import acknowledge
from core.training.queries import reminder_due
from core.workdays.operations import load_year
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.training.conftest import make_material, received, run

#: Due on Friday 9 October 2026, the second working day after the National Day holiday (1-7 October).
DUE = date(2026, 10, 9)


@pytest.fixture
def calendar_2026(app):
    with app.app_context():
        load_year(2026)
        db.session.commit()


def _acknowledge(app, site, user_id, material_id):
    with app.app_context(), activate_tenant(site.id):
        acknowledge(db.session.get(TrainingMaterial, material_id), user=db.session.get(User, user_id),
                    roles={"editor"}, site=db.session.get(Tenant, site.id))
        db.session.commit()


def test_the_reminder_day_follows_the_holiday_calendar(app, calendar_2026):
    with app.app_context():
        # Three working days before 9 October: 29 and 30 September, 8 October (1-7 October are days off).
        assert [day for day in (date(2026, 9, d) for d in range(25, 31)) if reminder_due(DUE, day, 3)] == \
            [date(2026, 9, 29), date(2026, 9, 30)]
        assert not reminder_due(DUE, date(2026, 10, 3), 3)  # a holiday: no reminder goes out that day
        assert reminder_due(DUE, date(2026, 10, 8), 3) and reminder_due(DUE, DUE, 3)
        assert not reminder_due(DUE, DUE + timedelta(days=1), 3)


def test_one_reminder_exactly_to_those_who_have_not_acknowledged(app, town, calendar_2026, create_account):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.rsj.id, town.czj.id], due_on=DUE, today=date(2026, 9, 1))
    run(app, "training.distribute", datetime(2026, 9, 1, 10, 0))
    key = f"training-reminder:{material}"
    _acknowledge(app, town.rsj, town.people["rsj.editor"], material)  # read it at once: never reminded
    sent = {}
    for day in [date(2026, 9, 25) + timedelta(days=n) for n in range(17)]:  # 25 September to 11 October
        if day == date(2026, 9, 30):
            _acknowledge(app, town.czj, town.people["czj.editor"], material)  # reminded on the 29th, then read it
        if day == date(2026, 10, 3):
            create_account("rsj.october", site=town.rsj, roles=["editor"])  # joins during the holiday
        if day == date(2026, 10, 10):
            create_account("rsj.late", site=town.rsj, roles=["editor"])  # joins after the due date
        counts = run(app, "training.remind", datetime.combine(day, datetime.min.time()).replace(hour=9))
        sent[day] = counts["people"]
    reminders = received(app, key)
    with app.app_context():
        names = {u.id: u.username for u in db.session.query(User).filter(User.id.in_(list(reminders)))}
    # Nothing before the 29th; on the 29th everyone who had not read it, once; the newcomer on the first working
    # day after the holiday; nobody after the due date.
    assert {day: n for day, n in sent.items() if n} == {date(2026, 9, 29): 3, date(2026, 10, 8): 1}
    assert sorted(names.values()) == ["both.editor", "czj.editor", "rsj.october", "rsj.publisher"]
    assert all(m.kind == "reminder" and m.link.endswith(f"/admin/training/{material}") for m in reminders.values())
    assert "检查指标" in reminders[town.people["rsj.publisher"]].subject


def test_no_reminder_for_a_draft_or_a_withdrawn_material(app, town, calendar_2026):
    from core.training.operations import withdraw_material

    draft = make_material(app, town.bureau, publish=False, due_on=DUE, today=date(2026, 9, 1))
    withdrawn = make_material(app, town.bureau, due_on=DUE, today=date(2026, 9, 1))
    with app.app_context():
        withdraw_material(db.session.get(TrainingMaterial, withdrawn), actor=db.session.get(User, town.bureau))
        db.session.commit()
    assert run(app, "training.remind", datetime(2026, 10, 8, 9, 0)) == {"materials": 0, "people": 0}
    assert received(app, f"training-reminder:{draft}") == received(app, f"training-reminder:{withdrawn}") == {}
