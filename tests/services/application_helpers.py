"""Items open for online applications, and a citizen who applies through the real form (tests of applications).

Until the guide pages exist, items are created directly: a ServiceItem with its
published guide as JSON, online, with an application form definition.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

import pytest

from core.extensions import db
from core.services.models import ServiceItem
from tests.fixtures.accounts import csrf_token

#: A valid ID number (GB 11643 check digit) and a mobile number, as a citizen types them.
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
#: Another person's, for the other site and for wrong-phone queries.
OTHER_ID = "131002198506151236"
OTHER_PHONE = "13987654321"

FIELDS = [
    {"key": "employer", "type": "text", "label": "工作单位", "label_en": "Employer", "required": True,
     "max_length": 100},
    {"key": "years", "type": "number", "label": "工作年限", "label_en": "Years worked", "min": 0, "max": 60},
    {"key": "started", "type": "date", "label": "参加工作时间", "label_en": "Started work on"},
    {"key": "level", "type": "choice", "label": "申报等级", "label_en": "Level", "required": True,
     "choices": ["初级", "中级", {"value": "senior", "label": "高级", "label_en": "Senior"}]},
    {"key": "agent_id", "type": "id_number", "label": "代理人身份证号码", "label_en": "Agent's ID number"},
    {"key": "diploma", "type": "file", "label": "学历证书", "label_en": "Diploma", "required": True,
     "extensions": ["pdf", "jpg", "png"], "max_mb": 1},
]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Item:
    id: int
    site_id: int
    name: str


def make_item(app, site, *, name="专业技术人员职称评审申报", code="RS-001", fields=FIELDS, promised_days=5,
              online_level="online", published=True, catalogue_status="active") -> Item:
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site.id):
        guide = {"name": name, "online_level": online_level, "promised_days": promised_days,
                 "statutory_days": 20, "application_fields": fields}
        item = ServiceItem(code=code, name=name, kind="licensing", online_level=online_level,
                           promised_days=promised_days, statutory_days=20,
                           application_fields=json.dumps(fields, ensure_ascii=False),
                           published_guide=json.dumps(guide, ensure_ascii=False) if published else None,
                           published_at=datetime(2026, 1, 5) if published else None,
                           catalogue_status=catalogue_status, office="职称科", phone="0316-2011234")
        db.session.add(item)
        db.session.commit()
        found = Item(item.id, site.id, name)
        db.session.remove()
        return found


@pytest.fixture
def online_item(app):
    """`online_item(site, **overrides)`: an item of `site` open for online applications."""
    return lambda site, **kwargs: make_item(app, site, **kwargs)


def form_values(html: str) -> dict:
    """The CSRF token and the submission key of an apply page."""
    submission = re.search(r'name="submission" type="hidden" value="([^"]*)"', html) or \
        re.search(r'id="submission" name="submission" type="hidden" value="([^"]*)"', html)
    return {"csrf_token": csrf_token(html), "submission": submission.group(1) if submission else ""}


def good_answers(**overrides) -> dict:
    data = {"applicant_name": "王小明", "id_number": ID_NUMBER, "phone": PHONE, "email": "wang@example.com",
            "f_employer": "廊坊市第一中学", "f_years": "12", "f_started": "2014-07-01", "f_level": "中级",
            "f_agent_id": "", "declaration": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def apply(client, item_id: int, data: dict | None = None, *, files: dict | None = None, page=None):
    """Open the apply page and send it, as a browser does (multipart, CSRF); return the POST's response."""
    page = page if page is not None else client.get(f"/services/items/{item_id}/apply")
    assert page.status_code == 200, page.status_code
    values = form_values(page.get_data(as_text=True))
    body = {**values, **(good_answers() if data is None else data)}
    chosen = {"diploma": ("学历证书.pdf", PDF)} if files is None else files
    for key, (name, content) in chosen.items():
        body[f"f_{key}"] = (io.BytesIO(content), name)
    return client.post(f"/services/items/{item_id}/apply", data=body, content_type="multipart/form-data")


def receipt_code(client) -> str:
    """The tracking code on the receipt page the browser was sent to."""
    html = client.get("/services/receipt").get_data(as_text=True)
    return re.search(r'class="svc-code">([A-Z0-9-]+)<', html).group(1)


def track(client, code: str, phone: str = PHONE):
    page = client.get("/services/track")
    return client.post("/services/track", data={"code": code, "phone": phone,
                                                "csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.fixture
def clock(monkeypatch):
    """`clock(datetime(...))`: the time applications are filed, handled and timed at (city time)."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("core.services.applications.now", lambda: moment)
        monkeypatch.setattr("core.services.queries_applications.now", lambda: moment)

    return set_time


@pytest.fixture
def officer_of(signed_in):
    """`officer_of(site, username)`: a client signed in on the site's host as one of its service officers."""

    def factory(site, username: str = "officer"):
        client, _account = signed_in(site.host, f"{username}.{site.slug}", site=site, roles=["service_officer"])
        return client

    return factory


def step(client, application_id: int, key: str, **fields):
    """Take an officer's step through the application's page (its form, CSRF and all)."""
    page = client.get(f"/admin/services/applications/{application_id}")
    html = page.get_data(as_text=True)
    token = re.search(rf'id="{key}-csrf_token" name="{key}-csrf_token" type="hidden" value="([^"]+)"', html)
    data = {"step": key, f"{key}-csrf_token": token.group(1) if token else csrf_token(html)}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    return client.post(f"/admin/services/applications/{application_id}", data=data)


def application_row(app, site, code: str | None = None):
    """The site's application (the only one, or the one with this tracking code), read through the ORM."""
    from sqlalchemy import select

    from core.services.models import Application
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site.id):
        query = select(Application)
        if code:
            query = query.where(Application.tracking_code == code.replace("-", ""))
        found = db.session.execute(query).scalars().one()
        db.session.expunge(found)
        db.session.remove()
        return found
