"""Correcting a published item in a real browser: the editor corrects it over the live text, the public keeps
the live text, the reviewer reads the compare and approves, the publisher publishes; phone and desktop widths."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_staff import credentials, sign_in

pytestmark = pytest.mark.browser


def staff_page(browser, live_city, username: str, width: int = 1280):
    port, accounts = live_city
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, port, "rsj.localhost", username, credentials(accounts, username))
    page.wait_for_url(f"http://rsj.localhost:{port}/admin/")
    return context, page, errors


def test_a_correction_waits_over_the_live_text_until_it_is_published(browser, live_city, tmp_path):
    port, _ = live_city
    site = f"http://rsj.localhost:{port}"
    context, page, errors = staff_page(browser, live_city, "rsj.editor")
    page.goto(f"{site}/admin/articles/?status=published")
    link = page.locator("table td:nth-child(2) > a").last
    live_title, location = link.inner_text(), link.get_attribute("href")
    article_id = int(location.rsplit("/", 1)[1])
    page.goto(site + location)
    page.get_by_role("button", name="更正已发布的文本").click()
    assert "现在可以在下方更正文本" in page.locator(".flash-success").inner_text()
    title = page.get_by_label("标题", exact=True)
    title.fill(live_title + "（更正）")
    body = page.get_by_role("textbox", name="正文", exact=True)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("报名时间延长至12月9日。")
    page.get_by_role("button", name="保存更正").click()
    page.wait_for_url(f"{site}{location}")
    pending = page.get_by_role("region", name="已发布的文本有一项待发布的更正")
    assert "更正：编辑中。" in pending.inner_text()
    pending.locator("summary").click()
    assert pending.locator("ins", has_text="（更正）").count() == 1
    assert pending.locator("ins", has_text="报名时间延长至12月9日。").count() == 1
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"correction-pending-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off a phone
    page.set_viewport_size({"width": 1280, "height": 900})

    visitor = browser.new_context().new_page()
    visitor.goto(f"{site}/articles/{article_id}")
    assert visitor.locator("h1").inner_text() == live_title and "12月9日" not in visitor.content()

    page.get_by_role("button", name="将更正送审").click()
    context.close()
    context, page, _ = staff_page(browser, live_city, "rsj.reviewer", width=390)
    page.goto(site + location)
    assert page.get_by_label("标题", exact=True).is_disabled()
    page.get_by_role("link", name="在历史版本中查看这项对比").click()
    diff = page.get_by_role("region", name=re.compile("版本 \\d+ 到版本 \\d+ 的变化"))
    assert "标题" in diff.inner_text() and "<p>" not in diff.inner_text()
    page.screenshot(path=str(tmp_path / "correction-compare-390.png"), full_page=True)
    page.go_back()
    page.get_by_role("button", name="审核通过更正").click()
    assert "已审核，待发布" in page.locator(".flash-success").inner_text()
    context.close()

    visitor.reload()
    assert visitor.locator("h1").inner_text() == live_title
    context, page, _ = staff_page(browser, live_city, "rsj.publisher")
    page.goto(site + location)
    page.get_by_role("button", name="发布更正").click()
    assert "更正已发布" in page.locator(".flash-success").inner_text()
    context.close()
    visitor.reload()
    assert visitor.locator("h1").inner_text() == live_title + "（更正）"
    assert "报名时间延长至12月9日。" in visitor.locator(".article-body").inner_text()
    assert "更正时间" in visitor.locator(".meta").inner_text()
    visitor.context.close()
    assert errors == []
