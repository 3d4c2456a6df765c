"""Items of the catalogue for the guide and catalogue tests: made directly, as the bureau's import would leave them.

Import the fixtures into a test module (`from tests.services.guide_fixtures import create_item  # noqa: F401`).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.extensions import db
from core.services.guide import snapshot
from core.services.models import ServiceItem, ServiceMaterial, ServiceStep
from core.timeutil import now
from tenants.scoping import activate_tenant

#: A complete guide of a real licensing item of a personnel bureau (人力资源服务许可).
GUIDE = {
    "theme": "就业创业",
    "legal_basis": "《人力资源市场暂行条例》第十八条\n《河北省人力资源市场条例》第十二条",
    "conditions": "1. 有明确的章程和管理制度；\n2. 有开展业务必需的固定场所、办公设施；\n3. 有5名以上专职工作人员。",
    "location": "廊坊市政务服务中心二楼人社窗口A12（广阳区新华路1号）",
    "office": "人力资源市场科",
    "fee_standard": "不收费",
    "fee_basis": "",
    "hours": "工作日 上午9:00-12:00，下午13:30-17:00（法定节假日除外）",
    "phone": "0316-2011111",
    "statutory_days": 20,
    "promised_days": 10,
    "online_level": "online",
}
MATERIALS = (
    ("人力资源服务许可申请书", "original", 1, True, "需加盖单位公章"),
    ("营业执照", "copy", 1, True, ""),
    ("场所使用证明", "both", 1, True, ""),
    ("委托书", "original", 1, False, "委托他人办理的提供"),
)
STEPS = (("申请", "申请人通过网上或窗口提交材料。"), ("受理", "材料齐全的当场受理。"), ("审查", ""),
         ("决定", "作出准予或不予许可的决定。"), ("送达", "窗口领取或邮寄送达许可证。"))


@pytest.fixture
def create_item(app):
    """Create an item on a site (committed); return its id.

    `complete=False` leaves the guide's elements empty (no materials, no steps); `published=True` also freezes
    the working copy as the published guide, as an approval does.
    """

    def factory(site, *, code: str = "130100-XK-001", name: str = "人力资源服务许可", kind: str = "licensing",
                complete: bool = True, published: bool = False, materials=MATERIALS, steps=STEPS, **fields) -> int:
        with app.app_context(), activate_tenant(site.id):
            values = dict(GUIDE) if complete else {}
            values.update(fields)
            position = len(db.session.execute(select(ServiceItem.id)).all())
            item = ServiceItem(code=code, name=name, kind=kind, position=position, **values)
            db.session.add(item)
            if complete:
                for index, (m_name, form, count, required, note) in enumerate(materials):
                    item.materials.append(ServiceMaterial(position=index, name=m_name, form=form, count=count,
                                                          required=required, note=note))
                for index, (title, description) in enumerate(steps):
                    item.steps.append(ServiceStep(position=index, title=title, description=description))
            db.session.flush()
            if published:
                item.published_guide = json.dumps(snapshot(item), ensure_ascii=False)
                item.published_at = now()
            db.session.commit()
            item_id = item.id
            db.session.remove()
            return item_id

    return factory


def read_item(app, site, item_id: int) -> ServiceItem:
    """The item as stored now (detached, with its parts loaded)."""
    with app.app_context(), activate_tenant(site.id):
        item = db.session.get(ServiceItem, item_id)
        _ = (item.materials, item.steps, item.forms)
        db.session.expunge_all()
        return item
