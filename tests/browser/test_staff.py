"""Department staff in a real browser: an editor signs in, an administrator grants a role."""
from __future__ import annotations

import csv

import pytest

pytestmark = pytest.mark.browser


def credentials(csv_path, username: str) -> str:
    with open(csv_path, encoding="utf-8") as fh:
        return next(row["password"] for row in csv.DictReader(fh) if row["username"] == username)


def sign_in(page, port: int, host: str, username: str, password: str) -> None:
    page.goto(f"http://{host}:{port}/admin/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_editor_signs_in_and_administrator_assigns_a_role(browser, live_city):
    port, accounts = live_city
    editor = browser.new_context()
    page = editor.new_page()
    sign_in(page, port, "rsj.localhost", "rsj.editor", credentials(accounts, "rsj.editor"))
    page.wait_for_url(f"http://rsj.localhost:{port}/admin/")
    assert page.locator("h1").inner_text() == "概览"
    assert "编辑" in page.get_by_role("region", name="我在本网站的角色").inner_text()
    # An editor has no business in the people pages.
    assert page.goto(f"http://rsj.localhost:{port}/admin/users").status == 403
    editor.close()

    admin = browser.new_context()
    page = admin.new_page()
    sign_in(page, port, "rsj.localhost", "rsj.siteadmin", credentials(accounts, "rsj.siteadmin"))
    page.get_by_role("link", name="人员与角色").click()
    page.get_by_role("link", name="人事局采集员", exact=False).first.click()
    page.get_by_label("审核员").check()
    page.get_by_role("button", name="保存角色").click()
    assert "角色已保存" in page.get_by_role("status").inner_text()
    assert page.get_by_label("审核员").is_checked() and page.get_by_label("采集员").is_checked()
    page.get_by_role("link", name="审计日志").click()
    trail = page.locator("table").inner_text()
    assert "授予角色" in trail and "角色：审核员" in trail and "role.grant" not in trail  # words, not codes
    admin.close()

    collector = browser.new_context()
    page = collector.new_page()
    sign_in(page, port, "rsj.localhost", "rsj.collector", credentials(accounts, "rsj.collector"))
    roles = page.get_by_role("region", name="我在本网站的角色").inner_text()
    assert "采集员" in roles and "审核员" in roles
    collector.close()


def test_wrong_password_is_told_without_saying_why(browser, live_city):
    port, _ = live_city
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, port, "czj.localhost", "rsj.editor", "whatever-Wrong-1")
    assert "用户名或密码不正确" in page.locator("main").inner_text()
    assert page.get_by_label("用户名").input_value() == "rsj.editor"
    context.close()
