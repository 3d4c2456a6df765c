"""Consultations made directly, a clock the module reads, the public's and officers' forms as a browser posts them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.interaction.models_consultations import Consultation, Opinion
from tests.fixtures.accounts import csrf_token

#: A mobile number and a name a citizen leaves for a follow-up: never on a public page.
PHONE = "13812345678"
NAME = "王小明"


@dataclass
class Made:
    id: int
    site_id: int


def make_consultation(app, site, *, open_on=date(2026, 3, 1), close_on=date(2026, 3, 31), status="published",
                      title="廊坊市就业补贴管理办法（征求意见稿）", body_html="<p>第一条 为规范就业补贴资金管理，制定本办法。</p>",
                      office="就业促进科", how_to="", summary_at: datetime | None = None) -> Made:
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site.id):
        consultation = Consultation(title=title, body_html=body_html, office=office, open_on=open_on,
                                    close_on=close_on, status=status, how_to=how_to,
                                    published_at=datetime(2026, 2, 20, 9, 0) if status == "published" else None,
                                    summary_published_at=summary_at, summary_text="采纳情况说明" if summary_at else "")
        db.session.add(consultation)
        db.session.commit()
        made = Made(consultation.id, site.id)
        db.session.remove()
        return made


@pytest.fixture
def consultation(app):
    """`consultation(site, **fields)`: a consultation of `site`, published, open 2026-03-01 to 2026-03-31 by default."""
    return lambda site, **kwargs: make_consultation(app, site, **kwargs)


@pytest.fixture
def clock(monkeypatch):
    """`clock(datetime(...))`: the city's time (China time, naive) as the consultations module reads it."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("core.timeutil.now", lambda: moment)

    return set_time


def comment(client, consultation_id: int, data: dict | None = None):
    """Open the consultation's page and send an opinion through its form (CSRF and all); return the POST's response.

    When the page offers no form (outside the window) the token is taken from another public form page's session:
    the post must be refused by the server, not by a missing token.
    """
    page = client.get(f"/consultations/{consultation_id}")
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if token is None:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/admin/login").get_data(as_text=True))
    body = {"body": "建议将补贴申请时限由30日延长至60日。", "part": "第五条", "name": NAME, "phone": PHONE}
    if data is not None:
        body = data
    return client.post(f"/consultations/{consultation_id}", data={"csrf_token": token.group(1), **body})


def opinions_of(app, site, consultation_id: int) -> list[Opinion]:
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site.id):
        rows = list(db.session.execute(select(Opinion).where(Opinion.consultation_id == consultation_id)
                                       .order_by(Opinion.id)).scalars())
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
        return rows


def consultation_row(app, site, consultation_id: int) -> Consultation:
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site.id):
        row = db.session.get(Consultation, consultation_id)
        db.session.expunge(row)
        db.session.remove()
        return row


def post_with_token(client, form_path: str, path: str, data: dict, *, prefix: str = ""):
    """Post to `path` with the CSRF token of the page at `form_path` (its `prefix`ed form's, when it has one)."""
    html = client.get(form_path).get_data(as_text=True)
    name = f"{prefix}-csrf_token" if prefix else "csrf_token"
    token = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return client.post(path, data={name: token.group(1), **data})


__all__ = ["NAME", "PHONE", "clock", "comment", "consultation", "consultation_row", "csrf_token", "make_consultation",
           "opinions_of", "post_with_token"]
