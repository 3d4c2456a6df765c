"""A citizen on a phone reads a draft put to the public and sends an opinion; the window closes; an interaction
officer at a desk decides on it and publishes the feedback summary; the citizen reads the whole cycle.
A real browser against the served demo city."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT
from tests.browser.test_staff import sign_in

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 390, "height": 844}
OFFICER, OFFICER_PASSWORD = "rsj.consult.officer", "Interaction-Officer-42"
TITLE = "廊坊市高校毕业生就业创业扶持办法（征求意见稿）"
#: Run in the live city's environment: a consultation of the Personnel Bureau open today, and an interaction officer.
SEED = """
import sys
from datetime import timedelta
from sqlalchemy import select
from core import create_app
from core.auth.models import User
from core.auth.operations import create_user
from core.extensions import db
from core.interaction.models_consultations import Consultation
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant

app = create_app()
with app.app_context():
    tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
    with activate_tenant(tenant.id):
        found = db.session.execute(select(Consultation).where(Consultation.title == sys.argv[1])).scalar_one_or_none()
        if found is None:
            today = now().date()
            found = Consultation(title=sys.argv[1], office="就业促进科", status="published", published_at=now(),
                                 open_on=today - timedelta(days=3), close_on=today + timedelta(days=26),
                                 body_html="<p>第一条 为促进高校毕业生就业创业，制定本办法。</p>"
                                           "<p>第二条 毕业两年内的高校毕业生在本市创业的，给予一次性创业补贴5000元。</p>",
                                 how_to="信函请寄：廊坊市人事局就业促进科（信封注明“征求意见”）")
            db.session.add(found)
        if db.session.execute(select(User).where(User.username == sys.argv[2])).scalar_one_or_none() is None:
            create_user(username=sys.argv[2], display_name="人事局互动交流专员", password=sys.argv[3],
                        roles=["interaction_officer"], must_change_password=False)
        db.session.commit()
        print(found.id)
"""
#: Time passes: the window ends yesterday (the rows changed through the ORM, so cached pages are dropped).
CLOSE = """
import sys
from datetime import timedelta
from sqlalchemy import select
from core import create_app
from core.extensions import db
from core.interaction.models_consultations import Consultation
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant

app = create_app()
with app.app_context():
    tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
    with activate_tenant(tenant.id):
        found = db.session.get(Consultation, int(sys.argv[1]))
        found.open_on, found.close_on = now().date() - timedelta(days=31), now().date() - timedelta(days=1)
        db.session.commit()
"""


def _run(env, script: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing runs off the screen"


def test_a_citizen_comments_on_a_phone_and_later_reads_the_summary(browser, live_city, live_env, tmp_path):
    port, _accounts = live_city
    _folder, env = live_env
    consultation_id = int(_run(env, SEED, TITLE, OFFICER, OFFICER_PASSWORD).strip().splitlines()[-1])
    site = f"http://rsj.localhost:{port}"
    phone = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    errors = []
    citizen.on("pageerror", lambda e: errors.append(str(e)))

    citizen.goto(f"{site}/consultations/")
    assert citizen.locator("h1").inner_text() == "意见征集"
    citizen.get_by_role("link", name=TITLE).click()
    assert citizen.locator("h1").inner_text() == TITLE
    assert "正在征集" in citizen.locator(".consult-phase").inner_text()
    _no_sideways_scroll(citizen, 390)

    # A mobile number mistyped and no opinion: both said at the top and under their fields, the rest kept.
    citizen.get_by_label("涉及条款（选填）").fill("第二条")
    citizen.get_by_label("手机号码（选填）").fill("1381234")
    citizen.get_by_role("button", name="提交意见").click()
    summary = citizen.get_by_role("alert")
    assert "请填写您的意见" in summary.inner_text() and "手机号码为11位数字" in summary.inner_text()
    assert citizen.get_by_label("涉及条款（选填）").input_value() == "第二条"
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(tmp_path / "consultation-errors-390.png"), full_page=True)

    citizen.get_by_label("您的意见").fill("建议将一次性创业补贴提高到1万元，并将毕业年限放宽到三年。")
    citizen.get_by_label("姓名（选填）").fill("李小红")
    citizen.get_by_label("手机号码（选填）").fill("139 1234 5678")
    citizen.get_by_role("button", name="提交意见").click()
    assert "您的意见已收到" in citizen.locator(".svc-flash").inner_text()
    assert "收到意见" in citizen.locator(".consult-facts").inner_text()
    page = citizen.content()
    assert "李小红" not in page and "13912345678" not in page and "1万元" not in page
    citizen.screenshot(path=str(tmp_path / "consultation-sent-390.png"), full_page=True)

    # The window closes; the officer, at a desk, decides on the opinion and publishes the summary.
    _run(env, CLOSE, str(consultation_id))
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    sign_in(officer, port, "rsj.localhost", OFFICER, OFFICER_PASSWORD)
    officer.wait_for_url(f"{site}/admin/")
    officer.get_by_role("navigation").get_by_role("link", name="意见征集", exact=True).click()
    officer.get_by_role("link", name=TITLE).click()
    officer.get_by_role("link", name="阅读并处理意见").click()
    card = officer.locator("li.card", has_text="1万元")
    assert "李小红" in card.inner_text() and "13912345678" in card.inner_text()  # in full, for the officer
    card.get_by_label("部分采纳").check()
    card.get_by_label("理由").fill("毕业年限放宽至三年；补贴标准维持5000元，与省级标准衔接。")
    card.get_by_role("button", name="保存处理结果").click()
    assert "处理结果已保存" in officer.locator(".flash-success").inner_text()
    officer.screenshot(path=str(tmp_path / "officer-opinions-1280.png"), full_page=True)
    officer.goto(f"{site}/admin/consultations/{consultation_id}/summary")
    officer.get_by_label("采纳情况说明").fill("共收到意见1条，部分采纳1条：毕业年限放宽至三年；补贴标准与省级标准衔接，维持5000元。")
    officer.get_by_role("button", name="发布采纳情况说明").click()
    assert "采纳情况说明已发布" in officer.locator(".flash-success").inner_text()

    # Back on the phone: the whole cycle, with the figures and no personal data.
    citizen.goto(f"{site}/consultations/{consultation_id}")
    assert "已反馈" in citizen.locator(".consult-phase").inner_text()
    result = citizen.get_by_role("region", name="意见采纳情况").inner_text()
    assert "毕业年限放宽至三年" in result
    counts = citizen.evaluate("Object.fromEntries([...document.querySelectorAll('.consult-counts tr')]"
                              ".map(r => [r.cells[0].innerText, r.cells[1].innerText]))")
    assert counts == {"收到意见": "1", "采纳": "0", "部分采纳": "1", "未采纳": "0"}
    assert citizen.get_by_label("您的意见").count() == 0
    page = citizen.content()
    assert "李小红" not in page and "13912345678" not in page
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(tmp_path / "consultation-summary-390.png"), full_page=True)
    assert errors == []
    desk.close()
    phone.close()
