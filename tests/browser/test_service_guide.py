"""A citizen reads a service guide on a phone and prints it, in a real browser."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT

pytestmark = pytest.mark.browser

#: Puts one published guide on the live city's Personnel Bureau, as a reviewer's approval leaves it.
SEED = """
import json
from sqlalchemy import select
from core import create_app
from core.extensions import db
from core.services.guide import snapshot
from core.services.models import ServiceItem, ServiceMaterial, ServiceStep
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant

app = create_app()
with app.app_context():
    site = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
    with activate_tenant(site.id):
        item = db.session.execute(select(ServiceItem).where(ServiceItem.code == "BROWSER-XK-1")).scalar_one_or_none()
        if item is None:
            item = ServiceItem(code="BROWSER-XK-1", name="人力资源服务许可", kind="licensing", theme="就业创业",
                               legal_basis="《人力资源市场暂行条例》第十八条", conditions="有明确的章程和管理制度；\\n有固定场所。",
                               location="廊坊市政务服务中心二楼人社综合窗口A12-A15（广阳区新华路1号）", office="行政审批科",
                               fee_standard="不收费", hours="工作日 上午9:00-12:00，下午13:30-17:00（法定节假日除外）",
                               phone="0316-2011111", statutory_days=20, promised_days=10, online_level="online")
            for i, name in enumerate(("人力资源服务许可申请表", "营业执照", "法定代表人（负责人）身份证",
                                      "经营场所使用证明（房产证或租赁合同）")):
                item.materials.append(ServiceMaterial(position=i, name=name, form="copy", count=1))
            for i, title in enumerate(("申请", "受理", "审查", "决定", "送达")):
                item.steps.append(ServiceStep(position=i, title=title, description="依法办理。"))
            db.session.add(item)
            db.session.flush()
            item.published_guide = json.dumps(snapshot(item), ensure_ascii=False)
            item.published_at = now()
            db.session.commit()
        print(item.id)
"""


@pytest.fixture(scope="module")
def guide_id(live_city, live_env):
    _, env = live_env
    result = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True)
    return int(result.stdout.strip().splitlines()[-1])


def test_a_guide_reads_on_a_phone_and_prints_without_its_buttons(browser, live_city, guide_id):
    port, _ = live_city
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"http://rsj.localhost:{port}/sections/services/")
    page.get_by_role("link", name="人力资源服务许可").first.click()
    assert page.locator("h1").inner_text() == "人力资源服务许可"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    apply = page.get_by_role("link", name="在线申请")
    assert apply.is_visible() and apply.bounding_box()["y"] < 844, "the way to apply is on the first screen"
    assert page.locator(".material-list li").count() == 4
    assert page.locator(".steps li").all_inner_texts()[0].startswith("申请")
    assert page.get_by_role("link", name="0316-2011111").get_attribute("href") == "tel:03162011111"
    page.emulate_media(media="print")
    assert not apply.is_visible() and not page.locator(".mainnav").is_visible()
    printed = page.locator(".print-only")
    assert printed.is_visible() and f"rsj.localhost:{port}/services/items/{guide_id}" in printed.inner_text()
    context.close()
