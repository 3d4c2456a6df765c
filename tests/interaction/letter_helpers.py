"""A citizen who writes through the real form, officers who act through the letter's page (tests of letters)."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.interaction.models import Letter
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token

PHONE = "13812345678"
OTHER_PHONE = "13987654321"
NAME = "王小明"
ID_NUMBER = "11010519491231002X"
EMAIL = "wangxm@example.com"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def good_letter(**overrides) -> dict:
    data = {"subject": "关于灵活就业人员社保补缴的咨询", "body": "本人2025年有三个月未缴社保，请问能否补缴，需要带哪些材料？",
            "writer_name": NAME, "phone": PHONE, "email": EMAIL, "may_publish": "yes", "declaration": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def write(client, kind: str = "consultation", data: dict | None = None, *, attachment=None):
    """Open the write page of a mailbox and send it as a browser does (multipart, CSRF); return the POST's response."""
    page = client.get(f"/interaction/write/{kind}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    submission = re.search(r'name="submission" type="hidden" value="([^"]*)"', html)
    body = {"csrf_token": csrf_token(html), "submission": submission.group(1) if submission else "",
            **(good_letter() if data is None else data)}
    if attachment is not None:
        name, content = attachment
        body["attachment"] = (io.BytesIO(content), name)
    return client.post(f"/interaction/write/{kind}", data=body, content_type="multipart/form-data")


def receipt_code(client) -> str:
    html = client.get("/interaction/receipt").get_data(as_text=True)
    return re.search(r'class="svc-code">([A-Z0-9-]+)<', html).group(1)


def query(client, code: str, phone: str = PHONE):
    page = client.get("/interaction/query")
    return client.post("/interaction/query", data={"code": code, "phone": phone,
                                                   "csrf_token": csrf_token(page.get_data(as_text=True))})


def post_on_status(client, path: str, data: dict):
    """Post one of the forms of the writer's letter page (adding information, rating), with the session's CSRF token
    (read from a page that always has a form: the letter's page may have none left)."""
    page = client.get("/interaction/write/consultation")
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def step(client, letter_id: int, key: str, **fields):
    """Take an officer's step through the letter's page (its form, CSRF and all)."""
    html = client.get(f"/admin/interaction/letters/{letter_id}").get_data(as_text=True)
    token = re.search(rf'id="{key}-csrf_token" name="{key}-csrf_token" type="hidden" value="([^"]+)"', html)
    assert token, f"the page offers the step {key}"
    data = {"step": key, f"{key}-csrf_token": token.group(1)}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    return client.post(f"/admin/interaction/letters/{letter_id}", data=data)


def letter_row(app, site, code: str | None = None) -> Letter:
    """The site's letter (the only one, or the one with this query code), read through the ORM."""
    with app.app_context(), activate_tenant(site.id):
        found_query = select(Letter)
        if code:
            found_query = found_query.where(Letter.query_code == code.replace("-", ""))
        found = db.session.execute(found_query.order_by(Letter.id.desc())).scalars().first()
        assert found is not None
        db.session.expunge(found)
        db.session.remove()
        return found


@pytest.fixture
def officer_of(signed_in):
    """`officer_of(site, username)`: a client signed in on the site's host as one of its interaction officers."""

    def factory(site, username: str = "officer"):
        client, account = signed_in(site.host, f"{username}.{site.slug}", site=site, roles=["interaction_officer"])
        client.account = account
        return client

    return factory


@pytest.fixture
def clock(monkeypatch):
    """`clock(datetime(...))`: the time letters are written, handled and timed at (city time)."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("core.interaction.letters.now", lambda: moment)
        monkeypatch.setattr("core.interaction.queries_letters.now", lambda: moment)

    return set_time


@pytest.fixture
def calendar_2026(app):
    from core.workdays.operations import load_year

    with app.app_context():
        load_year(2026)
        db.session.commit()
    return app
