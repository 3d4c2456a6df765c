"""A citizen on a phone applies online, is returned for correction by a service officer, corrects the application
and checks its state; the officer works at a desktop. A real browser against the served demo city."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT
from tests.browser.test_staff import sign_in

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 390, "height": 844}
OFFICER, OFFICER_PASSWORD = "rsj.services", "Service-Officer-42"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = [
    {"key": "employer", "type": "text", "label": "工作单位", "required": True, "max_length": 100},
    {"key": "years", "type": "number", "label": "从事专业技术工作年限", "min": 0, "max": 60},
    {"key": "level", "type": "choice", "label": "申报等级", "required": True, "choices": ["初级", "中级", "高级"]},
    {"key": "diploma", "type": "file", "label": "学历证书", "required": True, "extensions": ["pdf", "jpg", "png"],
     "max_mb": 5, "help": "扫描件或清晰照片"},
]
#: Run in the live city's environment: an item of the Personnel Bureau open online, and a service officer.
SEED = """
import json, sys
from sqlalchemy import select
from core import create_app
from core.auth.operations import create_user
from core.auth.models import User
from core.extensions import db
from core.services.models import ServiceItem
from tenants.models import Tenant
from tenants.scoping import activate_tenant

fields = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
    with activate_tenant(tenant.id):
        item = db.session.execute(select(ServiceItem).where(ServiceItem.code == "BROWSER-RS-01")).scalar_one_or_none()
        if item is None:
            name = "专业技术人员职称评审申报（浏览器测试）"
            guide = {"name": name, "online_level": "online", "promised_days": 10, "statutory_days": 20,
                     "application_fields": fields}
            item = ServiceItem(code="BROWSER-RS-01", name=name, online_level="online", promised_days=10,
                               statutory_days=20, application_fields=json.dumps(fields, ensure_ascii=False),
                               published_guide=json.dumps(guide, ensure_ascii=False))
            db.session.add(item)
        if db.session.execute(select(User).where(User.username == sys.argv[2])).scalar_one_or_none() is None:
            create_user(username=sys.argv[2], display_name="人社局办事专员", password=sys.argv[3],
                        roles=["service_officer"], must_change_password=False)
        db.session.commit()
        print(item.id)
"""


@pytest.fixture(scope="module")
def item_id(live_city, live_env):
    _folder, env = live_env
    result = subprocess.run([sys.executable, "-c", SEED, json.dumps(FIELDS, ensure_ascii=False), OFFICER,
                             OFFICER_PASSWORD], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(result.stdout.strip().splitlines()[-1])


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing runs off the screen"


def test_a_citizen_applies_is_returned_corrects_and_checks_on_a_phone(browser, live_city, item_id, tmp_path):
    port, _accounts = live_city
    site = f"http://rsj.localhost:{port}"
    phone = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    errors = []
    citizen.on("pageerror", lambda e: errors.append(str(e)))

    # Mistakes first: a mistyped ID number (its check digit does not add up), no employer, a text file,
    # the declaration not ticked.
    citizen.goto(f"{site}/services/items/{item_id}/apply")
    assert citizen.locator("h1").inner_text().startswith("在线申请")
    citizen.get_by_label("姓名").fill("王小明")
    citizen.get_by_label("居民身份证号码").fill("110105194912310021")
    citizen.get_by_label("手机号码").fill("13812345678")
    citizen.get_by_label("申报等级").select_option("中级")
    citizen.get_by_label("学历证书").set_input_files(files=[{"name": "学历证书.txt", "mimeType": "text/plain",
                                                            "buffer": "我的证书".encode()}])
    citizen.get_by_role("button", name="提交申请").click()
    summary = citizen.get_by_role("alert")
    assert "请更正以下内容" in summary.inner_text()
    assert "身份证号码校验不通过" in summary.inner_text() and "请勾选承诺后再提交申请" in summary.inner_text()
    assert "此处不接受“txt”类型的文件" in citizen.locator(".svc-field.has-error").all_inner_texts()[-2]
    assert citizen.get_by_label("姓名").input_value() == "王小明"  # what was typed is kept
    assert citizen.get_by_label("居民身份证号码").input_value() == "110105194912310021"
    assert citizen.get_by_label("申报等级").input_value() == "中级"
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(tmp_path / "apply-errors-390.png"), full_page=True)
    # The summary's links take the thumb to the field.
    summary.get_by_role("link", name="居民身份证号码").click()
    assert citizen.evaluate("location.hash") == "#id_number"

    citizen.get_by_label("居民身份证号码").fill("11010519491231002X")
    citizen.get_by_label("工作单位").fill("廊坊市第一中学")
    citizen.get_by_label("从事专业技术工作年限").fill("12")
    citizen.get_by_label("学历证书").set_input_files(files=[{"name": "学历证书.pdf", "mimeType": "application/pdf",
                                                            "buffer": PDF}])
    citizen.get_by_label("本人承诺").check()
    citizen.get_by_role("button", name="提交申请").click()
    citizen.wait_for_url(f"{site}/services/receipt")
    assert "您的申请已提交" in citizen.get_by_role("heading", level=1).inner_text()
    code = citizen.locator(".svc-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert "承诺办结日期" in citizen.locator("main").inner_text()
    assert "王小明" not in citizen.content() and "13812345678" not in citizen.content()
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(tmp_path / "receipt-390.png"), full_page=True)

    # The service officer, at a desk, finds it in the queue and returns it saying what to add.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    sign_in(officer, port, "rsj.localhost", OFFICER, OFFICER_PASSWORD)
    officer.wait_for_url(f"{site}/admin/")
    assert "网上办事申请" in officer.locator("main").inner_text()
    officer.get_by_role("navigation").get_by_role("link", name="办件", exact=True).click()
    row = officer.locator("tr", has_text=code)
    assert "王**" in row.inner_text() and "138****5678" in row.inner_text() and "待受理" in row.inner_text()
    officer.screenshot(path=str(tmp_path / "officer-queue-1280.png"), full_page=True)
    row.get_by_role("link", name=code).click()
    assert officer.locator("h1").inner_text() == f"申请 {code}"
    details = officer.locator("main").inner_text()
    assert "11010519491231002X" in details and "13812345678" in details and "廊坊市第一中学" in details
    officer.screenshot(path=str(tmp_path / "officer-detail-1280.png"), full_page=True)
    returning = officer.locator("form", has=officer.get_by_role("heading", name="退回补正", exact=True))
    returning.get_by_label("需要申请人补正的内容").fill("请补充学历证书的学信网电子注册备案表。")
    returning.get_by_role("button", name="退回补正").click()
    assert "已退回补正" in officer.locator(".flash-success").inner_text()

    # Back on the phone: the citizen checks with code and phone, reads what to correct, and sends it again.
    citizen.goto(f"{site}/services/track")
    citizen.get_by_label("查询码").fill(code.lower().replace("-", " "))
    citizen.get_by_label("手机号码").fill("138 1234 5678")
    citizen.get_by_role("button", name="查询").click()
    citizen.wait_for_url(f"{site}/services/track/status")
    todo = citizen.get_by_role("region", name="需要补正的内容")
    assert "请补充学历证书的学信网电子注册备案表。" in todo.inner_text()
    assert citizen.locator(".svc-state").inner_text() == "待补正"
    assert citizen.get_by_label("工作单位").input_value() == "廊坊市第一中学"  # the form starts from what was sent
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(tmp_path / "track-returned-390.png"), full_page=True)
    citizen.get_by_label("学历证书").set_input_files(files=[{"name": "学信网备案表.pdf",
                                                            "mimeType": "application/pdf", "buffer": PDF}])
    citizen.get_by_label("补正说明").fill("已补充学信网电子注册备案表。")
    citizen.get_by_role("button", name="提交补正后的申请").click()
    citizen.wait_for_url(f"{site}/services/track/status")
    assert "补正后的申请已提交" in citizen.locator(".svc-flash").inner_text()
    assert citizen.locator(".svc-state").inner_text() == "待受理"
    history = citizen.locator(".svc-history").inner_text()
    assert "提交申请" in history and "待补正" in history and "提交补正材料" in history
    citizen.screenshot(path=str(tmp_path / "track-corrected-390.png"), full_page=True)

    # Someone with the code but the wrong phone learns nothing.
    stranger = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True).new_page()
    stranger.goto(f"{site}/services/track")
    stranger.get_by_label("查询码").fill(code)
    stranger.get_by_label("手机号码").fill("13987654321")
    stranger.get_by_role("button", name="查询").click()
    assert "没有找到与该查询码和手机号码相符的申请" in stranger.get_by_role("alert").inner_text()
    stranger.screenshot(path=str(tmp_path / "track-no-match-390.png"), full_page=True)

    # The officer sees the corrected material beside the replaced one, and accepts it.
    officer.reload()
    assert "已被补正文件替换" in officer.locator("main").inner_text()
    accepting = officer.locator("form", has=officer.get_by_role("heading", name="受理", exact=True))
    accepting.get_by_role("button", name="受理", exact=True).click()
    assert "已受理" in officer.locator(".flash-success").inner_text()
    citizen.reload()
    assert citizen.locator(".svc-state").inner_text() == "已受理，正在办理"
    assert errors == []
    desk.close()
    phone.close()
