"""Planting a site kept to a chosen standard, in real tables, as of a fixed moment (tests of the evaluation).

Rows are written directly, as the steps that make them have their own tests; what the evaluation reads of them
goes through the real queries.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from core.auth.models import Membership, User
from core.content.models import Article
from core.disclosure.models import DisclosureCategory
from core.disclosure.operations import ensure_default_categories
from core.duties.models import DUTIES, DutyAssignment
from core.extensions import db
from core.interaction.models import Letter
from core.privacy.crypto import lookup_hash
from core.sections.queries import site_sections
from core.services.models import ServiceForm, ServiceItem, ServiceMaterial, ServiceStep
from tenants.models import Tenant
from tenants.scoping import activate_tenant

#: The fixed clock of these tests: Friday 20 March 2026, 10:00 (the counted news months: December to February).
NOW = datetime(2026, 3, 20, 10, 0)
FOOTER = dict(sponsor_zh="廊坊市测试局", address_zh="廊坊市新华路1号", phone="0316-2012345",
              icp_record="冀ICP备05000128号-9", psb_record="冀公网安备 13100302000009号", site_code="1310000099")


def article(section_id: int, title: str, published: datetime, **fields) -> Article:
    written = fields.pop("written", published - timedelta(minutes=30))
    return Article(section_id=section_id, title=title, status="published", published_at=published,
                   created_at=written, updated_at=written, **fields)


def plant(app, site, *, news=(20, 20, 20), homepage_days: int = 1, duties: int = 5, guide_complete: bool = True,
          footer: bool = True, forged: int = 0) -> None:
    """Give `site` content as of NOW: `news` items of work news in December, January and February, something new
    on the homepage `homepage_days` ago, every section and disclosure category filled, one service item (its guide
    complete or without its time limit), `duties` of the five duties assigned, the footer complete or without its
    record numbers, and `forged` items dated a month before they were written, with no reason."""
    with app.app_context():
        ensure_default_categories()
        db.session.commit()
        with activate_tenant(site.id):
            tenant = db.session.get(Tenant, site.id)
            for key, value in FOOTER.items():
                setattr(tenant, key, value if footer or key not in ("icp_record", "psb_record", "site_code") else "")
            sections = site_sections()
            by_key = {s.mandatory_key or s.slug: s for s in sections}
            for s in sections:
                if s.kind == "single_page":
                    s.page_html = "<p>本栏目介绍。</p>"
            rows = []
            for month, count in zip((datetime(2025, 12, 1, 9), datetime(2026, 1, 1, 9), datetime(2026, 2, 1, 9)),
                                    news):
                rows += [article(by_key["news"].id, f"工作动态{month:%m}-{n}", month + timedelta(days=n % 27))
                         for n in range(count)]
            rows.append(article(by_key["news"].id, "最新工作动态", NOW - timedelta(days=homepage_days)))
            for s in sections:  # every other section that holds items has a recent one
                if s.kind in ("article_list", "policy_list") and s.mandatory_key != "news":
                    rows.append(article(s.id, f"{s.name_zh}最新信息", NOW - timedelta(days=homepage_days + 2),
                                        policy_level="provincial" if s.kind == "policy_list" else None,
                                        document_number="冀政发〔2026〕1号" if s.kind == "policy_list" else "",
                                        issuing_body="河北省人民政府" if s.kind == "policy_list" else ""))
            column = by_key["disclosure"]
            for category in db.session.execute(select(DisclosureCategory)).scalars():
                rows.append(article(column.id, f"{category.name_zh}公开", NOW - timedelta(days=30),
                                    disclosure_category_id=category.id))
            rows += [article(by_key["notices"].id, f"补录旧文{n}", NOW - timedelta(days=40),
                             written=NOW - timedelta(days=2)) for n in range(forged)]
            db.session.add_all(rows)
            item = ServiceItem(code="T-001", name="测试许可事项", kind="public_service", legal_basis="《条例》第三条",
                               conditions="申请人为本市企业", location="市民服务中心", office="审批科",
                               fee_standard="不收费", hours="工作日9:00-17:00", phone="0316-2012345",
                               statutory_days=20, promised_days=10 if guide_complete else None,
                               online_level="download", published_guide=json.dumps({"online_level": "download"}))
            item.materials.append(ServiceMaterial(name="申请表"))
            item.steps.append(ServiceStep(title="受理"))
            item.forms.append(ServiceForm(title="申请表", filename="申请表.pdf", stored_name="0" * 32 + ".pdf",
                                          content_type="application/pdf", size=4))
            db.session.add(item)
            people = []
            for n in range(duties):
                user = User(username=f"{site.slug}.duty{n}", display_name=f"责任人{n}", password_hash="x")
                db.session.add(user)
                db.session.flush()
                db.session.add(Membership(user_id=user.id, role="editor"))
                people.append(user)
            for duty, user in zip(DUTIES, people):
                db.session.add(DutyAssignment(duty=duty, responsible_id=user.id))
            db.session.commit()
        db.session.remove()


def letter(received: datetime, status: str = "assigned", replied: datetime | None = None) -> Letter:
    """A consultation letter of the active site that came at `received`, due a week later, in `status`."""
    return Letter(kind="consultation", query_code=f"Q{received:%y%m%d%H%M}", subject="咨询", body="请问如何办理？",
                  writer_name="王小明", phone="13812345678", phone_hash=lookup_hash("13812345678", "letter.phone"),
                  text_hash=f"{received:%Y%m%d%H%M}", status=status, received_at=received,
                  first_received_at=received, due_on=(received + timedelta(days=7)).date(), reply_days=5,
                  replied_at=replied, closed_at=replied, reply="答复" if replied else "")
