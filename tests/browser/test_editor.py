"""The article form's rich-text editor in a real browser: Chinese input (committed and composed), the
toolbar, what is saved, stored markup through the editor, pasted markup kept to the allow-list, a
read-only item, and the plain textarea without JavaScript."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_staff import credentials, sign_in

pytestmark = pytest.mark.browser

#: Every element the server's allow-list keeps (core/content/sanitize.py), written without the editor.
ALLOWED_MARKUP = (
    "<h2>一、招聘范围</h2><p>面向<strong>全市</strong>、<em>全省</em>、<u>全国</u>、<s>境外</s>招聘，"
    "面积100m<sup>2</sup>，H<sub>2</sub>O。<br>第二行。</p>"
    "<h3>（一）岗位</h3><h4>1. 条件</h4>"
    "<blockquote><p>引用的文件内容。</p></blockquote>"
    "<ul><li><p>本科及以上学历</p></li><li><p>年龄35周岁以下</p></li></ul>"
    "<ol><li><p>网上报名</p></li><li><p>资格审查</p></li></ol>"
    '<p>详见<a href="https://www.gov.cn/zhengce/" title="中国政府网">政策文件</a>，'
    '或发邮件至<a href="mailto:rsj@example.gov.cn">人事局</a>。</p>'
    '<p><img src="/_themes/default/emblem.svg" alt="国徽" width="64" height="64"></p>'
    "<hr>"
    '<table><tbody><tr><th colspan="2" rowspan="1"><p>岗位</p></th><th colspan="1" rowspan="1"><p>人数</p></th></tr>'
    '<tr><td colspan="1" rowspan="2"><p>管理</p></td><td colspan="1" rowspan="1"><p>科员</p></td>'
    '<td colspan="1" rowspan="1"><p>2</p></td></tr>'
    '<tr><td colspan="1" rowspan="1"><p>副科</p></td><td colspan="1" rowspan="1"><p>1</p></td></tr></tbody></table>'
    '<table><caption>表2 报名时间</caption><thead><tr><th scope="col">阶段</th><th scope="col">日期</th></tr></thead>'
    "<tbody><tr><td>报名</td><td>12月1日</td></tr></tbody></table>"
    "<p>正文结尾。</p>"
)


def collector_page(browser, live_city, **context_options):
    port, accounts = live_city
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, port, "rsj.localhost", "rsj.collector", credentials(accounts, "rsj.collector"))
    page.wait_for_url(f"http://rsj.localhost:{port}/admin/")
    return context, page, errors


def open_new_article(page, port: int) -> None:
    response = page.goto(f"http://rsj.localhost:{port}/admin/articles/new")
    assert response.status == 200, response.status


def test_chinese_text_and_bold_from_the_toolbar_are_saved(browser, live_city, tmp_path):
    port, _ = live_city
    context, page, errors = collector_page(browser, live_city)
    open_new_article(page, port)

    editor = page.get_by_role("textbox", name="正文", exact=True)
    editor.wait_for()
    toolbar = page.get_by_role("toolbar", name="正文格式")
    assert toolbar.is_visible()
    assert page.locator("textarea#body_html").is_hidden()  # still in the form, as the submitted field
    page.screenshot(path=str(tmp_path / "editor-empty.png"), full_page=True)

    # The title as an input method commits it, then the body.
    page.get_by_label("标题", exact=True).click()
    page.keyboard.insert_text("关于做好2026年度事业单位公开招聘工作的通知")
    editor.click()
    page.keyboard.insert_text("为进一步做好人才招聘工作，现将有关事项通知如下。")
    page.keyboard.press("Enter")
    page.keyboard.type("Version 2.0 (ASCII typed key by key)")
    page.keyboard.press("Enter")
    # A real composition, as a pinyin input method drives it: the letters show while composing,
    # then the characters chosen replace them.
    cdp = context.new_cdp_session(page)
    for typed in ("ren", "ren'shi", "ren'shi'ju"):
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
    cdp.send("Input.insertText", {"text": "人事局"})
    page.keyboard.insert_text("发布。")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("重要提示：请按时报名。")
    # Select the first four characters of that line and make them bold with the toolbar.
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    bold = toolbar.get_by_role("button", name="加粗")
    bold.click()
    assert bold.get_attribute("aria-pressed") == "true"
    # A heading and a list from the toolbar too. (The editor learns of a caret moved by a key from the
    # browser's selectionchange event: let it arrive before the next key, as it does between human keystrokes.)
    page.keyboard.press("End")
    page.wait_for_function("() => document.getSelection().isCollapsed")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("报名方式")
    toolbar.get_by_role("combobox", name="段落样式").select_option(label="一级标题")
    expect(editor).to_be_focused()  # the editor takes the focus back from the toolbar
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="项目符号列表").click()
    page.keyboard.insert_text("网上报名")
    # A link on those words: the address is asked for in a prompt.
    page.keyboard.press("Shift+Home")
    page.wait_for_function("() => document.getSelection().toString() === '网上报名'")
    page.once("dialog", lambda dialog: dialog.accept("https://rsj.example.gov.cn/baoming"))
    toolbar.get_by_role("button", name="链接").click()
    expect(toolbar.get_by_role("button", name="链接")).to_have_attribute("aria-pressed", "true")

    synced = page.locator("textarea#body_html").input_value()
    assert "<strong>重要提示</strong>" in synced, synced
    page.screenshot(path=str(tmp_path / "editor-filled.png"), full_page=True)

    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(rf"http://rsj\.localhost:{port}/admin/articles/\d+$"))
    assert "草稿已保存" in page.locator(".flash-success").inner_text()
    assert page.locator(".flash-warning").count() == 0  # the sanitiser removed nothing the editor wrote

    # The edit page re-shows the saved HTML, in the editor.
    saved = page.locator("textarea#body_html").input_value()
    assert "<p>为进一步做好人才招聘工作，现将有关事项通知如下。</p>" in saved, saved
    assert "<p>Version 2.0 (ASCII typed key by key)</p>" in saved, saved
    assert "<p>人事局发布。</p>" in saved and "ren" not in saved, saved
    assert "<p><strong>重要提示</strong>：请按时报名。</p>" in saved, saved
    assert "<h2>报名方式</h2>" in saved, saved
    assert '<ul><li><p><a href="https://rsj.example.gov.cn/baoming" rel="noopener noreferrer">网上报名</a></p></li></ul>' \
        in saved, saved
    editor = page.get_by_role("textbox", name="正文", exact=True)
    assert editor.locator("strong").inner_text() == "重要提示"
    assert "为进一步做好人才招聘工作" in editor.inner_text()
    assert page.locator("h1").inner_text() == "关于做好2026年度事业单位公开招聘工作的通知"
    assert errors == []
    context.close()


def test_allowed_markup_round_trips_through_the_editor(browser, live_city):
    port, _ = live_city
    # Written without the editor (as an import or a no-script browser would) ...
    context, page, _ = collector_page(browser, live_city, java_script_enabled=False)
    open_new_article(page, port)
    page.get_by_label("标题", exact=True).fill("排版回归测试")
    page.get_by_label("正文", exact=True).fill(ALLOWED_MARKUP)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(rf"http://rsj\.localhost:{port}/admin/articles/\d+$"))
    url = page.url
    context.close()

    # ... then edited in it: one character added at the end, and saved again.
    context, page, errors = collector_page(browser, live_city)
    page.goto(url)
    editor = page.get_by_role("textbox", name="正文", exact=True)
    editor.wait_for()
    assert editor.locator("table th[colspan='2']").inner_text() == "岗位"
    stored = page.locator("textarea#body_html").input_value()
    assert "<caption>" in stored
    editor.locator("p").last.click()
    page.keyboard.press("End")
    # Until the text changes, the field keeps the stored markup exactly, caption and all.
    assert page.locator("textarea#body_html").input_value() == stored
    page.keyboard.insert_text("完")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(url)
    assert "已保存为新版本" in page.locator(".flash-success").inner_text()
    assert page.locator(".flash-warning").count() == 0
    saved = page.locator("textarea#body_html").input_value()
    for piece in ("<h2>一、招聘范围</h2>", "<h3>（一）岗位</h3>", "<h4>1. 条件</h4>", "<strong>全市</strong>",
                  "<em>全省</em>", "<u>全国</u>", "<s>境外</s>", "<sup>2</sup>", "<sub>2</sub>", "<br>",
                  "<blockquote><p>引用的文件内容。</p></blockquote>", "<ul><li><p>本科及以上学历</p></li>",
                  "<ol><li><p>网上报名</p></li>", 'title="中国政府网"', 'href="mailto:rsj@example.gov.cn"',
                  'alt="国徽"', 'width="64"', "<hr>", '<th colspan="2">', '<td rowspan="2">', "<p>正文结尾。完</p>",
                  # The editor has no caption: it becomes the paragraph above the table; header rows stay <th>.
                  "<p>表2 报名时间</p><table><tbody><tr><th><p>阶段</p></th><th><p>日期</p></th></tr>"):
        assert piece in saved, (piece, saved)
    assert 'colspan="1"' not in saved and "style=" not in saved and "<colgroup>" not in saved, saved

    # Sent on, the item is no longer the collector's to change: the editor is read-only.
    page.get_by_role("button", name="提交编辑").click()
    page.wait_for_url(url)
    editor = page.get_by_role("textbox", name="正文", exact=True)
    assert editor.get_attribute("aria-readonly") == "true" and editor.get_attribute("contenteditable") == "false"
    assert page.get_by_role("toolbar", name="正文格式").count() == 0
    assert "正文结尾。完" in editor.inner_text()
    assert errors == []
    context.close()


#: What a paste from Word, WPS or a web page brings along.
PASTED = (
    '<p class="MsoNormal" style="text-indent:2em"><span style="font-family:仿宋_GB2312;font-size:16pt">仿宋正文</span>'
    "<o:p></o:p></p>"
    '<ol start="3" type="a"><li>第三项</li></ol>'
    '<p><a href="https://www.gov.cn/" target="_blank" class="external" rel="nofollow">政府网</a>'
    '<img src="/_themes/default/emblem.svg" title="图片标题" alt="国徽" style="float:left"></p>'
    '<table style="width:500px"><colgroup><col width="200"></colgroup>'
    '<tr><td style="text-align:center" width="200">居中</td></tr></table>'
    '<script>window.pasted = 1</script><iframe src="about:blank"></iframe>'
)


def test_pasted_html_keeps_to_the_allow_list(browser, live_city):
    port, _ = live_city
    context, page, errors = collector_page(browser, live_city)
    open_new_article(page, port)
    page.get_by_label("标题", exact=True).fill("粘贴测试")
    editor = page.get_by_role("textbox", name="正文", exact=True)
    editor.click()
    editor.evaluate("""(el, html) => {
        const data = new DataTransfer();
        data.setData("text/html", html);
        data.setData("text/plain", "");
        el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", PASTED)
    body = page.locator("textarea#body_html").input_value()
    assert "仿宋正文" in body and "<ol><li><p>第三项</p></li></ol>" in body and "居中" in body, body
    assert '<a href="https://www.gov.cn/">政府网</a>' in body and '<img src="/_themes/default/emblem.svg" alt="国徽">' in body
    for left_out in ("style=", "class=", "target=", "start=", "type=", "width=", "图片标题", "<script", "<iframe",
                     "<colgroup", "<span", "<o:p"):
        assert left_out not in body, (left_out, body)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(rf"http://rsj\.localhost:{port}/admin/articles/\d+$"))
    assert page.locator(".flash-warning").count() == 0  # nothing for the sanitiser to remove
    assert page.evaluate("window.pasted") is None and errors == []
    context.close()


def test_without_javascript_the_plain_textarea_saves_a_draft(browser, live_city):
    port, _ = live_city
    context, page, _ = collector_page(browser, live_city, java_script_enabled=False)
    open_new_article(page, port)
    assert page.locator(".rte").count() == 0
    body = page.get_by_label("正文", exact=True)
    assert body.evaluate("el => el.tagName") == "TEXTAREA" and body.is_visible()
    page.get_by_label("标题", exact=True).fill("无脚本环境下的草稿")
    body.fill("<p>不用编辑器也能写正文。</p><p>第二段。</p>")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(rf"http://rsj\.localhost:{port}/admin/articles/\d+$"))
    assert "草稿已保存" in page.locator(".flash-success").inner_text()
    assert page.get_by_label("正文", exact=True).input_value() == "<p>不用编辑器也能写正文。</p><p>第二段。</p>"
    assert page.locator("h1").inner_text() == "无脚本环境下的草稿"
    context.close()


def _get(port: int, path: str):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"rsj.localhost:{port}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_the_vendor_route_serves_only_its_files(live_city):
    port, _ = live_city
    status, headers = _get(port, "/_vendor/tiptap.js")
    assert status == 200 and "javascript" in headers["Content-Type"]
    assert "max-age=31536000" in headers["Cache-Control"]
    assert _get(port, "/_vendor/tiptap.LICENSES.txt")[0] == 200
    for path in ("/_vendor/package.json", "/_vendor/build.js", "/_vendor/%2e%2e/package-lock.json",
                 "/_vendor/node_modules/esbuild/package.json", "/_vendor/"):
        assert _get(port, path)[0] == 404, path
