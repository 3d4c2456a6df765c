"""A citizen or an organisation who applies for disclosure through the real form, and the officer who handles it
(helpers of tests/disclosure/test_applications*.py)."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from core.disclosure.models_applications import DisclosureApplication, DisclosureApplicationEvent
from core.extensions import db
from core.workdays.operations import load_year
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token

#: A valid ID number (GB 11643 check digit), a mobile number, a valid unified social credit code (GB 32100).
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
OTHER_PHONE = "13987654321"
CREDIT_CODE = "91131000MA0CW5T723"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REQUEST = "广阳区万庄新城二期地块国有土地上房屋征收补偿方案"


def person(**overrides) -> dict:
    data = {"applicant_kind": "person", "applicant_name": "王小明", "id_number": ID_NUMBER, "phone": PHONE,
            "email": "wang@example.com", "address": "廊坊市广阳区新华路12号", "postcode": "065000",
            "description": REQUEST, "document_number": "", "purpose": "", "form": "electronic", "delivery": "online",
            "declaration": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def organisation(**overrides) -> dict:
    data = person(applicant_kind="organisation", applicant_name="", id_number="",
                  organisation_name="廊坊市安信物流有限公司", organisation_type="business", credit_code=CREDIT_CODE,
                  legal_representative="赵建国", contact_name="孙丽",
                  description="某物流园建设项目环境影响评价批复文件")
    data.update(overrides)
    return data


def apply(client, data: dict | None = None, *, files: list | None = None, page=None):
    """Open the apply page and send it, as a browser does (multipart, CSRF); return the POST's response."""
    page = page if page is not None else client.get("/disclosure/apply")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    submission = re.search(r'name="submission" type="hidden" value="([^"]*)"', html)
    body = {"csrf_token": csrf_token(html), "submission": submission.group(1) if submission else "",
            **(person() if data is None else data)}
    if files:
        body["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/disclosure/apply", data=body, content_type="multipart/form-data")


def receipt_code(client) -> str:
    html = client.get("/disclosure/receipt").get_data(as_text=True)
    return re.search(r'class="svc-code">([A-Z0-9-]+)<', html).group(1)


def track(client, code: str, phone: str = PHONE):
    page = client.get("/disclosure/track")
    return client.post("/disclosure/track", data={"code": code, "phone": phone,
                                                  "csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.fixture
def clock(monkeypatch):
    """`clock(datetime(...))`: the time applications are filed, handled and timed at (city time)."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("core.disclosure.applications.now", lambda: moment)
        monkeypatch.setattr("core.disclosure.queries_applications.now", lambda: moment)

    return set_time


@pytest.fixture
def calendar_2026(app):
    with app.app_context():
        load_year(2026)
        db.session.commit()


@pytest.fixture
def officer_of(signed_in):
    """`officer_of(site, username)`: a client signed in on the site's host as one of its disclosure officers."""

    def factory(site, username: str = "officer"):
        client, _account = signed_in(site.host, f"{username}.{site.slug}", site=site, roles=["disclosure_officer"])
        return client

    return factory


ADMIN = "/admin/disclosure/applications"


def step(client, application_id: int, key: str, *, files: list | None = None, **fields):
    """Take an officer's step through the application's page (its form, CSRF and all)."""
    html = client.get(f"{ADMIN}/{application_id}").get_data(as_text=True)
    token = re.search(rf'id="{key}-csrf_token" name="{key}-csrf_token" type="hidden" value="([^"]+)"', html)
    data = {"step": key, f"{key}-csrf_token": token.group(1) if token else csrf_token(html)}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    if files:
        data[f"{key}-files"] = [(io.BytesIO(content), name) for name, content in files]
        return client.post(f"{ADMIN}/{application_id}", data=data, content_type="multipart/form-data")
    return client.post(f"{ADMIN}/{application_id}", data=data)


def row(app, site, code: str | None = None) -> DisclosureApplication:
    """The site's application (the only one, or the one with this tracking code), read through the ORM."""
    with app.app_context(), activate_tenant(site.id):
        query = select(DisclosureApplication)
        if code:
            query = query.where(DisclosureApplication.tracking_code == code.replace("-", ""))
        found = db.session.execute(query).scalars().one()
        db.session.expunge(found)
        db.session.remove()
        return found


def steps(app, site, application_id: int) -> list:
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(DisclosureApplicationEvent.step, DisclosureApplicationEvent.at)
                                  .where(DisclosureApplicationEvent.application_id == application_id)
                                  .order_by(DisclosureApplicationEvent.id)).all()
        db.session.remove()
        return [(r.step, r.at) for r in rows]
