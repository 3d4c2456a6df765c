"""A site administrator deletes a section in a real browser: a page says what goes, and asks for the name."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.test_staff import credentials, sign_in

pytestmark = pytest.mark.browser

#: Where to keep the screenshots of the confirmation page, to look at (set to a folder; unset: a temporary one).
SHOTS = os.environ.get("GOVSITES_SCREENSHOTS")


@pytest.mark.parametrize("width", [390, 1280])
def test_deleting_a_section_asks_first_and_keeps_one_with_published_items(browser, live_city, tmp_path, width):
    port, accounts = live_city
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, port, "rsj.localhost", "rsj.siteadmin", credentials(accounts, "rsj.siteadmin"))
    page.goto(f"http://rsj.localhost:{port}/admin/sections/")
    # The demo's specialized sections hold published items: the page says so and offers no way to delete. (The
    # disclosure column's parts, the site's own sections below it, are left aside: the guide is a page.)
    page.locator("tr", has=page.locator(".tag", has_text="专业栏目"), has_not_text="/sections/disclosure-").first\
        .get_by_role("link", name=re.compile("^删除")).click()
    assert "暂时不能删除" in page.locator("main").inner_text()
    assert page.get_by_role("textbox").count() == 0
    page.screenshot(path=str(shots / f"section-delete-refused-{width}.png"), full_page=True)
    # A new, empty section: its name typed again deletes it.
    page.goto(f"http://rsj.localhost:{port}/admin/sections/")
    name = f"临时栏目{width}"
    page.get_by_label("名称（中文）").fill(name)
    page.get_by_label("名称（英文）").fill(f"Temporary {width}")
    page.get_by_label("地址名").fill(f"temporary-{width}")
    page.get_by_role("button", name="保存栏目").click()
    page.locator("tr", has_text=name).get_by_role("link", name=re.compile("^删除")).click()
    assert "删除后无法恢复" in page.locator("main").inner_text()
    page.get_by_label("请输入栏目名称以确认").fill("别的名字")
    page.get_by_role("button", name="永久删除这个栏目").click()
    assert "请准确输入栏目名称以确认" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / f"section-delete-confirm-{width}.png"), full_page=True)
    page.get_by_label("请输入栏目名称以确认").fill(name)
    page.get_by_role("button", name="永久删除这个栏目").click()
    assert f"“{name}”已删除" in page.get_by_role("status").inner_text()
    assert name not in page.locator("table").inner_text()
    context.close()
