"""A citizen on a phone writes to the Personnel Bureau's consultation mailbox; its interaction officer forwards the
letter to the Finance Bureau, whose officer replies and publishes it; the citizen reads the reply through the first
bureau's query and in the second bureau's published letters. A real browser against the served demo city."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.test_staff import credentials, sign_in

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 390, "height": 844}
SUBJECT = "浏览器测试：灵活就业社保补贴怎么申请"
BODY = "我叫赵一鸣，手机13712345678。去年失业后灵活就业，请问能否申请社保补贴？需要到哪个部门办理？"


def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: LETTERS_SHOTS when set (for a person to look at), else the test's folder."""
    folder = Path(os.environ.get("LETTERS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing runs off the screen"


def test_written_on_a_phone_forwarded_answered_elsewhere_and_read_published(browser, live_city, tmp_path):
    port, accounts = live_city
    shots = _shots(tmp_path)
    rsj, czj = f"http://rsj.localhost:{port}", f"http://czj.localhost:{port}"
    phone = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    errors = []
    citizen.on("pageerror", lambda e: errors.append(str(e)))

    # The interaction section lists the mailboxes with their rules; the citizen picks consultation.
    citizen.goto(f"{rsj}/sections/interaction/")
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "section-390.png"), full_page=True)
    citizen.locator(".mailbox-consultation").get_by_role("link", name="我要写信").click()
    citizen.wait_for_url(f"{rsj}/interaction/write/consultation")
    assert "来信须知" in citizen.locator("main").inner_text()
    # A mistake first: no subject, a mobile number too short.
    citizen.get_by_label("来信内容").fill(BODY)
    citizen.get_by_label("姓名").fill("赵一鸣")
    citizen.get_by_label("手机号码").fill("137123")
    citizen.get_by_label("同意（隐去个人信息后公开）").check()
    citizen.get_by_label("本人承诺").check()
    citizen.get_by_role("button", name="提交来信").click()
    summary = citizen.get_by_role("alert")
    assert "请填写来信标题" in summary.inner_text() and "手机号码" in summary.inner_text()
    assert citizen.get_by_label("来信内容").input_value() == BODY  # what was typed is kept
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "write-errors-390.png"), full_page=True)
    citizen.get_by_label("标题").fill(SUBJECT)
    citizen.get_by_label("手机号码").fill("13712345678")
    citizen.get_by_label("本人承诺").check()
    citizen.get_by_role("button", name="提交来信").click()
    citizen.wait_for_url(f"{rsj}/interaction/receipt")
    code = citizen.locator(".svc-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert "答复期限" in citizen.locator("main").inner_text()
    assert "赵一鸣" not in citizen.content() and "13712345678" not in citizen.content()
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "receipt-390.png"), full_page=True)

    # The Personnel Bureau's officer, at a desk, opens it from the queue and forwards it to the Finance Bureau.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    sign_in(officer, port, "rsj.localhost", "rsj.interactionofficer",
            credentials(accounts, "rsj.interactionofficer"))
    officer.wait_for_url(f"{rsj}/admin/")
    assert "来信办理" in officer.locator("main").inner_text()  # the admin home's card
    officer.screenshot(path=str(shots / "admin-home-1280.png"), full_page=True)
    officer.get_by_role("navigation").get_by_role("link", name="来信办理", exact=True).click()
    row = officer.locator("tr", has_text=SUBJECT)
    assert "赵**" in row.inner_text() and "137****5678" in row.inner_text()
    officer.screenshot(path=str(shots / "admin-queue-1280.png"), full_page=True)
    row.get_by_role("link", name=SUBJECT).click()
    assert "13712345678" in officer.locator("main").inner_text()  # in full for the site's officer
    officer.screenshot(path=str(shots / "admin-letter-1280.png"), full_page=True)
    forwarding = officer.locator("form", has=officer.get_by_role("heading", name="转其他部门办理"))
    forwarding.get_by_label("部门", exact=True).select_option(label="廊坊市财政局")
    forwarding.get_by_label("给接收部门的说明（选填）").fill("涉及社保补贴资金，请贵局答复。")
    forwarding.get_by_role("button", name="转办").click()
    assert "已转办" in officer.locator(".flash-success").inner_text()
    assert "已转至廊坊市财政局办理" in officer.locator("main").inner_text()

    # The Finance Bureau's officer finds it in its own queue, replies and publishes the masked version.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    finance = other.new_page()
    sign_in(finance, port, "czj.localhost", "czj.interactionofficer",
            credentials(accounts, "czj.interactionofficer"))
    finance.wait_for_url(f"{czj}/admin/")
    finance.goto(f"{czj}/admin/interaction/letters/?state=new")
    finance.locator("tr", has_text=SUBJECT).get_by_role("link", name=SUBJECT).click()
    page_text = finance.locator("main").inner_text()
    assert "转自廊坊市人事局" in page_text and "涉及社保补贴资金" in page_text
    replying = finance.locator("form", has=finance.get_by_role("heading", name="答复", exact=True))
    replying.get_by_label("答复", exact=True).fill("您好！灵活就业人员社保补贴由区人社部门受理、财政部门拨付，"
                                                   "请携带身份证到户籍所在区人社局窗口申报。")
    replying.get_by_label("答复单位").fill("社会保障科")
    replying.get_by_role("button", name="发送答复").click()
    assert "已答复" in finance.locator(".flash-success").inner_text()
    publishing = finance.locator("form", has=finance.get_by_role("heading", name="在来信选登中公开"))
    masked = publishing.get_by_label("公开的来信内容").input_value()
    assert "赵**" in masked and "137****5678" in masked and "赵一鸣" not in masked
    finance.screenshot(path=str(shots / "admin-publish-1280.png"), full_page=True)
    publishing.get_by_label("我已核对脱敏后的内容").check()
    publishing.get_by_role("button", name="发布").click()
    assert "已在来信选登中公开" in finance.locator(".flash-success").inner_text()

    # The citizen asks the Personnel Bureau with the code: it says where the letter went, and the reply there.
    citizen.goto(f"{rsj}/interaction/query")
    citizen.get_by_label("查询码").fill(code.lower().replace("-", " "))
    citizen.get_by_label("手机号码").fill("137 1234 5678")
    citizen.get_by_role("button", name="查询").click()
    citizen.wait_for_url(f"{rsj}/interaction/query/letter")
    where = citizen.get_by_role("region", name="来信去向").inner_text()
    assert "已转至廊坊市财政局" in where and "社会保障科" in where and "户籍所在区人社局窗口申报" in where
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "query-forwarded-390.png"), full_page=True)

    # And reads it among the Finance Bureau's published letters, with no personal details.
    citizen.goto(f"{czj}/interaction/letters")
    citizen.get_by_role("link", name=SUBJECT).click()
    text = citizen.locator("main").inner_text()
    assert "户籍所在区人社局窗口申报" in text and "社会保障科" in text
    assert "赵一鸣" not in citizen.content() and "13712345678" not in citizen.content()
    _no_sideways_scroll(citizen, 390)
    citizen.screenshot(path=str(shots / "published-one-390.png"), full_page=True)
    citizen.goto(f"{czj}/interaction/letters")
    citizen.screenshot(path=str(shots / "published-390.png"), full_page=True)
    assert errors == []
    desk.close()
    other.close()
    phone.close()


def test_the_officers_queue_on_a_phone_shows_each_due_date_without_scrolling_sideways(browser, live_city, tmp_path):
    port, accounts = live_city
    phone = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    officer = phone.new_page()
    sign_in(officer, port, "rsj.localhost", "rsj.interactionofficer", credentials(accounts, "rsj.interactionofficer"))
    officer.goto(f"http://rsj.localhost:{port}/admin/interaction/letters/?state=all")
    _no_sideways_scroll(officer, 390)
    due = officer.locator("tbody tr").first.locator("td[data-label='到期']")
    box = due.bounding_box()  # the cell itself is on the screen, not in a table scrolled off to the right
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    officer.screenshot(path=str(_shots(tmp_path) / "admin-queue-390.png"), full_page=True)
    phone.close()
