"""The API tests' city: two sites with news, notices, policies, a filed item and a published service item each."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.extensions import db
from core.services.models import ServiceItem
from core.timeutil import now
from tenants.scoping import activate_tenant


@dataclass
class City:
    rsj: object
    czj: object
    ids: dict  # (site slug, name) -> id


def _guide(code: str, name: str) -> str:
    return json.dumps({"code": code, "name": name, "kind": "licensing", "theme": "就业创业", "online_level": "online",
                       "legal_basis": "《就业促进法》", "conditions": "无", "location": "市民服务中心",
                       "office": "人事科",
                       "fee_basis": "", "fee_standard": "不收费", "hours": "工作日", "phone": "0316-1234567",
                       "statutory_days": 20, "promised_days": 5,
                       "materials": [{"name": "申请表", "form": "original", "count": 1, "required": True, "note": ""}],
                       "steps": [{"title": "受理", "description": "窗口受理"}], "forms": [], "application_fields": []})


@pytest.fixture
def city(app, two_sites, create_article_in) -> City:
    rsj, czj, articles = two_sites
    with app.app_context():
        ensure_default_categories()
        ensure_default_subjects()
        db.session.commit()
        category = db.session.execute(select(DisclosureCategory.id).order_by(DisclosureCategory.position)
                                      ).scalars().first()
        subject = db.session.execute(select(DisclosureSubject.id).order_by(DisclosureSubject.position)
                                     ).scalars().first()
        db.session.remove()
    ids = {(s.slug, "news"): articles[s.slug][0] for s in (rsj, czj)}
    for site in (rsj, czj):
        ids[(site.slug, "policy")] = create_article_in(
            site, "policies", "关于促进就业的若干措施", policy_level="municipal", policy_status="in_force",
            issuing_body="廊坊市人民政府", document_number="廊政〔2026〕3号",
            published_at=datetime(2026, 3, 2, 9, 0))
        ids[(site.slug, "old policy")] = create_article_in(
            site, "policies", "旧的管理办法", policy_level="provincial", policy_status="repealed",
            issuing_body="河北省人民政府", document_number="冀政〔2019〕8号", published_at=datetime(2019, 5, 6, 9, 0))
        ids[(site.slug, "filed")] = create_article_in(
            site, "disclosure", "2026年部门预算", disclosure_category_id=category, subject_id=subject,
            published_at=datetime(2026, 2, 1, 9))
        with app.app_context(), activate_tenant(site.id):
            item = ServiceItem(code="XK-001", name="人力资源服务许可", kind="licensing", published_guide=_guide(
                "XK-001", "人力资源服务许可"), published_at=now(), catalogue_status="active")
            hidden = ServiceItem(code="XK-002", name="未发布的事项", kind="licensing")
            db.session.add_all([item, hidden])
            db.session.commit()
            ids[(site.slug, "service")], ids[(site.slug, "hidden service")] = item.id, hidden.id
            db.session.remove()
    return City(rsj, czj, ids)


