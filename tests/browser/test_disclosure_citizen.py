"""A citizen on a phone applies for government information, the disclosure officer at a desk registers and answers
it with the document attached, and the citizen reads the reply and downloads it. A real browser against the
served demo city (its demo disclosure officer)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.test_staff import credentials, sign_in

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = os.environ.get("GOVSITES_SCREENSHOTS")


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing runs off the screen"


def test_a_citizen_applies_on_a_phone_and_reads_the_reply(browser, live_city, tmp_path):
    port, accounts = live_city
    shots = Path(SHOTS) if SHOTS else tmp_path
    site = f"http://rsj.localhost:{port}"
    phone = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    errors = []
    citizen.on("pageerror", lambda e: errors.append(str(e)))

    citizen.goto(f"{site}/disclosure/request")
    assert citizen.locator("h1").inner_text() == "依申请公开"
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "disclosure-guide-390.png"), full_page=True)
    citizen.get_by_role("link", name="在线申请").click()
    citizen.wait_for_url(f"{site}/disclosure/apply")

    # The organisation's fields are hidden while "citizen" is chosen; shown when the other kind is.
    assert citizen.get_by_label("统一社会信用代码").is_hidden()
    citizen.get_by_label("法人或者其他组织").check()
    assert citizen.get_by_label("统一社会信用代码").is_visible()
    assert citizen.get_by_label("姓名", exact=True).is_hidden()
    citizen.get_by_label("公民").check()

    # A mistyped ID number, nothing described, the declaration not ticked.
    citizen.get_by_label("姓名", exact=True).fill("王小明")
    citizen.get_by_label("居民身份证号码").fill("110105194912310021")
    citizen.get_by_label("手机号码").fill("13812345678")
    citizen.get_by_role("button", name="提交申请").click()
    summary = citizen.get_by_role("alert")
    assert "请更正以下内容" in summary.inner_text() and "请勾选承诺" in summary.inner_text()
    assert citizen.get_by_label("姓名", exact=True).input_value() == "王小明"
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "disclosure-apply-errors-390.png"), full_page=True)

    citizen.get_by_label("居民身份证号码").fill("11010519491231002X")
    citizen.get_by_label("信息名称或内容描述").fill("广阳区万庄新城二期地块国有土地上房屋征收补偿方案")
    citizen.get_by_label("电子版").check()
    citizen.get_by_label("网上获取（在查询页面下载）").check()
    citizen.get_by_label("本人承诺").check()
    citizen.get_by_role("button", name="提交申请").click()
    citizen.wait_for_url(f"{site}/disclosure/receipt")
    code = citizen.locator(".svc-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert "答复期限" in citizen.locator("main").inner_text()
    assert "王小明" not in citizen.content() and "13812345678" not in citizen.content()
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "disclosure-receipt-390.png"), full_page=True)

    # The disclosure officer, at a desk, registers it and answers with the document attached.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    sign_in(officer, port, "rsj.localhost", "rsj.disclosureofficer", credentials(accounts, "rsj.disclosureofficer"))
    officer.wait_for_url(f"{site}/admin/")
    assert "政府信息公开申请" in officer.locator("main").inner_text()
    officer.goto(f"{site}/admin/disclosure/applications/")
    row = officer.locator("tr", has_text=code)
    assert "王**" in row.inner_text() and "待登记" in row.inner_text()
    officer.screenshot(path=str(shots / "disclosure-queue-1280.png"), full_page=True)
    row.get_by_role("link", name=code).click()
    assert "11010519491231002X" in officer.locator("main").inner_text()
    officer.locator("form", has=officer.get_by_role("heading", name="登记")).get_by_role("button", name="登记").click()
    assert "已登记" in officer.locator(".flash-success").inner_text()
    answering = officer.locator("form", has=officer.get_by_role("heading", name="答复", exact=True))
    answering.get_by_label("予以公开").check()
    answering.get_by_label("给申请人的答复").fill("您申请的征收补偿方案见附件。")
    answering.get_by_label("公开的信息或答复书").set_input_files(files=[
        {"name": "征收补偿方案.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    officer.screenshot(path=str(shots / "disclosure-officer-1280.png"), full_page=True)
    answering.get_by_role("button", name="发送答复").click()
    assert "已答复" in officer.locator(".flash-success").inner_text()

    # Back on the phone: the citizen checks with code and phone and reads the reply.
    citizen.goto(f"{site}/disclosure/track")
    citizen.get_by_label("查询码").fill(code.lower())
    citizen.get_by_label("手机号码").fill("138 1234 5678")
    citizen.get_by_role("button", name="查询").click()
    citizen.wait_for_url(f"{site}/disclosure/track/status")
    reply = citizen.get_by_role("region", name=re.compile("答复"))
    assert "予以公开" in reply.inner_text() and "您申请的征收补偿方案见附件。" in reply.inner_text()
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "disclosure-reply-390.png"), full_page=True)
    with citizen.expect_download() as download:
        reply.get_by_role("link", name="征收补偿方案.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert errors == []
    desk.close()
    phone.close()
